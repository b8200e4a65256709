"""Metrics for fine-tuned models, built on scikit-learn, rouge-score and sacrebleu.

>>> from quizkit.metrics import from_counts
>>> from_counts(tp=80, fp=10, fn=20, tn=90).accuracy
0.85
"""

from quizkit.metrics.classification import MetricReport, from_counts, from_predictions

__all__ = ["MetricReport", "from_counts", "from_predictions"]
