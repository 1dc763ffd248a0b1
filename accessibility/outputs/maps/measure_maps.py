"""Maps of the white-spot job's extra measures: days with access, capacity in reach.

Both measures are buurt values (a buurt has access on a day when at most half
its inhabitants are beyond the norm; capacity is averaged over a buurt's EPA
estimate). As on the white-spot map, colour goes where people live: every
inhabited population cell gets its buurt's class as dots, uninhabited land
stays the pale background of water, built-up land, roads and place names, and
the legend counts inhabitants and buurten per class. Without population points
the buurten are coloured (a choropleth). Classes are discrete so that a reader
can match a colour to a legend entry.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import to_hex
from matplotlib.patches import Patch

from accessibility.outputs.maps.background import LAND_COLOUR, draw_background
from accessibility.outputs.maps.classes import NO_DATA_COLOUR, UNREACHABLE_COLOUR
from accessibility.outputs.maps.context import NO_CONTEXT, MapContext
from accessibility.outputs.maps.frame import DPI, set_extent
from accessibility.outputs.maps.layers import (
    as_points,
    map_crs,
    names_of,
    persons_per_dot,
    polygonal,
    population_cells,
    population_dots,
    require_columns,
    union_bounds,
)
from accessibility.outputs.maps.layout import (
    draw_labels,
    finish_single_map,
    full_caption_params,
    single_map,
)
from accessibility.outputs.maps.symbols import draw_steunpunten, steunpunt_handle, steunpunt_labels
from accessibility.outputs.maps.text import format_number, map_text

LABELS = {
    "nl": {"days_legend": "Dagen per week met een open\nsteunpunt binnen {norm} min",
           "days": "{n} dagen", "day": "1 dag", "none": "geen dag",
           "capacity_legend": "Capaciteit binnen bereik\n(bezoekersplaatsen per week\n"
                              "per 100 mensen met EPA)",
           "entry": "{label}: {people} inw., {buurten}",
           "n_buurten": "{n} buurten", "one_buurt": "1 buurt"},
    "en": {"days_legend": "Days per week with an open\nsteunpunt within {norm} min",
           "days": "{n} days", "day": "1 day", "none": "no day",
           "capacity_legend": "Capacity in reach\n(visitor places per week\n"
                              "per 100 people with SMI)",
           "entry": "{label}: {people} inh., {buurten}",
           "n_buurten": "{n} neighbourhoods", "one_buurt": "1 neighbourhood"},
}
BUURT_LINE = "#8c8c8c"
DOT_SIZE = 2.2  # points
_CLASS = "measure_class"


def _buurt_count(n: int, lang: str) -> str:
    text = LABELS[lang]
    return text["one_buurt"] if n == 1 else text["n_buurten"].format(n=format_number(n, lang))


def _point_classes(population: gpd.GeoDataFrame, buurten: gpd.GeoDataFrame,
                   codes: np.ndarray) -> gpd.GeoDataFrame:
    """The population points with their buurt's class code (NaN: no data)."""
    require_columns(population, ["population", "buurtcode"], "the population points")
    by_buurt = pd.Series(codes, index=buurten["buurtcode"].to_numpy())
    return population.assign(**{_CLASS: population["buurtcode"].map(by_buurt).astype(float)})


