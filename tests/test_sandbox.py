"""quizkit.sandbox: real child processes doing real damage attempts; the parent must survive all."""

import os
import resource
import textwrap

import pytest

from quizkit.sandbox import CheckOutcome, Limits, run_checks

QUICK = Limits(wall_s=20, cpu_s=5, memory_mb=1024, output_bytes=2000)
DOUBLE_CHECKS = [
    ("doubles three", "assert answer(3) == 6, f'double(3) should be 6, got {answer(3)}'"),
    ("doubles zero", "assert answer(0) == 0"),
]


def run(source, checks=(("runs", "answer()"),), entry="f", setup="", limits=QUICK) -> CheckOutcome:
    return run_checks(textwrap.dedent(source), entry, list(checks), setup=setup, limits=limits)


def test_passing_answer_runs_every_check_and_keeps_prints():
    outcome = run_checks("def double(x):\n    print('computing', x)\n    return 2 * x\n", "double", DOUBLE_CHECKS, limits=QUICK)
    assert outcome.status == "passed" and outcome.passed
    assert outcome.passed_checks == ("doubles three", "doubles zero")
    assert outcome.failed_check is None
    assert "computing 3" in outcome.output


def test_failing_check_names_the_check_and_its_message():
    outcome = run_checks("def double(x):\n    return x + 1\n", "double", DOUBLE_CHECKS, limits=QUICK)
    assert (outcome.status, outcome.failed_check) == ("failed", "doubles three")
    assert outcome.message == "double(3) should be 6, got 4"
    assert outcome.passed_checks == ()


def test_assert_without_message_quotes_the_assertion():
    outcome = run_checks("def double(x):\n    return 2 * x + 1\n", "double", DOUBLE_CHECKS[::-1], limits=QUICK)
    assert outcome.failed_check == "doubles zero"
    assert outcome.message == "this assertion failed: assert answer(0) == 0"


def test_setup_names_are_visible_to_the_code_and_the_checks():
    outcome = run("def f():\n    return np.arange(3)\n", [("sum", "assert int(np.sum(answer())) == 3")],
                  setup="import numpy as np\nfrom sklearn.metrics import accuracy_score")
    assert outcome.status == "passed", outcome.message


def test_learner_exception_is_an_error_with_type_message_and_line():
    outcome = run("""
        def f():
            total = 1
            return total / 0
    """)
    assert outcome.status == "error"
    assert outcome.message == "your code raised ZeroDivisionError: division by zero (line 4, check 'runs')"


def test_error_at_top_level_syntax_error_and_missing_entry():
    assert run("raise ValueError('bad input')").message == "your code raised ValueError: bad input (line 1)"
    syntax = run("def f() return 1")
    assert syntax.status == "error" and syntax.message.startswith("your code has a syntax error") and "line 1" in syntax.message
    missing = run("def compute_metric(p):\n    return {}\n", entry="compute_metrics")
    assert (missing.status, missing.message) == ("error", "your code does not define compute_metrics")


def test_a_check_that_breaks_on_a_wrong_return_value_fails_that_check():
    outcome = run("def f():\n    return None\n", [("first item", "assert answer()[0] == 1")])
    assert (outcome.status, outcome.failed_check) == ("failed", "first item")
    assert "TypeError" in outcome.message


def test_sys_exit_and_os_exit_are_reported_not_obeyed():
    exited = run("import sys\nsys.exit(3)")
    assert (exited.status, exited.message) == ("error", "your code called sys.exit(3); remove that call")
    hard = run("import os\nos._exit(0)")
    assert hard.status == "crashed" and "before reporting a result" in hard.message


def test_endless_loop_hits_the_cpu_limit():
    outcome = run("def f():\n    while True:\n        pass\n", limits=Limits(wall_s=30, cpu_s=1))
    assert outcome.status == "timeout" and "1 s of CPU time" in outcome.message


def test_sleeping_forever_hits_the_wall_clock_and_the_group_is_killed():
    outcome = run("import time\ndef f():\n    time.sleep(600)\n", limits=Limits(wall_s=2, cpu_s=5))
    assert outcome.status == "timeout" and "2 s (wall clock)" in outcome.message
    assert 2 <= outcome.duration_s < 15


