"""quizkit.train: real Trainer runs (tiny model, a few hundred generated examples)."""

import dataclasses
import json
import os
import resource
import runpy
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest
import torch
from sklearn.metrics import f1_score
from sklearn.utils.class_weight import compute_class_weight

from quizkit.data import make_dataset
from quizkit.metrics import from_predictions
from quizkit.train import RunConfig, RunResult, WeightedCrossEntropy, load_run, run, script_template
from quizkit.viz import LearningCurveDisplay, ThresholdExplorer

# The tiny model's "not pretrained" warning is expected in every run here.
pytestmark = pytest.mark.filterwarnings("ignore:load_classifier\\('tiny'\\):UserWarning")

TINY = dict(model="tiny", disable_tqdm=True, max_length=48)


@pytest.fixture(scope="module")
def spam_run() -> RunResult:
    return run(data={"task": "spam", "n": 240}, epochs=2, learning_rate=2e-3, batch_size=16, **TINY)


@pytest.mark.slow
def test_run_records_curves_predictions_and_metrics(spam_run):
    result = spam_run
    losses = [entry["loss"] for entry in result.log_history if "loss" in entry]
    assert len(losses) >= 5, "logging_steps default should give ~10 train-loss points"
    assert np.mean(losses[-2:]) < np.mean(losses[:2]), f"train loss did not go down: {losses}"
    assert [e["epoch"] for e in result.eval_history] == [1.0, 2.0]
    assert all("eval_loss" in e and "eval_f1" in e and "step" in e for e in result.eval_history)
    assert result.validation_metrics["step"] == result.steps == result.planned_steps
    n_test = len(make_dataset("spam", n=240, seed=0)["test"])
    assert result.test_predictions.shape == result.test_labels.shape == result.test_scores.shape == (n_test,)
    assert len(result.test_texts) == n_test and len(result.train_texts) == 168
    assert ((result.test_scores >= 0) & (result.test_scores <= 1)).all()
    # Validation is scored too (by the kept model), for choosing thresholds off the test set.
    validation_labels = make_dataset("spam", n=240, seed=0)["validation"]["label"]
    np.testing.assert_array_equal(result.validation_labels, validation_labels)
    assert result.validation_scores.shape == (len(validation_labels),)
    assert ((result.validation_scores >= 0) & (result.validation_scores <= 1)).all()
    kept_accuracy = np.mean((result.validation_scores >= 0.5) == result.validation_labels)
    assert kept_accuracy == pytest.approx(result.validation_metrics["accuracy"])
    # No threshold: the argmax, i.e. P(label 1) >= 0.5 for two classes.
    np.testing.assert_array_equal(result.test_predictions, (result.test_scores >= 0.5).astype(int))
    again = from_predictions(result.test_labels, result.test_predictions, labels=[0, 1])
    assert result.test_metrics.to_dict() == again.to_dict()
    assert result.label_names == ["ham", "spam"]
    # Where a GPU is visible the run uses it (the suite runs on GPU machines too).
    assert result.device == ("cuda:0" if torch.cuda.is_available() else "cpu")
    assert result.wall_time_s > 0 and result.train_samples_per_second > 0
    assert not result.stopped_early
    assert result.data_description == {"source": "generated", "task": "spam", "n": 240, "seed": 0}
    assert [name for name, _ in result.summary()][:2] == ["accuracy", "precision"]
    assert "<table>" in result._repr_html_()


