"""Every choice question of every bank, rendered in real JupyterLab (headless Chromium) at
1000 px and 1400 px wide: each option keeps to its own row (long ones wrap inside it), no two
options' boxes overlap, and every radio button and checkbox can be seen and clicked.

One notebook, one kernel: a cell per bank asks all of its choice questions.
"""

from pathlib import Path

import pytest

from quizkit.quiz.loading import load_bank

pytest_plugins = ["browser_support"]
pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
BANKS = sorted((ROOT / "lessons").glob("[0-9][0-9]-*.yaml"))
CHOICE = ("single_choice", "multiple_choice")
WIDTHS = (1000, 1400)

# For one question's box: scroll it into view, then measure each option's box (its row and the
# text inside it: text that spills out of a fixed-height row lands on the next one) and ask the
# page what is on top at the centre of each button.
MEASURE_JS = """q => {
    q.scrollIntoView({block: "center"});
    const rows = [...q.querySelectorAll(".widget-radio-box label, .widget-checkbox")];
    const boxes = rows.map(row => {
        const r = row.getBoundingClientRect(), range = document.createRange();
        range.selectNodeContents(row);
        const t = range.getBoundingClientRect();
        return {top: Math.min(r.top, t.top), bottom: Math.max(r.bottom, t.bottom),
                left: Math.min(r.left, t.left), right: Math.max(r.right, t.right)};
    });
    const problems = [];
    for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i], b = boxes[j];
            const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (x > 0.5 && y > 0.5) problems.push(`options ${i + 1} and ${j + 1} overlap by ${y.toFixed(1)} px`);
        }
    q.querySelectorAll("input[type=radio], input[type=checkbox]").forEach((button, i) => {
        const b = button.getBoundingClientRect();
        const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
        if (b.width < 4 || b.height < 4 || hit !== button) problems.push(`button ${i + 1} is hidden`);
    });
    return {id: q.dataset.question || "", rows: rows.length, problems};
}"""


def _choice_questions() -> list[tuple[str, str, int]]:
    """(lesson, question, number of options) for every choice question, from the banks."""
    found = []
    for path in BANKS:
        bank = load_bank(path)
        found += [(bank.id, q.id, len(q.options)) for q in bank.questions.values() if q.type in CHOICE]
    return found


def test_every_option_of_every_bank_has_its_own_row_at_two_widths(lab, open_notebook, lab_page):
    expected = _choice_questions()
    cells = [
        f"from quizkit import Quiz\nquiz = Quiz({str(path)!r})\n"
        f"for q in quiz.bank.questions.values():\n    if q.type in {CHOICE!r}:\n        quiz.ask(q.id)"
        for path in BANKS
    ]
    lab.write_notebook("options.ipynb", cells)
    notebook = open_notebook("options.ipynb")
    for index in range(len(cells)):
        notebook.run_cell(index)
    questions = notebook.panel.locator(".quizkit-question")
    questions.nth(len(expected) - 1).wait_for()
    assert questions.count() == len(expected)

    problems = []
    for width in WIDTHS:
        lab_page.set_viewport_size({"width": width, "height": 900})
        for n, (lesson, question, n_options) in enumerate(expected):
            seen = questions.nth(n).evaluate(MEASURE_JS)
            assert seen["rows"] == n_options, (lesson, question, seen)
            problems += [f"{width} px, {lesson}/{question}: {p}" for p in seen["problems"]]
    assert not problems, "\n".join(problems)
