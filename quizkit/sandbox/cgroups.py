"""A control group per computation: CPU time, memory and processes counted over all its processes.

Used where the grader may create cgroups (root, or a delegated cgroup v2 subtree): cgroup v2
with the ``cpu``, ``memory`` and ``pids`` controllers enabled below the grader's own group, or
the cgroup v1 hierarchies ``cpu``, ``cpuacct``, ``memory`` and ``pids``. Each computation's
group gets the same CPU weight and at most one CPU, so a submission that forks busy children
competes as one group with another submission's checks. :func:`create` returns None where
neither works (the caller falls back to per-process limits).

>>> group = create(Limits(processes=8))
>>> group is None or group.kind in ("cgroup v1", "cgroup v2")
True
>>> group is not None and group.remove()
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from quizkit.sandbox.limits import Limits

ROOT = Path("/sys/fs/cgroup")
V1_CONTROLLERS = ("pids", "memory", "cpu", "cpuacct")
V2_CONTROLLERS = ("cpu", "memory", "pids")


def _own_v1(controller: str) -> Path | None:
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, names, path = line.split(":", 2)
        if controller in names.split(","):
            return ROOT / controller / path.lstrip("/")
    return None


def _v2_base() -> Path | None:
    """The grader's own cgroup v2 folder when it delegates the three controllers to children."""
    for mount in (ROOT, ROOT / "unified"):
        if (mount / "cgroup.controllers").is_file():
            own = next((line[3:] for line in Path("/proc/self/cgroup").read_text().splitlines() if line.startswith("0::")), None)
            base = mount / own.lstrip("/") if own else mount
            try:
                enabled = set((base / "cgroup.subtree_control").read_text().split())
            except OSError:
                return None
            return base if set(V2_CONTROLLERS) <= enabled else None
    return None


class Group:
    """One computation's cgroup (one folder per hierarchy)."""

    def __init__(self, kind: str, folders: dict[str, Path]):
        self.kind, self.folders = kind, folders

    def join(self) -> None:
        """Move the calling process in (call it in the child before exec)."""
        pid = str(os.getpid())
        for folder in dict.fromkeys(self.folders.values()):
            (folder / "cgroup.procs").write_text(pid)

    def cpu_seconds(self) -> float:
        """CPU time used so far by every process of the group."""
        try:
            if self.kind == "cgroup v2":
                stat = dict(line.split() for line in (self.folders["cpu"] / "cpu.stat").read_text().splitlines())
                return int(stat["usage_usec"]) / 1e6
            return int((self.folders["cpuacct"] / "cpuacct.usage").read_text()) / 1e9
        except (OSError, KeyError, ValueError):
            return 0.0

    def out_of_memory(self) -> bool:
        try:
            if self.kind == "cgroup v2":
                events = dict(line.split() for line in (self.folders["memory"] / "memory.events").read_text().splitlines())
                return int(events.get("oom_kill", 0)) > 0
            return int((self.folders["memory"] / "memory.failcnt").read_text()) > 0
        except (OSError, ValueError):
            return False

    def pids(self) -> list[int]:
        found: set[int] = set()
        for folder in self.folders.values():
            try:
                found.update(int(p) for p in (folder / "cgroup.procs").read_text().split())
            except (OSError, ValueError):
                pass
        return sorted(found)

    def kill(self) -> None:
        """SIGKILL every process in the group, until none is left (forks racing the kill included)."""
        for _ in range(100):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            time.sleep(0.01)

    def remove(self) -> None:
        self.kill()
        for folder in dict.fromkeys(self.folders.values()):
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


def _write(folder: Path, name: str, value: str) -> None:
    (folder / name).write_text(value)


def create(limits: Limits) -> Group | None:
    """A new group with ``limits`` applied, or None where cgroups cannot be created here."""
    name = f"quizkit-{os.getpid()}-{time.monotonic_ns()}"
    made: list[Path] = []
    try:
        base = _v2_base()
        if base is not None:
            folder = base / name
            folder.mkdir()
            made.append(folder)
            _write(folder, "pids.max", str(int(limits.processes)))
            _write(folder, "memory.max", str(int(limits.memory_mb) << 20))
            try:
                _write(folder, "memory.swap.max", "0")
            except OSError:
                pass
            _write(folder, "cpu.max", "100000 100000")
            return Group("cgroup v2", dict.fromkeys(V2_CONTROLLERS, folder))
        folders = {}
        for controller in V1_CONTROLLERS:
            own = _own_v1(controller)
            if own is None or not own.is_dir():
                raise OSError(f"no cgroup v1 {controller} hierarchy")
            folder = (own / name).resolve()
            if folder not in made:  # cpu and cpuacct are often one hierarchy
                folder.mkdir()
                made.append(folder)
            folders[controller] = folder
        _write(folders["pids"], "pids.max", str(int(limits.processes)))
        _write(folders["memory"], "memory.limit_in_bytes", str(int(limits.memory_mb) << 20))
        try:
            _write(folders["memory"], "memory.memsw.limit_in_bytes", str(int(limits.memory_mb) << 20))
        except OSError:
            pass
        _write(folders["cpu"], "cpu.cfs_period_us", "100000")
        _write(folders["cpu"], "cpu.cfs_quota_us", "100000")
        return Group("cgroup v1", folders)
    except (OSError, ValueError):
        for folder in reversed(made):
            try:
                folder.rmdir()
            except OSError:
                pass
        return None