@pytest.mark.parametrize("allocation", ["bytearray(10 * 2**30)", "np.ones(10 * 2**30 // 8)"])
def test_allocating_10_gb_crashes_cleanly(allocation):
    outcome = run(f"import numpy as np\ndef f():\n    return {allocation}\n")
    assert outcome.status == "crashed"
    assert outcome.message == "your code ran out of memory (the limit is 1024 MB)"


FORBIDDEN = {
    "fork bomb": ("import os\ndef f():\n    while True:\n        os.fork()\n", "start a process (os.fork)"),
    "subprocess": ("import subprocess\ndef f():\n    subprocess.run(['true'])\n", "start a program (subprocess)"),
    "os.system": ("import os\ndef f():\n    os.system('true')\n", "run a shell command"),
    "posix_spawn": ("import os\ndef f():\n    os.posix_spawn('/bin/true', ['true'], {})\n", "os.posix_spawn"),
    "bare fork_exec": ("import _posixsubprocess\ndef f():\n    _posixsubprocess.fork_exec()\n", "start a process (_posixsubprocess)"),
    "socket": ("import socket\ndef f():\n    socket.socket()\n", "use the network (socket.__new__)"),
    "connection": ("import socket\ndef f():\n    socket.create_connection(('127.0.0.1', 9))\n", "use the network"),
    "url": ("import urllib.request\ndef f():\n    urllib.request.urlopen('http://127.0.0.1:9/')\n", "use the network"),
    "kill the grader": ("import os, signal\ndef f():\n    os.kill(os.getppid(), signal.SIGKILL)\n", "send a signal to another process"),
    "raise limits": ("import resource\ndef f():\n    resource.setrlimit(resource.RLIMIT_AS, (-1, -1))\n", "resource limits"),
    "ctypes system": ("import ctypes\ndef f():\n    ctypes.CDLL(None).system(b'true')\n", "look up the native function 'system'"),
    "ctypes memory": ("import ctypes\ndef f():\n    ctypes.c_char.from_address(8)\n", "read raw memory"),
    "write outside": ("def f():\n    open('/tmp/quizkit-sandbox-escape.txt', 'w')\n", "write to '/tmp/quizkit-sandbox-escape.txt'"),
}


@pytest.mark.parametrize("name", list(FORBIDDEN))
def test_dangerous_operations_are_refused_with_a_clear_error(name):
    source, expected = FORBIDDEN[name]
    outcome = run(source)
    assert outcome.status == "error", outcome
    assert expected in outcome.message
    assert not os.path.exists("/tmp/quizkit-sandbox-escape.txt")


def test_files_outside_the_working_directory_cannot_be_deleted(tmp_path):
    keep = tmp_path / "precious"
    keep.mkdir()
    (keep / "notes.txt").write_text("instructor notes")
    for source in [f"import os\ndef f():\n    os.remove({str(keep / 'notes.txt')!r})\n",
                   f"import shutil\ndef f():\n    shutil.rmtree({str(keep)!r})\n",
                   f"import os\ndef f():\n    os.rename({str(keep / 'notes.txt')!r}, 'stolen.txt')\n",
                   f"import os\ndef f():\n    os.link({str(keep / 'notes.txt')!r}, 'alias.txt')\n"]:
        outcome = run(source)
        assert outcome.status == "error" and "not allowed while checking answers" in outcome.message, outcome
    assert (keep / "notes.txt").read_text() == "instructor notes"


def test_own_working_directory_is_fresh_writable_and_removed_afterwards():
    source = """
        import os, shutil
        def f():
            assert os.listdir('.') == []
            os.makedirs('out/sub')
            with open('out/sub/x.txt', 'w') as fh:
                fh.write('scratch')
            print('cwd=' + os.getcwd(), 'home=' + os.environ['HOME'])
            shutil.rmtree('out')
            return os.listdir('.')
    """
    outcome = run(source, [("cleans up", "assert answer() == []")])
    assert outcome.status == "passed", outcome.message
    cwd = outcome.output.split("cwd=")[1].split()[0]
    assert f"home={cwd}" in outcome.output
    assert not os.path.exists(cwd)


