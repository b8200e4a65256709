"""The question-bank schema: pydantic models of a bank, its header and the course.

A bank is one lesson's questions, ``lessons/<lesson-id>.yaml``; ``lessons/course.yaml`` lists
the lessons in order and the concept ids questions may be tagged with. The models here say
what each field may hold; each question is an instance of the class its ``type`` names
(:mod:`quizkit.quiz.questions`); :mod:`quizkit.quiz.loading` reads the YAML and
:mod:`quizkit.quiz.validation` adds the rules that span fields.

>>> from quizkit.quiz.loading import load_bank
>>> bank = load_bank("00-start-here")
>>> question = bank.questions["what-is-fine-tuning"]
>>> question.score("B").correct
True
>>> bank.hash.startswith("sha256:")
True

A bank written by ``quizkit release`` (see :mod:`quizkit.quiz.release`) holds salted hashes in
place of the answer key; its questions score the same way.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny

from quizkit.quiz.questions import Question
from quizkit.quiz.questions.base import Strict as _Strict

FeedbackMode = Literal["instant", "none"]
FEEDBACK_MODES: tuple[str, ...] = get_args(FeedbackMode)


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
    # Each question keeps (and dumps) the fields of its own type's class.
    questions: dict[str, SerializeAsAny[Question]]
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

