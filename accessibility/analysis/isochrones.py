"""Isochrone polygons from travel-time surfaces on a :class:`~accessibility.analysis.grid.Grid`.

An isochrone for cutoff *c* is the union of the grid cells reachable within *c*
minutes. Cells are dissolved exactly (runs of cells per raster row become
rectangles, which are unioned), so

* the polygons follow what is really reachable: separate areas around distant
  stops become MultiPolygon parts, holes stay holes (no convex hulls);
* the polygon of a smaller cutoff lies inside that of a larger cutoff by
  construction (its cells are a subset);
* with no smoothing, the polygon area is exactly ``n_cells x cell area``;
* nothing reachable within a cutoff gives an empty polygon, not an error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from accessibility.analysis.grid import Grid
from accessibility.errors import InputError

#: Default isochrone cutoffs in minutes.
DEFAULT_CUTOFFS: tuple[float, ...] = (15, 30, 45, 60)


def _check_cutoffs(cutoffs: Sequence[float]) -> list[float]:
    values = list(cutoffs)
    if not values:
        raise InputError("no isochrone cutoffs given: pass e.g. cutoffs=(15, 30, 45, 60)")
    for value in values:
        if not (
            isinstance(value, int | float | np.integer | np.floating)
            and math.isfinite(value)
            and value > 0
        ):
            raise InputError(f"isochrone cutoff {value!r} is not a positive number of minutes")
    if len(set(values)) != len(values):
        raise InputError(f"isochrone cutoffs {values} contain duplicates: give each cutoff once")
    return sorted(float(v) for v in values)


def _check_times(grid: Grid, times_minutes: np.ndarray, location_ids: Sequence) -> np.ndarray:
    times = np.asarray(times_minutes, dtype=np.float64)
    if times.ndim == 1 and len(location_ids) == 1:
        times = times[np.newaxis, :]
    if times.ndim != 2 or times.shape[1] != grid.n_cells:
        raise InputError(
            f"travel times must have shape (n_locations, {grid.n_cells}) for this grid "
            f"({grid.n_cells} cells); got shape {times.shape}"
        )
    if times.shape[0] != len(location_ids):
        raise InputError(
            f"{len(location_ids)} location ids for {times.shape[0]} rows of travel times: "
            "give one id per row"
        )
    if len(set(location_ids)) != len(location_ids):
        raise InputError("location ids are not unique: give each location its own id")
    negative = np.argwhere(times < 0)
    if len(negative):
        row, cell = negative[0]
        raise InputError(
            f"{len(negative)} negative travel time(s), first {times[row, cell]} min for location "
            f"{location_ids[row]!r}, cell {cell}: travel times must be >= 0 (NaN = unreachable)"
        )
    return times


def cells_polygon(grid: Grid, raster_mask: np.ndarray) -> shapely.Geometry:
    """Dissolve the selected cells of a raster into one (Multi)Polygon.

    Parameters
    ----------
    grid : Grid
    raster_mask : numpy.ndarray of bool, shape (grid.n_rows, grid.n_cols)
        True for the cells to dissolve (row 0 = south).

    Returns
    -------
    shapely.Polygon or shapely.MultiPolygon
        In metres of ``grid.crs``; an empty Polygon when no cell is selected.
        Collinear vertices are removed.
    """
    padded = np.zeros((raster_mask.shape[0], raster_mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = raster_mask
    step = np.diff(padded, axis=1)
    rows, starts = np.nonzero(step == 1)
    _, ends = np.nonzero(step == -1)  # same rows, same order: runs never cross a row
    if len(rows) == 0:
        return shapely.Polygon()
    c, x0, y0 = grid.cell_m, grid.x0, grid.y0
    boxes = shapely.box(x0 + starts * c, y0 + rows * c, x0 + ends * c, y0 + (rows + 1) * c)
    return shapely.simplify(shapely.union_all(boxes), 0.0)


def _polygons_only(geom: shapely.Geometry) -> shapely.Geometry:
    """Drop the line and point parts an intersection can leave where boundaries touch."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polygons = [p for p in shapely.get_parts(shapely.get_parts(geom)) if p.geom_type == "Polygon"]
    return shapely.MultiPolygon(polygons) if polygons else shapely.Polygon()


def _smooth_nested(polygons: list[shapely.Geometry], smooth_m: float) -> list[shapely.Geometry]:
    """Close small gaps (buffer +d then -d), largest cutoff first, keeping nesting."""
    smoothed: list[shapely.Geometry] = [shapely.Polygon()] * len(polygons)
    outer: shapely.Geometry | None = None
    for i in range(len(polygons) - 1, -1, -1):
        geom = polygons[i]
        if not geom.is_empty:
            geom = geom.buffer(smooth_m, join_style="mitre").buffer(-smooth_m, join_style="mitre")
            if outer is not None:  # closing is monotone: this only trims rounding noise
                geom = _polygons_only(geom.intersection(outer))
        smoothed[i] = geom
        outer = geom
    return smoothed


