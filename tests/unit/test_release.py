"""quizkit release: no plain-text key in the student copy, yet the same scores."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from quizkit.quiz.loading import load_bank
from quizkit.quiz import Quiz
from quizkit.quiz.release import release_bank

ROOT = Path(__file__).resolve().parents[2]
DEMO = Path(__file__).parents[1] / "fixtures" / "quiz-demo.yaml"
# The banks course.yaml lists (lessons/ also holds claims.yaml, which is not a bank).
COURSE_BANKS = [ROOT / "lessons" / f"{lesson}.yaml" for lesson in yaml.safe_load((ROOT / "lessons" / "course.yaml").read_text())["lessons"]]


def _answers(q):
    """(answer, expected correct) pairs that probe a question's key from both sides."""
    if q.type == "single_choice":
        return [(o.id, o.id == q.correct) for o in q.options]
    if q.type == "multiple_choice":
        ids = q.option_ids
        wrong = [i for i in ids if i not in q.correct]
        return [(q.correct, True), (list(reversed(q.correct)), True), (q.correct[:-1] or wrong, False),
                (q.correct + wrong[:1], not wrong)]
    if q.type == "numeric":
        a, t = q.answer, q.tolerance * (abs(q.answer) if q.tolerance_mode == "relative" else 1)
        return [(a, True), (a + 0.6 * t, True), (a - 0.6 * t, True), (a + 2 * t + 1e-9, False), (a - 2 * t - 1e-9, False)]
    if q.type == "text":
        return [(a, True) for a in q.accepted] + [(a.upper() + " !", True) for a in q.accepted] + [("qqqq zzzz", False)]
    return []


@pytest.mark.parametrize("path", [DEMO, *COURSE_BANKS], ids=lambda p: p.stem)
def test_released_copy_scores_like_the_key(tmp_path, path):
    source = load_bank(path)
    released = load_bank(release_bank(path, tmp_path))
    assert released.release is not None and released.key_hash == source.hash != released.hash
    if source.feedback == "none":  # exam copies: covered by test_exam_copy_holds_no_key_at_all
        assert not released.has_key
        return
    for qid, q in source.questions.items():
        for answer, expected in _answers(q):
            assert q.score(answer).correct is expected, (qid, answer)
            assert released.questions[qid].score(answer).correct is expected, (qid, answer)
        if q.type in ("numeric", "text"):
            right = _answers(q)[0][0]
            assert released.questions[qid].score(right).feedback == q.explanation  # unsealed when right


def test_released_copy_holds_no_plain_text_key(tmp_path):
    text = release_bank(DEMO, tmp_path).read_text()
    for secret in ["correct:", "answer:", "accepted:", "0.73125", "4375", "zebrafinch", "xylophonist", "Zebra",
                   "117 / 160", "secret-negative-check", "double(-4)", "return 2 * x"]:
        assert secret.lower() not in text.lower(), secret
    # What stays: the prompts, the options with their explanations, hints and visible checks.
    for kept in ["Which letter is the **correct** one?", "Charlie is the third letter", "It is the third letter.",
                 "doubles three"]:
        assert kept in text, kept


def test_two_releases_use_different_salts(tmp_path):
    first = load_bank(release_bank(DEMO, tmp_path / "a"))
    second = load_bank(release_bank(DEMO, tmp_path / "b"))
    assert first.release.salt != second.release.salt
    assert first.questions["pick-one"].key != second.questions["pick-one"].key


def test_quiz_on_a_released_copy_gives_feedback_and_records_the_source_hash(tmp_path, capsys):
    quiz = Quiz(release_bank(DEMO, tmp_path))
    quiz.answer("exact-word", "Xylophonist")
    assert "The password is xylophonist." in capsys.readouterr().out
    quiz.answer("absolute-number", 0.9)
    assert "Not within the tolerance" in capsys.readouterr().out
    assert quiz.state("exact-word").record["bank_hash"] == load_bank(DEMO).hash
    assert quiz.state("absolute-number").correct is False
    # A released copy has no readable key: Show solution says so and records nothing as revealed.
    quiz.reveal("absolute-number")
    assert "no readable key" in capsys.readouterr().out
    assert "revealed" not in quiz.state("absolute-number").record and not quiz.state("absolute-number").revealed


@pytest.mark.slow
def test_release_command(tmp_path):
    def release(*args):
        return subprocess.run([sys.executable, "-m", "quizkit.cli", "release", *map(str, args)],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)

    result = release(DEMO, "00-start-here", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "quiz-demo.yaml").is_file() and (tmp_path / "00-start-here.yaml").is_file()
    again = release(tmp_path / "quiz-demo.yaml", "--out", tmp_path / "x")
    assert again.returncode == 1 and "already a released copy" in again.stderr
    onto_key = release(DEMO, "--out", DEMO.parent)
    assert onto_key.returncode == 1 and "would overwrite the answer key" in onto_key.stderr
    missing = release("no-such-lesson", "--out", tmp_path)
    assert missing.returncode == 1 and "no question bank for lesson 'no-such-lesson'" in missing.stderr


def test_exam_copy_holds_no_key_at_all(tmp_path, capsys):
    exam = tmp_path / "quiz-demo.yaml"
    exam.write_text(DEMO.read_text().replace("objectives:", "feedback: none\nobjectives:"))
    copy = release_bank(exam, tmp_path / "student")
    text = copy.read_text()
    assert "key:" not in text and "explanation" not in text and "salt" in text
    with pytest.raises(ValueError, match="exam copy holds no answer key"):
        Quiz(copy, feedback="instant")
    quiz = Quiz(copy)  # the bank says feedback: none
    quiz.answer("pick-one", "C")
    quiz.answer("pick-one", "Q")  # still checked for shape: not an attempt
    assert "Answer recorded" in capsys.readouterr().out
    record = quiz.state("pick-one").record
    assert (record["answer"], record["attempts"], record["correct"]) == ("C", 1, None)
    assert record["bank_hash"] == load_bank(exam).hash
