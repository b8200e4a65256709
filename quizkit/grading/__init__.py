"""Grading saved notebooks: reading, scoring, isolation, gradebook, report (``quizkit grade``).

Importing this package loads no ML library (torch, transformers, ipywidgets, matplotlib): an
instructor's grading machine needs only the core install.

- :mod:`~quizkit.grading.reading`: submissions in (regular files only, links not followed);
- :mod:`~quizkit.grading.scoring`: the batch, assignment scoping, per-answer scoring;
- :mod:`~quizkit.grading.isolation`: code answers computed in a separate process, and
  :mod:`~quizkit.grading.backends`: how the OS isolates it (bubblewrap, container) and its limits;
- :mod:`~quizkit.grading.judge`: every pass/fail decision, on plain data;
- :mod:`~quizkit.grading.gradebook`: the gradebook as plain data, and
  :mod:`~quizkit.grading.class_analysis`: its item analysis and concept mastery, computed once;
- :mod:`~quizkit.grading.exporters`: every file written from them (CSV, JSON, HTML report,
  Canvas, Moodle), each an exporter found by name in one registry;
- :mod:`~quizkit.grading.cli`: the ``quizkit grade`` command.

>>> from quizkit.grading import Limits
>>> Limits(wall_s=5).wall_s
5
"""

from quizkit.grading.backends import Isolation, Limits, choose
from quizkit.grading.gradebook import AnswerGrade, Column, Gradebook, StudentGrade
from quizkit.grading.judge import CheckOutcome
from quizkit.grading.scoring import grade_submissions

__all__ = ["AnswerGrade", "CheckOutcome", "Column", "Gradebook", "Isolation", "Limits", "StudentGrade", "choose",
           "grade_submissions"]
