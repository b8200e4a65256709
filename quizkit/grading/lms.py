"""Gradebooks a learning management system imports: Canvas and Moodle CSV files.

``quizkit grade ... --lms canvas --assignment "Quiz 1" --roster roster.csv`` writes
``gradebook-canvas.csv`` beside ``gradebook.csv``: one row per student with the assignment's
total points.

The roster (optional) is a CSV file with a header and the columns ``id`` (the student id
quizkit reads from the notebooks), ``name`` and ``lms_id`` (how the LMS knows the student);
``section``, ``sis_user_id`` and ``sis_login_id`` may follow, for Canvas. Without a roster,
quizkit's student ids are used as the LMS ids and names. Students on the roster without a
submission get an empty grade (no zero is invented); submissions whose student is not on the
roster are kept out of the LMS file (the LMS could not match them) and listed, with their
totals, in ``gradebook-<lms>-unmatched.csv`` and on the terminal: never dropped silently.
A student id shared by several submissions gets an empty grade and is listed too.

The formats, as their documentation gives them:

- Canvas: "How do I import grades in the Gradebook?" (Canvas Instructor Guide,
  https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-import-grades-in-the-Gradebook/ta-p/807):
  the columns of a Canvas gradebook export, ``Student, ID, SIS User ID, SIS Login ID, Section``,
  then one column per assignment, named as the assignment (a new name creates a new
  assignment); Canvas matches students by its user ``ID`` (or the SIS ids). Its export's
  second row, ``Points Possible``, is written too, so a new assignment gets its points.
  CSV per RFC 4180, UTF-8, as Canvas's CSV documentation asks
  (https://developerdocs.instructure.com/services/canvas/sis/file.sis_csv).
- Moodle: "Grade import" (MoodleDocs, https://docs.moodle.org/311/en/Grade_import): a CSV
  file whose columns are mapped at import: "Map from" a column identifying the user to "Map to"
  a user field (ID number, email address, username or user id), and each grade column to a
  grade item. quizkit writes ``Identifier, Full name, <assignment>``.

Every text cell goes through :func:`~quizkit.grading.gradebook.csv_cell`, so no cell is a
spreadsheet formula (a student id read from a notebook is the student's to choose); the ids an
LMS issues (numbers, e-mail addresses, user names) never start with the characters it escapes.

>>> from quizkit.grading import grade_submissions
>>> book = grade_submissions([], ["tests/fixtures/grading/grading-demo.yaml"])
>>> done = export(book, "moodle", "Quiz 1", [RosterEntry("ann", "Lovelace, Ada", "101")])
>>> done.text.splitlines()[1], [e.id for e in done.missing]
('101,"Lovelace, Ada",', ['ann'])
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from quizkit.grading.gradebook import csv_cell, fmt, safe_text

if TYPE_CHECKING:
    from quizkit.grading.gradebook import Gradebook

SYSTEMS = ("canvas", "moodle")
ROSTER_REQUIRED = ("id", "name", "lms_id")
ROSTER_OPTIONAL = ("section", "sis_user_id", "sis_login_id")
CANVAS_HEAD = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


@dataclass(frozen=True)
class RosterEntry:
    """One student on the roster: quizkit's id, the name, the LMS's id (and Canvas extras)."""

    id: str
    name: str
    lms_id: str
    section: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""


class RosterError(ValueError):
    """A roster that cannot be used: the message names the file and the line."""


def read_roster(path: str | Path) -> list[RosterEntry]:
    """Read a roster CSV (UTF-8, a byte-order mark is fine); RosterError naming the file and line.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
    ...     _ = f.write('id,name,lms_id\\nann,"Lovelace, Ada",101\\n')
    >>> read_roster(f.name)[0].name
    'Lovelace, Ada'
    >>> os.unlink(f.name)
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RosterError(f"--roster {path}: no such file") from None
    except UnicodeDecodeError:
        raise RosterError(f"--roster {path}: not UTF-8 text (save the roster as CSV UTF-8)") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in ROSTER_REQUIRED if c not in header]
    if missing:
        raise RosterError(f"--roster {path}: line 1 must name the columns {', '.join(ROSTER_REQUIRED)} "
                          f"(missing: {', '.join(missing)}; found: {', '.join(header) or 'nothing'})")
    entries: list[RosterEntry] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise RosterError(f"--roster {path}: line {line} has {len(row)} cells, the header {len(header)} "
                              "(quote a name that holds a comma)")
        cells = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}
        for column in ("id", "lms_id"):
            if not cells[column]:
                raise RosterError(f"--roster {path}: line {line}: empty {column}")
        if cells["id"] in seen:
            raise RosterError(f"--roster {path}: line {line}: student id {cells['id']!r} is already on line {seen[cells['id']]}")
        seen[cells["id"]] = line
        entries.append(RosterEntry(**{c: cells.get(c, "") for c in (*ROSTER_REQUIRED, *ROSTER_OPTIONAL)}))
    return entries


