"""quizkit grade: a class of real executed notebooks (nbclient), bad inputs, attacks, the CLI."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from gradebook_support import book_json
from grading_support import bwrap_or_skip

from quizkit.grading import Limits, grade_submissions
from quizkit.grading.exporters.tables import gradebook_csv
from quizkit.grading.scripts import scripted_submission
from quizkit.quiz.records import MIME_TYPE

FIXTURES = Path(__file__).parents[1] / "fixtures" / "grading"
NOTEBOOK = FIXTURES / "grading-demo.ipynb"
KEY = FIXTURES / "grading-demo.yaml"
# The class is real notebooks executed in kernels: seconds before the first test.
pytestmark = pytest.mark.slow

LIMITS = Limits(wall_s=20, cpu_s=2, memory_mb=1024)
RIGHT_CODE = "def double(x):\n    return 2 * x\n"

SCRIPTS = {
    # the first attempt at "pick" is wrong; the last record counts
    "alice": [("pick", "A"), ("pick", "B"), ("evens", ["A", "C"]), ("ratio", 0.75), ("word", "Recall"),
              ("write-double", RIGHT_CODE)],
    "bob": [("pick", "A"), ("evens", ["A", "B"]), ("ratio", 0.5), ("word", "precision"),
            ("write-double", "def double(x):\n    return x + 2\n")],
    # passes the visible check, fails the hidden one
    "carol": [("pick", "B"), ("evens", ["A"]), ("ratio", 0.755), ("word", "sensitivity"),
              ("write-double", "def double(x):\n    return 6 if x == 3 else 0\n")],
    "dave": [],
}
EXPECTED = {  # pick, evens, ratio, word, write-double, total
    "alice": ["1", "2", "1", "1", "2", "7"],
    "bob": ["0", "0", "0", "0", "0", "0"],
    "carol": ["1", "0", "1", "1", "0", "3"],
    "dave": ["", "", "", "", "", "0"],
}


@pytest.fixture(scope="module")
def iso():
    return bwrap_or_skip()


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """Four real submissions: the demo notebook executed with scripted answers."""
    folder = tmp_path_factory.mktemp("class")
    for student, script in SCRIPTS.items():
        answers = [(f"grading-demo/{q}", value) for q, value in script]
        scripted_submission(NOTEBOOK, answers, folder / f"{student}.ipynb", student=student)
    return folder


def rows(book):
    return {r["student"]: r for r in csv.DictReader(io.StringIO(gradebook_csv(book)))}


def points(row):
    return [row[f"grading-demo/{q}"] for q in ["pick", "evens", "ratio", "word", "write-double"]] + [row["total"]]


def edited(src: Path, dest: Path, edit) -> Path:
    """Copy a notebook, applying ``edit(record)`` to every stored answer record (in place).

    A copy that names its student in the metadata is named after its file.
    """
    nb = json.loads(src.read_text())
    if "quizkit" in nb["metadata"]:
        nb["metadata"]["quizkit"]["student"] = dest.stem
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            if MIME_TYPE in output.get("data", {}):
                edit(output["data"][MIME_TYPE])
    dest.write_text(json.dumps(nb))
    return dest


def class_paths(klass):
    return [klass / f"{s}.ipynb" for s in SCRIPTS]


def test_executed_notebooks_hold_the_records(klass):
    nb = json.loads((klass / "alice.ipynb").read_text())
    assert nb["metadata"]["quizkit"]["student"] == "alice"
    records = [o["data"][MIME_TYPE] for c in nb["cells"] for o in c.get("outputs", []) if MIME_TYPE in o.get("data", {})]
    assert {(r["question"], r["attempts"]) for r in records} >= {("pick", 2), ("write-double", 1)}


def test_class_grades_and_statuses(iso, klass):
    book = grade_submissions(class_paths(klass), [KEY], jobs=2, limits=LIMITS, isolation=iso)
    table = rows(book)
    assert list(table) == ["alice", "bob", "carol", "dave"]
    for student, expected in EXPECTED.items():
        assert points(table[student]) == expected, student
        assert table[student]["max"] == "7"
    assert [table[s]["status"] for s in ["alice", "bob", "carol"]] == ["ok"] * 3
    assert table["dave"]["status"] == "no answer records"
    carol = {a.question: a for a in book.students[2].answers.values()}
    assert carol["write-double"].checks == {"status": "failed", "failed_check": "doubles negatives",
                                            "passed_checks": ["doubles three"],
                                            "message": "expected -8, got 0", "isolation": "bwrap"}
    assert "expected -8, got 0" in carol["write-double"].reason
    assert book_json(book)["isolation"] == "bwrap"
    assert carol["ratio"].answer == 0.755 and carol["evens"].reason.endswith("every correct option, and only those.")


def test_records_are_rescored_and_never_trusted(iso, klass, tmp_path):
    def claim_right(record):
        record["correct"] = True

    tampered = edited(klass / "bob.ipynb", tmp_path / "bob.ipynb", claim_right)
    book = grade_submissions([tampered], [KEY], limits=LIMITS, isolation=iso)
    row = rows(book)["bob"]
    assert points(row) == EXPECTED["bob"]
    assert "grading-demo/pick: the record claims correct, re-scoring says wrong" in row["status"]
    assert "grading-demo/write-double: the record claims correct" in row["status"]


def test_the_latest_record_per_question_counts(iso, klass, tmp_path):
    def later_wrong_pick(record):
        if record["question"] == "pick":
            record.update(answer="C", time="2099-01-01T00:00:00.000Z", attempts=9)

    def earlier_wrong_pick(record):
        if record["question"] == "pick" and record["attempts"] == 2:
            record.update(time="2000-01-01T00:00:00.000Z")

    later = edited(klass / "alice.ipynb", tmp_path / "later.ipynb", later_wrong_pick)
    earlier = edited(klass / "alice.ipynb", tmp_path / "earlier.ipynb", earlier_wrong_pick)
    book = grade_submissions([later, earlier], [KEY], jobs=1, limits=LIMITS, isolation=iso)
    by_source = {Path(s.source).name: s for s in book.students}
    assert by_source["later.ipynb"].answers["grading-demo/pick"].answer == "C"
    assert by_source["later.ipynb"].answers["grading-demo/pick"].points == 0
    # attempt 2 now looks older than attempt 1: time decides, so attempt 1 ("A") counts
    assert by_source["earlier.ipynb"].answers["grading-demo/pick"].answer == "A"


def bad_inputs(klass, folder: Path) -> dict[str, Path]:
    """Each bad input of the issue, as a file or folder in ``folder``."""
    alice = klass / "alice.ipynb"
    (folder / "essay.txt").write_text("my answers are in here")
    (folder / "broken.ipynb").write_text('{"cells": [')
    (folder / "nocells.ipynb").write_text('{"hello": "world"}')
    huge = folder / "huge.ipynb"
    with open(huge, "wb") as fh:  # sparse: 200 MB by size, nothing written
        fh.truncate(200 * 2**20)

    def unknown(record):
        if record["question"] == "pick":
            record["lesson"] = "03-unknown"
        if record["question"] == "word":
            record["question"] = "foo"

    def wrong_types(record):
        if record["question"] == "evens":
            record["attempts"] = "two"
        if record["question"] == "ratio":
            record["answer"] = {"value": 0.75}

    def wrong_shape(record):
        if record["question"] == "pick":
            record["answer"] = "Z"

    def from_records(record):
        record["student"] = "erin"

    paths = {
        "essay": folder / "essay.txt",
        "broken": folder / "broken.ipynb",
        "nocells": folder / "nocells.ipynb",
        "huge": huge,
        "unknown": edited(alice, folder / "unknown.ipynb", unknown),
        "wrongtypes": edited(alice, folder / "wrongtypes.ipynb", wrong_types),
        "wrongshape": edited(alice, folder / "wrongshape.ipynb", wrong_shape),
    }
    student_dir = folder / "frank"
    student_dir.mkdir()
    nb = json.loads(alice.read_text())
    del nb["metadata"]["quizkit"]
    (student_dir / "part1.ipynb").write_text(json.dumps(nb))
    edited(student_dir / "part1.ipynb", student_dir / "part2.ipynb", lambda r: None)
    paths["folder"] = student_dir
    nb_erin = folder / "erin-file.ipynb"
    nb_erin.write_text(json.dumps(nb))
    paths["erin"] = edited(nb_erin, nb_erin, from_records)
    return paths


def test_bad_inputs_get_a_status_and_the_batch_goes_on(iso, klass, tmp_path):
    bad = bad_inputs(klass, tmp_path)
    everything = class_paths(klass) + list(bad.values())
    book = grade_submissions(everything, [KEY], jobs=2, limits=LIMITS, isolation=iso)
    by_source = {Path(s.source).name: s for s in book.students}
    table = {r["source"]: r for r in csv.DictReader(io.StringIO(gradebook_csv(book)))}

    def status(name):
        return table[str(bad[name])]["status"]

    assert status("essay") == "essay.txt: not a notebook (expected a .ipynb file)"
    assert status("broken").startswith("broken.ipynb: invalid notebook (not valid JSON: Expecting value at line 1")
    assert status("nocells") == "nocells.ipynb: invalid notebook (JSON without nbformat and a list of cells)"
    assert status("huge") == "huge.ipynb: notebook too large (200 MB, the limit is 50 MB); not read"
    for name in ["essay", "broken", "nocells", "huge"]:
        assert table[str(bad[name])]["total"] == "0"
    assert status("unknown") == ("unknown lesson '03-unknown' ignored (3 records); "
                                 "unknown question grading-demo/foo ignored (2 records)")
    assert points(table[str(bad["unknown"])]) == ["", "2", "1", "", "2", "5"]
    assert status("wrongtypes").count("invalid answer record ignored (wrongtypes.ipynb)") == 2
    assert "attempts: Input should be a valid integer" in status("wrongtypes")
    assert "answer.str: Input should be a valid string" in status("wrongtypes")
    assert points(table[str(bad["wrongtypes"])]) == ["1", "", "", "1", "2", "4"]
    wrongshape = by_source["wrongshape.ipynb"].answers["grading-demo/pick"]
    assert (wrongshape.points, wrongshape.reason) == (0, "invalid answer: There is no option 'Z'; the options are A, B, C.")
    folder_row = table[str(bad["folder"])]
    assert (folder_row["student"], folder_row["total"], folder_row["status"]) == ("frank", "7", "ok")
    # the path names the student; the record's "erin" is shown, not used
    assert table[str(bad["erin"])]["student"] == "erin-file"
    assert "the notebook names 'erin', not the submission's 'erin-file'" in table[str(bad["erin"])]["status"]

    # the class is graded exactly as without the bad submissions
    alone = rows(grade_submissions(class_paths(klass), [KEY], jobs=1, limits=LIMITS, isolation=iso))
    for student in SCRIPTS:
        assert points(table[str(klass / f"{student}.ipynb")]) == points(alone[student])


def test_a_class_folder_passed_as_one_submission_is_not_merged(iso, klass, tmp_path):
    (tmp_path / "nested" / "alice").mkdir(parents=True)
    book = grade_submissions([klass, tmp_path / "nested"], [KEY], limits=LIMITS, isolation=iso)
    by_source = {Path(s.source).name: s for s in book.students}
    whole = by_source[klass.name]
    assert whole.status.startswith("notebooks of several students in one folder (alice, bob, carol, dave); not graded")
    assert whole.answers == {} and book.total(whole) == 0
    assert by_source["nested"].status == "no notebooks (.ipynb) in this folder; it holds folders: pass those, e.g. submissions/*"


def test_shared_student_ids_and_copies_are_flagged(iso, klass, tmp_path):
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "week1.ipynb").write_text((klass / "bob.ipynb").read_text())
    book = grade_submissions([klass / "alice.ipynb", tmp_path / "alice"], [KEY], limits=LIMITS, isolation=iso)
    assert all("student id 'alice' also used by" in s.status for s in book.students)
    # a byte-for-byte copy and a hard link of a classmate's notebook, under other students' names
    (tmp_path / "mallory.ipynb").write_text((klass / "alice.ipynb").read_text())
    (tmp_path / "trent.ipynb").hardlink_to(klass / "carol.ipynb")
    book = grade_submissions([klass / "alice.ipynb", klass / "carol.ipynb", tmp_path / "mallory.ipynb",
                              tmp_path / "trent.ipynb"], [KEY], limits=LIMITS, isolation=iso)
    status = {s.student: s.status for s in book.students}
    assert "identical to the submission of mallory: a copy?" in status["alice"]
    assert "identical to the submission of alice: a copy?" in status["mallory"]
    assert "identical to the submission of carol: a copy?" in status["trent"]


def test_key_errors_are_clear(klass, tmp_path):
    with pytest.raises(ValueError, match="--key .*missing.yaml: no such file or folder"):
        grade_submissions([klass / "alice.ipynb"], [tmp_path / "missing.yaml"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="holds no question banks"):
        grade_submissions([klass / "alice.ipynb"], [tmp_path / "empty"])
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "grading-demo.yaml").write_text(KEY.read_text().replace("correct: B", "correct: Z"))
    with pytest.raises(ValueError, match="question 'pick': correct: correct option 'Z' is not among A, B, C"):
        grade_submissions([klass / "alice.ipynb"], [tmp_path / "bad"])


def quizkit_grade(*args, cwd):
    return subprocess.run([sys.executable, "-m", "quizkit.cli", "grade", *map(str, args)], check=False,
                          capture_output=True, text=True, cwd=cwd, timeout=600)


def test_cli_writes_identical_files_twice_with_report(iso, klass, tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / KEY.name).write_text(KEY.read_text())
    (tmp_path / "broken.ipynb").write_text("{")
    subs = [*class_paths(klass), tmp_path / "broken.ipynb"]
    outputs = []
    for run in range(2):
        out = tmp_path / f"run{run}"
        done = quizkit_grade(*subs, "--key", keys, "--out", out / "gradebook.csv", "--report", out / "report.html",
                             "--jobs", "2", "--isolation", "bwrap", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "graded 5 submission(s) on 5 question(s) (code isolation: bwrap): 3 ok, 2 with problems" in done.stdout
        assert "graded 5/5" in done.stderr  # not a terminal: plain counts
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1]
    assert sorted(outputs[0]) == ["gradebook.csv", "gradebook.json", "report.html"]
    report = outputs[0]["report.html"].decode()
    assert report.count('<svg role="img"') == 2 and report.count('class="bar"') == 8 + 5  # a bar per total 0-7, one per question
    assert "grading-demo/evens" in report and "A, B (1×)" in report  # bob's wrong set
    assert "broken.ipynb: invalid notebook" in report
    data = json.loads(outputs[0]["gradebook.json"])
    assert [s["student"] for s in data["students"]] == ["alice", "bob", "broken", "carol", "dave"]
    assert data["students"][0]["answers"][0]["question"] == "evens"
    assert not list((tmp_path / "run0").glob(".*.tmp"))


def test_the_instructor_chooses_what_a_revealed_right_answer_earns(iso, klass, tmp_path):
    def revealed(record):
        record["revealed"] = True

    alice = edited(klass / "alice.ipynb", tmp_path / "alice.ipynb", revealed)  # right on every question
    totals = {}
    for credit in ("0", "0.5", "1"):
        done = quizkit_grade("--key", KEY, "--out", tmp_path / f"g{credit}.csv", "--revealed-credit", credit,
                             "--isolation", "bwrap", "--", alice, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        student = json.loads((tmp_path / f"g{credit}.json").read_text())["students"][0]
        totals[credit] = sum(a["points"] for a in student["answers"])
        assert all("solution was shown" in a["reason"] for a in student["answers"])
    assert totals == {"0": 0, "0.5": 3.5, "1": 7}  # by default a revealed answer earns nothing
    refused = quizkit_grade("--key", KEY, "--out", tmp_path / "x.csv", "--revealed-credit", "2", "--", alice, cwd=tmp_path)
    assert refused.returncode == 2 and "--revealed-credit must be a share from 0 to 1, not 2" in refused.stderr


def test_cli_reports_a_bad_key_without_a_traceback(klass, tmp_path):
    done = quizkit_grade(klass / "alice.ipynb", "--key", tmp_path / "nope", "--out", tmp_path / "g.csv", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().endswith("nope: no such file or folder") and "Traceback" not in done.stderr
    assert not (tmp_path / "g.csv").exists()


def test_without_key_lessons_are_found_from_the_current_folder(iso, klass, tmp_path):
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / KEY.name).write_text(KEY.read_text())
    (tmp_path / "work").mkdir()
    done = quizkit_grade(klass / "carol.ipynb", "--out", "g.csv", "--jobs", "1", cwd=tmp_path / "work")
    assert done.returncode == 0, done.stderr
    row = next(csv.DictReader(io.StringIO((tmp_path / "work" / "g.csv").read_text())))
    assert points(row) == EXPECTED["carol"] and row["status"] == "ok"

    # A record cannot name a bank file of its own choosing as its lesson.
    (tmp_path / "work" / "mine.yaml").write_text(KEY.read_text().replace("id: grading-demo", "id: mine")
                                                 .replace("correct: B", "correct: A"))

    def own_key(record):
        record["lesson"] = "mine.yaml"

    edited(klass / "bob.ipynb", tmp_path / "work" / "bob.ipynb", own_key)
    done = quizkit_grade("bob.ipynb", "--out", "g2.csv", cwd=tmp_path / "work")
    assert done.returncode == 2 and "no answer key found for these submissions" in done.stderr
    assert not (tmp_path / "work" / "g2.csv").exists()


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal_plain_counts_otherwise(iso, klass):
    paths = class_paths(klass)[1:] * 2  # bob, carol, dave twice: six submissions
    terminal, log = Terminal(), io.StringIO()
    grade_submissions(paths, [KEY], jobs=2, limits=LIMITS, isolation=iso, progress=terminal)
    grade_submissions(paths, [KEY], jobs=2, limits=LIMITS, isolation=iso, progress=log)
    shown = terminal.getvalue()  # tqdm's bar: frames separated by carriage returns
    assert "grading: 100%" in shown and "6/6" in shown and shown.endswith("\n")
    assert log.getvalue().splitlines() == [f"graded {i}/6" for i in range(1, 7)]


def test_a_real_lesson_notebook_scripted_and_graded(tmp_path):
    iso = bwrap_or_skip()
    from quizkit.quiz.loading import load_bank
    from quizkit.grading.scripts import key_answers

    root = Path(__file__).parents[2]
    bank = load_bank(root / "lessons" / "00-start-here.yaml")
    right, _ = key_answers(bank)
    answers = {f"{bank.id}/{q}": value for q, value in right.items()}
    answers[f"{bank.id}/write-accuracy"] = (
        "def accuracy(y_true, y_pred):\n    return sum(t == p for t, p in zip(y_true, y_pred)) / len(y_true)\n")
    submission = scripted_submission(root / "notebooks" / "00-start-here.ipynb", answers, tmp_path / "ann.ipynb", student="ann")
    book = grade_submissions([submission], [root / "lessons"], limits=Limits(wall_s=120), isolation=iso)
    (ann,) = book.students
    assert ann.status == "ok" and set(ann.answers) == {f"{bank.id}/{q}" for q in bank.questions}
    assert book.total(ann) == book.max_points == sum(q.points for q in bank.questions.values())


def test_the_maximum_belongs_to_the_assignment(iso, klass, tmp_path):
    from quizkit.quiz.loading import load_bank
    from quizkit.quiz.records import bundle, make_record

    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / KEY.name).write_text(KEY.read_text())
    other = Path(__file__).parents[2] / "lessons" / "00-start-here.yaml"
    (keys / other.name).write_text(other.read_text())
    bank = load_bank(keys / other.name)
    nb = json.loads((klass / "alice.ipynb").read_text())
    record = make_record(lesson=bank.id, question="what-is-fine-tuning", type="single_choice", answer="B",
                         attempts=1, bank_hash=bank.key_hash, student="alice")
    nb["cells"][-1]["outputs"].append({"output_type": "display_data", "data": bundle(record), "metadata": {}})
    (tmp_path / "alice.ipynb").write_text(json.dumps(nb))
    subs = [tmp_path / "alice.ipynb", *class_paths(klass)[1:]]

    book = grade_submissions(subs, [keys], jobs=1, limits=LIMITS, isolation=iso)
    assert [k["lesson"] for k in book.keys] == ["grading-demo"] and book.max_points == 7  # 1 of 4 answered 00
    alice = next(s for s in book.students if s.student == "alice")
    assert book.total(alice) == 7 and alice.status == "ignored: not in this assignment (00-start-here)"
    assert book_json(book)["students"][0]["ignored"] == ["00-start-here"]

    chosen = grade_submissions(subs, [keys], jobs=1, lessons=["grading-demo", "00-start-here"], limits=LIMITS, isolation=iso)
    extra = sum(q.points for q in bank.questions.values())
    assert chosen.max_points == 7 + extra and all(row["max"] == f"{7 + extra:g}" for row in rows(chosen).values())
    assert chosen.total(next(s for s in chosen.students if s.student == "alice")) == 8
    only_00 = grade_submissions(subs, [keys], jobs=1, lessons=["00-start-here"], limits=LIMITS, isolation=iso)
    assert only_00.max_points == extra and [c.lesson for c in only_00.columns] == ["00-start-here"] * len(bank.questions)
    with pytest.raises(ValueError, match="--lesson 99-nope: no such lesson in the key"):
        grade_submissions(subs, [keys], lessons=["99-nope"], isolation=iso)


def test_without_isolation_code_is_not_graded_and_the_json_says_so(klass):
    book = grade_submissions([klass / "alice.ipynb"], [KEY], limits=LIMITS, isolation=None)
    (alice,) = book.students
    code = alice.answers["grading-demo/write-double"]
    assert (code.points, code.reason) == (0, "not graded: no isolation available")
    assert "grading-demo/write-double: code not graded" in alice.status and book.total(alice) == 5
    assert book_json(book)["isolation"] == "unavailable"


def test_what_one_submission_makes_the_grader_store_or_compute_is_capped(klass, tmp_path):
    from quizkit.quiz.loading import load_bank
    from quizkit.quiz.records import bundle, make_record

    def huge_text(record):
        if record["question"] == "word":
            record["answer"] = "recall " * 3_000_000  # 21 MB of text to fuzzy-match

    big = edited(klass / "alice.ipynb", tmp_path / "big.ipynb", huge_text)
    many = json.loads((klass / "bob.ipynb").read_text())
    template = next(o for c in many["cells"] for o in c.get("outputs", []) if MIME_TYPE in o.get("data", {}))
    for i in range(6_000):  # distinct unknown question ids, more records than a submission may hold
        stray = json.loads(json.dumps(template))
        stray["data"][MIME_TYPE]["question"] = f"no-such-{i}"
        many["cells"][-1].setdefault("outputs", []).append(stray)
    (tmp_path / "many.ipynb").write_text(json.dumps(many))
    start = load_bank("00-start-here")  # a valid record of another lesson only: the wrong notebook
    record = make_record(lesson=start.id, question="what-is-fine-tuning", type="single_choice", answer="B",
                         attempts=1, bank_hash=start.key_hash)
    wrong = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "source": "", "execution_count": 1,
         "outputs": [{"output_type": "display_data", "data": bundle(record), "metadata": {}}]}]}
    (tmp_path / "wrong-lesson.ipynb").write_text(json.dumps(wrong))
    book = grade_submissions([big, tmp_path / "many.ipynb", tmp_path / "wrong-lesson.ipynb"],
                             [KEY, Path("lessons") / "00-start-here.yaml"], lessons=["grading-demo"], isolation=None)
    by = {s.student: s for s in book.students}
    word = by["big"].answers["grading-demo/word"]
    assert (word.points, word.reason) == (0, "invalid answer: a text answer of 21000000 characters (the limit is 10000)")
    assert "more than 5000 answer records: the rest ignored" in by["many"].status
    assert len(by["many"].problems) <= 21 and len(json.dumps(book_json(book))) < 200_000  # not one line per unknown id
    assert by["wrong-lesson"].status.startswith("no answers for this assignment's lessons (grading-demo); the notebook "
                                                "answers 00-start-here: the wrong lesson saved under this name?")


def test_without_any_working_sandbox_grading_stops_instead_of_scoring_zero(klass, tmp_path):
    import os

    done = subprocess.run([sys.executable, "-m", "quizkit.cli", "grade", "--key", str(KEY), "--out", "g.csv", "--",
                           str(klass / "alice.ipynb")], cwd=tmp_path, capture_output=True, text=True, check=False,
                          env={**os.environ, "PATH": str(tmp_path)})  # neither bwrap nor docker nor podman
    assert done.returncode == 2 and not (tmp_path / "g.csv").exists()
    assert "the assignment has code questions and no sandbox works here: bubblewrap (bwrap) is not installed" in done.stderr
    assert "no container engine (docker or podman) on the PATH" in done.stderr
