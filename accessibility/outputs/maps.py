"""Static maps (PNG) of isochrones and white spots, for reports and policy notes.

All maps share one colour logic so that a reader learns it once: **green =
within the norm** (darker = closer), **orange/red = beyond the norm**, dark
grey = unreachable, and white spots (buurten beyond the norm) are hatched and
outlined in black. Maps are drawn in a metric CRS (EPSG:28992 in the
Netherlands) without a basemap (offline), with a scale bar, a north arrow, a
legend and a caption that lists the parameters of the computation (date,
departure window, percentile, walking speed, norm) and a prominent label when
the data are synthetic. Text is Dutch by default; ``lang="en"`` gives English.

Matplotlib is used through :class:`matplotlib.figure.Figure` with the Agg
canvas (no pyplot, no display needed); files are written atomically.
"""

from __future__ import annotations

import math
import os
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib import colormaps, colors
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from accessibility.analysis.coverage import UNREACHABLE_CLASS as UNREACHABLE
from accessibility.analysis.coverage import classify_times, time_class_labels
from accessibility.errors import InputError
from accessibility.geo import local_metric_crs
from accessibility.io import atomic_path

#: Default class breaks in minutes; the norm must be one of them.
DEFAULT_BREAKS: tuple[float, ...] = (15, 30, 45, 60)
#: Class label of places with no connection at all.
#: Provisional norm of the IZA working group, minutes by public transport.
DEFAULT_NORM = 45

#: Colours shared with :mod:`accessibility.outputs.webmaps`.
UNREACHABLE_COLOUR = "#525252"
NO_DATA_COLOUR = "#d9d9d9"
STEUNPUNT_COLOUR = "#54278f"
CANDIDATE_COLOUR = "#e7298a"
BOUNDARY_COLOUR = "#737373"

DPI = 150
LANGS = ("nl", "en")

TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "within": "binnen {m} min",
        "stop": "halte",
        "steunpunt": "steunpunt",
        "candidate": "voorgestelde locatie",
        "boundary": "grens",
        "unreachable": "onbereikbaar",
        "no_data": "geen gegevens",
        "whitespot": "witte vlek (meer dan {norm} min)",
        "class": "{label} min",
        "over": "meer dan {m} min",
        "legend_to": "Reistijd met het OV naar\nhet dichtstbijzijnde steunpunt",
        "legend_from": "Reistijd met het OV\nnaar het steunpunt",
        "legend_overview": "Bereikbaarheid met het OV",
        "n_buurten": "{n} buurten",
        "n_buurt": "1 buurt",
        "inhabitants": "{n} inw.",
        "norm_area": "binnen {norm} min van een steunpunt",
        "before": "Huidige situatie",
        "after": "Met de voorgestelde locatie",
        "summary": "{n} witte vlekken, {p} inwoners",
        "summary_no_pop": "{n} witte vlekken",
        "synthetic": "SYNTHETISCHE GEGEVENS, geen echte dienstregeling",
        "norm_note": "Norm: {norm} minuten met het openbaar vervoer (voorlopig uitgangspunt, De Galan Groep 2024).",
        "crs": "kaartprojectie",
        "date": "datum",
        "window": "vertrekvenster",
        "percentile": "percentiel",
        "walking_speed_kmh": "loopsnelheid",
        "max_walk_m": "max. looptijd/-afstand",
        "max_trip_minutes": "max. reistijd",
        "engine": "rekenmodel",
        "source": "bron",
        "kmh": "km/u",
    },
    "en": {
        "within": "within {m} min",
        "stop": "stop",
        "steunpunt": "support point (steunpunt)",
        "candidate": "proposed location",
        "boundary": "boundary",
        "unreachable": "unreachable",
        "no_data": "no data",
        "whitespot": "white spot (more than {norm} min)",
        "class": "{label} min",
        "over": "more than {m} min",
        "legend_to": "Travel time by public transport\nto the nearest support point",
        "legend_from": "Travel time by public transport\nto the support point",
        "legend_overview": "Accessibility by public transport",
        "n_buurten": "{n} neighbourhoods",
        "n_buurt": "1 neighbourhood",
        "inhabitants": "{n} inh.",
        "norm_area": "within {norm} min of a support point",
        "before": "Current situation",
        "after": "With the proposed location",
        "summary": "{n} white spots, {p} inhabitants",
        "summary_no_pop": "{n} white spots",
        "synthetic": "SYNTHETIC DATA, not a real timetable",
        "norm_note": "Norm: {norm} minutes by public transport (provisional starting point, De Galan Groep 2024).",
        "crs": "map projection",
        "date": "date",
        "window": "departure window",
        "percentile": "percentile",
        "walking_speed_kmh": "walking speed",
        "max_walk_m": "max. walking",
        "max_trip_minutes": "max. trip time",
        "engine": "engine",
        "source": "source",
        "kmh": "km/h",
    },
}

#: Caption keys that :func:`format_caption` knows, in the order it prints them.
CAPTION_KEYS = (
    "date",
    "window",
    "percentile",
    "walking_speed_kmh",
    "max_walk_m",
    "max_trip_minutes",
    "engine",
    "source",
)


