"""tools/start.sh serves the course, as root (containers, cloud VMs: --allow-root, said in one
line) and as an ordinary user, with the course's Jupyter settings (no news pop-up), opens
lesson 00 and says how long the set-up took."""

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from venv_support import clean_env, make_venv

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534
SYSTEM_PYTHONS = ("/usr/bin/python3", "/usr/local/bin/python3")
ROOT_NOTICE = "==> running as root (containers, cloud VMs): starting JupyterLab with --allow-root"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


@pytest.mark.parametrize("user", ["root", "ordinary"])
def test_start_serves_the_course(user):
    is_root = os.geteuid() == 0
    if user == "root" and not is_root:
        pytest.skip("needs root")
    # not pytest's tmp_path: its folders are private to the user running pytest
    tmp_path = Path(tempfile.mkdtemp(prefix="quizkit-start-"))
    os.chmod(tmp_path, 0o755)
    venv = tmp_path / "venv"
    base_python = sys.executable
    if user == "ordinary" and is_root:
        # root's own Python often lives in /root (pyenv), out of an ordinary user's reach
        base_python = next((p for p in SYSTEM_PYTHONS if Path(p).is_file() and subprocess.run(
            [p, "-c", f"import sys, venv; sys.exit(sys.version_info[:2] != {tuple(sys.version_info[:2])})"]).returncode == 0),
            None)
        if base_python is None:
            pytest.skip(f"no Python {sys.version_info[0]}.{sys.version_info[1]} outside /root for an ordinary user")
        # the reused libraries must be within nobody's reach (a private parent folder, such as
        # mktemp's, hides them and JupyterLab then serves no settings)
        lab_dir = Path(sysconfig.get_paths()["data"]) / "share/jupyter/lab"
        reach = subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                                "test", "-r", str(lab_dir / "schemas")])
        assert reach.returncode == 0, f"{lab_dir} is not readable by an ordinary user: make its parent folders 0755"
    make_venv(venv, reuse_site_packages=True, base_python=base_python)
    home = tmp_path / "home"
    home.mkdir()
    prefix = []
    if user == "ordinary" and is_root:
        # drop to nobody: the venv and home must be theirs, as they would be
        subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(venv), str(home)], check=True)
        prefix = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    port, token = free_port(), secrets.token_hex(16)
    # The reused JupyterLab's built front end lives in the test environment's prefix.
    env = clean_env(VENV=str(venv), HOME=str(home), JUPYTERLAB_DIR=str(Path(sysconfig.get_paths()["data"]) / "share/jupyter/lab"),
                    PIP_CACHE_DIR=str(home / "pip-cache"))
    log = tmp_path / "start.log"
    with open(log, "w") as out:
        process = subprocess.Popen([*prefix, "bash", str(ROOT / "tools" / "start.sh"), "--no-browser",
                                    "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                                    f"--IdentityProvider.token={token}"],
                                   cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 600
        while True:
            assert process.poll() is None, log.read_text()[-4000:]
            try:
                if get(f"http://127.0.0.1:{port}/api/status?token={token}")[0] == 200:
                    break
            except (urllib.error.URLError, OSError):
                pass
            assert time.monotonic() < deadline, log.read_text()[-4000:]
            time.sleep(1)
        status, page = get(f"http://127.0.0.1:{port}/lab?token={token}")
        assert status == 200 and "JupyterLab" in page
        # The browser opens on lesson 00, not the Launcher.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/?token={token}", timeout=5) as response:
            assert response.url.split("?")[0].endswith("/lab/tree/00-start-here.ipynb"), response.url
        status, contents = get(f"http://127.0.0.1:{port}/api/contents?token={token}")
        assert "00-start-here.ipynb" in {item["name"] for item in json.loads(contents)["content"]}
        _, settings = get(f"http://127.0.0.1:{port}/lab/api/settings/@jupyterlab/apputils-extension:notification"
                          f"?token={token}")
        # the course's overrides become the defaults a learner's own settings start from
        defaults = {k: v["default"] for k, v in json.loads(settings)["schema"]["properties"].items()}
        assert (defaults["fetchNews"], defaults["checkForUpdates"]) == ("false", False)
        text = log.read_text()
        assert "==> torch" in text and "==> ready: torch " in text
        assert re.search(r"==> set-up took \d+ s\n", text), text[-4000:]
        assert (ROOT_NOTICE in text) == (user == "root"), text[-4000:]
    finally:
        with contextlib.suppress(ProcessLookupError):  # start.sh may have ended by itself
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(tmp_path, ignore_errors=True)

