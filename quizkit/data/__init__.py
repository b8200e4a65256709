"""Data for the course: synthetic classification sets, your own CSV/DataFrame, leak detection, tokenising, Hub data.

>>> from quizkit.data import make_dataset, find_overlap
>>> dd = make_dataset("spam", n=300, leak_rate=0.2, seed=0)
>>> round(find_overlap(dd["train"]["text"], dd["test"]["text"]).rate, 2)
0.2

Heavy libraries (datasets, scikit-learn, transformers) load inside the functions.
"""

from quizkit.data.hub_datasets import load_hub_dataset
from quizkit.data.overlap import Overlap, find_overlap
from quizkit.data.prepare import tokenize
from quizkit.data.tables import from_csv, from_pandas
from quizkit.data.synthetic import SPLITS, TASKS, make_dataset
from quizkit.data.evalsets import qa_eval_set, summarization_eval_set, translation_eval_set

__all__ = [
    "SPLITS",
    "TASKS",
    "Overlap",
    "find_overlap",
    "from_csv",
    "from_pandas",
    "load_hub_dataset",
    "make_dataset",
    "qa_eval_set",
    "summarization_eval_set",
    "tokenize",
    "translation_eval_set",
]