def _draw(buurten: gpd.GeoDataFrame, codes: np.ndarray, palette: Sequence[str],
          labels: Sequence[str], steunpunten: Any, legend_title: str, title: str,
          caption_params: Mapping[str, Any] | None, path: str | os.PathLike[str], *,
          population: gpd.GeoDataFrame | None, cell_size_m: float | None, context: MapContext,
          steunpunt_name_column: str | None, lang: str, dpi: int, vector: str | None) -> Path:
    """Draw the classes where people live (or per buurt), steunpunten and furniture; save.

    ``codes`` holds one class index per buurt (into ``palette`` and
    ``labels``; NaN = no data); the legend lists the classes from the last
    (best) to the first.
    """
    crs = map_crs(buurten, "the buurten")
    gdf = buurten.to_crs(crs)
    polygons = polygonal(gdf.geometry)
    fig, ax = single_map()
    set_extent(ax, context.bounds(union_bounds(gdf.geometry)))
    background_handles, place_labels = draw_background(ax, context.background,
                                                       context.gemeenten, crs, lang)
    text = LABELS[lang]
    buurt_counts = pd.Series(codes).value_counts()
    handles: list[Any] = []
    if population is not None and cell_size_m:
        cells = population_cells(_point_classes(population, gdf, codes), cell_size_m, crs,
                                 value=_CLASS)
        per_dot = persons_per_dot(cells["population"].sum())
        dots = population_dots(cells, cell_size_m, per_dot, value=_CLASS)
        for k, colour in enumerate(palette):
            part = dots[(dots[_CLASS] == k).to_numpy()]
            if not part.empty:
                ax.scatter(part.geometry.x, part.geometry.y, s=DOT_SIZE**2, c=colour,
                           marker="o", linewidths=0, zorder=2)
        polygons.boundary.plot(ax=ax, color=BUURT_LINE, linewidth=0.4, zorder=4)
        people = cells.groupby(_CLASS)["population"].sum()
        legend_title += "\n" + map_text(lang)["legend_dots"].format(n=format_number(per_dot, lang))
        for k in range(len(palette) - 1, -1, -1):
            entry = text["entry"].format(
                label=labels[k], people=format_number(float(people.get(float(k), 0.0)), lang),
                buurten=_buurt_count(int(buurt_counts.get(float(k), 0)), lang))
            handles.append(Patch(facecolor=palette[k], edgecolor="none", label=entry))
        handles.append(Patch(facecolor=LAND_COLOUR, edgecolor="#bdbdbd",
                             label=map_text(lang)["uninhabited"]))
    else:
        colours = [NO_DATA_COLOUR if np.isnan(c) else palette[int(c)] for c in codes]
        polygons.plot(ax=ax, color=colours, edgecolor="white", linewidth=0.3, zorder=2)
        for k in range(len(palette) - 1, -1, -1):
            count = _buurt_count(int(buurt_counts.get(float(k), 0)), lang)
            handles.append(Patch(facecolor=palette[k], edgecolor="white",
                                 label=f"{labels[k]} ({count})"))
        if np.isnan(codes).any():
            handles.append(Patch(facecolor=NO_DATA_COLOUR, edgecolor="white",
                                 label=map_text(lang)["no_data"]))
    points = as_points(steunpunten, crs, "the steunpunten", buurten.crs)
    markers = draw_steunpunten(ax, points)
    draw_labels(ax, steunpunt_labels(points, names_of(steunpunten, steunpunt_name_column))
                + place_labels, markers)
    handles += [steunpunt_handle(lang), *background_handles]
    params = full_caption_params(caption_params, context, lang)
    return finish_single_map(fig, ax, handles, legend_title, title, params, crs, lang, path,
                             dpi, vector)


