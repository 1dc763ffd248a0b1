"""Isochrone maps: the bands around one location, and the norm area of all of them.

All isochrone maps of a region share one extent (pass the same
:class:`MapContext`), so a reader can compare them sheet by sheet.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from accessibility.errors import InputError
from accessibility.outputs.bands import isochrone_bands
from accessibility.outputs.maps.background import draw_background
from accessibility.outputs.maps.classes import (
    BOUNDARY_COLOUR,
    DEFAULT_NORM,
    band_labels,
    cutoff_colours,
)
from accessibility.outputs.maps.context import NO_CONTEXT, MapContext
from accessibility.outputs.maps.frame import DPI, set_extent
from accessibility.outputs.maps.layers import (
    as_geoseries,
    as_points,
    map_crs,
    names_of,
    polygonal,
    require_columns,
    union_bounds,
)
from accessibility.outputs.maps.layout import (
    draw_labels,
    finish_single_map,
    full_caption_params,
    single_map,
)
from accessibility.outputs.maps.symbols import (
    draw_sites,
    draw_steunpunten,
    site_handle,
    steunpunt_handle,
    steunpunt_labels,
)
from accessibility.outputs.maps.text import fmt_minutes, format_number, map_text

BAND_ALPHA = 1.0  # opaque: the map shows exactly the legend colours
LOCATION_SIZE = 20  # points
STOP_COLOUR = "#252525"


def _boundary_lines(ax, boundaries: gpd.GeoSeries | None) -> None:
    if boundaries is not None and not boundaries.empty:
        polygonal(boundaries).boundary.plot(ax=ax, color=BOUNDARY_COLOUR, linewidth=0.4,
                                            zorder=4)


def plot_isochrones(
    isochrones: gpd.GeoDataFrame,
    location: Any,
    stops: Any,
    boundaries: gpd.GeoDataFrame | None,
    title: str,
    caption_params: Mapping[str, Any] | None,
    path: str | os.PathLike[str],
    *,
    name: str | None = None,
    proposed: bool = False,
    population_within: Mapping[float, float] | None = None,
    context: MapContext = NO_CONTEXT,
    norm_minutes: float = DEFAULT_NORM,
    lang: str = "nl",
    dpi: int = DPI,
    vector: str | None = "pdf",
) -> Path:
    """Map the isochrone bands (0–15, 15–30 ... min) of one location (PNG + vector).

    Parameters
    ----------
    isochrones : geopandas.GeoDataFrame
        Rows of :func:`accessibility.analysis.isochrones.isochrone_polygons` for a single
        ``location_id``: columns ``cutoff`` (minutes) and ``geometry``.
    location : shapely Point, GeoSeries or GeoDataFrame
        The location (a bare geometry is taken to be in the isochrones' CRS).
    stops : points or None
        Public-transport stops, drawn as small dots (bare shapely points are
        read in the isochrones' CRS, like ``location``).
    boundaries : geopandas.GeoDataFrame or None
        Buurt polygons, drawn as thin grey lines.
    title : str
    caption_params : mapping or None
        See :func:`format_caption`; ``norm_minutes`` there also sets the norm.
    path : str or os.PathLike
        Output PNG (written atomically). Size: 11 x 8.5 inches at ``dpi``; a
        vector copy (``vector``) is written beside it.
    name : str, optional
        Label of the location on the map.
    proposed : bool
        Draw the location as a proposed site (numbered disc) instead of a star.
    population_within : mapping of cutoff to inhabitants, optional
        Adds the inhabitants within each cutoff to the legend.
    context : MapContext
        Background and the extent shared by all maps of the set.
    norm_minutes : float
        Cutoffs up to the norm are green, larger ones orange.
    lang : {"nl", "en"}
    dpi : int
    vector : {"pdf", "svg"} or None

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    InputError
        When the isochrones hold several locations, lack ``cutoff`` or a CRS,
        or ``lang`` is unknown.
    """
    text = map_text(lang)
    require_columns(isochrones, ["cutoff"], "the isochrones")
    if "location_id" in isochrones.columns and isochrones["location_id"].nunique() > 1:
        ids = isochrones["location_id"].unique()
        raise InputError(
            f"plot_isochrones maps one location; got {len(ids)} ({', '.join(map(str, ids[:5]))}): "
            "select one with gdf[gdf.location_id == ...] or use plot_overview"
        )
    params = full_caption_params(caption_params, context, lang)
    norm = float(params.get("norm_minutes", norm_minutes))
    params["norm_minutes"] = norm
    crs = map_crs(isochrones, "the isochrones")
    bands = isochrone_bands(isochrones.to_crs(crs))
    location_layer = as_points(location, crs, "the location", isochrones.crs)
    stops_layer = as_points(stops, crs, "the stops", isochrones.crs)
    boundary_layer = (
        as_geoseries(boundaries, crs, "the boundaries") if boundaries is not None else None
    )

    fig, ax = single_map()
    set_extent(ax, context.bounds(union_bounds(bands.geometry, location_layer)))
    background_handles, place_labels_ = draw_background(ax, context.background,
                                                        context.gemeenten, crs, lang)
    cutoffs = [float(c) for c in bands["tot_min"]]
    colours = cutoff_colours(cutoffs, norm)
    handles: list[Any] = []
    for geom, colour, cutoff, label in zip(bands.geometry, colours, cutoffs,
                                           band_labels(cutoffs, lang), strict=True):
        if not geom.is_empty:
            gpd.GeoSeries([geom], crs=crs).plot(ax=ax, color=colour, alpha=BAND_ALPHA,
                                                edgecolor="none", zorder=2)
        extra = f"{format_number(geom.area / 1e6, lang, 1)} km²"
        if population_within is not None and cutoff in population_within:
            inhabitants = format_number(population_within[cutoff], lang)
            extra += ", " + text["inhabitants"].format(n=inhabitants) + " " + text["within"].format(
                m=fmt_minutes(cutoff))
        handles.append(Patch(facecolor=colour, alpha=BAND_ALPHA, edgecolor="none",
                             label=f"{label}\n({extra})"))
    _boundary_lines(ax, boundary_layer)
    if stops_layer is not None and not stops_layer.empty:
        ax.scatter(stops_layer.x, stops_layer.y, s=9, c=STOP_COLOUR, edgecolors="white",
                   linewidths=0.3, zorder=8)
        handles.append(Line2D([], [], marker="o", linestyle="none", markersize=3,
                              color=STOP_COLOUR, label=text["stop"]))
    if proposed:
        markers = draw_sites(ax, location_layer)
        handles.append(site_handle(lang, numbered=False))
    else:
        markers = draw_steunpunten(ax, location_layer, size=LOCATION_SIZE)
        handles.append(steunpunt_handle(lang))
    names = [name] if name and location_layer is not None and len(location_layer) == 1 else None
    draw_labels(ax, steunpunt_labels(location_layer, names, LOCATION_SIZE) + place_labels_,
                markers)
    if boundary_layer is not None:
        handles.append(Line2D([], [], color=BOUNDARY_COLOUR, linewidth=0.6,
                              label=text["boundary"]))
    handles += background_handles
    return finish_single_map(fig, ax, handles, text["legend_from"], title, params, crs, lang,
                             path, dpi, vector)


def plot_overview(
    isochrones: gpd.GeoDataFrame,
    locations: gpd.GeoDataFrame,
    boundaries: gpd.GeoDataFrame | None,
    title: str,
    caption_params: Mapping[str, Any] | None,
    path: str | os.PathLike[str],
    *,
    norm_minutes: float = DEFAULT_NORM,
    name_column: str | None = "name",
    context: MapContext = NO_CONTEXT,
    lang: str = "nl",
    dpi: int = DPI,
    vector: str | None = "pdf",
) -> Path:
    """Map the area within the norm of any location, with all locations named (PNG + vector).

    Parameters
    ----------
    isochrones : geopandas.GeoDataFrame
        Output of :func:`accessibility.analysis.isochrones.isochrone_polygons` for all
        locations; only the rows with ``cutoff == norm_minutes`` are drawn.
    locations : geopandas.GeoDataFrame
        Steunpunt points; labelled with ``name_column`` when it exists (up to
        40 locations, without overlapping labels).
    boundaries : geopandas.GeoDataFrame or None
        Buurt polygons (thin grey lines).
    title, caption_params, path, context, lang, dpi, vector
        As for :func:`plot_isochrones`.
    norm_minutes : float

    Raises
    ------
    InputError
        When no isochrone has the norm as cutoff.
    """
    text = map_text(lang)
    require_columns(isochrones, ["cutoff"], "the isochrones")
    params = full_caption_params(caption_params, context, lang)
    norm = float(params.get("norm_minutes", norm_minutes))
    params["norm_minutes"] = norm
    at_norm = isochrones[isochrones["cutoff"].astype(float) == norm]
    if at_norm.empty:
        have = ", ".join(fmt_minutes(float(c)) for c in sorted(isochrones["cutoff"].unique()))
        raise InputError(
            f"no isochrone with cutoff {fmt_minutes(norm)} min (have {have} min): "
            "compute it or pass another norm"
        )
    crs = map_crs(at_norm, "the isochrones")
    at_norm = at_norm.to_crs(crs)
    location_layer = as_points(locations, crs, "the locations", isochrones.crs)
    boundary_layer = (
        as_geoseries(boundaries, crs, "the boundaries") if boundaries is not None else None
    )

    fig, ax = single_map()
    set_extent(ax, context.bounds(union_bounds(at_norm.geometry, location_layer,
                                               boundary_layer)))
    background_handles, place_labels_ = draw_background(ax, context.background,
                                                        context.gemeenten, crs, lang)
    covered = shapely.union_all(at_norm.geometry.to_numpy())
    green = cutoff_colours([norm], norm)[0]
    if not covered.is_empty:
        gpd.GeoSeries([covered], crs=crs).plot(ax=ax, color=green, alpha=0.7, edgecolor="#00441b",
                                               linewidth=0.6, zorder=2)
    _boundary_lines(ax, boundary_layer)
    markers = draw_steunpunten(ax, location_layer)
    draw_labels(ax, steunpunt_labels(location_layer, names_of(locations, name_column))
                + place_labels_, markers)
    area = format_number(covered.area / 1e6, lang, 1)
    handles: list[Any] = [
        Patch(facecolor=green, alpha=0.7, edgecolor="#00441b",
              label=f"{text['norm_area'].format(norm=fmt_minutes(norm))}\n({area} km²)"),
        steunpunt_handle(lang),
    ]
    if boundary_layer is not None:
        handles.append(Line2D([], [], color=BOUNDARY_COLOUR, linewidth=0.6,
                              label=text["boundary"]))
    handles += background_handles
    return finish_single_map(fig, ax, handles, text["legend_overview"], title, params, crs, lang,
                             path, dpi, vector)
