"""The training panel and the threshold explorer in real JupyterLab, driven in headless Chromium.

Click Run and see the learning curves and the run table appear; move the threshold slider
and see the confusion matrix and the metrics change. Each test then asks the kernel what it
holds and checks that the page shows exactly that (the PNG's SHA-256 on both sides).
"""

import re

import pytest

pytest_plugins = ["browser_support"]
pytestmark = pytest.mark.browser

# Kernel start + importing torch/transformers + a tiny run on 2 shared cores.
TRAINING_TIMEOUT_MS = 600_000

PANEL_CELL = """\
from quizkit.panel import TrainingPanel
panel = TrainingPanel().set(model="tiny", n=120, max_length=32, batch_size=16, learning_rate=1e-3, epochs=1)
panel"""
PANEL_CHECK_CELL = """\
import hashlib
print("runs", len(panel.runs), "error", panel.error)
print("steps", panel.last_run.steps, panel.last_run.planned_steps)
print("png", hashlib.sha256(panel.plot.value).hexdigest())"""

EXPLORER_CELL = """\
import numpy as np
from quizkit.viz import ThresholdExplorer
rng = np.random.default_rng(7)
y_true = rng.integers(0, 2, 300)
scores = np.clip(0.3 * y_true + rng.uniform(0.0, 0.7, 300), 0.0, 1.0)
explorer = ThresholdExplorer(y_true, scores)
explorer"""
EXPLORER_CHECK_CELL = """\
import hashlib
c = explorer.chosen
start = explorer.metrics_at(0.5)
print(f"threshold {c['threshold']:.4f} recall {c['recall']:.3f}")
print("tp/fp changed", (c["tp"], c["fp"]) != (start["tp"], start["fp"]))
print("png", hashlib.sha256(explorer.png_).hexdigest())"""

# The bytes behind an <img> (ipywidgets' Image shows a blob: URL), hashed in the page.
IMAGE_SHA256_JS = """async img => {
    const bytes = await (await fetch(img.src)).arrayBuffer();
    const digest = await crypto.subtle.digest("SHA-256", bytes);
    return Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, "0")).join("");
}"""


def _image(img) -> tuple[str, str]:
    """(src, SHA-256 of the picture) of a rendered ipywidgets Image."""
    img.wait_for(state="visible")
    src = img.get_attribute("src")
    return src, img.evaluate(IMAGE_SHA256_JS)


def _wait_for_change(img, src_before: str, timeout_ms: int = 90_000) -> None:
    img.page.wait_for_function("([img, src]) => img.src && img.src !== src", arg=[img.element_handle(), src_before],
                               timeout=timeout_ms)


def _output(notebook, index: int) -> str:
    output = notebook.cell(index).locator(".jp-OutputArea-output").first
    output.wait_for()
    return output.inner_text()


def test_run_button_trains_and_the_page_shows_curves_table_and_progress(lab, open_notebook):
    lab.write_notebook("panel.ipynb", [PANEL_CELL, PANEL_CHECK_CELL])
    notebook = open_notebook("panel.ipynb")
    notebook.run_cell(0)
    cell = notebook.cell(0)
    plot = cell.locator("img.widget-image")
    src_before, png_before = _image(plot)
    assert cell.get_by_text("No run yet.").is_visible()
    assert cell.locator("table.quizkit-runs").count() == 0

    run = cell.get_by_role("button", name="Run")
    run.click()
    # The training thread reports through the widgets: progress first, then the finished run.
    cell.get_by_text(re.compile(r"^step \d+/\d+")).first.wait_for(timeout=TRAINING_TIMEOUT_MS)
    done = cell.get_by_text(re.compile(r"^step (\d+)/\1, .* s Done\.$"))
    done.wait_for(timeout=TRAINING_TIMEOUT_MS)
    rows = cell.locator("table.quizkit-runs tr")
    rows.nth(1).wait_for()
    assert rows.count() == 2  # heading + one run
    assert rows.nth(1).locator("td").first.inner_text() == "1"
    assert rows.nth(1).locator("td").nth(1).inner_text() == "tiny"
    # On a 1366 px laptop screen the run table fits its output area: nothing to scroll sideways.
    cell.page.set_viewport_size({"width": 1366, "height": 900})
    table = cell.locator("table.quizkit-runs")
    fits = table.evaluate("t => [t.getBoundingClientRect().width, t.closest('.jp-OutputArea-output').clientWidth]")
    assert fits[0] <= fits[1], f"run table {fits[0]} px wide in a {fits[1]} px output area"
    # ...and reads as one line per row: no cell wraps its text.
    tallest = table.evaluate("""t => Math.max(...[...t.querySelectorAll('th, td')].map(c => {
        const s = getComputedStyle(c);
        const line = parseFloat(s.lineHeight) || 1.2 * parseFloat(s.fontSize);  // "normal" has no number
        return (c.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom)) / line;
    }))""")
    assert tallest < 1.5, f"a run-table cell wraps onto {tallest:.1f} lines"
    weights = cell.locator(".widget-dropdown").filter(has_text="class weights").locator("select")
    assert weights.evaluate("s => s.options[s.selectedIndex] ? s.options[s.selectedIndex].text : ''") == "auto"  # run()'s default, shown as a word, not an empty box
    _wait_for_change(plot, src_before)
    src_after, png_after = _image(plot)
    assert src_after != src_before and png_after != png_before
    page = cell.page
    page.wait_for_function("b => !b.disabled", arg=run.element_handle())  # ready for the next run
    assert cell.get_by_role("button", name="Stop").is_disabled()

    notebook.run_cell(1)
    printed = _output(notebook, 1)
    steps = re.search(r"^step (\d+)/", done.inner_text()).group(1)
    assert f"runs 1 error None\nsteps {steps} {steps}\n" in printed, printed
    # The page shows the kernel's final curves, not an intermediate or empty frame.
    assert re.search(r"png ([0-9a-f]{64})", printed).group(1) == png_after, printed


def test_threshold_slider_redraws_matrix_and_metrics(lab, open_notebook):
    lab.write_notebook("explorer.ipynb", [EXPLORER_CELL, EXPLORER_CHECK_CELL])
    notebook = open_notebook("explorer.ipynb")
    notebook.run_cell(0)
    cell = notebook.cell(0)
    picture = cell.locator("img.widget-image")
    table = cell.locator("table.quizkit-threshold-metrics")
    slider = cell.locator(".widget-slider", has_text="threshold")
    readout = slider.locator(".widget-readout")
    src_before, png_before = _image(picture)
    table_before = table.inner_text()
    assert re.search(r"Threshold\s+0\.500", table_before), table_before
    assert readout.inner_text() == "0.50"

    handle = slider.locator(".noUi-handle")
    handle.focus()
    for _ in range(15):
        handle.press("ArrowRight")
    readout.filter(has_text=re.compile(r"^0\.65$")).wait_for()
    _wait_for_change(picture, src_before)
    table.filter(has_text=re.compile(r"Threshold\s*0\.650")).wait_for()
    src_after, png_after = _image(picture)
    assert src_after != src_before and png_after != png_before
    table_after = table.inner_text()
    recall = [float(re.search(r"Recall\s+([\d.]+)", t).group(1)) for t in (table_before, table_after)]
    assert recall[1] < recall[0], (table_before, table_after)  # a higher threshold misses positives

    notebook.run_cell(1)
    printed = _output(notebook, 1)
    assert "threshold 0.6500 " in printed, printed
    assert f"recall {recall[1]:.3f}" in printed and "tp/fp changed True" in printed, printed
    assert re.search(r"png ([0-9a-f]{64})", printed).group(1) == png_after, printed
