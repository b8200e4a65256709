"""run()'s default recipe: auto epochs in optimiser steps, warm-up, length-grouped batches, proposals."""

from pathlib import Path
import math

import numpy as np
import pytest
from transformers.trainer_pt_utils import LengthGroupedSampler

from quizkit.data import make_dataset
from quizkit.train import (
    AUTO_CPU_TOKENS,
    AUTO_MAX_EPOCHS,
    AUTO_MIN_STEPS,
    RunConfig,
    load_run,
    propose_class_weights,
    resolve_epochs,
    run,
    training_kwargs,
)

# A run saved before validation scores and length grouping existed (fraud-minilm of December 2026).
OLD_RUN = Path(__file__).parent / "fixtures" / "saved-runs" / "before-length-grouping"
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


def test_training_arguments_carry_the_recipe():
    kwargs = training_kwargs(RunConfig(), 480)
    assert kwargs["num_train_epochs"] == 5 and kwargs["learning_rate"] == 1e-4
    assert kwargs["warmup_steps"] == 0.1 and kwargs["train_sampling_strategy"] == "group_by_length"


def test_class_weight_proposal_matches_an_imbalance_ratio():
    assert propose_class_weights([1] * 65 + [0] * 35, 2) == "balanced"
    assert propose_class_weights([1] * 55 + [0] * 45, 2) is None
    assert propose_class_weights([0] * 10 + [1] * 10 + [2] * 30, 3) == "balanced"


@pytest.mark.parametrize("field, value", [
    ("epochs", "many"), ("warmup_steps", 1.5), ("warmup_steps", -1), ("train_sampling_strategy", "sorted"),
    ("time_budget_s", 0), ("time_budget_s", "1 min"),
])
def test_new_settings_are_checked(field, value):
    with pytest.raises(ValueError, match=f"RunConfig.{field}"):
        RunConfig(**{field: value})


@pytest.fixture(scope="module")
def auto_run():
    data = make_dataset("spam", n=200, positive_rate=0.3, seed=0)
    return run(data=data, learning_rate=1e-3, **TINY)


def test_a_default_run_takes_auto_epochs_with_length_grouped_batches(auto_run):
    n_train = 140
    # Tiny trains on a CPU here: the cap applies, but these short texts are far below it.
    # 9 steps per epoch: reaching 150 steps would take 17 epochs, so the 10-epoch ceiling applies.
    assert auto_run.extra["epochs"] == resolve_epochs(RunConfig(), n_train) == AUTO_MAX_EPOCHS
    assert auto_run.steps == auto_run.planned_steps == auto_run.extra["epochs"] * math.ceil(n_train / 16)
    trainer = auto_run.trainer
    assert trainer.args.train_sampling_strategy == "group_by_length"
    assert isinstance(trainer._get_train_sampler(), LengthGroupedSampler)
    # Warm-up over the first 10% of the steps: the learning rate rises, then decays.
    rates = [e["learning_rate"] for e in auto_run.log_history if "learning_rate" in e]
    assert rates[0] < max(rates) and rates[-1] < max(rates)
    assert trainer.args.get_warmup_steps(auto_run.planned_steps) == math.ceil(0.1 * auto_run.planned_steps)
    # 30% positives: the run proposes class weights and shows the proposal, but does not apply them.
    assert auto_run.extra["proposed_class_weights"] == "balanced" and auto_run.class_weights is None
    assert "class_weights='balanced'" in auto_run._repr_html_()


def test_length_grouped_batches_hold_texts_of_similar_length(auto_run):
    trainer = auto_run.trainer
    lengths = np.array([len(ids) for ids in trainer.train_dataset["input_ids"]])
    order = list(trainer._get_train_sampler())
    batches = [lengths[order[i:i + 16]] for i in range(0, len(order), 16)]
    grouped_padding = sum(b.max() * len(b) - b.sum() for b in batches)
    rng = np.random.default_rng(0)
    shuffled = rng.permutation(len(lengths))
    random_padding = sum(lengths[shuffled[i:i + 16]].max() * len(shuffled[i:i + 16]) - lengths[shuffled[i:i + 16]].sum()
                         for i in range(0, len(shuffled), 16))
    assert grouped_padding < random_padding


def test_time_budget_stops_training_and_the_run_is_still_evaluated():
    data = make_dataset("spam", n=200, seed=0)
    result = run(data=data, epochs=50, time_budget_s=0.5, eval_strategy="no", **TINY)
    assert result.extra["stopped_by_time_budget"] and result.stopped_early
    assert 0 < result.steps < result.planned_steps
    assert len(result.test_predictions) == len(data["test"])


def test_runs_saved_before_length_grouping_load_as_random_batches():
    # Recorded (as fraud-minilm) with the old defaults: its saved config has no train_sampling_strategy.
    assert load_run(OLD_RUN).config.train_sampling_strategy == "random"
