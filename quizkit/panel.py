"""A widget form that fine-tunes a model and draws its learning curves live.

Training runs in a background thread, so the Stop button (and the rest of the notebook)
keeps working while the model trains; the Trainer callback updates the widgets, which
ipywidgets syncs to the browser from any thread. Only core ipywidgets and matplotlib (Agg,
rendered to PNG) are used.

>>> from quizkit.panel import TrainingPanel
>>> panel = TrainingPanel()
>>> panel  # doctest: +SKIP
>>> _ = panel.set(model="tiny", n=200)  # or use the form
>>> panel.run_button.click()  # doctest: +SKIP
>>> panel.wait().last_run.test_metrics.f1  # doctest: +SKIP

The same run without widgets (scripts, ``accelerate launch``, CI)::

    from quizkit.train import run
    result = run(model="tiny", data={"task": "spam", "n": 200}, epochs=1)
"""

from __future__ import annotations

import html
import io
import math
import threading
import time
from typing import Any

# The panel exists to train, so loading transformers with it costs nothing extra.
from traitlets import TraitError
from transformers import TrainerCallback

from quizkit.data import TASKS
from quizkit.models import BUNDLED
from quizkit.metrics.registry import metric_names
from quizkit.train import EVAL_STRATEGIES, PADDINGS, RunConfig, RunResult, run
from quizkit.train.config import CLASS_WEIGHTS, warn_class_weights_renamed

# The panel starts where run() starts: the same defaults, from the one place that sets them.
DEFAULTS = RunConfig()
# Columns of the run table: (heading, how to read it from a RunResult). Related settings share
# a column so that the table, with the four test metrics, fits a 1366 px wide screen.
_CONFIG_COLUMNS = (
    ("model", lambda r: r.config.model),
    ("data", lambda r: _data_text(r.data_description)),
    ("epochs · lr · batch", lambda r: f"{r.config.epochs:g} · {r.config.learning_rate:.0e} · {r.config.batch_size}"),
    ("length · padding", lambda r: f"{r.extra.get('max_length', r.config.max_length)} · {r.config.padding}"),
    ("weights · patience", lambda r: f"{r.config.class_weight or 'none'} · {r.config.early_stopping_patience or 'off'}"),
    ("steps", lambda r: f"{r.steps}/{r.planned_steps}{_stop_note(r)}"),
    ("time", lambda r: f"{r.wall_time_s:.0f} s"),
)
# Test metrics: (heading, RunResult.test_metrics attribute).
_METRIC_COLUMNS = (("test acc.", "accuracy"), ("prec.", "precision"), ("recall", "recall"), ("F1", "f1"))
# Configuration columns that hold numbers (right-aligned).
_NUMBER_COLUMNS = ("steps", "time")


def _metric_cell(value: float) -> str:
    """A metric's table cell: 3 digits, or a dash where it is undefined (precision when the
    model predicted no positive: a stopped or untrained run often does)."""
    value = float(value)
    if math.isnan(value):
        return "<td class='number' title='undefined: the model predicted no example of this class'>—</td>"
    return f"<td class='number'>{value:.3f}</td>"


def _data_text(description: dict[str, Any]) -> str:
    """"spam, 600, 50% pos." (task, examples, positive rate) from a run's data description."""
    text = f"{description.get('task', 'custom')}, {description.get('n', '?')}"
    rate = description.get("positive_rate")
    return text + (f", {float(rate):.0%} pos." if isinstance(rate, (int, float)) else "")


def _stop_note(result: RunResult) -> str:
    if not result.stopped_early:
        return ""
    return " (stopped by you)" if result.extra.get("stopped_by_user") else " (early stop)"


def _is_binary(task: str) -> bool:
    return len(TASKS.get(task, ())) == 2


