"""Metrics for generated text: SQuAD exact match / F1, ROUGE (rouge-score), BLEU (sacrebleu).

References may be one string or a list of acceptable strings per example; every function takes
the best match over an example's references. :func:`rouge_estimates` and :func:`bleu_estimate`
add a seeded percentile bootstrap interval over the examples to the corpus scores.

>>> squad_exact_match("The Eiffel Tower!", ["Eiffel tower", "la tour Eiffel"])
1.0
>>> squad_f1("in the city of Paris", "Paris")  # 1 of 4 tokens right, the 1 gold token found
0.4
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from quizkit.metrics.checks import short
from quizkit.metrics.uncertainty import N_RESAMPLES, Estimate, bootstrap

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = str.maketrans("", "", string.punctuation)

References = str | Sequence[str]


def _texts(name: str, values: Any) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a list of strings (one per example), got {short(values)}")
    if not values:
        raise ValueError(f"{name} is empty: metrics need at least one example")
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise TypeError(f"{name}[{i}] must be a string, got {short(value)} ({type(value).__name__})")
    return list(values)


def _reference_set(name: str, value: Any) -> list[str]:
    """One example's references: a string or a non-empty list of strings."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, Sequence) or not value:
        raise (ValueError if isinstance(value, Sequence) else TypeError)(
            f"{name} must be a string or a non-empty list of strings, got {short(value)}"
        )
    return _texts(name, value)


def _paired(predictions: Any, references: Any, prediction_name: str = "predictions") -> tuple[list[str], list[list[str]]]:
    texts = _texts(prediction_name, predictions)
    if isinstance(references, str) or not isinstance(references, Sequence):
        raise TypeError(f"references must be a list with one entry per prediction, got {short(references)}")
    if len(references) != len(texts):
        raise ValueError(f"references has {len(references)} entries but {prediction_name} has {len(texts)}: they must match one to one")
    return texts, [_reference_set(f"references[{i}]", ref) for i, ref in enumerate(references)]


