"""Compute a code answer's outputs in a separate process, isolated by the operating system.

The sandbox computes, the grader judges: :func:`compute` sends the question's setup, the
learner's source and the calls its checks name to a fresh ``python -I`` process
(:mod:`quizkit.grading._runner`), and gets back plain JSON data (one value or exception per
call). Expected values, reference solutions and every pass/fail decision stay in the grader
(:mod:`quizkit.grading.judge`); no object crosses back.

The ways to start that process (bubblewrap, a container, a plain child), their limits and
command lines are :mod:`quizkit.grading.backends`; this module runs one computation: feeds the
job in, reads the report back within the limits, kills the process group, and says in plain
words how a computation that sent no report ended.

>>> result = compute({"source": "def double(x):\\n    return 2 * x\\n", "entry": "double",
...                   "calls": [{"args": [3]}, {"args": ["ab"]}]}, NONE)
>>> result.status, result.values
('ran', [{'value': 6}, {'value': 'abab'}])
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

from quizkit.grading._runner import STATUSES
from quizkit.grading.backends import NONE, PACKAGE, SANDBOX_PKG, Isolation, Limits, command, import_path

RESULT_BYTES = 1 << 20


@dataclass
class Computed:
    """What the computing process reported.

    ``status``: "ran" (``values`` holds one entry per call: ``{"value": data}``,
    ``{"raised": {"type", "message", "line"}}`` or ``{"unplain": why}``), "syntax", "raised"
    (the learner's code failed at top level), "missing" (no ``entry``), "setup" (the question's
    setup failed), "timeout", "crashed" (killed, out of memory, or no readable report).
    """

    status: str
    values: list[dict[str, Any]] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    output: str = ""
    duration_s: float = 0.0
    isolation: str = "none"


class _Capture:
    """Bytes kept up to a cap; the rest is counted and dropped (a flood costs no memory)."""

    def __init__(self, cap: int):
        self.cap, self.kept, self.dropped = cap, bytearray(), 0

    def add(self, chunk: bytes) -> None:
        room = self.cap - len(self.kept)
        self.kept += chunk[:room]
        self.dropped += max(0, len(chunk) - room)

    def text(self) -> str:
        text = self.kept.decode("utf-8", errors="replace")
        return text + (f"\n[... {self.dropped} more bytes of output cut]" if self.dropped else "")


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _pump(proc: subprocess.Popen, streams: dict[int, _Capture], deadline: float) -> bool:
    """Read the child's pipes until they close or the deadline passes; True when it timed out."""
    sel = selectors.DefaultSelector()
    for fd, capture in streams.items():
        sel.register(fd, selectors.EVENT_READ, capture)
    try:
        while sel.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return True
            events = sel.select(timeout=min(remaining, 0.25))
            if not events and proc.poll() is not None:
                _kill_group(proc.pid)  # the child is gone; whatever still holds the pipes escaped
            for key, _ in events:
                chunk = os.read(key.fd, 65536)
                if chunk:
                    key.data.add(chunk)
                else:
                    sel.unregister(key.fd)
    finally:
        sel.close()
    return False


def _ended(returncode: int, limits: Limits) -> tuple[str, str]:
    # bubblewrap's init reports a child killed by signal N as exit status 128 + N.
    if 128 < returncode < 128 + 65:
        returncode = 128 - returncode
    if returncode == -signal.SIGXCPU:
        return "timeout", f"your code took too long: more than {limits.cpu_s} s of CPU time; is there an endless loop?"
    if returncode == -signal.SIGKILL:
        return "crashed", f"your code was killed, most likely for running out of memory (the limit is {limits.memory_mb} MB)"
    if returncode == -signal.SIGXFSZ:
        return "crashed", f"your code wrote a file larger than {limits.file_mb} MB"
    if returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.Signals._value2member_map_ else str(-returncode)
        return "crashed", f"your code crashed the computing process ({name})"
    return "crashed", f"the computing process ended (exit code {returncode}) without a readable report; did your code call os._exit or write to its output?"


def _report(raw: bytes, n_calls: int) -> dict[str, Any] | None:
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


def compute(job: dict[str, Any], isolation: Isolation = NONE, limits: Limits | None = None) -> Computed:
    """Run ``job`` (``setup``, ``source``, ``entry``, ``calls``) in a fresh process; never raises for the learner's code."""
    limits = limits or Limits()
    started = time.monotonic()
    workdir = os.path.realpath(tempfile.mkdtemp(prefix="quizkit-compute-"))
    argv, env, child_dir = command(isolation, limits, workdir)
    payload = {"setup": job.get("setup", ""), "source": job["source"], "entry": job["entry"],
               "calls": list(job.get("calls", [])), "workdir": child_dir, "rlimits": limits.rlimits(),
               "path": [SANDBOX_PKG if isolation.isolated else str(PACKAGE.parent),
                        *(["/opt/site-packages"] if isolation.name == "container" else import_path())]}
    proc = None
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                cwd=workdir, env=env, start_new_session=True, close_fds=True)
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        try:
            proc.stdin.write(json.dumps(payload).encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        result, output = _Capture(RESULT_BYTES), _Capture(limits.output_bytes)
        timed_out = _pump(proc, {proc.stdout.fileno(): result, proc.stderr.fileno(): output},
                          started + limits.wall_s)
        _kill_group(proc.pid)
        returncode = proc.wait()
        done = Computed("crashed", output=output.text(), isolation=isolation.name)
        report = None if timed_out or result.dropped else _report(bytes(result.kept), len(payload["calls"]))
        if timed_out:
            done.status = "timeout"
            done.message = f"your code took too long: more than {limits.wall_s:g} s (wall clock); is there an endless loop?"
        elif report is None:
            done.status, done.message = _ended(returncode, limits)
        else:
            done.status = report["status"]
            done.values = report.get("results") or []
            done.detail = {k: v for k, v in report.items() if k not in ("status", "results")}
        done.duration_s = time.monotonic() - started
        return done
    finally:
        if proc is not None:
            if proc.poll() is None:
                _kill_group(proc.pid)
                proc.wait()
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()
        shutil.rmtree(workdir, ignore_errors=True)
