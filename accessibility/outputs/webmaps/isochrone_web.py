"""The isochrone web map: bands of travel time to the nearest steunpunt, or to one of them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import plotly.graph_objects as go

from accessibility.errors import InputError
from accessibility.outputs.bands import isochrone_bands, nearest_bands
from accessibility.outputs.maps import (
    DEFAULT_NORM,
    MapContext,
    as_points,
    band_labels,
    cutoff_colours,
    format_caption,
    format_number,
    map_crs,
    map_text,
    polygonal,
    require_columns,
)
from accessibility.outputs.maps.layers import names_of, union_bounds
from accessibility.outputs.maps.layout import full_caption_params
from accessibility.outputs.webmaps.background import background_traces
from accessibility.outputs.webmaps.page import (
    PDOK_CRS,
    area_trace,
    base_figure,
    line_xy,
    plain,
    write_page,
)
from accessibility.outputs.webmaps.points import site_traces, steunpunt_trace, stops_trace

BAND_OPACITY = 1.0  # bands do not overlap: show the legend colours exactly

TEXT = {
    "nl": {"nearest": "Alle steunpunten (dichtstbijzijnde)", "to_nearest":
           "naar het dichtstbijzijnde steunpunt", "to": "naar {name}",
           "boundaries": "Buurtgrenzen", "area": "oppervlakte"},
    "en": {"nearest": "All support points (nearest)", "to_nearest": "to the nearest support point",
           "to": "to {name}", "boundaries": "Neighbourhood borders",
           "area": "area"},
}


def band_traces(bands: gpd.GeoDataFrame, norm: float, target: str, lang: str, visible: bool,
                set_id: str, simplify_m: float) -> list[go.Scatter]:
    """One filled trace per band; hovering shows the band and whom it leads to."""
    cutoffs = [float(c) for c in bands["tot_min"]]
    colours = cutoff_colours(cutoffs, norm)
    traces = []
    for rank, (geom, colour, label) in enumerate(zip(bands.geometry, colours,
                                                     band_labels(cutoffs, lang), strict=True)):
        if geom.is_empty:
            continue
        if simplify_m > 0:
            geom = geom.simplify(simplify_m, preserve_topology=True)
        area = format_number(geom.area / 1e6, lang, 1)
        hover = f"<b>{label}</b><br>{target}<br>{TEXT[lang]['area']}: {area} km²"
        traces.append(area_trace([geom], colour, label, hover=hover, opacity=BAND_OPACITY,
                                 group=set_id, visible=visible, uid=f"{set_id}:{label}",
                                 rank=10 + rank))
    return traces


def isochrone_figure(
    isochrones: gpd.GeoDataFrame,
    locations: Any,
    *,
    stops: Any = None,
    boundaries: gpd.GeoDataFrame | None = None,
    norm_minutes: float = DEFAULT_NORM,
    name_column: str | None = "name",
    kind_column: str = "kind",
    context: MapContext | None = None,
    simplify_m: float = 5.0,
    lang: str = "nl",
) -> tuple[go.Figure, str]:
    """The isochrone map as a plotly figure, and its metric CRS (see :func:`isochrone_webmap`)."""
    text, words = map_text(lang), TEXT[lang]
    require_columns(isochrones, ["cutoff"], "the isochrones")
    context = context or MapContext()
    crs = map_crs(isochrones, "the isochrones")
    iso = isochrones.to_crs(crs)
    if "location_id" not in iso.columns:
        iso = iso.assign(location_id="")
    iso = iso.assign(location_id=iso["location_id"].astype(str))
    location_layer = as_points(locations, crs, "the locations", isochrones.crs)
    names = names_of(locations, name_column)
    ids = (list(locations["id"].astype(str)) if isinstance(locations, gpd.GeoDataFrame)
           and "id" in locations.columns else None)
    proposed = ([k == "proposed" for k in locations[kind_column]]
                if isinstance(locations, gpd.GeoDataFrame) and kind_column in locations.columns
                else [False] * (0 if location_layer is None else len(location_layer)))
    nonempty = iso[~iso.geometry.is_empty]
    if nonempty.empty and location_layer is None:
        raise InputError("the isochrones are all empty and no location is given: nothing to map")
    bounds = (context.extent if context.extent is not None
              else union_bounds(nonempty.geometry, location_layer))
    fig = base_figure(bounds, lang)
    below, above = background_traces(context, crs, lang, simplify_m)
    for trace in below:
        fig.add_trace(trace)
    if boundaries is not None:
        xs, ys = line_xy(polygonal(boundaries.to_crs(crs).geometry))
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=words["boundaries"],
                                 hoverinfo="skip", legendrank=95,
                                 line={"color": "#8c8c8c", "width": 0.6}))
    existing_ids = ({i for i, p in zip(ids, proposed, strict=True) if not p} if ids
                    else set(iso["location_id"]))
    sets: list[tuple[str, str, list[go.Scatter]]] = []
    existing = iso[iso["location_id"].isin(existing_ids)]
    if not existing.empty and len(set(iso["location_id"])) > 1:
        sets.append(("nearest", words["nearest"],
                     band_traces(nearest_bands(existing), norm_minutes, words["to_nearest"],
                                 lang, True, "nearest", simplify_m)))
    name_of = dict(zip(ids, names, strict=True)) if ids and names else {}
    for location_id, bands in isochrone_bands(iso).groupby("location_id", sort=False):
        label = name_of.get(location_id, location_id)
        target = words["to"].format(name=plain(label)) if label else words["to_nearest"]
        sets.append((location_id, plain(label),
                     band_traces(bands, norm_minutes, target, lang, not sets, location_id,
                                 simplify_m)))
    first_band = len(fig.data)
    for _, _, traces in sets:
        for trace in traces:
            fig.add_trace(trace)
    n_band = len(fig.data) - first_band
    for trace in above:
        fig.add_trace(trace)
    if stops is not None:
        stop_layer = as_points(stops, crs, "the stops", isochrones.crs)
        fig.add_trace(stops_trace(stop_layer, names_of(stops, "stop_name"), lang))
    if location_layer is not None:
        keep = [not p for p in proposed]
        if any(keep):
            fig.add_trace(steunpunt_trace(location_layer[keep],
                                          [n for n, k in zip(names, keep, strict=True) if k]
                                          if names else None, lang, bounds))
        if any(proposed):
            site_names = [n for n, p in zip(names or [text["candidate"]] * len(proposed),
                                            proposed, strict=True) if p]
            for trace in site_traces(location_layer[proposed], site_names, lang):
                fig.add_trace(trace)
    if len(sets) > 1:
        _add_set_menu(fig, sets, first_band, n_band)
    return fig, crs


def _add_set_menu(fig: go.Figure, sets, first_band: int, n_band: int) -> None:
    """A drop-down that shows one set of bands at a time (they would overlap otherwise)."""
    buttons = []
    position = first_band
    spans = []
    for _, _, traces in sets:
        spans.append((position, position + len(traces)))
        position += len(traces)
    for (_, label, _), (start, end) in zip(sets, spans, strict=True):
        visible = [trace.visible if trace.visible is not None else True for trace in fig.data]
        for i in range(first_band, first_band + n_band):
            visible[i] = start <= i < end
        buttons.append({"label": label, "method": "restyle", "args": [{"visible": visible}]})
    fig.update_layout(updatemenus=[{"buttons": buttons, "x": 0.01, "y": 0.99, "xanchor": "left",
                                    "yanchor": "top", "bgcolor": "white", "showactive": True,
                                    "pad": {"r": 4, "t": 4}}])


def isochrone_webmap(
    isochrones: gpd.GeoDataFrame,
    locations: Any,
    path: str | os.PathLike[str],
    *,
    stops: Any = None,
    boundaries: gpd.GeoDataFrame | None = None,
    title: str = "",
    caption_params: Mapping[str, Any] | None = None,
    norm_minutes: float = DEFAULT_NORM,
    name_column: str | None = "name",
    context: MapContext | None = None,
    simplify_m: float = 5.0,
    lang: str = "nl",
) -> Path:
    """Interactive isochrone map that works offline (self-contained HTML).

    Bands do not overlap: the map opens with the bands of the travel time to
    the nearest existing steunpunt (0–15, 15–30 ... min); a drop-down shows
    the bands of one location instead. Hovering a band shows its class and
    whom it leads to.

    Parameters
    ----------
    isochrones : geopandas.GeoDataFrame
        Output of :func:`accessibility.analysis.isochrones.isochrone_polygons`
        (``location_id``, ``cutoff``, ``geometry``).
    locations : points
        The locations (GeoDataFrame with ``id``, ``name_column`` and ``kind``
        — ``proposed`` ones get the numbered symbol — or GeoSeries / shapely
        points in the isochrones' CRS).
    path : str or os.PathLike
        Output ``.html`` file, written atomically.
    stops : points or None
        Public-transport stops (a layer that starts hidden); a GeoDataFrame's
        ``stop_name`` shows on hover.
    boundaries : geopandas.GeoDataFrame or None
        Buurt polygons (thin outlines).
    title : str
        Heading of the page.
    caption_params : mapping or None
        See :func:`accessibility.outputs.maps.format_caption`.
    norm_minutes : float
        Cutoffs up to the norm are green, larger ones orange.
    name_column : str or None
    context : MapContext or None
        Background layers and extent, as for the static maps.
    simplify_m : float
        Geometries are simplified by this many metres to keep the file small.
    lang : {"nl", "en"}

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    InputError
        When the isochrones lack ``cutoff`` or a CRS, or ``lang`` is unknown.
    """
    context = context or MapContext()
    params = full_caption_params(caption_params, context, lang)
    norm = float(params.get("norm_minutes", norm_minutes))
    params["norm_minutes"] = norm
    fig, crs = isochrone_figure(isochrones, locations, stops=stops, boundaries=boundaries,
                                norm_minutes=norm, name_column=name_column, context=context,
                                simplify_m=simplify_m, lang=lang)
    warning = map_text(lang)["synthetic"] if params.get("synthetic") else ""
    return write_page(fig, path, title, format_caption(params, lang, crs), lang,
                      warning=warning, online_basemap=crs == PDOK_CRS)