def _text(lang: str) -> dict[str, str]:
    if lang not in TEXT:
        raise InputError(f"unknown map language {lang!r}: use one of {', '.join(LANGS)}")
    return TEXT[lang]


def format_number(value: float, lang: str = "nl", decimals: int = 0) -> str:
    """Format a number with the thousands and decimal separators of ``lang``.

    ``format_number(12345.6, "nl", 1)`` gives ``"12.345,6"``; in English ``"12,345.6"``.
    """
    text = f"{value:,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def _fmt_minutes(value: float) -> str:
    return f"{value:g}"


# ----------------------------------------------------------------- classes


def class_labels(breaks: Sequence[float] = DEFAULT_BREAKS) -> tuple[str, ...]:
    """Travel-time class labels for the given breaks, nearest first.

    ``class_labels((15, 30, 45, 60))`` gives
    ``("0-15", "15-30", "30-45", "45-60", ">60", "onbereikbaar")``. A class
    ``"a-b"`` holds times ``a < t <= b`` (``"0-15"`` includes 0), so a time equal
    to the norm is within the norm.
    """
    return tuple(time_class_labels(_check_breaks(breaks)))


def _check_breaks(breaks: Sequence[float]) -> list[float]:
    values = [float(b) for b in breaks]
    if not values or any(not math.isfinite(b) or b <= 0 for b in values):
        raise InputError(
            f"class breaks {list(breaks)} must be positive minutes, e.g. (15, 30, 45, 60)"
        )
    if any(b >= c for b, c in zip(values, values[1:], strict=False)):
        raise InputError(f"class breaks {list(breaks)} must be strictly increasing")
    return values


def travel_time_classes(
    minutes: np.ndarray | pd.Series, breaks: Sequence[float] = DEFAULT_BREAKS
) -> pd.Categorical:
    """Classify travel times into the ordered classes of :func:`class_labels`.

    Parameters
    ----------
    minutes : array-like of float
        Travel times in minutes; NaN or +inf = unreachable.
    breaks : sequence of float
        Increasing class breaks in minutes.

    Returns
    -------
    pandas.Categorical
        Ordered, categories :func:`class_labels` ``(breaks)``; never missing.

    Raises
    ------
    InputError
        On negative times or invalid breaks.
    """
    values = np.asarray(minutes, dtype=np.float64)
    if (values < 0).any():
        first = values[values < 0][0]
        raise InputError(f"negative travel time {first} min: travel times must be >= 0")
    return classify_times(values, _check_breaks(breaks))


def class_colours(
    breaks: Sequence[float] = DEFAULT_BREAKS, norm_minutes: float = DEFAULT_NORM
) -> dict[str, str]:
    """Colour per class label: greens within the norm, oranges/reds beyond it.

    Raises
    ------
    InputError
        When the norm is not one of the breaks (it must be a class boundary).
    """
    values = _check_breaks(breaks)
    if float(norm_minutes) not in values:
        raise InputError(
            f"the norm of {norm_minutes} min is not one of the class breaks {values}: "
            "add it to the breaks so the map separates 'within' from 'beyond' the norm"
        )
    labels = class_labels(values)
    n_within = values.index(float(norm_minutes)) + 1
    palette = _ramp(n_within, len(labels) - 1 - n_within)
    return {**dict(zip(labels[:-1], palette, strict=True)), UNREACHABLE: UNREACHABLE_COLOUR}


def _ramp(n_within: int, n_beyond: int) -> list[str]:
    """Dark to light greens (within the norm), then light to dark oranges/reds."""
    greens = colormaps["Greens"](np.linspace(0.85, 0.35, n_within)) if n_within else []
    reds = colormaps["OrRd"](np.linspace(0.45, 0.8, n_beyond)) if n_beyond else []
    return [colors.to_hex(c) for c in (*greens, *reds)]


def cutoff_colours(cutoffs: Sequence[float], norm_minutes: float = DEFAULT_NORM) -> list[str]:
    """Colours of isochrone bands, consistent with :func:`class_colours`.

    Cutoffs up to the norm get greens (darker = closer), larger ones oranges.
    """
    values = sorted(float(c) for c in cutoffs)
    n_within = sum(1 for c in values if c <= norm_minutes)
    return _ramp(n_within, len(values) - n_within)


def class_legend_label(label: str, lang: str = "nl") -> str:
    """Human-readable legend text of a class label (``">60"`` -> ``"meer dan 60 min"``)."""
    text = _text(lang)
    if label == UNREACHABLE:
        return text["unreachable"]
    if label.startswith(">"):
        return text["over"].format(m=label[1:])
    return text["class"].format(label=label.replace("-", "–"))


# ----------------------------------------------------------------- layers


