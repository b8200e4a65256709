"""Your own labelled texts in: a CSV file or a pandas DataFrame -> train/validation/test splits.

:func:`from_csv` and :func:`from_pandas` check every row (clear errors naming the column and
the row), turn the label column into a ``ClassLabel`` (strings, whole numbers, or numeric
ratings cut into classes with ``label_cut``), split with stratification (or take an existing
test file) and run :func:`~quizkit.data.find_overlap` on the splits: the report is attached as
``data.overlap``, because real data has duplicates.

>>> import pandas as pd
>>> df = pd.DataFrame({"review": [f"text number {i}" for i in range(40)], "stars": [1, 9] * 20})
>>> data = from_pandas(df, text="review", label="stars", label_cut=7)
>>> data["train"].features["label"].names
['below 7', '7 or more']
>>> [data[s].num_rows for s in ("train", "validation", "test")]
[28, 4, 8]
"""

from __future__ import annotations

import itertools
import math
import numbers
import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from quizkit.data.overlap import Overlap, find_overlap

if TYPE_CHECKING:
    import pandas as pd
    from datasets import DatasetDict

SPLITS = ("train", "validation", "test")
# from_pandas's split and label keywords, which from_csv passes on.
_DEFAULTS: dict[str, Any] = {
    "test_size": 0.2, "validation_size": 0.1, "seed": 0, "stratified": True, "label_cut": None, "label_map": None,
    "label_order": None, "near_threshold": 0.8,
}


class SplitOverlap(dict):
    """``{"validation": Overlap, "test": Overlap}``: held-out texts that repeat a training text."""

    def __str__(self) -> str:
        return "\n".join(f"{split}: {overlap}" for split, overlap in self.items())

    def _repr_html_(self) -> str:
        return "".join(f"<h4>{split}</h4>{overlap.to_html()}" for split, overlap in self.items())


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _cut_names(cuts: list[float]) -> list[str]:
    def show(x: float) -> str:
        return f"{x:g}"

    names = [f"below {show(cuts[0])}"]
    names += [f"{show(lo)} to below {show(hi)}" for lo, hi in itertools.pairwise(cuts)]
    names.append(f"{show(cuts[-1])} or more")
    return names


def _texts(values: Sequence[Any], column: str, where: Callable[[int], str]) -> list[str]:
    texts = []
    for i, value in enumerate(values):
        if _is_missing(value) or not isinstance(value, str):
            raise ValueError(f"text column {column!r}, {where(i)}: expected text, got {value!r}")
        if not value.strip():
            raise ValueError(f"text column {column!r}, {where(i)}: the text is empty")
        texts.append(value)
    return texts


def _labels(
    values: Sequence[Any],
    column: str,
    where: Callable[[int], str],
    label_cut: float | Sequence[float] | None,
    label_map: Mapping[Any, Any] | None,
    label_order: Sequence[str] | None,
) -> tuple[list[int], list[str]]:
    """Class indices and class names for the raw label values."""
    raw = [label_map.get(v, v) if label_map else v for v in values]
    kinds = set()
    for i, value in enumerate(raw):
        if _is_missing(value):
            raise ValueError(f"label column {column!r}, {where(i)}: the label is missing")
        if isinstance(value, (str, bool)):
            kinds.add("string")
        elif _is_number(value):
            kinds.add("number")
        else:
            raise ValueError(
                f"label column {column!r}, {where(i)}: a label must be a string or a number, "
                f"got {type(value).__name__} {value!r}")
    if len(kinds) > 1:
        first_number = next(i for i, v in enumerate(raw) if _is_number(v))
        raise ValueError(
            f"label column {column!r} mixes strings and numbers ({where(first_number)} is {raw[first_number]!r}); "
            "use one kind (label_map= can rename values)")
    if label_cut is not None:
        if kinds != {"number"}:
            raise ValueError(f"label_cut= needs numeric labels, but label column {column!r} holds strings")
        cuts = sorted(float(c) for c in ([label_cut] if _is_number(label_cut) else label_cut))
        if not cuts or len(set(cuts)) != len(cuts):
            raise ValueError(f"label_cut must be a number or a list of distinct numbers, got {label_cut!r}")
        names = _cut_names(cuts)
        return [sum(float(v) >= c for c in cuts) for v in raw], names
    if kinds == {"number"}:
        fractional = next((i for i, v in enumerate(raw) if float(v) != int(v)), None)
        if fractional is not None:
            raise ValueError(
                f"label column {column!r}, {where(fractional)}: {raw[fractional]!r} is not a whole number; "
                "pass label_cut= to turn ratings into classes")
        raw = [str(int(v)) for v in raw]
        found = sorted(set(raw), key=int)
    else:
        raw = [str(v) for v in raw]
        found = sorted(set(raw))
    names = list(label_order) if label_order is not None else found
    unknown = sorted(set(raw) - set(names))
    if unknown:
        i = raw.index(unknown[0])
        raise ValueError(f"label column {column!r}, {where(i)}: label {unknown[0]!r} is not in label_order {names}")
    index = {name: k for k, name in enumerate(names)}
    return [index[v] for v in raw], names


