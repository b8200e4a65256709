"""The code-answer box of a quiz cell: a text area that behaves like a code editor.

In a core ``ipywidgets.Textarea`` Tab moves the focus out of the box, and the next keys reach
JupyterLab's command mode (``x`` cuts the cell, ``1`` makes the next one a heading). This
anywidget's text area indents on Tab, dedents on Shift+Tab and keeps every key it gets from
the notebook around it (``code_box.js``).

>>> box = code_box("def f(x):\\n    return x\\n", rows=6, placeholder="def f(...):")  # doctest: +SKIP
>>> box.value  # doctest: +SKIP
'def f(x):\\n    return x\\n'
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


@functools.cache
def _code_box_class() -> type:
    import anywidget
    import traitlets

    class CodeBox(anywidget.AnyWidget):
        _esm = (HERE / "code_box.js").read_text(encoding="utf-8")
        _css = (HERE / "code_box.css").read_text(encoding="utf-8")
        value = traitlets.Unicode("").tag(sync=True)
        rows = traitlets.Int(6).tag(sync=True)
        placeholder = traitlets.Unicode("").tag(sync=True)

    return CodeBox


def code_box(value: str = "", *, rows: int = 6, placeholder: str = "", layout: Any = None) -> Any:
    """A code-answer text area widget; ``.value`` holds what the learner typed."""
    box = _code_box_class()(value=value, rows=rows, placeholder=placeholder)
    if layout is not None:
        box.layout = layout
    return box
