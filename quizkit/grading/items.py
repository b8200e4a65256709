"""Item analysis: which questions work, from classical test theory.

For every question (an *item*) of a graded class:

- **difficulty**: the mean points as a share of the item's points (for a right/wrong item:
  the share of students who got it right). High is easy.
- **point-biserial**: the Pearson correlation of the item's points with the *rest-score*
  (the total minus this item), so that an item does not correlate with itself. Good items
  are answered right by the students who do well on the rest (0.3 and up is good).
- **upper-lower index**: the item's mean share in the top 27% of the class (by total) minus
  that in the bottom 27% (Kelley's groups). Ties at a group's edge are broken by student id.
- for choice questions, each option's **choice rate** overall, in the upper and in the lower
  group: a wrong option (a *distractor*) that the strong students pick more than the weak
  ones points at a flaw in the question or the key.
- **reliability** of the whole quiz: KR-20 when every item is right/wrong (Cronbach's alpha
  otherwise, which equals KR-20 on right/wrong items), the standard error of measurement
  ``SD(total) * sqrt(1 - alpha)``, and per item the alpha of the quiz without it.

Every variance and SD here is the class's own (population form, divided by n, not n - 1):
the class is the whole group described, not a sample of a larger one. Alpha is a ratio of
variances, so it is the same either way; the SEM is not, and its square is the share
``1 - alpha`` of the very variance of totals that alpha splits into true and error parts,
so it takes the same SD (KR-20's textbook form uses the same population variance).

Who counts: every submission with at least one answer on this assignment's questions; an
unanswered question scores 0. Submissions with no answer at all are left out (counted in
``excluded``). Below :data:`FEW_STUDENTS` students the numbers are given with a warning.

Plain Python (``statistics``, ``math``) rather than numpy or scipy: the core grading install
has neither, and these are a few sums over one number per student and question.

>>> from quizkit.grading.items import pearson, cronbach_alpha
>>> round(pearson([1, 1, 1, 0, 0], [2, 1, 1, 1, 0]), 4)
0.6455
>>> round(cronbach_alpha([[1, 1, 1], [1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 0]]), 4)
0.4615
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any

from quizkit.grading.gradebook import Column, Gradebook, StudentGrade
from quizkit.quiz.questions import question_class

GROUP_SHARE = 0.27
FEW_STUDENTS = 10
TOO_EASY, TOO_HARD, LOW_DISCRIMINATION = 0.95, 0.2, 0.1
# A distractor is flagged when the upper group picks it more often than the lower group and
# at least this often: one strong student's slip in a small group is not a flaw.
DISTRACTOR_MIN_RATE = 0.1
FLAG_EASY, FLAG_HARD = "too easy", "too hard"
FLAG_FLAT, FLAG_DISTRACTOR = "does not discriminate", "a distractor attracts strong students"


def pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    """The Pearson correlation of ``x`` and ``y``; None when either is constant (undefined)."""
    n = len(x)
    if n < 2:
        return None
    mx, my = math.fsum(x) / n, math.fsum(y) / n
    sxy = math.fsum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = math.fsum((a - mx) ** 2 for a in x)
    syy = math.fsum((b - my) ** 2 for b in y)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def cronbach_alpha(rows: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha of a students x items score table (KR-20 on right/wrong items).

    ``k / (k - 1) * (1 - sum of item variances / variance of totals)``; None with fewer than
    two items or two students, or when every total is the same.
    """
    if len(rows) < 2 or not rows[0] or len(rows[0]) < 2:
        return None
    k = len(rows[0])
    totals = [math.fsum(r) for r in rows]
    total_var = statistics.pvariance(totals)
    if total_var <= 1e-12:
        return None
    item_var = math.fsum(statistics.pvariance([r[j] for r in rows]) for j in range(k))
    return k / (k - 1) * (1 - item_var / total_var)


