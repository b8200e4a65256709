"""Scripted submissions: execute a notebook as a learner would, for tests, benchmarks and demos.

>>> from quizkit.quiz.loading import load_bank
>>> right, wrong = key_answers(load_bank("00-start-here"))
>>> right["what-is-fine-tuning"] != wrong["what-is-fine-tuning"]
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


def scripted_submission(
    notebook: str | Path,
    answers: Mapping[str, Any] | Sequence[tuple[str, Any]],
    out: str | Path,
    *,
    student: str | None = None,
    timeout: int = 600,
) -> Path:
    """Execute ``notebook`` with nbclient as a learner would, submitting ``answers``; save to ``out``.

    ``answers`` maps ``"lesson/question"`` to what the learner submits (an option id, a list,
    a number, text, or code source); a sequence of pairs scripts several attempts. The
    answers go in one cell appended to the notebook, through the notebook's own
    :class:`~quizkit.quiz.widget.Quiz` for that lesson (one is made if it has none), so the asking
    cells' records update as they do in JupyterLab. ``student`` goes into the notebook's
    metadata (``metadata.quizkit.student``). The kernel runs in the notebook's folder.

    >>> scripted_submission("notebooks/00-start-here.ipynb",
    ...                     {"00-start-here/what-is-fine-tuning": "B"}, "subs/ann.ipynb")  # doctest: +SKIP
    """
    import nbformat
    from nbclient import NotebookClient

    notebook, out = Path(notebook), Path(out)
    pairs = list(answers.items()) if isinstance(answers, Mapping) else list(answers)
    lines = [
        "from quizkit.quiz import Quiz as _QuizkitQuiz",
        "_quizkit_quizzes = {v.bank.id: v for v in list(globals().values()) if isinstance(v, _QuizkitQuiz)}",
    ]
    for key, value in pairs:
        lesson, _, question = key.partition("/")
        if not question:
            raise ValueError(f"answers: keys are 'lesson/question', not {key!r}")
        lines += [
            f"_q = _quizkit_quizzes.get({lesson!r}) or _quizkit_quizzes.setdefault({lesson!r}, _QuizkitQuiz({lesson!r}))",
            f"getattr(_q, _q.bank.question({question!r}).answered_with)({question!r}, {value!r})",
        ]
    nb = nbformat.read(notebook, as_version=4)
    if pairs:
        nb.cells.append(nbformat.v4.new_code_cell("\n".join(lines)))
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(notebook.parent.resolve())}}).execute()
    if student is not None:
        nb.metadata.setdefault("quizkit", {})["student"] = student
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)
    return out


def key_answers(bank: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(right, wrong) answer per question id, read from a bank's key: scripts for
    :func:`scripted_submission`. Each question type says what its examples are
    (``example_answers``): code questions with a ``reference`` get it as the right answer and
    their starter as the wrong one; other code questions are left out.

    >>> from quizkit.quiz.loading import load_bank
    >>> right, wrong = key_answers(load_bank("00-start-here"))
    >>> right["what-is-fine-tuning"], wrong["what-is-fine-tuning"]
    ('B', 'A')
    >>> right["write-accuracy"].startswith("def accuracy(")
    True
    """
    right, wrong = {}, {}
    for q in bank.questions.values():
        examples = q.example_answers()
        if examples is not None:
            right[q.id], wrong[q.id] = examples
    return right, wrong