def _check_counts(labels: list[int], names: list[str], column: str, where: Callable[[int], str], source: str) -> None:
    counts = Counter(labels)
    if len(counts) < 2:
        raise ValueError(f"label column {column!r} of {source} has a single class ({names[labels[0]]!r}): nothing to learn")
    for k, count in sorted(counts.items()):
        if count < 2:
            raise ValueError(
                f"label column {column!r} of {source}: class {names[k]!r} has only {count} example "
                f"({where(labels.index(k))}); every class needs at least 2 to be split")


def _rows(
    frame: pd.DataFrame, text: str, label: str, where: Callable[[int], str], source: str,
    label_cut: Any, label_map: Any, label_order: Any,
) -> tuple[list[str], list[int], list[str]]:
    for role, column in (("text", text), ("label", label)):
        if column not in frame.columns:
            raise ValueError(f"{source} has no {role} column {column!r}; its columns are {list(map(str, frame.columns))}")
    if not len(frame):
        raise ValueError(f"{source} has no rows")
    texts = _texts(frame[text].tolist(), text, where)
    labels, names = _labels(frame[label].tolist(), label, where, label_cut, label_map, label_order)
    return texts, labels, names


def _split(indices: list[int], labels: list[int], size: float, seed: int, stratified: bool, what: str) -> tuple[list[int], list[int]]:
    from sklearn.model_selection import train_test_split

    try:
        keep, held = train_test_split(
            indices, test_size=size, random_state=seed, stratify=[labels[i] for i in indices] if stratified else None)
    except ValueError as error:
        raise ValueError(f"cannot split off the {what} split ({what}_size={size!r}): {error}") from None
    return list(keep), list(held)


def _check_size(name: str, value: Any) -> None:
    if isinstance(value, bool) or not _is_number(value) or value <= 0 or (isinstance(value, float) and value >= 1):
        raise ValueError(f"{name} must be a fraction between 0 and 1 or a number of rows >= 1, got {value!r}")


