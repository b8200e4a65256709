"""The one registry of exporters: ``quizkit grade`` finds every output format here by name.

The command writes :data:`DEFAULT` (the gradebook CSV and JSON) on every run, ``html`` with
``--report``, the LMS exporter ``--lms NAME`` names, and any exporter ``--export NAME`` names.

To add a format: write a subclass of :class:`~quizkit.grading.exporters.base.Exporter` (a
``name``, a ``description``, ``export()`` returning the files' texts) and register it, here in
:data:`BUILT_IN` for one shipped with quizkit, or with :func:`register` from your own code.

>>> sorted(exporter_names()), exporter_names(lms=True)
(['canvas', 'csv', 'html', 'json', 'moodle'], ['canvas', 'moodle'])
>>> get_exporter("moodle").description
"Moodle's grade import CSV (Identifier, Full name, the total)"
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from quizkit.grading.class_analysis import ClassAnalysis
from quizkit.grading.exporters.base import ExportError, Exporter, ExportOptions, write_export
from quizkit.grading.exporters.lms import CanvasCsv, MoodleCsv
from quizkit.grading.exporters.report import HtmlReport
from quizkit.grading.exporters.tables import CsvGradebook, JsonGradebook
from quizkit.grading.gradebook import Gradebook

BUILT_IN: tuple[type[Exporter], ...] = (CsvGradebook, JsonGradebook, HtmlReport, CanvasCsv, MoodleCsv)
DEFAULT = ("csv", "json")
_EXPORTERS: dict[str, type[Exporter]] = {}


def register(exporter: type[Exporter]) -> type[Exporter]:
    """Make ``exporter`` known by its ``name`` (usable as a class decorator); a name is taken once."""
    if not (isinstance(exporter, type) and issubclass(exporter, Exporter)):
        raise TypeError(f"an exporter is a subclass of quizkit.grading.exporters.base.Exporter, not {exporter!r}")
    taken = _EXPORTERS.get(exporter.name)
    if taken is not None and taken is not exporter:
        raise ValueError(f"exporter name {exporter.name!r} is taken by {taken.__module__}.{taken.__qualname__}")
    _EXPORTERS[exporter.name] = exporter
    return exporter


def unregister(name: str) -> None:
    """Forget the exporter called ``name`` (a plug-in's tests clean up after themselves)."""
    _EXPORTERS.pop(name, None)


def exporter_names(*, lms: bool | None = None) -> list[str]:
    """The registered names, in registration order; ``lms=True``/``False``: only LMS files / only the others."""
    return [name for name, cls in _EXPORTERS.items() if lms is None or cls.lms == lms]


def get_exporter(name: str) -> Exporter:
    """A fresh instance of the exporter called ``name``; ValueError listing the names there are."""
    try:
        return _EXPORTERS[name]()
    except KeyError:
        raise ValueError(f"no exporter called {name!r} (there are: {', '.join(exporter_names())})") from None


@dataclass
class Written:
    """What :func:`write_exports` did: the paths written, lines for the terminal, and refusals."""

    paths: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def write_exports(book: Gradebook, names: Sequence[str], options: ExportOptions,
                  analysis: ClassAnalysis | None = None) -> Written:
    """Run the exporters ``names`` in order (each once) over ``book`` and write their files.

    ``analysis`` is the run's class analysis (computed here when not given). An exporter that
    refuses (:class:`~quizkit.grading.exporters.base.ExportError`) writes nothing and is listed
    in ``refused``; the others' files are written all the same.
    """
    if analysis is None:
        analysis = ClassAnalysis.from_gradebook(book)
    result = Written()
    for name in dict.fromkeys(names):
        try:
            done = get_exporter(name).export(book, analysis, options)
        except ExportError as e:
            result.refused.append(str(e))
            continue
        result.paths += write_export(done)
        result.notes += done.notes
    return result


for _exporter in BUILT_IN:
    register(_exporter)
