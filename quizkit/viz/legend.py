"""A legend that covers none of the plotted data: :func:`place_legend`.

``loc="best"`` only minimises the overlap and happily sits on a curve when every corner is
busy. :func:`place_legend` tries the corners and edges in turn and keeps the first where the
legend's box holds no point of any line (sampled densely along each segment, so a curve
passing through the box counts even between its points; reference lines marked with
:func:`mark_reference` may be crossed), then the same in a smaller font; when there is none, the
legend goes under the axes, outside them (a constrained layout makes room for it).

>>> import matplotlib.pyplot as plt
>>> fig, ax = plt.subplots()
>>> _ = ax.plot([0, 1], [0, 1], label="rising")
>>> covered_points(ax, place_legend(ax))
0
"""

from __future__ import annotations

from typing import Any

# Inside the axes, in the order a reader looks for a legend.
LOCATIONS = ("lower right", "upper left", "lower left", "upper right", "center right", "center left",
             "lower center", "upper center")
# Points sampled along each segment of a line, in axes coordinates.
SAMPLES_PER_SEGMENT = 20
# A line with this gid is a reference (chance, perfect calibration): the legend may cross it.
REFERENCE = "quizkit-reference"
# Room kept between a legend and the nearest line (axes fraction).
PAD = 0.02
# A legend inside the axes is at most this wide (axes fraction): the axes often shrink later
# (a constrained layout making room for a neighbour), and a wider legend would then reach
# the lines it was placed clear of.
MAX_INSIDE_WIDTH = 0.6


def mark_reference(line: Any) -> Any:
    """Mark ``line`` as a reference line that a legend may cover; returns it."""
    line.set_gid(REFERENCE)
    return line


def _line_points(ax: Any) -> Any:
    """Every line's points (and points between them), in the axes' 0..1 coordinates."""
    import numpy as np

    to_axes = ax.transAxes.inverted()
    chunks = []
    for line in ax.get_lines():
        if not line.get_visible() or line.get_gid() == REFERENCE:
            continue
        xy = line.get_transform().transform(np.asarray(line.get_xydata(), dtype=float))
        xy = xy[np.isfinite(xy).all(axis=1)]
        if len(xy) == 0:
            continue
        if len(xy) > 1 and line.get_linestyle() not in ("None", "", " "):
            steps = np.linspace(0.0, 1.0, SAMPLES_PER_SEGMENT, endpoint=False)[:, None, None]
            between = xy[:-1][None] + steps * (xy[1:] - xy[:-1])[None]
            xy = np.vstack([between.reshape(-1, 2), xy[-1:]])
        chunks.append(to_axes.transform(xy))
    for collection in ax.collections:  # scatter points
        offsets = collection.get_offsets()
        if len(offsets):
            chunks.append(to_axes.transform(collection.get_offset_transform().transform(offsets)))
    return np.vstack(chunks) if chunks else np.empty((0, 2))


def covered_points(ax: Any, legend: Any, pad: float = PAD) -> int:
    """How many of the axes' plotted points (sampled along lines) ``legend``'s box, grown by
    ``pad`` (axes fraction), covers."""
    figure = ax.figure
    figure.draw_without_rendering()
    box = legend.get_window_extent(figure.canvas.get_renderer()).transformed(ax.transAxes.inverted())
    points = _line_points(ax)
    x, y = points[:, 0], points[:, 1]
    inside = (x >= box.x0 - pad) & (x <= box.x1 + pad) & (y >= box.y0 - pad) & (y <= box.y1 + pad)
    return int(inside.sum())


def _width(ax: Any, legend: Any) -> float:
    figure = ax.figure
    figure.draw_without_rendering()
    return legend.get_window_extent(figure.canvas.get_renderer()).width / ax.get_window_extent().width


def _below(ax: Any, fontsize: str) -> Any:
    """The legend under the axes, clear of its tick labels and x label (a fixed distance in
    points, so it holds when a constrained layout resizes the axes)."""
    figure = ax.figure
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    under_pixels = ax.get_window_extent(renderer).y0 - ax.get_tightbbox(renderer).y0
    legend = ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), fontsize=fontsize)
    size_points = legend.get_texts()[0].get_fontsize() if legend.get_texts() else 10.0
    legend.set_bbox_to_anchor((0.5, 0.0), transform=ax.transAxes)
    legend.borderaxespad = under_pixels * 72 / figure.dpi / size_points + 0.5
    return legend


def place_legend(ax: Any, *, figure_bottom: bool = False) -> Any:
    """Draw ``ax``'s legend where it covers no plotted point (reference lines aside), in a
    smaller font if it must; else below the axes, or with ``figure_bottom`` at the bottom of
    the figure (for axes with others under them)."""
    for fontsize in ("medium", "small"):
        for loc in LOCATIONS:
            legend = ax.legend(loc=loc, fontsize=fontsize)
            if _width(ax, legend) <= MAX_INSIDE_WIDTH and covered_points(ax, legend) == 0:
                return legend
    if not figure_bottom:
        return _below(ax, "small")
    figure = ax.figure
    ax.get_legend().remove()
    for old in [leg for leg in figure.legends if leg.get_gid() == REFERENCE]:
        old.remove()  # the legend an earlier curve on these axes put there
    handles, labels = ax.get_legend_handles_labels()
    legend = figure.legend(handles, labels, loc="outside lower center", fontsize="small")
    legend.set_gid(REFERENCE)
    return legend
