"""Pictures that explain a classifier: confusion matrix, threshold explorer, learning curves.

Each class follows scikit-learn's Display pattern: the numbers are computed once when the
object is built, ``.plot(ax=None)`` draws them and returns the object, which then holds
``figure_`` and ``ax_``. matplotlib loads only when something is drawn.

>>> from quizkit.viz import ConfusionMatrixPlot
>>> cm = ConfusionMatrixPlot.from_counts(tp=80, fp=20, fn=10, tn=90, display_labels=["ham", "spam"])
>>> [t.get_text() for t in cm.text_.ravel()]
['TN\\n90', 'FP\\n20', 'FN\\n10', 'TP\\n80']
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import traitlets

# Perceptually uniform and readable with every common colour-vision deficiency.
CMAP = "cividis"
# Positions of the outcome names in a binary matrix [[TN, FP], [FN, TP]] (rows actual).
BINARY_CELL_NAMES = (("TN", "FP"), ("FN", "TP"))
NORMALIZE_CHOICES = (None, "true", "both")


def _check_normalize(normalize: str | None) -> None:
    if normalize not in NORMALIZE_CHOICES:
        raise ValueError(f"normalize must be one of {NORMALIZE_CHOICES}, got {normalize!r}")


def _row_normalised(counts: np.ndarray) -> np.ndarray:
    """Each row divided by its total (the class's support); an empty row stays 0."""
    totals = counts.sum(axis=1, keepdims=True)
    return np.divide(counts, totals, out=np.zeros(counts.shape, dtype=float), where=totals > 0)


class ConfusionMatrixPlot:
    """Confusion matrix with rows = actual class and columns = predicted class.

    Binary matrices label every cell with its outcome (TP/FP/FN/TN) and count; the
    row-normalised view shows the share of each actual class, so the diagonal is each
    class's recall. ``normalize="both"`` draws counts and shares side by side.

    >>> cm = ConfusionMatrixPlot.from_predictions([0, 1, 1, 0], [0, 1, 0, 0], normalize="both")
    >>> cm.counts.tolist(), len(cm.axes_)
    ([[2, 0], [1, 1]], 2)
    """

    def __init__(self, confusion_matrix: Any, display_labels: Sequence[Any] | None = None) -> None:
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
        self.normalized = _row_normalised(self.counts)

    @property
    def is_binary(self) -> bool:
        return self.counts.shape[0] == 2

    @classmethod
    def from_predictions(
        cls,
        y_true: Sequence[Any],
        y_pred: Sequence[Any],
        labels: Sequence[Any] | None = None,
        display_labels: Sequence[Any] | None = None,
        normalize: str | None = None,
        ax: Any = None,
    ) -> ConfusionMatrixPlot:
        """Count with :func:`sklearn.metrics.confusion_matrix` and draw."""
        from sklearn.metrics import confusion_matrix

        _check_normalize(normalize)
        if len(y_true) != len(y_pred):
            raise ValueError(f"y_true has {len(y_true)} items but y_pred has {len(y_pred)}")
        classes = list(labels) if labels is not None else sorted(set(np.asarray(y_true).tolist()) | set(np.asarray(y_pred).tolist()))
        if len(classes) < 2:
            raise ValueError(f"only one class ({classes}) appears in y_true and y_pred: pass labels=[...] naming all classes")
        counts = confusion_matrix(y_true, y_pred, labels=classes)
        return cls(counts, display_labels if display_labels is not None else classes).plot(ax=ax, normalize=normalize)

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
    ) -> ConfusionMatrixPlot:
        """A binary matrix from its four cells (the positive class is the second label)."""
        _check_normalize(normalize)
        for name, value in (("tp", tp), ("fp", fp), ("fn", fn), ("tn", tn)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"{name} must be a non-negative integer count, got {value!r}")
        return cls([[tn, fp], [fn, tp]], display_labels).plot(ax=ax, normalize=normalize)

    @classmethod
    def from_run(cls, run: Any, normalize: str | None = None, ax: Any = None) -> ConfusionMatrixPlot:
        """The test-set matrix of a :class:`quizkit.train.RunResult`, with its class names."""
        names = list(run.label_names)
        return cls.from_predictions(
            run.test_labels, run.test_predictions, labels=list(range(len(names))),
            display_labels=names, normalize=normalize, ax=ax,
        )

    def cell_text(self, row: int, col: int, normalized: bool) -> str:
        count = int(self.counts[row, col])
        value = f"{self.normalized[row, col]:.0%}\n({count})" if normalized else str(count)
        if self.is_binary:
            return f"{BINARY_CELL_NAMES[row][col]}\n{value}"
        return value

    def plot(self, ax: Any = None, normalize: str | None = None, colorbar: bool = True) -> ConfusionMatrixPlot:
        """Draw; ``normalize`` None (counts), ``"true"`` (row shares) or ``"both"``.

        With ``"both"`` and no ``ax``, two panels are made; ``ax`` may be a pair of axes.
        ``ax_``/``im_``/``text_`` refer to the first panel, ``axes_``/``ims_``/``texts_`` to all.
        """
        from sklearn.metrics import ConfusionMatrixDisplay

        _check_normalize(normalize)
        views = [False, True] if normalize == "both" else [normalize == "true"]
        if ax is None:
            import matplotlib.pyplot as plt

            k = self.counts.shape[0]
            size = 2.2 + 0.9 * k
            fig, axes = plt.subplots(1, len(views), figsize=(size * len(views) + 1, size), squeeze=False, layout="constrained")
            axes = list(axes[0])
        else:
            axes = list(ax) if isinstance(ax, (list, tuple, np.ndarray)) else [ax]
            if len(axes) != len(views):
                raise ValueError(f"normalize={normalize!r} draws {len(views)} panel(s) but {len(axes)} axes were given")
        self.axes_, self.ims_, self.texts_ = [], [], []
        for axis, normalized in zip(axes, views):
            display = ConfusionMatrixDisplay(self.normalized if normalized else self.counts, display_labels=self.display_labels)
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


