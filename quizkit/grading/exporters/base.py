"""What an exporter is: a class that turns the gradebook and its analysis into files.

An exporter only renders: :meth:`Exporter.export` returns the files' texts (and lines for
the terminal); :func:`write_export` writes them, each atomically. So an exporter is tested
on strings, and a half-written file never replaces a good one.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> done = Export({folder / "a.txt": "hello\\n"}, notes=["one note"])
>>> [p.name for p in write_export(done)], (folder / "a.txt").read_text()
(['a.txt'], 'hello\\n')
"""

from __future__ import annotations

import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from quizkit.grading.class_analysis import ClassAnalysis
from quizkit.grading.gradebook import Gradebook
from quizkit.grading.roster import RosterEntry


@dataclass(frozen=True)
class ExportOptions:
    """What ``quizkit grade`` tells the exporters: where the gradebook CSV goes (the other
    files go beside it), the report's path, and for an LMS the assignment's name and the roster."""

    out: Path
    report: Path | None = None
    assignment: str | None = None
    roster: Sequence[RosterEntry] | None = None

    def beside(self, suffix: str) -> Path:
        """A file next to the gradebook CSV: ``gradebook.csv`` -> ``gradebook-<suffix>``."""
        return self.out.with_name(f"{self.out.stem}-{suffix}")


class ExportError(ValueError):
    """An export refused (the message names the exporter's problem and the student)."""


@dataclass
class Export:
    """An exporter's result: ``files`` (path -> text, written in this order), ``notes`` for the
    terminal, and ``stale`` files an earlier run wrote that would now mislead (removed)."""

    files: dict[Path, str]
    notes: list[str] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)


class Exporter(ABC):
    """One output format. A subclass sets ``name`` (what ``--export``/``--lms`` take) and a one-line
    ``description``, sets ``lms = True`` when it is a learning management system's import file,
    and implements :meth:`export`; :func:`quizkit.grading.exporters.registry.register` makes it
    known to ``quizkit grade``."""

    name: ClassVar[str]
    description: ClassVar[str]
    lms: ClassVar[bool] = False

    @abstractmethod
    def export(self, book: Gradebook, analysis: ClassAnalysis, options: ExportOptions) -> Export:
        """The files (and terminal lines) for ``book``; raises :class:`ExportError` to refuse."""


def write_atomic(path: Path, text: str) -> Path:
    """Write to a temporary file in the same folder, then rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_export(done: Export) -> list[Path]:
    """Write ``done``'s files atomically and remove its stale ones; the paths written."""
    for path in done.stale:
        path.unlink(missing_ok=True)
    return [write_atomic(Path(path), text) for path, text in done.files.items()]
