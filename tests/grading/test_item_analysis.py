"""Item analysis and concept mastery on constructed classes: hand-worked values, then scipy / numpy.

The expected values never come from quizkit: the small class is worked by hand (in the
comments), the random ones through scipy.stats and numpy's formulas.
"""

import json
import math
import random

import numpy as np
import pytest
from gradebook_support import make_book
from scipy import stats

from quizkit.grading.class_analysis import ClassAnalysis
from quizkit.grading.exporters.report import report_html
from quizkit.grading.exporters.tables import gradebook_json
from quizkit.grading.gradebook import Column
from quizkit.grading.items import FLAG_DISTRACTOR, FLAG_EASY, FLAG_FLAT, FLAG_HARD, item_analysis
from quizkit.grading.mastery import concept_mastery


# The hand-worked class: 5 students, 3 right/wrong questions.
#        q1 q2 q3  total
#   s01   1  1  1   3
#   s02   1  1  0   2
#   s03   1  0  1   2
#   s04   0  1  0   1
#   s05   0  0  0   0
SMALL = [[1, 1, 1], [1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 0]]


def test_a_small_class_worked_by_hand():
    data = item_analysis(make_book(SMALL))
    q1, q2, q3 = data["items"]
    # difficulty: share right
    assert [q1["difficulty"], q2["difficulty"], q3["difficulty"]] == [0.6, 0.6, 0.4]
    # q1 against the rest-score q2 + q3 = (2, 1, 1, 1, 0): cov 0.2, var 0.24 and 0.4, r^2 = 0.04 / 0.096 = 5/12
    assert q1["point_biserial"] == pytest.approx(math.sqrt(5 / 12), abs=1e-4)
    # q3 against (2, 2, 1, 1, 0): cov 0.12, var 0.24 and 0.56, r^2 = 0.0144 / 0.1344 = 3/28
    assert q3["point_biserial"] == pytest.approx(math.sqrt(3 / 28), abs=1e-4)
    # 27% of 5 rounds to 1: upper group s01 (3 points), lower group s05 (0 points)
    assert data["group_size"] == 1 and [q["upper_lower"] for q in data["items"]] == [1.0, 1.0, 1.0]
    # totals (3, 2, 2, 1, 0): variance 5.2 / 5 = 1.04; sum of p q = 3 * 0.24 = 0.72;
    # KR-20 = 3/2 * (1 - 0.72 / 1.04) = 6/13; SEM = sqrt(1.04) * sqrt(7/13) = sqrt(0.56), the SD of the
    # same variance alpha divides by
    rel = data["reliability"]
    assert rel["method"] == "KR-20"
    assert rel["alpha"] == pytest.approx(6 / 13, abs=1e-4) and rel["sem"] == pytest.approx(math.sqrt(0.56), abs=1e-4)
    assert rel["sd"] == pytest.approx(math.sqrt(1.04), abs=1e-4)
    # without q1: q2, q3 have variance 0.24 each, their totals (2, 1, 1, 1, 0) 0.4: 2 * (1 - 0.48 / 0.4) = -0.4
    assert q1["alpha_if_deleted"] == pytest.approx(-0.4, abs=1e-4)
    # five students: the numbers are there, with a warning
    assert data["students"] == 5 and "only 5 student(s)" in data["warning"]


def test_partial_credit_uses_cronbachs_alpha():
    columns = [Column("quiz", "a", "numeric", 1.0), Column("quiz", "b", "code", 2.0), Column("quiz", "c", "numeric", 1.0)]
    table = [[1, 2, 1], [1, 1, 0], [0, 1, 1], [0, 0, 0], [1, 2, 0]]
    data = item_analysis(make_book(table, columns))
    assert data["reliability"]["method"] == "Cronbach's alpha"
    # by hand: item variances 0.24, 0.56, 0.24; totals (4, 2, 2, 0, 3) mean 2.2, variance 8.8 / 5 = 1.76
    # alpha = 3/2 * (1 - 1.04 / 1.76) = 27/44
    assert data["reliability"]["alpha"] == pytest.approx(27 / 44, abs=1e-4)
    assert data["items"][1]["difficulty"] == pytest.approx(0.6)  # 6 of 10 points


