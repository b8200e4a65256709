"""The answer record: how a submitted answer is stored inside the notebook file.

Every answer is a ``display_data`` output of a notebook cell whose bundle holds the record
as JSON under :data:`MIME_TYPE` plus one ``text/plain`` line for humans; the grader reads
these back with :func:`iter_records` and :func:`validate_record`.

>>> rec = make_record(lesson="00-start-here", question="what-is-fine-tuning",
...                   type="single_choice", answer="B", attempts=1,
...                   bank_hash="sha256:" + "0" * 64, correct=True)
>>> bundle(rec)["text/plain"]
'quizkit answer: 00-start-here/what-is-fine-tuning = B (attempt 1)'
>>> validate_record(rec)["answer"]
'B'
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, Union

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
)

from quizkit import __version__
from quizkit.quiz.questions import question_types

MIME_TYPE = "application/vnd.quizkit.answer+json"
SCHEMA = 1
SHORT_ANSWER_CHARS = 60


class AnswerRecord(BaseModel):
    """Schema 1 of the record (field order is the order written)."""

    model_config = ConfigDict(extra="forbid")
    schema_: Literal[1] = Field(alias="schema")
    quizkit: StrictStr
    lesson: StrictStr = Field(min_length=1)
    question: StrictStr = Field(min_length=1)
    type: StrictStr
    answer: Union[StrictStr, list[StrictStr], StrictInt, StrictFloat]
    attempts: StrictInt = Field(ge=1)
    time: AwareDatetime
    bank_hash: StrictStr = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    student: StrictStr | None
    correct: StrictBool | None
    # Present (True) only when the learner asked to see the solution before this answer.
    revealed: StrictBool | None = None

    @field_validator("type")
    @classmethod
    def _registered(cls, tag: str) -> str:
        if tag not in question_types():
            raise ValueError(f"unknown question type {tag!r}; use one of {', '.join(question_types())}")
        return tag


def utc_now() -> str:
    """ISO-8601 UTC time with a trailing Z, to the millisecond."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def make_record(
    *,
    lesson: str,
    question: str,
    type: str,
    answer: str | list[str] | float,
    attempts: int,
    bank_hash: str,
    student: str | None = None,
    correct: bool | None = None,
    time: str | None = None,
    revealed: bool = False,
) -> dict[str, Any]:
    """Build a schema-1 record (a plain JSON-able dict)."""
    return {
        "schema": SCHEMA,
        "quizkit": __version__,
        "lesson": lesson,
        "question": question,
        "type": type,
        "answer": answer,
        "attempts": attempts,
        "time": time or utc_now(),
        "bank_hash": bank_hash,
        "student": student,
        "correct": correct,
    } | ({"revealed": True} if revealed else {})


def short_answer(answer: Any) -> str:
    """A one-line rendering of an answer for the text/plain line."""
    if isinstance(answer, list):
        text = ", ".join(map(str, answer))
    elif isinstance(answer, str) and "\n" in answer.strip():
        first = answer.strip().splitlines()[0]
        text = f"{first} ... ({len(answer.splitlines())} lines of code)"
    else:
        text = str(answer)
    return text if len(text) <= SHORT_ANSWER_CHARS else text[: SHORT_ANSWER_CHARS - 3] + "..."


def bundle(record: Mapping[str, Any]) -> dict[str, Any]:
    """The MIME bundle to display: the record plus a human line (no right/wrong in it)."""
    line = (
        f"quizkit answer: {record['lesson']}/{record['question']} = "
        f"{short_answer(record['answer'])} (attempt {record['attempts']})"
    )
    return {MIME_TYPE: dict(record), "text/plain": line}


def validate_record(record: Any) -> dict[str, Any]:
    """Check a record against schema 1 and return it; ValueError names each bad field."""
    if not isinstance(record, Mapping):
        raise ValueError(f"an answer record is a JSON object, not {type(record).__name__}")
    try:
        AnswerRecord.model_validate(dict(record))
    except ValidationError as e:
        problems = "; ".join(f"{'.'.join(map(str, err['loc'])) or 'record'}: {err['msg']}" for err in e.errors())
        raise ValueError(f"invalid quizkit answer record: {problems}") from None
    return dict(record)


def iter_records(notebook: Any) -> Iterator[dict[str, Any]]:
    """Yield every answer record found in a notebook's outputs, in cell order.

    ``notebook`` is an nbformat NotebookNode, the notebook's JSON as a dict, or a path to an
    .ipynb file. Records are yielded as stored; call :func:`validate_record` before trusting
    one. A record stored as a JSON string (some front-ends do that) is decoded.
    """
    if isinstance(notebook, (str, Path)):
        notebook = json.loads(Path(notebook).read_text(encoding="utf-8"))
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) or []:
            data = output.get("data") or {}
            if MIME_TYPE not in data:
                continue
            record = data[MIME_TYPE]
            yield json.loads(record) if isinstance(record, str) else dict(record)
