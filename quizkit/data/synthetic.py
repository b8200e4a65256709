"""Seeded synthetic text-classification data sets with knobs for imbalance, noise and leakage.

>>> dd = make_dataset("spam", n=200, seed=1)
>>> dd["train"].num_rows, dd["validation"].num_rows, dd["test"].num_rows
(140, 30, 30)
>>> dd["train"].features["label"].names
['ham', 'spam']
"""

from __future__ import annotations

import math
import numbers
import random
from typing import TYPE_CHECKING, Any

from quizkit.data.overlap import NearestTrain, duplicate_key, nearest_train
from quizkit.data.tasks import TaskSpec, fraud, medical, spam, support

if TYPE_CHECKING:
    from datasets import DatasetDict

SPECS: dict[str, TaskSpec] = {spec.name: spec for spec in (spam.SPEC, fraud.SPEC, medical.SPEC, support.SPEC)}
#: Task name -> label names (label ``i`` is ``TASKS[task][i]``; for binary tasks 1 is positive).
TASKS: dict[str, tuple[str, ...]] = {name: spec.labels for name, spec in SPECS.items()}
SPLITS = ("train", "validation", "test")
SPLIT_FRACTIONS = (0.70, 0.15, 0.15)
# Label noise models annotators' mistakes in the data you collect and tune on; the test
# split stands for a carefully checked gold set, so its labels stay true and a test score
# measures the model, not the noise.
NOISY_SPLITS = ("train", "validation")
# Held-out texts must be less similar than this to every training text, so that a data set
# made with leak_rate=0 shows no leak under find_overlap's default threshold (0.8).
HELD_OUT_MAX_SIMILARITY = 0.74
_MAX_DRAWS_PER_TEXT = 60
_MAX_HELD_OUT_ROUNDS = 20


def _round(x: float) -> int:
    """Round half up (Python's round() is half-to-even, which makes counts jump oddly)."""
    return math.floor(x + 0.5)


def split_sizes(n: int) -> tuple[int, int, int]:
    """Rows in train/validation/test for ``n`` examples (70/15/15)."""
    n_train = _round(n * SPLIT_FRACTIONS[0])
    n_val = _round(n * SPLIT_FRACTIONS[1])
    return n_train, n_val, n - n_train - n_val


