"""Rewrite every lesson's Colab install cell and "Open in Colab" links to this release of quizkit.

The version and the repository URL are written once, in pyproject.toml (``version`` and
``[project.urls] Repository``); each notebook's install cell installs the tagged release
``v<version>`` from there, with the learner's extra, and its Colab badge (and the README's)
opens the notebook of that same tag, so the notebook and the package it installs agree.
Run it after bumping the version:

    python tools/sync_install_cells.py            # rewrite notebooks/*.ipynb in place
    python tools/sync_install_cells.py --check    # exit 1 and name the notebooks out of date

Only the install cell's source and the Colab links change: outputs, metadata and every other
cell stay as they are.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
# How the install cell is recognised: it only installs on Colab.
MARKER = '"google.colab" in sys.modules'
# An "Open in Colab" link to a notebook of this repository, at any branch or tag.
COLAB_LINK = re.compile(r"https://colab\.research\.google\.com/github/[^/\s)]+/[^/\s)]+/blob/[^/\s)]+/notebooks/")


def _project(pyproject: Path) -> dict:
    return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]


def colab_prefix(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """Where the Colab links point: the notebooks folder of the tagged release."""
    project = _project(pyproject)
    owner_repo = project["urls"]["Repository"].removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{owner_repo}/blob/v{project['version']}/notebooks/"


def install_source(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The install cell every notebook should have, from pyproject's version and repository."""
    project = _project(pyproject)
    spec = f"quizkit[learn] @ git+{project['urls']['Repository']}@v{project['version']}"
    return (
        "# On Colab, install quizkit first; anywhere else (JupyterLab, Binder) this cell does nothing.\n"
        "import sys\n"
        "\n"
        f"if {MARKER}:\n"
        f'    %pip install -q "{spec}"'
    )


def install_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code" and MARKER in "".join(c["source"])]


def sync(path: Path, source: str, write: bool, prefix: str | None = None) -> bool:
    """True when ``path``'s install cell already is ``source`` and its Colab links start with
    ``prefix`` (after rewriting them, if ``write``)."""
    prefix = prefix or colab_prefix()
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    cells = install_cells(nb)
    if len(cells) != 1:
        raise SystemExit(f"{path}: expected one Colab install cell (containing {MARKER}), found {len(cells)}")
    current = True
    if "".join(cells[0]["source"]) != source:
        current = False
        cells[0]["source"] = source.splitlines(keepends=True)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            old = "".join(cell["source"])
            new = COLAB_LINK.sub(prefix, old)
            if new != old:
                current = False
                cell["source"] = new.splitlines(keepends=True)
    if not current and write:
        # the layout nbformat writes (indent 1), so the diff is the changed lines alone
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return current


def sync_text(path: Path, write: bool, prefix: str | None = None) -> bool:
    """The same for the Colab links of a Markdown file (the README's course map)."""
    text = path.read_text(encoding="utf-8")
    new = COLAB_LINK.sub(prefix or colab_prefix(), text)
    if new != text and write:
        path.write_text(new, encoding="utf-8")
    return new == text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a cell is out of date")
    args = parser.parse_args(argv)
    source = install_source()
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    stale = [p for p in paths if not sync(p, source, write=not args.check)]
    if not args.notebooks and not sync_text(ROOT / "README.md", write=not args.check):
        stale.append(ROOT / "README.md")
    for p in stale:
        shown = p.resolve().relative_to(ROOT) if p.resolve().is_relative_to(ROOT) else p
        print(f"{shown}: install cell or Colab links {'out of date' if args.check else 'updated'}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
