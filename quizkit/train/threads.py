"""How many CPU threads torch may use: no more than the cores this process can really run on.

torch starts one thread per core the machine *has* (``os.cpu_count()``), but a container or a
batch job is often given fewer: an affinity mask or a cgroup CPU quota (Docker ``--cpus``,
Kubernetes limits, Binder). Sixteen threads on two cores spin and wait for each other, and a
lesson then runs slower than with two. :func:`cap_torch_threads` runs once, when
``quizkit.train`` is imported, and lowers the count to :func:`available_cores` unless the
learner set ``OMP_NUM_THREADS`` themselves.

>>> available_cores() >= 1
True
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

CGROUP_V2 = Path("/sys/fs/cgroup/cpu.max")
CGROUP_V1 = (Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us"))


def _cgroup_cores() -> float | None:
    """The CPU quota of this process's cgroup in cores, or None when there is none."""
    try:
        quota, period = CGROUP_V2.read_text().split()[:2]
        if quota != "max":
            return int(quota) / int(period)
        return None
    except (OSError, ValueError):
        pass
    try:
        quota, period = (int(p.read_text()) for p in CGROUP_V1)
        return quota / period if quota > 0 and period > 0 else None
    except (OSError, ValueError):
        return None


def available_cores() -> int:
    """Cores this process may run on: the affinity mask, lowered to the cgroup quota (at least 1)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    quota = _cgroup_cores()
    if quota is not None:
        cores = min(cores, max(1, math.ceil(quota)))
    return max(1, cores)


def cap_torch_threads() -> int | None:
    """Keep torch's threads to :func:`available_cores`; returns the cap set, or None when the
    learner's own ``OMP_NUM_THREADS`` (or a machine with no fewer cores than it reports) decides."""
    if os.environ.get("OMP_NUM_THREADS"):
        return None
    cores = available_cores()
    if cores >= (os.cpu_count() or cores):
        return None  # torch's own default (one thread per core) already fits
    if "torch" in sys.modules:
        import torch

        torch.set_num_threads(cores)
    else:
        # Read by torch (and the BLAS libraries) when they start; importing torch here would
        # make `import quizkit.train` slow for those who only load saved runs.
        os.environ["OMP_NUM_THREADS"] = str(cores)
    return cores
