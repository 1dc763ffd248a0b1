"""Labels that never overlap: a greedy placement rule, tested on crowded maps.

Labels are placed in priority order (steunpunten before place names). Each
label tries eight positions around its point (right, left, above, below and
the diagonals), first close to the point and then further out; it takes the
first position whose box stays inside the map and touches neither a label
placed before it nor a marker. A label with no free position is not drawn,
and the caller is told so (to list it beside the map instead).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

#: Offsets (x, y, horizontal, vertical alignment) in units of the label's distance.
POSITIONS = (
    (1, 0, "left", "center"), (-1, 0, "right", "center"), (0, 1, "center", "bottom"),
    (0, -1, "center", "top"), (0.8, 0.8, "left", "bottom"), (-0.8, 0.8, "right", "bottom"),
    (0.8, -0.8, "left", "top"), (-0.8, -0.8, "right", "top"),
)
DISTANCES = (1.0, 2.2, 4.0)
BOX_PAD = 1.5  # points of white around a boxed label


@dataclass
class Label:
    """One label to place: the point (data coordinates) and how it looks."""

    x: float
    y: float
    text: str
    fontsize: float = 8.0
    weight: str = "normal"
    colour: str = "black"
    style: str = "normal"
    distance_pt: float = 7.0
    boxed: bool = True
    zorder: int = 15


def boxes_overlap(a: Bbox, b: Bbox, gap_px: float = 1.0) -> bool:
    """True when two display boxes overlap or come closer than ``gap_px``."""
    return not (a.x1 + gap_px <= b.x0 or b.x1 + gap_px <= a.x0
                or a.y1 + gap_px <= b.y0 or b.y1 + gap_px <= a.y0)


def marker_boxes(ax: Axes, x: np.ndarray, y: np.ndarray, size_pt: float) -> list[Bbox]:
    """Display boxes of square markers of ``size_pt`` points at data coordinates."""
    half = size_pt / 2 * ax.figure.dpi / 72
    points = ax.transData.transform(np.column_stack([x, y])) if len(x) else np.empty((0, 2))
    return [Bbox.from_extents(px - half, py - half, px + half, py + half) for px, py in points]


def _draw(ax: Axes, label: Label, dx: float, dy: float, ha: str, va: str,
          leader: bool) -> Text:
    style = {"fontsize": label.fontsize, "fontweight": label.weight, "color": label.colour,
             "fontstyle": label.style, "zorder": label.zorder, "annotation_clip": False}
    if leader:
        style["arrowprops"] = {"arrowstyle": "-", "color": label.colour, "linewidth": 0.7,
                               "shrinkA": 0, "shrinkB": 3}
    if label.boxed:
        style["bbox"] = {"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": BOX_PAD}
    text = ax.annotate(label.text, (label.x, label.y), xytext=(dx, dy),
                       textcoords="offset points", ha=ha, va=va, **style)
    if not label.boxed:
        text.set_path_effects([patheffects.withStroke(linewidth=2.5, foreground="white")])
    return text


def _extent(text: Annotation, renderer, pad_pt: float) -> Bbox:
    """Display box of a drawn text, grown by its white box padding."""
    pad = pad_pt * text.figure.dpi / 72
    text.update_positions(renderer)
    box = Text.get_window_extent(text, renderer)  # the text alone, not its leader line
    return Bbox.from_extents(box.x0 - pad, box.y0 - pad, box.x1 + pad, box.y1 + pad)


def place_labels(ax: Axes, labels: Sequence[Label], obstacles: Sequence[Bbox] = (),
                 distances: Sequence[float] = DISTANCES) -> list[Text | None]:
    """Draw the labels where they fit; the axes limits must already be set.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    labels : sequence of Label
        In priority order: earlier labels get the better positions.
    obstacles : sequence of matplotlib.transforms.Bbox
        Display boxes no label may touch (markers, the scale bar, ...).
    distances : sequence of float
        Distances to try, in units of each label's ``distance_pt``.

    Returns
    -------
    list of matplotlib.text.Text or None
        The drawn text per label; None where no free position was found.
    """
    if ax.figure.canvas is None or not isinstance(ax.figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(ax.figure)
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    taken: list[Bbox] = list(obstacles)
    placed: list[Text | None] = []
    for label in labels:
        result = None
        for distance in distances:
            for fx, fy, ha, va in POSITIONS:
                d = label.distance_pt * distance
                text = _draw(ax, label, fx * d, fy * d, ha, va, leader=distance > 1)
                box = _extent(text, renderer, BOX_PAD if label.boxed else 1.0)
                inside = (box.x0 >= frame.x0 and box.x1 <= frame.x1
                          and box.y0 >= frame.y0 and box.y1 <= frame.y1)
                if inside and not any(boxes_overlap(box, other) for other in taken):
                    taken.append(box)
                    result = text
                    break
                text.remove()
            if result is not None:
                break
        placed.append(result)
    return placed
