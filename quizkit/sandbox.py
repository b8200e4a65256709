"""Run a learner's code answer and a question's checks in a separate, limited process.

Used by ``Quiz.check`` (practice) and ``quizkit grade``. Each call starts a fresh
``python -I`` process (:mod:`quizkit._sandbox_runner`) and:

- limits it with ``prlimit`` before it receives the job: CPU seconds, address space
  (memory), size of files written, open files, no core dumps; a wall-clock deadline after
  which its whole process group is killed;
- gives it a fresh temporary working directory (also its HOME and TMPDIR), removed after;
- scrubs the environment (PATH, LANG, offline Hugging Face, one thread per library);
- captures stdout+stderr up to ``Limits.output_bytes`` (the rest is read and dropped, so a
  flood costs no memory), and takes the result from a separate pipe, not from the learner's
  prints;
- installs an audit hook (:pep:`578`) before the question's setup runs, which refuses:
  starting processes (fork, exec, subprocess, spawn), sockets and network clients, writing,
  deleting or renaming files outside the working directory, links, reading files outside an
  allowlist (Python's own files and site-packages, /usr, /etc, the working directory,
  /proc/self ...; never the answer keys packaged in ``quizkit/_lessons``), signals to other
  processes, raising resource limits, loading native libraries outside the Python
  installation, and looking up native functions or reading raw memory through ctypes.

>>> outcome = run_checks("def double(x):\\n    return 2 * x\\n", "double",
...                      [("doubles three", "assert answer(3) == 6, 'double(3) should be 6'")])
>>> outcome.status, outcome.passed_checks
('passed', ('doubles three',))

Limits of this sandbox, honestly: audit hooks run inside the same interpreter as the
learner's code. They stop the accidents and the ordinary tricks listed above, but code
that sets out to defeat them (introspecting the interpreter's frames to forge a result,
``ctypes`` into libraries already loaded, races between a path check and its use) can.
Importing ``ctypes`` itself cannot be refused: torch imports it (and loads libc with it)
when it is imported, so only the dangerous ctypes operations are refused. The
resource limits and the process-group kill are enforced by the kernel and hold regardless.
For high-stakes exams run the grader itself inside OS-level isolation (a container or VM
without network and with the answer keys not mounted), and read the code answers the
gradebook's JSON lists. As root (CI) ``RLIMIT_NPROC`` does not apply; the audit hook is what
refuses a fork bomb.
"""

from __future__ import annotations

import json
import os
import resource
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

RUNNER = Path(__file__).with_name("_sandbox_runner.py")
STATUSES = ("passed", "failed", "error", "timeout", "crashed")
Status = Literal["passed", "failed", "error", "timeout", "crashed"]
RESULT_BYTES = 1 << 20
# Read-only roots every check may need besides Python's own: shared libraries, certificates,
# time zones, CPU counts. /tmp, /home, /root and the course folder are not among them.
SYSTEM_READ_ROOTS = ("/usr", "/lib", "/lib64", "/etc", "/dev/null", "/dev/urandom", "/dev/random",
                     "/dev/zero", "/proc/stat", "/proc/cpuinfo", "/proc/meminfo", "/proc/sys/kernel",
                     "/sys/devices/system/cpu", "/sys/fs/cgroup")
# Secrets inside those roots.
SYSTEM_DENY_ROOTS = ("/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers",
                     "/etc/sudoers.d", "/etc/ssh", "/etc/ssl/private")


@dataclass(frozen=True)
class Limits:
    """What one run may use.

    ``memory_mb`` is address space: importing torch and transformers needs about 1.1 GB.
    The time limits leave room for importing transformers on a busy shared machine (20 s).
    """

    wall_s: float = 60.0
    cpu_s: int = 30
    memory_mb: int = 4096
    output_bytes: int = 20_000
    file_mb: int = 10
    open_files: int = 256

    def __post_init__(self) -> None:
        for name in ("wall_s", "cpu_s", "memory_mb", "output_bytes", "file_mb", "open_files"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"Limits.{name} must be a positive number, not {value!r}")

    def rlimits(self) -> dict[str, tuple[int, int]]:
        cpu = int(self.cpu_s)
        return {
            "RLIMIT_CPU": (cpu, cpu + 1),  # SIGXCPU at the soft limit, SIGKILL one second later
            "RLIMIT_AS": (self.memory_mb << 20,) * 2,
            "RLIMIT_FSIZE": (self.file_mb << 20,) * 2,
            "RLIMIT_NOFILE": (self.open_files,) * 2,
            "RLIMIT_CORE": (0, 0),
        }


