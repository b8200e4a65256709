"""Shared by the grading tests: a graded class built from a table of points; a gradebook's JSON as data."""

import json

from quizkit.grading.class_analysis import ClassAnalysis
from quizkit.grading.exporters.tables import gradebook_json
from quizkit.grading.gradebook import AnswerGrade, Column, Gradebook, StudentGrade


def book_json(book):
    """What gradebook.json holds for ``book``, parsed."""
    return json.loads(gradebook_json(book, ClassAnalysis.from_gradebook(book)))


def make_book(table, columns=None, answers=None, names=None):
    """A graded class from a students x questions points table (None: unanswered).

    ``answers[i][j]`` is what student i submitted to question j (for choice questions).
    """
    k = len(table[0])
    columns = columns or [Column("quiz", f"q{j + 1}", "numeric", 1.0) for j in range(k)]
    students = []
    for i, row in enumerate(table):
        name = names[i] if names else f"s{i + 1:02d}"
        grade = StudentGrade(name, f"{name}.ipynb")
        for j, points in enumerate(row):
            if points is None:
                continue
            c = columns[j]
            answer = answers[i][j] if answers else points
            grade.answers[c.key] = AnswerGrade(c.lesson, c.question, c.type, answer, float(points), c.max_points,
                                               points == c.max_points, "", 1, "2026-01-01T00:00:00Z")
        students.append(grade)
    return Gradebook(students, columns, [{"lesson": "quiz", "path": "quiz.yaml", "hash": "h"}])
