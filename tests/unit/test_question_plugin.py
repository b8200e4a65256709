"""A new question type touches the registry and its own class only.

The "ordering" type (tests/fixtures/question_plugin/quizkit_ordering.py) is installed the way
a course would ship it, as a package with an entry point in the ``quizkit.question_types``
group; no quizkit module knows of it. It is loaded in a bank, answered, scored, released,
answered in real notebooks (nbclient kernels) and graded by the ``quizkit grade`` command.
"""

import csv
import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from quizkit.grading.scripts import key_answers, scripted_submission
from quizkit.quiz import AnswerError, BankError, Quiz, load_bank, release_bank
from quizkit.quiz.questions import question_types, register, unregister
from quizkit.quiz.records import MIME_TYPE, iter_records

PLUGIN = Path(__file__).parents[1] / "fixtures" / "question_plugin" / "quizkit_ordering.py"
BANK = {
    "id": "sorting",
    "title": "Steps of a fine-tuning run",
    "objectives": ["Order the steps of a run"],
    "questions": [
        {"id": "steps", "type": "ordering", "prompt": "Put the steps in order.", "points": 2,
         "steps": {"A": "evaluate on the test set", "B": "tokenize", "C": "train"},
         "correct": ["B", "C", "A"], "explanation": "Text becomes tokens before training; test last."},
        {"id": "pick", "type": "single_choice", "prompt": "Which split chooses the threshold?", "correct": "B",
         "options": [{"id": "A", "text": "test", "explanation": "Test is for reporting."},
                     {"id": "B", "text": "validation", "explanation": "Choose on validation."}]},
    ],
}


@pytest.fixture(scope="module")
def plugin(tmp_path_factory):
    """The plug-in as an installed distribution: its module and a dist-info naming the entry point."""
    site = tmp_path_factory.mktemp("site")
    shutil.copy(PLUGIN, site / PLUGIN.name)
    info = site / "quizkit_ordering-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: quizkit-ordering\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[quizkit.question_types]\nordering = quizkit_ordering:Ordering\n")
    return site


@pytest.fixture
def ordering(plugin, monkeypatch):
    """The type registered in this process (the test process loaded its plug-ins before the site existed)."""
    monkeypatch.syspath_prepend(str(plugin))
    # Kernels and `quizkit grade` are new processes: they find the plug-in through its entry point.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(plugin), os.environ.get("PYTHONPATH", "")]))
    cls = register(importlib.import_module("quizkit_ordering").Ordering)
    yield cls
    unregister("ordering")


def write_bank(folder: Path, bank: dict = BANK) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{bank['id']}.yaml"
    path.write_text(yaml.safe_dump(bank, sort_keys=False))
    return path


def test_a_registered_type_loads_scores_and_validates(ordering, tmp_path):
    bank = load_bank(write_bank(tmp_path))
    steps = bank.question("steps")
    assert isinstance(steps, ordering) and question_types()[-1] == "ordering"
    assert steps.score(["B", "C", "A"]).points == 2.0
    with pytest.raises(AnswerError, match="Give every step once"):
        steps.score(["B", "C"])
    assert steps.score("B, C, A").correct and not steps.score(["C", "B", "A"]).correct
    assert key_answers(bank)[0]["steps"] == ["B", "C", "A"]
    broken = {**BANK, "questions": [{**BANK["questions"][0], "correct": ["B", "C"]}]}
    with pytest.raises(BankError, match=r"sorting.yaml: question 'steps': correct: list every step once: A, B, C"):
        load_bank(write_bank(tmp_path / "broken", broken))


def test_unknown_types_name_the_registered_ones(ordering, tmp_path):
    bad = {**BANK, "questions": [{**BANK["questions"][1], "type": "essay"}]}
    with pytest.raises(BankError, match="type: unknown type 'essay'; use one of single_choice, .*, code, ordering"):
        load_bank(write_bank(tmp_path, bad))