def normalize_answer(text: str) -> str:
    """SQuAD v1.1 normalisation: lowercase, drop punctuation and the articles a/an/the,
    collapse whitespace.

    >>> normalize_answer("  The  Beatles' \\"Help!\\" ")
    'beatles help'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {short(text)} ({type(text).__name__})")
    # The metric's published definition (scores must match the official SQuAD script), so not
    # the quiz's answer normaliser (quizkit.quiz.scoring.normalize_text), which keeps articles.
    return " ".join(_ARTICLES.sub(" ", text.lower().translate(_PUNCTUATION)).split())


def _token_f1(prediction: str, gold: str) -> float:
    predicted = normalize_answer(prediction).split()
    expected = normalize_answer(gold).split()
    same = sum((Counter(predicted) & Counter(expected)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(predicted), same / len(expected)
    return 2 * precision * recall / (precision + recall)


def squad_exact_match(prediction: str, gold_answers: References) -> float:
    """1.0 if the normalised prediction equals any normalised gold answer, else 0.0."""
    golds = _reference_set("gold_answers", gold_answers)
    predicted = normalize_answer(prediction)
    return float(any(predicted == normalize_answer(gold) for gold in golds))


def squad_f1(prediction: str, gold_answers: References) -> float:
    """Token-overlap F1 (0..1) between the normalised prediction and the best gold answer."""
    golds = _reference_set("gold_answers", gold_answers)
    if not isinstance(prediction, str):
        raise TypeError(f"prediction must be a string, got {short(prediction)} ({type(prediction).__name__})")
    return max(_token_f1(prediction, gold) for gold in golds)


def squad_scores(predictions: Sequence[str], references: Sequence[References]) -> dict[str, float]:
    """Corpus ``exact_match`` and ``f1`` in percent (0..100), as the official SQuAD v1.1 script.

    >>> squad_scores(["Paris", "1889"], [["Paris", "Paris, France"], "in 1887"])
    {'exact_match': 50.0, 'f1': 50.0}
    """
    texts, golds = _paired(predictions, references)
    exact = sum(squad_exact_match(p, g) for p, g in zip(texts, golds))
    f1 = sum(squad_f1(p, g) for p, g in zip(texts, golds))
    return {"exact_match": 100.0 * exact / len(texts), "f1": 100.0 * f1 / len(texts)}


def _rouge_per_example(predictions: Sequence[str], references: Sequence[References]) -> dict[str, np.ndarray]:
    """ROUGE-1/2/L F-measure of each example (best reference), one array per ROUGE type."""
    from rouge_score import rouge_scorer

    texts, refs = _paired(predictions, references)
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    scores = [scorer.score_multi(targets, prediction) for prediction, targets in zip(texts, refs)]
    return {name: np.array([score[name].fmeasure for score in scores]) for name in ROUGE_TYPES}


def rouge(predictions: Sequence[str], references: Sequence[References]) -> dict[str, float]:
    """Mean ROUGE-1/2/L F-measure (0..1) over the examples, from ``rouge_score.rouge_scorer``.

    The Porter stemmer is on (``use_stemmer=True``) so "cats" matches "cat". rouge-score's
    tokenizer keeps only lowercase ASCII letters and digits. With several references per
    example the best one counts (``RougeScorer.score_multi``), as in the ``evaluate`` rouge
    module; the mean is exact (no bootstrap aggregation).

    >>> rouge(["the cat sat"], [["a cat sat down", "dogs bark"]])["rouge1"]
    0.5714285714285715
    """
    return {name: float(values.mean()) for name, values in _rouge_per_example(predictions, references).items()}


def rouge_estimates(
    predictions: Sequence[str], references: Sequence[References], level: float = 0.95, *,
    n_resamples: int = N_RESAMPLES, seed: int = 0,
) -> dict[str, Estimate]:
    """:func:`rouge` with a percentile bootstrap interval over the examples for each ROUGE type.

    >>> preds = ["the cat sat", "a dog ran", "birds fly high", "fish swim"]
    >>> refs = ["the cat sat down", "the dog ran away", "birds fly", "a fish swims fast"]
    >>> print(rouge_estimates(preds, refs)["rouge1"])
    rouge1 0.72 [0.62, 0.83] (n=4)
    """
    per_example = _rouge_per_example(predictions, references)
    return {
        name: bootstrap(lambda idx, v=values: float(v[idx].mean()), len(values), float(values.mean()),
                        name=name, level=level, n_resamples=n_resamples, seed=seed)
        for name, values in per_example.items()
    }


def bleu(hypotheses: Sequence[str], references: Sequence[References]) -> dict[str, Any]:
    """Corpus BLEU from ``sacrebleu.corpus_bleu`` (default 13a tokenisation).

    ``references`` holds one string or list of strings per hypothesis; examples may have
    different numbers of references. Returns ``score`` (0..100), ``precisions`` (1- to 4-gram,
    in percent), ``brevity_penalty``, ``sys_len`` and ``ref_len``.

    >>> result = bleu(["the cat sat on the mat"], [["the cat sat on the mat", "a cat was on the mat"]])
    >>> round(result["score"], 6), result["brevity_penalty"]
    (100.0, 1.0)
    """
    import sacrebleu

    texts, streams = _bleu_streams(hypotheses, references)
    result = sacrebleu.corpus_bleu(texts, streams)
    return {
        "score": float(result.score),
        "precisions": [float(p) for p in result.precisions],
        "brevity_penalty": float(result.bp),
        "sys_len": int(result.sys_len),
        "ref_len": int(result.ref_len),
    }


def _bleu_streams(hypotheses: Sequence[str], references: Sequence[References]) -> tuple[list[str], list[list[str | None]]]:
    texts, refs = _paired(hypotheses, references, "hypotheses")
    width = max(len(r) for r in refs)
    # sacrebleu wants one stream per reference slot; None marks "no reference here".
    return texts, [[r[k] if k < len(r) else None for r in refs] for k in range(width)]


def bleu_estimate(
    hypotheses: Sequence[str], references: Sequence[References], level: float = 0.95, *,
    n_resamples: int = N_RESAMPLES, seed: int = 0,
) -> Estimate:
    """Corpus BLEU (0..100, as :func:`bleu`) with a percentile bootstrap interval over the examples.

    Each resample re-sums sacrebleu's per-sentence statistics (n-gram matches and lengths)
    and recomputes corpus BLEU from them, as ``sacrebleu``'s own ``--confidence`` option does;
    here the seed and the percentile interval are quizkit's, like every other interval.

    >>> hyps = ["the cat sat on the mat", "a dog ran in the park", "it is raining today", "we eat fish"]
    >>> refs = ["the cat sat on the mat", "the dog ran in the park", "it rains today", "we eat fish on fridays"]
    >>> print(bleu_estimate(hyps, refs, n_resamples=500))
    bleu 71.40 [22.58, 88.07] (n=4)
    """
    from sacrebleu.metrics import BLEU

    texts, streams = _bleu_streams(hypotheses, references)
    metric = BLEU()
    # sacrebleu's sentence statistics and score-from-statistics, the pieces behind corpus_score(n_bootstrap=...).
    stats = np.array(metric._extract_corpus_statistics(texts, streams), dtype=np.float64)

    def score(idx: np.ndarray) -> float:
        return float(metric._compute_score_from_stats(stats[idx].sum(axis=0)).score)

    return bootstrap(score, len(texts), score(np.arange(len(texts))), name="bleu", level=level, n_resamples=n_resamples, seed=seed)
