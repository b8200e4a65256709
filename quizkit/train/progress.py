"""Live progress and a tidy log table for a ``Trainer`` run: :class:`TrainingProgress`.

The Trainer's own displays print every log as a raw dict (``disable_tqdm=True``) or leave a
full-width bar and six-digit table behind. :class:`TrainingProgress` is a ``TrainerCallback``
that shows a live bar while the run trains and evaluates, collapses it to one line when the
run ends, and keeps one table row per evaluation (epoch, step, losses, metrics to 3 digits),
so a saved notebook holds the line and the table only. :func:`show_progress` puts it on a
Trainer in place of the Trainer's own progress display.

>>> row = log_row({"eval_loss": 0.50213, "eval_f1": 0.9, "eval_runtime": 0.56, "epoch": 1.0}, step=27, training_loss=0.5338)
>>> row
{'epoch': '1', 'step': '27', 'training loss': '0.534', 'validation loss': '0.502', 'f1': '0.900'}
>>> print(text_table([row]))
epoch  step  training loss  validation loss     f1
    1    27          0.534            0.502  0.900
"""

from __future__ import annotations

import html
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any

from transformers import PrinterCallback, ProgressCallback, TrainerCallback
from transformers.utils import logging as hf_logging
from transformers.utils.notebook import NotebookProgressCallback

# Trainer bookkeeping that says nothing about how well the model does.
_NOT_METRICS = ("runtime", "samples_per_second", "steps_per_second", "model_preparation_time", "total_flos", "epoch")
# Seconds between redraws of the live bar (each redraw is a message to the front end).
REFRESH_S = 0.5
# Evaluations and predictions outside training show a bar only once they take this long.
QUIET_S = 2.0


def log_row(metrics: Mapping[str, Any], *, step: int, training_loss: float | None) -> dict[str, str]:
    """One evaluation as table cells: epoch, step, losses and metrics (3 digits), bookkeeping dropped."""
    epoch = metrics.get("epoch")
    row = {
        "epoch": "" if epoch is None else _epochs(epoch),
        "step": str(step),
        "training loss": "" if training_loss is None else f"{training_loss:.3f}",
    }
    for key, value in metrics.items():
        name = key.split("_", 1)[1] if "_" in key else key  # eval_f1 -> f1
        if name in _NOT_METRICS or not isinstance(value, (int, float)):
            continue
        row["validation loss" if name == "loss" else name.replace("_", " ")] = f"{value:.3f}"
    return row


def _columns(rows: Sequence[Mapping[str, str]]) -> list[str]:
    """Every column some row fills, in order (no training loss column before the first log)."""
    columns: list[str] = []
    for row in rows:
        columns += [c for c, v in row.items() if v and c not in columns]
    return columns


def text_table(rows: Sequence[Mapping[str, str]]) -> str:
    """The rows as right-aligned plain-text columns (the notebook's ``text/plain`` and scripts)."""
    columns = _columns(rows)
    widths = [max(len(c), *(len(r.get(c, "")) for r in rows)) for c in columns]
    lines = [columns] + [[r.get(c, "") for c in columns] for r in rows]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(line, widths)) for line in lines)


def html_table(rows: Sequence[Mapping[str, str]]) -> str:
    """The rows as an HTML table whose cells never wrap (a number stays on one line)."""
    columns = _columns(rows)
    cell = "padding:2px 8px;white-space:nowrap;text-align:right"
    head = "".join(f'<th style="{cell}">{html.escape(c)}</th>' for c in columns)
    body = "".join(
        "<tr>" + "".join(f'<td style="{cell};font-variant-numeric:tabular-nums">{html.escape(r.get(c, ""))}</td>' for c in columns) + "</tr>"
        for r in rows
    )
    return f'<table class="quizkit-train-log"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _epochs(epoch: float | None) -> str:
    return f"{round(float(epoch or 0), 2):g}"


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


class _Line:
    """One output line that can be redrawn: a display in a notebook, a tqdm bar on a terminal.

    In a notebook every state of the line carries the same kinds of data (HTML and plain
    text), so tools that keep the first state (nbval) and those that keep the last (a saved
    notebook) hold comparable outputs.
    """

    def __init__(self, notebook: bool, total: int):
        self.notebook, self.total = notebook, total
        self.handle: Any = None
        if not notebook:
            from tqdm import tqdm

            self.bar = tqdm(total=total, leave=False, file=sys.stderr, dynamic_ncols=True)

    def _show(self, html_text: str, plain: str) -> None:
        data = {"text/html": f"<div style='white-space:nowrap'>{html_text}</div>", "text/plain": plain}
        if self.handle is None:
            from IPython.display import display

            self.handle = display(data, raw=True, display_id=True)
        else:
            self.handle.update(data, raw=True)

    def draw(self, done: int, label: str, clock: str = "") -> None:
        """Show ``done`` of the total and ``label``; ``clock`` (elapsed time) goes in the live
        HTML only, so the text a saved notebook keeps does not change from run to run."""
        if self.notebook:
            bar = f'<progress value="{done}" max="{self.total}" style="width:300px;vertical-align:middle"></progress>'
            shown = f"{label}, {clock}" if clock else label
            self._show(f"{bar} {html.escape(shown)}", label)
        else:
            self.bar.n = done
            self.bar.set_postfix_str(label, refresh=True)

    def finish(self, line: str) -> None:
        """Replace the bar by the one line ``line``."""
        if self.notebook:
            self._show(html.escape(line), line)
        else:
            self.bar.close()
            print(line)


