"""Exporters: every file ``quizkit grade`` writes, each a class that reads the gradebook and its analysis.

- :mod:`~quizkit.grading.exporters.base`: the :class:`Exporter` interface, its options and result,
  atomic writing; :mod:`~quizkit.grading.exporters.cells`: numbers and safe CSV cells;
- :mod:`~quizkit.grading.exporters.tables`: ``gradebook.csv`` and ``gradebook.json``;
- :mod:`~quizkit.grading.exporters.report` (with :mod:`~quizkit.grading.exporters.report_items`):
  the HTML class report;
- :mod:`~quizkit.grading.exporters.lms`: Canvas's and Moodle's grade-import CSV files;
- :mod:`~quizkit.grading.exporters.registry`: the one registry the command line reads.

This package module imports nothing, so that importing one exporter loads no other.
"""
