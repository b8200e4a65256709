"""Quiz cells: ask a bank's questions with core ipywidgets, score them, save the answers.

Every submitted answer (Submit button, :meth:`Quiz.answer` or :meth:`Quiz.check`) becomes an
answer record in the notebook itself (see :mod:`quizkit.quiz.records`): ``ask`` leaves a display in
its cell that each submit updates, so the saved ``.ipynb`` holds the latest answer.

>>> quiz = Quiz("00-start-here")                      # doctest: +SKIP
>>> quiz.ask("what-is-fine-tuning")                   # doctest: +SKIP
>>> quiz.answer("what-is-fine-tuning", "B")           # doctest: +SKIP
>>> quiz.check("write-accuracy", accuracy)            # doctest: +SKIP
>>> quiz.progress()                                   # doctest: +SKIP
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quizkit.quiz.loading import load_bank
from quizkit.quiz.records import bundle, make_record
from quizkit.quiz.schema import FEEDBACK_MODES, Bank
from quizkit.quiz.style import question_style
from quizkit.quiz.scoring import AnswerError, Score
from quizkit.textbox import text_box


@dataclass
class QuestionState:
    """What this Quiz has seen for one question in this kernel session."""

    attempts: int = 0
    answer: Any = None
    correct: bool | None = None
    points: float = 0.0
    record: dict[str, Any] | None = None
    # The learner asked to see the solution: later answers are recorded as revealed.
    revealed: bool = False


@dataclass
class Submission:
    """The outcome of one submit: learner-facing message, and the record (None if not counted)."""

    message: str
    record: dict[str, Any] | None = None
    score: Score | None = field(default=None, repr=False)


def _markdown(text: str, plain: str | None = None) -> dict[str, str]:
    return {"text/markdown": text, "text/plain": plain if plain is not None else text}


def _display(data: dict[str, Any], **kwargs: Any) -> Any:
    from IPython.display import display

    return display(data, raw=True, **kwargs)


class Quiz:
    """The questions of one lesson, asked in notebook cells.

    ``lesson`` is a lesson id (``lessons/<id>.yaml``) or a path to a bank (a released copy
    works too). ``feedback`` is "instant" (right/wrong and explanations) or "none" (exam: the
    answer is recorded, nothing is revealed); it defaults to the bank's ``feedback``.
    ``student`` is stored in every record. ``limits`` (a :class:`quizkit.sandbox.Limits`)
    bounds each run of a code question's checks; the sandbox's defaults otherwise.
    ``shuffle=True`` shows each choice question's options in an order of their own for every
    student (seeded by ``student``, so a re-run shows the same order); options keep their ids,
    so answers and records do not depend on the order.
    """

    def __init__(self, lesson: str | Path, feedback: str | None = None, student: str | None = None,
                 *, limits: Any = None, shuffle: bool = False):
        self.bank: Bank = load_bank(lesson)
        mode = self.bank.feedback if feedback is None else feedback
        if mode not in FEEDBACK_MODES:
            raise ValueError(f"feedback must be one of {', '.join(map(repr, FEEDBACK_MODES))}, not {feedback!r}")
        if student is not None and not isinstance(student, str):
            raise TypeError(f"student must be a str, not {type(student).__name__}")
        if mode == "instant" and not self.bank.has_key:
            raise ValueError(f"{self.bank.path}: this exam copy holds no answer key, so it cannot give instant feedback; use feedback='none'")
        if not isinstance(shuffle, bool):
            raise TypeError(f"shuffle must be True or False, not {shuffle!r}")
        if limits is not None:
            from quizkit.sandbox import Limits

            if not isinstance(limits, Limits):
                raise TypeError(f"limits must be a quizkit.sandbox.Limits (e.g. Limits(wall_s=5)), not {limits!r}")
        self.feedback = mode
        self.student = student
        self.limits = limits
        self.shuffle = shuffle
        self._states: dict[str, QuestionState] = {}
        self._handles: dict[str, Any] = {}
        self._views: dict[str, _QuestionView] = {}

    def __repr__(self) -> str:
        return f"Quiz({self.bank.id!r}, feedback={self.feedback!r}, {len(self.bank.questions)} questions)"

    # ------------------------------------------------------------------ public API

    def state(self, question_id: str) -> QuestionState:
        """Attempts and latest answer for a question (ValueError for an unknown id)."""
        self.bank.question(question_id)
        return self._states.setdefault(question_id, QuestionState())

    def submit(self, question_id: str, value: Any) -> Submission:
        """Score and record an answer without displaying anything (used by the widget and code paths)."""
        q = self.bank.question(question_id)
        instant = self.feedback == "instant"
        try:
            stored = q.stored_answer(value)
            score = q.practice_score(stored, self.limits) if instant else None  # exam: record only, the grader scores
        except AnswerError as e:
            return Submission(f"⚠️ {e} _(Not counted as an attempt.)_")
        st = self.state(question_id)
        st.attempts += 1
        st.answer = stored
        st.correct = score.correct if score else None
        st.points = score.points if score else 0.0
        st.record = make_record(
            lesson=self.bank.id,
            question=q.id,
            type=q.type,
            answer=stored,
            attempts=st.attempts,
            bank_hash=self.bank.key_hash,
            student=self.student,
            correct=st.correct,
            revealed=st.revealed,
        )
        return Submission(self._message(q, score, st.attempts), st.record, score)

    def ask(self, question_id: str) -> None:
        """Show a question: Markdown prompt, input widget, Submit, Hint, feedback, attempts.

        Where widgets cannot render, the widget's text fallback tells the learner to answer
        with :meth:`answer` / :meth:`check`.
        """
        q = self.bank.question(question_id)
        points = f"{q.points:g} point{'s' if q.points != 1 else ''}"
        _display(_markdown(f"**Question `{q.id}`** · {points}\n\n{q.prompt}", f"Question {q.id} ({points})\n\n{q.prompt}"))
        view = _QuestionView(self, q, fallback=self._text_fallback(q))
        self._views[q.id] = view
        from IPython.display import display

        display(view.box)
        st = self.state(q.id)
        placeholder = bundle(st.record) if st.record else {"text/plain": f"quizkit: no answer recorded yet for {self.bank.id}/{q.id}"}
        handle = _display(placeholder, display_id=True)
        if handle is not None:  # None outside IPython: there is no cell to update
            self._handles[q.id] = handle

    def answer(self, question_id: str, value: Any) -> None:
        """Answer in code: option id(s) (``"B"``, ``["A", "C"]``), a number, or text."""
        self._submit_in_cell(question_id, value)

    def check(self, question_id: str, obj_or_source: Any) -> None:
        """Run a code question's checks on the learner's function (or source string) in a sandbox."""
        q = self.bank.question(question_id)
        if q.answered_with != "check":
            raise ValueError(f"question {question_id!r} is a {q.type} question; answer it with quiz.{q.answered_with}({question_id!r}, ...)")
        self._submit_in_cell(question_id, obj_or_source)

    def reveal(self, question_id: str) -> None:
        """Show the worked solution of a question and remember that it was shown.

        Answers given after this are recorded with ``revealed: true`` (so is the latest answer,
        when it was not right yet); ``quizkit grade`` counts them as the instructor chooses (no
        points by default). Not available in exam mode.
        """
        _display(_markdown(self._reveal(question_id)))

    def _reveal(self, question_id: str) -> str:
        q = self.bank.question(question_id)
        if self.feedback == "none":
            raise ValueError(f"question {question_id!r}: this is an exam (feedback='none'); solutions are not shown")
        if q.released:  # nothing to show: the key is sealed, so nothing is recorded either
            return q.solution()
        st = self.state(question_id)
        st.revealed = True
        if st.record is not None and not st.correct and not st.record.get("revealed"):
            st.record = {**st.record, "revealed": True}
            if question_id in self._handles:
                self._handles[question_id].update(bundle(st.record), raw=True)
        return q.solution()

    def options(self, question_id: str) -> list[Any]:
        """A choice question's options in the order this learner sees them.

        The bank's order, or with ``shuffle=True`` an order drawn from the student id, the
        lesson and the question, so each student keeps one order across re-runs.

        >>> ada = Quiz("09-final-check", feedback="none", student="ada", shuffle=True)
        >>> again = Quiz("09-final-check", feedback="none", student="ada", shuffle=True)
        >>> [o.id for o in ada.options("purpose")] == [o.id for o in again.options("purpose")]
        True
        >>> sorted(o.id for o in ada.options("purpose"))
        ['A', 'B', 'C', 'D']
        """
        q = self.bank.question(question_id)
        options = list(getattr(q, "options", []))
        if self.shuffle:
            # A str seed is hashed with SHA-512 by random.seed: the same order in every process.
            random.Random(f"{self.student or ''}|{self.bank.id}|{q.id}").shuffle(options)
        return options

    def progress(self) -> None:
        """Show a table of the questions: answered or not, attempts and (instant mode) points."""
        _display(_markdown(*self._progress_tables()))

    # ------------------------------------------------------------------ internals

    def _submit_in_cell(self, question_id: str, value: Any) -> None:
        result = self.submit(question_id, value)
        _display(_markdown(result.message))
        if result.record is not None:
            data = bundle(result.record)
            _display(data)
            # Keep the asking cell's record (and its widget) in step with the code path.
            if question_id in self._handles:
                self._handles[question_id].update(data, raw=True)
            if question_id in self._views:
                self._views[question_id].show(result)

    def _message(self, q: Any, score: Score | None, attempts: int) -> str:
        attempt = f"_Attempt {attempts}._"
        if self.feedback == "none":
            return f"Answer recorded. {attempt}"
        if score is None:
            return f"Answer recorded; your instructor runs the checks for this question. {attempt}"
        verdict = f"✅ **Correct** (+{score.points:g})" if score.correct else "❌ **Not quite.**"
        return f"{verdict} {attempt}\n\n{score.feedback}".rstrip()

    def _variable_name(self) -> str:
        """The learner's name for this Quiz object, so the fallback text can be pasted as is."""
        try:
            from IPython import get_ipython

            ns = get_ipython().user_ns  # type: ignore[union-attr]
            return next(name for name, value in ns.items() if value is self and not name.startswith("_"))
        except (AttributeError, StopIteration):
            return "quiz"

    def _text_fallback(self, q: Any) -> str:
        name = self._variable_name()
        # The same text shows before the cell runs (JupyterLab, Notebook 7: no live widget yet)
        # and where widgets never show (a static viewer): it must be true in both.
        lines = ["(Run this cell to answer with buttons. Where none show after it ran, answer in code:)"]
        *listing, call = q.fallback_lines(name, self.options(q.id))
        return "\n".join([*listing, *lines, call])

    def _progress_tables(self) -> tuple[str, str]:
        exam = self.feedback == "none"
        head = ["question", "type", "answered", "attempts"] + ([] if exam else ["correct", "points"])
        rows, earned, total = [], 0.0, 0.0
        for q in self.bank.questions.values():
            st = self._states.get(q.id, QuestionState())
            total += q.points
            earned += st.points
            row = [q.id, q.type, "yes" if st.attempts else "no", str(st.attempts)]
            if not exam:
                verdict = {True: "yes", False: "no", None: "-"}[st.correct] if st.attempts else "-"
                row += [verdict, f"{st.points:g} / {q.points:g}"]
            rows.append(row)
        answered = sum(1 for q in self.bank.questions if self._states.get(q, QuestionState()).attempts)
        summary = f"{answered} of {len(rows)} questions answered"
        if not exam:
            summary += f"; {earned:g} of {total:g} points so far"
        md = "\n".join(
            [f"**{self.bank.title}** ({self.bank.id}): {summary}.", "", "| " + " | ".join(head) + " |",
             "|" + "---|" * len(head)] + ["| " + " | ".join(r) + " |" for r in rows]
        )
        plain = "\n".join([f"{self.bank.id}: {summary}."] + ["  " + "  ".join(r) for r in rows])
        return md, plain


