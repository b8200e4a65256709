"""The quiz cell's layout rules: a long option wraps inside its own row.

ipywidgets gives every radio button and checkbox row a fixed height, so an option longer than
the cell is wide wraps onto the next option and hides its button. The question's box carries
the class :data:`QUESTION_CLASS` and a style element scoped to it that lets rows grow.

>>> "quizkit-question" in STYLE
True
"""

from __future__ import annotations

from typing import Any

QUESTION_CLASS = "quizkit-question"

STYLE = f"""<style>
.{QUESTION_CLASS} .widget-radio-box label,
.{QUESTION_CLASS} .widget-checkbox,
.{QUESTION_CLASS} .widget-checkbox label {{
  height: auto; min-height: var(--jp-widgets-inline-height, 28px); line-height: 1.4;
  white-space: normal; overflow-wrap: anywhere;
}}
.{QUESTION_CLASS} .widget-radio-box label {{ display: flex; align-items: flex-start; padding: 2px 0; }}
.{QUESTION_CLASS} .widget-radio-box input,
.{QUESTION_CLASS} .widget-checkbox input {{ flex: none; height: 1.4em; margin-top: 0; }}
.{QUESTION_CLASS} .widget-checkbox label {{ display: flex; align-items: flex-start; padding: 2px 0; }}
</style>"""


def question_style(box: Any) -> Any:
    """Give ``box`` (a question's VBox) the layout rules; returns the style widget to add to it."""
    import ipywidgets as w

    box.add_class(QUESTION_CLASS)
    return w.HTML(STYLE, layout=w.Layout(display="none"))
