"""Each diagnosis rule fires on the situation it describes and stays quiet otherwise."""

import numpy as np
import pytest
from sklearn.metrics import balanced_accuracy_score, matthews_corrcoef, precision_score, recall_score

from quizkit.analysis.diagnosis import Diagnosis, Finding, diagnose, diagnose_predictions


def fraud_predictions(n=1000, n_fraud=25, caught=3, false_alarms=2):
    """98% accuracy, 12% fraud recall: the seed's production question."""
    y_true = np.array([0] * (n - n_fraud) + [1] * n_fraud)
    y_pred = np.zeros(n, dtype=int)
    y_pred[n - n_fraud: n - n_fraud + caught] = 1
    y_pred[:false_alarms] = 1
    return y_true, y_pred


def balanced_good(n=400, errors=30, seed=0):
    rng = np.random.default_rng(seed)
    y_true = rng.permutation(np.arange(n) % 2)
    y_pred = y_true.copy()
    flip = rng.choice(n, errors, replace=False)
    y_pred[flip] = 1 - y_pred[flip]
    return y_true, y_pred


def test_clean_balanced_run_has_nothing_severe():
    y_true, y_pred = balanced_good()
    d = diagnose_predictions(y_true, y_pred, train_metrics={"accuracy": 0.95})
    assert d.severe == [] and d.codes == []
    assert str(d) == "No problems found." and "No problems" in d._repr_html_()


def test_accuracy_paradox_states_the_numbers():
    y_true, y_pred = fraud_predictions()
    d = diagnose_predictions(y_true, y_pred, label_names=["legit", "fraud"])
    finding = d.get("accuracy-paradox")
    assert finding.severity == "severe" and finding in d.severe
    ev = finding.evidence
    assert ev["accuracy"] == pytest.approx(0.976)
    assert ev["baseline_accuracy"] == pytest.approx(0.975)
    assert ev["worst_class"] == "fraud"
    assert ev["worst_class_recall"] == pytest.approx(recall_score(y_true, y_pred)) == pytest.approx(0.12)
    assert ev["imbalance_ratio"] == pytest.approx(39.0)
    assert ev["balanced_accuracy"] == pytest.approx(balanced_accuracy_score(y_true, y_pred))
    assert ev["mcc"] == pytest.approx(matthews_corrcoef(y_true, y_pred))
    for text in ("98%", "12%", "'fraud'", "MCC", "threshold", "class weights"):
        assert text in finding.explanation
    assert d[0].code == "accuracy-paradox"  # worst first


def test_accuracy_paradox_from_a_hidden_class_even_above_baseline():
    # 78% accuracy on a 60/40 split is well above the 60% baseline, but class 1 recall is 45%.
    y_true = np.array([0] * 60 + [1] * 40)
    y_pred = np.array([0] * 60 + [1] * 18 + [0] * 22)
    d = diagnose_predictions(y_true, y_pred)
    assert "accuracy-paradox" in d.codes and d.get("accuracy-paradox").evidence["worst_class_recall"] == 0.45


def test_always_one_class_on_balanced_data_is_near_chance_not_a_paradox():
    y_true = np.array([0, 1] * 50)
    d = diagnose_predictions(y_true, np.zeros(100, dtype=int))
    assert "near-chance" in d.codes and "accuracy-paradox" not in d.codes


def test_no_accuracy_paradox_when_every_class_is_found():
    y_true = np.array([0] * 900 + [1] * 100)
    y_pred = y_true.copy()
    y_pred[:20] = 1
    y_pred[900:905] = 0  # 95% recall on the rare class
    d = diagnose_predictions(y_true, y_pred)
    assert "accuracy-paradox" not in d.codes
    assert d.get("imbalance").severity == "info" and d.get("imbalance").evidence["imbalance_ratio"] == 9.0


@pytest.mark.parametrize("n_small, severity", [(30, "info"), (8, "warning")])
def test_imbalance_levels(n_small, severity):
    y_true = np.array([0] * 100 + [1] * n_small)
    d = diagnose_predictions(y_true, y_true)
    assert d.get("imbalance").severity == severity
    assert d.get("imbalance").evidence["imbalance_ratio"] == pytest.approx(100 / n_small)
    assert f"only {n_small}" in d.get("imbalance").explanation


