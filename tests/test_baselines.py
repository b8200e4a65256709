"""quizkit.analysis.baselines: majority and TF-IDF baselines agree with scikit-learn and act like runs."""

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, matthews_corrcoef
from sklearn.pipeline import make_pipeline

from quizkit.analysis.baselines import majority, tfidf_logreg
from quizkit.data import make_dataset
from quizkit.analysis.diagnosis import diagnose, diagnose_predictions
from quizkit.metrics import from_predictions
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
    assert result.config.class_weights is None
    assert tfidf_logreg(data, C=1.0).config.class_weights == "balanced"
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
    assert finding is not None and finding.evidence["baseline"] == pytest.approx(strong.test_metrics.mcc)
    assert finding.evidence["run"] == 0.0
    # ... a perfect run beats the majority baseline (its MCC interval is [0, 0]), but not TF-IDF here:
    # on 60 test texts TF-IDF's interval reaches 1.0. A MetricReport works as well as a RunResult.
    lazy = majority(data).test_metrics
    assert diagnose_predictions(labels, labels, baseline=lazy).get("not-better-than-baseline") is None
    if strong.test_metrics.interval("mcc")[1] >= 1.0:
        assert diagnose_predictions(labels, labels, baseline=strong.test_metrics).get("not-better-than-baseline")
    # The same predictions as the baseline do not beat it.
    same = diagnose(strong, baseline=strong, baseline_metric="balanced_accuracy")
    assert "not-better-than-baseline" in same.codes
    with pytest.raises(ValueError, match="baseline_metric"):
        diagnose_predictions(labels, labels, baseline=strong, baseline_metric="auc")


def test_diagnose_uses_the_baseline_interval_when_the_report_has_one(data):
    labels = np.asarray(data["test"]["label"])

    class WithInterval:
        """A MetricReport that knows its uncertainty (the uncertainty issue adds ``interval``)."""

        mcc = 0.5

        def interval(self, metric):
            return (0.4, 0.6)

    predictions = labels.copy()
    # Flip predictions until the run's MCC sits between the baseline value and the interval's top.
    rng = np.random.default_rng(0)
    for i in rng.permutation(len(labels)):
        predictions[i] = 1 - predictions[i]
        if from_predictions(labels, predictions).mcc < 0.58:
            break
    mcc = from_predictions(labels, predictions).mcc
    assert 0.5 < mcc < 0.6
    finding = diagnose_predictions(labels, predictions, baseline=WithInterval()).get("not-better-than-baseline")
    assert finding is not None and finding.evidence["baseline_interval"] == (0.4, 0.6)
    assert "inside its interval" in finding.explanation