@dataclass
class LmsExport:
    """The LMS file's text and what did not match: roster students without a submission,
    submissions not on the roster (id, source, total), ids with several submissions."""

    system: str
    text: str
    missing: list[RosterEntry] = field(default_factory=list)
    extra: list[tuple[str, str, float]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    def unmatched_csv(self) -> str:
        """Everything the LMS file leaves out or leaves empty, one row each, with the reason."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["student", "name", "lms_id", "source", "total", "reason"])
        for e in self.missing:
            writer.writerow([csv_cell(x) for x in (e.id, e.name, e.lms_id, "", "", "on the roster, no submission: empty grade")])
        for student, source, total in self.extra:
            writer.writerow([csv_cell(x) for x in (student, "", "", source, fmt(total),
                                                   "submission not on the roster: not in the LMS file")])
        for student in self.conflicts:
            writer.writerow([csv_cell(x) for x in (student, "", "", "", "", "several submissions with this id: empty grade")])
        return out.getvalue()

    @property
    def complete(self) -> bool:
        return not (self.missing or self.extra or self.conflicts)


def export(book: Gradebook, system: str, assignment: str, roster: Sequence[RosterEntry] | None = None) -> LmsExport:
    """The LMS gradebook of ``book``: one row per roster student (without a roster: per student id, sorted).

    Every submission counts as submitted, with its gradebook total (one that could not be
    graded has the total its status explains; ``quizkit grade`` lists those).
    """
    if system not in SYSTEMS:
        raise ValueError(f"--lms must be one of {', '.join(SYSTEMS)}, not {system!r}")
    totals = [(s.student, s.source, book.total(s)) for s in book.students]
    by_id: dict[str, list[tuple[str, str, float]]] = {}
    for row in totals:
        by_id.setdefault(row[0], []).append(row)
    if roster is None:
        roster = [RosterEntry(s, s, s) for s in sorted(by_id)]
    on_roster = {e.id for e in roster}
    result = LmsExport(system, "")
    result.extra = sorted(row for row in totals if row[0] not in on_roster)
    result.conflicts = sorted(s for s, rows in by_id.items() if len(rows) > 1 and s in on_roster)
    grades = []
    for entry in roster:
        rows = by_id.get(entry.id, [])
        if not rows:
            result.missing.append(entry)
        grades.append((entry, fmt(rows[0][2]) if len(rows) == 1 else ""))
    out = io.StringIO()
    # RFC 4180 line ends; the csv module quotes cells with commas, quotes or line breaks.
    writer = csv.writer(out, lineterminator="\r\n")
    assignment = safe_text(assignment)
    if system == "canvas":
        writer.writerow([*CANVAS_HEAD, assignment])
        writer.writerow(["    Points Possible", "", "", "", "", fmt(book.max_points)])
        for e, grade in grades:
            writer.writerow([csv_cell(x) for x in (e.name, e.lms_id, e.sis_user_id, e.sis_login_id, e.section)] + [grade])
    else:
        writer.writerow(["Identifier", "Full name", assignment])
        for e, grade in grades:
            writer.writerow([csv_cell(e.lms_id), csv_cell(e.name), grade])
    result.text = out.getvalue()
    return result


def default_assignment(book: Gradebook) -> str:
    """The assignment column's name when ``--assignment`` is not given: the lessons graded."""
    return " + ".join(k["lesson"] for k in book.keys) or "quizkit"
