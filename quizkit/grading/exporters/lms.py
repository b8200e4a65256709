"""Gradebooks a learning management system imports: Canvas and Moodle CSV files.

``quizkit grade ... --lms canvas --assignment "Quiz 1" --roster roster.csv`` writes
``gradebook-canvas.csv`` beside ``gradebook.csv``: one row per student with the assignment's
total points.

The roster (optional, :mod:`quizkit.grading.roster`) maps quizkit's student ids (and their
aliases) to the LMS's ids and names. Without a roster, quizkit's student ids are used as the
LMS ids and names. Students on the roster without a submission get an empty grade (no zero
is invented); submissions whose student is not on the roster are kept out of the LMS file
(the LMS could not match them) and listed, with their totals, in
``gradebook-<lms>-unmatched.csv`` and on the terminal: never dropped silently. A student with
several submissions (under the id or its aliases) gets an empty grade and is listed too.

A row an LMS's importer would read as something other than a student is refused
(:class:`~quizkit.grading.exporters.base.ExportError` naming the student): Canvas takes a
row whose ``Student`` cell contains ``Points Possible`` as the assignment's points, and skips
one whose cells are all ``Muted`` or empty (its ``GradebookImporter``); Moodle stops the whole
import at a row whose identifier is empty after trimming ("user not found").

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

Every text cell goes through :func:`~quizkit.grading.exporters.cells.csv_cell`, so no cell is a
spreadsheet formula (a student id read from a notebook is the student's to choose); the ids an
LMS issues (numbers, e-mail addresses, user names) never start with the characters it escapes.

>>> from quizkit.grading import grade_submissions
>>> book = grade_submissions([], ["tests/fixtures/grading/grading-demo.yaml"])
>>> done = MoodleCsv().gradebook(book, "Quiz 1", [RosterEntry("ann", "Lovelace, Ada", "101")])
>>> done.text.splitlines()[1], [e.id for e in done.missing]
('101,"Lovelace, Ada",', ['ann'])
"""

from __future__ import annotations

import csv
import io
import re
from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from quizkit.grading.class_analysis import ClassAnalysis
from quizkit.grading.exporters.base import Export, ExportError, Exporter, ExportOptions
from quizkit.grading.exporters.cells import csv_cell, fmt
from quizkit.grading.gradebook import Gradebook, safe_text
from quizkit.grading.roster import RosterEntry


@dataclass
class LmsExport:
    """The LMS file's text and what did not match: roster students without a submission,
    submissions not on the roster (id, source, total), roster ids with several submissions."""

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


