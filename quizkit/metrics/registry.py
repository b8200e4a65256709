"""The one registry of classification metric names, each a formula over confusion matrices.

A name registered here is a headline metric everywhere at once: :class:`~quizkit.metrics.MetricReport`
(its value, interval, ``to_dict`` and printout), :func:`~quizkit.metrics.compute_metrics_for`
(the keys ``Trainer`` logs as ``eval_<name>``), :func:`~quizkit.metrics.compare`,
``RunConfig.metric_for_best_model`` and the training panel's metric menu.

A formula takes confusion matrices of shape ``(..., k, k)`` (rows actual, columns predicted;
thousands of bootstrap resamples at once) and the positive class's index (``None`` for a
macro average) and returns one value per matrix. :func:`per_class` builds one from a per-class
rule; undefined values are NaN.

>>> import numpy as np
>>> float(matrix_metric("recall", np.array([[90, 10], [20, 80]]), positive=1))
0.8
>>> "mcc" in metric_names()
True
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Formula = Callable[[np.ndarray, "int | None"], np.ndarray]


def divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN (undefined) where the denominator is 0."""
    numerator = np.asarray(numerator, dtype=np.float64)
    return np.divide(numerator, denominator, out=np.full_like(numerator, np.nan), where=np.asarray(denominator) > 0)


def nanmean(values: np.ndarray, axis: int) -> np.ndarray:
    """Mean over the defined values (scikit-learn's zero_division=np.nan averaging); NaN if none."""
    defined = ~np.isnan(values)
    total = np.where(defined, values, 0.0).sum(axis=axis)
    return divide(total, defined.sum(axis=axis))


Cells = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def cells(m: np.ndarray) -> Cells:
    """``(diagonal, actual, predicted, total)`` of each matrix: the counts every formula reads."""
    diag = np.diagonal(m, axis1=-2, axis2=-1)
    return diag, m.sum(axis=-1), m.sum(axis=-2), m.sum(axis=(-2, -1))


def per_class(rule: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]) -> Formula:
    """A formula from a per-class rule ``rule(diag, actual, predicted, total)``: the positive
    class's value in a binary report, the mean over defined classes (macro) otherwise."""

    def formula(m: np.ndarray, positive: int | None) -> np.ndarray:
        diag, actual, predicted, total = cells(m)
        values = rule(diag, actual, predicted, total[..., None])
        return nanmean(values, axis=-1) if positive is None else values[..., positive]

    return formula


def _accuracy(m: np.ndarray, positive: int | None) -> np.ndarray:
    diag, _, _, total = cells(m)
    return divide(diag.sum(axis=-1), total)


def _balanced_accuracy(m: np.ndarray, positive: int | None) -> np.ndarray:
    diag, actual, _, _ = cells(m)
    return nanmean(divide(diag, actual), axis=-1)


def _mcc(m: np.ndarray, positive: int | None) -> np.ndarray:
    # scikit-learn's multiclass formula (binary MCC is its k=2 case); 0.0 when undefined, as there.
    diag, actual, predicted, total = cells(m)
    covariance = diag.sum(axis=-1) * total - (actual * predicted).sum(axis=-1)
    spread = (total**2 - (predicted**2).sum(axis=-1)) * (total**2 - (actual**2).sum(axis=-1))
    return np.divide(covariance, np.sqrt(spread), out=np.zeros_like(covariance), where=spread > 0)


# name -> formula, in the order reports print them
METRICS: dict[str, Formula] = {
    "accuracy": _accuracy,
    "precision": per_class(lambda diag, actual, predicted, total: divide(diag, predicted)),
    "recall": per_class(lambda diag, actual, predicted, total: divide(diag, actual)),
    "f1": per_class(lambda diag, actual, predicted, total: divide(2 * diag, actual + predicted)),
    "specificity": per_class(lambda diag, actual, predicted, total: divide(total - actual - predicted + diag, total - actual)),
    "balanced_accuracy": _balanced_accuracy,
    "mcc": _mcc,
}


def metric_names() -> tuple[str, ...]:
    """Every registered metric name, in the order reports print them."""
    return tuple(METRICS)


def check_metric(name: object, where: str = "metric") -> str:
    """``name`` when it is a registered metric, else a ValueError listing the choices."""
    if not isinstance(name, str) or name not in METRICS:
        raise ValueError(f"{where} must be one of {metric_names()}, got {name!r}")
    return name


def matrix_metric(name: str, matrices: np.ndarray, positive: int | None) -> np.ndarray:
    """The registered metric ``name`` of each confusion matrix in ``matrices`` (shape ``(..., k, k)``, rows actual).

    ``positive`` is the positive class's index for binary reports, ``None`` for macro averages.
    Written in numpy so thousands of bootstrap matrices take milliseconds; tests check it
    against scikit-learn on the observed matrices.
    """
    return METRICS[check_metric(name)](np.asarray(matrices, dtype=np.float64), positive)
