"""Question types as classes, found through one registry (:mod:`~quizkit.quiz.questions.registry`).

- :mod:`~quizkit.quiz.questions.base`: :class:`Question`, what every type is and its defaults;
- :mod:`~quizkit.quiz.questions.choice`: ``single_choice`` and ``multiple_choice``;
- :mod:`~quizkit.quiz.questions.numeric`: ``numeric``;
- :mod:`~quizkit.quiz.questions.text`: ``text``;
- :mod:`~quizkit.quiz.questions.code`: ``code`` (checks run in a separate process).

Importing this package registers the built-in types (:data:`BUILT_IN`, in this order).

>>> question_class("single_choice") is SingleChoice
True
"""

from __future__ import annotations

from quizkit.quiz.questions.base import Question
from quizkit.quiz.questions.choice import MultipleChoice, Option, SingleChoice
from quizkit.quiz.questions.code import Check, Code, source_of
from quizkit.quiz.questions.numeric import Numeric
from quizkit.quiz.questions.registry import (
    question_adapter,
    question_class,
    question_types,
    register,
    unregister,
)
from quizkit.quiz.questions.text import Text

BUILT_IN: tuple[type[Question], ...] = (SingleChoice, MultipleChoice, Numeric, Text, Code)
for _cls in BUILT_IN:
    register(_cls)

__all__ = [
    "BUILT_IN", "Check", "Code", "MultipleChoice", "Numeric", "Option", "Question", "SingleChoice", "Text",
    "question_adapter", "question_class", "question_types", "register", "source_of", "unregister",
]
