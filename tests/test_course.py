"""The course as a whole: notebooks, question banks and course.yaml agree with each other.

These tests read the committed files (no kernel is started): every concept is taught and
asked, every question in a bank is asked in its notebook and nothing else is, and each
notebook has the parts a learner relies on (objectives, Colab badge and install cell,
quiz cells, recap) and was saved after a complete run. ``pytest --nbval-lax notebooks/``
re-executes the notebooks themselves.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest
import yaml
from IPython.core.inputtransformer2 import TransformerManager

from quizkit.bank import load_bank

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
NOTEBOOKS = ROOT / "notebooks"
COLAB_URL = "https://colab.research.google.com/github/quizkit-course/quizkit/blob/main/notebooks/{name}.ipynb"
# quiz.ask("id"), quiz.check("id", ...), quiz.answer("id", ...): the cells that pose a question.
QUIZ_CALL = re.compile(r"\bquiz\.(?:ask|check|answer)\(\s*[\"']([A-Za-z0-9_.-]+)[\"']")
QUIZ_INIT = re.compile(r"\bQuiz\(\s*[\"']([A-Za-z0-9_.-]+)[\"']")
NUMERIC_OR_CODE = {"numeric", "code"}

COURSE = yaml.safe_load((LESSONS / "course.yaml").read_text())
LESSON_IDS = list(COURSE["lessons"])
CONCEPT_IDS = [c["id"] for c in COURSE["concepts"]]


def _notebook(lesson: str) -> nbformat.NotebookNode:
    path = NOTEBOOKS / f"{lesson}.ipynb"
    assert path.is_file(), f"lesson {lesson!r} is listed in course.yaml but {path} does not exist"
    return nbformat.read(path, as_version=4)


def _code(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code"]


def _markdown(nb: nbformat.NotebookNode) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def _asked(nb: nbformat.NotebookNode) -> list[str]:
    return [qid for cell in _code(nb) for qid in QUIZ_CALL.findall(cell.source)]


def _declared_concepts(nb: nbformat.NotebookNode) -> list[str]:
    return list(nb.metadata.get("quizkit", {}).get("concepts", []))


@pytest.fixture(scope="module")
def banks():
    return {lesson: load_bank(LESSONS / f"{lesson}.yaml") for lesson in LESSON_IDS}


def test_every_bank_and_notebook_is_listed_in_course_yaml():
    banks_on_disk = {p.stem for p in LESSONS.glob("*.yaml")} - {"course", "claims"}
    notebooks_on_disk = {p.stem for p in NOTEBOOKS.glob("*.ipynb")}
    assert banks_on_disk == set(LESSON_IDS), f"banks not in course.yaml or missing: {sorted(banks_on_disk ^ set(LESSON_IDS))}"
    assert notebooks_on_disk == set(LESSON_IDS), f"notebooks not in course.yaml or missing: {sorted(notebooks_on_disk ^ set(LESSON_IDS))}"


def test_every_concept_is_taught_by_a_notebook_and_asked_twice(banks):
    asked_by: dict[str, list[str]] = defaultdict(list)
    for lesson, bank in banks.items():
        for qid, question in bank.questions.items():
            for concept in question.concepts:
                asked_by[concept].append(f"{lesson}/{qid}")
    taught_by: dict[str, list[str]] = defaultdict(list)
    for lesson in LESSON_IDS:
        nb = _notebook(lesson)
        asked_here = {c for qid in _asked(nb) if qid in banks[lesson].questions for c in banks[lesson].questions[qid].concepts}
        for concept in _declared_concepts(nb):
            assert concept in CONCEPT_IDS, f"{lesson}.ipynb declares unknown concept {concept!r}"
            # A notebook teaches a concept only if it also asks about it.
            assert concept in asked_here, f"{lesson}.ipynb declares {concept!r} but asks no question about it"
            taught_by[concept].append(lesson)
    for concept in CONCEPT_IDS:
        assert taught_by[concept], f"concept {concept!r} is taught by no notebook (metadata.quizkit.concepts)"
        assert len(asked_by[concept]) >= 2, f"concept {concept!r} is asked by {asked_by[concept]}; need at least 2 questions"


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_notebook_asks_exactly_its_banks_questions(lesson, banks):
    nb = _notebook(lesson)
    quizzes = {qid for cell in _code(nb) for qid in QUIZ_INIT.findall(cell.source)}
    assert quizzes == {lesson}, f"{lesson}.ipynb must create Quiz({lesson!r}) and no other quiz, found {sorted(quizzes)}"
    asked = set(_asked(nb))
    known = set(banks[lesson].questions)
    assert not asked - known, f"{lesson}.ipynb asks questions that are not in its bank: {sorted(asked - known)}"
    assert not known - asked, f"{lesson}.yaml questions never asked in the notebook: {sorted(known - asked)}"


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_notebook_has_the_parts_a_learner_needs(lesson, banks):
    nb = _notebook(lesson)
    markdown = _markdown(nb)
    assert markdown and markdown[0].lstrip().startswith("# "), f"{lesson}: the first cell must be the title"
    assert COLAB_URL.format(name=lesson) in markdown[0], f"{lesson}: the title cell needs the Open-in-Colab badge"
    head = "\n".join(markdown[:3])
    assert re.search(r"^#+ .*learning objectives", head, re.I | re.M), f"{lesson}: objectives must come at the top"
    for objective in banks[lesson].objectives:
        assert objective in head, f"{lesson}: objective from the bank missing at the top: {objective!r}"
    assert any(re.search(r"^#+ .*recap", m, re.I | re.M) for m in markdown[-3:]), f"{lesson}: needs a recap near the end"
    asked = _asked(nb)
    assert len(set(asked)) >= 3, f"{lesson}: needs at least 3 quiz questions, asks {asked}"
    types = {banks[lesson].questions[qid].type for qid in asked}
    assert types & NUMERIC_OR_CODE, f"{lesson}: needs a numeric or code question, has {sorted(types)}"


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_first_code_cell_installs_quizkit_only_on_colab(lesson):
    source = _code(_notebook(lesson))[0].source
    tree = ast.parse(TransformerManager().transform_cell(source))
    body = [node for node in tree.body if not isinstance(node, ast.Import)]
    assert len(body) == 1 and isinstance(body[0], ast.If), f"{lesson}: the first code cell must be one `if` on Colab"
    condition = ast.unparse(body[0].test)
    assert "google.colab" in condition and "sys.modules" in condition, f"{lesson}: install guard is {condition!r}"
    assert "pip" in ast.unparse(body[0]) and "quizkit" in ast.unparse(body[0]), f"{lesson}: the guarded block must pip install quizkit"
    assert not body[0].orelse, f"{lesson}: the install cell must do nothing outside Colab"


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_committed_notebook_holds_a_complete_run(lesson):
    """Saved outputs come from executing every cell in order; only tagged cells may fail."""
    cells = _code(_notebook(lesson))
    counts = [c.execution_count for c in cells]
    assert all(isinstance(n, int) for n in counts), f"{lesson}: unexecuted code cells (run tools/execute_notebooks.py)"
    assert counts == sorted(counts) and len(set(counts)) == len(counts), f"{lesson}: cells were not run top to bottom: {counts}"
    for cell in cells:
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if errors and "raises-exception" not in cell.metadata.get("tags", []):
            pytest.fail(f"{lesson}: cell {cell.execution_count} failed: {errors[0].ename}: {errors[0].evalue}")
