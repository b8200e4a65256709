"""Question banks: the YAML schema, loading, scoring and ``quizkit check-lessons``.

A bank is one lesson's questions, ``lessons/<lesson-id>.yaml``; ``lessons/course.yaml`` lists
the lessons in order and the concept ids questions may be tagged with. A bank is validated
as a whole and is never half-loaded: :func:`load_bank` either returns a complete
:class:`Bank` or raises :class:`BankError` listing every problem with file, question and field.

>>> bank = load_bank("00-start-here")
>>> question = bank.questions["what-is-fine-tuning"]
>>> question.score("B").correct
True
>>> bank.hash.startswith("sha256:")
True

A bank written by ``quizkit release`` (see :mod:`quizkit.release`) holds salted hashes in
place of the answer key; its questions score the same way.
"""

from __future__ import annotations

import argparse
import base64
import copy
import difflib
import hashlib
import json
import math
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
)

COURSE_FILE = "course.yaml"
# lessons/claims.yaml lists the claims the lessons draw from demos (tests/test_claims.py): not a bank.
NOT_BANKS = (COURSE_FILE, "claims.yaml")
LESSONS_DIR = "lessons"
FEEDBACK_MODES = ("instant", "none")
# Finer than the tolerance so that hashed numeric answers are accepted within
# tolerance +- tolerance/GRID_STEPS (the grid cell size).
GRID_STEPS = 4


# --------------------------------------------------------------------------- problems


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


class AnswerError(ValueError):
    """An answer of the wrong shape (text for a number, an option that does not exist).

    The message is written for the learner; such an answer does not count as an attempt.
    """


@dataclass(frozen=True)
class Score:
    """The result of scoring one answer."""

    correct: bool
    points: float
    max_points: float
    feedback: str


# --------------------------------------------------------------------------- answers


def normalize_text(text: str) -> str:
    """Case, spacing and punctuation do not matter in text answers.

    >>> normalize_text("  Precision-Recall   trade off! ")
    'precision recall trade off'
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return " ".join(text.split())


def _option_ids(value: Any, *, many: bool, known: Sequence[str]) -> list[str]:
    """Turn a learner's choice into known option ids, or raise AnswerError saying why not."""
    listing = ", ".join(known)
    if isinstance(value, str):
        items = [v for v in re.split(r"[\s,;]+", value.strip()) if v] if many else [value.strip()] * bool(value.strip())
    elif many and isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
    elif isinstance(value, (list, tuple, set, frozenset)):
        raise AnswerError(f"Pick exactly one option ({listing}), e.g. '{known[0]}', not a list.")
    else:
        raise AnswerError(f"Answer with an option id ({listing}), e.g. '{known[0]}'; got {value!r}.")
    by_upper = {k.upper(): k for k in known}
    ids = []
    for item in items:
        if not isinstance(item, str) or item.strip().upper() not in by_upper:
            raise AnswerError(f"There is no option {item!r}; the options are {listing}.")
        ids.append(by_upper[item.strip().upper()])
    if not ids:
        raise AnswerError(f"Pick {'at least' if many else 'exactly'} one option ({listing}) first.")
    return sorted(set(ids), key=known.index)


def parse_number(value: Any) -> float:
    """A finite number from a learner's answer (a number or numeric text), or AnswerError."""
    if isinstance(value, bool):
        raise AnswerError(f"Answer with a number, not {value}.")
    if isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            raise AnswerError(f"Answer with a number such as 0.25; {value.strip()!r} is not a number.") from None
    elif isinstance(value, (int, float)) or type(value).__name__.startswith(("float", "int")):
        number = float(value)
    else:
        raise AnswerError(f"Answer with a number such as 0.25, not {type(value).__name__}.")
    if not math.isfinite(number):
        raise AnswerError(f"Answer with a finite number; {value!r} is not one.")
    return number


# --------------------------------------------------------------------------- released keys


class Lock(BaseModel):
    """A salted hash of one correct answer, and the explanation sealed with that answer."""

    model_config = ConfigDict(extra="forbid")
    hash: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    sealed: str | None = None


def _digest(salt: str, question: str, purpose: str, canonical: str) -> bytes:
    return hashlib.sha256(f"{salt}\x1f{question}\x1f{purpose}\x1f{canonical}".encode()).digest()


