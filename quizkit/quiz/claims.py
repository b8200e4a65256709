"""The course's claims (``lessons/claims.yaml``) and what a notebook's saved output shows of them.

A claim names the notebook cell that shows it (``lesson`` and ``cell``) and how to read its
number off that cell's saved output (``shown``: a regular expression with named groups and an
arithmetic ``measure`` over them). ``tests/course/test_claims.py`` checks the claim over seeds and on
that saved number; ``quizkit check-lessons`` refuses questions that cite a claim that is
unknown, pending, or no longer shown by its cell.

>>> evaluate("min(a - b, c)", {"a": 0.9, "b": 0.5, "c": 0.3})
0.3
>>> holds_once(0.25, "greater", 0.0), holds_once(0.25, "less", 0.0)
(True, False)
"""

from __future__ import annotations

import ast
import html
import operator
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CLAIMS_FILE = "claims.yaml"
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_FUNCTIONS = {"min": min, "max": max, "abs": abs}


def evaluate(expression: str, names: dict[str, float]) -> float:
    """The value of an arithmetic expression over ``names`` (+ - * /, min, max, abs, numbers).

    Walks the syntax tree itself: anything else (attributes, calls of other names) is a
    ValueError, so a claims file cannot run code.
    """

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return float(node.value)
        if isinstance(node, ast.Name) and node.id in names:
            return float(names[node.id])
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return _BINARY[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return _UNARY[type(node.op)](walk(node.operand))
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS
                and node.args and not node.keywords):
            return float(_FUNCTIONS[node.func.id](*(walk(a) for a in node.args)))
        raise ValueError(f"not allowed in a measure: {ast.unparse(node)!r} (numbers, group names, + - * /, min, max, abs)")

    return walk(ast.parse(expression, mode="eval"))


def holds_once(value: float, direction: str, than: float) -> bool:
    """Whether one measured value lies on the claim's side of ``than``."""
    return value > than if direction == "greater" else value < than


def saved_text(cell: Any) -> str:
    """What a learner reads in a code cell's saved output: streams, Markdown, plain text, HTML without tags."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        data = output.get("data", {})
        for kind in ("text/markdown", "text/plain"):
            parts.append(data.get(kind, ""))
        if "text/html" in data:
            parts.append(html.unescape(re.sub(r"<[^>]+>", " ", data["text/html"])))
    return "\n".join(p if isinstance(p, str) else "".join(p) for p in parts)


@dataclass(frozen=True)
class Shown:
    """A claim's measure as one notebook cell's saved output shows it."""

    claim: str
    cell: str
    value: float | None
    holds: bool
    problem: str | None = None


def shown(claim: dict[str, Any], notebooks: Path) -> Shown:
    """Read ``claim``'s measure off its cell's saved output in ``notebooks/<lesson>.ipynb``."""
    import nbformat

    cell_id, spec = claim.get("cell"), claim.get("shown")
    if not cell_id or not isinstance(spec, dict):
        return Shown(claim["id"], str(cell_id), None, False, "names no cell and shown: pattern/measure")
    path = notebooks / f"{claim['lesson']}.ipynb"
    if not path.is_file():
        return Shown(claim["id"], cell_id, None, False, f"no notebook {path}")
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.get("id") == cell_id]
    if not cells:
        return Shown(claim["id"], cell_id, None, False, f"{path.name} has no cell {cell_id!r}")
    match = re.search(spec["pattern"], saved_text(cells[0]), re.S)
    if match is None:
        return Shown(claim["id"], cell_id, None, False, f"the saved output of cell {cell_id} does not match the claim's pattern")
    value = evaluate(spec["measure"], {k: float(v) for k, v in match.groupdict().items()})
    return Shown(claim["id"], cell_id, value, holds_once(value, claim["direction"], float(claim["than"])))


@dataclass(frozen=True)
class Claims:
    """The claims file: active claims and pending ones, by id."""

    active: dict[str, dict[str, Any]]
    pending: dict[str, dict[str, Any]]

    @classmethod
    def read(cls, path: str | Path) -> Claims:
        data = yaml.safe_load(Path(path).read_text()) or {}
        return cls({c["id"]: c for c in data.get("claims", [])}, {c["id"]: c for c in data.get("pending", [])})

    def contradictions(self, claim_id: str, text: str) -> list[str]:
        """The claim's ``contradicts`` phrases that ``text`` contains (case and spacing ignored)."""
        flat = " ".join(text.casefold().split())
        return [p for p in self.active.get(claim_id, {}).get("contradicts", []) if " ".join(p.casefold().split()) in flat]
