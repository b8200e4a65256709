"""Export a run as a standalone ``Trainer`` script: the template module with the run's settings.

:mod:`quizkit.train.script_template` is a real, runnable module; exporting copies its source
and rewrites only the assignments in its settings block (between the two marker comments)
with a run's values, keeping the comments that explain them. The template is read as text,
never imported, so exporting loads neither torch nor transformers.

>>> from quizkit.train.result import load_run
>>> script = trainer_script(load_run("fraud-minilm-balanced"))
>>> "CLASS_WEIGHT = [" in script and "DATA = {\\n    'task': 'fraud'," in script
True
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from quizkit.models import BUNDLED
from quizkit.train.config import RunConfig, generated_data_spec



class ExportedRun(Protocol):
    """What an export reads of a :class:`~quizkit.train.RunResult` (named here, so that this
    module, which ``RunResult.export_trainer_script`` calls, never imports the result module)."""

    config: RunConfig
    label_names: Sequence[str]
    data_description: Mapping[str, Any]
    extra: Mapping[str, Any]
    class_weight: Sequence[float] | None
    threshold: float | None

TEMPLATE = Path(__file__).with_name("script_template.py")
SETTINGS_START = "# --- run settings"
SETTINGS_END = "# --- end of run settings ---"


def run_settings(result: ExportedRun) -> dict[str, Any]:
    """The template's settings for a run: one value per assignment in its settings block.

    >>> from quizkit.train.result import load_run
    >>> settings = run_settings(load_run("overfit-minilm"))
    >>> settings["MODEL"], settings["BUNDLED_MODEL"], settings["TRAINING_ARGUMENTS"]["num_train_epochs"]
    ('minilm', True, 10)
    """
    config = result.config
    return {
        "MODEL": config.model,
        "BUNDLED_MODEL": config.model in BUNDLED,
        "PRETRAINED": config.pretrained,
        "LABEL_NAMES": list(result.label_names),
        "DATA": generated_data_spec(result.data_description),
        "MAX_LENGTH": result.extra.get("max_length", config.max_length),
        "TRUNCATION": config.truncation,
        "PADDING": config.padding,
        "SEED": config.seed,
        "OUTPUT_DIR": str(config.output_dir or "quizkit_run"),
        "TRAINING_ARGUMENTS": dict(result.extra["training_arguments"]),
        "CLASS_WEIGHT": result.class_weight,
        "HEAD_LEARNING_RATE": config.head_learning_rate,
        "LINEAR_PROBE_STEPS": result.extra.get("linear_probe_steps", 0),
        "AVERAGE_LAST_EPOCHS": config.average_last_epochs,
        "EARLY_STOPPING_PATIENCE": config.early_stopping_patience,
        # The cut the run's test predictions used ("auto" chose it on validation once trained).
        "THRESHOLD": result.threshold,
    }


def trainer_script(result: ExportedRun) -> str:
    """The source of a standalone script that reproduces ``result`` (see ``RunResult.export_trainer_script``)."""
    return fill_settings(TEMPLATE.read_text(encoding="utf-8"), run_settings(result))


def fill_settings(source: str, settings: Mapping[str, Any]) -> str:
    """``source`` with each assignment of its settings block set to ``repr`` of its value in ``settings``.

    The block must assign exactly the names in ``settings``: a template and an exporter that
    disagree fail here, not in a learner's script.

    >>> fill_settings("# --- run settings ---\\n# why\\nSEED = 0\\n# --- end of run settings ---\\n", {"SEED": 3})
    '# --- run settings ---\\n# why\\nSEED = 3\\n# --- end of run settings ---\\n'
    """
    lines = source.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith(SETTINGS_START)) + 1
    end = next(i for i, line in enumerate(lines) if line.startswith(SETTINGS_END))
    block = lines[start:end]
    assignments = [node for node in ast.parse("".join(block)).body if isinstance(node, ast.Assign)]
    names = [node.targets[0].id for node in assignments]
    if sorted(names) != sorted(settings):
        raise ValueError(f"the script template's settings {sorted(names)} differ from the exported ones {sorted(settings)}")
    # Replace from the bottom up, so the line numbers of the assignments above stay valid.
    for node, name in reversed(list(zip(assignments, names))):
        block[node.lineno - 1:node.end_lineno] = [f"{name} = {_literal(settings[name])}\n"]
    return "".join(lines[:start] + block + lines[end:])


def _literal(value: Any) -> str:
    """Python source for a setting; a dict gets one key per line, as a reader scans it."""
    if isinstance(value, Mapping):
        return "{\n" + "".join(f"    {key!r}: {item!r},\n" for key, item in value.items()) + "}"
    return repr(value)
