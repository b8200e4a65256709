"""top_losses, most_confused and the classification-report matrix, against scikit-learn."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib
import numpy as np
import pytest
from sklearn.metrics import classification_report, confusion_matrix, log_loss

from quizkit.analysis.error_analysis import most_confused, top_losses
from quizkit.train import load_run
from quizkit.viz.report import ClassificationReportDisplay

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def three_class():
    rng = np.random.default_rng(0)
    probs = rng.dirichlet([1, 1, 1], size=90)
    labels = rng.integers(0, 3, size=90)
    return SimpleNamespace(
        label_names=["billing", "bug", "account"], test_texts=[f"ticket {i}" for i in range(90)],
        test_labels=labels, test_scores=probs, test_predictions=probs.argmax(axis=1),
    )


def test_top_losses_are_the_per_example_cross_entropies(three_class):
    table = top_losses(three_class, k=90)
    assert list(table.columns) == ["index", "text", "label", "prediction", "probability", "loss"]
    assert table["loss"].is_monotonic_decreasing
    # The mean of the per-example losses is scikit-learn's log loss.
    assert table["loss"].mean() == pytest.approx(log_loss(three_class.test_labels, three_class.test_scores))
    worst = table.iloc[0]
    i = int(worst["index"])
    assert worst["text"] == f"ticket {i}"
    assert worst["loss"] == pytest.approx(-np.log(three_class.test_scores[i, three_class.test_labels[i]]))
    assert worst["probability"] == pytest.approx(three_class.test_scores[i].max())
    assert worst["label"] == three_class.label_names[three_class.test_labels[i]]


def test_top_losses_of_a_recorded_binary_run_are_confident_mistakes():
    run = load_run("overfit-minilm")
    table = top_losses(run, k=5)
    assert len(table) == 5
    assert (table["label"] != table["prediction"]).all()
    assert (table["probability"] > 0.9).all()
    assert table["loss"].iloc[0] == pytest.approx(-np.log(1 - run.test_scores[table["index"].iloc[0]])
                                                  if run.test_labels[table["index"].iloc[0]] == 0
                                                  else -np.log(run.test_scores[table["index"].iloc[0]]))


def test_top_losses_bad_k(three_class):
    with pytest.raises(ValueError, match="k must be an integer"):
        top_losses(three_class, k=0)


def test_most_confused_reads_the_off_diagonal(three_class):
    table = most_confused(three_class)
    counts = confusion_matrix(three_class.test_labels, three_class.test_predictions, labels=[0, 1, 2])
    names = three_class.label_names
    expected = sorted(
        ((names[i], names[j], counts[i, j]) for i in range(3) for j in range(3) if i != j and counts[i, j]),
        key=lambda row: -row[2],
    )
    assert [tuple(row) for row in table[["actual", "predicted", "count"]].values.tolist()] == [
        (a, p, int(c)) for a, p, c in expected
    ]
    assert table["count"].sum() == len(three_class.test_labels) - np.trace(counts)
    first = table.iloc[0]
    assert first["share"] == pytest.approx(first["count"] / counts[names.index(first["actual"])].sum())
    assert most_confused(three_class, min_count=int(table["count"].max()))["count"].min() == table["count"].max()


def test_report_plot_numbers_are_classification_report(three_class):
    plot = ClassificationReportDisplay.from_run(three_class)
    expected = classification_report(
        three_class.test_labels, three_class.test_predictions, target_names=three_class.label_names,
        output_dict=True, zero_division=0,
    )
    for name in three_class.label_names:
        assert plot.report[name] == pytest.approx(expected[name])
    assert plot.support.tolist() == [expected[n]["support"] for n in three_class.label_names]
    ticks = [t.get_text() for t in plot.ax_.get_yticklabels()]
    assert ticks == [f"{n} (n={int(expected[n]['support'])})" for n in three_class.label_names]
    rows = plot.table_rows()
    assert [r[0] for r in rows] == [*three_class.label_names, "macro avg", "weighted avg"]
    assert rows[-2][3] == f"{expected['macro avg']['f1-score']:.2f}"
    cells = {(r, c): cell.get_text().get_text() for (r, c), cell in plot.table_.get_celld().items()}
    assert cells[(1, 4)] == str(int(expected["billing"]["support"]))


def test_report_plot_refuses_mismatched_lengths():
    with pytest.raises(ValueError, match="3 items but y_pred has 2"):
        ClassificationReportDisplay.from_predictions([0, 1, 1], [0, 1])
