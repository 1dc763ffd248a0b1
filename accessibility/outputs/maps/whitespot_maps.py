"""The white-spot map: travel time to the nearest steunpunt where people live.

Colour goes where people live: each inhabited population cell gets the class
of its travel time, uninhabited land stays the neutral background, so a large
empty polder no longer outweighs a town. Buurten are drawn as outlines, white
spots (buurten where most inhabitants are beyond the norm) hatched. Without
population cells the map falls back to a buurt choropleth.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from accessibility.errors import InputError
from accessibility.outputs.maps.background import LAND_COLOUR, draw_background
from accessibility.outputs.maps.classes import (
    DEFAULT_BREAKS,
    NO_DATA_COLOUR,
    class_colours,
    travel_time_classes,
)
from accessibility.outputs.maps.context import NO_CONTEXT, MapContext
from accessibility.outputs.maps.frame import DPI, set_extent
from accessibility.outputs.maps.layers import (
    as_points,
    check_class_columns,
    map_crs,
    names_of,
    persons_per_dot,
    polygonal,
    population_cells,
    population_dots,
    union_bounds,
)
from accessibility.outputs.maps.layout import (
    draw_labels,
    finish_single_map,
    full_caption_params,
    single_map,
)
from accessibility.outputs.maps.legend import (
    WHITESPOT_HATCH,
    buurt_class_handles,
    population_class_handles,
    whitespot_handle,
)
from accessibility.outputs.maps.symbols import draw_steunpunten, steunpunt_handle, steunpunt_labels
from accessibility.outputs.maps.text import format_number, map_text

BUURT_LINE = "#8c8c8c"
HATCH_COLOUR = "#8c8c8c"
DOT_SIZE = 2.2  # points


def draw_travel_times(
    ax: Axes, buurten: gpd.GeoDataFrame, cells: gpd.GeoDataFrame | None, class_column: str,
    whitespot_column: str, palette: Mapping[str, str], breaks: Sequence[float],
    cell_size_m: float | None = None,
) -> float | None:
    """Population dots (or buurten) coloured by class, buurt outlines, white spots hatched.

    Returns the inhabitants per dot, or None for a buurt choropleth.
    """
    polygons = polygonal(buurten.geometry)
    per_dot = None
    if cells is not None:
        per_dot = persons_per_dot(cells["population"].sum())
        dots = population_dots(cells, cell_size_m or 0.0, per_dot)
        classes = pd.Series(travel_time_classes(dots["travel_time_min"], breaks)).astype(object)
        for label, colour in palette.items():
            part = dots[(classes == label).to_numpy()]
            if not part.empty:
                ax.scatter(part.geometry.x, part.geometry.y, s=DOT_SIZE**2, c=colour,
                           marker="o", linewidths=0, zorder=2)
        polygons.boundary.plot(ax=ax, color=BUURT_LINE, linewidth=0.4, zorder=4)
    else:
        facecolours = buurten[class_column].astype(object).map(palette).fillna(NO_DATA_COLOUR)
        polygons.plot(ax=ax, color=list(facecolours), edgecolor="white", linewidth=0.3,
                      zorder=2)
    white = polygons[buurten[whitespot_column].astype(bool).to_numpy()]
    if not white.empty:
        white.plot(ax=ax, facecolor="none", edgecolor=HATCH_COLOUR, hatch=WHITESPOT_HATCH,
                   linewidth=0, zorder=4.5)
        white.boundary.plot(ax=ax, color="black", linewidth=1.3, zorder=5)
    return per_dot


def cells_in_crs(population: gpd.GeoDataFrame | None, cell_size_m: float | None,
                 crs: str) -> gpd.GeoDataFrame | None:
    """Inhabited cells of the population points, or None without points."""
    if population is None:
        return None
    if cell_size_m is None:
        raise InputError("cell_size_m is required with population points: pass the grid cell size in metres")
    return population_cells(population, cell_size_m, crs)


def class_handles(
    buurten: gpd.GeoDataFrame, cells: gpd.GeoDataFrame | None, class_column: str,
    population_column: str | None, palette: Mapping[str, str], breaks: Sequence[float],
    lang: str, max_minutes: float | None,
) -> list[Any]:
    """Class entries with inhabitants (cells), or with buurten and inhabitants (choropleth)."""
    if cells is None:
        return buurt_class_handles(buurten, class_column, population_column, palette, lang,
                                   True, max_minutes)
    classes = pd.Series(travel_time_classes(cells["travel_time_min"], breaks))
    handles = population_class_handles(classes, cells["population"], palette, lang, max_minutes)
    handles.append(Patch(facecolor=LAND_COLOUR, edgecolor="#bdbdbd",
                         label=map_text(lang)["uninhabited"]))
    return handles


def plot_whitespots(
    buurten: gpd.GeoDataFrame,
    steunpunten: Any,
    norm_minutes: float,
    title: str,
    caption_params: Mapping[str, Any] | None,
    path: str | os.PathLike[str],
    *,
    population: gpd.GeoDataFrame | None = None,
    cell_size_m: float | None = None,
    context: MapContext = NO_CONTEXT,
    class_column: str = "reistijdklasse",
    whitespot_column: str = "witte_vlek",
    population_column: str | None = "aantal_inwoners",
    steunpunt_name_column: str | None = "name",
    breaks: Sequence[float] = DEFAULT_BREAKS,
    lang: str = "nl",
    dpi: int = DPI,
    vector: str | None = "pdf",
    legend_title: str | None = None,
) -> Path:
    """Map travel time to the nearest steunpunt where people live, white spots hatched.

    Parameters
    ----------
    buurten : geopandas.GeoDataFrame
        Buurt polygons with a class column (labels of :func:`class_labels`,
        e.g. from :func:`travel_time_classes`; missing = "geen gegevens") and a
        boolean white-spot column.
    steunpunten : points or None
        Existing steunpunten (stars, named from ``steunpunt_name_column``):
        GeoDataFrame, GeoSeries or shapely points (bare points are read in the
        CRS of ``buurten``).
    norm_minutes : float
        The norm; must be one of ``breaks``.
    title : str
    caption_params : mapping or None
        See :func:`format_caption`; ``max_trip_minutes`` also names the
        unreachable class ("onbereikbaar binnen 90 min").
    path : str or os.PathLike
        Output PNG (11 x 8.5 inches at ``dpi``), written atomically; a vector
        copy (``vector``: "pdf", "svg" or None) is written beside it.
    population : geopandas.GeoDataFrame or None
        Population points with ``population`` and ``travel_time_min``: the map
        colours their cells and the legend counts inhabitants per class.
        Without them the buurten are coloured by their class.
    cell_size_m : float or None
        Grid cell size of the population points (metres); required with them.
    context : MapContext
        Background, gemeenten and the extent shared by a set of maps.
    class_column, whitespot_column : str
        Column names in ``buurten``.
    population_column : str or None
        Inhabitants per buurt, for the choropleth legend.
    breaks : sequence of float
        Class breaks in minutes.
    lang, dpi, vector

    Raises
    ------
    InputError
        On missing columns, unknown class labels, a white-spot flag that is not
        True/False, or a norm that is not a class break.
    """
    palette = class_colours(breaks, norm_minutes)
    check_class_columns(buurten, class_column, whitespot_column, list(palette), "the buurten")
    if population_column and population_column not in buurten.columns:
        population_column = None
    crs = map_crs(buurten, "the buurten")
    gdf = buurten.to_crs(crs)
    steunpunt_layer = as_points(steunpunten, crs, "the steunpunten", buurten.crs)
    cells = cells_in_crs(population, cell_size_m, crs)
    params = full_caption_params(caption_params, context, lang, norm_minutes=norm_minutes)

    fig, ax = single_map()
    set_extent(ax, context.bounds(union_bounds(gdf.geometry)))
    background_handles, place_labels_ = draw_background(ax, context.background,
                                                        context.gemeenten, crs, lang)
    per_dot = draw_travel_times(ax, gdf, cells, class_column, whitespot_column, palette, breaks,
                                cell_size_m)
    markers = draw_steunpunten(ax, steunpunt_layer)
    draw_labels(ax, steunpunt_labels(steunpunt_layer, names_of(steunpunten, steunpunt_name_column))
                + place_labels_, markers)
    handles = class_handles(gdf, cells, class_column, population_column, palette, breaks, lang,
                            params.get("max_trip_minutes"))
    handles += [whitespot_handle(norm_minutes, lang), steunpunt_handle(lang),
                *background_handles]
    legend_title = legend_title or map_text(lang)["legend_to"]
    if per_dot is not None:
        legend_title += "\n" + map_text(lang)["legend_dots"].format(n=format_number(per_dot, lang))
    return finish_single_map(fig, ax, handles, legend_title, title, params, crs, lang, path,
                             dpi, vector)


def whitespot_totals(
    buurten: gpd.GeoDataFrame, whitespot_column: str, population_column: str | None
) -> tuple[int, float | None]:
    """Number of white-spot buurten and their inhabitants (None without population)."""
    flags = buurten[whitespot_column].astype(bool)
    pop = buurten.loc[flags, population_column].sum(skipna=True) if population_column else None
    return int(flags.sum()), pop