def test_the_key_file_elsewhere_on_disk_cannot_be_read(tmp_path):
    key = tmp_path / "course" / "lessons" / "01-key.yaml"
    key.parent.mkdir(parents=True)
    key.write_text("correct: C  # SECRET-ANSWER\n")
    attempts = [
        f"def f():\n    return open({str(key)!r}).read()\n",
        f"import os\ndef f():\n    return os.read(os.open({str(key)!r}, os.O_RDONLY), 100)\n",
        f"def f():\n    return open('/proc/self/root' + {str(key)!r}).read()\n",
        f"import os\ndef f():\n    os.symlink({str(key)!r}, 'k')\n    return open('k').read()\n",
        f"import pathlib\ndef f():\n    return pathlib.Path({str(key)!r}).read_text()\n",
        # a folder as dir_fd, then a relative name that looks like it is in the work dir
        f"import os\ndef f():\n    d = os.open({str(key.parent)!r}, os.O_RDONLY)\n"
        f"    return os.read(os.open({key.name!r}, os.O_RDONLY, dir_fd=d), 100)\n",
        "import os\ndef f():\n    d = os.open('/etc', os.O_RDONLY)\n    return os.read(os.open('shadow', os.O_RDONLY, dir_fd=d), 9)\n",
    ]
    for source in attempts:
        outcome = run(source, [("leak", "print(answer())")])
        assert outcome.status == "error", outcome
        assert "SECRET-ANSWER" not in outcome.output + outcome.message


def test_file_size_limit_stops_a_big_write():
    outcome = run("def f():\n    with open('big.bin', 'wb') as fh:\n        fh.write(b'0' * (3 * 2**20))\n",
                  limits=Limits(wall_s=20, cpu_s=5, file_mb=1))
    assert outcome.status == "error" and "File too large" in outcome.message


def test_environment_is_scrubbed(monkeypatch):
    monkeypatch.setenv("QUIZKIT_INSTRUCTOR_TOKEN", "hunter2")
    outcome = run("import os\ndef f():\n    return dict(os.environ)\n",
                  [("env", "assert 'QUIZKIT_INSTRUCTOR_TOKEN' not in answer()\n"
                            "assert answer()['HF_HUB_OFFLINE'] == '1' and answer()['OMP_NUM_THREADS'] == '1'")])
    assert outcome.status == "passed", outcome.message


def test_printing_100_mb_is_capped_without_filling_the_parents_memory():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcome = run("import sys\ndef f():\n    for _ in range(100):\n        sys.stdout.write('x' * 2**20)\n    return 1\n",
                  [("value", "assert answer() == 1")])
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert outcome.status == "passed"
    assert outcome.output.startswith("x" * 2000)
    assert outcome.output.endswith(f"[... {100 * 2**20 - 2000} more bytes of output cut]")
    assert grown_mb < 30


def test_a_forged_result_on_stdout_or_the_result_pipe_is_ignored():
    fake = '{"status": "passed", "message": "", "failed_check": null, "passed_checks": ["doubles three"]}'
    source = f"""
        import os
        print({fake!r})
        for fd in range(3, 64):
            try:
                os.write(fd, {fake!r}.encode() + b"\\n")
            except OSError:
                pass
        def double(x):
            return x
    """
    outcome = run_checks(textwrap.dedent(source), "double", DOUBLE_CHECKS, limits=QUICK)
    assert (outcome.status, outcome.failed_check) == ("failed", "doubles three")


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(TypeError, match="source must be a str"):
        run_checks(b"def f(): pass", "f", [])
    with pytest.raises(ValueError, match="entry must be a Python name"):
        run_checks("", "not a name", [])
    with pytest.raises(TypeError, match=r"checks\[0\] must be a \(name, code\) pair"):
        run_checks("", "f", ["assert True"])
    with pytest.raises(ValueError, match="Limits.wall_s must be a positive number"):
        Limits(wall_s=0)


def test_the_parent_is_still_fine_after_everything():
    assert run_checks("def double(x):\n    return 2 * x\n", "double", DOUBLE_CHECKS, limits=QUICK).passed
