"""The report's "Items" and "Concepts" sections: HTML built from plain data, no charts needed.

The items table sorts by a click on a heading with no script at all (see :data:`SORTS`). The
concept heat map is a table whose cells are coloured by the share of points earned, so it
needs no matplotlib and its bytes depend only on the numbers.

>>> items_section({"students": 0, "excluded": 0, "group_size": 0, "warning": "",
...                "reliability": {"method": "KR-20", "alpha": None, "sem": None, "sd": None,
...                                "items": 0, "students": 0}}, [])[:20]
'<h2 id="items">Items'
"""

from __future__ import annotations

import html
from typing import Any

from quizkit.grading.gradebook import safe_text
from quizkit.grading.items import FLAG_DISTRACTOR, TOO_EASY, TOO_HARD

# The table is sortable without any script (a report opened where scripts are blocked, or
# previewed by an LMS that strips them, still sorts): it is written once per sort order, and a
# heading is a link to that order's copy; CSS shows the copy the address targets, else the
# bank order (the last copy, which a targeted earlier sibling hides).
SORTS: list[tuple[str, str, Any]] = [  # (view id, heading, key: lower sorts first)
    ("concepts", "concepts", lambda i: (", ".join(i["concepts"]),)),
    ("difficulty", "difficulty", lambda i: (_low(i["difficulty"]),)),
    ("point-biserial", "point-biserial", lambda i: (_low(i["point_biserial"]),)),
    ("upper-lower", "upper&minus;lower", lambda i: (_low(i["upper_lower"]),)),
    ("alpha-if-deleted", "alpha if deleted", lambda i: (-_low(i["alpha_if_deleted"]),)),
    ("flags", "flags", lambda i: (-len(i["flags"]),)),
]
VIEW_CSS = (".items-view{display:none;overflow-x:auto}.items-view:target,.items-view.bank-order{display:block}"
            ".items-view:target~.items-view.bank-order{display:none}td.options{white-space:nowrap}")


def _low(value: float | None) -> float:
    """Sort key: a missing value first (it needs a look as much as the lowest)."""
    return float("-inf") if value is None else value


def esc(text: Any) -> str:
    return html.escape(safe_text(str(text)))


def _num(value: float | None, pattern: str = "{:.2f}") -> str:
    return "<td>–</td>" if value is None else f"<td>{pattern.format(value)}</td>"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _options_cell(options: list[dict[str, Any]]) -> str:
    if not options:
        return "<td></td>"
    lines = [f"{'✓' if o['correct'] else '✗'} {esc(o['option'])}: {_pct(o['overall'])} "
             f"(upper {_pct(o['upper'])}, lower {_pct(o['lower'])})" for o in options]
    return '<td class="options">' + "<br>".join(lines) + "</td>"


def _reliability_text(analysis: dict[str, Any]) -> str:
    rel = analysis["reliability"]
    if rel["alpha"] is None:
        return (f"Reliability ({rel['method']}): not defined here (it needs two or more questions and "
                "students whose totals differ).")
    text = (f"Reliability ({rel['method']}): {rel['alpha']:.2f} over {rel['items']} questions and {rel['students']} "
            f"students; standard error of measurement {rel['sem']:.2f} points (a retest would typically move a "
            f"student's total by about this much). 0.7 and above is usual for a class quiz; a lower value says the "
            "questions are too few or do not measure one thing.")
    if rel["alpha"] < 0:
        text += " A negative value means some questions contradict the others: look at the flagged ones first."
    return text


def _head(current: str) -> str:
    """The heading row; each sortable heading links to its sorted copy, the current one marked."""
    def th(view: str, label: str) -> str:
        mark = " ▲" if view == current else ""
        return f'<th><a href="#items-by-{view}">{label}</a>{mark}</th>'

    labels = dict((view, label) for view, label, _ in SORTS)
    return ("<thead><tr>" + th("bank-order", "question") + "<th>type</th>" + th("concepts", "concepts")
            + "<th>answered</th>" + "".join(th(v, labels[v]) for v in ("difficulty", "point-biserial", "upper-lower",
                                                                          "alpha-if-deleted"))
            + th("flags", "flags") + "<th>options: chosen overall (upper, lower group)</th></tr></thead>")


