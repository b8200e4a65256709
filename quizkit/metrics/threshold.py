"""Precision, recall, F1, FPR/TPR and the four counts at every decision threshold.

An example is predicted positive when its score is >= the threshold (scikit-learn's rule), so
the sweep agrees with ``precision_recall_curve`` and ``roc_curve`` at each distinct score.

>>> sweep = threshold_sweep([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
>>> sweep.thresholds.tolist()
[0.1, 0.35, 0.4, 0.8]
>>> sweep.at(0.35)["recall"], sweep.best("f1")["threshold"], sweep.roc_auc
(1.0, 0.35, 0.75)
>>> sweep.at(0.9)["precision"]  # nothing flagged: precision is undefined, not 0
nan
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from quizkit.metrics.checks import (
    as_labels,
    as_scores,
    check_number,
    same_length,
    short,
)
from quizkit.metrics.uncertainty import N_RESAMPLES, Estimate, ranking_bootstrap

RATES = ("precision", "recall", "f1", "fpr", "tpr", "accuracy", "balanced_accuracy", "mcc")
COUNTS = ("tp", "fp", "fn", "tn")
MAXIMISED = ("f1", "precision", "recall", "accuracy", "balanced_accuracy", "tpr", "mcc")
RANKING = ("pr_auc", "roc_auc")


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN (undefined) where the denominator is 0 (``zero_division=np.nan``)."""
    numerator = np.asarray(numerator, dtype=np.float64)
    return np.divide(numerator, denominator, out=np.full_like(numerator, np.nan), where=np.asarray(denominator) > 0)


def _rates(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray, tn: np.ndarray) -> dict[str, np.ndarray]:
    recall = _ratio(tp, tp + fn)
    fpr = _ratio(fp, fp + tn)
    return {
        "precision": _ratio(tp, tp + fp),
        "recall": recall,
        "f1": _ratio(2 * tp, 2 * tp + fp + fn),
        "fpr": fpr,
        "tpr": recall,
        "accuracy": _ratio(tp + tn, tp + fp + fn + tn),
        "balanced_accuracy": (recall + 1.0 - fpr) / 2.0,
        "mcc": _mcc(tp, fp, fn, tn),
    }


def _mcc(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray, tn: np.ndarray) -> np.ndarray:
    """Matthews correlation from the counts at every threshold at once (sklearn's
    ``matthews_corrcoef`` takes one set of predictions at a time), 0 where a row or column of the
    confusion matrix is empty, as sklearn returns."""
    tp, fp, fn, tn = (np.asarray(x, dtype=np.float64) for x in (tp, fp, fn, tn))
    denominator = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return np.divide(tp * tn - fp * fn, denominator, out=np.zeros_like(denominator), where=denominator > 0)


