"""Loading banks: find a lesson's YAML file, read it, validate it whole, cache it per file version.

A bank is never half-loaded: :func:`load_bank` either returns a complete
:class:`~quizkit.quiz.schema.Bank` or raises :class:`~quizkit.quiz.validation.BankError`
listing every problem with file, question and field.

>>> load_bank("00-start-here").id
'00-start-here'
>>> [p.name for p in bank_files(find_bank("00-start-here").parent)][:2]
['00-start-here.yaml', '01-confusion-matrix.yaml']
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from quizkit.quiz.questions import question_adapter
from quizkit.quiz.schema import Bank, BankHeader, Course
from quizkit.quiz.validation import (
    COURSE_FILE,
    BankError,
    Problem,
    pydantic_problems,
    question_problems,
)

# lessons/claims.yaml lists the claims the lessons draw from demos (tests/course/test_claims.py): not a bank.
NOT_BANKS = (COURSE_FILE, "claims.yaml")
LESSONS_DIR = "lessons"
BANK_SUFFIX = ".yaml"


def bank_files(folder: str | Path) -> list[Path]:
    """The bank files of a folder, sorted: each ``*.yaml`` but course.yaml and claims.yaml."""
    return sorted(p for p in Path(folder).glob(f"*{BANK_SUFFIX}") if p.name not in NOT_BANKS)


def _read_yaml(path: Path, shown: str) -> tuple[Any, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        return None, [Problem(shown, f"cannot read: {e.strerror or e}")]
    try:
        return yaml.safe_load(text), []
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        reason = getattr(e, "problem", None) or str(e)
        return None, [Problem(shown, f"{where}invalid YAML: {reason}")]


def _course_for(path: Path) -> tuple[Course | None, list[Problem]]:
    course_path = path.parent / COURSE_FILE
    if not course_path.is_file():
        return None, []
    return load_course(course_path)


def load_course(path: str | Path) -> tuple[Course | None, list[Problem]]:
    """Read course.yaml: ``(Course, [])`` or ``(None, problems)``."""
    path = Path(path)
    raw, problems = _read_yaml(path, str(path))
    if problems:
        return None, problems
    try:
        return Course.model_validate(raw), []
    except ValidationError as e:
        return None, pydantic_problems(str(path), e, None)


def validate_bank(path: str | Path, course: Course | None = None) -> tuple[Bank | None, list[Problem]]:
    """Validate one bank file: ``(Bank, [])`` or ``(None, every problem found)``.

    ``course`` defaults to the course.yaml next to the bank, if there is one; concepts are
    checked against it.
    """
    path = Path(path)
    shown = str(path)
    problems: list[Problem] = []
    if course is None:
        course, problems = _course_for(path)
    raw, yaml_problems = _read_yaml(path, shown)
    if yaml_problems:
        return None, problems + yaml_problems
    if not isinstance(raw, dict):
        return None, problems + [Problem(shown, "a bank is a mapping with id, title, objectives and questions")]
    header_raw = dict(raw)
    raw_questions = header_raw.get("questions")
    if isinstance(raw_questions, list):
        # Questions are validated one by one below so that each problem names its question.
        header_raw["questions"] = [{} for _ in raw_questions]
    try:
        header = BankHeader.model_validate(header_raw)
    except ValidationError as e:
        header = None
        problems += pydantic_problems(shown, e, None)
    if header is not None and header.id != path.stem:
        problems.append(Problem(shown, f"{header.id!r} must equal the file name stem {path.stem!r}", None, "id"))
    released = isinstance(raw.get("release"), dict)
    keyless = released and raw.get("feedback") == "none"  # exam copies hold no key at all
    concept_ids = course.concept_ids if course else None
    questions: dict[str, Any] = {}
    for n, item in enumerate(raw_questions if isinstance(raw_questions, list) else []):
        label = str(item.get("id")) if isinstance(item, dict) and item.get("id") else f"#{n + 1}"
        if not isinstance(item, dict):
            problems.append(Problem(shown, "each question is a mapping", label))
            continue
        try:
            q = question_adapter().validate_python(item)
        except ValidationError as e:
            problems += pydantic_problems(shown, e, label)
            continue
        if q.id in questions:
            problems.append(Problem(shown, "duplicate question id", q.id, "id"))
            continue
        problems += question_problems(shown, q, concept_ids, released, keyless)
        questions[q.id] = q
    if problems or header is None:
        return None, problems
    bank = Bank(
        id=header.id,
        title=header.title,
        objectives=header.objectives,
        feedback=header.feedback,
        release=header.release,
        questions=questions,
        path=path,
    )
    if bank.release is not None:
        for q in bank.questions.values():
            q._salt = bank.release.salt
    return bank, []


def find_bank(lesson: str | Path) -> Path:
    """Resolve a lesson id or path to a bank file.

    An existing path (or anything ending in .yaml/.yml) is used as is; otherwise
    ``lessons/<id>.yaml`` is looked for from the current directory upwards, then in the copy
    packaged with quizkit (``quizkit/_lessons``).
    """
    path = Path(lesson)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.is_file():
            raise FileNotFoundError(f"question bank {str(path)!r} does not exist")
        return path
    name = f"{lesson}.yaml"
    for folder in [Path.cwd(), *Path.cwd().parents]:
        candidate = folder / LESSONS_DIR / name
        if candidate.is_file():
            return candidate
    packaged = Path(__file__).parents[1] / "_lessons" / name
    if packaged.is_file():
        return packaged
    raise FileNotFoundError(
        f"no question bank for lesson {str(lesson)!r}: looked for {LESSONS_DIR}/{name} from "
        f"{Path.cwd()} upwards and in quizkit/_lessons; pass a path to a .yaml file instead"
    )


def load_bank(path_or_lesson_id: str | Path) -> Bank:
    """Load and validate a bank by lesson id or path; BankError lists every problem.

    >>> load_bank("00-start-here").id
    '00-start-here'
    """
    bank, problems = validate_bank(find_bank(path_or_lesson_id))
    if problems:
        raise BankError(problems)
    assert bank is not None
    return bank


# resolved path -> (sha256 of the bank's and its course.yaml's bytes, Bank): re-validated when either changes.
_CACHE: dict[Path, tuple[tuple[str, ...], Bank]] = {}


def load_bank_cached(path: str | Path) -> Bank:
    """:func:`load_bank` for a bank file, remembered until its content (or its course's) changes.

    The grader loads one key bank for many submissions; an instructor who fixes a key and
    re-grades in the same kernel gets the fixed key, because the cache is keyed by the
    file's content hash (an mtime can stay the same within its resolution). The course.yaml
    beside the bank counts too: the bank's concept tags are validated against it.
    """
    resolved = Path(path).resolve()
    course = resolved.parent / COURSE_FILE
    sources = [resolved, course] if course.is_file() else [resolved]
    digest = tuple(hashlib.sha256(source.read_bytes()).hexdigest() for source in sources)
    cached = _CACHE.get(resolved)
    if cached is None or cached[0] != digest:
        cached = _CACHE[resolved] = (digest, load_bank(resolved))
    return cached[1]
