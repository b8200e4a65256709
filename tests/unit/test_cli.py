"""The quizkit console script: installed, versioned, self-describing."""

import subprocess
import sys

import pytest

import quizkit
from quizkit.cli import COMMANDS


def _quizkit(*args):
    return subprocess.run([sys.executable, "-m", "quizkit.cli", *args], capture_output=True, text=True, timeout=60)


def test_version():
    result = _quizkit("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"quizkit {quizkit.__version__}"


def test_help_lists_every_command():
    result = _quizkit("--help")
    assert result.returncode == 0
    for name in COMMANDS:
        assert name in result.stdout


def test_unknown_command_is_an_error():
    result = _quizkit("frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


@pytest.mark.slow
def test_every_command_has_its_own_help():
    for name in COMMANDS:
        result = _quizkit(name, "--help")
        assert result.returncode == 0, result.stderr
        assert f"quizkit {name}" in result.stdout
