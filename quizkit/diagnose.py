"""Spot the classic ways a fine-tuning result misleads: accuracy paradox, leakage, overfitting...

:func:`diagnose_predictions` looks at test labels and predictions (plus, when given, the
training texts, the Trainer log history and training-set metrics) and returns a
:class:`Diagnosis`: a list of :class:`Finding` objects, worst first, each stating its numbers
in plain words. :func:`diagnose` does the same for a :class:`quizkit.train.RunResult`.

Given a second model's predictions on the same test set (``compare_to``: another run, a
baseline's predictions), the diagnosis also compares the two with
:func:`quizkit.metrics.compare` and says when their difference is within noise.

>>> d = diagnose_predictions([0] * 95 + [1] * 5, [0] * 100, label_names=["legit", "fraud"])
>>> d.codes
['accuracy-paradox', 'imbalance', 'few-positives']
>>> bool(d.severe)
True
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

SEVERITIES = ("severe", "warning", "info")
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
FEW_POSITIVES = 30            # a proportion over fewer examples than this has a wide interval


@dataclass(frozen=True)
class Finding:
    """One problem found: ``code`` (stable id), ``severity``, ``title``, ``evidence`` (numbers), ``explanation``."""

    code: str
    severity: str
    title: str
    evidence: dict[str, Any] = field(default_factory=dict)
    explanation: str = ""

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {self.severity!r}")

    def __str__(self) -> str:
        return f"[{self.severity}] {self.title} ({self.code})\n    {self.explanation}"


_COLOURS = {"severe": "#b2182b", "warning": "#e08214", "info": "#2166ac"}


class Diagnosis(Sequence[Finding]):
    """The findings, worst first. Empty means nothing suspicious was found."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self._findings = sorted(findings, key=lambda f: SEVERITIES.index(f.severity))

    def __getitem__(self, index: Any) -> Any:
        return self._findings[index]

    def __len__(self) -> int:
        return len(self._findings)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._findings)

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self._findings]

    @property
    def severe(self) -> list[Finding]:
        return [f for f in self._findings if f.severity == "severe"]

    def get(self, code: str) -> Finding | None:
        return next((f for f in self._findings if f.code == code), None)

    def __str__(self) -> str:
        if not self._findings:
            return "No problems found."
        return "\n".join(str(f) for f in self._findings)

    def __repr__(self) -> str:
        return f"Diagnosis({self.codes})"

    def _repr_html_(self) -> str:
        if not self._findings:
            return "<div class='quizkit-diagnosis'><b>No problems found.</b></div>"
        items = "".join(
            f"<li style='margin-bottom:0.4em'><span style='color:{_COLOURS[f.severity]};font-weight:bold'>"
            f"{f.severity.upper()}</span> <b>{html.escape(f.title)}</b> <code>{f.code}</code><br>"
            f"{html.escape(f.explanation)}</li>"
            for f in self._findings
        )
        return f"<div class='quizkit-diagnosis'><ul>{items}</ul></div>"


def _pct(x: float) -> str:
    return f"{x:.0%}" if abs(x * 100 - round(x * 100)) < 1e-9 or x >= 0.1 else f"{x:.1%}"


@dataclass
class _Scores:
    """The classification numbers every rule reads, computed once with scikit-learn."""

    labels: list[Any]
    names: list[str]
    support: np.ndarray
    predicted: np.ndarray
    hits: np.ndarray
    recall: np.ndarray
    precision: np.ndarray
    f1: np.ndarray
    accuracy: float
    balanced_accuracy: float
    mcc: float

    @property
    def baseline(self) -> float:
        return float(self.support.max() / self.support.sum())

    @property
    def imbalance_ratio(self) -> float:
        present = self.support[self.support > 0]
        return float(present.max() / present.min())

    @property
    def positive(self) -> int | None:
        """Index of the positive class of a binary task (label 1, else the second label)."""
        if len(self.labels) != 2:
            return None
        return self.labels.index(1) if 1 in self.labels else 1


