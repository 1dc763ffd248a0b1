"""Maps (PNG) of the white-spot job's extra measures: days with access, capacity in reach.

Both are one-panel buurt choropleths with the furniture of
:mod:`accessibility.outputs.maps` (scale bar, north arrow, caption with the
parameters, synthetic label): classes are discrete so that a reader can match
a colour to a legend entry.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from accessibility.io import atomic_path
from accessibility.outputs.maps import (
    DPI,
    NO_DATA_COLOUR,
    STEUNPUNT_COLOUR,
    TEXT,
    add_north_arrow,
    add_scale_bar,
    as_points,
    format_caption,
    format_number,
    map_crs,
    polygonal,
    require_columns,
    set_extent,
)

LABELS = {
    "nl": {"days_legend": "Dagen per week met een open\nsteunpunt binnen {norm} min",
           "days": "{n} dagen", "day": "1 dag", "none": "geen dag",
           "capacity_legend": "Capaciteit binnen bereik\n(bezoekersplaatsen per week\n"
                              "per 100 mensen met EPA)",
           "n_buurten": "{n} buurten"},
    "en": {"days_legend": "Days per week with an open\nsteunpunt within {norm} min",
           "days": "{n} days", "day": "1 day", "none": "no day",
           "capacity_legend": "Capacity in reach\n(visitor places per week\n"
                              "per 100 people with SMI)",
           "n_buurten": "{n} neighbourhoods"},
}


def _draw(buurten: gpd.GeoDataFrame, colours: list[str], steunpunten: Any, handles: list,
          legend_title: str, title: str, caption_params: Mapping[str, Any] | None,
          path: str | os.PathLike[str], lang: str, dpi: int) -> Path:
    """Draw coloured buurten, steunpunten and the map furniture; save atomically."""
    crs = map_crs(buurten, "the buurten")
    gdf = buurten.to_crs(crs)
    fig = Figure(figsize=(11, 8.5))
    ax = fig.add_axes((0.015, 0.09, 0.62, 0.83))
    polygonal(gdf.geometry).plot(ax=ax, color=colours, edgecolor="white", linewidth=0.3, zorder=2)
    points = as_points(steunpunten, crs, "the steunpunten", buurten.crs)
    if points is not None and not points.empty:
        ax.scatter(points.x, points.y, s=300, marker="*", c=STEUNPUNT_COLOUR,
                   edgecolors="white", linewidths=0.8, zorder=10)
        handles.append(Line2D([], [], marker="*", linestyle="none", markersize=15,
                              markerfacecolor=STEUNPUNT_COLOUR, markeredgecolor="white",
                              label=TEXT[lang]["steunpunt"]))
    minx, miny, maxx, maxy = gdf.total_bounds
    pad = 0.05 * max(maxx - minx, maxy - miny)
    set_extent(ax, (minx, miny - 2 * pad, maxx, maxy))  # room for the scale bar below
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_edgecolor("#bdbdbd")
    add_scale_bar(ax)
    add_north_arrow(ax)
    params = dict(caption_params or {})
    if params.get("synthetic"):
        ax.text(0.02, 0.98, TEXT[lang]["synthetic"], transform=ax.transAxes, ha="left", va="top",
                fontsize=9, fontweight="bold", color="#b30000",
                bbox={"facecolor": "white", "edgecolor": "#b30000", "alpha": 0.9}, zorder=23)
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.65, 0.9), title=legend_title,
               alignment="left", frameon=False, fontsize=9.5, title_fontsize=11)
    fig.text(0.015, 0.975, title, ha="left", va="top", fontsize=15, fontweight="bold")
    fig.text(0.015, 0.012, format_caption(params, lang, crs), ha="left", va="bottom",
             fontsize=8, color="#404040")
    FigureCanvasAgg(fig)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format="png", facecolor="white")
    return Path(path)


def _count(n: int, lang: str) -> str:
    return LABELS[lang]["n_buurten"].format(n=format_number(n, lang))


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
    lang: str = "nl",
    dpi: int = DPI,
) -> Path:
    """Map buurten by the number of days per week with an open steunpunt within the norm.

    Parameters
    ----------
    buurten : geopandas.GeoDataFrame
        Polygons with ``column`` (0..``n_days``; missing = no data, grey).
    steunpunten : points or None
        Drawn as stars.
    norm_minutes : float
    title, caption_params, path, lang, dpi
        As for :func:`accessibility.outputs.maps.plot_whitespots`.
    """
    require_columns(buurten, [column], "the buurten")
    text = LABELS[lang]
    # red (no day) .. green (every day), one colour per count
    ramp = colormaps["RdYlGn"]
    palette = [to_hex(ramp(0.08 + 0.84 * k / n_days)) for k in range(n_days + 1)]
    values = buurten[column]
    colours = [NO_DATA_COLOUR if np.isnan(v) else palette[int(v)]
               for v in values.astype(float)]
    handles: list = []
    for k in range(n_days, -1, -1):
        n = int((values == k).sum())
        label = text["none"] if k == 0 else text["day"] if k == 1 else text["days"].format(n=k)
        handles.append(Patch(facecolor=palette[k], edgecolor="white",
                             label=f"{label} ({_count(n, lang)})"))
    if values.isna().any():
        handles.append(Patch(facecolor=NO_DATA_COLOUR, edgecolor="white",
                             label=TEXT[lang]["no_data"]))
    legend = text["days_legend"].format(norm=f"{norm_minutes:g}")
    return _draw(buurten, colours, steunpunten, handles, legend, title,
                 dict(caption_params or {}) | {"norm_minutes": norm_minutes}, path, lang, dpi)


def plot_capacity(
    buurten: gpd.GeoDataFrame,
    steunpunten: Any,
    column: str,
    title: str,
    caption_params: Mapping[str, Any] | None,
    path: str | os.PathLike[str],
    *,
    breaks: Sequence[float] = (0, 5, 15, 30, 45, 90),
    lang: str = "nl",
    dpi: int = DPI,
) -> Path:
    """Map buurten by capacity in reach per 100 EPA persons, classed at ``breaks``.

    The default breaks hold the participation scenarios of the need formula
    (15, 30, 45 weekly places per 100 EPA persons), so that a colour says which
    scenario the capacity in reach would serve, with one class below and one
    above them.
    """
    require_columns(buurten, [column], "the buurten")
    edges = [float(b) for b in breaks]
    ramp = colormaps["YlGnBu"]
    n = len(edges) + 1  # "0", one class per interval, and "above the last break"
    palette = [to_hex(ramp(0.1 + 0.85 * k / (n - 1))) for k in range(n)]
    values = buurten[column].astype(float).to_numpy()
    codes = np.where(values <= edges[0], 0, np.searchsorted(edges, values, side="left"))
    colours = [NO_DATA_COLOUR if np.isnan(v) else palette[int(c)]
               for v, c in zip(values, codes, strict=True)]
    labels = [f"{format_number(edges[0], lang)}"]
    labels += [f"{format_number(a, lang)}–{format_number(b, lang)}"
               for a, b in zip(edges[:-1], edges[1:], strict=True)]
    labels.append(f"> {format_number(edges[-1], lang)}")
    handles: list = []
    for k in range(n - 1, -1, -1):
        count = int((codes[~np.isnan(values)] == k).sum())
        handles.append(Patch(facecolor=palette[k], edgecolor="white",
                             label=f"{labels[k]} ({_count(count, lang)})"))
    if np.isnan(values).any():
        handles.append(Patch(facecolor=NO_DATA_COLOUR, edgecolor="white",
                             label=TEXT[lang]["no_data"]))
    return _draw(buurten, colours, steunpunten, handles, LABELS[lang]["capacity_legend"], title,
                 caption_params, path, lang, dpi)

