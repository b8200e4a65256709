"""The child side of :mod:`quizkit.sandbox`: run one learner answer's checks, report as JSON.

Started as ``python -I quizkit/_sandbox_runner.py`` (by path, so the quizkit package is not
imported into the child). It reads one JSON job on stdin, installs the audit hook, runs the
question's setup, the learner's source and each check, and writes one JSON line, carrying the
job's token, to the result pipe (never to stdout, which holds the learner's prints). It ends
with ``os._exit`` so that nothing the learner registered (atexit, threads) runs after it.
"""

from __future__ import annotations

import builtins
import json
import os
import resource
import sys

LEARNER_FILE = "<your code>"
MESSAGE_CHARS = 600


class SandboxViolation(PermissionError):
    """Raised inside the child for an operation the checker does not allow."""


# audit event -> what the learner is told the code tried to do
REFUSED = {
    "subprocess.Popen": "start a program (subprocess)",
    "os.system": "run a shell command (os.system)",
    "os.exec": "replace the process (os.exec*)",
    "os.fork": "start a process (os.fork)",
    "os.forkpty": "start a process (os.forkpty)",
    "os.posix_spawn": "start a process (os.posix_spawn)",
    "os.spawn": "start a process (os.spawn*)",
    "pty.spawn": "start a process (pty.spawn)",
    "os.link": "create a hard link",
    "os.symlink": "create a symbolic link",
    "resource.setrlimit": "change the checker's resource limits",
    "resource.prlimit": "change the checker's resource limits",
    "sys._current_frames": "inspect the checker's frames",
    "gc.get_objects": "inspect the checker's objects",
    "gc.get_referrers": "inspect the checker's objects",
    "gc.get_referents": "inspect the checker's objects",
    "ctypes.cdata": "read raw memory (ctypes)",
    "ctypes.string_at": "read raw memory (ctypes)",
    "ctypes.wstring_at": "read raw memory (ctypes)",
    "sqlite3.enable_load_extension": "load native code (sqlite3)",
}
NETWORK_PREFIXES = ("socket.", "urllib.", "http.client.", "ftplib.", "smtplib.", "poplib.", "imaplib.", "nntplib.", "telnetlib.")
# Events whose first argument(s) are paths the code changes: allowed inside the work dir only.
CHANGES_PATH = {
    "os.remove": 1, "os.rmdir": 1, "shutil.rmtree": 1, "os.mkdir": 1, "os.chmod": 1, "os.chown": 1,
    "os.utime": 1, "os.truncate": 1, "os.rename": 2, "os.setxattr": 1, "os.removexattr": 1,
    "os.chflags": 1, "os.lchflags": 1, "sqlite3.connect": 1, "shutil.move": 2, "shutil.copytree": 2,
}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


def _inside(path: str, roots: list[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


def make_hook(workdir: str, read_roots: list[str], deny_roots: list[str], lib_roots: list[str]):
    """The audit hook: refuse processes, network, ctypes tricks and files outside the allowlist."""
    pid = os.getpid()
    proc_self = f"/proc/{pid}"
    realpath, fspath, split, islink = os.path.realpath, os.fsdecode, os.path.split, os.path.islink
    resolved_dirs: dict[str, str] = {}

    def resolve(path):
        """realpath, with the folders outside the work dir cached: imports open thousands of files."""
        folder, name = split(os.path.abspath(fspath(path)))
        real_folder = resolved_dirs.get(folder) or realpath(folder)
        if not _inside(real_folder, [workdir]):  # the learner cannot change folders out there
            resolved_dirs[folder] = real_folder
        full = os.path.join(real_folder, name)
        return realpath(full) if islink(full) else full

    def refuse(what):
        raise SandboxViolation(f"your code tried to {what}; that is not allowed while checking answers")

    def readable(path):
        if _inside(path, deny_roots):
            return False
        return _inside(path, read_roots) or _inside(path, [workdir, proc_self])

    def hook(event, args):
        if event in REFUSED:
            refuse(REFUSED[event])
        if event.startswith(NETWORK_PREFIXES) and event != "socket.gethostname":
            refuse(f"use the network ({event})")
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None))[:3]
            if path is None or isinstance(path, int):
                return
            full = resolve(path)
            writing = bool((flags or 0) & WRITE_FLAGS) or any(c in (mode or "") for c in "wax+")
            if writing and not (_inside(full, [workdir]) or full == os.devnull):
                refuse(f"write to {fspath(path)!r} outside its working directory")
            if not writing and not readable(full):
                refuse(f"read {fspath(path)!r} (outside the files checks may read)")
            # A folder opened as dir_fd would let a relative open escape the checks above
            # (the open event does not carry dir_fd).
            if not _inside(full, [workdir]) and os.path.isdir(full):
                refuse(f"open the folder {fspath(path)!r}")
        elif event in CHANGES_PATH:
            for path in args[: CHANGES_PATH[event]]:
                if isinstance(path, (str, bytes, os.PathLike)) and not _inside(resolve(path), [workdir]):
                    refuse(f"change {fspath(path)!r} outside its working directory ({event})")
        elif event in ("os.kill", "os.killpg", "signal.pthread_kill"):
            if event != "os.kill" or args[0] != pid:
                refuse("send a signal to another process")
        elif event == "ctypes.dlopen":
            # A bare name ("libc.so.6", as torch loads) comes from the system's library folders;
            # a path must lie in the Python installation (a .so the learner wrote must not load).
            name = args[0]
            if name is not None and "/" in fspath(name) and not _inside(resolve(name), lib_roots):
                refuse(f"load the native library {args[0]!r}")
        elif event in ("ctypes.dlsym", "ctypes.dlsym/handle"):
            name = args[1]
            if isinstance(name, str) and not name.startswith(("Py", "_Py")):
                refuse(f"look up the native function {name!r}")
        elif event == "import" and args[0] in ("_posixsubprocess", "_xxsubinterpreters"):
            refuse(f"import {args[0]}")

    return hook


