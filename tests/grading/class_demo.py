"""The demo class: 40 simulated students answering tests/fixtures/class-demo/class-demo.yaml.

Regenerate the committed fixture (after editing the bank or this script) with

    python tests/grading/class_demo.py

Each student has an ability drawn from a normal distribution; a question is answered right
with probability ``1 / (1 + exp(-A * (ability - difficulty)))`` (a two-parameter logistic
model), and a wrong answer picks a distractor or a typical mistake at random. Two things are
planted, and the tests check that item analysis and concept mastery find them:

- the precision-recall-tradeoff questions are hard (difficulty 0.7 on the ability scale), so
  that concept is the class's weakest;
- ``leak-cause`` is flawed: its key (A) is a weaker answer than option C, so the stronger a
  student, the likelier they pick C and are marked wrong.

The notebooks hold the answer records as the quiz widgets save them (no kernel is run, so
generating 40 of them takes a second); ``roster.csv`` lists 39 of the students plus one who
submitted nothing, with names that need CSV quoting and non-ASCII letters.
"""

from __future__ import annotations

import csv
import math
import random
import shutil
import sys
from pathlib import Path

FOLDER = Path(__file__).parents[1] / "fixtures" / "class-demo"
BANK = FOLDER / "class-demo.yaml"
STUDENTS = 40
SLOPE = 2.0
# Difficulty of each question on the ability scale (ability ~ N(0, 1)).
DIFFICULTY = {
    "cm-false-negatives": -1.0, "cm-precision": -0.5, "cm-error-cells": -0.7,
    "pr-raise-threshold": 0.7, "pr-screening-metric": 0.6, "pr-f1": 0.8,
    "ap-majority-accuracy": -0.4, "ap-exposing-metric": 0.0, "ap-robust-metrics": 0.3,
    "leak-dedupe": -0.5, "leak-fit-on": 0.0,
}
FLAWED = "leak-cause"
WRONG = {  # typical mistakes for the questions that are not choice questions
    "cm-precision": [0.8, 0.3333, 0.5], "pr-f1": [0.75, 0.5], "ap-majority-accuracy": [0.05, 0.5],
    "pr-screening-metric": ["precision", "accuracy", "specificity"],
}
TIME = "2026-01-15T10:00:00.000Z"
FIRST = ["Ada", "Zoë", "José", "Chloé", "Søren", "Ngozi", "Łukasz", "Aiyana", "Mei", "Omar"]
LAST = ["Lovelace", "Müller", "O'Brien", "Núñez", "Okafor", "Dvořák", "Nakamura", "Haddad"]


def logistic(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def simulate(bank, seed: int = 0, students: int = STUDENTS) -> dict[str, dict[str, object]]:
    """Student id -> question id -> the answer that student submits."""
    rng = random.Random(seed)
    answers: dict[str, dict[str, object]] = {}
    for n in range(1, students + 1):
        ability = rng.gauss(0, 1)
        mine: dict[str, object] = {}
        for q in bank.questions.values():
            if q.id == FLAWED:
                # The stronger the student, the likelier the better (unkeyed) answer C.
                mine[q.id] = "C" if rng.random() < logistic(SLOPE * (ability - 0.3)) else rng.choice(["A", "A", "A", "B"])
                continue
            right = rng.random() < logistic(SLOPE * (ability - DIFFICULTY[q.id]))
            if q.type == "single_choice":
                mine[q.id] = q.correct if right else rng.choice([o for o in q.option_ids if o != q.correct])
            elif q.type == "multiple_choice":
                wrong_sets = [[q.correct[0]], [*q.correct, next(o for o in q.option_ids if o not in q.correct)]]
                mine[q.id] = list(q.correct) if right else rng.choice(wrong_sets)
            elif q.type == "numeric":
                mine[q.id] = q.answer if right else rng.choice(WRONG[q.id])
            else:
                mine[q.id] = q.accepted[0] if right else rng.choice(WRONG[q.id])
        answers[f"student-{n:02d}"] = mine
    return answers


def write_class(folder: Path, seed: int = 0, students: int = STUDENTS) -> list[Path]:
    """Write one notebook per simulated student into ``folder``; return their paths."""
    import nbformat

    from quizkit.quiz.loading import load_bank
    from quizkit.quiz.records import bundle, make_record

    bank = load_bank(BANK)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for student, mine in simulate(bank, seed, students).items():
        cell = nbformat.v4.new_code_cell("quiz = Quiz('class-demo')", id="answers", execution_count=1)
        for qid, answer in mine.items():
            record = make_record(lesson=bank.id, question=qid, type=bank.questions[qid].type, answer=answer,
                                 attempts=1, bank_hash=bank.key_hash, student=student, time=TIME)
            cell.outputs.append(nbformat.v4.new_output("display_data", data=bundle(record)))
        nb = nbformat.v4.new_notebook(cells=[cell], metadata={"quizkit": {"student": student}})
        path = folder / f"{student}.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def write_roster(path: Path, students: int = STUDENTS) -> None:
    """39 of the students (not the last) plus one who did not submit; LMS ids as Canvas user ids."""
    rows = [[f"student-{n:02d}", f"{LAST[n % len(LAST)]}, {FIRST[n % len(FIRST)]}", str(10000 + n)]
            for n in range(1, students)]
    rows[2][1] = 'Smith, Sam "The Ace"'
    rows.append([f"student-{students + 1:02d}", "Ørsted, Hans Christian", str(10000 + students + 1)])
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "name", "lms_id"])
        writer.writerows(rows)


def main() -> int:
    out = FOLDER / "submissions"
    shutil.rmtree(out, ignore_errors=True)
    paths = write_class(out)
    write_roster(FOLDER / "roster.csv")
    print(f"wrote {len(paths)} notebooks to {out} and {FOLDER / 'roster.csv'}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parents[2]))
    sys.exit(main())
