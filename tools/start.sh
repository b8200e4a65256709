#!/usr/bin/env bash
# Set up the course environment and open lesson 00 in JupyterLab (extra arguments go to
# JupyterLab, e.g. --port 8899 --no-browser).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
bash tools/setup.sh lab
. "${VENV:-.venv}/bin/activate"
echo "==> set-up took $((SECONDS - started)) s"
args=()
if [ "$(id -u)" = 0 ]; then
    echo "==> running as root (containers, cloud VMs): starting JupyterLab with --allow-root"
    args+=(--allow-root)
fi
first_lesson="$(cd notebooks && ls [0-9][0-9]-*.ipynb | head -n 1)"
echo "==> starting JupyterLab on the course notebooks, with $first_lesson open"
# The root folder is notebooks/ (the file browser shows the lessons); LabApp.default_url opens
# the first lesson instead of the Launcher.
# ${args[@]+...}: an empty array under set -u (bash 3.2 on macOS)
exec python -m jupyterlab --ServerApp.root_dir=notebooks --LabApp.default_url="/lab/tree/$first_lesson" \
    ${args[@]+"${args[@]}"} "$@"
