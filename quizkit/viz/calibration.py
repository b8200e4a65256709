"""Reliability diagram: predicted probability against how often it came true.

Built like scikit-learn's ``CalibrationDisplay`` (which draws the curve here): the bins are
computed once by :func:`quizkit.metrics.calibration.reliability`, ``plot(ax=)`` draws them,
with a histogram of the predicted probabilities underneath (a well-calibrated bin holding
three examples proves little). The legend gives the ECE, the Brier score and n.

>>> from quizkit.viz.calibration import CalibrationDisplay
>>> y, p = [0, 0, 1, 1, 1, 0], [0.1, 0.3, 0.8, 0.9, 0.7, 0.6]
>>> diagram = CalibrationDisplay.from_predictions(y, p, n_bins=5, name="model")
>>> round(diagram.reliability.ece, 3), len(diagram.axes_)
(0.267, 2)
"""

from __future__ import annotations

from typing import Any

from quizkit.metrics.calibration import Reliability, brier_score, reliability
from quizkit.metrics.predictions import Predictions, as_predictions
from quizkit.viz.confusion import axes_list
from quizkit.viz.legend import mark_reference, place_legend

AXIS_LABELS = {
    "positive": ("Mean predicted P(positive)", "Fraction of positives"),
    "top-label": ("Confidence (largest predicted probability)", "Accuracy"),
}


class CalibrationDisplay:
    """Reliability curve (``CalibrationDisplay``) plus a histogram of the predicted probabilities.

    Points on the diagonal are calibrated; under it, the model is more confident than it is
    right (overconfident). ``kind`` is ``"positive"`` (binary, as scikit-learn) or
    ``"top-label"`` (confidence vs accuracy); see :func:`quizkit.metrics.calibration.reliability`.
    Several diagrams can share axes: pass the first one's ``axes_`` as ``ax``.
    """

    def __init__(self, reliability: Reliability, brier: float, *, name: str | None = None) -> None:
        self.reliability = reliability
        self.brier = brier
        self.name = name

    @classmethod
    def from_predictions(
        cls, y_true: Any, y_prob: Any, *, n_bins: int = 10, strategy: str = "uniform", kind: str | None = None,
        name: str | None = None, ax: Any = None,
    ) -> CalibrationDisplay:
        """Bin ``y_prob`` (P(label 1), or an (n, k) probability matrix) against ``y_true`` and draw."""
        curve = reliability(y_true, y_prob, n_bins=n_bins, strategy=strategy, kind=kind)
        return cls(curve, brier_score(y_true, y_prob), name=name).plot(ax=ax)

    @classmethod
    def from_run(
        cls, run: Predictions, *, n_bins: int = 10, kind: str | None = None, name: str | None = None, ax: Any = None,
    ) -> CalibrationDisplay:
        """The test-set diagram of a :class:`quizkit.train.RunResult`."""
        run = as_predictions(run, "CalibrationDisplay.from_run")
        return cls.from_predictions(run.test_labels, run.test_scores, n_bins=n_bins, kind=kind, name=name or run.config.model, ax=ax)

    @property
    def label(self) -> str:
        r = self.reliability
        text = f"ECE = {r.ece:.3f}, Brier = {self.brier:.3f}, n = {r.n}"
        return f"{self.name}: {text}" if self.name else text

    def plot(self, ax: Any = None) -> CalibrationDisplay:
        """Draw; ``ax`` is None (new figure, curve above histogram), one axes (curve only) or a pair."""
        from sklearn.calibration import CalibrationDisplay as SklearnDisplay

        if ax is None:
            import matplotlib.pyplot as plt

            _fig, axes = plt.subplots(2, 1, figsize=(5.5, 6), height_ratios=(3, 1), sharex=True, layout="constrained")
            axes = list(axes)
        else:
            axes = axes_list(ax)
        r = self.reliability
        curve_ax = axes[0]
        first = not curve_ax.lines  # the diagonal once, however many curves share the axes
        display = SklearnDisplay(r.prob_true, r.prob_pred, r.confidence).plot(ax=curve_ax, name=self.label, ref_line=first)
        if first:  # the diagonal, drawn before the curve
            mark_reference(curve_ax.lines[0])
        xlabel, ylabel = AXIS_LABELS[r.kind]
        curve_ax.set(xlim=(0, 1), ylim=(0, 1.02), ylabel=ylabel, title="Reliability diagram")
        place_legend(curve_ax, figure_bottom=len(axes) > 1)
        if len(axes) > 1:
            hist_ax = axes[1]
            hist_ax.hist(r.confidence, bins=r.bin_edges, range=(0, 1), histtype="step", linewidth=2,
                         color=display.line_.get_color(), label=self.name)
            hist_ax.set(xlabel=xlabel, ylabel="Examples")
            curve_ax.set_xlabel("")
        else:
            curve_ax.set_xlabel(xlabel)
        self.display_, self.line_, self.axes_, self.ax_ = display, display.line_, axes, curve_ax
        self.figure_ = curve_ax.figure
        return self