def test_no_imbalance_at_three_to_one():
    y_true = np.array([0] * 75 + [1] * 25)
    assert "imbalance" not in diagnose_predictions(y_true, y_true).codes


def test_precision_recall_gap_names_the_costly_error():
    y_true = np.array([0] * 50 + [1] * 50)
    y_pred = np.array([0] * 50 + [1] * 20 + [0] * 30)  # precise but misses 60 %
    finding = diagnose_predictions(y_true, y_pred, label_names=["ham", "spam"]).get("precision-recall-gap")
    assert finding.evidence["precision"] == pytest.approx(precision_score(y_true, y_pred)) == 1.0
    assert finding.evidence["recall"] == pytest.approx(0.4)
    assert "misses 60%" in finding.explanation and "Lower the threshold" in finding.explanation
    y_pred_alarmist = np.array([1] * 40 + [0] * 10 + [1] * 50)
    assert "false" in diagnose_predictions(y_true, y_pred_alarmist).get("precision-recall-gap").explanation


def test_no_precision_recall_gap_when_close():
    y_true, y_pred = balanced_good()
    assert "precision-recall-gap" not in diagnose_predictions(y_true, y_pred).codes


@pytest.mark.parametrize("k", [2, 4])
def test_near_chance(k):
    rng = np.random.default_rng(3)
    y_true = rng.integers(0, k, 2000)
    y_pred = rng.integers(0, k, 2000)
    finding = diagnose_predictions(y_true, y_pred).get("near-chance")
    assert finding.severity == "severe" and finding.evidence["chance_accuracy"] == pytest.approx(1 / k)
    assert finding.evidence["n_classes"] == k


def test_multiclass_good_model_is_not_near_chance():
    y_true = np.arange(400) % 4
    y_pred = y_true.copy()
    y_pred[:40] = (y_pred[:40] + 1) % 4
    d = diagnose_predictions(y_true, y_pred)
    assert d.codes == []


def test_overfitting_from_train_and_test_metrics():
    y_true, y_pred = balanced_good(errors=100)  # 75 % on test
    finding = diagnose_predictions(y_true, y_pred, train_metrics={"train_accuracy": 0.99}).get("overfitting")
    assert finding.severity == "severe" and finding.evidence["gap"] == pytest.approx(0.24)
    assert "99%" in finding.explanation and "75%" in finding.explanation
    assert "overfitting" not in diagnose_predictions(y_true, y_pred, train_metrics={"accuracy": 0.8}).codes


def history(eval_losses, train_losses):
    out = []
    for i, (ev, tr) in enumerate(zip(eval_losses, train_losses)):
        out.append({"loss": tr, "step": 50 * (i + 1), "epoch": i + 1})
        out.append({"eval_loss": ev, "eval_f1": 0.8, "step": 50 * (i + 1), "epoch": i + 1})
    return out


def test_overfitting_from_rising_eval_loss():
    y_true, y_pred = balanced_good()
    log = history([0.60, 0.42, 0.40, 0.48, 0.61], [0.65, 0.40, 0.25, 0.12, 0.05])
    finding = diagnose_predictions(y_true, y_pred, log_history=log).get("overfitting")
    ev = finding.evidence
    assert ev["best_step"] == 150 and ev["rise_step"] == 200 and ev["eval_loss_rise"] == pytest.approx(0.21)
    assert finding.severity == "severe"
    assert "step 150" in finding.explanation and "+0.210" in finding.explanation
    assert "EarlyStoppingCallback" in finding.explanation


def test_no_overfitting_when_both_losses_fall_or_training_diverges():
    y_true, y_pred = balanced_good()
    falling = history([0.6, 0.5, 0.45, 0.44], [0.7, 0.5, 0.4, 0.35])
    assert "overfitting" not in diagnose_predictions(y_true, y_pred, log_history=falling).codes
    diverging = history([0.6, 0.5, 0.7, 0.9], [0.6, 0.5, 0.8, 1.0])  # both rise: a bad learning rate
    assert "overfitting" not in diagnose_predictions(y_true, y_pred, log_history=diverging).codes
    no_evaluation = [{"loss": 0.7, "step": 10}, {"train_runtime": 3.0, "train_loss": 0.7, "step": 10}]
    assert diagnose_predictions(y_true, y_pred, log_history=no_evaluation).codes == []


