"""Point layers of the web maps: named steunpunten, numbered proposed sites, stops."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import plotly.graph_objects as go
from matplotlib.figure import Figure

from accessibility.outputs.maps import CANDIDATE_COLOUR, STEUNPUNT_COLOUR, map_text, set_extent
from accessibility.outputs.maps.labels import Label, marker_boxes, place_labels
from accessibility.outputs.webmaps.page import plain

#: Plotly text positions of the label rule's alignments (horizontal, vertical).
TEXT_POSITIONS = {
    ("left", "center"): "middle right", ("right", "center"): "middle left",
    ("center", "bottom"): "top center", ("center", "top"): "bottom center",
    ("left", "bottom"): "top right", ("right", "bottom"): "top left",
    ("left", "top"): "bottom right", ("right", "top"): "bottom left",
}
#: The map area of a page as it opens (pixels), and a font as wide as plotly's 12 px one.
PAGE_MAP_PX = (1100, 730)


def label_positions(points: gpd.GeoSeries, names: Sequence[str],
                    bounds: Sequence[float]) -> list[str | None]:
    """Plotly text positions that keep the labels apart when the page opens.

    The static maps' rule (:func:`accessibility.outputs.maps.labels.place_labels`),
    run on a canvas of the page's map size and extent with the first distance
    only; None for a label that finds no free position (its name stays on hover).
    """
    fig = Figure(figsize=(PAGE_MAP_PX[0] / 100, PAGE_MAP_PX[1] / 100), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    set_extent(ax, bounds, margin=0.03)
    x, y = points.x.to_numpy(), points.y.to_numpy()
    labels = [Label(px, py, str(n), fontsize=8, distance_pt=12) for px, py, n in
              zip(x, y, names, strict=True)]
    placed = place_labels(ax, labels, marker_boxes(ax, x, y, 13), distances=(1.0,))
    return [None if t is None else TEXT_POSITIONS[(t.get_ha(), t.get_va())] for t in placed]

STOP_COLOUR = "#252525"


def steunpunt_trace(points: gpd.GeoSeries, names: Sequence[str] | None, lang: str,
                    bounds: Sequence[float]) -> go.Scatter:
    """Purple stars, labelled with their (escaped) names where they fit, the name on hover."""
    labels = [plain(n) for n in names] if names is not None else None
    positions = label_positions(points, names, bounds) if names is not None else []
    shown = ([lab if pos else "" for lab, pos in zip(labels, positions, strict=True)]
             if labels else None)
    return go.Scatter(
        x=points.x.round(1), y=points.y.round(1), mode="markers+text" if labels else "markers",
        name=map_text(lang)["steunpunt"], text=shown, legendrank=50,
        textposition=[pos or "top right" for pos in positions] or "top right",
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
