"""Real data sets from the Hugging Face Hub, reshaped like :func:`make_dataset` output.

Needs the network. Offline it fails within seconds and names the synthetic alternative:

>>> import os; os.environ["HF_HUB_OFFLINE"] = "1"
>>> load_hub_dataset("imdb")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
quizkit.hub_access.HubUnavailableError: The Hugging Face Hub is unreachable (HF_HUB_OFFLINE is set), so data set 'imdb' cannot be downloaded.
Offline, use the bundled alternative instead: make_dataset("spam", n=1000) ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizkit.data.synthetic import TASKS
from quizkit.hub_access import require_hub

if TYPE_CHECKING:
    from datasets import DatasetDict

#: Short name -> (Hub repository, text column, label column) for data sets used in the course.
KNOWN = {
    "imdb": ("stanfordnlp/imdb", "text", "label"),
    "sms_spam": ("ucirvine/sms_spam", "sms", "label"),
    "rotten_tomatoes": ("cornell-movie-review-data/rotten_tomatoes", "text", "label"),
    "ag_news": ("fancyzhx/ag_news", "text", "label"),
    "emotion": ("dair-ai/emotion", "text", "label"),
    "yelp_polarity": ("fancyzhx/yelp_polarity", "text", "label"),
}
_TEXT_GUESSES = ("text", "sentence", "sms", "content", "review", "document")
_LABEL_GUESSES = ("label", "labels", "class", "category")
_ALTERNATIVES = {"ag_news": 'make_dataset("support", n=1000)'}
_DEFAULT_ALTERNATIVE = 'make_dataset("spam", n=1000)'


def _pick(columns: list[str], wanted: str | None, guesses: tuple[str, ...], what: str) -> str:
    if wanted is not None:
        if wanted not in columns:
            raise ValueError(f"{what}_column={wanted!r} is not a column of the data set (columns: {columns})")
        return wanted
    for guess in guesses:
        if guess in columns:
            return guess
    raise ValueError(f"cannot tell which column holds the {what}; pass {what}_column= one of {columns}")


def standardize(
    dataset_dict: DatasetDict,
    text_column: str | None = None,
    label_column: str | None = None,
    validation_fraction: float = 0.15,
    max_train: int | None = None,
    seed: int = 0,
) -> DatasetDict:
    """Keep ``text`` and a ``ClassLabel`` ``label`` and make train/validation/test splits.

    Splits other than those three (imdb's ``unsupervised``) are dropped; a missing
    validation or test split is carved out of train, stratified by label. ``max_train``
    keeps a stratified sample of the training rows (CPU-sized fine-tuning).
    """
    from datasets import ClassLabel, DatasetDict

    if not 0 < validation_fraction < 1:
        raise ValueError(f"validation_fraction must be between 0 and 1, got {validation_fraction!r}")
    if "train" not in dataset_dict:
        raise ValueError(f"the data set has no 'train' split (splits: {list(dataset_dict)})")
    columns = dataset_dict["train"].column_names
    text = _pick(columns, text_column, _TEXT_GUESSES, "text")
    label = _pick(columns, label_column, _LABEL_GUESSES, "label")
    renames = {old: new for old, new in ((text, "text"), (label, "label")) if old != new}
    out = DatasetDict(
        {
            name: split.select_columns([text, label]).rename_columns(renames)
            for name, split in dataset_dict.items()
            if name in ("train", "validation", "test")
        }
    )
    if not isinstance(out["train"].features["label"], ClassLabel):
        out = out.class_encode_column("label")
    for missing in ("test", "validation"):
        if missing not in out:
            parts = out["train"].train_test_split(test_size=validation_fraction, seed=seed, stratify_by_column="label")
            out["train"], out[missing] = parts["train"], parts["test"]
    if max_train is not None and max_train < out["train"].num_rows:
        out["train"] = out["train"].train_test_split(train_size=max_train, seed=seed, stratify_by_column="label")["train"]
    return DatasetDict({name: out[name] for name in ("train", "validation", "test")})


def load_hub_dataset(
    name: str,
    text_column: str | None = None,
    label_column: str | None = None,
    config: str | None = None,
    validation_fraction: float = 0.15,
    max_train: int | None = None,
    seed: int = 0,
) -> DatasetDict:
    """Download ``name`` (a short name from :data:`KNOWN` or any Hub id) as train/validation/test
    with ``text`` and ``label`` columns (see :func:`standardize`).

    Raises :class:`quizkit.hub_access.HubUnavailableError` within seconds when offline.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a data set name such as 'imdb', got {name!r}")
    repo, known_text, known_label = KNOWN.get(name, (name, None, None))
    require_hub(
        f"data set {name!r}",
        alternative=f"{_ALTERNATIVES.get(name, _DEFAULT_ALTERNATIVE)} (synthetic; tasks: {', '.join(TASKS)})",
    )
    from datasets import load_dataset

    return standardize(
        load_dataset(repo, config),
        text_column=text_column or known_text,
        label_column=label_column or known_label,
        validation_fraction=validation_fraction,
        max_train=max_train,
        seed=seed,
    )