def _scores(y_true: Sequence[Any], y_pred: Sequence[Any], label_names: Sequence[str] | None) -> _Scores:
    from sklearn.metrics import (
        accuracy_score,
        balanced_accuracy_score,
        matthews_corrcoef,
        precision_recall_fscore_support,
    )

    true = np.asarray(y_true)
    pred = np.asarray(y_pred)
    if true.ndim != 1 or pred.ndim != 1:
        raise ValueError(f"y_true and y_pred must be 1-D label lists; got shapes {true.shape} and {pred.shape} "
                         "(logits? take argmax(-1) first)")
    if len(true) != len(pred):
        raise ValueError(f"y_true has {len(true)} items but y_pred has {len(pred)}")
    if len(true) == 0:
        raise ValueError("y_true is empty")
    labels = sorted(set(true.tolist()) | set(pred.tolist()))
    if len(labels) < 2:
        labels = [0, 1] if labels[0] in (0, 1) else labels + ["(other)"]
    if label_names is not None and all(isinstance(x, (int, np.integer)) for x in labels) and max(labels) < len(label_names):
        names = [str(label_names[i]) for i in labels]
    else:
        names = [str(x) for x in labels]
    precision, recall, f1, support = precision_recall_fscore_support(true, pred, labels=labels, zero_division=0)
    return _Scores(
        labels=labels, names=names, support=support, recall=recall,
        predicted=np.array([int(np.sum(pred == label)) for label in labels]),
        hits=np.array([int(np.sum((pred == label) & (true == label))) for label in labels]), precision=precision, f1=f1,
        accuracy=float(accuracy_score(true, pred)),
        balanced_accuracy=float(balanced_accuracy_score(true, pred)) if len(set(true.tolist())) > 1 else float("nan"),
        mcc=float(matthews_corrcoef(true, pred)),
    )


def _accuracy_paradox(s: _Scores) -> Finding | None:
    seen = s.support > 0
    worst = int(np.argmin(np.where(seen, s.recall, np.inf)))
    worst_recall = float(s.recall[worst])
    k = int(seen.sum())
    # "As good as always guessing the majority" only means something when the majority is big.
    no_skill = s.accuracy <= s.baseline + BASELINE_MARGIN and s.baseline >= 1 / k + 0.1
    # Near-chance accuracy is its own finding; the paradox is about accuracy that looks good.
    hidden_class = worst_recall <= s.accuracy - RECALL_SHORTFALL and s.accuracy > 1 / k + CHANCE_MARGIN
    if not (no_skill or hidden_class):
        return None
    evidence = {
        "accuracy": s.accuracy, "baseline_accuracy": s.baseline, "worst_class_recall": worst_recall,
        "worst_class": s.names[worst], "imbalance_ratio": s.imbalance_ratio,
        "balanced_accuracy": s.balanced_accuracy, "mcc": s.mcc,
    }
    hiding = (
        f"Accuracy hides this because the classes are imbalanced {s.imbalance_ratio:.1f}:1."
        if s.imbalance_ratio > 1.5 else "One overall number averages the weak class away."
    )
    explanation = (
        f"Accuracy is {_pct(s.accuracy)}, but always predicting the most common class would already score "
        f"{_pct(s.baseline)}, and only {_pct(worst_recall)} of the '{s.names[worst]}' examples are found "
        f"(recall). {hiding} Balanced accuracy is {_pct(s.balanced_accuracy)} and MCC {s.mcc:.2f}. Judge the model with "
        "balanced accuracy, MCC, per-class recall or PR-AUC; then lower the decision threshold or "
        "train with class weights to catch more of the rare class."
    )
    return Finding("accuracy-paradox", "severe", "High accuracy, but a class is mostly missed", evidence, explanation)


