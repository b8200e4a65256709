"""Grading saved notebooks: reading, scoring, gradebook, report (``quizkit grade``).

Importing this package loads no ML library (torch, transformers, ipywidgets, matplotlib): an
instructor's grading machine needs only the core install. Code answers are computed by
:mod:`quizkit.sandbox` and judged by :mod:`quizkit.quiz.judge`.

- :mod:`~quizkit.grading.reading`: submissions in (regular files only, links not followed;
  the student id is the submission's path);
- :mod:`~quizkit.grading.scoring`: the batch, assignment scoping, per-answer scoring;
- :mod:`~quizkit.grading.gradebook`: the gradebook as plain data, and
  :mod:`~quizkit.grading.class_analysis`: its item analysis and concept mastery, computed once;
- :mod:`~quizkit.grading.exporters`: every file written from them (CSV, JSON, HTML report,
  Canvas, Moodle), each an exporter found by name in one registry;
- :mod:`~quizkit.grading.cli`: the ``quizkit grade`` command.

>>> from quizkit.grading import Limits
>>> Limits(wall_s=5).wall_s
5
"""

from quizkit.grading.gradebook import AnswerGrade, Column, Gradebook, StudentGrade
from quizkit.grading.scoring import grade_submissions
from quizkit.quiz.judge import CheckOutcome
from quizkit.sandbox import Backend, Limits, choose

__all__ = ["AnswerGrade", "Backend", "CheckOutcome", "Column", "Gradebook", "Limits", "StudentGrade", "choose",
           "grade_submissions"]
