"""Exporters: one registry that ``quizkit grade`` reads; a new one is a class and a registration.

The toy exporter below is what a contributor writes; it reaches the command line through the
registry alone. The class analysis is computed once a run, whatever the exporters.
"""

import csv
import io

import class_demo
import pytest
from gradebook_support import make_book

from quizkit.cli import main
from quizkit.grading import items, mastery
from quizkit.grading.exporters.base import Export, ExportError, Exporter
from quizkit.grading.exporters.lms import CanvasCsv, MoodleCsv
from quizkit.grading.exporters.registry import exporter_names, get_exporter, register, unregister
from quizkit.grading.roster import RosterEntry, RosterError, read_roster

KEY = class_demo.BANK
CLASS = sorted((class_demo.FOLDER / "submissions").glob("*.ipynb"))[:6]


class TotalsTsv(Exporter):
    """A contributor's exporter: student and total, tab-separated, and a line for the terminal."""

    name = "totals-tsv"
    description = "student<TAB>total, one line each"

    def export(self, book, analysis, options):
        lines = [f"{s.student}\t{book.total(s):g}\n" for s in book.students]
        note = f"totals-tsv: {analysis.summary['students']} student(s), {analysis.reliability['method']}"
        return Export({options.beside("totals.tsv"): "".join(lines)}, notes=[note])


@pytest.fixture
def toy():
    register(TotalsTsv)
    yield TotalsTsv
    unregister(TotalsTsv.name)


def grade(tmp_path, *extra):
    """``quizkit grade`` in this process (so that an exporter registered here is known to it)."""
    return main(["grade", *map(str, CLASS), "--key", str(KEY), "--out", str(tmp_path / "gradebook.csv"),
                 "--jobs", "1", *map(str, extra)])


def test_a_registered_exporter_is_written_by_quizkit_grade(toy, tmp_path, capsys):
    assert "totals-tsv" in exporter_names() and "totals-tsv" not in exporter_names(lms=True)
    assert grade(tmp_path, "--export", "totals-tsv") == 0
    out = capsys.readouterr().out
    table = list(csv.DictReader(io.StringIO((tmp_path / "gradebook.csv").read_text())))
    expected = "".join(f"{row['student']}\t{row['total']}\n" for row in table)
    assert (tmp_path / "gradebook-totals.tsv").read_text() == expected and len(table) == len(CLASS)
    assert f"totals-tsv: {len(CLASS)} student(s), KR-20" in out and str(tmp_path / "gradebook-totals.tsv") in out


def test_the_class_analysis_is_computed_once_per_run(toy, tmp_path, monkeypatch):
    """Item analysis and concept mastery each run once, however many exporters show them."""
    calls = []

    def counting(module, name):
        real = getattr(module, name)
        # item_analysis and concept_mastery look these up in their own module when they run,
        # whichever module called them and under whatever name
        monkeypatch.setattr(module, name, lambda *args: calls.append(name) or real(*args))

    counting(items, "score_table")
    counting(mastery, "examinees")
    assert grade(tmp_path, "--report", tmp_path / "report.html", "--lms", "moodle", "--export", "totals-tsv") == 0
    assert sorted(calls) == ["examinees", "score_table"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gradebook-moodle.csv", "gradebook-totals.tsv",
                                                          "gradebook.csv", "gradebook.json", "report.html"]


def test_the_registry_refuses_what_it_cannot_tell_apart():
    class Impostor(TotalsTsv):
        name = "csv"

    with pytest.raises(ValueError, match="exporter name 'csv' is taken by quizkit.grading.exporters.tables.CsvGradebook"):
        register(Impostor)
    with pytest.raises(TypeError, match="a subclass of quizkit.grading.exporters.base.Exporter"):
        register(dict)
    with pytest.raises(ValueError, match="no exporter called 'pdf' \\(there are: csv, json, html, canvas, moodle\\)"):
        get_exporter("pdf")


@pytest.mark.parametrize(("exporter", "names", "why"), [
    (CanvasCsv(), ["    Points Possible"], "the assignment's points"),
    (CanvasCsv(), ["ann", "Total Points Possible!"], "the assignment's points"),
    (CanvasCsv(), ["muted", "muted"], "a row to skip"),  # two submissions: an empty grade, every cell muted or empty
    (MoodleCsv(), ["ann", "   "], "a user it cannot find"),
])
def test_an_id_an_lms_reserves_is_refused_by_name(exporter, names, why):
    book = make_book([[1]] * len(names), names=names)
    with pytest.raises(ExportError) as e:
        exporter.gradebook(book, "Quiz 1")
    assert f"--lms {exporter.name}: student {names[-1]!r}: {exporter.name}'s importer would read this row as {why}" in str(e.value)


def test_a_roster_name_that_reads_as_points_possible_is_refused_too():
    roster = [RosterEntry("ann", "Lovelace, Ada", "101"), RosterEntry("bob", "Points Possible", "102")]
    with pytest.raises(ExportError, match="student 'bob'"):
        CanvasCsv().gradebook(make_book([[1], [0]], names=["ann", "bob"]), "Quiz 1", roster)
    done = MoodleCsv().gradebook(make_book([[1], [0]], names=["ann", "bob"]), "Quiz 1", roster)
    assert done.text.splitlines()[2] == "102,Points Possible,0"  # Moodle has no such row


def test_quizkit_grade_refuses_the_lms_file_and_keeps_the_gradebook(tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,lms_id\nstudent-01,Points Possible,1\n")
    assert grade(tmp_path, "--lms", "canvas", "--roster", roster) == 2
    err = capsys.readouterr().err
    assert "--lms canvas: student 'student-01': canvas's importer would read this row as the assignment's points" in err
    assert (tmp_path / "gradebook.csv").exists() and (tmp_path / "gradebook.json").exists()
    assert not (tmp_path / "gradebook-canvas.csv").exists()


ALIASES = (
    "id,name,lms_id,alias\n"
    'ann,"Lovelace, Ada",101,lovelaceada_101_7731_quiz; ada\n'
    "bob,Bob,102,\n"
)


def test_a_roster_alias_places_a_submission_under_the_lms_name(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ALIASES)
    roster = read_roster(path)
    assert roster[0].aliases == ("lovelaceada_101_7731_quiz", "ada") and roster[1].aliases == ()
    book = make_book([[1, 1], [1, 0]], names=["lovelaceada_101_7731_quiz", "bob"])
    done = MoodleCsv().gradebook(book, "Quiz 1", roster)
    assert done.text.splitlines()[1:] == ['101,"Lovelace, Ada",2', "102,Bob,1"] and done.complete
    # the same student under the id and an alias: two submissions, an empty grade
    twice = MoodleCsv().gradebook(make_book([[1], [0]], names=["ann", "ada"]), "Quiz 1", roster)
    assert twice.text.splitlines()[1] == '101,"Lovelace, Ada",' and twice.conflicts == ["ann"]


@pytest.mark.parametrize(("text", "message"), [
    ("id,name,lms_id,alias\nann,Ada,101,a1\nbob,Bob,102,a1\n", "line 3: alias 'a1' is already on line 2"),
    ("id,name,lms_id,alias\nann,Ada,101,bob\nbob,Bob,102,\n", "line 3: student id 'bob' is already on line 2"),
])
def test_an_alias_names_one_student_only(tmp_path, text, message):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    with pytest.raises(RosterError) as e:
        read_roster(path)
    assert str(e.value) == f"--roster {path}: {message}"
