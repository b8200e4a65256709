"""Confusion matrix, threshold explorer and learning curves: check what is actually drawn."""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_score, recall_score

from quizkit.metrics.learning import learning_curve
from quizkit.viz import ConfusionMatrixDisplay, LearningCurveDisplay, ThresholdExplorer


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def texts(plot, panel=0):
    return [t.get_text() for t in plot.texts_[panel].ravel()]


def test_binary_counts_label_each_cell_with_its_outcome():
    cm = ConfusionMatrixDisplay.from_counts(tp=80, fp=20, fn=10, tn=90, display_labels=["ham", "spam"])
    assert texts(cm) == ["TN\n90", "FP\n20", "FN\n10", "TP\n80"]
    # The texts really are on the axes that were drawn, with rows = actual.
    assert {t.get_text() for t in cm.ax_.texts} == {"TN\n90", "FP\n20", "FN\n10", "TP\n80"}
    assert cm.ax_.get_ylabel() == "Actual class" and cm.ax_.get_xlabel() == "Predicted class"
    assert [t.get_text() for t in cm.ax_.get_xticklabels()] == ["ham", "spam"]
    assert cm.im_.get_cmap().name == "cividis"
    assert cm.figure_ is cm.ax_.figure


def test_from_predictions_matches_sklearn_and_normalises_rows():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, 200)
    y_pred = np.where(rng.random(200) < 0.8, y_true, 1 - y_true)
    cm = ConfusionMatrixDisplay.from_predictions(y_true, y_pred, normalize="true")
    expected = confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(cm.counts, expected)
    np.testing.assert_allclose(cm.normalized, confusion_matrix(y_true, y_pred, normalize="true"))
    tp, fn = expected[1, 1], expected[1, 0]
    recall = recall_score(y_true, y_pred)
    assert texts(cm)[3] == f"TP\n{recall:.0%}\n({tp})"
    assert texts(cm)[2] == f"FN\n{1 - recall:.0%}\n({fn})"
    assert cm.im_.get_clim() == (0, 1)


def test_both_views_side_by_side():
    cm = ConfusionMatrixDisplay.from_predictions([0, 1, 1, 0, 1], [0, 1, 0, 0, 1], normalize="both")
    assert len(cm.axes_) == 2 and cm.axes_[0].figure is cm.axes_[1].figure
    assert texts(cm, 0)[3] == "TP\n2"
    assert texts(cm, 1)[3] == "TP\n67%\n(2)"
    assert "recall" in cm.axes_[1].get_title()


def test_multiclass_uses_class_names_and_plain_counts():
    names = ["billing", "technical", "shipping", "account"]
    y_true = [0, 1, 2, 3, 0, 1, 2, 3, 1]
    y_pred = [0, 1, 2, 2, 0, 3, 2, 3, 1]
    cm = ConfusionMatrixDisplay.from_predictions(y_true, y_pred, labels=[0, 1, 2, 3], display_labels=names)
    np.testing.assert_array_equal(cm.counts, confusion_matrix(y_true, y_pred))
    assert [t.get_text() for t in cm.ax_.get_yticklabels()] == names
    assert texts(cm)[0] == "2" and not any("TP" in t for t in texts(cm))


def test_displays_follow_scikit_learn_and_keep_their_old_names():
    import quizkit
    from quizkit import viz

    for old, new in (("ConfusionMatrixDisplay", "ConfusionMatrixDisplay"), ("RocCurveDisplay", "RocCurveDisplay"),
                     ("PrecisionRecallDisplay", "PrecisionRecallDisplay"), ("CalibrationDisplay", "CalibrationDisplay"),
                     ("LearningCurveDisplay", "LearningCurveDisplay"), ("ClassificationReportDisplay", "ClassificationReportDisplay")):
        assert getattr(viz, old) is getattr(viz, new) is getattr(quizkit, old) is getattr(quizkit, new)
    # Options of from_* are keyword-only, and normalize is chosen there, not in plot().
    with pytest.raises(TypeError):
        ConfusionMatrixDisplay.from_predictions([0, 1], [0, 1], None, None, "true")
    cm = ConfusionMatrixDisplay.from_predictions([0, 1, 1], [0, 1, 0], normalize="true")
    assert cm.normalize == "true" and texts(cm)[2] == "FN\n50%\n(1)"
    with pytest.raises(TypeError):
        cm.plot(normalize="true")


