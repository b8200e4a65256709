"""The threshold explorer: move a decision threshold and watch the matrix, curves and cost change.

Every number comes from :mod:`quizkit.metrics`: the counts and rates at each threshold from
:func:`~quizkit.metrics.threshold_sweep` (which also checks the inputs), the precision-recall
and ROC curves drawn behind the current point from :mod:`quizkit.metrics.curves`
(scikit-learn's ``precision_recall_curve`` / ``roc_curve``). This module only draws and links
the sliders.
"""

from __future__ import annotations

import contextlib
import html
import math
from collections.abc import Sequence
from typing import Any

import traitlets

from quizkit.metrics.checks import check_number, check_threshold
from quizkit.metrics.predictions import Predictions, as_predictions
from quizkit.textbox import text_box
from quizkit.viz.confusion import ConfusionMatrixDisplay


def _curves(y_true: Any, scores: Any) -> tuple[Any, Any]:
    """The precision-recall and ROC curves drawn behind the current point."""
    from quizkit.metrics.curves import precision_recall, roc

    return precision_recall(y_true, scores), roc(y_true, scores)


def _shown(value: float) -> str:
    """A table cell: 3 decimals, or "undefined" (e.g. precision when nothing is flagged)."""
    return "undefined" if math.isnan(value) else f"{value:.3f}"


