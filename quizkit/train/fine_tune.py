"""``run()``: fine-tune a classifier with the Hugging Face ``Trainer`` in one call.

``run()`` loads a model, tokenizes a ``DatasetDict`` (``text``/``label``), trains with
``Trainer``, keeps the best/last validation metrics and predicts on the test split; the
:class:`~quizkit.train.result.RunResult` it returns holds what the course's plots and
diagnoses need. The Trainer gets its plumbing through its own hooks: callbacks (a time
budget, early stopping, the panel's live plots) and ``compute_loss_func`` for class weights.

>>> result = run(model="tiny", data={"task": "spam", "n": 200}, epochs=1)  # doctest: +SKIP
>>> result.test_metrics.accuracy  # doctest: +SKIP
0.5

Everything runs on the GPU with mixed precision when one is visible (bf16 where supported,
else fp16) and in fp32 on the CPU.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import tempfile
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from quizkit.train.averaging import weight_averaging_callback
from quizkit.train.config import RunConfig, resolve_data, warn_class_weights_renamed
from quizkit.train.decision import decide_threshold
from quizkit.train.probe import head_and_body_optimizer, linear_probe_callback
from quizkit.train.recipe import resolve, training_arguments, training_kwargs
from quizkit.train.truncation import MODEL_MAX_TOKENS, cut
from quizkit.train.result import RunResult, eval_history


def time_budget_callback(seconds: float) -> Any:
    """A ``TrainerCallback`` that stops training once ``seconds`` have passed since it began.

    Its ``exhausted`` attribute tells afterwards whether it did.

    >>> budget = time_budget_callback(60)
    >>> budget.exhausted
    False
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


@contextlib.contextmanager
def _quiet_library_bars() -> Iterator[None]:
    """Hide transformers' bookkeeping progress bars and notices for a block, then restore them.

    transformers draws one "Writing model shards" bar per checkpoint; in a saved notebook they
    pile up into a stack of bars that say nothing about training (``tokenize`` hides the
    "Tokenizing" ones itself). The run's progress bar (:mod:`quizkit.train.progress`) is not affected.
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
    if "class_weights" in kwargs:  # the old spelling, still taken for a release
        warn_class_weights_renamed("run", stacklevel=4)
        kwargs = {("class_weight" if key == "class_weights" else key): value for key, value in kwargs.items()}
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
    from transformers import set_seed

    from quizkit.data import tokenize
    from quizkit.metrics.compute_metrics import predicted_classes, probability_scores
    from quizkit.train.progress import show_progress
    from quizkit.train.script_template import build_trainer

    dataset, description = resolve_data(config.data, config.seed)
    label_names = list(dataset["train"].features["label"].names)
    num_labels = len(label_names)
    if config.threshold not in (None, "auto") and num_labels != 2:
        raise ValueError(f"RunConfig.threshold applies to binary tasks only; this data has {num_labels} labels")
    # Seed before building the model: the classification head (and all of "tiny") is random.
    set_seed(config.seed)
    model, tokenizer = _load_model(config.model, label_names, config.pretrained)
    import torch

    cpu = not torch.cuda.is_available()
    n_train = len(dataset["train"])
    # One tokenization, at the model's full length: the token counts settle the recipe, then
    # the token ids are cut to it.
    full = tokenize(dataset, tokenizer, max_length=MODEL_MAX_TOKENS)
    recipe = resolve(config, [len(ids) for ids in full["train"]["input_ids"]], dataset["train"]["label"], num_labels, cpu)
    if notice := recipe.notice():
        print(notice)
    encoded = cut(full, recipe.max_length, recipe.truncation, tokenizer, pad=config.padding == "max_length")
    weights, proposal = recipe.class_weight, recipe.proposed_class_weight
    max_length, epochs = recipe.max_length, recipe.epochs
    scratch = None
    output_dir = config.output_dir
    if output_dir is None:
        scratch = tempfile.TemporaryDirectory(prefix="quizkit-run-")
        output_dir = scratch.name
    callbacks = list(extra_callbacks)
    budget = time_budget_callback(config.time_budget_s) if config.time_budget_s is not None else None
    if budget is not None:
        callbacks.append(budget)
    if recipe.linear_probe_steps:
        callbacks.append(linear_probe_callback(recipe.linear_probe_steps))
    if config.average_last_epochs > 1:
        callbacks.append(weight_averaging_callback(config.average_last_epochs))
    optimizer = None
    if config.head_learning_rate is not None:
        optimizer = head_and_body_optimizer(model, config.learning_rate, config.head_learning_rate, config.weight_decay)
    trainer = build_trainer(
        model, tokenizer, encoded, training_arguments(config, str(output_dir), n_train, epochs),
        # Training's evaluations cut at 0.5 under "auto": the cut is chosen once training is done.
        padding=config.padding, class_weight=weights, threshold=None if config.threshold == "auto" else config.threshold,
        early_stopping_patience=config.early_stopping_patience, callbacks=callbacks, optimizer=optimizer,
    )
    show_progress(trainer, shown=not config.disable_tqdm)
    try:
        with _quiet_library_bars():
            train_output = trainer.train()
            state = trainer.state
            evals = eval_history(state.log_history)
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

    validation_labels = np.asarray(dataset["validation"]["label"], dtype=int)
    validation_scores = probability_scores(validation_prediction.predictions)
    decision = decide_threshold(config.threshold, dataset["train"]["label"], validation_labels, validation_scores,
                                positive_name=label_names[-1])
    if notice := decision.notice():
        print(notice)
    predictions, _ = predicted_classes(prediction.predictions, decision.threshold)
    scores = probability_scores(prediction.predictions)
    return RunResult(
        trainer=trainer,
        config=config,
        data_description=description,
        log_history=list(trainer.state.log_history),
        validation_metrics={k.removeprefix("eval_"): v for k, v in validation.items()},
        label_names=label_names,
        test_labels=dataset["test"]["label"],
        test_predictions=predictions,
        test_scores=scores,
        test_texts=list(dataset["test"]["text"]),
        train_texts=list(dataset["train"]["text"]),
        wall_time_s=time.perf_counter() - start,
        train_samples_per_second=train_output.metrics.get("train_samples_per_second"),
        device=str(trainer.args.device),
        steps=trainer.state.global_step,
        planned_steps=trainer.state.max_steps,
        class_weight=weights,
        threshold=decision.threshold,
        extra={
            "training_arguments": training_kwargs(config, n_train, epochs),
            "epochs": epochs,
            "max_length": max_length,
            "linear_probe_steps": recipe.linear_probe_steps,
            "stopped_by_time_budget": bool(budget is not None and budget.exhausted),
            "threshold_decision": decision.as_record(),
            **({"proposed_class_weight": proposal} if proposal else {}),
        },
        validation_labels=validation_labels,
        validation_scores=validation_scores,
    )

