"""The class roster: how the LMS knows each student whose submissions quizkit graded.

A roster is a CSV file with a header and the columns ``id`` (the student id quizkit gives a
submission: the file or folder name), ``name`` and ``lms_id`` (how the LMS knows the
student); ``alias``, ``section``, ``sis_user_id`` and ``sis_login_id`` may follow. ``alias``
lists further names the student's submissions may come under, separated by ``;`` (for
example the file names an LMS gives its downloads, ``lovelaceada_48213_1190_quiz``), so that
one roster serves whichever way the notebooks were collected. An id or alias names one
student only.

>>> import tempfile, os
>>> with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
...     _ = f.write('id,name,lms_id,alias\\nann,"Lovelace, Ada",101,lovelaceada_101; ada\\n')
>>> entry = read_roster(f.name)[0]
>>> entry.name, entry.aliases
('Lovelace, Ada', ('lovelaceada_101', 'ada'))
>>> os.unlink(f.name)
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

ROSTER_REQUIRED = ("id", "name", "lms_id")
ROSTER_OPTIONAL = ("section", "sis_user_id", "sis_login_id")
ALIAS_COLUMN, ALIAS_SEPARATOR = "alias", ";"


@dataclass(frozen=True)
class RosterEntry:
    """One student on the roster: quizkit's id, the name, the LMS's id, other names, Canvas extras."""

    id: str
    name: str
    lms_id: str
    section: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every student id that places a submission on this row: the id, then the aliases."""
        return (self.id, *self.aliases)


class RosterError(ValueError):
    """A roster that cannot be used: the message names the file and the line."""


def read_roster(path: str | Path) -> list[RosterEntry]:
    """Read a roster CSV (UTF-8, a byte-order mark is fine); RosterError naming the file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RosterError(f"--roster {path}: no such file") from None
    except UnicodeDecodeError:
        raise RosterError(f"--roster {path}: not UTF-8 text (save the roster as CSV UTF-8)") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in ROSTER_REQUIRED if c not in header]
    if missing:
        raise RosterError(f"--roster {path}: line 1 must name the columns {', '.join(ROSTER_REQUIRED)} "
                          f"(missing: {', '.join(missing)}; found: {', '.join(header) or 'nothing'})")
    entries: list[RosterEntry] = []
    seen: dict[str, int] = {}  # every id and alias -> the line that claimed it
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise RosterError(f"--roster {path}: line {line} has {len(row)} cells, the header {len(header)} "
                              "(quote a name that holds a comma)")
        cells = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}
        for column in ("id", "lms_id"):
            if not cells[column]:
                raise RosterError(f"--roster {path}: line {line}: empty {column}")
        aliases = tuple(dict.fromkeys(a.strip() for a in cells.get(ALIAS_COLUMN, "").split(ALIAS_SEPARATOR) if a.strip()))
        for name in dict.fromkeys((cells["id"], *aliases)):
            if name in seen:
                what = "student id" if name == cells["id"] else "alias"
                raise RosterError(f"--roster {path}: line {line}: {what} {name!r} is already on line {seen[name]}")
            seen[name] = line
        entries.append(RosterEntry(**{c: cells.get(c, "") for c in (*ROSTER_REQUIRED, *ROSTER_OPTIONAL)}, aliases=aliases))
    return entries