class ThresholdExplorer(traitlets.HasTraits):
    """Move a decision threshold and watch the confusion matrix, metrics and cost change.

    A prediction is positive when ``score >= threshold``. In Jupyter the object shows
    sliders (threshold, cost of a false positive, cost of a false negative), a picture
    (confusion matrix, precision-recall and ROC curves with the current point) and a table.
    Without a front end, :meth:`set_threshold` does the same and returns the metrics.
    ``cost`` is the expected cost per prediction: ``(cost_fp * FP + cost_fn * FN) / n``.
    Precision is NaN ("undefined" in the table) where nothing is flagged.

    Validation chooses, test reports: give ``validation_labels``/``validation_scores`` and
    :meth:`best_threshold` picks on them, while ``chosen`` and the picture report the test
    set (``y_true``/``scores``) at that threshold; ``validation_chosen`` holds validation's
    numbers there. Without validation scores the threshold is picked on the scores shown,
    and a number read at it overstates how the model does on new data (``chosen_on`` says
    which). :meth:`from_run` uses a run's validation scores and starts at their best-F1 threshold.

    >>> ex = ThresholdExplorer([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9])
    >>> ex.set_threshold(0.5)["precision"]
    0.5
    >>> ex.chosen["threshold"], ex.chosen_on
    (0.5, 'test')
    >>> ex = ThresholdExplorer([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9],
    ...                        validation_labels=[0, 1, 0, 1], validation_scores=[0.2, 0.7, 0.3, 0.8])
    >>> t = ex.best_threshold("f1"); t, ex.chosen_on
    (0.7, 'validation')
    >>> ex.set_threshold(t)["recall"], ex.validation_chosen["recall"]
    (0.5, 1.0)
    """

    #: The threshold shown; a trait, so that the widget's slider is linked to it.
    threshold = traitlets.Float(0.5)

    def __init__(
        self,
        y_true: Sequence[Any],
        scores: Sequence[Any],
        cost_fp: float = 1.0,
        cost_fn: float = 1.0,
        labels: Sequence[str] = ("negative", "positive"),
        threshold: float = 0.5,
        *,
        validation_labels: Sequence[Any] | None = None,
        validation_scores: Sequence[Any] | None = None,
    ) -> None:
        from quizkit.metrics import threshold_sweep

        super().__init__()
        if len(labels) != 2:
            raise ValueError(f"labels must name the negative and the positive class, got {labels!r}")
        self.labels = tuple(str(x) for x in labels)
        self.cost_fp = self._check_cost("cost_fp", cost_fp)
        self.cost_fn = self._check_cost("cost_fn", cost_fn)
        if (validation_labels is None) != (validation_scores is None):
            raise ValueError("give both validation_labels and validation_scores (or neither)")
        # The sweep checks the inputs (0/1 labels with both classes, probabilities in [0, 1]).
        self.sweep = threshold_sweep(y_true, scores)
        self.curves = _curves(y_true, scores)
        self.validation_sweep = self.validation_curves = None
        if validation_scores is not None:
            self.validation_sweep = threshold_sweep(validation_labels, validation_scores)
            self.validation_curves = _curves(validation_labels, validation_scores)
        self.validation_chosen: dict[str, float] | None = None
        self._widget: Any = None
        self.figure_: Any = None
        self.png_: bytes = b""
        self.set_threshold(threshold)

    @classmethod
    def from_run(
        cls, run: Predictions, *, cost_fp: float = 1.0, cost_fn: float = 1.0, threshold: float | None = None, choose_by: str = "f1",
    ) -> ThresholdExplorer:
        """Explore a binary :class:`quizkit.train.RunResult`: choose on its validation scores, report on test.

        The explorer starts at ``threshold``, or when that is None at the threshold that is
        best by ``choose_by`` (``"f1"`` or ``"cost"``) on validation. Runs saved without
        validation scores start at 0.5 and can only be explored on test.
        """
        from quizkit.metrics.curves import positive_scores

        run = as_predictions(run, "ThresholdExplorer.from_run")
        scores = positive_scores(run.test_scores)
        validation: dict[str, Any] = {}
        if getattr(run, "validation_scores", None) is not None:
            validation = {"validation_labels": run.validation_labels,
                          "validation_scores": positive_scores(run.validation_scores)}
        explorer = cls(run.test_labels, scores, cost_fp=cost_fp, cost_fn=cost_fn, labels=tuple(run.label_names),
                       threshold=0.5 if threshold is None else threshold, **validation)
        if threshold is None and validation:
            explorer.set_threshold(explorer.best_threshold(choose_by))
        return explorer

    @property
    def chosen_on(self) -> str:
        """Where :meth:`best_threshold` chooses: ``"validation"`` when given, else ``"test"``."""
        return "validation" if self.validation_sweep is not None else "test"

    @staticmethod
    def _check_cost(name: str, value: float) -> float:
        return check_number(name, value, 0.0, math.inf)

    def metrics_at(self, threshold: float) -> dict[str, float]:
        """Precision, recall, F1, accuracy, cost and the four counts at ``threshold``."""
        check_threshold(threshold)
        return self._row(self.sweep, threshold)

    def _row(self, sweep: Any, threshold: float) -> dict[str, float]:
        row = sweep.at(threshold)
        keys = ("threshold", "precision", "recall", "f1", "accuracy", "fpr", "tp", "fp", "fn", "tn")
        chosen = {key: row[key] for key in keys}
        chosen["cost"] = (self.cost_fp * row["fp"] + self.cost_fn * row["fn"]) / (row["tp"] + row["fp"] + row["fn"] + row["tn"])
        return chosen

    def set_threshold(self, threshold: float) -> dict[str, float]:
        """Move to ``threshold``, redraw, and return the test metrics there (also in ``.chosen``;
        validation's are in ``.validation_chosen`` when the explorer has validation scores)."""
        self.metrics_at(threshold)  # a bad value is refused here, before it reaches the trait
        if threshold == self.threshold:
            self._move_to(threshold)  # traitlets notifies changes only
        else:
            self.threshold = threshold  # the observer redraws once; the linked slider follows
        return self.chosen

    @traitlets.observe("threshold")
    def _threshold_changed(self, change: dict[str, Any]) -> None:
        with self._errors_shown():
            self._move_to(change["new"])

    def _errors_shown(self) -> Any:
        """Where a slider's error goes: the widget's ``Output`` (in the cell), not JupyterLab's log.

        Without a widget (or outside IPython, where ``Output`` lets it through) the error is raised.
        """
        return self._widget["errors"] if self._widget is not None else contextlib.nullcontext()

    def _move_to(self, threshold: float) -> None:
        self.chosen = self.metrics_at(threshold)
        if self.validation_sweep is not None:
            self.validation_chosen = self._row(self.validation_sweep, threshold)
        self._render()

    def set_costs(self, cost_fp: float | None = None, cost_fn: float | None = None) -> dict[str, float]:
        """Change what a false positive / false negative costs and recompute."""
        if cost_fp is not None:
            self.cost_fp = self._check_cost("cost_fp", cost_fp)
        if cost_fn is not None:
            self.cost_fn = self._check_cost("cost_fn", cost_fn)
        return self.set_threshold(self.chosen["threshold"])

    def best_threshold(self, metric: str = "f1") -> float:
        """The threshold with the highest F1 (``"f1"``) or the lowest expected cost (``"cost"``),
        chosen on the validation scores when the explorer has them (see ``chosen_on``)."""
        if metric not in ("f1", "cost"):
            raise ValueError(f"metric must be 'f1' or 'cost', got {metric!r}")
        sweep = self.validation_sweep if self.validation_sweep is not None else self.sweep
        return sweep.best(metric, cost_fp=self.cost_fp, cost_fn=self.cost_fn)["threshold"]

    def _draw(self) -> Any:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(13, 4), layout="constrained")
        ax_cm, ax_pr, ax_roc = fig.subplots(1, 3)
        c = self.chosen
        ConfusionMatrixDisplay([[c["tn"], c["fp"]], [c["fn"], c["tp"]]], display_labels=self.labels).plot(ax=ax_cm, colorbar=False)
        ax_cm.set_title(f"Threshold {c['threshold']:.2f}")
        (pr, roc), validation = self.curves, self.validation_curves
        if validation is not None:
            # The curve the threshold was chosen on, behind the test curve it is reported on.
            ax_pr.plot(validation[0].recall, validation[0].precision, "--", color="grey", label="validation")
            ax_roc.plot(validation[1].fpr, validation[1].tpr, "--", color="grey", label="validation")
        ax_pr.plot(pr.recall, pr.precision, color="#1f77b4", label="test" if validation is not None else None)
        ax_pr.plot([c["recall"]], [c["precision"]], "o", color="#d55e00", markersize=9, label="current threshold")
        ax_pr.set(xlabel="Recall", ylabel="Precision", title="Precision-recall curve", xlim=(0, 1.02), ylim=(0, 1.02))
        ax_pr.legend(loc="lower left")
        ax_roc.plot(roc.fpr, roc.tpr, color="#1f77b4", label="test" if validation is not None else None)
        ax_roc.plot([0, 1], [0, 1], ":", color="grey", label="chance")
        ax_roc.plot([c["fpr"]], [c["recall"]], "o", color="#d55e00", markersize=9, label="current threshold")
        ax_roc.set(xlabel="False positive rate", ylabel="True positive rate (recall)", title="ROC curve", xlim=(0, 1.02), ylim=(0, 1.02))
        ax_roc.legend(loc="lower right")
        return fig

    def _render(self) -> None:
        import io

        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.figure_ = self._draw()
        buffer = io.BytesIO()
        FigureCanvasAgg(self.figure_).print_png(buffer)
        self.png_ = buffer.getvalue()
        if self._widget is not None:
            self._widget["image"].value = self.png_
            self._widget["table"].value = self.metrics_html()
            self._widget["box"].text = self._text()

    def _text(self) -> str:
        """The explorer in one line, for front ends without widgets (and the saved notebook)."""
        c = self.chosen
        return (f"ThresholdExplorer: threshold {c['threshold']:.3f}, test recall {c['recall']:.3f}, "
                f"precision {'undefined' if math.isnan(c['precision']) else format(c['precision'], '.3f')}, {c['fp']} false positives, {c['fn']} false negatives")

    def metrics_html(self) -> str:
        """The table under the picture: test numbers, and validation's beside them when given."""
        columns = [("test (reports)", self.chosen)]
        if self.validation_chosen is not None:
            columns.insert(0, ("validation (chooses)", self.validation_chosen))
        rows = [
            ("Precision", "precision"), ("Recall", "recall"), ("F1", "f1"), ("Accuracy", "accuracy"),
            (f"Expected cost per prediction (FP={self.cost_fp:g}, FN={self.cost_fn:g})", "cost"),
        ]
        # An ipywidgets HTML box gets none of the notebook's table styles: without padding
        # "validation (chooses)" and "test (reports)" would run together.
        cell = "padding:2px 10px;white-space:nowrap"
        number = f"{cell};text-align:right;font-variant-numeric:tabular-nums"
        head = "".join(f"<th style='{number}'>{html.escape(name)}</th>" for name, _ in columns) if len(columns) > 1 else ""
        body = (f"<tr><th style='{cell};text-align:left'>Threshold</th>"
                f"<td colspan='{len(columns)}' style='{number}'>{self.chosen['threshold']:.3f}</td></tr>")
        for label, key in rows:
            cells = "".join(f"<td style='{number}'>{_shown(values[key])}</td>" for _, values in columns)
            body += f"<tr><th style='{cell};text-align:left'>{html.escape(label)}</th>{cells}</tr>"
        header = f"<tr><th style='{cell}'></th>{head}</tr>" if head else ""
        return f"<table class='quizkit-threshold-metrics' style='border-collapse:collapse'>{header}{body}</table>"

    @property
    def widget(self) -> Any:
        """The ipywidgets box (sliders, picture, table); built on first use."""
        if self._widget is None:
            import ipywidgets as w

            threshold = w.FloatSlider(
                value=self.chosen["threshold"], min=0.0, max=1.0, step=0.01, description="threshold", continuous_update=False, readout_format=".2f",
            )
            cost_fp = w.FloatSlider(value=self.cost_fp, min=0, max=max(10.0, self.cost_fp), step=0.5, description="cost of FP", continuous_update=False)
            cost_fn = w.FloatSlider(value=self.cost_fn, min=0, max=max(10.0, self.cost_fn), step=0.5, description="cost of FN", continuous_update=False)
            image = w.Image(value=self.png_, format="png", layout=w.Layout(max_width="100%"))
            table = w.HTML(self.metrics_html())
            errors = w.Output()
            self._widget = {"threshold": threshold, "cost_fp": cost_fp, "cost_fn": cost_fn, "image": image, "table": table,
                            "errors": errors}
            traitlets.link((threshold, "value"), (self, "threshold"))  # either side moves the other
            cost_fp.observe(lambda change: self._set_costs_shown(cost_fp=change["new"]), names="value")
            cost_fn.observe(lambda change: self._set_costs_shown(cost_fn=change["new"]), names="value")
            self._widget["box"] = text_box([w.HBox([threshold, cost_fp, cost_fn]), image, table, errors], self._text())
        return self._widget["box"]

    def _set_costs_shown(self, **costs: float) -> None:
        with self._errors_shown():
            self.set_costs(**costs)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
