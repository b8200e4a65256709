"""Learning curves: train and eval loss over training steps, from a Trainer's ``log_history``.

Follows scikit-learn's Display pattern: the curves, the best checkpoint and the step where
the eval loss starts rising are read once from the log, ``plot(ax=)`` draws them and returns
the display, which then holds ``figure_`` and ``ax_``. (scikit-learn's ``LearningCurveDisplay``
plots score against training-set size, not against steps, so it cannot draw these.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from quizkit.viz.confusion import axes_list


# Trainer log keys that are bookkeeping, not metrics.
_NOT_METRICS = ("eval_loss", "eval_runtime", "eval_samples_per_second", "eval_steps_per_second", "epoch", "step")


def _line_style(points: Sequence[Any]) -> str:
    """A lone point drawn as a line is invisible: give it a marker."""
    return "o" if len(points) == 1 else "-"


class LearningCurveDisplay:
    """Train loss and eval loss over training steps, from ``trainer.state.log_history``.

    ``best_step`` is the eval with the lowest eval loss (or, with ``best_by="metric"``, the
    best value of ``metric``); ``rise_step`` is the first eval after the lowest eval loss that
    is more than ``rise_margin`` (a fraction, 0.05 = 5 %) above it: where overfitting shows.

    >>> history = [{"loss": 0.7, "step": 10}, {"eval_loss": 0.6, "step": 10},
    ...            {"loss": 0.3, "step": 20}, {"eval_loss": 0.5, "step": 20},
    ...            {"loss": 0.1, "step": 30}, {"eval_loss": 0.7, "step": 30}]
    >>> curve = LearningCurveDisplay(history)
    >>> curve.best_step, curve.rise_step
    (20, 30)
    """

    def __init__(
        self,
        log_history: Sequence[Mapping[str, Any]],
        *,
        metric: str | None = None,
        best_by: str = "eval_loss",
        rise_margin: float = 0.05,
    ) -> None:
        if isinstance(log_history, (str, bytes)) or not isinstance(log_history, Sequence):
            raise TypeError(f"log_history must be a list of dicts (trainer.state.log_history), got {type(log_history).__name__}")
        if best_by not in ("eval_loss", "metric"):
            raise ValueError(f"best_by must be 'eval_loss' or 'metric', got {best_by!r}")
        if not isinstance(rise_margin, (int, float)) or rise_margin < 0:
            raise ValueError(f"rise_margin must be a non-negative fraction, got {rise_margin!r}")
        for i, entry in enumerate(log_history):
            if not isinstance(entry, Mapping) or "step" not in entry:
                raise ValueError(f"log_history[{i}] must be a dict with a 'step', got {entry!r}")
        self.train = [(int(e["step"]), float(e["loss"])) for e in log_history if "loss" in e]
        evals = [e for e in log_history if "eval_loss" in e]
        self.eval = [(int(e["step"]), float(e["eval_loss"])) for e in evals]
        if not self.train and not self.eval:
            raise ValueError("log_history has no 'loss' or 'eval_loss' entries: was logging/evaluation switched on?")
        available = sorted({k for e in evals for k in e if k.startswith("eval_") and k not in _NOT_METRICS})
        if metric is None:
            metric = "eval_f1" if "eval_f1" in available else (available[0] if available else None)
        elif metric not in available:
            raise ValueError(f"metric {metric!r} is not in the eval logs; available: {available}")
        self.metric = metric
        self.metric_values = [(int(e["step"]), float(e[metric])) for e in evals if metric and metric in e]
        if best_by == "metric" and not self.metric_values:
            raise ValueError("best_by='metric' needs an eval metric in log_history")
        self.best_by = best_by
        self.rise_margin = float(rise_margin)
        self.min_eval_step, self.min_eval_loss = min(self.eval, key=lambda p: p[1]) if self.eval else (None, None)
        if best_by == "metric":
            # Losses and error rates are better low; everything else (accuracy, F1...) high.
            lower_is_better = "loss" in metric or "error" in metric
            self.best_step = (min if lower_is_better else max)(self.metric_values, key=lambda p: p[1])[0]
        else:
            self.best_step = self.min_eval_step
        self.rise_step = self.rise_loss = None
        if self.eval:
            after = [p for p in self.eval if p[0] > self.min_eval_step]
            risen = [p for p in after if p[1] > self.min_eval_loss * (1 + self.rise_margin)]
            if risen:
                self.rise_step, self.rise_loss = risen[0]

    @classmethod
    def from_log_history(
        cls, log_history: Sequence[Mapping[str, Any]], *, metric: str | None = None, best_by: str = "eval_loss",
        rise_margin: float = 0.05, ax: Any = None,
    ) -> LearningCurveDisplay:
        """Compute from a Trainer log history and draw."""
        return cls(log_history, metric=metric, best_by=best_by, rise_margin=rise_margin).plot(ax=ax)

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


#: The name before issue 13 (notebooks saved with it keep working).
LearningCurvePlot = LearningCurveDisplay
