"""Map frame: the extent and scale shared by a set of maps, scale bar, north arrow, saving.

A set of maps (every isochrone map of a region, the two panels of a
before/after map) is drawn at one scale: give each the same ``extent`` and
the same axes box and they cover the same ground. The scale bar and the north
arrow sit on white boxes, so they stay readable on any background.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle

from accessibility.errors import InputError
from accessibility.io import atomic_path
from accessibility.outputs.maps.text import literal, map_text

DPI = 150
#: Vector formats written next to the PNG.
VECTOR_FORMATS = ("pdf", "svg")
BOX = {"facecolor": "white", "edgecolor": "#969696", "linewidth": 0.6, "alpha": 0.9}


def set_extent(
    ax: Axes, bounds: Sequence[float], margin: float = 0.04, min_size_m: float = 2000
) -> None:
    """Fit the view to ``bounds`` plus a margin (fraction), at least ``min_size_m`` wide.

    The view is widened in one direction to the shape of the axes box, so the
    map fills the box (at equal scale in x and y) instead of leaving blank bands.
    Maps with the same bounds and axes box therefore have the same scale.
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)) or maxx < minx or maxy < miny:
        raise InputError(f"map extent {list(bounds)} must be finite [minx, miny, maxx, maxy]")
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half_w = max((maxx - minx) * (0.5 + margin), min_size_m / 2)
    half_h = max((maxy - miny) * (0.5 + margin), min_size_m / 2)
    box = ax.get_position(original=True)
    fig_w, fig_h = ax.figure.get_size_inches()
    box_ratio = (box.height * fig_h) / (box.width * fig_w)
    if half_h / half_w < box_ratio:
        half_h = half_w * box_ratio
    else:
        half_w = half_h / box_ratio
    ax.set_xlim(cx - half_w, cx + half_w)
    ax.set_ylim(cy - half_h, cy + half_h)
    ax.set_aspect("equal", adjustable="box")


def nice_scale_length(max_m: float) -> float:
    """The largest 1, 2 or 5 x 10^k metres not longer than ``max_m`` (> 0)."""
    if not (math.isfinite(max_m) and max_m > 0):
        raise InputError(f"scale bar length must be a positive number of metres; got {max_m!r}")
    base = 10.0 ** math.floor(math.log10(max_m))
    return max(m * base for m in (1, 2, 5) if m * base <= max_m)


def scale_label(length_m: float) -> str:
    """``"500 m"`` or ``"5 km"``."""
    return f"{length_m:g} m" if length_m < 1000 else f"{length_m / 1000:g} km"


def add_scale_bar(ax: Axes, fraction: float = 0.25) -> float:
    """Draw a two-segment scale bar on a white box in the lower left of a metric map.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose data coordinates are metres; limits must be set.
    fraction : float
        Longest bar length as a fraction of the map width.

    Returns
    -------
    float
        The bar length in metres.
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    width, height = x1 - x0, y1 - y0
    length = nice_scale_length(width * fraction)
    left, bottom = x0 + 0.04 * width, y0 + 0.04 * height
    bar_h = 0.012 * height
    ax.add_patch(Rectangle(
        (left - 0.02 * width, bottom - 0.02 * height), length + 0.05 * width,
        bar_h + 0.075 * height, zorder=20, **BOX))
    for i, face in enumerate(("black", "white")):
        ax.add_patch(Rectangle((left + i * length / 2, bottom), length / 2, bar_h,
                               facecolor=face, edgecolor="black", linewidth=0.8, zorder=21))
    for x, label in ((left, "0"), (left + length, scale_label(length))):
        ax.text(x, bottom + bar_h * 1.6, label, ha="center", va="bottom", fontsize=8, zorder=22)
    return length


def add_north_arrow(ax: Axes) -> None:
    """A north arrow on a white box in the upper right corner (grid north = north in RD New)."""
    ax.add_patch(FancyBboxPatch((0.925, 0.855), 0.05, 0.125, boxstyle="round,pad=0.005",
                                transform=ax.transAxes, zorder=21, **BOX))
    ax.annotate("N", xy=(0.95, 0.97), xytext=(0.95, 0.88), xycoords="axes fraction",
                textcoords="axes fraction", ha="center", va="center", fontsize=11,
                fontweight="bold", zorder=22,
                arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.5})


def decorate(
    fig: Figure, axes: Sequence[Axes], title: str, caption: str, synthetic: bool, lang: str
) -> None:
    """Plain frames, scale bar, north arrow, synthetic-data label, title and caption."""
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
        for spine in ax.spines.values():
            spine.set_edgecolor("#bdbdbd")
        add_scale_bar(ax)
        add_north_arrow(ax)
        if synthetic:
            ax.text(0.02, 0.98, map_text(lang)["synthetic"], transform=ax.transAxes,
                    ha="left", va="top", fontsize=9, fontweight="bold", color="#b30000",
                    bbox={"facecolor": "white", "edgecolor": "#b30000", "alpha": 0.9},
                    zorder=23)
    fig.text(0.015, 0.975, literal(title), ha="left", va="top", fontsize=15, fontweight="bold")
    fig.text(0.015, 0.012, caption, ha="left", va="bottom", fontsize=8, color="#404040")


def vector_path(path: str | os.PathLike[str], fmt: str) -> Path:
    """The vector file written beside a PNG: ``map.png`` -> ``map.pdf``."""
    return Path(path).with_suffix(f".{fmt}")


def save(fig: Figure, path: str | os.PathLike[str], dpi: int, vector: str | None = "pdf") -> Path:
    """Write the figure as PNG at ``path`` and, unless ``vector`` is None, as PDF or SVG beside it.

    Both files are written atomically.

    Raises
    ------
    InputError
        On a vector format other than :data:`VECTOR_FORMATS`.
    """
    if vector is not None and vector not in VECTOR_FORMATS:
        raise InputError(f"vector format {vector!r}: use one of {', '.join(VECTOR_FORMATS)} "
                         "or None")
    FigureCanvasAgg(fig)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format="png", facecolor="white")
    if vector is not None:
        with atomic_path(vector_path(path, vector)) as tmp:
            fig.savefig(tmp, format=vector, facecolor="white",
                        metadata={"Creator": "accessibility"} if vector == "pdf" else None)
    return Path(path)


def bounds_array(extent: Sequence[float]) -> np.ndarray:
    """``extent`` as a float array ``[minx, miny, maxx, maxy]``."""
    values = np.asarray(extent, dtype=float)
    if values.shape != (4,):
        raise InputError(f"map extent {extent!r} must be [minx, miny, maxx, maxy] in metres")
    return values