def groups(students: Sequence[StudentGrade], totals: Sequence[float]) -> tuple[list[int], list[int]]:
    """Indices of the upper and lower 27% by total (at least one student each, never overlapping)."""
    n = len(totals)
    size = min(max(1, round(GROUP_SHARE * n)), n // 2)
    order = sorted(range(n), key=lambda i: (-totals[i], students[i].student, students[i].source))
    return order[:size], order[n - size:] if size else []


def _share(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _r(value: float | None) -> float | None:
    """Rounded for the JSON and the report (4 places: stable text, no 16-digit floats)."""
    return None if value is None else round(value, 4)


def examinees(book: Gradebook) -> list[StudentGrade]:
    """The submissions item analysis counts: those with an answer to at least one question."""
    keys = {c.key for c in book.columns}
    return [s for s in book.students if keys.intersection(s.answers)]


def score_table(book: Gradebook, students: Sequence[StudentGrade]) -> list[list[float]]:
    """Points per student (rows) and question (columns, in gradebook order); unanswered is 0."""
    return [[s.answers[c.key].points if c.key in s.answers else 0.0 for c in book.columns] for s in students]


def _options(column: Column, students: Sequence[StudentGrade], upper: list[int], lower: list[int]) -> list[dict[str, Any]]:
    picked = question_class(column.type).picked_options
    picks = [picked(s.answers[column.key].answer, column.options) if column.key in s.answers else set() for s in students]

    def rate(option: str, who: Sequence[int]) -> float | None:
        return _share([float(option in picks[i]) for i in who])

    everyone = range(len(students))
    return [{"option": o, "correct": o in column.correct, "overall": _r(rate(o, everyone)),
             "upper": _r(rate(o, upper)), "lower": _r(rate(o, lower))} for o in column.options]


def _flags(difficulty: float | None, pb: float | None, options: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """Plain-word flags and, for each, the numbers behind it."""
    flags, why = [], []
    if difficulty is not None and difficulty > TOO_EASY:
        flags.append(FLAG_EASY)
        why.append(f"{difficulty:.0%} of the points were earned")
    if difficulty is not None and difficulty < TOO_HARD:
        flags.append(FLAG_HARD)
        why.append(f"only {difficulty:.0%} of the points were earned")
    if pb is None or pb < LOW_DISCRIMINATION:
        flags.append(FLAG_FLAT)
        why.append("everyone scored the same on it" if pb is None else
                   f"point-biserial {pb:.2f}: students who do well on the rest do not do better here")
    strong = [o for o in options if not o["correct"] and o["upper"] is not None and o["lower"] is not None
              and o["upper"] > o["lower"] and o["upper"] >= DISTRACTOR_MIN_RATE]
    if strong:
        flags.append(FLAG_DISTRACTOR)
        why += [f"option {o['option']} is picked by {o['upper']:.0%} of the upper group and {o['lower']:.0%} of the "
                "lower group: check the question and its key" for o in strong]
    return flags, why


def item_analysis(book: Gradebook) -> dict[str, Any]:
    """The class's item analysis as plain data (the ``items`` and ``reliability`` of gradebook.json).

    >>> from quizkit.grading import grade_submissions
    >>> data = item_analysis(grade_submissions([], ["tests/fixtures/grading/grading-demo.yaml"]))
    >>> data["students"], data["items"][0]["question"], data["items"][0]["difficulty"]
    (0, 'grading-demo/pick', None)
    """
    students = examinees(book)
    n = len(students)
    table = score_table(book, students)
    totals = [math.fsum(r) for r in table]
    upper, lower = groups(students, totals) if n >= 2 else ([], [])
    items = []
    for j, column in enumerate(book.columns):
        points = [r[j] for r in table]
        share = [p / column.max_points for p in points]
        difficulty = _share(share)
        pb = pearson(points, [t - p for t, p in zip(totals, points)])
        d = None if not upper else _share([share[i] for i in upper]) - _share([share[i] for i in lower])
        options = _options(column, students, upper, lower) if column.options else []
        flags, why = _flags(difficulty, pb, options) if n else ([], [])
        items.append({
            "question": column.key, "type": column.type, "max_points": column.max_points,
            "concepts": list(column.concepts), "answered": sum(column.key in s.answers for s in students),
            "difficulty": _r(difficulty), "point_biserial": _r(pb), "upper_lower": _r(d),
            "alpha_if_deleted": _r(cronbach_alpha([r[:j] + r[j + 1:] for r in table])),
            "options": options, "flags": flags, "why": why,
        })
    return {"students": n, "excluded": len(book.students) - n, "group_size": len(upper),
            "warning": few_warning(n), "reliability": reliability(book, table), "items": items}


def few_warning(n: int) -> str:
    if 0 < n < FEW_STUDENTS:
        return (f"only {n} student(s): item statistics this few are unstable (one student changes them a lot); "
                "read them as hints, not verdicts")
    return ""


def reliability(book: Gradebook, table: list[list[float]]) -> dict[str, Any]:
    """KR-20 or Cronbach's alpha of the whole quiz, with the standard error of measurement."""
    dichotomous = all(p in (0.0, c.max_points) for r in table for p, c in zip(r, book.columns))
    alpha = cronbach_alpha(table)
    totals = [math.fsum(r) for r in table]
    sd = statistics.pstdev(totals) if len(totals) >= 2 else None  # the variance alpha used (see above)
    # A negative alpha (items that contradict each other) gives no smaller error than alpha 0.
    sem = None if alpha is None or sd is None else sd * math.sqrt(1 - max(alpha, 0.0))
    return {"method": "KR-20" if dichotomous else "Cronbach's alpha", "alpha": _r(alpha), "sem": _r(sem),
            "sd": _r(sd), "items": len(book.columns), "students": len(table)}
