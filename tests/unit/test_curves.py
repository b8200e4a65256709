"""ROC and precision-recall curves: numbers against scikit-learn and hand-worked values, displays."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib
import numpy as np
import pytest
from sklearn.metrics import (
    average_precision_score,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)

from quizkit.metrics.curves import positive_scores, precision_recall, roc
from quizkit.train import load_run
from quizkit.viz.curves import PrecisionRecallDisplay, RocCurveDisplay

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def imbalanced():
    rng = np.random.default_rng(0)
    y = (rng.random(2000) < 0.03).astype(int)
    scores = np.clip(rng.normal(0.3 + 0.35 * y, 0.15), 0, 1)
    return y, scores


def test_roc_matches_scikit_learn(imbalanced):
    y, s = imbalanced
    curve = roc(y, s)
    fpr, tpr, thresholds = roc_curve(y, s)
    np.testing.assert_array_equal(curve.fpr, fpr)
    np.testing.assert_array_equal(curve.tpr, tpr)
    np.testing.assert_array_equal(curve.thresholds, thresholds)
    assert curve.auc == roc_auc_score(y, s)
    assert curve.n == 2000 and curve.prevalence == pytest.approx(y.mean())


def test_precision_recall_matches_scikit_learn(imbalanced):
    y, s = imbalanced
    curve = precision_recall(y, s)
    precision, recall, _ = precision_recall_curve(y, s)
    np.testing.assert_array_equal(curve.precision, precision)
    np.testing.assert_array_equal(curve.recall, recall)
    assert curve.average_precision == average_precision_score(y, s)


def test_hand_worked_auc_and_ap():
    # Pairs (pos, neg): 0.8 beats all 3 negatives, 0.35 beats 0.1 only -> 4 of 6 pairs = 0.667.
    curve = roc([0, 0, 1, 1, 0], [0.1, 0.4, 0.35, 0.8, 0.5])
    assert curve.auc == pytest.approx(4 / 6)
    # Ranked: 0.8 (pos) P=1 at R=0.5; then 0.5, 0.4 (neg), 0.35 (pos) P=2/4 at R=1 -> AP = 0.5*1 + 0.5*0.5.
    assert precision_recall([0, 0, 1, 1, 0], [0.1, 0.4, 0.35, 0.8, 0.5]).average_precision == pytest.approx(0.75)


def test_random_scores_sit_at_the_chance_levels():
    rng = np.random.default_rng(1)
    y = (rng.random(20000) < 0.02).astype(int)
    s = rng.random(20000)
    assert roc(y, s).auc == pytest.approx(0.5, abs=0.03)
    assert precision_recall(y, s).average_precision == pytest.approx(0.02, abs=0.01)


def test_at_fpr_counts_the_alarms(imbalanced):
    y, s = imbalanced
    curve = roc(y, s)
    point = curve.at_fpr(0.05)
    predicted = s >= point["threshold"]
    assert point["tp"] == int(np.sum(predicted & (y == 1)))
    assert point["fp"] == int(np.sum(predicted & (y == 0)))
    assert point["fpr"] <= 0.05
    assert point["precision"] == pytest.approx(point["tp"] / (point["tp"] + point["fp"]))


def test_interval_brackets_the_auc_and_is_reproducible(imbalanced):
    y, s = imbalanced
    curve = roc(y, s)
    low, high = curve.interval(n_resamples=300)
    assert low < curve.auc < high and 0 < high - low < 0.2
    assert curve.interval(n_resamples=300) == (low, high)
    ap = precision_recall(y, s)
    ap_low, ap_high = ap.interval(n_resamples=300)
    assert ap_low < ap.average_precision < ap_high


def test_positive_scores_reads_a_two_column_matrix():
    assert positive_scores([[0.7, 0.3], [0.1, 0.9]]).tolist() == [0.3, 0.9]
    with pytest.raises(ValueError, match="one score per example"):
        positive_scores(np.full((2, 3), 1 / 3))


@pytest.mark.parametrize(
    ("y", "s", "message"),
    [
        ([0, 0, 0], [0.1, 0.2, 0.3], "both classes"),
        ([0, 1, 2], [0.1, 0.2, 0.3], "0/1 labels"),
        ([0, 1], [0.1, 0.2, 0.3], "2 items but scores has 3"),
        ([0, 1], [0.1, float("nan")], "finite"),
    ],
)
def test_bad_input_is_named(y, s, message):
    with pytest.raises(ValueError, match=message):
        roc(y, s)


def test_displays_reuse_scikit_learn_and_label_interval_and_n():
    run = load_run("fraud-minilm-balanced")
    roc_plot = RocCurveDisplay.from_run(run)
    pr_plot = PrecisionRecallDisplay.from_run(run, ax=None)
    low, high = roc_plot.interval_
    labels = roc_plot.ax_.get_legend_handles_labels()[1]
    assert labels[0] == f"minilm: AUC = {roc_plot.curve.auc:.2f} [{low:.2f}, {high:.2f}], n = {len(run.test_labels)}"
    assert labels[1] == "chance (AUC = 0.50)"
    assert type(roc_plot.display_).__name__ == "RocCurveDisplay"
    assert type(pr_plot.display_).__name__ == "PrecisionRecallDisplay"
    np.testing.assert_array_equal(pr_plot.line_.get_xdata(), pr_plot.curve.recall)
    chance = next(line for line in pr_plot.ax_.lines if line is not pr_plot.line_)
    assert set(np.round(chance.get_ydata(), 6)) == {round(pr_plot.curve.prevalence, 6)}


def test_two_curves_share_one_axes():
    y, s = [0, 1, 0, 1], [0.2, 0.8, 0.4, 0.6]
    first = RocCurveDisplay.from_predictions(y, s, name="a", interval=False)
    RocCurveDisplay(roc(y, [0.3, 0.8, 0.4, 0.35]), name="b").plot(ax=first.ax_, chance_level=False)
    names = first.ax_.get_legend_handles_labels()[1]
    assert names == ["a: AUC = 1.00, n = 4", "chance (AUC = 0.50)", "b: AUC = 0.75, n = 4"]


def test_multiclass_run_is_refused_with_its_classes():
    run = SimpleNamespace(label_names=["a", "b", "c"], test_labels=[0, 1, 2], test_predictions=[0, 0, 0], test_scores=np.full((3, 3), 1 / 3))
    with pytest.raises(ValueError, match="binary run"):
        RocCurveDisplay.from_run(run)


def _covered(legend, line) -> int:
    """Points of ``line`` (its vertices and points along each segment) under ``legend``'s box, in pixels."""
    figure = legend.figure
    figure.canvas.draw()
    box = legend.get_window_extent(figure.canvas.get_renderer())
    xy = line.get_transform().transform(line.get_xydata())
    along = np.vstack([xy[:-1] + t * (xy[1:] - xy[:-1]) for t in np.linspace(0, 1, 11)])
    return int(sum(box.contains(x, y) for x, y in along))


