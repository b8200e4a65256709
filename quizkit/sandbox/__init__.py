"""The sandbox: run untrusted code answers in a separate process, isolated by the OS, and report plain data.

On the ground floor: imports nothing of quizkit's quiz, grading, train or ML modules. Used by the
quiz side (a learner's instant feedback, :meth:`quizkit.quiz.schema.Code.run`) and by
``quizkit grade``.

- :mod:`~quizkit.sandbox.limits`: :class:`Limits` (CPU, wall, memory, processes, tmpfs);
- :mod:`~quizkit.sandbox.backends`: the registry of backends (bwrap, container, none) and
  their command lines; :mod:`~quizkit.sandbox.choosing`: ``auto`` and the no-op probe;
- :mod:`~quizkit.sandbox.cgroups`: one cgroup per computation where the machine allows;
- :mod:`~quizkit.sandbox.run`: :func:`compute`; :mod:`~quizkit.sandbox.runner`: the child side;
- :mod:`~quizkit.sandbox.report`: :class:`Computed`, what a computation returns.

>>> from quizkit.sandbox import NONE, compute
>>> compute({"source": "def f():\\n    return [1, 2]\\n", "entry": "f", "calls": [{"args": []}]}, NONE).values
[{'value': [1, 2]}]
"""

from quizkit.sandbox.backends import BACKENDS, NONE, Backend
from quizkit.sandbox.choosing import choose, limits_in_force
from quizkit.sandbox.limits import Limits
from quizkit.sandbox.report import Computed
from quizkit.sandbox.run import compute
from quizkit.sandbox.runner import plain

__all__ = ["BACKENDS", "NONE", "Backend", "Computed", "Limits", "choose", "compute", "limits_in_force", "plain"]
