"""Analyses of a run's results: the baselines to beat, the diagnosis, and error analysis.

One module per reason to change:

- :mod:`~quizkit.analysis.baselines`: :func:`majority`, :func:`tfidf_logreg` (scikit-learn
  models returned as :class:`~quizkit.train.RunResult`, so every analysis takes them like runs);
- :mod:`~quizkit.analysis.diagnosis`: :func:`diagnose`, :func:`diagnose_predictions` (which
  rules the inputs allow, and the paired comparison with a baseline or another run);
- :mod:`~quizkit.analysis.diagnosis_rules`: one rule per classic way a result misleads;
- :mod:`~quizkit.analysis.diagnosis_types`: what a diagnosis returns, :class:`Finding` and
  :class:`Diagnosis`;
- :mod:`~quizkit.analysis.error_analysis`: :func:`top_losses`, :func:`most_confused`,
  :func:`likely_label_errors` (which examples to read first).

>>> from quizkit.analysis import diagnose_predictions
>>> diagnose_predictions([0] * 95 + [1] * 5, [0] * 100).codes
['accuracy-paradox', 'imbalance', 'few-positives']
"""

from quizkit.analysis.baselines import majority, tfidf_logreg, tfidf_pipeline
from quizkit.analysis.diagnosis import diagnose, diagnose_predictions
from quizkit.analysis.diagnosis_types import Diagnosis, Finding
from quizkit.analysis.error_analysis import likely_label_errors, most_confused, top_losses

__all__ = [
    "Diagnosis",
    "Finding",
    "diagnose",
    "diagnose_predictions",
    "likely_label_errors",
    "majority",
    "most_confused",
    "tfidf_logreg",
    "tfidf_pipeline",
    "top_losses",
]