def _binary_targets(y_true: Sequence[Any], scores: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y_true)
    s = np.asarray(scores, dtype=float)
    if y.ndim != 1 or s.ndim != 1:
        raise ValueError(f"y_true and scores must be 1-D (binary task); got shapes {y.shape} and {s.shape}")
    if len(y) != len(s):
        raise ValueError(f"y_true has {len(y)} items but scores has {len(s)}")
    if len(y) == 0:
        raise ValueError("y_true is empty")
    if not set(np.unique(y).tolist()) <= {0, 1}:
        raise ValueError(f"y_true must hold 0/1 labels (1 = positive class), got values {sorted(np.unique(y).tolist())[:5]}")
    if not np.all(np.isfinite(s)) or s.min() < 0 or s.max() > 1:
        raise ValueError("scores must be probabilities of the positive class in [0, 1] (apply softmax/sigmoid to logits)")
    if len(set(y.tolist())) < 2:
        raise ValueError("y_true must contain both classes (0 and 1) to sweep thresholds")
    return y.astype(int), s


def _positive_scores(values: Any, name: str) -> np.ndarray:
    """P(label 1) of a binary run's scores (a 1-D array, or the second column of an (n, 2) one)."""
    scores = np.asarray(values)
    if scores.ndim == 2 and scores.shape[1] == 2:
        scores = scores[:, 1]
    if scores.ndim != 1:
        raise ValueError(f"ThresholdExplorer needs a binary run; {name} has shape {scores.shape}")
    return scores


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
        self.y_true, self.scores = _binary_targets(y_true, scores)
        if len(labels) != 2:
            raise ValueError(f"labels must name the negative and the positive class, got {labels!r}")
        self.labels = tuple(str(x) for x in labels)
        self.cost_fp = self._check_cost("cost_fp", cost_fp)
        self.cost_fn = self._check_cost("cost_fn", cost_fn)
        self.sweep = threshold_sweep(self.y_true, self.scores)
        if (validation_labels is None) != (validation_scores is None):
            raise ValueError("give both validation_labels and validation_scores (or neither)")
        self.validation_sweep = None
        if validation_scores is not None:
            self.validation_sweep = threshold_sweep(*_binary_targets(validation_labels, validation_scores))
        self.validation_chosen: dict[str, float] | None = None
        self._widget: Any = None
        self.figure_: Any = None
        self.png_: bytes = b""
        self.set_threshold(threshold)

    @classmethod
    def from_run(
        cls, run: Any, cost_fp: float = 1.0, cost_fn: float = 1.0, threshold: float | None = None, choose_by: str = "f1",
    ) -> ThresholdExplorer:
        """Explore a binary :class:`quizkit.train.RunResult`: choose on its validation scores, report on test.

        The explorer starts at ``threshold``, or when that is None at the threshold that is
        best by ``choose_by`` (``"f1"`` or ``"cost"``) on validation. Runs saved without
        validation scores start at 0.5 and can only be explored on test.
        """
        scores = _positive_scores(run.test_scores, "test_scores")
        validation: dict[str, Any] = {}
        if getattr(run, "validation_scores", None) is not None:
            validation = {"validation_labels": run.validation_labels,
                          "validation_scores": _positive_scores(run.validation_scores, "validation_scores")}
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
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a non-negative number, got {value!r}")
        return float(value)

    def metrics_at(self, threshold: float) -> dict[str, float]:
        """Precision, recall, F1, accuracy, cost and the four counts at ``threshold``."""
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
            raise ValueError(f"threshold must be a number between 0 and 1, got {threshold!r}")
        return self._row(self.sweep, threshold)

    def _row(self, sweep: Any, threshold: float) -> dict[str, float]:
        row = sweep.at(threshold)
        keys = ("threshold", "precision", "recall", "f1", "accuracy", "tp", "fp", "fn", "tn")
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
        self._move_to(change["new"])

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
        ConfusionMatrixPlot([[c["tn"], c["fp"]], [c["fn"], c["tp"]]], self.labels).plot(ax=ax_cm, colorbar=False)
        ax_cm.set_title(f"Threshold {c['threshold']:.2f}")
        sweep, validation = self.sweep, self.validation_sweep
        if validation is not None:
            # The curve the threshold was chosen on, behind the test curve it is reported on.
            ax_pr.plot(validation.recall, validation.precision, "--", color="grey", label="validation")
            ax_roc.plot(validation.fpr, validation.tpr, "--", color="grey", label="validation")
        ax_pr.plot(sweep.recall, sweep.precision, color="#1f77b4", label="test" if validation is not None else None)
        ax_pr.plot([c["recall"]], [c["precision"]], "o", color="#d55e00", markersize=9, label="current threshold")
        ax_pr.set(xlabel="Recall", ylabel="Precision", title="Precision-recall curve", xlim=(0, 1.02), ylim=(0, 1.02))
        ax_pr.legend(loc="lower left")
        n_neg = c["tn"] + c["fp"]
        fpr = c["fp"] / n_neg if n_neg else 0.0
        ax_roc.plot(sweep.fpr, sweep.tpr, color="#1f77b4", label="test" if validation is not None else None)
        ax_roc.plot([0, 1], [0, 1], ":", color="grey", label="chance")
        ax_roc.plot([fpr], [c["recall"]], "o", color="#d55e00", markersize=9, label="current threshold")
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

    def metrics_html(self) -> str:
        """The table under the picture: test numbers, and validation's beside them when given."""
        columns = [("test (reports)", self.chosen)]
        if self.validation_chosen is not None:
            columns.insert(0, ("validation (chooses)", self.validation_chosen))
        rows = [
            ("Precision", "precision"), ("Recall", "recall"), ("F1", "f1"), ("Accuracy", "accuracy"),
            (f"Expected cost per prediction (FP={self.cost_fp:g}, FN={self.cost_fn:g})", "cost"),
        ]
        head = "".join(f"<th>{html.escape(name)}</th>" for name, _ in columns) if len(columns) > 1 else ""
        body = f"<tr><th style='text-align:left'>Threshold</th><td colspan='{len(columns)}'>{self.chosen['threshold']:.3f}</td></tr>"
        for label, key in rows:
            cells = "".join(f"<td>{_shown(values[key])}</td>" for _, values in columns)
            body += f"<tr><th style='text-align:left'>{html.escape(label)}</th>{cells}</tr>"
        header = f"<tr><th></th>{head}</tr>" if head else ""
        return f"<table class='quizkit-threshold-metrics'>{header}{body}</table>"

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
            self._widget = {"threshold": threshold, "cost_fp": cost_fp, "cost_fn": cost_fn, "image": image, "table": table}
            traitlets.link((threshold, "value"), (self, "threshold"))  # either side moves the other
            cost_fp.observe(lambda change: self.set_costs(cost_fp=change["new"]), names="value")
            cost_fn.observe(lambda change: self.set_costs(cost_fn=change["new"]), names="value")
            self._widget["box"] = w.VBox([w.HBox([threshold, cost_fp, cost_fn]), image, table])
        return self._widget["box"]

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _repr_html_(self) -> str:
        # Static fallback (e.g. nbconvert without widget state): the picture and the table.
        picture = base64.b64encode(self.png_).decode()
        return f"<img src='data:image/png;base64,{picture}' style='max-width:100%'/>{self.metrics_html()}"