def test_plot_onto_given_axes_returns_self():
    fig, ax = plt.subplots()
    cm = ConfusionMatrixDisplay([[5, 1], [2, 7]], display_labels=["a", "b"])
    assert cm.plot(ax=ax) is cm and cm.ax_ is ax and cm.figure_ is fig


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: ConfusionMatrixDisplay.from_counts(tp=-1, fp=0, fn=0, tn=1), "tp"),
        (lambda: ConfusionMatrixDisplay.from_counts(tp=1.5, fp=0, fn=0, tn=1), "tp"),
        (lambda: ConfusionMatrixDisplay([[1, 2, 3]]), "square"),
        (lambda: ConfusionMatrixDisplay([[1, 2], [3, 4]], display_labels=["only-one"]), "display_labels"),
        (lambda: ConfusionMatrixDisplay.from_predictions([0, 1], [0], normalize=None), "y_pred"),
        (lambda: ConfusionMatrixDisplay.from_predictions([1, 1], [1, 1]), "labels="),
        (lambda: ConfusionMatrixDisplay.from_predictions([0, 1], [0, 1], normalize="all"), "normalize"),
    ],
)
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --- threshold explorer -------------------------------------------------------------------

@pytest.fixture
def scored():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    scores = np.clip(0.35 * y + rng.normal(0.35, 0.2, 300), 0, 1)
    return y, scores


def test_set_threshold_metrics_match_sklearn(scored):
    y, scores = scored
    ex = ThresholdExplorer(y, scores, cost_fp=1.0, cost_fn=5.0, labels=("legit", "fraud"))
    chosen = ex.set_threshold(0.6)
    pred = (scores >= 0.6).astype(int)
    assert chosen is ex.chosen
    assert chosen["threshold"] == 0.6
    assert chosen["precision"] == pytest.approx(precision_score(y, pred))
    assert chosen["recall"] == pytest.approx(recall_score(y, pred))
    assert chosen["f1"] == pytest.approx(f1_score(y, pred))
    assert chosen["accuracy"] == pytest.approx(accuracy_score(y, pred))
    (tn, fp), (fn, tp) = confusion_matrix(y, pred)
    assert chosen["cost"] == pytest.approx((1.0 * fp + 5.0 * fn) / len(y))
    # The picture drawn is for this threshold: its confusion matrix carries these counts.
    cm_ax = ex.figure_.axes[0]
    assert {t.get_text() for t in cm_ax.texts} == {f"TN\n{tn}", f"FP\n{fp}", f"FN\n{fn}", f"TP\n{tp}"}
    assert ex.png_.startswith(b"\x89PNG")


def test_slider_moves_chosen_and_picture(scored):
    y, scores = scored
    ex = ThresholdExplorer(y, scores)
    box = ex.widget
    slider = ex._widget["threshold"]
    image = ex._widget["image"]
    before_png, before_table = image.value, ex._widget["table"].value
    assert before_png == ex.png_
    slider.value = 0.3
    assert ex.chosen["threshold"] == pytest.approx(0.3)
    assert ex.chosen["recall"] == pytest.approx(recall_score(y, (scores >= 0.3).astype(int)))
    assert image.value != before_png and image.value == ex.png_
    assert ex._widget["table"].value != before_table
    assert f"{ex.chosen['recall']:.3f}" in ex._widget["table"].value
    # At a low threshold false alarms dominate: pricing them higher raises the cost there.
    cost_before, fp = ex.chosen["cost"], ex.chosen["fp"]
    ex._widget["cost_fp"].value = 9.0
    assert ex.chosen["threshold"] == pytest.approx(0.3)
    assert ex.chosen["cost"] == pytest.approx(cost_before + 8.0 * fp / len(y)) and fp > 0
    assert box.children[1] is image


def test_set_threshold_moves_the_slider(scored):
    y, scores = scored
    ex = ThresholdExplorer(y, scores)
    ex.widget
    ex.set_threshold(0.7)
    assert ex._widget["threshold"].value == pytest.approx(0.7)


