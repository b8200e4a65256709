"""What a run produced (:class:`RunResult`), kept as ``run.json`` and read back with :func:`load_run`.

A saved run holds what the plots and diagnoses need (config, logs, test texts, labels,
predictions, scores and metrics), not the model's weights. Runs recorded with
``tools/record_runs.py`` ship inside the package (``quizkit/runs/``) and load by name.

>>> result = load_run("overfit-minilm")
>>> result.config.epochs, result.trainer is None
(10, True)
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quizkit.metrics.checks import check_threshold, is_number
from quizkit.train.config import RunConfig, generated_data_spec, warn_class_weights_renamed
from quizkit.train.export import trainer_script

SAVE_FORMAT = 1


@dataclass
class RunResult:
    """What a run produced. ``trainer`` is ``None`` for runs loaded with :func:`load_run`.

    ``test_scores`` is P(label 1) per test example for binary tasks, the ``(n, k)``
    probability matrix for multiclass ones; ``validation_labels``/``validation_scores`` are the
    same for the validation split, scored by the model the run kept, so thresholds can be
    chosen on validation and reported on test (``None`` for runs saved before they existed).
    ``eval_history`` holds the validation evaluations
    (``eval_loss``, ``eval_f1``, ..., ``epoch``, ``step``); ``validation_metrics`` is the one
    kept at the end (the best when early stopping loaded the best model: the Trainer picks that
    checkpoint on the validation split, never on test).

    ``threshold`` is the decision threshold ``test_predictions`` used (binary runs: P(label 1)
    >= it is label 1; ``None``: the most probable class): the config's, or the one
    ``threshold="auto"`` chose on validation (``extra["threshold_decision"]`` says which).

    Validation chooses, test reports: :meth:`choose_threshold` picks a decision threshold on
    the validation scores and :meth:`report_at` gives the test metrics at it.

    This constructor is the only way a result is made (by :func:`~quizkit.train.run`,
    :func:`load_run` and the baselines): ``test_metrics`` (from the test labels and
    predictions) and ``eval_history`` (from ``log_history``) are computed here, never passed,
    so they always agree with the records they come from.
    """

    trainer: Any
    config: RunConfig
    data_description: dict[str, Any]
    log_history: list[dict[str, Any]]
    validation_metrics: dict[str, float]
    label_names: list[str]
    test_labels: Any
    test_predictions: Any
    test_scores: Any
    test_texts: list[str]
    train_texts: list[str] | None
    wall_time_s: float
    train_samples_per_second: float | None
    device: str
    steps: int
    planned_steps: int
    class_weight: list[float] | None = None
    threshold: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    validation_labels: Any = None
    validation_scores: Any = None
    test_metrics: Any = field(init=False, repr=False)
    eval_history: list[dict[str, Any]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        import numpy as np

        from quizkit.metrics import from_predictions

        self.test_labels = np.asarray(self.test_labels, dtype=int)
        self.test_predictions = np.asarray(self.test_predictions, dtype=int)
        names = list(self.label_names)
        self.test_metrics = from_predictions(self.test_labels, self.test_predictions,
                                             labels=list(range(len(names))), target_names=names)
        self.eval_history = eval_history(self.log_history)

    @property
    def class_weights(self) -> list[float] | None:
        warn_class_weights_renamed("RunResult.class_weights")
        return self.class_weight

    @property
    def stopped_early(self) -> bool:
        """True when training ended before its planned steps (early stopping or a Stop click)."""
        return self.steps < self.planned_steps

    def choose_threshold(self, metric: str = "f1", cost_fp: float = 1.0, cost_fn: float = 1.0) -> float:
        """The decision threshold that is best on the *validation* scores (binary runs).

        ``metric`` is one of ``ThresholdSweep.best``'s (``"f1"``, ``"recall"``, ...) or
        ``"cost"`` with ``cost_fp``/``cost_fn``. Report the result on test with :meth:`report_at`.
        """
        import numpy as np

        from quizkit.metrics import threshold_sweep

        if self.validation_scores is None or np.ndim(self.validation_scores) != 1:
            raise ValueError("choose_threshold needs a binary run with validation scores "
                             "(runs saved before validation scores were recorded have none: re-run it)")
        sweep = threshold_sweep(self.validation_labels, self.validation_scores)
        return float(sweep.best(metric, cost_fp=cost_fp, cost_fn=cost_fn)["threshold"])

    def report_at(self, threshold: float) -> Any:
        """The test-set :class:`~quizkit.metrics.MetricReport` when P(label 1) >= ``threshold`` is positive."""
        import numpy as np

        from quizkit.metrics import from_predictions, predicted_classes

        if np.ndim(self.test_scores) != 1:
            raise ValueError("report_at applies to binary runs (test_scores holds P(label 1))")
        check_threshold(threshold)
        predictions, _ = predicted_classes(self.test_scores, threshold)
        return from_predictions(self.test_labels, predictions, labels=list(range(len(self.label_names))), target_names=self.label_names)

    def summary(self) -> list[tuple[str, float]]:
        """``(metric, value)`` rows: the test metrics that are single numbers."""
        metrics = self.test_metrics.to_dict()
        return [(k, float(v)) for k, v in metrics.items() if is_number(v)]

    def _repr_html_(self) -> str:
        from html import escape

        from quizkit.metrics.threshold import COUNTS

        # Counts are whole numbers: "45", not "45.000".
        rows = "".join(f"<tr><td>{escape(k)}</td><td>{v:.0f}</td></tr>" if k in ("support", *COUNTS) else
                       f"<tr><td>{escape(k)}</td><td>{v:.3f}</td></tr>" for k, v in self.summary())
        title = (
            f"{escape(self.config.model)} on {escape(str(self.data_description.get('task', 'custom data')))}: "
            f"{self.steps}/{self.planned_steps} steps, {self.wall_time_s:.1f} s on {escape(self.device)}"
        )
        # The title above the table, not its caption: a caption is as narrow as the two columns.
        table = f"<p><b>{title}</b></p><table><tr><th>test metric</th><th>value</th></tr>{rows}</table>"
        if self.extra.get("threshold_decision", {}).get("chosen_on_validation"):
            table += (f"<p>Test predictions: <code>{escape(self.label_names[-1])}</code> when its probability is at "
                      f"least {self.threshold:.3g}, a threshold chosen on the validation split.</p>")
        proposal = self.extra.get("proposed_class_weight")
        if proposal:
            table += f"<p>The train split is imbalanced: consider <code>class_weight={proposal!r}</code>.</p>"
        return table

    def __repr__(self) -> str:
        metrics = ", ".join(f"{k}={v:.3f}" for k, v in self.summary()[:4])
        return f"RunResult(model={self.config.model!r}, steps={self.steps}/{self.planned_steps}, {metrics})"

    def save(self, directory: str | os.PathLike) -> Path:
        """Write ``run.json`` into ``directory`` (created if needed); returns its path.

        The model weights are not saved (use ``result.trainer.save_model(dir)`` for that);
        the file holds what the plots and diagnoses need: config, logs, test texts, labels,
        predictions, scores and metrics.
        """
        import numpy as np

        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        payload = {
            "format": SAVE_FORMAT,
            "config": self.config.to_dict(),
            "data": self.data_description,
            "log_history": self.log_history,
            "validation_metrics": self.validation_metrics,
            "label_names": self.label_names,
            "test_texts": list(self.test_texts),
            "test_labels": np.asarray(self.test_labels).tolist(),
            "test_predictions": np.asarray(self.test_predictions).tolist(),
            "test_scores": np.asarray(self.test_scores).tolist(),
            "test_metrics": self.test_metrics.to_dict(),
            "wall_time_s": self.wall_time_s,
            "train_samples_per_second": self.train_samples_per_second,
            "device": self.device,
            "steps": self.steps,
            "planned_steps": self.planned_steps,
            "class_weight": self.class_weight,
            "threshold": self.threshold,
            "extra": self.extra,
            "validation_labels": _list_or_none(self.validation_labels),
            "validation_scores": _list_or_none(self.validation_scores),
        }
        target = path / "run.json"
        target.write_text(json.dumps(payload, indent=1, default=_json_default))
        return target

    def export_trainer_script(self, path: str | os.PathLike) -> Path:
        """Write a standalone ``Trainer`` script that reproduces this run; returns its path.

        The script is :mod:`quizkit.train.script_template` with this run's settings written
        into its settings block, so ``python script.py`` (or ``accelerate launch script.py``)
        trains the same model on the same data with the same ``TrainingArguments``. It needs
        torch, transformers and quizkit's ``metrics`` (its ``compute_metrics``); it also
        imports ``quizkit.data.make_dataset`` when the run used generated course data and
        ``quizkit.models.load_classifier`` when the model is a bundled one
        (``quizkit.models.BUNDLED``); a Hub model is loaded with transformers' Auto classes. For your own data
        it stops at a clearly marked ``load_data()`` you fill in.

        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> script = load_run("overfit-minilm").export_trainer_script(folder / "overfit.py")
        >>> "MODEL = 'minilm'" in script.read_text()
        True
        """
        target = Path(path)
        target.write_text(trainer_script(self))
        return target


def _list_or_none(values: Any) -> list | None:
    import numpy as np

    return None if values is None else np.asarray(values).tolist()


def _json_default(value: Any) -> Any:
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot save {type(value).__name__} to JSON")


# Runs recorded with tools/record_runs.py ship inside the package, so a lesson replays them by
# name from any working folder (Colab, an installed wheel) and not only from a checkout.
RECORDED_RUNS = Path(__file__).resolve().parent.parent / "runs"


def recorded_runs() -> list[str]:
    """Names of the runs shipped with quizkit, for :func:`load_run`.

    >>> "overfit-minilm" in recorded_runs()
    True
    """
    return sorted(p.parent.name for p in RECORDED_RUNS.glob("*/run.json"))


def load_run(directory: str | os.PathLike) -> RunResult:
    """Read a run saved with :meth:`RunResult.save` (``trainer`` is ``None``).

    ``directory`` is a folder (or its ``run.json``) written by ``save``, or the name of a run
    shipped with quizkit (:func:`recorded_runs`).

    >>> result = load_run("overfit-minilm")
    >>> result.config.epochs
    10
    """
    import numpy as np

    target = Path(directory)
    if not target.exists() and str(directory) in recorded_runs():
        target = RECORDED_RUNS / str(directory)
    if target.is_dir():
        target = target / "run.json"
    if not target.is_file():
        raise FileNotFoundError(
            f"load_run: no saved run at {str(target)!r} (expected the run.json written by RunResult.save); "
            f"runs shipped with quizkit: {', '.join(recorded_runs())}")
    payload = json.loads(target.read_text())
    if payload.get("format") != SAVE_FORMAT:
        raise ValueError(f"load_run: {str(target)!r} has format {payload.get('format')!r}, expected {SAVE_FORMAT}")
    description = payload["data"]
    _read_old_spellings(payload)
    # Runs saved before length grouping existed were trained on randomly drawn batches, and
    # those saved before head+tail cuts kept the first tokens.
    config = RunConfig(data=generated_data_spec(description), **{"train_sampling_strategy": "random", "truncation": "head", **payload["config"]})
    return RunResult(
        trainer=None,
        config=config,
        data_description=description,
        log_history=payload["log_history"],
        validation_metrics=payload["validation_metrics"],
        label_names=payload["label_names"],
        test_labels=payload["test_labels"],
        test_predictions=payload["test_predictions"],
        test_scores=np.asarray(payload["test_scores"], dtype=float),
        test_texts=payload["test_texts"],
        train_texts=None,
        wall_time_s=payload["wall_time_s"],
        train_samples_per_second=payload["train_samples_per_second"],
        device=payload["device"],
        steps=payload["steps"],
        planned_steps=payload["planned_steps"],
        class_weight=payload["class_weight"],
        threshold=payload["threshold"] if "threshold" in payload else _old_threshold(config, payload["test_scores"]),
        extra=payload.get("extra", {}),
        validation_labels=_array_or_none(payload.get("validation_labels"), int),
        validation_scores=_array_or_none(payload.get("validation_scores"), float),
    )


def _read_old_spellings(payload: dict[str, Any]) -> None:
    """Rename, in place, what files saved before the one vocabulary spelled ``class_weights``."""
    for record, old, new in ((payload, "class_weights", "class_weight"),
                             (payload["config"], "class_weights", "class_weight"),
                             (payload.setdefault("extra", {}), "proposed_class_weights", "proposed_class_weight")):
        if old in record:
            record[new] = record.pop(old)


def _old_threshold(config: RunConfig, test_scores: list) -> float | None:
    """The threshold of a run saved before runs recorded theirs: the config's, 0.5 if none (binary)."""
    import numpy as np

    if np.ndim(test_scores) != 1:
        return None
    return float(config.threshold) if isinstance(config.threshold, (int, float)) else 0.5


def _array_or_none(values: list | None, dtype: type) -> Any:
    import numpy as np

    return None if values is None else np.asarray(values, dtype=dtype)


def eval_history(log_history: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The validation evaluations in a Trainer's ``log_history`` (the entries with ``eval_loss``).

    >>> eval_history([{"loss": 0.7, "step": 5}, {"eval_loss": 0.6, "step": 10}])
    [{'eval_loss': 0.6, 'step': 10}]
    """
    return [dict(entry) for entry in log_history if "eval_loss" in entry]

