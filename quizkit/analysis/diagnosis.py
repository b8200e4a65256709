"""Spot the classic ways a fine-tuning result misleads: accuracy paradox, leakage, overfitting...

:func:`diagnose_predictions` looks at test labels and predictions (plus, when given, the
training texts, the Trainer log history and training-set metrics) and returns a
:class:`Diagnosis`: a list of :class:`Finding` objects, worst first, each stating its numbers
in plain words. :func:`diagnose` does the same for a :class:`quizkit.train.RunResult`.

Given a second model's predictions on the same test set (``compare_to``: another run, a
baseline's predictions), the diagnosis also compares the two with
:func:`quizkit.metrics.compare` and says when their difference is within noise.

>>> d = diagnose_predictions([0] * 95 + [1] * 5, [0] * 100, label_names=["legit", "fraud"])
>>> d.codes
['accuracy-paradox', 'imbalance', 'few-positives']
>>> bool(d.severe)
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from quizkit.analysis import diagnosis_rules as rules
from quizkit.analysis.diagnosis_types import Diagnosis, Finding
from quizkit.metrics import MetricReport, Predictions, as_predictions, compare, from_predictions, same_test_set
from quizkit.metrics.registry import metric_names

__all__ = ["Diagnosis", "Finding", "diagnose", "diagnose_predictions"]


def _report(y_true: Sequence[Any], y_pred: Sequence[Any], label_names: Sequence[str] | None) -> MetricReport:
    """The test set's :class:`~quizkit.metrics.MetricReport`, its classes named by ``label_names`` when they fit."""
    report = from_predictions(y_true, y_pred)
    labels = report.labels
    if label_names is not None and all(isinstance(x, (int, np.integer)) for x in labels) and max(labels) < len(label_names):
        report = from_predictions(y_true, y_pred, labels=labels, target_names=[str(label_names[i]) for i in labels])
    return report


def diagnose_predictions(
    y_true: Sequence[Any],
    y_pred: Sequence[Any],
    train_texts: Sequence[str] | None = None,
    test_texts: Sequence[str] | None = None,
    train_metrics: Mapping[str, float] | Any = None,
    log_history: Sequence[Mapping[str, Any]] | None = None,
    task: str = "classification",
    metric_names: Sequence[str] | None = None,
    label_names: Sequence[str] | None = None,
    baseline: Any = None,
    baseline_metric: str = "mcc",
    compare_to: Sequence[Any] | None = None,
    compare_name: str = "the other model",
    compare_metric: str = "f1",
) -> Diagnosis:
    """Run every rule that the given inputs allow and return the findings.

    ``task`` is ``"classification"`` (any classification task name works) or one of
    ``"qa"``, ``"summarization"``, ``"translation"``; ``metric_names`` are the metrics the
    run was judged with (e.g. ``["accuracy"]``). ``train_metrics`` is a dict such as
    ``{"accuracy": 0.99}`` or a MetricReport on the training set. ``baseline`` (a baseline's
    :class:`~quizkit.train.RunResult` from :mod:`quizkit.analysis.baselines`, or its predicted
    classes for the same test examples) adds "does not beat the baseline" unless the paired
    comparison (:func:`quizkit.metrics.compare`, baseline = A, this model = B) puts the whole
    95% interval of the difference in ``baseline_metric`` above zero.

    ``compare_to`` holds another model's predicted classes for the same test examples
    (called ``compare_name``); the two are compared on ``compare_metric`` with
    :func:`quizkit.metrics.compare` (A = the other model, B = ``y_pred``), and a
    ``within-noise`` finding says when the difference's 95% interval includes zero. Rules that
    judge a comparison read that one :class:`~quizkit.metrics.Comparison`.

    >>> diagnose_predictions([0, 1] * 50, [0, 1] * 45 + [1, 0] * 5).codes
    []
    >>> y = [0, 1] * 50
    >>> diagnose_predictions(y, [0, 1] * 45 + [1, 0] * 5, compare_to=[0, 1] * 44 + [1, 0] * 6).codes
    ['within-noise']
    """
    if not isinstance(task, str):
        raise TypeError(f"task must be a string such as 'classification' or 'qa', got {task!r}")
    if metric_names is not None and (isinstance(metric_names, str) or not all(isinstance(m, str) for m in metric_names)):
        raise TypeError(f"metric_names must be a list of metric names, got {metric_names!r}")
    found: list[Finding | None] = []
    if metric_names:
        found.append(rules.wrong_metric(task, metric_names))
    if task not in rules.GENERATION_TASKS:
        report = _report(y_true, y_pred, label_names)
        found += [rules.accuracy_paradox(report), rules.near_chance(report), rules.precision_recall_gap(report),
                  rules.imbalance(report), rules.few_positives(report)]
        if train_metrics is not None:
            found.append(rules.train_eval_gap(report, train_metrics))
        if baseline is not None:
            found.append(rules.baseline(_baseline_comparison(y_true, y_pred, baseline, baseline_metric)))
        if compare_to is not None:
            comparison = compare(y_true, compare_to, y_pred, metric=compare_metric, names=(compare_name, "this model"))
            found.append(rules.within_noise(comparison))
    if log_history and any(isinstance(e, Mapping) and "eval_loss" in e for e in log_history):
        found.append(rules.rising_eval_loss(log_history))
    if train_texts is not None and test_texts is not None:
        found.append(rules.leakage(train_texts, test_texts))
    return Diagnosis([f for f in found if f is not None])


