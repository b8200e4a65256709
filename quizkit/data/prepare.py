"""Turn ``text`` columns into model inputs for every split at once.

>>> from quizkit.data import make_dataset, tokenize
>>> from quizkit.models import load_classifier
>>> _, tokenizer = load_classifier("minilm")
>>> encoded = tokenize(make_dataset("spam", n=200), tokenizer, max_length=64)
>>> encoded["train"].column_names
['label', 'input_ids', 'token_type_ids', 'attention_mask']
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from datasets import Dataset, DatasetDict

# The one padding vocabulary (RunConfig.padding, the panel, tokenize): "dynamic" pads each batch
# to its longest row with DataCollatorWithPadding; "max_length" pads every row to max_length.
PADDINGS = ("dynamic", "max_length")

def tokenize(
    dataset_dict: DatasetDict | Dataset,
    tokenizer: Any,
    max_length: int = 128,
    padding: Literal["dynamic", "max_length"] = "dynamic",
    truncation: bool = True,
    keep_text: bool = False,
) -> DatasetDict | Dataset:
    """Tokenize the ``text`` column of every split (batched); ``label`` is kept.

    ``padding="dynamic"`` leaves rows at their own length, for ``DataCollatorWithPadding`` to
    pad each batch to its longest row (fast); ``"max_length"`` pads every row to ``max_length``
    (the tokenizer's own words: ``tokenizer(padding=False)`` and ``padding="max_length"``).
    ``text`` is dropped unless ``keep_text`` (a string column breaks the padding collator).
    """
    from datasets import Dataset, DatasetDict

    if not isinstance(dataset_dict, (Dataset, DatasetDict)):
        raise TypeError(f"dataset_dict must be a datasets.DatasetDict or Dataset, got {type(dataset_dict).__name__}")
    if not callable(tokenizer):
        raise TypeError(f"tokenizer must be a Hugging Face tokenizer, got {type(tokenizer).__name__}")
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
        raise ValueError(f"max_length must be a positive integer, got {max_length!r}")
    if padding is False:
        warnings.warn("tokenize(padding=False) is spelled padding='dynamic' now, as in RunConfig; "
                      "False stops working in quizkit 0.3", FutureWarning, stacklevel=2)
        padding = "dynamic"
    if padding not in PADDINGS:
        raise ValueError(f"padding must be one of {PADDINGS} ('dynamic': pad per batch with a collator), got {padding!r}")
    splits = dataset_dict if isinstance(dataset_dict, DatasetDict) else {"dataset": dataset_dict}
    for name, split in splits.items():
        if "text" not in split.column_names:
            raise ValueError(f"split {name!r} has no 'text' column (columns: {split.column_names})")

    per_row = "max_length" if padding == "max_length" else False  # the tokenizer's words; "dynamic" pads later

    def encode(batch: dict[str, list]) -> Any:
        return tokenizer(batch["text"], max_length=max_length, padding=per_row, truncation=truncation)

    return map_splits(dataset_dict, encode, batched=True, remove_columns=[] if keep_text else ["text"])


def map_splits(data: DatasetDict | Dataset, function: Callable[..., Any], **map_kwargs: Any) -> DatasetDict | Dataset:
    """``data.map(function, **map_kwargs)`` on every split, without progress bars, and without
    hashing ``function`` where no cache file can use the hash.

    ``map`` draws one bar per split; course-sized data maps in about a second, and in a saved
    notebook those bars stay behind as a stack of half-drawn lines. ``map`` also names each result
    by hashing ``function`` with dill, so that its cache files can be found again; with a
    tokenizer in the function's closure, the six maps of a tiny-model ``run()`` spent 0.45 s of
    its 3.2 s on two cores hashing. A split held in memory (every generated or CSV data set)
    writes no cache file, so it gets a fresh random fingerprint instead, as ``datasets`` does for
    a function it cannot hash; a split read from disk (a Hub data set) is hashed as usual and
    keeps its cache.

    >>> from datasets import Dataset
    >>> rows = Dataset.from_dict({"x": [1, 2]})
    >>> map_splits(rows, lambda batch: {"x": [2 * v for v in batch["x"]]}, batched=True)["x"][:]
    [2, 4]
    """
    import datasets
    from datasets import DatasetDict
    from datasets.fingerprint import generate_random_fingerprint

    def map_one(split: Dataset) -> Dataset:
        fingerprint = None if split.cache_files else generate_random_fingerprint()
        return split.map(function, new_fingerprint=fingerprint, **map_kwargs)

    shown = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        if isinstance(data, DatasetDict):
            return DatasetDict({name: map_one(split) for name, split in data.items()})
        return map_one(data)
    finally:
        if shown:
            datasets.enable_progress_bars()