def as_geoseries(obj: Any, crs: str, what: str, bare_crs: Any = None) -> gpd.GeoSeries:
    """A GeoSeries in ``crs`` from a GeoDataFrame, GeoSeries, geometry or list of geometries.

    Bare shapely geometries carry no CRS: they are taken to be in ``bare_crs``
    (the CRS of the main layer of a map), or in ``crs`` when it is None.
    """
    if isinstance(obj, gpd.GeoDataFrame):
        series = obj.geometry
    elif isinstance(obj, gpd.GeoSeries):
        series = obj
    elif isinstance(obj, shapely.Geometry):
        return gpd.GeoSeries([obj], crs=crs if bare_crs is None else bare_crs).to_crs(crs)
    elif isinstance(obj, Sequence) and all(isinstance(g, shapely.Geometry) for g in obj):
        return gpd.GeoSeries(list(obj), crs=crs if bare_crs is None else bare_crs).to_crs(crs)
    else:
        raise InputError(
            f"{what} must be a GeoDataFrame, GeoSeries or shapely geometry; got {type(obj).__name__}"
        )
    if series.crs is None:
        raise InputError(f"{what} has no CRS: set it (e.g. .set_crs('EPSG:4326')) before mapping")
    return series.to_crs(crs)


def map_crs(gdf: gpd.GeoDataFrame, what: str) -> str:
    """The metric CRS to draw in: that of ``gdf``, or a local one when it is geographic."""
    if gdf.crs is None:
        raise InputError(f"{what} has no CRS: set it (e.g. .set_crs('EPSG:28992')) before mapping")
    if gdf.crs.is_projected:
        return gdf.crs.to_string()
    finite = gdf.geometry[~gdf.geometry.is_empty]
    if finite.empty:
        raise InputError(f"{what} holds only empty geometries: nothing to map")
    minx, miny, maxx, maxy = finite.total_bounds
    return local_metric_crs((minx + maxx) / 2, (miny + maxy) / 2)


