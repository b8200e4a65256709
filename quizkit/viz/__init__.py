"""Pictures that explain a classifier: confusion matrix, threshold explorer, curves, calibration.

Each display follows scikit-learn's Display convention (``sklearn.metrics.ConfusionMatrixDisplay``
is the model): ``from_predictions`` / ``from_run`` (keyword-only options) compute the numbers
once, with :mod:`quizkit.metrics`; ``plot(ax=None)`` draws them and returns the display, which
then holds ``figure_`` and ``ax_``. matplotlib loads only when something is drawn.

- :mod:`quizkit.viz.confusion`: :class:`ConfusionMatrixDisplay`
- :mod:`quizkit.viz.report`: :class:`ClassificationReportDisplay` (matrix + ``classification_report``)
- :mod:`quizkit.viz.curves`: :class:`RocCurveDisplay`, :class:`PrecisionRecallDisplay`
- :mod:`quizkit.viz.calibration`: :class:`CalibrationDisplay` (reliability diagram)
- :mod:`quizkit.viz.learning`: :class:`LearningCurveDisplay`
- :mod:`quizkit.viz.threshold`: :class:`ThresholdExplorer` (a widget, not a display)

The older names (``ConfusionMatrixPlot``, ``RocCurvePlot``, ``PrecisionRecallPlot``,
``ReliabilityDiagram``, ``LearningCurvePlot``, ``ClassificationReportPlot``) still work, with a
``FutureWarning``, until quizkit 0.3 (:data:`RENAMED`).

>>> from quizkit.viz import ConfusionMatrixDisplay
>>> cm = ConfusionMatrixDisplay.from_counts(tp=80, fp=20, fn=10, tn=90, display_labels=["ham", "spam"])
>>> [t.get_text() for t in cm.text_.ravel()]
['TN\\n90', 'FP\\n20', 'FN\\n10', 'TP\\n80']
"""

import warnings
from typing import Any

from quizkit.viz.calibration import CalibrationDisplay
from quizkit.viz.confusion import ConfusionMatrixDisplay
from quizkit.viz.curves import PrecisionRecallDisplay, RocCurveDisplay
from quizkit.viz.learning import LearningCurveDisplay
from quizkit.viz.report import ClassificationReportDisplay
from quizkit.viz.threshold import ThresholdExplorer

__all__ = [
    "CalibrationDisplay",
    "ClassificationReportDisplay",
    "ConfusionMatrixDisplay",
    "LearningCurveDisplay",
    "PrecisionRecallDisplay",
    "RocCurveDisplay",
    "ThresholdExplorer",
]

# old name -> new name; the old ones go in this release
RENAMED = {
    "ConfusionMatrixPlot": "ConfusionMatrixDisplay",
    "RocCurvePlot": "RocCurveDisplay",
    "PrecisionRecallPlot": "PrecisionRecallDisplay",
    "ReliabilityDiagram": "CalibrationDisplay",
    "LearningCurvePlot": "LearningCurveDisplay",
    "ClassificationReportPlot": "ClassificationReportDisplay",
}
REMOVED_IN = "0.3"


def renamed(name: str) -> Any:
    """The display an old name stands for, with a FutureWarning naming the new one."""
    new = RENAMED[name]
    warnings.warn(f"{name} is renamed {new}, as in scikit-learn; the old name will be removed in quizkit {REMOVED_IN}",
                  FutureWarning, stacklevel=3)
    return globals()[new]


def __getattr__(name: str) -> Any:
    if name in RENAMED:
        return renamed(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
