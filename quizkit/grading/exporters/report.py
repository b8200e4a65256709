"""The HTML class report of ``quizkit grade --report``: one self-contained page.

Class summary, a histogram of totals, per-question percent correct with the most common
wrong answer, item analysis (:mod:`~quizkit.grading.items`), concept mastery with a heat map
(:mod:`~quizkit.grading.mastery`), and the submissions that could not be fully graded. Figures are matplotlib
PNGs embedded as base64; the page holds no timestamps, so the same gradebook gives the same
bytes. The analysis is the run's :class:`~quizkit.grading.class_analysis.ClassAnalysis`.

>>> from quizkit.grading import grade_submissions
>>> book = grade_submissions([], ["tests/fixtures/grading/grading-demo.yaml"])
>>> html = report_html(book, ClassAnalysis.from_gradebook(book))
>>> html.startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import base64
import html
import io
import statistics
from collections import Counter
from typing import Any

from quizkit.grading.class_analysis import ClassAnalysis
from quizkit.grading.exporters.base import Export, Exporter, ExportOptions
from quizkit.grading.exporters.cells import fmt
from quizkit.grading.exporters.report_items import VIEW_CSS, items_section, mastery_section
from quizkit.grading.gradebook import AnswerGrade, Gradebook, safe_text
from quizkit.quiz.records import short_answer


def wrong_answer_label(answer: AnswerGrade) -> str:
    """How a wrong answer is counted: the short answer, or for code what went wrong."""
    if answer.checks is None:
        return short_answer(answer.answer)
    if answer.checks["status"] == "failed":
        return f"failed check '{answer.checks['failed_check']}'"
    return f"code {answer.checks['status']}"


def question_rows(book: Gradebook) -> list[dict[str, Any]]:
    """Per question: answered, percent correct (of all submissions), mean points, commonest wrong answer."""
    rows = []
    n = len(book.students)
    for column in book.columns:
        answers = [s.answers[column.key] for s in book.students if column.key in s.answers]
        wrong = Counter(wrong_answer_label(a) for a in answers if not a.correct)
        common = wrong.most_common(1)
        rows.append({
            "question": column.key,
            "type": column.type,
            "max": column.max_points,
            "answered": len(answers),
            "percent_correct": 100.0 * sum(a.correct for a in answers) / n if n else 0.0,
            "mean_points": sum(a.points for a in answers) / n if n else 0.0,
            "common_wrong": f"{common[0][0]} ({common[0][1]}×)" if common else "",
        })
    return rows


def _png(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode()


def _figures(book: Gradebook, rows: list[dict[str, Any]]) -> tuple[str, str] | None:
    """The two charts as base64 PNGs; None without matplotlib (a grading-only install)."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return None

    totals = [book.total(s) for s in book.students]
    hist = Figure(figsize=(6, 3), layout="constrained")
    ax = hist.add_subplot()
    top = max(book.max_points, 1.0)
    # One bar per whole point when that is readable, centred on the point value.
    bins: Any = [i - 0.5 for i in range(int(top) + 2)] if top <= 40 else 20
    ax.hist(totals, bins=bins, color="#4477aa", edgecolor="white")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(f"total points (of {fmt(book.max_points)})")
    ax.set_ylabel("students")
    ax.set_title("Distribution of totals")
    bars = Figure(figsize=(6, 0.35 * max(len(rows), 2) + 1), layout="constrained")
    ax = bars.add_subplot()
    labels = [r["question"] for r in rows][::-1]
    ax.barh(labels, [r["percent_correct"] for r in rows][::-1], color="#66aa55")
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of submissions correct")
    ax.set_title("Per question")
    return _png(hist), _png(bars)


def report_html(book: Gradebook, analysis: ClassAnalysis) -> str:
    """The report page as a string."""
    def esc(text: str) -> str:
        return html.escape(safe_text(str(text)))

    rows = question_rows(book)
    totals = [book.total(s) for s in book.students]
    problems = [s for s in book.students if s.problems]
    figures = _figures(book, rows)
    if figures is None:  # a grading-only install without matplotlib: the tables still say it all
        hist_img = bars_img = "<p>(charts need matplotlib: pip install matplotlib)</p>"
    else:
        hist_img = f'<img alt="histogram of total points" src="data:image/png;base64,{figures[0]}">'
        bars_img = f'<img alt="percent correct per question" src="data:image/png;base64,{figures[1]}">'
    summary = "no submissions"
    if totals:
        summary = (f"{len(totals)} submissions, {len(totals) - len(problems)} graded without problems; "
                   f"total points: mean {fmt(statistics.fmean(totals))}, median {fmt(statistics.median(totals))}, "
                   f"min {fmt(min(totals))}, max {fmt(max(totals))} (of {fmt(book.max_points)})")
    table = "\n".join(
        f"<tr><td>{esc(r['question'])}</td><td>{esc(r['type'])}</td><td>{fmt(r['max'])}</td><td>{r['answered']}</td>"
        f"<td>{r['percent_correct']:.1f}%</td><td>{fmt(r['mean_points'])}</td><td>{esc(r['common_wrong'])}</td></tr>"
        for r in rows
    )
    failed = "\n".join(
        f"<tr><td>{esc(s.student)}</td><td>{esc(s.source)}</td><td>{esc(s.status)}</td></tr>" for s in problems
    ) or '<tr><td colspan="3">none</td></tr>'
    lessons = ", ".join(esc(k["lesson"]) for k in book.keys)
    items = items_section(analysis.summary, analysis.items)
    concepts = mastery_section(analysis.mastery)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>quizkit grade report</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}}
.warning{{background:#fff3cd;padding:.5em}}table.heatmap td{{text-align:right}}{VIEW_CSS}</style></head>
<body>
<h1>Grade report</h1>
<p>Lessons: {lessons or 'none'}. Code answers computed with isolation: {esc(book.isolation)}.</p>
<p>{esc(summary)}.</p>
<h2>Totals</h2>
{hist_img}
<h2>Questions</h2>
{bars_img}
<table><tr><th>question</th><th>type</th><th>points</th><th>answered</th><th>correct (of all submissions)</th><th>mean points</th><th>most common wrong answer</th></tr>
{table}
</table>
{items}
{concepts}
<h2>Submissions with problems</h2>
<table><tr><th>student</th><th>source</th><th>status</th></tr>
{failed}
</table>
</body></html>
"""


class HtmlReport(Exporter):
    name = "html"
    description = "the class report (--report, else report.html beside --out): one self-contained page"

    def export(self, book: Gradebook, analysis: ClassAnalysis, options: ExportOptions) -> Export:
        return Export({options.report or options.beside("report.html"): report_html(book, analysis)})