def test_a_released_copy_holds_a_hash_and_still_scores(ordering, tmp_path):
    copy = release_bank(write_bank(tmp_path), tmp_path / "student")
    text = copy.read_text()
    assert "correct:" not in text and "Text becomes tokens" not in text
    released = load_bank(copy).question("steps")
    right = released.score(["B", "C", "A"])
    assert right.correct and right.feedback == "Text becomes tokens before training; test last."
    assert not released.score(["A", "B", "C"]).correct
    exam = release_bank(write_bank(tmp_path / "exam", {**BANK, "feedback": "none"}), tmp_path / "exam-copy")
    assert "key:" not in exam.read_text() and load_bank(exam).question("steps").correct is None


def test_a_quiz_asks_and_records_it(ordering, tmp_path):
    quiz = Quiz(write_bank(tmp_path), student="ann")
    assert "quiz.answer('steps', ['<step id>', ...])" in quiz._text_fallback(quiz.bank.question("steps"))
    assert quiz.submit("steps", "A").record is None  # a wrong shape is not an attempt
    result = quiz.submit("steps", "B, C, A")
    assert result.record["type"] == "ordering" and result.record["answer"] == ["B", "C", "A"]
    assert result.record["correct"] is True
    assert "**Solution:** B, C, A." in quiz._reveal("steps")  # Show solution: the type's own worked answer
    assert quiz.submit("steps", "C, B, A").record["revealed"] is True


@pytest.mark.slow
def test_notebooks_answered_with_it_are_graded_by_the_cli(ordering, tmp_path):
    course = tmp_path / "course"
    key = write_bank(course)
    notebook = course / "sorting.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('from quizkit.quiz import Quiz\nquiz = Quiz("sorting.yaml")'),
                nbformat.v4.new_code_cell('quiz.ask("steps")')]
    nbformat.write(nb, notebook)
    scripts = {"ann": {"sorting/steps": ["B", "C", "A"], "sorting/pick": "B"},
               "bob": {"sorting/steps": "A, B, C", "sorting/pick": "A"}}
    subs = [scripted_submission(notebook, answers, tmp_path / "subs" / f"{student}.ipynb", student=student)
            for student, answers in scripts.items()]
    ann = [r for r in iter_records(subs[0]) if r["question"] == "steps"]
    assert ann and ann[-1]["correct"] is True  # scored in the kernel, with instant feedback
    widget = nbformat.read(subs[0], as_version=4).cells[1].outputs
    assert any(MIME_TYPE in o.get("data", {}) for o in widget)  # the asking cell's record was updated

    out = tmp_path / "gradebook.csv"
    done = subprocess.run([sys.executable, "-m", "quizkit.cli", "grade", *map(str, subs), "--key", str(key),
                           "--out", str(out)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = {r["student"]: r for r in csv.DictReader(out.open())}
    assert (rows["ann"]["sorting/steps"], rows["ann"]["sorting/pick"], rows["ann"]["total"]) == ("2", "1", "3")
    assert (rows["bob"]["sorting/steps"], rows["bob"]["sorting/pick"], rows["bob"]["total"]) == ("0", "0", "0")
    items = {i["question"]: i for i in json.loads(out.with_suffix(".json").read_text())["items"]}
    assert items["sorting/steps"]["type"] == "ordering" and items["sorting/steps"]["options"] == []
    assert [o["option"] for o in items["sorting/pick"]["options"]] == ["A", "B"]


def test_the_registry_refuses_what_is_not_a_new_question_type(ordering):
    from typing import Literal

    from quizkit.quiz.questions import Question, question_class

    class Essay:
        type = "essay"

    with pytest.raises(TypeError, match="a question type is a subclass of quizkit.quiz.questions.Question"):
        register(Essay)

    class Impostor(Question):
        type: Literal["ordering"]

    with pytest.raises(ValueError, match="question type 'ordering' is taken by quizkit_ordering.Ordering"):
        register(Impostor)
    assert question_class("ordering") is ordering
    with pytest.raises(ValueError, match="unknown question type 'essay'; use one of single_choice, .*, ordering"):
        question_class("essay")
