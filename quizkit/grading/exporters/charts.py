"""The report's two charts as inline SVG, drawn from plain numbers.

Grading installs no plotting library (it loads no ML stack, matplotlib included), and the
report needs only two simple charts: a histogram of totals and a bar per question. SVG text
has no timestamps or renderer versions in it, so the same numbers give the same bytes.

>>> svg = histogram_svg([0, 1, 1, 2], max_points=2)
>>> svg.startswith('<svg role="img"'), svg.count('class="bar"')
(True, 3)
>>> bars_svg(["quiz/a", "quiz/b"], [50.0, 100.0]).count('class="bar"')
2
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

WIDTH, PLOT_HEIGHT, MARGIN = 600, 220, 44
HIST_COLOUR, BAR_COLOUR = "#4477aa", "#66aa55"
ROW = 24  # pixels a question's bar takes
MAX_BINS = 40  # up to this many points, one bar per whole point; above it, 20 equal bins


def _num(value: float) -> str:
    return f"{round(value, 1):g}"


def _svg(width: float, height: float, title: str, parts: list[str]) -> str:
    return (f'<svg role="img" xmlns="http://www.w3.org/2000/svg" width="{_num(width)}" height="{_num(height)}" '
            f'viewBox="0 0 {_num(width)} {_num(height)}" font-family="sans-serif" font-size="12">'
            f"<title>{html.escape(title)}</title>" + "".join(parts) + "</svg>")


def _text(x: float, y: float, text: str, anchor: str = "middle", extra: str = "") -> str:
    return f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}"{extra}>{html.escape(text)}</text>'


def histogram_svg(totals: Sequence[float], max_points: float) -> str:
    """Students per total: one bar per whole point (centred on it) up to 40 points, else 20 bins."""
    top = max(max_points, 1.0)
    if top <= MAX_BINS:
        edges = [i - 0.5 for i in range(int(top) + 2)]
        bins = [math.floor(t + 0.5) for t in totals]
    else:
        edges = [top * i / 20 for i in range(21)]
        bins = [int(20 * t / top) for t in totals]
    counts = [0] * (len(edges) - 1)
    for i in bins:  # the last bin holds its right edge, as a histogram's last bin does
        counts[max(0, min(i, len(counts) - 1))] += 1
    peak = max(counts + [1])
    left, bottom = MARGIN, 30 + PLOT_HEIGHT
    scale_x = (WIDTH - left - 10) / (edges[-1] - edges[0])

    def x(value: float) -> float:
        return left + (value - edges[0]) * scale_x

    parts = [_text(WIDTH / 2, 18, "Distribution of totals", extra=' font-size="14"')]
    for j, count in enumerate(counts):
        height = PLOT_HEIGHT * count / peak
        parts.append(f'<rect class="bar" x="{_num(x(edges[j]))}" y="{_num(bottom - height)}" '
                     f'width="{_num(x(edges[j + 1]) - x(edges[j]) - 1)}" height="{_num(height)}" fill="{HIST_COLOUR}"/>')
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{WIDTH - 10}" y2="{bottom}" stroke="#333"/>')
    step = max(1, math.ceil(top / 10))
    parts += [_text(x(v), bottom + 15, _num(v)) for v in range(0, int(top) + 1, step)]
    ystep = max(1, math.ceil(peak / 5))
    parts += [_text(left - 6, bottom - PLOT_HEIGHT * c / peak + 4, str(c), "end") for c in range(0, peak + 1, ystep)]
    parts.append(_text(WIDTH / 2, bottom + 32, f"total points (of {_num(max_points)})"))
    parts.append(_text(12, 30 + PLOT_HEIGHT / 2, "students", extra=f' transform="rotate(-90 12 {_num(30 + PLOT_HEIGHT / 2)})"'))
    return _svg(WIDTH, bottom + 42, "histogram of total points", parts)


def bars_svg(labels: Sequence[str], percents: Sequence[float]) -> str:
    """One horizontal bar per question, in the given order: the percent of submissions correct."""
    label_width = min(260, 7 * max([len(label) for label in labels] + [8]))
    left, top = label_width + 10, 30
    span = WIDTH - left - 50
    parts = [_text(WIDTH / 2, 18, "Per question: % of submissions correct", extra=' font-size="14"')]
    for i, (label, percent) in enumerate(zip(labels, percents)):
        y = top + i * ROW
        parts.append(_text(left - 6, y + ROW / 2 + 4, label, "end"))
        parts.append(f'<rect class="bar" x="{left}" y="{_num(y + 3)}" width="{_num(span * percent / 100)}" '
                     f'height="{ROW - 6}" fill="{BAR_COLOUR}"/>')
        parts.append(_text(left + span * percent / 100 + 4, y + ROW / 2 + 4, f"{percent:.0f}%", "start"))
    bottom = top + ROW * len(labels)
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#333"/>')
    return _svg(WIDTH, bottom + 10, "percent correct per question", parts)
