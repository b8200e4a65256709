"""The question-bank schema: pydantic models of a lesson's questions, each able to score an answer.

A bank is one lesson's questions, ``lessons/<lesson-id>.yaml``; ``lessons/course.yaml`` lists
the lessons in order and the concept ids questions may be tagged with. The models here say
what each field may hold; :mod:`quizkit.quiz.loading` reads the YAML and
:mod:`quizkit.quiz.validation` adds the rules that span fields.

>>> from quizkit.quiz.loading import load_bank
>>> bank = load_bank("00-start-here")
>>> question = bank.questions["what-is-fine-tuning"]
>>> question.score("B").correct
True
>>> bank.hash.startswith("sha256:")
True
>>> QUESTION_TYPES
('single_choice', 'multiple_choice', 'numeric', 'text', 'code')
>>> CHOICE_TYPES
('single_choice', 'multiple_choice')

A bank written by ``quizkit release`` (see :mod:`quizkit.quiz.release`) holds salted hashes in
place of the answer key; its questions score the same way.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, TypeAdapter

from quizkit.quiz.scoring import (
    GRID_STEPS,
    AnswerError,
    Lock,
    Score,
    code_score,
    normalize_text,
    open_lock,
    parse_number,
    parse_options,
)

FeedbackMode = Literal["instant", "none"]
FEEDBACK_MODES: tuple[str, ...] = get_args(FeedbackMode)


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
    # The claim (lessons/claims.yaml) this question's key rests on, when a demo decides it.
    claim: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]*$")
    # Set by the loader for released banks: the salt their hashes were made with.
    _salt: str | None = PrivateAttr(default=None)

    @property
    def released(self) -> bool:
        return self._salt is not None

    def _score(self, correct: bool, feedback: str) -> Score:
        return Score.out_of(self.points, correct, feedback)

    def solution(self) -> str:
        """The worked solution (the key and its explanation): shown once asked for, recorded as revealed."""
        if self.released:
            return "This copy holds no readable key: the solution opens only with the right answer."
        return self._solution()

    def _solution(self) -> str:
        raise NotImplementedError

    def _match_lock(self, candidates: Iterable[str]) -> str | None:
        """For a released question: the sealed explanation of the first candidate that opens a lock."""
        for canonical in candidates:
            for lock in self.key:  # type: ignore[attr-defined]
                opened = open_lock(lock, self._salt or "", self.id, canonical)
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

    def _keyed(self) -> list[str]:
        correct = getattr(self, "correct", None)
        return [correct] if isinstance(correct, str) else list(correct or [])

    def _solution(self) -> str:
        keyed = self._keyed()
        return (f"**Solution:** {', '.join(keyed)}.\n\n"
                + "\n\n".join(f"**{o.id}.** {o.explanation}" for o in self.options if o.explanation))


class SingleChoice(_Choice):
    type: Literal["single_choice"]
    correct: str | None = None

    def parse(self, answer: Any) -> str:
        """The option id the learner chose (AnswerError if there is no such option)."""
        return parse_options(answer, many=False, known=self.option_ids)[0]

    def score(self, answer: Any) -> Score:
        chosen = self.parse(answer)
        right = self._match_lock([chosen]) is not None if self.released else chosen == self.correct
        return self._score(right, self._explain([chosen]))


class MultipleChoice(_Choice):
    type: Literal["multiple_choice"]
    correct: list[str] | None = None

    def parse(self, answer: Any) -> list[str]:
        """The option ids the learner chose, in option order."""
        return parse_options(answer, many=True, known=self.option_ids)

    def score(self, answer: Any) -> Score:
        chosen = self.parse(answer)
        if self.released:
            right = self._match_lock([",".join(chosen)]) is not None
        else:
            right = set(chosen) == set(self.correct or [])
        if right:
            return self._score(True, self._explain(chosen))
        # Why each wrongly chosen option is wrong; the keyed options' explanations would give the
        # key away, and so would explanations for a pick of every option.
        wrong = [] if len(chosen) == len(self.options) else [i for i in chosen if i not in self._keyed()]
        feedback = self._explain(wrong) if not self.released else ""
        note = ("Picking every option is not an answer: choose the ones you think are right."
                if len(chosen) == len(self.options) else
                "Not the right set of options yet: every correct option, and only those.")
        return self._score(False, f"{feedback}\n\n{note}".strip())


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
        # The worked explanation holds the answer: it shows once the answer is right.
        return self._score(right, (self.explanation or "") if right else "Not within the tolerance yet; try the hints.")

    def _solution(self) -> str:
        return f"**Solution:** {self.answer:g}.\n\n{self.explanation or ''}".strip()


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
        return self._score(right, (self.explanation or "") if right else "Not an accepted answer yet; try the hints.")

    def _solution(self) -> str:
        return f"**Solution:** {(self.accepted or [''])[0]}.\n\n{self.explanation or ''}".strip()


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
        from quizkit.sandbox.runner import plain

        return plain(self._reference_fn(*copy.deepcopy(check.args or []), **copy.deepcopy(check.kwargs or {})))

    def _solution(self) -> str:
        parts = [f"**A solution:**\n\n```python\n{self.reference.strip()}\n```"] if self.reference else []
        return "\n\n".join(parts + ([self.explanation] if self.explanation else [])) or "No worked solution in this bank."

    def run(self, source: str, limits: Any = None, *, hidden: bool = True, isolation: Any = None) -> tuple[Any, Score]:
        """Compute the learner's outputs in a separate process, then judge them here: ``(CheckOutcome, Score)``.

        ``hidden=False`` runs only the visible checks (what a learner sees while practising);
        the grader runs them all. ``isolation`` (:class:`quizkit.sandbox.Backend`):
        a plain child process when None.
        """
        from quizkit.quiz.judge import judge_code
        from quizkit.sandbox import NONE, compute

        checks = [c for c in self.checks if hidden or not c.hidden]
        job = {"setup": self.setup, "source": source, "entry": self.entry, "calls": [c.job_call() for c in checks]}
        outcome = judge_code(self, compute(job, isolation or NONE, limits), checks)
        return outcome, code_score(self, outcome, n_checks=len(checks))


QUESTION_CLASSES = (SingleChoice, MultipleChoice, Numeric, Text, Code)
Question = Annotated[Union[QUESTION_CLASSES], Field(discriminator="type")]
QUESTION = TypeAdapter(Question)
# The one list of question types, read off the models' ``type`` tags.
QUESTION_TYPES: tuple[str, ...] = tuple(get_args(cls.model_fields["type"].annotation)[0] for cls in QUESTION_CLASSES)
QuestionType = Literal[QUESTION_TYPES]  # type: ignore[valid-type]
# The types answered by picking options (their answers are option ids).
CHOICE_TYPES: tuple[str, ...] = tuple(t for t, cls in zip(QUESTION_TYPES, QUESTION_CLASSES) if issubclass(cls, _Choice))


class Release(_Strict):
    """Present in banks written by ``quizkit release``."""

    salt: str = Field(min_length=16)
    source_hash: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    quizkit: str


class BankHeader(_Strict):
    """The top of a bank file; its questions are validated one by one (see :mod:`quizkit.quiz.loading`)."""

    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    objectives: list[str] = Field(min_length=1)
    feedback: FeedbackMode = "instant"
    release: Release | None = None
    questions: list[dict[str, Any]] = Field(min_length=1)


class Bank(BaseModel):
    """A validated lesson bank; ``questions`` maps question id -> question, in bank order."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    id: str
    title: str
    objectives: list[str]
    feedback: FeedbackMode = "instant"
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

