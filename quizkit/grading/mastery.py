"""Concept mastery: what share of each concept's points each student, and the class, earned.

Each question carries concept tags in its bank (``concepts: [confusion-matrix]``). A concept's
points are those of the questions tagged with it (a question with two tags counts for both).
Students are those item analysis counts (:func:`quizkit.grading.items.examinees`); an
unanswered question earns 0. Concepts are ranked weakest first by the class's share of
points, each with its questions and their difficulty, so the instructor sees what to teach
again and which questions say so.

>>> from quizkit.grading import grade_submissions
>>> concept_mastery(grade_submissions([], ["tests/fixtures/grading/grading-demo.yaml"]))["concepts"]
[]
"""

from __future__ import annotations

import math
from typing import Any

from quizkit.grading.gradebook import Gradebook
from quizkit.grading.items import examinees


def concept_mastery(book: Gradebook) -> dict[str, Any]:
    """Per concept (weakest first) and per student: points earned and possible, as plain data."""
    students = examinees(book)
    tagged: dict[str, list[Any]] = {}
    for column in book.columns:
        for concept in dict.fromkeys(column.concepts):
            tagged.setdefault(concept, []).append(column)
    rows = []
    for s in students:
        cells = {}
        for concept, columns in tagged.items():
            earned = math.fsum(s.answers[c.key].points for c in columns if c.key in s.answers)
            cells[concept] = {"earned": round(earned, 3), "possible": math.fsum(c.max_points for c in columns)}
        rows.append({"student": s.student, "source": s.source, "concepts": cells})
    concepts = []
    for concept, columns in tagged.items():
        possible = math.fsum(c.max_points for c in columns) * len(students)
        earned = math.fsum(r["concepts"][concept]["earned"] for r in rows)
        questions = []
        for c in columns:
            got = math.fsum(s.answers[c.key].points for s in students if c.key in s.answers)
            questions.append({"question": c.key, "share": round(got / (c.max_points * len(students)), 4) if students else None})
        concepts.append({"concept": concept, "share": round(earned / possible, 4) if possible else None,
                         "earned": round(earned, 3), "possible": possible, "questions": questions})
    # Weakest first (ties and a class without students: by concept id).
    concepts.sort(key=lambda c: (c["share"] if c["share"] is not None else 2.0, c["concept"]))
    untagged = [c.key for c in book.columns if not c.concepts]
    return {"concepts": concepts, "students": rows, "untagged": untagged}
