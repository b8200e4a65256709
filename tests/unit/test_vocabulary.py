"""One vocabulary: the old spellings still work for a release, each with a FutureWarning naming the new one."""

import dataclasses
import warnings

import pytest

import quizkit
import quizkit.viz
from quizkit.data import make_dataset, tokenize
from quizkit.metrics import compute_metrics_for
from quizkit.metrics.checks import check_threshold
from quizkit.train import RunConfig, load_run

# The names the course used before scikit-learn's Display names, as the brief lists them.
OLD_DISPLAY_NAMES = dict(zip(
    ("ConfusionMatrixPlot", "RocCurvePlot", "PrecisionRecallPlot", "ReliabilityDiagram", "LearningCurvePlot", "ClassificationReportPlot"),
    ("ConfusionMatrixDisplay", "RocCurveDisplay", "PrecisionRecallDisplay", "CalibrationDisplay", "LearningCurveDisplay", "ClassificationReportDisplay"),
))


def test_class_weight_is_spelled_as_in_scikit_learn_and_the_old_spelling_warns():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new spelling is silent
        config = RunConfig(class_weight="balanced")
        assert dataclasses.replace(config, seed=1).class_weight == "balanced"
    with pytest.warns(FutureWarning, match=r"class_weight now.*0\.3"):
        old = RunConfig(class_weights="balanced")
    assert old == config and "class_weights" not in old.to_dict()
    with pytest.warns(FutureWarning, match="class_weight"):
        assert config.class_weights == "balanced"
    with pytest.raises(ValueError, match="class_weight only"), pytest.warns(FutureWarning):
        RunConfig(class_weight="balanced", class_weights=[1.0, 2.0])
    # run(config, class_weights=...) merges the old keyword over a config the same way.
    from quizkit.train.fine_tune import _merge

    with pytest.warns(FutureWarning, match="run: class_weights"):
        assert _merge(RunConfig(seed=3), {"class_weights": [1.0, 2.0]}) == RunConfig(seed=3, class_weight=[1.0, 2.0])


def test_runs_saved_with_the_old_spelling_load_without_a_warning():
    # fraud-minilm was recorded when run.json said class_weights and proposed_class_weights.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = load_run("fraud-minilm-balanced")
        proposal = load_run("fraud-minilm")._repr_html_()
    assert result.config.class_weight == "balanced" and len(result.class_weight) == 2
    assert "class_weight='balanced'" in proposal
    with pytest.warns(FutureWarning, match="RunResult.class_weights"):
        assert result.class_weights == result.class_weight


@pytest.mark.filterwarnings("ignore:load_classifier.*tiny:UserWarning")
def test_padding_has_one_vocabulary():
    from quizkit.models import load_classifier

    _, tokenizer = load_classifier("tiny")
    data = make_dataset("spam", n=120, seed=0)
    dynamic = tokenize(data, tokenizer, max_length=32, padding=RunConfig().padding)
    assert len({len(ids) for ids in dynamic["train"]["input_ids"]}) > 1  # rows keep their own length
    with pytest.warns(FutureWarning, match="padding='dynamic'"):
        assert tokenize(data, tokenizer, max_length=32, padding=False)["train"]["input_ids"] == dynamic["train"]["input_ids"]


@pytest.mark.parametrize("threshold", [0.0, 0.5, 1.0])
def test_every_place_takes_the_same_thresholds(threshold):
    assert check_threshold(threshold) == threshold
    assert RunConfig(threshold=threshold).threshold == threshold
    compute_metrics_for(threshold=threshold)
    assert load_run("fraud-minilm").report_at(threshold).support > 0


@pytest.mark.parametrize("threshold", [-0.1, 1.5, float("nan")])
def test_every_place_refuses_the_same_thresholds(threshold):
    for set_it in (check_threshold, lambda t: RunConfig(threshold=t), lambda t: compute_metrics_for(threshold=t),
                   load_run("fraud-minilm").report_at):
        with pytest.raises(ValueError, match=r"threshold must be a finite number in \[0.0, 1.0\]"):
            set_it(threshold)


@pytest.mark.parametrize(("old", "new"), sorted(OLD_DISPLAY_NAMES.items()))
def test_the_old_display_names_warn_with_the_release_that_removes_them(old, new):
    for module in (quizkit.viz, quizkit):
        with pytest.warns(FutureWarning, match=rf"{old} is renamed {new}.*removed in quizkit 0\.3"):
            assert getattr(module, old) is getattr(quizkit.viz, new)
    assert old not in quizkit.viz.__all__ and old not in quizkit.__all__


def test_the_new_display_names_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for new in OLD_DISPLAY_NAMES.values():
            assert getattr(quizkit, new) is getattr(quizkit.viz, new)
    with pytest.raises(AttributeError, match="NoSuchPlot"):
        quizkit.viz.NoSuchPlot
