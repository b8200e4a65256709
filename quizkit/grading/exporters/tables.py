"""The gradebook files every ``quizkit grade`` writes: ``gradebook.csv`` and its ``.json`` twin.

The CSV has one row per submission (each question's points, total, maximum, status); the JSON
keeps every answer with the reason for its score, and the class analysis. Both are the same
bytes for the same gradebook.

>>> from quizkit.grading.gradebook import Column, Gradebook, StudentGrade
>>> book = Gradebook([StudentGrade("ann", "ann.ipynb")], [Column("quiz", "q1", "numeric", 1.0)], [])
>>> print(gradebook_csv(book), end="")
student,source,quiz/q1,total,max,status
ann,ann.ipynb,,0,1,ok
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict

from quizkit import __version__
from quizkit.grading.class_analysis import ClassAnalysis
from quizkit.grading.exporters.base import Export, Exporter, ExportOptions
from quizkit.grading.exporters.cells import csv_cell, fmt, safe_data
from quizkit.grading.gradebook import Gradebook


def gradebook_csv(book: Gradebook) -> str:
    """``gradebook.csv``: student, source, one column per question, total, max, status."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_cell(c) for c in ["student", "source", *[c.key for c in book.columns], "total", "max", "status"]])
    for s in book.students:
        cells = [fmt(s.answers[c.key].points) if c.key in s.answers else "" for c in book.columns]
        writer.writerow([csv_cell(x) for x in [s.student, s.source, *cells, fmt(book.total(s)), fmt(book.max_points), s.status]])
    return out.getvalue()


def gradebook_json(book: Gradebook, analysis: ClassAnalysis) -> str:
    """``gradebook.json``: every answer, the questions, the keys' hashes and the class analysis."""
    data = {
        # item analysis (quizkit.grading.items): per question, then the class-level numbers
        "items": analysis.items,
        "item_analysis": analysis.summary,
        "mastery": analysis.mastery,
        "quizkit": __version__,
        "isolation": book.isolation,
        "keys": book.keys,
        "questions": [asdict(c) for c in book.columns],
        "max": book.max_points,
        "students": [
            {
                "student": s.student,
                "source": s.source,
                "total": round(book.total(s), 3),
                "status": s.status,
                "problems": s.problems,
                "ignored": s.ignored,
                "answers": [asdict(a) for a in sorted(s.answers.values(), key=lambda a: a.key)],
            }
            for s in book.students
        ],
    }
    return json.dumps(safe_data(data), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


class CsvGradebook(Exporter):
    name = "csv"
    description = "the gradebook CSV (--out): one row per submission"

    def export(self, book: Gradebook, analysis: ClassAnalysis, options: ExportOptions) -> Export:
        return Export({options.out: gradebook_csv(book)})


class JsonGradebook(Exporter):
    name = "json"
    description = "the gradebook's JSON twin beside --out: every answer and the class analysis"

    def export(self, book: Gradebook, analysis: ClassAnalysis, options: ExportOptions) -> Export:
        return Export({options.out.with_suffix(".json"): gradebook_json(book, analysis)})
