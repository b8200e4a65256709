"""Is a probability of 0.9 right nine times in ten? Reliability, Brier score, ECE, temperature.

Scores are what :class:`quizkit.train.RunResult` holds: P(label 1) per example for a binary
task, an ``(n, k)`` probability matrix otherwise (an ``(n, 2)`` matrix is read as binary).

Two views of calibration, chosen with ``kind``:

- ``"positive"`` (binary only; the default there): bins of P(label 1) against the share of
  positives in each bin, exactly scikit-learn's ``calibration_curve`` / ``CalibrationDisplay``.
- ``"top-label"`` (the default for more classes): bins of the model's confidence (its largest
  probability) against how often its prediction is right (Guo et al., 2017). Overconfidence
  shows plainly here: points under the diagonal.

:func:`expected_calibration_error` is the gap between the two axes averaged over the same bins,
weighted by how many examples fall in each, so it matches the reliability diagram one to one.
:func:`brier_score` is scikit-learn's ``brier_score_loss`` and :func:`log_loss` its ``log_loss``
(the loss the Trainer reports).

>>> from quizkit.metrics.calibration import expected_calibration_error
>>> y = [1, 1, 1, 1, 0]
>>> p = [0.9, 0.9, 0.9, 0.9, 0.9]   # says 90 % for all five, right 4 times in 5
>>> round(expected_calibration_error(y, p), 3)
0.1
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from quizkit.metrics.checks import as_1d, check_number
from quizkit.metrics.uncertainty import (
    N_RESAMPLES, Estimate, bootstrap_indices, check_level, check_resamples, percentile_interval, wilson,
)

KINDS = ("positive", "top-label")
STRATEGIES = ("uniform", "quantile")
# Probabilities are clipped this far from 0 and 1 before taking logs: a float32 softmax
# rounds very confident outputs to exactly 1.0, whose complement has no logarithm.
EPS = 1e-12


def as_probabilities(y_true: Any, scores: Any) -> tuple[np.ndarray, np.ndarray]:
    """Checked ``(labels, probability matrix (n, k))``; 1-D scores are P(label 1) of a binary task."""
    y = as_1d("y_true", y_true)
    probs = np.asarray(scores, dtype=float)
    if probs.ndim == 1:
        probs = np.column_stack([1 - probs, probs])
    if probs.ndim != 2 or probs.shape[1] < 2:
        raise ValueError(f"scores must be P(label 1) per example or an (n, k) probability matrix, got shape {probs.shape}")
    if len(probs) != len(y):
        raise ValueError(f"y_true has {len(y)} items but scores has {len(probs)}")
    if not np.all(np.isfinite(probs)) or probs.min() < 0 or probs.max() > 1:
        raise ValueError("scores must be probabilities in [0, 1] (apply softmax to logits first)")
    if not np.allclose(probs.sum(axis=1), 1, atol=1e-4):
        raise ValueError("each row of scores must sum to 1 (a probability for every class)")
    if y.dtype.kind not in "iub" or y.min() < 0 or y.max() >= probs.shape[1]:
        raise ValueError(f"y_true must hold class indices 0..{probs.shape[1] - 1}, one per row of scores")
    return y.astype(int), probs


def _kind(kind: str | None, probs: np.ndarray) -> str:
    if kind is None:
        return "positive" if probs.shape[1] == 2 else "top-label"
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if kind == "positive" and probs.shape[1] != 2:
        raise ValueError(f"kind='positive' needs a binary task; these scores have {probs.shape[1]} classes (use 'top-label')")
    return kind


@dataclass(frozen=True, eq=False)
class Reliability:
    """One point per non-empty bin: mean predicted probability, observed frequency, count.

    With ``kind="positive"`` the x-axis is P(label 1) and the y-axis the share of positives;
    with ``"top-label"`` the x-axis is the confidence and the y-axis the accuracy.
    ``confidence`` holds the per-example x values (for the histogram under the diagram).
    """

    prob_pred: np.ndarray
    prob_true: np.ndarray
    counts: np.ndarray
    bin_edges: np.ndarray
    confidence: np.ndarray
    kind: str
    n: int

    @property
    def ece(self) -> float:
        """Expected calibration error: the count-weighted mean gap between the two axes."""
        return float(np.sum(self.counts * np.abs(self.prob_true - self.prob_pred)) / self.n)


def reliability(y_true: Any, scores: Any, n_bins: int = 10, strategy: str = "uniform", kind: str | None = None) -> Reliability:
    """Bin the predictions and compare predicted with observed frequencies.

    The bins and per-bin means are scikit-learn's ``calibration_curve`` (``strategy`` is its
    ``"uniform"`` or ``"quantile"``); the counts use the same bin edges.

    >>> r = reliability([0, 1, 1, 1], [0.2, 0.6, 0.7, 0.9], n_bins=2)
    >>> r.prob_pred.round(2).tolist(), r.prob_true.tolist(), r.counts.tolist()
    ([0.2, 0.73], [0.0, 1.0], [1, 3])
    """
    from sklearn.calibration import calibration_curve

    y, probs = as_probabilities(y_true, scores)
    kind = _kind(kind, probs)
    if isinstance(n_bins, bool) or not isinstance(n_bins, int) or n_bins < 1:
        raise ValueError(f"n_bins must be an integer >= 1, got {n_bins!r}")
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    if kind == "positive":
        x, hit = probs[:, 1], y == 1
    else:
        x, hit = probs.max(axis=1), probs.argmax(axis=1) == y
    prob_true, prob_pred = calibration_curve(hit.astype(int), x, n_bins=n_bins, strategy=strategy)
    # The same edges and side as calibration_curve, so counts line up with its non-empty bins.
    edges = np.linspace(0, 1, n_bins + 1) if strategy == "uniform" else np.percentile(x, np.linspace(0, 100, n_bins + 1))
    counts = np.bincount(np.searchsorted(edges[1:-1], x), minlength=n_bins)
    return Reliability(prob_pred, prob_true, counts[counts > 0], edges, x, kind, len(y))


def expected_calibration_error(y_true: Any, scores: Any, n_bins: int = 10, strategy: str = "uniform", kind: str | None = None) -> float:
    """ECE: ``sum over bins of (bin count / n) * |observed - predicted|``; 0 is perfectly calibrated.

    >>> expected_calibration_error([0, 1], [[0.8, 0.2], [0.3, 0.7]], kind="top-label", n_bins=5)
    0.25
    """
    return reliability(y_true, scores, n_bins=n_bins, strategy=strategy, kind=kind).ece


def brier_score(y_true: Any, scores: Any) -> float:
    """Mean squared distance between the probabilities and the one-hot truth (scikit-learn).

    Binary: ``mean((P(label 1) - y)^2)``, from 0 (perfect) to 1; always answering 0.5 scores 0.25.

    >>> brier_score([0, 1, 1], [0.0, 1.0, 0.5])
    0.08333333333333333
    """
    from sklearn.metrics import brier_score_loss

    y, probs = as_probabilities(y_true, scores)
    if probs.shape[1] == 2:
        return float(brier_score_loss(y, probs[:, 1], pos_label=1))
    # scikit-learn's multiclass Brier score sums over classes (range 0..2); so does this.
    return float(brier_score_loss(y, probs, labels=list(range(probs.shape[1]))))


def log_loss(y_true: Any, scores: Any) -> float:
    """Mean negative log-probability of the true class (scikit-learn), as the Trainer's eval loss.

    >>> round(log_loss([1, 0], [0.9, 0.2]), 4)
    0.1643
    """
    from sklearn.metrics import log_loss as sk_log_loss

    y, probs = as_probabilities(y_true, scores)
    return float(sk_log_loss(y, np.clip(probs, EPS, 1), labels=list(range(probs.shape[1]))))


def _logits(probs: np.ndarray) -> np.ndarray:
    # log softmax(z) = z - logsumexp(z): the logits up to a constant per row, and dividing by T
    # keeps that constant per row, so softmax(log p / T) == softmax(z / T) exactly.
    return np.log(np.clip(probs, EPS, 1))


def _scaled(logits: np.ndarray, temperature: float) -> np.ndarray:
    from scipy.special import softmax

    return softmax(logits / temperature, axis=1)


class TemperatureScaling:
    """Divide the logits by one number T, fitted on validation data, to fix over/underconfidence.

    T > 1 softens overconfident probabilities, T < 1 sharpens underconfident ones; the ranking
    of the classes, hence every prediction, accuracy, F1 and the ROC curve, stays the same.
    Fit on the validation split, then apply to the test split (never fit on test).

    T minimises the validation negative log-likelihood. It is a one-parameter problem, so
    scipy's bounded scalar minimiser (on log T, between 1/100 and 100) does it exactly and
    without torch: the metrics layer never loads the training stack.

    >>> val_y = [1, 1, 1, 0, 1, 0, 1, 1, 0, 1]
    >>> val_p = [0.99, 0.98, 0.99, 0.02, 0.01, 0.97, 0.99, 0.98, 0.03, 0.99]  # two confident mistakes
    >>> ts = TemperatureScaling().fit(val_y, val_p)
    >>> ts.temperature > 1
    True
    >>> ts.transform([0.99]).round(2).tolist()
    [0.83]

    As with a scikit-learn estimator, :meth:`fit` sets the fitted values and returns the
    object; ``TemperatureScaling(temperature=2.0)`` applies a known T without fitting.
    ``nll_before``/``nll_after`` are the validation log loss at T = 1 and at the fitted T, ``n``
    the examples fitted on.
    """

    def __init__(self, temperature: float | None = None) -> None:
        self.temperature = None if temperature is None else check_number("temperature", temperature, low=1e-6)
        self.nll_before = self.nll_after = float("nan")
        self.n = 0

    def __repr__(self) -> str:
        return f"TemperatureScaling(temperature={self.temperature!r})"

    def fit(self, y_true: Any, scores: Any) -> TemperatureScaling:
        """Find T on held-out (validation) labels and probabilities; returns ``self``."""
        from scipy.optimize import minimize_scalar
        from scipy.special import log_softmax

        y, probs = as_probabilities(y_true, scores)
        logits = _logits(probs)
        rows = np.arange(len(y))

        def nll(log_t: float) -> float:
            return float(-log_softmax(logits / np.exp(log_t), axis=1)[rows, y].mean())

        best = minimize_scalar(nll, bounds=(np.log(0.01), np.log(100.0)), method="bounded", options={"xatol": 1e-6})
        self.temperature, self.nll_before, self.nll_after, self.n = float(np.exp(best.x)), nll(0.0), float(best.fun), len(y)
        return self

    def transform(self, scores: Any) -> np.ndarray:
        """Rescaled probabilities, in the shape given (1-D P(label 1) or an (n, k) matrix)."""
        if self.temperature is None:
            raise ValueError("this TemperatureScaling has no temperature yet: call fit(validation_labels, validation_scores) first")
        probs = np.asarray(scores, dtype=float)
        matrix = np.column_stack([1 - probs, probs]) if probs.ndim == 1 else probs
        scaled = _scaled(_logits(matrix), self.temperature)
        return scaled[:, 1] if probs.ndim == 1 else scaled

    @classmethod
    def from_run(cls, run: Any) -> TemperatureScaling:
        """Fit on a :class:`quizkit.train.RunResult`'s validation labels and scores."""
        labels, scores = getattr(run, "validation_labels", None), getattr(run, "validation_scores", None)
        if labels is None or scores is None:
            raise ValueError(
                "this run has no validation scores to fit a temperature on (recorded before they were kept); "
                "re-run it, or call TemperatureScaling().fit(validation_labels, validation_scores)"
            )
        return cls().fit(labels, scores)


