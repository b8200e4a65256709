"""Quiz cells: widgets driven in process, and real notebooks executed with nbclient."""

import json
import math
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from quizkit.quiz.loading import load_bank
from quizkit.quiz.scoring import AnswerError
from quizkit.quiz import Quiz, source_of
from quizkit.quiz.records import bundle, iter_records, make_record, validate_record

DEMO = Path(__file__).parents[1] / "fixtures" / "quiz-demo.yaml"


def _widgets(quiz, qid):
    """(input, submit, hint, attempts label, hints output, feedback output) of an asked question."""
    quiz.ask(qid)
    box = quiz._views[qid].box
    style, entry, buttons, hints, feedback = box.children
    assert "<style>" in style.value
    submit, hint, _solution, attempts = buttons.children
    return entry, submit, hint, attempts, hints, feedback


def _shown(output):
    return "\n".join(o["data"]["text/markdown"] for o in output.outputs)


def test_single_choice_widget_scores_explains_and_counts(capsys):
    quiz = Quiz(DEMO)
    radio, submit, _, attempts, _, feedback = _widgets(quiz, "pick-one")
    assert "quiz.answer('pick-one', '<option id>')" in capsys.readouterr().out  # the text fallback
    submit.click()  # nothing chosen yet
    assert "Pick exactly one option" in _shown(feedback) and attempts.value == "Attempts: 0"
    radio.value = "A"
    submit.click()
    assert "Not quite" in _shown(feedback) and "Alpha is the first letter" in _shown(feedback)
    radio.value = "C"
    submit.click()
    assert "Correct" in _shown(feedback) and "Charlie is the third letter" in _shown(feedback)
    assert attempts.value == "Attempts: 2"
    state = quiz.state("pick-one")
    assert (state.attempts, state.answer, state.correct, state.points) == (2, "C", True, 1.0)
    validate_record(state.record)


def test_multiple_choice_numeric_text_and_code_widgets(capsys):
    quiz = Quiz(DEMO)
    boxes, submit, *_ , feedback = _widgets(quiz, "pick-many")
    boxes.children[0].value = boxes.children[2].value = True
    submit.click()
    assert quiz.state("pick-many").answer == ["A", "C"] and quiz.state("pick-many").points == 2
    number, submit, *_, feedback = _widgets(quiz, "absolute-number")
    number.value = "seven"
    submit.click()
    assert "'seven' is not a number" in _shown(feedback) and quiz.state("absolute-number").attempts == 0
    number.value = "0.7315"
    submit.click()
    assert quiz.state("absolute-number").correct and "117 / 160" in _shown(feedback)
    text, submit, *_, feedback = _widgets(quiz, "name-it")
    text.value = "Zebra finch"
    submit.click()
    assert quiz.state("name-it").correct
    code, *_ = _widgets(quiz, "write-double")
    assert code.value.startswith("def double(x):")  # the starter


def test_hints_are_revealed_one_by_one(capsys):
    quiz = Quiz(DEMO)
    _, _, hint, _, hints, _ = _widgets(quiz, "pick-one")
    assert hint.description == "Hint (0/2)" and not hint.disabled
    hint.click()
    assert "It is not A." in _shown(hints) and "third letter" not in _shown(hints)
    hint.click()
    assert "third letter" in _shown(hints) and hint.disabled and hint.description == "Hint (2/2)"
    _, _, no_hint, *_ = _widgets(quiz, "pick-many")
    assert no_hint.disabled


def test_exam_mode_records_without_revealing(capsys):
    quiz = Quiz(DEMO, feedback="none", student="ada")
    radio, submit, _, _, _, feedback = _widgets(quiz, "pick-one")
    radio.value = "A"
    submit.click()
    shown = _shown(feedback)
    assert "Answer recorded" in shown and "Not quite" not in shown and "Alpha" not in shown
    record = quiz.state("pick-one").record
    assert record["correct"] is None and record["student"] == "ada" and record["answer"] == "A"
    capsys.readouterr()
    quiz.progress()
    out = capsys.readouterr().out
    assert "1 of 7 questions answered" in out and "points" not in out


def test_progress_counts_points_in_instant_mode(capsys):
    quiz = Quiz(DEMO)
    quiz.answer("pick-one", "C")
    quiz.answer("pick-many", ["A"])
    quiz.answer("absolute-number", math.nan)  # not an attempt
    capsys.readouterr()
    quiz.progress()
    out = capsys.readouterr().out
    assert "2 of 7 questions answered; 1 of 9 points so far" in out


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="feedback must be one of 'instant', 'none', not 'loud'"):
        Quiz(DEMO, feedback="loud")
    quiz = Quiz(DEMO)
    with pytest.raises(ValueError, match="has no question 'nope'; its questions are: pick-one, pick-many"):
        quiz.ask("nope")
    with pytest.raises(ValueError, match="has no question 'nope'"):
        quiz.answer("nope", "A")
    with pytest.raises(ValueError, match="is a single_choice question; answer it with quiz.answer"):
        quiz.check("pick-one", "def f(): pass")