def require_columns(gdf: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise :class:`InputError` naming the missing columns and the ones that exist."""
    missing = [c for c in columns if c not in gdf.columns]
    if missing:
        raise InputError(
            f"{what} lacks column(s) {', '.join(map(repr, missing))}; it has "
            f"{', '.join(map(str, gdf.columns))}: pass the right column name"
        )


def _set_extent(
    ax: Axes, bounds: np.ndarray, margin: float = 0.04, min_size_m: float = 2000
) -> None:
    """Fit the view to ``bounds`` plus a margin (fraction), at least ``min_size_m`` wide.

    The view is widened in one direction to the shape of the axes box, so the
    map fills the box (at equal scale in x and y) instead of leaving blank bands.
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half_w = max((maxx - minx) * (0.5 + margin), min_size_m / 2)
    half_h = max((maxy - miny) * (0.5 + margin), min_size_m / 2)
    box = ax.get_position(original=True)
    fig_w, fig_h = ax.figure.get_size_inches()
    box_ratio = (box.height * fig_h) / (box.width * fig_w)
    if half_h / half_w < box_ratio:
        half_h = half_w * box_ratio
    else:
        half_w = half_h / box_ratio
    ax.set_xlim(cx - half_w, cx + half_w)
    ax.set_ylim(cy - half_h, cy + half_h)
    ax.set_aspect("equal", adjustable="box")


def _union_bounds(*layers: gpd.GeoSeries | None) -> np.ndarray:
    boxes = [
        layer[~layer.is_empty].total_bounds
        for layer in layers
        if layer is not None and not layer[~layer.is_empty].empty
    ]
    if not boxes:
        raise InputError("all map layers are empty: nothing to draw")
    stacked = np.vstack(boxes)
    return np.array([*stacked[:, :2].min(axis=0), *stacked[:, 2:].max(axis=0)])


# ----------------------------------------------------------------- furniture


def nice_scale_length(max_m: float) -> float:
    """The largest 1, 2 or 5 x 10^k metres not longer than ``max_m`` (> 0)."""
    if not (math.isfinite(max_m) and max_m > 0):
        raise InputError(f"scale bar length must be a positive number of metres; got {max_m!r}")
    base = 10.0 ** math.floor(math.log10(max_m))
    return max(m * base for m in (1, 2, 5) if m * base <= max_m)


def add_scale_bar(ax: Axes, fraction: float = 0.25) -> float:
    """Draw a two-segment scale bar in the lower left of a metric map.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose data coordinates are metres; limits must be set.
    fraction : float
        Longest bar length as a fraction of the map width.

    Returns
    -------
    float
        The bar length in metres.
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    width, height = x1 - x0, y1 - y0
    length = nice_scale_length(width * fraction)
    left, bottom = x0 + 0.04 * width, y0 + 0.04 * height
    bar_h = 0.012 * height
    ax.add_patch(
        Rectangle(
            (left - 0.015 * width, bottom - 0.015 * height),
            length + 0.03 * width,
            bar_h + 0.07 * height,
            facecolor="white",
            edgecolor="none",
            alpha=0.85,
            zorder=20,
        )
    )
    for i, face in enumerate(("black", "white")):
        ax.add_patch(
            Rectangle(
                (left + i * length / 2, bottom),
                length / 2,
                bar_h,
                facecolor=face,
                edgecolor="black",
                linewidth=0.8,
                zorder=21,
            )
        )
    label = f"{length:g} m" if length < 1000 else f"{length / 1000:g} km"
    ax.text(left, bottom + bar_h * 1.6, "0", ha="center", va="bottom", fontsize=8, zorder=22)
    ax.text(
        left + length, bottom + bar_h * 1.6, label, ha="center", va="bottom", fontsize=8, zorder=22
    )
    return length


def add_north_arrow(ax: Axes) -> None:
    """Draw a small north arrow in the upper right corner (grid north = north in RD New)."""
    ax.annotate(
        "N",
        xy=(0.95, 0.97),
        xytext=(0.95, 0.88),
        xycoords="axes fraction",
        textcoords="axes fraction",
        ha="center",
        va="center",
        fontsize=11,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.5},
        zorder=22,
    )


def format_caption(
    params: Mapping[str, Any] | None, lang: str = "nl", crs: str | None = None
) -> str:
    """The caption (one to three lines) with the parameters of a computation.

    Parameters
    ----------
    params : mapping or None
        Known keys (printed with a translated name, in this order): ``date``,
        ``window`` (departure window, e.g. ``"07:00-09:00"``), ``percentile``,
        ``walking_speed_kmh`` (km/h), ``max_walk_m``, ``max_trip_minutes``,
        ``engine``, ``source``; then ``norm_minutes`` (adds the norm
        sentence) and ``synthetic`` (True adds the synthetic-data label). Other
        keys are printed as ``key: value``.
    lang : {"nl", "en"}
    crs : str, optional
        Map CRS, appended as the projection.
    """
    text = _text(lang)
    params = dict(params or {})
    synthetic = bool(params.pop("synthetic", False))
    norm = params.pop("norm_minutes", None)
    parts = []
    for key in CAPTION_KEYS:
        if key in params and params[key] is not None:
            value = params.pop(key)
            if key == "walking_speed_kmh":
                value = f"{format_number(float(value), lang, 1)} {text['kmh']}"
            elif key == "max_trip_minutes":
                value = f"{_fmt_minutes(float(value))} min"
            parts.append(f"{text[key]}: {value}")
    parts.extend(f"{key}: {value}" for key, value in params.items() if value is not None)
    if crs:
        parts.append(f"{text['crs']}: {crs}")
    lines = ["; ".join(parts)] if parts else []
    if norm is not None:
        lines.append(text["norm_note"].format(norm=_fmt_minutes(float(norm))))
    if synthetic:
        lines.append(text["synthetic"])
    return "\n".join(textwrap.fill(line, 150) for line in lines)


def _finish_single_map(
    fig: Figure,
    ax: Axes,
    handles: list,
    legend_title: str,
    legend_x: float,
    fontsize: float,
    title: str,
    params: Mapping[str, Any],
    crs: str,
    lang: str,
    path: str | os.PathLike[str],
    dpi: int,
) -> Path:
    """Legend to the right of a one-panel map, title, caption and atomic save."""
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(legend_x, 0.9),
        title=legend_title,
        alignment="left",
        frameon=False,
        fontsize=fontsize,
        title_fontsize=11,
    )
    _decorate(fig, [ax], title, format_caption(params, lang, crs), bool(params.get("synthetic")), lang)
    return _save(fig, path, dpi)


def _decorate(
    fig: Figure, axes: Sequence[Axes], title: str, caption: str, synthetic: bool, lang: str
) -> None:
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
        for spine in ax.spines.values():
            spine.set_edgecolor("#bdbdbd")
        add_scale_bar(ax)
        add_north_arrow(ax)
        if synthetic:
            ax.text(
                0.02,
                0.98,
                _text(lang)["synthetic"],
                transform=ax.transAxes,
                ha="left",
                va="top",
                fontsize=9,
                fontweight="bold",
                color="#b30000",
                bbox={"facecolor": "white", "edgecolor": "#b30000", "alpha": 0.9},
                zorder=23,
            )
    fig.text(0.015, 0.975, title, ha="left", va="top", fontsize=15, fontweight="bold")
    fig.text(0.015, 0.012, caption, ha="left", va="bottom", fontsize=8, color="#404040")


def _save(fig: Figure, path: str | os.PathLike[str], dpi: int) -> Path:
    FigureCanvasAgg(fig)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format="png", facecolor="white")
    return Path(path)


def polygonal(layer: gpd.GeoSeries) -> gpd.GeoSeries:
    """Keep only the polygon parts of each row of a polygon layer.

    ``make_valid`` on coarse boundaries leaves GeometryCollections and collapsed
    rings (LineStrings, Points); drawn as-is they would show up as stray lines
    and dots. Polygon and MultiPolygon rows and missing geometries are returned
    unchanged; other rows become the MultiPolygon of their polygon parts, or an
    empty Polygon when they have none (rows are never dropped).
    """
    geoms = layer.to_numpy()
    types = shapely.get_type_id(geoms)
    keep = (
        (types == shapely.GeometryType.POLYGON)
        | (types == shapely.GeometryType.MULTIPOLYGON)
        | (types == shapely.GeometryType.MISSING)
    )
    if keep.all():
        return layer
    out = geoms.copy()
    for i in np.flatnonzero(~keep):
        polygons = [
            p for p in shapely.get_parts(shapely.get_parts(geoms[i])) if p.geom_type == "Polygon"
        ]
        out[i] = shapely.MultiPolygon(polygons) if polygons else shapely.Polygon()
    return gpd.GeoSeries(out, index=layer.index, crs=layer.crs)


def _draw_boundaries(ax: Axes, boundaries: gpd.GeoSeries | None, linewidth: float = 0.5) -> None:
    if boundaries is not None and not boundaries.empty:
        polygonal(boundaries).boundary.plot(
            ax=ax, color=BOUNDARY_COLOUR, linewidth=linewidth, zorder=5
        )


def _draw_points(
    ax: Axes, points: gpd.GeoSeries | None, colour: str, marker: str, size: float, zorder: int
) -> None:
    if points is not None and not points.empty:
        pts = points[~points.is_empty]
        ax.scatter(
            pts.x,
            pts.y,
            s=size,
            marker=marker,
            c=colour,
            edgecolors="white" if marker == "*" else "none",
            linewidths=0.8,
            zorder=zorder,
        )


def _steunpunt_handle(label: str, colour: str = STEUNPUNT_COLOUR, size: float = 15) -> Line2D:
    return Line2D(
        [], [], marker="*", linestyle="none", markersize=size, markerfacecolor=colour,
        markeredgecolor="white", label=label,
    )  # fmt: skip


def as_points(obj: Any, crs: str, what: str, bare_crs: Any = None) -> gpd.GeoSeries | None:
    """Like :func:`as_geoseries` for point layers; None stays None; non-points raise."""
    if obj is None:
        return None
    layer = as_geoseries(obj, crs, what, bare_crs)
    bad = ~layer.is_empty & (layer.geom_type != "Point")
    if bad.any():
        first = layer.index[bad.to_numpy()][0]
        raise InputError(
            f"{what} must be points; row {first!r} is a {layer.geom_type[first]}: "
            "pass point locations (use .centroid or .representative_point() for areas)"
        )
    return layer


# ----------------------------------------------------------------- maps


def plot_isochrones(
    isochrones: gpd.GeoDataFrame,
    location: Any,
    stops: Any,
    boundaries: gpd.GeoDataFrame | None,
    title: str,
    caption_params: Mapping[str, Any] | None,
    path: str | os.PathLike[str],
    *,
    norm_minutes: float = DEFAULT_NORM,
    lang: str = "nl",
    dpi: int = DPI,
) -> Path:
    """Map the isochrone bands of one location (PNG).

    Parameters
    ----------
    isochrones : geopandas.GeoDataFrame
        Rows of :func:`accessibility.analysis.isochrones.isochrone_polygons` for a single
        ``location_id``: columns ``cutoff`` (minutes) and ``geometry``.
    location : shapely Point, GeoSeries or GeoDataFrame
        The steunpunt (a bare geometry is taken to be in the isochrones' CRS).
    stops : points or None
        Public-transport stops, drawn as small dots (bare shapely points are
        read in the isochrones' CRS, like ``location``).
    boundaries : geopandas.GeoDataFrame or None
        Buurt or gemeente polygons, drawn as thin grey lines.
    title : str
    caption_params : mapping or None
        See :func:`format_caption`; ``norm_minutes`` there also sets the norm.
    path : str or os.PathLike
        Output PNG (written atomically). Size: 11 x 8.5 inches at ``dpi``.
    norm_minutes : float
        Cutoffs up to the norm are green, larger ones orange.
    lang : {"nl", "en"}
    dpi : int

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
    text = _text(lang)
    require_columns(isochrones, ["cutoff"], "the isochrones")
    if "location_id" in isochrones.columns and isochrones["location_id"].nunique() > 1:
        ids = isochrones["location_id"].unique()
        raise InputError(
            f"plot_isochrones maps one location; got {len(ids)} ({', '.join(map(str, ids[:5]))}): "
            "select one with gdf[gdf.location_id == ...] or use plot_overview"
        )
    params = dict(caption_params or {})
    norm = float(params.get("norm_minutes", norm_minutes))
    crs = map_crs(isochrones, "the isochrones")
    iso = isochrones.to_crs(crs).sort_values("cutoff")
    location_layer = as_points(location, crs, "the location", isochrones.crs)
    stops_layer = as_points(stops, crs, "the stops", isochrones.crs)
    boundary_layer = (
        as_geoseries(boundaries, crs, "the boundaries") if boundaries is not None else None
    )

    fig = Figure(figsize=(11, 8.5))
    ax = fig.add_axes((0.015, 0.09, 0.66, 0.83))
    cutoffs = [float(c) for c in iso["cutoff"]]
    band_colours = cutoff_colours(cutoffs, norm)
    handles: list[Any] = []
    for geom, colour in reversed(list(zip(iso.geometry, band_colours, strict=True))):
        if not geom.is_empty:  # largest first, so the nested smaller bands lie on top
            gpd.GeoSeries([geom], crs=crs).plot(ax=ax, color=colour, edgecolor="none", zorder=2)
    for cutoff, geom, colour in zip(cutoffs, iso.geometry, band_colours, strict=True):
        area = format_number(geom.area / 1e6, lang, 1)
        label = f"{text['within'].format(m=_fmt_minutes(cutoff))} ({area} km²)"
        handles.append(Patch(facecolor=colour, edgecolor="none", label=label))
    _draw_boundaries(ax, boundary_layer)
    _draw_points(ax, stops_layer, "#252525", "o", 10, zorder=8)
    _draw_points(ax, location_layer, STEUNPUNT_COLOUR, "*", 420, zorder=10)
    if stops_layer is not None:
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markersize=3,
                color="#252525",
                label=text["stop"],
            )
        )
    handles.append(_steunpunt_handle(text["steunpunt"]))
    if boundary_layer is not None:
        handles.append(Line2D([], [], color=BOUNDARY_COLOUR, linewidth=0.8, label=text["boundary"]))

    extent_layers = [gpd.GeoSeries(list(iso.geometry), crs=crs), location_layer]
    _set_extent(ax, _union_bounds(*extent_layers))
    return _finish_single_map(fig, ax, handles, text["legend_from"], 0.69, 10, title,
                              params | {"norm_minutes": norm}, crs, lang, path, dpi)


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
    lang: str = "nl",
    dpi: int = DPI,
) -> Path:
    """Map the area within the norm of any location, with all locations (PNG).

    Parameters
    ----------
    isochrones : geopandas.GeoDataFrame
        Output of :func:`accessibility.analysis.isochrones.isochrone_polygons` for all
        locations; only the rows with ``cutoff == norm_minutes`` are drawn.
    locations : geopandas.GeoDataFrame
        Steunpunt points; labelled with ``name_column`` when it exists and there
        are at most 40 locations.
    boundaries : geopandas.GeoDataFrame or None
        Gemeente or buurt polygons (light grey fill, grey lines).
    title, caption_params, path, lang, dpi
        As for :func:`plot_isochrones`.
    norm_minutes : float

    Raises
    ------
    InputError
        When no isochrone has the norm as cutoff.
    """
    text = _text(lang)
    require_columns(isochrones, ["cutoff"], "the isochrones")
    params = dict(caption_params or {})
    norm = float(params.get("norm_minutes", norm_minutes))
    at_norm = isochrones[isochrones["cutoff"].astype(float) == norm]
    if at_norm.empty:
        have = ", ".join(_fmt_minutes(float(c)) for c in sorted(isochrones["cutoff"].unique()))
        raise InputError(
            f"no isochrone with cutoff {_fmt_minutes(norm)} min (have {have} min): "
            "compute it or pass another norm"
        )
    crs = map_crs(at_norm, "the isochrones")
    at_norm = at_norm.to_crs(crs)
    location_layer = as_points(locations, crs, "the locations", isochrones.crs)
    boundary_layer = (
        as_geoseries(boundaries, crs, "the boundaries") if boundaries is not None else None
    )

    fig = Figure(figsize=(11, 8.5))
    ax = fig.add_axes((0.015, 0.09, 0.66, 0.83))
    if boundary_layer is not None:
        boundary_layer.plot(ax=ax, color="#f0f0f0", edgecolor="none", zorder=1)
    covered = shapely.union_all(at_norm.geometry.to_numpy())
    green = cutoff_colours([norm], norm)[0]
    if not covered.is_empty:
        gpd.GeoSeries([covered], crs=crs).plot(
            ax=ax, color=green, alpha=0.75, edgecolor="none", zorder=2
        )
        at_norm.boundary.plot(ax=ax, color="#00441b", linewidth=0.4, alpha=0.7, zorder=3)
    _draw_boundaries(ax, boundary_layer)
    _draw_points(ax, location_layer, STEUNPUNT_COLOUR, "*", 260, zorder=10)
    if (
        name_column
        and location_layer is not None
        and name_column in locations.columns
        and len(locations) <= 40
    ):
        for point, name in zip(location_layer, locations[name_column], strict=True):
            if not point.is_empty:
                ax.annotate(
                    str(name), (point.x, point.y), xytext=(6, 6), textcoords="offset points",
                    fontsize=8, zorder=11,
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1},
                )  # fmt: skip
    area = format_number(covered.area / 1e6, lang, 1)
    handles: list[Any] = [
        Patch(
            facecolor=green,
            alpha=0.75,
            edgecolor="#00441b",
            label=f"{text['norm_area'].format(norm=_fmt_minutes(norm))}\n({area} km²)",
        ),
        _steunpunt_handle(text["steunpunt"]),
    ]
    if boundary_layer is not None:
        handles.append(
            Patch(
                facecolor="#f0f0f0",
                edgecolor=BOUNDARY_COLOUR,
                linewidth=0.8,
                label=text["boundary"],
            )
        )
    _set_extent(ax, _union_bounds(at_norm.geometry, location_layer, boundary_layer))
    return _finish_single_map(fig, ax, handles, text["legend_overview"], 0.69, 10, title,
                              params | {"norm_minutes": norm}, crs, lang, path, dpi)


