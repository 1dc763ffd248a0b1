"""Origins and destinations: checked GeoDataFrames reduced to ids and WGS84 coordinates."""

from __future__ import annotations

import dataclasses
import hashlib

import numpy as np
import pandas as pd

from accessibility.errors import InputError


@dataclasses.dataclass(frozen=True)
class Points:
    """Origins or destinations reduced to ids and WGS84 coordinates."""

    ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


def as_points(frame, what: str) -> Points:
    """Check a GeoDataFrame of points and return its ids and WGS84 coordinates.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        A unique ``id`` column and point geometries in any CRS.
    what : str
        ``"origins"`` or ``"destinations"``, for messages.

    Raises
    ------
    InputError
        Not a GeoDataFrame, no ``id`` column, duplicate or missing ids, no CRS,
        empty or non-point geometries.
    """
    import geopandas as gpd

    if not isinstance(frame, gpd.GeoDataFrame):
        raise InputError(
            f"{what} must be a GeoDataFrame with an 'id' column and point geometries, "
            f"got {type(frame).__name__}"
        )
    if "id" not in frame.columns:
        raise InputError(f"{what} have no 'id' column; columns are {list(frame.columns)}")
    ids = frame["id"]
    if ids.isna().any():
        rows = list(np.flatnonzero(ids.isna().to_numpy())[:5])
        raise InputError(f"{what}: missing id in row(s) {rows}; give every point an id")
    dup = ids[ids.duplicated()].unique()
    if len(dup):
        raise InputError(
            f"{what}: duplicate id(s) {list(dup[:5])}; ids must be unique (r5py requires it too)"
        )
    if frame.crs is None:
        raise InputError(
            f"{what} have no CRS; set one, e.g. gdf.set_crs('EPSG:4326') for degrees"
        )
    geom = frame.geometry
    bad = geom.isna() | geom.is_empty | (geom.geom_type != "Point")
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"{what}: {int(bad.sum())} geometries are not points (first: id {ids.iloc[first]!r}, "
            f"{geom.iloc[first].geom_type if geom.iloc[first] is not None else 'missing'}); "
            "use points, e.g. gdf.geometry.centroid (in a metric CRS) for polygons"
        )
    wgs = geom.to_crs("EPSG:4326")
    return Points(ids=ids.to_numpy(), lat=wgs.y.to_numpy(), lon=wgs.x.to_numpy())


def coordinates_key(points: Points) -> str:
    """A hash of the points' coordinates (for caching tables derived from them)."""
    digest = hashlib.sha256(np.ascontiguousarray(points.lat, dtype=np.float64).tobytes())
    digest.update(np.ascontiguousarray(points.lon, dtype=np.float64).tobytes())
    return digest.hexdigest()


def identical_points(a: Points, b: Points) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j) where ``a[i]`` and ``b[j]`` have the same coordinates."""
    left = pd.DataFrame({"lat": a.lat, "lon": a.lon, "i": np.arange(len(a))})
    right = pd.DataFrame({"lat": b.lat, "lon": b.lon, "j": np.arange(len(b))})
    pairs = left.merge(right, on=["lat", "lon"])
    return pairs["i"].to_numpy(np.int64), pairs["j"].to_numpy(np.int64)
