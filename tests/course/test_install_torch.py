"""tools/install_torch.py: CPU torch on Linux from PyTorch's CPU index, a clear fallback when
that index cannot be reached, the default wheel on macOS and Windows."""

import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "install_torch.py"


def plan(*args, index):
    env = {**os.environ, "QUIZKIT_TORCH_INDEX": index}
    done = subprocess.run([sys.executable, str(SCRIPT), "--dry-run", *args], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    message, command = done.stdout.strip().splitlines()
    return message, command.split()


@pytest.fixture
def local_index(tmp_path):
    """A reachable index with a torch page, served over HTTP on a free local port."""
    (tmp_path / "torch").mkdir()
    (tmp_path / "torch" / "index.html").write_text("<html><body></body></html>")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(tmp_path), **kw)

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_unreachable_index_falls_back_to_the_default_index_and_says_so():
    # port 9 (discard) on localhost: nothing listens, the connection is refused at once
    message, command = plan("--system", "Linux", index="http://127.0.0.1:9/whl/cpu")
    assert message == (
        "==> PyTorch's CPU wheel index http://127.0.0.1:9/whl/cpu cannot be reached; falling back to the "
        "default index for torch==2.13.0 (on Linux that may be the CUDA build, several GB, unless your "
        "index or mirror carries the CPU build)")
    assert command[-1] == "torch==2.13.0" and "--extra-index-url" not in command


def test_reachable_index_installs_the_cpu_build_with_a_short_timeout_and_no_retries(local_index):
    message, command = plan("--system", "Linux", index=local_index)
    assert message == f"==> Linux: torch==2.13.0+cpu from PyTorch's CPU wheel index {local_index}"
    assert command[-1] == "torch==2.13.0+cpu"
    assert command[command.index("--extra-index-url") + 1] == local_index
    assert command[command.index("--timeout") + 1] == "5" and command[command.index("--retries") + 1] == "0"


@pytest.mark.parametrize("system", ["Darwin", "Windows"])
def test_macos_and_windows_take_the_default_wheel_without_asking_the_cpu_index(system, local_index):
    message, command = plan("--system", system, index=local_index)
    assert message == f"==> {system}: torch==2.13.0 from the default index (the CPU build on {system})"
    assert command[-1] == "torch==2.13.0" and "--extra-index-url" not in command


def test_the_cpu_index_url_is_written_once():
    url = "https://download.pytorch.org/whl/cpu"
    holders = [p.relative_to(ROOT).as_posix() for p in [*ROOT.glob("tools/*"), *ROOT.glob("binder/*")]
               if p.is_file() and url in p.read_text()]
    assert holders == ["tools/install_torch.py"]


@pytest.mark.slow
def test_report_names_the_build():
    import torch

    done = subprocess.run([sys.executable, str(SCRIPT), "--report"], capture_output=True, text=True, timeout=120)
    build = f"CUDA {torch.version.cuda} build" if torch.version.cuda else "CPU build"
    assert done.stdout.startswith(f"torch {torch.__version__}: {build}, ")