def from_pandas(
    frame: pd.DataFrame,
    *,
    text: str = "text",
    label: str = "label",
    test: pd.DataFrame | None = None,
    test_size: float = 0.2,
    validation_size: float = 0.1,
    seed: int = 0,
    stratified: bool = True,
    label_cut: float | Sequence[float] | None = None,
    label_map: Mapping[Any, Any] | None = None,
    label_order: Sequence[str] | None = None,
    near_threshold: float = 0.8,
) -> DatasetDict:
    """A ``DatasetDict`` with ``train``/``validation``/``test`` splits (columns ``text``, ``label``).

    Labels: strings become classes in sorted order (or ``label_order``; the second of two is the
    positive class, label 1); whole numbers become classes too; ``label_cut=7`` turns numeric
    ratings into ``below 7`` / ``7 or more`` (a list of cuts gives more classes). ``label_map``
    renames raw values first (``{"neutral": "not positive", "negative": "not positive"}``);
    values it does not name stay as they are.

    Splits: ``test_size`` and ``validation_size`` are fractions of all rows (or row counts),
    drawn with ``seed``, stratified by label unless ``stratified=False``. With ``test=`` (a
    DataFrame of the same columns) that becomes the test split and ``validation_size`` is taken
    from ``frame``. ``data.overlap`` holds :func:`find_overlap` for validation and test against
    train.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": ["good", "bad", "fine", "awful"] * 5, "label": ["pos", "neg"] * 10})
    >>> data = from_pandas(df, test_size=0.2, validation_size=0.2)
    >>> data["test"].features["label"].names, data["test"].num_rows
    (['neg', 'pos'], 4)
    >>> print(data.overlap["test"])  # doctest: +ELLIPSIS
    4 of 4 test texts (100.0%) also appear in the training texts: 4 exact, 0 near ...
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"from_pandas takes a pandas DataFrame, got {type(frame).__name__}")
    if test is not None and not isinstance(test, pd.DataFrame):
        raise TypeError(f"test= must be a pandas DataFrame, got {type(test).__name__}")

    def row(df: pd.DataFrame) -> Callable[[int], str]:
        # .item(): numpy scalars would print as np.int64(12).
        return lambda i: f"row {getattr(df.index[i], 'item', lambda: df.index[i])()!r}"

    return _build(
        frame, test, text=text, label=label, test_size=test_size, validation_size=validation_size, seed=seed,
        stratified=stratified, label_cut=label_cut, label_map=label_map, label_order=label_order,
        near_threshold=near_threshold, where=row(frame), test_where=None if test is None else row(test),
        source="the DataFrame", test_source="the test DataFrame",
    )


def _build(
    frame: pd.DataFrame, test: pd.DataFrame | None, *, text: str, label: str, test_size: float,
    validation_size: float, seed: int, stratified: bool, label_cut: Any, label_map: Any, label_order: Any,
    near_threshold: float, where: Callable[[int], str], test_where: Callable[[int], str] | None,
    source: str, test_source: str,
) -> DatasetDict:
    """Check, label, split and overlap-check the rows of ``frame`` (and ``test``)."""
    from datasets import ClassLabel, Dataset, DatasetDict, Features, Value

    for name, value in (("validation_size", validation_size),) + ((("test_size", test_size),) if test is None else ()):
        _check_size(name, value)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")

    texts, labels, names = _rows(frame, text, label, where, source, label_cut, label_map, label_order)
    if test is not None:
        test_texts, test_labels, test_names = _rows(
            test, text, label, test_where or where, test_source, label_cut, label_map, label_order or names)
        if test_names != names:
            raise ValueError(f"{test_source} has labels {test_names} but {source} has {names}; pass label_order=")
    _check_counts(labels, names, label, where, source)

    everything = list(range(len(texts)))
    if test is None:
        rest, test_idx = _split(everything, labels, test_size, seed, stratified, "test")
        if isinstance(validation_size, float):
            # A fraction of all rows, not of what is left after the test split.
            validation_size = max(1, round(validation_size * len(texts)))
        train_idx, val_idx = _split(rest, labels, validation_size, seed, stratified, "validation")
        test_texts = [texts[i] for i in test_idx]
        test_labels = [labels[i] for i in test_idx]
    else:
        train_idx, val_idx = _split(everything, labels, validation_size, seed, stratified, "validation")

    features = Features({"text": Value("string"), "label": ClassLabel(names=names)})

    def dataset(idx: list[int]) -> Dataset:
        return Dataset.from_dict({"text": [texts[i] for i in idx], "label": [labels[i] for i in idx]}, features=features)

    data = DatasetDict(
        train=dataset(train_idx), validation=dataset(val_idx),
        test=Dataset.from_dict({"text": test_texts, "label": test_labels}, features=features),
    )
    train_texts = data["train"]["text"]
    overlaps: dict[str, Overlap] = {
        split: find_overlap(train_texts, list(data[split]["text"]), near_threshold=near_threshold, split=split)
        for split in ("validation", "test")
    }
    data.overlap = SplitOverlap(overlaps)
    return data


def from_csv(
    path: str | os.PathLike,
    *,
    text: str = "text",
    label: str = "label",
    sep: str | None = None,
    test: str | os.PathLike | None = None,
    encoding: str = "utf-8",
    **options: Any,
) -> DatasetDict:
    """Read a CSV (or TSV...) file of labelled texts into train/validation/test splits.

    ``sep=None`` sniffs the separator (comma, tab, semicolon...). ``test=`` is a second file
    with the same columns that becomes the test split. The other keywords are those of
    :func:`from_pandas` (``test_size``, ``validation_size``, ``seed``, ``stratified``,
    ``label_cut``, ``label_map``, ``label_order``). Errors name the file, the column and the
    data row (row 1 is the first line after the header).

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "reviews.csv"
    >>> _ = path.write_text("review,stars\\n" + "".join(f"review {i},{i % 10 + 1}\\n" for i in range(50)))
    >>> data = from_csv(path, text="review", label="stars", label_cut=7)
    >>> data["train"].features["label"].names, data["train"].num_rows
    (['below 7', '7 or more'], 35)
    """
    import pandas as pd

    unknown = sorted(set(options) - set(_DEFAULTS))
    if unknown:
        raise TypeError(f"from_csv got unknown keywords {unknown}; it accepts {sorted(_DEFAULTS)}")
    settings = {**_DEFAULTS, **options}

    def read(file: str | os.PathLike) -> pd.DataFrame:
        if not os.path.isfile(file):
            raise FileNotFoundError(f"from_csv: no file at {os.fspath(file)!r}")
        try:
            # Keep labels and texts as written: no "NA" -> NaN guessing, except truly empty cells.
            return pd.read_csv(file, sep=sep, engine="python" if sep is None else "c", encoding=encoding,
                               keep_default_na=False, na_values=[""])
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
            raise ValueError(f"from_csv: cannot read {os.fspath(file)!r}: {error}") from None

    def data_row(name: str) -> Callable[[int], str]:
        return lambda i: f"data row {i + 1} of {name}"

    name = os.path.basename(os.fspath(path))
    frame = read(path)
    test_frame = None if test is None else read(test)
    test_name = None if test is None else os.path.basename(os.fspath(test))
    return _build(
        frame, test_frame, text=text, label=label, where=data_row(name),
        test_where=data_row(test_name) if test_name else None, source=repr(name), test_source=repr(test_name),
        **settings,
    )