def test_best_threshold_is_the_best_on_every_distinct_score(scored):
    y, scores = scored
    ex = ThresholdExplorer(y, scores, cost_fp=1.0, cost_fn=10.0)
    best_f1 = ex.best_threshold("f1")
    f1_all = [f1_score(y, (scores >= t).astype(int), zero_division=0) for t in np.unique(scores)]
    assert ex.metrics_at(best_f1)["f1"] == pytest.approx(max(f1_all))
    best_cost = ex.best_threshold("cost")
    # Misses cost 10x a false alarm, so the cheapest threshold is lower than the best-F1 one.
    assert best_cost < best_f1
    cost = ex.metrics_at(best_cost)["cost"]
    assert all(cost <= ex.metrics_at(float(t))["cost"] + 1e-12 for t in np.unique(scores)[::10])
    with pytest.raises(ValueError, match="metric"):
        ex.best_threshold("auc")


def test_curves_mark_the_current_point(scored):
    y, scores = scored
    ex = ThresholdExplorer(y, scores)
    ex.set_threshold(0.5)
    _, pr_ax, roc_ax = ex.figure_.axes
    marker = [line for line in pr_ax.lines if line.get_label() == "current threshold"][0]
    assert marker.get_xdata()[0] == pytest.approx(ex.chosen["recall"])
    assert marker.get_ydata()[0] == pytest.approx(ex.chosen["precision"])
    roc_marker = [line for line in roc_ax.lines if line.get_label() == "current threshold"][0]
    tn, fp = ex.chosen["tn"], ex.chosen["fp"]
    assert roc_marker.get_xdata()[0] == pytest.approx(fp / (tn + fp))


@pytest.mark.parametrize(
    "args, match",
    [
        (([0, 1, 2], [0.1, 0.2, 0.3]), "0/1"),
        (([0, 1], [0.1]), "scores"),
        (([0, 1], [0.1, float("nan")]), "finite"),
        (([0, 1], [0.1, 2.5]), "softmax"),
        (([1, 1], [0.1, 0.5]), "positive and negative"),
        (([0, 1], [[0.1, 0.9], [0.2, 0.8]]), "1-D"),
    ],
)
def test_explorer_rejects_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        ThresholdExplorer(*args)


def test_validation_chooses_and_test_reports(scored):
    y, scores = scored
    rng = np.random.default_rng(7)
    val_y = rng.integers(0, 2, 200)
    val_scores = np.clip(0.35 * val_y + rng.normal(0.35, 0.2, 200), 0, 1)
    ex = ThresholdExplorer(y, scores, cost_fp=1.0, cost_fn=4.0, validation_labels=val_y, validation_scores=val_scores)
    assert ex.chosen_on == "validation"
    for metric, value in (("f1", lambda t: f1_score(val_y, (val_scores >= t).astype(int))),
                          ("cost", lambda t: -(np.sum((val_scores >= t) & (val_y == 0)) + 4.0 * np.sum((val_scores < t) & (val_y == 1))))):
        best = ex.best_threshold(metric)
        assert value(best) == pytest.approx(max(value(t) for t in np.unique(val_scores)))
        assert best in val_scores  # picked among validation's scores, not test's
    chosen = ex.set_threshold(ex.best_threshold("f1"))
    t = chosen["threshold"]
    assert chosen["recall"] == pytest.approx(recall_score(y, (scores >= t).astype(int)))
    assert ex.validation_chosen["recall"] == pytest.approx(recall_score(val_y, (val_scores >= t).astype(int)))
    assert ex.validation_chosen["cost"] == pytest.approx(
        (np.sum((val_scores >= t) & (val_y == 0)) + 4.0 * np.sum((val_scores < t) & (val_y == 1))) / 200)
    pr_ax = ex.figure_.axes[1]
    assert [line.get_label() for line in pr_ax.lines][:2] == ["validation", "test"]
    with pytest.raises(ValueError, match="both validation_labels and validation_scores"):
        ThresholdExplorer(y, scores, validation_labels=val_y)


