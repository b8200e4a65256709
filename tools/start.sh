#!/usr/bin/env bash
# Set up the course environment and open it in JupyterLab (extra arguments go to JupyterLab,
# e.g. --port 8899 --no-browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh lab
. "${VENV:-.venv}/bin/activate"
args=()
if [ "$(id -u)" = 0 ]; then
    echo "==> running as root (containers, cloud VMs): starting JupyterLab with --allow-root"
    args+=(--allow-root)
fi
echo "==> starting JupyterLab on the course notebooks"
# ${args[@]+...}: an empty array under set -u (bash 3.2 on macOS)
exec python -m jupyterlab notebooks/ ${args[@]+"${args[@]}"} "$@"
