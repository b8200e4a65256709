"""``quizkit check-lessons``: validate a course's banks and warn about giveaways.

>>> banks, problems = check_lessons(["lessons"])
>>> problems, len(banks) >= 10
([], True)
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from quizkit.quiz.claims import CLAIMS_FILE, Claims, shown
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
            folder_banks = [b for b in banks if b.path is not None and b.path.parent == target]
            if (target / CLAIMS_FILE).is_file():
                problems += claim_problems(folder_banks, Claims.read(target / CLAIMS_FILE), target.parent / "notebooks")
            problems += reference_problems(folder_banks, target.parent)
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


def _key_texts(q: object) -> str:
    """What a question teaches as right: the keyed options and every explanation."""
    parts = [getattr(q, "explanation", None) or ""]
    correct = getattr(q, "correct", None)
    keyed = [correct] if isinstance(correct, str) else list(correct or [])
    for option in getattr(q, "options", []):
        parts += [option.text] if option.id in keyed else []
        parts += [option.explanation or ""] if option.id in keyed else []
    return "\n".join(parts)


def claim_problems(banks: Sequence[Bank], claims: Claims, notebooks: Path) -> list[Problem]:
    """A question may rest only on an active claim that its cell still shows, and must not contradict it.

    The claim's ``contradicts`` phrases must not appear in the keyed options or the
    explanations of a question that cites it; its cell's saved output is read when the
    course's notebooks sit next to the lessons folder.
    """
    problems = []
    verdicts: dict[str, object] = {}
    for bank in banks:
        for q in bank.questions.values():
            if q.claim is None:
                continue
            where = (str(bank.path), q.id, "claim")
            if q.claim in claims.pending:
                problems.append(Problem(where[0], f"{q.claim!r} is a pending claim: it does not hold yet, so no key may rest on it", *where[1:]))
                continue
            if q.claim not in claims.active:
                problems.append(Problem(where[0], f"unknown claim {q.claim!r} (not in {CLAIMS_FILE})", *where[1:]))
                continue
            if notebooks.is_dir():
                seen = verdicts.setdefault(q.claim, shown(claims.active[q.claim], notebooks))
                if not seen.holds:  # type: ignore[attr-defined]
                    why = seen.problem or f"its cell shows {seen.value:+.3f}"  # type: ignore[attr-defined]
                    problems.append(Problem(where[0], f"claim {q.claim!r} is not shown by its cell: {why}", *where[1:]))
            for phrase in claims.contradictions(q.claim, _key_texts(q)):
                problems.append(Problem(where[0], f"the key or explanation says {phrase!r}, which contradicts claim {q.claim!r}", *where[1:]))
    return problems


# quiz.ask("id"), quiz.answer("id", ...), quiz.check("id", ...), quiz.reveal("id") in code.
QUIZ_CALL = re.compile(r"\bquiz\.(?:ask|answer|check|reveal)\(\s*[\"']([A-Za-z0-9_.-]+)[\"']")


def reference_problems(banks: Sequence[Bank], root: Path) -> list[Problem]:
    """Every question id that ``root``'s README or a notebook's code names exists in a bank."""
    import nbformat

    known = {qid for bank in banks for qid in bank.questions}
    sources: list[tuple[Path, str]] = []
    readme = root / "README.md"
    if readme.is_file():
        sources.append((readme, readme.read_text(encoding="utf-8")))
    for notebook in sorted((root / "notebooks").glob("*.ipynb")):
        cells = nbformat.read(notebook, as_version=4).cells
        sources.append((notebook, "\n".join(c.source for c in cells if c.cell_type == "code")))
    return [Problem(str(path), f"names question {qid!r}, which no bank holds")
            for path, text in sources for qid in dict.fromkeys(QUIZ_CALL.findall(text)) if qid not in known]


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
