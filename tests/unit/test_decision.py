"""threshold="auto": the decision threshold a binary run chooses on its validation split."""

import json

import numpy as np
import pytest
from sklearn.metrics import matthews_corrcoef

from quizkit.metrics import threshold_sweep
from quizkit.train import load_run, run
from quizkit.train.decision import MIN_CLASS_EXAMPLES, decide_threshold

pytestmark = pytest.mark.filterwarnings("ignore:load_classifier\\('tiny'\\):UserWarning")

IMBALANCED_TRAIN = [0] * 100 + [1] * 200


def best_mcc_threshold(labels, scores):
    """The highest of the validation scores whose cut has the best MCC, by scikit-learn."""
    cuts = np.unique(scores)
    mcc = np.array([matthews_corrcoef(labels, (scores >= t).astype(int)) for t in cuts])
    return float(cuts[np.flatnonzero(np.isclose(mcc, mcc.max()))[-1]])


def leaning_scores(seed=0, n0=45, n1=80):
    """Validation scores of a model that leans to label 1: most label-0 examples score above 0.5."""
    rng = np.random.default_rng(seed)
    labels = np.r_[np.zeros(n0, int), np.ones(n1, int)]
    scores = np.r_[rng.beta(4, 2, n0), rng.beta(9, 1, n1)]
    return labels, scores


def test_the_sweep_mcc_is_sklearns_at_every_threshold():
    labels, scores = leaning_scores()
    sweep = threshold_sweep(labels, scores)
    expected = [matthews_corrcoef(labels, (scores >= t).astype(int)) for t in sweep.thresholds]
    np.testing.assert_allclose(sweep.mcc, expected, atol=1e-12)
    assert sweep.at(2.0)["mcc"] == 0.0  # nothing flagged: sklearn's 0, not NaN


def test_auto_takes_the_best_validation_mcc_on_an_imbalanced_split():
    labels, scores = leaning_scores()
    decision = decide_threshold("auto", IMBALANCED_TRAIN, labels, scores, positive_name="positive")
    assert decision.chosen_on_validation
    assert decision.threshold == best_mcc_threshold(labels, scores)
    assert decision.validation_mcc == pytest.approx(matthews_corrcoef(labels, (scores >= decision.threshold).astype(int)))
    assert decision.validation_mcc_at_usual == pytest.approx(matthews_corrcoef(labels, (scores >= 0.5).astype(int)))
    assert decision.validation_mcc > decision.validation_mcc_at_usual  # these scores lean: 0.5 is a poor cut
    notice = decision.notice()
    assert notice.startswith("quizkit: ") and "'positive'" in notice and "threshold=0.5" in notice
    assert f"{decision.validation_mcc:.2f}" in notice and f"{decision.validation_mcc_at_usual:.2f}" in notice


@pytest.mark.parametrize(
    ("train", "n0"),
    [([0] * 150 + [1] * 150, 45),  # balanced train split: nothing to lean towards
     (IMBALANCED_TRAIN, MIN_CLASS_EXAMPLES - 1)],  # too few validation examples of a class to choose on
)
def test_auto_keeps_the_usual_cut_where_it_cannot_choose_reliably(train, n0):
    labels, scores = leaning_scores(n0=n0)
    decision = decide_threshold("auto", train, labels, scores)
    assert (decision.threshold, decision.chosen_on_validation, decision.notice()) == (0.5, False, None)


def test_numbers_none_and_multiclass_runs_are_not_tuned():
    labels, scores = leaning_scores()
    assert decide_threshold(0.3, IMBALANCED_TRAIN, labels, scores).threshold == 0.3
    assert decide_threshold(None, IMBALANCED_TRAIN, labels, scores).threshold == 0.5
    matrix = np.full((4, 3), 1 / 3)
    assert decide_threshold("auto", [0, 1, 2, 2], [0, 1, 2, 2], matrix).threshold is None


@pytest.mark.slow
def test_a_run_predicts_test_with_the_cut_chosen_on_validation(tmp_path, capsys):
    # 25% positives: an imbalanced train split and about 37 validation positives.
    data = {"task": "fraud", "n": 1000, "positive_rate": 0.25}
    result = run(model="tiny", data=data, epochs=1, learning_rate=1e-3, max_length=48, disable_tqdm=True)
    assert np.bincount(result.validation_labels).min() >= MIN_CLASS_EXAMPLES
    expected = best_mcc_threshold(result.validation_labels, result.validation_scores)
    assert result.threshold == expected
    assert result.extra["threshold_decision"]["chosen_on_validation"] is True
    np.testing.assert_array_equal(result.test_predictions, (result.test_scores >= expected).astype(int))
    assert "the decision threshold was chosen on the validation split" in capsys.readouterr().out
    assert f"at least {expected:.3g}, a threshold chosen on the validation split" in result._repr_html_()
    # Saved and exported with the cut: a reloaded run and the exported script predict the same way.
    loaded = load_run(result.save(tmp_path / "run"))
    assert loaded.threshold == expected and loaded.config.threshold == "auto"
    assert f"THRESHOLD = {expected!r}\n" in result.export_trainer_script(tmp_path / "script.py").read_text()


@pytest.mark.slow
def test_runs_saved_before_thresholds_were_recorded_load_with_their_cut(tmp_path):
    result = run(model="tiny", data={"task": "spam", "n": 160}, epochs=1, max_length=48, disable_tqdm=True, threshold=None)
    assert result.threshold == 0.5
    path = result.save(tmp_path / "old")
    payload = json.loads(path.read_text())
    del payload["threshold"]
    path.write_text(json.dumps(payload))
    assert load_run(path).threshold == 0.5