def test_source_of_functions_and_strings():
    def my_double(x):
        return 2 * x

    source = source_of(my_double, "double")
    assert source.startswith("def my_double(x):") and source.rstrip().endswith("double = my_double")
    assert source_of("def double(x): return x", "double") == "def double(x): return x"
    with pytest.raises(AnswerError, match="without calling it"):
        source_of(6, "double")
    with pytest.raises(AnswerError, match="without calling it"):
        source_of(lambda x: x, "double")
    with pytest.raises(AnswerError, match="empty"):
        source_of("  ", "double")


def test_records_validate_and_reject_tampering():
    good = make_record(lesson="l", question="q", type="numeric", answer=0.5, attempts=1, bank_hash="sha256:" + "a" * 64)
    assert validate_record(good) == good
    assert bundle(good)["text/plain"] == "quizkit answer: l/q = 0.5 (attempt 1)"
    for field, value, message in [("attempts", 0, "attempts"), ("bank_hash", "md5:1", "bank_hash"),
                                  ("time", "2026-01-01T00:00:00", "time"), ("type", "essay", "type"),
                                  ("answer", {"a": 1}, "answer"), ("extra", 1, "extra")]:
        with pytest.raises(ValueError, match=message):
            validate_record({**good, field: value})
    with pytest.raises(ValueError, match="lesson: Field required"):
        validate_record({k: v for k, v in good.items() if k != "lesson"})


def _execute(tmp_path, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    path = tmp_path / "answers.ipynb"
    nbformat.write(nb, path)
    return path, nbformat.read(path, as_version=4)


@pytest.mark.slow
def test_notebook_answers_are_saved_in_the_notebook(tmp_path):
    path, nb = _execute(tmp_path, [
        f"from quizkit import Quiz\nquiz = Quiz({str(DEMO)!r}, student='ada')",
        'quiz.ask("pick-one")',
        'quiz.answer("pick-one", "B")',
        'quiz.answer("pick-one", "C")',
        'quiz.answer("absolute-number", "a lot")',
        'quiz.answer("pick-many", ["C", "A"])\nquiz.answer("relative-number", 4400)',
        'quiz.answer("name-it", "zebra finch")',
        "quiz.progress()",
    ])
    records = list(iter_records(path))
    assert records == list(iter_records(nb))
    for record in records:
        validate_record(record)
    bank_hash = load_bank(DEMO).hash
    assert {r["bank_hash"] for r in records} == {bank_hash} and {r["student"] for r in records} == {"ada"}
    seen = [(r["question"], r["answer"], r["attempts"], r["correct"]) for r in records]
    assert seen == [
        ("pick-one", "C", 2, True),  # the ask cell's display, updated to the latest answer
        ("pick-one", "B", 1, False),
        ("pick-one", "C", 2, True),
        ("pick-many", ["A", "C"], 1, True),
        ("relative-number", 4400.0, 1, True),
        ("name-it", "zebra finch", 1, True),
    ]
    ask_outputs = nb.cells[1].outputs
    assert "Run this cell to answer with buttons." in ask_outputs[1]["data"]["text/plain"]
    assert ask_outputs[2]["data"]["text/plain"] == "quizkit answer: quiz-demo/pick-one = C (attempt 2)"
    wrong_type = nb.cells[4].outputs
    assert len(wrong_type) == 1 and "Not counted as an attempt" in wrong_type[0]["data"]["text/plain"]
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.outputs)
    assert "4 of 7 questions answered; 5 of 9 points so far" in nb.cells[7].outputs[0]["data"]["text/plain"]


def test_code_question_runs_the_checks_in_the_sandbox(capsys):
    quiz = Quiz(DEMO)

    def double(x):
        return x + 1

    quiz.check("write-double", double)
    out = capsys.readouterr().out
    assert "Check 'doubles three' failed" in out and "double(3) should be 6 (expected 6, got 4)" in out
    state = quiz.state("write-double")
    assert (state.attempts, state.correct) == (1, False) and state.answer.startswith("def double(x):")
    code, submit, *_, feedback = _widgets(quiz, "write-double")
    code.value = "def double(x):\n    return 2 * x\n"
    submit.click()
    assert "All 1 check passed. Your instructor also runs 1 hidden check" in _shown(feedback)
    assert "return 2 * x" in _shown(feedback)
    assert (quiz.state("write-double").attempts, quiz.state("write-double").correct) == (2, True)


