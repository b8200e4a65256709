"""Question banks: schema problems named by file/question/field, scoring of every type."""

import math
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from quizkit.quiz.loading import find_bank, load_bank
from quizkit.quiz.scoring import AnswerError, normalize_text
from quizkit.quiz.validation import BankError

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parents[1] / "fixtures"
DEMO = FIXTURES / "quiz-demo.yaml"
BAD = FIXTURES / "bad_lessons"


def _check_lessons(*paths):
    return subprocess.run([sys.executable, "-m", "quizkit.cli", "check-lessons", *map(str, paths)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_check_lessons_passes_on_the_course():
    result = _check_lessons()  # default: lessons/
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK: ")
    assert len(result.stdout.strip().splitlines()) == 1


def test_check_lessons_names_every_seeded_mistake():
    result = _check_lessons(BAD)
    assert result.returncode == 1
    seeded = str(BAD / "seeded.yaml")
    expected = [
        f"{BAD / 'broken-yaml.yaml'}: line 6, column 4: invalid YAML",
        f"{seeded}: id: 'wrong-id' must equal the file name stem 'seeded'",
        f"{seeded}: question 'q-unknown-type': type: unknown type 'essay'",
        f"{seeded}: question 'q-dup': id: duplicate question id",
        f"{seeded}: question 'q-bad-correct': correct: correct option 'E' is not among A, B, C, D",
        f"{seeded}: question 'q-no-explanation': options.1.explanation: missing",
        f"{seeded}: question 'q-concept': concepts: unknown concept 'quantum-metrics'",
        f"{seeded}: question 'q-no-tolerance': tolerance: missing",
        f"{seeded}: question 'q-no-checks': checks: a code question needs at least one check",
        f"{seeded}: question 'q-bad-check': checks.0.call: does not compile",
        f"{seeded}: question 'q-bad-check': checks.1.expect: missing: give expect or raises",
        f"{seeded}: question 'q-bad-check': checks.2.expect: must be plain data",
        f"{seeded}: question 'q-bad-reference': checks.0.expect: the reference gives 2, not the expected 3",
        f"{BAD / 'course.yaml'}: lessons: lesson 'missing-lesson' has no bank",
    ]
    lines = result.stdout.splitlines()
    for text in expected:
        assert any(line.startswith(text) for line in lines), f"{text!r} not in:\n{result.stdout}"
    assert lines[-1] == f"{len(expected)} problem(s) found."


def test_a_bad_bank_is_never_half_loaded():
    with pytest.raises(BankError) as info:
        load_bank(BAD / "seeded.yaml")
    assert len(info.value.problems) == 12  # all of seeded.yaml's mistakes, not just the first
    assert {p.question for p in info.value.problems} >= {"q-dup", "q-bad-correct", "q-bad-check"}


def test_released_style_key_in_a_plain_bank_and_missing_key_are_problems(tmp_path):
    text = DEMO.read_text().replace("    correct: C\n", "    key: [{hash: 'sha256:" + "0" * 64 + "'}]\n")
    bad = tmp_path / "quiz-demo.yaml"
    bad.write_text(text)
    with pytest.raises(BankError) as info:
        load_bank(bad)
    messages = [str(p) for p in info.value.problems]
    assert any("question 'pick-one': key: hashed keys belong only in released banks" in m for m in messages)
    assert any("question 'pick-one': correct: missing" in m for m in messages)


def test_lesson_ids_are_found_from_any_subfolder(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT / "tests" / "fixtures")
    assert find_bank("00-start-here") == ROOT / "lessons" / "00-start-here.yaml"
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match="no question bank for lesson 'no-such-lesson'"):
        find_bank("no-such-lesson")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        find_bank(tmp_path / "missing.yaml")


def test_bank_hash_is_stable_and_follows_content(tmp_path):
    bank = load_bank(DEMO)
    assert bank.hash == load_bank(DEMO).hash
    assert bank.hash.startswith("sha256:") and len(bank.hash) == 71
    changed = tmp_path / "quiz-demo.yaml"
    changed.write_text(DEMO.read_text().replace("answer: 0.73125", "answer: 0.73126"))
    assert load_bank(changed).hash != bank.hash
    # Comments and key order do not change the validated bank, so not its hash either.
    reordered = tmp_path / "sub" / "quiz-demo.yaml"
    reordered.parent.mkdir()
    reordered.write_text("# a comment\n" + DEMO.read_text().replace("    points: 1\n    concepts: [task-metrics]\n    prompt: \"Which",
                                                                   "    concepts: [task-metrics]\n    points: 1\n    prompt: \"Which"))
    assert load_bank(reordered).hash == bank.hash


@pytest.fixture(scope="module")
def demo():
    return load_bank(DEMO).questions


@pytest.mark.parametrize(("qid", "answer", "correct"), [
    ("pick-one", "C", True), ("pick-one", " c ", True), ("pick-one", "A", False),
    ("pick-many", ["A", "C"], True), ("pick-many", ["C", "A"], True), ("pick-many", "a, c", True),
    ("pick-many", ["A"], False), ("pick-many", ["A", "C", "D"], False), ("pick-many", ["A", "A", "C"], True),
    ("absolute-number", 0.73125, True), ("absolute-number", 0.733, True), ("absolute-number", "0,7295", True),
    ("absolute-number", 0.734, False), ("absolute-number", 0.729, False), ("absolute-number", 1, False),
    ("relative-number", 4375, True), ("relative-number", 4812, True), ("relative-number", 3938, True),
    ("relative-number", 4813, False), ("relative-number", 3937, False), ("relative-number", -4375, False),
    ("name-it", "zebra finch", True), ("name-it", "  ZEBRA-finch!! ", True), ("name-it", "striped zebrafinch", True),
    ("name-it", "zebra finsh", True), ("name-it", "zebra", False), ("name-it", "sparrow", False),
    ("exact-word", "Xylophonist.", True), ("exact-word", "xylophonst", False),
])
def test_scoring_every_type(demo, qid, answer, correct):
    score = demo[qid].score(answer)
    assert score.correct is correct
    assert score.max_points == demo[qid].points
    assert score.points == (demo[qid].points if correct else 0.0)
    assert score.feedback


def test_choice_feedback_is_the_chosen_options_explanation(demo):
    assert "Bravo is the second letter" in demo["pick-one"].score("B").feedback
    # A wrong set explains the wrongly chosen options only: the keyed ones would give the key away.
    feedback = demo["pick-many"].score(["A", "B"]).feedback
    assert "3 leaves a remainder" in feedback and "Not the right set" in feedback
    assert "2 divides by two" not in feedback
    right = demo["pick-many"].score(["A", "C"]).feedback
    assert "2 divides by two" in right and "4 divides by two" in right
    every = demo["pick-many"].score(["A", "B", "C", "D"]).feedback
    assert "divides" not in every and "remainder" not in every and "every option" in every


def test_a_wrong_numeric_or_text_answer_never_shows_the_key(demo):
    for qid, wrong, key in (("absolute-number", 0.9, "0.73125"), ("name-it", "sparrow", "zebra")):
        score = demo[qid].score(wrong)
        assert not score.correct and key not in score.feedback.lower() and "hints" in score.feedback
    assert "117 / 160" in demo["absolute-number"].score(0.73125).feedback
    assert "0.73125" in demo["absolute-number"].solution() and "117 / 160" in demo["absolute-number"].solution()
    assert "A, C" in demo["pick-many"].solution()


@pytest.mark.parametrize(("qid", "answer", "message"), [
    ("pick-one", "E", "There is no option 'E'; the options are A, B, C"),
    ("pick-one", ["A", "B"], "Pick exactly one option"),
    ("pick-one", "", "Pick exactly one option"),
    ("pick-one", 3, "Answer with an option id"),
    ("pick-many", [], "Pick at least one option"),
    ("pick-many", ["A", "Z"], "There is no option 'Z'"),
    ("absolute-number", "seventy", "'seventy' is not a number"),
    ("absolute-number", math.nan, "finite number"),
    ("absolute-number", math.inf, "finite number"),
    ("absolute-number", True, "not True"),
    ("absolute-number", [0.7], "not list"),
    ("name-it", 42, "Answer with text"),
    ("name-it", " ?! ", "empty"),
])
def test_wrong_type_answers_get_a_friendly_message(demo, qid, answer, message):
    with pytest.raises(AnswerError, match=message.replace("(", r"\(").replace("?", r"\?")):
        demo[qid].score(answer)


def test_numpy_numbers_are_numbers(demo):
    np = pytest.importorskip("numpy")
    assert demo["absolute-number"].score(np.float32(0.7312)).correct
    assert demo["relative-number"].score(np.int64(4375)).correct


def test_normalize_text():
    assert normalize_text("  Zebra-Finch, striped ") == "zebra finch striped"
    assert normalize_text("ＦＵＬＬ width") == "full width"


def test_check_lessons_on_single_files_and_missing_paths(tmp_path):
    start = ROOT / "lessons" / "00-start-here.yaml"
    n_questions = sum(len(yaml.safe_load(path.read_text())["questions"]) for path in (DEMO, start))
    ok = _check_lessons(DEMO, start)
    assert ok.returncode == 0 and ok.stdout.startswith(f"OK: 2 bank(s), {n_questions} question(s)")
    missing = _check_lessons(tmp_path / "nope")
    assert missing.returncode == 1 and f"{tmp_path / 'nope'}: no such file or folder" in missing.stdout
    (tmp_path / "empty").mkdir()
    no_course = _check_lessons(tmp_path / "empty")
    assert no_course.returncode == 1 and "course.yaml: missing" in no_course.stdout


def test_a_key_edited_between_two_gradings_in_one_process_is_read_again(tmp_path):
    """The grader caches key banks; the cache must notice an instructor's fix to the key."""
    import json

    from quizkit.grading import grade_submissions
    from quizkit.quiz.records import bundle, make_record

    key = tmp_path / "grading-demo.yaml"
    source = (FIXTURES / "grading" / "grading-demo.yaml").read_text()
    key.write_text(source)
    bank = load_bank(key)
    record = make_record(lesson=bank.id, question="pick", type="single_choice", answer="A", attempts=1,
                         bank_hash=bank.key_hash, student="ada")
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
          "cells": [{"cell_type": "code", "metadata": {}, "source": "", "execution_count": 1,
                     "id": "c1", "outputs": [{"output_type": "display_data", "data": bundle(record), "metadata": {}}]}]}
    notebook = tmp_path / "ada.ipynb"
    notebook.write_text(json.dumps(nb))

    def points():
        (ada,) = grade_submissions([notebook], [key], jobs=1).students
        return ada.answers["grading-demo/pick"].points

    assert points() == 0  # the fixture's key is B
    assert source.count("    correct: B\n") == 1
    key.write_text(source.replace("    correct: B\n", "    correct: A\n"))  # same size, maybe the same mtime
    assert points() == 1


def test_a_cached_bank_is_validated_again_when_its_course_changes(tmp_path):
    """Concept tags are checked against the course.yaml beside the bank: editing it counts as a change."""
    from quizkit.quiz.loading import load_bank_cached

    lessons = ROOT / "lessons"
    bank = tmp_path / "00-start-here.yaml"
    bank.write_text((lessons / "00-start-here.yaml").read_text())
    course = (lessons / "course.yaml").read_text()
    (tmp_path / "course.yaml").write_text(course)
    assert load_bank_cached(bank).id == "00-start-here"
    assert course.count("{id: fine-tuning-purpose,") == 1
    (tmp_path / "course.yaml").write_text(course.replace("{id: fine-tuning-purpose,", "{id: why-fine-tune,"))
    with pytest.raises(BankError, match="fine-tuning-purpose"):
        load_bank_cached(bank)
