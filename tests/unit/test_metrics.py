"""quizkit.metrics against the libraries it wraps: scikit-learn, rouge-score, sacrebleu, evaluate."""

import socket
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm
from sklearn.dummy import DummyClassifier
from statsmodels.stats.proportion import proportion_confint

from quizkit.metrics import (
    bleu,
    compute_metrics_for,
    from_counts,
    from_predictions,
    load_metric,
    metric_path,
    normalize_answer,
    rouge,
    squad_exact_match,
    squad_f1,
    squad_scores,
    threshold_sweep,
)

FAST = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def no_warnings(function, *args, **kwargs):
    """Call ``function`` turning any warning into an error: defined cases must stay silent."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return function(*args, **kwargs)


def approx_nan(expected):
    return pytest.approx(expected, nan_ok=True)


def sklearn_quietly(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


@st.composite
def label_pairs(draw, n_classes):
    n = draw(st.integers(1, 60))
    labels = st.lists(st.integers(0, n_classes - 1), min_size=n, max_size=n)
    return np.array(draw(labels)), np.array(draw(labels))


# --- classification reports --------------------------------------------------------------


def test_seed_example_exact():
    report = no_warnings(from_counts, tp=80, fp=10, fn=20, tn=90)
    assert report.precision == 80 / 90
    assert report.recall == 0.8
    assert report.accuracy == 0.85
    assert report.f1 == 16 / 19  # 2TP / (2TP + FP + FN) = 160 / 190
    assert round(report.precision, 3) == 0.889 and round(report.f1, 3) == 0.842
    assert report.specificity == 0.9
    assert report.confusion_matrix.tolist() == [[90, 10], [20, 80]]
    assert (report.tp, report.fp, report.fn, report.tn) == (80, 10, 20, 90)
    assert report.support == 200 and report.baseline_accuracy == 0.5
    assert report.average == "binary" and report.positive_label == 1


@FAST
@given(label_pairs(2))
def test_binary_matches_sklearn(pair):
    y_true, y_pred = pair
    report = no_warnings(from_predictions, y_true, y_pred)
    assert report.labels == (0, 1)
    assert report.accuracy == pytest.approx(skm.accuracy_score(y_true, y_pred))
    # Undefined stays undefined: scikit-learn's zero_division=np.nan.
    assert report.precision == approx_nan(skm.precision_score(y_true, y_pred, zero_division=np.nan))
    assert report.recall == approx_nan(skm.recall_score(y_true, y_pred, zero_division=np.nan))
    assert report.f1 == approx_nan(skm.f1_score(y_true, y_pred, zero_division=np.nan))
    assert report.specificity == approx_nan(skm.recall_score(y_true, y_pred, pos_label=0, zero_division=np.nan))
    assert report.balanced_accuracy == pytest.approx(sklearn_quietly(skm.balanced_accuracy_score, y_true, y_pred))
    assert report.mcc == pytest.approx(sklearn_quietly(skm.matthews_corrcoef, y_true, y_pred))
    assert report.confusion_matrix.tolist() == skm.confusion_matrix(y_true, y_pred, labels=[0, 1]).tolist()
    dummy = DummyClassifier(strategy="most_frequent").fit(np.zeros((len(y_true), 1)), y_true)
    assert report.baseline_accuracy == pytest.approx(dummy.score(np.zeros((len(y_true), 1)), y_true))
    # The same cells given as counts, counted by hand, give scikit-learn's numbers too.
    y, p = np.asarray(y_true), np.asarray(y_pred)
    cells = {name: int(np.sum((y == actual) & (p == predicted)))
             for name, actual, predicted in (("tp", 1, 1), ("fp", 0, 1), ("fn", 1, 0), ("tn", 0, 0))}
    counts = no_warnings(from_counts, **cells)
    assert counts.accuracy == pytest.approx(skm.accuracy_score(y_true, y_pred))
    assert counts.f1 == approx_nan(skm.f1_score(y_true, y_pred, zero_division=np.nan))
    assert counts.specificity == approx_nan(skm.recall_score(y_true, y_pred, pos_label=0, zero_division=np.nan))
    assert counts.mcc == pytest.approx(sklearn_quietly(skm.matthews_corrcoef, y_true, y_pred))


@FAST
@given(st.integers(3, 5).flatmap(lambda k: st.tuples(st.just(k), label_pairs(k))))
def test_multiclass_matches_sklearn(case):
    k, (y_true, y_pred) = case
    labels = list(range(k))
    names = [f"class{i}" for i in labels]
    report = no_warnings(from_predictions, y_true, y_pred, labels=labels, target_names=names)
    assert report.average == "macro"
    for avg in ("macro", "micro", "weighted"):
        p, r, f, _ = skm.precision_recall_fscore_support(y_true, y_pred, labels=labels, average=avg, zero_division=np.nan)
        assert getattr(report, avg) == pytest.approx({"precision": p, "recall": r, "f1": f}, nan_ok=True)
    macro = skm.precision_recall_fscore_support(y_true, y_pred, labels=labels, average="macro", zero_division=np.nan)[:3]
    assert (report.precision, report.recall, report.f1) == pytest.approx(macro, nan_ok=True)
    p, r, f, s = skm.precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=np.nan)
    for i, name in enumerate(names):
        assert report.per_class[name]["precision"] == approx_nan(p[i])
        assert report.per_class[name]["recall"] == approx_nan(r[i])
        assert report.per_class[name]["f1"] == approx_nan(f[i])
        assert report.per_class[name]["support"] == s[i]
        specificity = skm.recall_score(y_true != i, y_pred != i, pos_label=True, zero_division=np.nan)
        assert report.per_class[name]["specificity"] == approx_nan(specificity)
    assert report.mcc == pytest.approx(sklearn_quietly(skm.matthews_corrcoef, y_true, y_pred))
    assert report.balanced_accuracy == pytest.approx(sklearn_quietly(skm.balanced_accuracy_score, y_true, y_pred))
    assert report.confusion_matrix.tolist() == skm.confusion_matrix(y_true, y_pred, labels=labels).tolist()
    flat = report.to_dict()
    assert all(type(v) is float for v in flat.values())
    weighted_f1 = skm.f1_score(y_true, y_pred, labels=labels, average="weighted", zero_division=np.nan)
    assert flat["f1_weighted"] == approx_nan(weighted_f1) and f"recall_{names[0]}" in flat


def test_undefined_metrics_are_nan_not_zero_and_raise_no_warnings():
    # Class 1 is never predicted (precision undefined); class 2 never occurs (recall undefined).
    report = no_warnings(from_predictions, [0, 0, 1, 1], [0, 0, 0, 0], labels=[0, 1, 2])
    assert np.isnan(report.per_class[1]["precision"]) and report.per_class[1]["recall"] == 0.0
    assert np.isnan(report.per_class[2]["recall"]) and report.per_class[2]["support"] == 0
    assert "undefined" in str(report)
    binary = no_warnings(from_predictions, [0, 0, 0], [0, 0, 0])
    assert np.isnan(binary.precision) and np.isnan(binary.recall) and np.isnan(binary.f1)
    assert binary.mcc == 0.0  # scikit-learn's convention when one side is constant
    nothing_flagged = no_warnings(from_counts, tp=0, fp=0, fn=4, tn=96)
    assert np.isnan(nothing_flagged.precision)
    assert np.isnan(nothing_flagged.interval("precision")).all()
    assert "precision         undefined (nothing predicted positive)" in str(nothing_flagged)
    assert "0.000" not in str(nothing_flagged)


def test_string_labels_and_display():
    report = from_predictions(["ham", "spam", "spam", "ham"], ["ham", "spam", "ham", "ham"])
    assert report.labels == ("ham", "spam") and report.positive_label == "spam"
    assert report.recall == 0.5 and report.precision == 1.0
    text = str(report)
    assert "positive class 'spam'" in text and "rows = actual" in text
    low, high = proportion_confint(3, 4, alpha=0.05, method="wilson")
    assert f"accuracy          0.75 [{low:.2f}, {high:.2f}] (n=4)" in text
    html = report._repr_html_()
    assert html.count("<table>") == 2 and "<th>spam</th>" in html and "<td>2</td>" in html
    assert from_predictions([True, False], [True, True]).labels == (0, 1)
    multi = from_predictions([0, 1, 2], [0, 2, 2], target_names=["billing", "technical", "shipping"])
    assert "technical" in str(multi) and "macro" in str(multi)


def test_report_is_frozen():
    report = from_counts(tp=1, fp=1, fn=1, tn=1)
    with pytest.raises(AttributeError):
        report.accuracy = 1.0
    with pytest.raises(ValueError):
        report.confusion_matrix[0, 0] = 7
    with pytest.raises(AttributeError, match="binary"):
        from_predictions([0, 1, 2], [0, 1, 2]).tp


# --- compute_metrics for Trainer -----------------------------------------------------------


def test_compute_metrics_logits_probabilities_and_tuples():
    from transformers import EvalPrediction

    logits = np.array([[2.0, -1.0], [0.5, 1.5], [-1.0, 0.2], [1.0, 0.0], [0.0, 0.4]])
    labels = np.array([0, 1, 0, 1, 1])
    predicted = logits.argmax(1)
    compute = compute_metrics_for()
    out = no_warnings(compute, EvalPrediction(predictions=logits, label_ids=labels))
    assert set(out) == {"accuracy", "precision", "recall", "f1", "balanced_accuracy", "mcc", "specificity"}
    assert all(type(v) is float for v in out.values())
    assert out["f1"] == pytest.approx(skm.f1_score(labels, predicted))
    assert out["specificity"] == pytest.approx(skm.recall_score(labels, predicted, pos_label=0))
    # Hidden states after the logits, probabilities instead of logits, a plain tuple: same result.
    assert compute(EvalPrediction(predictions=(logits, np.zeros((5, 3, 4))), label_ids=labels)) == out
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert compute((probabilities, labels)) == out
    assert compute((logits.argmax(1), labels)) == out


def test_compute_metrics_threshold():
    logits = np.array([[0.0, 0.5], [0.0, -0.2], [0.0, 2.0], [0.0, -3.0]])
    labels = np.array([1, 1, 0, 0])
    p1 = 1 / (1 + np.exp(-logits[:, 1]))  # softmax P(label 1) for two logits
    for threshold in (0.3, 0.45, 0.6, 0.9):
        out = compute_metrics_for(threshold=threshold)((logits, labels))
        predicted = (p1 >= threshold).astype(int)
        assert out["recall"] == pytest.approx(skm.recall_score(labels, predicted, zero_division=np.nan), nan_ok=True)
        assert out["precision"] == pytest.approx(skm.precision_score(labels, predicted, zero_division=np.nan), nan_ok=True)
    # 1-D scores: probabilities are thresholded as they are, logits through the sigmoid.
    assert compute_metrics_for(threshold=0.6)((p1, labels)) == compute_metrics_for(threshold=0.6)((logits[:, 1], labels))
    assert compute_metrics_for(threshold=0.45)((logits, labels))["recall"] == 1.0


def test_compute_metrics_multiclass_with_eval_prediction():
    from transformers import EvalPrediction

    rng = np.random.default_rng(0)
    logits = rng.normal(size=(30, 4))
    labels = rng.integers(0, 4, size=30)
    out = compute_metrics_for()(EvalPrediction(predictions=logits, label_ids=labels))
    predicted = logits.argmax(1)

    def sklearn(score, average):
        return score(labels, predicted, labels=[0, 1, 2, 3], average=average, zero_division=np.nan)

    assert out["f1"] == pytest.approx(sklearn(skm.f1_score, "macro"))
    assert out["precision"] == pytest.approx(sklearn(skm.precision_score, "macro"))
    assert out["f1_micro"] == pytest.approx(sklearn(skm.f1_score, "micro"))
    assert out["f1_weighted"] == pytest.approx(sklearn(skm.f1_score, "weighted"))
    # Every registered metric is logged; specificity of many classes is the macro mean of TN / (TN + FP).
    per_class = skm.multilabel_confusion_matrix(labels, logits.argmax(1), labels=[0, 1, 2, 3])
    assert out["specificity"] == pytest.approx(np.mean([m[0, 0] / (m[0, 0] + m[0, 1]) for m in per_class]))
    weighted = compute_metrics_for(average="weighted")((logits, labels))
    assert weighted["recall"] == pytest.approx(sklearn(skm.recall_score, "weighted"))
    # A class missing from the batch still counts: labels come from the logit columns.
    assert compute_metrics_for()((logits[:, :4], np.zeros(30, dtype=int)))["f1_macro"] == pytest.approx(
        skm.f1_score(np.zeros(30), logits.argmax(1), labels=[0, 1, 2, 3], average="macro", zero_division=0.0)
    )


# --- threshold sweep ----------------------------------------------------------------------


@FAST
@given(st.lists(st.tuples(st.integers(0, 1), st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.5, 0.7, 0.9, 1.0])), min_size=2, max_size=50)
       .filter(lambda rows: len({y for y, _ in rows}) == 2))
def test_threshold_sweep_matches_sklearn(rows):
    y = np.array([r[0] for r in rows])
    s = np.array([r[1] for r in rows])
    sweep = no_warnings(threshold_sweep, y, s)
    precision, recall, pr_thresholds = skm.precision_recall_curve(y, s, drop_intermediate=False)
    assert sweep.thresholds.tolist() == pr_thresholds.tolist()
    assert sweep.precision == pytest.approx(precision[:-1]) and sweep.recall == pytest.approx(recall[:-1])
    fpr, tpr, roc_thresholds = skm.roc_curve(y, s, drop_intermediate=False)
    assert roc_thresholds[1:][::-1].tolist() == sweep.thresholds.tolist()
    assert sweep.fpr == pytest.approx(fpr[1:][::-1]) and sweep.tpr == pytest.approx(tpr[1:][::-1])
    assert sweep.pr_auc == pytest.approx(skm.average_precision_score(y, s))
    assert sweep.roc_auc == pytest.approx(skm.roc_auc_score(y, s))
    f1s = [skm.f1_score(y, s >= t, zero_division=0.0) for t in sweep.thresholds]
    assert sweep.f1 == pytest.approx(f1s)
    assert sweep.best("f1")["f1"] == pytest.approx(max(f1s))
    for t in (0.05, 0.3, 0.5, 0.95, 1.5):
        row = sweep.at(t)
        (tn, fp), (fn, tp) = skm.confusion_matrix(y, s >= t, labels=[0, 1]).tolist()
        assert (row["tp"], row["fp"], row["fn"], row["tn"]) == (tp, fp, fn, tn)
        assert row["precision"] == approx_nan(skm.precision_score(y, s >= t, zero_division=np.nan))


def test_threshold_sweep_cost_best_and_frame():
    sweep = threshold_sweep([0, 0, 1, 1, 0, 1], [0.1, 0.6, 0.4, 0.8, 0.3, 0.9])
    # thresholds 0.1 0.3 0.4 0.6 0.8 0.9: FP 3 2 1 1 0 0, FN 0 0 0 1 1 2
    assert sweep.cost(1.0, 5.0).tolist() == [3.0, 2.0, 1.0, 6.0, 5.0, 10.0]
    cheapest = sweep.best("cost", cost_fp=1.0, cost_fn=5.0)
    assert cheapest["threshold"] == 0.4 and (cheapest["fp"], cheapest["fn"]) == (1, 0)
    assert sweep.best("cost", cost_fp=10.0, cost_fn=1.0)["threshold"] == 0.8
    assert sweep.best("recall")["threshold"] == 0.4  # the highest threshold reaching recall 1
    frame = sweep.as_frame()
    assert list(frame["threshold"]) == sweep.thresholds.tolist() and frame["tp"].tolist() == sweep.tp.tolist()


# --- generation metrics -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("The Eiffel Tower", "eiffel tower"),
        ("  an   apple, a pear!", "apple pear"),
        ("theatre at the Anchor", "theatre at anchor"),  # articles only as whole words
        ("U.S.A.", "usa"),
        ("Don't", "dont"),
        ("", ""),
    ],
)
def test_squad_normalisation(text, normalised):
    assert normalize_answer(text) == normalised


def test_squad_scores():
    assert squad_exact_match("the Beatles.", ["Beatles", "The Rolling Stones"]) == 1.0
    assert squad_exact_match("Beatle", "Beatles") == 0.0
    assert squad_f1("Paris France", ["France", "in Paris, France"]) == pytest.approx(0.8)
    assert squad_f1("nothing here", "Paris") == 0.0
    result = squad_scores(["Paris", "1889", "red"], [["Paris"], "in 1887", ["a red car", "red"]])
    assert result == {"exact_match": pytest.approx(200 / 3), "f1": pytest.approx(200 / 3)}


WORDS = ["cat", "cats", "dog", "sat", "on", "the", "mat", "ran", "fast", "a"]
sentences = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join)


@FAST
@given(st.lists(st.tuples(sentences, st.lists(sentences, min_size=1, max_size=3)), min_size=1, max_size=6))
def test_rouge_matches_rouge_score(pairs):
    from rouge_score import rouge_scorer

    predictions = [p for p, _ in pairs]
    references = [refs for _, refs in pairs]
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    result = rouge(predictions, references)
    for name in ("rouge1", "rouge2", "rougeL"):
        best = [max(scorer.score(ref, pred)[name].fmeasure for ref in refs) for pred, refs in pairs]
        assert result[name] == pytest.approx(np.mean(best))
    single = rouge(predictions, [refs[0] for refs in references])
    assert single["rouge1"] == pytest.approx(np.mean([scorer.score(r[0], p)["rouge1"].fmeasure for p, r in pairs]))


@FAST
@given(st.lists(st.tuples(sentences, st.lists(sentences, min_size=1, max_size=3)), min_size=1, max_size=6))
def test_bleu_matches_sacrebleu(pairs):
    import sacrebleu

    hypotheses = [h for h, _ in pairs]
    references = [refs for _, refs in pairs]
    # Repeating a hypothesis' first reference changes neither n-gram clipping nor the closest
    # reference length, so padding that way gives sacrebleu's answer for ragged references.
    width = max(len(r) for r in references)
    streams = [[r[k] if k < len(r) else r[0] for r in references] for k in range(width)]
    expected = sacrebleu.corpus_bleu(hypotheses, streams)
    result = bleu(hypotheses, references)
    assert result["score"] == pytest.approx(expected.score)
    assert result["precisions"] == pytest.approx(expected.precisions)
    assert result["brevity_penalty"] == pytest.approx(expected.bp)
    assert (result["sys_len"], result["ref_len"]) == (expected.sys_len, expected.ref_len)


# --- evaluate modules ---------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_evaluate_modules_offline_give_identical_numbers(no_network):
    import evaluate

    import quizkit

    package = metric_path("rouge").parents[1]
    assert package == metric_path("bleu").parents[1] and package.samefile(quizkit.__path__[0])
    y_true, y_pred = [0, 1, 2, 2, 1, 0], [0, 2, 2, 2, 1, 1]
    classification = evaluate.load(str(metric_path("quizkit_classification")))
    # assert_equal: an undefined metric is NaN on both sides.
    np.testing.assert_equal(classification.compute(predictions=y_pred, references=y_true), from_predictions(y_true, y_pred).to_dict())
    np.testing.assert_equal(load_metric("classification").compute(predictions=["a", "b"], references=["a", "a"]),
                            from_predictions(["a", "a"], ["a", "b"]).to_dict())
    predictions = ["the cat sat on the mat", "a dog ran"]
    references = [["the cat sat on a mat", "a cat on the mat"], ["the dog ran fast"]]
    assert load_metric("squad").compute(predictions=predictions, references=references) == squad_scores(predictions, references)
    assert load_metric("rouge").compute(predictions=predictions, references=references) == rouge(predictions, references)
    assert load_metric("bleu").compute(predictions=predictions, references=references) == bleu(predictions, references)
    single = [refs[0] for refs in references]
    assert load_metric("rouge").compute(predictions=predictions, references=single) == rouge(predictions, single)


# --- bad input ----------------------------------------------------------------------------

BAD_INPUT = [
    (lambda: from_counts(tp=-1, fp=0, fn=0, tn=1), ValueError, "tp"),
    (lambda: from_counts(tp=1, fp=2.5, fn=0, tn=1), TypeError, "fp"),
    (lambda: from_counts(tp=1, fp=0, fn=True, tn=1), TypeError, "fn"),
    (lambda: from_counts(tp=0, fp=0, fn=0, tn=0), ValueError, "all 0"),
    (lambda: from_predictions([], []), ValueError, "y_true is empty"),
    (lambda: from_predictions([0, 1, 1], [0, 1]), ValueError, "y_pred has 2"),
    (lambda: from_predictions([0, 1, 2], [0, 1, 1], labels=[0, 1]), ValueError, "y_true contains label(s) [2]"),
    (lambda: from_predictions([0, 1], [0, 1], labels=[0, 0]), ValueError, "labels has repeated"),
    (lambda: from_predictions([0, 1], [0.2, 0.9]), ValueError, "y_pred must hold class labels"),
    (lambda: from_predictions([0, 1], [0, float("nan")]), ValueError, "y_pred"),
    (lambda: from_predictions("0101", [0, 1, 0, 1]), TypeError, "y_true"),
    (lambda: from_predictions([0, 1], ["a", "b"]), TypeError, "y_true holds numbers but y_pred holds strings"),
    (lambda: from_predictions([0, 1], [0, 1], target_names=["only"]), ValueError, "target_names"),
    (lambda: from_predictions([0, "spam"], [0, 1]), TypeError, "y_true mixes string and non-string labels"),
    (lambda: from_predictions([[0, 1]], [[0, 1]]), ValueError, "y_true must be 1-D"),
    (lambda: threshold_sweep([0, 1], [0.2, float("nan")]), ValueError, "scores contains nan"),
    (lambda: threshold_sweep([0, 1], [0.2, float("inf")]), ValueError, "scores contains inf"),
    (lambda: threshold_sweep([0, 1], [-2.0, 3.0]), ValueError, "scores must be probabilities in [0, 1], got -2.0"),
    (lambda: threshold_sweep([1, 1], [0.2, 0.3]), ValueError, "y_true holds only label 1"),
    (lambda: threshold_sweep([0, 2], [0.2, 0.3]), ValueError, "y_true must hold 0/1"),
    (lambda: threshold_sweep([0, 1], ["a", "b"]), TypeError, "scores"),
    (lambda: threshold_sweep([0, 1, 0], [0.1, 0.2]), ValueError, "scores has 2"),
    (lambda: threshold_sweep([0, 1], [0.1, 0.2]).at("high"), TypeError, "threshold"),
    (lambda: threshold_sweep([0, 1], [0.1, 0.2]).best("loss"), ValueError, "metric"),
    (lambda: threshold_sweep([0, 1], [0.1, 0.2]).cost(-1.0, 1.0), ValueError, "cost_fp"),
    (lambda: compute_metrics_for("summarization"), ValueError, "task"),
    (lambda: compute_metrics_for(average="samples"), ValueError, "average"),
    (lambda: compute_metrics_for(threshold=1.5), ValueError, "threshold"),
    (lambda: compute_metrics_for(threshold=0.5)((np.zeros((2, 3)), [0, 1])), ValueError, "threshold= applies to binary"),
    (lambda: compute_metrics_for()((np.array([[np.nan, 0.0]]), [0])), ValueError, "predictions contain nan"),
    (lambda: compute_metrics_for()((np.zeros((3, 2)), [0, 1])), ValueError, "label_ids has 2"),
    (lambda: compute_metrics_for()("logits"), TypeError, "EvalPrediction"),
    (lambda: squad_f1("x", []), ValueError, "gold_answers"),
    (lambda: squad_exact_match(3, "x"), TypeError, "text must be a string, got 3"),
    (lambda: squad_scores(["a"], ["a", "b"]), ValueError, "references has 2"),
    (lambda: rouge("a summary", ["a summary"]), TypeError, "predictions"),
    (lambda: rouge(["a", None], ["a", "b"]), TypeError, "predictions[1]"),
    (lambda: bleu(["a"], [[]]), ValueError, "references[0]"),
    (lambda: bleu([], []), ValueError, "hypotheses is empty"),
    (lambda: load_metric("accuracy"), ValueError, "name"),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD_INPUT)
def test_bad_input_names_the_argument(call, error, message):
    with pytest.raises(error) as raised:
        call()
    assert message in str(raised.value)
