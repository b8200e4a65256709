"""quizkit.analysis.baselines: majority and TF-IDF baselines agree with scikit-learn and act like runs."""

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, matthews_corrcoef
from sklearn.pipeline import make_pipeline

from quizkit.analysis import diagnose, diagnose_predictions, majority, tfidf_logreg
from quizkit.data import make_dataset
from quizkit.train import load_run
from quizkit.viz import ConfusionMatrixDisplay, ThresholdExplorer

FRAUD = {"task": "fraud", "n": 400, "positive_rate": 0.2}


@pytest.fixture(scope="module")
def data():
    return make_dataset(**FRAUD, seed=0)


def test_majority_predicts_the_most_frequent_training_class(data):
    result = majority(data)
    train = np.asarray(data["train"]["label"])
    expected = DummyClassifier(strategy="most_frequent").fit(np.zeros((len(train), 1)), train)
    assert (result.test_predictions == expected.predict(np.zeros((len(data["test"]), 1)))).all()
    np.testing.assert_allclose(result.test_scores, np.mean(train == 1))
    assert result.test_metrics.mcc == 0.0 and result.test_metrics.balanced_accuracy == 0.5
    assert result.test_metrics.accuracy == pytest.approx(np.mean(np.asarray(data["test"]["label"]) == 0))


def test_tfidf_matches_a_plain_scikit_learn_pipeline(data):
    result = tfidf_logreg(data, C=3.0)
    pipeline = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        LogisticRegression(C=3.0, class_weight="balanced", max_iter=2000, random_state=0),
    ).fit(data["train"]["text"], data["train"]["label"])
    np.testing.assert_allclose(result.test_scores, pipeline.predict_proba(data["test"]["text"])[:, 1])
    labels = data["test"]["label"]
    predicted = pipeline.predict(data["test"]["text"])
    assert result.test_metrics.mcc == pytest.approx(matthews_corrcoef(labels, predicted))
    assert result.test_metrics.balanced_accuracy == pytest.approx(balanced_accuracy_score(labels, predicted))
    assert result.validation_metrics["mcc"] == pytest.approx(
        matthews_corrcoef(data["validation"]["label"], pipeline.predict(data["validation"]["text"])))


def test_tfidf_without_class_weights_is_scikit_learns_unweighted_fit(data):
    result = tfidf_logreg(data, C=1.0, class_weight=None)
    pipeline = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        LogisticRegression(C=1.0, max_iter=2000, random_state=0),
    ).fit(data["train"]["text"], data["train"]["label"])
    np.testing.assert_allclose(result.test_scores, pipeline.predict_proba(data["test"]["text"])[:, 1])
    assert result.config.class_weight is None
    assert tfidf_logreg(data, C=1.0).config.class_weight == "balanced"
    with pytest.raises(ValueError, match="class_weight must be 'balanced' or None, got 'even'"):
        tfidf_logreg(data, class_weight="even")


def test_tfidf_chooses_C_on_validation_not_test(data):
    result = tfidf_logreg(data, C=[0.01, 10.0])
    scores = {}
    for c in (0.01, 10.0):
        single = tfidf_logreg(data, C=c)
        scores[c] = single.validation_metrics["mcc"]
    assert result.extra["C"] == max(scores, key=scores.get)


def test_tfidf_beats_majority_on_generated_data(data):
    assert tfidf_logreg(data).test_metrics.mcc > majority(data).test_metrics.mcc + 0.3


def test_multiclass_scores_are_a_probability_matrix():
    result = tfidf_logreg({"task": "support", "n": 200}, C=1.0)
    assert result.test_scores.shape == (len(result.test_labels), 4)
    np.testing.assert_allclose(result.test_scores.sum(axis=1), 1.0)
    assert (result.test_predictions == result.test_scores.argmax(axis=1)).all()