def isochrone_polygons(
    grid: Grid,
    times_minutes: np.ndarray,
    location_ids: Sequence,
    cutoffs: Sequence[float] = DEFAULT_CUTOFFS,
    smooth_m: float = 0.0,
) -> gpd.GeoDataFrame:
    """Isochrone polygons per location and cutoff.

    Parameters
    ----------
    grid : Grid
        The grid the travel times were computed on.
    times_minutes : numpy.ndarray, shape (n_locations, grid.n_cells)
        Travel time in minutes from each location (row) to each masked cell, in
        the cell order of ``grid``; NaN or +inf = unreachable. A 1-D array is
        accepted for a single location.
    location_ids : sequence, length n_locations
        Unique identifiers of the locations, in row order.
    cutoffs : sequence of float
        Cutoffs in minutes (> 0, no duplicates; any order).
    smooth_m : float
        0 (default) keeps the exact cell outlines. A positive value closes gaps
        and notches narrower than ``2 * smooth_m`` metres (buffer +d then -d,
        mitred joins so square corners stay square),
        then clips each polygon to the smoothed polygon of the next larger cutoff
        so nesting still holds. Smoothing adds area that is not reachable; keep
        it below the cell size.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per location and cutoff (locations in input order, cutoffs
        ascending) with columns ``location_id``, ``cutoff`` (minutes),
        ``n_cells``, ``area_km2`` (area of the geometry in km²) and
        ``geometry`` (Polygon or MultiPolygon, empty when nothing is reachable
        within the cutoff), in ``grid.crs``. Use :func:`to_wgs84` for GeoJSON.

    Raises
    ------
    InputError
        On a shape mismatch, duplicate ids, negative times or invalid cutoffs.
    """
    levels = _check_cutoffs(cutoffs)
    times = _check_times(grid, times_minutes, location_ids)
    if not (math.isfinite(smooth_m) and smooth_m >= 0):
        raise InputError(f"smooth_m must be a non-negative number of metres; got {smooth_m!r}")

    records: dict[str, list] = {"location_id": [], "cutoff": [], "n_cells": [], "geometry": []}
    raster_mask = np.zeros((grid.n_rows, grid.n_cols), dtype=bool)
    for location_id, row in zip(location_ids, times, strict=True):
        polygons = []
        for level in levels:
            within = row <= level  # NaN compares False: unreachable cells stay out
            raster_mask[grid.mask] = within
            polygons.append(cells_polygon(grid, raster_mask))
            records["location_id"].append(location_id)
            records["cutoff"].append(level)
            records["n_cells"].append(int(within.sum()))
        if smooth_m > 0:
            polygons = _smooth_nested(polygons, smooth_m)
        records["geometry"].extend(polygons)

    gdf = gpd.GeoDataFrame(records, geometry="geometry", crs=grid.crs)
    gdf.insert(3, "area_km2", shapely.area(gdf.geometry.values) / 1e6)
    return gdf


def isochrone_areas(
    grid: Grid,
    times_minutes: np.ndarray,
    location_ids: Sequence,
    cutoffs: Sequence[float] = DEFAULT_CUTOFFS,
) -> pd.DataFrame:
    """Area reachable per location and cutoff, from cell counts (no polygons needed).

    Parameters
    ----------
    grid, times_minutes, location_ids, cutoffs
        As for :func:`isochrone_polygons`.

    Returns
    -------
    pandas.DataFrame
        Columns ``location_id``, ``cutoff`` (minutes), ``n_cells`` and
        ``area_km2`` (``n_cells x`` cell area); the same rows as
        :func:`isochrone_polygons` and, without smoothing, the same areas.
    """
    levels = _check_cutoffs(cutoffs)
    times = _check_times(grid, times_minutes, location_ids)
    counts = np.empty((times.shape[0], len(levels)), dtype=np.int64)
    for j, level in enumerate(levels):  # one level at a time: no (n_loc, n_levels, n_cells) array
        counts[:, j] = (times <= level).sum(axis=1)
    return pd.DataFrame(
        {
            "location_id": np.repeat(np.asarray(location_ids, dtype=object), len(levels)),
            "cutoff": np.tile(np.asarray(levels), len(location_ids)),
            "n_cells": counts.ravel(),
            "area_km2": counts.ravel() * grid.cell_area_km2,
        }
    )