@pytest.mark.slow
def test_multiclass_run_keeps_the_probability_matrix():
    result = run(data={"task": "support", "n": 160}, epochs=1, **TINY)
    assert result.label_names == ["billing", "technical", "shipping", "account"]
    n_test = len(result.test_labels)
    assert result.test_scores.shape == (n_test, 4)
    assert result.validation_scores.shape == (len(result.validation_labels), 4)
    np.testing.assert_allclose(result.validation_scores.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(result.test_scores.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(result.test_predictions, result.test_scores.argmax(axis=1))
    assert result.test_metrics.average == "macro"
    assert "eval_f1_macro" in result.eval_history[-1]
    with pytest.raises(ValueError, match="binary run"):
        result.choose_threshold()
    with pytest.raises(ValueError, match="RunConfig.threshold applies to binary tasks only"):
        run(data={"task": "support", "n": 60}, threshold=0.5, **TINY)


@pytest.mark.slow
def test_save_and_load_round_trip(spam_run, tmp_path):
    spam_run.save(tmp_path / "run")
    loaded = load_run(tmp_path / "run")
    assert loaded.trainer is None and loaded.train_texts is None
    np.testing.assert_array_equal(loaded.test_predictions, spam_run.test_predictions)
    np.testing.assert_allclose(loaded.test_scores, spam_run.test_scores)
    np.testing.assert_allclose(loaded.validation_scores, spam_run.validation_scores)
    np.testing.assert_array_equal(loaded.validation_labels, spam_run.validation_labels)
    assert loaded.test_texts == spam_run.test_texts
    assert loaded.test_metrics.to_dict() == spam_run.test_metrics.to_dict()
    assert loaded.log_history == spam_run.log_history
    assert loaded.eval_history == spam_run.eval_history
    assert loaded.config.to_dict() == spam_run.config.to_dict()
    assert loaded.config.data == {"task": "spam", "n": 240, "seed": 0}
    # Loaded runs feed the plots directly.
    curve = LearningCurveDisplay.from_run(loaded)
    assert curve.metric == "eval_f1" and len(curve.eval) == 2
    assert ThresholdExplorer.from_run(loaded).metrics_at(0.5)["tp"] == loaded.test_metrics.to_dict()["tp"]


@pytest.mark.slow
def test_threshold_is_chosen_on_validation_and_reported_on_test(spam_run, tmp_path):
    val_y, val_s = spam_run.validation_labels, spam_run.validation_scores
    threshold = spam_run.choose_threshold("f1")
    f1_on_validation = {t: f1_score(val_y, (val_s >= t).astype(int)) for t in np.unique(val_s)}
    assert threshold in f1_on_validation and f1_on_validation[threshold] == pytest.approx(max(f1_on_validation.values()))
    report = spam_run.report_at(threshold)
    test_pred = (spam_run.test_scores >= threshold).astype(int)
    assert report.f1 == pytest.approx(f1_score(spam_run.test_labels, test_pred))
    assert report.class_names == ["ham", "spam"]
    # Misses priced 20x: the cheapest validation threshold is no higher than the best-F1 one.
    assert spam_run.choose_threshold("cost", cost_fn=20.0) <= threshold
    spam_run.save(tmp_path / "run")
    assert load_run(tmp_path / "run").choose_threshold("f1") == threshold


@pytest.mark.slow
def test_runs_saved_before_validation_scores_load_with_none(spam_run, tmp_path):
    path = spam_run.save(tmp_path / "old")
    payload = json.loads(path.read_text())
    del payload["validation_labels"], payload["validation_scores"]
    path.write_text(json.dumps(payload))
    old = load_run(path)
    assert old.validation_labels is None and old.validation_scores is None
    with pytest.raises(ValueError, match="validation scores"):
        old.choose_threshold()
    np.testing.assert_allclose(old.test_scores, spam_run.test_scores)


def test_load_run_says_what_is_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="run.json"):
        load_run(tmp_path)


@pytest.mark.slow
def test_class_weights_change_the_loss_on_imbalanced_data():
    data = make_dataset("spam", n=120, positive_rate=0.1, seed=1)
    short = dict(data=data, epochs=0.2, logging_steps=1, eval_strategy="no", **TINY)
    plain = run(**short, class_weight=None)
    weighted = run(**short, class_weight="balanced")
    labels = np.asarray(data["train"]["label"])
    expected = compute_class_weight("balanced", classes=np.array([0, 1]), y=labels)
    np.testing.assert_allclose(weighted.class_weight, expected)
    assert weighted.class_weight[1] > 3 * weighted.class_weight[0]
    # Same seed, same first batch, same initial weights: only the loss function differs.
    first_loss = lambda r: next(e["loss"] for e in r.log_history if "loss" in e)  # noqa: E731
    assert first_loss(weighted) != pytest.approx(first_loss(plain), rel=1e-3)
    assert plain.class_weight is None


def test_weighted_cross_entropy_matches_torch_and_normalises_by_item_count():
    logits = torch.tensor([[2.0, -1.0], [0.3, 0.1], [-0.5, 1.5]])
    labels = torch.tensor([0, 1, 1])
    loss = WeightedCrossEntropy([1.0, 4.0])
    expected_mean = torch.nn.functional.cross_entropy(logits, labels, weight=torch.tensor([1.0, 4.0]))
    assert loss({"logits": logits}, labels).item() == pytest.approx(expected_mean.item())
    per_item = torch.nn.functional.cross_entropy(logits, labels, reduction="none") * torch.tensor([1.0, 4.0, 4.0])
    assert loss({"logits": logits}, labels, num_items_in_batch=3).item() == pytest.approx(per_item.sum().item() / 3)
    # All-ones weights are the ordinary loss.
    assert WeightedCrossEntropy([1, 1])({"logits": logits}, labels, 3).item() == pytest.approx(
        torch.nn.functional.cross_entropy(logits, labels).item()
    )


@pytest.mark.slow
def test_early_stopping_loads_the_best_model_and_stops_when_eval_loss_rises():
    # A high learning rate on small noisy data: eval loss bottoms out, then climbs.
    result = run(
        data={"task": "spam", "n": 160, "label_noise": 0.3}, epochs=10, learning_rate=5e-3, batch_size=8,
        early_stopping_patience=1, metric_for_best_model="loss", **TINY,
    )
    args = result.trainer.args
    assert args.load_best_model_at_end and args.metric_for_best_model == "loss" and args.greater_is_better is False
    assert any(type(c).__name__ == "EarlyStoppingCallback" for c in result.trainer.callback_handler.callbacks)
    eval_losses = [e["eval_loss"] for e in result.eval_history]
    assert result.stopped_early and result.steps < result.planned_steps, eval_losses
    assert result.validation_metrics["loss"] == min(eval_losses)
    # The model in hand is the best checkpoint, not the last one.
    assert result.trainer.evaluate()["eval_loss"] == pytest.approx(min(eval_losses), rel=1e-4)
    # The checkpoint was chosen on validation: its validation scores are the kept model's.
    kept_accuracy = np.mean((result.validation_scores >= 0.5) == result.validation_labels)
    assert kept_accuracy == pytest.approx(result.validation_metrics["accuracy"])


@pytest.mark.slow
def test_exported_script_reproduces_the_run(tmp_path):
    result = run(
        data={"task": "spam", "n": 160, "positive_rate": 0.3}, epochs=2, learning_rate=1e-3, padding="max_length",
        class_weight="balanced", threshold=0.4, average_last_epochs=2, **TINY,
    )
    np.testing.assert_array_equal(result.test_predictions, (result.test_scores >= 0.4).astype(int))
    # The run trained with the loss the script will use: the template's, defined once.
    assert type(result.trainer.compute_loss_func) is script_template.WeightedCrossEntropy
    script = result.export_trainer_script(tmp_path / "reproduce.py")
    source = script.read_text()
    assert 'if __name__ == "__main__":' in source and "class WeightedCrossEntropy" in source
    assert f"CLASS_WEIGHT = {result.class_weight!r}\n" in source and "THRESHOLD = 0.4\n" in source
    assert "AVERAGE_LAST_EPOCHS = 2\n" in source  # the script keeps the averaged weights too
    assert "PADDING = 'max_length'\n" in source and "DATA = {\n    'task': 'spam',\n    'n': 160,\n" in source
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    done = subprocess.run([sys.executable, script.name], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "eval metrics:" in done.stdout and "'eval_f1'" in done.stdout
    test_line = next(line for line in done.stdout.splitlines() if line.startswith("test metrics:"))
    test_metrics = eval(test_line.removeprefix("test metrics:"))  # the script prints a plain dict
    assert test_metrics["test_accuracy"] == pytest.approx(result.test_metrics.accuracy)
    assert test_metrics["test_f1"] == pytest.approx(result.test_metrics.f1)


@pytest.mark.slow
def test_exported_script_for_custom_data_asks_for_the_data(spam_run, tmp_path):
    custom = dataclasses.replace(spam_run, data_description={"source": "custom", "n_train": 10})
    path = custom.export_trainer_script(tmp_path / "custom.py")
    assert "DATA = None\n" in path.read_text()
    script = runpy.run_path(str(path), run_name="exported")  # defines the functions, trains nothing
    with pytest.raises(NotImplementedError, match="return your DatasetDict"):
        script["load_data"]()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("model", ""), ("epochs", 0), ("learning_rate", 2.0), ("batch_size", 0), ("batch_size", 8.5),
        ("max_length", 1024), ("padding", "longest"), ("eval_strategy", "sometimes"), ("eval_steps", 0),
        ("logging_steps", -1), ("early_stopping_patience", 0), ("metric_for_best_model", "auc"),
        ("class_weight", "inverse"), ("class_weight", [1.0, -2.0]), ("weight_decay", -0.1),
        ("warmup_steps", True), ("seed", -1), ("threshold", 1.5), ("threshold", "best"), ("data", {"n": 100}),
        ("data", 42),
    ],
)
def test_bad_config_values_name_the_field(field, value):
    with pytest.raises(ValueError, match=f"RunConfig.{field}"):
        RunConfig(**{field: value})


