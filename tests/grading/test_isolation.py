"""quizkit.sandbox (backends, the no-op probe, limits) and quizkit.quiz.judge: real child processes, real bubblewrap, the command lines of each backend."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import grading_support
import pytest
import yaml
from grading_support import bwrap_or_skip

from quizkit.quiz.judge import same, verdict
from quizkit.sandbox import NONE, Backend, Limits, backends, choose, compute
from quizkit.sandbox.backends import PACKAGE

QUICK = Limits(wall_s=8, cpu_s=2, memory_mb=1024, output_bytes=2000, tmpfs_mb=8)
ROOT = Path(__file__).parents[2]


def job(source, calls=({"args": [3]},), setup="", entry="f"):
    return {"source": source, "entry": entry, "calls": list(calls), "setup": setup}


def test_values_exceptions_and_unplain_results_come_back_as_data():
    source = "import numpy as np\nfrom collections import UserDict\ndef f(x):\n    if x == 0:\n        raise KeyError('no zero')\n" \
             "    if x == 1:\n        return object()\n    if x == 2:\n        return UserDict(a=np.arange(3), b=(1.5, np.float32(2)))\n" \
             "    if x == 4:\n        return {1: 'int key'}\n    return [x, (x,), None, True, 'é']\n"
    got = compute(job(source, [{"args": [3]}, {"args": [0]}, {"args": [1]}, {"args": [2]}, {"args": [4]},
                               {"call": "answer(3)", "observe": {"n": "len(out)"}}]), NONE, QUICK)
    assert got.status == "ran", got
    assert got.values[0] == {"value": [3, [3], None, True, "é"]}
    assert got.values[1] == {"raised": {"type": "KeyError", "message": "'no zero'", "line": 5}}
    assert got.values[2] == {"unplain": "a object object, which the checks cannot compare"}
    assert got.values[3] == {"value": {"a": [0, 1, 2], "b": [1.5, 2.0]}}
    assert got.values[4] == {"unplain": "a dict key int (only str keys can be compared)"}
    assert got.values[5] == {"value": {"n": 5}}


@pytest.mark.parametrize(("source", "status", "detail"), [
    ("def f(x) return", "syntax", {"message": "expected ':'", "line": 1}),
    ("raise SystemExit(3)", "raised", {"raised": {"type": "SystemExit", "message": "3", "line": 1}}),
    ("g = 1", "missing", {}),
])
def test_top_level_problems(source, status, detail):
    got = compute(job(source), NONE, QUICK)
    assert (got.status, got.detail) == (status, detail)


def test_setup_failure_is_reported_as_the_questions_fault():
    got = compute(job("def f(x):\n    return x", setup="import no_such_module_qk"), NONE, QUICK)
    assert got.status == "setup" and got.detail["raised"]["type"] == "ModuleNotFoundError"


@pytest.mark.slow
@pytest.mark.parametrize(("source", "status", "message"), [
    # a long wall limit: on a busy shared machine one CPU second can take many wall seconds
    ("def f(x):\n    while True:\n        pass\n", "timeout", "timed out (limit 1 s of CPU time)"),
    ("import time\ndef f(x):\n    time.sleep(60)\n", "timeout", "timed out (limit 8 s wall clock)"),
    ("import os\ndef f(x):\n    os._exit(0)\n", "crashed", "without a readable report"),
    ("import os, signal\ndef f(x):\n    os.kill(os.getpid(), signal.SIGSEGV)\n", "crashed", "SIGSEGV"),
])
def test_limits_and_crashes(source, status, message):
    limits = Limits(wall_s=60, cpu_s=1, memory_mb=1024) if "CPU" in message else QUICK
    got = compute(job(source), NONE, limits)
    assert got.status == status and message in got.message, got


def test_memory_file_size_and_output_are_capped():
    got = compute(job("def f(x):\n    print('x' * 10**7)\n    return bytearray(4 * 2**30)\n"), NONE, QUICK)
    assert got.values[0]["raised"]["type"] == "MemoryError"
    assert got.output.endswith("more bytes of output cut]") and len(got.output) < 2100
    big = compute(job("def f(x):\n    open('big', 'wb').write(b'x' * 20 * 2**20)\n"), NONE, QUICK)
    assert big.values[0]["raised"]["message"] == "[Errno 27] File too large"  # Python ignores SIGXFSZ


def test_a_forged_report_of_the_wrong_shape_is_not_believed():
    source = "import os, json\ndef f(x):\n    os.write(3, json.dumps({'status': 'ran', 'results': []}).encode())\n    os._exit(0)\n"
    got = compute(job(source), NONE, QUICK)
    assert got.status == "crashed"


def test_judge_compares_plain_data_only():
    assert same([1, 2.0], [1, 2]) and not same([1, 2], [1, 2, 3]) and not same(True, 1) and not same(1, True)
    assert same({"a": 0.1 + 0.2}, {"a": 0.3}, tolerance=1e-9) and not same({"a": 0.3, "b": 1}, {"a": 0.3})
    assert not same("nan", 0.0) and not same(None, 0)
    assert verdict({"value": 6}, expected=6) == (True, "")
    assert verdict({"raised": {"type": "TypeError", "message": "m", "line": 2}}, raises="TypeError") == (True, "")
    assert verdict({"value": 1}, raises="TypeError") == (False, "expected TypeError to be raised, got 1")
    assert verdict({"raised": {"type": "ValueError", "message": "bad", "line": 2}}, expected=1) == (
        False, "your code raised ValueError: bad at line 2")
    # observations are said in words, one name at a time, never as a raw dict
    assert verdict({"value": {"is_dict": False, "missing": []}}, expected={"is_dict": True, "missing": []}) == (
        False, "is_dict should be True, your code gives False")


# --------------------------------------------------------------------------- choosing a backend


def test_none_needs_the_unsafe_flag_and_auto_falls_back_only_with_it(monkeypatch):
    assert choose("none") == (None, "--isolation none runs code without isolation: it needs --unsafe-no-isolation")
    assert choose("none", unsafe=True) == (NONE, "")
    monkeypatch.setenv("PATH", "/nonexistent")
    backend, why = choose("auto")
    assert backend is None and "bubblewrap (bwrap) is not installed" in why and "no container engine" in why
    assert choose("auto", unsafe=True) == (NONE, "")
    with pytest.raises(ValueError, match="--isolation must be one of"):
        choose("chroot")


def test_auto_tries_a_backend_before_trusting_it(tmp_path, monkeypatch):
    """A docker binary without a daemon (here: a script that fails) is not chosen: its no-op run fails."""
    fake = tmp_path / "docker"
    fake.write_text("#!/bin/sh\necho 'Cannot connect to the Docker daemon' >&2\nexit 125\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    backend, why = choose("auto")
    assert backend is None
    assert "container: a no-op run failed" in why and "Cannot connect to the Docker daemon" in why


def test_container_arguments_cap_memory_processes_and_shm():
    argv = Backend("container", "/usr/bin/podman").command(QUICK, "/unused").argv
    line = " ".join(argv)
    assert argv[:4] == ["/usr/bin/podman", "run", "--rm", "-i"]
    for part in ["--network none", "--read-only", "--tmpfs /tmp:rw,size=8m,mode=1777", "--shm-size 8m", "--memory 1024m",
                 "--memory-swap 1024m", "--pids-limit 64", "--user 65534:65534", "--cap-drop ALL",
                 "--security-opt no-new-privileges", f"-v {PACKAGE}:/opt/quizkit/quizkit:ro",
                 "/opt/quizkit/quizkit/sandbox/runner.py"]:
        assert part in line, part


def test_bwrap_arguments_mount_nothing_of_the_host_but_python_and_mask_keys(tmp_path, monkeypatch):
    site = Path(backends.python_roots()[0])
    key_inside = site / "some-key.yaml"
    monkeypatch.setattr(os.path, "isfile", lambda p: p == str(key_inside) or Path(p).is_file())
    cmd = Backend("bwrap", "/usr/bin/bwrap", (str(key_inside), str(tmp_path / "elsewhere.yaml"))).command(QUICK, "/unused")
    argv = cmd.argv
    assert cmd.env == {} and cmd.workdir == "/tmp"
    for flag in ["--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                 "--disable-userns", "--die-with-parent", "--new-session", "--clearenv"]:
        assert flag in argv, flag
    for mount in ("/tmp", "/dev/shm"):  # both writable mounts capped (--dev alone gives half the RAM)
        i = argv.index(mount, argv.index("--tmpfs"))
        assert argv[i - 5:i] == ["--perms", "1777", "--size", str(8 << 20), "--tmpfs"]
    binds = [argv[i + 1] for i, a in enumerate(argv) if a == "--ro-bind"]
    assert not [b for b in binds if b.startswith(("/home", "/root/", "/work/wt")) and b not in backends.python_roots()
                and b != str(PACKAGE)]
    masks = [argv[i + 2] for i, a in enumerate(argv) if a == "--ro-bind" and argv[i + 1] == "/dev/null"]
    assert masks == [str(key_inside)]  # the one outside every mount needs no mask
    root = Backend("bwrap", "/usr/bin/bwrap", drop_root=True).command(QUICK, "/unused").argv
    assert "--unshare-user" not in root and root[root.index("--") + 2].startswith("--reuid=")


def test_skips_outside_ci_and_fails_in_ci(monkeypatch):
    grading_support._bwrap.cache_clear()
    monkeypatch.setattr(grading_support, "bwrap_problem", lambda: "bwrap missing (test)")
    try:
        monkeypatch.delenv("CI", raising=False)
        with pytest.raises(pytest.skip.Exception, match="bubblewrap isolation unavailable: bwrap missing"):
            grading_support.bwrap_or_skip()
        monkeypatch.setenv("CI", "true")
        with pytest.raises(pytest.fail.Exception, match="CI=true"):
            grading_support.bwrap_or_skip()
    finally:
        grading_support._bwrap.cache_clear()


# --------------------------------------------------------------------------- bubblewrap for real


def test_bwrap_child_sees_no_grader_environment_no_key_and_a_small_tmpfs(tmp_path, monkeypatch):
    isolation = bwrap_or_skip()
    monkeypatch.setenv("QUIZKIT_SECRET_TOKEN", "grader-secret")
    key = tmp_path / "key.yaml"
    key.write_text("secret: yes")
    source = textwrap.dedent(f"""
        import os
        def f(x):
            facts = {{"uid": os.getuid(), "env": sorted(os.environ), "key": os.path.exists({str(key)!r}),
                     "pids": sorted(p for p in os.listdir('/proc') if p.isdigit()), "cwd": os.getcwd()}}
            try:
                for i in range(100):
                    open(f'/tmp/fill{{i}}', 'wb').write(b'x' * 2**20)
            except OSError as e:
                facts["fill"] = e.strerror
            return facts
    """)
    got = compute(job(source), isolation, QUICK)
    facts = got.values[0]["value"]
    assert facts["uid"] not in (0, os.getuid()) and facts["key"] is False and facts["cwd"] == "/tmp"
    assert facts["uid"] == (isolation.sandbox_uid() or 65534)
    assert "QUIZKIT_SECRET_TOKEN" not in facts["env"] and "HOME" in facts["env"]
    assert len(facts["pids"]) <= 3  # bwrap's init, the runner: nothing of the host
    assert facts["fill"] == "No space left on device"
    assert got.isolation == "bwrap"


@pytest.mark.slow
def test_bwrap_timeout_leaves_no_process_behind():
    isolation = bwrap_or_skip()
    marker = "qk-isolation-sleeper-5521"
    source = f"import subprocess, time\ndef f(x):\n    subprocess.Popen(['sleep', '120', {marker!r}], start_new_session=True)\n    time.sleep(60)\n"
    got = compute(job(source), isolation, Limits(wall_s=3, cpu_s=2, memory_mb=1024))
    assert got.status == "timeout"
    survivors = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                survivors.append(pid)
        except OSError:
            pass
    assert survivors == []


# --------------------------------------------------------------------------- no ML stack for grading


# Importing grading loads no ML library: tests/unit/test_walls.py.


BLOCK_ML = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('torch', 'transformers', 'datasets', 'matplotlib', 'ipywidgets'):
            raise ImportError(f'{name} is not installed (simulated core install)')
sys.meta_path.insert(0, Block())
from quizkit.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_grade_check_lessons_and_release_work_without_the_ml_stack(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-c", BLOCK_ML, *map(str, args)], capture_output=True, text=True,
                              cwd=ROOT, check=False, env={**os.environ, "QUIZKIT_ALLOW_UNSAFE": "1"})

    checked = run("check-lessons", "lessons")
    n_banks = len(yaml.safe_load((ROOT / "lessons" / "course.yaml").read_text())["lessons"])
    assert checked.returncode == 0 and checked.stdout.startswith(f"OK: {n_banks} bank(s)"), checked.stdout + checked.stderr
    released = run("release", ROOT / "tests" / "fixtures" / "grading" / "grading-demo.yaml", "--out", tmp_path / "rel")
    assert released.returncode == 0, released.stderr
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}
    (tmp_path / "a.ipynb").write_text(json.dumps(nb))
    graded = run("grade", tmp_path / "a.ipynb", "--key", ROOT / "tests" / "fixtures" / "grading" / "grading-demo.yaml",
                 "--out", tmp_path / "g.csv", "--report", tmp_path / "r.html", "--isolation", "none", "--unsafe-no-isolation")
    assert graded.returncode == 0, graded.stderr
    assert (tmp_path / "r.html").read_text().count('<svg role="img"') == 2  # charts drawn without matplotlib
    assert json.loads((tmp_path / "g.json").read_text())["isolation"] == "none"


# --------------------------------------------------------------------------- layering


def quizkit_imports(folder: Path) -> dict[str, set[str]]:
    """Every quizkit module each file of ``folder`` imports, at module level or inside a function."""
    import ast

    found = {}
    for path in sorted(folder.rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
        found[path.relative_to(folder).as_posix()] = {n for n in names if n.startswith("quizkit")}
    return found


def test_the_sandbox_is_on_the_ground_floor_and_the_quiz_side_never_imports_grading():
    sandbox = quizkit_imports(PACKAGE / "sandbox")
    assert {f: [m for m in mods if not m.startswith("quizkit.sandbox")] for f, mods in sandbox.items()} == \
        {f: [] for f in sandbox}
    quiz = quizkit_imports(PACKAGE / "quiz")
    assert {f: [m for m in mods if m.startswith("quizkit.grading")] for f, mods in quiz.items()} == {f: [] for f in quiz}
    assert "quizkit.sandbox" in quiz["questions/code.py"]  # the learner's checks run in the same sandbox as grading's
