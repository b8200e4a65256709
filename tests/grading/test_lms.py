"""LMS gradebooks (Canvas, Moodle) and the roster: missing and extra students, awkward names, bad rosters."""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from gradebook_support import make_book

from quizkit.grading.exporters.base import ExportError
from quizkit.grading.exporters.lms import CanvasCsv, MoodleCsv
from quizkit.grading.gradebook import Column
from quizkit.grading.roster import RosterEntry, RosterError, read_roster

ROSTER = (
    "id,name,lms_id,section\n"
    'ann,"Lovelace, Ada",101,A\n'
    'bob,"O\'Brien, Bob ""Bobby""",102,A\n'
    "zoë,\"Ørsted, Zoë\",zoë@example.edu,B\n"
    "carl,\"=Carl, Formula\",104,B\n"  # on the roster, no submission
)


def klass():
    """ann 2, bob 1, zoë 0 of 2 points, plus eve (not on the roster)."""
    columns = [Column("quiz", "a", "numeric", 1.0), Column("quiz", "b", "numeric", 1.0)]
    return make_book([[1, 1], [1, 0], [0, 0], [1, None]], columns, names=["ann", "bob", "zoë", "eve"])


def parse(text):
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return read_roster(path)


def test_roster_reads_quoted_commas_quotes_and_non_ascii(roster):
    assert [e.id for e in roster] == ["ann", "bob", "zoë", "carl"]
    assert roster[1].name == "O'Brien, Bob \"Bobby\"" and roster[2] == RosterEntry("zoë", "Ørsted, Zoë", "zoë@example.edu", "B")


def test_canvas_file(roster):
    done = CanvasCsv().gradebook(klass(), "Quiz 1, week 2", roster)
    rows = parse(done.text)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Quiz 1, week 2"]
    assert rows[1] == ["    Points Possible", "", "", "", "", "2"]
    assert rows[2:] == [
        ["Lovelace, Ada", "101", "", "", "A", "2"],
        ["O'Brien, Bob \"Bobby\"", "102", "", "", "A", "1"],
        ["Ørsted, Zoë", "zoë@example.edu", "", "", "B", "0"],
        ["'=Carl, Formula", "104", "", "", "B", ""],  # no submission: empty, never 0; the name is not a formula
    ]
    assert done.text.endswith("\r\n") and '"O\'Brien, Bob ""Bobby"""' in done.text
    assert [e.id for e in done.missing] == ["carl"] and done.extra == [("eve", "eve.ipynb", 1.0)] and not done.complete


def test_moodle_file_and_the_unmatched_list(roster):
    done = MoodleCsv().gradebook(klass(), "Quiz 1", roster)
    assert parse(done.text) == [["Identifier", "Full name", "Quiz 1"], ["101", "Lovelace, Ada", "2"],
                                ["102", "O'Brien, Bob \"Bobby\"", "1"], ["zoë@example.edu", "Ørsted, Zoë", "0"],
                                ["104", "'=Carl, Formula", ""]]
    unmatched = parse(done.unmatched_csv())
    assert unmatched[1] == ["carl", "'=Carl, Formula", "104", "", "", "on the roster, no submission: empty grade"]
    assert unmatched[2] == ["eve", "", "", "eve.ipynb", "1", "submission not on the roster: not in the LMS file"]


def test_without_a_roster_every_submission_is_a_row():
    done = MoodleCsv().gradebook(klass(), "Q")
    assert [r[0] for r in parse(done.text)[1:]] == ["ann", "bob", "eve", "zoë"] and done.complete


def test_a_hostile_student_id_is_no_formula_without_a_roster():
    book = make_book([[1]], names=['=HYPERLINK("http://evil.example","x")'])
    for exporter in (CanvasCsv(), MoodleCsv()):
        cells = [c for row in parse(exporter.gradebook(book, "Q").text) for c in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
        assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in cells


def test_a_student_id_with_two_submissions_gets_no_grade(roster):
    book = make_book([[1, 1], [0, 0]], names=["ann", "ann"])
    done = CanvasCsv().gradebook(book, "Q", roster)
    assert parse(done.text)[2][-1] == "" and done.conflicts == ["ann"]
    assert "several submissions with this id" in done.unmatched_csv()


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
    ("id,name\nann,Ada\n", "line 1 must name the columns id, name, lms_id (missing: lms_id; found: id, name)"),
    ("id,name,lms_id\nann,Lovelace, Ada,101\n", "line 2 has 4 cells, the header 3 (quote a name that holds a comma)"),
    ("id,name,lms_id\nann,Ada,101\n\nann,Ann,102\n", "line 4: student id 'ann' is already on line 2"),
    ("id,name,lms_id\nann,Ada,\n", "line 2: empty lms_id"),
    ("id,name,lms_id,alias\nann,Ada,101,a1\nbob,Bob,102,a1\n", "line 3: alias 'a1' is already on line 2"),
    ("id,name,lms_id,alias\nann,Ada,101,bob\nbob,Bob,102,\n", "line 3: student id 'bob' is already on line 2"),
])
def test_bad_rosters_name_the_file_and_line(tmp_path, text, message):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    with pytest.raises(RosterError) as e:
        read_roster(path)
    assert str(e.value) == f"--roster {path}: {message}"


def test_roster_encodings(tmp_path):
    bom = tmp_path / "excel.csv"
    bom.write_bytes("id,name,lms_id\r\nann,Zoë,1\r\n".encode("utf-8-sig"))  # Excel's "CSV UTF-8"
    assert read_roster(bom) == [RosterEntry("ann", "Zoë", "1")]
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,name,lms_id\nann,Zoë,1\n".encode("latin-1"))
    with pytest.raises(RosterError, match="not UTF-8 text"):
        read_roster(latin)


def quizkit_grade(*args, cwd):
    return subprocess.run([sys.executable, "-m", "quizkit.cli", "grade", *map(str, args)], check=False,
                          capture_output=True, text=True, cwd=cwd, timeout=600)


def test_cli_refuses_a_bad_roster_before_grading(tmp_path):
    (tmp_path / "roster.csv").write_text("id,name\n")
    key = Path(__file__).parents[1] / "fixtures" / "grading" / "grading-demo.yaml"
    done = quizkit_grade(tmp_path / "none.ipynb", "--key", key, "--out", "g.csv", "--lms", "moodle",
                         "--roster", "roster.csv", cwd=tmp_path)
    assert done.returncode == 2 and "--roster roster.csv: line 1 must name the columns" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "g.csv").exists()
    alone = quizkit_grade(tmp_path / "none.ipynb", "--out", "g.csv", "--roster", "roster.csv", cwd=tmp_path)
    assert alone.returncode == 2 and "--roster and --assignment go with --lms canvas|moodle" in alone.stderr
