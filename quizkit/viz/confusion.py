"""Confusion matrix display: rows = actual class, columns = predicted class.

Follows scikit-learn's ``ConfusionMatrixDisplay`` (which draws the grid here): the counts are
computed once in ``from_predictions`` / ``from_counts`` / ``from_run``, ``plot(ax=)`` draws
them and returns the display, which then holds ``figure_`` and ``ax_``. quizkit adds the
outcome names (TP/FP/FN/TN) on binary cells and ``normalize="both"`` (counts beside shares).

>>> from quizkit.viz.confusion import ConfusionMatrixDisplay
>>> cm = ConfusionMatrixDisplay.from_counts(tp=80, fp=20, fn=10, tn=90, display_labels=["ham", "spam"])
>>> [t.get_text() for t in cm.text_.ravel()]
['TN\\n90', 'FP\\n20', 'FN\\n10', 'TP\\n80']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from quizkit.metrics.predictions import Predictions, as_predictions

# Perceptually uniform and readable with every common colour-vision deficiency.
CMAP = "cividis"
# Positions of the outcome names in a binary matrix [[TN, FP], [FN, TP]] (rows actual).
BINARY_CELL_NAMES = (("TN", "FP"), ("FN", "TP"))
NORMALIZE_CHOICES = (None, "true", "both")


def check_normalize(normalize: str | None, choices: Sequence[str | None] = NORMALIZE_CHOICES) -> None:
    if normalize not in choices:
        raise ValueError(f"normalize must be one of {tuple(choices)}, got {normalize!r}")


def class_list(y_true: Sequence[Any], y_pred: Sequence[Any], labels: Sequence[Any] | None) -> list[Any]:
    """``labels``, or every class seen in ``y_true`` or ``y_pred`` (sorted); lengths checked."""
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} items but y_pred has {len(y_pred)}")
    if labels is not None:
        return list(labels)
    return sorted(set(np.asarray(y_true).tolist()) | set(np.asarray(y_pred).tolist()))


def axes_list(ax: Any) -> list[Any]:
    """One axes or several (list, tuple, array) as a list."""
    return list(ax) if isinstance(ax, (list, tuple, np.ndarray)) else [ax]


def _row_normalised(counts: np.ndarray) -> np.ndarray:
    """Each row divided by its total (the class's support); an empty row stays 0."""
    totals = counts.sum(axis=1, keepdims=True)
    return np.divide(counts, totals, out=np.zeros(counts.shape, dtype=float), where=totals > 0)


class ConfusionMatrixDisplay:
    """Confusion matrix with rows = actual class and columns = predicted class.

    Binary matrices label every cell with its outcome (TP/FP/FN/TN) and count; the
    row-normalised view (``normalize="true"``) shows the share of each actual class, so the
    diagonal is each class's recall. ``normalize="both"`` draws counts and shares side by side.

    >>> cm = ConfusionMatrixDisplay.from_predictions([0, 1, 1, 0], [0, 1, 0, 0], normalize="both")
    >>> cm.counts.tolist(), len(cm.axes_)
    ([[2, 0], [1, 1]], 2)
    """

    def __init__(self, confusion_matrix: Any, *, display_labels: Sequence[Any] | None = None, normalize: str | None = None) -> None:
        check_normalize(normalize)
        counts = np.asarray(confusion_matrix)
        if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or counts.shape[0] < 2:
            raise ValueError(f"confusion_matrix must be a square k x k array with k >= 2, got shape {counts.shape}")
        if np.any(counts < 0) or not np.all(np.equal(np.mod(counts, 1), 0)):
            raise ValueError("confusion_matrix must hold non-negative whole counts")
        self.counts = counts.astype(int)
        k = self.counts.shape[0]
        names = list(range(k)) if display_labels is None else list(display_labels)
        if len(names) != k:
            raise ValueError(f"display_labels has {len(names)} names but the matrix has {k} classes")
        self.display_labels = [str(n) for n in names]
        self.normalize = normalize
        self.normalized = _row_normalised(self.counts)

    @property
    def is_binary(self) -> bool:
        return self.counts.shape[0] == 2

    @classmethod
    def from_predictions(
        cls,
        y_true: Sequence[Any],
        y_pred: Sequence[Any],
        *,
        labels: Sequence[Any] | None = None,
        display_labels: Sequence[Any] | None = None,
        normalize: str | None = None,
        ax: Any = None,
        colorbar: bool = True,
    ) -> ConfusionMatrixDisplay:
        """Count with :func:`sklearn.metrics.confusion_matrix` and draw."""
        from sklearn.metrics import confusion_matrix

        check_normalize(normalize)
        classes = class_list(y_true, y_pred, labels)
        if len(classes) < 2:
            raise ValueError(f"only one class ({classes}) appears in y_true and y_pred: pass labels=[...] naming all classes")
        counts = confusion_matrix(y_true, y_pred, labels=classes)
        shown = display_labels if display_labels is not None else classes
        return cls(counts, display_labels=shown, normalize=normalize).plot(ax=ax, colorbar=colorbar)

    @classmethod
    def from_counts(
        cls,
        *,
        tp: int,
        fp: int,
        fn: int,
        tn: int,
        display_labels: Sequence[Any] = ("negative", "positive"),
        normalize: str | None = None,
        ax: Any = None,
        colorbar: bool = True,
    ) -> ConfusionMatrixDisplay:
        """A binary matrix from its four cells (the positive class is the second label)."""
        for name, value in (("tp", tp), ("fp", fp), ("fn", fn), ("tn", tn)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"{name} must be a non-negative integer count, got {value!r}")
        return cls([[tn, fp], [fn, tp]], display_labels=display_labels, normalize=normalize).plot(ax=ax, colorbar=colorbar)

    @classmethod
    def from_run(cls, run: Predictions, *, normalize: str | None = None, ax: Any = None, colorbar: bool = True) -> ConfusionMatrixDisplay:
        """The test-set matrix of a :class:`quizkit.train.RunResult`, with its class names."""
        run = as_predictions(run, "ConfusionMatrixDisplay.from_run")
        names = list(run.label_names)
        return cls.from_predictions(
            run.test_labels, run.test_predictions, labels=list(range(len(names))),
            display_labels=names, normalize=normalize, ax=ax, colorbar=colorbar,
        )

    def cell_text(self, row: int, col: int, normalized: bool) -> str:
        count = int(self.counts[row, col])
        value = f"{self.normalized[row, col]:.0%}\n({count})" if normalized else str(count)
        if self.is_binary:
            return f"{BINARY_CELL_NAMES[row][col]}\n{value}"
        return value

    def plot(self, ax: Any = None, *, colorbar: bool = True) -> ConfusionMatrixDisplay:
        """Draw the view chosen by ``normalize``: counts, row shares, or both.

        With ``"both"`` and no ``ax``, two panels are made; ``ax`` may be a pair of axes.
        ``ax_``/``im_``/``text_`` refer to the first panel, ``axes_``/``ims_``/``texts_`` to all.
        """
        from sklearn.metrics import ConfusionMatrixDisplay as SklearnDisplay

        views = [False, True] if self.normalize == "both" else [self.normalize == "true"]
        if ax is None:
            import matplotlib.pyplot as plt

            k = self.counts.shape[0]
            size = 2.2 + 0.9 * k
            _fig, axes = plt.subplots(1, len(views), figsize=(size * len(views) + 1, size), squeeze=False, layout="constrained")
            axes = list(axes[0])
        else:
            axes = axes_list(ax)
            if len(axes) != len(views):
                raise ValueError(f"normalize={self.normalize!r} draws {len(views)} panel(s) but {len(axes)} axes were given")
        self.axes_, self.ims_, self.texts_ = [], [], []
        for axis, normalized in zip(axes, views):
            display = SklearnDisplay(self.normalized if normalized else self.counts, display_labels=self.display_labels)
            display.plot(ax=axis, cmap=CMAP, colorbar=colorbar, values_format=".2f" if normalized else "d")
            if normalized:
                display.im_.set_clim(0, 1)
            for (row, col), text in np.ndenumerate(display.text_):
                text.set_text(self.cell_text(row, col, normalized))
            axis.set_xlabel("Predicted class")
            axis.set_ylabel("Actual class")
            axis.set_title("Row shares (diagonal = recall)" if normalized else "Counts")
            self.axes_.append(axis)
            self.ims_.append(display.im_)
            self.texts_.append(display.text_)
        self.ax_, self.im_, self.text_ = self.axes_[0], self.ims_[0], self.texts_[0]
        self.figure_ = self.ax_.figure
        return self

