"""The built wheel, installed outside the checkout: what ships in it, a grading-only install
without the training stack, and lessons 04 and 05 executed as on Colab (no checkout on the path)."""

import json
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from venv_support import clean_env, make_venv

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
HEAVY = ["torch", "transformers", "datasets", "matplotlib"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    # No build isolation: the backend (hatchling, in the test extra) is already here.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True, timeout=300)
    (built,) = out.glob("quizkit-*.whl")
    return built


def test_the_wheel_ships_the_recorded_runs_the_banks_and_the_license(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    runs = sorted(p.parent.name for p in (ROOT / "quizkit" / "runs").glob("*/run.json"))
    assert runs and all(f"quizkit/runs/{r}/run.json" in names for r in runs)
    banks = sorted(p.name for p in (ROOT / "lessons").glob("*.yaml") if p.name != "claims.yaml")
    assert banks and all(f"quizkit/_lessons/{b}" in names for b in banks)
    # student copies only: what a learner installs, a learner can read
    for name in banks:
        data = yaml.safe_load(zipfile.ZipFile(wheel).read(f"quizkit/_lessons/{name}"))
        if name == "course.yaml":
            continue
        assert data["release"]["source_hash"].startswith("sha256:"), name
        for q in data["questions"]:
            assert not {"correct", "answer", "accepted", "reference"} & set(q), (name, q["id"])
            assert not [c for c in q.get("checks", []) if c.get("hidden")], (name, q["id"])
    assert "quizkit/trainer_errors.yaml" in names
    dist_info = f"quizkit-{PROJECT['version']}.dist-info"
    assert f"{dist_info}/licenses/LICENSE" in names
    metadata = zipfile.ZipFile(wheel).read(f"{dist_info}/METADATA").decode()
    assert f"Project-URL: Repository, {PROJECT['urls']['Repository']}" in metadata
    core = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert core and not [line for line in core if any(h in line for h in HEAVY + ["nbclient"])]


@pytest.mark.slow
def test_grading_only_install_grades_the_fixture_class(wheel, tmp_path):
    """An instructor's machine: the core and the grade extra, no torch/transformers/datasets/matplotlib."""
    from quizkit.grading.scripts import scripted_submission

    # Submissions are made with a full kernel here, as learners make them in JupyterLab.
    fixtures = ROOT / "tests" / "fixtures" / "grading"
    klass = tmp_path / "class"
    right = {"pick": "B", "evens": ["A", "C"], "ratio": 0.75, "word": "recall",
             "write-double": "def double(x):\n    return 2 * x\n"}
    wrong = {"pick": "C", "evens": ["B"], "ratio": 3.0, "word": "precision",
             "write-double": "def double(x):\n    return x\n"}
    for student, answers in {"ann": right, "ben": wrong}.items():
        scripted_submission(fixtures / "grading-demo.ipynb", {f"grading-demo/{q}": v for q, v in answers.items()},
                            klass / f"{student}.ipynb", student=student)

    python = make_venv(tmp_path / "venv")
    subprocess.run([str(python), "-m", "pip", "install", "-q", f"{wheel}[grade]"], check=True, env=clean_env(),
                   timeout=600)
    missing = subprocess.run([str(python), "-c", "import importlib.util as u, json; "
                              f"print(json.dumps([m for m in {HEAVY!r} if u.find_spec(m)]))"],
                             capture_output=True, text=True, check=True, env=clean_env()).stdout
    assert json.loads(missing) == []

    work = tmp_path / "instructor"
    work.mkdir()
    shutil.copy(fixtures / "grading-demo.yaml", work)
    quizkit = str(python.parent / "quizkit")
    run = dict(cwd=work, capture_output=True, text=True, env=clean_env(), timeout=600)
    checked = subprocess.run([quizkit, "check-lessons", "grading-demo.yaml"], **run)
    assert checked.returncode == 0, checked.stderr
    released = subprocess.run([quizkit, "release", "grading-demo.yaml", "--out", "student"], **run)
    assert released.returncode == 0 and (work / "student" / "grading-demo.yaml").is_file(), released.stderr
    graded = subprocess.run([quizkit, "grade", *sorted(map(str, klass.glob("*.ipynb"))), "--key", "grading-demo.yaml",
                             "--out", "gradebook.csv", "--report", "report.html", "--jobs", "1"], **run)
    assert graded.returncode == 0, graded.stderr
    book = json.loads((work / "gradebook.json").read_text())
    # 7 points in the bank: 1 + 2 + 1 + 1 + 2
    assert {s["student"]: s["total"] for s in book["students"]} == {"ann": 7, "ben": 0}, json.dumps(book["students"])[:3000]
    report = (work / "report.html").read_text()
    assert report.count('<svg role="img"') == 2 and "grading-demo/write-double" in report  # charts without matplotlib


@pytest.mark.slow
def test_lessons_04_and_05_run_from_the_wheel_outside_the_checkout(wheel, tmp_path):
    """Colab's situation: quizkit installed from the wheel, the notebook alone in a folder."""
    python = make_venv(tmp_path / "venv", reuse_site_packages=True)
    # The wheel itself (its dependencies are the test environment's, already installed and
    # checked by `pip check` below); --force-reinstall so the checkout's editable copy is not reused.
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
                   check=True, env=clean_env(), timeout=300, capture_output=True)
    colab = tmp_path / "content"
    colab.mkdir()
    for name in ["04-accuracy-paradox.ipynb", "05-overfitting-early-stopping.ipynb"]:
        shutil.copy(ROOT / "notebooks" / name, colab / name)
    shutil.copy(ROOT / "tests" / "nbval-sanitize.cfg", colab / "nbval-sanitize.cfg")
    where = subprocess.run([str(python), "-c", "import quizkit; print(quizkit.__file__)"], cwd=colab,
                           capture_output=True, text=True, check=True, env=clean_env()).stdout
    assert where.startswith(str(tmp_path / "venv")), where
    # nbval: every cell runs (no FileNotFoundError for the recorded runs, banks found in the
    # package) and the checked outputs match the saved ones.
    done = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                           "--nbval-current-env", "--nbval-sanitize-with", "nbval-sanitize.cfg",
                           "04-accuracy-paradox.ipynb", "05-overfitting-early-stopping.ipynb"],
                          cwd=colab, capture_output=True, text=True, env=clean_env(), timeout=900)
    assert done.returncode == 0, done.stdout[-5000:]
    assert " passed" in done.stdout.splitlines()[-1] and "failed" not in done.stdout.splitlines()[-1]
