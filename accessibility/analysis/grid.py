"""Regular square grids over a study area, in a metric CRS.

A :class:`Grid` is the raster on which travel-time surfaces and isochrones are
computed: routing gives one travel time per *masked* cell (the cells whose
centre lies in the study area), and :meth:`Grid.to_raster` puts such a 1-D
array back on the 2-D raster.

Raster convention: row 0 is the *southern* row and column 0 the *western*
column, so cell ``(row, col)`` covers
``[x0 + col * cell_m, x0 + (col + 1) * cell_m] x [y0 + row * cell_m, y0 + (row + 1) * cell_m]``
(plot with ``imshow(..., origin="lower")``). Masked cells are numbered in
row-major order of that raster.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import shapely
from pyproj import CRS, Transformer

from accessibility.errors import InputError

#: Refuse grids with more cells than this (memory of a float64 raster: 400 MB).
MAX_CELLS = 50_000_000


@dataclass(frozen=True)
class Grid:
    """A square-cell raster with a mask of the cells that belong to the study area.

    Attributes
    ----------
    x0, y0 : float
        Western and southern edge of the raster, in metres of ``crs``.
    cell_m : float
        Cell size (side length) in metres.
    n_rows, n_cols : int
        Raster shape; row 0 is the southern row.
    crs : str
        The metric CRS of the coordinates, e.g. ``"EPSG:28992"``.
    mask : numpy.ndarray of bool, shape (n_rows, n_cols)
        True for the cells whose centre lies in the study area; per-cell value
        arrays follow the row-major order of these cells.
    """

    x0: float
    y0: float
    cell_m: float
    n_rows: int
    n_cols: int
    crs: str
    mask: np.ndarray

    def __post_init__(self) -> None:
        if self.mask.shape != (self.n_rows, self.n_cols) or self.mask.dtype != bool:
            raise InputError(
                f"grid mask must be a boolean array of shape ({self.n_rows}, {self.n_cols}); "
                f"got {self.mask.dtype} {self.mask.shape}"
            )

    @cached_property
    def n_cells(self) -> int:
        """Number of masked (study-area) cells."""
        return int(self.mask.sum())

    @property
    def cell_area_km2(self) -> float:
        """Area of one cell in km²."""
        return self.cell_m * self.cell_m / 1e6

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """Raster extent ``(xmin, ymin, xmax, ymax)`` in metres."""
        return (
            self.x0,
            self.y0,
            self.x0 + self.n_cols * self.cell_m,
            self.y0 + self.n_rows * self.cell_m,
        )

    @cached_property
    def cell_rows_cols(self) -> tuple[np.ndarray, np.ndarray]:
        """Row and column index of every masked cell, each of shape (n_cells,)."""
        rows, cols = np.nonzero(self.mask)
        return rows, cols

    def centres_xy(self) -> tuple[np.ndarray, np.ndarray]:
        """Cell-centre coordinates of the masked cells.

        Returns
        -------
        x, y : numpy.ndarray of float64, shape (n_cells,)
            Metres in :attr:`crs`.
        """
        rows, cols = self.cell_rows_cols
        return self.x0 + (cols + 0.5) * self.cell_m, self.y0 + (rows + 0.5) * self.cell_m

    def centres_lonlat(self) -> tuple[np.ndarray, np.ndarray]:
        """Cell-centre coordinates of the masked cells in WGS84.

        Returns
        -------
        lon, lat : numpy.ndarray of float64, shape (n_cells,)
            Degrees (EPSG:4326), longitude first.
        """
        x, y = self.centres_xy()
        transformer = Transformer.from_crs(self.crs, "EPSG:4326", always_xy=True)
        lon, lat = transformer.transform(x, y)
        return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)

    def cell_index(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Position in per-cell arrays of the masked cell that contains each point.

        Parameters
        ----------
        x, y : array-like of float, same shape
            Point coordinates in metres of :attr:`crs`.

        Returns
        -------
        numpy.ndarray of int64, same shape as ``x``
            Index into arrays ordered like :meth:`centres_xy`; -1 for points
            outside the raster, in a cell outside the study area, or not finite.
            A point on a cell edge belongs to the cell east / north of it.
        """
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            col = np.floor((x - self.x0) / self.cell_m)
            row = np.floor((y - self.y0) / self.cell_m)
        inside = (col >= 0) & (col < self.n_cols) & (row >= 0) & (row < self.n_rows)
        positions = np.full(self.mask.shape, -1, dtype=np.int64)
        positions[self.mask] = np.arange(self.n_cells)
        out = np.full(x.shape, -1, dtype=np.int64)
        out[inside] = positions[row[inside].astype(np.int64), col[inside].astype(np.int64)]
        return out

    def to_raster(self, values: np.ndarray, fill: float = np.nan) -> np.ndarray:
        """Put per-cell values back on the 2-D raster.

        Parameters
        ----------
        values : numpy.ndarray, shape (n_cells,)
            One value per masked cell, in the order of :meth:`centres_xy`.
        fill : float
            Value of the cells outside the study area.

        Returns
        -------
        numpy.ndarray of float64, shape (n_rows, n_cols)
            Row 0 is the southern row.

        Raises
        ------
        InputError
            When ``values`` does not hold exactly one value per masked cell.
        """
        values = np.asarray(values)
        if values.shape != (self.n_cells,):
            raise InputError(
                f"expected one value per grid cell, shape ({self.n_cells},); got shape "
                f"{values.shape}: pass the travel times of this grid's cells"
            )
        raster = np.full((self.n_rows, self.n_cols), fill, dtype=np.float64)
        raster[self.mask] = values
        return raster


