"""What a graded class tells the instructor: item analysis, reliability and concept mastery, once.

A :class:`ClassAnalysis` is computed once per ``quizkit grade`` run, from the gradebook, and
handed to every exporter that shows it (gradebook.json, the HTML report) and to the terminal
summary; none of them computes it again, and none changes it.

>>> from quizkit.grading.gradebook import Column, Gradebook
>>> analysis = ClassAnalysis.from_gradebook(Gradebook([], [Column("quiz", "q1", "numeric", 1.0)], []))
>>> analysis.summary["students"], analysis.items[0]["question"], analysis.mastery["untagged"]
(0, 'quiz/q1', ['quiz/q1'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from quizkit.grading.gradebook import Gradebook
from quizkit.grading.items import item_analysis
from quizkit.grading.mastery import concept_mastery


@dataclass(frozen=True)
class ClassAnalysis:
    """The class's numbers as plain data (what gradebook.json stores under these three names).

    - ``items``: per question, in gradebook order (:func:`~quizkit.grading.items.item_analysis`'s
      ``items``): difficulty, point-biserial, upper-lower index, options, flags;
    - ``summary``: the class-level rest: ``students``, ``excluded``, ``group_size``,
      ``warning`` and ``reliability`` (method, alpha, SEM, SD);
    - ``mastery``: :func:`~quizkit.grading.mastery.concept_mastery`'s concepts, students, untagged.
    """

    items: list[dict[str, Any]]
    summary: dict[str, Any]
    mastery: dict[str, Any]

    @classmethod
    def from_gradebook(cls, book: Gradebook) -> ClassAnalysis:
        """Item analysis and concept mastery of ``book``, each computed once."""
        summary = item_analysis(book)
        items = summary.pop("items")
        return cls(items=items, summary=summary, mastery=concept_mastery(book))

    @property
    def reliability(self) -> dict[str, Any]:
        """KR-20 or Cronbach's alpha with its SEM (``summary["reliability"]``)."""
        return self.summary["reliability"]