class _QuestionView:
    """The widgets of one asked question (core ipywidgets only)."""

    def __init__(self, quiz: Quiz, question: Any, fallback: str = ""):
        import ipywidgets as w

        self.quiz, self.question = quiz, question
        q = question
        self.options = quiz.options(q.id)  # display order; answers carry option ids
        self.input: Any = q.widget(self.options)
        self.submit_button = w.Button(description="Submit", button_style="primary", icon="check")
        self.hint_button = w.Button(description=self._hint_label(0), disabled=not q.hints, icon="lightbulb-o")
        # Recorded as revealed: the instructor decides what a later right answer is worth.
        self.solution_button = w.Button(description="Show solution", icon="eye", disabled=quiz.feedback == "none",
                                        tooltip="Shows the worked answer; your answer is then recorded as revealed")
        self.attempts = w.Label(value=self._attempt_label())
        self.hints = w.Output()
        self.feedback = w.Output()
        self.shown_hints = 0
        self.submit_button.on_click(lambda _: self.on_submit())
        self.hint_button.on_click(lambda _: self.on_hint())
        self.solution_button.on_click(lambda _: self.on_reveal())
        buttons = w.HBox([self.submit_button, self.hint_button, self.solution_button, self.attempts])
        self.box = text_box([self.input, buttons, self.hints, self.feedback])
        self.box.children = (question_style(self.box), *self.box.children)
        # What a front end without widgets shows: how to answer in code.
        self.box.text = fallback

    def _hint_label(self, shown: int) -> str:
        return f"Hint ({shown}/{len(self.question.hints)})"

    def _attempt_label(self) -> str:
        n = self.quiz.state(self.question.id).attempts
        return f"Attempts: {n}"

    def value(self) -> Any:
        return self.question.widget_value(self.input, self.options)

    @staticmethod
    def _set(output: Any, markdown: str) -> None:
        # Set the Output's state directly: it reaches the front-end and works without a kernel.
        output.outputs = ({"output_type": "display_data", "data": _markdown(markdown), "metadata": {}},)

    def on_submit(self) -> None:
        if self.question.scoring_message:
            self._set(self.feedback, self.question.scoring_message)
        else:
            self.feedback.outputs = ()
        # In the Output's context an error raised while checking is shown in the cell, under
        # the question; a widget callback's error would otherwise go to JupyterLab's log console.
        with self.feedback:
            result = self.quiz.submit(self.question.id, self.value())
            if result.record is not None and self.question.id in self.quiz._handles:
                self.quiz._handles[self.question.id].update(bundle(result.record), raw=True)
            self.show(result)

    def show(self, result: Submission) -> None:
        self._set(self.feedback, result.message)
        self.attempts.value = self._attempt_label()

    def on_reveal(self) -> None:
        with self.feedback:
            self._set(self.feedback, "📖 " + self.quiz._reveal(self.question.id)
                      + "\n\n_Shown on request: answers from now on are recorded as revealed._")

    def on_hint(self) -> None:
        hints = self.question.hints
        if self.shown_hints < len(hints):
            self.shown_hints += 1
            text = "\n\n".join(f"💡 **Hint {i + 1}.** {h}" for i, h in enumerate(hints[: self.shown_hints]))
            self._set(self.hints, text)
        self.hint_button.description = self._hint_label(self.shown_hints)
        self.hint_button.disabled = self.shown_hints >= len(hints)
