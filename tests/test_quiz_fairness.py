"""Quiz fairness: the text fallback gives nothing away, options can be shuffled per student,
and check-lessons warns when the key is usually the longest option."""

from pathlib import Path

import pytest
import yaml

from quizkit.quiz.check import check_lessons, length_warnings
from quizkit.quiz.loading import load_bank
from quizkit.quiz import Quiz
from quizkit.quiz.records import validate_record

DEMO = Path(__file__).parent / "fixtures" / "quiz-demo.yaml"
LESSONS = Path(__file__).parent.parent / "lessons"


def _fallback_answer_line(quiz, qid):
    return quiz._text_fallback(quiz.bank.question(qid)).splitlines()[-1].strip()


@pytest.mark.parametrize("bank_path", sorted(LESSONS.glob("[0-9][0-9]-*.yaml")),
                         ids=lambda p: p.stem)
def test_the_fallback_example_is_a_placeholder_in_every_lesson(bank_path):
    quiz = Quiz(bank_path, feedback="none")
    for q in quiz.bank.questions.values():
        line = _fallback_answer_line(quiz, q.id)
        expected = {
            "single_choice": f"quiz.answer('{q.id}', '<option id>')",
            "multiple_choice": f"quiz.answer('{q.id}', ['<option id>', ...])   # every option you pick",
            "numeric": f"quiz.answer('{q.id}', <your number>)",
            "text": f"quiz.answer('{q.id}', '<your answer>')",
            "code": f"quiz.check('{q.id}', {getattr(q, 'entry', '')})   # after defining {getattr(q, 'entry', '')}",
        }[q.type]
        assert line == expected


def test_pasting_the_placeholder_is_a_clear_error_not_an_attempt():
    quiz = Quiz(DEMO)
    result = quiz.submit("pick-one", "<option id>")
    assert result.record is None and "Not counted" in result.message
    assert quiz.state("pick-one").attempts == 0


def _orders(student, shuffle=True):
    quiz = Quiz(LESSONS / "09-final-check.yaml", feedback="none", student=student, shuffle=shuffle)
    return {qid: [o.id for o in quiz.options(qid)] for qid, q in quiz.bank.questions.items()
            if q.type in ("single_choice", "multiple_choice")}


def test_shuffled_options_are_fixed_per_student_and_differ_between_students():
    bank = load_bank(LESSONS / "09-final-check.yaml")
    bank_order = {qid: [o.id for o in q.options] for qid, q in bank.questions.items()
                  if q.type in ("single_choice", "multiple_choice")}
    assert _orders("ada", shuffle=False) == bank_order  # off by default: the bank's order
    ada, ada_again, bob = _orders("ada"), _orders("ada"), _orders("bob")
    assert ada == ada_again  # same student, same order (a re-run does not reshuffle)
    for qid, order in ada.items():
        assert sorted(order) == sorted(bank_order[qid])  # a permutation: nothing lost or added
    students = [f"student-{i}" for i in range(20)]
    orders = [_orders(s) for s in students]
    qid = next(iter(bank_order))
    # 20 students, 4 options: the chance that all see one order, or never see the key first, is tiny.
    assert len({tuple(o[qid]) for o in orders}) > 1
    assert ada != bob
    assert any(o[qid] != bank_order[qid] for o in orders)


def test_shuffled_widgets_record_option_ids_not_positions(capsys):
    quiz = Quiz(DEMO, student="ada", shuffle=True)
    shown = [o.id for o in quiz.options("pick-many")]
    quiz.ask("pick-many")
    view = quiz._views["pick-many"]
    # Tick the boxes showing B and D, wherever the shuffle put them.
    for option, box in zip(view.options, view.input.children):
        assert box.description.startswith(f"{option.id}. ")
        box.value = option.id in ("B", "D")
    view.submit_button.click()
    record = quiz.state("pick-many").record
    assert validate_record(record)["answer"] == ["B", "D"]
    assert [o.id for o in view.options] == shown
    radio_quiz = Quiz(DEMO, student="ada", shuffle=True)
    radio_quiz.ask("pick-one")
    radio = radio_quiz._views["pick-one"].input
    assert [value for _, value in radio.options] == [o.id for o in radio_quiz.options("pick-one")]
    radio.value = "C"
    radio_quiz._views["pick-one"].submit_button.click()
    assert radio_quiz.state("pick-one").record["answer"] == "C" and radio_quiz.state("pick-one").correct
    fallback = capsys.readouterr().out
    assert fallback.index("  " + shown[0] + ". ") < fallback.index("  " + shown[-1] + ". ")


def _bank(tmp_path, keys_longest, n=4):
    questions = []
    for i in range(n):
        long_key = i < keys_longest
        questions.append({
            "id": f"q{i}", "type": "single_choice", "prompt": "Pick one.",
            "options": [
                # A is the longest option; it is the key only in the first keys_longest questions.
                {"id": "A", "text": "a much longer option text than the others", "explanation": "e"},
                {"id": "B", "text": "medium text", "explanation": "e"},
                {"id": "C", "text": "tiny", "explanation": "e"},
            ],
            "correct": "A" if long_key else "B",
        })
    path = tmp_path / "length-demo.yaml"
    path.write_text(yaml.safe_dump({"id": "length-demo", "title": "t", "objectives": ["o"], "questions": questions}))
    return path


def test_check_lessons_warns_when_the_key_is_usually_the_longest_option(tmp_path, capsys):
    from quizkit.cli import main

    path = _bank(tmp_path, keys_longest=3)  # 3 of 4 > half
    bank = load_bank(path)
    warnings = length_warnings(bank)
    assert len(warnings) == 1
    assert "3 of 4 single-choice questions" in str(warnings[0]) and str(path) in str(warnings[0])
    assert main(["check-lessons", str(path)]) == 0  # a warning, not a problem
    captured = capsys.readouterr()
    assert "warning:" in captured.err and "longest option" in captured.err  # stderr: stdout stays the summary
    assert captured.out.startswith("OK: 1 bank(s)")


def test_no_warning_at_half_or_below(tmp_path):
    for keys_longest in (0, 2):  # 2 of 4 is not more than half
        path = _bank(tmp_path, keys_longest=keys_longest)
        assert length_warnings(load_bank(path)) == []
        assert check_lessons([path])[1] == []
