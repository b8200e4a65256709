"""Exporters: one registry that ``quizkit grade`` reads; a new one is a class and a registration.

The toy exporter below is what a contributor writes; it reaches the command line through the
registry alone. The class analysis is computed once a run, whatever the exporters.
"""

import csv
import io

import class_demo
import pytest

from quizkit.cli import main
from quizkit.grading import items, mastery
from quizkit.grading.exporters.base import Export, Exporter
from quizkit.grading.exporters.registry import exporter_names, get_exporter, register, unregister

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


def test_quizkit_grade_refuses_the_lms_file_and_keeps_the_gradebook(tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,lms_id\nstudent-01,Points Possible,1\n")
    assert grade(tmp_path, "--lms", "canvas", "--roster", roster) == 2
    err = capsys.readouterr().err
    assert "--lms canvas: student 'student-01': canvas's importer would read this row as the assignment's points" in err
    assert (tmp_path / "gradebook.csv").exists() and (tmp_path / "gradebook.json").exists()
    assert not (tmp_path / "gradebook-canvas.csv").exists()
