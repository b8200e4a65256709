"""The default recipe: how long to train, where to cut texts, how to weight classes.

Each ``"auto"`` in :class:`~quizkit.train.config.RunConfig` is resolved here, from the data's
size (and, on a CPU, its token counts), and :func:`training_kwargs` turns a config into the
``TrainingArguments`` keywords a run uses (and an exported script repeats).

>>> from quizkit.train.config import RunConfig
>>> resolve_epochs(RunConfig(), n_train=480)  # 30 steps per epoch -> 5 epochs = 150 steps
5
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from quizkit.train.config import RunConfig

# About this many train-loss points per run, so learning curves have a shape even on short runs.
LOG_POINTS = 10
# epochs="auto": small data sets get several epochs, so that training takes at least this many
# optimiser steps (one epoch of 480 texts is 30 steps: far too few for a head to learn) ...
AUTO_MIN_STEPS = 150
# ... but never more epochs than this; data large enough for AUTO_MIN_STEPS gets one epoch.
AUTO_MAX_EPOCHS = 10
# On a CPU the tokens trained on (padding included) stay under this: lesson 10's default run on
# them takes 73 s on 2 cores with torch on both (as quizkit.train.threads sets it; model load and
# predictions included), so the default run of a lesson stays under two minutes with room for a
# slower or busier machine. Counting tokens keeps the choice deterministic (a clock would make
# reruns differ). max_length="auto" meets it by truncating long texts, keeping the steps; an
# explicit max_length meets it with fewer epochs. (100,000, sized on one thread's time, cut lesson
# 10's reviews to 44 tokens and lost to TF-IDF on one seed of five; 150,000 cuts them to 70, and
# the paired test shows it worse on none of ten seeds; cut at 0.5, seed 9 had the accuracy
# paradox, which the threshold chosen on validation removes: benchmarks/bench_train.py.)
AUTO_CPU_TOKENS = 150_000
# A run's time_budget_s scales the token budget: this many seconds buy AUTO_CPU_TOKENS (with time
# to spare on a quiet machine, so the clock seldom stops a run the tokens have sized).
AUTO_CPU_SECONDS = 100
# max_length="auto": texts are cut at this many tokens (on a GPU, and on a CPU when they fit) ...
AUTO_MAX_LENGTH = 128
# ... and never at fewer: shorter cuts lose the words that carry most texts' labels, so below it
# the CPU token budget takes epochs away instead.
AUTO_MIN_LENGTH = 32
# A train split whose largest class outnumbers its smallest this much gets a class-weight proposal
# (class_weight=None), or balanced class weights (class_weight="auto").
IMBALANCE_PROPOSAL_RATIO = 1.5
# Below this share of the training tokens read, run() says before training that the cut is deep.
SMALL_TOKEN_SHARE = 0.5


def resolve_class_weights(spec: str | Sequence[float] | None, train_labels: Sequence[int], num_labels: int) -> list[float] | None:
    """Turn ``class_weight`` into one float per label (``"balanced"``: n / (k * count)).

    >>> resolve_class_weights("balanced", [0, 0, 0, 1], 2)
    [0.6666666666666666, 2.0]
    """
    if spec is None:
        return None
    if spec == "balanced":
        import numpy as np
        from sklearn.utils.class_weight import compute_class_weight

        present = np.unique(train_labels)
        if len(present) < num_labels:
            raise ValueError(
                f"RunConfig.class_weight='balanced' needs every label in the train split; labels present: {present.tolist()}"
            )
        return [float(w) for w in compute_class_weight("balanced", classes=np.arange(num_labels), y=np.asarray(train_labels))]
    if len(spec) != num_labels:
        raise ValueError(f"RunConfig.class_weight needs {num_labels} weights (one per label), got {list(spec)!r}")
    return [float(w) for w in spec]


def padded_tokens(lengths: Any, max_length: int, config: RunConfig) -> int:
    """Tokens in one epoch of batches of texts this long (after truncation), padding included.

    An estimate when batches are random.

    >>> padded_tokens([10, 20, 30], 32, RunConfig()), padded_tokens([10, 20, 30], 32, RunConfig(padding="max_length"))
    (60, 96)
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


def planned_steps(n_train: int, batch_size: int, epochs: float) -> int:
    """Optimizer steps the Trainer will take (no gradient accumulation, one device).

    >>> planned_steps(480, 16, 5)
    150
    """
    return max(1, math.ceil(math.ceil(n_train / batch_size) * epochs))


def cpu_token_budget(config: RunConfig) -> int:
    """Tokens a CPU run trains on: ``AUTO_CPU_TOKENS``, scaled by ``time_budget_s`` when one is set.

    >>> cpu_token_budget(RunConfig()), cpu_token_budget(RunConfig(time_budget_s=300))
    (150000, 450000)
    """
    if config.time_budget_s is None:
        return AUTO_CPU_TOKENS
    return int(AUTO_CPU_TOKENS * config.time_budget_s / AUTO_CPU_SECONDS)


