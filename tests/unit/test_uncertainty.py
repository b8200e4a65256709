"""Intervals and comparisons against reference implementations: statsmodels, scipy, scikit-learn,
and plain bootstrap loops written here independently of quizkit's vectorised ones."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest
from scipy.stats import bootstrap as scipy_bootstrap
from sklearn import metrics as skm
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportion_confint

from quizkit.metrics import (
    Estimate,
    bleu,
    bleu_estimate,
    compare,
    from_counts,
    from_predictions,
    mcnemar_exact,
    rouge,
    rouge_estimates,
    threshold_sweep,
    wilson,
)
from quizkit.metrics.registry import matrix_metric
from quizkit.metrics.uncertainty import ranking_metric

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RESAMPLES = 10_000
# Two independent Monte Carlo bootstraps of 10,000 resamples agree on a percentile to about this.
MC_TOLERANCE = 0.02


def reference_bootstrap(statistic, *arrays, n_resamples=RESAMPLES, level=0.95, seed=12345):
    """The textbook example bootstrap: resample example indices, score every resample, take
    percentiles (undefined resamples dropped). ``statistic`` gets (resamples, n) arrays."""
    n = len(arrays[0])
    idx = np.random.default_rng(seed).integers(0, n, (n_resamples, n))
    values = statistic(*(np.asarray(a)[idx] for a in arrays))
    values = values[~np.isnan(values)]
    return tuple(np.quantile(values, [(1 - level) / 2, 1 - (1 - level) / 2]))


# Per-row formulas written from the definitions, independent of quizkit's confusion-matrix ones.
def np_f1(y, p, axis=-1):
    y, p = y.astype(bool), p.astype(bool)
    tp, fp, fn = (y & p).sum(axis), (~y & p).sum(axis), (y & ~p).sum(axis)
    return 2 * tp / (2 * tp + fp + fn)


def np_recall(y, p, axis=-1):
    y, p = y.astype(bool), p.astype(bool)
    return (y & p).sum(axis) / y.sum(axis)


def np_accuracy(y, p, axis=-1):
    return (y == p).mean(axis)


def np_mcc(y, p):
    """MCC is the Pearson correlation of the two 0/1 variables (0 when one is constant)."""
    y, p = y.astype(float), p.astype(float)
    covariance = (y * p).mean(-1) - y.mean(-1) * p.mean(-1)
    spread = np.sqrt(y.var(-1) * p.var(-1))
    return np.divide(covariance, spread, out=np.zeros_like(covariance), where=spread > 0)


def np_balanced_accuracy(y, p):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nanmean([np_recall(y, p), np_recall(1 - y, 1 - p)], axis=0)


def quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


# --- Wilson intervals ---------------------------------------------------------------------


@FAST
@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_matches_statsmodels(case, level):
    successes, n = case
    low, high = proportion_confint(successes, n, alpha=1 - level, method="wilson")
    estimate = wilson(successes, n, level)
    assert estimate.interval == pytest.approx((low, high), abs=1e-12)
    assert estimate.value == successes / n and estimate.n == n and estimate.method == "wilson"


def test_issue_example_fraud_recall_5_of_9():
    report = from_counts(tp=5, fp=3, fn=4, tn=88)
    low, high = proportion_confint(5, 9, alpha=0.05, method="wilson")
    assert report.interval("recall") == pytest.approx((low, high))
    assert (round(low, 2), round(high, 2)) == (0.27, 0.81)
    assert str(report.estimate("recall")) == "recall 0.56 [0.27, 0.81] (n=9)"
    assert "recall            0.56 [0.27, 0.81] (n=9)" in str(report)
    assert "recall</td><td>0.56 [0.27, 0.81] (n=9)" in report._repr_html_()


@pytest.mark.parametrize(
    "name, successes, n",
    [("accuracy", 93, 100), ("precision", 5, 8), ("recall", 5, 9), ("specificity", 88, 91)],
)
def test_report_proportions_use_their_own_denominator(name, successes, n):
    report = from_counts(tp=5, fp=3, fn=4, tn=88)
    estimate = report.estimate(name, level=0.9)
    assert (estimate.value, estimate.n, estimate.method) == (pytest.approx(successes / n), n, "wilson")
    assert estimate.interval == pytest.approx(proportion_confint(successes, n, alpha=0.1, method="wilson"))


def test_multiclass_accuracy_is_wilson_and_macro_metrics_are_bootstrapped():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 3, 150)
    pred = np.where(rng.random(150) < 0.7, y, rng.integers(0, 3, 150))
    report = from_predictions(y, pred)
    correct = int((y == pred).sum())
    assert report.interval("accuracy") == pytest.approx(proportion_confint(correct, 150, method="wilson"))
    macro_recall = report.estimate("recall")
    assert macro_recall.method == "bootstrap" and macro_recall.n == 150
    assert macro_recall.value == pytest.approx(skm.recall_score(y, pred, average="macro"))

    def macro_recall_of(y_, p_):
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.nanmean([np_recall(y_ == c, p_ == c) for c in range(3)], axis=0)

    reference = reference_bootstrap(macro_recall_of, y, pred)
    assert report.interval("recall", n_resamples=RESAMPLES) == pytest.approx(reference, abs=MC_TOLERANCE)


# --- bootstrap of confusion-matrix metrics --------------------------------------------------


@FAST
@given(st.integers(2, 4).flatmap(lambda k: st.tuples(
    st.just(k), st.lists(st.integers(0, k - 1), min_size=1, max_size=60), st.lists(st.integers(0, k - 1), min_size=60, max_size=60))))
def test_matrix_formulas_match_sklearn(case):
    """The vectorised formulas the bootstrap runs on agree with scikit-learn on each matrix."""
    k, y, pred = case
    y, pred = np.array(y), np.array(pred[: len(y)])
    labels = list(range(k))
    matrix = skm.confusion_matrix(y, pred, labels=labels)
    binary = k == 2
    average = "binary" if binary else "macro"
    positive = 1 if binary else None
    expected = {
        "accuracy": skm.accuracy_score(y, pred),
        "precision": skm.precision_score(y, pred, labels=labels, average=average, zero_division=np.nan),
        "recall": skm.recall_score(y, pred, labels=labels, average=average, zero_division=np.nan),
        "f1": skm.f1_score(y, pred, labels=labels, average=average, zero_division=np.nan),
        "mcc": quiet(skm.matthews_corrcoef, y, pred),
        "balanced_accuracy": quiet(skm.balanced_accuracy_score, y, pred),
    }
    for name, value in expected.items():
        assert matrix_metric(name, matrix, positive) == pytest.approx(value, nan_ok=True, abs=1e-12), name


@pytest.mark.parametrize("metric", ["f1", "mcc", "balanced_accuracy"])
def test_bootstrap_interval_matches_an_independent_example_bootstrap(metric):
    rng = np.random.default_rng(7)
    y = (rng.random(200) < 0.3).astype(int)
    pred = np.where(rng.random(200) < 0.8, y, 1 - y)
    score = {"f1": skm.f1_score, "mcc": skm.matthews_corrcoef, "balanced_accuracy": skm.balanced_accuracy_score}[metric]
    formula = {"f1": np_f1, "mcc": np_mcc, "balanced_accuracy": np_balanced_accuracy}[metric]
    estimate = from_predictions(y, pred).estimate(metric, n_resamples=RESAMPLES)
    assert estimate.method == "bootstrap" and estimate.n == 200
    assert estimate.value == pytest.approx(score(y, pred)) == pytest.approx(formula(y, pred))
    assert estimate.interval == pytest.approx(reference_bootstrap(formula, y, pred), abs=MC_TOLERANCE)
    assert estimate.low < estimate.value < estimate.high


def test_bootstrap_is_seeded_and_level_widens_it():
    report = from_counts(tp=30, fp=10, fn=12, tn=148)
    assert report.interval("f1") == report.interval("f1")
    assert report.interval("f1", seed=1) != report.interval("f1", seed=2)
    (low90, high90), (low99, high99) = report.interval("f1", 0.90), report.interval("f1", 0.99)
    assert low99 < low90 < report.f1 < high90 < high99


def test_from_counts_bootstrap_equals_the_bootstrap_of_the_same_predictions():
    counts = from_counts(tp=30, fp=10, fn=12, tn=148)
    y = np.array([1] * 30 + [0] * 10 + [1] * 12 + [0] * 148)
    pred = np.array([1] * 30 + [1] * 10 + [0] * 12 + [0] * 148)
    assert counts.interval("mcc") == from_predictions(y, pred).interval("mcc")


def test_interval_rejects_unknown_metric_and_bad_level():
    report = from_counts(tp=3, fp=1, fn=1, tn=5)
    with pytest.raises(ValueError, match="must be one of .*got 'auc'"):
        report.interval("auc")
    with pytest.raises(ValueError, match="level"):
        report.interval("recall", level=95)
    with pytest.raises(ValueError, match="n_resamples"):
        report.interval("f1", n_resamples=10)


def test_estimate_text_for_undefined_and_defined_values():
    assert str(Estimate("recall", 5 / 9, 0.267, 0.811, 9, "wilson")) == "recall 0.56 [0.27, 0.81] (n=9)"
    undefined = from_counts(tp=0, fp=0, fn=0, tn=50).estimate("recall")
    assert str(undefined) == "recall undefined (no actual positives)" and not undefined.defined
    assert np.isnan(undefined.low) and np.isnan(undefined.high)


# --- ranking metrics (PR-AUC, ROC-AUC) ------------------------------------------------------


def test_ranking_formula_matches_sklearn_with_resample_weights():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 120)
    scores = np.round(np.clip(0.3 * y + 0.7 * rng.random(120), 0, 1), 2)  # rounded: ties included
    order = np.argsort(-scores, kind="stable")
    ranked, truth = scores[order], y[order].astype(bool)
    starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
    for _ in range(5):
        weights = rng.multinomial(120, np.full(120, 1 / 120)).astype(float)
        pos, neg = np.add.reduceat(weights * truth, starts), np.add.reduceat(weights * ~truth, starts)
        assert ranking_metric("pr_auc", pos, neg) == pytest.approx(skm.average_precision_score(truth, ranked, sample_weight=weights))
        assert ranking_metric("roc_auc", pos, neg) == pytest.approx(skm.roc_auc_score(truth, ranked, sample_weight=weights))


def test_roc_auc_interval_matches_an_independent_rank_bootstrap():
    from scipy.stats import rankdata

    rng = np.random.default_rng(5)
    y = (rng.random(150) < 0.4).astype(int)
    scores = np.round(np.clip(0.25 * y + 0.75 * rng.random(150), 0, 1), 2)
    sweep = threshold_sweep(y, scores)
    estimate = sweep.estimate("roc_auc", n_resamples=RESAMPLES)
    assert estimate.value == pytest.approx(skm.roc_auc_score(y, scores)) and estimate.n == 150

    def mann_whitney_auc(y_, s_):
        """ROC-AUC = the Mann-Whitney U of the positives' (mid)ranks over n_pos * n_neg."""
        n_pos = y_.sum(-1)
        ranks = rankdata(s_, axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return ((ranks * y_).sum(-1) - n_pos * (n_pos + 1) / 2) / (n_pos * (y_.shape[-1] - n_pos))

    assert estimate.interval == pytest.approx(reference_bootstrap(mann_whitney_auc, y, scores), abs=MC_TOLERANCE)
    assert sweep.estimate("pr_auc").low < sweep.pr_auc < sweep.estimate("pr_auc").high


# --- generation metrics ---------------------------------------------------------------------

PREDICTIONS = [
    "the cat sat on the mat", "a dog ran in the park", "it is raining today", "we eat fish",
    "the sun is hot", "birds can fly", "she reads a book", "the train was late",
    "he plays the piano", "snow falls in winter", "the tea is cold", "they built a house",
]
REFERENCES = [
    "the cat sat on the mat", "the dog ran in the park", "it rains today", "we eat fish on fridays",
    "the sun is very hot", "most birds fly", "she is reading a book", "the train arrived late",
    "he plays piano", "snow falls in the winter", "my tea is cold", "they built a new house",
]


def test_rouge_estimates_keep_rouge_values_and_match_a_reference_bootstrap():
    from rouge_score import rouge_scorer

    estimates = rouge_estimates(PREDICTIONS, REFERENCES, n_resamples=RESAMPLES)
    assert {name: e.value for name, e in estimates.items()} == pytest.approx(rouge(PREDICTIONS, REFERENCES))
    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    per_example = np.array([scorer.score(r, p)["rouge1"].fmeasure for p, r in zip(PREDICTIONS, REFERENCES)])
    reference = scipy_bootstrap((per_example,), np.mean, n_resamples=RESAMPLES, method="percentile", rng=np.random.default_rng(1))
    ci = reference.confidence_interval
    assert estimates["rouge1"].interval == pytest.approx((ci.low, ci.high), abs=MC_TOLERANCE)


def test_bleu_estimate_keeps_the_corpus_score_and_matches_a_reference_bootstrap():
    import sacrebleu

    estimate = bleu_estimate(PREDICTIONS, REFERENCES, n_resamples=300, seed=4)
    assert estimate.value == pytest.approx(bleu(PREDICTIONS, REFERENCES)["score"])
    # The same resamples (quizkit draws example indices with numpy's default_rng(seed)), each
    # scored by sacrebleu.corpus_bleu on the resampled corpus: re-summing sentence statistics
    # must give exactly the corpus BLEU of every resample.
    indices = np.random.default_rng(4).integers(0, len(PREDICTIONS), (300, len(PREDICTIONS)))
    scores = [sacrebleu.corpus_bleu([PREDICTIONS[i] for i in idx], [[REFERENCES[i] for i in idx]]).score for idx in indices]
    assert estimate.interval == pytest.approx(tuple(np.quantile(scores, [0.025, 0.975])), abs=1e-9)


# --- comparing two models -------------------------------------------------------------------


def paired_predictions(n=300, accuracy_a=0.70, accuracy_b=0.80, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    a = np.where(rng.random(n) < accuracy_a, y, 1 - y)
    b = np.where(rng.random(n) < accuracy_b, y, 1 - y)
    return y, a, b


@pytest.mark.parametrize("seed", range(4))
def test_mcnemar_matches_statsmodels_and_scipy(seed):
    y, a, b = paired_predictions(n=80, seed=seed)
    result = compare(y, a, b)
    right_a, right_b = a == y, b == y
    table = [[np.sum(right_a & right_b), np.sum(right_a & ~right_b)], [np.sum(~right_a & right_b), np.sum(~right_a & ~right_b)]]
    assert (result.a_only, result.b_only) == (table[0][1], table[1][0])
    assert result.p_value == pytest.approx(mcnemar(table, exact=True).pvalue)
    assert result.p_value == pytest.approx(binomtest(int(table[0][1]), int(table[0][1] + table[1][0])).pvalue)
    assert mcnemar_exact(0, 0) == 1.0


@pytest.mark.parametrize("metric", ["accuracy", "f1", "recall"])
def test_paired_bootstrap_of_the_difference_matches_scipy(metric):
    y, a, b = paired_predictions(n=250, seed=11)
    result = compare(y, a, b, metric=metric, n_resamples=RESAMPLES)
    score = {"accuracy": skm.accuracy_score, "f1": skm.f1_score, "recall": skm.recall_score}[metric]
    formula = {"accuracy": np_accuracy, "f1": np_f1, "recall": np_recall}[metric]
    assert result.difference == pytest.approx(score(y, b) - score(y, a))
    reference = scipy_bootstrap(
        (y, a, b), lambda y_, a_, b_, axis: formula(y_, b_, axis) - formula(y_, a_, axis), paired=True, vectorized=True,
        n_resamples=RESAMPLES, method="percentile", rng=np.random.default_rng(2),
    ).confidence_interval
    assert result.interval == pytest.approx((reference.low, reference.high), abs=MC_TOLERANCE)
    # Each model's own interval comes from its report.
    assert result.b.interval == from_predictions(y, b).interval(metric, n_resamples=RESAMPLES)


def test_verdicts_say_better_or_within_noise():
    y, a, b = paired_predictions(n=400, accuracy_a=0.65, accuracy_b=0.85, seed=1)
    clear = compare(y, a, b, names=("baseline", "fine-tuned"))
    assert clear.significant and clear.verdict == "fine-tuned is better than baseline on this test set"
    assert compare(y, b, a).verdict == "A is better than B on this test set"
    y, a, b = paired_predictions(n=60, accuracy_a=0.75, accuracy_b=0.78, seed=4)
    close = compare(y, a, b)
    assert close.low < 0 < close.high and close.verdict == "the difference is within noise"
    text = str(close)
    assert "the difference is within noise" in text and "McNemar" in text and "B - A" in text
    assert "within noise" in repr(close) and "<ul>" in close._repr_html_()


def test_compare_rejects_mismatched_input():
    with pytest.raises(ValueError, match="pred_b has 2 values"):
        compare([0, 1, 1], [0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="metric must be one of"):
        compare([0, 1], [0, 1], [1, 1], metric="auc")
    with pytest.raises(TypeError, match="names"):
        compare([0, 1], [0, 1], [1, 1], names="AB")
