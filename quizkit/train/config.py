"""What defines a fine-tuning run: :class:`RunConfig`, its checks, and the data it names.

Every field is checked when the config is built, so a typo fails in the cell that made it,
with the field's name, not minutes later inside the Trainer.

>>> RunConfig(model="tiny", epochs=2).padding
'dynamic'
>>> RunConfig(batch_size=0)
Traceback (most recent call last):
...
ValueError: RunConfig.batch_size must be an integer >= 1, got 0
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from quizkit.metrics.checks import check_threshold
from quizkit.metrics.registry import metric_names
from quizkit.data.prepare import PADDINGS
from quizkit.models import BUNDLED
from quizkit.train.truncation import TRUNCATIONS

SAMPLING_STRATEGIES = ("group_by_length", "random")
EVAL_STRATEGIES = ("epoch", "steps", "no")
# class_weight by name: inverse class frequency, or that only when the train split is imbalanced.
CLASS_WEIGHTS = ("balanced", "auto")
DEFAULT_N = 600


def warn_class_weights_renamed(where: str, stacklevel: int = 3) -> None:
    """The FutureWarning for the old spelling ``class_weights`` (scikit-learn's is ``class_weight``)."""
    warnings.warn(f"{where}: class_weights is spelled class_weight now, as in scikit-learn "
                  "(LogisticRegression(class_weight='balanced')); class_weights stops working in quizkit 0.3",
                  FutureWarning, stacklevel=stacklevel)


def best_metrics() -> tuple[str, ...]:
    """What ``metric_for_best_model`` may name: every registered metric (the keys
    ``compute_metrics_for`` returns) and the loss ``Trainer`` always reports."""
    return (*metric_names(), "loss")


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
    "positive_rate": 0.1}``). ``class_weight`` is ``"auto"`` (the default: ``"balanced"`` when
    the train split's largest class outnumbers its smallest by ``IMBALANCE_PROPOSAL_RATIO``, else
    none), ``"balanced"`` (inverse class frequency in train), ``None`` (unweighted) or one weight
    per label; weighted runs also report a weighted eval loss.
    ``threshold`` (binary only) labels an example positive when P(label 1) >= threshold; ``None``
    is 0.5, and ``"auto"`` (the default) is 0.5 except on an imbalanced train split with enough
    validation examples of each class, where the validation split chooses the cut with the best
    MCC (:mod:`quizkit.train.decision`; training's own evaluations still cut at 0.5).
    ``disable_tqdm=True`` hides the progress bar and the printed logs (the panel draws its own).

    The default recipe is one that learns on small real data sets with MiniLM:
    ``epochs="auto"`` trains for at least ``AUTO_MIN_STEPS`` optimiser steps (whole epochs, at
    most ``AUTO_MAX_EPOCHS``), learning rate 2e-4 (the classification head starts from random
    weights and has only those steps to learn in) with a linear warm-up over the first 10% of the
    steps (``warmup_steps`` below 1 is a fraction, as in ``TrainingArguments``),
    ``max_length="auto"`` (``AUTO_MAX_LENGTH`` tokens; on a CPU long texts are cut shorter, down
    to ``AUTO_MIN_LENGTH``, so those steps fit ``AUTO_CPU_TOKENS``: see :func:`resolve_max_length`),
    a cut text keeps its head and its tail (``truncation="head+tail"``: a quarter of the tokens
    from the start, the rest from the end, where reviews sum up), and length-grouped batches
    (``train_sampling_strategy="group_by_length"``: texts of similar length share a batch, so
    dynamic padding adds little). ``time_budget_s`` stops training after that many seconds (the
    run is still evaluated) and, on a CPU, scales the token budget the cut is sized to.
    ``head_learning_rate`` (default: the learning rate) trains the new classification head at its
    own rate; ``linear_probe_steps`` (steps, or a fraction below 1) trains the head alone on the
    frozen body first; ``average_last_epochs`` (default 0: the last weights) keeps the average of
    the weights at the end of that many last epochs (:mod:`quizkit.train.averaging`). On lesson
    10's drug reviews none of them beat the default (``benchmarks/bench_train.py``).
    After training, ``threshold="auto"`` sets the cut for test predictions on the validation split
    when the classes are imbalanced (:mod:`quizkit.train.decision`).

    The ``AUTO_*`` constants and the functions that resolve ``"auto"`` live in
    :mod:`quizkit.train.recipe`.

    >>> RunConfig(model="tiny", epochs=2).padding
    'dynamic'
    """

    model: str = "minilm"
    # False: the model's architecture with random weights (see quizkit.models.load_classifier).
    pretrained: bool | None = None
    data: Any = None
    epochs: float | str = "auto"
    learning_rate: float = 2e-4
    batch_size: int = 16
    max_length: int | str = "auto"
    truncation: str = "head+tail"
    padding: str = "dynamic"
    eval_strategy: str = "epoch"
    eval_steps: int | None = None
    logging_steps: int | None = None
    early_stopping_patience: int | None = None
    metric_for_best_model: str = "f1"
    class_weight: str | Sequence[float] | None = "auto"
    head_learning_rate: float | None = None
    linear_probe_steps: float = 0
    average_last_epochs: int = 0
    weight_decay: float = 0.0
    warmup_steps: float = 0.1
    train_sampling_strategy: str = "group_by_length"
    time_budget_s: float | None = None
    seed: int = 0
    output_dir: str | os.PathLike | None = None
    threshold: float | str | None = "auto"
    disable_tqdm: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.model, str) or not self.model:
            raise _bad("model", self.model, f"one of the bundled models {BUNDLED} or a Hugging Face Hub id")
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
        if self.truncation not in TRUNCATIONS:
            raise _bad("truncation", self.truncation, f"one of {TRUNCATIONS}")
        if self.head_learning_rate is not None and (
                not _is_number(self.head_learning_rate) or not 0 < self.head_learning_rate < 1):
            raise _bad("head_learning_rate", self.head_learning_rate, "None (the learning_rate) or a number between 0 and 1")
        if not _is_number(self.linear_probe_steps) or self.linear_probe_steps < 0 or (
                not _is_int(self.linear_probe_steps) and self.linear_probe_steps >= 1):
            raise _bad("linear_probe_steps", self.linear_probe_steps,
                       "a whole number of steps >= 0 or a fraction of the steps below 1")
        if not _is_int(self.average_last_epochs) or self.average_last_epochs < 0:
            raise _bad("average_last_epochs", self.average_last_epochs, "an integer >= 0 (0: keep the last weights)")
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
        if self.metric_for_best_model not in best_metrics():
            raise _bad("metric_for_best_model", self.metric_for_best_model, f"one of {best_metrics()}")
        self._check_class_weights()
        if not _is_number(self.weight_decay) or self.weight_decay < 0:
            raise _bad("weight_decay", self.weight_decay, "a number >= 0")
        if self.output_dir is not None and not isinstance(self.output_dir, (str, os.PathLike)):
            raise _bad("output_dir", self.output_dir, "None or a directory path")
        if self.threshold not in (None, "auto"):
            if isinstance(self.threshold, str):
                raise _bad("threshold", self.threshold, "'auto', None (0.5) or a number in [0, 1]")
            check_threshold(self.threshold, "RunConfig.threshold")
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
        weights = self.class_weight
        if weights is None or weights in CLASS_WEIGHTS:
            return
        if isinstance(weights, str) or not isinstance(weights, Sequence) or not weights:
            raise _bad("class_weight", weights, "None, 'balanced', 'auto' or a list of positive numbers (one per label)")
        if not all(_is_number(w) and w > 0 for w in weights):
            raise _bad("class_weight", weights, "positive numbers")

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain JSON values; ``data`` is left out (see ``RunResult.data_description``)."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "data"}
        values["output_dir"] = None if self.output_dir is None else str(self.output_dir)
        if values["class_weight"] is not None and values["class_weight"] not in CLASS_WEIGHTS:
            values["class_weight"] = [float(w) for w in values["class_weight"]]
        return values


# The old spelling, class_weights, still works for a release: as a keyword (the dataclass's own
# __init__ knows only class_weight, so a wrapper renames it) and as an attribute to read.
_dataclass_init = RunConfig.__init__
# Tells "class_weights not given" from class_weights=None (unweighted, not the "auto" default).
_NOT_GIVEN = object()


@functools.wraps(_dataclass_init)
def _init_taking_the_old_spelling(self: RunConfig, *args: Any, class_weights: Any = _NOT_GIVEN, **fields: Any) -> None:
    if class_weights is not _NOT_GIVEN:
        warn_class_weights_renamed("RunConfig", stacklevel=3)
        if "class_weight" in fields:
            raise ValueError("RunConfig: give class_weight only (class_weights is its old spelling)")
        fields["class_weight"] = class_weights
    _dataclass_init(self, *args, **fields)


def _old_class_weights(config: RunConfig) -> str | Sequence[float] | None:
    warn_class_weights_renamed("RunConfig.class_weights")
    return config.class_weight


RunConfig.__init__ = _init_taking_the_old_spelling  # type: ignore[method-assign]
RunConfig.class_weights = property(_old_class_weights)  # type: ignore[attr-defined]


def generated_data_spec(description: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ``make_dataset`` keywords a data description stands for, or None for custom data.

    >>> generated_data_spec({"source": "generated", "task": "fraud", "n": 400, "seed": 0})
    {'task': 'fraud', 'n': 400, 'seed': 0}
    >>> generated_data_spec({"source": "custom", "n_train": 480}) is None
    True
    """
    if description.get("source") != "generated":
        return None
    return {k: v for k, v in description.items() if k != "source"}


def resolve_data(data: Any, seed: int) -> tuple[Any, dict[str, Any]]:
    """``(DatasetDict, description)`` for a ``RunConfig.data`` value and the run's seed.

    Your own ``DatasetDict`` is described by its split sizes; generated course data by the
    ``make_dataset`` keywords that rebuild it (``n`` defaults to ``DEFAULT_N``, ``seed`` to the run's).

    >>> dataset, description = resolve_data({"task": "fraud", "n": 200}, seed=3)
    >>> description
    {'source': 'generated', 'task': 'fraud', 'n': 200, 'seed': 3}
    >>> resolve_data(dataset, seed=0)[1]["source"]
    'custom'
    """
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

