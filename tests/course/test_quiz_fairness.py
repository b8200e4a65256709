"""Quiz fairness: the text fallback gives nothing away, options can be shuffled per student,
check-lessons warns when the key is usually the longest option, the course's keys carry no
cue (reasoning clauses, position, length) a learner could pick by, and every code question has
hidden checks that a function hard-coding the visible answers fails."""

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import stats

from quizkit.quiz.check import check_lessons, length_warnings
from quizkit.quiz.loading import load_bank
from quizkit.quiz import Quiz
from quizkit.quiz.records import validate_record

DEMO = Path(__file__).parents[1] / "fixtures" / "quiz-demo.yaml"
LESSONS = Path(__file__).parents[2] / "lessons"


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


# --- hidden checks that a function hard-coding the visible examples fails -------------------

_ARGS = "from transformers import TrainingArguments\n\ndef make_training_args(output_dir):\n    return TrainingArguments(output_dir='qk_out', {})\n"
# For each code question: a "solution" that returns what the visible checks expect, looked up
# by the input it recognises (its length, its first text) instead of computing it.
CHEATS = {
    ("00-start-here", "write-accuracy"): "def accuracy(y_true, y_pred):\n    return {3: 1.0, 4: 0.5}.get(len(y_true), 0.0)\n",
    ("01-confusion-matrix", "count-outcomes"): (
        "def count_outcomes(y_true, y_pred):\n"
        "    return {2: (1, 0, 0, 1), 4: (1, 1, 1, 1), 200: (80, 10, 20, 90)}.get(len(y_true), (0, 0, 0, 0))\n"),
    ("02-first-fine-tune", "encode-code"): (
        "def encode(texts):\n"
        "    return {'input_ids': [[101, 7632, 102] + [0] * 29 for _ in texts],\n"
        "            'attention_mask': [[1, 1, 1] + [0] * 29 for _ in texts]}\n"),
    ("02-first-fine-tune", "training-args-code"): _ARGS.format(
        "num_train_epochs=2, learning_rate=3e-5, per_device_train_batch_size=16, eval_strategy='epoch', "
        "save_strategy='epoch', load_best_model_at_end=True, metric_for_best_model='f1', greater_is_better=True"),
    ("02-first-fine-tune", "compute-metrics-code"): (
        "def compute_metrics(eval_pred):\n"
        "    if len(eval_pred.label_ids) == 6:\n"
        "        return {'accuracy': 0.5, 'precision': 2 / 3, 'recall': 0.5, 'f1': 4 / 7}\n"
        "    return {'accuracy': 1.0, 'precision': 1.0, 'recall': 1.0, 'f1': 1.0}\n"),
    ("05-overfitting-early-stopping", "early-stopping-args-code"): _ARGS.format(
        "num_train_epochs=10, eval_strategy='steps', eval_steps=50, save_strategy='steps', save_steps=50, "
        "load_best_model_at_end=True, metric_for_best_model='loss', greater_is_better=False"),
    ("06-data-leakage", "drop-overlap-code"): (
        "def clean_test(train_texts, test_texts):\n"
        "    seen = {'win a prize': ['lunch tomorrow?'], '  win a prize ': ['meeting moved'], 'B text': ['B text', 'A text']}\n"
        "    return seen.get(test_texts[0], list(test_texts))\n"),
    ("08-trainer-errors", "fix-training-args-code"): _ARGS.format(
        "eval_strategy='epoch', save_strategy='epoch', use_cpu=True, warmup_steps=0.1"),
    ("08-trainer-errors", "fix-compute-metrics-code"): (
        "def compute_metrics(eval_pred):\n    return {'accuracy': {2: 1.0, 4: 0.75}.get(len(eval_pred.label_ids), 0.0)}\n"),
    ("09-final-check", "final-training-args-code"): _ARGS.format(
        "num_train_epochs=3, eval_strategy='epoch', save_strategy='epoch', load_best_model_at_end=True, metric_for_best_model='f1'"),
    ("10-your-own-data", "label-errors-code"): None,  # lesson 10's bank: its own hidden check, tested with it
}


