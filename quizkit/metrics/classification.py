"""Classification metrics from counts or predictions, computed once and held in a report.

Every number comes from scikit-learn (``confusion_matrix``, ``precision_recall_fscore_support``,
``accuracy_score``, ``balanced_accuracy_score``, ``matthews_corrcoef``). ``from_counts`` passes
the four cells as sample weights of four example rows, so it is exact for any count size.

>>> from quizkit.metrics import from_counts
>>> report = from_counts(tp=80, fp=10, fn=20, tn=90)
>>> round(report.precision, 3), report.recall, report.accuracy, round(report.f1, 3)
(0.889, 0.8, 0.85, 0.842)
>>> print(report.estimate("recall"))
recall 0.80 [0.71, 0.87] (n=100)
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from quizkit.metrics.checks import (
    as_labels,
    check_count,
    quiet_defined_cases,
    same_length,
    short,
)
from quizkit.metrics.registry import check_metric, matrix_metric, metric_names
from quizkit.metrics.uncertainty import (
    N_RESAMPLES,
    Estimate,
    check_level,
    matrix_bootstrap,
    wilson,
)

AVERAGES = ("macro", "micro", "weighted")


@dataclass(frozen=True, eq=False)
class MetricReport:
    """Metrics of one set of predictions.

    Binary problems (two labels): ``precision``, ``recall``, ``f1`` are those of the positive
    class (``positive_label``: label 1, as scikit-learn's ``pos_label=1``, or the second of
    ``labels`` when 1 is not one of them) and ``specificity`` is the recall of the other class;
    ``average`` is ``"binary"``. With more classes the headline numbers are macro averages (the
    unweighted mean over classes, specificity included) and ``average`` is ``"macro"``.

    A metric whose denominator is empty is undefined and held as NaN, not 0: the precision of
    a class that is never predicted, the recall of a class with no actual examples, the
    specificity when every example is of one class (scikit-learn's ``zero_division=np.nan``;
    macro averages skip undefined classes, as scikit-learn does). MCC follows scikit-learn: 0.0
    when one side is constant.

    Every headline metric carries its uncertainty: :meth:`interval` gives the 95% interval,
    :meth:`estimate` the value, interval and ``n`` together, and the report prints each as
    ``recall 0.56 [0.27, 0.81] (n=9)`` (Wilson intervals for proportions, a seeded percentile
    bootstrap over the examples for F1, MCC, balanced accuracy and macro averages).

    ``confusion_matrix`` has one row per actual class and one column per predicted class, in
    the order of ``labels``. ``support`` is the number of examples. ``baseline_accuracy`` is
    what always predicting the most frequent actual class would score. ``per_class`` maps each
    class (its target name when given, else its label) to precision/recall/f1/specificity/
    support; ``macro``, ``micro``, ``weighted`` hold the averaged precision/recall/f1.
    """

    accuracy: float
    precision: float
    recall: float
    f1: float
    specificity: float
    balanced_accuracy: float
    mcc: float
    support: int
    confusion_matrix: np.ndarray
    labels: tuple[Any, ...]
    target_names: tuple[str, ...] | None
    baseline_accuracy: float
    average: str
    positive_label: Any
    per_class: dict[Any, dict[str, float]] = field(repr=False)
    macro: dict[str, float] = field(repr=False)
    micro: dict[str, float] = field(repr=False)
    weighted: dict[str, float] = field(repr=False)

    def value(self, name: str) -> float:
        """The registered metric ``name`` (:mod:`quizkit.metrics.registry`): the field computed by
        scikit-learn for the built-in ones, the registered formula over the confusion matrix otherwise.

        >>> from_counts(tp=80, fp=10, fn=20, tn=90).value("recall")
        0.8
        """
        check_metric(name)
        if name in self.__dataclass_fields__:
            return float(getattr(self, name))
        positive = self.labels.index(self.positive_label) if self.average == "binary" else None
        return float(matrix_metric(name, self.confusion_matrix, positive))

    @property
    def class_names(self) -> list[str]:
        """Display names of the classes, in ``labels`` order."""
        return list(self.target_names) if self.target_names is not None else [str(x) for x in self.labels]

    def _binary_cells(self) -> tuple[int, int, int, int]:
        if self.average != "binary":
            raise AttributeError(f"tp/fp/fn/tn exist for binary reports only; this one has {len(self.labels)} classes")
        neg, pos = (0, 1) if self.labels.index(self.positive_label) == 1 else (1, 0)
        cm = self.confusion_matrix
        return int(cm[pos, pos]), int(cm[neg, pos]), int(cm[pos, neg]), int(cm[neg, neg])

    @property
    def tp(self) -> int:
        return self._binary_cells()[0]

    @property
    def fp(self) -> int:
        return self._binary_cells()[1]

    @property
    def fn(self) -> int:
        return self._binary_cells()[2]

    @property
    def tn(self) -> int:
        return self._binary_cells()[3]

    def _proportion(self, name: str) -> tuple[int, int, str] | None:
        """``(successes, n, why undefined)`` when ``name`` is a proportion of this report, else None."""
        correct = int(np.trace(self.confusion_matrix))
        if name == "accuracy":
            return correct, self.support, "no examples"
        if self.average != "binary":
            return None
        tp, fp, fn, tn = self._binary_cells()
        return {
            "precision": (tp, tp + fp, "nothing predicted positive"),
            "recall": (tp, tp + fn, "no actual positives"),
            "specificity": (tn, tn + fp, "no actual negatives"),
        }.get(name)

    def estimate(self, name: str, level: float = 0.95, *, n_resamples: int = N_RESAMPLES, seed: int = 0) -> Estimate:
        """The headline metric ``name`` with its ``level`` interval and the ``n`` it rests on.

        Accuracy, and for binary reports precision, recall and specificity, are proportions:
        Wilson score interval, ``n`` = the denominator (recall: the actual positives). F1, MCC,
        balanced accuracy and macro averages: percentile bootstrap over the examples
        (``n_resamples``, seeded by ``seed``), ``n`` = all examples. Undefined metrics have NaN
        value and interval.

        >>> report = from_counts(tp=5, fp=3, fn=4, tn=88)
        >>> print(report.estimate("recall"))
        recall 0.56 [0.27, 0.81] (n=9)
        >>> print(report.estimate("f1"))
        f1 0.59 [0.25, 0.82] (n=100)
        >>> print(from_counts(tp=0, fp=0, fn=4, tn=96).estimate("precision"))
        precision undefined (nothing predicted positive)
        """
        check_metric(name, "the metric of an interval")
        level = check_level(level)
        proportion = self._proportion(name)
        if proportion is not None:
            successes, n, undefined = proportion
            return wilson(successes, n, level, name=name, undefined=undefined)
        positive = self.labels.index(self.positive_label) if self.average == "binary" else None
        return matrix_bootstrap(
            name, self.confusion_matrix, positive, self.value(name), level=level, n_resamples=n_resamples, seed=seed,
        )

    def interval(self, name: str, level: float = 0.95, *, n_resamples: int = N_RESAMPLES, seed: int = 0) -> tuple[float, float]:
        """``(low, high)``: the ``level`` interval of the headline metric ``name`` (see :meth:`estimate`).

        >>> [round(x, 2) for x in from_counts(tp=5, fp=3, fn=4, tn=88).interval("recall")]
        [0.27, 0.81]
        """
        return self.estimate(name, level, n_resamples=n_resamples, seed=seed).interval

    def to_dict(self) -> dict[str, float]:
        """Flat ``{name: float}``: headline metrics, baseline and support; binary reports add
        ``tp fp fn tn``, multiclass reports add ``f1_macro``/``f1_micro``/``f1_weighted`` (and
        precision/recall likewise) and ``<metric>_<class>`` per class."""
        out = {name: self.value(name) for name in metric_names()}
        out["baseline_accuracy"] = float(self.baseline_accuracy)
        out["support"] = float(self.support)
        if self.average == "binary":
            out.update(zip(("tp", "fp", "fn", "tn"), map(float, self._binary_cells())))
            return out
        for avg in AVERAGES:
            out.update({f"{metric}_{avg}": float(value) for metric, value in getattr(self, avg).items()})
        for name, values in self.per_class.items():
            out.update({f"{metric}_{name}": float(value) for metric, value in values.items()})
        return out

    def _headline_rows(self) -> list[tuple[str, str]]:
        rows = [(name, self.estimate(name).text) for name in metric_names()]
        rows.insert(1, ("majority baseline", f"{self.baseline_accuracy:.2f}"))
        return rows

    def _title(self) -> str:
        if self.average == "binary":
            pos = self.class_names[self.labels.index(self.positive_label)]
            return f"binary, positive class {pos!r}, {self.support} examples"
        n = len(self.labels)
        return f"{n} class{'' if n == 1 else 'es'}, macro averages, {self.support} examples"

    def __str__(self) -> str:
        names = self.class_names
        width = max(len(n) for n in names + ["actual\\pred"])
        cell = max(5, *(len(n) for n in names), *(len(str(v)) for v in self.confusion_matrix.ravel()))
        lines = [f"MetricReport ({self._title()}; 95% intervals)"]
        lines += [f"  {name:<18}{value}" for name, value in self._headline_rows()]
        lines.append("confusion matrix (rows = actual, columns = predicted):")
        lines.append("  " + "actual\\pred".ljust(width) + "".join(f" {n:>{cell}}" for n in names))
        for name, row in zip(names, self.confusion_matrix):
            lines.append("  " + name.ljust(width) + "".join(f" {v:>{cell}}" for v in row))
        if self.average != "binary":
            lines.append("  " + "class".ljust(width) + "".join(f" {m:>9}" for m in ("precision", "recall", "f1", "support")))
            for name, values in zip(names, self.per_class.values()):
                numbers = [_cell(values[m]) for m in ("precision", "recall", "f1")] + [f"{int(values['support']):>9}"]
                lines.append("  " + name.ljust(width) + " " + " ".join(numbers))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        metric_rows = "".join(f"<tr><td>{esc(n)}</td><td>{v}</td></tr>" for n, v in self._headline_rows())
        head = "".join(f"<th>{esc(n)}</th>" for n in self.class_names)
        body = "".join(
            f"<tr><th>{esc(name)}</th>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>"
            for name, row in zip(self.class_names, self.confusion_matrix)
        )
        return (
            f"<div><b>MetricReport</b> ({esc(self._title())})"
            f"<table><tr><th>metric</th><th>value [95% interval] (n)</th></tr>{metric_rows}</table>"
            f"<table><caption>rows = actual, columns = predicted</caption>"
            f"<tr><th></th>{head}</tr>{body}</table></div>"
        )


def _cell(value: float) -> str:
    return f"{'undefined':>9}" if np.isnan(value) else f"{value:>9.3f}"


def _resolve_labels(y_true: np.ndarray, y_pred: np.ndarray, labels: Sequence[Any] | None) -> list[Any]:
    if (y_true.dtype.kind in "UO") != (y_pred.dtype.kind in "UO"):
        raise TypeError(
            f"y_true holds {'strings' if y_true.dtype.kind in 'UO' else 'numbers'} but y_pred holds "
            f"{'strings' if y_pred.dtype.kind in 'UO' else 'numbers'}: both must use the same class labels"
        )
    if labels is None:
        found = np.unique(np.concatenate([y_true, y_pred])).tolist()
        # 0/1 labels mean a binary problem even if one class is absent from this sample.
        return [0, 1] if y_true.dtype.kind in "iu" and set(found) <= {0, 1} else found
    resolved = as_labels("labels", labels).tolist()
    if len(set(resolved)) != len(resolved):
        raise ValueError(f"labels has repeated values: {short(resolved)}")
    for name, values in (("y_true", y_true), ("y_pred", y_pred)):
        missing = sorted(set(np.unique(values).tolist()) - set(resolved), key=str)
        if missing:
            raise ValueError(f"{name} contains label(s) {short(missing)} missing from labels={short(resolved)}")
    return resolved


def _check_target_names(target_names: Sequence[str] | None, labels: list[Any]) -> tuple[str, ...] | None:
    if target_names is None:
        return None
    if isinstance(target_names, str) or not all(isinstance(n, str) for n in target_names):
        raise TypeError(f"target_names must be a list of strings, got {short(target_names)}")
    if len(target_names) != len(labels):
        raise ValueError(f"target_names has {len(target_names)} names for {len(labels)} labels {short(labels)}: give one name per label")
    return tuple(target_names)


def _report(y_true: np.ndarray, y_pred: np.ndarray, labels: list[Any], target_names: tuple[str, ...] | None, weights: np.ndarray | None) -> MetricReport:
    from sklearn.metrics import (
        accuracy_score,
        balanced_accuracy_score,
        confusion_matrix,
        matthews_corrcoef,
        multilabel_confusion_matrix,
        precision_recall_fscore_support,
    )

    def prfs(average: str | None) -> tuple[Any, ...]:
        return precision_recall_fscore_support(y_true, y_pred, labels=labels, average=average, zero_division=np.nan, sample_weight=weights)

    with quiet_defined_cases():
        matrix = confusion_matrix(y_true, y_pred, labels=labels, sample_weight=weights)
        precision, recall, f1, support = prfs(None)
        averages = {avg: dict(zip(("precision", "recall", "f1"), map(float, prfs(avg)[:3]))) for avg in AVERAGES}
        # One-vs-rest cells per class: specificity = TN / (TN + FP), undefined when a class has no negatives.
        (tn, fp), _ = multilabel_confusion_matrix(y_true, y_pred, labels=labels, sample_weight=weights).transpose(1, 2, 0)
        accuracy = float(accuracy_score(y_true, y_pred, sample_weight=weights))
        balanced = float(balanced_accuracy_score(y_true, y_pred, sample_weight=weights))
        mcc = float(matthews_corrcoef(y_true, y_pred, sample_weight=weights))
    specificity = [float(n / (n + f)) if n + f else float("nan") for n, f in zip(tn, fp)]
    matrix.setflags(write=False)
    keys = list(target_names) if target_names is not None else labels
    per_class = {
        key: {"precision": float(p), "recall": float(r), "f1": float(f), "specificity": s, "support": int(n)}
        for key, p, r, f, s, n in zip(keys, precision, recall, f1, specificity, support)
    }
    if len(labels) == 2:
        positive = 1 if 1 in labels else labels[1]
        i = labels.index(positive)
        headline = {"average": "binary", "positive_label": positive, "precision": float(precision[i]),
                    "recall": float(recall[i]), "f1": float(f1[i]), "specificity": specificity[i]}
    else:
        defined = [s for s in specificity if not np.isnan(s)]
        macro_specificity = float(np.mean(defined)) if defined else float("nan")
        headline = {"average": "macro", "positive_label": None, **averages["macro"], "specificity": macro_specificity}
    total = int(matrix.sum())
    return MetricReport(
        accuracy=accuracy,
        balanced_accuracy=balanced,
        mcc=mcc,
        support=total,
        confusion_matrix=matrix,
        labels=tuple(labels),
        target_names=target_names,
        baseline_accuracy=float(matrix.sum(axis=1).max() / total),
        per_class=per_class,
        macro=averages["macro"],
        micro=averages["micro"],
        weighted=averages["weighted"],
        **headline,
    )


def from_predictions(
    y_true: Sequence[Any] | np.ndarray,
    y_pred: Sequence[Any] | np.ndarray,
    labels: Sequence[Any] | None = None,
    target_names: Sequence[str] | None = None,
) -> MetricReport:
    """Metrics of predicted classes ``y_pred`` against the actual classes ``y_true``.

    ``labels`` fixes the classes and their order (default: the sorted labels seen; 0/1 labels
    always give a binary report). ``target_names`` are display names, one per label. See
    :class:`MetricReport` for what binary and multiclass reports hold.

    >>> report = from_predictions([0, 1, 1, 0, 1], [0, 1, 0, 0, 1], target_names=["ham", "spam"])
    >>> report.recall, report.confusion_matrix.tolist()
    (0.6666666666666666, [[2, 0], [1, 2]])
    """
    truth = as_labels("y_true", y_true)
    pred = as_labels("y_pred", y_pred)
    same_length("y_true", truth, "y_pred", pred)
    resolved = _resolve_labels(truth, pred, labels)
    return _report(truth, pred, resolved, _check_target_names(target_names, resolved), None)


def from_counts(*, tp: int, fp: int, fn: int, tn: int, target_names: Sequence[str] | None = None) -> MetricReport:
    """Metrics of a binary confusion matrix given as counts (label 1 = positive class).

    >>> report = from_counts(tp=80, fp=10, fn=20, tn=90)
    >>> report.accuracy, report.recall, report.confusion_matrix.tolist()
    (0.85, 0.8, [[90, 10], [20, 80]])
    """
    counts = {name: check_count(name, value) for name, value in (("tp", tp), ("fp", fp), ("fn", fn), ("tn", tn))}
    if not any(counts.values()):
        raise ValueError("tp, fp, fn and tn are all 0: metrics need at least one example")
    # One example row per cell, weighted by its count: (actual, predicted) = TP, FP, FN, TN.
    truth = np.array([1, 0, 1, 0])
    pred = np.array([1, 1, 0, 0])
    weights = np.array([counts["tp"], counts["fp"], counts["fn"], counts["tn"]], dtype=np.int64)
    return _report(truth, pred, [0, 1], _check_target_names(target_names, [0, 1]), weights)
