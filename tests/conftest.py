"""Shared test set-up: the whole suite runs offline and headless, on a CPU or with a GPU visible."""

import importlib.util
import os
import socket

import pytest

# Tests must never reach the Hub; quizkit's own loaders then fail fast with a clear error.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
# Two cores: keep torch from oversubscribing them when pytest runs subprocesses too.
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

# The browser fixtures are a plugin (pytest_plugins in the browser tests), with no doctests:
# --doctest-modules would import the file first, as a plain module, before pytest could rewrite
# its asserts (a PytestAssertRewriteWarning in every run).
collect_ignore = ["browser/browser_support.py"]


@pytest.hookimpl(tryfirst=True)  # before -m "not slow" deselects
def pytest_collection_modifyitems(items):
    # The fast loop (-m "not slow") leaves out what starts a browser or executes a lesson
    # notebook, whichever file or plugin collected it.
    for item in items:
        if item.get_closest_marker("browser") or item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)
    # A cell that shows a live training run's exact numbers reproduces them on a CPU, where the
    # lessons were recorded; a GPU trains in mixed precision and rounds differently. There the
    # cell still runs and must not fail, but its outputs are not compared (its claims, checked
    # on the saved outputs and over seeds, still hold the lesson's point).
    device_dependent = [item for item in items if DEVICE_DEPENDENT_TAG in _cell_tags(item)]
    if device_dependent and _cuda_visible():
        for item in device_dependent:
            item.options["check"] = False


DEVICE_DEPENDENT_TAG = "output-depends-on-device"


def _cell_tags(item) -> list:
    return getattr(item, "cell", {}).get("metadata", {}).get("tags", [])


def _cuda_visible() -> bool:
    if importlib.util.find_spec("torch") is None:
        return False
    import torch

    return torch.cuda.is_available()


@pytest.fixture
def socket_connections(monkeypatch):
    """Every ``(address, timeout)`` a socket tries to connect to during the test.

    "Fails fast" is checked by what was attempted (no connection at all, or one with a short
    timeout), not by a wall clock that a loaded machine would break.
    """
    attempts = []
    connect = socket.socket.connect

    def recording_connect(self, address):
        attempts.append((address, self.gettimeout()))
        return connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", recording_connect)
    return attempts
