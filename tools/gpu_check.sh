#!/usr/bin/env bash
# The course on a GPU machine without network, in a few minutes: is the GPU used, how long does
# the default run() take on lesson 10's drug reviews (and how does it compare with TF-IDF there),
# how fast do the training lessons run, and do the tests pass with a GPU visible?
#
#   bash tools/gpu_check.sh --prepare [WHEELS]   # on a machine WITH network: the wheels of
#                                                # tools/gpu_wheels.txt for the GPU machine's Python
#   bash tools/gpu_check.sh [WHEELS]             # on the GPU machine (no network)
#
# WHEELS defaults to .gpu-wheels/ in the repository. The GPU machine keeps its own CUDA torch and
# ML stack; the check installs only the wheels in WHEELS (no index, no dependency resolution) into
# a folder of its own ($GPU_CHECK_SITE) put first on PYTHONPATH, so nothing of the machine's own
# Python changes. --prepare targets Python $GPU_PYTHON (default 3.12) on manylinux x86-64.
# Steps can be chosen with GPU_CHECK_STEPS (default: "startup run firstrun lessons tests notebooks claims").
# The figures are printed as it goes, ready for the README's "On a GPU" section.
set -uo pipefail
cd "$(dirname "$0")/.."
step() { echo; echo "==> $*"; }

if [ "${1:-}" = "--prepare" ]; then
    set -e
    wheels="${2:-.gpu-wheels}"
    mkdir -p "$wheels"
    step "the wheels of tools/gpu_wheels.txt for CPython ${GPU_PYTHON:-3.12} into $wheels"
    grep -v -E '^(#|$|rouge-score)' tools/gpu_wheels.txt > "$wheels/binary.txt"
    python -m pip download --quiet --no-deps --only-binary=:all: --python-version "${GPU_PYTHON:-3.12}" \
        --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
        --platform manylinux2014_x86_64 --dest "$wheels" -r "$wheels/binary.txt"
    # Pure Python, source archive only: its wheel built here serves any Python 3.
    python -m pip wheel --quiet --no-deps --wheel-dir "$wheels" "$(grep -E '^rouge-score==' tools/gpu_wheels.txt)"
    rm "$wheels/binary.txt"
    step "done: $(ls "$wheels"/*.whl | wc -l) wheels, $(du -sh "$wheels" | cut -f1); copy $wheels to the GPU machine with the repository"
    exit 0
fi

