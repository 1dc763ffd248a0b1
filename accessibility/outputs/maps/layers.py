"""Checking and shaping the layers a map draws: CRS, points, polygons, population cells."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from accessibility.errors import InputError
from accessibility.geo import local_metric_crs


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


def names_of(obj: Any, column: str | None) -> list[str] | None:
    """The values of ``column`` as text when ``obj`` is a GeoDataFrame that has it."""
    if column and isinstance(obj, gpd.GeoDataFrame) and column in obj.columns:
        return [str(v) for v in obj[column]]
    return None


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


def union_bounds(*layers: gpd.GeoSeries | None) -> np.ndarray:
    """``[minx, miny, maxx, maxy]`` of the non-empty geometries of all layers.

    Raises
    ------
    InputError
        When every layer is empty or None.
    """
    boxes = [
        layer[~layer.is_empty].total_bounds
        for layer in layers
        if layer is not None and not layer[~layer.is_empty].empty
    ]
    if not boxes:
        raise InputError("all map layers are empty: nothing to draw")
    stacked = np.vstack(boxes)
    return np.array([*stacked[:, :2].min(axis=0), *stacked[:, 2:].max(axis=0)])


def population_cells(
    points: gpd.GeoDataFrame, cell_size_m: float, crs: str, what: str = "the population points",
    value: str = "travel_time_min",
) -> gpd.GeoDataFrame:
    """Square cells of ``cell_size_m`` around inhabited population points.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Population points (one per grid cell, e.g.
        :func:`accessibility.analysis.population.population_points`) with a
        ``population`` column (persons) and ``travel_time_min`` (minutes, NaN =
        unreachable), or the column named by ``value``.
    cell_size_m : float
        The grid cell size in metres.
    crs : str
        Metric CRS of the map.
    value : str
        The column the cells carry (the travel time, or a measure of the
        point such as its buurt's number of days with access).

    Returns
    -------
    geopandas.GeoDataFrame
        Only the cells with people (``population > 0``), columns ``population``
        and ``value``, square polygons in ``crs``.

    Raises
    ------
    InputError
        On missing columns, a non-positive cell size or negative population.
    """
    require_columns(points, ["population", value], what)
    if not (np.isfinite(cell_size_m) and cell_size_m > 0):
        raise InputError(f"cell size {cell_size_m!r} m must be a positive number of metres")
    population = pd.to_numeric(points["population"], errors="coerce").to_numpy(float)
    if (population < 0).any() or np.isnan(population).any():
        raise InputError(f"{what}: population must be >= 0 and not missing")
    inhabited = points[population > 0]
    centres = as_points(inhabited, crs, what)
    half = cell_size_m / 2
    x, y = centres.x.to_numpy(), centres.y.to_numpy()
    squares = shapely.box(x - half, y - half, x + half, y + half)
    values = pd.to_numeric(inhabited[value], errors="coerce").replace(np.inf, np.nan)
    return gpd.GeoDataFrame(
        {"population": population[population > 0], value: values.to_numpy(float)},
        geometry=squares, crs=crs,
    )


def persons_per_dot(total: float, max_dots: int = 5000) -> float:
    """The smallest 1, 2 or 5 x 10^k persons per dot that keeps the map under ``max_dots``."""
    need = max(float(total) / max_dots, 1.0)
    base = 10.0 ** np.floor(np.log10(need))
    return float(min(m * base for m in (1, 2, 5, 10) if m * base >= need))


def population_dots(cells: gpd.GeoDataFrame, cell_size_m: float, per_dot: float,
                    seed: int = 12, value: str = "travel_time_min") -> gpd.GeoDataFrame:
    """Dot-density points: one dot per ``per_dot`` inhabitants, scattered in their cell.

    A cell with 37 inhabitants at 10 per dot gets 3 dots and, with
    probability 0.7, a fourth: the expected number of dots is exact, and the
    fixed ``seed`` gives the same map on every run.

    Parameters
    ----------
    cells : geopandas.GeoDataFrame
        From :func:`population_cells` (square cells with ``population`` and
        ``travel_time_min``).
    cell_size_m : float
        Cell size in metres (dots stay inside their cell).
    per_dot : float
        Inhabitants per dot (> 0).
    seed : int
    value : str
        The cell column the dots carry.

    Returns
    -------
    geopandas.GeoDataFrame
        Points with the ``value`` of their cell.
    """
    if not per_dot > 0:
        raise InputError(f"persons per dot must be positive; got {per_dot!r}")
    rng = np.random.default_rng(seed)
    expected = cells["population"].to_numpy(float) / per_dot
    counts = np.floor(expected).astype(np.int64)
    counts += rng.random(len(counts)) < (expected - counts)
    centres = cells.geometry.centroid
    owner = np.repeat(np.arange(len(cells)), counts)
    offsets = (rng.random((len(owner), 2)) - 0.5) * cell_size_m * 0.9
    x = centres.x.to_numpy()[owner] + offsets[:, 0]
    y = centres.y.to_numpy()[owner] + offsets[:, 1]
    return gpd.GeoDataFrame({value: cells[value].to_numpy()[owner]},
                            geometry=gpd.points_from_xy(x, y), crs=cells.crs)