def _imbalance(s: _Scores) -> Finding | None:
    ratio = s.imbalance_ratio
    if ratio <= IMBALANCE_INFO:
        return None
    big, small = int(np.argmax(s.support)), int(np.argmin(np.where(s.support > 0, s.support, np.inf)))
    evidence = {"imbalance_ratio": ratio, "largest_class_count": int(s.support[big]), "smallest_class_count": int(s.support[small])}
    explanation = (
        f"The test set has {int(s.support[big])} '{s.names[big]}' examples but only {int(s.support[small])} "
        f"'{s.names[small]}' ({ratio:.1f} to 1). With classes this uneven, accuracy mostly measures the big "
        "class: report per-class precision and recall, balanced accuracy or MCC."
    )
    severity = "warning" if ratio > IMBALANCE_WARNING else "info"
    return Finding("imbalance", severity, "Imbalanced classes", evidence, explanation)


def _precision_recall_gap(s: _Scores) -> Finding | None:
    pos = s.positive
    if pos is None:
        return None
    precision, recall = float(s.precision[pos]), float(s.recall[pos])
    gap = abs(precision - recall)
    if gap <= PR_GAP:
        return None
    name = s.names[pos]
    if precision > recall:
        meaning = (f"when the model says '{name}' it is usually right, but it misses {_pct(1 - recall)} of the real "
                   f"'{name}' cases (false negatives). Lower the threshold if misses are costly.")
    else:
        meaning = (f"it finds most '{name}' cases, but {_pct(1 - precision)} of its '{name}' alarms are false "
                   "(false positives). Raise the threshold if false alarms are costly.")
    explanation = f"For the '{name}' class precision is {_pct(precision)} and recall {_pct(recall)}: {meaning}"
    evidence = {"precision": precision, "recall": recall, "gap": gap}
    return Finding("precision-recall-gap", "warning", "Precision and recall far apart", evidence, explanation)


def _near_chance(s: _Scores) -> Finding | None:
    k = len(s.labels)
    chance = 1 / k
    if s.accuracy > chance + CHANCE_MARGIN:
        return None
    explanation = (
        f"Accuracy is {_pct(s.accuracy)} with {k} classes, where random guessing scores about {_pct(chance)}: "
        "the model has not learned the task. Check that labels match the texts, that the model is "
        "pretrained (not a random 'tiny' model), and train longer or with a higher learning rate."
    )
    evidence = {"accuracy": s.accuracy, "chance_accuracy": chance, "n_classes": k}
    return Finding("near-chance", "severe", "Accuracy near random guessing", evidence, explanation)


def _few_positives(s: _Scores) -> Finding | None:
    """Recall (and precision) of the positive class, or of the smallest class, resting on few examples."""
    from quizkit.metrics import wilson

    if s.positive is not None:
        i = s.positive
    else:
        i = int(np.argmin(np.where(s.support > 0, s.support, np.inf)))
    n_actual, n_predicted, hits = int(s.support[i]), int(s.predicted[i]), int(s.hits[i])
    if n_actual >= FEW_POSITIVES and n_predicted >= FEW_POSITIVES:
        return None
    name = s.names[i]
    recall = wilson(hits, n_actual, name="recall")
    precision = wilson(hits, n_predicted, name="precision", undefined=f"nothing predicted '{name}'")
    what = "positive" if s.positive is not None else "smallest"
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


def _within_noise(comparison: Any) -> Finding | None:
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


def _train_eval_gap(s: _Scores, train_metrics: Any) -> Finding | None:
    test = {"accuracy": s.accuracy, "balanced_accuracy": s.balanced_accuracy}
    if s.positive is not None:
        pos = s.positive
        test.update(precision=float(s.precision[pos]), recall=float(s.recall[pos]), f1=float(s.f1[pos]))
    gaps = {name: (train, test[name]) for name in test if (train := _metric_value(train_metrics, name)) is not None}
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


def _rising_eval_loss(log_history: Sequence[Mapping[str, Any]]) -> Finding | None:
    from quizkit.viz import LearningCurveDisplay

    curve = LearningCurveDisplay(log_history)
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