def items_section(analysis: dict[str, Any], items: list[dict[str, Any]]) -> str:
    """The "Items" section: reliability, flagged questions, the sortable table.

    ``analysis`` is the class-level part (:attr:`ClassAnalysis.summary
    <quizkit.grading.class_analysis.ClassAnalysis.summary>`), ``items`` the per-question one.
    """
    parts = ['<h2 id="items">Items</h2>']
    if analysis["warning"]:
        parts.append(f'<p class="warning"><strong>Warning:</strong> {esc(analysis["warning"])}.</p>')
    n = analysis["students"]
    excluded = f" ({analysis['excluded']} submission(s) without answers left out)" if analysis["excluded"] else ""
    parts.append(f"<p>{n} student(s) counted{esc(excluded)}; upper and lower groups: the top and bottom "
                 f"{analysis['group_size']} by total (27%). {esc(_reliability_text(analysis))}</p>")
    flagged = [i for i in items if i["flags"]]
    if flagged:
        parts.append("<p>Questions to look at:</p><ul>")
        parts += [f"<li><strong>{esc(i['question'])}</strong>: {esc('; '.join(i['flags']))} ({esc('; '.join(i['why']))})</li>"
                  for i in flagged]
        parts.append("</ul>")
    elif n:
        parts.append("<p>No question is flagged.</p>")
    parts.append(f"<p>How to read it: difficulty is the share of the points the class earned (above {TOO_EASY:g}: "
                 f"too easy, below {TOO_HARD:g}: too hard); point-biserial and upper&minus;lower say whether the "
                 "students who do well overall do better on this question (0.3 and up is good, below 0.1 the "
                 "question does not tell strong from weak students); alpha if deleted above the quiz's alpha means the "
                 f"quiz is more consistent without it; \"{FLAG_DISTRACTOR}\" names a wrong option that the upper group "
                 "picks more than the lower group. Click a heading to sort (▲ marks the order shown).</p>")
    rows = [
        f"<tr><td>{esc(i['question'])}</td><td>{esc(i['type'])}</td><td>{esc(', '.join(i['concepts']))}</td>"
        f"{_num(i['answered'], '{:d}')}{_num(i['difficulty'])}{_num(i['point_biserial'])}{_num(i['upper_lower'])}"
        f"{_num(i['alpha_if_deleted'])}<td>{esc('; '.join(i['flags']))}</td>{_options_cell(i['options'])}</tr>"
        for i in items
    ]
    views = [(view, sorted(range(len(items)), key=lambda n, k=key: (*k(items[n]), n))) for view, _, key in SORTS]
    views.append(("bank-order", list(range(len(items)))))
    for view, order in views:
        parts.append(f'<div class="items-view {view}" id="items-by-{view}">')
        parts.append(f"<table>{_head(view)}<tbody>")
        parts += [rows[n] for n in order]
        parts.append("</tbody></table></div>")
    return "\n".join(parts)


def heat(share: float | None) -> str:
    """A cell background from red (0) through yellow to green (1)."""
    if share is None:
        return ""
    return f' style="background:hsl({round(120 * share)},70%,80%)"'


def mastery_section(mastery: dict[str, Any]) -> str:
    """The "Concepts" section: concepts weakest first with their questions, then the heat map."""
    parts = ['<h2 id="concepts">Concepts</h2>']
    concepts = mastery["concepts"]
    if not concepts:
        parts.append("<p>No question of this assignment carries concept tags (<code>concepts:</code> in the bank).</p>")
        return "\n".join(parts)
    parts.append("<p>Concepts the class is weakest on first: the share of the concept's points earned, and the "
                 "questions behind it.</p>")
    parts.append("<table><tr><th>concept</th><th>class</th><th>questions (share of points earned)</th></tr>")
    for c in concepts:
        questions = ", ".join(f"{esc(q['question'])} ({_pct(q['share'])})" for q in c["questions"])
        parts.append(f"<tr><td>{esc(c['concept'])}</td><td{heat(c['share'])}>{_pct(c['share'])}</td><td>{questions}</td></tr>")
    parts.append("</table>")
    if mastery["untagged"]:
        parts.append(f"<p>Questions without concept tags: {esc(', '.join(mastery['untagged']))}.</p>")
    parts.append("<h3>Per student</h3>")
    head = "".join(f"<th>{esc(c['concept'])}</th>" for c in concepts)
    parts.append(f'<table class="heatmap"><tr><th>student</th>{head}</tr>')
    parts.append("<tr><td><strong>class</strong></td>" + "".join(
        f"<td{heat(c['share'])}><strong>{_pct(c['share'])}</strong></td>" for c in concepts) + "</tr>")
    for row in mastery["students"]:
        cells = []
        for c in concepts:
            cell = row["concepts"][c["concept"]]
            share = cell["earned"] / cell["possible"] if cell["possible"] else None
            cells.append(f'<td{heat(share)} title="{cell["earned"]:g} of {cell["possible"]:g} points">{_pct(share)}</td>')
        parts.append(f"<tr><td>{esc(row['student'])}</td>{''.join(cells)}</tr>")
    parts.append("</table>")
    return "\n".join(parts)
