"""Say what a Trainer / datasets / evaluate error means and how to fix it.

The catalogue (``quizkit/trainer_errors.yaml``, exposed as :data:`CATALOGUE`) pairs each error
learners commonly hit with a plain explanation and a corrected line of code.
:func:`explain` finds the entry for an exception; ``%load_ext quizkit`` (:func:`register`)
shows the normal traceback and then a short "what happened / how to fix" box under it.
:func:`expect_error` shows the same for an error a lesson triggers on purpose, without
stopping "Run all" on any front end.

>>> try:
...     raise TypeError("TrainingArguments.__init__() got an unexpected keyword argument 'evaluation_strategy'")
... except TypeError as exc:
...     explain(exc).entry.id
'evaluation-strategy-renamed'
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

_CATALOGUE_FILE = "trainer_errors.yaml"
_FIELDS = ("id", "title", "exceptions", "pattern", "what_happened", "how_to_fix", "fix_code")


@dataclass(frozen=True)
class Entry:
    """One catalogued error: how to recognise it and what to tell the learner."""

    id: str
    title: str
    exceptions: tuple[str, ...]
    pattern: str
    what_happened: str
    how_to_fix: str
    fix_code: str
    note: str = ""
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", re.compile(self.pattern, re.DOTALL))

    def matches(self, exc: BaseException) -> bool:
        names = {cls.__name__ for cls in type(exc).__mro__}
        return bool(names.intersection(self.exceptions)) and self.regex.search(str(exc)) is not None


def load_catalogue(text: str | None = None) -> list[Entry]:
    """Parse the catalogue YAML (the packaged file when ``text`` is None)."""
    import yaml

    if text is None:
        text = resources.files("quizkit").joinpath(_CATALOGUE_FILE).read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    if not isinstance(raw, list):
        raise ValueError(f"{_CATALOGUE_FILE}: expected a list of entries, got {type(raw).__name__}")
    entries, seen = [], set()
    for i, item in enumerate(raw):
        missing = [k for k in _FIELDS if not isinstance(item, dict) or not item.get(k)]
        if missing:
            raise ValueError(f"{_CATALOGUE_FILE}: entry {i} ({item.get('id') if isinstance(item, dict) else item!r}) lacks {missing}")
        if item["id"] in seen:
            raise ValueError(f"{_CATALOGUE_FILE}: duplicate id {item['id']!r}")
        seen.add(item["id"])
        try:
            entries.append(Entry(**{**item, "exceptions": tuple(item["exceptions"]), "note": item.get("note", "")}))
        except (TypeError, re.error) as exc:
            raise ValueError(f"{_CATALOGUE_FILE}: entry {item['id']!r} is invalid: {exc}") from exc
    return entries


CATALOGUE: list[Entry] = load_catalogue()


@dataclass(frozen=True)
class Explanation:
    """An exception matched to its catalogue entry; shows as a box in Jupyter."""

    entry: Entry
    exception: BaseException

    def __str__(self) -> str:
        e = self.entry
        lines = [
            f"quizkit: {e.title}",
            f"  What happened: {e.what_happened}",
            f"  How to fix: {e.how_to_fix}",
            f"      {e.fix_code}",
        ]
        if e.note:
            lines.append(f"  Note: {e.note}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = self.entry
        note = f"<div style='color:#555;font-size:90%'>{html.escape(e.note)}</div>" if e.note else ""
        return (
            "<div class='quizkit-explain' style='border-left:5px solid #e08214;background:#fff7ea;"
            "padding:0.5em 0.8em;margin:0.4em 0;color:#222'>"
            f"<b>quizkit: {html.escape(e.title)}</b>"
            f"<div><b>What happened:</b> {html.escape(e.what_happened)}</div>"
            f"<div><b>How to fix:</b> {html.escape(e.how_to_fix)}</div>"
            f"<pre style='margin:0.3em 0;background:#fff'>{html.escape(e.fix_code)}</pre>{note}</div>"
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/html": self._repr_html_(), "text/plain": str(self)}


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and what caused it (libraries often re-raise with a new type)."""
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in found and len(found) < 10:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def explain(exc: BaseException) -> Explanation | None:
    """The catalogue entry for ``exc`` (or for an exception that caused it), else None."""
    if not isinstance(exc, BaseException):
        raise TypeError(f"explain() needs an exception object, got {type(exc).__name__}")
    for candidate in _chain(exc):
        for entry in CATALOGUE:
            if entry.matches(candidate):
                return Explanation(entry, candidate)
    return None


def _show_with_explanation(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> None:
    """IPython custom exception handler: the usual traceback, then the box when we know the error."""
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=True)
    explanation = explain(value)
    if explanation is not None:
        from IPython.display import display

        display(explanation)  # IPython's display protocol picks the HTML or the text form


def register(ipython: Any) -> None:
    """Install the explainer in an IPython shell (what ``%load_ext quizkit`` does).

    Any custom exception handler already there is remembered and restored by :func:`unregister`.
    """
    if getattr(ipython, "_quizkit_previous_custom_exc", None) is not None:
        return  # already registered: loading twice must not wrap our own handler
    ipython._quizkit_previous_custom_exc = (ipython.custom_exceptions, ipython.CustomTB)
    ipython.set_custom_exc((Exception,), _show_with_explanation)