def test_leakage_counts_and_example():
    y_true, y_pred = balanced_good(n=20, errors=1)
    train = [f"order {i} arrived damaged, please refund the item" for i in range(50)]
    test = [train[3], train[7], "my password reset link expired", "where is my parcel today",
            *[f"question number {i} about billing cycles" for i in range(16)]]
    finding = diagnose_predictions(y_true, y_pred, train_texts=train, test_texts=test).get("leakage")
    ev = finding.evidence
    assert ev["n_exact"] == 2 and ev["n_test"] == 20 and ev["rate"] == pytest.approx(0.1)
    assert finding.severity == "severe"
    assert ev["example_test_text"] == ev["example_train_text"] == train[3]
    assert "2 test texts appear word for word" in finding.explanation and "10%" in finding.explanation


def test_no_leakage_on_disjoint_texts():
    y_true, y_pred = balanced_good(n=10, errors=1)
    train = ["the cat sat on the mat", "refund my broken phone please"]
    test = [f"completely different sentence {i} about weather" for i in range(10)]
    assert "leakage" not in diagnose_predictions(y_true, y_pred, train_texts=train, test_texts=test).codes


@pytest.mark.parametrize("task", ["qa", "summarization", "translation"])
def test_generation_task_scored_with_accuracy(task):
    refs = ["Paris", "the cat sat", "blue"]
    preds = ["Paris, France", "a cat sat", "blue"]
    finding = diagnose_predictions(refs, preds, task=task, metric_names=["accuracy"]).get("wrong-metric-for-task")
    assert finding.severity == "severe" and finding.evidence["task"] == task
    assert {"qa": "exact match", "summarization": "ROUGE", "translation": "BLEU"}[task] in finding.explanation


def test_right_metrics_are_not_flagged():
    refs, preds = ["a b c"], ["a b d"]
    assert diagnose_predictions(refs, preds, task="summarization", metric_names=["rouge1", "rougeL"]).codes == []
    y_true, y_pred = balanced_good()
    assert diagnose_predictions(y_true, y_pred, metric_names=["accuracy", "f1"]).codes == []
    assert "wrong-metric-for-task" in diagnose_predictions(y_true, y_pred, metric_names=["bleu"]).codes


def test_diagnosis_is_a_sequence_with_text_and_html():
    y_true, y_pred = fraud_predictions()
    d = diagnose_predictions(y_true, y_pred, label_names=["legit", "fraud"])
    assert isinstance(d, Diagnosis) and len(d) == len(d.codes) >= 2
    assert all(isinstance(f, Finding) for f in d)
    assert [f.severity for f in d] == sorted((f.severity for f in d), key=["severe", "warning", "info"].index)
    text = str(d)
    assert "[severe]" in text and "accuracy-paradox" in text
    assert "SEVERE" in d._repr_html_() and "&#x27;fraud&#x27;" in d._repr_html_()


def test_few_positives_states_the_wilson_intervals():
    from statsmodels.stats.proportion import proportion_confint

    y_true, y_pred = fraud_predictions(n=100, n_fraud=9, caught=5, false_alarms=3)
    finding = diagnose_predictions(y_true, y_pred, label_names=["legit", "fraud"]).get("few-positives")
    assert finding.severity == "warning" and finding.evidence["n_actual"] == 9 and finding.evidence["n_predicted"] == 8
    low, high = proportion_confint(5, 9, method="wilson")
    assert finding.evidence["recall"].interval == pytest.approx((low, high))
    assert f"5/9: 0.56 [{low:.2f}, {high:.2f}] (n=9)" in finding.explanation
    # Thirty positives, thirty flagged: enough for the rule.
    y = np.array([1] * 30 + [0] * 70)
    assert "few-positives" not in diagnose_predictions(y, y).codes
    # Nothing flagged: precision is undefined, not 0.
    nothing = diagnose_predictions([0] * 60 + [1] * 40, [0] * 100).get("few-positives")
    assert nothing.evidence["n_predicted"] == 0 and "precision undefined" in nothing.explanation


