"""What a diagnosis returns: :class:`Finding` (one problem, its numbers in plain words) and
:class:`Diagnosis` (the findings, worst first), as text and as HTML in a notebook.

The rules that produce findings live in :mod:`quizkit.analysis.diagnosis_rules`; :mod:`quizkit.analysis.diagnosis` runs
them. This module changes when the shape or the look of a result changes, not when a rule does.

>>> d = Diagnosis([Finding("imbalance", "info", "Imbalanced classes"),
...                Finding("leakage", "severe", "Test texts also in the training data")])
>>> d.codes, [f.code for f in d.severe]
(['leakage', 'imbalance'], ['leakage'])
>>> d.get("imbalance").title
'Imbalanced classes'
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("severe", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """One problem found: ``code`` (stable id), ``severity``, ``title``, ``evidence`` (numbers), ``explanation``."""

    code: str
    severity: str
    title: str
    evidence: dict[str, Any] = field(default_factory=dict)
    explanation: str = ""

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {self.severity!r}")

    def __str__(self) -> str:
        return f"[{self.severity}] {self.title} ({self.code})\n    {self.explanation}"


_COLOURS = {"severe": "#b2182b", "warning": "#e08214", "info": "#2166ac"}


class Diagnosis(Sequence[Finding]):
    """The findings, worst first. Empty means nothing suspicious was found."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self._findings = sorted(findings, key=lambda f: SEVERITIES.index(f.severity))

    def __getitem__(self, index: Any) -> Any:
        return self._findings[index]

    def __len__(self) -> int:
        return len(self._findings)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._findings)

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self._findings]

    @property
    def severe(self) -> list[Finding]:
        return [f for f in self._findings if f.severity == "severe"]

    def get(self, code: str) -> Finding | None:
        return next((f for f in self._findings if f.code == code), None)

    def __str__(self) -> str:
        if not self._findings:
            return "No problems found."
        return "\n".join(str(f) for f in self._findings)

    def __repr__(self) -> str:
        return f"Diagnosis({self.codes})"

    def _repr_html_(self) -> str:
        if not self._findings:
            return "<div class='quizkit-diagnosis'><b>No problems found.</b></div>"
        items = "".join(
            f"<li style='margin-bottom:0.4em'><span style='color:{_COLOURS[f.severity]};font-weight:bold'>"
            f"{f.severity.upper()}</span> <b>{html.escape(f.title)}</b> <code>{f.code}</code><br>"
            f"{html.escape(f.explanation)}</li>"
            for f in self._findings
        )
        return f"<div class='quizkit-diagnosis'><ul>{items}</ul></div>"