# Trainer log keys that are bookkeeping, not metrics.
_NOT_METRICS = ("eval_loss", "eval_runtime", "eval_samples_per_second", "eval_steps_per_second", "epoch", "step")


def _line_style(points: Sequence[Any]) -> str:
    """A lone point drawn as a line is invisible: give it a marker."""
    return "o" if len(points) == 1 else "-"


class LearningCurvePlot:
    """Train loss and eval loss over training steps, from ``trainer.state.log_history``.

    ``best_step`` is the eval with the lowest eval loss (or, with ``best_by="metric"``, the
    best value of ``metric``); ``rise_step`` is the first eval after the lowest eval loss that
    is more than ``rise_margin`` (a fraction, 0.05 = 5 %) above it: where overfitting shows.

    >>> history = [{"loss": 0.7, "step": 10}, {"eval_loss": 0.6, "step": 10},
    ...            {"loss": 0.3, "step": 20}, {"eval_loss": 0.5, "step": 20},
    ...            {"loss": 0.1, "step": 30}, {"eval_loss": 0.7, "step": 30}]
    >>> curve = LearningCurvePlot(history)
    >>> curve.best_step, curve.rise_step
    (20, 30)
    """

    def __init__(
        self,
        log_history: Sequence[Mapping[str, Any]],
        metric: str | None = None,
        best_by: str = "eval_loss",
        rise_margin: float = 0.05,
    ) -> None:
        if isinstance(log_history, (str, bytes)) or not isinstance(log_history, Sequence):
            raise TypeError(f"log_history must be a list of dicts (trainer.state.log_history), got {type(log_history).__name__}")
        if best_by not in ("eval_loss", "metric"):
            raise ValueError(f"best_by must be 'eval_loss' or 'metric', got {best_by!r}")
        if not isinstance(rise_margin, (int, float)) or rise_margin < 0:
            raise ValueError(f"rise_margin must be a non-negative fraction, got {rise_margin!r}")
        for i, entry in enumerate(log_history):
            if not isinstance(entry, Mapping) or "step" not in entry:
                raise ValueError(f"log_history[{i}] must be a dict with a 'step', got {entry!r}")
        self.train = [(int(e["step"]), float(e["loss"])) for e in log_history if "loss" in e]
        evals = [e for e in log_history if "eval_loss" in e]
        self.eval = [(int(e["step"]), float(e["eval_loss"])) for e in evals]
        if not self.train and not self.eval:
            raise ValueError("log_history has no 'loss' or 'eval_loss' entries: was logging/evaluation switched on?")
        available = sorted({k for e in evals for k in e if k.startswith("eval_") and k not in _NOT_METRICS})
        if metric is None:
            metric = "eval_f1" if "eval_f1" in available else (available[0] if available else None)
        elif metric not in available:
            raise ValueError(f"metric {metric!r} is not in the eval logs; available: {available}")
        self.metric = metric
        self.metric_values = [(int(e["step"]), float(e[metric])) for e in evals if metric and metric in e]
        if best_by == "metric" and not self.metric_values:
            raise ValueError("best_by='metric' needs an eval metric in log_history")
        self.best_by = best_by
        self.rise_margin = float(rise_margin)
        self.min_eval_step, self.min_eval_loss = min(self.eval, key=lambda p: p[1]) if self.eval else (None, None)
        if best_by == "metric":
            # Losses and error rates are better low; everything else (accuracy, F1...) high.
            lower_is_better = "loss" in metric or "error" in metric
            self.best_step = (min if lower_is_better else max)(self.metric_values, key=lambda p: p[1])[0]
        else:
            self.best_step = self.min_eval_step
        self.rise_step = self.rise_loss = None
        if self.eval:
            after = [p for p in self.eval if p[0] > self.min_eval_step]
            risen = [p for p in after if p[1] > self.min_eval_loss * (1 + self.rise_margin)]
            if risen:
                self.rise_step, self.rise_loss = risen[0]

    @classmethod
    def from_log_history(cls, log_history: Sequence[Mapping[str, Any]], metric: str | None = None, ax: Any = None, **kwargs: Any) -> LearningCurvePlot:
        """Compute from a Trainer log history and draw."""
        return cls(log_history, metric=metric, **kwargs).plot(ax=ax)

    @classmethod
    def from_run(cls, run: Any, metric: str | None = None, ax: Any = None, **kwargs: Any) -> LearningCurvePlot:
        """The learning curves of a :class:`quizkit.train.RunResult`."""
        return cls.from_log_history(run.log_history, metric=metric, ax=ax, **kwargs)

    def plot(self, ax: Any = None) -> LearningCurvePlot:
        """Draw losses (and the metric in a second panel when there is one).

        ``ax`` is one axes (losses only) or a pair (losses, metric).
        """
        panels = 2 if self.metric_values else 1
        if ax is None:
            import matplotlib.pyplot as plt

            fig, axes = plt.subplots(1, panels, figsize=(6 * panels, 4), squeeze=False, layout="constrained")
            axes = list(axes[0])
        else:
            axes = list(ax) if isinstance(ax, (list, tuple, np.ndarray)) else [ax]
            axes = axes[:panels]
        loss_ax = axes[0]
        if self.train:
            loss_ax.plot(*zip(*self.train), _line_style(self.train), label="train loss", color="#0072b2")
        if self.eval:
            loss_ax.plot(*zip(*self.eval), "o-", label="eval loss", color="#d55e00")
        if self.best_step is not None:
            loss_ax.axvline(self.best_step, linestyle="--", color="#009e73", label=f"best checkpoint (step {self.best_step})")
        if self.rise_step is not None:
            loss_ax.plot([self.rise_step], [self.rise_loss], "X", markersize=11, color="black",
                         label=f"eval loss rising (step {self.rise_step})")
        loss_ax.set(xlabel="Training step", ylabel="Loss", title="Train vs eval loss")
        loss_ax.legend()
        if self.metric_values and len(axes) > 1:
            metric_ax = axes[1]
            metric_ax.plot(*zip(*self.metric_values), "o-", color="#cc79a7", label=self.metric)
            if self.best_step is not None:
                metric_ax.axvline(self.best_step, linestyle="--", color="#009e73", label="best checkpoint")
            metric_ax.set(xlabel="Training step", ylabel=self.metric, title=f"{self.metric} on the eval set")
            metric_ax.legend()
        from matplotlib.ticker import MaxNLocator

        last_step = max(step for step, _ in self.train + self.eval)
        for step_ax in axes[:panels]:
            # Steps are whole numbers, and training starts at step 0: without this a single
            # evaluation sits alone on an axis ticked 26.96, 26.98, 27.00...
            step_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            step_ax.set_xlim(0, max(1, last_step) * 1.04)
        self.axes_ = axes
        self.ax_ = loss_ax
        self.figure_ = loss_ax.figure
        return self


# Curves, calibration and the class report live in their own modules (imported last: report
# builds on ConfusionMatrixPlot above).
from quizkit.viz.calibration import ReliabilityDiagram as ReliabilityDiagram  # noqa: E402
from quizkit.viz.curves import PrecisionRecallPlot as PrecisionRecallPlot  # noqa: E402
from quizkit.viz.curves import RocCurvePlot as RocCurvePlot  # noqa: E402
from quizkit.viz.report import ClassificationReportPlot as ClassificationReportPlot  # noqa: E402
