"""Student ids: the LMS's path decides, text is made safe to show.

The id of a submission is its path as the LMS or the instructor named it (the file's stem, or
the folder's name); names inside a notebook are only shown and flagged when they differ.
:func:`safe_display` makes any id or message safe for a terminal or a CSV: NFKC, no control,
bidi or zero-width characters (an escape sequence or a right-to-left override cannot change
what the instructor sees), cut to a length.

>>> safe_display("al\\u202eice\\x1b[31m")
'al?ice?[31m'
>>> submission_id("submissions/bob.ipynb"), submission_id("submissions/carol/")
('bob', 'carol')
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

SHOWN_CHARS = 200


def safe_display(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` normalised (NFKC), control and format characters replaced by ``?``, cut to ``limit``."""
    text = unicodedata.normalize("NFKC", str(text).encode("utf-8", "backslashreplace").decode("utf-8"))
    text = "".join("?" if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") else c for c in text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def submission_id(path: str | Path) -> str:
    """The student id a submission's path gives: a notebook's stem, or a folder's name."""
    path = Path(path)
    return path.stem if path.suffix == ".ipynb" else path.name
