"""run()'s default recipe: auto epochs in optimiser steps, warm-up, length-grouped batches, proposals."""

from pathlib import Path
import math

import numpy as np
import pytest
import torch
from transformers.trainer_pt_utils import LengthGroupedSampler

from quizkit.data import make_dataset
from quizkit.train import (
    AUTO_CPU_TOKENS,
    AUTO_MAX_EPOCHS,
    AUTO_MAX_LENGTH,
    AUTO_MIN_LENGTH,
    AUTO_MIN_STEPS,
    RunConfig,
    load_run,
    propose_class_weights,
    resolve_epochs,
    resolve_max_length,
    run,
    training_kwargs,
)

# A run saved before validation scores and length grouping existed (fraud-minilm of December 2026).
OLD_RUN = Path(__file__).parents[1] / "fixtures" / "saved-runs" / "before-length-grouping"
TINY = {"model": "tiny", "disable_tqdm": True, "max_length": 32}


@pytest.mark.parametrize("n_train", [16, 100, 480, 2400, 10_000])
def test_auto_epochs_reach_the_minimum_steps_in_whole_epochs(n_train):
    config = RunConfig()
    epochs = resolve_epochs(config, n_train)
    per_epoch = math.ceil(n_train / config.batch_size)
    assert epochs == int(epochs) >= 1
    if epochs < AUTO_MAX_EPOCHS:
        # Enough steps, and one epoch fewer would not be.
        assert epochs * per_epoch >= AUTO_MIN_STEPS or epochs == 1
        assert (epochs - 1) * per_epoch < AUTO_MIN_STEPS
    assert resolve_epochs(RunConfig(epochs=2.5), n_train) == 2.5


