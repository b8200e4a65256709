"""The gradebook as plain data: per-student results on the assignment's questions.

Nothing here writes a file: the formats (CSV, JSON, the HTML report, Canvas, Moodle) are
exporters in :mod:`quizkit.grading.exporters` that read a :class:`Gradebook` and its
:class:`~quizkit.grading.class_analysis.ClassAnalysis`.

Every text that came from a submission (student ids, file names, answers, messages) goes
through :func:`safe_text` before an exporter writes or the command line prints it, so a lone
surrogate or a file name that is not UTF-8 cannot stop an output.

>>> book = Gradebook([StudentGrade("ann", "ann.ipynb")], [Column("quiz", "q1", "numeric", 2.0)], [])
>>> book.max_points, book.total(book.students[0])
(2.0, 0)
>>> safe_text("caf\\udce9")
'caf\\\\udce9'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def safe_text(text: str) -> str:
    """``text`` with lone surrogates (and undecodable file-name bytes) written as ``\\udce9`` escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass
class AnswerGrade:
    """One question's grade for one student, with the reason (feedback or the checks' verdict)."""

    lesson: str
    question: str
    type: str
    answer: Any
    points: float
    max_points: float
    correct: bool
    reason: str
    attempts: int
    time: str
    claimed_correct: bool | None = None
    checks: dict[str, Any] | None = None  # code answers: status, failed_check, passed_checks, isolation

    @property
    def key(self) -> str:
        return f"{self.lesson}/{self.question}"


@dataclass
class StudentGrade:
    """One submission (a notebook, or a folder of one student's notebooks)."""

    student: str
    source: str
    answers: dict[str, AnswerGrade] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    lessons_seen: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # lessons answered outside this assignment

    @property
    def status(self) -> str:
        notes = self.problems + [f"ignored: not in this assignment ({', '.join(self.ignored)})"] * bool(self.ignored)
        return "; ".join(notes) if notes else "ok"

    @property
    def total(self) -> float:
        return sum(a.points for a in self.answers.values())


@dataclass(frozen=True)
class Column:
    """A gradebook column: one question of one lesson.

    ``concepts`` are the question's concept tags; for choice questions ``options`` are the option
    ids and ``correct`` the keyed ones (item analysis counts how often each option is chosen).
    """

    lesson: str
    question: str
    type: str
    max_points: float
    concepts: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    correct: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.lesson}/{self.question}"


@dataclass
class Gradebook:
    """The graded class: ``students`` sorted by id then source, ``columns`` in lesson/bank order.

    ``isolation`` says how code answers were computed: "bwrap", "container", "none" (the
    instructor passed ``--unsafe-no-isolation``) or "unavailable" (code answers not graded).
    """

    students: list[StudentGrade]
    columns: list[Column]
    keys: list[dict[str, str]]
    isolation: str = "none"

    @property
    def max_points(self) -> float:
        return sum(c.max_points for c in self.columns)

    def total(self, student: StudentGrade) -> float:
        """Points on this gradebook's questions (answers to other lessons are not counted)."""
        return sum(student.answers[c.key].points for c in self.columns if c.key in student.answers)
