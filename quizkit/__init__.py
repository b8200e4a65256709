"""quizkit: a Jupyter-first course on fine-tuning Hugging Face models and judging them.

Heavy modules (torch, transformers) load only when first used, so ``import quizkit`` and
the ``quizkit`` command stay fast.

The version is written once, in ``pyproject.toml``, and read from the installed metadata:

>>> import quizkit
>>> from importlib.metadata import version
>>> quizkit.__version__ == version("quizkit")
True
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("quizkit")
except PackageNotFoundError:  # a source tree on sys.path that was never installed
    __version__ = "0+unknown"

# public name -> module that defines it
_LAZY = {
    "Quiz": "quizkit.quiz.widget",
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
    "ConfusionMatrixDisplay": "quizkit.viz",
    "ThresholdExplorer": "quizkit.viz",
    "LearningCurveDisplay": "quizkit.viz",
    "RocCurveDisplay": "quizkit.viz",
    "PrecisionRecallDisplay": "quizkit.viz",
    "CalibrationDisplay": "quizkit.viz",
    "ClassificationReportDisplay": "quizkit.viz",
    "TemperatureScaling": "quizkit.metrics.calibration",
    "top_losses": "quizkit.analysis.error_analysis",
    "most_confused": "quizkit.analysis.error_analysis",
    "grade_submissions": "quizkit.grading",
    "diagnose": "quizkit.analysis.diagnosis",
    "diagnose_predictions": "quizkit.analysis.diagnosis",
    "expect_error": "quizkit.explain",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if not name.startswith("_"):  # an old display name warns, naming the release that removes it
        viz = importlib.import_module("quizkit.viz")
        if name in viz.RENAMED:
            return viz.renamed(name)
    raise AttributeError(f"module 'quizkit' has no attribute {name!r}")


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext quizkit``: add a "what happened / how to fix" box under Trainer errors."""
    from quizkit.explain import register

    register(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from quizkit.explain import unregister

    unregister(ipython)