class LmsExporter(Exporter):
    """A learning management system's grade-import CSV: one row per roster student, the total.

    A subclass gives the header, a student's row, and the test for rows its importer reserves.
    """

    lms = True

    @abstractmethod
    def head_rows(self, book: Gradebook, assignment: str) -> list[list[str]]:
        """The header row, and any row the importer expects before the students."""

    @abstractmethod
    def row(self, entry: RosterEntry, grade: str) -> list[str]:
        """One student's row, every text cell through :func:`csv_cell`."""

    @abstractmethod
    def reserved(self, row: list[str]) -> str | None:
        """What the importer would read ``row`` as, when that is not a student's grades; else None."""

    def gradebook(self, book: Gradebook, assignment: str, roster: Sequence[RosterEntry] | None = None) -> LmsExport:
        """The LMS gradebook of ``book``: one row per roster student (without a roster: per student id, sorted).

        Every submission counts as submitted, with its gradebook total (one that could not be
        graded has the total its status explains; ``quizkit grade`` lists those).
        """
        totals = [(s.student, s.source, book.total(s)) for s in book.students]
        if roster is None:
            roster = [RosterEntry(s, s, s) for s in sorted({row[0] for row in totals})]
        entry_of = {name: e for e in roster for name in e.names}
        by_entry: dict[str, list[tuple[str, str, float]]] = {}
        for row in totals:
            if row[0] in entry_of:
                by_entry.setdefault(entry_of[row[0]].id, []).append(row)
        result = LmsExport(self.name, "")
        result.extra = sorted(row for row in totals if row[0] not in entry_of)
        result.conflicts = sorted(e for e, rows in by_entry.items() if len(rows) > 1)
        out = io.StringIO()
        # RFC 4180 line ends; the csv module quotes cells with commas, quotes or line breaks.
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerows(self.head_rows(book, safe_text(assignment)))
        for entry in roster:
            rows = by_entry.get(entry.id, [])
            if not rows:
                result.missing.append(entry)
            row = self.row(entry, fmt(rows[0][2]) if len(rows) == 1 else "")
            taken = self.reserved(row)
            if taken:
                raise ExportError(f"--lms {self.name}: student {safe_text(entry.id)!r}: {self.name}'s importer would "
                                  f"read this row as {taken}, not as a student's grade; give the student another id "
                                  "(or, with --roster, another name or lms_id)")
            writer.writerow(row)
        result.text = out.getvalue()
        return result

    def export(self, book: Gradebook, analysis: ClassAnalysis, options: ExportOptions) -> Export:
        """``gradebook-<lms>.csv`` beside ``--out``, and the unmatched list when there is one."""
        done = self.gradebook(book, options.assignment or default_assignment(book), options.roster)
        unmatched = options.beside(f"{self.name}-unmatched.csv")
        if done.complete:
            # a stale list from an earlier run would mislead
            return Export({options.beside(f"{self.name}.csv"): done.text}, stale=[unmatched])
        notes = []
        if done.missing:
            notes.append(f"{len(done.missing)} student(s) on the roster without a submission (empty grade): "
                         + ", ".join(e.id for e in done.missing))
        if done.extra:
            notes.append(f"{len(done.extra)} submission(s) not on the roster, not in the {self.name} file: "
                         + ", ".join(f"{s} ({src})" for s, src, _ in done.extra))
        if done.conflicts:
            notes.append(f"{len(done.conflicts)} student id(s) with several submissions (empty grade): "
                         + ", ".join(done.conflicts))
        notes.append(f"listed in {unmatched}")
        return Export({options.beside(f"{self.name}.csv"): done.text, unmatched: done.unmatched_csv()}, notes)


class CanvasCsv(LmsExporter):
    name = "canvas"
    description = "Canvas's gradebook import CSV (Student, ID, SIS User ID, SIS Login ID, Section, the total)"
    HEAD: ClassVar[list[str]] = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    # Canvas's GradebookImporter: `row[0] =~ /Points Possible/` is the points row; a row whose
    # cells all match /^(Muted|)$/i (stripped) is skipped.
    POINTS_ROW = re.compile("Points Possible")
    SKIPPED_CELL = re.compile(r"(Muted|)", re.IGNORECASE)

    def head_rows(self, book: Gradebook, assignment: str) -> list[list[str]]:
        # Canvas's own export has this second row; it gives a new assignment its points.
        return [[*self.HEAD, assignment], ["    Points Possible", "", "", "", "", fmt(book.max_points)]]

    def row(self, entry: RosterEntry, grade: str) -> list[str]:
        return [csv_cell(x) for x in (entry.name, entry.lms_id, entry.sis_user_id, entry.sis_login_id, entry.section)] + [grade]

    def reserved(self, row: list[str]) -> str | None:
        if self.POINTS_ROW.search(row[0]):
            return "the assignment's points (a Student cell containing 'Points Possible')"
        if all(self.SKIPPED_CELL.fullmatch(c.strip()) for c in row):
            return "a row to skip (every cell 'Muted' or empty)"
        return None


class MoodleCsv(LmsExporter):
    name = "moodle"
    description = "Moodle's grade import CSV (Identifier, Full name, the total)"

    def head_rows(self, book: Gradebook, assignment: str) -> list[list[str]]:
        return [["Identifier", "Full name", assignment]]

    def row(self, entry: RosterEntry, grade: str) -> list[str]:
        return [csv_cell(entry.lms_id), csv_cell(entry.name), grade]

    def reserved(self, row: list[str]) -> str | None:
        # gradeimport_csv trims each value; an empty identifier maps no user and aborts the import
        return None if row[0].strip() else "a user it cannot find (an empty identifier), which stops the whole import"


def default_assignment(book: Gradebook) -> str:
    """The assignment column's name when ``--assignment`` is not given: the lessons graded."""
    return " + ".join(k["lesson"] for k in book.keys) or "quizkit"
