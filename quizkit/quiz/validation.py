"""What makes a bank valid beyond its field types, and how problems are reported.

:class:`Problem` names the file, question and field of one thing wrong; :class:`BankError`
carries every problem of a bank at once. The rules here span fields (the key names an
existing option, a released bank holds no plain key, a code question's reference agrees with
its checks); :mod:`quizkit.quiz.loading` applies them to each question it reads.

>>> print(Problem("lessons/x.yaml", "missing (required)", "q1", "prompt"))
lessons/x.yaml: question 'q1': prompt: missing (required)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from quizkit.quiz.schema import CHOICE_TYPES, QUESTION_TYPES, Check, Code
from quizkit.quiz.scoring import normalize_text

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
        loc = [p for p in item["loc"][skip:] if p not in QUESTION_TYPES]
        message = item["msg"]
        if item["type"] == "union_tag_invalid":
            message = f"unknown type {item['input'].get('type')!r}; use one of {', '.join(QUESTION_TYPES)}"
            loc = ["type"]
        elif item["type"] == "union_tag_not_found":
            message = f"missing; use one of {', '.join(QUESTION_TYPES)}"
            loc = ["type"]
        elif item["type"] == "extra_forbidden":
            message = "unknown field"
        elif item["type"] == "missing":
            message = "missing (required)"
        problems.append(Problem(file, message, question, _field_path(loc)))
    return problems


def _code_problems(file: str, q: Code, released: bool) -> list[Problem]:
    """Setup, reference, calls and observations compile; every check says what it must give."""
    problems = []
    snippets = [("setup", q.setup, "exec")] + ([("reference", q.reference, "exec")] if q.reference else [])
    for i, c in enumerate(q.checks):
        snippets += [(f"checks.{i}.call", c.call, "eval")] if c.call else []
        snippets += [(f"checks.{i}.observe.{k}", v, "eval") for k, v in (c.observe or {}).items()]
    for field, code, mode in snippets:
        try:
            compile(code, f"{q.id}:{field}", mode)
        except SyntaxError as e:
            problems.append(Problem(file, f"does not compile: {e.msg} (line {e.lineno})", q.id, field))
    if released and q.reference:
        problems.append(Problem(file, "a released bank must not hold the reference solution", q.id, "reference"))
    for i, c in enumerate(q.checks):
        where = f"checks.{i}"
        if (c.call is None) == (c.args is None):
            problems.append(Problem(file, "give either args (plain data) or call (an expression using answer)", q.id, where))
        if c.kwargs is not None and c.call is not None:
            problems.append(Problem(file, "kwargs go with args, not with call", q.id, f"{where}.kwargs"))
        if c.has_expect and c.raises is not None:
            problems.append(Problem(file, "give expect or raises, not both", q.id, where))
        if c.has_expect:
            try:
                json.dumps(c.expect, allow_nan=False)
            except (TypeError, ValueError):
                problems.append(Problem(file, "must be plain data (numbers, strings, booleans, null, lists, mappings)", q.id, f"{where}.expect"))
        elif c.raises is None and not released and (q.reference is None or c.call is not None or c.observe):
            problems.append(Problem(file, "missing: give expect or raises (a reference computes expect only for args without observe)", q.id, f"{where}.expect"))
    if q.reference and not problems:
        problems += _reference_problems(file, q)
    return problems


def _reference_problems(file: str, q: Code) -> list[Problem]:
    """The reference must define the entry and agree with every written ``expect`` it could compute."""
    from quizkit.quiz.judge import same

    problems = []
    for i, c in enumerate(q.checks):
        if c.call is not None or c.observe or c.raises is not None:
            continue
        try:
            got = q.expected(Check.model_validate(c.model_dump(exclude={"expect"})))
        except Exception as e:  # noqa: BLE001 - the instructor's code: report it as a bank problem
            problems.append(Problem(file, f"the reference fails on check '{c.name}': {type(e).__name__}: {e}", q.id, "reference"))
            break
        if c.has_expect and not same(got, c.expect, c.tolerance):
            problems.append(Problem(file, f"the reference gives {got!r}, not the expected {c.expect!r}", q.id, f"checks.{i}.expect"))
    return problems


def _key_problems(file: str, q: Any, released: bool, keyless: bool) -> list[Problem]:
    """Plain banks need the answer key; released banks hold hashes instead, exam copies nothing."""
    plain_field = {"single_choice": "correct", "multiple_choice": "correct", "numeric": "answer", "text": "accepted"}.get(q.type)
    if plain_field is None:
        if q.type == "code" and not q.checks and not released:
            return [Problem(file, "a code question needs at least one check", q.id, "checks")]
        return []
    has_plain = getattr(q, plain_field) is not None
    if released:
        problems = []
        if has_plain:
            problems.append(Problem(file, "a released bank must not hold the answer key in plain text", q.id, plain_field))
        if not q.key and not keyless:
            problems.append(Problem(file, "missing (released banks hold hashed answers)", q.id, "key"))
        return problems
    problems = []
    if q.key is not None:
        problems.append(Problem(file, "hashed keys belong only in released banks (those with a 'release' block)", q.id, "key"))
    if not has_plain:
        problems.append(Problem(file, "missing (the correct answer)", q.id, plain_field))
    return problems


def question_problems(file: str, q: Any, concepts: set[str] | None, released: bool, keyless: bool) -> list[Problem]:
    problems = _key_problems(file, q, released, keyless)
    if concepts is not None:
        for concept in q.concepts:
            if concept not in concepts:
                problems.append(Problem(file, f"unknown concept {concept!r} (not in {COURSE_FILE})", q.id, "concepts"))
    if q.type in CHOICE_TYPES:
        ids = q.option_ids
        listing = ", ".join(ids)
        for n, option in enumerate(q.options):
            if option.explanation is None and not keyless:
                problems.append(Problem(file, "missing (say why this option is right or wrong)", q.id, f"options.{n}.explanation"))
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            problems.append(Problem(file, f"option id {dup!r} is used twice", q.id, "options"))
        correct = [q.correct] if isinstance(q.correct, str) else (q.correct or [])
        for c in correct:
            if c not in ids:
                problems.append(Problem(file, f"correct option {c!r} is not among {listing}", q.id, "correct"))
        if q.type == "multiple_choice" and q.correct is not None and not q.correct:
            problems.append(Problem(file, "name at least one correct option", q.id, "correct"))
    if q.type in ("numeric", "text") and not q.explanation and not released:  # released: sealed in key
        problems.append(Problem(file, "missing (explain the working)", q.id, "explanation"))
    if q.type == "text" and q.accepted is not None and not [a for a in q.accepted if normalize_text(a)]:
        problems.append(Problem(file, "list at least one non-empty accepted answer", q.id, "accepted"))
    if q.type == "code":
        problems.extend(_code_problems(file, q, released))
    return problems
