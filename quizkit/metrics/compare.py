"""Is model B better than model A on this test set, or is the difference noise?

:func:`compare` scores two sets of predictions on the same examples and answers with two
classic paired tools: the exact McNemar test (do the two models' mistakes differ more than
chance would make them?) and a seeded paired bootstrap of the metric difference (resample the
examples once, score both models on the same resample). The verdict reads the bootstrap
interval of the chosen metric: "better" only when it excludes zero.

>>> y = [1] * 40 + [0] * 60
>>> a = [1] * 30 + [0] * 10 + [0] * 55 + [1] * 5
>>> b = [1] * 31 + [0] * 9 + [0] * 55 + [1] * 5
>>> print(compare(y, a, b).verdict)
the difference is within noise
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from quizkit.metrics.checks import as_labels, same_length
from quizkit.metrics.classification import _resolve_labels, from_predictions
from quizkit.metrics.registry import check_metric, matrix_metric
from quizkit.metrics.uncertainty import (
    N_RESAMPLES,
    Estimate,
    check_level,
    check_resamples,
    percentile_interval,
    resample_counts,
)


@dataclass(frozen=True)
class Comparison:
    """The result of :func:`compare`: both models' estimates, the paired difference and McNemar.

    ``difference`` is ``metric(B) - metric(A)`` with its paired bootstrap interval
    ``[low, high]``. ``a_only``/``b_only`` count the examples only A / only B got right (the
    discordant pairs McNemar looks at); ``p_value`` is the exact (binomial) McNemar test's.
    """

    metric: str
    names: tuple[str, str]
    a: Estimate
    b: Estimate
    difference: float
    low: float
    high: float
    level: float
    n: int
    a_only: int
    b_only: int
    p_value: float

    @property
    def interval(self) -> tuple[float, float]:
        return (self.low, self.high)

    @property
    def significant(self) -> bool:
        """True when the difference's interval excludes zero."""
        return bool(self.low > 0 or self.high < 0)

    @property
    def verdict(self) -> str:
        """One line: which model is better on this test set, or that the difference is within noise."""
        a, b = self.names
        if self.low > 0:
            return f"{b} is better than {a} on this test set"
        if self.high < 0:
            return f"{a} is better than {b} on this test set"
        return "the difference is within noise"

    def _lines(self) -> list[str]:
        a, b = self.names
        width = max(len(a), len(b), len(f"{b} - {a}"))
        interval = f"[{self.low:+.2f}, {self.high:+.2f}]" if not np.isnan(self.low) else "(undefined)"
        return [
            f"{self.metric} on {self.n} examples ({self.level:.0%} paired bootstrap, exact McNemar)",
            f"  {a:<{width}}  {self.a.text}",
            f"  {b:<{width}}  {self.b.text}",
            f"  {f'{b} - {a}':<{width}}  {self.difference:+.2f} {interval}",
            f"  McNemar: only {a} right on {self.a_only}, only {b} right on {self.b_only}, p = {self.p_value:.3g}",
            f"  {self.verdict}",
        ]

    def __str__(self) -> str:
        return "\n".join(self._lines())

    def __repr__(self) -> str:
        return f"Comparison({self.metric}: {self.difference:+.3f} [{self.low:+.3f}, {self.high:+.3f}], p={self.p_value:.3g}; {self.verdict})"

    def _repr_html_(self) -> str:
        head, *rows = self._lines()
        items = "".join(f"<li>{html.escape(row.strip())}</li>" for row in rows)
        return f"<div class='quizkit-comparison'><b>{html.escape(head)}</b><ul>{items}</ul></div>"


def mcnemar_exact(a_only: int, b_only: int) -> float:
    """Two-sided exact McNemar p-value: a binomial test of ``b_only`` out of the discordant pairs at 1/2."""
    from scipy.stats import binomtest

    discordant = a_only + b_only
    return 1.0 if discordant == 0 else float(binomtest(b_only, discordant, 0.5).pvalue)


