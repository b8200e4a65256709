"""quizkit.train.export: a run's script is the template module with the run's settings, nothing copied.

The exported script running and reproducing a run's metrics is tested in test_train.py.
"""

import dataclasses
import json
import subprocess
import sys

import pytest

from quizkit.train import load_run, script_template
from quizkit.train.export import SETTINGS_END, SETTINGS_START, TEMPLATE, fill_settings, run_settings, trainer_script


def _outside_settings(source: str) -> list[str]:
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(SETTINGS_START))
    end = next(i for i, line in enumerate(lines) if line.startswith(SETTINGS_END))
    return lines[:start] + lines[end:]


def test_the_template_filled_with_its_own_settings_is_unchanged():
    source = TEMPLATE.read_text()
    own = {name: getattr(script_template, name) for name in run_settings(load_run("overfit-minilm"))}
    assert fill_settings(source, own) == source


def test_an_exported_script_is_the_template_with_other_settings_only():
    result = load_run("fraud-minilm-balanced")
    script = trainer_script(result)
    assert _outside_settings(script) == _outside_settings(TEMPLATE.read_text())
    namespace: dict = {}
    exec(compile(script, "exported.py", "exec"), namespace)  # defines names only: main() is not called
    assert namespace["CLASS_WEIGHT"] == result.class_weight != script_template.CLASS_WEIGHT
    assert namespace["TRAINING_ARGUMENTS"] == result.extra["training_arguments"]
    assert namespace["DATA"] == {k: v for k, v in result.data_description.items() if k != "source"}
    assert namespace["MODEL"] == "minilm" and namespace["BUNDLED_MODEL"] is True


def test_a_template_and_an_exporter_that_disagree_fail_loudly():
    block = f"{SETTINGS_START} ---\nMODEL = 'tiny'\n{SETTINGS_END}\n"
    with pytest.raises(ValueError, match="template's settings \\['MODEL'\\] differ"):
        fill_settings(block, {"MODEL": "minilm", "SEED": 0})


@pytest.mark.slow
def test_a_hub_model_on_your_own_data_exports_a_script_that_loads_no_quizkit(tmp_path):
    recorded = load_run("overfit-minilm")
    result = dataclasses.replace(
        recorded, config=type(recorded.config)(model="someone/distilbert-reviews", seed=recorded.config.seed),
        data_description={"source": "custom", "n_train": 480},
    )
    path = result.export_trainer_script(tmp_path / "hub.py")
    source = path.read_text()
    assert "MODEL = 'someone/distilbert-reviews'\n" in source and "BUNDLED_MODEL = False\n" in source
    assert "DATA = None\n" in source
    # Importing the script (all but main()) loads torch and transformers, and nothing of quizkit.
    code = (
        "import json, runpy, sys\n"
        f"runpy.run_path({str(path)!r}, run_name='exported')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('quizkit', 'torch', 'transformers'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    loaded = json.loads(done.stdout)
    assert "torch" in loaded and "transformers" in loaded
    assert [m for m in loaded if m.startswith("quizkit")] == []
