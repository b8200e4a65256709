"""The one registry of question types: a bank's ``type:`` tag names a class registered here.

To add a question type: subclass :class:`~quizkit.quiz.questions.base.Question` with a
``type: Literal["your_type"]`` field and the methods that differ from the defaults
(``parse``, ``score``, its key, ...), and register it: with :func:`register` from your own
code, or, so that every process finds it (the ``quizkit`` commands, notebook kernels,
grading workers), as an entry point of your package in the :data:`ENTRY_POINTS` group::

    [project.entry-points."quizkit.question_types"]
    ordering = "my_course.ordering:Ordering"

Banks, quiz cells, student copies, ``check-lessons`` and ``quizkit grade`` find it through
this module. The built-in types register themselves in :mod:`quizkit.quiz.questions`.

>>> from quizkit.quiz.questions import question_class, question_types
>>> question_types()
('single_choice', 'multiple_choice', 'numeric', 'text', 'code')
>>> question_class("numeric").__name__
'Numeric'
"""

from __future__ import annotations

import functools
from importlib.metadata import entry_points
from typing import Annotated, Any, Union, get_args

from pydantic import Field, TypeAdapter

from quizkit.quiz.questions.base import Question

ENTRY_POINTS = "quizkit.question_types"
_TYPES: dict[str, type[Question]] = {}
_plugins_loaded = False


def type_tag(cls: type[Question]) -> str:
    """The ``type`` tag a question class declares (its ``Literal``'s one value)."""
    tags = get_args(cls.model_fields["type"].annotation)
    if len(tags) != 1 or not isinstance(tags[0], str):
        raise TypeError(f"{cls.__qualname__} must declare its tag as type: Literal['<name>']")
    return tags[0]


def register(cls: type[Question]) -> type[Question]:
    """Make question class ``cls`` known by its ``type`` tag (a class decorator); a tag is taken once."""
    if not (isinstance(cls, type) and issubclass(cls, Question)):
        raise TypeError(f"a question type is a subclass of quizkit.quiz.questions.Question, not {cls!r}")
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


def _load_plugins() -> None:
    """Register the question classes installed packages name in the :data:`ENTRY_POINTS` group (once)."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True  # first: a plug-in may ask for the registered types while it loads
    for point in entry_points(group=ENTRY_POINTS):
        try:
            cls = point.load()
        except Exception as e:
            raise ImportError(f"question type plug-in {point.name!r} ({point.value}) failed to load: {e}") from e
        register(cls)


def question_types() -> tuple[str, ...]:
    """The registered type tags, in registration order."""
    _load_plugins()
    return tuple(_TYPES)


def question_class(tag: str) -> type[Question]:
    """The class registered for ``tag``; ValueError listing the types there are."""
    _load_plugins()
    try:
        return _TYPES[tag]
    except KeyError:
        raise ValueError(f"unknown question type {tag!r}; use one of {', '.join(_TYPES)}") from None


@functools.cache
def question_adapter() -> TypeAdapter[Any]:
    """Validates one question's mapping into the class its ``type`` names (rebuilt when a type registers)."""
    _load_plugins()
    classes = tuple(_TYPES.values())
    return TypeAdapter(Annotated[Union[classes], Field(discriminator="type")])  # type: ignore[valid-type]