@dataclass(frozen=True, eq=False)
class ThresholdSweep:
    """Metrics at each distinct score used as threshold (ascending ``thresholds``).

    Arrays (one value per threshold): ``precision recall f1 fpr tpr accuracy balanced_accuracy mcc``
    and the counts ``tp fp fn tn``. ``pr_auc`` is scikit-learn's ``average_precision_score``,
    ``roc_auc`` its ``roc_auc_score``; :meth:`estimate` adds their bootstrap intervals.
    Precision is NaN (undefined) where nothing is predicted positive: at every swept threshold
    something is, so only :meth:`at` above the highest score meets it.
    """

    thresholds: np.ndarray
    precision: np.ndarray
    recall: np.ndarray
    f1: np.ndarray
    fpr: np.ndarray
    tpr: np.ndarray
    accuracy: np.ndarray
    balanced_accuracy: np.ndarray
    mcc: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    fn: np.ndarray
    tn: np.ndarray
    pr_auc: float
    roc_auc: float
    # Sorted scores of each class, for counts at thresholds between the distinct scores.
    positive_scores: np.ndarray = field(repr=False)
    negative_scores: np.ndarray = field(repr=False)

    def __len__(self) -> int:
        return len(self.thresholds)

    def _row(self, threshold: float, tp: int, fp: int) -> dict[str, float]:
        counts = dict(zip(COUNTS, (tp, fp, len(self.positive_scores) - tp, len(self.negative_scores) - fp)))
        rates = _rates(*(np.array([counts[name]]) for name in COUNTS))
        return {"threshold": float(threshold), **{name: float(rates[name][0]) for name in RATES}, **counts}

    def at(self, threshold: float) -> dict[str, float]:
        """Metrics and counts when predicting positive for scores >= ``threshold``."""
        t = check_number("threshold", threshold)
        tp = len(self.positive_scores) - int(np.searchsorted(self.positive_scores, t, side="left"))
        fp = len(self.negative_scores) - int(np.searchsorted(self.negative_scores, t, side="left"))
        return self._row(t, tp, fp)

    def cost(self, cost_fp: float = 1.0, cost_fn: float = 1.0) -> np.ndarray:
        """Total cost ``cost_fp * FP + cost_fn * FN`` at each threshold."""
        cost_fp = check_number("cost_fp", cost_fp, 0.0, float("inf"))
        cost_fn = check_number("cost_fn", cost_fn, 0.0, float("inf"))
        return cost_fp * self.fp + cost_fn * self.fn

    def best(self, metric: str = "f1", cost_fp: float = 1.0, cost_fn: float = 1.0) -> dict[str, float]:
        """The row (as :meth:`at`) that maximises ``metric``, or minimises it for ``"cost"``
        (with ``cost_fp``/``cost_fn``). Ties go to the highest threshold."""
        if metric == "cost":
            values = -self.cost(cost_fp, cost_fn)
        elif metric in MAXIMISED:
            values = getattr(self, metric)
        else:
            raise ValueError(f"metric must be one of {(*MAXIMISED, 'cost')}, got {metric!r}")
        i = len(values) - 1 - int(np.nanargmax(values[::-1]))
        return self._row(float(self.thresholds[i]), int(self.tp[i]), int(self.fp[i]))

    def estimate(self, name: str = "pr_auc", level: float = 0.95, *, n_resamples: int = N_RESAMPLES, seed: int = 0) -> Estimate:
        """``pr_auc`` or ``roc_auc`` with a seeded percentile bootstrap interval over the examples.

        Resamples that lack one of the classes have no curve and are left out.

        >>> sweep = threshold_sweep([0, 0, 1, 1, 0, 1, 0, 1], [0.1, 0.3, 0.35, 0.8, 0.6, 0.9, 0.2, 0.4])
        >>> print(sweep.estimate("roc_auc", n_resamples=500))
        roc_auc 0.88 [0.50, 1.00] (n=8)
        """
        if name not in RANKING:
            raise ValueError(f"estimate covers the ranking metrics {RANKING}; for metrics at one threshold use "
                             f"from_predictions(...).estimate(), got {name!r}")
        truth = np.r_[np.ones(len(self.positive_scores)), np.zeros(len(self.negative_scores))]
        values = np.r_[self.positive_scores, self.negative_scores]
        return ranking_bootstrap(name, truth, values, getattr(self, name), level=level, n_resamples=n_resamples, seed=seed)

    def interval(self, name: str = "pr_auc", level: float = 0.95, *, n_resamples: int = N_RESAMPLES, seed: int = 0) -> tuple[float, float]:
        """``(low, high)`` of :meth:`estimate`."""
        return self.estimate(name, level, n_resamples=n_resamples, seed=seed).interval

    def as_frame(self) -> Any:
        """A pandas DataFrame, one row per threshold (needs pandas)."""
        import pandas as pd

        return pd.DataFrame({"threshold": self.thresholds, **{name: getattr(self, name) for name in RATES + COUNTS}})


def threshold_sweep(y_true: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray) -> ThresholdSweep:
    """Sweep every distinct score in ``scores`` (probabilities of label 1, in [0, 1]) as threshold.

    ``y_true`` holds 0/1 labels and must contain both classes.

    >>> sweep = threshold_sweep([0, 1, 1], [0.2, 0.6, 0.9])
    >>> sweep.f1.tolist(), sweep.pr_auc
    ([0.8, 1.0, 0.6666666666666666], 1.0)
    """
    from sklearn.metrics import average_precision_score, roc_auc_score

    truth = as_labels("y_true", y_true)
    values = as_scores("scores", scores)
    same_length("y_true", truth, "scores", values)
    outside = values[(values < 0) | (values > 1)]
    if outside.size:
        raise ValueError(f"scores must be probabilities in [0, 1], got {outside[0].item()!r}; apply softmax/sigmoid to logits first")
    found = set(np.unique(truth).tolist())
    if not found <= {0, 1}:
        raise ValueError(f"y_true must hold 0/1 labels (1 = positive), got {short(sorted(found, key=str))}")
    if len(found) < 2:
        raise ValueError(f"y_true holds only label {found.pop()}: a threshold sweep needs positive and negative examples")
    truth = truth.astype(np.int64)
    positive = np.sort(values[truth == 1])
    negative = np.sort(values[truth == 0])
    thresholds = np.unique(values)
    # Count the scores >= each threshold: everything except those sorted before it.
    tp = len(positive) - np.searchsorted(positive, thresholds, side="left")
    fp = len(negative) - np.searchsorted(negative, thresholds, side="left")
    counts = {"tp": tp, "fp": fp, "fn": len(positive) - tp, "tn": len(negative) - fp}
    arrays = {"thresholds": thresholds, **_rates(**counts), **counts, "positive_scores": positive, "negative_scores": negative}
    for array in arrays.values():
        array.setflags(write=False)
    return ThresholdSweep(
        **arrays,
        pr_auc=float(average_precision_score(truth, values)),
        roc_auc=float(roc_auc_score(truth, values)),
    )
