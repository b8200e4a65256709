"""Error analysis: which examples to read first when a model disappoints.

:func:`likely_label_errors` finds training examples whose given label looks wrong, in the
confident-learning style (Northcutt, Jiang and Chuang, 2021): out-of-fold probabilities from the
TF-IDF baseline (each text scored by a model that never saw it), a per-class confidence
threshold, and the examples another class claims confidently.

>>> from quizkit.data import make_dataset
>>> data = make_dataset("spam", n=300, seed=0)
>>> issues = likely_label_errors(data)
>>> list(issues.columns)
['index', 'text', 'given', 'suggested', 'p_given', 'p_suggested']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from quizkit.metrics.predictions import Predictions, as_predictions

if TYPE_CHECKING:
    import pandas as pd


def out_of_fold_probabilities(texts: list[str], labels: Any, n_splits: int = 5, seed: int = 0) -> np.ndarray:
    """``(n, k)`` class probabilities, each row from a TF-IDF baseline fitted on the other folds."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from quizkit.analysis.baselines import tfidf_pipeline

    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return cross_val_predict(tfidf_pipeline(seed=seed), texts, labels, cv=folds, method="predict_proba")


def confident_label_issues(labels: Any, probabilities: Any) -> tuple[np.ndarray, np.ndarray]:
    """Flags and suggested classes from out-of-fold probabilities (confident learning).

    Class ``j``'s threshold is the mean P(j) over the examples labelled ``j``. An example is
    confidently in class ``j`` when P(j) reaches that threshold (the highest such P when
    several do); it is flagged when that class is not its given label.

    >>> flags, suggested = confident_label_issues([0, 0, 1, 1], [[.9, .1], [.2, .8], [.3, .7], [.1, .9]])
    >>> flags.tolist(), suggested.tolist()
    ([False, True, False, False], [0, 1, 1, 1])
    """
    labels = np.asarray(labels, dtype=int)
    probabilities = np.asarray(probabilities, dtype=float)
    k = probabilities.shape[1]
    thresholds = np.array([probabilities[labels == j, j].mean() if np.any(labels == j) else np.inf for j in range(k)])
    above = probabilities >= thresholds
    # Among the classes an example clears, the most probable; examples clearing none keep their label.
    suggested = np.where(above.any(axis=1), np.where(above, probabilities, -np.inf).argmax(axis=1), labels)
    return suggested != labels, suggested


def likely_label_errors(data: Any, split: str = "train", n_splits: int = 5, seed: int = 0) -> pd.DataFrame:
    """Examples of ``data[split]`` whose given label the cross-validated baseline doubts, most doubtful first.

    Columns: ``index`` (row in the split), ``text``, ``given`` and ``suggested`` (class names),
    ``p_given`` and ``p_suggested`` (out-of-fold probabilities). Read them: some are real
    label errors, some are hard or ambiguous texts; both are worth knowing before training.
    ``data`` is a ``DatasetDict`` (or a generated course task, as :func:`quizkit.train.run` takes).
    """
    import pandas as pd

    from quizkit.train import resolve_data

    dataset, _ = resolve_data(data, seed)
    if split not in dataset:
        raise ValueError(f"likely_label_errors: no split {split!r}; the data has {list(dataset)}")
    part = dataset[split]
    names = list(part.features["label"].names)
    labels = np.asarray(part["label"], dtype=int)
    counts = np.bincount(labels, minlength=len(names))
    if isinstance(n_splits, bool) or not isinstance(n_splits, int) or n_splits < 2:
        raise ValueError(f"n_splits must be an integer >= 2, got {n_splits!r}")
    if counts[counts > 0].min() < n_splits or np.count_nonzero(counts) < 2:
        raise ValueError(
            f"likely_label_errors needs at least {n_splits} examples of each of 2+ classes in {split!r} "
            f"(counts: {dict(zip(names, counts.tolist()))}); lower n_splits")
    texts = list(part["text"])
    probabilities = np.zeros((len(texts), len(names)))
    present = np.flatnonzero(counts)
    probabilities[:, present] = out_of_fold_probabilities(texts, labels, n_splits, seed)
    flags, suggested = confident_label_issues(labels, probabilities)
    rows = np.flatnonzero(flags)
    table = pd.DataFrame({
        "index": rows,
        "text": [texts[i] for i in rows],
        "given": [names[labels[i]] for i in rows],
        "suggested": [names[suggested[i]] for i in rows],
        "p_given": probabilities[rows, labels[rows]],
        "p_suggested": probabilities[rows, suggested[rows]],
    })
    return table.sort_values("p_given", kind="stable").reset_index(drop=True)


