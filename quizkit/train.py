"""Fine-tune a classifier with the Hugging Face ``Trainer`` in one call, and keep what it learned.

``run()`` loads a model, tokenizes a ``DatasetDict`` (``text``/``label``), trains with
``Trainer``, keeps the best/last validation metrics and predicts on the test split. The
returned :class:`RunResult` holds everything the course's plots and diagnoses need, saves to
JSON and exports a standalone script that reproduces the run with plain transformers code.

>>> from quizkit.train import run
>>> result = run(model="tiny", data={"task": "spam", "n": 200}, epochs=1)  # doctest: +SKIP
>>> result.test_metrics.accuracy  # doctest: +SKIP
0.5
>>> result.save("runs/first")  # doctest: +SKIP

Everything runs on the GPU with mixed precision when one is visible (bf16 where supported,
else fp16) and in fp32 on the CPU.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import math
import os
import tempfile
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PADDINGS = ("dynamic", "max_length")
SAMPLING_STRATEGIES = ("group_by_length", "random")
EVAL_STRATEGIES = ("epoch", "steps", "no")
# Keys produced by quizkit.metrics.compute_metrics_for, plus the loss Trainer always reports.
BEST_METRICS = ("f1", "accuracy", "precision", "recall", "balanced_accuracy", "mcc", "specificity", "loss")
DEFAULT_N = 600
# About this many train-loss points per run, so learning curves have a shape even on short runs.
LOG_POINTS = 10
SAVE_FORMAT = 1
# epochs="auto": small data sets get several epochs, so that training takes at least this many
# optimiser steps (one epoch of 480 texts is 30 steps: far too few for a head to learn) ...
AUTO_MIN_STEPS = 150
# ... but never more epochs than this; data large enough for AUTO_MIN_STEPS gets one epoch.
AUTO_MAX_EPOCHS = 10
# On a CPU the tokens trained on (padding included) stay under this: about 100 s of MiniLM
# training on 2 cores, so the default run of a lesson fits its time budget. Counting tokens keeps
# the choice deterministic (a clock would make reruns differ). max_length="auto" meets it by
# truncating long texts, keeping the steps; an explicit max_length meets it with fewer epochs.
AUTO_CPU_TOKENS = 100_000
# max_length="auto": texts are cut at this many tokens (on a GPU, and on a CPU when they fit) ...
AUTO_MAX_LENGTH = 128
# ... and never at fewer: shorter cuts lose the words that carry most texts' labels, so below it
# the CPU token budget takes epochs away instead.
AUTO_MIN_LENGTH = 32
# A train split whose largest class outnumbers its smallest this much gets a class-weights proposal.
IMBALANCE_PROPOSAL_RATIO = 1.5


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_dataset(data: Any) -> bool:
    """A ``DatasetDict`` (also a Mapping, so tell it from a dict of make_dataset keywords)."""
    return hasattr(data, "column_names")


def _bad(field_name: str, value: Any, expected: str) -> ValueError:
    return ValueError(f"RunConfig.{field_name} must be {expected}, got {value!r}")


@dataclass
class RunConfig:
    """Everything that defines a fine-tuning run (``run(RunConfig(...))`` or ``run(**fields)``).

    ``data`` is a ``DatasetDict`` with ``train``/``validation``/``test`` splits (columns
    ``text`` and ``label``), or a generated course dataset: ``None`` (spam, 600 examples), a
    task name (``"fraud"``) or ``make_dataset`` keywords (``{"task": "fraud", "n": 400,
    "positive_rate": 0.1}``). ``class_weights`` is ``None``, ``"balanced"`` (inverse class
    frequency in train) or one weight per label; weighted runs also report a weighted eval loss.
    ``threshold`` (binary only) labels an example positive when P(label 1) >= threshold.
    ``disable_tqdm=True`` hides the progress bar and the printed logs (the panel draws its own).

    The default recipe is one that learns on small real data sets with MiniLM:
    ``epochs="auto"`` trains for at least ``AUTO_MIN_STEPS`` optimiser steps (whole epochs, at
    most ``AUTO_MAX_EPOCHS``), learning rate 2e-4 (the classification head starts from random
    weights and has only those steps to learn in) with a linear warm-up over the first 10% of the
    steps (``warmup_steps`` below 1 is a fraction, as in ``TrainingArguments``),
    ``max_length="auto"`` (``AUTO_MAX_LENGTH`` tokens; on a CPU long texts are cut shorter, down
    to ``AUTO_MIN_LENGTH``, so those steps fit ``AUTO_CPU_TOKENS``: see :func:`resolve_max_length`),
    and length-grouped batches (``train_sampling_strategy="group_by_length"``: texts of similar
    length share a batch, so dynamic padding adds little). ``time_budget_s`` stops training
    after that many seconds (the run is still evaluated).

    >>> RunConfig(model="tiny", epochs=2).padding
    'dynamic'
    >>> resolve_epochs(RunConfig(), n_train=480)  # 30 steps per epoch -> 5 epochs = 150 steps
    5
    """

    model: str = "minilm"
    # False: the model's architecture with random weights (see quizkit.models.load_classifier).
    pretrained: bool | None = None
    data: Any = None
    epochs: float | str = "auto"
    learning_rate: float = 2e-4
    batch_size: int = 16
    max_length: int | str = "auto"
    padding: str = "dynamic"
    eval_strategy: str = "epoch"
    eval_steps: int | None = None
    logging_steps: int | None = None
    early_stopping_patience: int | None = None
    metric_for_best_model: str = "f1"
    class_weights: str | Sequence[float] | None = None
    weight_decay: float = 0.0
    warmup_steps: float = 0.1
    train_sampling_strategy: str = "group_by_length"
    time_budget_s: float | None = None
    seed: int = 0
    output_dir: str | os.PathLike | None = None
    threshold: float | None = None
    disable_tqdm: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.model, str) or not self.model:
            raise _bad("model", self.model, "'minilm', 'tiny' or a Hugging Face Hub id")
        if self.pretrained not in (None, True, False):
            raise _bad("pretrained", self.pretrained, "None, True or False")
        self._check_data()
        if self.epochs != "auto" and (not _is_number(self.epochs) or self.epochs <= 0):
            raise _bad("epochs", self.epochs, "'auto' or a number > 0")
        if not _is_number(self.learning_rate) or not 0 < self.learning_rate < 1:
            raise _bad("learning_rate", self.learning_rate, "a number between 0 and 1 (e.g. 5e-5)")
        for name, low in (("batch_size", 1), ("seed", 0)):
            value = getattr(self, name)
            if not _is_int(value) or value < low:
                raise _bad(name, value, f"an integer >= {low}")
        if self.max_length != "auto" and (not _is_int(self.max_length) or not 2 <= self.max_length <= 512):
            raise _bad("max_length", self.max_length, "'auto' or an integer from 2 to 512 (the models' position limit)")
        if not _is_number(self.warmup_steps) or self.warmup_steps < 0 or (
                not _is_int(self.warmup_steps) and self.warmup_steps >= 1):
            raise _bad("warmup_steps", self.warmup_steps, "a whole number of steps >= 0 or a fraction of the steps below 1")
        if self.train_sampling_strategy not in SAMPLING_STRATEGIES:
            raise _bad("train_sampling_strategy", self.train_sampling_strategy, f"one of {SAMPLING_STRATEGIES}")
        if self.time_budget_s is not None and (not _is_number(self.time_budget_s) or self.time_budget_s <= 0):
            raise _bad("time_budget_s", self.time_budget_s, "None or a number of seconds > 0")
        if self.padding not in PADDINGS:
            raise _bad("padding", self.padding, f"one of {PADDINGS}")
        if self.eval_strategy not in EVAL_STRATEGIES:
            raise _bad("eval_strategy", self.eval_strategy, f"one of {EVAL_STRATEGIES}")
        for name in ("eval_steps", "logging_steps", "early_stopping_patience"):
            value = getattr(self, name)
            if value is not None and (not _is_int(value) or value < 1):
                raise _bad(name, value, "None or an integer >= 1")
        if self.early_stopping_patience is not None and self.eval_strategy == "no":
            raise ValueError(
                "RunConfig.early_stopping_patience needs evaluations to compare: set eval_strategy "
                f"to 'epoch' or 'steps' (got eval_strategy='no', early_stopping_patience={self.early_stopping_patience!r})"
            )
        if self.metric_for_best_model not in BEST_METRICS:
            raise _bad("metric_for_best_model", self.metric_for_best_model, f"one of {BEST_METRICS}")
        self._check_class_weights()
        if not _is_number(self.weight_decay) or self.weight_decay < 0:
            raise _bad("weight_decay", self.weight_decay, "a number >= 0")
        if self.output_dir is not None and not isinstance(self.output_dir, (str, os.PathLike)):
            raise _bad("output_dir", self.output_dir, "None or a directory path")
        if self.threshold is not None and (not _is_number(self.threshold) or not 0 < self.threshold < 1):
            raise _bad("threshold", self.threshold, "None or a number strictly between 0 and 1")
        if not isinstance(self.disable_tqdm, bool):
            raise _bad("disable_tqdm", self.disable_tqdm, "True or False")

    def _check_data(self) -> None:
        data = self.data
        if data is None or isinstance(data, str):
            return
        if isinstance(data, Mapping) and not _is_dataset(data):
            if not isinstance(data.get("task"), str):
                raise _bad("data", data, "make_dataset keywords including 'task' (e.g. {'task': 'spam', 'n': 400})")
            return
        splits = getattr(data, "keys", lambda: [])()
        missing = [s for s in ("train", "validation", "test") if s not in splits]
        if missing:
            raise _bad("data", type(data).__name__, f"a DatasetDict with train/validation/test splits (missing {missing})")
        for split in ("train", "validation", "test"):
            columns = data[split].column_names
            if "text" not in columns or "label" not in columns:
                raise _bad("data", f"{split} columns {columns}", "splits with 'text' and 'label' columns")

    def _check_class_weights(self) -> None:
        weights = self.class_weights
        if weights is None or weights == "balanced":
            return
        if isinstance(weights, str) or not isinstance(weights, Sequence) or not weights:
            raise _bad("class_weights", weights, "None, 'balanced' or a list of positive numbers (one per label)")
        if not all(_is_number(w) and w > 0 for w in weights):
            raise _bad("class_weights", weights, "positive numbers")

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain JSON values; ``data`` is left out (see ``RunResult.data_description``)."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "data"}
        values["output_dir"] = None if self.output_dir is None else str(self.output_dir)
        if values["class_weights"] not in (None, "balanced"):
            values["class_weights"] = [float(w) for w in values["class_weights"]]
        return values


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

    Validation chooses, test reports: :meth:`choose_threshold` picks a decision threshold on
    the validation scores and :meth:`report_at` gives the test metrics at it.
    """

    trainer: Any
    config: RunConfig
    data_description: dict[str, Any]
    log_history: list[dict[str, Any]]
    eval_history: list[dict[str, Any]]
    validation_metrics: dict[str, float]
    label_names: list[str]
    test_labels: Any
    test_predictions: Any
    test_scores: Any
    test_texts: list[str]
    train_texts: list[str] | None
    test_metrics: Any
    wall_time_s: float
    train_samples_per_second: float | None
    device: str
    steps: int
    planned_steps: int
    class_weights: list[float] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    validation_labels: Any = None
    validation_scores: Any = None

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

        from quizkit.metrics import from_predictions

        if np.ndim(self.test_scores) != 1:
            raise ValueError("report_at applies to binary runs (test_scores holds P(label 1))")
        if not _is_number(threshold) or not 0 <= threshold <= 1:
            raise ValueError(f"threshold must be a number between 0 and 1, got {threshold!r}")
        predictions = (np.asarray(self.test_scores) >= threshold).astype(int)
        return from_predictions(self.test_labels, predictions, labels=list(range(len(self.label_names))), target_names=self.label_names)

    def summary(self) -> list[tuple[str, float]]:
        """``(metric, value)`` rows: the test metrics that are single numbers."""
        metrics = self.test_metrics.to_dict()
        return [(k, float(v)) for k, v in metrics.items() if _is_number(v)]

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
        table = f"<table><caption>{title}</caption><tr><th>test metric</th><th>value</th></tr>{rows}</table>"
        proposal = self.extra.get("proposed_class_weights")
        if proposal:
            table += f"<p>The train split is imbalanced: consider <code>class_weights={proposal!r}</code>.</p>"
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
            "class_weights": self.class_weights,
            "extra": self.extra,
            "validation_labels": _list_or_none(self.validation_labels),
            "validation_scores": _list_or_none(self.validation_scores),
        }
        target = path / "run.json"
        target.write_text(json.dumps(payload, indent=1, default=_json_default))
        return target

    def export_script(self, path: str | os.PathLike) -> Path:
        """Write a standalone script that reproduces this run with plain transformers code.

        ``python script.py`` and ``accelerate launch script.py`` both run it. For generated
        course data it rebuilds the same dataset; for your own data it stops at a clearly
        marked ``load_data()`` you fill in.
        """
        target = Path(path)
        target.write_text(_render_script(self, target.name))
        return target


