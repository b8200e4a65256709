"""Fresh virtual environments for the install tests, in the state a learner's shell is in."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path


def clean_env(**extra: str) -> dict[str, str]:
    """A learner's shell: no checkout on PYTHONPATH, no active venv, offline, headless."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
            "MPLBACKEND": "Agg", "PIP_DISABLE_PIP_VERSION_CHECK": "1", **extra}


def make_venv(where: Path, reuse_site_packages: bool = False, base_python: str = sys.executable) -> Path:
    """Create a venv at ``where`` and return its python.

    ``reuse_site_packages``: the venv also sees the libraries installed in the test environment
    (torch, transformers, JupyterLab: installing them again would cost minutes and gigabytes).
    A path line in a .pth file adds that folder without running the .pth files inside it, so the
    test environment's editable quizkit, which points at the checkout, stays out of sight.
    """
    subprocess.run([base_python, "-m", "venv", str(where)], check=True, timeout=300)
    python = where / "bin" / "python"
    if reuse_site_packages:
        purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        Path(purelib, "reuse-test-env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python
