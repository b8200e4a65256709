"""Adding a metric name touches one registry: the new name is then a metric everywhere."""

import numpy as np
import pytest
from sklearn.metrics import precision_score

from quizkit.metrics import compare, compute_metrics_for, from_counts, from_predictions
from quizkit.metrics.registry import METRICS, divide, metric_names, per_class
from quizkit.train import RunConfig, best_metrics


def negative_predictive_value(diag, actual, predicted, total):
    """Per class: of the examples predicted *not* this class, the share that are not it."""
    return divide(total - actual - predicted + diag, total - predicted)


@pytest.fixture
def npv_registered(monkeypatch):
    # The whole change a contributor makes: one entry (monkeypatch removes it after the test).
    monkeypatch.setitem(METRICS, "npv", per_class(negative_predictive_value))


def test_a_registered_metric_is_reported_estimated_and_printed(npv_registered):
    report = from_counts(tp=80, fp=10, fn=20, tn=90)
    assert report.value("npv") == pytest.approx(90 / (90 + 20))  # TN / (TN + FN), counted by hand
    assert report.to_dict()["npv"] == pytest.approx(90 / 110)
    estimate = report.estimate("npv")
    assert estimate.low < estimate.value < estimate.high and estimate.n == 200
    assert "npv" in str(report)


def test_a_registered_metric_is_logged_compared_and_chosen_by(npv_registered):
    y = np.array([0, 0, 0, 1, 1, 1, 0, 1])
    logits = np.array([[2, 0], [1, 0], [0, 1], [0, 2], [1, 0], [0, 1], [3, 0], [0, 1]], dtype=float)
    predicted = logits.argmax(axis=1)
    logged = compute_metrics_for()((logits, y))
    # NPV is the precision of the negative class: scikit-learn as the oracle.
    assert logged["npv"] == pytest.approx(precision_score(y, predicted, pos_label=0))
    other = np.zeros_like(y)
    comparison = compare(y, other, predicted, metric="npv")
    assert comparison.b.value == pytest.approx(precision_score(y, predicted, pos_label=0))
    assert comparison.a.value == pytest.approx(precision_score(y, other, pos_label=0))
    assert "npv" in best_metrics() and RunConfig(metric_for_best_model="npv").metric_for_best_model == "npv"
    assert from_predictions(y, predicted).value("npv") == logged["npv"]


def test_the_training_panel_offers_every_registered_metric(npv_registered):
    pytest.importorskip("ipywidgets")
    from quizkit.panel import TrainingPanel

    assert list(TrainingPanel().metric.options) == list(metric_names())
    assert "npv" in TrainingPanel().metric.options


def test_an_unregistered_name_is_refused_everywhere():
    assert "npv" not in metric_names()
    with pytest.raises(ValueError, match="one of"):
        from_counts(tp=1, fp=1, fn=1, tn=1).value("npv")
    with pytest.raises(ValueError, match="metric_for_best_model"):
        RunConfig(metric_for_best_model="npv")
    with pytest.raises(ValueError, match="one of"):
        compare([0, 1], [0, 1], [1, 1], metric="npv")