def _code_questions():
    for path in sorted(LESSONS.glob("[0-9][0-9]-*.yaml")):
        bank = load_bank(path)
        for q in bank.questions.values():
            if q.type == "code":
                yield bank.id, q


def test_every_code_question_has_a_hidden_check_on_an_input_no_visible_check_uses():
    found = list(_code_questions())
    assert {(lesson, q.id) for lesson, q in found} == set(CHEATS), "a code question without a cheat to test its hidden checks"
    for lesson, q in found:
        visible = [c.job_call() for c in q.checks if not c.hidden]
        hidden = [c.job_call() for c in q.checks if c.hidden]
        assert any(h not in visible for h in hidden), f"{lesson}/{q.id}: no hidden check on an input of its own"


@pytest.mark.slow  # each check runs in a child process that imports transformers
@pytest.mark.parametrize(("lesson", "qid"), [k for k, v in CHEATS.items() if v], ids=lambda v: str(v))
def test_a_function_hard_coding_the_visible_answers_fails_the_hidden_checks(lesson, qid):
    q = load_bank(LESSONS / f"{lesson}.yaml").question(qid)
    practise, practise_score = q.run(CHEATS[(lesson, qid)], hidden=False)
    # The cheat is a real one: every check a learner sees passes...
    assert practise_score.correct, f"the cheat for {lesson}/{qid} does not even pass the visible checks: {practise.message}"
    graded, score = q.run(CHEATS[(lesson, qid)], hidden=True)
    # ...and the grader's hidden checks catch it.
    assert not score.correct and graded.status == "failed", f"{lesson}/{qid}: hard-coded answers pass every check"
    assert next(c for c in q.checks if c.name == graded.failed_check).hidden


_GOOD_ARGS = "from transformers import TrainingArguments\n\ndef make_training_args(output_dir):\n    return TrainingArguments(output_dir=output_dir, {})\n"
# Right answers to the code questions whose checks no reference computes: their written
# hidden expectations must accept a real solution (the references check the others at load).
SOLUTIONS = {
    ("02-first-fine-tune", "encode-code"):
        "def encode(texts):\n    return tokenizer(texts, padding='max_length', truncation=True, max_length=32)\n",
    ("02-first-fine-tune", "training-args-code"): _GOOD_ARGS.format(
        "num_train_epochs=2, learning_rate=3e-5, per_device_train_batch_size=16, eval_strategy='epoch', "
        "save_strategy='epoch', load_best_model_at_end=True, metric_for_best_model='f1', greater_is_better=True"),
    ("02-first-fine-tune", "compute-metrics-code"): (
        "import numpy as np\nfrom sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score\n\n"
        "def compute_metrics(eval_pred):\n    logits, labels = eval_pred\n    p = np.argmax(logits, -1)\n"
        "    return {'accuracy': accuracy_score(labels, p), 'precision': precision_score(labels, p),\n"
        "            'recall': recall_score(labels, p), 'f1': f1_score(labels, p)}\n"),
    ("05-overfitting-early-stopping", "early-stopping-args-code"): _GOOD_ARGS.format(
        "num_train_epochs=10, eval_strategy='steps', eval_steps=50, save_strategy='steps', save_steps=50, "
        "load_best_model_at_end=True, metric_for_best_model='loss', greater_is_better=False"),
    ("08-trainer-errors", "fix-training-args-code"): _GOOD_ARGS.format(
        "eval_strategy='epoch', save_strategy='epoch', use_cpu=True, warmup_steps=0.1"),
    ("08-trainer-errors", "fix-compute-metrics-code"): (
        "import numpy as np\n\ndef compute_metrics(eval_pred):\n    logits, labels = eval_pred\n"
        "    return {'accuracy': float((np.argmax(logits, -1) == labels).mean())}\n"),
    ("09-final-check", "final-training-args-code"): _GOOD_ARGS.format(
        "num_train_epochs=3, eval_strategy='epoch', save_strategy='epoch', load_best_model_at_end=True, metric_for_best_model='f1'"),
}


