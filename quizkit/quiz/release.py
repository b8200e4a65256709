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
from typing import Any

import yaml

from quizkit import __version__
from quizkit.quiz.loading import load_bank
from quizkit.quiz.schema import Bank
from quizkit.quiz.scoring import make_lock, normalize_text
from quizkit.quiz.validation import BankError


def _visible_checks(q: Any) -> list[dict[str, Any]]:
    """Visible checks only, each with its expected value written out (the reference is not shipped)."""
    checks = []
    for check in q.checks:
        if not check.hidden:
            data = check.model_dump(mode="json", exclude_none=True)
            if not check.has_expect and check.raises is None:
                data["expect"] = q.expected(check)
            checks.append(data)
    return checks


def _exam_question(q: Any) -> dict[str, Any]:
    """Exam copy: no key and no explanations at all; the grader scores with the full bank."""
    data = q.model_dump(mode="json", exclude_none=True, exclude={"correct", "answer", "accepted", "fuzzy", "explanation"})
    for option in data.get("options", []):
        option.pop("explanation", None)
    if q.type == "code":
        data["checks"] = _visible_checks(q)
        data.pop("reference", None)  # the model solution stays in the instructor's bank
    return {"id": data.pop("id"), "type": data.pop("type"), **data}


def _released_question(q: Any, salt: str) -> dict[str, Any]:
    dumped = q.model_dump(mode="json", exclude_none=True)
    data = {"id": dumped.pop("id"), "type": dumped.pop("type"), **dumped}
    if q.type == "single_choice":
        data["key"] = [make_lock(salt, q.id, data.pop("correct"))]
    elif q.type == "multiple_choice":
        data["key"] = [make_lock(salt, q.id, ",".join(q.parse(data.pop("correct"))))]
    elif q.type == "numeric":
        data["key"] = [make_lock(salt, q.id, str(q.grid_index(data.pop("answer"))), data.pop("explanation"))]
    elif q.type == "text":
        explanation = data.pop("explanation")
        data.pop("fuzzy", None)
        accepted = dict.fromkeys(normalize_text(a) for a in data.pop("accepted"))
        data["key"] = [make_lock(salt, q.id, a, explanation) for a in accepted]
    elif q.type == "code":
        data["checks"] = _visible_checks(q)
        data.pop("reference", None)
        data.pop("explanation", None)  # it is usually the model solution
    if "key" in data:
        data["key"] = [lock.model_dump(exclude_none=True) for lock in data["key"]]
    return data


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
        "questions": [_exam_question(q) if source.feedback == "none" else _released_question(q, salt)
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