def _leakage(train_texts: Sequence[str], test_texts: Sequence[str]) -> Finding | None:
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


def _wrong_metric(task: str, metric_names: Sequence[str]) -> Finding | None:
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


def _interval(report: Any, metric: str) -> tuple[float, float] | None:
    """The (low, high) interval of ``metric`` from a MetricReport that has intervals, else None."""
    interval = getattr(report, "interval", None)
    if not callable(interval):
        return None
    try:
        low, high = interval(metric)[:2]
    except (KeyError, ValueError, TypeError):
        return None
    return float(low), float(high)


def _baseline(s: _Scores, baseline: Any, metric: str) -> Finding | None:
    """Flag a run whose ``metric`` does not clear the baseline's (interval's upper end when known)."""
    if metric not in BASELINE_METRICS:
        raise ValueError(f"baseline_metric must be one of {BASELINE_METRICS}, got {metric!r}")
    report = getattr(baseline, "test_metrics", baseline)
    name = getattr(baseline, "config", None) and baseline.config.model
    base = _metric_value(report, metric)
    if base is None:
        raise ValueError(f"baseline has no {metric!r} to compare with (pass a RunResult or a MetricReport)")
    value = getattr(s, metric)
    interval = _interval(report, metric)
    bar = interval[1] if interval else base
    if value > bar:
        return None
    what = f"the {name} baseline" if name else "the baseline"
    where = (f"inside its interval {interval[0]:.2f} to {interval[1]:.2f}" if interval and value >= interval[0]
             else "below it" if value < base else "no better")
    explanation = (
        f"This run's {metric} is {value:.2f}, {what} scores {base:.2f} ({where}). "
        "Fine-tuning costs minutes and a baseline costs a second: until the run clears the "
        "baseline, it has not shown that it learned more than the baseline's shortcut."
    )
    evidence = {"metric": metric, "run": value, "baseline": base, "baseline_interval": interval, "baseline_model": name}
    return Finding("not-better-than-baseline", "warning", "Does not beat the baseline", evidence, explanation)


def diagnose_predictions(
    y_true: Sequence[Any],
    y_pred: Sequence[Any],
    train_texts: Sequence[str] | None = None,
    test_texts: Sequence[str] | None = None,
    train_metrics: Mapping[str, float] | Any = None,
    log_history: Sequence[Mapping[str, Any]] | None = None,
    task: str = "classification",
    metric_names: Sequence[str] | None = None,
    label_names: Sequence[str] | None = None,
    baseline: Any = None,
    baseline_metric: str = "mcc",
    compare_to: Sequence[Any] | None = None,
    compare_name: str = "the other model",
    compare_metric: str = "f1",
) -> Diagnosis:
    """Run every rule that the given inputs allow and return the findings.

    ``task`` is ``"classification"`` (any classification task name works) or one of
    ``"qa"``, ``"summarization"``, ``"translation"``; ``metric_names`` are the metrics the
    run was judged with (e.g. ``["accuracy"]``). ``train_metrics`` is a dict such as
    ``{"accuracy": 0.99}`` or a MetricReport on the training set. ``baseline`` (a baseline's
    :class:`~quizkit.train.RunResult` from :mod:`quizkit.baselines`, or its MetricReport on the
    same test set) adds "does not beat the baseline" when the run's ``baseline_metric`` is not
    above the baseline's (above the top of its interval when the report has intervals).

    ``compare_to`` holds another model's predicted classes for the same test examples
    (called ``compare_name``); the two are compared on ``compare_metric`` with
    :func:`quizkit.metrics.compare` (A = the other model, B = ``y_pred``), and a
    ``within-noise`` finding says when the difference's 95% interval includes zero. Rules that
    judge a comparison read that one :class:`~quizkit.metrics.Comparison`.

    >>> diagnose_predictions([0, 1] * 50, [0, 1] * 45 + [1, 0] * 5).codes
    []
    >>> y = [0, 1] * 50
    >>> diagnose_predictions(y, [0, 1] * 45 + [1, 0] * 5, compare_to=[0, 1] * 44 + [1, 0] * 6).codes
    ['within-noise']
    """
    if not isinstance(task, str):
        raise TypeError(f"task must be a string such as 'classification' or 'qa', got {task!r}")
    if metric_names is not None and (isinstance(metric_names, str) or not all(isinstance(m, str) for m in metric_names)):
        raise TypeError(f"metric_names must be a list of metric names, got {metric_names!r}")
    findings: list[Finding | None] = []
    if metric_names:
        findings.append(_wrong_metric(task, metric_names))
    if task not in GENERATION_TASKS:
        s = _scores(y_true, y_pred, label_names)
        findings += [_accuracy_paradox(s), _near_chance(s), _precision_recall_gap(s), _imbalance(s)]
        findings.append(_few_positives(s))
        if train_metrics is not None:
            findings.append(_train_eval_gap(s, train_metrics))
        if baseline is not None:
            findings.append(_baseline(s, baseline, baseline_metric))
        if compare_to is not None:
            from quizkit.metrics import compare

            comparison = compare(y_true, compare_to, y_pred, metric=compare_metric, names=(compare_name, "this model"))
            findings.append(_within_noise(comparison))
    if log_history and any(isinstance(e, Mapping) and "eval_loss" in e for e in log_history):
        findings.append(_rising_eval_loss(log_history))
    if train_texts is not None and test_texts is not None:
        findings.append(_leakage(train_texts, test_texts))
    return Diagnosis([f for f in findings if f is not None])


