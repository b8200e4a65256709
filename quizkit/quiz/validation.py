"""What makes a bank valid beyond its field types, and how problems are reported.

:class:`Problem` names the file, question and field of one thing wrong; :class:`BankError`
carries every problem of a bank at once. Each question type knows its own rules that span
fields (the key names an existing option, a released bank holds no plain key, a code
question's reference agrees with its checks: ``key_problems`` and ``problems`` of
:class:`~quizkit.quiz.questions.base.Question`); :mod:`quizkit.quiz.loading` applies them,
and the course's concept tags, to each question it reads.

>>> print(Problem("lessons/x.yaml", "missing (required)", "q1", "prompt"))
lessons/x.yaml: question 'q1': prompt: missing (required)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from quizkit.quiz.questions import question_types

COURSE_FILE = "course.yaml"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bank: where (file, question, field) and what."""

    file: str
    message: str
    question: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.question is not None:
            parts.append(f"question '{self.question}'")
        if self.field:
            parts.append(self.field)
        return ": ".join([*parts, self.message])


class BankError(ValueError):
    """A bank (or course.yaml) is malformed; ``.problems`` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _field_path(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc)


def pydantic_problems(file: str, error: ValidationError, question: str | None, skip: int = 0) -> list[Problem]:
    problems = []
    for item in error.errors():
        # Drop the union tag pydantic inserts ("single_choice") from the location.
        types = question_types()
        loc = [p for p in item["loc"][skip:] if p not in types]
        message = item["msg"]
        if item["type"] == "union_tag_invalid":
            message = f"unknown type {item['input'].get('type')!r}; use one of {', '.join(types)}"
            loc = ["type"]
        elif item["type"] == "union_tag_not_found":
            message = f"missing; use one of {', '.join(types)}"
            loc = ["type"]
        elif item["type"] == "extra_forbidden":
            message = "unknown field"
        elif item["type"] == "missing":
            message = "missing (required)"
        problems.append(Problem(file, message, question, _field_path(loc)))
    return problems


def question_problems(file: str, q: Any, concepts: set[str] | None, released: bool, keyless: bool) -> list[Problem]:
    """Every problem of one question: its key, its concept tags, and its own type's rules."""
    problems = [Problem(file, message, q.id, field) for field, message in q.key_problems(released, keyless)]
    if concepts is not None:
        for concept in q.concepts:
            if concept not in concepts:
                problems.append(Problem(file, f"unknown concept {concept!r} (not in {COURSE_FILE})", q.id, "concepts"))
    return problems + [Problem(file, message, q.id, field) for field, message in q.problems(released, keyless)]
