"""Rewrite every lesson's Colab install cell to install this release of quizkit.

The version and the repository URL are written once, in pyproject.toml (``version`` and
``[project.urls] Repository``); each notebook's install cell installs the tagged release
``v<version>`` from there, with the learner's extra. Run it after bumping the version:

    python tools/sync_install_cells.py            # rewrite notebooks/*.ipynb in place
    python tools/sync_install_cells.py --check    # exit 1 and name the notebooks out of date

Only the install cell's source changes: outputs, metadata and every other cell stay as they are.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
# How the install cell is recognised: it only installs on Colab.
MARKER = '"google.colab" in sys.modules'


def install_source(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The install cell every notebook should have, from pyproject's version and repository."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
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


def sync(path: Path, source: str, write: bool) -> bool:
    """True when ``path``'s install cell already is ``source`` (after rewriting it, if ``write``)."""
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    cells = install_cells(nb)
    if len(cells) != 1:
        raise SystemExit(f"{path}: expected one Colab install cell (containing {MARKER}), found {len(cells)}")
    if "".join(cells[0]["source"]) == source:
        return True
    if write:
        cells[0]["source"] = source.splitlines(keepends=True)
        # the layout nbformat writes (indent 1), so the diff is the install line alone
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a cell is out of date")
    args = parser.parse_args(argv)
    source = install_source()
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    stale = [p for p in paths if not sync(p, source, write=not args.check)]
    for p in stale:
        shown = p.resolve().relative_to(ROOT) if p.resolve().is_relative_to(ROOT) else p
        print(f"{shown}: install cell {'out of date' if args.check else 'updated'}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