def make_lock(salt: str, question: str, canonical: str, explanation: str | None = None) -> Lock:
    """Hash ``canonical`` (a normalised answer) and seal ``explanation`` with it."""
    sealed = None
    if explanation:
        plain = explanation.encode()
        pad = hashlib.shake_256(_digest(salt, question, "seal", canonical)).digest(len(plain))
        sealed = base64.b64encode(bytes(a ^ b for a, b in zip(plain, pad))).decode()
    return Lock(hash="sha256:" + _digest(salt, question, "check", canonical).hex(), sealed=sealed)


def _open_lock(lock: Lock, salt: str, question: str, canonical: str) -> str | None:
    """The sealed explanation ("" if none) when ``canonical`` is the locked answer, else None."""
    if lock.hash != "sha256:" + _digest(salt, question, "check", canonical).hex():
        return None
    if lock.sealed is None:
        return ""
    data = base64.b64decode(lock.sealed)
    pad = hashlib.shake_256(_digest(salt, question, "seal", canonical)).digest(len(data))
    return bytes(a ^ b for a, b in zip(data, pad)).decode()


# --------------------------------------------------------------------------- questions


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Option(_Strict):
    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    # Required in banks (it is the feedback); absent only in released exam copies.
    explanation: str | None = Field(default=None, min_length=1)


class _Question(_Strict):
    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    prompt: str = Field(min_length=1)
    points: float = Field(default=1.0, gt=0)
    concepts: list[str] = Field(default_factory=list)
    hints: list[str] = Field(default_factory=list)
    # Set by the loader for released banks: the salt their hashes were made with.
    _salt: str | None = PrivateAttr(default=None)

    @property
    def released(self) -> bool:
        return self._salt is not None

    def _score(self, correct: bool, feedback: str) -> Score:
        return Score(correct, self.points if correct else 0.0, self.points, feedback)

    def _match_lock(self, candidates: Iterable[str]) -> str | None:
        """For a released question: the sealed explanation of the first candidate that opens a lock."""
        for canonical in candidates:
            for lock in self.key:  # type: ignore[attr-defined]
                opened = _open_lock(lock, self._salt or "", self.id, canonical)
                if opened is not None:
                    return opened
        return None


class _Choice(_Question):
    options: list[Option] = Field(min_length=2)
    key: list[Lock] | None = None

    @property
    def option_ids(self) -> list[str]:
        return [o.id for o in self.options]

    def _explain(self, chosen: Sequence[str]) -> str:
        by_id = {o.id: o for o in self.options}
        return "\n\n".join(f"**{i}.** {by_id[i].explanation}" for i in chosen if by_id[i].explanation)


class SingleChoice(_Choice):
    type: Literal["single_choice"]
    correct: str | None = None

    def parse(self, answer: Any) -> str:
        """The option id the learner chose (AnswerError if there is no such option)."""
        return _option_ids(answer, many=False, known=self.option_ids)[0]

    def score(self, answer: Any) -> Score:
        chosen = self.parse(answer)
        right = self._match_lock([chosen]) is not None if self.released else chosen == self.correct
        return self._score(right, self._explain([chosen]))


class MultipleChoice(_Choice):
    type: Literal["multiple_choice"]
    correct: list[str] | None = None

    def parse(self, answer: Any) -> list[str]:
        """The option ids the learner chose, in option order."""
        return _option_ids(answer, many=True, known=self.option_ids)

    def score(self, answer: Any) -> Score:
        chosen = self.parse(answer)
        if self.released:
            right = self._match_lock([",".join(chosen)]) is not None
        else:
            right = set(chosen) == set(self.correct or [])
        feedback = self._explain(chosen)
        if not right:
            feedback += "\n\nNot the right set of options yet: every correct option, and only those."
        return self._score(right, feedback)


