"""A multiclass confusion matrix beside scikit-learn's ``classification_report``.

Each row of the matrix is labelled with its class's support (how many test examples really
are that class), and the table next to it holds precision, recall, F1 and support per class
plus the macro and weighted averages: the very numbers ``classification_report`` prints.

>>> from quizkit.viz.report import ClassificationReportDisplay
>>> y_true = ["cat", "cat", "dog", "dog", "dog", "fox"]
>>> y_pred = ["cat", "dog", "dog", "dog", "fox", "fox"]
>>> display = ClassificationReportDisplay.from_predictions(y_true, y_pred)
>>> display.support.tolist(), [t.get_text() for t in display.ax_.get_yticklabels()]
([2, 3, 1], ['cat (n=2)', 'dog (n=3)', 'fox (n=1)'])
>>> round(display.report["dog"]["recall"], 3), display.report["macro avg"]["support"]
(0.667, 6.0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from quizkit.metrics.predictions import Predictions, as_predictions
from quizkit.viz.confusion import ConfusionMatrixDisplay, check_normalize, class_list

AVERAGE_ROWS = ("macro avg", "weighted avg")
COLUMNS = ("precision", "recall", "f1-score", "support")


class ClassificationReportDisplay:
    """Confusion matrix (rows = actual, with support) and the per-class report table.

    ``report`` is ``classification_report(..., output_dict=True, zero_division=0)`` keyed by
    ``display_labels``; ``counts`` the confusion matrix in the same order; ``support`` its row sums.
    """

    def __init__(self, confusion_matrix: Any, report: Mapping[str, Any], *, display_labels: Sequence[Any],
                 normalize: str | None = None) -> None:
        check_normalize(normalize, (None, "true"))
        self.counts = np.asarray(confusion_matrix)
        self.display_labels = [str(n) for n in display_labels]
        if len(self.display_labels) != len(self.counts):
            raise ValueError(f"display_labels has {len(self.display_labels)} names for {len(self.counts)} classes")
        self.support = self.counts.sum(axis=1)
        self.report = dict(report)
        self.normalize = normalize

    @classmethod
    def from_predictions(cls, y_true: Sequence[Any], y_pred: Sequence[Any], *, labels: Sequence[Any] | None = None,
                         display_labels: Sequence[Any] | None = None, normalize: str | None = None,
                         ax: Any = None) -> ClassificationReportDisplay:
        """Count with ``confusion_matrix``, report with ``classification_report``, and draw."""
        from sklearn.metrics import classification_report, confusion_matrix

        classes = class_list(y_true, y_pred, labels)
        names = [str(n) for n in (display_labels if display_labels is not None else classes)]
        if len(names) != len(classes):
            raise ValueError(f"display_labels has {len(names)} names for {len(classes)} classes")
        report = classification_report(y_true, y_pred, labels=classes, target_names=names, output_dict=True, zero_division=0)
        counts = confusion_matrix(y_true, y_pred, labels=classes)
        return cls(counts, report, display_labels=names, normalize=normalize).plot(ax=ax)

    @classmethod
    def from_run(cls, run: Predictions, *, normalize: str | None = None, ax: Any = None) -> ClassificationReportDisplay:
        """The test set of a :class:`quizkit.train.RunResult`, with its class names."""
        run = as_predictions(run, "ClassificationReportDisplay.from_run")
        names = list(run.label_names)
        return cls.from_predictions(run.test_labels, run.test_predictions, labels=list(range(len(names))),
                                    display_labels=names, normalize=normalize, ax=ax)

    def table_rows(self) -> list[list[str]]:
        """The report as text rows: one per class, then the macro and weighted averages."""
        rows = []
        for name in [*self.display_labels, *AVERAGE_ROWS]:
            values = self.report[name]
            rows.append([name, *(f"{values[c]:.2f}" for c in COLUMNS[:3]), str(int(values["support"]))])
        return rows

    def plot(self, ax: Any = None) -> ClassificationReportDisplay:
        """Draw the matrix (counts, or row shares with ``normalize="true"``) and the table; ``ax`` is a pair of axes."""
        if ax is None:
            import matplotlib.pyplot as plt

            k = len(self.display_labels)
            _fig, ax = plt.subplots(1, 2, figsize=(4 + 0.9 * k + 5, 2.5 + 0.9 * k), width_ratios=(1.3, 1), layout="constrained")
        matrix_ax, table_ax = ax
        self.matrix_ = ConfusionMatrixDisplay(self.counts, display_labels=self.display_labels, normalize=self.normalize).plot(ax=matrix_ax)
        matrix_ax.set_yticks(range(len(self.display_labels)), [f"{n} (n={s})" for n, s in zip(self.display_labels, self.support)])
        table_ax.axis("off")
        self.table_ = table_ax.table(cellText=self.table_rows(), colLabels=["class", *COLUMNS], loc="center")
        self.table_.scale(1, 1.4)
        table_ax.set_title(f"classification_report (accuracy {self.report['accuracy']:.2f}, n = {int(self.support.sum())})")
        self.ax_, self.table_ax_, self.figure_ = matrix_ax, table_ax, matrix_ax.figure
        return self

