"""Build hook: the wheel ships student copies of the banks, never the instructor's keys.

Learners install the wheel (Colab, Binder); whatever it carries, a learner can read. So the
banks go in as ``quizkit release`` writes them: salted hashes instead of keys, no hidden
checks, no reference solutions. ``course.yaml`` goes in as it is (titles and concepts, no
answers); ``claims.yaml`` stays in the repository (it serves the tests). Instructors grade
with the banks of the repository (``--key lessons/``), which never ship.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class ReleasedBanks(BuildHookInterface):
    PLUGIN_NAME = "released-banks"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        sys.path.insert(0, str(root))  # release with this checkout's quizkit
        try:
            from quizkit.quiz.loading import bank_files
            from quizkit.quiz.release import release_bank
        finally:
            sys.path.remove(str(root))
        self._out = Path(tempfile.mkdtemp(prefix="quizkit-released-"))
        lessons = root / "lessons"
        for bank in bank_files(lessons):
            release_bank(bank, self._out)
        shutil.copy(lessons / "course.yaml", self._out / "course.yaml")
        build_data["force_include"][str(self._out)] = "quizkit/_lessons"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if getattr(self, "_out", None) is not None:
            shutil.rmtree(self._out, ignore_errors=True)