def diagnose(run: Any, compare_to: Any = None, **overrides: Any) -> Diagnosis:
    """Diagnose a :class:`quizkit.train.RunResult`; keyword arguments override what is read from it.

    ``diagnose(result, baseline=tfidf_logreg(data))`` also checks that the run beats the baseline.
    ``compare_to`` is another run on the same test set (or a baseline's predicted classes for
    it): the diagnosis then says whether the two differ beyond noise in the metric the run was
    judged on (its ``metric_for_best_model``, F1 when that is the loss).

    >>> from quizkit.train import load_run
    >>> diagnose(load_run("overfit-minilm"), compare_to=load_run("overfit-minilm")).codes
    ['overfitting', 'within-noise']
    """
    inputs: dict[str, Any] = {
        "y_true": run.test_labels,
        "y_pred": run.test_predictions,
        "train_texts": getattr(run, "train_texts", None),
        "test_texts": getattr(run, "test_texts", None),
        # A run records training-set metrics only when asked to (they cost an extra pass).
        "train_metrics": getattr(run, "train_metrics", None) or getattr(run, "extra", {}).get("train_metrics"),
        "log_history": getattr(run, "log_history", None),
        "label_names": getattr(run, "label_names", None),
    }
    if compare_to is not None:
        inputs.update(_comparison_inputs(run, compare_to))
    inputs.update(overrides)
    return diagnose_predictions(**inputs)


def _comparison_inputs(run: Any, other: Any) -> dict[str, Any]:
    """``diagnose_predictions`` keywords comparing ``run`` with another run (or predictions)."""
    from quizkit.metrics.classification import HEADLINE

    judged = getattr(getattr(run, "config", None), "metric_for_best_model", "f1")
    inputs: dict[str, Any] = {"compare_metric": judged if judged in HEADLINE else "f1"}
    if hasattr(other, "test_predictions"):
        if not np.array_equal(np.asarray(other.test_labels), np.asarray(run.test_labels)):
            raise ValueError("diagnose(compare_to=...): the two runs were tested on different test sets "
                             f"({len(other.test_labels)} vs {len(run.test_labels)} labels, or in another order); "
                             "a paired comparison needs the same examples")
        config = getattr(other, "config", None)
        inputs.update(compare_to=other.test_predictions,
                      compare_name=f"the {config.model} run" if config is not None else "the other run")
    else:
        inputs["compare_to"] = other
    return inputs
