"""Benchmark: ``quizkit grade`` on generated submissions vs re-executing them with nbclient.

nbgrader and otter-grader grade by re-executing every notebook; quizkit reads the answer
records the quiz cells saved and re-scores them. This script:

1. executes the notebook once per answer pattern (all right, all wrong, mixed, unanswered)
   with nbclient, answers generated from the bank's key (code answers: the reference
   solution or the starter);
2. copies those into ``--n`` submissions with varied answers and student ids;
3. times ``quizkit grade`` on all of them (the real command, in a subprocess) with bubblewrap
   isolation and without isolation, and, in the same run, re-executing a sample of them with
   nbclient, extrapolated to all;
4. prints submissions/second for each, the ratio, what isolation costs per code answer (from
   the two batch runs), and, measured directly on one answer computed repeatedly, what the
   per-submission limits cost: bwrap with its cgroup, bwrap without one, no isolation;
5. times the same submissions against the key without its code questions (the target: 200
   submissions in under 10 s).

    python benchmarks/bench_grade.py                          # the test demo notebook
    python benchmarks/bench_grade.py --notebook notebooks/01-confusion-matrix.ipynb \\
        --key lessons/01-confusion-matrix.yaml --sample 3
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "tests" / "fixtures" / "grading"
TARGET_S = 10.0


def patterns(bank) -> dict[str, list[tuple[str, object]]]:
    from quizkit.grading.scripts import key_answers

    right, wrong = key_answers(bank)
    ids = list(right)
    key = bank.id
    return {
        "right": [(f"{key}/{q}", right[q]) for q in ids],
        "wrong": [(f"{key}/{q}", wrong[q]) for q in ids],
        "mixed": [(f"{key}/{q}", (right if i % 2 else wrong)[q]) for i, q in enumerate(ids)],
        "unanswered": [],
    }


def vary(base: dict, student: str, bank, right: dict, wrong: dict, rng: random.Random) -> dict:
    """A copy of an executed notebook with its student id and some answers changed (as re-submitted)."""
    nb = json.loads(json.dumps(base))
    nb["metadata"].setdefault("quizkit", {})["student"] = student
    flips = {q: rng.choice([right, wrong])[q] for q in right if rng.random() < 0.3}
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            record = output.get("data", {}).get("application/vnd.quizkit.answer+json")
            if record and record["question"] in flips:
                q = bank.questions[record["question"]]
                record["answer"] = flips[record["question"]]
                record["correct"] = None if q.type == "code" else q.score(record["answer"]).correct
    return nb


def isolation_cost(bank, repeats: int = 10) -> dict[str, float]:
    """Milliseconds to compute and judge one code answer (the bank's first with a reference):
    bwrap with the per-submission limits (its cgroup, where this machine allows one), bwrap
    with per-process limits only, and no isolation."""
    from quizkit.sandbox import NONE, cgroups, choose

    q = next((q for q in bank.questions.values() if q.type == "code" and q.reference), None)
    if q is None:
        return {"bwrap": float("nan"), "bwrap, no cgroup": float("nan"), "none": float("nan")}
    bwrap, why = choose("bwrap")
    if bwrap is None:
        raise SystemExit(f"bench_grade: {why}")
    create = cgroups.create
    cost = {}
    for name, isolation in (("bwrap", bwrap), ("bwrap, no cgroup", bwrap), ("none", NONE)):
        cgroups.create = create if name == "bwrap" else (lambda limits: None)  # the same run without its cgroup
        q.run(q.reference, isolation=isolation)  # warm the file cache
        t0 = time.perf_counter()
        for _ in range(repeats):
            outcome, _ = q.run(q.reference, isolation=isolation)
            assert outcome.passed, outcome
        cost[name] = (time.perf_counter() - t0) / repeats * 1000
    cgroups.create = create
    return cost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebook", type=Path, default=DEMO / "grading-demo.ipynb")
    parser.add_argument("--key", type=Path, default=DEMO / "grading-demo.yaml")
    parser.add_argument("--n", type=int, default=200, help="submissions to generate (default 200)")
    parser.add_argument("--sample", type=int, default=10, help="submissions re-executed with nbclient (default 10)")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    import nbformat
    from nbclient import NotebookClient

    from quizkit.quiz.loading import load_bank
    from quizkit.grading.scripts import key_answers, scripted_submission

    bank = load_bank(args.key)
    right, wrong = key_answers(bank)
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        tmp = Path(tmp)
        # Kernels run in the notebook's own folder, as for a learner (lessons/ lookup, data files).
        work = args.notebook.resolve().parent
        t0 = time.perf_counter()
        bases = {}
        for name, answers in patterns(bank).items():
            out = scripted_submission(args.notebook, answers, tmp / f"base-{name}.ipynb")
            bases[name] = json.loads(out.read_text())
        print(f"executed {len(bases)} answer patterns with nbclient in {time.perf_counter() - t0:.1f} s")

        subs = tmp / "submissions"
        subs.mkdir()
        rng = random.Random(0)
        names = list(bases)
        paths = []
        for i in range(args.n):
            student = f"student{i:03d}"
            nb = vary(bases[names[i % len(names)]], student, bank, right, wrong, rng)
            path = subs / f"{student}.ipynb"
            path.write_text(json.dumps(nb))
            paths.append(path)
        size_kb = sum(p.stat().st_size for p in paths) / len(paths) / 1024
        print(f"generated {len(paths)} submissions ({size_kb:.0f} KB each on average)")

        import yaml

        no_code = tmp / "no-code" / args.key.name
        no_code.parent.mkdir()
        data = yaml.safe_load(args.key.read_text())
        data["questions"] = [q for q in data["questions"] if q["type"] != "code"]
        no_code.write_text(yaml.safe_dump(data, sort_keys=False))

        def command(key: Path) -> list[str]:
            return [sys.executable, "-m", "quizkit.cli", "grade", "--key", str(key), "--out", str(tmp / "gradebook.csv"),
                    *(["--jobs", str(args.jobs)] if args.jobs else [])]

        timings = {}
        runs = [("quizkit grade --report (bwrap)", command(args.key) + ["--isolation", "bwrap", "--report", str(tmp / "report.html")]),
                ("quizkit grade CSV+JSON (bwrap)", command(args.key) + ["--isolation", "bwrap"]),
                ("quizkit grade CSV+JSON (no isolation)", command(args.key) + ["--isolation", "none", "--unsafe-no-isolation"]),
                ("quizkit grade, key without code", command(no_code))]
        unsafe = {**os.environ, "QUIZKIT_ALLOW_UNSAFE": "1"}  # only the no-isolation run uses it
        for label, line in runs:
            t0 = time.perf_counter()
            done = subprocess.run([*line, "--", *map(str, paths)], capture_output=True, text=True, check=False,
                                  env=unsafe if "none" in line else None)
            timings[label] = time.perf_counter() - t0
            if done.returncode != 0:
                print(done.stdout, done.stderr, file=sys.stderr)
                return 1
            if "(bwrap)" in label:
                graded = json.loads((tmp / "gradebook.json").read_text())
                limits_line = next(line for line in done.stderr.splitlines() if "limits per code answer" in line)
        print(limits_line)
        code_answers = sum(a["type"] == "code" for s in graded["students"] for a in s["answers"])
        direct = isolation_cost(bank)

        sample = paths[: min(args.sample, len(paths))]
        t0 = time.perf_counter()
        for path in sample:
            nb = nbformat.read(path, as_version=4)
            NotebookClient(nb, timeout=600, kernel_name="python3",
                           resources={"metadata": {"path": str(work)}}).execute()
        sample_s = time.perf_counter() - t0
        rerun_s = sample_s / len(sample) * len(paths)

    n = len(paths)
    print()
    print(f"{'method':<40}{'seconds':>10}{'subs/s':>10}")
    for label, seconds in timings.items():
        print(f"{label:<40}{seconds:>10.2f}{n / seconds:>10.1f}")
    grade_s = timings["quizkit grade --report (bwrap)"]
    label = f"nbclient re-execution ({len(sample)} run, x{n / len(sample):.3g})" if len(sample) < n else "nbclient re-execution"
    print(f"{label:<40}{rerun_s:>10.2f}{n / rerun_s:>10.2f}")
    print(f"ratio: quizkit grade --report is {rerun_s / grade_s:.0f}x faster than re-executing")
    if len(sample) < n:
        print(f"(re-execution extrapolated from {len(sample)} of {n} notebooks, {sample_s:.1f} s measured)")
    batch_ms = (timings["quizkit grade CSV+JSON (bwrap)"] - timings["quizkit grade CSV+JSON (no isolation)"]) / max(code_answers, 1) * 1000
    print(f"code answers graded: {code_answers}; isolation cost per code answer: {batch_ms:.0f} ms of batch wall time "
          f"({os.cpu_count()} cores)")
    print(f"one code answer alone: {direct['bwrap']:.0f} ms with bwrap and its per-submission limits, "
          f"{direct['bwrap, no cgroup']:.0f} ms with bwrap and per-process limits only, {direct['none']:.0f} ms without "
          f"isolation (the limits cost {direct['bwrap'] - direct['bwrap, no cgroup']:.0f} ms, isolation "
          f"{direct['bwrap, no cgroup'] - direct['none']:.0f} ms)")
    plain_s = timings["quizkit grade, key without code"]
    verdict = "met" if plain_s < TARGET_S else "NOT met"
    print(f"target: {n} submissions without code answers in under {TARGET_S:g} s on {os.cpu_count()} cores: "
          f"{plain_s:.1f} s, {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
