"""Which tokens a long text keeps when it must be cut: the first ones, or its head and its tail.

Texts are tokenized once, at the model's full length (``MODEL_MAX_TOKENS``); the recipe then
chooses the cut from their token counts and :func:`cut` applies it to the token ids, without
tokenizing again. ``"head+tail"`` keeps the first quarter of the budget from the start of the
text and the rest from its end (Sun et al. 2019, *How to Fine-Tune BERT for Text
Classification?*, found head + tail best for long reviews: opinions are often summed up last).

>>> keep([101, 1, 2, 3, 4, 5, 6, 7, 102], 6, "head")
[101, 1, 2, 3, 4, 102]
>>> keep([101, 1, 2, 3, 4, 5, 6, 7, 102], 6, "head+tail")
[101, 1, 5, 6, 7, 102]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

TRUNCATIONS = ("head", "head+tail")
# The longest input the bundled models take (their position embeddings).
MODEL_MAX_TOKENS = 512
# "head+tail": the share of the kept text tokens taken from the start (Sun et al.: 128 of 510).
HEAD_SHARE = 0.25


def keep(row: Sequence[Any], max_length: int, truncation: str) -> list[Any]:
    """One tokenized row (``[CLS] ... [SEP]`` ids, or its mask) cut to ``max_length`` positions.

    The first and last positions (the special tokens) always stay.
    """
    row = list(row)
    if len(row) <= max_length:
        return row
    body = max_length - 2
    head = body if truncation == "head" else round(body * HEAD_SHARE)
    tail = body - head
    return row[:1 + head] + row[len(row) - 1 - tail:]


def cut(encoded: Any, max_length: int, truncation: str, tokenizer: Any = None, pad: bool = False) -> Any:
    """Cut every tokenized split (a ``DatasetDict`` from ``quizkit.data.tokenize``) to ``max_length``.

    ``pad=True`` then pads every row to ``max_length`` with ``tokenizer`` (``padding="max_length"``).
    """
    if truncation not in TRUNCATIONS:
        raise ValueError(f"truncation must be one of {TRUNCATIONS}, got {truncation!r}")

    def shorten(batch: dict[str, list]) -> dict[str, list]:
        columns = [name for name in batch if name != "label"]
        out = {name: [keep(row, max_length, truncation) for row in batch[name]] for name in columns}
        if pad:
            out = dict(tokenizer.pad(out, padding="max_length", max_length=max_length))
        return out

    from quizkit.data.prepare import map_splits

    return map_splits(encoded, shorten, batched=True)