_SCRIPT = '''"""Reproduce a quizkit fine-tuning run with plain transformers code.

Run it with `python {name}` or `accelerate launch {name}`.
"""

{torch_imports}
from transformers import ({transformers_imports})

{quizkit_imports}

MODEL = {model!r}
LABEL_NAMES = {label_names!r}
MAX_LENGTH = {max_length!r}


def load_data():
    """A DatasetDict with train/validation/test splits and 'text'/'label' columns."""
{load_data}


def load_model():
{load_model}
{weighted_loss}

def main():
    set_seed({seed!r})
    data = load_data()
    model, tokenizer = load_model()

    def tokenize(batch):
        return tokenizer(batch["text"], truncation=True, max_length=MAX_LENGTH{pad_arg})

    encoded = data.map(tokenize, batched=True, remove_columns=["text"])
    cuda = torch.cuda.is_available()
    bf16 = cuda and torch.cuda.is_bf16_supported()
    args = TrainingArguments(
        output_dir={output_dir!r},
        bf16=bf16,
        fp16=cuda and not bf16,
{arguments}
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=encoded["train"],
        eval_dataset={eval_dataset},
        processing_class=tokenizer,
        data_collator={collator},
        compute_metrics=compute_metrics_for("classification", threshold={threshold!r}),
{loss_arg}        callbacks={callbacks},
    )
    trainer.train()
    print("eval metrics:", trainer.evaluate(encoded["validation"]))
    print("test metrics:", trainer.predict(encoded["test"]).metrics)


if __name__ == "__main__":
    main()
'''