def random_class(seed, n=37, k=8):
    rng = random.Random(seed)
    columns = [Column("quiz", f"q{j}", "numeric", 2.0 if j % 3 == 2 else 1.0) for j in range(k)]
    ability = [rng.gauss(0, 1) for _ in range(n)]
    table = []
    for a in ability:
        row = []
        for j, c in enumerate(columns):
            p = 1 / (1 + math.exp(-(a - (j - k / 2) / 3)))
            row.append(float(sum(rng.random() < p for _ in range(int(c.max_points)))))
        table.append(row)
    return columns, table


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_against_scipy_and_numpy(seed):
    columns, table = random_class(seed)
    data = item_analysis(make_book(table, columns))
    x = np.array(table)
    total = x.sum(axis=1)
    n, k = x.shape
    for j, item in enumerate(data["items"]):
        rest = total - x[:, j]
        assert item["difficulty"] == pytest.approx(x[:, j].mean() / columns[j].max_points, abs=1e-4)
        if columns[j].max_points == 1:  # right/wrong: the point-biserial proper
            expected = stats.pointbiserialr(x[:, j].astype(bool), rest).statistic
        else:
            expected = stats.pearsonr(x[:, j], rest).statistic
        assert item["point_biserial"] == pytest.approx(expected, abs=1e-4)
        # Kelley's groups: 27% of 37 is 10; ties broken by student id (the names sort as indices here)
        order = np.lexsort((np.arange(n), -total))
        share = x[:, j] / columns[j].max_points
        assert item["upper_lower"] == pytest.approx(share[order[:10]].mean() - share[order[-10:]].mean(), abs=1e-4)
        rest_items = np.delete(x, j, axis=1)
        alpha_without = (k - 1) / (k - 2) * (1 - rest_items.var(axis=0, ddof=1).sum() / rest_items.sum(axis=1).var(ddof=1))
        assert item["alpha_if_deleted"] == pytest.approx(alpha_without, abs=1e-4)
    alpha = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total.var(ddof=1))
    rel = data["reliability"]
    assert rel["method"] == "Cronbach's alpha" and rel["alpha"] == pytest.approx(alpha, abs=1e-4)
    assert rel["sem"] == pytest.approx(total.std(ddof=0) * math.sqrt(1 - alpha), abs=1e-4)
    assert data["group_size"] == 10 and data["warning"] == ""


@pytest.mark.parametrize("seed", [3, 4])
def test_sem_is_the_error_part_of_the_variance_alpha_splits(seed):
    """Alpha splits the variance of totals into true and error parts; the SEM is the error part's root.

    Computed here through the covariance matrix of the items (the variance of a sum is the sum
    of its covariance matrix), with numpy's population covariance as alpha's variances are.
    """
    columns, table = random_class(seed, n=23)
    rel = item_analysis(make_book(table, columns))["reliability"]
    cov = np.cov(np.array(table), rowvar=False, ddof=0)
    k, total_var = len(columns), cov.sum()
    true_var = k / (k - 1) * (total_var - np.trace(cov))  # alpha * total variance
    assert rel["alpha"] == pytest.approx(true_var / total_var, abs=1e-4)
    assert rel["sd"] == pytest.approx(math.sqrt(total_var), abs=1e-4)
    assert rel["sem"] == pytest.approx(math.sqrt(total_var - true_var), abs=1e-4)


def test_kr20_equals_the_textbook_formula_on_right_wrong_items():
    _, table = random_class(5, k=6)
    right = [[min(p, 1.0) for p in row] for row in table]
    data = item_analysis(make_book(right))
    x = np.array(right)
    p = x.mean(axis=0)
    kr20 = 6 / 5 * (1 - (p * (1 - p)).sum() / x.sum(axis=1).var(ddof=0))
    assert data["reliability"]["method"] == "KR-20" and data["reliability"]["alpha"] == pytest.approx(kr20, abs=1e-4)


def choice_class():
    """20 students; q1 everyone right, q2 few right, q3 a single choice whose distractor C the strong pick."""
    columns = [Column("quiz", "easy", "numeric", 1.0), Column("quiz", "hard", "numeric", 1.0),
               Column("quiz", "pick", "single_choice", 1.0, options=("A", "B", "C"), correct=("A",)),
               Column("quiz", "good", "numeric", 1.0), Column("quiz", "good2", "numeric", 1.0)]
    table, answers = [], []
    for i in range(20):
        strong = i < 10
        pick = ("C" if i % 3 else "A") if strong else ("A" if i % 2 else "B")
        good = 1 if i < 12 else 0
        table.append([1, 1 if i in (0, 5, 17) else 0, 1 if pick == "A" else 0, good, 1 if i < 9 or i == 14 else 0])
        answers.append([None, None, pick, None, None])
    return make_book(table, columns, answers)


