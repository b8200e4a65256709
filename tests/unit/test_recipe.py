"""The recipe's parts on real Trainer runs (tiny model): head + tail cuts, the linear probe before
fine-tuning, the head's own learning rate, class weights by ratio, and the notice before training."""

import numpy as np
import pytest
import torch
from transformers import TrainerCallback

from quizkit.data import make_dataset
from quizkit.models import load_classifier
from quizkit.train import RunConfig, run
from quizkit.train.probe import body_parameters, head_parameters
from quizkit.train.recipe import IMBALANCE_PROPOSAL_RATIO, SMALL_TOKEN_SHARE, resolve
from quizkit.train.truncation import HEAD_SHARE, keep

pytestmark = pytest.mark.filterwarnings("ignore:load_classifier\\('tiny'\\):UserWarning")

TINY = dict(model="tiny", disable_tqdm=True, eval_strategy="no")


def _tokenizer():
    return load_classifier("tiny", id2label=["a", "b"])[1]


def test_head_and_tail_keep_the_ends_a_head_cut_loses():
    tokenizer = _tokenizer()
    text = "start " + "and " * 60 + "verdict excellent"
    ids = tokenizer(text)["input_ids"]
    head, both = keep(ids, 16, "head"), keep(ids, 16, "head+tail")
    words = lambda row: tokenizer.decode(row, skip_special_tokens=True).split()  # noqa: E731
    assert len(head) == len(both) == 16
    assert head[0] == both[0] == tokenizer.cls_token_id and head[-1] == both[-1] == tokenizer.sep_token_id
    assert "excellent" in words(both) and "excellent" not in words(head)
    assert words(both)[0] == words(head)[0] == "start"
    # A quarter of the 14 text positions from the start (Sun et al.'s 128 of 510), the rest from the end.
    assert words(both)[:round(14 * HEAD_SHARE)] == ["start"] + ["and"] * (round(14 * HEAD_SHARE) - 1)
    short = tokenizer("short text")["input_ids"]
    assert keep(short, 16, "head+tail") == short


def test_resolve_applies_auto_class_weight_beyond_the_ratio_only():
    lengths = [20] * 300
    skewed = [0] * 100 + [1] * 200  # 2:1, beyond the ratio
    even = [0] * 150 + [1] * 150
    assert 2 >= IMBALANCE_PROPOSAL_RATIO
    weighted = resolve(RunConfig(class_weight="auto"), lengths, skewed, 2, cpu=True)
    assert weighted.class_weight == pytest.approx([1.5, 0.75]) and weighted.proposed_class_weight is None
    assert resolve(RunConfig(class_weight="auto"), lengths, even, 2, cpu=True).class_weight is None
    # class_weight=None stays unweighted and proposes weights instead.
    plain = resolve(RunConfig(class_weight=None), lengths, skewed, 2, cpu=True)
    assert plain.class_weight is None and plain.proposed_class_weight == "balanced"


def test_resolve_measures_the_share_of_tokens_the_cut_keeps():
    lengths = [100] * 200 + [20] * 200
    recipe = resolve(RunConfig(max_length=30), lengths, [0, 1] * 200, 2, cpu=True)
    assert recipe.token_share == pytest.approx((200 * 30 + 200 * 20) / (200 * 100 + 200 * 20))
    assert recipe.longer_share == 0.5
    assert recipe.token_share < SMALL_TOKEN_SHARE and "50% of them are longer" in recipe.notice()
    assert resolve(RunConfig(max_length=128), lengths, [0, 1] * 200, 2, cpu=True).notice() is None


def test_a_longer_time_budget_buys_a_longer_cut_on_a_cpu():
    lengths, labels = [300] * 480, [0, 1] * 240
    short = resolve(RunConfig(), lengths, labels, 2, cpu=True)
    longer = resolve(RunConfig(time_budget_s=300), lengths, labels, 2, cpu=True)
    assert short.max_length < longer.max_length and short.token_share < longer.token_share


