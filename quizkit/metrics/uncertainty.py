"""How sure is a metric? Wilson intervals for proportions, seeded percentile bootstraps for the rest.

A test set is a sample: recall 5/9 = 0.56 could easily have been 3/9 or 7/9 with other test
examples. An :class:`Estimate` keeps a metric together with its 95% interval and the ``n`` it
rests on, and prints as ``recall 0.56 [0.27, 0.81] (n=9)``.

- Proportions (accuracy, precision, recall, specificity) get the Wilson score interval
  (``scipy.stats.binomtest(...).proportion_ci(method="wilson")``); ``n`` is the proportion's
  denominator (for recall: the actual positives).
- Everything else (F1, MCC, balanced accuracy, macro averages, PR-AUC, ROUGE, BLEU) gets a
  percentile bootstrap over the examples, seeded so the same data always gives the same interval.

>>> print(wilson(5, 9, name="recall"))
recall 0.56 [0.27, 0.81] (n=9)
>>> print(wilson(0, 0, name="precision", undefined="nothing predicted positive"))
precision undefined (nothing predicted positive)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from quizkit.metrics.checks import check_count, check_number
from quizkit.metrics.registry import divide, matrix_metric

N_RESAMPLES = 2000
# A proportion over fewer examples than this has a wide interval (about ±0.18 at 0.5 with 30):
# the diagnosis warns below it, and threshold="auto" will not choose a cut on fewer per class.
FEW_EXAMPLES = 30
NAN = float("nan")


@dataclass(frozen=True)
class Estimate:
    """A metric ``value`` with its ``level`` interval ``[low, high]`` over ``n`` examples.

    ``method`` is ``"wilson"`` or ``"bootstrap"``. An undefined metric (say precision when
    nothing was predicted positive) has ``value``, ``low`` and ``high`` NaN and says why in
    ``note``; it is shown as "undefined", never as 0.

    >>> e = Estimate("accuracy", 0.85, 0.79, 0.89, n=200, method="wilson")
    >>> str(e), e.interval, e.defined
    ('accuracy 0.85 [0.79, 0.89] (n=200)', (0.79, 0.89), True)
    """

    name: str
    value: float
    low: float
    high: float
    n: int
    method: str
    level: float = 0.95
    note: str = ""

    @property
    def defined(self) -> bool:
        return not math.isnan(self.value)

    @property
    def interval(self) -> tuple[float, float]:
        return (self.low, self.high)

    @property
    def text(self) -> str:
        """The value, interval and n without the name: ``0.56 [0.27, 0.81] (n=9)``."""
        if not self.defined:
            return f"undefined ({self.note})" if self.note else "undefined"
        if math.isnan(self.low):
            return f"{self.value:.2f} (n={self.n})"
        return f"{self.value:.2f} [{self.low:.2f}, {self.high:.2f}] (n={self.n})"

    def __str__(self) -> str:
        return f"{self.name} {self.text}"


def check_level(level: Any) -> float:
    level = check_number("level", level)
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95 for a 95% interval), got {level!r}")
    return level


def check_resamples(n_resamples: Any) -> int:
    n_resamples = check_count("n_resamples", n_resamples)
    if n_resamples < 100:
        raise ValueError(f"n_resamples must be at least 100 for a percentile interval, got {n_resamples}")
    return n_resamples


def wilson(successes: int, n: int, level: float = 0.95, name: str = "proportion", undefined: str = "") -> Estimate:
    """``successes / n`` with its Wilson score interval (undefined when ``n`` is 0).

    >>> wilson(80, 100).interval == wilson(80, 100, level=0.95).interval
    True
    """
    from scipy.stats import binomtest

    successes, n, level = check_count("successes", successes), check_count("n", n), check_level(level)
    if successes > n:
        raise ValueError(f"successes ({successes}) cannot exceed n ({n})")
    if n == 0:
        return Estimate(name, NAN, NAN, NAN, 0, "wilson", level, undefined or "no examples")
    ci = binomtest(successes, n).proportion_ci(confidence_level=level, method="wilson")
    return Estimate(name, successes / n, float(ci.low), float(ci.high), n, "wilson", level)


def percentile_interval(samples: np.ndarray, level: float) -> tuple[float, float]:
    """The central ``level`` share of the bootstrap ``samples``; undefined resamples (NaN) are dropped."""
    defined = samples[~np.isnan(samples)]
    if defined.size == 0:
        return NAN, NAN
    alpha = 1 - level
    low, high = np.quantile(defined, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def resample_counts(counts: np.ndarray, n_resamples: int, seed: int) -> np.ndarray:
    """Bootstrap resamples of a table of counts, shape ``(n_resamples, *counts.shape)``.

    Drawing n examples with replacement and tallying them into the table's cells is a
    multinomial draw with the observed cell shares, so this *is* the example bootstrap, done
    on the counts: it works for ``from_counts`` reports and stays fast for large n.
    """
    flat = np.asarray(counts, dtype=np.int64).ravel()
    total = int(flat.sum())
    draws = np.random.default_rng(seed).multinomial(total, flat / total, size=n_resamples)
    return draws.reshape((n_resamples, *np.shape(counts))).astype(np.float64)


def bootstrap_indices(n: int, n_resamples: int, seed: int) -> np.ndarray:
    """``(n_resamples, n)`` example indices drawn with replacement (seeded)."""
    return np.random.default_rng(seed).integers(0, n, size=(n_resamples, n))


def bootstrap(
    statistic: Callable[[np.ndarray], float],
    n: int,
    value: float,
    *,
    name: str,
    level: float = 0.95,
    n_resamples: int = N_RESAMPLES,
    seed: int = 0,
) -> Estimate:
    """Percentile bootstrap of ``statistic(indices)`` over ``n`` examples resampled with replacement.

    ``statistic`` receives one array of example indices per resample and returns the metric
    on those examples (NaN when undefined there); ``value`` is the metric on all examples.

    >>> scores = np.array([0.2, 0.4, 0.9, 0.7, 0.5, 0.1])
    >>> e = bootstrap(lambda idx: scores[idx].mean(), 6, scores.mean(), name="mean score")
    >>> e.low < e.value < e.high
    True
    """
    level, n_resamples = check_level(level), check_resamples(n_resamples)
    samples = np.array([statistic(idx) for idx in bootstrap_indices(n, n_resamples, seed)], dtype=np.float64)
    low, high = percentile_interval(samples, level) if not math.isnan(value) else (NAN, NAN)
    return Estimate(name, float(value), low, high, n, "bootstrap", level)


def matrix_bootstrap(
    name: str, matrix: np.ndarray, positive: int | None, value: float, *, level: float, n_resamples: int, seed: int,
) -> Estimate:
    """Percentile bootstrap of a confusion-matrix metric (``n`` = the number of examples)."""
    level, n_resamples = check_level(level), check_resamples(n_resamples)
    n = int(np.asarray(matrix).sum())
    low, high = NAN, NAN
    if not math.isnan(value):
        low, high = percentile_interval(matrix_metric(name, resample_counts(matrix, n_resamples, seed), positive), level)
    return Estimate(name, float(value), low, high, n, "bootstrap", level)


def ranking_metric(name: str, positives: np.ndarray, negatives: np.ndarray) -> np.ndarray:
    """PR-AUC (average precision) or ROC-AUC from weights per distinct score, highest score first.

    ``positives``/``negatives`` have shape ``(..., d)``: how many positive / negative examples
    sit at each of the d distinct scores. This is scikit-learn's ``average_precision_score`` /
    ``roc_auc_score`` with those counts as sample weights (tests check it), in numpy so that
    thousands of resamples take a fraction of a second; NaN where a class is missing.
    """
    tp, fp = np.cumsum(positives, axis=-1), np.cumsum(negatives, axis=-1)
    n_pos, n_neg = tp[..., -1:], fp[..., -1:]
    recall = divide(tp, np.broadcast_to(n_pos, tp.shape))
    step = np.diff(recall, axis=-1, prepend=0.0)
    if name == "pr_auc":
        # A score holding only resampled-away examples adds no recall step (and has no precision).
        precision = np.nan_to_num(divide(tp, tp + fp))
        value = (step * precision).sum(axis=-1)
    elif name == "roc_auc":
        fpr = divide(fp, np.broadcast_to(n_neg, fp.shape))
        previous = np.concatenate([np.zeros_like(recall[..., :1]), recall[..., :-1]], axis=-1)
        value = (np.diff(fpr, axis=-1, prepend=0.0) * (recall + previous) / 2).sum(axis=-1)
    else:
        raise ValueError(f"no ranking formula for {name!r}")
    return np.where((n_pos[..., 0] > 0) & (n_neg[..., 0] > 0), value, np.nan)


def ranking_bootstrap(
    name: str, y_true: np.ndarray, scores: np.ndarray, value: float, *, level: float, n_resamples: int, seed: int,
) -> Estimate:
    """Percentile bootstrap of PR-AUC / ROC-AUC over the examples (resamples missing a class are dropped)."""
    level, n_resamples = check_level(level), check_resamples(n_resamples)
    n = len(y_true)
    order = np.argsort(-np.asarray(scores), kind="stable")
    ranked, truth = np.asarray(scores)[order], np.asarray(y_true)[order].astype(bool)
    starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
    rng = np.random.default_rng(seed)
    samples = []
    # Chunks keep the (resamples x examples) count matrix small for large test sets.
    chunk = max(1, 2_000_000 // n)
    for done in range(0, n_resamples, chunk):
        counts = rng.multinomial(n, np.full(n, 1 / n), size=min(chunk, n_resamples - done)).astype(np.float64)
        positives = np.add.reduceat(counts * truth, starts, axis=1)
        negatives = np.add.reduceat(counts * ~truth, starts, axis=1)
        samples.append(ranking_metric(name, positives, negatives))
    low, high = percentile_interval(np.concatenate(samples), level) if not math.isnan(value) else (NAN, NAN)
    return Estimate(name, float(value), low, high, n, "bootstrap", level)
