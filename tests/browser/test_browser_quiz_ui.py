"""Quiz cells under a learner's hands, in real JupyterLab and Notebook 7 (headless Chromium).

A code answer is typed key by key, with Tab and Shift+Tab, and the notebook around the box
must not notice; a lesson opened before it runs says something true in its quiz cells.
"""

import importlib.util
import time
from pathlib import Path

import nbformat
import pytest

from quizkit.quiz.records import iter_records

pytest_plugins = ["browser_support"]
pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "tests" / "fixtures" / "quiz-demo.yaml"

# What the learner types: Tab indents, Shift+Tab dedents a line typed one level too deep.
KEYS = [
    "def double(x):", "Enter",
    "Tab", "if x is None:", "Enter",
    "Tab", "Tab", 'raise ValueError("x is 1 number")', "Enter",
    "Tab", "Tab", "return 2 * x", "Shift+Tab",
]
TYPED = 'def double(x):\n    if x is None:\n        raise ValueError("x is 1 number")\n    return 2 * x'


def _quiz_notebook(root: Path, name: str, question: str) -> Path:
    """A quiz cell between other cells: a markdown cell after it, as in the lessons."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(f"from quizkit import Quiz\nquiz = Quiz({str(DEMO)!r})\nquiz.ask({question!r})"),
        nbformat.v4.new_markdown_cell("Some text after the quiz."),
        nbformat.v4.new_code_cell("y = 1"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = root / name
    nbformat.write(nb, path)
    return path


def _cells(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source) for c in nb.cells]


def _saved_with_answer(path: Path, deadline_s: float = 30) -> nbformat.NotebookNode:
    """The saved notebook once the save has landed (Notebook 7 shows no dirty mark to wait on)."""
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            nb = nbformat.read(path, as_version=4)
            if list(iter_records(nb)) or time.monotonic() > deadline:
                return nb
        except nbformat.reader.NotJSONError:  # caught mid-write
            if time.monotonic() > deadline:
                raise
        time.sleep(0.5)


def _type_code_answer(notebook) -> None:
    notebook.run_cell(0)
    cell = notebook.cell(0)
    box = cell.locator("textarea.quizkit-code-box")
    box.click()
    box.press("Control+a")
    box.press("Delete")
    for key in KEYS:
        if key in ("Enter", "Tab", "Shift+Tab"):
            box.press(key)
        else:
            box.type(key)
    assert box.input_value() == TYPED
    assert box.evaluate("b => document.activeElement === b"), "Tab moved the focus out of the code box"
    cell.locator("button", has_text="Submit").click()
    cell.get_by_text("Correct", exact=True).wait_for()
    cell.get_by_text("quizkit answer: quiz-demo/write-double").wait_for()


@pytest.mark.parametrize("front_end", ["jupyterlab", "notebook7"])
def test_typing_code_with_tab_and_shift_tab_leaves_the_notebook_alone(front_end, request):
    server = request.getfixturevalue("lab" if front_end == "jupyterlab" else "notebook7")
    opener = request.getfixturevalue("open_notebook" if front_end == "jupyterlab" else "open_in_notebook7")
    path = _quiz_notebook(server.root, f"code-{front_end}.ipynb", "write-double")
    before = _cells(nbformat.read(path, as_version=4))
    notebook = opener(path.name)
    _type_code_answer(notebook)
    notebook.save()
    after = _saved_with_answer(path)
    assert _cells(after) == before
    # The kernel got exactly what was typed: the saved record is the code, indentation and all.
    assert [r["answer"] for r in iter_records(after)] == [TYPED]


def _execute_as_the_course_does(path: Path) -> None:
    """Run and save a notebook with tools/execute_notebooks.py, as the lessons are saved."""
    spec = importlib.util.spec_from_file_location("execute_notebooks", ROOT / "tools" / "execute_notebooks.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tool.execute(path, timeout=300)


def test_quiz_cell_before_running_says_run_it_then_shows_the_widgets(lab, open_notebook):
    """A lesson as the course ships it (executed, saved) opened in JupyterLab, before Run."""
    path = _quiz_notebook(lab.root, "before-run.ipynb", "pick-one")
    _execute_as_the_course_does(path)
    notebook = open_notebook(path.name)
    cell = notebook.cell(0)
    cell.get_by_text("Run this cell to answer with buttons.", exact=False).wait_for()
    shown = cell.locator(".jp-Cell-outputArea").inner_text()
    assert "Run this cell to answer with buttons." in shown, shown
    assert "not shown here" not in shown
    assert cell.locator(".widget-radio-box").count() == 0  # no live widget before it runs
    notebook.run_cell(0)
    cell.locator(".widget-radio-box label", has_text="C. charlie").wait_for()
    assert "Run this cell" not in cell.locator(".jp-Cell-outputArea").inner_text()
