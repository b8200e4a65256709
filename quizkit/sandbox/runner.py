"""The child side of :mod:`quizkit.sandbox.run`: compute a code answer's outputs, never judge them.

Started as ``python -I -S .../runner.py`` (by path: nothing of quizkit is imported unless a
question's setup asks for it). It reads one JSON job on stdin: the question's ``setup``, the
learner's ``source``, the ``entry`` name and the calls the checks name (JSON arguments or a
setup-side expression, plus optional ``observe`` expressions over the output ``out``). It sets
its own resource limits, then runs setup, the learner's code and each call, and writes one JSON
document to the file descriptor that was its stdout: per call the returned value as plain data
(numbers, strings, booleans, null, lists, dicts; numpy converted) or the exception's type and
message. The learner's prints go to stderr.

Nothing here decides a score, and nothing here is trusted: the learner's code runs in this
process and may rewrite any of it or forge the result. The grader only ever receives data, and
compares it with expected values the job never contained.
"""

from __future__ import annotations

import json
import math
import os
import resource
import sys

LEARNER_FILE = "<your code>"
# What this process may report (its JSON "status"); the grader refuses any other.
STATUSES = ("ran", "syntax", "raised", "missing", "setup")
MESSAGE_CHARS = 600
MAX_DEPTH = 50
MAX_ITEMS = 100_000


class NotPlain(TypeError):
    """A returned value that is not plain data (the grader cannot compare it)."""


def plain(value, depth=0, budget=None):
    """The value as JSON data: tuples become lists, numpy arrays and scalars become Python ones."""
    budget = budget if budget is not None else [MAX_ITEMS]
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        raise NotPlain("a value too large or too deeply nested to compare")
    kind = type(value)
    if value is None or kind in (bool, str):
        return value
    if kind is int:
        return value
    if kind is float:
        return value if math.isfinite(value) else repr(value)
    module = getattr(kind, "__module__", "") or ""
    if (module == "numpy" or module.startswith("numpy.")) and hasattr(value, "tolist"):
        return plain(value.tolist(), depth + 1, budget)
    if kind in (list, tuple):
        return [plain(v, depth + 1, budget) for v in value]
    if isinstance(value, dict) or _is_mapping(value):
        items = list(value.items())
        out = {}
        for k, v in items:
            if type(k) is not str:
                raise NotPlain(f"a dict key {type(k).__name__} (only str keys can be compared)")
            out[k] = plain(v, depth + 1, budget)
        return out
    raise NotPlain(f"a {kind.__name__} object, which the checks cannot compare")


def _is_mapping(value) -> bool:
    from collections.abc import Mapping

    return isinstance(value, Mapping)


def _short(text) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 3] + "..."


def _learner_line(tb):
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == LEARNER_FILE:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _raised(error: BaseException) -> dict:
    try:
        message = _short(error)
    except BaseException:  # noqa: BLE001 - a learner's __str__ may raise
        message = ""
    return {"type": type(error).__name__, "message": message, "line": _learner_line(error.__traceback__)}


def _limit(limits: dict) -> None:
    for name, (soft, hard) in limits.items():
        kind = getattr(resource, name, None)
        if kind is None:
            continue
        try:
            resource.setrlimit(kind, (soft, hard))
        except (ValueError, OSError):  # a hard limit already below ours: keep it
            resource.setrlimit(kind, (min(soft, resource.getrlimit(kind)[1]), resource.getrlimit(kind)[1]))


def run(job: dict) -> dict:
    """Setup, learner source, entry lookup, then each call; report what happened as data."""
    namespace = {"__name__": "__quizkit_answer__"}
    try:
        exec(compile(job["setup"], "<question setup>", "exec"), namespace)  # noqa: S102 - running it is the job
    except BaseException as e:  # noqa: BLE001 - the instructor's code: report, never blame the learner
        return {"status": "setup", "raised": _raised(e)}
    try:
        code = compile(job["source"], LEARNER_FILE, "exec")
    except (SyntaxError, ValueError) as e:
        return {"status": "syntax", "message": str(getattr(e, "msg", e)), "line": getattr(e, "lineno", None)}
    try:
        exec(code, namespace)  # noqa: S102 - the learner's code, in this disposable process
    except BaseException as e:  # noqa: BLE001 - anything the learner raises is feedback
        return {"status": "raised", "raised": _raised(e)}
    entry = job["entry"]
    if entry not in namespace:
        return {"status": "missing"}
    answer = namespace[entry]
    results = []
    for call in job["calls"]:
        scope = dict(namespace, answer=answer)
        try:
            if call.get("call"):
                out = eval(compile(call["call"], "<check call>", "eval"), scope)
            else:
                out = answer(*call.get("args", []), **call.get("kwargs", {}))
            if call.get("observe"):
                scope["out"] = out
                out = {name: eval(compile(expr, "<check observe>", "eval"), scope) for name, expr in call["observe"].items()}
            results.append({"value": plain(out)})
        except NotPlain as e:
            results.append({"unplain": str(e)})
        except BaseException as e:  # noqa: BLE001
            results.append({"raised": _raised(e)})
    return {"status": "ran", "results": results}


def main() -> None:
    # The result goes to what was stdout; the learner's prints to stderr (kept apart by the parent).
    result_fd = os.dup(1)
    os.dup2(2, 1)
    job = json.loads(sys.stdin.buffer.read())
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    sys.path[:0] = job.get("path", [])[:1]  # quizkit first, then the standard library, then site-packages
    sys.path += job.get("path", [])[1:]
    _limit(job.get("rlimits", {}))
    try:
        os.chdir(job.get("workdir") or os.getcwd())
    except OSError:
        pass
    dumps, write = json.dumps, os.write  # bound before the learner runs
    try:
        report = run(job)
    except BaseException as e:  # noqa: BLE001 - MemoryError and the like
        report = {"status": "raised", "raised": _raised(e)}
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001, S110 - the learner may have replaced or closed them
            pass
    try:
        data = dumps(report).encode()
    except BaseException as e:  # noqa: BLE001
        data = dumps({"status": "raised", "raised": {"type": type(e).__name__, "message": "", "line": None}}).encode()
    view = memoryview(data)
    while view:
        view = view[write(result_fd, view):]
    os._exit(0)


if __name__ == "__main__":
    main()
