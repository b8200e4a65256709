"""``quizkit grade``: saved notebooks in, gradebook (CSV + JSON twin, optional HTML report) out.

Each answer record in a notebook (see :mod:`quizkit.quiz.records`) is re-scored against the answer
key; the ``correct`` flag stored in the file is never trusted. Choice answers compare option
ids, numeric and text answers are scored without running anything; a code answer's outputs are
computed in an isolated process (:mod:`quizkit.sandbox`) and judged here against the
key (:func:`quizkit.quiz.judge.judge_code`). Whatever is wrong with one submission goes into its
``status``; the batch never stops for it.

The maximum belongs to the assignment: ``lessons`` (``--lesson``) fixes the lessons that count;
by default the banks named as files in ``keys`` plus every lesson of the key that at least half
of the submissions answered. Records for other lessons are listed as ignored per student.

>>> from quizkit.sandbox import NONE
>>> book = grade_submissions([], keys=["tests/fixtures/grading/grading-demo.yaml"], isolation=NONE)
>>> [c.key for c in book.columns][:2], book.max_points
(['grading-demo/pick', 'grading-demo/evens'], 7.0)
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from quizkit.quiz.loading import bank_files
from quizkit.grading.budget import SubmissionBudget
from quizkit.grading.gradebook import AnswerGrade, Column, Gradebook, StudentGrade
from quizkit.grading.reading import (
    LESSON_ID,
    MAX_NOTEBOOK_MB,
    Submission,
    read_submission,
)

# Up to this many submissions are graded in this process: a pool costs more than it saves.
INLINE_BATCH = 4
# What is kept of an answer longer than its question type reads (``max_answer_chars``).
STORED_CHARS = 200


# --------------------------------------------------------------------------- keys


def key_files(keys: Iterable[str | Path]) -> tuple[dict[str, Path], list[str]]:
    """Map lesson id -> bank file for ``--key`` folders and files: (index, explicitly named ids).

    Folders contribute their banks (:func:`quizkit.quiz.loading.bank_files`); a bank named twice is an error.
    """
    index: dict[str, Path] = {}
    explicit: list[str] = []
    for key in map(Path, keys):
        if key.is_dir():
            files = bank_files(key)
            if not files:
                raise ValueError(f"--key {key}: the folder holds no question banks (*.yaml)")
        elif key.is_file():
            files = [key]
        else:
            raise ValueError(f"--key {key}: no such file or folder")
        for file in files:
            if file.stem in index and index[file.stem].resolve() != file.resolve():
                raise ValueError(f"--key: lesson {file.stem!r} is given twice ({index[file.stem]} and {file})")
            index[file.stem] = file
            if key.is_file():
                explicit.append(file.stem)
    return index, explicit


def bank_for(lesson: str, index: dict[str, Path] | None) -> Any:
    """The key bank for a lesson; None for a lesson the key lacks.

    Banks are cached per process and per file content (workers inherit the cache when
    forked), so a key edited between two gradings in one kernel is read again.
    """
    from quizkit.quiz.loading import find_bank, load_bank_cached

    if index is None:
        # Only plain ids: a record naming a path must not pick its own answer key.
        if not LESSON_ID.fullmatch(lesson):
            return None
        try:
            file = find_bank(lesson)
        except FileNotFoundError:
            return None
    elif lesson in index:
        file = index[lesson]
    else:
        return None
    return load_bank_cached(file)


def _check_key(bank: Any) -> None:
    if bank.release is not None:
        raise ValueError(f"{bank.path}: this is a released student copy (quizkit release), not an answer key: its hidden "
                         "checks and text matching are gone; grade with the instructor's bank")


# --------------------------------------------------------------------------- scoring


def score_answer(q: Any, record: dict[str, Any], limits: Any, isolation: Any, revealed_credit: float = 0.0) -> AnswerGrade:
    """Score one record against its question; code is computed under ``isolation`` (None: not graded).

    A right answer given after the learner asked to see the solution (``revealed`` in the
    record) earns ``revealed_credit`` of its points (none by default).
    """
    from quizkit.quiz.scoring import AnswerError

    checks = None
    try:
        # Refused unread: fuzzy matching and running cost grow with the length.
        if isinstance(record["answer"], str) and len(record["answer"]) > q.max_answer_chars:
            raise AnswerError(f"a {q.type} answer of {len(record['answer'])} characters (the limit is {q.max_answer_chars})")
        score, checks = q.grade(record["answer"], limits, isolation)
        points, correct, reason = score.points, score.correct, score.feedback
    except AnswerError as e:
        points, correct, reason = 0.0, False, f"invalid answer: {e}"
    if record.get("revealed") and correct:
        points *= revealed_credit
        reason = f"right after the solution was shown ({revealed_credit:g} of the points). {reason}".strip()
    return _answer_grade(q, record, float(points), bool(correct), reason, checks)


def _answer_grade(q: Any, record: dict[str, Any], points: float, correct: bool, reason: str,
                  checks: dict[str, Any] | None) -> AnswerGrade:
    answer = record["answer"]
    if isinstance(answer, str) and len(answer) > q.max_answer_chars:
        answer = f"{answer[:STORED_CHARS]}... [{len(answer)} characters, cut]"
    return AnswerGrade(
        lesson=record["lesson"], question=record["question"], type=q.type, answer=answer,
        points=points, max_points=float(q.points), correct=correct, reason=reason,
        attempts=record["attempts"], time=record["time"], claimed_correct=record.get("correct"), checks=checks,
    )


def _not_run(q: Any, record: dict[str, Any], why: str, isolation: Any) -> AnswerGrade:
    """A code answer left unrun because its submission's budget is spent: 0 points, and why."""
    reason = f"not run: {why}"
    return _answer_grade(q, record, 0.0, False, reason, {
        "status": "not run", "failed_check": None, "passed_checks": [], "message": reason, "isolation": isolation.name})