def make_grid(
    area: shapely.Geometry | tuple[float, float, float, float],
    cell_m: float,
    crs: str,
) -> Grid:
    """Cover a study area with square cells.

    The raster is aligned to multiples of ``cell_m`` (so grids of the same cell
    size line up across runs and regions) and spans the bounds of ``area``; a
    cell belongs to the study area when its centre lies in ``area`` (boundary
    included).

    Parameters
    ----------
    area : shapely geometry or tuple of 4 floats
        The study area, or its bounds ``(xmin, ymin, xmax, ymax)``, in metres of
        ``crs``.
    cell_m : float
        Cell size in metres (> 0).
    crs : str
        A projected (metric) CRS, e.g. ``"EPSG:28992"``; see
        :func:`local_metric_crs`.

    Returns
    -------
    Grid

    Raises
    ------
    InputError
        When ``crs`` is geographic or unknown, ``cell_m`` is not a positive
        number, the area is empty or invalid bounds, no cell centre lies in the
        area, or the grid would exceed :data:`MAX_CELLS` cells.
    """
    try:
        crs_obj = CRS.from_user_input(crs)
    except Exception as exc:  # pyproj raises CRSError, a plain Exception subclass
        raise InputError(f"unknown CRS {crs!r}: use an EPSG code such as 'EPSG:28992'") from exc
    if not crs_obj.is_projected:
        raise InputError(
            f"grid CRS {crs!r} is not a projected (metric) CRS: project the area first, "
            "e.g. to EPSG:28992 in the Netherlands (see local_metric_crs)"
        )
    if not (isinstance(cell_m, int | float) and math.isfinite(cell_m) and cell_m > 0):
        raise InputError(f"cell size must be a positive number of metres; got {cell_m!r}")

    if isinstance(area, shapely.Geometry):
        if area.is_empty:
            raise InputError("the study area geometry is empty: nothing to cover with a grid")
        geom = area
    else:
        if len(area) != 4:
            raise InputError(
                f"area bounds must be (xmin, ymin, xmax, ymax) in metres; got {area!r}"
            )
        xmin, ymin, xmax, ymax = (float(v) for v in area)
        if not (xmin < xmax and ymin < ymax):
            raise InputError(
                f"area bounds {area!r} are not (xmin, ymin, xmax, ymax) with xmin < xmax "
                "and ymin < ymax"
            )
        geom = shapely.box(xmin, ymin, xmax, ymax)

    xmin, ymin, xmax, ymax = shapely.bounds(geom)
    x0 = math.floor(xmin / cell_m) * cell_m
    y0 = math.floor(ymin / cell_m) * cell_m
    n_cols = max(1, math.ceil((xmax - x0) / cell_m))
    n_rows = max(1, math.ceil((ymax - y0) / cell_m))
    if n_rows * n_cols > MAX_CELLS:
        raise InputError(
            f"a {cell_m} m grid over this area has {n_rows} x {n_cols} cells, more than "
            f"{MAX_CELLS}: use a larger cell size or a smaller area"
        )

    shapely.prepare(geom)
    cx = x0 + (np.arange(n_cols) + 0.5) * cell_m
    cy = y0 + (np.arange(n_rows) + 0.5) * cell_m
    xx, yy = np.meshgrid(cx, cy)
    mask = shapely.intersects_xy(geom, xx, yy)
    if not mask.any():
        raise InputError(
            f"no {cell_m} m cell centre lies inside the study area (bounds "
            f"{tuple(round(v, 1) for v in (xmin, ymin, xmax, ymax))}): use a smaller cell size"
        )
    return Grid(
        x0=float(x0),
        y0=float(y0),
        cell_m=float(cell_m),
        n_rows=n_rows,
        n_cols=n_cols,
        crs=crs,
        mask=np.asarray(mask, dtype=bool),
    )
