"""Code questions: the learner writes a function; checks call it in a separate process.

The learner's code runs isolated (:mod:`quizkit.sandbox`) and only plain data comes back;
it is judged here against the key (:func:`quizkit.quiz.judge.judge_code`).
Hidden checks run only when grading; a student copy holds the visible checks with their
expected values written out, never the reference solution.

>>> q = Code.model_validate({"id": "q", "type": "code", "prompt": "Double it.", "entry": "double",
...                          "checks": [{"name": "two", "args": [2], "expect": 4}]})
>>> q.answered_with, q.key_options(), q.example_answers()
('check', ((), ()), None)
"""

from __future__ import annotations

import copy
import inspect
import json
import textwrap
from collections.abc import Sequence
from typing import Any, ClassVar, Literal

from pydantic import Field, PrivateAttr

from quizkit.quiz.questions.base import Question, Strict
from quizkit.quiz.scoring import AnswerError, Score, code_score

NOT_GRADED = "not graded: no isolation available"


class Check(Strict):
    """One call of the learner's function and what it must give (see the README's check format).

    The call is made in the computing process: ``args``/``kwargs`` (plain data) or ``call``, a
    Python expression over the setup's names and ``answer`` (for inputs that are not plain
    data). ``observe`` maps names to expressions over the output ``out`` when the output itself
    is not plain data. What it must give stays in the key: ``expect`` (plain data, numbers
    within ``tolerance``), ``raises`` (an exception type name), or, with neither, what the
    question's ``reference`` returns for the same ``args``.
    """

    name: str = Field(min_length=1)
    hidden: bool = False
    args: list[Any] | None = None
    kwargs: dict[str, Any] | None = None
    call: str | None = Field(default=None, min_length=1)
    observe: dict[str, str] | None = None
    expect: Any = None
    raises: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    tolerance: float = Field(default=1e-9, ge=0)
    message: str | None = Field(default=None, min_length=1)

    @property
    def has_expect(self) -> bool:
        return "expect" in self.model_fields_set

    def job_call(self) -> dict[str, Any]:
        """What the computing process is told: the call only, never the expected value."""
        if self.call is not None:
            call: dict[str, Any] = {"call": self.call}
        else:
            call = {"args": list(self.args or []), "kwargs": dict(self.kwargs or {})}
        if self.observe:
            call["observe"] = dict(self.observe)
        return call


def source_of(obj: Any, entry: str) -> str:
    """The learner's source code: a string as is, or the source of their function or class.

    When the function has another name than ``entry``, an alias line is added so the checks
    find it. AnswerError (a learner-facing message) when no source can be had.
    """
    if isinstance(obj, str):
        if not obj.strip():
            raise AnswerError("The code is empty; write your function first.")
        return obj
    name = getattr(obj, "__name__", None)
    if not (inspect.isfunction(obj) or inspect.isclass(obj)) or name == "<lambda>":
        raise AnswerError(
            f"Pass your function `{entry}` itself (without calling it) or its source code as a "
            f"string; got {type(obj).__name__}."
        )
    try:
        source = textwrap.dedent(inspect.getsource(obj))
    except (OSError, TypeError):
        raise AnswerError(f"quizkit cannot find the source of `{name}`; pass its source code as a string.") from None
    if name != entry:
        source += f"\n{entry} = {name}\n"
    return source


