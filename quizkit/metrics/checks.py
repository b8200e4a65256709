"""Input checks: every error names the argument and the value.

Public, on the ground floor, so that every package checks a number, a count or a decision
threshold by the same rule.

>>> is_number(0.5), is_number(True), is_number(float("nan"))
(True, False, False)
>>> check_threshold(0.3)
0.3
>>> check_threshold(1.5)
Traceback (most recent call last):
...
ValueError: threshold must be a finite number in [0.0, 1.0], got 1.5
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

# Warnings scikit-learn raises for situations quizkit defines explicitly (a class absent from
# y_true or y_pred, a single observed class): the numbers are documented, so the warning is noise.
_DEFINED_CASES = (
    "y_pred contains classes not in y_true",
    "A single label was found",
)


@contextmanager
def quiet_defined_cases() -> Iterator[None]:
    with warnings.catch_warnings():
        for message in _DEFINED_CASES:
            warnings.filterwarnings("ignore", message=message)
        yield


def short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_number(value: Any) -> bool:
    """A finite int or float; bools are not numbers here (``True`` is not a learning rate)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def check_threshold(value: Any, name: str = "threshold") -> float:
    """A decision threshold on P(label 1): label 1 when P >= threshold, so 0 and 1 are the extremes.

    The one rule for a threshold, wherever one is set: the run's config, ``compute_metrics_for``,
    ``RunResult.report_at`` and the explorer's slider.
    """
    return check_number(name, value, 0.0, 1.0)


def check_count(name: str, value: Any) -> int:
    """A confusion-matrix cell: a whole number >= 0 (bools and floats are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number of examples (int), got {short(value)} ({type(value).__name__})")
    if value < 0:
        raise ValueError(f"{name} must be >= 0 (it counts examples), got {value}")
    return int(value)


def check_number(name: str, value: Any, low: float | None = None, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {short(value)} ({type(value).__name__})")
    if not math.isfinite(value) or (low is not None and value < low) or (high is not None and value > high):
        bounds = f" in [{low}, {high}]" if low is not None and high is not None else ""
        raise ValueError(f"{name} must be a finite number{bounds}, got {value!r}")
    return float(value)


def as_1d(name: str, values: Any) -> np.ndarray:
    """A non-empty 1-D array from a list/array/Series; strings and scalars are refused."""
    if values is None or isinstance(values, (str, bytes)) or np.isscalar(values):
        raise TypeError(f"{name} must be a sequence of values (list or array), got {short(values)}")
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} could not be read as an array: {error}") from None
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one value per example), got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty: metrics need at least one example")
    return array


def as_labels(name: str, values: Any) -> np.ndarray:
    """Class labels: ints or strings; bools and integral floats are read as ints."""
    if np.ndim(values) == 2:  # the usual slip: scores or logits where classes belong
        raise ValueError(f"{name} must be 1-D (one class label per example), got shape {np.shape(values)}; "
                         "from scores or logits take argmax(-1) first")
    array = as_1d(name, values)
    if array.dtype.kind == "f":
        bad = array[~np.isfinite(array) | (array != np.round(array))]
        if bad.size:
            raise ValueError(
                f"{name} must hold class labels, but contains {bad[0].item()!r}; "
                "pass predicted classes (e.g. logits.argmax(-1)), not scores or probabilities"
            )
        array = array.astype(np.int64)
    elif array.dtype.kind == "O":
        kinds = {type(v).__name__ for v in array if not isinstance(v, (str, numbers.Integral))}
        if kinds:
            raise TypeError(f"{name} must hold class labels (int or str), found values of type {sorted(kinds)}")
        if len({isinstance(v, str) for v in array}) > 1:
            raise TypeError(f"{name} mixes string and integer labels: {short(array.tolist())}")
    elif array.dtype.kind == "U" and not isinstance(values, np.ndarray) and not all(isinstance(v, str) for v in values):
        # numpy silently turns [0, "spam"] into strings; a mix is almost always a mistake.
        raise TypeError(f"{name} mixes string and non-string labels: {short(list(values))}")
    elif array.dtype.kind == "b":
        array = array.astype(np.int64)
    elif array.dtype.kind not in "iuU":
        raise TypeError(f"{name} must hold class labels (int, bool or str), got dtype {array.dtype}")
    return array


def as_scores(name: str, values: Any) -> np.ndarray:
    """Real-valued scores: finite, numeric."""
    array = as_1d(name, values)
    if array.dtype.kind not in "iuf" or array.dtype.kind == "b":
        raise TypeError(f"{name} must hold numbers (scores or probabilities), got dtype {array.dtype}")
    array = array.astype(np.float64)
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise ValueError(f"{name} contains {array[bad[0]].item()!r} at position {bad[0]}; scores must be finite")
    return array


def same_length(name_a: str, a: Any, name_b: str, b: Any) -> None:
    if len(a) != len(b):
        raise ValueError(f"{name_b} has {len(b)} values but {name_a} has {len(a)}: they must match one to one")