def test_early_stopping_needs_evaluations():
    with pytest.raises(ValueError, match="early_stopping_patience.*eval_strategy"):
        RunConfig(early_stopping_patience=2, eval_strategy="no")


def test_run_merges_keywords_over_a_config_and_rejects_unknown_ones():
    with pytest.raises(TypeError, match="unknown settings \\['epoch'\\]"):
        run(RunConfig(model="tiny"), epoch=3)
    with pytest.raises(ValueError, match="RunConfig.epochs"):
        run(RunConfig(model="tiny"), epochs=-1)


def test_class_weights_must_match_the_labels():
    with pytest.raises(ValueError, match="class_weight needs 2 weights"):
        run(data={"task": "spam", "n": 60}, class_weight=[1.0, 2.0, 3.0], **TINY)


@pytest.mark.slow
def test_minilm_learns_spam_in_one_epoch():
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # 27 steps: 1e-4 (as the recorded lesson runs use) gets the fresh head there reliably.
        result = run(model="minilm", data={"task": "spam", "n": 600}, epochs=1, learning_rate=1e-4, max_length=64,
                     disable_tqdm=True)
    elapsed = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"MiniLM spam n=600, 1 epoch: {elapsed:.1f} s, peak RSS {peak_mib:.0f} MiB, "
          f"validation accuracy {result.validation_metrics['accuracy']:.3f}")
    assert result.validation_metrics["accuracy"] > 0.85


