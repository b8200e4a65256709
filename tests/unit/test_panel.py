"""quizkit.panel: the widget form driven in process, training in its background thread."""

import time

import pytest

from quizkit.hub_access import HubUnavailableError
from quizkit.panel import TrainingPanel

pytestmark = pytest.mark.filterwarnings("ignore:load_classifier\\('tiny'\\):UserWarning")

SMALL = dict(model="tiny", n=120, max_length=32, batch_size=16, learning_rate=1e-3)


def _wait_for(condition, timeout=300.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the training thread"
        time.sleep(0.02)


@pytest.mark.slow
def test_two_runs_draw_curves_and_fill_the_table():
    panel = TrainingPanel().set(epochs=2, **SMALL)
    assert panel.plot.value == panel.empty_plot and "compared here" in panel.table.value
    panel.run_button.click()
    panel.run_button.click()  # a second click while training must not start another run
    assert panel.running and panel.run_button.disabled and not panel.stop_button.disabled
    panel.wait(timeout=600)
    assert panel.error is None
    assert len(panel.runs) == 1 and panel.last_run is panel.runs[0]
    first = panel.last_run
    assert first.steps == first.planned_steps == 12 and not first.stopped_early
    assert len(first.eval_history) == 2
    assert panel.plot.value != panel.empty_plot and bytes(panel.plot.value).startswith(b"\x89PNG")
    assert panel.table.value.count("<tr>") == 2  # header + one run
    assert "step 12/12" in panel.progress.value and panel.progress_bar.value == 12
    assert not panel.run_button.disabled and panel.stop_button.disabled

    panel.set(task="spam", positive_rate=0.2, class_weight="balanced", epochs=1)
    panel.run_button.click()
    panel.wait(timeout=600)
    assert panel.error is None and len(panel.runs) == 2
    assert panel.table.value.count("<tr>") == 3
    assert panel.last_run.config.class_weight == "balanced"
    assert panel.last_run.data_description["positive_rate"] == 0.2


@pytest.mark.slow
def test_stop_ends_the_run_early_and_keeps_its_metrics():
    panel = TrainingPanel().set(epochs=30, **SMALL)
    planned = 30 * 6  # 84 training examples in batches of 16
    panel.run_button.click()
    _wait_for(lambda: panel.progress_bar.value >= 3)
    panel.stop_button.click()
    panel.wait(timeout=600)
    result = panel.last_run
    assert panel.error is None
    assert result.planned_steps == planned and result.steps < planned // 2
    assert result.stopped_early and result.extra["stopped_by_user"]
    assert "(stopped by you)" in panel.table.value and "Stopped early" in panel.progress.value
    # A clean stop: the model as it stood is still evaluated on validation and test.
    assert result.validation_metrics["step"] == result.steps
    assert len(result.test_predictions) == len(result.test_labels) > 0


def test_an_error_in_the_training_thread_is_shown_and_kept():
    panel = TrainingPanel().set(**SMALL)
    panel.model.options = [*panel.model.options, "someone/not-downloaded"]
    panel.model.value = "someone/not-downloaded"
    panel.run_button.click()
    panel.wait(timeout=120)
    assert isinstance(panel.error, HubUnavailableError)
    assert "HubUnavailableError" in panel.error_box.value and "not-downloaded" in panel.error_box.value
    assert panel.runs == [] and not panel.run_button.disabled and panel.stop_button.disabled


def test_form_values_become_the_run_config():
    panel = TrainingPanel().set(model="tiny", task="fraud", n=300, positive_rate=0.1, epochs=3, batch_size=8,
                                max_length=64, padding="max_length", eval_strategy="steps",
                                early_stopping_patience=2, class_weight="balanced", metric="recall")
    config = panel.config()
    assert config.data == {"task": "fraud", "n": 300, "positive_rate": 0.1}
    assert (config.epochs, config.batch_size, config.max_length, config.padding) == (3.0, 8, 64, "max_length")
    assert (config.eval_strategy, config.early_stopping_patience, config.metric_for_best_model) == ("steps", 2, "recall")
    assert config.class_weight == "balanced" and config.disable_tqdm
    assert TrainingPanel().set(early_stopping_patience=0).config().early_stopping_patience is None


def test_bad_form_values_name_the_field():
    panel = TrainingPanel()
    with pytest.raises(ValueError, match="unknown field 'lr'"):
        panel.set(lr=0.1)
    with pytest.raises(ValueError, match="batch_size=7"):
        panel.set(batch_size=7)


def test_run_table_shows_a_dash_not_nan_for_an_undefined_precision():
    """A stopped run that predicts no positive has no precision: the table says so without 'nan'."""
    import dataclasses

    import numpy as np

    from quizkit.train import load_run

    recorded = load_run("early-stop-minilm")
    nothing_positive = np.zeros_like(recorded.test_labels)
    stopped = dataclasses.replace(recorded, test_predictions=nothing_positive)  # its metrics follow the predictions
    assert np.isnan(stopped.test_metrics.precision)
    panel = TrainingPanel()
    panel.runs = [recorded, stopped]
    table = panel._table_html()
    assert "nan" not in table.lower()
    row = table.split("<tr>")[-1]
    assert "title='undefined: the model predicted no example of this class'>—</td>" in row
    assert f"<td class='number'>{stopped.test_metrics.recall:.3f}</td>" in row  # numbers: right-aligned cells