def test_precision_is_undefined_where_nothing_is_flagged(scored):
    y, scores = scored
    ex = ThresholdExplorer(y, scores)
    chosen = ex.set_threshold(1.0 if scores.max() < 1.0 else 0.999999)
    if chosen["tp"] + chosen["fp"] == 0:
        assert np.isnan(chosen["precision"])
        assert ">undefined</td>" in ex.metrics_html() and "0.000</td><!--p-->" not in ex.metrics_html()
    ex = ThresholdExplorer([0, 1, 0, 1], [0.1, 0.6, 0.3, 0.8])
    assert np.isnan(ex.set_threshold(0.9)["precision"]) and ex.chosen["recall"] == 0.0
    assert re.search(r">Precision</th><td[^>]*>undefined</td>", ex.metrics_html())


def test_explorer_rejects_negative_cost_and_threshold_outside_0_1():
    with pytest.raises(ValueError, match="cost_fn"):
        ThresholdExplorer([0, 1], [0.2, 0.8], cost_fn=-1)
    ex = ThresholdExplorer([0, 1], [0.2, 0.8])
    with pytest.raises(ValueError, match="threshold"):
        ex.set_threshold(1.5)
    assert ex.chosen["threshold"] == 0.5  # nothing lost


# --- learning curves --------------------------------------------------------------------

def overfitting_history():
    history = []
    eval_losses = [0.65, 0.52, 0.45, 0.44, 0.455, 0.55, 0.63]
    for i, eval_loss in enumerate(eval_losses):
        step = 10 * (i + 1)
        history.append({"loss": 0.7 * 0.7 ** i, "grad_norm": 1.0, "learning_rate": 1e-4, "epoch": i + 1, "step": step})
        history.append({"eval_loss": eval_loss, "eval_f1": 0.6 + 0.04 * min(i, 3) - 0.01 * max(0, i - 3),
                        "eval_accuracy": 0.7, "eval_runtime": 0.1, "epoch": i + 1, "step": step})
    history.append({"train_runtime": 3.0, "train_loss": 0.3, "epoch": 7, "step": 70})
    return history


def test_learning_curve_marks_best_and_rise():
    curve = LearningCurveDisplay.from_log_history(overfitting_history(), metric="eval_f1")
    assert curve.best_step == 40 and curve.min_eval_loss == pytest.approx(0.44)
    assert curve.rise_step == 60  # 0.455 is within 5 % of 0.44; 0.55 is not
    labels = [line.get_label() for line in curve.ax_.lines]
    assert "train loss" in labels and "eval loss" in labels
    assert "best checkpoint (step 40)" in labels and "eval loss rising (step 60)" in labels
    best_line = [line for line in curve.ax_.lines if line.get_label().startswith("best")][0]
    assert best_line.get_xdata()[0] == 40
    assert len(curve.axes_) == 2 and curve.axes_[1].get_ylabel() == "eval_f1"
    assert list(curve.axes_[1].lines[0].get_ydata()) == pytest.approx([v for _, v in curve.metric_values])


def test_learning_curve_best_by_metric_and_no_rise():
    history = [h for h in overfitting_history() if h.get("eval_loss", 0) < 0.5 or "loss" in h]
    curve = learning_curve(overfitting_history(), metric="eval_f1", best_by="metric")
    assert curve.best_step == 40  # f1 peaks at step 40
    steady = learning_curve(history[:8])
    assert steady.rise_step is None and steady.metric == "eval_f1"


def test_learning_curve_without_eval_draws_train_loss_only():
    curve = LearningCurveDisplay.from_log_history([{"loss": 1.0, "step": 5}, {"loss": 0.8, "step": 10}])
    assert curve.best_step is None and curve.rise_step is None and len(curve.axes_) == 1
    assert [line.get_label() for line in curve.ax_.lines] == ["train loss"]


@pytest.mark.parametrize(
    "history, kwargs, error, match",
    [
        ([], {}, ValueError, "eval_loss"),
        ("loss", {}, TypeError, "log_history"),
        ([{"loss": 1.0}], {}, ValueError, "step"),
        (overfitting_history(), {"metric": "eval_auc"}, ValueError, "eval_auc"),
        (overfitting_history(), {"best_by": "f1"}, ValueError, "best_by"),
    ],
)
def test_learning_curve_bad_input(history, kwargs, error, match):
    with pytest.raises(error, match=match):
        learning_curve(history, **kwargs)


