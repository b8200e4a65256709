"""Scoring answers: parsing what a learner typed, the one text normaliser, sealed keys, code scores.

Everything here compares an answer with a key; the question models in
:mod:`quizkit.quiz.questions` call it from their ``score`` methods.

>>> normalize_text("  Precision-Recall   trade off! ")
'precision recall trade off'
>>> parse_options("a, c", many=True, known=["A", "B", "C"])
['A', 'C']
>>> lock = make_lock("salt" * 4, "q1", "B", "B is right because...")
>>> open_lock(lock, "salt" * 4, "q1", "B"), open_lock(lock, "salt" * 4, "q1", "A")
('B is right because...', None)
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# Finer than the tolerance so that hashed numeric answers are accepted within
# tolerance +- tolerance/GRID_STEPS (the grid cell size).
GRID_STEPS = 4


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

    @classmethod
    def out_of(cls, max_points: float, correct: bool, feedback: str) -> Score:
        """All of ``max_points`` when correct, none otherwise."""
        return cls(correct, max_points if correct else 0.0, max_points, feedback)


# --------------------------------------------------------------------------- answers


def normalize_text(text: str) -> str:
    """Case, spacing and punctuation do not matter in text answers.

    The one normaliser of the quiz side: text questions, their released hashes and the
    grader all compare answers through it. (The SQuAD exact-match metric keeps its own,
    :func:`quizkit.metrics.normalize_answer`: that one is part of a metric's published
    definition and also drops articles.)
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return " ".join(text.split())


def parse_options(value: Any, *, many: bool, known: Sequence[str]) -> list[str]:
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


def open_lock(lock: Lock, salt: str, question: str, canonical: str) -> str | None:
    """The sealed explanation ("" if none) when ``canonical`` is the locked answer, else None."""
    if lock.hash != "sha256:" + _digest(salt, question, "check", canonical).hex():
        return None
    if lock.sealed is None:
        return ""
    data = base64.b64decode(lock.sealed)
    pad = hashlib.shake_256(_digest(salt, question, "seal", canonical)).digest(len(data))
    return bytes(a ^ b for a, b in zip(data, pad)).decode()


# --------------------------------------------------------------------------- code questions


def code_score(question: Any, outcome: Any, n_checks: int | None = None) -> Score:
    """Turn a ``CheckOutcome`` into a Score with learner-facing feedback."""
    detail = (outcome.message or "").strip()
    if outcome.status == "passed":
        n = len(question.checks) if n_checks is None else n_checks
        feedback = f"All {n} check{'s' if n != 1 else ''} passed."
        if n < len(question.checks):
            feedback += f" Your instructor also runs {len(question.checks) - n} hidden check(s) when grading."
        if question.explanation:
            feedback += "\n\n" + question.explanation
        return Score.out_of(question.points, True, feedback)
    headline = {
        "failed": f"Check '{outcome.failed_check}' failed",
        "error": "Your code raised an error",
        "timeout": "Your code took too long",
        "crashed": "Your code crashed the checker",
    }.get(outcome.status, f"Not graded ({outcome.status})")
    if detail.lower().startswith("your code"):  # the message already says it
        return Score.out_of(question.points, False, detail[0].upper() + detail[1:])
    return Score.out_of(question.points, False, f"{headline}: {detail}" if detail else headline + ".")
