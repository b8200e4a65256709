"""A widget box whose plain-text form is a line we choose.

ipywidgets' own text form of a box spells out every child (``VBox(children=(FloatSlider(value=
0.1468124837486021, ...``): that is what a front end without widgets, a plain ``print`` and the
notebook file show. The quiz cells and the threshold explorer give a short line instead.

>>> box = text_box([])
>>> box.text = "threshold 0.15"
>>> repr(box)
'threshold 0.15'
"""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def _text_box_class() -> type:
    import ipywidgets as w  # loaded on first use: importing quizkit stays light

    class TextBox(w.VBox):
        text = ""

        def __repr__(self) -> str:
            return self.text

        def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
            # The display protocol: the widget view, with our line (not the children's repr) as text.
            return {**super()._repr_mimebundle_(**kwargs), "text/plain": self.text}

    return TextBox


def text_box(children: list[Any], text: str = "") -> Any:
    """An ``ipywidgets.VBox`` of ``children`` whose plain-text form is ``text`` (settable later)."""
    box = _text_box_class()(children)
    box.text = text
    return box
