"""What a learner sees is clean: the saved outputs of every lesson, and what run() prints.

The scan reads every notebook in notebooks/ as saved (what a learner opens) and fails on:
a stderr stream (the red box), a Python warning, an error output (an unasked traceback),
an absolute path of the machine that executed it, a float printed with 7+ decimals, a count
printed with decimals ("support 90.000"), a raw Trainer log dict, or a stack of progress bars in one cell. The one stderr text allowed is the traceback that
``quizkit.expect_error`` prints for an error the lesson causes on purpose (it is asked for);
it is scanned for paths and warnings like everything else.
"""

import re
import shutil
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))

WARNING = re.compile(r"\b[A-Z]\w*Warning\b")
# A path with at least two components starting at the root ("/work/x", "/usr/lib/..."), or a
# Windows drive path; not a URL (its slashes follow ":" or "/" or a host name).
ABSOLUTE_PATH = re.compile(r"(?<![\w.:/~-])/(?:[\w.+-]+/)+[\w.+-]*|\b[A-Z]:\\\\?[\w.-]+")
LONG_FLOAT = re.compile(r"(?<![\w.])\d+\.\d{7,}\b")
# A count shown with decimals ("support 90.000", "tp: 45.000") in a table or a listing.
COUNT_AS_FLOAT = re.compile(r"\b(?:support|tp|fp|fn|tn|n)\b(?:</t[dh]>\s*<td>|['\"]?\s*[:=]\s*)\d+\.\d+")
PROGRESS_BAR = re.compile(r"(\d+)%\|")
# The Trainer's printed log dicts ({'loss': '0.6815', 'grad_norm': ...}, {'eval_loss': ...}).
RAW_LOG = re.compile(r"\{'(?:eval_)?loss': ")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _texts(output: dict) -> list[str]:
    """The human-readable texts of one output (streams, plain/Markdown/HTML, tracebacks)."""
    kind = output["output_type"]
    if kind == "stream":
        return [output["text"]]
    if kind == "error":
        return [ANSI.sub("", line) for line in output["traceback"]] + [output["evalue"]]
    data = output.get("data", {})
    texts = [data[mime] for mime in ("text/plain", "text/markdown", "text/html") if mime in data]
    return [t if isinstance(t, str) else "".join(t) for t in texts]


def problems_in(notebook: dict) -> list[str]:
    """Every unclean output of a notebook, as 'cell N: what' lines."""
    found = []
    for n, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        bars = 0
        expects_error = "expect_error(" in cell.source
        for output in cell.get("outputs", []):
            intended = expects_error and output.get("text", "").startswith("Traceback (most recent call last):")
            if output["output_type"] == "stream" and output["name"] == "stderr" and not intended:
                found.append(f"cell {n}: stderr stream: {output['text'][:120]!r}")
            if output["output_type"] == "error":
                found.append(f"cell {n}: error output {output['ename']}: {output['evalue'][:120]!r}")
            for text in _texts(output):
                shares = PROGRESS_BAR.findall(text)
                bars += len(shares)
                # A saved bar short of 100% reads as a cell that never finished.
                found += [f"cell {n}: a progress bar left at {share}%: {text[:60]!r}" for share in shares if share != "100"]
                for pattern, what in ((WARNING, "warning"), (ABSOLUTE_PATH, "absolute path"), (LONG_FLOAT, "long float"),
                                      (COUNT_AS_FLOAT, "count with decimals"), (RAW_LOG, "raw log dict")):
                    match = pattern.search(text)
                    if match:
                        found.append(f"cell {n}: {what}: {text[max(0, match.start() - 40):match.end() + 40]!r}")
        if bars > 1:
            found.append(f"cell {n}: a stack of {bars} progress bars")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_saved_outputs_are_clean(path):
    problems = problems_in(nbformat.read(path, as_version=4))
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def _output(output_type="stream", **fields):
    return nbformat.from_dict({"output_type": output_type, **fields})


def _notebook(*outputs, source=""):
    return nbformat.from_dict({"cells": [{"cell_type": "code", "source": source, "outputs": list(outputs)}]})


@pytest.mark.parametrize("output, what", [
    (_output(name="stderr", text="anything\n"), "stderr stream"),
    (_output(name="stdout", text="/srv/course/quizkit/train.py:649: UserWarning: tiny\n"), "warning"),
    (_output(name="stdout", text="Couldn't find a module script at /home/ada/notebooks/rouge/rouge.py.\n"), "absolute path"),
    (_output(name="stdout", text=r"saved to C:\Users\ada\runs" + "\n"), "absolute path"),
    (_output("display_data", data={"text/plain": "recall 0.4727012498926094"}, metadata={}), "long float"),
    (_output("display_data", data={"text/html": "<tr><td>support</td><td>90.000</td></tr>"}, metadata={}), "count with decimals"),
    (_output(name="stdout", text="{'tp': 45.0, 'fp': 10.0}\n"), "count with decimals"),
    (_output(name="stdout", text="{'loss': '0.6815', 'grad_norm': '0.618', 'epoch': '0.1852'}\n"), "raw log dict"),
    (_output(name="stdout", text="{'eval_loss': 0.502, 'eval_f1': 0.9}\n"), "raw log dict"),
    (_output("error", ename="ValueError", evalue="boom", traceback=["\x1b[31mValueError\x1b[39m: boom"]), "error output"),
    (_output("display_data", data={"text/plain": "Tokenizing:  50%|#####     | 1/2"}, metadata={}), "progress bar left at 50%"),
    (_output("display_data", data={"text/plain": "Tokenizing: 100%|##########| 2/2"}, metadata={}), None),
])
def test_the_scan_catches_each_kind_of_mess(output, what):
    problems = problems_in(_notebook(output))
    if what is None:
        assert problems == []  # one finished progress bar alone is fine
    else:
        assert any(what in p for p in problems), problems


