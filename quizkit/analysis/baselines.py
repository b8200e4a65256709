"""Baselines to beat before any fine-tune counts: the majority class and TF-IDF + logistic regression.

Both return a :class:`quizkit.train.RunResult` (``trainer=None``, no training steps), so the
run table, :mod:`quizkit.viz` plots, :func:`quizkit.analysis.diagnosis.diagnose` and ``save``/``load_run``
take them like a fine-tuning run. ``data`` is what :func:`quizkit.train.run` accepts: a
``DatasetDict`` with ``train``/``validation``/``test`` (``text``, ``label``) or a generated
course task.

>>> result = tfidf_logreg({"task": "spam", "n": 300})
>>> result.config.model, result.test_metrics.accuracy > majority({"task": "spam", "n": 300}).test_metrics.accuracy
('tfidf-logreg', True)
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from quizkit.train import RunConfig, RunResult, resolve_data

# Inverse regularisation strengths tried by tfidf_logreg; the one with the best validation MCC wins.
C_GRID = (0.3, 1.0, 3.0, 10.0)


def _result(model: str, data: Any, seed: int, probabilities: dict[str, np.ndarray], start: float,
            extra: dict[str, Any], class_weight: str | None = None) -> RunResult:
    """A RunResult from the ``validation`` and ``test`` probability matrices of a fitted baseline."""
    dataset, description = data
    names = list(dataset["train"].features["label"].names)

    def scores(matrix: np.ndarray) -> np.ndarray:
        return matrix[:, 1] if len(names) == 2 else matrix

    return RunResult(
        trainer=None,
        config=RunConfig(model=model, data=dataset if description["source"] == "custom" else
                         {k: v for k, v in description.items() if k != "source"}, seed=seed,
                         class_weight=class_weight, threshold=None),
        data_description=description,
        log_history=[],
        validation_metrics=_validation_metrics(dataset, probabilities["validation"].argmax(axis=1)),
        label_names=names,
        test_labels=dataset["test"]["label"],
        test_predictions=probabilities["test"].argmax(axis=1),
        test_scores=scores(probabilities["test"]),
        test_texts=list(dataset["test"]["text"]),
        train_texts=list(dataset["train"]["text"]),
        wall_time_s=time.perf_counter() - start,
        train_samples_per_second=None,
        device="cpu",
        steps=0,
        planned_steps=0,
        # The most probable class: for two classes, P(label 1) >= 0.5.
        threshold=0.5 if len(names) == 2 else None,
        extra={"baseline": model, **extra},
        validation_labels=np.asarray(dataset["validation"]["label"], dtype=int),
        validation_scores=scores(probabilities["validation"]),
    )


def _validation_metrics(dataset: Any, predictions: Sequence[int]) -> dict[str, float]:
    from quizkit.metrics import from_predictions

    names = list(dataset["train"].features["label"].names)
    report = from_predictions(dataset["validation"]["label"], predictions, labels=list(range(len(names))), target_names=names)
    return {k: float(v) for k, v in report.to_dict().items() if isinstance(v, (int, float))}


def majority(data: Any = None, seed: int = 0) -> RunResult:
    """Always predict the most frequent training class (scikit-learn's ``DummyClassifier``).

    Its accuracy is the share of that class; its MCC and its balanced-accuracy gain over
    chance are 0: what a model that learned nothing scores.

    >>> result = majority({"task": "fraud", "n": 400, "positive_rate": 0.1})
    >>> result.test_metrics.recall, round(result.test_metrics.mcc, 2)
    (0.0, 0.0)
    """
    from sklearn.dummy import DummyClassifier

    start = time.perf_counter()
    dataset, description = resolve_data(data, seed)
    model = DummyClassifier(strategy="prior").fit(np.zeros((len(dataset["train"]), 1)), dataset["train"]["label"])
    k = len(dataset["train"].features["label"].names)

    def probabilities(split: str) -> np.ndarray:
        # Full width even when a class is missing from train: one column per label.
        out = np.zeros((len(dataset[split]), k))
        out[:, model.classes_] = model.predict_proba(np.zeros((len(dataset[split]), 1)))
        return out

    return _result("majority", (dataset, description), seed,
                   {split: probabilities(split) for split in ("validation", "test")}, start, {})


def tfidf_pipeline(C: float = 1.0, seed: int = 0, class_weight: str | None = "balanced") -> Any:
    """Word uni+bigram TF-IDF (sublinear) -> logistic regression, as a scikit-learn Pipeline.

    ``class_weight="balanced"`` (the default) weighs each class by the inverse of its
    frequency, as ``run(class_weight="balanced")`` does for a fine-tune; ``None`` weighs
    every example alike.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1),
        LogisticRegression(C=C, class_weight=class_weight, max_iter=2000, random_state=seed),
    )


def tfidf_logreg(
    data: Any = None, seed: int = 0, C: float | Sequence[float] = C_GRID, class_weight: str | None = "balanced",
) -> RunResult:
    """TF-IDF + logistic regression, ``C`` chosen on validation MCC, scored once on test.

    Trains in about a second on a thousand texts: a strong bar for sentiment-like tasks,
    where single words carry most of the signal. ``result.extra["C"]`` is the chosen strength.
    ``class_weight`` is ``"balanced"`` (default) or ``None`` (see :func:`tfidf_pipeline`);
    the fit is convex, so the same data gives the same model: a clean way to see what class
    weights alone change.

    >>> result = tfidf_logreg({"task": "spam", "n": 300}, C=1.0)
    >>> result.extra["C"], result.steps
    (1.0, 0)
    """
    from sklearn.metrics import matthews_corrcoef

    start = time.perf_counter()
    dataset, description = resolve_data(data, seed)
    grid = [float(C)] if isinstance(C, (int, float)) else [float(c) for c in C]
    if not grid or any(c <= 0 for c in grid):
        raise ValueError(f"C must be a positive number or a list of them, got {C!r}")
    if class_weight not in ("balanced", None):
        raise ValueError(f"class_weight must be 'balanced' or None, got {class_weight!r}")
    train, validation = dataset["train"], dataset["validation"]
    fitted = []
    for c in grid:
        pipeline = tfidf_pipeline(c, seed, class_weight).fit(train["text"], train["label"])
        predicted = pipeline.predict(validation["text"])
        fitted.append((matthews_corrcoef(validation["label"], predicted), -grid.index(c), c, pipeline))
    _, _, best_c, pipeline = max(fitted, key=lambda t: t[:2])
    k = len(train.features["label"].names)

    def probabilities(split: str) -> np.ndarray:
        out = np.zeros((len(dataset[split]), k))
        out[:, pipeline.classes_] = pipeline.predict_proba(dataset[split]["text"])
        return out

    return _result("tfidf-logreg", (dataset, description), seed,
                   {split: probabilities(split) for split in ("validation", "test")}, start,
                   {"C": best_c}, class_weight=class_weight)
