"""Compute a code answer's outputs in a separate process, isolated by the operating system.

The sandbox computes, the caller judges: :func:`compute` sends the question's setup, the
learner's source and the calls its checks name to a fresh ``python -I`` process
(:mod:`quizkit.sandbox.runner`), and gets back a :class:`~quizkit.sandbox.report.Computed`:
plain JSON data (one value or exception per call) and how the computation ended. No object
crosses back. Where the machine allows (:mod:`quizkit.sandbox.cgroups`), every process the
computation starts is in one cgroup: CPU time is summed over them and checked while it runs,
memory and processes are capped together, and all of them are killed when it ends.

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
from typing import Any

from quizkit.sandbox import cgroups
from quizkit.sandbox.backends import NONE, Backend
from quizkit.sandbox.limits import Limits
from quizkit.sandbox.report import Computed, ended, parse_report

RESULT_BYTES = 1 << 20
POLL_S = 0.1


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


def _pump(proc: subprocess.Popen, streams: dict[int, _Capture], deadline: float, limits: Limits,
          group: cgroups.Group | None) -> str | None:
    """Read the child's pipes until they close; "wall" or "cpu" when a limit ended it first."""
    sel = selectors.DefaultSelector()
    for fd, capture in streams.items():
        sel.register(fd, selectors.EVENT_READ, capture)
    try:
        while sel.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "wall"
            if group is not None and group.cpu_seconds() > limits.cpu_s:
                return "cpu"
            events = sel.select(timeout=min(remaining, POLL_S))
            if not events and proc.poll() is not None:
                _kill_group(proc.pid)  # the child is gone; whatever still holds the pipes escaped
                if group is not None:
                    group.kill()
            for key, _ in events:
                chunk = os.read(key.fd, 65536)
                if chunk:
                    key.data.add(chunk)
                else:
                    sel.unregister(key.fd)
    finally:
        sel.close()
    return None


def compute(job: dict[str, Any], backend: Backend = NONE, limits: Limits | None = None) -> Computed:
    """Run ``job`` (``setup``, ``source``, ``entry``, ``calls``) in a fresh process; never raises for the learner's code."""
    limits = limits or Limits()
    started = time.monotonic()
    workdir = os.path.realpath(tempfile.mkdtemp(prefix="quizkit-compute-"))
    cmd = backend.command(limits, workdir)
    payload = {"setup": job.get("setup", ""), "source": job["source"], "entry": job["entry"],
               "calls": list(job.get("calls", [])), "workdir": cmd.workdir, "rlimits": limits.rlimits(),
               "path": cmd.path}
    # A cgroup for an isolated computation (the learner's own code on their own machine needs none).
    group = cgroups.create(limits) if backend.kind.grader_cgroup else None
    proc = None
    try:
        proc = subprocess.Popen(cmd.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                cwd=workdir, env=cmd.env, start_new_session=True, close_fds=True,
                                preexec_fn=group.join if group is not None else None)  # noqa: PLW1509 - no threads here
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        try:
            proc.stdin.write(json.dumps(payload).encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        result, output = _Capture(RESULT_BYTES), _Capture(limits.output_bytes)
        stopped = _pump(proc, {proc.stdout.fileno(): result, proc.stderr.fileno(): output},
                        started + limits.wall_s, limits, group)
        _kill_group(proc.pid)
        returncode = proc.wait()
        cpu_s = group.cpu_seconds() if group is not None else None
        if group is not None:
            group.kill()
        done = Computed("crashed", output=output.text(), isolation=backend.name, cpu_s=cpu_s,
                        enforcement=group.kind if group is not None else "per process")
        report = None if stopped or result.dropped else parse_report(bytes(result.kept), len(payload["calls"]))
        if stopped == "cpu":
            done.status, done.message = "timeout", f"timed out (limit {limits.cpu_s:g} s of CPU time): is there an endless loop?"
        elif stopped == "wall":
            done.status, done.message = "timeout", f"timed out (limit {limits.wall_s:g} s wall clock): is there an endless loop or a long wait?"
        elif report is None:
            done.status, done.message = ended(returncode, limits, group is not None and group.out_of_memory())
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
        if group is not None:
            group.remove()
        shutil.rmtree(workdir, ignore_errors=True)
