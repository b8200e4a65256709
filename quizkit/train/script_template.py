"""A quizkit fine-tuning run as a standalone Hugging Face ``Trainer`` script.

Run it with ``python <this file>`` or ``accelerate launch <this file>``: it trains, then prints
the validation and test metrics. The run is the settings block below.
``RunResult.export_trainer_script(path)`` writes a copy of this module (quizkit's
``quizkit/train/script_template.py``) with an exported run's values in that block; the
template's own values are a small demo (the tiny model, 160 generated spam texts, 2 epochs).

It needs torch, transformers, ``quizkit.metrics`` (for ``compute_metrics``) and
``quizkit.train.truncation`` (the cut, as the run made it); it imports
``quizkit.data`` only when ``DATA`` names generated course data and ``quizkit.models`` only
when ``BUNDLED_MODEL`` is true. A Hub model is loaded with transformers' Auto classes.

quizkit's own ``run()`` takes its :class:`WeightedCrossEntropy` from here, so the loss an
exported script trains with is the one the run trained with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from transformers import (
    AutoConfig,
    AutoModelForSequenceClassification,
    AutoTokenizer,
    DataCollatorWithPadding,
    EarlyStoppingCallback,
    Trainer,
    TrainingArguments,
    default_data_collator,
    set_seed,
)

# --- run settings (RunResult.export_trainer_script writes a run's values here) ---
# A model bundled with quizkit (quizkit.models.BUNDLED) when BUNDLED_MODEL, else a Hugging Face Hub id.
MODEL = 'tiny'
BUNDLED_MODEL = True
# None: the model's usual weights; False: its architecture with random weights.
PRETRAINED = None
LABEL_NAMES = ['ham', 'spam']
# quizkit.data.make_dataset keywords for generated course data; None: your own data (see load_data).
DATA = {
    'task': 'spam',
    'n': 160,
    'seed': 0,
}
# Texts are cut at this many tokens, keeping their first ones ("head") or a quarter from the
# start and the rest from the end ("head+tail"); PADDING is "dynamic" (per batch) or "max_length".
MAX_LENGTH = 48
TRUNCATION = 'head+tail'
PADDING = 'dynamic'
SEED = 0
OUTPUT_DIR = 'quizkit_run'
# TrainingArguments keywords (device and precision flags are set in main()).
TRAINING_ARGUMENTS = {
    'num_train_epochs': 2,
    'learning_rate': 0.002,
    'per_device_train_batch_size': 16,
    'per_device_eval_batch_size': 32,
    'weight_decay': 0.0,
    'warmup_steps': 0.1,
    'train_sampling_strategy': 'group_by_length',
    'eval_strategy': 'epoch',
    'logging_strategy': 'steps',
    'logging_steps': 1,
    'seed': 0,
    'dataloader_num_workers': 0,
    'report_to': 'none',
    'save_strategy': 'no',
}
# One loss weight per label, or None for the usual cross-entropy.
CLASS_WEIGHT = None
# The new head's learning rate (None: TRAINING_ARGUMENTS' learning_rate) and the first steps in
# which it trains alone on the frozen model (0: none); see quizkit.train.probe.
HEAD_LEARNING_RATE = None
LINEAR_PROBE_STEPS = 0
# The model kept is the average of the weights at the end of this many last epochs (0 or 1: the
# last weights); see quizkit.train.averaging.
AVERAGE_LAST_EPOCHS = 0
# Stop after this many evaluations without improvement (None: train every epoch).
EARLY_STOPPING_PATIENCE = None
# Binary tasks: label 1 when P(label 1) >= THRESHOLD (None: the most probable label). It is the
# cut the run's test predictions used: with threshold="auto" run() chose it on the validation
# split after training and evaluated at 0.5 while training (the same, unless early stopping
# picks its checkpoint by a metric the cut changes).
THRESHOLD = None
# --- end of run settings ---


def load_data() -> Any:
    """A ``DatasetDict`` with train/validation/test splits and ``text``/``label`` columns."""
    if DATA is not None:
        from quizkit.data import make_dataset

        return make_dataset(**DATA)
    # The run trained on your own DatasetDict, which a script cannot rebuild: load it here
    # (for instance save it with data.save_to_disk("my-data") in the notebook, then return
    # datasets.load_from_disk("my-data")).
    raise NotImplementedError(f"load_data(): return your DatasetDict (labels: {LABEL_NAMES!r})")


def load_model() -> tuple[Any, Any]:
    """``(model, tokenizer)``: ``MODEL`` with a fresh classification head for ``LABEL_NAMES``."""
    if BUNDLED_MODEL:
        from quizkit.models import load_classifier

        return load_classifier(MODEL, id2label=LABEL_NAMES, pretrained=PRETRAINED)
    labels = dict(
        num_labels=len(LABEL_NAMES), id2label=dict(enumerate(LABEL_NAMES)),
        label2id={name: i for i, name in enumerate(LABEL_NAMES)},
    )
    tokenizer = AutoTokenizer.from_pretrained(MODEL)
    if PRETRAINED is False:
        return AutoModelForSequenceClassification.from_config(AutoConfig.from_pretrained(MODEL, **labels)), tokenizer
    # The Hub checkpoint's own head (if any) has other labels: a new one replaces it.
    model = AutoModelForSequenceClassification.from_pretrained(MODEL, ignore_mismatched_sizes=True, **labels)
    return model, tokenizer


class WeightedCrossEntropy:
    """``Trainer(compute_loss_func=...)``: cross-entropy with one weight per class.

    Summed and divided by ``num_items_in_batch`` (the Trainer's count over the whole
    accumulated, multi-device batch), so it stays right with gradient accumulation and
    ``accelerate launch``; with all weights 1 it equals the usual mean cross-entropy.

    >>> loss = WeightedCrossEntropy([1.0, 1.0])
    >>> logits, labels = torch.tensor([[2.0, 0.0], [0.0, 1.0]]), torch.tensor([0, 1])
    >>> bool(torch.isclose(loss({"logits": logits}, labels), F.cross_entropy(logits, labels)))
    True
    """

    def __init__(self, weights: Sequence[float]):
        self.weights = [float(w) for w in weights]

    def __call__(self, outputs: Any, labels: Any, num_items_in_batch: Any = None) -> Any:
        logits = outputs["logits"] if isinstance(outputs, Mapping) else outputs[0]
        weight = torch.tensor(self.weights, device=logits.device, dtype=torch.float32)
        logits = logits.view(-1, len(self.weights)).float()
        labels = labels.view(-1)
        if num_items_in_batch is None:
            return F.cross_entropy(logits, labels, weight=weight)
        return F.cross_entropy(logits, labels, weight=weight, reduction="sum") / num_items_in_batch


def build_trainer(
    model: Any,
    tokenizer: Any,
    encoded: Any,
    args: TrainingArguments,
    *,
    padding: str = "dynamic",
    class_weight: Sequence[float] | None = None,
    threshold: float | None = None,
    early_stopping_patience: int | None = None,
    callbacks: Sequence[Any] = (),
    optimizer: Any = None,
) -> Trainer:
    """The run's ``Trainer``: collator, metrics, class-weighted loss and early stopping.

    quizkit's ``run()`` builds its Trainer here too (adding its own callbacks), so an exported
    script trains exactly as the run did. ``encoded`` is the tokenized ``DatasetDict``;
    ``optimizer`` (default: the Trainer's AdamW) goes in through ``Trainer(optimizers=...)``,
    with the Trainer's own learning-rate schedule.
    """
    from quizkit.metrics import compute_metrics_for

    callbacks = list(callbacks)
    if early_stopping_patience is not None:
        callbacks.append(EarlyStoppingCallback(early_stopping_patience=early_stopping_patience))
    num_labels = model.config.num_labels
    return Trainer(
        model=model,
        args=args,
        train_dataset=encoded["train"],
        eval_dataset=encoded["validation"] if args.eval_strategy != "no" else None,
        processing_class=tokenizer,
        data_collator=DataCollatorWithPadding(tokenizer) if padding == "dynamic" else default_data_collator,
        compute_metrics=compute_metrics_for("classification", threshold=threshold, labels=range(num_labels)),
        compute_loss_func=WeightedCrossEntropy(class_weight) if class_weight else None,
        callbacks=callbacks,
        optimizers=(optimizer, None),
    )


def main() -> None:
    """Train ``MODEL`` on ``load_data()`` with the run's settings; print validation and test metrics."""
    set_seed(SEED)
    data = load_data()
    model, tokenizer = load_model()

    from quizkit.train.truncation import MODEL_MAX_TOKENS, cut

    def tokenize(batch: Mapping[str, Any]) -> Any:
        return tokenizer(batch["text"], truncation=True, max_length=MODEL_MAX_TOKENS)

    full = data.map(tokenize, batched=True, remove_columns=["text"])
    encoded = cut(full, MAX_LENGTH, TRUNCATION, tokenizer, pad=PADDING == "max_length")
    cuda = torch.cuda.is_available()
    bf16 = cuda and torch.cuda.is_bf16_supported()
    args = TrainingArguments(output_dir=OUTPUT_DIR, bf16=bf16, fp16=cuda and not bf16, **TRAINING_ARGUMENTS)
    callbacks, optimizer = [], None
    if LINEAR_PROBE_STEPS or HEAD_LEARNING_RATE is not None:
        from quizkit.train.probe import head_and_body_optimizer, linear_probe_callback

        if LINEAR_PROBE_STEPS:
            callbacks.append(linear_probe_callback(LINEAR_PROBE_STEPS))
        if HEAD_LEARNING_RATE is not None:
            optimizer = head_and_body_optimizer(model, args.learning_rate, HEAD_LEARNING_RATE, args.weight_decay)
    if AVERAGE_LAST_EPOCHS > 1:
        from quizkit.train.averaging import weight_averaging_callback

        callbacks.append(weight_averaging_callback(AVERAGE_LAST_EPOCHS))
    trainer = build_trainer(
        model, tokenizer, encoded, args, padding=PADDING, class_weight=CLASS_WEIGHT,
        threshold=THRESHOLD, early_stopping_patience=EARLY_STOPPING_PATIENCE, callbacks=callbacks, optimizer=optimizer,
    )
    trainer.train()
    print("eval metrics:", trainer.evaluate(encoded["validation"]))
    print("test metrics:", trainer.predict(encoded["test"]).metrics)


if __name__ == "__main__":
    main()
