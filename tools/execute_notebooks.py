"""Re-execute the course notebooks in place, offline, so the committed outputs are real.

Every notebook runs top to bottom in a fresh kernel started in ``notebooks/`` (so relative
paths resolve as they do for a learner). Cells tagged
``raises-exception`` may fail; any other error stops that notebook and exits non-zero.
Notebooks run one after another: the machine's cores are shared.

    python tools/execute_notebooks.py                      # all notebooks
    python tools/execute_notebooks.py 01-confusion-matrix  # one, by name or path
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

# No network at run time, no GPU assumptions, no thread oversubscription on small machines.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "PYTHONHASHSEED": "0",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
}


def notebook_paths(names: list[str]) -> list[Path]:
    """Resolve names (``01-confusion-matrix``), file names or paths to notebook files."""
    if not names:
        return sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    paths = []
    for name in names:
        candidates = [Path(name), NOTEBOOKS / name, NOTEBOOKS / f"{name}.ipynb"]
        found = next((p for p in candidates if p.is_file()), None)
        if found is None:
            raise SystemExit(f"execute_notebooks: no notebook named {name!r} in {NOTEBOOKS}")
        paths.append(found.resolve())
    return paths


def execute(path: Path, timeout: int) -> float:
    """Execute one notebook in place; return its wall time in seconds."""
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata.pop("widgets", None)  # an earlier run's widget state (see store_widget_state)
    client = NotebookClient(
        notebook, timeout=timeout, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,  # keeps the committed files free of per-run timestamps
        # Saved widget state would make JupyterLab draw dead widgets (no kernel behind them)
        # before a cell runs; without it a quiz cell shows its text: "Run this cell to answer".
        store_widget_state=False,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    nbformat.write(notebook, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="names or paths (default: all in notebooks/)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell (default 600)")
    args = parser.parse_args(argv)
    os.environ.update(OFFLINE_ENV)
    failed = 0
    for path in notebook_paths(args.notebooks):
        try:
            seconds = execute(path, args.timeout)
        except CellExecutionError as error:
            failed += 1
            print(f"FAILED  {path.name}\n{error}", file=sys.stderr)
            continue
        print(f"ok      {path.name}  {seconds:6.1f} s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
