"""``quizkit release``: a student copy of a bank without the answer key in plain text.

The copy keeps prompts, options, per-option explanations and hints, and replaces each key
with salted SHA-256 hashes (a fresh random salt per release, stored in the copy):

- choice questions: the hash of the correct option id (or of the sorted set of ids);
- numeric: the hash of the answer's cell on a grid a quarter of the tolerance wide (the
  learner's value is checked against the neighbouring cells, so the accepted band is the
  tolerance give or take a quarter of it);
- text: one hash per normalised accepted answer (fuzzy matching is dropped: a hash only
  matches exactly);
- numeric and text explanations are sealed with the answer, so they open only for a correct
  answer; code questions lose their ``hidden: true`` checks and their explanation.

A bank with ``feedback: none`` (an exam) is released without any key or explanation: its
copy records answers but cannot score them.

Each question type writes its own part of a copy (``released_form`` and ``exam_form`` of
:class:`~quizkit.quiz.questions.base.Question`).

``Quiz`` loads a released copy like any bank and still gives instant feedback; its records
carry the source bank's hash, so ``quizkit grade`` matches them to the full bank.

>>> import tempfile
>>> path = release_bank("00-start-here", tempfile.mkdtemp())
>>> path.name
'00-start-here.yaml'
"""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path
import yaml

from quizkit import __version__
from quizkit.quiz.loading import load_bank
from quizkit.quiz.schema import Bank
from quizkit.quiz.validation import BankError


class _Dumper(yaml.SafeDumper):
    """Block style for multi-line strings, so prompts and code stay readable."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # PyYAML falls back to a quoted style by itself when block style cannot hold the value.
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str_representer)


def release_bank(bank: str | Path | Bank, out_dir: str | Path) -> Path:
    """Write the student copy of ``bank`` to ``out_dir/<id>.yaml`` and return its path."""
    source = bank if isinstance(bank, Bank) else load_bank(bank)
    if source.release is not None:
        raise ValueError("this is already a released copy; release the bank that holds the answer key")
    out = Path(out_dir) / f"{source.id}.yaml"
    if source.path is not None and out.resolve() == source.path.resolve():
        raise ValueError(f"--out {out_dir}: writing there would overwrite the answer key {source.path}; pick another folder")
    salt = secrets.token_hex(16)
    released = {
        "id": source.id,
        "title": source.title,
        "objectives": source.objectives,
        "feedback": source.feedback,
        "release": {"salt": salt, "source_hash": source.hash, "quizkit": __version__},
        "questions": [q.exam_form() if source.feedback == "none" else q.released_form(salt)
                      for q in source.questions.values()],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    header = f"# Student copy of {source.id}, written by `quizkit release`: answers are salted hashes.\n"
    out.write_text(header + yaml.dump(released, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    load_bank(out)  # the copy must load; BankError here is a bug in release, not in the bank
    return out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("banks", nargs="+", metavar="BANK", help="bank files or lesson ids")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the student copies")


def run_cli(args: argparse.Namespace) -> int:
    status = 0
    for bank in args.banks:
        try:
            print(f"wrote {release_bank(bank, args.out)}")
        except (BankError, FileNotFoundError, ValueError) as e:
            print(f"quizkit release: {bank}: {e}", file=sys.stderr)
            status = 1
    return status