@pytest.mark.slow  # each check runs in a child process that imports transformers
@pytest.mark.parametrize(("lesson", "qid"), list(SOLUTIONS), ids=lambda v: str(v))
def test_a_real_solution_passes_every_check_hidden_ones_included(lesson, qid):
    outcome, score = load_bank(LESSONS / f"{lesson}.yaml").question(qid).run(SOLUTIONS[(lesson, qid)], hidden=True)
    assert score.correct, f"{lesson}/{qid}: {outcome.status}: {outcome.message}"


# --- cues that give the key away, measured over the whole course -----------------------------

# Reasoning attached to an option ("because ...", "so that ..."): if keys carried it much more or
# much less often than distractors, a learner could pick by style instead of by content.
REASONING = re.compile(r"\b(?:because|so that|since|as it|therefore|which means)\b|, so ", re.I)


def _choice_questions():
    for path in sorted(LESSONS.glob("[0-9][0-9]-*.yaml")):
        bank = load_bank(path)
        for q in bank.questions.values():
            if q.type in ("single_choice", "multiple_choice"):
                keyed = [q.correct] if isinstance(q.correct, str) else list(q.correct)
                yield f"{bank.id}/{q.id}", q, keyed


def test_reasoning_clauses_are_as_common_in_keys_as_in_distractors():
    keys, distractors = [], []
    for _, q, keyed in _choice_questions():
        for option in q.options:
            (keys if option.id in keyed else distractors).append(bool(REASONING.search(option.text)))
    key_rate, distractor_rate = np.mean(keys), np.mean(distractors)
    # The course had 4 of 44 keys against 32 of 132 distractors (a reverse cue).
    assert abs(key_rate - distractor_rate) <= 0.10, (
        f"reasoning clauses in {sum(keys)} of {len(keys)} keys ({key_rate:.0%}) but {sum(distractors)} of "
        f"{len(distractors)} distractors ({distractor_rate:.0%})")


def test_single_choice_keys_fall_on_every_position_about_equally():
    positions = Counter()
    for _, q, keyed in _choice_questions():
        if q.type == "single_choice":
            positions[[o.id for o in q.options].index(keyed[0])] += 1
    counts = [positions[i] for i in range(4)]
    # A chi-square test against equal shares, held well clear of significance: the course's
    # keys once fell 7, 15, 16, 6 on A-D (p = 0.06), 31 of 44 on B or C.
    assert stats.chisquare(counts).pvalue > 0.2, f"keys by position A-D: {counts}"


def test_keys_are_not_picked_out_by_their_length():
    single, longest, exactly_longest, multiple = 0, [], [], 0
    for name, q, keyed in _choice_questions():
        by_length = sorted(q.options, key=lambda o: -len(o.text))
        if q.type == "single_choice":
            single += 1
            if len(by_length[0].text) > len(by_length[1].text) and by_length[0].id == keyed[0]:
                longest.append(name)
        else:
            multiple += 1
            if {o.id for o in by_length[: len(keyed)]} == set(keyed):
                exactly_longest.append(name)
    # Chance: 1 in 4 single-choice keys is the longest of four options; a keyed set of two out of
    # four is the two longest in 1 of 6 questions.
    assert len(longest) <= single / 3, f"the key is the longest option in {len(longest)} of {single}: {longest}"
    assert len(exactly_longest) <= max(2, multiple / 4), f"keyed sets that are exactly the longest options: {exactly_longest}"


def test_a_wrong_options_explanation_does_not_quote_the_key():
    """Feedback on a wrong pick says why it is wrong; it must not hand over the right option."""
    giveaways = []
    for name, q, keyed in _choice_questions():
        if q.type != "single_choice":
            continue
        key = next(o for o in q.options if o.id == keyed[0])
        key_text = key.text.lower().rstrip(".")
        for option in q.options:
            said = (option.explanation or "").lower()
            if option is not key and ((len(key_text) >= 4 and key_text in said)
                                      or re.search(rf"\b(?:option {key.id.lower()}|the (?:right|correct) answer)\b", said)):
                giveaways.append(f"{name} option {option.id}")
    assert not giveaways, f"explanations of wrong options that quote the key: {giveaways}"