def _run_probabilities(result: Predictions) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Test labels, the ``(n, k)`` probability matrix and class names of a run or baseline."""
    from quizkit.metrics.calibration import as_probabilities

    result = as_predictions(result, "top_losses")
    names = [str(name) for name in result.label_names]
    labels, probabilities = as_probabilities(result.test_labels, result.test_scores)
    if probabilities.shape[1] != len(names):
        raise ValueError(f"the run's test_scores have {probabilities.shape[1]} columns but it names {len(names)} classes")
    return labels, probabilities, names


def top_losses(result: Predictions, k: int = 10) -> pd.DataFrame:
    """The ``k`` test examples the model got most wrong, as measured by their loss, worst first.

    ``result`` is a :class:`quizkit.train.RunResult` (or a baseline). Columns: ``index`` (test
    row), ``text``, ``label`` (given class), ``prediction``, ``probability`` (the model's
    probability for its prediction) and ``loss`` (``-log P(label)``, the cross-entropy the
    Trainer averages). A confident wrong answer has a high probability and a high loss.

    >>> from types import SimpleNamespace
    >>> toy = SimpleNamespace(label_names=["ham", "spam"], test_texts=["a", "b", "c"], test_labels=[0, 1, 1],
    ...                       test_predictions=[1, 1, 1], test_scores=[0.9, 0.6, 0.99])
    >>> top_losses(toy, k=2)[["text", "label", "prediction"]].values.tolist()
    [['a', 'ham', 'spam'], ['b', 'spam', 'spam']]
    """
    import pandas as pd

    from quizkit.metrics.calibration import EPS

    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be an integer >= 1, got {k!r}")
    labels, probabilities, names = _run_probabilities(result)
    texts = list(result.test_texts)
    if len(texts) != len(labels):
        raise ValueError(f"the run has {len(texts)} test texts but {len(labels)} test labels")
    rows = np.arange(len(labels))
    predictions = probabilities.argmax(axis=1)
    losses = -np.log(np.clip(probabilities[rows, labels], EPS, 1))
    worst = np.argsort(-losses, kind="stable")[:k]
    return pd.DataFrame({
        "index": worst,
        "text": [texts[i] for i in worst],
        "label": [names[labels[i]] for i in worst],
        "prediction": [names[predictions[i]] for i in worst],
        "probability": probabilities[worst, predictions[worst]],
        "loss": losses[worst],
    })


def most_confused(result: Predictions, min_count: int = 1) -> pd.DataFrame:
    """Pairs (actual, predicted) of different classes, by how often the model mixed them up.

    Read off the test confusion matrix (scikit-learn's ``confusion_matrix``), off-diagonal
    cells with at least ``min_count`` examples, largest first. ``share`` is the count divided
    by the actual class's support: the part of that class lost to the other.

    >>> from types import SimpleNamespace
    >>> toy = SimpleNamespace(label_names=["a", "b", "c"], test_labels=[0, 0, 1, 2, 2, 2],
    ...                       test_predictions=[0, 1, 1, 1, 1, 0], test_scores=None)
    >>> most_confused(toy).values.tolist()
    [['c', 'b', 2, 0.6666666666666666], ['a', 'b', 1, 0.5], ['c', 'a', 1, 0.3333333333333333]]
    """
    import pandas as pd
    from sklearn.metrics import confusion_matrix

    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise ValueError(f"min_count must be an integer >= 1, got {min_count!r}")
    result = as_predictions(result, "most_confused")
    names = [str(name) for name in result.label_names]
    counts = confusion_matrix(result.test_labels, result.test_predictions, labels=list(range(len(names))))
    support = counts.sum(axis=1)
    pairs = [
        (names[i], names[j], int(counts[i, j]), counts[i, j] / support[i])
        for i in range(len(names)) for j in range(len(names))
        if i != j and counts[i, j] >= min_count
    ]
    pairs.sort(key=lambda pair: -pair[2])
    return pd.DataFrame(pairs, columns=["actual", "predicted", "count", "share"])
