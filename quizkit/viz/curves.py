"""ROC and precision-recall curves drawn with scikit-learn's own Display classes.

The numbers come from :mod:`quizkit.metrics.curves` once, in ``from_predictions`` /
``from_run``; ``plot(ax=)`` hands them to ``RocCurveDisplay`` / ``PrecisionRecallDisplay``
and adds what a learner needs to judge them: the chance line (the diagonal for ROC, the
prevalence for precision-recall), the 95 % bootstrap interval and n in the legend.

>>> from quizkit.viz.curves import PrecisionRecallDisplay, RocCurveDisplay
>>> y, p = [0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.2, 0.9]
>>> round(RocCurveDisplay.from_predictions(y, p, name="demo").curve.auc, 3)
0.889
>>> pr = PrecisionRecallDisplay.from_predictions(y, p, interval=False)
>>> pr.ax_.get_legend_handles_labels()[1]
['AP = 0.92, n = 6', 'chance (AP = 0.50)']
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from quizkit.metrics.predictions import Predictions
from quizkit.metrics.curves import (
    PrecisionRecallCurve,
    RocCurve,
    precision_recall,
    roc,
    run_targets,
)
from quizkit.viz.legend import mark_reference, place_legend


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(5, 4.5), layout="constrained")[1]


def _label(name: str | None, metric: str, value: float, low_high: tuple[float, float] | None, n: int) -> str:
    ci = f" [{low_high[0]:.2f}, {low_high[1]:.2f}]" if low_high else ""
    text = f"{metric} = {value:.2f}{ci}, n = {n}"
    return f"{name}: {text}" if name else text


D = TypeVar("D", bound="_CurveDisplay")


class _CurveDisplay:
    """Shared by both curves: construction from predictions or a run, and drawing.

    ``interval=True`` computes the bootstrap CI; ``interval_`` is the ``(low, high)`` interval
    of the summary (AUC or AP), or None. A subclass says which curve it computes
    (``_compute``), which scikit-learn Display draws it and from which points (``_sklearn``,
    ``_points``), its one-number summary and where chance lies (``_summary``), and the axes' text.
    """

    curve: Any
    _sklearn: ClassVar[str]  # the scikit-learn Display class that draws this curve
    _axes_text: ClassVar[dict[str, str]]  # xlabel, ylabel, title

    def __init__(self, curve: Any, *, name: str | None = None, interval: tuple[float, float] | None = None) -> None:
        self.curve = curve
        self.name = name
        self.interval_ = interval

    @classmethod
    def _compute(cls, y_true: Any, scores: Any) -> Any:
        raise NotImplementedError

    def _points(self) -> dict[str, Any]:
        raise NotImplementedError

    def _summary(self) -> tuple[str, float, float]:
        """(name, value, the value of a scorer with no skill) of the curve's one-number summary."""
        raise NotImplementedError

    @classmethod
    def from_predictions(cls, y_true: Any, y_score: Any, *, name: str | None = None, interval: bool = True, ax: Any = None) -> Any:
        """Compute the curve of ``y_score`` (P(label 1)) against 0/1 ``y_true`` and draw it."""
        curve = cls._compute(y_true, y_score)
        return cls(curve, name=name, interval=curve.interval() if interval else None).plot(ax=ax)

    @classmethod
    def from_run(cls, run: Predictions, *, name: str | None = None, interval: bool = True, ax: Any = None) -> Any:
        """The test-set curve of a binary :class:`quizkit.train.RunResult`."""
        return cls.from_predictions(*run_targets(run), name=name or run.config.model, interval=interval, ax=ax)

    def plot(self: D, ax: Any = None, *, chance_level: bool = True) -> D:
        """Draw on ``ax`` (a new figure when None) with scikit-learn's Display; several curves can
        share one axes. The chance line is where a scorer with no skill lies."""
        import sklearn.metrics

        metric, value, chance = self._summary()
        display = getattr(sklearn.metrics, self._sklearn)(**self._points()).plot(
            ax=_axes(ax), name=_label(self.name, metric, value, self.interval_, self.curve.n),
            plot_chance_level=chance_level, chance_level_kw={"label": f"chance ({metric} = {chance:.2f})"},
        )
        display.ax_.set(**self._axes_text)
        if getattr(display, "chance_level_", None) is not None:
            mark_reference(display.chance_level_)
        place_legend(display.ax_)
        self.display_, self.ax_, self.figure_, self.line_ = display, display.ax_, display.figure_, display.line_
        return self


class RocCurveDisplay(_CurveDisplay):
    """ROC curve (false positive rate vs recall) with AUC, drawn by scikit-learn's ``RocCurveDisplay``.

    Chance is the diagonal (AUC 0.5) whatever the prevalence.
    """

    curve: RocCurve
    _sklearn = "RocCurveDisplay"
    _axes_text = {"xlabel": "False positive rate", "ylabel": "True positive rate (recall)", "title": "ROC curve"}

    @classmethod
    def _compute(cls, y_true: Any, scores: Any) -> RocCurve:
        return roc(y_true, scores)

    def _points(self) -> dict[str, Any]:
        return {"fpr": self.curve.fpr, "tpr": self.curve.tpr}

    def _summary(self) -> tuple[str, float, float]:
        return "AUC", self.curve.auc, 0.5


class PrecisionRecallDisplay(_CurveDisplay):
    """Precision-recall curve with average precision, drawn by scikit-learn's ``PrecisionRecallDisplay``.

    Chance is the prevalence: the precision of random guessing.
    """

    curve: PrecisionRecallCurve
    _sklearn = "PrecisionRecallDisplay"
    _axes_text = {"xlabel": "Recall", "ylabel": "Precision", "title": "Precision-recall curve"}

    @classmethod
    def _compute(cls, y_true: Any, scores: Any) -> PrecisionRecallCurve:
        return precision_recall(y_true, scores)

    def _points(self) -> dict[str, Any]:
        c = self.curve
        return {"precision": c.precision, "recall": c.recall, "prevalence_pos_label": c.prevalence}

    def _summary(self) -> tuple[str, float, float]:
        return "AP", self.curve.average_precision, self.curve.prevalence

