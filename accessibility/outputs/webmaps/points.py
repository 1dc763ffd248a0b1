"""Point layers of the web maps: named steunpunten, numbered proposed sites, stops."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import plotly.graph_objects as go

from accessibility.outputs.maps import CANDIDATE_COLOUR, STEUNPUNT_COLOUR, map_text
from accessibility.outputs.webmaps.page import plain

STOP_COLOUR = "#252525"


def steunpunt_trace(points: gpd.GeoSeries, names: Sequence[str] | None, lang: str) -> go.Scatter:
    """Purple stars, labelled with their (escaped) names, the name also on hover."""
    labels = [plain(n) for n in names] if names is not None else None
    return go.Scatter(
        x=points.x.round(1), y=points.y.round(1), mode="markers+text" if labels else "markers",
        name=map_text(lang)["steunpunt"], text=labels, legendrank=50, textposition="top right",
        textfont={"size": 12, "color": STEUNPUNT_COLOUR}, hovertext=labels,
        hoverinfo="text" if labels else "skip",
        marker={"symbol": "star", "size": 18, "color": STEUNPUNT_COLOUR,
                "line": {"color": "white", "width": 1.2}})


def site_traces(points: gpd.GeoSeries, names: Sequence[str], lang: str) -> list[go.Scatter]:
    """One numbered disc per proposed site; the legend entry ``"1 Name"`` is the side table."""
    traces = []
    for number, (point, name) in enumerate(zip(points, names, strict=True), start=1):
        label = f"{number} {plain(name)}"
        traces.append(go.Scatter(
            x=[round(point.x, 1)], y=[round(point.y, 1)], mode="markers+text", name=label,
            legendrank=60 + number,
            text=[str(number)], textposition="middle center",
            textfont={"size": 12, "color": "#67001f"}, hovertext=[label], hoverinfo="text",
            legendgroup="sites", legendgrouptitle={"text": map_text(lang)["candidate_table"]}
            if number == 1 else None,
            marker={"symbol": "circle", "size": 22, "color": "white",
                    "line": {"color": CANDIDATE_COLOUR, "width": 3}}))
    return traces


def stops_trace(points: gpd.GeoSeries, names: Sequence[str] | None, lang: str) -> go.Scatter:
    """Small dark dots, hidden until switched on in the legend."""
    labels = [plain(n) for n in names] if names is not None else None
    return go.Scatter(
        x=points.x.round(1), y=points.y.round(1), mode="markers", name=map_text(lang)["stop"],
        hovertext=labels, hoverinfo="text" if labels else "skip", visible="legendonly",
        legendrank=90,
        marker={"size": 5, "color": STOP_COLOUR, "line": {"color": "white", "width": 0.5}})