def test_run_says_before_training_how_little_of_long_texts_it_reads(capsys):
    data = make_dataset("spam", n=200, seed=0)
    # About 340 tokens a text: 10 epochs of 140 of them far exceed the CPU's token budget.
    long = data.map(lambda row: {"text": " ".join([row["text"]] * 20)})
    seen = {}

    class FirstStep(TrainerCallback):
        def on_step_begin(self, args, state, control, **kwargs):
            seen.setdefault("printed", capsys.readouterr().out)

    result = run(data=long, learning_rate=1e-3, extra_callbacks=[FirstStep()], **TINY)
    notice = [line for line in seen["printed"].splitlines() if "of the training tokens" in line]
    # The share the cut keeps, recounted from the training texts with the tokenizer.
    tokenizer = result.trainer.processing_class
    # (at most the 512 positions the model has: a longer text's end is never read)
    texts = list(long["train"]["text"])
    lengths = np.array([len(ids) for ids in tokenizer(texts, truncation=True, max_length=512)["input_ids"]])
    cut = result.extra["max_length"]
    share = np.minimum(lengths, cut).sum() / lengths.sum()
    if not torch.cuda.is_available():
        # On a CPU the token budget cuts these texts short (a GPU keeps 128 tokens and may read enough).
        assert share < SMALL_TOKEN_SHARE
    assert len(notice) == (1 if share < SMALL_TOKEN_SHARE else 0), seen["printed"]
    if notice:
        assert f"reads {share:.0%} of the training tokens" in notice[0] and f"cut at {cut} tokens" in notice[0]
        remedy = "time_budget_s" if not torch.cuda.is_available() else "max_length"
        assert remedy in notice[0] and "tfidf_logreg" in notice[0]
    short = run(data=data, learning_rate=1e-3, epochs=1, **TINY)
    assert short.steps > 0 and "of the training tokens" not in capsys.readouterr().out


class Snapshots(TrainerCallback):
    """The body's and the head's weights when training begins and after each step."""

    def __init__(self):
        self.body, self.head = [], []

    def _take(self, model):
        self.body.append(torch.cat([p.detach().flatten().clone() for _, p in body_parameters(model)]))
        self.head.append(torch.cat([p.detach().flatten().clone() for _, p in head_parameters(model)]))

    def on_train_begin(self, args, state, control, model=None, **kwargs):
        self._take(model)

    def on_step_end(self, args, state, control, model=None, **kwargs):
        self._take(model)


def test_the_linear_probe_trains_the_head_alone_then_the_whole_model():
    snapshots = Snapshots()
    result = run(data={"task": "spam", "n": 200}, epochs=2, learning_rate=1e-3, linear_probe_steps=4,
                 warmup_steps=0, extra_callbacks=[snapshots], **TINY)
    body, head = snapshots.body, snapshots.head
    # Steps 1-4: the head moves, the body does not; from step 5 on both do.
    assert all(torch.equal(body[0], body[step]) for step in range(1, 5))
    assert not torch.equal(head[0], head[4])
    assert not torch.equal(body[4], body[5]) and not torch.equal(body[4], body[-1])
    assert all(p.requires_grad for p in result.trainer.model.parameters())


def test_the_head_gets_its_own_learning_rate():
    result = run(data={"task": "spam", "n": 120}, epochs=1, learning_rate=1e-4, head_learning_rate=1e-3, **TINY)
    groups = result.trainer.optimizer.param_groups
    head = {id(p) for _, p in head_parameters(result.trainer.model)}
    by_group = [(all(id(p) in head for p in g["params"]), g["initial_lr"]) for g in groups]
    assert sorted(by_group) == [(False, 1e-4), (True, 1e-3)]


class EpochEnds(TrainerCallback):
    """All the weights at the end of each epoch, before the averaging callback (added after it) acts."""

    def __init__(self):
        self.weights = []

    def on_epoch_end(self, args, state, control, model=None, **kwargs):
        self.weights.append(torch.cat([p.detach().flatten().clone() for p in model.parameters()]).cpu().numpy())


def test_the_model_kept_averages_the_weights_of_the_last_epochs():
    ends = EpochEnds()
    result = run(data={"task": "spam", "n": 120}, epochs=4, learning_rate=1e-3, average_last_epochs=3,
                 extra_callbacks=[ends], **dict(TINY, eval_strategy="epoch"))
    kept = torch.cat([p.detach().flatten() for p in result.trainer.model.parameters()]).cpu().numpy()
    assert len(ends.weights) == 4
    np.testing.assert_allclose(kept, np.mean(ends.weights[1:], axis=0), rtol=1e-5, atol=1e-6)
    assert not np.allclose(kept, ends.weights[-1])
    # The last evaluation (the run's validation metrics) is the averaged model's.
    assert result.validation_metrics["loss"] == pytest.approx(result.trainer.evaluate()["eval_loss"])


@pytest.mark.parametrize("field, value", [
    ("truncation", "tail"), ("head_learning_rate", 0), ("linear_probe_steps", 1.5), ("class_weight", "inverse"),
    ("average_last_epochs", -1), ("average_last_epochs", 2.5),
])
def test_recipe_settings_are_checked(field, value):
    with pytest.raises(ValueError, match=f"RunConfig.{field}"):
        RunConfig(**{field: value})