class _PanelCallback(TrainerCallback):
    """Forwards Trainer events to the panel; turns a Stop click into ``should_training_stop``."""

    def __init__(self, panel: TrainingPanel) -> None:
        self.panel = panel

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.panel._training_started(state.max_steps)

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.panel._show_progress(state.global_step, state.max_steps, state.epoch or 0.0)
        if self.panel._stop_requested.is_set():
            control.should_training_stop = True

    def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kwargs: Any) -> None:
        self.panel._plot(state.log_history)


class TrainingPanel:
    """Form + Run/Stop + live learning curves + a table comparing this session's runs.

    ``runs`` holds every finished :class:`~quizkit.train.RunResult`, ``last_run`` the newest;
    an exception in a run is kept in ``error`` and shown in the panel. A stopped run ends at
    the next step and is still evaluated on validation and test (its partial metrics are
    kept), and its table row says "stopped by you".
    """

    def __init__(self) -> None:
        import ipywidgets as w

        style = {"description_width": "110px"}
        self.model = w.Dropdown(options=list(BUNDLED), value="minilm", description="model", style=style)
        self.task = w.Dropdown(options=list(TASKS), value="spam", description="task", style=style)
        self.n = w.BoundedIntText(value=600, min=50, max=20000, step=50, description="examples (n)", style=style)
        self.positive_rate = w.FloatSlider(value=0.5, min=0.02, max=0.98, step=0.02, description="positive rate", style=style)
        self.epochs = w.BoundedFloatText(value=1.0, min=0.1, max=50, step=0.5, description="epochs", style=style)
        self.learning_rate = w.FloatLogSlider(value=DEFAULTS.learning_rate, base=10, min=-6, max=-2, step=0.1, readout_format=".0e",
                                              description="learning rate", style=style)
        self.batch_size = w.Dropdown(options=[4, 8, 16, 32, 64], value=16, description="batch size", style=style)
        self.max_length = w.Dropdown(options=[16, 32, 64, 128, 256, 512], value=128, description="max length", style=style)
        self.padding = w.ToggleButtons(options=list(PADDINGS), value=DEFAULTS.padding, description="padding", style=style)
        self.eval_strategy = w.Dropdown(options=list(EVAL_STRATEGIES), value=DEFAULTS.eval_strategy, description="evaluate every", style=style)
        self.early_stopping_patience = w.BoundedIntText(value=0, min=0, max=20, description="patience (0=off)", style=style)
        # "none" as a value, not None: a Dropdown whose value is None shows an empty box.
        self.class_weight = w.Dropdown(options=[*CLASS_WEIGHTS, "none"], value=DEFAULTS.class_weight or "none",
                                        description="class weights", style=style)
        self.metric = w.Dropdown(options=list(metric_names()), value=DEFAULTS.metric_for_best_model, description="metric", style=style)
        self.run_button = w.Button(description="Run", button_style="success", icon="play")
        self.stop_button = w.Button(description="Stop", button_style="danger", icon="stop", disabled=True)
        self.progress_bar = w.IntProgress(value=0, min=0, max=1, description="progress")
        self.progress = w.HTML("No run yet.")
        self.plot = w.Image(format="png", value=self._render(None))
        self.empty_plot = bytes(self.plot.value)
        self.table = w.HTML(self._table_html())
        self.error_box = w.HTML("")
        self.runs: list[RunResult] = []
        self.error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stop_requested = threading.Event()
        self._started_at = 0.0
        self.task.observe(self._on_task, names="value")
        self.run_button.on_click(self._on_run)
        self.stop_button.on_click(self._on_stop)
        form = w.VBox([
            w.HBox([w.VBox([self.model, self.task, self.n, self.positive_rate, self.class_weight, self.metric]),
                    w.VBox([self.epochs, self.learning_rate, self.batch_size, self.max_length, self.eval_strategy,
                            self.early_stopping_patience])]),
            self.padding,
        ])
        self.widget = w.VBox([
            form, w.HBox([self.run_button, self.stop_button, self.progress_bar, self.progress]),
            self.error_box, self.plot, self.table,
        ])

    # -- public API ---------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def last_run(self) -> RunResult | None:
        return self.runs[-1] if self.runs else None

    def set(self, **values: Any) -> TrainingPanel:
        """Set form fields by name (``panel.set(model="tiny", epochs=2)``); returns the panel."""
        for name, value in values.items():
            if name == "class_weights":
                warn_class_weights_renamed("TrainingPanel.set")
                name = "class_weight"
            control = self._controls().get(name)
            if control is None:
                raise ValueError(f"TrainingPanel.set: unknown field {name!r}; fields are {sorted(self._controls())}")
            if name == "class_weight" and value is None:
                value = "none"  # RunConfig's spelling of the same choice
            try:
                control.value = value
            except TraitError as error:
                raise ValueError(f"TrainingPanel.set: {name}={value!r} is not allowed ({error})") from error
        return self

    def config(self) -> RunConfig:
        """The :class:`~quizkit.train.RunConfig` the form describes (raises on bad values)."""
        return RunConfig(
            model=self.model.value,
            data=self._data_spec(),
            epochs=float(self.epochs.value),
            learning_rate=float(self.learning_rate.value),
            batch_size=int(self.batch_size.value),
            max_length=int(self.max_length.value),
            padding=self.padding.value,
            eval_strategy=self.eval_strategy.value,
            early_stopping_patience=self.early_stopping_patience.value or None,
            metric_for_best_model=self.metric.value,
            class_weight=None if self.class_weight.value == "none" else self.class_weight.value,
            disable_tqdm=True,
        )

    def _data_spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"task": self.task.value, "n": int(self.n.value)}
        if _is_binary(self.task.value):
            spec["positive_rate"] = float(self.positive_rate.value)
        return spec

    def wait(self, timeout: float | None = None) -> TrainingPanel:
        """Block until the current run (if any) ends; returns the panel."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    # -- buttons ------------------------------------------------------------------------
    def _on_run(self, _button: Any = None) -> None:
        # Guarded by a lock as well as the disabled button: two clicks may arrive before the
        # front end has seen the button disabled.
        with self._lock:
            if self.running:
                return
            try:
                config = self.config()
            except Exception as error:  # noqa: BLE001 - whatever stops a run is the learner's to read, in the panel
                self._show_error(error)
                return
            self.error = None
            self.error_box.value = ""
            self._stop_requested.clear()
            self.run_button.disabled = True
            self.stop_button.disabled = False
            self.progress_bar.value = 0
            self.progress.value = "Loading the model and tokenizing..."
            self.plot.value = self.empty_plot
            self._thread = threading.Thread(target=self._train, args=(config,), name="quizkit-training", daemon=True)
            self._thread.start()

    def _on_task(self, change: Any) -> None:
        # The positive rate only means something when there is one positive class.
        self.positive_rate.disabled = not _is_binary(change["new"])

    def _on_stop(self, _button: Any = None) -> None:
        if self.running:
            self._stop_requested.set()
            self.progress.value += " Stopping after this step..."

    def _train(self, config: RunConfig) -> None:
        try:
            result = run(config, extra_callbacks=[_PanelCallback(self)])
            result.extra["stopped_by_user"] = self._stop_requested.is_set() and result.stopped_early
            self.runs.append(result)
            self._plot(result.log_history)
            self.table.value = self._table_html()
            self.progress.value = self._progress_text(result.steps, result.planned_steps, None) + (
                " Stopped early." if result.stopped_early else " Done.")
        except BaseException as error:  # a thread's exception would otherwise vanish
            self._show_error(error)
        finally:
            self.run_button.disabled = False
            self.stop_button.disabled = True

    # -- drawing ------------------------------------------------------------------------
    def _show_error(self, error: BaseException) -> None:
        self.error = error
        self.error_box.value = (
            '<div style="border:2px solid #b00020;background:#fdecea;padding:6px;margin:4px 0">'
            f"<b>{html.escape(type(error).__name__)}</b>: {html.escape(str(error))}</div>"
        )
        self.progress.value = "Run failed: see the message above."

    def _training_started(self, max_steps: int) -> None:
        self._started_at = time.perf_counter()
        self.progress_bar.max = max_steps
        self.progress_bar.value = 0
        self.progress.value = self._progress_text(0, max_steps, 0.0)

    def _show_progress(self, step: int, max_steps: int, epoch: float) -> None:
        self.progress_bar.value = step
        self.progress.value = self._progress_text(step, max_steps, epoch)

    def _progress_text(self, step: int, max_steps: int, epoch: float | None) -> str:
        epoch_text = "" if epoch is None else f", epoch {epoch:.2f}"
        return f"step {step}/{max_steps}{epoch_text}, {time.perf_counter() - self._started_at:.1f} s"

    def _plot(self, log_history: list[dict[str, Any]]) -> None:
        self.plot.value = self._render(log_history)

    def _render(self, log_history: list[dict[str, Any]] | None) -> bytes:
        """PNG of the learning curves so far (an empty frame before the first log)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from quizkit.viz import LearningCurveDisplay

        # A Figure, not pyplot: pyplot's global state is not safe to touch from the training thread.
        fig = Figure(figsize=(11, 3.6), layout="constrained")
        axes = fig.subplots(1, 2)
        has_logs = bool(log_history) and any("loss" in e or "eval_loss" in e for e in log_history)
        if has_logs:
            metric = f"eval_{self.metric.value}"
            present = any(metric in e for e in log_history)
            LearningCurveDisplay.from_log_history(log_history, metric=metric if present else None, ax=list(axes))
        for ax in axes[1:] if has_logs else axes:
            if not ax.has_data():
                ax.text(0.5, 0.5, "waiting for the first evaluation" if has_logs else "no training logs yet",
                        ha="center", va="center", transform=ax.transAxes, color="grey")
                ax.set(xticks=[], yticks=[])
        buffer = io.BytesIO()
        FigureCanvasAgg(fig).print_png(buffer)
        return buffer.getvalue()

    def _table_html(self) -> str:
        if not getattr(self, "runs", None):
            return "<p><i>Runs of this session will be compared here.</i></p>"
        head = "".join(f"<th>{html.escape(h)}</th>" for h, _ in _CONFIG_COLUMNS)
        head += "".join(f"<th class='number'>{h}</th>" for h, _ in _METRIC_COLUMNS)
        rows = []
        for i, result in enumerate(self.runs, 1):
            cells = "".join(f"<td{' class=number' if h in _NUMBER_COLUMNS else ''}>{html.escape(str(read(result)))}</td>"
                            for h, read in _CONFIG_COLUMNS)
            cells += "".join(_metric_cell(getattr(result.test_metrics, m)) for _, m in _METRIC_COLUMNS)
            rows.append(f"<tr><td class='number'>{i}</td>{cells}</tr>")
        # One line per row (wrapped cells make a table hard to scan); on a screen too narrow
        # even for that, the table scrolls sideways in its own box instead of widening the page.
        # Numbers are right-aligned so that their digits line up down a column.
        style = ("<style>table.quizkit-runs th, table.quizkit-runs td {white-space:nowrap; padding:2px 6px; text-align:left;"
                 " vertical-align:top} table.quizkit-runs .number {text-align:right; font-variant-numeric:tabular-nums}</style>")
        return (f'{style}<div style="overflow-x:auto;max-width:100%"><table class="quizkit-runs" style="font-size:0.85em">'
                f'<tr><th>#</th>{head}</tr>{"".join(rows)}</table></div>')

    def _controls(self) -> dict[str, Any]:
        names = ("model", "task", "n", "positive_rate", "epochs", "learning_rate", "batch_size", "max_length",
                 "padding", "eval_strategy", "early_stopping_patience", "class_weight", "metric")
        return {name: getattr(self, name) for name in names}
