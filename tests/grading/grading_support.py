"""Shared by the grading tests: bubblewrap or a visible skip (a failure in CI)."""

import functools
import os

import pytest

from quizkit.sandbox import Backend, choose


def bwrap_problem() -> str | None:
    return choose("bwrap")[1] or None


@functools.cache
def _bwrap() -> tuple[Backend | None, str | None]:
    why = bwrap_problem()
    return (None, why) if why else (choose("bwrap")[0], None)


def bwrap_or_skip() -> Backend:
    """The bubblewrap backend; skip with the reason outside CI, fail in CI (CI=true) where it must work."""
    isolation, why = _bwrap()
    if isolation is None:
        message = f"bubblewrap isolation unavailable: {why}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: tools/test.sh installs bubblewrap, so this must work)")
        pytest.skip(message)
    return isolation
