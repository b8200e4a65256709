"""Find test texts that also appear (exactly or nearly) in the training texts: data leakage.

Exact means equal after lower-casing and collapsing whitespace. Near means the cosine
similarity of character n-gram TF-IDF vectors (scikit-learn) to the most similar training
text is at least ``near_threshold``: a changed word, a typo or different punctuation still
counts.

>>> o = find_overlap(["Win a FREE phone now", "see you at 6"], ["win a free  phone now", "lunch?"])
>>> o.exact, o.rate
([(0, 0)], 0.5)
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

# Rows of the (test x train) similarity matrix computed at once: bounds memory at
# about CHUNK_CELLS floats whatever the sizes.
CHUNK_CELLS = 4_000_000
_SHOWN_EXAMPLES = 5


def duplicate_key(text: str) -> str:
    """Lower-case and collapse runs of whitespace: what "exact duplicate" compares."""
    # Not the quiz's answer normaliser (quizkit.quiz.scoring.normalize_text), which also drops
    # punctuation: a duplicate check keeps it (near-duplicates are the similarity's job), and
    # data, on the ground floor, imports nothing of the quiz side.
    return " ".join(text.lower().split())


@dataclass
class Overlap:
    """Which test texts duplicate a training text.

    ``exact``: ``(test_idx, train_idx)`` pairs; ``near``: ``(test_idx, train_idx,
    similarity)`` for test texts that are not exact duplicates but whose most similar
    training text reaches the threshold. ``rate`` is the fraction of test texts in either.
    ``split`` names the split the checked texts come from (validation texts are checked too).
    """

    exact: list[tuple[int, int]]
    near: list[tuple[int, int, float]]
    n_test: int
    near_threshold: float
    examples: list[tuple[str, str, float]] = field(default_factory=list, repr=False)
    split: str = "test"

    @property
    def rate(self) -> float:
        return (len(self.exact) + len(self.near)) / self.n_test if self.n_test else 0.0

    @property
    def test_indices(self) -> list[int]:
        """Sorted indices of the leaked test texts (exact and near)."""
        return sorted([i for i, _ in self.exact] + [i for i, _, _ in self.near])

    def _summary(self) -> str:
        return (
            f"{len(self.exact) + len(self.near)} of {self.n_test} {self.split} texts ({self.rate:.1%}) also appear "
            f"in the training texts: {len(self.exact)} exact, {len(self.near)} near "
            f"(similarity >= {self.near_threshold:g})"
        )

    def __str__(self) -> str:
        lines = [self._summary()]
        for test_text, train_text, sim in self.examples:
            lines.append(f"  test : {test_text!r}\n  train: {train_text!r}  (similarity {sim:.2f})")
        return "\n".join(lines)

    def to_html(self) -> str:
        """The summary and the example pairs as an HTML fragment (what a notebook shows)."""
        rows = "".join(
            f"<tr><td>{html.escape(te)}</td><td>{html.escape(tr)}</td><td>{sim:.2f}</td></tr>"
            for te, tr, sim in self.examples
        )
        table = (
            f"<table><thead><tr><th>{html.escape(self.split)} text</th><th>training text</th><th>similarity</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            if rows
            else ""
        )
        return f"<div><p>{html.escape(self._summary())}</p>{table}</div>"

    def _repr_html_(self) -> str:
        return self.to_html()


def _check_texts(name: str, texts: Any) -> list[str]:
    if isinstance(texts, str) or not isinstance(texts, Sequence):
        raise TypeError(f"{name} must be a list of strings, got {type(texts).__name__}")
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"{name}[{i}] must be a string, got {type(t).__name__}: {t!r}")
    return list(texts)


class NearestTrain:
    """Index of training texts answering "which training text is most like this one?"."""

    def __init__(self, train_texts: Sequence[str], fit_also: Sequence[str] = ()) -> None:
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float32)
        matrix = self._vectorizer.fit_transform([*train_texts, *fit_also])
        self._n_train = len(train_texts)
        self._train_t = matrix[: self._n_train].T.tocsr()
        self.fitted_rows = matrix[self._n_train :]

    def query(self, texts: Sequence[str] | None = None, *, matrix: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """Best training index and cosine similarity for each text (or TF-IDF row)."""
        import numpy as np

        rows = self._vectorizer.transform(texts) if matrix is None else matrix
        best_idx = np.zeros(rows.shape[0], dtype=np.int64)
        best_sim = np.zeros(rows.shape[0], dtype=np.float32)
        if self._n_train == 0:
            return best_idx, best_sim
        step = max(1, CHUNK_CELLS // self._n_train)
        for start in range(0, rows.shape[0], step):
            sims = (rows[start : start + step] @ self._train_t).toarray()
            best_idx[start : start + step] = sims.argmax(axis=1)
            best_sim[start : start + step] = sims.max(axis=1)
        return best_idx, best_sim


def nearest_train(train_texts: Sequence[str], test_texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """For each test text: index of the most similar training text and that cosine similarity.

    The TF-IDF vocabulary and weights are fitted on both lists together.
    """
    import numpy as np

    if not train_texts or not test_texts:
        return np.zeros(len(test_texts), dtype=np.int64), np.zeros(len(test_texts), dtype=np.float32)
    index = NearestTrain(train_texts, fit_also=test_texts)
    return index.query(matrix=index.fitted_rows)


def find_overlap(train_texts: Sequence[str], test_texts: Sequence[str], near_threshold: float = 0.8,
                 *, split: str = "test") -> Overlap:
    """Exact and near duplicates of training texts among the test texts.

    Handles 10k x 10k texts in seconds (sparse products, chunked). ``split`` names the split
    ``test_texts`` come from, for the report (check validation texts with ``split="validation"``).

    >>> print(find_overlap(["Your parcel is on hold, pay the fee"], ["your parcel is on hold, pay the fees!"]))
    ... # doctest: +ELLIPSIS
    1 of 1 test texts (100.0%) also appear in the training texts: 0 exact, 1 near ...
    """
    train = _check_texts("train_texts", train_texts)
    test = _check_texts("test_texts", test_texts)
    if isinstance(near_threshold, bool) or not isinstance(near_threshold, (int, float)) or not 0 < near_threshold <= 1:
        raise ValueError(f"near_threshold must be a number in (0, 1], got {near_threshold!r}")

    first_train: dict[str, int] = {}
    for j, text in enumerate(train):
        first_train.setdefault(duplicate_key(text), j)
    exact = [(i, first_train[key]) for i, key in enumerate(map(duplicate_key, test)) if key in first_train]
    exact_set = {i for i, _ in exact}

    best_idx, best_sim = nearest_train(train, test)
    near = [
        (i, int(best_idx[i]), round(float(best_sim[i]), 4))
        for i in range(len(test))
        if i not in exact_set and best_sim[i] >= near_threshold
    ]
    # Show the least obvious leaks first: near pairs, then exact copies.
    shown = [(test[i], train[j], s) for i, j, s in sorted(near, key=lambda p: p[2])[:_SHOWN_EXAMPLES]]
    shown += [(test[i], train[j], 1.0) for i, j in exact[: _SHOWN_EXAMPLES - len(shown)]]
    return Overlap(exact=exact, near=near, n_test=len(test), near_threshold=float(near_threshold), examples=shown,
                   split=split)
