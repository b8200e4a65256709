"""quizkit.models: the bundled model loads offline; hub names fail fast and clearly."""


import pytest
import torch

from quizkit.hub_access import CONNECT_TIMEOUT_S, HubUnavailableError
from quizkit.models import load_classifier, minilm_path


@pytest.mark.slow
def test_minilm_loads_offline_with_fresh_head():
    model, tokenizer = load_classifier("minilm", id2label=["ham", "spam"])
    assert model.config.quizkit_pretrained is True
    assert model.config.num_hidden_layers == 6
    assert model.config.id2label == {0: "ham", 1: "spam"}
    assert model.config.label2id == {"ham": 0, "spam": 1}
    assert 20e6 < sum(p.numel() for p in model.parameters()) < 25e6
    # The encoder weights come from the checkpoint: two loads agree on them...
    again, _ = load_classifier("minilm")
    enc = "bert.encoder.layer.0.attention.self.query.weight"
    assert torch.equal(model.state_dict()[enc], again.state_dict()[enc])
    # ...and the tokenizer is MiniLM's uncased WordPiece.
    assert tokenizer("Hello World")["input_ids"] == tokenizer("hello world")["input_ids"]
    assert tokenizer.name_or_path == minilm_path()


@pytest.mark.slow
def test_minilm_forward_pass_gives_one_logit_per_label():
    model, tokenizer = load_classifier("minilm", num_labels=3)
    batch = tokenizer(["free entry win now", "see you at lunch"], padding=True, return_tensors="pt")
    with torch.no_grad():
        logits = model(**batch.to(model.device)).logits
    assert logits.shape == (2, 3)


def test_tiny_is_random_and_says_so():
    with pytest.warns(UserWarning, match="NOT pretrained"):
        model, tokenizer = load_classifier("tiny", num_labels=4)
    assert model.config.quizkit_pretrained is False
    assert model.config.num_hidden_layers == 2
    assert model.config.num_labels == 4
    assert model.config.vocab_size == tokenizer.vocab_size


@pytest.mark.slow
def test_minilm_without_pretrained_weights_is_the_same_architecture_at_random():
    pretrained, _ = load_classifier("minilm", num_labels=2)
    torch.manual_seed(0)
    scratch, tokenizer = load_classifier("minilm", num_labels=2, pretrained=False)
    assert scratch.config.quizkit_pretrained is False
    assert scratch.config.num_hidden_layers == pretrained.config.num_hidden_layers == 6
    shapes = {k: v.shape for k, v in scratch.state_dict().items()}
    assert shapes == {k: v.shape for k, v in pretrained.state_dict().items()}
    enc = "bert.encoder.layer.0.attention.self.query.weight"
    assert not torch.equal(scratch.state_dict()[enc], pretrained.state_dict()[enc])
    torch.manual_seed(0)
    again, _ = load_classifier("minilm", num_labels=2, pretrained=False)
    assert torch.equal(again.state_dict()[enc], scratch.state_dict()[enc])  # seeded, so reproducible
    assert tokenizer.name_or_path == minilm_path()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"name": "tiny", "pretrained": True}, ValueError, r"'tiny'\) has no pretrained weights"),
        ({"name": "minilm", "pretrained": "no"}, TypeError, r"pretrained must be True, False or None, got 'no'"),
    ],
)
def test_pretrained_option_is_checked(kwargs, error, match):
    with pytest.raises(error, match=match):
        load_classifier(**kwargs)


def test_hub_name_fails_fast_offline(monkeypatch, socket_connections):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(HubUnavailableError) as info:
        load_classifier("distilbert-base-uncased")
    assert socket_connections == []  # refused before any connection is tried
    message = str(info.value)
    assert "unreachable" in message and "distilbert-base-uncased" in message
    assert 'load_classifier("minilm")' in message


def test_hub_name_fails_fast_without_network_even_when_not_flagged_offline(monkeypatch, socket_connections):
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    # An endpoint on a closed loopback port stands for "no route to the Hub".
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    with pytest.raises(HubUnavailableError, match="cannot connect to 127.0.0.1:9"):
        load_classifier("bert-base-uncased")
    # One probe with a short timeout, and no library retrying a download behind it.
    assert socket_connections == [(("127.0.0.1", 9), CONNECT_TIMEOUT_S)]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"num_labels": 0}, "num_labels must be a positive integer, got 0"),
        ({"num_labels": "2"}, "num_labels must be a positive integer, got '2'"),
        ({"id2label": {1: "a", 2: "b"}}, r"id2label keys must be 0..n-1, got \[1, 2\]"),
    ],
)
def test_bad_label_arguments_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_classifier("tiny", **kwargs)


def test_name_must_be_a_string():
    with pytest.raises(TypeError, match="name must be a model name"):
        load_classifier(None)
