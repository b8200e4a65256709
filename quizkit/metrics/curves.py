"""ROC and precision-recall curves of a binary scorer, with their one-number summaries.

Both come straight from scikit-learn (``roc_curve``/``roc_auc_score``,
``precision_recall_curve``/``average_precision_score``); what quizkit adds is the prevalence
(the share of positives), which is where each curve's "chance" line lies: the ROC chance line
is the diagonal whatever the prevalence, the precision-recall chance line is the prevalence.

>>> from quizkit.metrics.curves import precision_recall, roc
>>> y, p = [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]
>>> roc(y, p).auc
0.75
>>> curve = precision_recall(y, p)
>>> round(curve.average_precision, 3), curve.prevalence
(0.833, 0.5)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from quizkit.metrics.checks import as_1d, check_number
from quizkit.metrics.predictions import Predictions, as_predictions


def positive_scores(scores: Any) -> np.ndarray:
    """P(label 1) per example from a 1-D score vector or an ``(n, 2)`` probability matrix.

    >>> positive_scores([[0.9, 0.1], [0.2, 0.8]]).tolist()
    [0.1, 0.8]
    """
    array = np.asarray(scores, dtype=float)
    if array.ndim == 2 and array.shape[1] == 2:
        array = array[:, 1]
    if array.ndim != 1:
        raise ValueError(
            f"scores must be one score per example (binary task) or an (n, 2) probability matrix, got shape {array.shape}; "
            "for more classes, pick one class and score it one-vs-rest"
        )
    if array.size == 0 or not np.all(np.isfinite(array)):
        raise ValueError("scores must be a non-empty array of finite numbers")
    return array


def binary_targets(y_true: Any, scores: Any) -> tuple[np.ndarray, np.ndarray]:
    """Checked ``(labels, scores)``: 0/1 labels with both classes present, one finite score each."""
    y = as_1d("y_true", y_true)
    s = positive_scores(scores)
    if len(y) != len(s):
        raise ValueError(f"y_true has {len(y)} items but scores has {len(s)}")
    values = set(np.unique(y).tolist())
    if not values <= {0, 1}:
        raise ValueError(f"y_true must hold 0/1 labels (1 = positive class), got values {sorted(values, key=str)[:5]}")
    if len(values) < 2:
        raise ValueError("y_true must contain both classes (0 and 1): a curve needs positives and negatives")
    return y.astype(int), s


def run_targets(run: Predictions) -> tuple[np.ndarray, np.ndarray]:
    """Test labels and P(label 1) of a binary :class:`quizkit.train.RunResult`."""
    run = as_predictions(run, "from_run")
    if len(run.label_names) != 2:
        raise ValueError(f"ROC and precision-recall curves need a binary run; this one has classes {list(run.label_names)}")
    return binary_targets(run.test_labels, run.test_scores)


def bootstrap_interval(
    statistic: Callable[[np.ndarray, np.ndarray], float],
    y: np.ndarray,
    scores: np.ndarray,
    confidence: float = 0.95,
    n_resamples: int = 1000,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``statistic(y, scores)`` with scipy's ``bootstrap``.

    Positives and negatives are resampled separately (stratified), so every resample keeps
    both classes and the prevalence stays fixed, as curve metrics need.
    """
    from scipy.stats import bootstrap

    check_number("confidence", confidence, low=0.5, high=0.999)
    positives, negatives = scores[y == 1], scores[y == 0]

    def on_resample(pos: np.ndarray, neg: np.ndarray) -> float:
        return statistic(np.r_[np.ones(len(pos)), np.zeros(len(neg))], np.r_[pos, neg])

    result = bootstrap(
        (positives, negatives), on_resample, vectorized=False, paired=False, confidence_level=confidence,
        n_resamples=n_resamples, method="percentile", rng=np.random.default_rng(seed),
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


@dataclass(frozen=True, eq=False)
class _Curve:
    y: np.ndarray
    scores: np.ndarray
    _statistic: ClassVar[str]  # scikit-learn's function for the one-number summary (AUC, AP)

    @property
    def n(self) -> int:
        return len(self.y)

    @property
    def prevalence(self) -> float:
        """Share of positives: the precision of a scorer with no skill."""
        return float(self.y.mean())

    def interval(self, confidence: float = 0.95, n_resamples: int = 1000, seed: int = 0) -> tuple[float, float]:
        """Bootstrap interval of the one-number summary (stratified percentile bootstrap)."""
        import sklearn.metrics

        statistic = getattr(sklearn.metrics, self._statistic)
        return bootstrap_interval(statistic, self.y, self.scores, confidence, n_resamples, seed)


@dataclass(frozen=True, eq=False)
class RocCurve(_Curve):
    """False and true positive rates at every distinct threshold, and the area under them.

    ``auc`` is the chance that a random positive scores higher than a random negative (ties
    count half); 0.5 is chance whatever the prevalence.
    """

    fpr: np.ndarray
    tpr: np.ndarray
    thresholds: np.ndarray
    auc: float
    _statistic = "roc_auc_score"

    def at_fpr(self, max_fpr: float) -> dict[str, float]:
        """The ROC point with the highest recall whose false positive rate is at most ``max_fpr``,
        in counts: what that point means for the people who read the alerts.

        >>> point = roc([0, 0, 0, 0, 1, 1], [0.1, 0.2, 0.3, 0.7, 0.6, 0.8]).at_fpr(0.25)
        >>> point["tp"], point["fp"], point["precision"]
        (2, 1, 0.6666666666666666)
        """
        check_number("max_fpr", max_fpr, low=0.0, high=1.0)
        i = int(np.flatnonzero(self.fpr <= max_fpr)[-1])
        positives, negatives = int(self.y.sum()), int(len(self.y) - self.y.sum())
        tp, fp = round(self.tpr[i] * positives), round(self.fpr[i] * negatives)
        return {
            "threshold": float(self.thresholds[i]), "fpr": float(self.fpr[i]), "recall": float(self.tpr[i]),
            "tp": tp, "fp": fp, "precision": tp / (tp + fp) if tp + fp else 0.0,
        }


@dataclass(frozen=True, eq=False)
class PrecisionRecallCurve(_Curve):
    """Precision and recall at every distinct threshold, and the average precision (AP).

    AP is the precision averaged over the recall steps (scikit-learn's step-wise sum, no
    interpolation). A scorer with no skill has AP close to ``prevalence``.
    """

    precision: np.ndarray
    recall: np.ndarray
    thresholds: np.ndarray
    average_precision: float
    _statistic = "average_precision_score"


def roc(y_true: Any, scores: Any) -> RocCurve:
    """The ROC curve of ``scores`` (higher = more likely label 1) against 0/1 ``y_true``."""
    from sklearn.metrics import roc_auc_score, roc_curve

    y, s = binary_targets(y_true, scores)
    fpr, tpr, thresholds = roc_curve(y, s)
    return RocCurve(y, s, fpr, tpr, thresholds, float(roc_auc_score(y, s)))


def precision_recall(y_true: Any, scores: Any) -> PrecisionRecallCurve:
    """The precision-recall curve of ``scores`` against 0/1 ``y_true``, with average precision."""
    from sklearn.metrics import average_precision_score, precision_recall_curve

    y, s = binary_targets(y_true, scores)
    precision, recall, thresholds = precision_recall_curve(y, s)
    return PrecisionRecallCurve(y, s, precision, recall, thresholds, float(average_precision_score(y, s)))
