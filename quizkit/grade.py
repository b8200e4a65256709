"""``quizkit grade``: saved notebooks in, gradebook (CSV + JSON twin, optional HTML report) out.

Each answer record in a notebook (see :mod:`quizkit.records`) is re-scored against the answer
key; the ``correct`` flag stored in the file is never trusted. The last record per question
wins (latest ``time``, then most ``attempts``). Choice, numeric and text answers are scored
without running anything from the notebook; code answers run all the question's checks,
hidden ones included, in :mod:`quizkit.sandbox`, one process per answer. Whatever is wrong
with one submission goes into its ``status``; the batch never stops for it.

>>> book = grade_submissions(["submissions/alice.ipynb"], keys=["lessons/"])   # doctest: +SKIP
>>> book.write("gradebook.csv", report="report.html")                          # doctest: +SKIP

Command line::

    quizkit grade submissions/* --key lessons/ --out gradebook.csv --report report.html
"""

from __future__ import annotations

import argparse
import csv
import importlib
import io
import json
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from quizkit import __version__

MAX_NOTEBOOK_MB = 50.0
LESSON_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
# Up to this many submissions are graded in this process: a pool costs more than it saves.
INLINE_BATCH = 4


# --------------------------------------------------------------------------- results


@dataclass
class AnswerGrade:
    """One question's grade for one student, with the reason (feedback or sandbox verdict)."""

    lesson: str
    question: str
    type: str
    answer: Any
    points: float
    max_points: float
    correct: bool
    reason: str
    attempts: int
    time: str
    claimed_correct: bool | None = None
    checks: dict[str, Any] | None = None  # code answers: status, failed_check, passed_checks

    @property
    def key(self) -> str:
        return f"{self.lesson}/{self.question}"


@dataclass
class StudentGrade:
    """One submission (a notebook, or a folder of one student's notebooks)."""

    student: str
    source: str
    answers: dict[str, AnswerGrade] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    lessons_seen: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "; ".join(self.problems) if self.problems else "ok"

    @property
    def total(self) -> float:
        return sum(a.points for a in self.answers.values())


@dataclass(frozen=True)
class Column:
    """A gradebook column: one question of one lesson."""

    lesson: str
    question: str
    type: str
    max_points: float

    @property
    def key(self) -> str:
        return f"{self.lesson}/{self.question}"


def fmt(points: float) -> str:
    """Stable number formatting for every output: 2, 0.5, 1.333."""
    return f"{round(points, 3):g}"


@dataclass
class Gradebook:
    """The graded class: ``students`` sorted by id then source, ``columns`` in lesson/bank order."""

    students: list[StudentGrade]
    columns: list[Column]
    keys: list[dict[str, str]]

    @property
    def max_points(self) -> float:
        return sum(c.max_points for c in self.columns)

    def total(self, student: StudentGrade) -> float:
        """Points on this gradebook's questions (answers to other lessons are not counted)."""
        return sum(student.answers[c.key].points for c in self.columns if c.key in student.answers)

    def csv_text(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["student", "source", *[c.key for c in self.columns], "total", "max", "status"])
        for s in self.students:
            cells = [fmt(s.answers[c.key].points) if c.key in s.answers else "" for c in self.columns]
            writer.writerow([s.student, s.source, *cells, fmt(self.total(s)), fmt(self.max_points), s.status])
        return out.getvalue()

    def json_text(self) -> str:
        data = {
            "quizkit": __version__,
            "keys": self.keys,
            "questions": [asdict(c) for c in self.columns],
            "max": self.max_points,
            "students": [
                {
                    "student": s.student,
                    "source": s.source,
                    "total": round(self.total(s), 3),
                    "status": s.status,
                    "problems": s.problems,
                    "answers": [asdict(a) for a in sorted(s.answers.values(), key=lambda a: a.key)],
                }
                for s in self.students
            ],
        }
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"

    def write(self, out: str | Path, report: str | Path | None = None) -> list[Path]:
        """Write ``out`` (CSV), its ``.json`` twin and optionally the HTML report, each atomically."""
        out = Path(out)
        written = [write_atomic(out, self.csv_text()), write_atomic(out.with_suffix(".json"), self.json_text())]
        if report is not None:
            from quizkit.gradereport import report_html

            written.append(write_atomic(Path(report), report_html(self)))
        return written


