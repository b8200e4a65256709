"""The quiz side: question banks, scoring, quiz cells, answer records, student copies.

One module per concern, lowest first (each imports only those above it in this list):

- :mod:`~quizkit.quiz.scoring`: parsing answers, the one text normaliser, sealed keys, a code verdict as a score;
- :mod:`~quizkit.quiz.questions`: the question types as classes, found through one registry;
- :mod:`~quizkit.quiz.schema`: the bank's pydantic models, its questions instances of those classes;
- :mod:`~quizkit.quiz.validation`: rules that span fields, and :class:`Problem` / :class:`BankError`;
- :mod:`~quizkit.quiz.loading`: finding, reading, validating and caching bank files;
- :mod:`~quizkit.quiz.records`: the answer record saved in the notebook;
- :mod:`~quizkit.quiz.widget`: :class:`Quiz`, the quiz cells (core ipywidgets);
- :mod:`~quizkit.quiz.release`: ``quizkit release``, student copies without a plain key;
- :mod:`~quizkit.quiz.check`: ``quizkit check-lessons``.

Names load on first use, so the grader can import a bank's schema without the widget module:

>>> from quizkit.quiz import load_bank
>>> load_bank("00-start-here").questions["what-is-fine-tuning"].score("B").correct
True
"""

from __future__ import annotations

import importlib
from typing import Any

# public name -> module of quizkit.quiz that defines it
_LAZY = {
    "Quiz": "widget",
    "Submission": "widget",
    "source_of": "questions",
    "Bank": "schema",
    "Question": "schema",
    "question_class": "questions",
    "question_types": "questions",
    "register": "questions",
    "AnswerError": "scoring",
    "Score": "scoring",
    "normalize_text": "scoring",
    "BankError": "validation",
    "Problem": "validation",
    "find_bank": "loading",
    "load_bank": "loading",
    "validate_bank": "loading",
    "bank_files": "loading",
    "check_lessons": "check",
    "release_bank": "release",
    "bundle": "records",
    "iter_records": "records",
    "make_record": "records",
    "validate_record": "records",
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
