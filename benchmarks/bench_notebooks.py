"""Wall time and peak memory of a full offline execution of every course notebook.

Each notebook runs top to bottom in a fresh kernel (as ``tools/execute_notebooks.py`` does)
without being written back. Peak memory is the largest resident set size of the kernel's
process tree (the kernel plus any workers it starts), sampled with psutil every 0.1 s.
Targets: the whole course under 10 minutes, each notebook under 2 minutes, each kernel
under 1.5 GB (Binder gives about 2 GB). It exits 3 when every notebook ran but a figure is over
its target, 1 when a notebook failed.

    python benchmarks/bench_notebooks.py                    # all notebooks
    python benchmarks/bench_notebooks.py 02-first-fine-tune # some of them
    python benchmarks/bench_notebooks.py 04-accuracy-paradox --per-cell --threads 16 2

``--per-cell`` lists each code cell's wall time and the CPU time of the kernel's process tree
during it (on a shared machine wall time grows with other people's load; CPU time shows the
work itself, and CPU time well above wall time x cores in use shows threads spinning).
``--threads`` runs each notebook once per value with ``OMP_NUM_THREADS`` set for its kernel
(torch's thread count); ``auto`` leaves it unset, so quizkit picks (see
:mod:`quizkit.train.threads`).
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
# Every notebook ran, but some figure is over its target (a notebook that fails exits 1).
OVER_TARGET_EXIT = 3


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


def _cpu_seconds(root: psutil.Process) -> float:
    """User + system CPU time of a process and its live descendants."""
    total = 0.0
    for proc in [root, *root.children(recursive=True)]:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def measure(path: Path, timeout: int, threads: str = "auto") -> tuple[float, float, list[tuple[int, str, float, float]]]:
    """(wall seconds including kernel start, peak kernel-tree RSS in MB, per-cell rows) of one
    execution; a per-cell row is (index, first line, wall s, kernel CPU s)."""
    notebook = nbformat.read(path, as_version=4)
    env = {key: value for key, value in os.environ.items() if key != "OMP_NUM_THREADS"}
    if threads != "auto":
        env["OMP_NUM_THREADS"] = threads
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    cells = []
    start = time.perf_counter()
    with client.setup_kernel(env=env):
        kernel = psutil.Process(client.km.provisioner.process.pid)
        with TreeMemory(kernel.pid) as memory:
            for index, cell in enumerate(notebook.cells):
                cpu, wall = _cpu_seconds(kernel), time.perf_counter()
                client.execute_cell(cell, index)
                if cell.cell_type == "code":
                    first = next((line for line in cell.source.splitlines() if line.strip()), "")
                    cells.append((index, first, time.perf_counter() - wall, _cpu_seconds(kernel) - cpu))
    return time.perf_counter() - start, memory.peak_bytes / 2**20, cells


def print_cells(cells: list[tuple[int, str, float, float]], shown: int) -> None:
    """The slowest ``shown`` cells, slowest first, with their share of the notebook's cell time."""
    total = sum(c[2] for c in cells) or 1.0
    print(f"    {'cell':>4} {'wall s':>7} {'CPU s':>7} {'share':>6}  first line")
    for index, first, wall, cpu in sorted(cells, key=lambda c: -c[2])[:shown]:
        print(f"    {index:>4} {wall:7.1f} {cpu:7.1f} {wall / total:6.0%}  {first[:60]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="names or paths (default: all in notebooks/)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    parser.add_argument("--per-cell", action="store_true", help="list the slowest cells (wall and CPU time)")
    parser.add_argument("--cells", type=int, default=8, help="how many cells --per-cell lists (default 8)")
    parser.add_argument("--threads", nargs="+", default=["auto"], metavar="N",
                        help="OMP_NUM_THREADS values for the kernel, side by side (auto: leave it to quizkit)")
    args = parser.parse_args(argv)
    os.environ.update(OFFLINE_ENV)
    rows = []
    print(f"{'notebook':34} {'threads':>7} {'wall s':>8} {'CPU s':>7} {'/ 120 s':>8} {'peak MB':>8} {'/ 1536':>7}", flush=True)
    for path in notebook_paths(args.notebooks):
        for threads in args.threads:
            seconds, peak_mb, cells = measure(path, args.timeout, threads)
            rows.append((path.stem, seconds, peak_mb))
            cpu = sum(c[3] for c in cells)
            flag = "" if seconds < NOTEBOOK_TARGET_S and peak_mb < KERNEL_TARGET_MB else "  OVER TARGET"
            print(f"{path.stem:34} {threads:>7} {seconds:8.1f} {cpu:7.1f} {seconds / NOTEBOOK_TARGET_S:8.2f} {peak_mb:8.0f} "
                  f"{peak_mb / KERNEL_TARGET_MB:7.2f}{flag}", flush=True)
            if args.per_cell:
                print_cells(cells, args.cells)
    total = sum(r[1] for r in rows)
    worst_mb = max((r[2] for r in rows), default=0.0)
    print(f"{'total':34} {total:8.1f} s  vs course target {COURSE_TARGET_S} s: {total / COURSE_TARGET_S:.2f}")
    print(f"{'largest kernel':34} {worst_mb:8.0f} MB vs target {KERNEL_TARGET_MB:.0f} MB: {worst_mb / KERNEL_TARGET_MB:.2f}")
    over = total >= COURSE_TARGET_S or any(r[1] >= NOTEBOOK_TARGET_S or r[2] >= KERNEL_TARGET_MB for r in rows)
    return OVER_TARGET_EXIT if over else 0


if __name__ == "__main__":
    sys.exit(main())
