"""What a classifier predicted on a labelled test set: the one shape every analysis reads.

A :class:`quizkit.train.RunResult` (a fine-tune, a loaded run, a baseline) is
:class:`Predictions`; so is any object with these four attributes. The displays in
:mod:`quizkit.viz` (``from_run``), :func:`quizkit.analysis.diagnose` and the error analysis
take one, and :func:`as_predictions` says which attribute is missing when something else is
passed.

>>> from types import SimpleNamespace
>>> run = SimpleNamespace(label_names=["ham", "spam"], test_labels=[0, 1], test_predictions=[0, 0], test_scores=[0.2, 0.4])
>>> isinstance(run, Predictions)
True
>>> as_predictions(SimpleNamespace(test_labels=[0, 1]), "top_losses")
Traceback (most recent call last):
...
TypeError: top_losses needs a run's predictions (a RunResult, or an object with label_names, test_labels, test_predictions, test_scores); got a SimpleNamespace without label_names, test_predictions, test_scores
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

__all__ = ["Predictions", "as_predictions", "same_test_set"]

FIELDS = ("label_names", "test_labels", "test_predictions", "test_scores")


@runtime_checkable
class Predictions(Protocol):
    """Class names, true labels, predicted classes and scores of one model on one test set.

    ``test_labels`` and ``test_predictions`` hold class indices into ``label_names``;
    ``test_scores`` is P(label 1) per example for two classes, the ``(n, k)`` probability
    matrix for more.
    """

    @property
    def label_names(self) -> Sequence[str]: ...

    @property
    def test_labels(self) -> Any: ...

    @property
    def test_predictions(self) -> Any: ...

    @property
    def test_scores(self) -> Any: ...


def as_predictions(obj: Any, where: str) -> Predictions:
    """``obj`` itself when it is :class:`Predictions`; else a TypeError naming what it lacks."""
    if isinstance(obj, Predictions):
        return obj
    missing = ", ".join(f for f in FIELDS if not hasattr(obj, f))
    raise TypeError(f"{where} needs a run's predictions (a RunResult, or an object with {', '.join(FIELDS)}); "
                    f"got a {type(obj).__name__} without {missing}")


def same_test_set(a: Predictions, b: Predictions, where: str) -> None:
    """Raise ValueError unless ``a`` and ``b`` hold the same test labels in the same order (a pairing needs it)."""
    import numpy as np

    if not np.array_equal(np.asarray(a.test_labels), np.asarray(b.test_labels)):
        raise ValueError(f"{where}: the two were tested on different test sets ({len(b.test_labels)} vs "
                         f"{len(a.test_labels)} labels, or in another order); a paired comparison needs the same examples")
