#!/usr/bin/env bash
# Set up the course environment and open it in JupyterLab.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh lab
. "${VENV:-.venv}/bin/activate"
exec jupyter lab notebooks/ "$@"