def write_atomic(path: Path, text: str) -> Path:
    """Write to a temporary file in the same folder, then rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# --------------------------------------------------------------------------- keys


def key_files(keys: Iterable[str | Path]) -> tuple[dict[str, Path], list[str]]:
    """Map lesson id -> bank file for ``--key`` folders and files: (index, explicitly named ids).

    Folders contribute each ``*.yaml`` but course.yaml and claims.yaml; a bank named twice is an error.
    """
    index: dict[str, Path] = {}
    explicit: list[str] = []
    for key in map(Path, keys):
        if key.is_dir():
            files = sorted(p for p in key.glob("*.y*ml") if p.stem not in ("course", "claims"))
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


# (lesson id, bank file or None for the lessons/ lookup) -> Bank or None; one per process.
_BANKS: dict[tuple[str, Path | None], Any] = {}


def _bank(lesson: str, index: dict[str, Path] | None) -> Any:
    """The key bank for a lesson (cached per process); None for a lesson the key lacks."""
    from quizkit.bank import find_bank, load_bank

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
    cache_key = (lesson, file.resolve())
    if cache_key not in _BANKS:
        _BANKS[cache_key] = load_bank(file)
    return _BANKS[cache_key]


def _check_key(bank: Any) -> None:
    if not bank.has_key:
        raise ValueError(f"{bank.path}: this is a released exam copy without answers; grade with the instructor's bank")


# --------------------------------------------------------------------------- reading submissions


@dataclass
class _Notebook:
    path: Path
    records: list[tuple[int, dict[str, Any]]]  # (position, raw record)
    student: str | None


def _read_notebook(path: Path, max_mb: float, problems: list[str]) -> _Notebook | None:
    name = path.name
    if path.suffix != ".ipynb":
        problems.append(f"{name}: not a notebook (expected a .ipynb file)")
        return None
    try:
        size = path.stat().st_size
    except OSError as e:
        problems.append(f"{name}: cannot read ({e.strerror})")
        return None
    if size > max_mb * 2**20:
        problems.append(f"{name}: notebook too large ({size / 2**20:.0f} MB, the limit is {max_mb:g} MB); not read")
        return None
    try:
        with open(path, "rb") as fh:
            nb = json.load(fh)
    except UnicodeDecodeError:
        problems.append(f"{name}: invalid notebook (not UTF-8 text)")
        return None
    except json.JSONDecodeError as e:
        problems.append(f"{name}: invalid notebook (not valid JSON: {e.msg} at line {e.lineno}, column {e.colno})")
        return None
    except OSError as e:
        problems.append(f"{name}: cannot read ({e.strerror})")
        return None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) or not isinstance(nb.get("nbformat"), int):
        problems.append(f"{name}: invalid notebook (JSON without nbformat and a list of cells)")
        return None
    from quizkit.records import iter_records

    records = []
    for n, cell in enumerate(nb["cells"]):
        try:
            found = list(iter_records({"cells": [cell]})) if isinstance(cell, dict) else []
        except (ValueError, TypeError, AttributeError) as e:
            problems.append(f"{name}: unreadable answer record in cell {n + 1} ignored ({e})")
            continue
        records += [(n, r) for r in found]
    meta = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    quizkit_meta = meta.get("quizkit") if isinstance(meta.get("quizkit"), dict) else {}
    student = quizkit_meta.get("student")
    return _Notebook(path, records, student if isinstance(student, str) and student.strip() else None)


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# --------------------------------------------------------------------------- grading


def _grade_answer(q: Any, record: dict[str, Any], limits: Any) -> AnswerGrade:
    from quizkit.bank import AnswerError

    checks = None
    try:
        if q.type == "code":
            if not isinstance(record["answer"], str):
                raise AnswerError(f"a code answer is source text, not {type(record['answer']).__name__}")
            outcome, score = q.run(record["answer"], limits, hidden=True)
            checks = {"status": outcome.status, "failed_check": outcome.failed_check,
                      "passed_checks": list(outcome.passed_checks), "message": outcome.message}
        else:
            score = q.score(record["answer"])
        points, correct, reason = score.points, score.correct, score.feedback
    except AnswerError as e:
        points, correct, reason = 0.0, False, f"invalid answer: {e}"
    return AnswerGrade(
        lesson=record["lesson"], question=record["question"], type=q.type, answer=record["answer"],
        points=float(points), max_points=float(q.points), correct=bool(correct), reason=reason,
        attempts=record["attempts"], time=record["time"], claimed_correct=record.get("correct"), checks=checks,
    )


def grade_submission(path: str | Path, index: dict[str, Path] | None = None, limits: Any = None,
                     max_mb: float = MAX_NOTEBOOK_MB) -> StudentGrade:
    """Grade one submission (an .ipynb file or a folder of one student's notebooks).

    ``index`` maps lesson id -> bank file (None: look lessons up as :func:`quizkit.bank.load_bank` does).
    Never raises for anything in the submission: problems go to ``StudentGrade.problems``.
    """
    from quizkit.records import validate_record

    path = Path(path)
    problems: list[str] = []
    if path.is_dir():
        files = sorted(path.glob("*.ipynb"))
        if not files:
            inside = "; it holds folders: pass those, e.g. submissions/*" if any(p.is_dir() for p in path.iterdir()) else ""
            problems.append(f"no notebooks (.ipynb) in this folder{inside}")
    elif path.exists():
        files = [path]
    else:
        files = []
        problems.append("no such file or folder")
    notebooks = [nb for nb in (_read_notebook(f, max_mb, problems) for f in files) if nb is not None]

    latest: dict[tuple[str, str], tuple[tuple, dict[str, Any]]] = {}
    record_students: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    lessons_seen: set[str] = set()
    n_records = 0
    for file_no, nb in enumerate(notebooks):
        for position, raw in nb.records:
            n_records += 1
            where = nb.path.name
            try:
                record = validate_record(raw)
            except ValueError as e:
                problems.append(f"invalid answer record ignored ({where}): {e}")
                continue
            if record["student"]:
                record_students[record["student"]] += 1
            lesson, qid = record["lesson"], record["question"]
            bank = _bank(lesson, index)
            if bank is None:
                unknown[f"unknown lesson {lesson!r} ignored"] += 1
                continue
            lessons_seen.add(lesson)
            q = bank.questions.get(qid)
            if q is None:
                unknown[f"unknown question {lesson}/{qid} ignored"] += 1
                continue
            if record["type"] != q.type:
                problems.append(f"{lesson}/{qid}: record of type {record['type']} for a {q.type} question ignored ({where})")
                continue
            order = (_parse_time(record["time"]), record["attempts"], file_no, position)
            if (lesson, qid) not in latest or order >= latest[(lesson, qid)][0]:
                latest[(lesson, qid)] = (order, record)
    problems += [f"{what} ({n} records)" if n > 1 else what for what, n in sorted(unknown.items())]
    if notebooks and not n_records:
        problems.append("no answer records")

    student = next((nb.student for nb in notebooks if nb.student), None)
    if student is None and record_students:
        student = record_students.most_common(1)[0][0]
    named = sorted({nb.student for nb in notebooks if nb.student})
    if len(named) > 1:
        # A class folder passed as one submission: merging would mix students' answers.
        problems.append(f"notebooks of several students in one folder ({', '.join(named)}); not graded: "
                        "pass each student's notebook or folder, e.g. submissions/*")
        latest.clear()
    elif len(record_students) > 1:
        problems.append(f"answer records name several students ({', '.join(sorted(record_students))})")
    # A record is stored in the asking cell and in the answering cell: say each problem once.
    problems[:] = dict.fromkeys(problems)
    grade = StudentGrade(student=student or (path.stem if path.suffix == ".ipynb" else path.name),
                         source=str(path), problems=problems, lessons_seen=sorted(lessons_seen))
    for (lesson, qid), (_, record) in sorted(latest.items()):
        answer = _grade_answer(_bank(lesson, index).questions[qid], record, limits)
        grade.answers[answer.key] = answer
        if _contradicts_key(answer, _bank(lesson, index), record):
            problems.append(f"{answer.key}: the record claims correct, re-scoring says wrong")
        checks = answer.checks or {}
        if checks.get("status") in ("timeout", "crashed"):
            problems.append(f"{answer.key}: code {checks['status']} ({checks['message']})")
        elif "not allowed while checking" in checks.get("message", ""):
            problems.append(f"{answer.key}: code refused ({checks['message']})")
    return grade


def _contradicts_key(answer: AnswerGrade, bank: Any, record: dict[str, Any]) -> bool:
    """A record claiming "correct" that the same key scores wrong: edited, or a bug worth a look.

    Not suspicious: a different bank version, or a code answer failing only a hidden check
    (practice runs the visible checks only).
    """
    if answer.claimed_correct is not True or answer.correct or record["bank_hash"] != bank.key_hash:
        return False
    if answer.checks is not None and answer.checks["status"] == "failed":
        checks = {c.name: c for c in bank.questions[answer.question].checks}
        return not checks[answer.checks["failed_check"]].hidden
    return True


def _grade_one(args: tuple[str, dict[str, Path] | None, Any, float]) -> StudentGrade:
    path, index, limits, max_mb = args
    try:
        return grade_submission(path, index, limits, max_mb)
    except Exception as e:  # noqa: BLE001 - one submission must never stop the batch
        return StudentGrade(student=Path(path).stem, source=str(path),
                            problems=[f"could not be graded: {type(e).__name__}: {e}"])


def _progress(done: int, total: int, stream: Any) -> None:
    if stream is None:
        return
    if stream.isatty():
        width = 30
        filled = width * done // max(total, 1)
        stream.write(f"\rgrading [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            stream.write("\n")
    elif done == total or done % max(1, total // 10) == 0:
        stream.write(f"graded {done}/{total}\n")
    stream.flush()


def grade_submissions(
    paths: Sequence[str | Path],
    keys: Sequence[str | Path] | None = None,
    jobs: int | None = None,
    *,
    limits: Any = None,
    max_mb: float = MAX_NOTEBOOK_MB,
    progress: Any = None,
) -> Gradebook:
    """Grade every submission; ``keys`` are bank files or folders (None: lessons/ lookup).

    Columns: every question of each bank named as a file in ``keys``, plus every question of
    each lesson some submission answered. ``jobs`` processes (default: all cores); ``limits``
    is the :class:`quizkit.sandbox.Limits` for code answers; ``progress`` a stream (stderr).
    """
    # Imported here, before the pool forks, so that the workers do not each import them.
    for module in ("quizkit.bank", "quizkit.records"):
        importlib.import_module(module)

    index, explicit = key_files(keys) if keys else (None, [])
    # Every key bank is loaded (and validated: BankError) here, before the pool forks.
    for lesson in index or {}:
        bank = _bank(lesson, index)
        if lesson in explicit:
            _check_key(bank)
    todo = [(str(p), index, limits, max_mb) for p in paths]
    jobs = jobs or os.cpu_count() or 1
    results: list[StudentGrade] = []
    if jobs == 1 or len(todo) <= INLINE_BATCH:
        for item in todo:
            results.append(_grade_one(item))
            _progress(len(results), len(todo), progress)
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
            for result in pool.map(_grade_one, todo, chunksize=max(1, len(todo) // (jobs * 8))):
                results.append(result)
                _progress(len(results), len(todo), progress)
    lessons = list(dict.fromkeys(explicit + sorted({lesson for r in results for lesson in r.lessons_seen})))
    columns, key_list = [], []
    for lesson in lessons:
        bank = _bank(lesson, index)
        _check_key(bank)
        key_list.append({"lesson": lesson, "path": str(bank.path), "hash": bank.hash})
        columns += [Column(lesson, q.id, q.type, float(q.points)) for q in bank.questions.values()]
    _flag_shared_ids(results)
    results.sort(key=lambda s: (s.student, s.source))
    return Gradebook(results, columns, key_list)


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


# --------------------------------------------------------------------------- scripted submissions


def scripted_submission(
    notebook: str | Path,
    answers: Mapping[str, Any] | Sequence[tuple[str, Any]],
    out: str | Path,
    *,
    student: str | None = None,
    timeout: int = 600,
) -> Path:
    """Execute ``notebook`` with nbclient as a learner would, submitting ``answers``; save to ``out``.

    ``answers`` maps ``"lesson/question"`` to what the learner submits (an option id, a list,
    a number, text, or code source); a sequence of pairs scripts several attempts. The
    answers go in one cell appended to the notebook, through the notebook's own
    :class:`~quizkit.quiz.Quiz` for that lesson (one is made if it has none), so the asking
    cells' records update as they do in JupyterLab. ``student`` goes into the notebook's
    metadata (``metadata.quizkit.student``). The kernel runs in the notebook's folder.

    >>> scripted_submission("notebooks/00-start-here.ipynb",
    ...                     {"00-start-here/what-is-fine-tuning": "B"}, "subs/ann.ipynb")  # doctest: +SKIP
    """
    import nbformat
    from nbclient import NotebookClient

    notebook, out = Path(notebook), Path(out)
    pairs = list(answers.items()) if isinstance(answers, Mapping) else list(answers)
    lines = [
        "from quizkit.quiz import Quiz as _QuizkitQuiz",
        "_quizkit_quizzes = {v.bank.id: v for v in list(globals().values()) if isinstance(v, _QuizkitQuiz)}",
    ]
    for key, value in pairs:
        lesson, _, question = key.partition("/")
        if not question:
            raise ValueError(f"answers: keys are 'lesson/question', not {key!r}")
        lines += [
            f"_q = _quizkit_quizzes.get({lesson!r}) or _quizkit_quizzes.setdefault({lesson!r}, _QuizkitQuiz({lesson!r}))",
            f"(_q.check if _q.bank.question({question!r}).type == 'code' else _q.answer)({question!r}, {value!r})",
        ]
    nb = nbformat.read(notebook, as_version=4)
    if pairs:
        nb.cells.append(nbformat.v4.new_code_cell("\n".join(lines)))
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(notebook.parent.resolve())}}).execute()
    if student is not None:
        nb.metadata.setdefault("quizkit", {})["student"] = student
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)
    return out


def key_answers(bank: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(right, wrong) answer per non-code question id, read from a bank's key: scripts for
    :func:`scripted_submission`.

    >>> from quizkit.bank import load_bank
    >>> right, wrong = key_answers(load_bank("00-start-here"))
    >>> right["what-is-fine-tuning"], wrong["what-is-fine-tuning"]
    ('B', 'A')
    """
    right, wrong = {}, {}
    for q in bank.questions.values():
        if q.type == "single_choice":
            right[q.id] = q.correct
            wrong[q.id] = next(o.id for o in q.options if o.id != q.correct)
        elif q.type == "multiple_choice":
            right[q.id] = list(q.correct)
            wrong[q.id] = [o.id for o in q.options if o.id not in q.correct][:1] or list(q.correct)[:1]
        elif q.type == "numeric":
            right[q.id] = q.answer
            wrong[q.id] = round(q.answer + 10 * (q.tolerance * (abs(q.answer) if q.tolerance_mode == "relative" else 1) + 1), 6)
        elif q.type == "text":
            right[q.id] = q.accepted[0]
            wrong[q.id] = "not the answer at all"
    return right, wrong


# --------------------------------------------------------------------------- command line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                        help="a saved .ipynb, or a folder of one student's notebooks (e.g. submissions/*)")
    parser.add_argument("--key", action="append", metavar="PATH",
                        help="a question bank (.yaml) or a folder of them (repeatable; default: lessons/ "
                             "found from the current folder upwards)")
    parser.add_argument("--out", required=True, metavar="CSV", help="gradebook CSV to write (a .json twin is written beside it)")
    parser.add_argument("--report", metavar="HTML", help="also write an HTML class report")
    parser.add_argument("--jobs", type=int, default=None, metavar="N", help="parallel processes (default: all cores)")
    parser.add_argument("--max-mb", type=float, default=MAX_NOTEBOOK_MB, metavar="MB",
                        help=f"refuse notebooks larger than this (default {MAX_NOTEBOOK_MB:g})")
    parser.add_argument("--time-limit", type=float, default=None, metavar="S",
                        help="wall-clock seconds per code answer (default: the sandbox's)")


def run_cli(args: argparse.Namespace) -> int:
    from quizkit.bank import BankError
    from quizkit.sandbox import Limits

    if args.jobs is not None and args.jobs < 1:
        print(f"quizkit grade: --jobs must be 1 or more, not {args.jobs}", file=sys.stderr)
        return 2
    limits = Limits(wall_s=args.time_limit) if args.time_limit else None
    try:
        book = grade_submissions(args.submissions, args.key, args.jobs, limits=limits, max_mb=args.max_mb,
                                 progress=sys.stderr)
        written = book.write(args.out, args.report)
    except (BankError, ValueError, FileNotFoundError) as e:
        print(f"quizkit grade: {e}", file=sys.stderr)
        return 2
    problems = [s for s in book.students if s.problems]
    print(f"graded {len(book.students)} submission(s) on {len(book.columns)} question(s): "
          f"{len(book.students) - len(problems)} ok, {len(problems)} with problems (see the status column)")
    print("wrote " + ", ".join(map(str, written)))
    return 0