class Numeric(_Question):
    type: Literal["numeric"]
    answer: float | None = None
    tolerance: float = Field(ge=0)
    tolerance_mode: Literal["absolute", "relative"] = "absolute"
    explanation: str | None = None
    key: list[Lock] | None = None

    def parse(self, answer: Any) -> float:
        return parse_number(answer)

    def grid_index(self, value: float) -> int | str:
        """Where ``value`` falls on the tolerance grid; released banks hash the answer's index."""
        if self.tolerance == 0:
            return repr(float(value))
        if self.tolerance_mode == "absolute":
            return round(value / (self.tolerance / GRID_STEPS))
        if value == 0:
            return "zero"
        step = math.log1p(self.tolerance) / GRID_STEPS
        return f"{'-' if value < 0 else '+'}{round(math.log(abs(value)) / step)}"

    def _neighbours(self, value: float) -> list[str]:
        index = self.grid_index(value)
        if isinstance(index, int):
            return [str(index + d) for d in range(-GRID_STEPS, GRID_STEPS + 1)]
        if index in ("zero",) or self.tolerance == 0:
            return [str(index)]
        sign, k = index[0], int(index[1:])
        return [f"{sign}{k + d}" for d in range(-GRID_STEPS, GRID_STEPS + 1)]

    def score(self, answer: Any) -> Score:
        value = self.parse(answer)
        if self.released:
            explanation = self._match_lock(self._neighbours(value))
            right = explanation is not None
            return self._score(right, explanation or "Not within the tolerance yet; try the hints.")
        assert self.answer is not None
        allowed = self.tolerance * (abs(self.answer) if self.tolerance_mode == "relative" else 1.0)
        # A relative epsilon keeps 0.1 + 0.2 style rounding from rejecting an edge answer.
        right = abs(value - self.answer) <= allowed * (1 + 1e-9) + 1e-12
        return self._score(right, self.explanation or "")


class Text(_Question):
    type: Literal["text"]
    accepted: list[str] | None = None
    fuzzy: float | None = Field(default=None, ge=0, le=1)
    explanation: str | None = None
    key: list[Lock] | None = None

    def parse(self, answer: Any) -> str:
        if not isinstance(answer, str):
            raise AnswerError(f"Answer with text (a str), not {type(answer).__name__}.")
        if not normalize_text(answer):
            raise AnswerError("The answer is empty; type a word or a short phrase.")
        return answer

    def score(self, answer: Any) -> Score:
        given = normalize_text(self.parse(answer))
        if self.released:
            # Hashes allow exact matches (after normalisation) only; fuzzy matching needs the text.
            explanation = self._match_lock([given])
            return self._score(explanation is not None, explanation or "Not an accepted answer; try the hints.")
        accepted = [normalize_text(a) for a in self.accepted or []]
        right = given in accepted
        if not right and self.fuzzy is not None:
            best = max(difflib.SequenceMatcher(None, given, a).ratio() for a in accepted)
            right = best >= self.fuzzy
        return self._score(right, self.explanation or "")


class Check(_Strict):
    """One call of the learner's function and what it must give (see the README's check format).

    The call is made in the computing process: ``args``/``kwargs`` (plain data) or ``call``, a
    Python expression over the setup's names and ``answer`` (for inputs that are not plain
    data). ``observe`` maps names to expressions over the output ``out`` when the output itself
    is not plain data. What it must give stays in the key: ``expect`` (plain data, numbers
    within ``tolerance``), ``raises`` (an exception type name), or, with neither, what the
    question's ``reference`` returns for the same ``args``.
    """

    name: str = Field(min_length=1)
    hidden: bool = False
    args: list[Any] | None = None
    kwargs: dict[str, Any] | None = None
    call: str | None = Field(default=None, min_length=1)
    observe: dict[str, str] | None = None
    expect: Any = None
    raises: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    tolerance: float = Field(default=1e-9, ge=0)
    message: str | None = Field(default=None, min_length=1)

    @property
    def has_expect(self) -> bool:
        return "expect" in self.model_fields_set

    def job_call(self) -> dict[str, Any]:
        """What the computing process is told: the call only, never the expected value."""
        if self.call is not None:
            call: dict[str, Any] = {"call": self.call}
        else:
            call = {"args": list(self.args or []), "kwargs": dict(self.kwargs or {})}
        if self.observe:
            call["observe"] = dict(self.observe)
        return call


