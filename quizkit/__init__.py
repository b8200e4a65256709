"""quizkit: a Jupyter-first course on fine-tuning Hugging Face models and judging them.

Heavy modules (torch, transformers) load only when first used, so ``import quizkit`` and
the ``quizkit`` command stay fast.

>>> import quizkit
>>> quizkit.__version__
'0.1.0'
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY = {
    "Quiz": "quizkit.quiz",
    "load_classifier": "quizkit.models",
    "make_dataset": "quizkit.data",
    "from_counts": "quizkit.metrics",
    "from_predictions": "quizkit.metrics",
    "compute_metrics_for": "quizkit.metrics",
    "threshold_sweep": "quizkit.metrics",
    "RunConfig": "quizkit.train",
    "run": "quizkit.train",
    "load_run": "quizkit.train",
    "TrainingPanel": "quizkit.panel",
    "ConfusionMatrixPlot": "quizkit.viz",
    "ThresholdExplorer": "quizkit.viz",
    "LearningCurvePlot": "quizkit.viz",
    "RocCurvePlot": "quizkit.viz",
    "PrecisionRecallPlot": "quizkit.viz",
    "ReliabilityDiagram": "quizkit.viz",
    "ClassificationReportPlot": "quizkit.viz",
    "TemperatureScaling": "quizkit.metrics.calibration",
    "top_losses": "quizkit.error_analysis",
    "most_confused": "quizkit.error_analysis",
    "grade_submissions": "quizkit.grade",
    "diagnose": "quizkit.diagnose",
    "diagnose_predictions": "quizkit.diagnose",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'quizkit' has no attribute {name!r}")


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext quizkit``: add a "what happened / how to fix" box under Trainer errors."""
    from quizkit.explain import register

    register(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from quizkit.explain import unregister

    unregister(ipython)