@dataclass(frozen=True)
class CheckOutcome:
    """How a run ended.

    ``status``: "passed" (every check), "failed" (``failed_check`` did not hold; ``message``
    is its assertion message), "error" (the learner's code raised, did not compile, did not
    define the entry, or tried something refused), "timeout" (wall clock or CPU limit),
    "crashed" (out of memory, killed by a signal, or the checker itself failed).
    ``output`` is what the code printed, cut at ``Limits.output_bytes``.
    """

    status: Status
    message: str = ""
    failed_check: str | None = None
    passed_checks: tuple[str, ...] = ()
    output: str = ""
    duration_s: float = field(default=0.0, compare=False)

    @property
    def passed(self) -> bool:
        return self.status == "passed"


def _read_roots() -> list[str]:
    paths = sysconfig.get_paths()
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             paths["stdlib"], paths["platstdlib"], paths["purelib"], paths["platlib"],
             str(Path(__file__).parent), *SYSTEM_READ_ROOTS}
    return sorted({os.path.realpath(r) for r in roots})


def _lib_roots() -> list[str]:
    return sorted({os.path.realpath(r) for r in (sys.prefix, sys.base_prefix, sys.exec_prefix, "/usr/lib", "/lib")})


def _environment(workdir: str) -> dict[str, str]:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": workdir,
        "TMPDIR": workdir,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HOME": os.path.join(workdir, ".hf"),
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": workdir,
        "TOKENIZERS_PARALLELISM": "false",
    }
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env[var] = "1"
    return env


def _validate(source: object, entry: object, checks: object, setup: object, limits: object) -> list[tuple[str, str]]:
    for name, value in (("source", source), ("entry", entry), ("setup", setup)):
        if not isinstance(value, str):
            raise TypeError(f"run_checks: {name} must be a str, not {type(value).__name__}")
    if not str(entry).isidentifier():
        raise ValueError(f"run_checks: entry must be a Python name, not {entry!r}")
    if not isinstance(limits, Limits):
        raise TypeError(f"run_checks: limits must be a quizkit.sandbox.Limits, not {type(limits).__name__}")
    pairs = []
    for n, item in enumerate(checks):  # type: ignore[arg-type]
        if not (isinstance(item, (tuple, list)) and len(item) == 2 and all(isinstance(x, str) for x in item)):
            raise TypeError(f"run_checks: checks[{n}] must be a (name, code) pair of str, not {item!r}")
        pairs.append((item[0], item[1]))
    return pairs


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class _Capture:
    """Output kept up to a cap; everything past it is counted and dropped."""

    def __init__(self, cap: int):
        self.cap, self.kept, self.dropped = cap, bytearray(), 0

    def add(self, chunk: bytes) -> None:
        room = self.cap - len(self.kept)
        self.kept += chunk[:room]
        self.dropped += max(0, len(chunk) - room)

    def text(self) -> str:
        text = self.kept.decode("utf-8", errors="replace")
        return text + (f"\n[... {self.dropped} more bytes of output cut]" if self.dropped else "")


def _pump(proc: subprocess.Popen, result_r: int, output: _Capture, deadline: float) -> tuple[bytes, bool]:
    """Read output and result until both close or the deadline passes: (result bytes, timed out)."""
    result = bytearray()
    sel = selectors.DefaultSelector()
    assert proc.stdout is not None
    sel.register(proc.stdout.fileno(), selectors.EVENT_READ, output.add)
    sel.register(result_r, selectors.EVENT_READ, lambda b: result.extend(b[: RESULT_BYTES - len(result)]))
    try:
        while sel.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return bytes(result), True
            events = sel.select(timeout=min(remaining, 0.25))
            if not events and proc.poll() is not None:
                # The runner is gone; anything still holding the pipes escaped: kill it.
                _kill_group(proc.pid)
            for key, _ in events:
                chunk = os.read(key.fd, 65536)
                if chunk:
                    key.data(chunk)
                else:
                    sel.unregister(key.fd)
    finally:
        sel.close()
    return bytes(result), False


