"""Judge computed outputs against expected values: every pass/fail decision happens here.

The computing process (:mod:`quizkit.sandbox`) only returns plain JSON data; this
module compares that data with the key's expected value, so no object of the learner's
(an ``__eq__`` that is always true, a redefined builtin) takes part in a decision.

>>> same(0.30000000000000004, 0.3, tolerance=1e-9)
True
>>> same([1, 1, 1, 1], [1, 1, 1, True], tolerance=0)
False
>>> describe({"a": [1, 2.5]})
"{'a': [1, 2.5]}"
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

SHOWN_CHARS = 200


def same(got: Any, expected: Any, tolerance: float = 0.0) -> bool:
    """Plain data equality; numbers (not booleans) within ``tolerance``; list and dict shapes must match."""
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        return type(got) is type(expected) and got == expected
    if isinstance(expected, (int, float)):
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            return False
        if isinstance(got, float) and not math.isfinite(got):
            return False
        return abs(got - expected) <= tolerance * (1 + 1e-12) if tolerance else got == expected
    if isinstance(expected, list):
        return isinstance(got, list) and len(got) == len(expected) and all(
            same(g, e, tolerance) for g, e in zip(got, expected))
    if isinstance(expected, dict):
        return isinstance(got, dict) and set(got) == set(expected) and all(
            same(got[k], v, tolerance) for k, v in expected.items())
    raise TypeError(f"expected values are plain data, not {type(expected).__name__}")


def describe(value: Any) -> str:
    """A short readable form of plain data for feedback (cut at 200 characters)."""
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


def verdict(computed: dict[str, Any], *, expected: Any = None, raises: str | None = None,
            tolerance: float = 0.0) -> tuple[bool, str]:
    """(passed, why) for one call's computed entry (``value``, ``raised`` or ``unplain``)."""
    if "unplain" in computed:
        return False, f"it returned {computed['unplain']}"
    if "raised" in computed:
        raised = computed["raised"] if isinstance(computed["raised"], dict) else {}
        name, message = str(raised.get("type", "an exception")), str(raised.get("message", ""))
        if raises is not None and name == raises:
            return True, ""
        line = raised.get("line")
        where = f" at line {line}" if isinstance(line, int) and not isinstance(line, bool) else ""
        got = f"your code raised {name}{': ' + message if message else ''}{where}"
        return False, got + (f", expected {raises}" if raises else "")
    got = computed.get("value")
    if raises is not None:
        return False, f"expected {raises} to be raised, got {describe(got)}"
    if same(got, expected, tolerance):
        return True, ""
    return False, differences(got, expected, tolerance)


def differences(got: Any, expected: Any, tolerance: float = 0.0) -> str:
    """In words, what differs: per observed name for dicts of observations, else expected and got.

    >>> differences({"is_dict": False, "missing": []}, {"is_dict": True, "missing": []})
    'is_dict should be True, your code gives False'
    >>> differences([1, 2], [1, 3])
    'expected [1, 3], got [1, 2]'
    """
    if isinstance(expected, dict) and isinstance(got, dict) and set(got) == set(expected):
        wrong = [f"{name} should be {describe(value)}, your code gives {describe(got[name])}"
                 for name, value in expected.items() if not same(got[name], value, tolerance)]
        return "; ".join(wrong)
    return f"expected {describe(expected)}, got {describe(got)}"


@dataclass(frozen=True)
class CheckOutcome:
    """How a code answer's checks ended, decided by the grader.

    ``status``: "passed" (every check), "failed" (``failed_check`` did not hold; ``message``
    says what was expected and what came back), "error" (the code did not compile, raised at
    top level or does not define the entry), "timeout", "crashed" (killed, out of memory, no
    readable report, or the question's setup failed), "not graded" (no isolation available).
    ``output`` is what the code printed (capped); ``isolation`` the backend that ran it;
    ``duration_s`` and ``cpu_s`` (None where no cgroup counted it) what the computation spent,
    measured by the grader.
    """

    status: str
    message: str = ""
    failed_check: str | None = None
    passed_checks: tuple[str, ...] = ()
    output: str = ""
    duration_s: float = field(default=0.0, compare=False)
    cpu_s: float | None = field(default=None, compare=False)
    isolation: str = "none"

    @property
    def passed(self) -> bool:
        return self.status == "passed"


def judge_code(question: Any, computed: Any, checks: Sequence[Any]) -> CheckOutcome:
    """Decide pass/fail for a :class:`~quizkit.quiz.questions.code.Code` question from the computed plain data.

    ``computed`` is a :class:`quizkit.sandbox.Computed` (how the computation ended,
    and one entry per call of ``checks``); the verdict is decided here, in the grader's process.
    """
    base = {"output": computed.output, "duration_s": computed.duration_s, "cpu_s": computed.cpu_s,
            "isolation": computed.isolation}
    status, detail = computed.status, computed.detail
    if status in ("timeout", "crashed"):
        return CheckOutcome(status, computed.message, **base)
    if status == "setup":
        raised = detail.get("raised") or {}
        return CheckOutcome("crashed", f"the question's setup code failed ({raised.get('type')}: "
                            f"{raised.get('message')}); tell your instructor", **base)
    if status == "syntax":
        line = detail.get("line")
        where = f" (line {line})" if isinstance(line, int) and not isinstance(line, bool) else ""
        return CheckOutcome("error", f"your code has a syntax error: {detail.get('message')}{where}", **base)
    if status == "raised":
        ok, why = verdict({"raised": detail.get("raised")}, raises="")
        return CheckOutcome("error", why, **base)
    if status == "missing":
        return CheckOutcome("error", f"your code does not define {question.entry}", **base)
    passed: list[str] = []
    for check, value in zip(checks, computed.values):
        ok, why = verdict(value, expected=question.expected(check), raises=check.raises, tolerance=check.tolerance)
        if not ok:
            message = f"{check.message} ({why})" if check.message else why
            return CheckOutcome("failed", message, check.name, tuple(passed), **base)
        passed.append(check.name)
    return CheckOutcome("passed", f"all {len(passed)} checks passed", None, tuple(passed), **base)
