"""The decision threshold of a binary run: ``threshold="auto"``, settled on the validation split.

A fine-tuned classifier's scores lean towards the class it saw most. On imbalanced data the usual
cut at P(label 1) = 0.5 can then hide the rare class behind a good accuracy (lesson 04), class
weights or not. ``"auto"`` keeps 0.5 where that trap is absent or cannot be avoided reliably, and
elsewhere takes the threshold with the best MCC on the validation split (never on test), as
scikit-learn's ``TunedThresholdClassifierCV`` tunes a cut on held-out data:

- only a binary run has a threshold (a multi-class run predicts its most probable class);
- the train split must be imbalanced by ``IMBALANCE_PROPOSAL_RATIO``, the rule that also turns
  on ``class_weight="auto"``: on balanced data a model has no majority to lean towards, and 0.5
  stays the cut the course's threshold lessons start from;
- the validation split must hold at least ``MIN_CLASS_EXAMPLES`` examples of each class: a cut
  chosen on fewer follows a handful of examples (lesson 04's 9 validation frauds).

>>> labels = [0] * 40 + [1] * 80
>>> scores = [0.2] * 30 + [0.7] * 10 + [0.6] * 10 + [0.9] * 70  # "0"s score up to 0.7
>>> choice = decide_threshold("auto", [0] * 100 + [1] * 200, labels, scores)
>>> choice.threshold, choice.chosen_on_validation
(0.9, True)
>>> decide_threshold("auto", [0] * 150 + [1] * 150, labels, scores).threshold  # balanced train split
0.5
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from quizkit.metrics.uncertainty import FEW_EXAMPLES
from quizkit.train.recipe import propose_class_weights

# Fewer validation examples than this in a class, and "auto" keeps 0.5.
MIN_CLASS_EXAMPLES = FEW_EXAMPLES
USUAL_THRESHOLD = 0.5


@dataclass(frozen=True)
class ThresholdDecision:
    """The cut a run's test predictions use, and why.

    ``threshold`` is ``None`` for a multi-class run (most probable class), else P(label 1) >= it
    is label 1. ``chosen_on_validation`` says ``"auto"`` moved it from 0.5; then
    ``validation_mcc`` is MCC on the validation split at it and ``validation_mcc_at_usual`` at 0.5.
    """

    threshold: float | None
    chosen_on_validation: bool = False
    validation_mcc: float | None = None
    validation_mcc_at_usual: float | None = None
    positive_name: str = "label 1"

    def notice(self) -> str | None:
        """One line for the learner when ``"auto"`` moved the cut; None otherwise."""
        if not self.chosen_on_validation:
            return None
        return (f"quizkit: the classes are imbalanced, so the decision threshold was chosen on the validation split: "
                f"'{self.positive_name}' when its probability is at least {self.threshold:.3g} (validation MCC {self.validation_mcc:.2f}, "
                f"against {self.validation_mcc_at_usual:.2f} at 0.5). Test predictions use it; threshold=0.5 keeps the usual cut.")

    def as_record(self) -> dict[str, Any]:
        """How the cut was decided, for ``RunResult.extra["threshold_decision"]`` (the cut itself
        is ``RunResult.threshold``)."""
        return {"chosen_on_validation": self.chosen_on_validation, "validation_mcc": self.validation_mcc,
                "validation_mcc_at_usual": self.validation_mcc_at_usual}


def decide_threshold(spec: float | str | None, train_labels: Sequence[int], validation_labels: Sequence[int],
                     validation_scores: Any, positive_name: str = "label 1") -> ThresholdDecision:
    """Resolve ``RunConfig.threshold`` once training is done (see the module's rules for ``"auto"``).

    ``validation_scores`` are P(label 1) per validation example for a binary run, the ``(n, k)``
    probability matrix for a multi-class one (which has no threshold). A number is kept as
    given; ``None`` is the usual 0.5.

    >>> decide_threshold(0.3, [0, 1], [0, 1], [0.2, 0.8]).threshold
    0.3
    """
    import numpy as np

    scores = np.asarray(validation_scores, dtype=float)
    if scores.ndim != 1:
        return ThresholdDecision(None)
    if spec is None:
        return ThresholdDecision(USUAL_THRESHOLD)
    if spec != "auto":
        return ThresholdDecision(float(spec))
    validation = np.asarray(validation_labels, dtype=int)
    if propose_class_weights(train_labels, 2) is None or np.bincount(validation, minlength=2).min() < MIN_CLASS_EXAMPLES:
        return ThresholdDecision(USUAL_THRESHOLD)
    from quizkit.metrics import threshold_sweep

    sweep = threshold_sweep(validation, scores)
    best = sweep.best("mcc")
    return ThresholdDecision(best["threshold"], chosen_on_validation=True, validation_mcc=best["mcc"],
                             validation_mcc_at_usual=sweep.at(USUAL_THRESHOLD)["mcc"], positive_name=positive_name)