class Code(Question):
    type: Literal["code"]
    entry: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    setup: str = ""
    starter: str = ""
    checks: list[Check] = Field(default_factory=list)
    # The model solution, part of the key: computes expected values for checks without ``expect``.
    reference: str | None = Field(default=None, min_length=1)
    explanation: str | None = None
    _reference_fn: Any = PrivateAttr(default=None)

    # The explanation is usually the model solution.
    sealed_fields: ClassVar[tuple[str, ...]] = ("reference", "explanation")
    answered_with: ClassVar[str] = "check"
    max_answer_chars: ClassVar[int] = 100_000
    runs_code: ClassVar[bool] = True
    scoring_message: ClassVar[str | None] = "Running the checks…"

    def expected(self, check: Check) -> Any:
        """The expected value of a check: its ``expect``, or the reference's output on its args."""
        if check.has_expect or check.raises is not None:
            return check.expect
        if self.reference is None or check.call is not None or check.observe:
            raise ValueError(f"check '{check.name}' of {self.id} has no expect and no reference can compute it")
        if self._reference_fn is None:
            namespace: dict[str, Any] = {"__name__": "__quizkit_reference__"}
            exec(compile(self.reference, f"<{self.id} reference>", "exec"), namespace)  # noqa: S102 - the key's own code
            self._reference_fn = namespace[self.entry]
        from quizkit.sandbox.runner import plain

        return plain(self._reference_fn(*copy.deepcopy(check.args or []), **copy.deepcopy(check.kwargs or {})))

    def _solution(self) -> str:
        parts = [f"**A solution:**\n\n```python\n{self.reference.strip()}\n```"] if self.reference else []
        return "\n\n".join(parts + ([self.explanation] if self.explanation else [])) or "No worked solution in this bank."

    def run(self, source: str, limits: Any = None, *, hidden: bool = True, isolation: Any = None) -> tuple[Any, Score]:
        """Compute the learner's outputs in a separate process, then judge them here: ``(CheckOutcome, Score)``.

        ``hidden=False`` runs only the visible checks (what a learner sees while practising);
        the grader runs them all. ``isolation`` (:class:`quizkit.sandbox.Backend`):
        a plain child process when None.
        """
        from quizkit.quiz.judge import judge_code
        from quizkit.sandbox import NONE, compute

        checks = [c for c in self.checks if hidden or not c.hidden]
        job = {"setup": self.setup, "source": source, "entry": self.entry, "calls": [c.job_call() for c in checks]}
        outcome = judge_code(self, compute(job, isolation or NONE, limits), checks)
        return outcome, code_score(self, outcome, n_checks=len(checks))

    # ------------------------------------------------------------------ answers and scores

    def parse(self, answer: Any) -> str:
        if not isinstance(answer, str):
            raise AnswerError(f"a code answer is source text, not {type(answer).__name__}")
        return answer

    def stored_answer(self, value: Any) -> str:
        return source_of(value, self.entry)

    def practice_score(self, stored: Any, limits: Any = None) -> Score | None:
        # Hidden checks stay hidden while practising; with only hidden checks the grader scores it.
        if not any(not c.hidden for c in self.checks):
            return None
        return self.run(stored, limits, hidden=False)[1]

    def grade(self, answer: Any, limits: Any = None, isolation: Any = None) -> tuple[Score, dict[str, Any] | None]:
        """Every check, hidden ones included, computed under ``isolation`` (None: not graded, 0 points).

        The details carry what the computation spent (``cpu_s``, None where not counted, and
        ``wall_s``), measured by the grader, for the submission's budget.
        """
        source = self.parse(answer)
        if isolation is None:
            return Score(False, 0.0, self.points, NOT_GRADED), {
                "status": "not graded", "failed_check": None, "passed_checks": [], "message": NOT_GRADED,
                "isolation": "unavailable"}
        outcome, score = self.run(source, limits, hidden=True, isolation=isolation)
        return score, {"status": outcome.status, "failed_check": outcome.failed_check,
                       "passed_checks": list(outcome.passed_checks), "message": outcome.message,
                       "isolation": outcome.isolation, "cpu_s": outcome.cpu_s, "wall_s": outcome.duration_s}

    # ------------------------------------------------------------------ key and student copies

    def visible_checks(self) -> list[dict[str, Any]]:
        """Visible checks only, each with its expected value written out (the reference is not shipped)."""
        checks = []
        for check in self.checks:
            if not check.hidden:
                data = check.model_dump(mode="json", exclude_none=True)
                if not check.has_expect and check.raises is None:
                    data["expect"] = self.expected(check)
                checks.append(data)
        return checks

    def released_form(self, salt: str) -> dict[str, Any]:
        data = super().released_form(salt)
        data["checks"] = self.visible_checks()
        return data

    def exam_form(self) -> dict[str, Any]:
        data = super().exam_form()
        data["checks"] = self.visible_checks()
        return data

    def example_answers(self) -> tuple[Any, Any] | None:
        """The reference as the right answer and the starter as the wrong one (None without a reference)."""
        if not self.reference:
            return None
        return self.reference, self.starter or f"def {self.entry}(*args):\n    return None\n"

    # ------------------------------------------------------------------ validation

    def key_problems(self, released: bool, keyless: bool) -> list[tuple[str, str]]:
        return [("checks", "a code question needs at least one check")] if not self.checks and not released else []

    def problems(self, released: bool, keyless: bool) -> list[tuple[str, str]]:
        """Setup, reference, calls and observations compile; every check says what it must give."""
        problems = []
        snippets = [("setup", self.setup, "exec")] + ([("reference", self.reference, "exec")] if self.reference else [])
        for i, c in enumerate(self.checks):
            snippets += [(f"checks.{i}.call", c.call, "eval")] if c.call else []
            snippets += [(f"checks.{i}.observe.{k}", v, "eval") for k, v in (c.observe or {}).items()]
        for field, code, mode in snippets:
            try:
                compile(code, f"{self.id}:{field}", mode)
            except SyntaxError as e:
                problems.append((field, f"does not compile: {e.msg} (line {e.lineno})"))
        if released and self.reference:
            problems.append(("reference", "a released bank must not hold the reference solution"))
        for i, c in enumerate(self.checks):
            where = f"checks.{i}"
            if (c.call is None) == (c.args is None):
                problems.append((where, "give either args (plain data) or call (an expression using answer)"))
            if c.kwargs is not None and c.call is not None:
                problems.append((f"{where}.kwargs", "kwargs go with args, not with call"))
            if c.has_expect and c.raises is not None:
                problems.append((where, "give expect or raises, not both"))
            if c.has_expect:
                try:
                    json.dumps(c.expect, allow_nan=False)
                except (TypeError, ValueError):
                    problems.append((f"{where}.expect", "must be plain data (numbers, strings, booleans, null, lists, mappings)"))
            elif c.raises is None and not released and (self.reference is None or c.call is not None or c.observe):
                problems.append((f"{where}.expect", "missing: give expect or raises (a reference computes expect only for args without observe)"))
        if self.reference and not problems:
            problems += self._reference_problems()
        return problems

    def _reference_problems(self) -> list[tuple[str, str]]:
        """The reference must define the entry and agree with every written ``expect`` it could compute."""
        from quizkit.quiz.judge import same

        problems = []
        for i, c in enumerate(self.checks):
            if c.call is not None or c.observe or c.raises is not None:
                continue
            try:
                got = self.expected(Check.model_validate(c.model_dump(exclude={"expect"})))
            except Exception as e:  # noqa: BLE001 - the instructor's code: report it as a bank problem
                problems.append(("reference", f"the reference fails on check '{c.name}': {type(e).__name__}: {e}"))
                break
            if c.has_expect and not same(got, c.expect, c.tolerance):
                problems.append((f"checks.{i}.expect", f"the reference gives {got!r}, not the expected {c.expect!r}"))
        return problems

    # ------------------------------------------------------------------ notebook

    def fallback_lines(self, quiz_name: str, options: Sequence[Any]) -> list[str]:
        return [f"  {quiz_name}.check({self.id!r}, {self.entry})   # after defining {self.entry}"]

    def widget(self, options: Sequence[Any]) -> Any:
        """A code box (Tab indents, as in a code cell) holding the starter code."""
        import ipywidgets as w

        from quizkit.quiz.code_box import code_box

        rows = max(6, self.starter.count("\n") + 3)
        return code_box(self.starter, rows=rows, layout=w.Layout(width="100%"), placeholder=f"def {self.entry}(...):")
