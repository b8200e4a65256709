"""Learning curves read from a Trainer's ``log_history``: the best checkpoint and where overfitting shows.

:func:`learning_curve` reads the train and eval losses (and one eval metric) once; both the
display (:class:`quizkit.viz.LearningCurveDisplay`) and the overfitting finding of
:mod:`quizkit.analysis.diagnosis` use what it finds.

>>> history = [{"loss": 0.7, "step": 10}, {"eval_loss": 0.6, "step": 10},
...            {"loss": 0.3, "step": 20}, {"eval_loss": 0.5, "step": 20},
...            {"loss": 0.1, "step": 30}, {"eval_loss": 0.7, "step": 30}]
>>> curve = learning_curve(history)
>>> curve.best_step, curve.rise_step, curve.min_eval_loss
(20, 30, 0.5)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Trainer log keys that are bookkeeping, not metrics.
_NOT_METRICS = ("eval_loss", "eval_runtime", "eval_samples_per_second", "eval_steps_per_second", "epoch", "step")

Points = list[tuple[int, float]]


@dataclass(frozen=True)
class LearningCurve:
    """Train loss, eval loss and one eval metric as ``(step, value)`` points, and what they show.

    ``best_step`` is the eval with the lowest eval loss (or, with ``best_by="metric"``, the
    best value of ``metric``); ``rise_step``/``rise_loss`` the first eval after the lowest eval
    loss that is more than ``rise_margin`` (a fraction, 0.05 = 5 %) above it: where
    overfitting shows. Each is None when the log does not have it.
    """

    train: Points
    eval: Points
    metric: str | None
    metric_values: Points
    best_by: str
    rise_margin: float
    min_eval_step: int | None
    min_eval_loss: float | None
    best_step: int | None
    rise_step: int | None
    rise_loss: float | None


def learning_curve(
    log_history: Sequence[Mapping[str, Any]],
    *,
    metric: str | None = None,
    best_by: str = "eval_loss",
    rise_margin: float = 0.05,
) -> LearningCurve:
    """Read ``trainer.state.log_history``; ``metric`` defaults to ``eval_f1`` when logged (else the first eval metric)."""
    if isinstance(log_history, (str, bytes)) or not isinstance(log_history, Sequence):
        raise TypeError(f"log_history must be a list of dicts (trainer.state.log_history), got {type(log_history).__name__}")
    if best_by not in ("eval_loss", "metric"):
        raise ValueError(f"best_by must be 'eval_loss' or 'metric', got {best_by!r}")
    if not isinstance(rise_margin, (int, float)) or rise_margin < 0:
        raise ValueError(f"rise_margin must be a non-negative fraction, got {rise_margin!r}")
    for i, entry in enumerate(log_history):
        if not isinstance(entry, Mapping) or "step" not in entry:
            raise ValueError(f"log_history[{i}] must be a dict with a 'step', got {entry!r}")
    train = [(int(e["step"]), float(e["loss"])) for e in log_history if "loss" in e]
    evals = [e for e in log_history if "eval_loss" in e]
    eval_points = [(int(e["step"]), float(e["eval_loss"])) for e in evals]
    if not train and not eval_points:
        raise ValueError("log_history has no 'loss' or 'eval_loss' entries: was logging/evaluation switched on?")
    available = sorted({k for e in evals for k in e if k.startswith("eval_") and k not in _NOT_METRICS})
    if metric is None:
        metric = "eval_f1" if "eval_f1" in available else (available[0] if available else None)
    elif metric not in available:
        raise ValueError(f"metric {metric!r} is not in the eval logs; available: {available}")
    metric_values = [(int(e["step"]), float(e[metric])) for e in evals if metric and metric in e]
    if best_by == "metric" and not metric_values:
        raise ValueError("best_by='metric' needs an eval metric in log_history")
    min_eval_step, min_eval_loss = min(eval_points, key=lambda p: p[1]) if eval_points else (None, None)
    if best_by == "metric":
        # Losses and error rates are better low; everything else (accuracy, F1...) high.
        lower_is_better = "loss" in metric or "error" in metric
        best_step = (min if lower_is_better else max)(metric_values, key=lambda p: p[1])[0]
    else:
        best_step = min_eval_step
    rise_step = rise_loss = None
    if eval_points:
        after = [p for p in eval_points if p[0] > min_eval_step]
        risen = [p for p in after if p[1] > min_eval_loss * (1 + rise_margin)]
        if risen:
            rise_step, rise_loss = risen[0]
    return LearningCurve(
        train=train, eval=eval_points, metric=metric, metric_values=metric_values, best_by=best_by,
        rise_margin=float(rise_margin), min_eval_step=min_eval_step, min_eval_loss=min_eval_loss,
        best_step=best_step, rise_step=rise_step, rise_loss=rise_loss,
    )
