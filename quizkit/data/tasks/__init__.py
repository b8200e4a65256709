"""Synthetic text-classification tasks: templates and slot fillers for each label.

A :class:`TaskSpec` turns a label and a ``random.Random`` into one text. Each label draws
from its own templates; a fraction ``hard_rate`` of them come from the label's ``hard``
templates instead, written to look like another label (ham that says "free" or "win",
spam that reads like a friend). A fraction ``shared_rate`` of texts of every label come
from ``shared`` templates that read the same whatever the label (a shop's promotion that
one person filed as spam and another as ham): that keeps the best possible accuracy
believably below 100%.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from quizkit.data.templates import Slots, render, style


@dataclass(frozen=True)
class TaskSpec:
    """How to write texts for one task; ``labels[i]`` is the name of label ``i``."""

    name: str
    description: str
    labels: tuple[str, ...]
    templates: tuple[tuple[str, ...], ...]
    slots: Slots
    hard: tuple[tuple[str, ...], ...] = ()
    hard_rate: float = 0.0
    shared: tuple[str, ...] = ()
    shared_rate: float = 0.0
    # Wrapper templates with a {core} slot (greeting/sign-off, a second sentence), per label.
    frames: tuple[tuple[str, ...], ...] = ()
    styles: tuple[Mapping[str, float], ...] = field(default_factory=tuple)

    def sample(self, label: int, rng: random.Random) -> str:
        """One text of class ``label``."""
        roll = rng.random()
        if roll < self.shared_rate:
            pool = self.shared
        elif self.hard and roll < self.shared_rate + self.hard_rate:
            pool = self.hard[label]
        else:
            pool = self.templates[label]
        text = render(pool[rng.randrange(len(pool))], rng, self.slots)
        if self.frames:
            frames = self.frames[label]
            text = render(frames[rng.randrange(len(frames))], rng, {**self.slots, "core": lambda _: text})
        if self.styles:
            text = style(text, rng, **self.styles[label])
        return text
