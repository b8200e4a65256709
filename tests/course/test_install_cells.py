"""The version and repository URL live in pyproject.toml; every lesson's Colab install cell
installs exactly that tagged release, and tools/sync_install_cells.py keeps them in step."""

import json
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import quizkit

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
SCRIPT = ROOT / "tools" / "sync_install_cells.py"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def install_lines(path):
    nb = json.loads(path.read_text())
    return [line.strip() for cell in nb["cells"] if cell["cell_type"] == "code"
            for line in "".join(cell["source"]).splitlines() if "pip install" in line]


def test_every_install_cell_installs_the_tagged_release_of_the_repository():
    repo, tag = PROJECT["urls"]["Repository"], f"v{PROJECT['version']}"
    expected = f'%pip install -q "quizkit[learn] @ git+{repo}@{tag}"'
    assert len(NOTEBOOKS) >= 10
    for path in NOTEBOOKS:
        # (lesson 10 also installs its data package, which is not quizkit)
        assert [line for line in install_lines(path) if "quizkit" in line] == [expected], path.name


def test_every_colab_link_opens_the_notebook_of_that_release():
    # A badge on main with an install cell pinned to the tag would run new notebooks on an old package.
    base = PROJECT["urls"]["Repository"].replace("https://github.com/", "https://colab.research.google.com/github/")
    expected = {f"{base}/blob/v{PROJECT['version']}/notebooks/{p.name}" for p in NOTEBOOKS}
    readme_links = set(re.findall(r"https://colab\.research\.google\.com/github/[^)\s]+", (ROOT / "README.md").read_text()))
    assert readme_links == expected
    for path in NOTEBOOKS:
        links = re.findall(r"https://colab\.research\.google\.com/github/[^)\s\"]+", path.read_text())
        assert links == [f"{base}/blob/v{PROJECT['version']}/notebooks/{path.name}"], path.name


def test_the_version_is_written_once():
    assert quizkit.__version__ == version("quizkit") == PROJECT["version"]
    package_text = "\n".join(p.read_text() for p in (ROOT / "quizkit").rglob("*.py"))
    assert f'"{PROJECT["version"]}"' not in package_text


def test_the_script_agrees_and_rewrites_only_the_install_cell(tmp_path):
    assert subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True).returncode == 0
    stale = tmp_path / NOTEBOOKS[0].name
    shutil.copy(NOTEBOOKS[0], stale)
    original = json.loads(stale.read_text())
    nb = json.loads(stale.read_text())
    cell = next(c for c in nb["cells"] if "google.colab" in "".join(c["source"]))
    cell["source"] = ["import sys\n", 'if "google.colab" in sys.modules:\n', '    %pip install -q "quizkit @ git+https://example.org/old"']
    stale.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    check = subprocess.run([sys.executable, str(SCRIPT), "--check", str(stale)], capture_output=True, text=True)
    assert check.returncode == 1 and "install cell or Colab links out of date" in check.stdout
    subprocess.run([sys.executable, str(SCRIPT), str(stale)], check=True, capture_output=True)
    assert json.loads(stale.read_text()) == original
    assert stale.read_bytes() == NOTEBOOKS[0].read_bytes()
