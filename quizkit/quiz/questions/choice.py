"""Choice questions: the learner picks one option (:class:`SingleChoice`) or a set of them (:class:`MultipleChoice`).

Answers are option ids; every option carries the explanation shown when it is picked.

>>> q = SingleChoice.model_validate({"id": "q", "type": "single_choice", "prompt": "Pick", "correct": "B",
...     "options": [{"id": "A", "text": "no", "explanation": "Wrong."}, {"id": "B", "text": "yes", "explanation": "Right."}]})
>>> q.score("b").correct, q.key_options(), q.example_answers()
(True, (('A', 'B'), ('B',)), ('B', 'A'))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal

from pydantic import Field

from quizkit.quiz.questions.base import Question, Strict
from quizkit.quiz.scoring import Lock, Score, make_lock, parse_options


class Option(Strict):
    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    # Required in banks (it is the feedback); absent only in released exam copies.
    explanation: str | None = Field(default=None, min_length=1)


class Choice(Question):
    """What both choice types share: options, per-option explanations, option statistics."""

    options: list[Option] = Field(min_length=2)
    key: list[Lock] | None = None

    key_field: ClassVar[str | None] = "correct"
    sealed_fields: ClassVar[tuple[str, ...]] = ("correct",)

    @property
    def option_ids(self) -> list[str]:
        return [o.id for o in self.options]

    def _keyed(self) -> list[str]:
        correct = getattr(self, "correct", None)
        return [correct] if isinstance(correct, str) else list(correct or [])

    def _explain(self, chosen: Sequence[str]) -> str:
        by_id = {o.id: o for o in self.options}
        return "\n\n".join(f"**{i}.** {by_id[i].explanation}" for i in chosen if by_id[i].explanation)

    def _solution(self) -> str:
        keyed = self._keyed()
        return (f"**Solution:** {', '.join(keyed)}.\n\n"
                + "\n\n".join(f"**{o.id}.** {o.explanation}" for o in self.options if o.explanation))

    def exam_form(self) -> dict[str, Any]:
        data = super().exam_form()
        for option in data["options"]:
            option.pop("explanation", None)
        return data

    def problems(self, released: bool, keyless: bool) -> list[tuple[str, str]]:
        ids = self.option_ids
        problems = []
        for n, option in enumerate(self.options):
            if option.explanation is None and not keyless:
                problems.append((f"options.{n}.explanation", "missing (say why this option is right or wrong)"))
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            problems.append(("options", f"option id {dup!r} is used twice"))
        for c in self._keyed():
            if c not in ids:
                problems.append(("correct", f"correct option {c!r} is not among {', '.join(ids)}"))
        return problems

    def key_options(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return tuple(self.option_ids), tuple(self._keyed())

    @classmethod
    def picked_options(cls, answer: Any, options: Sequence[str]) -> set[str]:
        picked = [answer] if isinstance(answer, str) else answer if isinstance(answer, list) else []
        return {a for a in picked if isinstance(a, str) and a in options}


class SingleChoice(Choice):
    type: Literal["single_choice"]
    correct: str | None = None

    def parse(self, answer: Any) -> str:
        """The option id the learner chose (AnswerError if there is no such option)."""
        return parse_options(answer, many=False, known=self.option_ids)[0]

    def score(self, answer: Any) -> Score:
        chosen = self.parse(answer)
        right = self._match_lock([chosen]) is not None if self.released else chosen == self.correct
        return self._score(right, self._explain([chosen]))

    def locks(self, salt: str) -> list[Lock]:
        assert self.correct is not None
        return [make_lock(salt, self.id, self.correct)]

    def example_answers(self) -> tuple[Any, Any] | None:
        if self.correct is None:
            return None
        return self.correct, next(o.id for o in self.options if o.id != self.correct)

    def key_is_longest_option(self) -> bool | None:
        if self.correct is None:
            return None
        key = next(o for o in self.options if o.id == self.correct)
        return all(len(key.text) > len(o.text) for o in self.options if o is not key)

    def fallback_lines(self, quiz_name: str, options: Sequence[Any]) -> list[str]:
        return [f"  {o.id}. {o.text}" for o in options] + [f"  {quiz_name}.answer({self.id!r}, '<option id>')"]

    def widget(self, options: Sequence[Any]) -> Any:
        import ipywidgets as w

        return w.RadioButtons(options=[(f"{o.id}. {o.text}", o.id) for o in options], value=None, layout=w.Layout(width="100%"))

    def widget_value(self, widget: Any, options: Sequence[Any]) -> Any:
        return "" if widget.value is None else widget.value


class MultipleChoice(Choice):
    type: Literal["multiple_choice"]
    correct: list[str] | None = None

    def parse(self, answer: Any) -> list[str]:
        """The option ids the learner chose, in option order."""
        return parse_options(answer, many=True, known=self.option_ids)

    def score(self, answer: Any) -> Score:
        chosen = self.parse(answer)
        if self.released:
            right = self._match_lock([",".join(chosen)]) is not None
        else:
            right = set(chosen) == set(self.correct or [])
        if right:
            return self._score(True, self._explain(chosen))
        # Why each wrongly chosen option is wrong; the keyed options' explanations would give the
        # key away, and so would explanations for a pick of every option.
        wrong = [] if len(chosen) == len(self.options) else [i for i in chosen if i not in self._keyed()]
        feedback = self._explain(wrong) if not self.released else ""
        note = ("Picking every option is not an answer: choose the ones you think are right."
                if len(chosen) == len(self.options) else
                "Not the right set of options yet: every correct option, and only those.")
        return self._score(False, f"{feedback}\n\n{note}".strip())

    def locks(self, salt: str) -> list[Lock]:
        return [make_lock(salt, self.id, ",".join(self.parse(self.correct)))]

    def problems(self, released: bool, keyless: bool) -> list[tuple[str, str]]:
        problems = super().problems(released, keyless)
        if self.correct is not None and not self.correct:
            problems.append(("correct", "name at least one correct option"))
        return problems

    def example_answers(self) -> tuple[Any, Any] | None:
        if self.correct is None:
            return None
        wrong = [o.id for o in self.options if o.id not in self.correct][:1] or list(self.correct)[:1]
        return list(self.correct), wrong

    def fallback_lines(self, quiz_name: str, options: Sequence[Any]) -> list[str]:
        return [f"  {o.id}. {o.text}" for o in options] + [
            f"  {quiz_name}.answer({self.id!r}, ['<option id>', ...])   # every option you pick"]

    def widget(self, options: Sequence[Any]) -> Any:
        import ipywidgets as w

        wide = w.Layout(width="100%")
        return w.VBox([w.Checkbox(value=False, description=f"{o.id}. {o.text}", indent=False, layout=wide) for o in options])

    def widget_value(self, widget: Any, options: Sequence[Any]) -> Any:
        return [o.id for o, box in zip(options, widget.children) if box.value]
