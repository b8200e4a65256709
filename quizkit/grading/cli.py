"""The ``quizkit grade`` command line.

    quizkit grade --key lessons/ --out gradebook.csv --report report.html -- submissions/*
    quizkit grade --key lessons/ --lesson 01-confusion-matrix --out week1.csv -- submissions/*
    quizkit grade --out gradebook.csv --lms canvas --assignment "Quiz 1" --roster roster.csv -- submissions/*

Options never come from file names: everything after ``--`` is a submission, and an option
that is also the name of a file here (what ``*`` expands to) is refused. Code answers are
computed under ``--isolation`` (default ``auto``: bubblewrap, else a container engine, each
tried with a no-op run first); when none works and the assignment has code questions, grading
stops. Running code without isolation (``--isolation none`` or ``--unsafe-no-isolation``) is
only for your own code and needs ``QUIZKIT_ALLOW_UNSAFE=1`` in the environment as well.

>>> refuse_argv(["--out", "g.csv", "--jobs", "-1", "--", "--isolation=none"]) is None
True
>>> refuse_argv(["--iso=none", "a.ipynb"]).split(";")[0]
'--iso=none is not an option of quizkit grade'
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
import os
import sys
from pathlib import Path

from quizkit.grading.class_analysis import ClassAnalysis
from quizkit.grading.exporters.base import ExportOptions
from quizkit.grading.exporters.registry import DEFAULT, exporter_names, write_exports
from quizkit.grading.gradebook import safe_text
from quizkit.grading.identity import safe_display
from quizkit.grading.reading import MAX_NOTEBOOK_MB
from quizkit.sandbox.backends import BACKENDS


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
                        help="wall-clock seconds per submission, over all its code answers and their processes (default 60)")
    parser.add_argument("--cpu-limit", type=float, default=None, metavar="S",
                        help="CPU seconds per submission, over all its code answers and their processes (summed by a "
                             "cgroup where one is available, else wall seconds count; default 30)")
    parser.add_argument("--memory-limit", type=int, default=None, metavar="MB",
                        help="memory per code answer, over all its processes where cgroups allow; a submission's code "
                             "answers run one at a time, so this bounds the submission too (default 4096)")
    parser.add_argument("--isolation", choices=["auto", *BACKENDS], default="auto",
                        help="how code answers are isolated (default auto: bubblewrap, else docker/podman)")
    parser.add_argument("--unsafe-no-isolation", action="store_true",
                        help=f"run code answers without isolation when none is available: only for your own code "
                             f"(needs {UNSAFE_ENV}=1 in the environment too)")
    parser.add_argument("--revealed-credit", type=float, default=0.0, metavar="SHARE",
                        help="the share of its points a right answer earns when the learner first asked to see the "
                             "solution (0 to 1; default 0: no points)")
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


UNSAFE_ENV = "QUIZKIT_ALLOW_UNSAFE"
USAGE = "quizkit grade --key lessons/ --out gradebook.csv -- submissions/*"


def refuse_argv(argv: list[str]) -> str | None:
    """Why these arguments are refused before parsing (None: fine).

    An option that is also the name of a file in this folder came from a glob (``*``), not
    from the instructor: a submission named ``--isolation=none`` must not switch anything. Before
    ``--``, anything that looks like an option must be one of ours, spelled out in full (no
    abbreviations, which a file name could also hit).
    """
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    options = parser._option_string_actions  # the parser's own table of option strings
    takes_value = False
    for arg in argv:
        if arg == "--":
            return None
        if takes_value:  # the value of the option before it (a negative number, say)
            takes_value = False
            continue
        if not arg.startswith("-") or arg == "-":
            continue
        name = arg.split("=", 1)[0]
        if os.path.lexists(arg):
            return (f"{safe_display(arg)} is an option and also a file here (did * expand to it?): "
                    f"nothing was graded. Put the submissions after --, e.g. {USAGE}")
        if name not in options:
            return (f"{safe_display(arg)} is not an option of quizkit grade; a submission whose name starts "
                    f"with - goes after --, e.g. {USAGE}")
        takes_value = "=" not in arg and options[name].nargs != 0
    return None



def run_cli(args: argparse.Namespace) -> int:
    from quizkit.grading.scoring import grade_submissions, key_files
    from quizkit.quiz.validation import BankError
    from quizkit.sandbox import Limits, choose, limits_in_force

    def fail(message: str) -> int:
        print(f"quizkit grade: {safe_text(str(message))}", file=sys.stderr)
        return 2

    if args.jobs is not None and args.jobs < 1:
        return fail(f"--jobs must be 1 or more, not {args.jobs}")
    if not 0 <= args.revealed_credit <= 1:
        return fail(f"--revealed-credit must be a share from 0 to 1, not {args.revealed_credit:g}")
    chosen_limits = {"wall_s": args.time_limit, "cpu_s": args.cpu_limit, "memory_mb": args.memory_limit}
    try:
        limits = Limits(**{k: v for k, v in chosen_limits.items() if v is not None})
    except ValueError as e:
        return fail(str(e).replace("Limits.wall_s", "--time-limit").replace("Limits.cpu_s", "--cpu-limit")
                    .replace("Limits.memory_mb", "--memory-limit"))
    unsafe = args.unsafe_no_isolation or args.isolation == "none"
    if unsafe and os.environ.get(UNSAFE_ENV) != "1":
        return fail(f"running code answers without isolation needs {UNSAFE_ENV}=1 in the environment as well as "
                    "the option (a file name cannot set it); only for your own code")
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
        isolation, why = choose(args.isolation, unsafe=unsafe, masked=[*masked, *args.submissions])
        if isolation is None and args.isolation != "auto":
            return fail(f"--isolation {args.isolation}: {why}")
        if isolation is not None and not isolation.isolated:
            print("quizkit grade: warning: code answers run WITHOUT isolation (--unsafe-no-isolation)", file=sys.stderr)
        print(f"quizkit grade: {limits_in_force(isolation, limits)}", file=sys.stderr)
        if isolation is not None:
            print(f"quizkit grade: per submission, over all its code answers: {limits.cpu_s:g} s CPU, {limits.wall_s:g} "
                  "s wall clock (answers left when it is spent are not run)", file=sys.stderr)
        book = grade_submissions(args.submissions, args.key, args.jobs, lessons=args.lesson, limits=limits,
                                 isolation=isolation, max_mb=args.max_mb, progress=sys.stderr,
                                 no_sandbox=why if isolation is None else None, revealed_credit=args.revealed_credit)
        if not book.columns:
            return fail("no answer key found for these submissions: 0 questions to grade (give --key with the "
                        "instructor's banks, and check that the submissions are the assignment's notebooks)")
        analysis = ClassAnalysis.from_gradebook(book)
        done = write_exports(book, exported(args), ExportOptions(Path(args.out), Path(args.report) if args.report else None,
                                                                 args.assignment, roster), analysis)
    except (BankError, ValueError, FileNotFoundError) as e:
        return fail(str(e))
    problems = [s for s in book.students if s.problems]
    print(f"graded {len(book.students)} submission(s) on {len(book.columns)} question(s) "
          f"(code isolation: {book.isolation}): {len(book.students) - len(problems)} ok, "
          f"{len(problems)} with problems (see the status column)")
    for student in problems[:20]:
        print(f"  {safe_display(student.student)}: {safe_display('; '.join(student.problems), 300)}")
    if len(problems) > 20:
        print(f"  ... and {len(problems) - 20} more")
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