def test_lesson_11s_legends_cover_no_curve_or_diagram_point():
    """The figures of lesson 11, drawn as the lesson draws them."""
    import matplotlib.pyplot as plt

    from quizkit.viz import CalibrationDisplay

    fraud = load_run("fraud-minilm-balanced")
    fig, (ax_roc, ax_pr) = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
    roc_display = RocCurveDisplay.from_run(fraud, ax=ax_roc)
    pr_display = PrecisionRecallDisplay.from_run(fraud, ax=ax_pr)
    assert _covered(ax_roc.get_legend(), roc_display.line_) == 0
    assert _covered(ax_pr.get_legend(), pr_display.line_) == 0
    long_run, stopped = load_run("overfit-minilm"), load_run("early-stop-minilm")
    diagram = CalibrationDisplay.from_run(stopped, kind="top-label", n_bins=5, name="early-stopped")
    second = CalibrationDisplay.from_run(long_run, kind="top-label", n_bins=5, name="all 10 epochs", ax=diagram.axes_)
    legends = [legend for legend in (diagram.ax_.get_legend(), *diagram.figure_.legends) if legend is not None]
    assert len(legends) == 1  # one legend for both curves, not one per call
    labels = [t.get_text() for t in legends[0].get_texts()]
    assert any(label.startswith("early-stopped") for label in labels) and any(label.startswith("all 10 epochs") for label in labels)
    for line in (diagram.line_, second.line_):
        assert _covered(legends[0], line) == 0
    plt.close("all")
