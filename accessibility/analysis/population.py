"""Population points: each buurt's inhabitants spread over a regular grid.

The grid is global (cell centres at ``(i + 0.5) x cell_size`` metres in the
metric CRS), so the same cell has the same centre in every run. A buurt gets
the cells whose centre lies inside it. Optionally only cells with a street
node within ``max_street_distance_m`` keep people (nobody lives in a lake or a
field without roads); a buurt left with no cell gets one point at its
representative point instead. Each buurt's population and age groups are
spread equally over its points, so per-buurt totals are preserved.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from scipy.spatial import cKDTree

from accessibility.analysis.buurten import AGE_COLUMNS
from accessibility.errors import InputError
from accessibility.notices import Notice, list_codes

log = logging.getLogger(__name__)

POINT_COLUMNS: tuple[str, ...] = (
    "point_id",
    "buurtcode",
    "gemeentecode",
    "population",
    *AGE_COLUMNS,
    "placement",
    "lat",
    "lon",
)
"""Columns of the output, besides ``geometry``."""


@dataclass
class PopulationPoints:
    """Population points and what was left out.

    Attributes
    ----------
    gdf : geopandas.GeoDataFrame
        :data:`POINT_COLUMNS` + geometry (points, metric CRS). ``population``
        and age columns are persons (float). ``placement`` is ``"grid"`` or
        ``"representative_point"``.
    warnings : list of str
        Buurten without population or geometry, cells dropped for lack of streets.
    n_buurten_without_population : int
        Buurten left out because their population is missing.
    """

    gdf: gpd.GeoDataFrame
    warnings: list[str] = field(default_factory=list)
    n_buurten_without_population: int = 0


def _grid_candidates(
    bounds: np.ndarray, cell: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cell centres inside each bounding box: (owner index, x, y), vectorised."""
    ix0 = np.floor(bounds[:, 0] / cell - 0.5).astype(np.int64) + 1
    ix1 = np.floor(bounds[:, 2] / cell - 0.5).astype(np.int64)
    iy0 = np.floor(bounds[:, 1] / cell - 0.5).astype(np.int64) + 1
    iy1 = np.floor(bounds[:, 3] / cell - 0.5).astype(np.int64)
    nx = np.maximum(ix1 - ix0 + 1, 0)
    ny = np.maximum(iy1 - iy0 + 1, 0)
    counts = nx * ny
    owner = np.repeat(np.arange(len(bounds)), counts)
    start = np.repeat(np.cumsum(counts) - counts, counts)
    local = np.arange(counts.sum()) - start
    x = (ix0[owner] + local % nx[owner] + 0.5) * cell
    y = (iy0[owner] + local // nx[owner] + 0.5) * cell
    return owner, x, y


def population_points(
    buurten: gpd.GeoDataFrame,
    cell_size_m: float = 200.0,
    street_x: np.ndarray | None = None,
    street_y: np.ndarray | None = None,
    max_street_distance_m: float = 300.0,
    population_column: str = "aantal_inwoners",
) -> PopulationPoints:
    """Spread each buurt's population over grid points inside it.

    Parameters
    ----------
    buurten : geopandas.GeoDataFrame
        Buurt polygons in a metric CRS with ``buurtcode``, ``gemeentecode``
        and ``population_column`` (persons; NaN = missing); age columns
        :data:`~accessibility.analysis.buurten.AGE_COLUMNS` are spread too
        when present.
    cell_size_m : float
        Grid cell size in metres (100-200 m is typical).
    street_x, street_y : numpy.ndarray, optional
        Street node coordinates in metres, in the buurten CRS. When given,
        cells farther than ``max_street_distance_m`` from every node get no
        people.
    max_street_distance_m : float
        Distance from a cell centre to the nearest street node, in metres.
    population_column : str
        Column with the buurt population.

    Returns
    -------
    PopulationPoints
        Buurten with missing population or geometry, or with 0 inhabitants,
        get no points and are counted in the warnings.

    Raises
    ------
    InputError
        Non-metric CRS, missing columns, bad cell size, or street arrays of
        different lengths.
    """
    if buurten.crs is None or not buurten.crs.is_projected:
        raise InputError(
            f"buurten CRS {buurten.crs} is not metric; reproject first (e.g. to_crs('EPSG:28992'))"
        )
    for col in ("buurtcode", "gemeentecode", population_column):
        if col not in buurten.columns:
            raise InputError(f"buurten: missing column {col!r} needed for population points")
    if not np.isfinite(cell_size_m) or cell_size_m <= 0:
        raise InputError(f"cell size {cell_size_m!r} m must be a positive number of metres")
    if (street_x is None) != (street_y is None):
        raise InputError("give both street_x and street_y, or neither")

    warnings: list[str] = []
    population = pd.to_numeric(buurten[population_column], errors="coerce").to_numpy(float)
    geoms = buurten.geometry.to_numpy()
    no_geom = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    no_pop = np.isnan(population)
    zero = ~no_pop & (population == 0)
    if no_pop.any():
        codes = buurten["buurtcode"].to_numpy()[no_pop]
        warnings.append(Notice("population.no_population", n=int(no_pop.sum()),
                               codes=list_codes(codes)))
    if (no_geom & ~no_pop).any():
        codes = buurten["buurtcode"].to_numpy()[no_geom & ~no_pop]
        lost = population[no_geom & ~no_pop].sum()
        warnings.append(Notice("population.no_geometry", n=len(codes), lost=f"{lost:.0f}",
                               codes=list_codes(codes)))
    if zero.any():
        warnings.append(Notice("population.zero_inhabitants", n=int(zero.sum())))
    keep = np.flatnonzero(~no_pop & ~no_geom & ~zero)
    geoms = geoms[keep]
    shapely.prepare(geoms)

    owner, x, y = _grid_candidates(shapely.bounds(geoms), float(cell_size_m))
    inside = shapely.contains_xy(geoms[owner], x, y)
    owner, x, y = owner[inside], x[inside], y[inside]
    if street_x is not None:
        sx = np.asarray(street_x, dtype=float)
        sy = np.asarray(street_y, dtype=float)
        if sx.shape != sy.shape or sx.ndim != 1:
            raise InputError(
                f"street_x and street_y must be 1-D arrays of equal length "
                f"(got {sx.shape} and {sy.shape})"
            )
        if len(sx) == 0:
            raise InputError("street_x/street_y are empty; give the street network's nodes")
        dist, _ = cKDTree(np.column_stack([sx, sy])).query(
            np.column_stack([x, y]), distance_upper_bound=max_street_distance_m
        )
        near = np.isfinite(dist)
        if (~near).any():
            warnings.append(Notice("population.far_from_street", n=int((~near).sum()),
                                   distance=f"{max_street_distance_m:g}"))
        owner, x, y = owner[near], x[near], y[near]

    n_cells = np.bincount(owner, minlength=len(keep))
    empty = np.flatnonzero(n_cells == 0)
    if len(empty):
        rep = shapely.point_on_surface(geoms[empty])
        owner = np.concatenate([owner, empty])
        x = np.concatenate([x, shapely.get_x(rep)])
        y = np.concatenate([y, shapely.get_y(rep)])
        warnings.append(Notice("population.representative_point", n=len(empty)))
    placement = np.where(np.arange(len(owner)) < len(owner) - len(empty), "grid", "representative_point")
    order = np.lexsort((x, y, owner))
    owner, x, y, placement = owner[order], x[order], y[order], placement[order]
    n_points = np.bincount(owner, minlength=len(keep)).astype(float)

    rows = buurten.iloc[keep]
    data: dict[str, object] = {
        "point_id": np.arange(len(owner), dtype=np.int64),
        "buurtcode": rows["buurtcode"].to_numpy()[owner],
        "gemeentecode": rows["gemeentecode"].to_numpy()[owner],
        "population": (population[keep] / n_points)[owner],
    }
    for col in AGE_COLUMNS:
        values = (
            pd.to_numeric(rows[col], errors="coerce").to_numpy(float)
            if col in rows.columns
            else np.full(len(keep), np.nan)
        )
        data[col] = (values / n_points)[owner]
    data["placement"] = placement
    lon, lat = Transformer.from_crs(buurten.crs, "EPSG:4326", always_xy=True).transform(x, y)
    data["lat"] = lat
    data["lon"] = lon
    gdf = gpd.GeoDataFrame(data, geometry=shapely.points(x, y), crs=buurten.crs)
    for message in warnings:
        log.warning(message)
    return PopulationPoints(gdf, warnings, int(no_pop.sum()))
