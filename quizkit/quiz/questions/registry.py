"""The one registry of question types: a bank's ``type:`` tag names a class registered here.

To add a question type: subclass :class:`~quizkit.quiz.questions.base.Question` with a
``type: Literal["your_type"]`` field and the methods that differ from the defaults
(``parse``, ``score``, its key, ...), and decorate it with :func:`register`. Banks, quiz
cells, student copies, ``check-lessons`` and ``quizkit grade`` find it through this module.
The built-in types register themselves in :mod:`quizkit.quiz.questions`.

>>> from quizkit.quiz.questions import question_class, question_types
>>> question_types()
('single_choice', 'multiple_choice', 'numeric', 'text', 'code')
>>> question_class("numeric").__name__
'Numeric'
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args

from pydantic import Field, TypeAdapter

if TYPE_CHECKING:
    from quizkit.quiz.questions.base import Question

_TYPES: dict[str, type[Question]] = {}


def type_tag(cls: type[Question]) -> str:
    """The ``type`` tag a question class declares (its ``Literal``'s one value)."""
    tags = get_args(cls.model_fields["type"].annotation)
    if len(tags) != 1 or not isinstance(tags[0], str):
        raise TypeError(f"{cls.__qualname__} must declare its tag as type: Literal['<name>']")
    return tags[0]


def register(cls: type[Question]) -> type[Question]:
    """Make question class ``cls`` known by its ``type`` tag (a class decorator); a tag is taken once."""
    tag = type_tag(cls)
    taken = _TYPES.get(tag)
    if taken is not None and taken is not cls:
        raise ValueError(f"question type {tag!r} is taken by {taken.__module__}.{taken.__qualname__}")
    _TYPES[tag] = cls
    question_adapter.cache_clear()
    return cls


def unregister(tag: str) -> None:
    """Forget the question type ``tag`` (a plug-in's tests clean up after themselves)."""
    _TYPES.pop(tag, None)
    question_adapter.cache_clear()


def question_types() -> tuple[str, ...]:
    """The registered type tags, in registration order."""
    return tuple(_TYPES)


def question_class(tag: str) -> type[Question]:
    """The class registered for ``tag``; ValueError listing the types there are."""
    try:
        return _TYPES[tag]
    except KeyError:
        raise ValueError(f"unknown question type {tag!r}; use one of {', '.join(_TYPES)}") from None


@functools.cache
def question_adapter() -> TypeAdapter[Any]:
    """Validates one question's mapping into the class its ``type`` names (rebuilt when a type registers)."""
    classes = tuple(_TYPES.values())
    return TypeAdapter(Annotated[Union[classes], Field(discriminator="type")])  # type: ignore[valid-type]
