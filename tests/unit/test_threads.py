"""torch's thread count follows the cores a process may use (affinity, cgroup quota), set once
when quizkit.train is imported, and a learner's own OMP_NUM_THREADS wins."""

import os
import subprocess
import sys

import pytest

from quizkit.train.threads import available_cores

pytestmark = pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                                reason="needs a machine with 2+ cores and CPU affinity (Linux)")


def _threads_in_a_child(code: str, **env: str) -> int:
    environment = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"} | env
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=300)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


def test_available_cores_follow_the_affinity_mask():
    code = "import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); from quizkit.train.threads import available_cores; print(available_cores())"
    assert _threads_in_a_child(code) == 1
    assert 1 <= available_cores() <= (os.cpu_count() or 1)


def test_torch_imported_first_is_capped_when_quizkit_train_is_imported():
    # torch starts with a thread per core; then the process is confined to one core.
    code = ("import os, torch; before = torch.get_num_threads(); os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
            "import quizkit.train; print(before, torch.get_num_threads())")
    assert _threads_in_a_child(code) == 1


def test_torch_imported_after_starts_with_the_cap_and_a_learners_setting_wins():
    code = ("import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); import quizkit.train, torch; "
            "print(torch.get_num_threads())")
    assert _threads_in_a_child(code) == 1
    assert _threads_in_a_child(code, OMP_NUM_THREADS="2") == 2
