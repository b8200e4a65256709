"""Record the training runs that the notebooks replay instead of training live.

Some lessons need runs that take minutes on a CPU (many epochs, thousands of examples).
Each is trained once here with ``quizkit.train.run`` and saved with ``RunResult.save`` into
``quizkit/runs/<name>/run.json`` (package data, so installed copies such as Colab have them);
the notebooks load them by name with ``quizkit.train.load_run("<name>")``.
Runs are seeded, so re-recording on the same machine gives the same numbers.

    python tools/record_runs.py              # record every run
    python tools/record_runs.py overfit      # record the runs whose name contains "overfit"
    python tools/record_runs.py --list       # show the recipes
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

RUNS_DIR = Path(__file__).resolve().parent.parent / "quizkit" / "runs"

# Small spam data with 20% of the train/validation labels flipped (test labels stay true):
# after a few epochs the model starts memorising the flipped labels.
NOISY_SPAM = {"task": "spam", "n": 400, "label_noise": 0.2}
# Fraud at 2% positives with enough examples that the test split holds several fraud cases.
RARE_FRAUD = {"task": "fraud", "n": 3000, "positive_rate": 0.02}
# Lesson 05 monitors the evaluation loss; every evaluation also logs F1 and accuracy, so the
# notebook can show the loss rising (overconfident mistakes) while F1 stays flat.
LONG_NOISY = dict(model="minilm", data=NOISY_SPAM, epochs=10, learning_rate=1e-4, max_length=64,
                  eval_strategy="steps", eval_steps=9, logging_steps=9)
# Lesson 04: the two fraud runs differ in class weights only.
FRAUD_RUN = dict(model="minilm", data=RARE_FRAUD, epochs=2, learning_rate=1e-4, max_length=64, class_weight=None)


def drug_reviews():
    """Lesson 10's real data: positive vs not positive drug reviews, split as the notebook splits them."""
    from quizkit.data.drug_reviews import drug_reviews_binary

    return drug_reviews_binary()


RECIPES: dict[str, dict] = {
    # Lesson 05: ten epochs with an evaluation every few steps, no early stopping.
    "overfit-minilm": LONG_NOISY,
    # Lesson 05: the same run, stopped when the validation loss has not improved for 3 evaluations.
    "early-stop-minilm": dict(LONG_NOISY, early_stopping_patience=3, metric_for_best_model="loss"),
    # Lesson 04: a pretrained model on rare fraud, without and with balanced class weights.
    "fraud-minilm": FRAUD_RUN,
    "fraud-minilm-balanced": dict(FRAUD_RUN, class_weight="balanced"),
    # Lesson 10: the default recipe of run() on real reviews (its "auto" class weights and its
    # threshold chosen on validation apply: 64% of the training reviews are positive).
    "drug-reviews-minilm": dict(model="minilm", data=drug_reviews),
}


def record(name: str) -> Path:
    from quizkit.train import run

    recipe = dict(RECIPES[name])
    if callable(recipe["data"]):
        recipe["data"] = recipe["data"]()  # a DatasetDict built from files, not a generated task
    start = time.perf_counter()
    result = run(seed=0, disable_tqdm=True, **recipe)
    path = result.save(RUNS_DIR / name)
    print(f"{name}: {result.steps}/{result.planned_steps} steps in {time.perf_counter() - start:.0f} s, "
          f"test f1 {result.test_metrics.f1:.3f} mcc {result.test_metrics.mcc:.3f} -> {path.relative_to(RUNS_DIR.parent.parent)}", flush=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="record only runs whose name contains one of these")
    parser.add_argument("--list", action="store_true", help="print the recipes and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, recipe in RECIPES.items():
            print(f"{name}: {recipe}")
        return 0
    chosen = [n for n in RECIPES if not args.names or any(part in n for part in args.names)]
    if not chosen:
        parser.error(f"no recipe matches {args.names}; recipes: {sorted(RECIPES)}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    for name in chosen:
        record(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
