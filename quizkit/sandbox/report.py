"""What a computation returns (:class:`Computed`), and how its child's report is checked.

>>> parse_report(b'{"status": "ran", "results": [{"value": 1}]}', 1)
{'status': 'ran', 'results': [{'value': 1}]}
>>> parse_report(b'{"status": "passed"}', 0) is None
True
"""

from __future__ import annotations

import json
import signal
from dataclasses import dataclass, field
from typing import Any

from quizkit.sandbox.limits import Limits
from quizkit.sandbox.runner import STATUSES


@dataclass
class Computed:
    """What the computing process reported.

    ``status``: "ran" (``values`` holds one entry per call: ``{"value": data}``,
    ``{"raised": {"type", "message", "line"}}`` or ``{"unplain": why}``), "syntax", "raised"
    (the learner's code failed at top level), "missing" (no ``entry``), "setup" (the question's
    setup failed), "timeout", "crashed" (killed, out of memory, or no readable report).
    ``enforcement``: "cgroup v1"/"cgroup v2" (limits over all processes) or "per process";
    ``cpu_s`` the CPU time of all its processes where a cgroup counted it.
    """

    status: str
    values: list[dict[str, Any]] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    output: str = ""
    duration_s: float = 0.0
    isolation: str = "none"
    cpu_s: float | None = None
    enforcement: str = "per process"


def ended(returncode: int, limits: Limits, out_of_memory: bool = False) -> tuple[str, str]:
    """(status, message) for a computation that sent no readable report."""
    # bubblewrap's init reports a child killed by signal N as exit status 128 + N.
    if 128 < returncode < 128 + 65:
        returncode = 128 - returncode
    if out_of_memory:
        return "crashed", f"your code ran out of memory (the limit is {limits.memory_mb} MB for all its processes)"
    if returncode == -signal.SIGXCPU:
        return "timeout", f"timed out (limit {limits.cpu_s:g} s of CPU time): is there an endless loop?"
    if returncode == -signal.SIGKILL:
        return "crashed", f"your code was killed, most likely for running out of memory (the limit is {limits.memory_mb} MB)"
    if returncode == -signal.SIGXFSZ:
        return "crashed", f"your code wrote a file larger than {limits.file_mb} MB"
    if returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.Signals._value2member_map_ else str(-returncode)
        return "crashed", f"your code crashed the computing process ({name})"
    return "crashed", f"the computing process ended (exit code {returncode}) without a readable report; did your code call os._exit or write to its output?"


def parse_report(raw: bytes, n_calls: int) -> dict[str, Any] | None:
    """The child's report, checked for shape: anything else is None (the child is not trusted)."""
    try:
        report = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(report, dict) or report.get("status") not in STATUSES:
        return None
    if report["status"] == "ran":
        values = report.get("results")
        if not (isinstance(values, list) and len(values) == n_calls and all(
                isinstance(v, dict) and len(v) == 1 and next(iter(v)) in ("value", "raised", "unplain") for v in values)):
            return None
    return report
