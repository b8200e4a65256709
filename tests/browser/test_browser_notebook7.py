"""Jupyter Notebook 7 (``jupyter notebook``) in headless Chromium: the real lessons as a learner
opens them there: answer a quiz in lesson 00 with the widgets, then train from the panel in
lesson 02 and see the learning curve drawn."""

import re
import shutil
from pathlib import Path

import pytest

pytest_plugins = ["browser_support"]
pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
# Kernel start + importing torch/transformers + fine-tuning MiniLM on 2 shared cores.
TRAINING_TIMEOUT_MS = 900_000


@pytest.fixture(scope="module")
def course(notebook7):
    """The course as a learner's checkout has it: notebooks/ next to lessons/."""
    for name in ["00-start-here.ipynb", "02-first-fine-tune.ipynb"]:
        (notebook7.root / "notebooks").mkdir(exist_ok=True)
        shutil.copy(ROOT / "notebooks" / name, notebook7.root / "notebooks" / name)
    shutil.copytree(ROOT / "lessons", notebook7.root / "lessons", dirs_exist_ok=True)
    return notebook7


def code_cell(notebook, starts_with: str) -> int:
    """The index of the lesson's cell whose source starts so (indices shift as lessons grow)."""
    return next(i for i, c in enumerate(notebook.saved().cells) if c.source.startswith(starts_with))


def test_quiz_then_training_panel_in_notebook_7(course, open_in_notebook7, lab_page):
    lesson00 = open_in_notebook7("notebooks/00-start-here.ipynb")
    assert "/notebooks/notebooks/00-start-here.ipynb" in lab_page.url  # Notebook 7, not JupyterLab
    lesson00.run_cell(code_cell(lesson00, "import platform"))
    index = code_cell(lesson00, 'quiz.ask("what-is-fine-tuning")')
    lesson00.run_cell(index)
    cell = lesson00.cell(index)
    cell.locator(".widget-radio-box label").filter(has_text=re.compile(r"^B\. ")).click()
    cell.locator("button", has_text="Submit").click()
    cell.get_by_text("Correct", exact=True).wait_for()
    cell.get_by_text("quizkit answer: 00-start-here/what-is-fine-tuning = B (attempt 1)").wait_for()

    lesson02 = open_in_notebook7("notebooks/02-first-fine-tune.ipynb")
    index = code_cell(lesson02, "from quizkit.panel import TrainingPanel")
    lesson02.run_cell(index)
    cell = lesson02.cell(index)
    plot = cell.locator("img.widget-image")
    plot.wait_for(state="visible")
    src_before = plot.get_attribute("src")
    cell.get_by_role("button", name="Run").click()
    cell.get_by_text(re.compile(r"^step (\d+)/\1, .* s Done\.$")).wait_for(timeout=TRAINING_TIMEOUT_MS)
    # the curve: the panel's picture is redrawn from the finished run
    lab_page.wait_for_function("([img, src]) => img.src && img.src !== src",
                               arg=[plot.element_handle(), src_before], timeout=90_000)
    rows = cell.locator("table.quizkit-runs tr")
    rows.nth(1).wait_for()
    assert rows.nth(1).locator("td").nth(1).inner_text() == "minilm"
