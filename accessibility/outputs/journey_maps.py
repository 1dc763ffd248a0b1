"""A map (PNG) of example journeys: numbered starts, walks dashed, rides coloured by mode.

Drawn over the buurten (white-spot buurten tinted) with the steunpunten as
stars and the furniture of :mod:`accessibility.outputs.maps` (scale bar, north
arrow, caption with the parameters, synthetic label). The numbers match the
order in which the report writes the journeys out.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from accessibility.io import atomic_path
from accessibility.outputs.maps import (
    DPI,
    STEUNPUNT_COLOUR,
    TEXT,
    add_north_arrow,
    add_scale_bar,
    format_caption,
    map_crs,
    polygonal,
    set_extent,
)

#: Line colours of the transit modes (names as ``TransportMode`` values).
MODE_COLOURS = {"BUS": "#1f78b4", "TRAM": "#e31a1c", "RAIL": "#6a3d9a", "SUBWAY": "#ff7f00",
                "FERRY": "#33a02c"}
OTHER_MODE_COLOUR = "#b15928"
WALK_COLOUR = "#404040"
WHITE_SPOT_FILL = "#f6d5cf"
BUURT_FILL = "#eeeeee"

LABELS = {
    "nl": {"legend": "Voorbeeldreizen", "walk": "lopen", "start": "vertrek (midden van de buurt)",
           "white_spot": "witte-vlekbuurt", "modes": {"BUS": "bus", "TRAM": "tram",
                                                       "RAIL": "trein", "SUBWAY": "metro",
                                                       "FERRY": "veerboot"}, "other": "ov"},
    "en": {"legend": "Example journeys", "walk": "walk", "start": "start (middle of the buurt)",
           "white_spot": "white-spot buurt", "modes": {"BUS": "bus", "TRAM": "tram",
                                                        "RAIL": "train", "SUBWAY": "metro",
                                                        "FERRY": "ferry"}, "other": "transit"},
}  # fmt: skip


#: Around the journeys the map shows this share of their extent, at least MIN_PAD_M.
PAD_SHARE = 0.25
MIN_PAD_M = 1500.0


def _extent(legs: gpd.GeoDataFrame, buurten: gpd.GeoDataFrame) -> tuple[float, ...]:
    """The journeys' bounds, padded, within the buurten's (metric CRS)."""
    if legs.empty:
        return tuple(buurten.total_bounds)
    minx, miny, maxx, maxy = legs.total_bounds
    pad = max(MIN_PAD_M, PAD_SHARE * max(maxx - minx, maxy - miny))
    bx0, by0, bx1, by1 = buurten.total_bounds
    return (max(minx - pad, bx0), max(miny - pad, by0), min(maxx + pad, bx1),
            min(maxy + pad, by1))


def plot_example_journeys(
    buurten: gpd.GeoDataFrame,
    legs: gpd.GeoDataFrame,
    order: list[str],
    steunpunten: gpd.GeoDataFrame,
    title: str,
    caption_params: Mapping[str, Any] | None,
    path: str | os.PathLike[str],
    *,
    lang: str = "nl",
    dpi: int = DPI,
) -> Path:
    """Map the journeys of ``order`` (``from_id`` values of ``legs``), numbered 1, 2, ...

    Parameters
    ----------
    buurten : geopandas.GeoDataFrame
        Polygons with a boolean ``witte_vlek`` column, in a metric CRS.
    legs : geopandas.GeoDataFrame
        Leg rows of :class:`~accessibility.routing.DetailedItineraries` (WGS84),
        ``from_id`` naming the journey.
    order : list of str
        The journeys to draw, in the report's order.
    steunpunten : geopandas.GeoDataFrame
        Points, any CRS.
    title, caption_params, path, lang, dpi
        As for :func:`accessibility.outputs.maps.plot_whitespots`.
    """
    text = LABELS[lang]
    crs = map_crs(buurten, "the buurten")
    gdf = buurten.to_crs(crs)
    shown = legs[legs["from_id"].isin(order)].to_crs(crs)
    fig = Figure(figsize=(11, 8.5))
    ax = fig.add_axes((0.015, 0.09, 0.62, 0.83))
    colours = [WHITE_SPOT_FILL if w else BUURT_FILL for w in gdf["witte_vlek"].astype(bool)]
    polygonal(gdf.geometry).plot(ax=ax, color=colours, edgecolor="white", linewidth=0.4, zorder=2)
    handles: list = [Patch(facecolor=WHITE_SPOT_FILL, edgecolor="white", label=text["white_spot"]),
                     Line2D([], [], color=WALK_COLOUR, linestyle=(0, (2, 2)), linewidth=1.5,
                            label=text["walk"])]  # fmt: skip
    modes_drawn: set[str] = set()
    for leg in shown.itertuples():
        mode = str(leg.transport_mode)
        if mode == "WALK":
            ax.plot(*leg.geometry.xy, color=WALK_COLOUR, linestyle=(0, (2, 2)), linewidth=1.5,
                    zorder=6)
        else:
            ax.plot(*leg.geometry.xy, color=MODE_COLOURS.get(mode, OTHER_MODE_COLOUR),
                    linewidth=3.0, solid_capstyle="round", zorder=7)
            modes_drawn.add(mode)
    for mode in sorted(modes_drawn):
        handles.append(Line2D([], [], color=MODE_COLOURS.get(mode, OTHER_MODE_COLOUR),
                              linewidth=3.0, label=text["modes"].get(mode, text["other"])))
    minx, miny, maxx, maxy = _extent(shown, gdf)
    near = 0.03 * max(maxx - minx, maxy - miny)  # closer numbered starts are pushed apart
    placed: list[tuple[float, float]] = []
    for number, journey in enumerate(order, start=1):
        first = shown[shown["from_id"] == journey].sort_values("segment")
        if first.empty:
            continue
        x, y = first.geometry.iloc[0].coords[0]
        ax.scatter([x], [y], s=30, c="black", zorder=11)
        lx, ly = x, y
        while any(abs(lx - px) < near and abs(ly - py) < near for px, py in placed):
            lx += near
        placed.append((lx, ly))
        ax.annotate(str(number), (x, y), xytext=(lx, ly), ha="center", va="center", fontsize=9,
                    fontweight="bold", zorder=12,
                    bbox={"boxstyle": "circle,pad=0.3", "facecolor": "white",
                          "edgecolor": "black"},
                    arrowprops=None if (lx, ly) == (x, y) else {"arrowstyle": "-",
                                                                "color": "black"})
    handles.append(Line2D([], [], marker="o", linestyle="none", markersize=11,
                          markerfacecolor="white", markeredgecolor="black", label=text["start"]))
    points = steunpunten.to_crs(crs)
    ax.scatter(points.geometry.x, points.geometry.y, s=300, marker="*", c=STEUNPUNT_COLOUR,
               edgecolors="white", linewidths=0.8, zorder=10)
    handles.append(Line2D([], [], marker="*", linestyle="none", markersize=15,
                          markerfacecolor=STEUNPUNT_COLOUR, markeredgecolor="white",
                          label=TEXT[lang]["steunpunt"]))
    pad = 0.05 * max(maxx - minx, maxy - miny)
    set_extent(ax, (minx, miny - 2 * pad, maxx, maxy))  # room for the scale bar below
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_edgecolor("#bdbdbd")
    add_scale_bar(ax)
    add_north_arrow(ax)
    params = dict(caption_params or {})
    if params.get("synthetic"):
        ax.text(0.02, 0.98, TEXT[lang]["synthetic"], transform=ax.transAxes, ha="left", va="top",
                fontsize=9, fontweight="bold", color="#b30000",
                bbox={"facecolor": "white", "edgecolor": "#b30000", "alpha": 0.9}, zorder=23)
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.65, 0.9),
               title=text["legend"], alignment="left", frameon=False, fontsize=9.5,
               title_fontsize=11)
    fig.text(0.015, 0.975, title, ha="left", va="top", fontsize=15, fontweight="bold")
    fig.text(0.015, 0.012, format_caption(params, lang, crs), ha="left", va="bottom",
             fontsize=8, color="#404040")
    FigureCanvasAgg(fig)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format="png", facecolor="white")
    return Path(path)
