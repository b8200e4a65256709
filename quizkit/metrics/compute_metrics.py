"""``compute_metrics`` callables for ``transformers.Trainer``.

>>> import numpy as np
>>> from transformers import EvalPrediction
>>> compute_metrics = compute_metrics_for("classification")
>>> logits = np.array([[2.0, -1.0], [0.5, 1.5], [-1.0, 0.2], [1.0, 0.0]])
>>> compute_metrics(EvalPrediction(predictions=logits, label_ids=np.array([0, 1, 0, 0])))["recall"]
1.0
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from quizkit.metrics.checks import check_threshold, short
from quizkit.metrics.classification import MetricReport, from_predictions
from quizkit.metrics.registry import metric_names

TASKS = ("classification",)
AVERAGE_CHOICES = (None, "binary", "macro", "micro", "weighted")


def _unpack(eval_pred: Any) -> tuple[Any, Any]:
    if hasattr(eval_pred, "predictions") and hasattr(eval_pred, "label_ids"):
        return eval_pred.predictions, eval_pred.label_ids
    if isinstance(eval_pred, (tuple, list)) and len(eval_pred) >= 2:
        return eval_pred[0], eval_pred[1]
    raise TypeError(f"compute_metrics expects an EvalPrediction or a (predictions, label_ids) tuple, got {short(eval_pred)}")


def _first(value: Any) -> Any:
    # Models that also return hidden states/attentions give a tuple; the logits come first.
    return value[0] if isinstance(value, tuple) else value


def _as_probabilities(matrix: np.ndarray) -> np.ndarray:
    """Rows that already are probability distributions stay; anything else is logits."""
    from scipy.special import softmax

    if matrix.min() >= 0 and matrix.max() <= 1 and np.allclose(matrix.sum(axis=1), 1.0, atol=1e-4):
        return matrix
    return softmax(matrix, axis=1)


def predicted_classes(predictions: Any, threshold: float | None = None) -> tuple[np.ndarray, int]:
    """``(classes, n_classes)`` from model outputs: class ids, 1-D scores, logits or probabilities.

    1-D integer arrays are class ids; 1-D float arrays are P(label 1) when in [0, 1], else logits
    (sigmoid). 2-D arrays are probabilities when every row sums to 1 inside [0, 1], else logits
    (softmax). ``threshold`` (binary only) predicts label 1 when P(label 1) >= threshold;
    without it the most probable class wins.
    """
    from scipy.special import expit

    raw = np.asarray(_first(predictions))
    if raw.dtype.kind not in "iuf" or raw.size == 0:
        raise ValueError(f"predictions must be a non-empty numeric array, got dtype {raw.dtype} and shape {raw.shape}")
    if raw.ndim == 2 and raw.shape[1] == 1:
        raw = raw[:, 0]
    if raw.ndim == 1 and raw.dtype.kind in "iu":
        if threshold is not None:
            raise ValueError(f"threshold={threshold} needs scores or logits, but predictions are class ids {short(raw.tolist())}")
        return raw.astype(np.int64), int(max(raw.max() + 1, 2))
    scores = raw.astype(np.float64)
    if not np.isfinite(scores).all():
        raise ValueError(f"predictions contain {scores[~np.isfinite(scores)][0].item()!r}: logits must be finite (did training diverge?)")
    cut = 0.5 if threshold is None else threshold
    if scores.ndim == 1:
        positive = scores if scores.min() >= 0 and scores.max() <= 1 else expit(scores)
        return (positive >= cut).astype(np.int64), 2
    if scores.ndim != 2:
        raise ValueError(f"predictions must be 1-D scores or 2-D (examples, classes) logits, got shape {scores.shape}")
    n_classes = scores.shape[1]
    if threshold is None:
        return scores.argmax(axis=1), n_classes
    if n_classes != 2:
        raise ValueError(f"threshold= applies to binary classification only; predictions have {n_classes} classes")
    return (_as_probabilities(scores)[:, 1] >= cut).astype(np.int64), 2


def probability_scores(predictions: Any) -> np.ndarray:
    """What a classifier's 2-D outputs say as probabilities: P(label 1) per example for two
    classes, else the ``(n, k)`` probability matrix.

    Logits go through a softmax (rows that already are probabilities stay, as in
    :func:`predicted_classes`), so ``probability_scores(p) >= t`` is exactly the rule
    ``predicted_classes(p, threshold=t)`` applies.

    >>> probability_scores(np.array([[0.0, 0.0], [0.0, np.log(3.0)]])).round(2).tolist()
    [0.5, 0.75]
    """
    matrix = _as_probabilities(np.asarray(_first(predictions), dtype=np.float64))
    return matrix[:, 1] if matrix.shape[1] == 2 else matrix


def metrics_dict(report: MetricReport, average: str | None = None) -> dict[str, float]:
    """The flat dict ``compute_metrics_for`` returns, from a report."""
    out = {name: report.value(name) for name in metric_names()}
    chosen = average or report.average
    if chosen != report.average:  # precision, recall and F1 averaged as asked
        out.update(getattr(report, chosen))
    if len(report.labels) > 2:
        out.update({f"f1_{avg}": getattr(report, avg)["f1"] for avg in ("macro", "micro", "weighted")})
    return {key: float(value) for key, value in out.items()}


def compute_metrics_for(
    task: str = "classification",
    average: str | None = None,
    threshold: float | None = None,
    labels: Sequence[int] | None = None,
) -> Callable[[Any], dict[str, float]]:
    """A ``compute_metrics`` function for ``Trainer``.

    It accepts an ``EvalPrediction`` (or a ``(predictions, label_ids)`` tuple) whose predictions
    are logits, probabilities, 1-D scores or class ids (tuple predictions: the first array) and
    returns Python floats under keys usable as ``metric_for_best_model``: every registered metric
    name (:func:`quizkit.metrics.registry.metric_names`: ``accuracy``, ``precision``, ``recall``,
    ``f1``, ``specificity``, ``balanced_accuracy``, ``mcc``), plus ``f1_macro``/``f1_micro``/
    ``f1_weighted`` for more than two classes.

    With two classes ``precision``/``recall``/``f1`` are those of the positive class (label 1);
    with more they are macro averages. ``average`` ("binary", "macro", "micro", "weighted")
    overrides that. ``threshold`` (binary) predicts label 1 when softmax P(label 1) >= threshold.
    ``labels`` are the class ids (default ``range(number of logit columns)``).

    >>> compute_metrics = compute_metrics_for(threshold=0.3)
    >>> compute_metrics(([[0.6, 0.4], [0.9, 0.1]], [1, 0]))["recall"]
    1.0
    """
    if task not in TASKS:
        raise ValueError(
            f"task must be one of {TASKS}, got {task!r}; for generation decode the outputs and use "
            "quizkit.metrics.squad_scores, rouge or bleu"
        )
    if average not in AVERAGE_CHOICES:
        raise ValueError(f"average must be one of {AVERAGE_CHOICES}, got {average!r}")
    if threshold is not None:
        threshold = check_threshold(threshold)
    fixed_labels = None if labels is None else list(labels)

    def compute_metrics(eval_pred: Any) -> dict[str, float]:
        predictions, label_ids = _unpack(eval_pred)
        y_pred, n_classes = predicted_classes(predictions, threshold)
        y_true = np.asarray(_first(label_ids)).reshape(-1)
        if len(y_true) != len(y_pred):
            raise ValueError(f"label_ids has {len(y_true)} values but predictions has {len(y_pred)} rows")
        classes = fixed_labels if fixed_labels is not None else list(range(n_classes))
        if average == "binary" and len(classes) != 2:
            raise ValueError(f"average='binary' needs two classes, got {len(classes)}")
        return metrics_dict(from_predictions(y_true, y_pred, labels=classes), average)

    return compute_metrics
