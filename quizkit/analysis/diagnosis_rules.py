"""The findings of a diagnosis: one rule per classic way a fine-tuning result misleads.

Each rule reads a :class:`~quizkit.metrics.MetricReport` (what
:func:`quizkit.metrics.from_predictions` computed once, with scikit-learn) or the run's other
records (log history, texts, a comparison) and returns a :class:`Finding` stating its numbers
in plain words, or None. :mod:`quizkit.analysis.diagnosis` decides which rules the inputs allow.

>>> from quizkit.metrics import from_predictions
>>> finding = imbalance(from_predictions([0] * 95 + [1] * 5, [0] * 100))
>>> finding.severity, finding.evidence["imbalance_ratio"]
('warning', 19.0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from quizkit.analysis.diagnosis_types import Finding
from quizkit.metrics import MetricReport
from quizkit.metrics.uncertainty import FEW_EXAMPLES

GENERATION_TASKS = {
    "qa": "exact match and token-level F1 (SQuAD style: quizkit.metrics.squad_exact_match / squad_f1)",
    "summarization": "ROUGE (quizkit.metrics.rouge)",
    "translation": "BLEU or chrF from sacrebleu (quizkit.metrics.bleu)",
}
ACCURACY_NAMES = {"accuracy", "acc", "eval_accuracy", "test_accuracy"}
GENERATION_METRIC_WORDS = ("rouge", "bleu", "chrf", "exact_match", "meteor")

# Thresholds, kept together so the lesson can quote them.
BASELINE_MARGIN = 0.02        # accuracy this close to "always predict the majority" is no skill
RECALL_SHORTFALL = 0.30       # a class recall this far below accuracy hides behind it
IMBALANCE_INFO, IMBALANCE_WARNING = 3.0, 10.0
PR_GAP = 0.25
CHANCE_MARGIN = 0.05
TRAIN_EVAL_GAP_WARNING, TRAIN_EVAL_GAP_SEVERE = 0.10, 0.20
LEAK_SEVERE_RATE = 0.05
BASELINE_METRICS = ("mcc", "balanced_accuracy", "accuracy")  # what a run is judged on against a baseline
FEW_POSITIVES = FEW_EXAMPLES  # fewer actual or predicted positives give a wide interval


def _pct(x: float) -> str:
    return f"{x:.0%}" if abs(x * 100 - round(x * 100)) < 1e-9 or x >= 0.1 else f"{x:.1%}"


def per_class(report: MetricReport, key: str) -> np.ndarray:
    """``key`` (precision, recall, f1, support...) of each class, in ``report.labels`` order."""
    return np.array([values[key] for values in report.per_class.values()], dtype=float)


def support(report: MetricReport) -> np.ndarray:
    """Actual examples of each class (the confusion matrix's row sums)."""
    return report.confusion_matrix.sum(axis=1)


def n_classes(report: MetricReport) -> int:
    """The classes of the task: at least two, even when the test set shows only one."""
    return max(2, len(report.labels))


def positive(report: MetricReport) -> int | None:
    """Index of the positive class of a binary report, else None."""
    return report.labels.index(report.positive_label) if report.average == "binary" else None


def imbalance_ratio(report: MetricReport) -> float:
    present = support(report)[support(report) > 0]
    return float(present.max() / present.min())


def accuracy_paradox(r: MetricReport) -> Finding | None:
    seen = support(r) > 0
    worst = int(np.argmin(np.where(seen, per_class(r, "recall"), np.inf)))
    worst_recall = float(per_class(r, "recall")[worst])
    k = max(2, int(seen.sum()))
    accuracy, baseline, ratio, name = r.accuracy, r.baseline_accuracy, imbalance_ratio(r), r.class_names[worst]
    # "As good as always guessing the majority" only means something when the majority is big.
    no_skill = accuracy <= baseline + BASELINE_MARGIN and baseline >= 1 / k + 0.1
    # Near-chance accuracy is its own finding; the paradox is about accuracy that looks good.
    hidden_class = worst_recall <= accuracy - RECALL_SHORTFALL and accuracy > 1 / k + CHANCE_MARGIN
    if not (no_skill or hidden_class):
        return None
    evidence = {
        "accuracy": accuracy, "baseline_accuracy": baseline, "worst_class_recall": worst_recall,
        "worst_class": name, "imbalance_ratio": ratio, "balanced_accuracy": r.balanced_accuracy, "mcc": r.mcc,
    }
    hiding = (
        f"Accuracy hides this because the classes are imbalanced {ratio:.1f}:1."
        if ratio > 1.5 else "One overall number averages the weak class away."
    )
    explanation = (
        f"Accuracy is {_pct(accuracy)}, but always predicting the most common class would already score "
        f"{_pct(baseline)}, and only {_pct(worst_recall)} of the '{name}' examples are found "
        f"(recall). {hiding} Balanced accuracy is {_pct(r.balanced_accuracy)} and MCC {r.mcc:.2f}. Judge the model with "
        "balanced accuracy, MCC, per-class recall or PR-AUC; then lower the decision threshold or "
        "train with class weights to catch more of the rare class."
    )
    return Finding("accuracy-paradox", "severe", "High accuracy, but a class is mostly missed", evidence, explanation)


def imbalance(r: MetricReport) -> Finding | None:
    ratio = imbalance_ratio(r)
    if ratio <= IMBALANCE_INFO:
        return None
    counts, names = support(r), r.class_names
    big, small = int(np.argmax(counts)), int(np.argmin(np.where(counts > 0, counts, np.inf)))
    evidence = {"imbalance_ratio": ratio, "largest_class_count": int(counts[big]), "smallest_class_count": int(counts[small])}
    explanation = (
        f"The test set has {int(counts[big])} '{names[big]}' examples but only {int(counts[small])} "
        f"'{names[small]}' ({ratio:.1f} to 1). With classes this uneven, accuracy mostly measures the big "
        "class: report per-class precision and recall, balanced accuracy or MCC."
    )
    severity = "warning" if ratio > IMBALANCE_WARNING else "info"
    return Finding("imbalance", severity, "Imbalanced classes", evidence, explanation)


def precision_recall_gap(r: MetricReport) -> Finding | None:
    pos = positive(r)
    if pos is None:
        return None
    precision, recall = r.precision, r.recall
    gap = abs(precision - recall)
    if not gap > PR_GAP:  # NaN (nothing predicted positive) is the few-positives finding's case
        return None
    name = r.class_names[pos]
    if precision > recall:
        meaning = (f"when the model says '{name}' it is usually right, but it misses {_pct(1 - recall)} of the real "
                   f"'{name}' cases (false negatives). Lower the threshold if misses are costly.")
    else:
        meaning = (f"it finds most '{name}' cases, but {_pct(1 - precision)} of its '{name}' alarms are false "
                   "(false positives). Raise the threshold if false alarms are costly.")
    explanation = f"For the '{name}' class precision is {_pct(precision)} and recall {_pct(recall)}: {meaning}"
    evidence = {"precision": precision, "recall": recall, "gap": gap}
    return Finding("precision-recall-gap", "warning", "Precision and recall far apart", evidence, explanation)


def near_chance(r: MetricReport) -> Finding | None:
    k = n_classes(r)
    chance = 1 / k
    if r.accuracy > chance + CHANCE_MARGIN:
        return None
    explanation = (
        f"Accuracy is {_pct(r.accuracy)} with {k} classes, where random guessing scores about {_pct(chance)}: "
        "the model has not learned the task. Check that labels match the texts, that the model is "
        "pretrained (not a random 'tiny' model), and train longer or with a higher learning rate."
    )
    evidence = {"accuracy": r.accuracy, "chance_accuracy": chance, "n_classes": k}
    return Finding("near-chance", "severe", "Accuracy near random guessing", evidence, explanation)


def few_positives(r: MetricReport) -> Finding | None:
    """Recall (and precision) of the positive class, or of the smallest class, resting on few examples."""
    from quizkit.metrics import wilson

    counts = support(r)
    i = positive(r)
    if i is None:
        i = int(np.argmin(np.where(counts > 0, counts, np.inf)))
    matrix = r.confusion_matrix
    n_actual, n_predicted, hits = int(counts[i]), int(matrix[:, i].sum()), int(matrix[i, i])
    if n_actual >= FEW_POSITIVES and n_predicted >= FEW_POSITIVES:
        return None
    name = r.class_names[i]
    recall = wilson(hits, n_actual, name="recall")
    precision = wilson(hits, n_predicted, name="precision", undefined=f"nothing predicted '{name}'")
    what = "positive" if positive(r) is not None else "smallest"
    explanation = (
        f"Judged on few examples: the test set has {n_actual} '{name}' examples (the {what} class) and the model "
        f"flags {n_predicted}. Recall is {hits}/{n_actual}: {recall.text}; precision {precision.text} "
        "(95% Wilson intervals). With fewer than "
        f"{FEW_POSITIVES} examples one more or one fewer hit moves these numbers a lot, so do not rank models or "
        "settings on them: report the interval, and collect more positive examples for the test set."
    )
    evidence = {"class": name, "n_actual": n_actual, "n_predicted": n_predicted, "recall": recall, "precision": precision,
                "threshold": FEW_POSITIVES}
    return Finding("few-positives", "warning", f"Metrics rest on few '{name}' examples", evidence, explanation)


def within_noise(comparison: Any) -> Finding | None:
    """The compared models' difference in the judged metric has an interval that includes zero."""
    if comparison.significant or np.isnan(comparison.low):
        return None
    other, this = comparison.names
    explanation = (
        f"{this.capitalize()} scores {comparison.metric} {comparison.b.text}, {other} {comparison.a.text}. The "
        f"difference {comparison.difference:+.2f} has a 95% paired-bootstrap interval [{comparison.low:+.2f}, "
        f"{comparison.high:+.2f}] that includes 0, and the two disagree on only {comparison.a_only + comparison.b_only} "
        f"examples (exact McNemar p = {comparison.p_value:.2g}): on this test set they cannot be told apart. Use a "
        "larger test set or compare over several seeds before preferring one."
    )
    evidence = {"comparison": comparison, "metric": comparison.metric, "difference": comparison.difference,
                "low": comparison.low, "high": comparison.high, "p_value": comparison.p_value}
    return Finding("within-noise", "warning", f"No clear difference from {other}", evidence, explanation)


def _metric_value(metrics: Any, name: str) -> float | None:
    """``name`` from a dict (with or without a train_/eval_ prefix) or a MetricReport."""
    if isinstance(metrics, Mapping):
        for key in (name, f"train_{name}", f"eval_{name}"):
            if isinstance(metrics.get(key), (int, float)):
                return float(metrics[key])
        return None
    value = getattr(metrics, name, None)
    return float(value) if isinstance(value, (int, float, np.floating)) else None


def train_eval_gap(r: MetricReport, train_metrics: Any) -> Finding | None:
    test = {"accuracy": r.accuracy, "balanced_accuracy": r.balanced_accuracy}
    if positive(r) is not None:
        test.update(precision=r.precision, recall=r.recall, f1=r.f1)
    gaps = {name: (train, value) for name, value in test.items()
            if not np.isnan(value) and (train := _metric_value(train_metrics, name)) is not None}
    if not gaps:
        return None
    name, (train, held_out) = max(gaps.items(), key=lambda item: item[1][0] - item[1][1])
    gap = train - held_out
    if gap <= TRAIN_EVAL_GAP_WARNING:
        return None
    explanation = (
        f"{name} is {_pct(train)} on the training data but {_pct(held_out)} on the test set ({gap * 100:.0f} points "
        "lower): the model memorised its training examples instead of learning what generalises. Use early "
        "stopping on the eval loss, fewer epochs, more data or weight decay."
    )
    severity = "severe" if gap > TRAIN_EVAL_GAP_SEVERE else "warning"
    evidence = {"metric": name, "train_value": train, "test_value": held_out, "gap": gap}
    return Finding("overfitting", severity, "Training score far above test score", evidence, explanation)


def rising_eval_loss(log_history: Sequence[Mapping[str, Any]]) -> Finding | None:
    from quizkit.metrics.learning import learning_curve

    curve = learning_curve(log_history)
    if curve.rise_step is None:
        return None
    # Overfitting (not just a noisy or diverging run) means training loss kept falling meanwhile.
    train_at_best = [loss for step, loss in curve.train if step <= curve.min_eval_step]
    train_later = [loss for step, loss in curve.train if step >= curve.rise_step]
    if not train_at_best or not train_later or train_later[-1] >= train_at_best[-1]:
        return None
    last_step, last_loss = curve.eval[-1]
    rise = last_loss - curve.min_eval_loss
    explanation = (
        f"The eval loss was lowest ({curve.min_eval_loss:.3f}) at step {curve.min_eval_step}, started rising at step "
        f"{curve.rise_step} and ended at {last_loss:.3f} (+{rise:.3f}, {rise / curve.min_eval_loss:.0%} higher) while "
        f"the training loss kept falling ({train_at_best[-1]:.3f} -> {train_later[-1]:.3f}). That is overfitting: keep "
        f"the step-{curve.min_eval_step} checkpoint (load_best_model_at_end=True) or add EarlyStoppingCallback."
    )
    evidence = {
        "best_step": curve.min_eval_step, "min_eval_loss": curve.min_eval_loss, "rise_step": curve.rise_step,
        "last_step": last_step, "last_eval_loss": last_loss, "eval_loss_rise": rise,
        "train_loss_at_best": train_at_best[-1], "last_train_loss": train_later[-1],
    }
    severity = "severe" if rise / curve.min_eval_loss > 0.2 else "warning"
    return Finding("overfitting", severity, "Eval loss rising while train loss falls", evidence, explanation)


def leakage(train_texts: Sequence[str], test_texts: Sequence[str]) -> Finding | None:
    from quizkit.data import find_overlap

    overlap = find_overlap(train_texts, test_texts)
    n_exact, n_near = len(overlap.exact), len(overlap.near)
    if n_exact + n_near == 0:
        return None
    test_idx, train_idx = (overlap.exact[0] if overlap.exact else overlap.near[0][:2])
    example_test, example_train = str(test_texts[test_idx]), str(train_texts[train_idx])
    explanation = (
        f"{n_exact} test texts appear word for word in the training set and {n_near} more are near copies: "
        f"{_pct(overlap.rate)} of the {overlap.n_test} test texts. The model has seen those answers, so test "
        f"scores overstate how it does on new data. Example: test #{test_idx} {example_test[:80]!r} ~ train "
        f"#{train_idx} {example_train[:80]!r}. Deduplicate before splitting, or drop the overlapping test texts."
    )
    evidence = {
        "n_exact": n_exact, "n_near": n_near, "n_test": overlap.n_test, "rate": overlap.rate,
        "example_test_index": test_idx, "example_train_index": train_idx,
        "example_test_text": example_test, "example_train_text": example_train,
    }
    severity = "severe" if overlap.rate >= LEAK_SEVERE_RATE else "warning"
    return Finding("leakage", severity, "Test texts also in the training data", evidence, explanation)


def wrong_metric(task: str, metric_names: Sequence[str]) -> Finding | None:
    lowered = [m.lower() for m in metric_names]
    if task in GENERATION_TASKS:
        used = [m for m in lowered if m in ACCURACY_NAMES]
        if not used:
            return None
        explanation = (
            f"A {task} model writes text, so almost no output matches the reference character for character: "
            f"accuracy ({used[0]}) scores good answers as wrong and says nothing about how close they are. "
            f"Use {GENERATION_TASKS[task]}."
        )
    else:
        used = [m for m in lowered if any(word in m for word in GENERATION_METRIC_WORDS)]
        if not used:
            return None
        explanation = (
            f"{used[0]} compares generated text with reference text; a classifier outputs labels. Use accuracy "
            "with precision, recall and F1 per class (or balanced accuracy / MCC when classes are imbalanced)."
        )
    evidence = {"task": task, "metrics": list(metric_names)}
    return Finding("wrong-metric-for-task", "severe", "Metric does not fit the task", evidence, explanation)


def baseline(comparison: Any) -> Finding | None:
    """Flag a run not shown better than the baseline: the paired interval of (run - baseline) reaches 0.

    ``comparison`` is :func:`quizkit.metrics.compare` with the baseline as A and the run as B,
    on the same test examples: the pairing cancels the examples both get right or both get
    wrong, so it sees differences that two separate intervals hide.
    """
    if comparison.low > 0:
        return None
    what, _ = comparison.names
    metric, run, base = comparison.metric, comparison.b.value, comparison.a.value
    verdict = ("includes 0: on this test set the two cannot be told apart" if comparison.high >= 0
               else "lies below 0: the baseline is better")
    explanation = (
        f"This run's {metric} is {run:.2f}, {what} scores {base:.2f}. The difference {comparison.difference:+.2f} "
        f"has a 95% paired-bootstrap interval [{comparison.low:+.2f}, {comparison.high:+.2f}] over the same "
        f"{comparison.n} test examples (exact McNemar p = {comparison.p_value:.2g}), which {verdict}. "
        "Fine-tuning costs minutes and a baseline costs a second: until the run clears the "
        "baseline, it has not shown that it learned more than the baseline's shortcut."
    )
    evidence = {"metric": metric, "run": run, "baseline": base, "difference": comparison.difference,
                "low": comparison.low, "high": comparison.high, "p_value": comparison.p_value,
                "baseline_model": what, "comparison": comparison}
    return Finding("not-better-than-baseline", "warning", "Does not beat the baseline", evidence, explanation)