def test_explorer_displays_its_widget_box():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.display import display
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    ex = ThresholdExplorer([0, 1, 0, 1], [0.2, 0.7, 0.4, 0.9])
    with capture_output() as captured:
        display(ex)
    (shown,) = captured.outputs
    assert shown.data["application/vnd.jupyter.widget-view+json"]["model_id"] == ex.widget.model_id
    # Without a widget front end (nbconvert, GitHub) the saved text line says where the threshold is.
    assert shown.data["text/plain"].startswith("ThresholdExplorer: threshold 0.500, test recall 1.000")


@pytest.mark.slow
def test_an_error_in_a_slider_callback_is_shown_in_the_cell(tmp_path):
    """Moving a slider runs a widget callback: its error lands in the explorer's Output (saved
    with the notebook's widget state), not in JupyterLab's log console, and the kernel goes on."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in (
        "from quizkit.viz import ThresholdExplorer\nex = ThresholdExplorer([0, 1, 0, 1], [0.2, 0.7, 0.4, 0.9])\nex",
        # A drawing bug, as a failing redraw would be: the slider's callback raises.
        "def broken():\n    raise RuntimeError('redraw failed')\nex._render = broken\n"
        "ex.widget.children[0].children[0].value = 0.8\nex.widget.children[0].children[1].value = 3\nprint('the cell goes on')",
    )]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert [o.get("text") for o in nb.cells[1].outputs] == ["the cell goes on\n"]
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    shown = [o for m in state.values() if m["model_name"] == "OutputModel" for o in m["state"].get("outputs", [])]
    assert [(o["ename"], o["evalue"]) for o in shown if o["output_type"] == "error"] == [("RuntimeError", "redraw failed")] * 2


def test_a_slider_error_without_a_front_end_is_raised():
    ex = ThresholdExplorer([0, 1, 0, 1], [0.2, 0.7, 0.4, 0.9])
    ex._render = lambda: 1 / 0
    with pytest.raises(ZeroDivisionError):
        ex.set_threshold(0.8)


# --- a real (tiny, random-init) fine-tuning run ---------------------------------------------

@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    import warnings

    from quizkit.train import run

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run(model="tiny", data={"task": "spam", "n": 200}, epochs=2, batch_size=16, max_length=32,
                   eval_strategy="steps", eval_steps=4, logging_steps=2,
                   output_dir=str(tmp_path_factory.mktemp("run")), disable_tqdm=True)


@pytest.mark.slow
def test_from_run_draws_the_runs_own_numbers(tiny_run):
    result = tiny_run
    cm = ConfusionMatrixDisplay.from_run(result)
    np.testing.assert_array_equal(cm.counts, confusion_matrix(result.test_labels, result.test_predictions, labels=[0, 1]))
    assert [t.get_text() for t in cm.ax_.get_xticklabels()] == ["ham", "spam"]
    ex = ThresholdExplorer.from_run(result)
    assert ex.labels == ("ham", "spam")
    # Validation chooses: the start is the best-F1 threshold among the validation scores...
    val_y, val_s = result.validation_labels, result.validation_scores
    val_f1 = {t: f1_score(val_y, (val_s >= t).astype(int)) for t in np.unique(val_s)}
    assert ex.chosen_on == "validation"
    assert val_f1[ex.chosen["threshold"]] == pytest.approx(max(val_f1.values()))
    assert ex.validation_chosen["f1"] == pytest.approx(max(val_f1.values()))
    # ...and test reports, at that threshold.
    pred = (np.asarray(result.test_scores) >= ex.chosen["threshold"]).astype(int)
    assert ex.chosen["f1"] == pytest.approx(f1_score(result.test_labels, pred, zero_division=0))
    assert "validation (chooses)" in ex.metrics_html() and "test (reports)" in ex.metrics_html()
    assert ThresholdExplorer.from_run(result, threshold=0.5).chosen["threshold"] == 0.5
    curve = LearningCurveDisplay.from_run(result)
    evals = [e for e in result.log_history if "eval_loss" in e]
    assert [s for s, _ in curve.eval] == [e["step"] for e in evals]
    assert curve.min_eval_loss == pytest.approx(min(e["eval_loss"] for e in evals))
    assert len(curve.train) >= 2 and curve.metric is not None