def check_class_columns(
    buurten: gpd.GeoDataFrame,
    class_column: str,
    whitespot_column: str,
    labels: Sequence[str],
    what: str,
) -> None:
    """Check the class and white-spot columns of buurten before mapping them.

    Raises
    ------
    InputError
        Naming the first row with a class label not in ``labels`` (missing is
        allowed: "no data") or a white-spot flag that is not True/False.
    """
    require_columns(buurten, [class_column, whitespot_column], what)
    values = buurten[class_column]
    unknown = values.notna() & ~values.astype(object).isin(list(labels))
    if unknown.any():
        first = buurten.index[unknown.to_numpy()][0]
        raise InputError(
            f"{what}: row {first!r} has travel-time class {values[first]!r} in column "
            f"{class_column!r}; expected one of {', '.join(labels)} (see travel_time_classes)"
        )
    flags = buurten[whitespot_column]
    not_bool = ~flags.isin([True, False])
    if not_bool.any():
        first = buurten.index[not_bool.to_numpy()][0]
        raise InputError(
            f"{what}: row {first!r} has {whitespot_column}={flags[first]}; the white-spot "
            "column must hold True or False for every buurt"
        )


def _draw_classes(
    ax: Axes,
    buurten: gpd.GeoDataFrame,
    class_column: str,
    whitespot_column: str,
    palette: Mapping[str, str],
) -> None:
    facecolours = buurten[class_column].astype(object).map(palette).fillna(NO_DATA_COLOUR)
    polygons = polygonal(buurten.geometry)
    polygons.plot(ax=ax, color=list(facecolours), edgecolor="white", linewidth=0.3, zorder=2)
    white = polygons[buurten[whitespot_column].astype(bool).to_numpy()]
    if not white.empty:
        white.plot(
            ax=ax, facecolor="none", edgecolor="black", hatch="////", linewidth=0.9, zorder=4
        )


