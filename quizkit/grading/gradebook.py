"""The gradebook: per-student results, and the CSV, JSON and HTML files written from them.

Every text that came from a submission (student ids, file names, answers, messages) goes
through :func:`safe_text` before it is written or printed, so a lone surrogate or a file name
that is not UTF-8 cannot stop an output; CSV cells are also neutralised against formula
injection (:func:`csv_cell`), as OWASP recommends. The JSON keeps the raw text otherwise.

>>> safe_text("caf\\udce9")
'caf\\\\udce9'
>>> csv_cell("=HYPERLINK(\\"http://x\\")"), csv_cell("alice")
('\\'=HYPERLINK("http://x")', 'alice')
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from quizkit import __version__
from quizkit.grading.items import item_analysis
from quizkit.grading.mastery import concept_mastery

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """``text`` with lone surrogates (and undecodable file-name bytes) written as ``\\udce9`` escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def safe_data(value: Any) -> Any:
    """:func:`safe_text` applied to every string in nested plain data (keys too)."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, (list, tuple)):
        return [safe_data(v) for v in value]
    if isinstance(value, dict):
        return {safe_text(str(k)): safe_data(v) for k, v in value.items()}
    return value


def csv_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula (a leading ``'``)."""
    text = safe_text(str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def fmt(points: float) -> str:
    """Stable number formatting for every output: 2, 0.5, 1.333."""
    return f"{round(points, 3):g}"


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

    def csv_text(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([csv_cell(c) for c in ["student", "source", *[c.key for c in self.columns], "total", "max", "status"]])
        for s in self.students:
            cells = [fmt(s.answers[c.key].points) if c.key in s.answers else "" for c in self.columns]
            writer.writerow([csv_cell(x) for x in [s.student, s.source, *cells, fmt(self.total(s)), fmt(self.max_points), s.status]])
        return out.getvalue()

    def json_text(self) -> str:
        analysis = item_analysis(self)
        data = {
            # item analysis (quizkit.grading.items): per question, then the class-level numbers
            "items": analysis.pop("items"),
            "item_analysis": analysis,
            "mastery": concept_mastery(self),
            "quizkit": __version__,
            "isolation": self.isolation,
            "keys": self.keys,
            "questions": [asdict(c) for c in self.columns],
            "max": self.max_points,
            "students": [
                {
                    "student": s.student,
                    "source": s.source,
                    "total": round(self.total(s), 3),
                    "status": s.status,
                    "problems": s.problems,
                    "ignored": s.ignored,
                    "answers": [asdict(a) for a in sorted(s.answers.values(), key=lambda a: a.key)],
                }
                for s in self.students
            ],
        }
        return json.dumps(safe_data(data), indent=1, sort_keys=True, ensure_ascii=False) + "\n"

    def write(self, out: str | Path, report: str | Path | None = None) -> list[Path]:
        """Write ``out`` (CSV), its ``.json`` twin and optionally the HTML report, each atomically."""
        out = Path(out)
        written = [write_atomic(out, self.csv_text()), write_atomic(out.with_suffix(".json"), self.json_text())]
        if report is not None:
            from quizkit.grading.report import report_html

            written.append(write_atomic(Path(report), report_html(self)))
        return written


def write_atomic(path: Path, text: str) -> Path:
    """Write to a temporary file in the same folder, then rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
