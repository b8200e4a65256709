"""quizkit's ``evaluate`` modules, shipped inside the package and loaded from disk (offline).

>>> from quizkit.metrics import load_metric
>>> metric = load_metric("rouge")
>>> metric.compute(predictions=["a cat"], references=["a cat"])["rouge1"]
1.0
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

# Accepted names -> module folder under quizkit/evaluate_modules.
MODULES = {
    "quizkit_classification": "quizkit_classification",
    "classification": "quizkit_classification",
    "squad": "quizkit_squad",
    "quizkit_squad": "quizkit_squad",
    "rouge": "quizkit_rouge",
    "quizkit_rouge": "quizkit_rouge",
    "bleu": "quizkit_bleu",
    "quizkit_bleu": "quizkit_bleu",
}


TEXT_INPUTS = "predictions: generated texts. references: per prediction, a reference text or a list of them."


def text_features() -> list[Any]:
    """``evaluate`` feature options of the text metrics: per prediction, one reference string
    or a list of them."""
    import datasets

    prediction = datasets.Value("string")
    return [
        datasets.Features({"predictions": prediction, "references": datasets.Sequence(datasets.Value("string"))}),
        datasets.Features({"predictions": prediction, "references": datasets.Value("string")}),
    ]


def metric_path(name: str) -> Path:
    """Folder of the shipped module for ``name`` (``evaluate.load`` accepts it directly)."""
    if name not in MODULES:
        raise ValueError(f"name must be one of {sorted(MODULES)}, got {name!r}")
    return Path(str(files("quizkit") / "evaluate_modules" / MODULES[name]))


def load_metric(name: str, **kwargs: Any) -> Any:
    """``evaluate.load`` on the shipped module for ``name``: no Hub access, same numbers as
    the matching ``quizkit.metrics`` function. ``kwargs`` go to ``evaluate.load``; by default
    ``keep_in_memory=True`` so computing writes no cache files."""
    import evaluate

    kwargs.setdefault("keep_in_memory", True)
    # A local folder path never reaches the Hub: evaluate copies the script and imports it.
    return evaluate.load(str(metric_path(name)), **kwargs)