@pytest.mark.slow
def test_scores_line_up_with_the_test_rows_under_length_grouping():
    # group_by_length (the default) also groups transformers 5's evaluation batches; the run's
    # scores must still belong to the rows they sit next to. Each text is scored alone here.
    result = run(data={"task": "spam", "n": 200}, epochs=1, seed=3, **TINY)
    assert result.trainer.args.train_sampling_strategy == "random"
    assert result.extra["training_arguments"]["train_sampling_strategy"] == "group_by_length"
    tokenizer, model = result.trainer.processing_class, result.trainer.model.eval()
    lengths = {len(tokenizer(t)["input_ids"]) for t in result.test_texts}
    assert len(lengths) > 5, "the test texts must differ in length for this to test anything"
    # On a GPU the run predicts in mixed precision (bf16 or fp16): score alone the same way.
    cuda = torch.cuda.is_available()
    half = torch.bfloat16 if cuda and torch.cuda.is_bf16_supported() else torch.float16
    with torch.no_grad(), torch.autocast("cuda", dtype=half, enabled=cuda):
        alone = [torch.softmax(model(**tokenizer(t, truncation=True, max_length=48, return_tensors="pt").to(model.device)).logits.float(), -1)[0, 1].item()
                 for t in result.test_texts]
    # Half precision keeps about 3 digits; a row out of place is off by far more.
    np.testing.assert_allclose(result.test_scores, alone, atol=5e-3 if cuda else 1e-4)
