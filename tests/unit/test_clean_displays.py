"""Displays a learner reads at a glance: a single evaluation in the learning curve, the
training panel's class-weights dropdown and run table."""

import matplotlib.pyplot as plt  # Agg: tests/conftest.py sets MPLBACKEND
import pytest

from quizkit.panel import TrainingPanel
from quizkit.metrics.learning import learning_curve
from quizkit.viz import LearningCurveDisplay

ONE_EVAL = [{"loss": 0.69, "step": 5}, {"loss": 0.61, "step": 10}, {"loss": 0.55, "step": 15},
            {"eval_loss": 0.52, "eval_f1": 0.71, "step": 27}]


def _visible_ticks(ax):
    low, high = ax.get_xlim()
    return [t for t in ax.get_xticks() if low <= t <= high]


def test_a_single_evaluation_is_a_marker_on_whole_number_step_ticks():
    curve = LearningCurveDisplay(learning_curve(ONE_EVAL))
    figure, axes = plt.subplots(1, 2)
    curve.plot(ax=list(axes))
    metric_line = axes[1].lines[0]
    assert list(metric_line.get_xdata()) == [27] and metric_line.get_marker() == "o"
    for ax in axes:
        ticks = _visible_ticks(ax)
        assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks), ticks
        assert ax.get_xlim()[0] == 0 and ax.get_xlim()[1] > 27  # the point is inside, with room
    plt.close(figure)


def test_a_single_train_loss_log_is_drawn_as_a_marker():
    curve = LearningCurveDisplay.from_log_history([{"loss": 0.7, "step": 3}, {"eval_loss": 0.6, "step": 3}])
    train = next(line for line in curve.ax_.lines if line.get_label() == "train loss")
    assert train.get_marker() == "o"
    plt.close(curve.figure_)


def test_class_weight_dropdown_starts_at_runs_default_and_maps_none_to_no_weights():
    panel = TrainingPanel()
    # run() weights imbalanced classes by default ("auto"); the panel starts there too.
    assert panel.class_weight.label == "auto" and panel.config().class_weight == "auto"
    assert panel.set(class_weight="none").config().class_weight is None
    assert panel.set(class_weight="balanced").config().class_weight == "balanced"
    assert panel.set(class_weight=None).class_weight.label == "none"  # RunConfig's spelling works too
    with pytest.raises(ValueError, match="class_weight"):
        panel.set(class_weight="inverse")


def test_run_table_groups_settings_into_few_columns():
    from quizkit.panel import _CONFIG_COLUMNS, _METRIC_COLUMNS, _data_text

    # Row number + settings + four test metrics: few enough to read at 1366 px (checked in the browser test).
    assert 1 + len(_CONFIG_COLUMNS) + len(_METRIC_COLUMNS) <= 12
    assert _data_text({"task": "fraud", "n": 600, "positive_rate": 0.02}) == "fraud, 600, 2% pos."
    assert _data_text({"task": "support", "n": 300}) == "support, 300"
