"""What every question type is: :class:`Question`, the base of the pydantic models of a bank's questions.

A question type is a subclass with a ``type`` tag (``Literal["..."]``) and its own fields; it
says how an answer is parsed and scored, where its key lives, what a student copy of it
holds, how a learner answers it in a notebook, and what its gradebook column shows. The
defaults here fit a question scored from its answer alone; a type overrides what differs.
:mod:`quizkit.quiz.questions.registry` finds the types by their tag.

>>> from quizkit.quiz.questions import question_class
>>> q = question_class("numeric").model_validate(
...     {"id": "q", "type": "numeric", "prompt": "2 + 2?", "answer": 4, "tolerance": 0, "explanation": "Sum."})
>>> q.score("4").correct, q.key_options(), q.example_answers()[0]
(True, ((), ()), 4.0)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from quizkit.quiz.scoring import Lock, Score, open_lock


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Question(Strict):
    """The fields and behaviour all question types share."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    type: str
    prompt: str = Field(min_length=1)
    points: float = Field(default=1.0, gt=0)
    concepts: list[str] = Field(default_factory=list)
    hints: list[str] = Field(default_factory=list)
    # The claim (lessons/claims.yaml) this question's key rests on, when a demo decides it.
    claim: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]*$")
    # Set by the loader for released banks: the salt their hashes were made with.
    _salt: str | None = PrivateAttr(default=None)

    #: The field holding the plain answer key (None: the type keys its answers otherwise).
    key_field: ClassVar[str | None] = None
    #: Fields a student copy must not hold: the key and anything that gives it away.
    sealed_fields: ClassVar[tuple[str, ...]] = ()
    #: The :class:`~quizkit.quiz.widget.Quiz` method a learner answers with in code.
    answered_with: ClassVar[str] = "answer"
    #: Shown under the question while an answer is scored, when scoring takes a while.
    scoring_message: ClassVar[str | None] = None
    #: The longest answer the grader reads: a longer one is refused unread and stored cut, so
    #: that one submission cannot make the grader compute or write megabytes.
    max_answer_chars: ClassVar[int] = 10_000
    #: Whether answers are code run in the sandbox (the grader refuses them where none works).
    runs_code: ClassVar[bool] = False

    @property
    def released(self) -> bool:
        return self._salt is not None

    # ------------------------------------------------------------------ answers and scores

    def parse(self, answer: Any) -> Any:
        """The answer in the form a record stores; AnswerError (learner-facing) when it has the wrong shape."""
        raise NotImplementedError

    def score(self, answer: Any) -> Score:
        """Score a parsed (or storable) answer against the key."""
        raise NotImplementedError

    def stored_answer(self, value: Any) -> Any:
        """What a learner's submission is recorded as (the parsed answer by default)."""
        return self.parse(value)

    def practice_score(self, stored: Any, limits: Any = None) -> Score | None:
        """The instant-feedback score of a stored answer (None: only the grader scores it)."""
        return self.score(stored)

    def grade(self, answer: Any, limits: Any = None, isolation: Any = None) -> tuple[Score, dict[str, Any] | None]:
        """The grader's score of a recorded answer, and the details of any checks run for it."""
        return self.score(answer), None

    def solution(self) -> str:
        """The worked solution (the key and its explanation): shown once asked for, recorded as revealed."""
        if self.released:
            return "This copy holds no readable key: the solution opens only with the right answer."
        return self._solution()

    def _solution(self) -> str:
        raise NotImplementedError

    def _score(self, correct: bool, feedback: str) -> Score:
        return Score.out_of(self.points, correct, feedback)

    def _match_lock(self, candidates: Iterable[str]) -> str | None:
        """For a released question: the sealed explanation of the first candidate that opens a lock."""
        for canonical in candidates:
            for lock in getattr(self, "key", None) or []:
                opened = open_lock(lock, self._salt or "", self.id, canonical)
                if opened is not None:
                    return opened
        return None

    # ------------------------------------------------------------------ key and student copies

    def locks(self, salt: str) -> list[Lock] | None:
        """The hashed key a released copy holds in place of the plain one (None: no ``key`` field)."""
        return None

    def example_answers(self) -> tuple[Any, Any] | None:
        """A right and a wrong answer read from the key, for scripted submissions (None: none can be made)."""
        return None

    def _dump(self, exclude: Iterable[str] = ()) -> dict[str, Any]:
        data = self.model_dump(mode="json", exclude_none=True, exclude=set(exclude))
        return {"id": data.pop("id"), "type": data.pop("type"), **data}

    def released_form(self, salt: str) -> dict[str, Any]:
        """This question in a student copy with instant feedback: hashed key, nothing sealed in plain text."""
        data = self._dump()
        for name in self.sealed_fields:
            data.pop(name, None)
        locks = self.locks(salt)
        if locks is not None:
            data["key"] = [lock.model_dump(exclude_none=True) for lock in locks]
        return data

    def exam_form(self) -> dict[str, Any]:
        """This question in an exam copy: no key and no explanations at all."""
        return self._dump(exclude={*self.sealed_fields, "explanation"})

    # ------------------------------------------------------------------ validation

    def key_problems(self, released: bool, keyless: bool) -> list[tuple[str, str]]:
        """``(field, message)`` for a key that is missing or in the wrong form for this kind of bank.

        Plain banks need the answer key; released banks hold hashes instead, exam copies nothing.
        """
        if self.key_field is None:
            return []
        has_plain = getattr(self, self.key_field) is not None
        problems = []
        if released:
            if has_plain:
                problems.append((self.key_field, "a released bank must not hold the answer key in plain text"))
            if not getattr(self, "key", None) and not keyless:
                problems.append(("key", "missing (released banks hold hashed answers)"))
            return problems
        if getattr(self, "key", None) is not None:
            problems.append(("key", "hashed keys belong only in released banks (those with a 'release' block)"))
        if not has_plain:
            problems.append((self.key_field, "missing (the correct answer)"))
        return problems

    def problems(self, released: bool, keyless: bool) -> list[tuple[str, str]]:
        """``(field, message)`` for each rule of this type that spans fields and is broken."""
        return []

    # ------------------------------------------------------------------ gradebook

    def key_options(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The options its gradebook column lists and the correct ones among them (none by default)."""
        return (), ()

    @classmethod
    def picked_options(cls, answer: Any, options: Sequence[str]) -> set[str]:
        """The options a stored answer picked, for item analysis' choice rates (none by default)."""
        return set()

    def key_is_longest_option(self) -> bool | None:
        """Whether the one correct option is the longest (``check-lessons`` warns when that is common);
        None for questions without a single correct option."""
        return None

    # ------------------------------------------------------------------ notebook

    def fallback_lines(self, quiz_name: str, options: Sequence[Any]) -> list[str]:
        """How to answer in code, for front ends without widgets: what to choose from, then (last) the call.

        The call holds a placeholder, never a real answer: an example could be the key.
        """
        return [f"  {quiz_name}.{self.answered_with}({self.id!r}, '<your answer>')"]

    def widget(self, options: Sequence[Any]) -> Any:
        """The input widget of this question (core ipywidgets); ``widget_value`` reads it."""
        import ipywidgets as w

        return w.Text(value="", placeholder="your answer", layout=w.Layout(width="40%"))

    def widget_value(self, widget: Any, options: Sequence[Any]) -> Any:
        """The learner's answer as the widget holds it."""
        return widget.value
