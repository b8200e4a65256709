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

from typing import Any

from quizkit.metrics.curves import (
    PrecisionRecallCurve,
    RocCurve,
    precision_recall,
    roc,
    run_targets,
)


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(5, 4.5), layout="constrained")[1]


def _label(name: str | None, metric: str, value: float, low_high: tuple[float, float] | None, n: int) -> str:
    ci = f" [{low_high[0]:.2f}, {low_high[1]:.2f}]" if low_high else ""
    text = f"{metric} = {value:.2f}{ci}, n = {n}"
    return f"{name}: {text}" if name else text


class _CurveDisplay:
    """Shared construction: from predictions or a run; ``interval=True`` computes the bootstrap CI.

    ``interval_`` is the ``(low, high)`` interval of the summary (AUC or AP), or None.
    """

    curve: Any

    def __init__(self, curve: Any, *, name: str | None = None, interval: tuple[float, float] | None = None) -> None:
        self.curve = curve
        self.name = name
        self.interval_ = interval

    @classmethod
    def _compute(cls, y_true: Any, scores: Any) -> Any:
        raise NotImplementedError

    @classmethod
    def from_predictions(cls, y_true: Any, y_score: Any, *, name: str | None = None, interval: bool = True, ax: Any = None) -> Any:
        """Compute the curve of ``y_score`` (P(label 1)) against 0/1 ``y_true`` and draw it."""
        curve = cls._compute(y_true, y_score)
        return cls(curve, name=name, interval=curve.interval() if interval else None).plot(ax=ax)

    @classmethod
    def from_run(cls, run: Any, *, name: str | None = None, interval: bool = True, ax: Any = None) -> Any:
        """The test-set curve of a binary :class:`quizkit.train.RunResult`."""
        return cls.from_predictions(*run_targets(run), name=name or run.config.model, interval=interval, ax=ax)


class RocCurveDisplay(_CurveDisplay):
    """ROC curve (false positive rate vs recall) with AUC; ``plot`` reuses ``RocCurveDisplay``."""

    curve: RocCurve

    @classmethod
    def _compute(cls, y_true: Any, scores: Any) -> RocCurve:
        return roc(y_true, scores)

    def plot(self, ax: Any = None, *, chance_level: bool = True) -> RocCurveDisplay:
        """Draw on ``ax`` (a new figure when None); several curves can share one axes."""
        from sklearn.metrics import RocCurveDisplay as SklearnDisplay

        c = self.curve
        display = SklearnDisplay(fpr=c.fpr, tpr=c.tpr).plot(
            ax=_axes(ax), name=_label(self.name, "AUC", c.auc, self.interval_, c.n), plot_chance_level=chance_level,
            chance_level_kw={"label": "chance (AUC = 0.50)"},
        )
        display.ax_.set(xlabel="False positive rate", ylabel="True positive rate (recall)", title="ROC curve")
        self.display_, self.ax_, self.figure_, self.line_ = display, display.ax_, display.figure_, display.line_
        return self


class PrecisionRecallDisplay(_CurveDisplay):
    """Precision-recall curve with average precision; ``plot`` reuses ``PrecisionRecallDisplay``."""

    curve: PrecisionRecallCurve

    @classmethod
    def _compute(cls, y_true: Any, scores: Any) -> PrecisionRecallCurve:
        return precision_recall(y_true, scores)

    def plot(self, ax: Any = None, *, chance_level: bool = True) -> PrecisionRecallDisplay:
        """Draw on ``ax``; the chance line is the prevalence (the precision of random guessing)."""
        from sklearn.metrics import PrecisionRecallDisplay as SklearnDisplay

        c = self.curve
        display = SklearnDisplay(
            precision=c.precision, recall=c.recall, prevalence_pos_label=c.prevalence,
        ).plot(
            ax=_axes(ax), name=_label(self.name, "AP", c.average_precision, self.interval_, c.n),
            plot_chance_level=chance_level, chance_level_kw={"label": f"chance (AP = {c.prevalence:.2f})"},
        )
        display.ax_.set(xlabel="Recall", ylabel="Precision", title="Precision-recall curve")
        self.display_, self.ax_, self.figure_, self.line_ = display, display.ax_, display.figure_, display.line_
        return self


#: The names before issue 13 (notebooks saved with them keep working).
RocCurvePlot = RocCurveDisplay
PrecisionRecallPlot = PrecisionRecallDisplay
