"""Numeric questions: a number, right within a tolerance (absolute or relative).

A released copy hashes the answer's cell on a grid a quarter of the tolerance wide and
checks the learner's value against the neighbouring cells; the explanation is sealed with
the answer, so it opens only for a right one.

>>> q = Numeric.model_validate({"id": "q", "type": "numeric", "prompt": "Half?", "answer": 0.5,
...                             "tolerance": 0.01, "explanation": "One of two."})
>>> q.score("0,505").correct, q.score(0.52).correct
(True, False)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, ClassVar, Literal

from pydantic import Field

from quizkit.quiz.questions.base import Question
from quizkit.quiz.scoring import GRID_STEPS, Lock, Score, make_lock, parse_number


class Numeric(Question):
    type: Literal["numeric"]
    answer: float | None = None
    tolerance: float = Field(ge=0)
    tolerance_mode: Literal["absolute", "relative"] = "absolute"
    explanation: str | None = None
    key: list[Lock] | None = None

    key_field: ClassVar[str | None] = "answer"
    sealed_fields: ClassVar[tuple[str, ...]] = ("answer", "explanation")

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

    def _allowed(self) -> float:
        assert self.answer is not None
        return self.tolerance * (abs(self.answer) if self.tolerance_mode == "relative" else 1.0)

    def score(self, answer: Any) -> Score:
        value = self.parse(answer)
        if self.released:
            explanation = self._match_lock(self._neighbours(value))
            right = explanation is not None
            return self._score(right, explanation or "Not within the tolerance yet; try the hints.")
        assert self.answer is not None
        # A relative epsilon keeps 0.1 + 0.2 style rounding from rejecting an edge answer.
        right = abs(value - self.answer) <= self._allowed() * (1 + 1e-9) + 1e-12
        # The worked explanation holds the answer: it shows once the answer is right.
        return self._score(right, (self.explanation or "") if right else "Not within the tolerance yet; try the hints.")

    def _solution(self) -> str:
        return f"**Solution:** {self.answer:g}.\n\n{self.explanation or ''}".strip()

    def locks(self, salt: str) -> list[Lock]:
        assert self.answer is not None
        return [make_lock(salt, self.id, str(self.grid_index(self.answer)), self.explanation)]

    def problems(self, released: bool, keyless: bool) -> list[tuple[str, str]]:
        # A released copy seals the explanation in its key.
        return [("explanation", "missing (explain the working)")] if not self.explanation and not released else []

    def example_answers(self) -> tuple[Any, Any] | None:
        if self.answer is None:
            return None
        return self.answer, round(self.answer + 10 * (self._allowed() + 1), 6)

    def fallback_lines(self, quiz_name: str, options: Sequence[Any]) -> list[str]:
        return [f"  {quiz_name}.answer({self.id!r}, <your number>)"]

    def widget(self, options: Sequence[Any]) -> Any:
        import ipywidgets as w

        return w.Text(value="", placeholder="a number", layout=w.Layout(width="40%"))
