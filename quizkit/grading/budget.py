"""What one submission may spend on its code answers together: CPU time and wall time.

:class:`~quizkit.sandbox.Limits` caps one computation; ``quizkit grade`` runs a submission's
code answers one after another and gives each only what the earlier ones left of the
submission's ``cpu_s`` and ``wall_s``. What a computation spent is measured by the grader
(:class:`~quizkit.sandbox.Computed`: the cgroup's CPU time where one counted it, else the wall
time, which is never less), never reported from inside the sandbox. Memory and processes stay
per computation: only one computation of a submission runs at a time, so they bound the
submission as well.

>>> from quizkit.sandbox import Limits
>>> budget = SubmissionBudget(Limits(cpu_s=3, wall_s=10))
>>> budget.charge(cpu_s=2.0, wall_s=2.5)
>>> budget.remaining().cpu_s, budget.remaining().wall_s, budget.spent()
(1.0, 7.5, None)
>>> budget.charge(cpu_s=None, wall_s=1.5)  # no cgroup counted the CPU time: the wall time counts
>>> budget.spent()
"this submission's CPU budget (3 s over all its code answers) is spent"
>>> budget = SubmissionBudget(Limits(cpu_s=3, wall_s=10))
>>> budget.charge(cpu_s=0.5, wall_s=0.7, timed_out=True)  # out of CPU time: all of it is spent
>>> budget.spent()
"this submission's CPU budget (3 s over all its code answers) is spent"
"""

from __future__ import annotations

import dataclasses

from quizkit.sandbox import Limits

# Less than this left is too little to run a check in: the answer is not run.
MIN_LEFT_S = 0.1


class SubmissionBudget:
    """The CPU and wall seconds left to one submission's code answers."""

    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits()
        self.cpu_used = 0.0
        self.wall_used = 0.0

    def charge(self, cpu_s: float | None, wall_s: float, timed_out: bool = False) -> None:
        """Count one computation: its CPU seconds, or its wall seconds where no cgroup counted CPU.

        A computation that timed out before its wall clock ran out used all the CPU time it was
        given, whatever was counted (CPU spent before the cgroup took the process is not).
        """
        cpu = wall_s if cpu_s is None else cpu_s
        left = self.remaining()
        if timed_out and wall_s < left.wall_s:
            cpu = max(cpu, left.cpu_s)
        self.wall_used += wall_s
        self.cpu_used += cpu

    def spent(self) -> str | None:
        """Why no further code answer of this submission may run (None: some budget is left)."""
        if self.limits.cpu_s - self.cpu_used < MIN_LEFT_S:
            return f"this submission's CPU budget ({self.limits.cpu_s:g} s over all its code answers) is spent"
        if self.limits.wall_s - self.wall_used < MIN_LEFT_S:
            return f"this submission's wall-clock budget ({self.limits.wall_s:g} s over all its code answers) is spent"
        return None

    def remaining(self) -> Limits:
        """The limits for the next code answer: what is left of the CPU and wall seconds."""
        return dataclasses.replace(self.limits, cpu_s=round(self.limits.cpu_s - self.cpu_used, 2),
                                   wall_s=round(self.limits.wall_s - self.wall_used, 2))
