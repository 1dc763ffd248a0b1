"""The white-spot web map: travel time where people live, buurten on hover, white spots."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go

from accessibility.outputs.bands import isochrone_bands
from accessibility.outputs.maps import (
    DEFAULT_BREAKS,
    DEFAULT_NORM,
    NO_DATA_COLOUR,
    MapContext,
    as_points,
    check_class_columns,
    class_colours,
    class_legend_label,
    fmt_minutes,
    format_caption,
    format_number,
    map_crs,
    map_text,
    polygonal,
    population_cells,
    require_columns,
    travel_time_classes,
)
from accessibility.outputs.maps.layers import (
    names_of,
    persons_per_dot,
    population_dots,
    union_bounds,
)
from accessibility.outputs.maps.layout import full_caption_params
from accessibility.outputs.maps.legend import class_totals
from accessibility.outputs.webmaps.background import background_traces
from accessibility.outputs.webmaps.isochrone_web import band_traces
from accessibility.outputs.webmaps.page import (
    PDOK_CRS,
    area_trace,
    base_figure,
    line_xy,
    plain,
    write_page,
)
from accessibility.outputs.webmaps.points import site_traces, steunpunt_trace

TRANSPARENT = "rgba(0,0,0,0)"
TEXT = {
    "nl": {"buurt": "Buurt", "median": "Mediane reistijd", "class": "Klasse",
           "inhabitants": "Inwoners", "whitespot": "Witte vlek", "yes": "ja", "no": "nee",
           "lines": "Buurtgrenzen", "isochrones": "Isochronen van {name}"},
    "en": {"buurt": "Neighbourhood", "median": "Median travel time", "class": "Class",
           "inhabitants": "Inhabitants", "whitespot": "White spot", "yes": "yes", "no": "no",
           "lines": "Neighbourhood borders", "isochrones": "Isochrones of {name}"},
}


def buurt_hover(row: pd.Series, class_column: str, whitespot_column: str,
                time_column: str | None, name_column: str | None,
                population_column: str | None, lang: str, max_minutes: float | None) -> str:
    """Hover text of one buurt (name escaped): name, median time, class, inhabitants, white spot."""
    words = TEXT[lang]
    lines = []
    if name_column and name_column in row.index:
        lines.append(f"<b>{plain(row[name_column])}</b>")
    if time_column and time_column in row.index and pd.notna(row[time_column]):
        lines.append(f"{words['median']}: {format_number(float(row[time_column]), lang)} min")
    label = row[class_column]
    cls = (map_text(lang)["no_data"] if pd.isna(label)
           else class_legend_label(str(label), lang, max_minutes))
    lines.append(f"{words['class']}: {cls}")
    if population_column and population_column in row.index and pd.notna(row[population_column]):
        lines.append(f"{words['inhabitants']}: {format_number(float(row[population_column]), lang)}")
    lines.append(f"{words['whitespot']}: {words['yes'] if row[whitespot_column] else words['no']}")
    return "<br>".join(lines)


def whitespot_figure(
    buurten: gpd.GeoDataFrame,
    steunpunten: Any,
    *,
    norm_minutes: float = DEFAULT_NORM,
    candidate: Any = None,
    candidate_name_column: str | None = "name",
    isochrones: gpd.GeoDataFrame | None = None,
    population: gpd.GeoDataFrame | None = None,
    cell_size_m: float | None = None,
    context: MapContext | None = None,
    class_column: str = "reistijdklasse",
    whitespot_column: str = "witte_vlek",
    time_column: str | None = "reistijd_min",
    name_column: str | None = "buurtnaam",
    population_column: str | None = "aantal_inwoners",
    steunpunt_name_column: str | None = "name",
    breaks: Sequence[float] = DEFAULT_BREAKS,
    max_minutes: float | None = None,
    simplify_m: float = 5.0,
    lang: str = "nl",
) -> tuple[go.Figure, str]:
    """The white-spot map as a plotly figure and its metric CRS (see :func:`whitespot_webmap`)."""
    text, words = map_text(lang), TEXT[lang]
    context = context or MapContext()
    palette = class_colours(breaks, norm_minutes)
    check_class_columns(buurten, class_column, whitespot_column, list(palette), "the buurten")
    crs = map_crs(buurten, "the buurten")
    gdf = buurten.to_crs(crs)
    gdf = gdf.set_geometry(polygonal(gdf.geometry))
    if simplify_m > 0:
        gdf = gdf.set_geometry(gdf.geometry.simplify(simplify_m, preserve_topology=True))
    steunpunt_layer = as_points(steunpunten, crs, "the steunpunten", buurten.crs)
    site_layer = as_points(candidate, crs, "the candidate location", buurten.crs)
    bounds = context.extent if context.extent is not None else union_bounds(gdf.geometry)
    fig = base_figure(bounds, lang)
    below, above = background_traces(context, crs, lang, simplify_m)
    for trace in below:
        fig.add_trace(trace)

    cells = None if population is None else population_cells(population, cell_size_m or 0, crs)
    if cells is not None:
        classes = pd.Series(travel_time_classes(cells["travel_time_min"], breaks)).astype(object)
        totals = class_totals(classes, cells["population"])
        per_dot = persons_per_dot(cells["population"].sum())
        dots = population_dots(cells, cell_size_m or 0.0, per_dot)
        dot_classes = pd.Series(travel_time_classes(dots["travel_time_min"], breaks)).astype(object)
        title = text["legend_dots"].format(n=format_number(per_dot, lang))
        for rank, (label, colour) in enumerate(palette.items()):
            part = dots[(dot_classes == label).to_numpy()]
            inhabitants = text["inhabitants"].format(n=format_number(totals.get(label, 0.0), lang))
            fig.add_trace(go.Scatter(
                x=part.geometry.x.round(1), y=part.geometry.y.round(1), mode="markers",
                name=f"{class_legend_label(label, lang, max_minutes)} ({inhabitants})",
                marker={"size": 4, "color": colour, "line": {"width": 0}}, hoverinfo="skip",
                legendgroup="classes", legendrank=10 + rank,
                legendgrouptitle={"text": title} if rank == 0 else None))
    classes = gdf[class_column].astype(object)
    shown: set[str] = set()
    for _, row in gdf.iterrows():
        label = row[class_column]
        key = "none" if pd.isna(label) else str(label)
        colour = TRANSPARENT if cells is not None else palette.get(key, NO_DATA_COLOUR)
        hover = buurt_hover(row, class_column, whitespot_column, time_column, name_column,
                            population_column, lang, max_minutes)
        legend = cells is None and key not in shown
        shown.add(key)
        name = (text["no_data"] if key == "none"
                else class_legend_label(key, lang, max_minutes))
        rank = 10 + list(palette).index(key) if key in palette else 30
        fig.add_trace(area_trace([row.geometry], colour, name, hover=hover, legend=legend,
                                 rank=rank,
                                 group=f"buurt:{key}" if cells is None else "buurten",
                                 line_colour="white" if cells is None else TRANSPARENT,
                                 line_width=0.5, opacity=0.85 if cells is None else 1.0))
    if cells is not None:
        xs, ys = line_xy(gdf.geometry)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=words["lines"], hoverinfo="skip",
                                 legendrank=95, line={"color": "#8c8c8c", "width": 0.6}))
    white = gdf[gdf[whitespot_column].astype(bool).to_numpy()]
    if not white.empty:
        xs, ys = line_xy(white.geometry)
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", hoverinfo="skip", legendrank=40,
            name=text["whitespot"].format(norm=fmt_minutes(float(norm_minutes))),
            line={"color": "black", "width": 2.2}))
    if isochrones is not None and not isochrones.empty:
        require_columns(isochrones, ["cutoff"], "the isochrones")
        site_name = (names_of(candidate, candidate_name_column) or [text["candidate"]])[0]
        target = TEXT[lang]["isochrones"].format(name=plain(site_name))
        for trace in band_traces(isochrone_bands(isochrones.to_crs(crs)), norm_minutes, target,
                                 lang, True, "isochrones", simplify_m):
            trace.visible = "legendonly"
            trace.legendgrouptitle = {"text": target}
            fig.add_trace(trace)
    for trace in above:
        fig.add_trace(trace)
    if steunpunt_layer is not None and not steunpunt_layer.empty:
        fig.add_trace(steunpunt_trace(steunpunt_layer, names_of(steunpunten,
                                                               steunpunt_name_column), lang,
                                      bounds))
    if site_layer is not None and not site_layer.empty:
        names = names_of(candidate, candidate_name_column) or [text["candidate"]] * len(site_layer)
        for trace in site_traces(site_layer, names, lang):
            fig.add_trace(trace)
    return fig, crs


def whitespot_webmap(
    buurten: gpd.GeoDataFrame,
    steunpunten: Any,
    path: str | os.PathLike[str],
    *,
    norm_minutes: float = DEFAULT_NORM,
    candidate: Any = None,
    candidate_name_column: str | None = "name",
    isochrones: gpd.GeoDataFrame | None = None,
    population: gpd.GeoDataFrame | None = None,
    cell_size_m: float | None = None,
    context: MapContext | None = None,
    title: str = "",
    caption_params: Mapping[str, Any] | None = None,
    class_column: str = "reistijdklasse",
    whitespot_column: str = "witte_vlek",
    time_column: str | None = "reistijd_min",
    name_column: str | None = "buurtnaam",
    population_column: str | None = "aantal_inwoners",
    steunpunt_name_column: str | None = "name",
    breaks: Sequence[float] = DEFAULT_BREAKS,
    simplify_m: float = 5.0,
    lang: str = "nl",
) -> Path:
    """Interactive white-spot map that works offline (self-contained HTML).

    The same classes and colours as :func:`accessibility.outputs.maps.plot_whitespots`:
    inhabited population cells coloured by travel time (legend with
    inhabitants per class), or the buurten when no population points are
    given; every buurt shows its name, median time, class, inhabitants and
    white-spot flag on hover; white spots have a dashed black outline.

    Parameters
    ----------
    buurten : geopandas.GeoDataFrame
        Buurt polygons with a class column (labels of
        :func:`accessibility.outputs.maps.class_labels`; missing = no data) and a
        boolean white-spot column; optional travel time (minutes), name and
        population columns feed the hover text.
    steunpunten : points or None
        Existing steunpunten (bare shapely points are read in the CRS of ``buurten``).
    path : str or os.PathLike
        Output ``.html`` file, written atomically.
    norm_minutes : float
        The norm; must be one of ``breaks``.
    candidate : point(s) or None
        Proposed locations (numbered discs; named from ``candidate_name_column``).
    isochrones : geopandas.GeoDataFrame or None
        Isochrones of the candidate, added as bands (hidden until switched on).
    population, cell_size_m :
        Population points with ``population`` and ``travel_time_min`` and the
        grid cell size in metres.
    context : MapContext or None
        Background layers and extent.
    title, caption_params, lang, simplify_m
        As for :func:`isochrone_webmap`.
    class_column, whitespot_column, time_column, name_column, population_column : str
        Column names in ``buurten``.
    steunpunt_name_column : str or None
    breaks : sequence of float

    Raises
    ------
    InputError
        On missing class/white-spot columns, unknown class labels, white-spot
        flags that are not True/False, or a norm that is not a class break.
    """
    context = context or MapContext()
    params = full_caption_params(caption_params, context, lang, norm_minutes=norm_minutes)
    fig, crs = whitespot_figure(
        buurten, steunpunten, norm_minutes=norm_minutes, candidate=candidate,
        candidate_name_column=candidate_name_column, isochrones=isochrones,
        population=population, cell_size_m=cell_size_m, context=context,
        class_column=class_column, whitespot_column=whitespot_column, time_column=time_column,
        name_column=name_column, population_column=population_column,
        steunpunt_name_column=steunpunt_name_column, breaks=breaks,
        max_minutes=params.get("max_trip_minutes"), simplify_m=simplify_m, lang=lang)
    warning = map_text(lang)["synthetic"] if params.get("synthetic") else ""
    return write_page(fig, path, title, format_caption(params, lang, crs), lang,
                      warning=warning, online_basemap=crs == PDOK_CRS)
