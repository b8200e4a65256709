"""The ``quizkit grade`` command line.

    quizkit grade submissions/* --key lessons/ --out gradebook.csv --report report.html
    quizkit grade submissions/* --key lessons/ --lesson 01-confusion-matrix --out week1.csv
    quizkit grade submissions/* --out gradebook.csv --lms canvas --assignment "Quiz 1" --roster roster.csv

Code answers are computed under ``--isolation`` (default ``auto``: bubblewrap, else a
container engine). With neither, they are "not graded: no isolation available" (0 points)
unless ``--unsafe-no-isolation`` is given: only for your own code.

>>> import argparse
>>> parser = argparse.ArgumentParser()
>>> add_arguments(parser)
>>> parser.parse_args(["a.ipynb", "--out", "g.csv", "--lesson", "x"]).lesson
['x']
>>> exported(parser.parse_args(["a.ipynb", "--out", "g.csv", "--report", "r.html", "--lms", "moodle"]))
['csv', 'json', 'html', 'moodle']
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from quizkit.grading.class_analysis import ClassAnalysis
from quizkit.grading.exporters.base import ExportOptions
from quizkit.grading.exporters.registry import DEFAULT, exporter_names, write_exports
from quizkit.grading.gradebook import safe_text
from quizkit.grading.reading import MAX_NOTEBOOK_MB


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                        help="a saved .ipynb, or a folder of one student's notebooks (e.g. submissions/*)")
    parser.add_argument("--key", action="append", metavar="PATH",
                        help="a question bank (.yaml) or a folder of them (repeatable; default: lessons/ "
                             "found from the current folder upwards)")
    parser.add_argument("--lesson", action="append", metavar="ID",
                        help="a lesson of this assignment (repeatable; default: the banks named with --key "
                             "plus every lesson at least half of the submissions answered); other lessons' "
                             "answers are ignored and change nobody's maximum")
    parser.add_argument("--out", required=True, metavar="CSV", help="gradebook CSV to write (a .json twin is written beside it)")
    parser.add_argument("--report", metavar="HTML", help="also write an HTML class report")
    parser.add_argument("--jobs", type=int, default=None, metavar="N", help="parallel processes (default: all cores)")
    parser.add_argument("--max-mb", type=float, default=MAX_NOTEBOOK_MB, metavar="MB",
                        help=f"refuse notebooks larger than this (default {MAX_NOTEBOOK_MB:g})")
    parser.add_argument("--time-limit", type=float, default=None, metavar="S",
                        help="wall-clock seconds per code answer (default 60)")
    parser.add_argument("--isolation", choices=["auto", "bwrap", "container", "none"], default="auto",
                        help="how code answers are isolated (default auto: bubblewrap, else docker/podman)")
    parser.add_argument("--unsafe-no-isolation", action="store_true",
                        help="run code answers without isolation when none is available: only for your own code")
    parser.add_argument("--lms", choices=exporter_names(lms=True),
                        help="also write the gradebook in this LMS's import format (gradebook-canvas.csv beside --out)")
    parser.add_argument("--export", action="append", default=[], choices=exporter_names(), metavar="NAME",
                        help=f"also write this exporter's file(s) beside --out (repeatable; one of {', '.join(exporter_names())})")
    parser.add_argument("--assignment", metavar="NAME",
                        help="the LMS assignment (grade item) column's name (default: the lessons graded)")
    parser.add_argument("--roster", metavar="CSV",
                        help="CSV with columns id,name,lms_id (and optionally alias: other ids of the student, "
                             "separated by ';') mapping quizkit's student ids to the LMS's (with --lms)")


def exported(args: argparse.Namespace) -> list[str]:
    """The exporters this run writes, by name: the defaults, the report, the LMS file, any --export."""
    return list(dict.fromkeys([*DEFAULT, *["html"] * bool(args.report), *[args.lms] * bool(args.lms), *args.export]))


def run_cli(args: argparse.Namespace) -> int:
    from quizkit.quiz.validation import BankError
    from quizkit.grading.backends import Limits, choose
    from quizkit.grading.scoring import grade_submissions, key_files

    def fail(message: str) -> int:
        print(f"quizkit grade: {safe_text(str(message))}", file=sys.stderr)
        return 2

    if args.jobs is not None and args.jobs < 1:
        return fail(f"--jobs must be 1 or more, not {args.jobs}")
    if args.time_limit is not None and not args.time_limit > 0:
        return fail(f"--time-limit must be a positive number of seconds, not {args.time_limit}")
    limits = Limits(wall_s=args.time_limit) if args.time_limit else None
    if (args.roster or args.assignment) and not args.lms:
        return fail(f"--roster and --assignment go with --lms {'|'.join(exporter_names(lms=True))}")
    roster = None
    if args.roster:
        from quizkit.grading.roster import read_roster

        try:  # read before grading: a bad roster should not cost a whole grading run
            roster = read_roster(args.roster)
        except ValueError as e:
            return fail(str(e))
    try:
        masked = list(key_files(args.key)[0].values()) if args.key else []
        isolation, why = choose(args.isolation, unsafe=args.unsafe_no_isolation, masked=[*masked, *args.submissions])
        if isolation is None and args.isolation != "auto":
            return fail(f"--isolation {args.isolation}: {why}")
        if isolation is None:
            print(f"quizkit grade: warning: code answers will not be graded: {why}", file=sys.stderr)
        elif not isolation.isolated:
            print("quizkit grade: warning: code answers run WITHOUT isolation (--unsafe-no-isolation)", file=sys.stderr)
        book = grade_submissions(args.submissions, args.key, args.jobs, lessons=args.lesson, limits=limits,
                                 isolation=isolation, max_mb=args.max_mb, progress=sys.stderr)
        analysis = ClassAnalysis.from_gradebook(book)
        done = write_exports(book, exported(args), ExportOptions(Path(args.out), Path(args.report) if args.report else None,
                                                                 args.assignment, roster), analysis)
    except (BankError, ValueError, FileNotFoundError) as e:
        return fail(str(e))
    problems = [s for s in book.students if s.problems]
    print(f"graded {len(book.students)} submission(s) on {len(book.columns)} question(s) "
          f"(code isolation: {book.isolation}): {len(book.students) - len(problems)} ok, "
          f"{len(problems)} with problems (see the status column)")
    print(safe_text("wrote " + ", ".join(map(str, done.paths))))
    for note in [*class_summary(analysis), *done.notes]:
        print(safe_text(note))
    for refusal in done.refused:
        print(f"quizkit grade: {safe_text(refusal)}", file=sys.stderr)
    return 2 if done.refused else 0


def class_summary(analysis: ClassAnalysis) -> list[str]:
    """Two lines for the terminal: reliability and flagged questions; the weakest concepts."""
    summary = analysis.summary
    if not summary["students"]:
        return []
    rel = analysis.reliability
    alpha = "not defined" if rel["alpha"] is None else f"{rel['alpha']:.2f} (SEM {rel['sem']:.2f} points)"
    flagged = [f"{i['question']} ({'; '.join(i['flags'])})" for i in analysis.items if i["flags"]]
    lines = [f"items: {rel['method']} {alpha} over {summary['students']} student(s); "
             f"flagged: {', '.join(flagged) or 'none'}" + (f" [{summary['warning']}]" if summary["warning"] else "")]
    weakest = [c for c in analysis.mastery["concepts"] if c["share"] is not None][:3]
    if weakest:
        lines.append("weakest concepts: " + ", ".join(f"{c['concept']} {100 * c['share']:.0f}%" for c in weakest))
    return lines

