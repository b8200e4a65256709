"""The HTML class report of ``quizkit grade --report``: one self-contained page.

Class summary, a histogram of totals, per-question percent correct with the most common
wrong answer, item analysis (:mod:`~quizkit.grading.items`), concept mastery with a heat map
(:mod:`~quizkit.grading.mastery`), and the submissions that could not be fully graded. The two
charts are inline SVG (:mod:`~quizkit.grading.exporters.charts`); the page holds no timestamps,
so the same gradebook gives the same bytes. The analysis is the run's :class:`~quizkit.grading.class_analysis.ClassAnalysis`.

>>> from quizkit.grading import grade_submissions
>>> book = grade_submissions([], ["tests/fixtures/grading/grading-demo.yaml"])
>>> html = report_html(book, ClassAnalysis.from_gradebook(book))
>>> html.startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import html
import statistics
from collections import Counter
from typing import Any

from quizkit.grading.class_analysis import ClassAnalysis
from quizkit.grading.exporters.base import Export, Exporter, ExportOptions
from quizkit.grading.exporters.cells import fmt
from quizkit.grading.exporters.charts import bars_svg, histogram_svg
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


def report_html(book: Gradebook, analysis: ClassAnalysis) -> str:
    """The report page as a string."""
    def esc(text: str) -> str:
        return html.escape(safe_text(str(text)))

    rows = question_rows(book)
    totals = [book.total(s) for s in book.students]
    problems = [s for s in book.students if s.problems]
    hist_img = histogram_svg(totals, book.max_points)
    bars_img = bars_svg([r["question"] for r in rows], [r["percent_correct"] for r in rows])
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