def test_within_noise_compares_with_mcnemar_and_a_paired_bootstrap():
    from statsmodels.stats.contingency_tables import mcnemar

    y_true, y_pred = balanced_good(n=200, errors=30, seed=0)
    other = y_pred.copy()
    other[np.flatnonzero(y_pred == y_true)[:3]] ^= 1  # three more mistakes: within noise
    finding = diagnose_predictions(y_true, y_pred, compare_to=other, compare_name="the baseline").get("within-noise")
    comparison = finding.evidence["comparison"]
    assert comparison.names == ("the baseline", "this model") and comparison.metric == "f1"
    assert comparison.low <= 0 < comparison.high and comparison.b_only == 3 and comparison.a_only == 0
    assert comparison.p_value == pytest.approx(mcnemar([[167, 0], [3, 30]], exact=True).pvalue)
    assert "the baseline" in finding.title and "cannot be told apart" in finding.explanation
    # A clearly worse other model: no within-noise finding.
    worse = np.where(np.random.default_rng(1).random(200) < 0.4, 1 - y_true, y_true)
    assert "within-noise" not in diagnose_predictions(y_true, y_pred, compare_to=worse).codes


def test_diagnose_compares_two_recorded_runs_on_the_same_test_set():
    from quizkit.train import load_run

    result = load_run("overfit-minilm")
    d = diagnose(result, compare_to=result)
    assert d.get("within-noise").evidence["comparison"].difference == 0
    assert d.get("within-noise").evidence["metric"] == result.config.metric_for_best_model
    shorter = load_run("overfit-minilm")
    shorter.test_labels = shorter.test_labels[:-1]
    with pytest.raises(ValueError, match="different test sets"):
        diagnose(result, compare_to=shorter)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"y_true": [0, 1], "y_pred": [0]}, ValueError, "y_pred"),
        ({"y_true": [], "y_pred": []}, ValueError, "empty"),
        ({"y_true": [0, 1], "y_pred": [[0.2, 0.8], [0.9, 0.1]]}, ValueError, "argmax"),
        ({"y_true": [0, 1], "y_pred": [0, 1], "metric_names": "accuracy"}, TypeError, "metric_names"),
        ({"y_true": [0, 1], "y_pred": [0, 1], "task": 3}, TypeError, "task"),
    ],
)
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        diagnose_predictions(**kwargs)


def test_finding_rejects_unknown_severity():
    with pytest.raises(ValueError, match="severity"):
        Finding("x", "critical", "t")


@pytest.mark.slow
def test_diagnose_a_real_training_run(tmp_path):
    """A real (tiny, random-init) run on a leaky, imbalanced fraud set."""
    import warnings

    from quizkit.train import run

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = run(model="tiny", data={"task": "fraud", "n": 240, "positive_rate": 0.1, "leak_rate": 0.3},
                     epochs=1, batch_size=32, max_length=32, output_dir=str(tmp_path), disable_tqdm=True)
    d = diagnose(result)
    assert "leakage" in d.codes and "imbalance" in d.codes
    assert d.get("leakage").evidence["n_test"] == len(result.test_texts)
    # What the run says about itself agrees with scikit-learn on the same predictions.
    direct = diagnose_predictions(result.test_labels, result.test_predictions, label_names=result.label_names)
    assert d.get("imbalance") == direct.get("imbalance")
    assert "leakage" not in diagnose(result, train_texts=None).codes


@pytest.mark.slow
def test_diagnosing_loads_no_plotting():
    """diagnose reads metrics (MetricReport, learning_curve), never viz: a fresh interpreter shows it."""
    import json
    import subprocess
    import sys

    code = (
        "import json, sys\n"
        "from quizkit.analysis.diagnosis import diagnose_predictions\n"
        "history = [{'loss': 0.5, 'step': 1}, {'eval_loss': 0.4, 'step': 1}, {'loss': 0.1, 'step': 2}, {'eval_loss': 0.9, 'step': 2}]\n"
        "d = diagnose_predictions([0] * 95 + [1] * 5, [0] * 100, log_history=history)\n"
        "print(json.dumps([d.codes, sorted(m for m in sys.modules if m.startswith(('quizkit.viz', 'matplotlib')))]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    codes, plotting = json.loads(done.stdout)
    assert "overfitting" in codes and "accuracy-paradox" in codes
    assert plotting == []