_WEIGHTED_LOSS = '''

CLASS_WEIGHTS = {weights!r}


def weighted_cross_entropy(outputs, labels, num_items_in_batch=None):
    """Cross-entropy with one weight per class, normalised like the Trainer's own loss."""
    weight = torch.tensor(CLASS_WEIGHTS, device=outputs.logits.device)
    logits = outputs.logits.view(-1, len(CLASS_WEIGHTS)).float()
    if num_items_in_batch is None:
        return F.cross_entropy(logits, labels.view(-1), weight=weight)
    return F.cross_entropy(logits, labels.view(-1), weight=weight, reduction="sum") / num_items_in_batch
'''


def _render_script(result: RunResult, name: str) -> str:
    config, description = result.config, result.data_description
    generated = description.get("source") == "generated"
    bundled = config.model in ("minilm", "tiny")
    quizkit_imports = ["from quizkit.data import make_dataset"] if generated else []
    quizkit_imports.append("from quizkit.metrics import compute_metrics_for")
    if bundled:
        quizkit_imports.append("from quizkit.models import load_classifier")
    transformers_imports = ["DataCollatorWithPadding", "Trainer", "TrainingArguments", "set_seed"]
    if not bundled:
        transformers_imports += ["AutoModelForSequenceClassification", "AutoTokenizer"]
    if config.padding == "max_length":
        transformers_imports.append("default_data_collator")
    if config.early_stopping_patience is not None:
        transformers_imports.append("EarlyStoppingCallback")
    if generated:
        spec = ", ".join(f"{k}={v!r}" for k, v in _generated_data_spec(description).items())
        load_data = f"    return make_dataset({spec})"
    else:
        load_data = (
            "    # This run used your own DatasetDict, which a script cannot rebuild: load it here.\n"
            "    raise NotImplementedError(\"load_data(): return your DatasetDict (labels: \" + repr(LABEL_NAMES) + \")\")"
        )
    if bundled:
        pretrained = "" if config.pretrained is None else f", pretrained={config.pretrained!r}"
        load_model = f"    return load_classifier(MODEL, id2label=LABEL_NAMES{pretrained})"
    else:
        load_model = (
            "    tokenizer = AutoTokenizer.from_pretrained(MODEL)\n"
            "    model = AutoModelForSequenceClassification.from_pretrained(\n"
            "        MODEL, num_labels=len(LABEL_NAMES), id2label=dict(enumerate(LABEL_NAMES)),\n"
            "        label2id={name: i for i, name in enumerate(LABEL_NAMES)}, ignore_mismatched_sizes=True,\n"
            "    )\n"
            "    return model, tokenizer"
        )
    arguments = "\n".join(f"        {k}={v!r}," for k, v in result.extra["training_arguments"].items())
    return _SCRIPT.format(
        name=name,
        transformers_imports=", ".join(sorted(transformers_imports)),
        quizkit_imports="\n".join(quizkit_imports),
        model=config.model,
        label_names=list(result.label_names),
        max_length=result.extra.get("max_length", config.max_length),
        torch_imports="import torch\nimport torch.nn.functional as F" if result.class_weights else "import torch",
        weighted_loss=_WEIGHTED_LOSS.format(weights=result.class_weights) if result.class_weights else "",
        loss_arg="        compute_loss_func=weighted_cross_entropy,\n" if result.class_weights else "",
        load_data=load_data,
        load_model=load_model,
        seed=config.seed,
        pad_arg=', padding="max_length"' if config.padding == "max_length" else "",
        output_dir=str(config.output_dir or "quizkit_run"),
        arguments=arguments,
        eval_dataset='encoded["validation"]' if config.eval_strategy != "no" else "None",
        collator="DataCollatorWithPadding(tokenizer)" if config.padding == "dynamic" else "default_data_collator",
        threshold=config.threshold,
        callbacks=f"[EarlyStoppingCallback(early_stopping_patience={config.early_stopping_patience})]"
        if config.early_stopping_patience is not None else "[]",
    )


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
RECORDED_RUNS = Path(__file__).resolve().parent / "runs"


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

    from quizkit.metrics import from_predictions

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
    # Runs saved before length grouping existed were trained on randomly drawn batches.
    config = RunConfig(data=_generated_data_spec(description), **{"train_sampling_strategy": "random", **payload["config"]})
    labels = np.asarray(payload["test_labels"], dtype=int)
    predictions = np.asarray(payload["test_predictions"], dtype=int)
    names = payload["label_names"]
    return RunResult(
        trainer=None,
        config=config,
        data_description=description,
        log_history=payload["log_history"],
        eval_history=_eval_history(payload["log_history"]),
        validation_metrics=payload["validation_metrics"],
        label_names=names,
        test_labels=labels,
        test_predictions=predictions,
        test_scores=np.asarray(payload["test_scores"], dtype=float),
        test_texts=payload["test_texts"],
        train_texts=None,
        test_metrics=from_predictions(labels, predictions, labels=list(range(len(names))), target_names=names),
        wall_time_s=payload["wall_time_s"],
        train_samples_per_second=payload["train_samples_per_second"],
        device=payload["device"],
        steps=payload["steps"],
        planned_steps=payload["planned_steps"],
        class_weights=payload["class_weights"],
        extra=payload.get("extra", {}),
        validation_labels=_array_or_none(payload.get("validation_labels"), int),
        validation_scores=_array_or_none(payload.get("validation_scores"), float),
    )


