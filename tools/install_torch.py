"""Install the torch build a learner's machine should have, and say which one it is.

Linux: ``torch==2.13.0+cpu`` from PyTorch's CPU wheel index (from the public index, Linux
gets the CUDA build with several GB of NVIDIA libraries, useless without a GPU). When that
index cannot be reached (offline mirrors, firewalls) it falls back to the default index and
says so. macOS and Windows: the default wheel, which is the CPU build there.
A torch that is already installed (Colab's, a CUDA build on a GPU machine) is kept.

    python tools/install_torch.py             # install (or keep) torch, then report it
    python tools/install_torch.py --report    # only report which torch is installed
    python tools/install_torch.py --dry-run   # say what would be installed, install nothing

Standard library only: it runs before anything else is installed.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import subprocess
import sys
import urllib.request

TORCH_VERSION = "2.13.0"
# The one place the CPU wheel index is written (tools/setup.sh and binder/postBuild call this).
CPU_INDEX_URL = "https://download.pytorch.org/whl/cpu"
PROBE_TIMEOUT_S = 5


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def index_reachable(url: str, timeout: float = PROBE_TIMEOUT_S) -> bool:
    """One short request, no retries: can pip use this index?"""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/torch/", timeout=timeout) as response:
            return response.status == 200
    except (OSError, ValueError):
        return False


def pip_command(system: str, index_url: str) -> list[str]:
    """The pip command for this operating system; prints why it chose it."""
    pip = [sys.executable, "-m", "pip", "install", "--progress-bar", "on"]
    if system != "Linux":
        step(f"{system}: torch=={TORCH_VERSION} from the default index (the CPU build on {system})")
        return [*pip, f"torch=={TORCH_VERSION}"]
    if index_reachable(index_url):
        step(f"Linux: torch=={TORCH_VERSION}+cpu from PyTorch's CPU wheel index {index_url}")
        return [*pip, "--timeout", str(PROBE_TIMEOUT_S), "--retries", "0", "--extra-index-url", index_url,
                f"torch=={TORCH_VERSION}+cpu"]
    step(f"PyTorch's CPU wheel index {index_url} cannot be reached; falling back to the default index "
         f"for torch=={TORCH_VERSION} (on Linux that may be the CUDA build, several GB, unless your "
         "index or mirror carries the CPU build)")
    return [*pip, f"torch=={TORCH_VERSION}"]


def report() -> str:
    """Which torch is installed and whether it is a CPU or CUDA build (run in a fresh process)."""
    code = ("import torch; cuda = torch.version.cuda; "
            "print(f'torch {torch.__version__}: ' + (f'CUDA {cuda} build' if cuda else 'CPU build') + "
            "(', a GPU is visible' if torch.cuda.is_available() else ', no GPU visible'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else "torch is not installed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", action="store_true", help="only print which torch is installed")
    parser.add_argument("--dry-run", action="store_true", help="print the pip command instead of running it")
    parser.add_argument("--system", default=platform.system(), help=argparse.SUPPRESS)  # tests: Darwin, Windows
    args = parser.parse_args(argv)
    if args.report:
        print(report())
        return 0
    if importlib.util.find_spec("torch") is not None and not args.dry_run:
        step(f"keeping the torch already installed ({report()})")
        return 0
    # QUIZKIT_TORCH_INDEX: tests point it at an address that cannot answer.
    command = pip_command(args.system, os.environ.get("QUIZKIT_TORCH_INDEX", CPU_INDEX_URL))
    if args.dry_run:
        print(" ".join(["python", *command[1:]]))
        return 0
    done = subprocess.run(command)
    if done.returncode != 0:
        print(f"install_torch: pip failed (exit {done.returncode}) installing torch=={TORCH_VERSION}", file=sys.stderr)
        return done.returncode
    step(f"installed {report()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
