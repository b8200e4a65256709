"""Shared test set-up: the whole suite runs offline, headless and on the CPU."""

import os

# Tests must never reach the Hub; quizkit's own loaders then fail fast with a clear error.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
# Two cores: keep torch from oversubscribing them when pytest runs subprocesses too.
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
