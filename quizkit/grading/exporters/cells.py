"""How every exporter writes a number or a submission's text into a cell.

CSV cells are neutralised against formula injection (:func:`csv_cell`), as OWASP recommends:
a student id is the student's to choose. Numbers print the same way in every file (:func:`fmt`).

>>> csv_cell("=HYPERLINK(\\"http://x\\")"), csv_cell("alice"), fmt(4 / 3), fmt(2.0)
('\\'=HYPERLINK("http://x")', 'alice', '1.333', '2')
"""

from __future__ import annotations

from typing import Any

from quizkit.grading.gradebook import safe_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_data(value: Any) -> Any:
    """:func:`~quizkit.grading.gradebook.safe_text` applied to every string in nested plain data (keys too)."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, (list, tuple)):
        return [safe_data(v) for v in value]
    if isinstance(value, dict):
        return {safe_text(str(k)): safe_data(v) for k, v in value.items()}
    return value


def csv_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula (a leading ``'``)."""
    text = safe_text(str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def fmt(points: float) -> str:
    """Stable number formatting for every output: 2, 0.5, 1.333."""
    return f"{round(points, 3):g}"
