"""``quizkit check-lessons``: validate a course's banks and warn about giveaways.

>>> banks, problems = check_lessons(["lessons"])
>>> problems, len(banks) >= 10
([], True)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from quizkit.quiz.loading import LESSONS_DIR, bank_files, load_course, validate_bank
from quizkit.quiz.schema import Bank
from quizkit.quiz.validation import COURSE_FILE, Problem


def check_lessons(paths: Sequence[str | Path]) -> tuple[list[Bank], list[Problem]]:
    """Validate folders of banks (with their course.yaml) and single bank files."""
    banks: list[Bank] = []
    problems: list[Problem] = []
    for target in map(Path, paths):
        if target.is_dir():
            course_path = target / COURSE_FILE
            course = None
            if course_path.is_file():
                course, found = load_course(course_path)
                problems += found
            else:
                problems.append(Problem(str(course_path), "missing: list the lessons and concepts here"))
            files = bank_files(target)
            for file in files:
                bank, found = validate_bank(file, course)
                problems += found
                banks += [bank] if bank else []
            if course is not None:
                stems = {f.stem for f in files}
                for lesson in course.lessons:
                    if lesson not in stems:
                        problems.append(Problem(str(course_path), f"lesson {lesson!r} has no bank {lesson}.yaml", None, "lessons"))
                for stem in sorted(stems - set(course.lessons)):
                    problems.append(Problem(str(course_path), f"bank {stem}.yaml is not listed", None, "lessons"))
        elif target.is_file():
            bank, found = validate_bank(target)
            problems += found
            banks += [bank] if bank else []
        else:
            problems.append(Problem(str(target), "no such file or folder"))
    return banks, problems


def length_warnings(bank: Bank) -> list[Problem]:
    """A warning when the key is the longest option in more than half of the single-choice questions.

    Learners soon notice that the longest option is usually right and stop reading; a warning
    (not a problem) because one bank may have good reasons in some questions.

    >>> from quizkit.quiz.loading import load_bank
    >>> warnings = length_warnings(load_bank("09-final-check"))  # zero or one warning per bank
    >>> len(warnings) <= 1 and all("single-choice questions" in str(w) for w in warnings)
    True
    """
    verdicts = {q.id: q.key_is_longest_option() for q in bank.questions.values()}
    single = [qid for qid, verdict in verdicts.items() if verdict is not None]
    longest = [qid for qid, verdict in verdicts.items() if verdict]
    if len(longest) * 2 <= len(single):
        return []
    return [Problem(str(bank.path), f"the key is the longest option in {len(longest)} of {len(single)} single-choice "
                    f"questions ({', '.join(longest)}); rewrite options so that length gives nothing away")]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=[LESSONS_DIR], metavar="PATH",
                        help="bank files or folders of banks (default: lessons/)")


def run_cli(args: argparse.Namespace) -> int:
    banks, problems = check_lessons(args.paths)
    for bank in banks:
        for warning in length_warnings(bank):
            print(f"warning: {warning}", file=sys.stderr)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found.")
        return 1
    n_questions = sum(len(b.questions) for b in banks)
    print(f"OK: {len(banks)} bank(s), {n_questions} question(s) in {', '.join(map(str, args.paths))}.")
    return 0
