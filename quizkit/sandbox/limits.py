"""What one computation may use, counted over every process it starts where the machine allows.

``cpu_s`` is CPU time: with a cgroup it is summed over all the computation's processes and
checked while it runs; without one each process gets it as ``RLIMIT_CPU``. ``wall_s`` is a
backstop for code that sleeps or waits: a check starved of CPU by another submission's
processes is not blamed for it while its own CPU time is under ``cpu_s``. ``memory_mb``: with a
cgroup, all processes and their tmpfs files together; without, address space per process.
``processes``: a cgroup's pid limit, else ``RLIMIT_NPROC`` for the sandbox's own uid.
``tmpfs_mb`` caps each writable mount (``/tmp``, ``/dev/shm``), ``file_mb`` each file.

>>> Limits(wall_s=5).rlimits()["RLIMIT_CPU"]
(30, 31)
>>> Limits(cpu_s=2).wall_s
60.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Limits:
    """What one computation may use (see the module docs for how each is enforced).

    ``quizkit grade`` makes ``cpu_s`` and ``wall_s`` a budget per submission
    (:mod:`quizkit.grading.budget`): each code answer gets what the earlier ones left.
    """

    wall_s: float = 60.0
    cpu_s: int = 30
    memory_mb: int = 4096
    output_bytes: int = 20_000
    file_mb: int = 10
    open_files: int = 256
    processes: int = 64
    tmpfs_mb: int = 64

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"Limits.{f.name} must be a positive number, not {value!r}")

    def rlimits(self) -> dict[str, tuple[int, int]]:
        """(soft, hard) per resource; CPU: SIGXCPU at the soft limit, SIGKILL a second later."""
        # Rounded up: what is left of a submission's budget may be a fraction of a second.
        cpu = math.ceil(self.cpu_s)
        same = {"RLIMIT_AS": int(self.memory_mb) << 20, "RLIMIT_FSIZE": int(self.file_mb) << 20,
                "RLIMIT_NOFILE": int(self.open_files), "RLIMIT_NPROC": int(self.processes), "RLIMIT_CORE": 0}
        return {"RLIMIT_CPU": (cpu, cpu + 1), **{k: (v, v) for k, v in same.items()}}