def test_cpu_token_cap_never_goes_below_one_epoch():
    config = RunConfig()
    assert resolve_epochs(config, 480, cpu_tokens_per_epoch=AUTO_CPU_TOKENS // 3) == 3
    assert resolve_epochs(config, 480, cpu_tokens_per_epoch=AUTO_CPU_TOKENS * 5) == 1
    # An explicit number of epochs is never capped.
    assert resolve_epochs(RunConfig(epochs=7), 480, cpu_tokens_per_epoch=AUTO_CPU_TOKENS * 5) == 7


@pytest.mark.parametrize("text_tokens", [20, 60, 110, 400])
def test_auto_max_length_cuts_long_texts_to_keep_the_steps_on_a_cpu(text_tokens):
    config, n_train = RunConfig(), 480
    epochs = resolve_epochs(config, n_train)
    lengths = np.full(n_train, min(text_tokens, AUTO_MAX_LENGTH))  # as measured at the longest cut
    cut = resolve_max_length(config, n_train, lengths)
    assert AUTO_MIN_LENGTH <= cut <= AUTO_MAX_LENGTH
    per_epoch = int(np.minimum(lengths, cut).sum())
    if cut > AUTO_MIN_LENGTH:
        # The longest cut within the budget: one token more would break it.
        assert epochs * per_epoch <= AUTO_CPU_TOKENS
        assert cut == AUTO_MAX_LENGTH or epochs * int(np.minimum(lengths, cut + 1).sum()) > AUTO_CPU_TOKENS
        # ... so the CPU cap leaves the steps alone.
        assert resolve_epochs(config, n_train, cpu_tokens_per_epoch=per_epoch) == epochs
    else:
        # Even the shortest cut is over the budget: epochs give way, never below one.
        assert 1 <= resolve_epochs(config, n_train, cpu_tokens_per_epoch=per_epoch) <= epochs


def test_the_cpu_budget_is_150_000_tokens():
    # 480 texts of 200 tokens, 5 epochs: 150,000 / 5 / 480 = 62.5 tokens a text.
    assert resolve_max_length(RunConfig(), 480, [200] * 480) == 62
    # time_budget_s=300 triples it: 187.5 tokens a text, more than the 128-token ceiling.
    assert resolve_max_length(RunConfig(time_budget_s=300), 480, [200] * 480) == AUTO_MAX_LENGTH


def test_an_explicit_max_length_is_kept_and_a_gpu_gets_the_full_cut():
    long_texts = np.full(480, 500)
    assert resolve_max_length(RunConfig(max_length=256), 480, long_texts) == 256
    assert resolve_max_length(RunConfig(), 480) == AUTO_MAX_LENGTH  # no CPU budget given


def test_training_arguments_carry_the_recipe():
    kwargs = training_kwargs(RunConfig(), 480)
    assert kwargs["num_train_epochs"] == 5 and kwargs["learning_rate"] == 2e-4
    assert kwargs["warmup_steps"] == 0.1 and kwargs["train_sampling_strategy"] == "group_by_length"


def test_class_weight_proposal_matches_an_imbalance_ratio():
    assert propose_class_weights([1] * 65 + [0] * 35, 2) == "balanced"
    assert propose_class_weights([1] * 55 + [0] * 45, 2) is None
    assert propose_class_weights([0] * 10 + [1] * 10 + [2] * 30, 3) == "balanced"


@pytest.mark.parametrize("field, value", [
    ("epochs", "many"), ("warmup_steps", 1.5), ("warmup_steps", -1), ("train_sampling_strategy", "sorted"),
    ("time_budget_s", 0), ("time_budget_s", "1 min"), ("max_length", "long"), ("max_length", 1),
])
def test_new_settings_are_checked(field, value):
    with pytest.raises(ValueError, match=f"RunConfig.{field}"):
        RunConfig(**{field: value})


@pytest.fixture(scope="module")
def auto_run():
    data = make_dataset("spam", n=200, positive_rate=0.3, seed=0)
    return run(data=data, learning_rate=1e-3, **TINY)


def _train_sampler(result):
    """The sampler the run trained with: run() switches the finished trainer to random order, so
    that its predict() keeps the dataset's row order (transformers 5 groups evaluation too)."""
    trainer = result.trainer
    after = trainer.args.train_sampling_strategy
    trainer.args.train_sampling_strategy = result.extra["training_arguments"]["train_sampling_strategy"]
    try:
        return trainer._get_train_sampler()
    finally:
        trainer.args.train_sampling_strategy = after


@pytest.mark.slow
def test_a_default_run_takes_auto_epochs_with_length_grouped_batches(auto_run):
    n_train = 140
    # Tiny trains on a CPU here: the cap applies, but these short texts are far below it.
    # 9 steps per epoch: reaching 150 steps would take 17 epochs, so the 10-epoch ceiling applies.
    assert auto_run.extra["epochs"] == resolve_epochs(RunConfig(), n_train) == AUTO_MAX_EPOCHS
    assert auto_run.steps == auto_run.planned_steps == auto_run.extra["epochs"] * math.ceil(n_train / 16)
    trainer = auto_run.trainer
    assert auto_run.extra["training_arguments"]["train_sampling_strategy"] == "group_by_length"
    assert isinstance(_train_sampler(auto_run), LengthGroupedSampler)
    # Warm-up over the first 10% of the steps: the learning rate rises, then decays.
    rates = [e["learning_rate"] for e in auto_run.log_history if "learning_rate" in e]
    assert rates[0] < max(rates) and rates[-1] < max(rates)
    assert trainer.args.get_warmup_steps(auto_run.planned_steps) == math.ceil(0.1 * auto_run.planned_steps)
    # 30% positives (beyond the imbalance ratio): class_weight="auto" applies balanced weights.
    labels = np.asarray(auto_run.trainer.train_dataset["label"])
    np.testing.assert_allclose(auto_run.class_weight, len(labels) / (2 * np.bincount(labels)))
    assert "proposed_class_weight" not in auto_run.extra


def test_unweighted_runs_on_imbalanced_data_get_a_class_weight_proposal():
    data = make_dataset("spam", n=200, positive_rate=0.3, seed=0)
    plain = run(data=data, epochs=0.2, eval_strategy="no", class_weight=None, **TINY)
    assert plain.extra["proposed_class_weight"] == "balanced" and plain.class_weight is None
    assert "class_weight='balanced'" in plain._repr_html_()


@pytest.mark.slow
def test_length_grouped_batches_hold_texts_of_similar_length(auto_run):
    trainer = auto_run.trainer
    lengths = np.array([len(ids) for ids in trainer.train_dataset["input_ids"]])
    order = list(_train_sampler(auto_run))
    batches = [lengths[order[i:i + 16]] for i in range(0, len(order), 16)]
    grouped_padding = sum(b.max() * len(b) - b.sum() for b in batches)
    rng = np.random.default_rng(0)
    shuffled = rng.permutation(len(lengths))
    random_padding = sum(lengths[shuffled[i:i + 16]].max() * len(shuffled[i:i + 16]) - lengths[shuffled[i:i + 16]].sum()
                         for i in range(0, len(shuffled), 16))
    assert grouped_padding < random_padding


@pytest.mark.slow
def test_time_budget_stops_training_and_the_run_is_still_evaluated():
    data = make_dataset("spam", n=200, seed=0)
    result = run(data=data, epochs=50, time_budget_s=0.5, eval_strategy="no", **TINY)
    assert result.extra["stopped_by_time_budget"] and result.stopped_early
    assert 0 < result.steps < result.planned_steps
    assert len(result.test_predictions) == len(data["test"])


def test_runs_saved_before_length_grouping_load_as_random_batches():
    # Recorded (as fraud-minilm) with the old defaults: its saved config has no train_sampling_strategy.
    assert load_run(OLD_RUN).config.train_sampling_strategy == "random"


@pytest.mark.slow
def test_a_default_run_on_a_cpu_cuts_long_texts_and_keeps_its_epochs(tmp_path):
    data = make_dataset("spam", n=200, seed=0)
    long = data.map(lambda row: {"text": " ".join([row["text"]] * 10)})
    result = run(data=long, learning_rate=1e-3, eval_strategy="no", model="tiny", disable_tqdm=True)
    cut = result.extra["max_length"]
    if torch.cuda.is_available():  # the token budget is the CPU's: a GPU keeps the full cut
        assert cut == AUTO_MAX_LENGTH and result.extra["epochs"] == AUTO_MAX_EPOCHS
        return
    # 140 texts of well over 128 tokens: 10 epochs at the full cut would break the CPU budget.
    assert AUTO_MIN_LENGTH < cut < AUTO_MAX_LENGTH
    assert max(len(ids) for ids in result.trainer.train_dataset["input_ids"]) == cut
    assert result.extra["epochs"] == resolve_epochs(RunConfig(), 140) == AUTO_MAX_EPOCHS
    assert result.steps == result.planned_steps == AUTO_MAX_EPOCHS * math.ceil(140 / 16)
    # The exported script reproduces the cut, not the word "auto".
    assert f"MAX_LENGTH = {cut}\n" in result.export_trainer_script(tmp_path / "run.py").read_text()