def _short(text: str) -> str:
    text = " ".join(str(text).split()) if "\n" not in str(text).strip() else str(text).strip()
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 3] + "..."


def _learner_line(tb) -> int | None:
    """The line of the learner's code an exception went through last (None if it did not)."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == LEARNER_FILE:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _describe(error: BaseException) -> str:
    text = str(error)
    return f"{type(error).__name__}: {_short(text)}" if text else type(error).__name__


def _raised(error: BaseException, check: str | None = None) -> str:
    """'your code raised X: msg (line 3, check 'c')'; a refused operation says what was refused."""
    line = _learner_line(error.__traceback__)
    where = ", ".join(([f"line {line}"] if line else []) + ([f"check '{check}'"] if check else []))
    text = str(error) if isinstance(error, SandboxViolation) else f"your code raised {_describe(error)}"
    return text + (f" ({where})" if where else "")


def _assert_message(error: AssertionError, code: str) -> str:
    if str(error):
        return _short(str(error))
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    lines = code.splitlines()
    if tb is not None and 0 < tb.tb_lineno <= len(lines):
        return f"this assertion failed: {_short(lines[tb.tb_lineno - 1].strip())}"
    return "an assertion failed"


class Outcome(Exception):
    """Ends the run early with a final status."""

    def __init__(self, status: str, message: str, failed_check: str | None = None):
        super().__init__(message)
        self.status, self.message, self.failed_check = status, message, failed_check


def _memory(limit_mb) -> Outcome:
    return Outcome("crashed", f"your code ran out of memory (the limit is {limit_mb} MB)")


def run_job(job: dict, passed: list[str]) -> Outcome:
    """Setup, learner source, entry lookup, then each check; the first problem ends the run."""
    namespace: dict = {"__name__": "__quizkit_check__", "__builtins__": builtins}
    try:
        exec(compile(job["setup"], "<question setup>", "exec"), namespace)
    except MemoryError:
        return _memory(job["memory_mb"])
    except BaseException as e:  # noqa: BLE001 - the instructor's code: report, never blame the learner
        return Outcome("crashed", f"the question's setup code failed ({_describe(e)}); tell your instructor")
    try:
        code = compile(job["source"], LEARNER_FILE, "exec")
    except (SyntaxError, ValueError) as e:
        where = f" (line {e.lineno})" if getattr(e, "lineno", None) else ""
        return Outcome("error", f"your code has a syntax error: {getattr(e, 'msg', e)}{where}")
    try:
        exec(code, namespace)
    except MemoryError:
        return _memory(job["memory_mb"])
    except SystemExit as e:
        return Outcome("error", f"your code called sys.exit({'' if e.code is None else repr(e.code)}); remove that call")
    except BaseException as e:  # noqa: BLE001 - anything the learner raises is feedback
        return Outcome("error", _raised(e))
    entry = job["entry"]
    if entry not in namespace:
        return Outcome("error", f"your code does not define {entry}")
    answer = namespace[entry]
    for name, check in job["checks"]:
        scope = dict(namespace, answer=answer)
        try:
            exec(compile(check, f"<check {name}>", "exec"), scope)
        except AssertionError as e:
            if _learner_line(e.__traceback__) is None:
                return Outcome("failed", _assert_message(e, check), name)
            return Outcome("error", _raised(e, name), name)
        except MemoryError:
            return _memory(job["memory_mb"])
        except SystemExit as e:
            return Outcome("error", f"your code called sys.exit({'' if e.code is None else repr(e.code)}); remove that call", name)
        except BaseException as e:  # noqa: BLE001
            if isinstance(e, SandboxViolation) or _learner_line(e.__traceback__) is not None:
                return Outcome("error", _raised(e, name), name)
            return Outcome("failed", f"the check raised {_describe(e)}", name)
        passed.append(name)
    return Outcome("passed", f"all {len(passed)} checks passed")


def main() -> None:
    job = json.loads(sys.stdin.buffer.read())
    # Bound before the learner runs: rebinding json.dumps or os.write later changes nothing here.
    dumps, write, flush_streams = json.dumps, os.write, (sys.stdout, sys.stderr)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)  # the job pipe is read; the learner gets an empty stdin
    result_fd = job["result_fd"]
    os.set_inheritable(result_fd, False)
    for name, (soft, hard) in job["rlimits"].items():  # only where the parent could not prlimit
        resource.setrlimit(getattr(resource, name), (soft, hard))
    os.chdir(job["workdir"])
    try:  # nothing may start processes behind the audit hook's back (fork_exec is not audited)
        import _posixsubprocess

        def refused_fork_exec(*args, **kwargs):
            raise SandboxViolation("your code tried to start a process (_posixsubprocess); "
                                   "that is not allowed while checking answers")

        _posixsubprocess.fork_exec = refused_fork_exec
    except ImportError:
        pass
    sys.addaudithook(make_hook(job["workdir"], job["read_roots"], job["deny_roots"], job["lib_roots"]))
    token = job.pop("token")
    passed: list[str] = []
    try:
        outcome = run_job(job, passed)
    except MemoryError:
        outcome = _memory(job["memory_mb"])
    for stream in flush_streams:
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - the learner may have replaced or closed them
            pass
    line = dumps({"token": token, "status": outcome.status, "message": outcome.message,
                       "failed_check": outcome.failed_check, "passed_checks": passed})
    write(result_fd, line.encode() + b"\n")
    os._exit(0)


if __name__ == "__main__":
    main()
