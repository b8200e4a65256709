"""Choosing a backend: each candidate is tried with a no-op computation before it is trusted.

``auto`` tries :data:`~quizkit.sandbox.backends.AUTO_ORDER` (bubblewrap, then a container
engine) and takes the first whose no-op run comes back; ``none`` (no isolation) is only
granted when the caller passes ``unsafe=True``. :func:`limits_in_force` says in words which
limits hold with the chosen backend on this machine.

>>> choose("none", unsafe=True)
(Backend(name='none', executable=None, masked=(), drop_root=False), '')
>>> choose("none")[1]
'--isolation none runs code without isolation: it needs --unsafe-no-isolation'
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from pathlib import Path

from quizkit.sandbox import cgroups
from quizkit.sandbox.backends import AUTO_ORDER, BACKENDS, NONE, Backend
from quizkit.sandbox.limits import Limits
from quizkit.sandbox.run import compute

PROBE = {"source": "def f():\n    return 1\n", "entry": "f", "calls": [{"args": []}]}
PROBE_LIMITS = Limits(wall_s=30, cpu_s=10, memory_mb=1024)


@functools.cache
def probe(backend: Backend) -> str | None:
    """Why ``backend`` cannot compute here (None: a no-op computation came back right)."""
    done = compute(PROBE, backend, PROBE_LIMITS)
    if done.status == "ran" and done.values == [{"value": 1}]:
        return None
    detail = " ".join((done.message + " " + done.output).split())[:300]
    return f"{backend.name}: a no-op run failed ({done.status}: {detail})"


def _candidates(name: str, masked: tuple[str, ...]) -> tuple[list[Backend], list[str]]:
    exe, why = BACKENDS[name].locate()
    return (BACKENDS[name].variants(exe, masked), []) if exe else ([], [why])


def choose(isolation: str = "auto", *, unsafe: bool = False, masked: Iterable[str | Path] = ()) -> tuple[Backend | None, str]:
    """The backend for ``--isolation``: (Backend, "") or (None, why none works here).

    ``masked``: files the child must never see (keys, submissions).
    """
    if isolation != "auto" and isolation not in BACKENDS:
        raise ValueError(f"--isolation must be one of auto, {', '.join(BACKENDS)}, not {isolation!r}")
    if isolation != "auto" and not BACKENDS[isolation].isolated:
        return (NONE, "") if unsafe else (None, f"--isolation {isolation} runs code without isolation: it needs --unsafe-no-isolation")
    masked_t = tuple(sorted({os.path.realpath(p) for p in masked}))
    reasons = []
    for name in (AUTO_ORDER if isolation == "auto" else (isolation,)):
        found, why = _candidates(name, masked_t)
        reasons += why
        for backend in found:
            problem = probe(backend)
            if problem is None:
                return backend, ""
            reasons.append(problem)
    if unsafe:
        return NONE, ""
    return None, "; ".join(reasons)


def limits_in_force(backend: Backend | None, limits: Limits) -> str:
    """One line: which limits hold per computation with ``backend`` on this machine."""
    if backend is None:
        return "no sandbox: code answers are not run"
    group = cgroups.create(limits) if backend.kind.grader_cgroup else None
    kind = group.kind if group is not None else None
    if group is not None:
        group.remove()
    tmpfs = f"/tmp and /dev/shm {limits.tmpfs_mb} MB each" if backend.isolated else "no private /tmp"
    if backend.kind.grader_cgroup and kind:
        counted = (f"{kind}: {limits.cpu_s:g} s CPU, {limits.memory_mb} MB memory and {limits.processes} processes "
                   "over all its processes, one CPU at most, equal CPU weight")
    elif backend.isolated and not backend.kind.grader_cgroup:
        counted = f"the engine's cgroup: {limits.memory_mb} MB memory, {limits.processes} processes, one CPU"
    else:
        user = "for its uid" if backend.drop_root else ("for the grader's uid" if not backend.isolated else "in its user namespace")
        counted = (f"no cgroup: {limits.cpu_s:g} s CPU and {limits.memory_mb} MB address space per process, "
                   f"{limits.processes} processes {user}")
    who = "as an unprivileged uid of its own" if backend.drop_root else ("as uid 65534 in a user namespace" if backend.isolated else "as the grader's own user, NOT isolated")
    return f"limits per code answer ({backend.name}, {who}): {counted}; {limits.wall_s:g} s wall clock; {tmpfs}"