def test_an_expected_errors_traceback_is_allowed_but_still_scanned():
    traceback = 'Traceback (most recent call last):\n  File "Cell In[3]", line 2, in <module>\nTypeError: bad\n'
    source = "with quizkit.expect_error(TypeError):\n    f()"
    assert problems_in(_notebook(_output(name="stderr", text=traceback), source=source)) == []
    assert problems_in(_notebook(_output(name="stderr", text=traceback)))  # not asked for: flagged
    leaky = traceback.replace("Cell In[3]", "/srv/site-packages/x.py")
    assert any("absolute path" in p for p in problems_in(_notebook(_output(name="stderr", text=leaky), source=source)))


def test_expect_error_shows_paths_in_messages_relative_to_the_working_folder(tmp_path, monkeypatch):
    from quizkit.explain import short_traceback

    monkeypatch.chdir(tmp_path)
    try:
        raise FileNotFoundError(f"Couldn't find a module script at {tmp_path / 'rouge' / 'rouge.py'}.")
    except FileNotFoundError as exc:
        text = short_traceback(exc)
    assert "Couldn't find a module script at rouge/rouge.py." in text and str(tmp_path) not in text


def test_the_scan_passes_clean_text_and_flags_a_stack_of_bars():
    clean = _output("display_data", metadata={}, data={
        "text/plain": "recall 0.56 [0.27, 0.81] (n=9); see https://huggingface.co/docs/transformers/main_classes/trainer",
        "text/markdown": "Saved to `runs/overfit-minilm/run.json`; 25/26 against 59/64; <b>bold</b></td>",
        "text/html": "<tr><td>support</td><td>90</td></tr><tr><td>recall</td><td>0.560</td></tr> (n=9)",
    })
    assert problems_in(_notebook(clean)) == []
    bar = _output("display_data", data={"text/plain": "Tokenizing:   0%|          | 0/90"}, metadata={})
    done = _output("display_data", data={"text/plain": "Tokenizing: 100%|##########| 90/90"}, metadata={})
    assert problems_in(_notebook(done, done, done)) == ["cell 0: a stack of 3 progress bars"]
    assert problems_in(_notebook(done)) == []
    assert problems_in(_notebook(bar)) == ["cell 0: a progress bar left at 0%: 'Tokenizing:   0%|          | 0/90'"]


@pytest.mark.slow
def test_a_tiny_run_in_a_kernel_leaves_only_clean_outputs():
    """run() and tokenize() in a real kernel: no warning box, no stack of bars, the tiny model's info line."""
    from nbclient import NotebookClient

    source = (
        "from quizkit.train import run\n"
        "result = run(model='tiny', data={'task': 'spam', 'n': 120}, epochs=2, max_length=32, learning_rate=1e-3,\n"
        "             eval_strategy='steps', eval_steps=3, early_stopping_patience=1, metric_for_best_model='loss')\n"
        "print(f'steps {result.steps} of {result.planned_steps}, evaluations {len(result.eval_history)}')\n"
        "from quizkit.data import make_dataset, tokenize\n"
        "tokenize(make_dataset('spam', n=60), result.trainer.processing_class, max_length=16)"
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    outputs = notebook.cells[0].outputs
    assert problems_in(notebook) == []
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "quizkit: model 'tiny' starts from random weights (not pretrained)" in text and "steps " in text
    # quizkit's progress display instead of the Trainer's: one line, one table row per evaluation.
    steps, planned, evals = map(int, re.search(r"steps (\d+) of (\d+), evaluations (\d+)", text).groups())
    shown = [o["data"]["text/plain"] for o in outputs if "data" in o]
    done = [t for t in shown if t.startswith("Trained ")]
    assert len(done) == 1 and done[0].startswith(f"Trained {steps}/{planned} steps"), shown
    tables = [t for t in shown if re.match(r"\s*epoch +step +training loss +validation loss", t)]
    assert len(tables) == 1 and len(tables[0].splitlines()) == 1 + evals, shown
    assert not any("%|" in t for t in shown), shown


@pytest.mark.slow
def test_lesson_02s_trainer_cell_leaves_no_folder_and_a_tidy_log(tmp_path):
    """Lesson 02 up to its hand-built Trainer, run where a learner runs it: nothing is written
    beside the lesson, and the cell shows one line and one table row (no raw log dicts)."""
    from nbclient import NotebookClient

    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copytree(Path(__file__).parents[2] / "lessons", tmp_path / "lessons")  # a checkout's layout
    lesson = nbformat.read(Path(__file__).parents[2] / "notebooks" / "02-first-fine-tune.ipynb", as_version=4)
    trainer_cell = next(i for i, c in enumerate(lesson.cells) if "trainer = Trainer(" in c.source)
    lesson.cells = lesson.cells[: trainer_cell + 1]
    NotebookClient(lesson, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    assert [p.name for p in folder.iterdir()] == []
    assert problems_in(lesson) == []
    shown = [o["data"]["text/plain"] for o in lesson.cells[trainer_cell].outputs if "data" in o]
    assert sum(t.startswith("Trained ") for t in shown) == 1, shown
    table = next(t for t in shown if re.match(r"\s*epoch +step", t))
    assert len(table.splitlines()) == 2, table  # one epoch, evaluated once (trainer.evaluate() adds no row)