class Code(_Question):
    type: Literal["code"]
    entry: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    setup: str = ""
    starter: str = ""
    checks: list[Check] = Field(default_factory=list)
    # The model solution, part of the key: computes expected values for checks without ``expect``.
    reference: str | None = Field(default=None, min_length=1)
    explanation: str | None = None
    _reference_fn: Any = PrivateAttr(default=None)

    def expected(self, check: Check) -> Any:
        """The expected value of a check: its ``expect``, or the reference's output on its args."""
        if check.has_expect or check.raises is not None:
            return check.expect
        if self.reference is None or check.call is not None or check.observe:
            raise ValueError(f"check '{check.name}' of {self.id} has no expect and no reference can compute it")
        if self._reference_fn is None:
            namespace: dict[str, Any] = {"__name__": "__quizkit_reference__"}
            exec(compile(self.reference, f"<{self.id} reference>", "exec"), namespace)  # noqa: S102 - the key's own code
            self._reference_fn = namespace[self.entry]
        from quizkit.grading._runner import plain

        return plain(self._reference_fn(*copy.deepcopy(check.args or []), **copy.deepcopy(check.kwargs or {})))

    def run(self, source: str, limits: Any = None, *, hidden: bool = True, isolation: Any = None) -> tuple[Any, Score]:
        """Compute the learner's outputs in a separate process, then judge them here: ``(CheckOutcome, Score)``.

        ``hidden=False`` runs only the visible checks (what a learner sees while practising);
        the grader runs them all. ``isolation`` (:class:`quizkit.grading.isolation.Isolation`):
        a plain child process when None.
        """
        from quizkit.grading.isolation import NONE, compute

        checks = [c for c in self.checks if hidden or not c.hidden]
        job = {"setup": self.setup, "source": source, "entry": self.entry, "calls": [c.job_call() for c in checks]}
        outcome = self.judge(compute(job, isolation or NONE, limits), checks)
        return outcome, self.score_outcome(outcome, n_checks=len(checks))

    def judge(self, computed: Any, checks: Sequence[Check]) -> Any:
        """Decide pass/fail from the computed plain data (:class:`quizkit.grading.isolation.Computed`)."""
        from quizkit.grading.judge import CheckOutcome, verdict

        base = {"output": computed.output, "duration_s": computed.duration_s, "isolation": computed.isolation}
        status, detail = computed.status, computed.detail
        if status in ("timeout", "crashed"):
            return CheckOutcome(status, computed.message, **base)
        if status == "setup":
            raised = detail.get("raised") or {}
            return CheckOutcome("crashed", f"the question's setup code failed ({raised.get('type')}: "
                                f"{raised.get('message')}); tell your instructor", **base)
        if status == "syntax":
            line = detail.get("line")
            where = f" (line {line})" if isinstance(line, int) and not isinstance(line, bool) else ""
            return CheckOutcome("error", f"your code has a syntax error: {detail.get('message')}{where}", **base)
        if status == "raised":
            ok, why = verdict({"raised": detail.get("raised")}, raises="")
            return CheckOutcome("error", why, **base)
        if status == "missing":
            return CheckOutcome("error", f"your code does not define {self.entry}", **base)
        passed: list[str] = []
        for check, value in zip(checks, computed.values):
            ok, why = verdict(value, expected=self.expected(check), raises=check.raises, tolerance=check.tolerance)
            if not ok:
                message = f"{check.message} ({why})" if check.message else why
                return CheckOutcome("failed", message, check.name, tuple(passed), **base)
            passed.append(check.name)
        return CheckOutcome("passed", f"all {len(passed)} checks passed", None, tuple(passed), **base)

    def score_outcome(self, outcome: Any, n_checks: int | None = None) -> Score:
        """Turn a ``CheckOutcome`` into a Score with learner-facing feedback."""
        detail = (outcome.message or "").strip()
        if outcome.status == "passed":
            n = len(self.checks) if n_checks is None else n_checks
            feedback = f"All {n} check{'s' if n != 1 else ''} passed."
            if n < len(self.checks):
                feedback += f" Your instructor also runs {len(self.checks) - n} hidden check(s) when grading."
            if self.explanation:
                feedback += "\n\n" + self.explanation
            return self._score(True, feedback)
        headline = {
            "failed": f"Check '{outcome.failed_check}' failed",
            "error": "Your code raised an error",
            "timeout": "Your code took too long",
            "crashed": "Your code crashed the checker",
        }.get(outcome.status, f"Not graded ({outcome.status})")
        if detail.lower().startswith("your code"):  # the message already says it
            return self._score(False, detail[0].upper() + detail[1:])
        return self._score(False, f"{headline}: {detail}" if detail else headline + ".")