def _baseline_comparison(y_true: Sequence[Any], y_pred: Sequence[Any], baseline: Any, metric: str) -> Any:
    """The paired comparison of a baseline (A) with this model (B) on the same test examples."""
    if metric not in rules.BASELINE_METRICS:
        raise ValueError(f"baseline_metric must be one of {rules.BASELINE_METRICS}, got {metric!r}")
    if isinstance(baseline, Predictions):
        if not np.array_equal(np.asarray(baseline.test_labels), np.asarray(y_true)):
            raise ValueError("diagnose(baseline=...): the baseline was tested on other examples than this model "
                             f"({len(baseline.test_labels)} vs {len(y_true)} labels, or in another order); "
                             "a paired comparison needs the same examples")
        config = getattr(baseline, "config", None)
        name = f"the {config.model} baseline" if config is not None else "the baseline"
        predictions = baseline.test_predictions
    elif isinstance(baseline, (MetricReport, Mapping)) or not isinstance(baseline, (Sequence, np.ndarray)):
        raise TypeError("baseline must be the baseline's predictions on the same test examples (a RunResult from "
                        "quizkit.analysis.baselines, or its predicted classes), so the two are compared example by "
                        f"example; got a {type(baseline).__name__}")
    else:
        name, predictions = "the baseline", baseline
    return compare(y_true, predictions, y_pred, metric=metric, names=(name, "this model"))


def diagnose(run: Predictions, compare_to: Any = None, **overrides: Any) -> Diagnosis:
    """Diagnose a :class:`quizkit.train.RunResult`; keyword arguments override what is read from it.

    ``diagnose(result, baseline=tfidf_logreg(data))`` also checks that the run beats the baseline.
    ``compare_to`` is another run on the same test set (or a baseline's predicted classes for
    it): the diagnosis then says whether the two differ beyond noise in the metric the run was
    judged on (its ``metric_for_best_model``, F1 when that is the loss).

    >>> from quizkit.train import load_run
    >>> diagnose(load_run("overfit-minilm"), compare_to=load_run("overfit-minilm")).codes
    ['overfitting', 'within-noise']
    """
    run = as_predictions(run, "diagnose")
    inputs: dict[str, Any] = {
        "y_true": run.test_labels,
        "y_pred": run.test_predictions,
        "train_texts": getattr(run, "train_texts", None),
        "test_texts": getattr(run, "test_texts", None),
        # A run records training-set metrics only when asked to (they cost an extra pass).
        "train_metrics": getattr(run, "train_metrics", None) or getattr(run, "extra", {}).get("train_metrics"),
        "log_history": getattr(run, "log_history", None),
        "label_names": getattr(run, "label_names", None),
    }
    if compare_to is not None:
        inputs.update(_comparison_inputs(run, compare_to))
    inputs.update(overrides)
    return diagnose_predictions(**inputs)


def _comparison_inputs(run: Predictions, other: Any) -> dict[str, Any]:
    """``diagnose_predictions`` keywords comparing ``run`` with another run (or predictions)."""
    judged = getattr(getattr(run, "config", None), "metric_for_best_model", "f1")
    inputs: dict[str, Any] = {"compare_metric": judged if judged in metric_names() else "f1"}
    if isinstance(other, Predictions):
        same_test_set(run, other, "diagnose(compare_to=...)")
        config = getattr(other, "config", None)
        inputs.update(compare_to=other.test_predictions,
                      compare_name=f"the {config.model} run" if config is not None else "the other run")
    else:
        inputs["compare_to"] = other
    return inputs
