#!/usr/bin/env bash
# Create (or reuse) a virtual environment with CPU torch and quizkit[EXTRA] installed.
# Usage: bash tools/setup.sh [EXTRA]        (EXTRA: lab | test; default lab)
# VENV=path overrides where the environment lives (default: .venv in the repo).
set -euo pipefail
cd "$(dirname "$0")/.."
extra="${1:-lab}"
venv="${VENV:-.venv}"
python="${PYTHON:-python3}"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
# shellcheck disable=SC1091
. "$venv/bin/activate"
python -m pip install --quiet --upgrade pip
# CPU torch first: any later range that torch 2.13 satisfies then installs nothing more.
python -c "import torch" 2>/dev/null || python -m pip install --quiet "torch==2.13.0"
python -m pip install --quiet -e ".[$extra]"
