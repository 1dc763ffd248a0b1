"""Drawing the light background: land, water, built-up areas, main roads, gemeenten.

The colours stay pale so the travel-time classes remain the loudest thing on
the map; place and gemeente names are returned as labels, to be placed
together with the steunpunt labels so that none overlap.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from accessibility.basemap import PLACE_KINDS, Background
from accessibility.outputs.maps.labels import Label
from accessibility.outputs.maps.layers import polygonal
from accessibility.outputs.maps.text import literal, map_text

LAND_COLOUR = "#f5f4f0"
WATER_COLOUR = "#bcd7ea"
BUILT_UP_COLOUR = "#e2dfd8"
GEMEENTE_COLOUR = "#4d4d4d"
ROAD_STYLE = {
    "motorway": {"color": "#b0b0b0", "linewidth": 2.4},
    "main": {"color": "#c4c4c4", "linewidth": 1.7},
    "minor": {"color": "#d0d0d0", "linewidth": 1.0},
    "rail": {"color": "#7f7f7f", "linewidth": 0.9, "linestyle": (0, (4, 2))},
}
PLACE_FONT = {"city": 10.5, "town": 9.5, "village": 8.5}
#: Labels of cities and towns: placed before the steunpunt names (see layout.draw_labels).
TOWN_ZORDER = 14.5


def draw_background(
    ax: Axes, background: Background | None, gemeenten: gpd.GeoDataFrame | None,
    crs: str, lang: str = "nl",
) -> tuple[list[Any], list[Label]]:
    """Draw the background layers below the map's data.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    background : Background or None
        Layers from :func:`accessibility.basemap.read_background`.
    gemeenten : geopandas.GeoDataFrame or None
        Gemeente polygons with ``gemeentenaam`` (borders and names).
    crs : str
        The map CRS (layers are reprojected to it).
    lang : {"nl", "en"}

    Returns
    -------
    handles : list
        Legend entries of the layers that hold features.
    labels : list of Label
        Place names (cities first) and gemeente names (at the gemeente's
        representative point), for :func:`accessibility.outputs.maps.labels.place_labels`;
        the names of cities and towns have ``zorder`` 14.5 so that
        :func:`accessibility.outputs.maps.layout.draw_labels` places them first.
    """
    text = map_text(lang)
    ax.set_facecolor(LAND_COLOUR)
    handles: list[Any] = []
    labels: list[Label] = []
    if background is not None:
        if not background.water.empty:
            polygonal(background.water.to_crs(crs).geometry).plot(
                ax=ax, color=WATER_COLOUR, edgecolor="none", zorder=0.5)
            handles.append(Patch(facecolor=WATER_COLOUR, edgecolor="none", label=text["water"]))
        if not background.waterways.empty:
            background.waterways.to_crs(crs).plot(ax=ax, color=WATER_COLOUR, linewidth=1.2,
                                                  zorder=0.55)
        if not background.built_up.empty:
            polygonal(background.built_up.to_crs(crs).geometry).plot(
                ax=ax, color=BUILT_UP_COLOUR, edgecolor="none", zorder=0.6)
            handles.append(Patch(facecolor=BUILT_UP_COLOUR, edgecolor="none",
                                 label=text["built_up"]))
        roads = background.roads.to_crs(crs)
        for kind, style in ROAD_STYLE.items():
            part = roads[roads["kind"] == kind]
            if not part.empty:
                part.plot(ax=ax, zorder=3, alpha=0.9, **style)
        if roads["kind"].isin(["motorway", "main"]).any():
            handles.append(Line2D([], [], label=text["road"], **ROAD_STYLE["main"]))
        if (roads["kind"] == "rail").any():
            handles.append(Line2D([], [], label=text["rail"], **ROAD_STYLE["rail"]))
        places = background.places.to_crs(crs)
        for row in places.itertuples():
            labels.append(Label(row.geometry.x, row.geometry.y, literal(row.name),
                                fontsize=PLACE_FONT.get(row.kind, 8.5),
                                weight="bold" if row.kind == PLACE_KINDS[0] else "normal",
                                colour="#262626", distance_pt=3, boxed=False,
                                zorder=TOWN_ZORDER if row.kind in PLACE_KINDS[:2] else 14))
    if gemeenten is not None and not gemeenten.empty:
        areas = gemeenten.to_crs(crs)
        polygonal(areas.geometry).boundary.plot(ax=ax, color=GEMEENTE_COLOUR, linewidth=1.1,
                                                linestyle=(0, (6, 2)), zorder=6)
        handles.append(Line2D([], [], color=GEMEENTE_COLOUR, linewidth=1.1,
                              linestyle=(0, (6, 2)), label=text["gemeente"]))
        for row in areas.itertuples():
            point = row.geometry.representative_point()
            labels.append(Label(point.x, point.y, literal(row.gemeentenaam).upper(), fontsize=8,
                                colour="#595959", style="italic", distance_pt=0, boxed=False,
                                zorder=13))
    return handles, labels