def _array_or_none(values: list | None, dtype: type) -> Any:
    import numpy as np

    return None if values is None else np.asarray(values, dtype=dtype)


def _generated_data_spec(description: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ``make_dataset`` keywords a description stands for, or None for custom data."""
    if description.get("source") != "generated":
        return None
    return {k: v for k, v in description.items() if k != "source"}


def _resolve_data(data: Any, seed: int) -> tuple[Any, dict[str, Any]]:
    """Return ``(DatasetDict, description)``; generated data is described by its knobs."""
    if _is_dataset(data):
        return data, {"source": "custom", **{f"n_{s}": len(data[s]) for s in ("train", "validation", "test")}}
    from quizkit.data import make_dataset

    spec = {"task": "spam"} if data is None else {"task": data} if isinstance(data, str) else dict(data)
    spec.setdefault("n", DEFAULT_N)
    spec.setdefault("seed", seed)
    try:
        dataset = make_dataset(**spec)
    except TypeError as error:
        raise ValueError(f"RunConfig.data: make_dataset does not accept {spec!r}: {error}") from error
    return dataset, {"source": "generated", **spec}


def _eval_history(log_history: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [dict(entry) for entry in log_history if "eval_loss" in entry]


def resolve_class_weights(spec: str | Sequence[float] | None, train_labels: Sequence[int], num_labels: int) -> list[float] | None:
    """Turn ``class_weights`` into one float per label (``"balanced"``: n / (k * count))."""
    if spec is None:
        return None
    if spec == "balanced":
        import numpy as np
        from sklearn.utils.class_weight import compute_class_weight

        present = np.unique(train_labels)
        if len(present) < num_labels:
            raise ValueError(
                f"RunConfig.class_weights='balanced' needs every label in the train split; labels present: {present.tolist()}"
            )
        return [float(w) for w in compute_class_weight("balanced", classes=np.arange(num_labels), y=np.asarray(train_labels))]
    if len(spec) != num_labels:
        raise ValueError(f"RunConfig.class_weights needs {num_labels} weights (one per label), got {list(spec)!r}")
    return [float(w) for w in spec]


class WeightedCrossEntropy:
    """``Trainer(compute_loss_func=...)``: cross-entropy with one weight per class.

    Summed and divided by ``num_items_in_batch`` (the Trainer's count over the whole
    accumulated, multi-device batch), so it stays right with gradient accumulation and
    ``accelerate launch``; with all weights 1 it equals the usual mean cross-entropy.
    """

    def __init__(self, weights: Sequence[float]):
        self.weights = [float(w) for w in weights]

    def __call__(self, outputs: Any, labels: Any, num_items_in_batch: Any = None) -> Any:
        import torch
        import torch.nn.functional as F

        logits = outputs["logits"] if isinstance(outputs, Mapping) else outputs[0]
        weight = torch.tensor(self.weights, device=logits.device, dtype=torch.float32)
        logits = logits.view(-1, len(self.weights)).float()
        labels = labels.view(-1)
        if num_items_in_batch is None:
            return F.cross_entropy(logits, labels, weight=weight)
        return F.cross_entropy(logits, labels, weight=weight, reduction="sum") / num_items_in_batch


def _padded_tokens(lengths: Any, max_length: int, config: RunConfig) -> int:
    """Tokens in one epoch of batches of texts this long (after truncation), padding included.

    An estimate when batches are random.
    """
    import numpy as np

    lengths = np.asarray(lengths)
    if config.padding == "max_length":
        return int(lengths.size * max_length)
    if config.train_sampling_strategy == "group_by_length":
        # Batches hold texts of similar length: close to no padding.
        return int(lengths.sum())
    # Random batches pad to their longest text; the data set's 90th percentile is a fair guess.
    return int(lengths.size * np.percentile(lengths, 90))


def time_budget_callback(seconds: float) -> Any:
    """A ``TrainerCallback`` that stops training once ``seconds`` have passed since it began.

    Its ``exhausted`` attribute tells afterwards whether it did.
    """
    from transformers import TrainerCallback

    class TimeBudget(TrainerCallback):
        exhausted = False

        def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            self.start = time.perf_counter()

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if time.perf_counter() - self.start >= seconds:
                self.exhausted = True
                control.should_training_stop = True

    return TimeBudget()


def planned_steps(n_train: int, batch_size: int, epochs: float) -> int:
    """Optimizer steps the Trainer will take (no gradient accumulation, one device)."""
    return max(1, math.ceil(math.ceil(n_train / batch_size) * epochs))


def resolve_epochs(config: RunConfig, n_train: int, cpu_tokens_per_epoch: int | None = None) -> float:
    """The epochs a run trains for: ``config.epochs``, or for ``"auto"`` the fewest whole epochs
    reaching ``AUTO_MIN_STEPS`` optimiser steps (at most ``AUTO_MAX_EPOCHS``).

    ``cpu_tokens_per_epoch`` (given when training on a CPU) caps ``"auto"`` at the epochs that
    stay within ``AUTO_CPU_TOKENS``, never below one. With ``max_length="auto"`` the cut
    (:func:`resolve_max_length`) already fits the budget and the cap only binds for texts that
    are long even at ``AUTO_MIN_LENGTH``; with an explicit ``max_length`` it takes epochs away.

    >>> resolve_epochs(RunConfig(), 480), resolve_epochs(RunConfig(), 480, cpu_tokens_per_epoch=45_000)
    (5, 2)
    """
    if config.epochs != "auto":
        return config.epochs
    per_epoch = math.ceil(n_train / config.batch_size)
    epochs = min(AUTO_MAX_EPOCHS, math.ceil(AUTO_MIN_STEPS / per_epoch))
    if cpu_tokens_per_epoch:
        epochs = min(epochs, AUTO_CPU_TOKENS // cpu_tokens_per_epoch)
    return max(1, epochs)


def resolve_max_length(config: RunConfig, n_train: int, train_lengths: Sequence[int] | None = None) -> int:
    """The tokens a text is cut at: ``config.max_length``, or for ``"auto"`` ``AUTO_MAX_LENGTH``.

    ``train_lengths`` (the train texts' token counts, given when training on a CPU) makes
    ``"auto"`` the longest cut, not below ``AUTO_MIN_LENGTH``, at which the epochs of
    :func:`resolve_epochs` stay within ``AUTO_CPU_TOKENS``: long texts lose their ends, the run
    keeps its optimiser steps.

    >>> resolve_max_length(RunConfig(), 480), resolve_max_length(RunConfig(), 480, [200] * 480)
    (128, 41)
    """
    if config.max_length != "auto":
        return config.max_length
    if train_lengths is None:
        return AUTO_MAX_LENGTH
    import numpy as np

    lengths = np.asarray(train_lengths)
    budget = AUTO_CPU_TOKENS / resolve_epochs(config, n_train)
    for max_length in range(AUTO_MAX_LENGTH, AUTO_MIN_LENGTH, -1):
        if _padded_tokens(np.minimum(lengths, max_length), max_length, config) <= budget:
            return max_length
    return AUTO_MIN_LENGTH


def propose_class_weights(train_labels: Sequence[int], num_labels: int) -> str | None:
    """``"balanced"`` when the largest train class outnumbers the smallest by ``IMBALANCE_PROPOSAL_RATIO``.

    >>> propose_class_weights([1] * 65 + [0] * 35, 2), propose_class_weights([0, 1] * 50, 2)
    ('balanced', None)
    """
    import numpy as np

    counts = np.bincount(np.asarray(train_labels, dtype=int), minlength=num_labels)
    present = counts[counts > 0]
    return "balanced" if present.max() >= IMBALANCE_PROPOSAL_RATIO * present.min() else None


def training_kwargs(config: RunConfig, n_train: int, epochs: float | None = None) -> dict[str, Any]:
    """``TrainingArguments`` keywords for a config, without output_dir and device/precision flags.

    ``epochs`` is the resolved number of epochs (default: :func:`resolve_epochs` without a CPU cap).
    """
    epochs = resolve_epochs(config, n_train) if epochs is None else epochs
    total = planned_steps(n_train, config.batch_size, epochs)
    eval_steps = config.eval_steps or max(1, total // 5)
    best = config.early_stopping_patience is not None
    kwargs = dict(
        num_train_epochs=epochs,
        learning_rate=config.learning_rate,
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=max(config.batch_size, 32),
        weight_decay=config.weight_decay,
        warmup_steps=config.warmup_steps,
        train_sampling_strategy=config.train_sampling_strategy,
        eval_strategy=config.eval_strategy,
        logging_strategy="steps",
        logging_steps=config.logging_steps or max(1, total // LOG_POINTS),
        seed=config.seed,
        dataloader_num_workers=0,
        report_to="none",
    )
    if config.eval_strategy == "steps":
        kwargs["eval_steps"] = eval_steps
    if best:
        # Checkpoints exist only so that early stopping can reload the best model.
        kwargs.update(
            save_strategy=config.eval_strategy,
            save_total_limit=1,
            save_only_model=True,
            load_best_model_at_end=True,
            metric_for_best_model=config.metric_for_best_model,
            greater_is_better=config.metric_for_best_model != "loss",
        )
        if config.eval_strategy == "steps":
            kwargs["save_steps"] = eval_steps
    else:
        kwargs["save_strategy"] = "no"
    return kwargs


def training_arguments(config: RunConfig, output_dir: str, n_train: int, epochs: float | None = None) -> Any:
    """The ``TrainingArguments`` of a run: mixed precision on CUDA (bf16 if supported), fp32 on CPU."""
    import torch
    from transformers import TrainingArguments

    cuda = torch.cuda.is_available()
    bf16 = cuda and torch.cuda.is_bf16_supported()
    return TrainingArguments(
        output_dir=output_dir, use_cpu=not cuda, bf16=bf16, fp16=cuda and not bf16,
        # Pinned memory only speeds up copies to a GPU; on a CPU torch warns that it is unused.
        dataloader_pin_memory=cuda,
        disable_tqdm=config.disable_tqdm, **training_kwargs(config, n_train, epochs),
    )


@contextlib.contextmanager
def _quiet_library_bars() -> Iterator[None]:
    """Hide transformers' bookkeeping progress bars and notices for a block, then restore them.

    transformers draws one "Writing model shards" bar per checkpoint; in a saved notebook they
    pile up into a stack of bars that say nothing about training (``tokenize`` hides the
    "Tokenizing" ones itself). The Trainer's own progress bar (``disable_tqdm``) is not affected.
    """
    from transformers.utils import logging as hf_logging

    shown = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    # A short run saves two checkpoints within one second; transformers then orders them by step
    # number (the right order) and says on stderr that mtime "may not be reliable": noise.
    checkpoint_order = logging.getLogger("transformers.trainer_utils")
    notice = _DropMessage("mtime may not be reliable")
    checkpoint_order.addFilter(notice)
    try:
        yield
    finally:
        checkpoint_order.removeFilter(notice)
        if shown:
            hf_logging.enable_progress_bar()


class _DropMessage(logging.Filter):
    """A logging filter that drops the records whose message contains ``text``."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def filter(self, record: logging.LogRecord) -> bool:
        return self.text not in record.getMessage()


def _load_model(name: str, label_names: list[str], pretrained: bool | None) -> tuple[Any, Any]:
    """``load_classifier``, with its "not pretrained" warning turned into one info line.

    ``run(model="tiny")`` (or ``pretrained=False``) asks for random weights on purpose, so a
    warning box (with the path of the file that raised it) would alarm more than inform.
    """
    from quizkit.models import load_classifier

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"load_classifier\('tiny'\)", category=UserWarning)
        model, tokenizer = load_classifier(name, id2label=label_names, pretrained=pretrained)
    if not getattr(model.config, "quizkit_pretrained", True):
        print(f"quizkit: model {name!r} starts from random weights (not pretrained); it learns only from this data.")
    return model, tokenizer


def _merge(config: RunConfig | None, kwargs: Mapping[str, Any]) -> RunConfig:
    if config is None:
        return RunConfig(**kwargs)
    if not isinstance(config, RunConfig):
        raise TypeError(f"run(config) takes a RunConfig (or keywords), got {type(config).__name__}")
    known = {f.name for f in dataclasses.fields(RunConfig)}
    unknown = sorted(set(kwargs) - known)
    if unknown:
        raise TypeError(f"run() got unknown settings {unknown}; RunConfig fields are {sorted(known)}")
    return dataclasses.replace(config, **kwargs)


def run(config: RunConfig | None = None, /, *, extra_callbacks: Sequence[Any] = (), **kwargs: Any) -> RunResult:
    """Fine-tune, evaluate on validation, predict on test; return a :class:`RunResult`.

    Keywords are :class:`RunConfig` fields and override those of ``config``.
    ``extra_callbacks`` are ``TrainerCallback`` objects added to the Trainer (live plots, a
    Stop button). A run stopped early (``control.should_training_stop``) is still evaluated
    on validation and test, so its partial metrics are kept.

    >>> result = run(model="tiny", data="spam", epochs=1, learning_rate=1e-4)  # doctest: +SKIP
    >>> [round(e["eval_loss"], 2) for e in result.eval_history]  # doctest: +SKIP
    """
    config = _merge(config, kwargs)
    start = time.perf_counter()

    import numpy as np
    from transformers import (
        DataCollatorWithPadding,
        EarlyStoppingCallback,
        PrinterCallback,
        Trainer,
        default_data_collator,
        set_seed,
    )

    from quizkit.data import tokenize
    from quizkit.metrics import compute_metrics_for, from_predictions

    dataset, description = _resolve_data(config.data, config.seed)
    label_names = list(dataset["train"].features["label"].names)
    num_labels = len(label_names)
    if config.threshold is not None and num_labels != 2:
        raise ValueError(f"RunConfig.threshold applies to binary tasks only; this data has {num_labels} labels")
    weights = resolve_class_weights(config.class_weights, dataset["train"]["label"], num_labels)
    proposal = None if config.class_weights is not None else propose_class_weights(dataset["train"]["label"], num_labels)

    # Seed before building the model: the classification head (and all of "tiny") is random.
    set_seed(config.seed)
    model, tokenizer = _load_model(config.model, label_names, config.pretrained)
    import torch

    cpu = not torch.cuda.is_available()
    n_train = len(dataset["train"])
    measured = None
    if cpu and config.max_length == "auto":
        measured = [len(ids) for ids in tokenizer(list(dataset["train"]["text"]), truncation=True, max_length=AUTO_MAX_LENGTH)["input_ids"]]
    max_length = resolve_max_length(config, n_train, measured)
    encoded = tokenize(
        dataset, tokenizer, max_length=max_length,
        padding="max_length" if config.padding == "max_length" else False,
    )
    train_lengths = [len(ids) for ids in encoded["train"]["input_ids"]]
    epochs = resolve_epochs(config, n_train, _padded_tokens(train_lengths, max_length, config) if cpu else None)
    scratch = None
    output_dir = config.output_dir
    if output_dir is None:
        scratch = tempfile.TemporaryDirectory(prefix="quizkit-run-")
        output_dir = scratch.name
    callbacks = list(extra_callbacks)
    if config.early_stopping_patience is not None:
        callbacks.append(EarlyStoppingCallback(early_stopping_patience=config.early_stopping_patience))
    budget = time_budget_callback(config.time_budget_s) if config.time_budget_s is not None else None
    if budget is not None:
        callbacks.append(budget)
    trainer = Trainer(
        model=model,
        args=training_arguments(config, str(output_dir), n_train, epochs),
        train_dataset=encoded["train"],
        eval_dataset=encoded["validation"] if config.eval_strategy != "no" else None,
        processing_class=tokenizer,
        data_collator=DataCollatorWithPadding(tokenizer) if config.padding == "dynamic" else default_data_collator,
        compute_metrics=compute_metrics_for("classification", threshold=config.threshold, labels=range(num_labels)),
        compute_loss_func=WeightedCrossEntropy(weights) if weights else None,
        callbacks=callbacks,
    )
    if config.disable_tqdm:
        # Quiet means quiet: without its progress bar the Trainer would print every log dict.
        trainer.remove_callback(PrinterCallback)
    try:
        with _quiet_library_bars():
            train_output = trainer.train()
            state = trainer.state
            evals = _eval_history(state.log_history)
            kept_step = state.best_global_step if config.early_stopping_patience is not None else state.global_step
            kept = [e for e in evals if e.get("step") == kept_step]
            validation = kept[-1] if kept else trainer.evaluate(encoded["validation"])
            # transformers 5 groups evaluation batches by length too (PR #33514), so predict()
            # would return rows out of the dataset's order; the scores must line up with the
            # dataset's labels and texts here and in any later trainer.predict() a learner makes.
            # The training arguments actually used stay recorded in extra["training_arguments"].
            trainer.args.train_sampling_strategy = "random"
            prediction = trainer.predict(encoded["test"])
            # The kept model's validation scores: thresholds are chosen on these, not on test.
            validation_prediction = trainer.predict(encoded["validation"])
    finally:
        if scratch is not None:
            scratch.cleanup()

    probabilities = _probabilities(prediction.predictions)
    if num_labels == 2:
        scores = probabilities[:, 1]
        predictions = (scores >= config.threshold).astype(int) if config.threshold is not None else probabilities.argmax(-1)
    else:
        scores = probabilities
        predictions = probabilities.argmax(-1)
    test_labels = np.asarray(dataset["test"]["label"], dtype=int)
    return RunResult(
        trainer=trainer,
        config=config,
        data_description=description,
        log_history=list(trainer.state.log_history),
        eval_history=_eval_history(trainer.state.log_history),
        validation_metrics={k.removeprefix("eval_"): v for k, v in validation.items()},
        label_names=label_names,
        test_labels=test_labels,
        test_predictions=np.asarray(predictions, dtype=int),
        test_scores=scores,
        test_texts=list(dataset["test"]["text"]),
        train_texts=list(dataset["train"]["text"]),
        test_metrics=from_predictions(test_labels, predictions, labels=list(range(num_labels)), target_names=label_names),
        wall_time_s=time.perf_counter() - start,
        train_samples_per_second=train_output.metrics.get("train_samples_per_second"),
        device=str(trainer.args.device),
        steps=trainer.state.global_step,
        planned_steps=trainer.state.max_steps,
        class_weights=weights,
        extra={
            "training_arguments": training_kwargs(config, n_train, epochs),
            "epochs": epochs,
            "max_length": max_length,
            "stopped_by_time_budget": bool(budget is not None and budget.exhausted),
            **({"proposed_class_weights": proposal} if proposal else {}),
        },
        validation_labels=np.asarray(dataset["validation"]["label"], dtype=int),
        validation_scores=_scores(_probabilities(validation_prediction.predictions)),
    )


def _probabilities(logits: Any) -> Any:
    import numpy as np
    import torch

    return torch.softmax(torch.from_numpy(np.asarray(logits, dtype=np.float64)), dim=-1).numpy()


def _scores(probabilities: Any) -> Any:
    """P(label 1) per example for two labels, else the (n, k) probability matrix."""
    return probabilities[:, 1] if probabilities.shape[1] == 2 else probabilities
