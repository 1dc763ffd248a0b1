"""Point symbols: existing steunpunten (stars with names) and numbered proposed sites.

A proposed or candidate location never looks like an existing steunpunt: it
is a white disc with a pink ring and its number, and its name is listed in a
side table with the same number.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

from accessibility.outputs.maps.classes import CANDIDATE_COLOUR, STEUNPUNT_COLOUR
from accessibility.outputs.maps.labels import Label, marker_boxes
from accessibility.outputs.maps.text import literal, map_text

STAR_SIZE = 15  # points (legend marker size; scatter size is its square)
SITE_SIZE = 13
#: At most this many steunpunten get their name on the map.
MAX_NAMED = 40


def draw_steunpunten(ax: Axes, points: gpd.GeoSeries | None, size: float = STAR_SIZE) -> list[Bbox]:
    """Purple stars with a white edge; returns their display boxes (label obstacles)."""
    if points is None or points.empty:
        return []
    pts = points[~points.is_empty]
    ax.scatter(pts.x, pts.y, s=size**2, marker="*", c=STEUNPUNT_COLOUR, edgecolors="white",
               linewidths=0.9, zorder=10)
    return marker_boxes(ax, pts.x.to_numpy(), pts.y.to_numpy(), size * 0.8)


def steunpunt_labels(points: gpd.GeoSeries | None, names: Sequence[str] | None,
                     marker_size: float = STAR_SIZE) -> list[Label]:
    """Name labels of the steunpunten (none when there are more than :data:`MAX_NAMED`)."""
    if points is None or names is None or len(points) > MAX_NAMED:
        return []
    return [Label(p.x, p.y, literal(n), fontsize=8, weight="bold", colour=STEUNPUNT_COLOUR,
                  distance_pt=marker_size * 0.4 + 3)
            for p, n in zip(points, names, strict=True) if p is not None and not p.is_empty]


def draw_sites(ax: Axes, points: gpd.GeoSeries | None, size: float = SITE_SIZE) -> list[Bbox]:
    """Numbered discs (1, 2, ...) for proposed sites; returns their display boxes."""
    if points is None or points.empty:
        return []
    ax.scatter(points.x, points.y, s=size**2, marker="o", c="white", edgecolors=CANDIDATE_COLOUR,
               linewidths=2.6, zorder=11)
    for number, point in enumerate(points, start=1):
        ax.text(point.x, point.y, str(number), ha="center", va="center_baseline", fontsize=7.5,
                fontweight="bold", color="#67001f", zorder=12)
    return marker_boxes(ax, points.x.to_numpy(), points.y.to_numpy(), size)


def steunpunt_handle(lang: str) -> Line2D:
    """Legend entry of an existing steunpunt."""
    return Line2D([], [], marker="*", linestyle="none", markersize=STAR_SIZE,
                  markerfacecolor=STEUNPUNT_COLOUR, markeredgecolor="white",
                  label=map_text(lang)["steunpunt"])


def site_handle(lang: str, numbered: bool = True) -> Line2D:
    """Legend entry of a proposed site."""
    text = map_text(lang)
    return Line2D([], [], marker="o", linestyle="none", markersize=11, markerfacecolor="white",
                  markeredgecolor=CANDIDATE_COLOUR, markeredgewidth=2.4,
                  label=text["candidates"] if numbered else text["candidate"])


def site_table(fig: Figure, names: Sequence[str], x: float, y: float, lang: str,
               fontsize: float = 9.5) -> None:
    """The numbered list of proposed sites, top-left corner at figure fraction ``(x, y)``."""
    if not names:
        return
    lines = [map_text(lang)["candidate_table"]]
    lines += [f"{i}  {literal(name)}" for i, name in enumerate(names, start=1)]
    fig.text(x, y, "\n".join(lines), ha="left", va="top", fontsize=fontsize, linespacing=1.5,
             bbox={"facecolor": "white", "edgecolor": CANDIDATE_COLOUR, "pad": 5})
