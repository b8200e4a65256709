"""A training cell in real JupyterLab (headless Chromium): a live progress bar while it runs,
one line and the evaluation table when it is done, and nothing else in the saved notebook."""

import re

import pytest

pytest_plugins = ["browser_support"]
pytestmark = pytest.mark.browser

# Kernel start + importing torch/transformers on 2 shared cores.
TRAINING_TIMEOUT_MS = 600_000

# Each step waits a little (a test-only callback), so the run lasts long enough to be watched
# whatever the machine's speed; the progress display under test is quizkit's own.
TRAINING_CELL = """\
import time
from transformers import TrainerCallback
from quizkit.train import run

class Slow(TrainerCallback):
    def on_step_end(self, args, state, control, **kwargs):
        time.sleep(0.25)

result = run(model="tiny", data={"task": "spam", "n": 200}, epochs=3, max_length=32,
             learning_rate=1e-3, extra_callbacks=[Slow()])"""


def test_training_cell_shows_a_live_bar_then_one_line_and_the_table(lab, open_notebook):
    lab.write_notebook("progress.ipynb", [TRAINING_CELL, "print(result.steps, len(result.eval_history))"])
    notebook = open_notebook("progress.ipynb")
    cell = notebook.cell(0)
    notebook.start_cell(0)
    outputs = cell.locator(".jp-OutputArea-output")
    bar = outputs.locator("progress")
    bar.wait_for(state="visible", timeout=TRAINING_TIMEOUT_MS)
    live = bar.evaluate("b => b.parentElement.textContent")
    assert re.search(r"step \d+/27, epoch [\d.]+/3", live), live
    # Done: the bar is gone, one line says what ran, the table has one row per evaluation.
    done = outputs.filter(has_text=re.compile(r"^Trained 27/27 steps, 3 epochs, in [\d.]+ s\.$"))
    done.wait_for(timeout=TRAINING_TIMEOUT_MS)
    assert bar.count() == 0
    assert "\n" not in done.inner_text().strip()
    rows = outputs.locator("table.quizkit-train-log tbody tr")
    assert rows.count() == 3
    assert [rows.nth(i).locator("td").nth(1).inner_text() for i in range(3)] == ["9", "18", "27"]
    notebook.wait_idle()
    notebook.run_cell(1)
    assert "27 3" in notebook.cell(1).locator(".jp-OutputArea-output").inner_text()

    notebook.save()
    saved = notebook.saved().cells[0].outputs
    texts = [str(o.get("text", "")) + str(o.get("data", {})) for o in saved]
    assert not any("<progress" in t or "{'loss'" in t or "'eval_loss'" in t for t in texts), texts
    assert sum("Trained 27/27 steps" in t for t in texts) == 1, texts