def plot_days_with_access(
    buurten: gpd.GeoDataFrame,
    steunpunten: Any,
    norm_minutes: float,
    title: str,
    caption_params: Mapping[str, Any] | None,
    path: str | os.PathLike[str],
    *,
    column: str = "days_with_access",
    n_days: int = 7,
    population: gpd.GeoDataFrame | None = None,
    cell_size_m: float | None = None,
    context: MapContext = NO_CONTEXT,
    steunpunt_name_column: str | None = "name",
    lang: str = "nl",
    dpi: int = DPI,
    vector: str | None = "pdf",
) -> Path:
    """Map the number of days per week with an open steunpunt within the norm, per buurt.

    Parameters
    ----------
    buurten : geopandas.GeoDataFrame
        Polygons with ``buurtcode`` and ``column`` (0..``n_days``; missing =
        no data).
    steunpunten : points or None
        Drawn as named stars.
    norm_minutes : float
    title, caption_params, path
        As for :func:`accessibility.outputs.maps.plot_whitespots`.
    population : geopandas.GeoDataFrame or None
        Population points with ``population`` and ``buurtcode``: each
        inhabited cell is drawn as dots in its buurt's colour. Without them
        the buurten are coloured.
    cell_size_m : float or None
        Grid cell size of the population points (metres).
    context : MapContext
        Background, gemeenten and the extent shared with the other maps.
    steunpunt_name_column, lang, dpi, vector
        As for :func:`accessibility.outputs.maps.plot_whitespots`.
    """
    require_columns(buurten, ["buurtcode", column], "the buurten")
    text = LABELS[lang]
    # red (no day) .. green (every day), one colour per count
    ramp = colormaps["RdYlGn"]
    palette = [to_hex(ramp(0.08 + 0.84 * k / n_days)) for k in range(n_days + 1)]
    labels = [text["none"] if k == 0 else text["day"] if k == 1 else text["days"].format(n=k)
              for k in range(n_days + 1)]
    codes = pd.to_numeric(buurten[column], errors="coerce").to_numpy(float)
    legend = text["days_legend"].format(norm=f"{norm_minutes:g}")
    params = dict(caption_params or {}) | {"norm_minutes": norm_minutes}
    return _draw(buurten, codes, palette, labels, steunpunten, legend, title, params, path,
                 population=population, cell_size_m=cell_size_m, context=context,
                 steunpunt_name_column=steunpunt_name_column, lang=lang, dpi=dpi, vector=vector)


def plot_capacity(
    buurten: gpd.GeoDataFrame,
    steunpunten: Any,
    column: str,
    title: str,
    caption_params: Mapping[str, Any] | None,
    path: str | os.PathLike[str],
    *,
    breaks: Sequence[float] = (0, 5, 15, 30, 45, 90),
    population: gpd.GeoDataFrame | None = None,
    cell_size_m: float | None = None,
    context: MapContext = NO_CONTEXT,
    steunpunt_name_column: str | None = "name",
    lang: str = "nl",
    dpi: int = DPI,
    vector: str | None = "pdf",
) -> Path:
    """Map capacity in reach per 100 EPA persons per buurt, classed at ``breaks``.

    The default breaks hold the participation scenarios of the need formula
    (15, 30, 45 weekly places per 100 EPA persons), so that a colour says which
    scenario the capacity in reach would serve, with one class below and one
    above them. No capacity in reach (0) gets the darkest colour of the maps,
    as "unreachable" on the white-spot map. The other parameters are those of :func:`plot_days_with_access`.
    """
    require_columns(buurten, ["buurtcode", column], "the buurten")
    edges = [float(b) for b in breaks]
    ramp = colormaps["YlGnBu"]
    n = len(edges) + 1  # "0", one class per interval, and "above the last break"
    # no capacity in reach is the worst class: the map's darkest red, never a pale tint
    palette = [UNREACHABLE_COLOUR] + [to_hex(ramp(0.15 + 0.8 * k / (n - 2)))
                                      for k in range(n - 1)]
    values = pd.to_numeric(buurten[column], errors="coerce").to_numpy(float)
    codes = np.where(values <= edges[0], 0,
                     np.searchsorted(edges, values, side="left")).astype(float)
    codes[np.isnan(values)] = np.nan
    labels = [f"{format_number(edges[0], lang)}"]
    labels += [f"{format_number(a, lang)}–{format_number(b, lang)}"
               for a, b in zip(edges[:-1], edges[1:], strict=True)]
    labels.append(f"> {format_number(edges[-1], lang)}")
    return _draw(buurten, codes, palette, labels, steunpunten, LABELS[lang]["capacity_legend"],
                 title, caption_params, path, population=population, cell_size_m=cell_size_m,
                 context=context, steunpunt_name_column=steunpunt_name_column, lang=lang,
                 dpi=dpi, vector=vector)