def _class_handles(
    buurten: pd.DataFrame,
    class_column: str,
    population_column: str | None,
    palette: Mapping[str, str],
    norm: float,
    lang: str,
    with_counts: bool,
) -> list[Any]:
    text = _text(lang)
    handles: list[Any] = []
    classes = buurten[class_column].astype(object)
    entries = [*palette.items(), (None, NO_DATA_COLOUR)]
    for label, colour in entries:
        in_class = classes.isna() if label is None else classes == label
        n = int(in_class.sum())
        if label is None and n == 0:
            continue
        name = text["no_data"] if label is None else class_legend_label(label, lang)
        if with_counts:
            extra = (
                text["n_buurt"] if n == 1 else text["n_buurten"].format(n=format_number(n, lang))
            )
            if population_column:
                pop = buurten.loc[in_class, population_column].sum(skipna=True)
                extra += ", " + text["inhabitants"].format(n=format_number(pop, lang))
            name = f"{name}\n({extra})"
        handles.append(Patch(facecolor=colour, edgecolor="white", label=name))
    handles.append(
        Patch(
            facecolor="white",
            edgecolor="black",
            hatch="////",
            label=text["whitespot"].format(norm=_fmt_minutes(norm)),
        )
    )
    return handles


def plot_whitespots(
    buurten: gpd.GeoDataFrame,
    steunpunten: Any,
    norm_minutes: float,
    title: str,
    caption_params: Mapping[str, Any] | None,
    path: str | os.PathLike[str],
    *,
    class_column: str = "reistijdklasse",
    whitespot_column: str = "witte_vlek",
    population_column: str | None = "aantal_inwoners",
    breaks: Sequence[float] = DEFAULT_BREAKS,
    boundaries: gpd.GeoDataFrame | None = None,
    lang: str = "nl",
    dpi: int = DPI,
) -> Path:
    """Map buurten by travel time to the nearest steunpunt, white spots hatched (PNG).

    Parameters
    ----------
    buurten : geopandas.GeoDataFrame
        Buurt polygons with a class column (labels of :func:`class_labels`,
        e.g. from :func:`travel_time_classes`; missing = "geen gegevens", drawn
        light grey and counted) and a boolean white-spot column.
    steunpunten : points or None
        Existing steunpunten (stars): GeoDataFrame, GeoSeries or shapely points
        (bare points are read in the CRS of ``buurten``).
    norm_minutes : float
        The norm; must be one of ``breaks``.
    title, caption_params, path, lang, dpi
        As for :func:`plot_isochrones`.
    class_column, whitespot_column : str
        Column names in ``buurten``.
    population_column : str or None
        When given and present, the legend shows inhabitants per class.
    breaks : sequence of float
        Class breaks in minutes.
    boundaries : geopandas.GeoDataFrame or None
        Extra boundaries (e.g. gemeenten) drawn as grey lines.

    Raises
    ------
    InputError
        On missing columns, unknown class labels, a white-spot flag that is not
        True/False, or a norm that is not a class break.
    """
    text = _text(lang)
    palette = class_colours(breaks, norm_minutes)
    check_class_columns(buurten, class_column, whitespot_column, list(palette), "the buurten")
    if population_column and population_column not in buurten.columns:
        population_column = None
    crs = map_crs(buurten, "the buurten")
    gdf = buurten.to_crs(crs)
    steunpunt_layer = as_points(steunpunten, crs, "the steunpunten", buurten.crs)
    boundary_layer = (
        as_geoseries(boundaries, crs, "the boundaries") if boundaries is not None else None
    )

    fig = Figure(figsize=(11, 8.5))
    ax = fig.add_axes((0.015, 0.09, 0.62, 0.83))
    _draw_classes(ax, gdf, class_column, whitespot_column, palette)
    _draw_boundaries(ax, boundary_layer, linewidth=0.9)
    _draw_points(ax, steunpunt_layer, STEUNPUNT_COLOUR, "*", 300, zorder=10)
    handles = _class_handles(
        gdf, class_column, population_column, palette, norm_minutes, lang, True
    )
    handles.append(_steunpunt_handle(text["steunpunt"]))
    if boundary_layer is not None:
        handles.append(Line2D([], [], color=BOUNDARY_COLOUR, linewidth=0.9, label=text["boundary"]))
    _set_extent(ax, _union_bounds(gdf.geometry))
    params = dict(caption_params or {}) | {"norm_minutes": norm_minutes}
    return _finish_single_map(fig, ax, handles, text["legend_to"], 0.65, 9.5, title, params,
                              crs, lang, path, dpi)


