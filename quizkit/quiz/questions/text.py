"""Text questions: a word or short phrase, compared after :func:`~quizkit.quiz.scoring.normalize_text`.

``fuzzy`` accepts near misses (a similarity ratio); a released copy keeps one hash per
accepted answer, so it matches exactly (after normalising) and seals the explanation.

>>> q = Text.model_validate({"id": "q", "type": "text", "prompt": "Metric?", "accepted": ["F1 score"],
...                          "explanation": "Harmonic mean."})
>>> q.score("f1-score").correct, q.score("accuracy").correct
(True, False)
"""

from __future__ import annotations

import difflib
from typing import Any, ClassVar, Literal

from pydantic import Field

from quizkit.quiz.questions.base import Question
from quizkit.quiz.scoring import AnswerError, Lock, Score, make_lock, normalize_text


class Text(Question):
    type: Literal["text"]
    accepted: list[str] | None = None
    fuzzy: float | None = Field(default=None, ge=0, le=1)
    explanation: str | None = None
    key: list[Lock] | None = None

    key_field: ClassVar[str | None] = "accepted"
    sealed_fields: ClassVar[tuple[str, ...]] = ("accepted", "fuzzy", "explanation")

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

    def locks(self, salt: str) -> list[Lock]:
        accepted = dict.fromkeys(normalize_text(a) for a in self.accepted or [])
        return [make_lock(salt, self.id, a, self.explanation) for a in accepted]

    def problems(self, released: bool, keyless: bool) -> list[tuple[str, str]]:
        problems = []
        if not self.explanation and not released:  # a released copy seals it in the key
            problems.append(("explanation", "missing (explain the working)"))
        if self.accepted is not None and not [a for a in self.accepted if normalize_text(a)]:
            problems.append(("accepted", "list at least one non-empty accepted answer"))
        return problems

    def example_answers(self) -> tuple[Any, Any] | None:
        return (self.accepted[0], "not the answer at all") if self.accepted else None
