"""Metrics for fine-tuned models, built on scikit-learn, rouge-score and sacrebleu.

- classification: :func:`from_counts`, :func:`from_predictions` -> :class:`MetricReport`
- training: :func:`compute_metrics_for` builds ``Trainer(compute_metrics=...)``
- thresholds: :func:`threshold_sweep` -> :class:`ThresholdSweep`
- training logs: :func:`learning_curve` -> :class:`LearningCurve` (best checkpoint, where eval loss rises)
- predictions: :class:`Predictions`, the shape of a run's test predictions that the analyses read
- uncertainty: ``MetricReport.estimate``/``interval``, :func:`wilson`, :func:`bootstrap` ->
  :class:`Estimate`; :func:`compare` (McNemar + paired bootstrap) -> :class:`Comparison`
- generation: :func:`squad_exact_match`, :func:`squad_f1`, :func:`squad_scores`, :func:`rouge`, :func:`bleu`
- ``evaluate`` modules shipped with quizkit (offline): :func:`load_metric`

>>> from quizkit.metrics import from_counts
>>> from_counts(tp=80, fp=10, fn=20, tn=90).accuracy
0.85
"""

from quizkit.metrics.classification import MetricReport, from_counts, from_predictions
from quizkit.metrics.compare import Comparison, compare, mcnemar_exact
from quizkit.metrics.generation import (
    bleu,
    bleu_estimate,
    normalize_answer,
    rouge,
    rouge_estimates,
    squad_exact_match,
    squad_f1,
    squad_scores,
)
from quizkit.metrics.learning import LearningCurve, learning_curve
from quizkit.metrics.modules import load_metric, metric_path
from quizkit.metrics.predictions import Predictions, as_predictions, same_test_set
from quizkit.metrics.threshold import ThresholdSweep, threshold_sweep
from quizkit.metrics.compute_metrics import compute_metrics_for, predicted_classes
from quizkit.metrics.uncertainty import Estimate, bootstrap, wilson

__all__ = [
    "Comparison",
    "Estimate",
    "LearningCurve",
    "MetricReport",
    "Predictions",
    "ThresholdSweep",
    "bleu",
    "bleu_estimate",
    "bootstrap",
    "as_predictions",
    "compare",
    "compute_metrics_for",
    "from_counts",
    "from_predictions",
    "learning_curve",
    "load_metric",
    "mcnemar_exact",
    "metric_path",
    "normalize_answer",
    "predicted_classes",
    "rouge",
    "rouge_estimates",
    "same_test_set",
    "squad_exact_match",
    "squad_f1",
    "squad_scores",
    "threshold_sweep",
    "wilson",
]