@pytest.mark.slow
def test_notebook_code_checks_survive_errors_loops_and_floods(tmp_path):
    path, nb = _execute(tmp_path, [
        # Short limits keep the endless loop below from holding the test for the default 30 s.
        f"from quizkit import Quiz\nfrom quizkit.sandbox import Limits\nquiz = Quiz({str(DEMO)!r}, limits=Limits(wall_s=20, cpu_s=4))",
        "def double(x):\n    return 2 * x\nquiz.check('write-double', double)",
        "def double(x):\n    raise ZeroDivisionError('boom')\nquiz.check('write-double', double)",
        "def double(x):\n    while True:\n        pass\nquiz.check('write-double', double)",
        "def double(x):\n    print('x' * 10_000_000)\n    return 2 * x\nquiz.check('write-double', double)",
        "quiz.check('write-double', 'def double(x) return')",
        "print('kernel alive', quiz.state('write-double').attempts)",
    ])
    records = list(iter_records(path))
    assert [r["attempts"] for r in records] == [1, 2, 3, 4, 5]
    # Printing megabytes is allowed: the sandbox caps the output and the checks still pass.
    assert [r["correct"] for r in records] == [True, False, False, True, False]
    assert records[0]["answer"].startswith("def double(x):\n    return 2 * x")

    def feedback(i):
        return nb.cells[i].outputs[0]["data"]["text/plain"]

    assert "All 1 check passed" in feedback(1)
    assert "ZeroDivisionError" in feedback(2) and "boom" in feedback(2)
    assert "timed out (limit 4 s of CPU time)" in feedback(3)
    assert "syntax error: expected ':' (line 1)" in feedback(5)
    assert len(json.dumps(nb.cells[4].outputs)) < 50_000  # the flood stays out of the notebook
    assert nb.cells[6].outputs[0]["text"] == "kernel alive 5\n"
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.outputs)


@pytest.mark.slow
def test_an_error_in_the_submit_callback_is_shown_in_the_cell(tmp_path):
    """A Submit click runs in a widget callback: its error lands in the question's feedback
    Output (saved with the notebook's widget state), not in JupyterLab's log console."""
    _, nb = _execute(tmp_path, [
        # Limits that are not a Limits (set past the constructor's check): running the checks fails.
        f"from quizkit import Quiz\nquiz = Quiz({str(DEMO)!r})\nquiz.limits = 5",
        'quiz.ask("write-double")',
        'view = quiz._views["write-double"]\nview.input.value = "def double(x):\\n    return 2 * x\\n"\n'
        'view.submit_button.click()\nprint("the cell goes on")',
    ])
    assert [o.get("text") for o in nb.cells[2].outputs] == ["the cell goes on\n"]
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    shown = [o for m in state.values() if m["model_name"] == "OutputModel" for o in m["state"].get("outputs", [])]
    errors = [o for o in shown if o["output_type"] == "error"]
    assert [(e["ename"], e["evalue"]) for e in errors] == [("AttributeError", "'int' object has no attribute 'rlimits'")]


def test_records_take_exactly_the_banks_question_types():
    from quizkit.quiz.questions import question_types

    def record(type_):
        return make_record(lesson="l", question="q", type=type_, answer="x", attempts=1, bank_hash="sha256:" + "0" * 64)

    assert question_types() == ("single_choice", "multiple_choice", "numeric", "text", "code")
    for type_ in question_types():
        assert validate_record(record(type_))["type"] == type_
    with pytest.raises(ValueError, match="type"):
        validate_record(record("essay"))


def test_quiz_refuses_limits_that_are_not_limits():
    from quizkit.sandbox import Limits

    with pytest.raises(TypeError, match=r"limits must be a quizkit.sandbox.Limits \(e.g. Limits\(wall_s=5\)\), not 5"):
        Quiz(DEMO, limits=5)
    assert Quiz(DEMO, limits=Limits(wall_s=5)).limits.wall_s == 5


def test_show_solution_reveals_the_key_and_records_it_as_revealed():
    quiz = Quiz(DEMO, student="ada")
    number, submit, *_, feedback = _widgets(quiz, "absolute-number")
    number.value = "0.9"
    submit.click()
    assert "Not quite" in _shown(feedback) and "0.73125" not in _shown(feedback) and "117 / 160" not in _shown(feedback)
    assert "revealed" not in quiz.state("absolute-number").record
    view = quiz._views["absolute-number"]
    view.solution_button.click()
    assert "0.73125" in _shown(feedback) and "recorded as revealed" in _shown(feedback)
    # The wrong answer already saved is marked, and so is the right one copied from the solution.
    assert validate_record(quiz.state("absolute-number").record)["revealed"] is True
    number.value = "0.73125"
    submit.click()
    record = validate_record(quiz.state("absolute-number").record)
    assert record["correct"] is True and record["revealed"] is True
    # An answer that was right before the solution was shown keeps its record.
    quiz.answer("pick-one", "C")
    quiz.reveal("pick-one")
    assert "revealed" not in quiz.state("pick-one").record
    with pytest.raises(ValueError, match="exam"):
        Quiz(DEMO, feedback="none").reveal("pick-one")


def test_grade_counts_a_revealed_right_answer_as_the_instructor_chooses():
    from quizkit.grading.scoring import score_answer

    quiz = Quiz(DEMO, student="ada")
    quiz.reveal("absolute-number")
    quiz.answer("absolute-number", 0.73125)
    record = quiz.state("absolute-number").record
    question = quiz.bank.question("absolute-number")
    default = score_answer(question, record, None, None)
    assert default.correct and default.points == 0 and "solution was shown" in default.reason
    assert score_answer(question, record, None, None, revealed_credit=0.5).points == 0.5 * question.points
    quiz.answer("pick-one", "C")  # not revealed: full points
    assert score_answer(quiz.bank.question("pick-one"), quiz.state("pick-one").record, None, None).points == 1
