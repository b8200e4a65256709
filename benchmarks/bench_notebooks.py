"""Wall time and peak memory of a full offline execution of every course notebook.

Each notebook runs top to bottom in a fresh kernel (as ``tools/execute_notebooks.py`` does)
without being written back. Peak memory is the largest resident set size of the kernel's
process tree (the kernel plus any workers it starts), sampled with psutil every 0.1 s.
Targets: the whole course under 10 minutes, each notebook under 2 minutes, each kernel
under 1.5 GB (Binder gives about 2 GB).

    python benchmarks/bench_notebooks.py                    # all notebooks
    python benchmarks/bench_notebooks.py 02-first-fine-tune # some of them
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from execute_notebooks import OFFLINE_ENV, notebook_paths  # noqa: E402

COURSE_TARGET_S = 10 * 60
NOTEBOOK_TARGET_S = 2 * 60
KERNEL_TARGET_MB = 1.5 * 1024
SAMPLE_EVERY_S = 0.1


class TreeMemory:
    """Background sampler of the summed RSS of a process and all its descendants."""

    def __init__(self, pid: int):
        self.root = psutil.Process(pid)
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _rss(self) -> int:
        total = 0
        for proc in [self.root, *self.root.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except psutil.Error:  # a worker that just exited
                pass
        return total

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak_bytes = max(self.peak_bytes, self._rss())
            except psutil.Error:
                return
            self._stop.wait(SAMPLE_EVERY_S)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.peak_bytes = max(self.peak_bytes, self._rss())
        self._stop.set()
        self._thread.join()


def measure(path: Path, timeout: int) -> tuple[float, float]:
    """(wall seconds including kernel start, peak kernel-tree RSS in MB) of one execution."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    with client.setup_kernel():
        with TreeMemory(client.km.provisioner.process.pid) as memory:
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)
    return time.perf_counter() - start, memory.peak_bytes / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="names or paths (default: all in notebooks/)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    os.environ.update(OFFLINE_ENV)
    rows = []
    print(f"{'notebook':34} {'wall s':>8} {'/ 120 s':>8} {'peak MB':>8} {'/ 1536':>7}", flush=True)
    for path in notebook_paths(args.notebooks):
        seconds, peak_mb = measure(path, args.timeout)
        rows.append((path.stem, seconds, peak_mb))
        flag = "" if seconds < NOTEBOOK_TARGET_S and peak_mb < KERNEL_TARGET_MB else "  OVER TARGET"
        print(f"{path.stem:34} {seconds:8.1f} {seconds / NOTEBOOK_TARGET_S:8.2f} {peak_mb:8.0f} {peak_mb / KERNEL_TARGET_MB:7.2f}{flag}", flush=True)
    total = sum(r[1] for r in rows)
    worst_mb = max((r[2] for r in rows), default=0.0)
    print(f"{'total':34} {total:8.1f} s  vs course target {COURSE_TARGET_S} s: {total / COURSE_TARGET_S:.2f}")
    print(f"{'largest kernel':34} {worst_mb:8.0f} MB vs target {KERNEL_TARGET_MB:.0f} MB: {worst_mb / KERNEL_TARGET_MB:.2f}")
    over = total >= COURSE_TARGET_S or any(r[1] >= NOTEBOOK_TARGET_S or r[2] >= KERNEL_TARGET_MB for r in rows)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