def test_baselines_work_with_viz_diagnose_save_and_load(data, tmp_path):
    result = tfidf_logreg(data)
    assert ConfusionMatrixDisplay.from_run(result).counts.sum() == len(data["test"])
    assert ThresholdExplorer.from_run(result).metrics_at(0.5)["tp"] == result.test_metrics.tp
    codes = diagnose(majority(data)).codes
    assert "accuracy-paradox" in codes
    loaded = load_run(result.save(tmp_path / "tfidf"))
    assert loaded.config.model == "tfidf-logreg" and loaded.test_metrics.mcc == result.test_metrics.mcc
    assert "tfidf-logreg" in result._repr_html_()


def test_diagnose_says_when_a_run_does_not_beat_the_baseline(data):
    labels = np.asarray(data["test"]["label"])
    strong = tfidf_logreg(data)
    # A run no better than always answering "legit" does not beat the TF-IDF baseline ...
    finding = diagnose_predictions(labels, np.zeros_like(labels), baseline=strong).get("not-better-than-baseline")
    assert finding is not None and finding.evidence["baseline"] == pytest.approx(matthews_corrcoef(labels, strong.test_predictions))
    assert finding.evidence["run"] == 0.0 and finding.evidence["high"] < 0
    assert "tfidf-logreg baseline" in finding.explanation
    # ... a perfect run beats the majority baseline: every example it gets right and the
    # baseline gets wrong counts, and there are enough of them.
    assert diagnose_predictions(labels, labels, baseline=majority(data)).get("not-better-than-baseline") is None
    # The same predictions as the baseline do not beat it: their difference is exactly 0.
    same = diagnose(strong, baseline=strong, baseline_metric="balanced_accuracy").get("not-better-than-baseline")
    assert same is not None and (same.evidence["low"], same.evidence["high"]) == (0.0, 0.0)
    with pytest.raises(ValueError, match="baseline_metric"):
        diagnose_predictions(labels, labels, baseline=strong, baseline_metric="auc")


def test_a_baseline_is_judged_by_a_paired_comparison_not_by_its_own_interval():
    # The run gets right every example the baseline gets right, and 14 more of 200: each
    # model's own 95% interval for accuracy reaches into the other's, yet the pairing shows
    # the run better (all 14 disagreements go its way).
    from statsmodels.stats.contingency_tables import mcnemar
    from statsmodels.stats.proportion import proportion_confint

    y = np.array([0, 1] * 100)
    baseline = y.copy()
    baseline[:40] = 1 - baseline[:40]  # 160 of 200 right
    run = y.copy()
    run[:26] = 1 - run[:26]  # the same mistakes but 14 of them fixed: 174 right
    base_low, base_high = proportion_confint(160, 200, method="wilson")
    run_low, run_high = proportion_confint(174, 200, method="wilson")
    assert run_low < base_high  # the two separate intervals overlap
    diagnosis = diagnose_predictions(y, run, baseline=baseline, baseline_metric="accuracy")
    assert diagnosis.get("not-better-than-baseline") is None
    # With only 2 of the 40 fixed, the paired interval reaches 0 and the finding stands.
    weaker = y.copy()
    weaker[:38] = 1 - weaker[:38]
    finding = diagnose_predictions(y, weaker, baseline=baseline, baseline_metric="accuracy").get("not-better-than-baseline")
    assert finding is not None and finding.evidence["low"] <= 0 < finding.evidence["high"]
    table = [[160, 0], [2, 38]]  # rows: baseline right/wrong; columns: run right/wrong
    assert finding.evidence["p_value"] == pytest.approx(mcnemar(table, exact=True).pvalue)
    assert finding.evidence["difference"] == pytest.approx(2 / 200)


def test_a_baseline_needs_its_predictions_on_the_same_examples(data):
    labels = np.asarray(data["test"]["label"])
    strong = tfidf_logreg(data)
    with pytest.raises(TypeError, match="predictions on the same test examples"):
        diagnose_predictions(labels, labels, baseline=strong.test_metrics)
    with pytest.raises(ValueError, match="other examples"):
        diagnose_predictions(labels[::-1], labels, baseline=strong)