def _verdict(returncode: int, result: bytes, token: str, limits: Limits, timed_out: bool) -> dict:
    if timed_out:
        return {"status": "timeout", "message": f"your code took too long: more than {limits.wall_s:g} s (wall clock); is there an endless loop?"}
    for line in reversed(result.splitlines()):
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if isinstance(message, dict) and message.get("token") == token and message.get("status") in STATUSES:
            return message
    if returncode == -signal.SIGXCPU:
        return {"status": "timeout", "message": f"your code took too long: more than {limits.cpu_s} s of CPU time; is there an endless loop?"}
    if returncode == -signal.SIGKILL:
        return {"status": "crashed", "message": f"your code was killed, most likely for running out of memory (the limit is {limits.memory_mb} MB)"}
    if returncode == -signal.SIGXFSZ:
        return {"status": "crashed", "message": f"your code wrote a file larger than {limits.file_mb} MB"}
    if returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.Signals._value2member_map_ else str(-returncode)
        return {"status": "crashed", "message": f"your code crashed the checking process ({name})"}
    return {"status": "crashed", "message": f"the checking process ended (exit code {returncode}) before reporting a result; did your code call os._exit?"}


def run_checks(
    source: str,
    entry: str,
    checks: Sequence[tuple[str, str]],
    setup: str = "",
    limits: Limits = Limits(),
) -> CheckOutcome:
    """Run ``setup``, then the learner's ``source``, then each check with ``answer`` bound to ``entry``.

    Checks run in order; the first failing ``assert`` ends the run with status "failed".
    Never raises for anything the learner's code does; TypeError/ValueError for bad arguments.
    """
    pairs = _validate(source, entry, checks, setup, limits)
    started = time.monotonic()
    workdir = os.path.realpath(tempfile.mkdtemp(prefix="quizkit-check-"))
    result_r, result_w = os.pipe()
    token = secrets.token_hex(16)
    can_prlimit = hasattr(resource, "prlimit")
    proc = None
    try:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-X", "utf8", str(RUNNER)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            cwd=workdir, env=_environment(workdir), pass_fds=(result_w,),
            start_new_session=True, close_fds=True,
        )
        child_fd = result_w  # pass_fds keeps the number in the child
        os.close(result_w)
        result_w = -1
        if can_prlimit:  # the runner waits for its job on stdin, so it is limited before it starts
            for name, value in limits.rlimits().items():
                resource.prlimit(proc.pid, getattr(resource, name), value)
        job = {
            "source": source, "entry": entry, "checks": pairs, "setup": setup, "token": token,
            "workdir": workdir, "result_fd": child_fd, "memory_mb": limits.memory_mb,
            "rlimits": {} if can_prlimit else limits.rlimits(),
            "read_roots": _read_roots(), "lib_roots": _lib_roots(),
            "deny_roots": [os.path.realpath(Path(__file__).with_name("_lessons")), *SYSTEM_DENY_ROOTS],
        }
        assert proc.stdin is not None
        try:
            proc.stdin.write(json.dumps(job).encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        output = _Capture(limits.output_bytes)
        result, timed_out = _pump(proc, result_r, output, started + limits.wall_s)
        _kill_group(proc.pid)
        returncode = proc.wait()
        verdict = _verdict(returncode, result, token, limits, timed_out)
        return CheckOutcome(
            status=verdict["status"],
            message=verdict.get("message") or "",
            failed_check=verdict.get("failed_check"),
            passed_checks=tuple(verdict.get("passed_checks") or ()),
            output=output.text(),
            duration_s=time.monotonic() - started,
        )
    finally:
        if proc is not None and proc.poll() is None:
            _kill_group(proc.pid)
            proc.wait()
        for fd in (result_r, result_w):
            if fd >= 0:
                os.close(fd)
        if proc is not None and proc.stdout is not None:
            proc.stdout.close()
        shutil.rmtree(workdir, ignore_errors=True)
