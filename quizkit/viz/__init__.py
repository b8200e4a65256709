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

The names before issue 13 (``ConfusionMatrixPlot``, ``RocCurvePlot``, ``PrecisionRecallPlot``,
``ReliabilityDiagram``, ``LearningCurvePlot``, ``ClassificationReportPlot``) are aliases.

>>> from quizkit.viz import ConfusionMatrixDisplay
>>> cm = ConfusionMatrixDisplay.from_counts(tp=80, fp=20, fn=10, tn=90, display_labels=["ham", "spam"])
>>> [t.get_text() for t in cm.text_.ravel()]
['TN\\n90', 'FP\\n20', 'FN\\n10', 'TP\\n80']
"""

from quizkit.viz.calibration import CalibrationDisplay, ReliabilityDiagram
from quizkit.viz.confusion import ConfusionMatrixDisplay, ConfusionMatrixPlot
from quizkit.viz.curves import PrecisionRecallDisplay, PrecisionRecallPlot, RocCurveDisplay, RocCurvePlot
from quizkit.viz.learning import LearningCurveDisplay, LearningCurvePlot
from quizkit.viz.report import ClassificationReportDisplay, ClassificationReportPlot
from quizkit.viz.threshold import ThresholdExplorer

__all__ = [
    "CalibrationDisplay",
    "ClassificationReportDisplay",
    "ClassificationReportPlot",
    "ConfusionMatrixDisplay",
    "ConfusionMatrixPlot",
    "LearningCurveDisplay",
    "LearningCurvePlot",
    "PrecisionRecallDisplay",
    "PrecisionRecallPlot",
    "ReliabilityDiagram",
    "RocCurveDisplay",
    "RocCurvePlot",
    "ThresholdExplorer",
]