def _contradicts_key(answer: AnswerGrade, bank: Any, record: dict[str, Any]) -> bool:
    """A record claiming "correct" that the same key scores wrong: edited, or a bug worth a look.

    Not suspicious: a different bank version, code not graded, or a code answer failing only a
    hidden check (practice runs the visible checks only).
    """
    if answer.claimed_correct is not True or answer.correct or record["bank_hash"] != bank.key_hash:
        return False
    if answer.checks is not None:
        if answer.checks["status"] in ("not graded", "not run"):
            return False
        if answer.checks["status"] == "failed":
            checks = {c.name: c for c in bank.questions[answer.question].checks}
            return not checks[answer.checks["failed_check"]].hidden
    return True


def score_submission(sub: Submission, lessons: Sequence[str], index: dict[str, Path] | None,
                     limits: Any = None, isolation: Any = None, revealed_credit: float = 0.0) -> StudentGrade:
    """Grade a read submission on the assignment's ``lessons``; records of other lessons are ignored.

    ``limits.cpu_s`` and ``limits.wall_s`` are the submission's budget over all its code answers
    (:class:`~quizkit.grading.budget.SubmissionBudget`): each code answer runs with what the
    earlier ones left, and once it is spent the rest are not run (0 points, listed as problems).
    """
    budget = SubmissionBudget(limits)
    grade = StudentGrade(student=sub.student, source=sub.source, problems=list(sub.problems),
                         lessons_seen=list(sub.lessons_seen),
                         ignored=[lesson for lesson in sub.lessons_seen if lesson not in lessons])
    for (lesson, qid), record in sub.latest.items():
        if lesson not in lessons:
            continue
        bank = bank_for(lesson, index)
        question = bank.questions[qid]
        spent = budget.spent() if question.runs_code and isolation is not None else None
        if spent is not None:
            answer = _not_run(question, record, spent, isolation)
            grade.answers[answer.key] = answer
            grade.problems.append(f"{answer.key}: {answer.reason}")
            continue
        left = budget.remaining()
        answer = score_answer(question, record, left, isolation, revealed_credit)
        if answer.checks is not None and "wall_s" in answer.checks:
            timed_out = answer.checks["status"] == "timeout"
            budget.charge(answer.checks.pop("cpu_s"), answer.checks.pop("wall_s"), timed_out)
            if timed_out and left != budget.limits:
                note = (f" (the limit is what the earlier code answers left of this submission's {budget.limits.cpu_s:g} s "
                        f"CPU and {budget.limits.wall_s:g} s wall clock)")
                answer.reason += note
                answer.checks["message"] += note
        grade.answers[answer.key] = answer
        if _contradicts_key(answer, bank, record):
            grade.problems.append(f"{answer.key}: the record claims correct, re-scoring says wrong")
        checks = answer.checks or {}
        if checks.get("status") in ("timeout", "crashed", "not graded"):
            grade.problems.append(f"{answer.key}: code {checks['status']} ({checks['message']})")
    if not grade.answers and sub.lessons_seen and lessons:
        grade.problems.append(f"no answers for this assignment's lessons ({', '.join(lessons)}); the notebook answers "
                              f"{', '.join(sub.lessons_seen)}: the wrong lesson saved under this name?")
    return grade


