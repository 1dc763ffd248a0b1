"""The pale background of the web maps: the same layers and colours as the static maps."""

from __future__ import annotations

import geopandas as gpd
import plotly.graph_objects as go

from accessibility.outputs.maps import MapContext, map_text, polygonal
from accessibility.outputs.maps.background import (
    BUILT_UP_COLOUR,
    GEMEENTE_COLOUR,
    ROAD_STYLE,
    WATER_COLOUR,
)
from accessibility.outputs.webmaps.page import area_trace, line_xy, plain

DASH = {"rail": "dash"}
#: Background entries come last in the legend.
BACKGROUND_RANK = 1000


def _simplified(gdf: gpd.GeoDataFrame, crs: str, simplify_m: float) -> gpd.GeoSeries:
    geoms = gdf.to_crs(crs).geometry
    return geoms.simplify(simplify_m, preserve_topology=True) if simplify_m > 0 else geoms


def background_traces(context: MapContext, crs: str, lang: str, simplify_m: float = 5.0
                      ) -> tuple[list[go.Scatter], list[go.Scatter]]:
    """Water, built-up land, main roads and railways, gemeente borders, place and gemeente names.

    Each kind is one trace (legend entry) that the reader can switch off; none
    reacts to the mouse.

    Returns
    -------
    below, above : list of plotly.graph_objects.Scatter
        Layers to draw under the data, and the names and borders to draw over it.
    """
    text = map_text(lang)
    traces: list[go.Scatter] = []
    above: list[go.Scatter] = []
    group = "achtergrond"
    background = context.background
    if background is not None:
        for layer, colour, name in ((background.water, WATER_COLOUR, text["water"]),
                                    (background.built_up, BUILT_UP_COLOUR, text["built_up"])):
            if not layer.empty:
                geoms = polygonal(_simplified(layer, crs, simplify_m))
                traces.append(area_trace(list(geoms), colour, name, group=group, rank=BACKGROUND_RANK))
        roads = background.roads
        for kind, style in ROAD_STYLE.items():
            part = roads[roads["kind"] == kind]
            if part.empty:
                continue
            xs, ys = line_xy(_simplified(part, crs, simplify_m))
            name = text["rail"] if kind == "rail" else text["road"]
            traces.append(go.Scatter(
                x=xs, y=ys, mode="lines", name=name, hoverinfo="skip", legendgroup=group,
                showlegend=kind in ("main", "rail"), legendrank=BACKGROUND_RANK,
                line={"color": style["color"], "width": style["linewidth"] * 1.3,
                      "dash": DASH.get(kind, "solid")}))
        places = background.places.to_crs(crs)
        if not places.empty:
            above.append(go.Scatter(
                x=places.geometry.x.round(1), y=places.geometry.y.round(1), mode="text",
                text=[plain(n) for n in places["name"]], hoverinfo="skip", showlegend=False,
                textposition="bottom center",
                textfont={"size": [14 if k == "city" else 12 if k == "town" else 11
                                   for k in places["kind"]], "color": "#262626"},
                name="plaatsnamen"))
    if context.gemeenten is not None and not context.gemeenten.empty:
        areas = context.gemeenten.to_crs(crs)
        xs, ys = line_xy(polygonal(_simplified(areas, crs, simplify_m)))
        above.append(go.Scatter(x=xs, y=ys, mode="lines", name=text["gemeente"],
                                 hoverinfo="skip", legendgroup=group,
                                 legendrank=BACKGROUND_RANK,
                                 line={"color": GEMEENTE_COLOUR, "width": 1.5, "dash": "dash"}))
        points = areas.geometry.representative_point()
        above.append(go.Scatter(
            x=points.x.round(1), y=points.y.round(1), mode="text", hoverinfo="skip",
            text=[plain(n).upper() for n in areas["gemeentenaam"]], showlegend=False,
            textfont={"size": 11, "color": "#595959"}, name="gemeentenamen"))
    return traces, above