wheels="${1:-.gpu-wheels}"
site="${GPU_CHECK_SITE:-/tmp/quizkit-gpu-site}"
steps=" ${GPU_CHECK_STEPS:-startup run firstrun lessons tests notebooks claims} "
failed=()
started=$SECONDS
python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null || {
    echo "gpu_check: no CUDA torch sees a GPU here (python3 -c 'import torch; print(torch.cuda.is_available())')" >&2
    exit 1
}
step "installing the $(ls "$wheels"/*.whl | wc -l) wheels of $wheels into $site (no index, no network)"
python3 -m pip install --quiet --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "$site" "$wheels"/*.whl \
    || { echo "gpu_check: the wheels did not install" >&2; exit 1; }
export PYTHONPATH="$site:$PWD" HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONUNBUFFERED=1
export JUPYTER_PATH="$site/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
echo "set-up: $((SECONDS - started)) s"
python3 - <<'PY'
import importlib.metadata as m, os, platform, torch
names = ["torch", "transformers", "accelerate", "datasets", "scikit-learn", "numpy", "ipykernel", "nbval"]
print(f"Python {platform.python_version()}, {os.cpu_count()} CPU cores, "
      + ", ".join(f"{n} {m.version(n)}" for n in names)
      + f"; {torch.cuda.get_device_name(0)}, {torch.cuda.get_device_properties(0).total_memory / 2**30:.0f} GiB")
PY

if [[ $steps == *" startup "* ]]; then
    step "CUDA start-up (first tensor on the GPU, in a fresh process)"
    python3 - <<'PY' || failed+=(startup)
import time
start = time.perf_counter()
import torch
imported = time.perf_counter()
torch.ones(1, device="cuda").sum().item()
print(f"import torch {imported - start:.1f} s, first CUDA tensor {time.perf_counter() - imported:.1f} s")
PY
fi

if [[ $steps == *" run "* ]]; then
    step "run() with every default on lesson 10's drug reviews, seeds ${GPU_CHECK_SEEDS:-0 1 2 3 4}, against TF-IDF (paired)"
    GPU_CHECK_SEEDS="${GPU_CHECK_SEEDS:-0 1 2 3 4}" python3 - <<'PY' || failed+=(run)
import os, time
start = time.perf_counter()
from quizkit.analysis import diagnose, tfidf_logreg
from quizkit.data.drug_reviews import drug_reviews_binary
from quizkit.metrics import compare
from quizkit.train import run

data = drug_reviews_binary()
baseline = tfidf_logreg(data)
print(f"imports and data {time.perf_counter() - start:.1f} s; TF-IDF test MCC {baseline.test_metrics.mcc:.3f}")
for seed in map(int, os.environ["GPU_CHECK_SEEDS"].split()):
    start = time.perf_counter()
    result = run(model="minilm", data=data, seed=seed, disable_tqdm=True)
    wall = time.perf_counter() - start
    c = compare(result.test_labels, baseline.test_predictions, result.test_predictions, metric="mcc",
                names=("TF-IDF", "default"))
    paradox = "accuracy-paradox" in diagnose(result).codes
    print(f"seed {seed}: run() {wall:.1f} s on {result.device}, {result.steps} steps, cut {result.extra['max_length']} tokens, "
          f"test MCC {result.test_metrics.mcc:.3f}, minus TF-IDF {c.difference:+.3f} [{c.low:+.3f}, {c.high:+.3f}] (n={c.n}), "
          f"accuracy paradox: {'yes' if paradox else 'no'}")
PY
fi

if [[ $steps == *" lessons "* ]]; then
    step "the training lessons, each in a fresh kernel with quizkit's thread choice (wall and CPU time; the slowest cells)"
    python3 benchmarks/bench_notebooks.py ${GPU_CHECK_LESSONS:-02-first-fine-tune 04-accuracy-paradox 05-overfitting-early-stopping 06-data-leakage} \
        --per-cell --cells 3
    case $? in
        0) ;;
        # Binder's 1.5 GB kernel target does not apply here: CUDA's libraries alone take ~1 GB of a kernel's memory.
        3) echo "(every lesson ran; over a target of the 2-core Binder machine)" ;;
        *) failed+=(lessons) ;;
    esac
fi

if [[ $steps == *" firstrun "* ]]; then
    step "what a first run() pays for on this GPU: kernels compiled for it, pinned memory, the CUDA cache"
    # A GPU whose architecture the torch build lacks runs its kernels from PTX, compiled by the
    # driver on each kernel's first use (single-threaded CPU time, cached in ~/.nv/ComputeCache,
    # CUDA_CACHE_MAXSIZE bytes at most): one suspect for the slow first run().
    python3 - <<'PY' || failed+=(firstrun)
import os, time
import torch
major, minor = torch.cuda.get_device_capability(0)
arch, built = f"sm_{major}{minor}", torch.cuda.get_arch_list()
print(f"GPU {arch}; torch {torch.__version__} built for {built}: "
      + ("machine code for this GPU" if arch in built else "no machine code for this GPU (PTX compiled on first use)"))
print("CUDA cache settings:", {k: v for k, v in os.environ.items() if k.startswith("CUDA_CACHE")} or "defaults")
start = time.perf_counter()
torch.empty(1 << 20, pin_memory=True)
first = time.perf_counter() - start
start = time.perf_counter()
torch.empty(1 << 20, pin_memory=True)
print(f"pinned 4 MiB: first {first * 1000:.0f} ms, second {(time.perf_counter() - start) * 1000:.1f} ms")
# Batches of token ids come in many sizes (dynamic padding): each new size class is a new
# page-locked allocation, which a virtual machine may make slow.
start = time.perf_counter()
for n in range(1, 65):
    torch.empty(16 * 8 * n * 7, dtype=torch.uint8, pin_memory=True)
print(f"pinned, 64 batch-sized allocations: {(time.perf_counter() - start) * 1000:.0f} ms")
PY
    # Lesson 04's first run (tiny model, fraud data), the same in each process below.
    export FIRSTRUN_SETTINGS='{"data": {"task": "fraud", "n": 3000, "positive_rate": 0.02}, "model": "tiny", "epochs": 1,
        "learning_rate": 0.001, "max_length": 64, "class_weight": null, "seed": 0, "disable_tqdm": true}'
    step "the first run() in a fresh process against the second (tiny model, lesson 04's fraud data), profiled"
    python3 - <<'PY' || failed+=(firstrun)
import cProfile, io, json, os, pstats, statistics, time, warnings
warnings.filterwarnings("ignore", message=r"load_classifier\('tiny'\)")
from transformers import TrainerCallback
from quizkit.train import run


class StepClock(TrainerCallback):
    """Seconds per optimizer step and per evaluation: is the extra time in the first steps
    (each CUDA kernel's first use) or spread over all of them?"""

    def __init__(self):
        self.steps, self.evaluations, self.mark = [], [], None

    def on_step_begin(self, args, state, control, **kwargs):
        self.mark = time.perf_counter()

    def on_step_end(self, args, state, control, **kwargs):
        self.steps.append(time.perf_counter() - self.mark)
        self.mark = time.perf_counter()

    def on_evaluate(self, args, state, control, **kwargs):
        self.evaluations.append(time.perf_counter() - self.mark)

    def summary(self):
        first = ", ".join(f"{s:.2f}" for s in self.steps[:5])
        return (f"steps 1-5: {first} s; median of the rest {statistics.median(self.steps[5:]) * 1000:.0f} ms; "
                f"evaluations: {', '.join(f'{s:.2f}' for s in self.evaluations)} s")


settings = json.loads(os.environ["FIRSTRUN_SETTINGS"])
profile = cProfile.Profile()
for label in ("first", "second"):
    clock = StepClock()
    start, cpu = time.perf_counter(), time.process_time()
    if label == "first":
        profile.enable()
    result = run(**settings, extra_callbacks=[clock])
    profile.disable()
    print(f"{label} run(): {time.perf_counter() - start:.1f} s wall, {time.process_time() - cpu:.1f} s CPU, "
          f"{result.steps} steps on {result.device}; {clock.summary()}")
report = io.StringIO()
pstats.Stats(profile, stream=report).sort_stats("cumulative").print_stats(40)
print("the first run's slowest calls (cumulative):", *report.getvalue().splitlines()[6:], sep="\n")
PY
    # cProfile sees Python calls only; py-spy's native frames name the library the time is spent
    # in: libnvidia-ptxjitcompiler (kernels compiled from PTX), libcuda (module loading, waiting on
    # the GPU), libtorch_cuda, or Python itself.
    step "where a fresh process's first run() spends its time: py-spy samples with native frames"
    spy="$site/bin/py-spy" samples=/tmp/quizkit-firstrun-samples.txt script=/tmp/quizkit-firstrun.py
    printf '%s\n' 'import json, os, warnings' 'warnings.filterwarnings("ignore", message=r"load_classifier")' \
        'from quizkit.train import run' 'run(**json.loads(os.environ["FIRSTRUN_SETTINGS"]))' > "$script"
    if "$spy" record --native --rate 50 --format raw --output "$samples" -- python3 "$script" > /dev/null; then
        SAMPLES=$samples python3 - <<'PY' || failed+=(firstrun)
import collections, os, re

by_library, by_python_line, by_leaf = collections.Counter(), collections.Counter(), collections.Counter()
for line in open(os.environ["SAMPLES"]):
    stack, _, count = line.rstrip("\n").rpartition(" ")
    frames, count = stack.split(";"), int(count)
    where = re.search(r"\(([^()]*)\)$", frames[-1])
    where = where.group(1) if where else "?"
    # Python frames end "(file.py:LINE)"; native ones "(libname.so.VERSION)".
    by_library["Python code" if re.search(r":\d+$", where) else re.sub(r"\.so[.\d]*$", ".so", where)] += count
    python_frames = [frame for frame in frames if re.search(r"\.py:\d+\)$", frame)]
    by_python_line[python_frames[-1] if python_frames else "(no Python frame)"] += count
    by_leaf[frames[-1]] += count
total = sum(by_library.values())
for title, counter in (("by library (innermost frame)", by_library), ("by innermost Python line", by_python_line),
                       ("by innermost frame", by_leaf)):
    print(f"{title}, of {total} samples at 50 a second:")
    for name, count in counter.most_common(8):
        print(f"  {count / total:6.1%}  {name[:150]}")
PY
    else
        echo "(py-spy could not sample here: install tools/gpu_wheels.txt's py-spy, and allow ptrace)"
    fi
    # Two more fresh processes: the same run (slow again unless what the first process paid for is
    # cached on disk), then the same without pinned memory (fast if pinning is what costs).
    for pinned in True False; do
        step "the first run() of one more fresh process, pinned memory: $pinned"
        PINNED=$pinned python3 - <<'PY' || failed+=(firstrun)
import json, os, time, warnings
warnings.filterwarnings("ignore", message=r"load_classifier\('tiny'\)")
import quizkit.train.fine_tune as fine_tune
from quizkit.train import run

if os.environ["PINNED"] == "False":
    made = fine_tune.training_arguments

    def unpinned(*args, **kwargs):
        arguments = made(*args, **kwargs)
        arguments.dataloader_pin_memory = False
        return arguments

    fine_tune.training_arguments = unpinned
start, cpu = time.perf_counter(), time.process_time()
run(**json.loads(os.environ["FIRSTRUN_SETTINGS"]))
print(f"first run() of a new process: {time.perf_counter() - start:.1f} s wall, {time.process_time() - cpu:.1f} s CPU")
PY
    done
fi

# Several pytest workers share the machine: two torch threads each keeps them from
# oversubscribing its cores (each worker would otherwise take them all).
workers=$(python3 -c 'import os; print(max(1, min(8, len(os.sched_getaffinity(0)) // 2)))')
# --dist loadfile: a notebook's cells share one kernel, so they stay on one worker.
xdist=$(python3 -c 'import xdist' 2>/dev/null && echo "-n $workers --dist loadfile" || echo "")
if [[ $steps == *" tests "* ]]; then
    step "the unit tests (slow ones too: real Trainer runs, MiniLM) with the GPU visible ${xdist:+($xdist)}"
    OMP_NUM_THREADS=2 python3 -m pytest -q -p no:cacheprovider $xdist -m "not browser" tests/unit || failed+=(tests)
fi
if [[ $steps == *" notebooks "* ]]; then
    step "every lesson under nbval (checked cells must reproduce their saved outputs) ${xdist:+($xdist)}"
    OMP_NUM_THREADS=2 python3 -m pytest -q -p no:cacheprovider $xdist --nbval-lax --nbval-current-env \
        --nbval-sanitize-with tests/nbval-sanitize.cfg notebooks || failed+=(notebooks)
fi
if [[ $steps == *" claims "* ]]; then
    # bf16 rounds differently from the CPU's fp32: a lesson's claims must hold on either.
    step "every claim of lessons/claims.yaml over its seeds, trained on the GPU ${xdist:+(${xdist/loadfile/load})}"
    # One file: --dist load spreads its claims over the workers (loadfile would keep them on one).
    OMP_NUM_THREADS=2 python3 -m pytest -q -p no:cacheprovider ${xdist/loadfile/load} tests/course/test_claims.py || failed+=(claims)
fi
step "gpu_check: done in $((SECONDS - started)) s${failed:+; failed: ${failed[*]}}"
[ ${#failed[@]} -eq 0 ]