def class_counts(n: int, num_labels: int, positive_rate: float | None) -> list[list[int]]:
    """``counts[split][label]``: stratified so every split has the same class mix.

    Binary tasks place ``round(positive_rate * n)`` positives, shared among the splits in
    proportion to their size (largest remainder). Multiclass tasks are balanced.
    """
    sizes = split_sizes(n)
    if positive_rate is None:
        return [[size // num_labels + (c < size % num_labels) for c in range(num_labels)] for size in sizes]
    total_pos = _round(positive_rate * n)
    ideal = [total_pos * size / n for size in sizes]
    pos = [math.floor(x) for x in ideal]
    by_remainder = sorted(range(len(sizes)), key=lambda s: (-(ideal[s] - pos[s]), s))
    for s in by_remainder[: total_pos - sum(pos)]:
        pos[s] += 1
    return [[size - p, p] for size, p in zip(sizes, pos)]


def _feasible(n: int, num_labels: int, positive_rate: float | None) -> bool:
    return all(c >= 1 for split in class_counts(n, num_labels, positive_rate) for c in split)


def _check_args(task: Any, n: Any, positive_rate: Any, label_noise: Any, leak_rate: Any, seed: Any) -> None:
    if not isinstance(task, str):
        raise TypeError(f"task must be a string, one of {sorted(TASKS)}, got {task!r}")
    if task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(map(repr, TASKS))}; got {task!r}")
    for name, value in (("n", n), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be an integer, got {value!r}")
    if n <= 0:
        raise ValueError(f"n must be a positive number of examples, got {n!r}")
    for name, value in (("positive_rate", positive_rate), ("label_noise", label_noise), ("leak_rate", leak_rate)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
            raise TypeError(f"{name} must be a number, got {value!r}")
    if len(TASKS[task]) > 2 and positive_rate != 0.5:
        raise ValueError(
            f"positive_rate={positive_rate!r} does not apply to the {len(TASKS[task])}-class {task!r} task "
            "(its classes are balanced); leave positive_rate at its default"
        )
    if not 0 < positive_rate < 1:
        raise ValueError(f"positive_rate must be strictly between 0 and 1, got {positive_rate!r}")
    if not 0 <= label_noise < 1:
        raise ValueError(f"label_noise must be in [0, 1), got {label_noise!r}")
    if not 0 <= leak_rate < 1:
        raise ValueError(f"leak_rate must be in [0, 1), got {leak_rate!r}")


def _draw_unique(spec: TaskSpec, label: int, count: int, rng: random.Random, seen: set[str]) -> list[str]:
    """``count`` texts of ``label`` that differ (after normalisation) from all in ``seen``."""
    texts: list[str] = []
    for _ in range(_MAX_DRAWS_PER_TEXT * count + 100):
        if len(texts) == count:
            return texts
        text = spec.sample(label, rng)
        key = duplicate_key(text)
        if key not in seen:
            seen.add(key)
            texts.append(text)
    raise RuntimeError(
        f"could only write {len(texts)} distinct {spec.labels[label]!r} texts for task {spec.name!r}, "
        f"{count} were needed: ask for a smaller n"
    )


def _generate(spec: TaskSpec, counts: list[list[int]], seed: int) -> list[list[tuple[str, int]]]:
    """Texts per split, grouped by label; held-out texts are not near-duplicates of train."""
    rngs = [random.Random(f"quizkit:{spec.name}:{seed}:text:{label}") for label in range(len(spec.labels))]
    seen: set[str] = set()
    train = [(t, label) for label, rng in enumerate(rngs) for t in _draw_unique(spec, label, counts[0][label], rng, seen)]
    index = NearestTrain([t for t, _ in train])
    held_out: list[list[str]] = [[] for _ in spec.labels]
    need = [counts[1][label] + counts[2][label] for label in range(len(spec.labels))]
    for _ in range(_MAX_HELD_OUT_ROUNDS):
        if all(len(h) == k for h, k in zip(held_out, need)):
            break
        # Draw extra: some candidates are rejected as too close to a training text.
        candidates = [
            (t, label)
            for label, rng in enumerate(rngs)
            for t in _draw_unique(spec, label, math.ceil(1.6 * (need[label] - len(held_out[label]))), rng, seen)
        ]
        _, sims = index.query([t for t, _ in candidates])
        for (text, label), sim in zip(candidates, sims):
            if sim < HELD_OUT_MAX_SIMILARITY and len(held_out[label]) < need[label]:
                held_out[label].append(text)
    if any(len(h) < k for h, k in zip(held_out, need)):
        raise RuntimeError(
            f"could not write enough {spec.name!r} texts unlike the training texts for the held-out "
            "splits: ask for a smaller n"
        )
    validation = [(t, label) for label, h in enumerate(held_out) for t in h[: counts[1][label]]]
    test = [(t, label) for label, h in enumerate(held_out) for t in h[counts[1][label] :]]
    return [train, validation, test]


def _light_edit(text: str, rng: random.Random) -> str:
    """A near copy as re-submitted data looks: a typo, a doubled word or a copy marker.
    Words are never dropped, so a negation ("no evidence of ...") keeps its meaning."""
    from quizkit.data.templates import add_typos

    words = text.split(" ")
    kind = rng.randrange(3)
    if kind == 0 and any(len(w) >= 4 and w.isalpha() for w in words):
        return add_typos(text, rng)
    if kind == 1 and len(words) > 3:
        i = rng.randrange(len(words))
        return " ".join(words[: i + 1] + words[i:])
    return text + rng.choice((" (resubmitted)", "..", " - copy", " !!", " thanks", " [dup]"))


def _leak(splits: list[list[tuple[str, int]]], leak_rate: float, rng: random.Random) -> list[int]:
    """Overwrite a ``leak_rate`` share of test texts with copies (half exact, half edited) of
    same-label training texts; returns the leaked test positions."""
    train, _, test = splits
    by_label: dict[int, list[str]] = {}
    for text, label in train:
        by_label.setdefault(label, []).append(text)
    positions = sorted(rng.sample(range(len(test)), _round(leak_rate * len(test))))
    for i in positions:
        label = test[i][1]
        source = by_label[label][rng.randrange(len(by_label[label]))]
        test[i] = (source if rng.random() < 0.5 else _light_edit(source, rng), label)
    return positions


def _confirm_leaks(splits: list[list[tuple[str, int]]], positions: list[int]) -> None:
    """An edit that drifted below the near-duplicate threshold becomes an exact copy, so the
    measured leak rate equals the knob."""
    from quizkit.data.overlap import find_overlap

    train, _, test = splits
    found = set(find_overlap([t for t, _ in train], [t for t, _ in test]).test_indices)
    for i in positions:
        if i not in found:
            text, label = test[i]
            best, _ = nearest_train([t for t, _ in train], [text])
            test[i] = (train[int(best[0])][0], label)


def _add_label_noise(rows: list[tuple[str, int]], rate: float, num_labels: int, rng: random.Random) -> None:
    for i in rng.sample(range(len(rows)), _round(rate * len(rows))):
        text, label = rows[i]
        rows[i] = (text, (label + rng.randrange(1, num_labels)) % num_labels)


def make_dataset(
    task: str,
    n: int = 1000,
    positive_rate: float = 0.5,
    label_noise: float = 0.0,
    leak_rate: float = 0.0,
    seed: int = 0,
) -> DatasetDict:
    """A realistic short-text classification data set, the same for the same arguments.

    ``task``: ``"spam"`` (SMS), ``"fraud"`` (transactions and insurance claims),
    ``"medical"`` (clinical-note sentences: does the patient have a disease?) or the
    4-class ``"support"`` (ticket routing). Returns a ``DatasetDict`` with ``train``,
    ``validation`` and ``test`` (70/15/15) holding ``text`` and a ``ClassLabel`` ``label``.

    - ``positive_rate``: share of label 1 in every split (binary tasks only).
    - ``label_noise``: share of labels flipped to another class in ``train`` and
      ``validation``; ``test`` labels stay true (a checked gold set).
    - ``leak_rate``: share of test texts replaced by exact or lightly edited copies of
      training texts of the same label. With 0, no test text is a near duplicate of a
      training text (see :func:`quizkit.data.find_overlap`).

    Texts depend only on ``task``, ``n``, ``positive_rate`` and ``seed``: changing the noise
    or the leak changes labels or leaked test rows and nothing else.

    >>> dd = make_dataset("fraud", n=1000, positive_rate=0.02, seed=3)
    >>> sum(dd["test"]["label"]), dd["test"].num_rows
    (3, 150)
    """
    _check_args(task, n, positive_rate, label_noise, leak_rate, seed)
    from datasets import ClassLabel, Dataset, DatasetDict, DatasetInfo, Features, Value

    spec = SPECS[task]
    num_labels = len(spec.labels)
    rate = positive_rate if num_labels == 2 else None
    if not _feasible(n, num_labels, rate):
        enough = next(m for m in range(n + 1, 10 * n + 10_000) if _feasible(m, num_labels, rate))
        what = f"positive_rate={positive_rate}" if rate is not None else f"{num_labels} classes"
        raise ValueError(
            f"n={n} is too small for {what}: every split (70/15/15) needs at least one example of "
            f"each label; use n >= {enough}"
        )
    splits = _generate(spec, class_counts(n, num_labels, rate), seed)
    for name, rows in zip(SPLITS, splits):
        random.Random(f"quizkit:{task}:{seed}:shuffle:{name}").shuffle(rows)
    if leak_rate > 0:
        leaked = _leak(splits, leak_rate, random.Random(f"quizkit:{task}:{seed}:leak:{leak_rate}"))
        _confirm_leaks(splits, leaked)
    noise_rng = random.Random(f"quizkit:{task}:{seed}:noise:{label_noise}")
    for name in NOISY_SPLITS:
        _add_label_noise(splits[SPLITS.index(name)], label_noise, num_labels, noise_rng)

    features = Features({"text": Value("string"), "label": ClassLabel(names=list(spec.labels))})
    description = (
        f"quizkit synthetic {task!r}: {spec.description} make_dataset({task!r}, n={n}, "
        f"positive_rate={positive_rate}, label_noise={label_noise}, leak_rate={leak_rate}, seed={seed})"
    )
    return DatasetDict(
        {
            name: Dataset.from_dict(
                {"text": [t for t, _ in rows], "label": [label for _, label in rows]},
                features=features,
                info=DatasetInfo(description=description, features=features),
            )
            for name, rows in zip(SPLITS, splits)
        }
    )
