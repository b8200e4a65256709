"""Reading submissions: regular files only, links never followed, sizes checked on the opened file.

A submission is one ``.ipynb`` file or a folder of one student's notebooks; its path is the
student id (:mod:`quizkit.grading.identity`). Names inside the notebook (metadata, records'
``student``) are kept in ``claimed`` and flagged when they differ, never used. Whatever is wrong
with it (a FIFO or device named ``*.ipynb``, a symbolic link, a file too large, bytes that are
not JSON, a record of the wrong shape) becomes a problem in its :class:`Submission`, never an
exception: one submission never stops the batch.

>>> sub = read_submission("no/such/file.ipynb")
>>> sub.problems
['no such file or folder']
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

MAX_NOTEBOOK_MB = 50.0
MAX_RECORDS = 5000  # per submission: a notebook of hundreds of thousands of records is a problem, not work
MAX_PROBLEMS = 20  # problems kept per submission (the rest counted)
LESSON_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


@dataclass
class Submission:
    """What was read from one submission: the latest valid record per (lesson, question)."""

    student: str
    source: str
    latest: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    lessons_seen: list[str] = field(default_factory=list)
    claimed: list[str] = field(default_factory=list)  # ids named inside the notebooks (not used)
    fingerprints: list[str] = field(default_factory=list)  # file identities and content hashes, to find copies


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
                       (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


def read_bytes(path: Path, max_mb: float) -> tuple[bytes | None, str | None]:
    """The bytes of a regular file (never following a link, never blocking): (data, None) or (None, why)."""
    try:
        st = os.lstat(path)
    except OSError as e:
        return None, f"cannot read ({e.strerror})"
    if not stat.S_ISREG(st.st_mode):
        return None, f"{_kind(st.st_mode)}, not read"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        return None, f"cannot read ({e.strerror})"
    try:
        st = os.fstat(fd)  # the file actually opened (it may have been swapped since lstat)
        if not stat.S_ISREG(st.st_mode):
            return None, f"{_kind(st.st_mode)}, not read"
        limit = int(max_mb * 2**20)
        if st.st_size > limit:
            return None, f"notebook too large ({st.st_size / 2**20:.0f} MB, the limit is {max_mb:g} MB); not read"
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            return None, f"notebook too large (over {max_mb:g} MB); not read"
        return b"".join(chunks), None
    except OSError as e:
        return None, f"cannot read ({e.strerror})"
    finally:
        os.close(fd)


def _notebook_files(path: Path, problems: list[str]) -> list[Path]:
    """The notebooks of a submission path (lstat: a link is reported, never followed)."""
    try:
        st = os.lstat(path)
    except OSError:
        problems.append("no such file or folder")
        return []
    if stat.S_ISDIR(st.st_mode):
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError as e:
            problems.append(f"cannot list the folder ({e.strerror})")
            return []
        files = [Path(e.path) for e in entries if e.name.endswith(".ipynb")]
        if not files:
            folders = any(e.is_dir(follow_symlinks=False) for e in entries)
            problems.append("no notebooks (.ipynb) in this folder" + ("; it holds folders: pass those, e.g. submissions/*" if folders else ""))
        return files
    if not stat.S_ISREG(st.st_mode):
        problems.append(f"{path.name}: {_kind(st.st_mode)}, not read")
        return []
    return [path]


def _read_notebook(path: Path, max_mb: float, problems: list[str],
                   fingerprints: list[str] | None = None) -> tuple[list[tuple[int, dict]], str | None] | None:
    name = path.name
    if path.suffix != ".ipynb":
        problems.append(f"{name}: not a notebook (expected a .ipynb file)")
        return None
    data, why = read_bytes(path, max_mb)
    if data is None:
        problems.append(f"{name}: {why}")
        return None
    if fingerprints is not None:
        st = os.lstat(path)
        fingerprints += [f"inode {st.st_dev}:{st.st_ino}", "sha256 " + hashlib.sha256(data).hexdigest()]
    try:
        nb = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        problems.append(f"{name}: invalid notebook (not UTF-8 text)")
        return None
    except json.JSONDecodeError as e:
        problems.append(f"{name}: invalid notebook (not valid JSON: {e.msg} at line {e.lineno}, column {e.colno})")
        return None
    except RecursionError:
        problems.append(f"{name}: invalid notebook (JSON nested too deeply)")
        return None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) or not isinstance(nb.get("nbformat"), int):
        problems.append(f"{name}: invalid notebook (JSON without nbformat and a list of cells)")
        return None
    from quizkit.quiz.records import iter_records

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
    return records, student if isinstance(student, str) and student.strip() else None


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def read_submission(path: str | Path, bank_for: Any = None, max_mb: float = MAX_NOTEBOOK_MB) -> Submission:
    """Read one submission; ``bank_for(lesson)`` gives the key bank or None (unknown lesson).

    Keeps the latest record per question (latest ``time``, then most ``attempts``) whose
    lesson and question the key knows and whose type matches the question's.
    """
    from quizkit.quiz.records import validate_record

    from quizkit.grading.identity import safe_display, submission_id

    path = Path(path)
    problems: list[str] = []
    fingerprints: list[str] = []
    notebooks = []
    for file in _notebook_files(path, problems):
        read = _read_notebook(file, max_mb, problems, fingerprints)
        if read is not None:
            notebooks.append((file, *read))
    latest: dict[tuple[str, str], tuple[tuple, dict[str, Any]]] = {}
    record_students: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    lessons_seen: set[str] = set()
    n_records = 0
    for file_no, (file, records, _) in enumerate(notebooks):
        for position, raw in records:
            n_records += 1
            if n_records > MAX_RECORDS:
                problems.append(f"more than {MAX_RECORDS} answer records: the rest ignored")
                break
            try:
                record = validate_record(raw)
            except ValueError as e:
                problems.append(f"invalid answer record ignored ({file.name}): {e}")
                continue
            if record["student"]:
                record_students[record["student"]] += 1
            lesson, qid = record["lesson"], record["question"]
            bank = bank_for(lesson) if bank_for else None
            if bank is None:
                unknown[f"unknown lesson {lesson!r} ignored"] += 1
                continue
            lessons_seen.add(lesson)
            q = bank.questions.get(qid)
            if q is None:
                unknown[f"unknown question {lesson}/{qid} ignored"] += 1
                continue
            if record["type"] != q.type:
                problems.append(f"{lesson}/{qid}: record of type {record['type']} for a {q.type} question ignored ({file.name})")
                continue
            order = (_parse_time(record["time"]), record["attempts"], file_no, position)
            if (lesson, qid) not in latest or order >= latest[(lesson, qid)][0]:
                latest[(lesson, qid)] = (order, record)
    unknown_list = sorted(unknown.items())
    problems += [f"{what} ({n} records)" if n > 1 else what for what, n in unknown_list[:5]]
    if len(unknown_list) > 5:
        problems.append(f"{len(unknown_list) - 5} more unknown lessons or questions ignored")
    if notebooks and not n_records:
        problems.append("no answer records")
    student = safe_display(submission_id(path))
    named = sorted({s for _, _, s in notebooks if s})
    claimed = sorted(set(named) | set(record_students))[:10]
    if len(named) > 1:
        # A class folder passed as one submission: merging would mix students' answers.
        problems.append(f"notebooks of several students in one folder ({', '.join(map(safe_display, named))}); not graded: "
                        "pass each student's notebook or folder, e.g. submissions/*")
        latest.clear()
    others = [c for c in claimed if safe_display(c).casefold() != safe_display(student).casefold()]
    if others:
        problems.append(f"the notebook names {', '.join(repr(safe_display(c, 60)) for c in others)}, not the submission's "
                        f"{safe_display(student, 60)!r} (shown only: the path decides)")
    # A record is stored in the asking cell and in the answering cell: say each problem once.
    kept = list(dict.fromkeys(problems))
    if len(kept) > MAX_PROBLEMS:
        kept = [*kept[:MAX_PROBLEMS], f"{len(kept) - MAX_PROBLEMS} more problems not listed"]
    return Submission(
        student=student,
        source=str(path),
        latest={k: record for k, (_, record) in sorted(latest.items())},
        problems=[safe_display(p, 300) for p in kept],
        lessons_seen=sorted(lessons_seen),
        claimed=claimed,
        fingerprints=fingerprints,
    )
