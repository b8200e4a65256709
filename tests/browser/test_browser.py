"""A quiz cell in real JupyterLab, driven in headless Chromium: answer, save, find the record."""

import time
from pathlib import Path

import pytest

from quizkit.quiz.records import iter_records, validate_record

pytest_plugins = ["browser_support"]
pytestmark = pytest.mark.browser

DEMO = Path(__file__).parents[1] / "fixtures" / "quiz-demo.yaml"


def _records_on_disk(path, deadline_s=30):
    """The records in the saved file, waiting a little for the save to land."""
    deadline = time.monotonic() + deadline_s
    while True:
        records = list(iter_records(path))
        if records or time.monotonic() > deadline:
            return records
        time.sleep(0.5)


def test_quiz_cell_answer_is_saved_in_the_notebook(lab, open_notebook):
    lab.write_notebook("quiz.ipynb", [f'from quizkit import Quiz\nquiz = Quiz({str(DEMO)!r}, student="ada")\nquiz.ask("pick-one")'])
    notebook = open_notebook("quiz.ipynb")
    notebook.run_cell(0)
    cell = notebook.cell(0)
    cell.locator(".widget-radio-box label", has_text="C. charlie").click()
    cell.locator("button", has_text="Submit").click()
    cell.get_by_text("Charlie is the third letter, the one asked for.").wait_for()
    assert cell.get_by_text("Correct", exact=True).is_visible()
    assert cell.get_by_text("Attempts: 1").is_visible()
    cell.get_by_text("quizkit answer: quiz-demo/pick-one = C (attempt 1)").wait_for()
    notebook.save()

    records = _records_on_disk(notebook.path)
    assert len(records) == 1, records
    record = validate_record(records[0])
    assert (record["lesson"], record["question"], record["answer"]) == ("quiz-demo", "pick-one", "C")
    assert (record["attempts"], record["correct"], record["student"]) == (1, True, "ada")


def test_an_error_in_the_submit_callback_shows_in_the_cell(lab, open_notebook):
    """A Submit click is a widget callback: its error must reach the cell, not the log console."""
    # Limits that are not a Limits (set past the constructor's check): running the checks fails.
    lab.write_notebook("error.ipynb", [f'from quizkit import Quiz\nquiz = Quiz({str(DEMO)!r})\nquiz.limits = 5\nquiz.ask("write-double")'])
    notebook = open_notebook("error.ipynb")
    notebook.run_cell(0)
    cell = notebook.cell(0)
    cell.locator("textarea.quizkit-code-box").fill("def double(x):\n    return 2 * x\n")
    cell.locator("button", has_text="Submit").click()
    cell.get_by_text("'int' object has no attribute 'rlimits'").wait_for()
    assert cell.locator(".widget-output").get_by_text("AttributeError").first.is_visible()


def test_a_wrong_answer_hides_the_key_until_the_learner_asks_and_the_record_says_so(lab, open_notebook):
    lab.write_notebook("reveal.ipynb", [f'from quizkit import Quiz\nquiz = Quiz({str(DEMO)!r}, student="ada")\nquiz.ask("absolute-number")'])
    notebook = open_notebook("reveal.ipynb")
    notebook.run_cell(0)
    cell = notebook.cell(0)
    box = cell.locator(".widget-text input")
    box.fill("0.9")
    cell.locator("button", has_text="Submit").click()
    cell.get_by_text("Not within the tolerance yet").wait_for()
    assert cell.get_by_text("117 / 160").count() == 0  # the worked answer stays hidden
    cell.locator("button", has_text="Show solution").click()
    cell.get_by_text("The demo number is 117 / 160 = 0.73125.").wait_for()
    box.fill("0.73125")
    cell.locator("button", has_text="Submit").click()
    cell.get_by_text("Correct", exact=True).wait_for()
    notebook.save()
    record = validate_record(_records_on_disk(notebook.path)[-1])
    assert (record["answer"], record["correct"], record["revealed"]) == (0.73125, True, True)
