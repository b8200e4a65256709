"""The ``quizkit`` command.

Each subcommand lives in the module that owns its concept; that module provides
``add_arguments(parser)`` and ``run_cli(args) -> int``. Modules are imported only for the
subcommand being run, so ``quizkit --help`` answers instantly.

>>> sorted(COMMANDS)
['check-lessons', 'grade', 'release']
>>> main(["check-lessons", "lessons/00-start-here.yaml"])
OK: 1 bank(s), 6 question(s) in lessons/00-start-here.yaml.
0
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from quizkit import __version__

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "check-lessons": ("quizkit.quiz.check", "validate question banks (lessons/*.yaml); exit 1 on any problem"),
    "release": ("quizkit.quiz.release", "write a student copy of a question bank without the answer key in plain text"),
    "grade": ("quizkit.grading.cli", "grade saved notebooks (one file or folder per student) into a gradebook"),
}


def _top_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quizkit",
        description="quizkit: fine-tune Hugging Face models, judge them with the right metrics, "
        "and quiz and grade the learners.",
        epilog="Run 'quizkit COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"quizkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS:
        parser = _top_parser()
        if not argv:
            parser.print_help()
            return 2
        parser.parse_args(argv)  # prints --help / --version / "invalid choice" and exits
        return 2
    name, rest = argv[0], argv[1:]
    module_name, help_text = COMMANDS[name]
    module = importlib.import_module(module_name)
    parser = argparse.ArgumentParser(prog=f"quizkit {name}", description=help_text)
    module.add_arguments(parser)
    refused = getattr(module, "refuse_argv", None)
    if refused is not None and (why := refused(rest)):
        print(f"quizkit {name}: {why}", file=sys.stderr)
        return 2
    return int(module.run_cli(parser.parse_args(rest)) or 0)


if __name__ == "__main__":
    sys.exit(main())
