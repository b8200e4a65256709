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
import tomllib
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest
import yaml
from IPython.core.inputtransformer2 import TransformerManager

from quizkit.quiz.loading import load_bank

ROOT = Path(__file__).resolve().parents[2]
LESSONS = ROOT / "lessons"
NOTEBOOKS = ROOT / "notebooks"
# The badge opens the notebook of the tagged release its install cell installs (tools/sync_install_cells.py).
COLAB_URL = ("https://colab.research.google.com/github/quizkit-course/quizkit/blob/v"
             + tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"] + "/notebooks/{name}.ipynb")
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


# --------------------------------------------------------------------------- bank texts


def _single_choice(bank):
    return [q for q in bank.questions.values() if q.type == "single_choice"]


def _options(question) -> dict[str, str]:
    return {o.id: o.text for o in question.options}


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_option_length_gives_the_key_away_in_no_bank(lesson, banks):
    """The key is the longest option (ties count) in at most half of a bank's single-choice
    questions, and the shortest in at most half too: neither rule of thumb beats reading."""
    questions = _single_choice(banks[lesson])
    longest = [q.id for q in questions if len(_options(q)[q.correct]) >= max(map(len, _options(q).values()))]
    shortest = [q.id for q in questions if len(_options(q)[q.correct]) <= min(map(len, _options(q).values()))]
    assert len(longest) <= len(questions) / 2, f"{lesson}: the key is the longest option in {longest} of {len(questions)}"
    assert len(shortest) <= len(questions) / 2, f"{lesson}: the key is the shortest option in {shortest} of {len(questions)}"


def test_no_numeric_tolerance_accepts_every_plausible_answer(banks):
    """A tolerance as wide as the answer itself (0.5 ± 0.5) makes every answer right."""
    for lesson, bank in banks.items():
        for q in bank.questions.values():
            if q.type != "numeric":
                continue
            allowed = q.tolerance * (abs(q.answer) if q.tolerance_mode == "relative" else 1.0)
            assert allowed < 0.1 * max(1.0, abs(q.answer)), f"{lesson}/{q.id}: tolerance {q.tolerance} accepts almost anything"


def _score_table(prompt: str) -> tuple[list[float], list[int]]:
    rows = [line for line in prompt.splitlines() if line.startswith("| score") or line.startswith("| spam?")]
    scores, labels = ([cell.strip() for cell in row.strip("|").split("|")[1:]] for row in rows)
    return [float(s) for s in scores], [int(y) for y in labels]


def test_chosen_threshold_key_is_the_lowest_threshold_without_false_positives(banks):
    q = banks["03-precision-recall-threshold"].questions["chosen-threshold"]
    scores, labels = _score_table(q.prompt)
    highest_ham = max(s for s, y in zip(scores, labels) if y == 0)
    expected = min(s for s in scores if s > highest_ham)
    assert q.answer == expected
    assert q.score(expected).correct
    assert not q.score(highest_ham).correct, "a threshold that flags good mail must be wrong"
    assert not q.score(min(s for s in scores if s > expected)).correct, "a higher threshold loses spam for nothing"
    assert "validation" in q.prompt.lower() and "validation-vs-test" in q.concepts


def test_raise_threshold_key_matches_the_eight_email_example(banks):
    """Raising the threshold never raises recall; precision can fall (0.5 -> 0.65 below)."""
    from sklearn.metrics import precision_score, recall_score

    bank = banks["03-precision-recall-threshold"]
    scores, labels = _score_table(bank.questions["recall-at-threshold"].prompt)
    at = {t: [int(s >= t) for s in scores] for t in (0.5, 0.65)}
    assert recall_score(labels, at[0.65]) < recall_score(labels, at[0.5])
    assert precision_score(labels, at[0.65]) < precision_score(labels, at[0.5])
    assert bank.questions["precision-at-threshold"].answer == precision_score(labels, at[0.5])
    explanations = {o.id: o.explanation for o in bank.questions["raise-threshold"].options}
    assert "cannot rise" in explanations["C"] and "improves" not in explanations["C"]


def test_interval_question_quotes_wilson_intervals(banks):
    from scipy.stats import binomtest

    q = banks["04-accuracy-paradox"].questions["within-noise"]
    quoted = re.findall(r"recall ([\d.]+) \[([\d.]+), ([\d.]+)\] \(n=(\d+)\)", q.prompt)
    assert len(quoted) == 2
    for recall, low, high, n in quoted:
        k = round(float(recall) * int(n))
        ci = binomtest(k, int(n)).proportion_ci(confidence_level=0.95, method="wilson")
        assert (float(low), float(high)) == (round(ci.low, 2), round(ci.high, 2)), f"recall {k}/{n}: {ci}"
    needed = banks["04-accuracy-paradox"].questions["positives-needed"]
    assert needed.score(0.5 * 0.5 / 0.05**2).correct and not needed.score(9).correct


def test_early_stopping_key_quotes_the_first_error_the_learner_meets(banks):
    """With default TrainingArguments the callback's metric_for_best_model check fails first."""
    from transformers import EarlyStoppingCallback, TrainingArguments

    with pytest.raises(AssertionError) as raised:
        EarlyStoppingCallback(early_stopping_patience=2).on_train_begin(TrainingArguments("qk_out"), None, None)
    q = banks["05-overfitting-early-stopping"].questions["no-eval-strategy"]
    assert str(raised.value) in _options_explanations(q)[q.correct]


def _options_explanations(question) -> dict[str, str]:
    return {o.id: o.explanation for o in question.options}


def test_near_duplicate_explanation_matches_the_course_tokenizer(banks):
    from transformers import AutoTokenizer

    from quizkit.models import minilm_path

    tokenizer = AutoTokenizer.from_pretrained(minilm_path())
    ids = [tokenizer(t)["input_ids"] for t in ("Win a PRIZE", "  win a prize ", "Win a prize!")]
    assert ids[0] == ids[1] and ids[0] != ids[2]
    explanation = _options_explanations(banks["06-data-leakage"].questions["near-duplicates"])["B"]
    assert '"Win a PRIZE" and "  win a prize " do give the same ids' in explanation


def test_version_statements_in_banks_match_the_installed_transformers(banks):
    """evaluation_strategy went in 4.51 and Trainer(tokenizer=) in 5: both fail on what is installed."""
    from transformers import Trainer, TrainingArguments

    with pytest.raises(TypeError, match="evaluation_strategy"):
        TrainingArguments("qk_out", evaluation_strategy="epoch")
    with pytest.raises(TypeError, match="tokenizer"):
        Trainer(model=None, tokenizer=object())
    text = "\n".join(yaml.safe_dump(yaml.safe_load((LESSONS / f"{lesson}.yaml").read_text())) for lesson in LESSON_IDS)
    flat = re.sub(r"\s+", " ", text)
    assert not re.search(r"evaluation_strategy[^.]*removed in transformers 5", flat)
    assert "removed in transformers 4.51" in flat


def test_quiz_mechanics_questions_are_tagged_as_such(banks):
    bank = banks["00-start-here"]
    for qid in ("where-answers-go", "restart-before-saving"):
        assert bank.questions[qid].concepts == ["quiz-cells"], f"00-start-here/{qid}: {bank.questions[qid].concepts}"


def test_uncertainty_is_asked_with_a_numeric_question(banks):
    asked = [(lesson, q) for lesson, bank in banks.items() for q in bank.questions.values() if "metric-uncertainty" in q.concepts]
    assert len(asked) >= 2 and any(q.type == "numeric" for _, q in asked)
    assert "metric-uncertainty" in _declared_concepts(_notebook("04-accuracy-paradox"))


def test_readme_course_table_lists_each_notebooks_concepts():
    readme = (ROOT / "README.md").read_text()
    rows = re.findall(r"^\| (\d\d) \| \[[^]]+\]\(notebooks/([\w-]+)\.ipynb\)[^|]*\| ([^|]+) \|", readme, re.M)
    assert [lesson for _, lesson, _ in rows] == LESSON_IDS
    for _, lesson, listed in rows:
        concepts = {c.strip() for c in listed.split(",")}
        declared = set(_declared_concepts(_notebook(lesson)))
        if concepts == {"all"}:
            continue
        assert concepts == declared, f"README row for {lesson} lists {sorted(concepts)}, the notebook teaches {sorted(declared)}"


# Lesson 08 defines broken compute_metrics functions on purpose: they are the errors it teaches.
SHOWS_BROKEN_VERSIONS = {"08-trainer-errors"}


@pytest.mark.parametrize("lesson", [lesson for lesson in LESSON_IDS if lesson not in SHOWS_BROKEN_VERSIONS])
def test_no_notebook_prints_the_solution_of_its_code_questions(lesson, banks):
    entries = [q.entry for q in banks[lesson].questions.values() if q.type == "code"]
    for cell in _code(_notebook(lesson)):
        for entry in entries:
            assert not re.search(rf"^\s*def {entry}\(", cell.source, re.M), f"{lesson}: a code cell defines {entry}(), the answer to a question"


@pytest.mark.parametrize("lesson", ["03-precision-recall-threshold", "04-accuracy-paradox"])
def test_thresholds_are_chosen_on_validation(lesson):
    """Every explorer that picks a threshold has validation scores to pick on (from_run gives a
    run's; a hand-built explorer must pass validation_scores=), and the prose says why."""
    source = "\n".join(cell.source for cell in _code(_notebook(lesson)))
    assert "best_threshold(" in source, f"{lesson}: no threshold is chosen"
    for call in re.findall(r"ThresholdExplorer(\.from_run)?\(([^)]*)\)", source):
        assert call[0] or "validation_scores" in call[1], f"{lesson}: an explorer without validation scores: {call}"
    prose = "\n".join(_markdown(_notebook(lesson))).lower()
    assert "validation" in prose and "report" in prose
