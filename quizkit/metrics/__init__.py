"""Metrics for fine-tuned models, built on scikit-learn, rouge-score and sacrebleu.

- classification: :func:`from_counts`, :func:`from_predictions` -> :class:`MetricReport`
- training: :func:`compute_metrics_for` builds ``Trainer(compute_metrics=...)``
- thresholds: :func:`threshold_sweep` -> :class:`ThresholdSweep`
- generation: :func:`squad_exact_match`, :func:`squad_f1`, :func:`squad_scores`, :func:`rouge`, :func:`bleu`
- ``evaluate`` modules shipped with quizkit (offline): :func:`load_metric`

>>> from quizkit.metrics import from_counts
>>> from_counts(tp=80, fp=10, fn=20, tn=90).accuracy
0.85
"""

from quizkit.metrics.classification import MetricReport, from_counts, from_predictions
from quizkit.metrics.generation import bleu, normalize_answer, rouge, squad_exact_match, squad_f1, squad_scores
from quizkit.metrics.modules import load_metric, metric_path
from quizkit.metrics.threshold import ThresholdSweep, threshold_sweep
from quizkit.metrics.trainer import compute_metrics_for, predicted_classes

__all__ = [
    "MetricReport",
    "ThresholdSweep",
    "bleu",
    "compute_metrics_for",
    "from_counts",
    "from_predictions",
    "load_metric",
    "metric_path",
    "normalize_answer",
    "predicted_classes",
    "rouge",
    "squad_exact_match",
    "squad_f1",
    "squad_scores",
    "threshold_sweep",
]
