"""Data for the course: synthetic classification sets, leak detection, tokenising, Hub data.

>>> from quizkit.data import make_dataset, find_overlap
>>> dd = make_dataset("spam", n=300, leak_rate=0.2, seed=0)
>>> round(find_overlap(dd["train"]["text"], dd["test"]["text"]).rate, 2)
0.2
"""

from quizkit.data.overlap import Overlap, find_overlap
from quizkit.data.synthetic import SPLITS, TASKS, make_dataset

__all__ = ["SPLITS", "TASKS", "Overlap", "find_overlap", "make_dataset"]