def unregister(ipython: Any) -> None:
    """Remove the explainer and put back the handler that was there before."""
    previous = getattr(ipython, "_quizkit_previous_custom_exc", None)
    if previous is None:
        return
    ipython.custom_exceptions, ipython.CustomTB = previous
    ipython._quizkit_previous_custom_exc = None


# --------------------------------------------------------------------------- errors shown on purpose


class ErrorNotRaised(AssertionError):
    """The block under :func:`expect_error` finished without the error the lesson shows."""


class UnexpectedError(AssertionError):
    """The block under :func:`expect_error` failed, but not with the error the lesson shows."""


@dataclass
class CaughtError:
    """What :func:`expect_error` caught: the exception and its catalogue explanation (or None)."""

    exception: BaseException | None = None
    explanation: Explanation | None = None


_PACKAGE_DIR = str(Path(__file__).resolve().parent) + os.sep
_HIDDEN_FILES = (contextlib.__file__,)


def _frame_label(filename: str) -> str:
    """A frame's file as a learner should read it: ``Cell In[3]``, ``transformers/trainer.py``."""
    shell = _ipython()
    if shell is not None and hasattr(shell.compile, "format_code_name"):
        label = shell.compile.format_code_name(filename)
        if label is not None:
            return " ".join(label)
    # Installed libraries by their import path, not the machine's site-packages folder.
    roots = sorted((p for p in sys.path if p and filename.startswith(os.path.join(p, ""))), key=len, reverse=True)
    if roots:
        return os.path.relpath(filename, roots[0])
    return os.path.basename(filename) if os.path.isabs(filename) else filename


def short_traceback(exc: BaseException) -> str:
    """The traceback of ``exc`` without quizkit's own frames and without machine paths.

    >>> try:
    ...     int("seven")
    ... except ValueError as exc:
    ...     print(short_traceback(exc), end="")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      File "<doctest ...>", line 2, in <module>
        int("seven")
    ValueError: invalid literal for int() with base 10: 'seven'
    """
    lines = ["Traceback (most recent call last):\n"]
    for frame in traceback.extract_tb(exc.__traceback__):
        path = str(Path(frame.filename).resolve()) if os.path.isabs(frame.filename) else frame.filename
        if path.startswith(_PACKAGE_DIR) or frame.filename in _HIDDEN_FILES:
            continue
        lines.append(f'  File "{_frame_label(frame.filename)}", line {frame.lineno}, in {frame.name}\n')
        if frame.line:
            lines.append(f"    {frame.line.strip()}\n")
    # Messages name paths too (evaluate: "Couldn't find a module script at /home/.../rouge.py"):
    # show them relative to the working folder, as the learner typed them.
    here = os.getcwd() + os.sep
    lines += [line.replace(here, "") for line in traceback.format_exception_only(type(exc), exc)]
    return "".join(lines)


def _ipython() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _show(explanation: Explanation) -> None:
    if _ipython() is None:
        print(explanation)
    else:
        from IPython.display import display

        display(explanation)


def _names(expected: tuple[type[BaseException], ...]) -> str:
    return " or ".join(cls.__name__ for cls in expected)


@contextlib.contextmanager
def expect_error(*expected: type[BaseException], match: str | None = None) -> Iterator[CaughtError]:
    """Run a block that is meant to fail: show its traceback and the explainer box, then go on.

    When the block raises one of ``expected`` (and its message contains the regular expression
    ``match``, if given), the traceback is printed to stderr (without quizkit's frames) and the
    "what happened / how to fix" box that ``%load_ext quizkit`` shows follows it; the error does
    not propagate, so "Run all" goes on in JupyterLab, Colab and VS Code alike. A block that
    finishes without an error raises :class:`ErrorNotRaised`; any other error raises
    :class:`UnexpectedError` (chained to it), so nbval and the learner notice.

    >>> with expect_error(TypeError, match="evaluation_strategy") as caught:  # doctest: +ELLIPSIS
    ...     raise TypeError("TrainingArguments.__init__() got an unexpected keyword argument 'evaluation_strategy'")
    quizkit: ...
      What happened: ...
    >>> caught.explanation.entry.id
    'evaluation-strategy-renamed'
    >>> with expect_error(ValueError):
    ...     pass
    Traceback (most recent call last):
    quizkit.explain.ErrorNotRaised: expected ValueError, but the code ran without an error
    """
    if not expected or not all(isinstance(cls, type) and issubclass(cls, BaseException) for cls in expected):
        raise TypeError(f"expect_error() needs one or more exception classes, got {expected!r}")
    caught = CaughtError()
    try:
        yield caught
    except expected as exc:
        if match is not None and re.search(match, str(exc)) is None:
            raise UnexpectedError(
                f"expected {_names(expected)} matching {match!r}, got {type(exc).__name__}: {exc}"
            ) from exc
        caught.exception, caught.explanation = exc, explain(exc)
        print(short_traceback(exc), end="", file=sys.stderr)
        sys.stderr.flush()  # the traceback must come before the box in the cell's output
        if caught.explanation is not None:
            _show(caught.explanation)
    except Exception as exc:
        raise UnexpectedError(f"expected {_names(expected)}, got {type(exc).__name__}: {exc}") from exc
    else:
        raise ErrorNotRaised(f"expected {_names(expected)}, but the code ran without an error")
