"""Learning curves: train and eval loss over training steps, from a Trainer's ``log_history``.

Follows scikit-learn's Display pattern: the curves, the best checkpoint and the step where
the eval loss starts rising are read once from the log by
:func:`quizkit.metrics.learning.learning_curve` (in ``from_log_history`` / ``from_run``),
``plot(ax=)`` draws them and returns
the display, which then holds ``figure_`` and ``ax_``. (scikit-learn's ``LearningCurveDisplay``
plots score against training-set size, not against steps, so it cannot draw these.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from quizkit.metrics.learning import LearningCurve, learning_curve
from quizkit.viz.confusion import axes_list


def _line_style(points: Sequence[Any]) -> str:
    """A lone point drawn as a line is invisible: give it a marker."""
    return "o" if len(points) == 1 else "-"


class LearningCurveDisplay:
    """Train loss and eval loss over training steps (and one eval metric in a second panel).

    Draws a :class:`quizkit.metrics.learning.LearningCurve`: the best checkpoint as a dashed
    line, the first eval where the loss has risen past ``rise_margin`` as an X. The curve's
    fields (``best_step``, ``rise_step``, ``min_eval_loss``, ``metric_values``...) can be read
    on the display too.

    >>> history = [{"loss": 0.7, "step": 10}, {"eval_loss": 0.6, "step": 10},
    ...            {"loss": 0.3, "step": 20}, {"eval_loss": 0.5, "step": 20},
    ...            {"loss": 0.1, "step": 30}, {"eval_loss": 0.7, "step": 30}]
    >>> display = LearningCurveDisplay.from_log_history(history)
    >>> display.best_step, display.rise_step, len(display.axes_)
    (20, 30, 1)
    """

    def __init__(self, curve: LearningCurve) -> None:
        self.curve = curve

    def __getattr__(self, name: str) -> Any:
        # The curve's numbers read as the display's own, as notebooks do (display.best_step).
        if name != "curve" and "curve" in self.__dict__ and name in LearningCurve.__dataclass_fields__:
            return getattr(self.curve, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @classmethod
    def from_log_history(
        cls, log_history: Sequence[Mapping[str, Any]], *, metric: str | None = None, best_by: str = "eval_loss",
        rise_margin: float = 0.05, ax: Any = None,
    ) -> LearningCurveDisplay:
        """Compute from a Trainer log history and draw."""
        return cls(learning_curve(log_history, metric=metric, best_by=best_by, rise_margin=rise_margin)).plot(ax=ax)

    @classmethod
    def from_run(
        cls, run: Any, *, metric: str | None = None, best_by: str = "eval_loss", rise_margin: float = 0.05, ax: Any = None,
    ) -> LearningCurveDisplay:
        """The learning curves of a :class:`quizkit.train.RunResult`."""
        return cls.from_log_history(run.log_history, metric=metric, best_by=best_by, rise_margin=rise_margin, ax=ax)

    def plot(self, ax: Any = None) -> LearningCurveDisplay:
        """Draw losses (and the metric in a second panel when there is one).

        ``ax`` is one axes (losses only) or a pair (losses, metric).
        """
        panels = 2 if self.metric_values else 1
        if ax is None:
            import matplotlib.pyplot as plt

            fig, axes = plt.subplots(1, panels, figsize=(6 * panels, 4), squeeze=False, layout="constrained")
            axes = list(axes[0])
        else:
            axes = axes_list(ax)[:panels]
        loss_ax = axes[0]
        if self.train:
            loss_ax.plot(*zip(*self.train), _line_style(self.train), label="train loss", color="#0072b2")
        if self.eval:
            loss_ax.plot(*zip(*self.eval), "o-", label="eval loss", color="#d55e00")
        if self.best_step is not None:
            loss_ax.axvline(self.best_step, linestyle="--", color="#009e73", label=f"best checkpoint (step {self.best_step})")
        if self.rise_step is not None:
            loss_ax.plot([self.rise_step], [self.rise_loss], "X", markersize=11, color="black",
                         label=f"eval loss rising (step {self.rise_step})")
        loss_ax.set(xlabel="Training step", ylabel="Loss", title="Train vs eval loss")
        loss_ax.legend()
        if self.metric_values and len(axes) > 1:
            metric_ax = axes[1]
            metric_ax.plot(*zip(*self.metric_values), "o-", color="#cc79a7", label=self.metric)
            if self.best_step is not None:
                metric_ax.axvline(self.best_step, linestyle="--", color="#009e73", label="best checkpoint")
            metric_ax.set(xlabel="Training step", ylabel=self.metric, title=f"{self.metric} on the eval set")
            metric_ax.legend()
        from matplotlib.ticker import MaxNLocator

        last_step = max(step for step, _ in self.train + self.eval)
        for step_ax in axes[:panels]:
            # Steps are whole numbers, and training starts at step 0: without this a single
            # evaluation sits alone on an axis ticked 26.96, 26.98, 27.00...
            step_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            step_ax.set_xlim(0, max(1, last_step) * 1.04)
        self.axes_ = axes
        self.ax_ = loss_ax
        self.figure_ = loss_ax.figure
        return self