def _read_one(args: tuple[str, dict[str, Path] | None, float]) -> Submission:
    path, index, max_mb = args
    try:
        return read_submission(path, lambda lesson: bank_for(lesson, index), max_mb)
    except Exception as e:  # noqa: BLE001 - one submission must never stop the batch
        return Submission(student=Path(path).stem, source=str(path), problems=[f"could not be read: {type(e).__name__}: {e}"])


def _score_one(args: tuple[Submission, list[str], dict[str, Path] | None, Any, Any, float]) -> StudentGrade:
    sub, lessons, index, limits, isolation, revealed_credit = args
    try:
        return score_submission(sub, lessons, index, limits, isolation, revealed_credit)
    except Exception as e:  # noqa: BLE001 - one submission must never stop the batch
        return StudentGrade(student=sub.student, source=sub.source,
                            problems=[*sub.problems, f"could not be graded: {type(e).__name__}: {e}"])


class _Progress:
    """A tqdm bar on a terminal; plain "graded k/n" lines (every 10%) in a log."""

    def __init__(self, total: int, stream: Any):
        self.total, self.stream, self.done, self.bar = total, stream, 0, None
        if stream is not None and stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=stream, desc="grading", unit="submission", leave=True)

    def update(self) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)
            if self.done == self.total:
                self.bar.close()
        elif self.stream is not None and (self.done == self.total or self.done % max(1, self.total // 10) == 0):
            self.stream.write(f"graded {self.done}/{self.total}\n")
            self.stream.flush()


def assignment_lessons(subs: Sequence[Submission], explicit: Sequence[str], chosen: Sequence[str] | None) -> list[str]:
    """The lessons that count: ``chosen`` (``--lesson``), else the named bank files plus every
    lesson answered in at least half of the submissions.

    >>> subs = [Submission("a", "a", lessons_seen=["l1", "l2"]), Submission("b", "b", lessons_seen=["l1"])]
    >>> assignment_lessons(subs, [], None), assignment_lessons(subs + [Submission("c", "c")], [], None)
    (['l1', 'l2'], ['l1'])
    """
    if chosen:
        return list(dict.fromkeys(chosen))
    counts: dict[str, int] = {}
    for sub in subs:
        for lesson in sub.lessons_seen:
            counts[lesson] = counts.get(lesson, 0) + 1
    common = sorted(lesson for lesson, n in counts.items() if 2 * n >= len(subs))
    return list(dict.fromkeys([*explicit, *common]))


def grade_submissions(
    paths: Sequence[str | Path],
    keys: Sequence[str | Path] | None = None,
    jobs: int | None = None,
    *,
    lessons: Sequence[str] | None = None,
    limits: Any = None,
    isolation: Any = None,
    max_mb: float = MAX_NOTEBOOK_MB,
    progress: Any = None,
    no_sandbox: str | None = None,
    revealed_credit: float = 0.0,
) -> Gradebook:
    """Grade every submission; ``keys`` are bank files or folders (None: lessons/ lookup).

    ``lessons`` fixes the assignment (see the module docs). ``isolation`` is an
    :class:`~quizkit.sandbox.Backend` for code answers (None: code answers are
    "not graded"); ``jobs`` processes (default: all cores); ``limits`` a
    :class:`~quizkit.sandbox.Limits`; ``progress`` a stream (stderr). ``no_sandbox``: why no
    backend works here; given, an assignment with code questions is refused (ValueError) rather
    than graded zero; ``revealed_credit`` the share of the points a right answer earns after
    its solution was shown (default none).
    """
    if isinstance(revealed_credit, bool) or not isinstance(revealed_credit, (int, float)) or not 0 <= revealed_credit <= 1:
        raise ValueError(f"revealed_credit must be a number from 0 to 1, not {revealed_credit!r}")
    # Imported here, before the pool forks, so that the workers do not each import them.
    for module in ("quizkit.quiz.loading", "quizkit.quiz.records"):
        importlib.import_module(module)
    index, explicit = key_files(keys) if keys else (None, [])
    for lesson in index or {}:  # every key bank is loaded (and validated: BankError) before forking
        _check_key(bank_for(lesson, index))
    for lesson in lessons or []:
        if bank_for(lesson, index) is None:
            raise ValueError(f"--lesson {lesson}: no such lesson in the key")
    jobs = jobs or os.cpu_count() or 1
    inline = jobs == 1 or len(paths) <= INLINE_BATCH
    pool = None if inline else ProcessPoolExecutor(max_workers=min(jobs, len(paths)))
    try:
        chunks = max(1, len(paths) // (jobs * 8))
        todo = [(str(p), index, max_mb) for p in paths]
        subs = list(map(_read_one, todo) if pool is None else pool.map(_read_one, todo, chunksize=chunks))
        chosen = assignment_lessons(subs, explicit, lessons)
        for lesson in chosen:
            _check_key(bank_for(lesson, index))
        if isolation is None and no_sandbox is not None and any(
                q.runs_code for lesson in chosen for q in bank_for(lesson, index).questions.values()):
            raise ValueError(f"the assignment has code questions and no sandbox works here: {no_sandbox}")
        bar = _Progress(len(subs), progress)
        work = [(sub, chosen, index, limits, isolation, float(revealed_credit)) for sub in subs]
        results = []
        for result in (map(_score_one, work) if pool is None else pool.map(_score_one, work, chunksize=chunks)):
            results.append(result)
            bar.update()
    finally:
        if pool is not None:
            pool.shutdown()
    columns, key_list = [], []
    for lesson in chosen:
        bank = bank_for(lesson, index)
        _check_key(bank)
        key_list.append({"lesson": lesson, "path": str(bank.path), "hash": bank.hash})
        columns += [column_for(lesson, q) for q in bank.questions.values()]
    _flag_shared_ids(results)
    _flag_copies(results, {sub.source: sub.fingerprints for sub in subs})
    results.sort(key=lambda s: (s.student, s.source))
    name = "unavailable" if isolation is None else isolation.name
    return Gradebook(results, columns, key_list, isolation=name)


def column_for(lesson: str, q: Any) -> Column:
    """The gradebook column of question ``q``: its points, concept tags and the options its type lists."""
    options, correct = q.key_options()
    return Column(lesson, q.id, q.type, float(q.points), tuple(q.concepts), options, correct)


def _flag_shared_ids(results: list[StudentGrade]) -> None:
    by_id: dict[str, list[StudentGrade]] = {}
    for r in results:
        by_id.setdefault(r.student, []).append(r)
    for student, rows in by_id.items():
        if len(rows) > 1:
            for r in rows:
                others = sorted(o.source for o in rows if o is not r)
                more = f" and {len(others) - 3} more" if len(others) > 3 else ""
                r.problems.append(f"student id {student!r} also used by {', '.join(others[:3])}{more}")


def _flag_copies(results: list[StudentGrade], fingerprints: dict[str, list[str]]) -> None:
    """Submissions of different students that are one file (hard link) or the same bytes: copies."""
    owners: dict[str, set[str]] = {}
    for r in results:
        for mark in fingerprints.get(r.source, []):
            owners.setdefault(mark, set()).add(r.student)
    for r in results:
        same = sorted({s for mark in fingerprints.get(r.source, []) for s in owners[mark] if s != r.student})
        if same:
            r.problems.append(f"identical to the submission of {', '.join(same[:3])}: a copy?")