Question = Annotated[SingleChoice | MultipleChoice | Numeric | Text | Code, Field(discriminator="type")]
_QUESTION = TypeAdapter(Question)
QUESTION_TYPES = ("single_choice", "multiple_choice", "numeric", "text", "code")


class Release(_Strict):
    """Present in banks written by ``quizkit release``."""

    salt: str = Field(min_length=16)
    source_hash: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    quizkit: str


class _Header(_Strict):
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    objectives: list[str] = Field(min_length=1)
    feedback: Literal["instant", "none"] = "instant"
    release: Release | None = None
    questions: list[dict[str, Any]] = Field(min_length=1)


class Bank(BaseModel):
    """A validated lesson bank; ``questions`` maps question id -> question, in bank order."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    id: str
    title: str
    objectives: list[str]
    feedback: Literal["instant", "none"] = "instant"
    release: Release | None = None
    questions: dict[str, Question]
    path: Path | None = Field(default=None, exclude=True)

    @property
    def hash(self) -> str:
        """``sha256:<hex>`` of the canonical JSON of this validated bank."""
        canonical = json.dumps(self.model_dump(mode="json", exclude_none=True), sort_keys=True, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def has_key(self) -> bool:
        """False for released exam copies, which cannot score answers."""
        return self.release is None or self.feedback == "instant"

    @property
    def key_hash(self) -> str:
        """The hash of the bank holding the answer key: a released copy names its source."""
        return self.release.source_hash if self.release else self.hash

    def question(self, question_id: str) -> Question:
        """The question with this id; ValueError naming the lesson's ids otherwise."""
        try:
            return self.questions[question_id]
        except KeyError:
            known = ", ".join(self.questions)
            raise ValueError(f"lesson '{self.id}' has no question {question_id!r}; its questions are: {known}") from None


class Course(_Strict):
    title: str | None = None
    lessons: list[str] = Field(min_length=1)
    concepts: list[dict[str, str]] = Field(min_length=1)

    @property
    def concept_ids(self) -> set[str]:
        return {c.get("id", "") for c in self.concepts}


# --------------------------------------------------------------------------- loading


def _field_path(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc)


def _pydantic_problems(file: str, error: ValidationError, question: str | None, skip: int = 0) -> list[Problem]:
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
    from quizkit.grading.judge import same

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


def _semantic_problems(file: str, q: Any, concepts: set[str] | None, released: bool, keyless: bool) -> list[Problem]:
    problems = _key_problems(file, q, released, keyless)
    if concepts is not None:
        for concept in q.concepts:
            if concept not in concepts:
                problems.append(Problem(file, f"unknown concept {concept!r} (not in {COURSE_FILE})", q.id, "concepts"))
    if q.type in ("single_choice", "multiple_choice"):
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
        return None, _pydantic_problems(str(path), e, None)


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
        header = _Header.model_validate(header_raw)
    except ValidationError as e:
        header = None
        problems += _pydantic_problems(shown, e, None)
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
            q = _QUESTION.validate_python(item)
        except ValidationError as e:
            problems += _pydantic_problems(shown, e, label)
            continue
        if q.id in questions:
            problems.append(Problem(shown, "duplicate question id", q.id, "id"))
            continue
        problems += _semantic_problems(shown, q, concept_ids, released, keyless)
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
    packaged = Path(__file__).parent / "_lessons" / name
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
            files = sorted(p for p in target.glob("*.yaml") if p.name not in NOT_BANKS)
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

    >>> warnings = length_warnings(load_bank("09-final-check"))  # zero or one warning per bank
    >>> len(warnings) <= 1 and all("single-choice questions" in str(w) for w in warnings)
    True
    """
    single = [q for q in bank.questions.values() if q.type == "single_choice" and q.correct is not None]
    longest = []
    for q in single:
        key = next(o for o in q.options if o.id == q.correct)
        if all(len(key.text) > len(o.text) for o in q.options if o is not key):
            longest.append(q.id)
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