class TrainingProgress(TrainerCallback):
    """A live progress bar that ends as one line, and one table row per evaluation.

    ``notebook`` picks the notebook display (HTML bar and table, updated in place) or the
    terminal one (a tqdm bar that disappears, then printed lines); ``None`` decides by where
    it runs. Evaluations after training (``trainer.evaluate()``) add no second row for a step
    the table already has.

    >>> from transformers import Trainer  # doctest: +SKIP
    >>> trainer = Trainer(model=model, args=args, train_dataset=train, eval_dataset=validation)  # doctest: +SKIP
    >>> show_progress(trainer)  # doctest: +SKIP
    >>> trainer.train()  # doctest: +SKIP
    """

    def __init__(self, notebook: bool | None = None):
        if notebook is None:
            from transformers.utils import is_in_notebook

            notebook = is_in_notebook()
        self.notebook = notebook
        self.rows: list[dict[str, str]] = []
        self._table: Any = None
        self._training_line: _Line | None = None
        self._eval_line: _Line | None = None
        self._training = False
        self._training_loss: float | None = None
        self._eval_start: float | None = None
        self._eval_done = 0
        self._library_bars = False  # whether transformers' own bars were on when training began

    # ------------------------------------------------------------------ training

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if not state.is_world_process_zero:
            return
        self._training, self._start, self._drawn = True, time.perf_counter(), 0.0
        self._training_loss = None
        # transformers draws a "Writing model shards" bar per checkpoint; saved in a notebook it
        # stays at 0% and says nothing about training. Hidden while this run trains.
        self._library_bars = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()
        self.rows, self._table = [], None
        self._training_line = _Line(self.notebook, state.max_steps)
        self._draw(state, force=True)

    def _label(self, state: Any, extra: str = "") -> str:
        label = f"step {state.global_step}/{state.max_steps}, epoch {_epochs(state.epoch)}/{state.num_train_epochs:g}"
        if self._training_loss is not None:
            label += f", training loss {self._training_loss:.3f}"
        return label + extra

    def _draw(self, state: Any, force: bool = False, extra: str = "") -> None:
        now = time.perf_counter()
        if self._training_line is not None and (force or now - self._drawn >= REFRESH_S):
            self._drawn = now
            self._training_line.draw(state.global_step, self._label(state, extra), _clock(now - self._start))

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self._draw(state, force=state.global_step == state.max_steps)

    def on_log(self, args: Any, state: Any, control: Any, logs: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        if logs and "loss" in logs and isinstance(logs["loss"], (int, float)):
            self._training_loss = float(logs["loss"])

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self._library_bars:
            hf_logging.enable_progress_bar()
            self._library_bars = False
        if self._training_line is None:
            return
        elapsed = time.perf_counter() - self._start
        stopped = "" if state.global_step >= state.max_steps else " (stopped early)"
        self._training_line.finish(
            f"Trained {state.global_step}/{state.max_steps} steps{stopped}, {_epochs(state.epoch)} "
            f"epoch{'' if _epochs(state.epoch) == '1' else 's'}, in {elapsed:.1f} s."
        )
        self._training_line, self._training = None, False

    # ------------------------------------------------------------------ evaluation

    def on_prediction_step(self, args: Any, state: Any, control: Any, eval_dataloader: Any = None, **kwargs: Any) -> None:
        if not state.is_world_process_zero:
            return
        try:
            total = len(eval_dataloader)
        except TypeError:
            return
        if self._eval_start is None:
            self._eval_start, self._eval_done = time.perf_counter(), 0
        self._eval_done += 1
        extra = f", evaluating {self._eval_done}/{total}"
        if self._training:
            self._draw(state, extra=extra)
        elif time.perf_counter() - self._eval_start >= QUIET_S:
            if self._eval_line is None:
                self._eval_line = _Line(self.notebook, total)
            self._eval_line.draw(self._eval_done, f"evaluating {self._eval_done}/{total}")

    def _end_prediction(self) -> None:
        if self._eval_line is not None and self._eval_start is not None:
            self._eval_line.finish(f"Evaluated {self._eval_done} batches in {time.perf_counter() - self._eval_start:.1f} s.")
        self._eval_line, self._eval_start = None, None

    def on_evaluate(self, args: Any, state: Any, control: Any, metrics: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        self._end_prediction()
        if not state.is_world_process_zero or not metrics:
            return
        row = log_row(metrics, step=state.global_step, training_loss=self._training_loss if self._training else None)
        if not self._training and any(r["step"] == row["step"] for r in self.rows):
            return  # the same model evaluated again after training: its row is already there
        self.rows.append(row)
        self._show_table()
        if self._training:  # the bar without "evaluating": what stays if training fails now
            self._draw(state, force=True)

    def on_predict(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self._end_prediction()

    def _show_table(self) -> None:
        if self.notebook:
            from IPython.display import display

            data = {"text/html": html_table(self.rows), "text/plain": text_table(self.rows)}
            if self._table is None:
                self._table = display(data, raw=True, display_id=True)
            else:
                self._table.update(data, raw=True)
        else:
            from tqdm import tqdm

            lines = text_table(self.rows).splitlines()
            for line in lines if len(self.rows) == 1 else lines[-1:]:
                tqdm.write(line)


def show_progress(trainer: Any, shown: bool = True) -> TrainingProgress | None:
    """Put a :class:`TrainingProgress` on ``trainer`` in place of its own progress display.

    ``shown=False`` leaves the run silent (the Trainer's printing of raw log dicts included).
    Returns the callback (its ``rows`` hold the table), or ``None`` when nothing is shown.
    """
    for own in (PrinterCallback, ProgressCallback, NotebookProgressCallback):
        trainer.remove_callback(own)
    if not shown:
        return None
    progress = TrainingProgress()
    trainer.add_callback(progress)
    return progress
