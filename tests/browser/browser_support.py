"""Real JupyterLab in headless Chromium, for tests marked ``browser``.

Use it from a test module with ``pytest_plugins = ["browser_support"]``; that brings the
fixtures ``lab`` (a JupyterLab server on 127.0.0.1, random port, token, in a temp folder;
one per test session), ``notebook7`` (the same for Jupyter Notebook 7, ``jupyter notebook``,
with ``open_in_notebook7(name)`` to open one of its notebooks), ``lab_page`` (a fresh Chromium page; on failure a screenshot is
saved and its path printed) and ``open_notebook(name)`` (a :class:`LabNotebook` on that
page: run a cell, save, read the saved file back).

Chromium comes from Debian (``apt-get install -y chromium chromium-driver``) because
Playwright's own browser download is impossible here. Without it the tests are skipped,
except when the ``CI`` environment variable is set: then they fail.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
START_TIMEOUT_S = 180
STEP_TIMEOUT_MS = 90_000


def _chromium() -> str:
    path = os.environ.get("QUIZKIT_CHROMIUM") or next((p for p in CHROMIUM_CANDIDATES if Path(p).is_file()), None)
    reason = None
    if path is None:
        reason = "no Chromium found (apt-get install -y chromium chromium-driver, or set QUIZKIT_CHROMIUM)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright is not installed (pip install playwright)"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser test cannot run on CI: {reason}")
        pytest.skip(reason)
    return path  # type: ignore[return-value]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LabServer:
    url: str
    token: str
    root: Path
    log: Path
    app: str = "jupyterlab"

    def tree_url(self, name: str) -> str:
        if self.app == "notebook":  # Notebook 7: one notebook per browser tab
            return f"{self.url}/notebooks/{name}?token={self.token}"
        # "reset": start from an empty workspace, not with the tabs an earlier test left open.
        return f"{self.url}/lab/tree/{name}?token={self.token}&reset"

    def write_notebook(self, name: str, cells: list[str]) -> Path:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        path = self.root / name
        nbformat.write(nb, path)
        return path


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory):
    """A JupyterLab server on loopback, isolated from the user's Jupyter settings."""
    yield from _serve("jupyterlab", tmp_path_factory)


@pytest.fixture(scope="session")
def notebook7(tmp_path_factory: pytest.TempPathFactory):
    """A Jupyter Notebook 7 server (``jupyter notebook``) on loopback, isolated likewise."""
    yield from _serve("notebook", tmp_path_factory)


def _serve(app: str, tmp_path_factory: pytest.TempPathFactory):
    _chromium()
    base = tmp_path_factory.mktemp(app)
    root, settings = base / "root", base / "settings"
    root.mkdir()
    # No news or update pop-ups over the notebook.
    notify = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notify.parent.mkdir(parents=True)
    notify.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
    }
    port, token = _free_port(), secrets.token_hex(16)
    log = base / f"{app}.log"
    cmd = [sys.executable, "-m", app, "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI runners often run as root
        cmd.append("--allow-root")
    with open(log, "w") as log_file:
        process = subprocess.Popen(cmd, cwd=root, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    server = LabServer(f"http://127.0.0.1:{port}", token, root, log, app)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"{app} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{server.url}/api/status?token={token}", timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"{app} did not answer within {START_TIMEOUT_S}s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # Remember each phase's outcome so lab_page can take a screenshot when the test failed.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def lab_page(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A Chromium page (1400x1000) with generous timeouts."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(STEP_TIMEOUT_MS)
        try:
            yield page
        finally:
            report = getattr(request.node, "rep_call", None)
            if report is not None and report.failed:
                shots = tmp_path_factory.mktemp("screenshots")
                shot = shots / f"{request.node.name}.png"
                page.screenshot(path=str(shot), full_page=True)
                for name in ("lab", "notebook7"):  # the logs of the servers this test used
                    if name in request.fixturenames:
                        server = request.getfixturevalue(name)
                        shutil.copy(server.log, shots / server.log.name)
                print(f"\nscreenshot of the failure: {shot} (server log next to it)")
            browser.close()


class LabNotebook:
    """A notebook opened in JupyterLab: run cells, save, read the file back."""

    def __init__(self, page, lab: LabServer, name: str):
        self.page, self.lab, self.path = page, lab, lab.root / name
        # JupyterLab restores the workspace, so notebooks opened by earlier tests come back as
        # hidden tabs: look only inside the notebook in front.
        self.panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        page.goto(lab.tree_url(name))
        self.wait_idle()

    def accept_kernel_dialog(self) -> None:
        """Accept JupyterLab's "Select Kernel" dialog when it shows.

        With a fresh workspace, JupyterLab sometimes asks which kernel to start even though the
        notebook names one; the dialog then blocks every click on the page.
        """
        dialog = self.page.locator(".jp-Dialog", has_text="Select Kernel")
        if dialog.count() and dialog.first.is_visible():
            dialog.first.locator(".jp-mod-accept").click()
            dialog.first.wait_for(state="detached")

    def wait_idle(self) -> None:
        """Wait until the notebook is shown and its kernel is idle."""
        self.panel.locator(".jp-Cell").first.wait_for(state="visible")
        self.accept_kernel_dialog()
        self.panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(state="attached")

    def cell(self, index: int):
        return self.panel.locator(".jp-Notebook .jp-Cell").nth(index)

    def run_cell(self, index: int, tries: int = 3) -> None:
        """Run one cell with Shift+Enter and wait until it has an execution count."""
        self.start_cell(index, tries)
        self.cell(index).locator(".jp-InputPrompt").filter(has_text=re.compile(r"\[\d+\]")).wait_for()
        self.wait_idle()

    def start_cell(self, index: int, tries: int = 3) -> None:
        """Run one cell with Shift+Enter and return once the kernel has it (queued or running).

        A cell run while the page is still connecting to the kernel is silently not sent
        (its prompt stays "[ ]"); it is run again then. A queued or running cell shows "[*]"
        and is never sent twice.
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        prompt = self.cell(index).locator(".jp-InputPrompt")
        for attempt in range(tries):
            self.accept_kernel_dialog()
            try:
                # Short click timeout: a dialog that opens meanwhile is accepted on the next try.
                self.cell(index).locator(".jp-InputArea-editor").click(timeout=20_000)
                self.page.keyboard.press("Shift+Enter")
                prompt.filter(has_text=re.compile(r"\[(\d+|\*)\]")).wait_for(timeout=20_000)
                break
            except PlaywrightTimeout:
                if attempt == tries - 1:
                    raise

    def save(self) -> None:
        """Save with the keyboard shortcut and wait until JupyterLab marks the document clean."""
        self.page.keyboard.press("Escape")
        self.page.keyboard.press("Control+s")
        self.page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty").wait_for(state="detached")

    def saved(self) -> nbformat.NotebookNode:
        return nbformat.read(self.path, as_version=4)


@pytest.fixture
def open_notebook(lab: LabServer, lab_page):
    """``open_notebook("name.ipynb")`` opens a notebook of ``lab.root`` in ``lab_page``."""
    return lambda name: LabNotebook(lab_page, lab, name)


@pytest.fixture
def open_in_notebook7(notebook7: LabServer, lab_page):
    """``open_in_notebook7("name.ipynb")`` opens a notebook of ``notebook7.root`` in Notebook 7."""
    return lambda name: LabNotebook(lab_page, notebook7, name)
