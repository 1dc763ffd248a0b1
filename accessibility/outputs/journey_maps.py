"""A map (PNG) of example journeys: numbered starts, walks dashed, rides coloured by mode.

Drawn on the region's pale background (water, built-up land, roads, place and
gemeente names, :class:`~accessibility.outputs.maps.MapContext`) with the
white-spot buurten tinted, the steunpunten as named stars and the furniture of
:mod:`accessibility.outputs.maps` (scale bar, north arrow, caption with the
parameters, synthetic label). The numbers match the order in which the report
writes the journeys out. The map zooms to the journeys, so a walk of a few
hundred metres stays visible.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox

from accessibility.outputs.maps import DPI, map_crs, polygonal, set_extent
from accessibility.outputs.maps.background import draw_background
from accessibility.outputs.maps.context import NO_CONTEXT, MapContext
from accessibility.outputs.maps.layers import as_points, names_of
from accessibility.outputs.maps.layout import (
    draw_labels,
    finish_single_map,
    full_caption_params,
    single_map,
)
from accessibility.outputs.maps.symbols import draw_steunpunten, steunpunt_handle, steunpunt_labels

#: Line colours of the transit modes (names as ``TransportMode`` values).
MODE_COLOURS = {"BUS": "#1f78b4", "TRAM": "#e31a1c", "RAIL": "#6a3d9a", "SUBWAY": "#ff7f00",
                "FERRY": "#33a02c"}
OTHER_MODE_COLOUR = "#b15928"
WALK_COLOUR = "#404040"
WHITE_SPOT_FILL = "#f6d5cf"
WHITE_SPOT_ALPHA = 0.55
BUURT_LINE = "#8c8c8c"

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


#: Half the size of a numbered circle (points).
NUMBER_HALF_PT = 7.5

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
    context: MapContext = NO_CONTEXT,
    steunpunt_name_column: str | None = "name",
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
    context : MapContext
        The region's background and gemeenten (its extent is not used: the map
        zooms to the journeys).
    steunpunt_name_column : str or None
        Names of the steunpunten, drawn beside their stars.
    """
    text = LABELS[lang]
    crs = map_crs(buurten, "the buurten")
    gdf = buurten.to_crs(crs)
    shown = legs[legs["from_id"].isin(order)].to_crs(crs)
    minx, miny, maxx, maxy = _extent(shown, gdf)
    pad = 0.05 * max(maxx - minx, maxy - miny)
    fig, ax = single_map()
    set_extent(ax, (minx, miny - 2 * pad, maxx, maxy))  # room for the scale bar below
    background_handles, place_labels = draw_background(ax, context.background,
                                                       context.gemeenten, crs, lang)
    polygons = polygonal(gdf.geometry)
    white = polygons[gdf["witte_vlek"].astype(bool).to_numpy()]
    if not white.empty:
        white.plot(ax=ax, color=WHITE_SPOT_FILL, alpha=WHITE_SPOT_ALPHA, linewidth=0, zorder=2)
    polygons.boundary.plot(ax=ax, color=BUURT_LINE, linewidth=0.4, zorder=3)
    handles: list = [Patch(facecolor=WHITE_SPOT_FILL, alpha=WHITE_SPOT_ALPHA, edgecolor="none",
                           label=text["white_spot"]),
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
    near = 0.03 * max(maxx - minx, maxy - miny)  # closer numbered starts are pushed apart
    placed: list[tuple[float, float]] = []
    numbers: list[Bbox] = []  # the numbered circles, which place names keep clear of
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
        px, py = ax.transData.transform((lx, ly))
        half = NUMBER_HALF_PT / 72 * fig.dpi
        numbers.append(Bbox.from_extents(px - half, py - half, px + half, py + half))
        ax.annotate(str(number), (x, y), xytext=(lx, ly), ha="center", va="center", fontsize=9,
                    fontweight="bold", zorder=12,
                    bbox={"boxstyle": "circle,pad=0.3", "facecolor": "white",
                          "edgecolor": "black"},
                    arrowprops=None if (lx, ly) == (x, y) else {"arrowstyle": "-",
                                                                "color": "black"})
    handles.append(Line2D([], [], marker="o", linestyle="none", markersize=11,
                          markerfacecolor="white", markeredgecolor="black", label=text["start"]))
    points = as_points(steunpunten, crs, "the steunpunten")
    markers = draw_steunpunten(ax, points)
    draw_labels(ax, steunpunt_labels(points, names_of(steunpunten, steunpunt_name_column))
                + place_labels, [*markers, *numbers])
    handles += [steunpunt_handle(lang), *background_handles]
    params = full_caption_params(caption_params, context, lang)
    return finish_single_map(fig, ax, handles, text["legend"], title, params, crs, lang, path,
                             dpi, vector=None)
