"""Snapping points to the nearest location on the nearest street segment."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from accessibility.errors import InputError, SnapError
from accessibility.geo import check_wgs84, project_wgs84
from accessibility.streets.graph import StreetNetwork


@dataclass(frozen=True)
class SnapResult:
    """Where points meet the walking network (one entry per point).

    Attributes
    ----------
    node_a, node_b : numpy.ndarray of int32, shape (n_points,)
        Node indices of the end points of the street segment each point snaps to.
    dist_a_m, dist_b_m : numpy.ndarray of float64, shape (n_points,)
        Distance in metres along the segment from the snapped location to
        ``node_a`` / ``node_b`` (they add up to the segment length).
    offset_m : numpy.ndarray of float64, shape (n_points,)
        Straight-line distance in metres from the point to its snapped location.
    ok : numpy.ndarray of bool, shape (n_points,)
        ``offset_m <= max_distance_m``. Points that are not ok are still
        snapped (to the nearest segment) but should be reported, see
        :func:`require_snapped`.
    max_distance_m : float
        The snap distance used for ``ok``, in metres.
    """

    node_a: np.ndarray
    node_b: np.ndarray
    dist_a_m: np.ndarray
    dist_b_m: np.ndarray
    offset_m: np.ndarray
    ok: np.ndarray
    max_distance_m: float

    @property
    def n_points(self) -> int:
        """Number of points."""
        return len(self.node_a)


def snap_points(
    net: StreetNetwork, lat: np.ndarray, lon: np.ndarray, max_distance_m: float
) -> SnapResult:
    """Snap WGS84 points to the nearest location on the nearest street segment.

    Parameters
    ----------
    net : StreetNetwork
    lat, lon : array-like of float, shape (n_points,)
        WGS84 coordinates in degrees.
    max_distance_m : float
        Snap distance in metres: points with a larger offset get ``ok=False``
        (they are still snapped to their nearest segment, never dropped).

    Returns
    -------
    SnapResult
        The nearest segment is found exactly (shapely STRtree on the segments in
        the network's metric CRS). The position along the segment is measured
        in the metric CRS and scaled to the segment's haversine length, so
        ``dist_a_m + dist_b_m`` equals the segment length.
    """
    import shapely

    lat_a = np.atleast_1d(np.asarray(lat, dtype=np.float64))
    lon_a = np.atleast_1d(np.asarray(lon, dtype=np.float64))
    if lat_a.ndim != 1 or lat_a.shape != lon_a.shape:
        raise InputError(
            f"lat and lon must be 1-D arrays of the same length; got shapes {lat_a.shape} "
            f"and {lon_a.shape}"
        )
    if not (math.isfinite(max_distance_m) and max_distance_m >= 0):
        raise InputError(f"max_distance_m must be a finite number >= 0, got {max_distance_m!r}")
    check_wgs84(lat_a, lon_a, "points to snap")
    n = len(lat_a)
    if n == 0:
        empty_i = np.empty(0, dtype=np.int32)
        empty_f = np.empty(0, dtype=np.float64)
        return SnapResult(
            empty_i, empty_i, empty_f, empty_f, empty_f, np.empty(0, dtype=bool), max_distance_m
        )
    seg_a, seg_b, seg_len, lines, tree = net.segment_index
    if len(seg_a) == 0:
        raise InputError(
            f"the walking network has {net.n_nodes} nodes but no street segments; "
            "points cannot be snapped to it. Build it from an extract with walkable ways."
        )
    px, py = project_wgs84(lat_a, lon_a, net.crs)
    points = shapely.points(px, py)
    (pt_idx, seg_idx), dist = tree.query_nearest(points, return_distance=True, all_matches=False)
    seg = np.empty(n, dtype=np.int64)
    offset = np.empty(n, dtype=np.float64)
    seg[pt_idx] = seg_idx
    offset[pt_idx] = dist
    frac = shapely.line_locate_point(lines[seg], points, normalized=True)
    frac = np.nan_to_num(frac, nan=0.0)  # zero-length segment: both ends coincide
    along = frac * seg_len[seg]
    return SnapResult(
        node_a=seg_a[seg].astype(np.int32),
        node_b=seg_b[seg].astype(np.int32),
        dist_a_m=along,
        dist_b_m=seg_len[seg] - along,
        offset_m=offset,
        ok=offset <= max_distance_m,
        max_distance_m=float(max_distance_m),
    )


def require_snapped(snap: SnapResult, ids: Sequence[object], what: str) -> None:
    """Raise :class:`SnapError` when some points lie too far from the network.

    Parameters
    ----------
    snap : SnapResult
    ids : sequence, length n_points
        Identifiers of the points, used in the message.
    what : str
        What the points are, in plural (``"stops"``, ``"grid cells"``).

    Raises
    ------
    SnapError
        Listing up to 10 ids with their offsets, the snap distance and what to do.
    """
    if len(ids) != snap.n_points:
        raise InputError(f"require_snapped: {len(ids)} ids for {snap.n_points} snapped {what}")
    bad = np.flatnonzero(~snap.ok)
    if len(bad) == 0:
        return
    shown = ", ".join(f"{ids[i]} ({snap.offset_m[i]:.0f} m)" for i in bad[:10])
    more = f" and {len(bad) - 10} more" if len(bad) > 10 else ""
    raise SnapError(
        f"{len(bad)} of {snap.n_points} {what} lie farther than {snap.max_distance_m:g} m "
        f"from the walking network: {shown}{more}. Raise the maximum snap distance or fix "
        f"the coordinates of these {what} (or use an OSM extract that covers them)."
    )


def subset_snap(snap: SnapResult, index: np.ndarray) -> SnapResult:
    """The snap results of the points ``index`` (an integer array), in that order."""
    return dataclasses.replace(
        snap,
        node_a=snap.node_a[index],
        node_b=snap.node_b[index],
        dist_a_m=snap.dist_a_m[index],
        dist_b_m=snap.dist_b_m[index],
        offset_m=snap.offset_m[index],
        ok=snap.ok[index],
    )


def concat_snaps(first: SnapResult, second: SnapResult) -> SnapResult:
    """Two SnapResults (of the same network) as one, ``first`` then ``second``."""
    return dataclasses.replace(
        first,
        **{
            name: np.concatenate([getattr(first, name), getattr(second, name)])
            for name in ("node_a", "node_b", "dist_a_m", "dist_b_m", "offset_m", "ok")
        },
    )