def test_flags_in_plain_words_and_option_rates():
    data = item_analysis(choice_class())
    by = {i["question"]: i for i in data["items"]}
    assert by["quiz/easy"]["flags"] == [FLAG_EASY, FLAG_FLAT]  # everyone right: nothing to discriminate
    assert "everyone scored the same" in by["quiz/easy"]["why"][1]
    assert by["quiz/hard"]["flags"][0] == FLAG_HARD and by["quiz/hard"]["difficulty"] == 0.15
    assert by["quiz/good"]["flags"] == [] and by["quiz/good2"]["flags"] == []
    pick = by["quiz/pick"]
    assert FLAG_DISTRACTOR in pick["flags"] and FLAG_FLAT in pick["flags"] and pick["point_biserial"] < 0
    options = {o["option"]: o for o in pick["options"]}
    # totals by hand: s01 5; s04, s06, s07 4; s02, s03, s05, s08, s09, s10, s12, s18 3; s11, s14, s15, s16, s20 2;
    # s13, s17, s19 1. 27% of 20 = 5 per group, ties broken by id: upper s01, s04, s06, s07, s02 (picks A, A, C,
    # A, C); lower s16, s20, s13, s17, s19 (picks A, A, B, B, B)
    assert options["C"]["upper"] == 0.4 and options["C"]["lower"] == 0.0 and options["C"]["correct"] is False
    assert (options["A"]["upper"], options["A"]["lower"], options["B"]["lower"]) == (0.6, 0.4, 0.6)
    # overall: strong students 0-9 pick C unless i % 3 == 0 (0, 3, 6, 9): 6 of 20
    assert options["C"]["overall"] == 0.3 and options["A"]["correct"] is True
    assert any("option C is picked by 40% of the upper group and 0% of the lower group" in w for w in pick["why"])


def test_unanswered_questions_score_zero_and_empty_submissions_are_left_out():
    book = make_book([[1, None], [1, 1], [None, None], [0, 0]])
    data = item_analysis(book)
    assert data["students"] == 3 and data["excluded"] == 1
    assert data["items"][1]["difficulty"] == pytest.approx(1 / 3, abs=1e-4) and data["items"][1]["answered"] == 2


def test_concept_mastery_per_student_and_weakest_first():
    columns = [Column("quiz", "a", "numeric", 1.0, concepts=("metrics",)),
               Column("quiz", "b", "numeric", 2.0, concepts=("metrics", "leakage")),
               Column("quiz", "c", "numeric", 1.0, concepts=("leakage",)),
               Column("quiz", "d", "numeric", 1.0)]
    book = make_book([[1, 2, 0, 1], [0, 1, 1, 0], [1, 0, None, 1]], columns)
    data = concept_mastery(book)
    # metrics: a + b = 3 points each; earned 3, 1, 1 -> 5 of 9. leakage: b + c = 3 each; 2, 2, 0 -> 4 of 9
    assert [(c["concept"], c["earned"], c["possible"]) for c in data["concepts"]] == [("leakage", 4, 9), ("metrics", 5, 9)]
    assert data["concepts"][0]["share"] == pytest.approx(4 / 9, abs=1e-4)
    assert data["concepts"][0]["questions"] == [{"question": "quiz/b", "share": 0.5}, {"question": "quiz/c", "share": pytest.approx(1 / 3, abs=1e-4)}]
    assert data["students"][1]["concepts"] == {"metrics": {"earned": 1.0, "possible": 3.0}, "leakage": {"earned": 2.0, "possible": 3.0}}
    assert data["untagged"] == ["quiz/d"]


def test_gradebook_json_and_report_carry_items_and_concepts_byte_identically():
    book = choice_class()
    for c in list(book.columns):  # tag two questions so the heat map has something to show
        if c.question in ("pick", "good"):
            book.columns[book.columns.index(c)] = Column(c.lesson, c.question, c.type, c.max_points, ("leak",), c.options, c.correct)
    analysis = ClassAnalysis.from_gradebook(book)
    data = json.loads(gradebook_json(book, analysis))
    assert [i["question"] for i in data["items"]][:3] == ["quiz/easy", "quiz/hard", "quiz/pick"]
    assert data["item_analysis"]["reliability"]["method"] == "KR-20"
    assert data["mastery"]["concepts"][0]["concept"] == "leak"
    html = report_html(book, analysis)
    assert html == report_html(book, ClassAnalysis.from_gradebook(book))
    assert '<h2 id="items">Items</h2>' in html
    # sortable without script: one copy of the table per order, the headings link to them
    assert "<script" not in html and 'href="#items-by-point-biserial"' in html
    by_pb = html[html.index('id="items-by-point-biserial"'):]
    by_pb = by_pb[:by_pb.index("</table>")]
    order = [line.split("</td>")[0][len("<tr><td>"):] for line in by_pb.splitlines() if line.startswith("<tr><td>")]
    pbs = {i["question"]: i["point_biserial"] for i in data["items"]}
    # the undefined one (everyone right) first, then the lowest correlation first
    assert order[0] == "quiz/easy" and [pbs[q] for q in order[1:]] == sorted(pbs[q] for q in order[1:])
    assert "<strong>quiz/pick</strong>: does not discriminate; a distractor attracts strong students" in html
    assert '<table class="heatmap">' in html and "hsl(" in html
    assert "Warning" not in html  # 20 students


def test_few_students_are_shown_with_a_warning():
    book = make_book(SMALL)
    html = report_html(book, ClassAnalysis.from_gradebook(book))
    assert '<p class="warning"><strong>Warning:</strong> only 5 student(s)' in html
    assert "<td>0.60</td>" in html  # the numbers are still there
