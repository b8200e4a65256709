"""Fine-tune a classifier with the Hugging Face ``Trainer`` in one call, and keep what it learned.

One module per reason to change:

- :mod:`~quizkit.train.config`: :class:`RunConfig` (every setting, checked when it is built)
  and the data a config names;
- :mod:`~quizkit.train.recipe`: the default recipe (``"auto"`` epochs and text length, class
  weights, the ``TrainingArguments``);
- :mod:`~quizkit.train.decision`: the decision threshold of a binary run (``threshold="auto"``
  chosen on the validation split once training is done);
- :mod:`~quizkit.train.fine_tune`: :func:`run`, the Trainer and its callbacks;
- :mod:`~quizkit.train.result`: :class:`RunResult`, ``run.json`` (:meth:`RunResult.save`,
  :func:`load_run`) and the runs shipped in ``quizkit/runs/`` (:func:`recorded_runs`);
- :mod:`~quizkit.train.script_template`: a runnable ``Trainer`` script (and the one
  :class:`WeightedCrossEntropy`), which :mod:`~quizkit.train.export` fills with a run's settings
  for :meth:`RunResult.export_trainer_script`;
- :mod:`~quizkit.train.progress`: the live progress bar and the table of evaluations a run shows;
- :mod:`~quizkit.train.threads`: torch's thread count, kept to the cores the process may use.

>>> from quizkit.train import load_run
>>> load_run("overfit-minilm").config.model
'minilm'
>>> result = run(model="tiny", data={"task": "spam", "n": 200}, epochs=1)  # doctest: +SKIP
>>> result.save("runs/first")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from quizkit.train.config import (
    best_metrics,
    DEFAULT_N,
    EVAL_STRATEGIES,
    PADDINGS,
    SAMPLING_STRATEGIES,
    RunConfig,
    generated_data_spec,
    resolve_data,
)
from quizkit.train.recipe import (
    AUTO_CPU_TOKENS,
    AUTO_MAX_EPOCHS,
    AUTO_MAX_LENGTH,
    AUTO_MIN_LENGTH,
    AUTO_MIN_STEPS,
    IMBALANCE_PROPOSAL_RATIO,
    LOG_POINTS,
    planned_steps,
    propose_class_weights,
    resolve_class_weights,
    resolve_epochs,
    resolve_max_length,
    training_arguments,
    training_kwargs,
)
from quizkit.train.decision import MIN_CLASS_EXAMPLES, ThresholdDecision, decide_threshold
from quizkit.train.result import RECORDED_RUNS, SAVE_FORMAT, RunResult, load_run, recorded_runs
from quizkit.train.fine_tune import run, time_budget_callback
from quizkit.train.threads import available_cores, cap_torch_threads

# No more torch threads than the cores this process may use (a container's quota, say): set
# here, once, for every lesson that trains.
cap_torch_threads()

__all__ = [
    "AUTO_CPU_TOKENS",
    "AUTO_MAX_EPOCHS",
    "AUTO_MAX_LENGTH",
    "AUTO_MIN_LENGTH",
    "AUTO_MIN_STEPS",
    "DEFAULT_N",
    "EVAL_STRATEGIES",
    "IMBALANCE_PROPOSAL_RATIO",
    "LOG_POINTS",
    "MIN_CLASS_EXAMPLES",
    "PADDINGS",
    "RECORDED_RUNS",
    "SAMPLING_STRATEGIES",
    "SAVE_FORMAT",
    "RunConfig",
    "RunResult",
    "ThresholdDecision",
    "WeightedCrossEntropy",
    "available_cores",
    "best_metrics",
    "cap_torch_threads",
    "decide_threshold",
    "generated_data_spec",
    "load_run",
    "planned_steps",
    "propose_class_weights",
    "recorded_runs",
    "resolve_class_weights",
    "resolve_data",
    "resolve_epochs",
    "resolve_max_length",
    "run",
    "time_budget_callback",
    "training_arguments",
    "training_kwargs",
]


def __getattr__(name: str) -> Any:
    # The loss lives in the script template, which imports torch and transformers at its top
    # (it is a standalone script too); loading it on first use keeps `from quizkit.train
    # import load_run` free of them.
    if name == "WeightedCrossEntropy":
        from quizkit.train.script_template import WeightedCrossEntropy

        return WeightedCrossEntropy
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
