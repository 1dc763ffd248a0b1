"""Before/after maps: white spots now, and with one or more proposed locations.

Both panels show the same area at the same scale, with the same classes. The
proposed sites are numbered discs (never stars) in the right panel and are
named in a side table with the same numbers.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from accessibility.errors import InputError
from accessibility.outputs.maps.background import LAND_COLOUR, draw_background
from accessibility.outputs.maps.classes import DEFAULT_BREAKS, class_colours, travel_time_classes
from accessibility.outputs.maps.context import NO_CONTEXT, MapContext
from accessibility.outputs.maps.frame import DPI, decorate, save, set_extent
from accessibility.outputs.maps.layers import (
    as_points,
    check_class_columns,
    map_crs,
    names_of,
    union_bounds,
)
from accessibility.outputs.maps.layout import draw_labels, full_caption_params
from accessibility.outputs.maps.legend import (
    buurt_class_handles,
    population_class_handles,
    whitespot_handle,
)
from accessibility.outputs.maps.symbols import (
    draw_sites,
    draw_steunpunten,
    site_handle,
    site_table,
    steunpunt_handle,
    steunpunt_labels,
)
from accessibility.outputs.maps.text import format_caption, format_number, map_text
from accessibility.outputs.maps.whitespot_maps import (
    cells_in_crs,
    draw_travel_times,
    whitespot_totals,
)

PANEL_BOXES = ((0.01, 0.24, 0.485, 0.655), (0.505, 0.24, 0.485, 0.655))


def signed(value: float, lang: str) -> str:
    """``+3``, ``−3`` (a real minus sign) or ``±0``, with the separators of ``lang``."""
    sign = "+" if value > 0 else "\u2212" if value < 0 else "\u00b1"
    return sign + format_number(abs(value), lang)


def whitespot_summary(
    totals: tuple[int, float | None], lang: str, reference: tuple[int, float | None] | None = None
) -> str:
    """``"17 witte vlekken (−19), 32.947 inwoners (−35.325)"``; changes vs ``reference``."""
    text = map_text(lang)
    n, pop = totals
    n_text = format_number(n, lang)
    pop_text = format_number(pop, lang) if pop is not None else ""
    if reference is not None:
        n_text += f" ({signed(n - reference[0], lang)})"
        if pop is not None and reference[1] is not None:
            pop_text += f" ({signed(pop - reference[1], lang)})"
    if pop is None:
        return text["summary_no_pop"].format(n=n_text)
    return text["summary"].format(n=n_text, p=pop_text)


def _legend_classes(before, after, cells_before, cells_after, class_column, palette, breaks,
                    lang, max_minutes) -> list[Any]:
    if cells_before is None or cells_after is None:
        both = pd.concat([before[[class_column]], after[[class_column]]], ignore_index=True)
        return buurt_class_handles(both, class_column, None, palette, lang, False, max_minutes)
    classes = [pd.Series(travel_time_classes(c["travel_time_min"], breaks))
               for c in (cells_before, cells_after)]
    handles = population_class_handles(
        classes[0], cells_before["population"], palette, lang, max_minutes,
        after=(classes[1], cells_after["population"]))
    handles.append(Patch(facecolor=LAND_COLOUR, edgecolor="#bdbdbd",
                         label=map_text(lang)["uninhabited"]))
    return handles


def plot_before_after(
    before: gpd.GeoDataFrame,
    after: gpd.GeoDataFrame,
    candidate: Any,
    steunpunten: Any,
    norm_minutes: float,
    title: str,
    caption_params: Mapping[str, Any] | None,
    path: str | os.PathLike[str],
    *,
    population_before: gpd.GeoDataFrame | None = None,
    population_after: gpd.GeoDataFrame | None = None,
    cell_size_m: float | None = None,
    context: MapContext = NO_CONTEXT,
    candidate_name_column: str | None = "name",
    steunpunt_name_column: str | None = "name",
    class_column: str = "reistijdklasse",
    whitespot_column: str = "witte_vlek",
    population_column: str | None = "aantal_inwoners",
    breaks: Sequence[float] = DEFAULT_BREAKS,
    lang: str = "nl",
    dpi: int = DPI,
    vector: str | None = "pdf",
) -> Path:
    """Two panels side by side: white spots now, and with proposed locations (PNG + vector).

    Parameters
    ----------
    before, after : geopandas.GeoDataFrame
        The same buurten with class and white-spot columns without and with the
        proposed locations (as for :func:`plot_whitespots`). Each panel title
        says how many white spots (and inhabitants in them) there are.
    candidate : point(s)
        One proposed location or several (GeoDataFrame, GeoSeries or shapely
        points; bare points are read in the CRS of ``before``): numbered discs
        in the right panel, named in a side table from ``candidate_name_column``.
    steunpunten : points or None
        Existing steunpunten (named stars), drawn in both panels.
    norm_minutes, title, caption_params, path, class_column, whitespot_column,
    population_column, breaks, lang, dpi, vector, context, cell_size_m
        As for :func:`plot_whitespots`. Output size: 14 x 8.5 inches at ``dpi``.
    population_before, population_after : geopandas.GeoDataFrame or None
        Population points with ``population`` and ``travel_time_min`` before
        and after: the panels colour the inhabited cells, and the legend gives
        the inhabitants per class before and after.

    Raises
    ------
    InputError
        As for :func:`plot_whitespots`, or when ``before`` and ``after`` do not
        hold the same number of buurten.
    """
    text = map_text(lang)
    palette = class_colours(breaks, norm_minutes)
    check_class_columns(before, class_column, whitespot_column, list(palette), "the buurten before")
    check_class_columns(after, class_column, whitespot_column, list(palette), "the buurten after")
    if len(before) != len(after):
        raise InputError(
            f"before has {len(before)} buurten and after {len(after)}: pass the same buurten twice"
        )
    if population_column and not (
        population_column in before.columns and population_column in after.columns
    ):
        population_column = None
    crs = map_crs(before, "the buurten before")
    gdfs = (before.to_crs(crs), after.to_crs(crs))
    steunpunt_layer = as_points(steunpunten, crs, "the steunpunten", before.crs)
    site_layer = as_points(candidate, crs, "the candidate location", before.crs)
    site_names = names_of(candidate, candidate_name_column) or (
        [text["candidate"]] * (0 if site_layer is None else len(site_layer)))
    cells = (cells_in_crs(population_before, cell_size_m, crs),
             cells_in_crs(population_after, cell_size_m, crs))
    params = full_caption_params(caption_params, context, lang, norm_minutes=norm_minutes)

    fig = Figure(figsize=(14, 8.5))
    axes = [fig.add_axes(box) for box in PANEL_BOXES]
    bounds = context.bounds(union_bounds(gdfs[0].geometry, gdfs[1].geometry))
    totals_before = whitespot_totals(gdfs[0], whitespot_column, population_column)
    totals_after = whitespot_totals(gdfs[1], whitespot_column, population_column)
    headings = (text["before"], text["after"] if len(site_names) <= 1
                else text["after_n"].format(n=len(site_names)))
    summaries = (whitespot_summary(totals_before, lang),
                 whitespot_summary(totals_after, lang, reference=totals_before))
    names = names_of(steunpunten, steunpunt_name_column)
    background_handles: list[Any] = []
    per_dot = None
    for i, ax in enumerate(axes):
        set_extent(ax, bounds)
        background_handles, place_labels_ = draw_background(
            ax, context.background, context.gemeenten, crs, lang)
        per_dot = draw_travel_times(ax, gdfs[i], cells[i], class_column, whitespot_column,
                                    palette, breaks, cell_size_m)
        markers = draw_steunpunten(ax, steunpunt_layer, size=12)
        if i == 1:
            markers += draw_sites(ax, site_layer)
        draw_labels(ax, steunpunt_labels(steunpunt_layer, names, 12) + place_labels_, markers)
        ax.set_title(f"{headings[i]}\n{summaries[i]}", fontsize=12, loc="left")
    handles = _legend_classes(gdfs[0], gdfs[1], *cells, class_column, palette, breaks, lang,
                              params.get("max_trip_minutes"))
    handles += [whitespot_handle(norm_minutes, lang), steunpunt_handle(lang),
                site_handle(lang), *background_handles]
    legend_title = text["legend_to"].replace("\n", " ")
    if per_dot is not None:
        legend_title += "; " + text["legend_dots"].format(n=format_number(per_dot, lang))
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.01, 0.225), ncol=3,
               title=legend_title, frameon=False, fontsize=9,
               title_fontsize=10.5, alignment="left")
    site_table(fig, site_names, 0.76, 0.215, lang, fontsize=9)
    decorate(fig, axes, title, format_caption(params, lang, crs), bool(params.get("synthetic")),
             lang)
    return save(fig, path, dpi, vector)