@dataclass(frozen=True)
class CalibrationSummary:
    """Brier score, ECE, log loss, mean confidence and accuracy of one set of probabilities."""

    brier: float
    ece: float
    log_loss: float
    mean_confidence: float
    accuracy: float
    n: int

    @classmethod
    def of(cls, y_true: Any, scores: Any, n_bins: int = 10, kind: str | None = None) -> CalibrationSummary:
        """Summarise; ``kind`` chooses the ECE view (see :func:`reliability`).

        >>> s = CalibrationSummary.of([1, 1, 1, 0], [0.9, 0.9, 0.9, 0.9])
        >>> s.accuracy, round(s.mean_confidence, 2), round(s.brier, 3)
        (0.75, 0.9, 0.21)
        """
        y, probs = as_probabilities(y_true, scores)
        return cls(
            brier=brier_score(y, probs),
            ece=expected_calibration_error(y, probs, n_bins=n_bins, kind=kind),
            log_loss=log_loss(y, probs),
            mean_confidence=float(probs.max(axis=1).mean()),
            accuracy=float((probs.argmax(axis=1) == y).mean()),
            n=len(y),
        )


def calibration_estimates(
    y_true: Any, scores: Any, n_bins: int = 10, kind: str | None = None, *,
    level: float = 0.95, n_resamples: int = N_RESAMPLES, seed: int = 0,
) -> dict[str, Estimate]:
    """ECE, Brier score and log loss with percentile-bootstrap intervals, accuracy with Wilson's.

    The examples are resampled with replacement (seeded) and the whole summary recomputed on
    each resample, bins included; ``n`` is the number of examples.

    >>> y = [1, 0, 1, 1, 0, 1, 0, 1, 1, 0]
    >>> p = [0.9, 0.2, 0.8, 0.6, 0.4, 0.7, 0.3, 0.95, 0.55, 0.65]
    >>> found = calibration_estimates(y, p, n_bins=5)
    >>> print(found["accuracy"])
    accuracy 0.90 [0.60, 0.98] (n=10)
    >>> b = found["brier"]
    >>> b.value == brier_score(y, p), b.low < b.value < b.high, b.n
    (True, True, 10)
    """
    level, n_resamples = check_level(level), check_resamples(n_resamples)
    y, probs = as_probabilities(y_true, scores)
    whole = CalibrationSummary.of(y, probs, n_bins, kind)
    resampled = [CalibrationSummary.of(y[idx], probs[idx], n_bins, kind) for idx in bootstrap_indices(len(y), n_resamples, seed)]
    found = {
        name: Estimate(
            name, getattr(whole, name), *percentile_interval(np.array([getattr(r, name) for r in resampled]), level),
            n=whole.n, method="bootstrap", level=level,
        )
        for name in ("ece", "brier", "log_loss")
    }
    found["accuracy"] = wilson(int(round(whole.accuracy * whole.n)), whole.n, level, name="accuracy")
    return found