def compare(
    y_true: Sequence[Any] | np.ndarray,
    pred_a: Sequence[Any] | np.ndarray,
    pred_b: Sequence[Any] | np.ndarray,
    metric: str = "accuracy",
    *,
    names: tuple[str, str] = ("A", "B"),
    level: float = 0.95,
    n_resamples: int = N_RESAMPLES,
    seed: int = 0,
) -> Comparison:
    """Compare the predicted classes of two models (A, B) on the same test examples.

    ``metric`` is a :class:`~quizkit.metrics.MetricReport` headline metric (``"accuracy"``,
    ``"f1"``, ``"recall"``, ``"mcc"``...; binary reports score the positive class, label 1).
    ``names`` label A and B in the printout and the verdict.

    >>> y = [1] * 40 + [0] * 60
    >>> a = [1] * 20 + [0] * 20 + [0] * 55 + [1] * 5
    >>> b = [1] * 36 + [0] * 4 + [0] * 56 + [1] * 4
    >>> result = compare(y, a, b, metric="recall", names=("baseline", "fine-tuned"))
    >>> print(result)
    recall on 100 examples (95% paired bootstrap, exact McNemar)
      baseline               0.50 [0.35, 0.65] (n=40)
      fine-tuned             0.90 [0.77, 0.96] (n=40)
      fine-tuned - baseline  +0.40 [+0.26, +0.56]
      McNemar: only baseline right on 0, only fine-tuned right on 17, p = 1.53e-05
      fine-tuned is better than baseline on this test set
    """
    check_metric(metric)
    if not (isinstance(names, (tuple, list)) and len(names) == 2 and all(isinstance(x, str) for x in names)):
        raise TypeError(f"names must be two strings (for A and B), got {names!r}")
    level, n_resamples = check_level(level), check_resamples(n_resamples)
    truth, a, b = (as_labels(name, v) for name, v in (("y_true", y_true), ("pred_a", pred_a), ("pred_b", pred_b)))
    same_length("y_true", truth, "pred_a", a)
    same_length("y_true", truth, "pred_b", b)
    # The classes of all three arrays, resolved as from_predictions does (0/1 is always binary).
    labels = _resolve_labels(truth, np.concatenate([a, b]), None)
    report_a = from_predictions(truth, a, labels=labels)
    report_b = from_predictions(truth, b, labels=labels)
    estimate_a = report_a.estimate(metric, level, n_resamples=n_resamples, seed=seed)
    estimate_b = report_b.estimate(metric, level, n_resamples=n_resamples, seed=seed)
    positive = labels.index(report_a.positive_label) if report_a.average == "binary" else None

    # One cell per (actual, A's prediction, B's prediction): resampling its counts resamples
    # the examples with both models' predictions kept together (the pairing).
    index = {label: i for i, label in enumerate(labels)}
    k = len(labels)
    joint = np.zeros((k, k, k), dtype=np.int64)
    np.add.at(joint, tuple(np.array([index[v] for v in values.tolist()]) for values in (truth, a, b)), 1)
    resampled = resample_counts(joint, n_resamples, seed)
    difference = matrix_metric(metric, resampled.sum(axis=-2), positive) - matrix_metric(metric, resampled.sum(axis=-1), positive)
    observed = estimate_b.value - estimate_a.value
    low, high = percentile_interval(difference, level) if not np.isnan(observed) else (np.nan, np.nan)

    right_a, right_b = a == truth, b == truth
    a_only, b_only = int(np.sum(right_a & ~right_b)), int(np.sum(right_b & ~right_a))
    return Comparison(
        metric=metric, names=(names[0], names[1]), a=estimate_a, b=estimate_b, difference=float(observed),
        low=low, high=high, level=level, n=len(truth), a_only=a_only, b_only=b_only, p_value=mcnemar_exact(a_only, b_only),
    )

