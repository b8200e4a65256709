"""A tiny template language for generating varied short texts, plus text-level noise.

Syntax: ``[a|b|c]`` picks one alternative (``[a|]`` makes ``a`` optional), ``{slot}`` is
filled from a slot table. Alternatives nest, and slot values are templates themselves, so a
few dozen templates multiply into many thousands of distinct texts.

>>> import random
>>> render("[Hi|Hey] {name}[!|]", random.Random(0), {"name": ("Ana", "Bo")})
'Hey Bo!'
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Union

SlotValue = Union[Sequence[str], Callable[[random.Random], str]]
Slots = Mapping[str, SlotValue]

# Compiled node: a literal str, ("slot", name) or ("choice", (seq, seq, ...)).
_Node = Union[str, tuple]
_MAX_DEPTH = 8


def _parse_seq(src: str, pos: int, depth: int) -> tuple[tuple[_Node, ...], int]:
    nodes: list[_Node] = []
    literal: list[str] = []
    while pos < len(src):
        ch = src[pos]
        if ch in "|]" and depth > 0:
            break
        if ch == "[":
            if literal:
                nodes.append("".join(literal))
                literal = []
            options = []
            pos += 1
            while True:
                seq, pos = _parse_seq(src, pos, depth + 1)
                options.append(seq)
                if pos >= len(src):
                    raise ValueError(f"unclosed '[' in template {src!r}")
                if src[pos] == "]":
                    pos += 1
                    break
                pos += 1  # skip "|"
            nodes.append(("choice", tuple(options)))
        elif ch == "{":
            end = src.find("}", pos)
            if end < 0:
                raise ValueError(f"unclosed '{{' in template {src!r}")
            if literal:
                nodes.append("".join(literal))
                literal = []
            nodes.append(("slot", src[pos + 1 : end]))
            pos = end + 1
        else:
            if ch in "|]":
                raise ValueError(f"stray {ch!r} in template {src!r}")
            literal.append(ch)
            pos += 1
    if literal:
        nodes.append("".join(literal))
    return tuple(nodes), pos


@functools.cache
def compile_template(template: str) -> tuple[_Node, ...]:
    """Parse ``template`` once; raises ``ValueError`` on unbalanced brackets."""
    seq, _ = _parse_seq(template, 0, 0)
    return seq


def _emit(seq: tuple[_Node, ...], rng: random.Random, slots: Slots, out: list[str], depth: int) -> None:
    for node in seq:
        if isinstance(node, str):
            out.append(node)
        elif node[0] == "choice":
            options = node[1]
            _emit(options[rng.randrange(len(options))], rng, slots, out, depth)
        else:
            value = slots[node[1]]
            if callable(value):
                out.append(value(rng))
            elif depth >= _MAX_DEPTH:
                raise ValueError(f"slot {node[1]!r} nests deeper than {_MAX_DEPTH} levels")
            else:
                _emit(compile_template(value[rng.randrange(len(value))]), rng, slots, out, depth + 1)


_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r" ([,.;:!?)])")


def render(template: str, rng: random.Random, slots: Slots) -> str:
    """Expand ``template`` with ``rng``; whitespace is tidied (no double or pre-comma spaces)."""
    out: list[str] = []
    _emit(compile_template(template), rng, slots, out, 0)
    text = _SPACES.sub(" ", "".join(out)).strip()
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text)


# --- text-level noise -------------------------------------------------------------------

_KEYBOARD_NEIGHBOURS = {
    "a": "sqw", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "q": "w", "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc",
    "y": "tu", "z": "x",
}


def typo(word: str, rng: random.Random) -> str:
    """One realistic typing slip: swapped, dropped, doubled or neighbouring-key letter."""
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    near = _KEYBOARD_NEIGHBOURS.get(word[i].lower())
    return word if not near else word[:i] + near[rng.randrange(len(near))] + word[i + 1 :]


def add_typos(text: str, rng: random.Random, count: int = 1) -> str:
    """Apply ``count`` typos to randomly chosen words of four letters or more."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    for _ in range(min(count, len(candidates))):
        i = candidates[rng.randrange(len(candidates))]
        words[i] = typo(words[i], rng)
    return " ".join(words)


_SMS_SHORTHAND = (
    (re.compile(r"\byou\b(?!')"), "u"), (re.compile(r"\bare\b(?!')"), "r"), (re.compile(r"\bplease\b"), "pls"),
    (re.compile(r"\btonight\b"), "tonite"), (re.compile(r"\bthanks\b"), "thx"),
    (re.compile(r"\bbecause\b"), "cos"), (re.compile(r"\btomorrow\b"), "tmrw"),
)


def sms_shorthand(text: str) -> str:
    """Text-speak a message: ``you`` -> ``u``, ``tomorrow`` -> ``tmrw`` ..."""
    for pattern, short in _SMS_SHORTHAND:
        text = pattern.sub(short, text)
    return text


def style(
    text: str,
    rng: random.Random,
    *,
    lower: float = 0.0,
    upper: float = 0.0,
    typos: float = 0.0,
    shorthand: float = 0.0,
    drop_final_punct: float = 0.0,
) -> str:
    """Apply each kind of surface noise with the given probability."""
    if rng.random() < shorthand:
        text = sms_shorthand(text)
    if rng.random() < typos:
        text = add_typos(text, rng, count=1 + (rng.random() < 0.3))
    if rng.random() < drop_final_punct and text[-1:] in ".!":
        text = text[:-1]
    roll = rng.random()
    if roll < lower:
        text = text.lower()
    elif roll < lower + upper:
        text = text.upper()
    return text