def _whitespot_totals(
    buurten: gpd.GeoDataFrame, whitespot_column: str, population_column: str | None
) -> tuple[int, float | None]:
    """Number of white-spot buurten and their inhabitants (None without population)."""
    flags = buurten[whitespot_column].astype(bool)
    pop = buurten.loc[flags, population_column].sum(skipna=True) if population_column else None
    return int(flags.sum()), pop


def _signed(value: float, lang: str) -> str:
    sign = "+" if value > 0 else "\u2212" if value < 0 else "\u00b1"
    return sign + format_number(abs(value), lang)


def _whitespot_summary(
    totals: tuple[int, float | None], lang: str, reference: tuple[int, float | None] | None = None
) -> str:
    """``"17 witte vlekken (−19), 32.947 inwoners (−35.325)"``; changes vs ``reference``."""
    text = _text(lang)
    n, pop = totals
    n_text = format_number(n, lang)
    pop_text = format_number(pop, lang) if pop is not None else ""
    if reference is not None:
        n_text += f" ({_signed(n - reference[0], lang)})"
        if pop is not None and reference[1] is not None:
            pop_text += f" ({_signed(pop - reference[1], lang)})"
    if pop is None:
        return text["summary_no_pop"].format(n=n_text)
    return text["summary"].format(n=n_text, p=pop_text)


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
    class_column: str = "reistijdklasse",
    whitespot_column: str = "witte_vlek",
    population_column: str | None = "aantal_inwoners",
    breaks: Sequence[float] = DEFAULT_BREAKS,
    lang: str = "nl",
    dpi: int = DPI,
) -> Path:
    """Two panels side by side: white spots now, and with a proposed location (PNG).

    Parameters
    ----------
    before, after : geopandas.GeoDataFrame
        The same buurten with class and white-spot columns without and with the
        candidate (as for :func:`plot_whitespots`). Each panel title says how
        many white spots (and inhabitants in them) there are.
    candidate : point
        The proposed location, drawn as a pink star in the right panel (a bare
        shapely point is read in the CRS of ``before``).
    steunpunten : points or None
        Existing steunpunten, drawn in both panels.
    norm_minutes, title, caption_params, path, class_column, whitespot_column,
    population_column, breaks, lang, dpi
        As for :func:`plot_whitespots`. Output size: 14 x 8.5 inches at ``dpi``.

    Raises
    ------
    InputError
        As for :func:`plot_whitespots`, or when ``before`` and ``after`` do not
        hold the same number of buurten.
    """
    text = _text(lang)
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
    left_gdf, right_gdf = before.to_crs(crs), after.to_crs(crs)
    steunpunt_layer = as_points(steunpunten, crs, "the steunpunten", before.crs)
    candidate_layer = as_points(candidate, crs, "the candidate location", before.crs)

    fig = Figure(figsize=(14, 8.5))
    axes = [fig.add_axes((0.01, 0.22, 0.485, 0.655)), fig.add_axes((0.505, 0.22, 0.485, 0.655))]
    bounds = _union_bounds(left_gdf.geometry, right_gdf.geometry)
    totals_before = _whitespot_totals(left_gdf, whitespot_column, population_column)
    totals_after = _whitespot_totals(right_gdf, whitespot_column, population_column)
    summaries = (
        _whitespot_summary(totals_before, lang),
        _whitespot_summary(totals_after, lang, reference=totals_before),
    )
    for ax, gdf, name, summary in zip(
        axes, (left_gdf, right_gdf), ("before", "after"), summaries, strict=True
    ):
        _draw_classes(ax, gdf, class_column, whitespot_column, palette)
        _draw_points(ax, steunpunt_layer, STEUNPUNT_COLOUR, "*", 260, zorder=10)
        ax.set_title(f"{text[name]}\n{summary}", fontsize=12, loc="left")
        _set_extent(ax, bounds)
    _draw_points(axes[1], candidate_layer, CANDIDATE_COLOUR, "*", 520, zorder=11)
    both = pd.concat([left_gdf[[class_column]], right_gdf[[class_column]]], ignore_index=True)
    handles = _class_handles(both, class_column, None, palette, norm_minutes, lang, False)
    handles += [
        _steunpunt_handle(text["steunpunt"]),
        _steunpunt_handle(text["candidate"], CANDIDATE_COLOUR, 19),
    ]
    fig.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.2),
        ncol=5,
        title=text["legend_to"].replace("\n", " "),
        frameon=False,
        fontsize=9.5,
        title_fontsize=11,
    )
    params = dict(caption_params or {}) | {"norm_minutes": norm_minutes}
    _decorate(
        fig, axes, title, format_caption(params, lang, crs), bool(params.get("synthetic")), lang
    )
    return _save(fig, path, dpi)