def resolve_epochs(config: RunConfig, n_train: int, cpu_tokens_per_epoch: int | None = None) -> float:
    """The epochs a run trains for: ``config.epochs``, or for ``"auto"`` the fewest whole epochs
    reaching ``AUTO_MIN_STEPS`` optimiser steps (at most ``AUTO_MAX_EPOCHS``).

    ``cpu_tokens_per_epoch`` (given when training on a CPU) caps ``"auto"`` at the epochs that
    stay within ``AUTO_CPU_TOKENS``, never below one. With ``max_length="auto"`` the cut
    (:func:`resolve_max_length`) already fits the budget and the cap only binds for texts that
    are long even at ``AUTO_MIN_LENGTH``; with an explicit ``max_length`` it takes epochs away.

    >>> resolve_epochs(RunConfig(), 480), resolve_epochs(RunConfig(), 480, cpu_tokens_per_epoch=60_000)
    (5, 2)
    """
    if config.epochs != "auto":
        return config.epochs
    per_epoch = math.ceil(n_train / config.batch_size)
    epochs = min(AUTO_MAX_EPOCHS, math.ceil(AUTO_MIN_STEPS / per_epoch))
    if cpu_tokens_per_epoch:
        epochs = min(epochs, cpu_token_budget(config) // cpu_tokens_per_epoch)
    return max(1, epochs)


def resolve_max_length(config: RunConfig, n_train: int, train_lengths: Sequence[int] | None = None) -> int:
    """The tokens a text is cut at: ``config.max_length``, or for ``"auto"`` ``AUTO_MAX_LENGTH``.

    ``train_lengths`` (the train texts' token counts, given when training on a CPU) makes
    ``"auto"`` the longest cut, not below ``AUTO_MIN_LENGTH``, at which the epochs of
    :func:`resolve_epochs` stay within ``AUTO_CPU_TOKENS``: long texts lose their ends, the run
    keeps its optimiser steps.

    >>> resolve_max_length(RunConfig(), 480), resolve_max_length(RunConfig(), 480, [200] * 480)
    (128, 62)
    """
    if config.max_length != "auto":
        return config.max_length
    if train_lengths is None:
        return AUTO_MAX_LENGTH
    import numpy as np

    lengths = np.asarray(train_lengths)
    budget = cpu_token_budget(config) / resolve_epochs(config, n_train)
    for max_length in range(AUTO_MAX_LENGTH, AUTO_MIN_LENGTH, -1):
        if padded_tokens(np.minimum(lengths, max_length), max_length, config) <= budget:
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


@dataclass(frozen=True)
class Recipe:
    """What a run's ``"auto"`` settings resolve to, decided once before training (:func:`resolve`).

    ``token_share`` is the share of the training texts' tokens the cut keeps (each epoch reads
    that much of the data); ``longer_share`` the share of training texts longer than the cut.
    """

    max_length: int
    truncation: str
    epochs: float
    class_weight: list[float] | None
    proposed_class_weight: str | None
    linear_probe_steps: int
    token_share: float
    longer_share: float
    cpu: bool

    def notice(self) -> str | None:
        """One line saying the cut reads little of the data, and what to do; None when it reads enough."""
        if self.token_share >= SMALL_TOKEN_SHARE:
            return None
        remedy = ("train on a GPU (the cut is then 128 tokens), give a longer time_budget_s (e.g. 300), "
                  if self.cpu else "set a longer max_length, ")
        return (f"quizkit: the training budget reads {self.token_share:.0%} of the training tokens (texts cut at "
                f"{self.max_length} tokens; {self.longer_share:.0%} of them are longer). To read more, {remedy}"
                "or compare with quizkit.analysis.baselines.tfidf_logreg, which reads whole texts in about a second.")


def resolve(config: RunConfig, train_lengths: Sequence[int], train_labels: Sequence[int], num_labels: int,
            cpu: bool) -> Recipe:
    """Settle the run's cut, truncation, epochs, class weights and linear-probe steps in one step.

    ``train_lengths`` are the training texts' full token counts (one tokenization, at the
    model's length limit); on a CPU they size the cut and the epochs to the token budget.

    >>> recipe = resolve(RunConfig(), [200] * 480, [0] * 160 + [1] * 320, 2, cpu=True)
    >>> recipe.max_length, recipe.epochs, recipe.token_share < SMALL_TOKEN_SHARE
    (62, 5, True)
    """
    import numpy as np

    lengths = np.asarray(train_lengths)
    n_train = len(lengths)
    max_length = resolve_max_length(config, n_train, lengths if cpu else None)
    kept = np.minimum(lengths, max_length)
    epochs = resolve_epochs(config, n_train, padded_tokens(kept, max_length, config) if cpu else None)
    spec = config.class_weight
    imbalanced = propose_class_weights(train_labels, num_labels)
    if spec == "auto":
        spec = imbalanced
    probe = config.linear_probe_steps
    if probe and probe < 1:
        probe = math.ceil(probe * planned_steps(n_train, config.batch_size, epochs))
    return Recipe(
        max_length=max_length,
        truncation=config.truncation,
        epochs=epochs,
        class_weight=resolve_class_weights(spec, train_labels, num_labels),
        proposed_class_weight=imbalanced if config.class_weight is None else None,
        linear_probe_steps=int(probe),
        token_share=float(kept.sum() / max(1, lengths.sum())),
        longer_share=float(np.mean(lengths > max_length)) if n_train else 0.0,
        cpu=cpu,
    )


def training_kwargs(config: RunConfig, n_train: int, epochs: float | None = None) -> dict[str, Any]:
    """``TrainingArguments`` keywords for a config, without output_dir and device/precision flags.

    ``epochs`` is the resolved number of epochs (default: :func:`resolve_epochs` without a CPU cap).

    >>> kwargs = training_kwargs(RunConfig(), n_train=480)
    >>> kwargs["num_train_epochs"], kwargs["logging_steps"], kwargs["save_strategy"]
    (5, 15, 'no')
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

