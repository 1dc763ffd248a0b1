"""The walking parts of a trip, for every engine: access, egress, transfer, walk only.

r5py names the legs of a trip ``access_leg``, ``transfer_leg``, ``egress_leg``
and ``transit_leg``; this module computes the first three (and walk-only
trips) from the street network, in seconds at the request's walking speed.
Both engines take their legs from here, and the limits come from the
:class:`~accessibility.routing.request.TravelRequest` only, so the matrix and
the nearest-facility search cannot drift apart.

* **access**: origin to the stops within ``request.access_limit_m``;
* **egress**: stop to the destinations within ``request.egress_limit_m``;
* **walk only**: origin to destination within ``request.walk_only_limit_m``;
  points at identical coordinates are 0 m apart;
* **transfer**: stop to stop within the network's transfer distance,
  combined with ``transfers.txt``.

Requests that cycle (``BICYCLE`` in ``transport_modes`` or ``access_modes``)
add bike legs from :mod:`accessibility.routing.bike_legs`: the direct trip
and the access leg take the faster of walking and cycling per pair (or the
cycled one alone when ``WALK`` is not among the modes of that leg).

Walking seconds are ``floor(metres / speed + 0.5)`` (rounded half up).
"""

from __future__ import annotations

import dataclasses
import logging

import numpy as np
import scipy.sparse as sp

from accessibility.gtfs import Timetable
from accessibility.routing.bike_legs import (
    bike_costs,
    bike_seconds,
    bike_to_stops,
    parking_stops,
    snap_bike,
)
from accessibility.routing.network import TransportNetwork
from accessibility.routing.request import TravelRequest
from accessibility.streets import (
    SnapResult,
    bike_point_to_point,
    concat_snaps,
    point_to_point_distances,
    snap_points,
    subset_snap,
)

log = logging.getLogger(__name__)

#: Same-stop transfer time meaning "changing vehicles here is forbidden"
#: (``transfers.txt`` type 3 from a stop to itself): longer than any trip, so
#: neither engine ever boards after it.
FORBIDDEN_TRANSFER_S = 2**30


def walk_seconds(metres: np.ndarray, speed_walking_kmh: float) -> np.ndarray:
    """Walking times in whole seconds (rounded half up), int32.

    Parameters
    ----------
    metres : array of float
        Distances along the street network (m).
    speed_walking_kmh : float
        Walking speed (km/h).
    """
    speed_mps = speed_walking_kmh / 3.6
    return np.floor(np.asarray(metres, dtype=np.float64) / speed_mps + 0.5).astype(np.int32)


def csr_seconds(matrix: sp.csr_array | sp.csr_matrix) -> tuple[np.ndarray, ...]:
    """A CSR matrix of seconds as the ``(ptr, column, seconds)`` kernel tuple.

    Stored entries count, including explicit zeros (a point on a stop).
    """
    m = sp.csr_array(matrix)
    m.sort_indices()
    return (
        np.ascontiguousarray(m.indptr, dtype=np.int64),
        np.ascontiguousarray(m.indices, dtype=np.int32),
        np.ascontiguousarray(m.data, dtype=np.int32),
    )


def walk_seconds_csr(matrix: sp.csr_array, speed_walking_kmh: float) -> tuple[np.ndarray, ...]:
    """A CSR matrix of metres as the ``(ptr, column, seconds)`` kernel tuple."""
    m = sp.csr_array(matrix)
    m.sort_indices()
    return (
        np.ascontiguousarray(m.indptr, dtype=np.int64),
        np.ascontiguousarray(m.indices, dtype=np.int32),
        walk_seconds(m.data, speed_walking_kmh),
    )


def empty_csr(n_rows: int) -> tuple[np.ndarray, ...]:
    """A kernel CSR tuple with ``n_rows`` empty rows."""
    return (
        np.zeros(n_rows + 1, dtype=np.int64),
        np.empty(0, dtype=np.int32),
        np.empty(0, dtype=np.int32),
    )


def min_csr(
    rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, shape: tuple[int, int]
) -> sp.csr_array:
    """CSR keeping the smallest value of duplicate (row, col) entries and explicit zeros."""
    order = np.lexsort((vals, cols, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    rows, cols, vals = rows[first], cols[first], vals[first]
    ptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.add.at(ptr, rows + 1, 1)
    return sp.csr_array((vals, cols.astype(np.int32), np.cumsum(ptr)), shape=shape)


# ---------------------------------------------------------------------------
# transfers


def transfer_legs(
    network: TransportNetwork, timetable: Timetable, speed_walking_kmh: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Transfer times between stops: street walks combined with ``transfers.txt``.

    Rule: a stop pair with both a street walk and a ``transfers.txt`` minimum
    takes the larger of the two; a pair with only one of them takes that one
    (so a ``transfers.txt`` row also links stops farther apart than the
    transfer distance limit, or stops that could not be snapped). Staying at the
    same stop takes its ``transfers.txt`` minimum for ``(s, s)``, else 0 s. A
    pair that ``transfers.txt`` forbids (``transfer_type`` 3) gets no transfer,
    even where the streets give a walk; forbidding ``(s, s)`` sets the same-stop
    time to :data:`FORBIDDEN_TRANSFER_S`. The 60 s board slack applies on top of
    every transfer.

    Parameters
    ----------
    network : TransportNetwork
        Its street walks between stops (``transfer_ptr / transfer_to / transfer_m``).
    timetable : Timetable
        Its ``transfer_ptr / transfer_to / transfer_seconds`` (``transfers.txt``).
    speed_walking_kmh : float

    Returns
    -------
    ptr : int64 array, shape (n_stops + 1,)
    to : int32 array
    seconds : int32 array
        Transfers between different stops as CSR rows.
    self_seconds : int32 array, shape (n_stops,)
        Minimum time to re-board at the same stop (:data:`FORBIDDEN_TRANSFER_S`
        where that is forbidden).
    """
    return combine_transfers(
        timetable.n_stops, network.transfer_ptr, network.transfer_to, network.transfer_m,
        speed_walking_kmh, timetable,
    )  # fmt: skip


def combine_transfers(
    n_stops: int,
    walk_ptr: np.ndarray,
    walk_to: np.ndarray,
    walk_m: np.ndarray,
    speed_walking_kmh: float,
    timetable: Timetable,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`transfer_legs` from explicit street walks (CSR rows, metres)."""
    walk_from = np.repeat(np.arange(n_stops, dtype=np.int64), np.diff(walk_ptr))
    walk_sec = walk_seconds(walk_m, speed_walking_kmh).astype(np.int64)
    gtfs_from = np.repeat(np.arange(n_stops, dtype=np.int64), np.diff(timetable.transfer_ptr))
    gtfs_to = np.asarray(timetable.transfer_to, dtype=np.int64)
    gtfs_sec = np.asarray(timetable.transfer_seconds, dtype=np.int64)
    same = gtfs_from == gtfs_to
    self_seconds = np.zeros(n_stops, dtype=np.int64)
    np.maximum.at(self_seconds, gtfs_from[same], gtfs_sec[same])
    banned = np.asarray(timetable.forbidden_transfers, dtype=np.int64).reshape(-1, 2)
    self_banned = banned[:, 0] == banned[:, 1]
    self_seconds[banned[self_banned, 0]] = FORBIDDEN_TRANSFER_S
    keep_walk = walk_from != np.asarray(walk_to, dtype=np.int64)
    if len(banned):
        keep_walk &= ~np.isin(walk_from * n_stops + np.asarray(walk_to, dtype=np.int64),
                              banned[~self_banned, 0] * n_stops + banned[~self_banned, 1])
    frm = np.concatenate([walk_from[keep_walk], gtfs_from[~same]])
    to = np.concatenate([np.asarray(walk_to, dtype=np.int64)[keep_walk], gtfs_to[~same]])
    sec = np.concatenate([walk_sec[keep_walk], gtfs_sec[~same]])
    # Larger time per pair: sort by (from, to, -seconds) and keep the first of each pair.
    order = np.lexsort((-sec, to, frm))
    frm, to, sec = frm[order], to[order], sec[order]
    first = np.ones(len(frm), dtype=bool)
    first[1:] = (frm[1:] != frm[:-1]) | (to[1:] != to[:-1])
    frm, to, sec = frm[first], to[first], sec[first]
    ptr = np.zeros(n_stops + 1, dtype=np.int64)
    np.add.at(ptr, frm + 1, 1)
    return (
        np.cumsum(ptr),
        to.astype(np.int32),
        sec.astype(np.int32),
        self_seconds.astype(np.int32),
    )


# ---------------------------------------------------------------------------
# access and egress of a point set


@dataclasses.dataclass(frozen=True)
class PointLinks:
    """Points snapped to the streets, with their walks to the stops within reach.

    Attributes
    ----------
    snap : SnapResult
    lat, lon : numpy.ndarray of float64
        WGS84 coordinates of the points (degrees); walk-only legs between
        points at identical coordinates are 0 m.
    stop_ptr, stop_index : numpy.ndarray
        CSR rows per point: the stops within the walking limit (int64, int32).
    stop_seconds : numpy.ndarray of int64
        Time to each of those stops (seconds): walking, or the faster of
        walking and cycling for a request with bike access.
    bike_snap : SnapResult, optional
        The points snapped to the bicycle network (requests that cycle only).
    """

    snap: SnapResult
    lat: np.ndarray
    lon: np.ndarray
    stop_ptr: np.ndarray
    stop_index: np.ndarray
    stop_seconds: np.ndarray
    bike_snap: SnapResult | None = None

    @property
    def n_points(self) -> int:
        """Number of points."""
        return len(self.stop_ptr) - 1

    def subset(self, index: np.ndarray) -> PointLinks:
        """The links of the points ``index`` (an integer array), in that order."""
        index = np.asarray(index, dtype=np.int64)
        stops = sp.csr_matrix(
            (self.stop_seconds, self.stop_index, self.stop_ptr),
            shape=(self.n_points, int(self.stop_index.max(initial=-1)) + 1),
        )[index]
        return PointLinks(
            subset_snap(self.snap, index), self.lat[index], self.lon[index],
            stops.indptr.astype(np.int64), stops.indices.astype(np.int32),
            stops.data.astype(np.int64),
            None if self.bike_snap is None else subset_snap(self.bike_snap, index),
        )  # fmt: skip


def link_points(
    network: TransportNetwork,
    lat: np.ndarray,
    lon: np.ndarray,
    request: TravelRequest,
    leg: str = "access",
) -> PointLinks:
    """Snap points to the streets and find the stops within walking reach.

    Parameters
    ----------
    network : TransportNetwork
    lat, lon : numpy.ndarray of float
        WGS84 coordinates in degrees.
    request : TravelRequest
        Snap distance, walking speed and limits.
    leg : {"access", "egress"}
        Origins get their access walks (``request.access_limit_m``),
        destinations their egress walks (``request.egress_limit_m``).

    Returns
    -------
    PointLinks
        Points that do not snap get no walks (and are unreachable).
    """
    if leg not in ("access", "egress"):
        raise ValueError(f"leg must be 'access' or 'egress', got {leg!r}")
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    snap = snap_points(network.streets, lat, lon, request.snap_distance_m)
    limit = request.access_limit_m if leg == "access" else request.egress_limit_m
    if request.transit_modes:
        dist = sp.csr_array(network.point_stop_distances(snap, limit))
    else:
        dist = sp.csr_array((snap.n_points, network.n_stops))
    dist.sort_indices()
    if (~snap.ok).any():
        log.info("%d of %d points lie farther than %.0f m from a street and are not routed",
                 int((~snap.ok).sum()), len(snap.ok), request.snap_distance_m)
    if not request.uses_bicycle:
        return PointLinks(
            snap, lat, lon, dist.indptr.astype(np.int64), dist.indices.astype(np.int32),
            walk_seconds(dist.data, request.speed_walking).astype(np.int64),
        )  # fmt: skip
    bike_snap = snap_bike(network, lat, lon, request)
    walk = sp.coo_array(dist)
    parts = [(walk.row, walk.col, walk_seconds(walk.data, request.speed_walking))
             ] if request.walk_access or leg == "egress" else []
    if leg == "access" and request.bike_access:
        bike = sp.coo_array(bike_to_stops(network, bike_snap, request))
        parts.append((bike.row, bike.col, bike_seconds(bike.data, request.cycling_kmh)))
    stops = _min_parts(parts, (snap.n_points, network.n_stops))
    return PointLinks(snap, lat, lon, stops.indptr.astype(np.int64),
                      stops.indices.astype(np.int32), stops.data.astype(np.int64), bike_snap)


def _min_parts(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
               shape: tuple[int, int]) -> sp.csr_array:
    """:func:`min_csr` of several ``(rows, cols, values)`` parts (none: an empty matrix)."""
    if not parts:
        return sp.csr_array(shape, dtype=np.int64)
    rows, cols, vals = (np.concatenate([np.asarray(p[i]) for p in parts]) for i in range(3))
    return min_csr(rows.astype(np.int64), cols.astype(np.int64), vals.astype(np.int64), shape)


def direct_seconds(
    network: TransportNetwork, origins: PointLinks, destinations: PointLinks,
    request: TravelRequest,
) -> sp.csr_array:
    """Street-only trips origin -> destination in seconds, CSR (n_origins, n_destinations).

    Walking within ``request.walk_only_limit_m`` (when the request walks
    directly) and cycling within ``request.bike_limit_m`` (``BICYCLE`` in
    ``transport_modes``), the faster per pair; linked points at identical
    coordinates are 0 s apart. Explicit zeros are kept.
    """
    shape = (origins.n_points, destinations.n_points)
    parts = []
    if request.walk_direct:
        walk = sp.coo_array(walk_only_metres(network, origins, destinations,
                                             request.walk_only_limit_m))
        parts.append((walk.row, walk.col, walk_seconds(walk.data, request.speed_walking)))
    if request.bike_direct:
        if origins.bike_snap is None or destinations.bike_snap is None:
            raise ValueError("direct_seconds: link the points with a request that cycles")
        bike = sp.coo_array(bike_costs(network, origins.bike_snap, destinations.bike_snap,
                                       request))
        parts.append((bike.row, bike.col, bike_seconds(bike.data, request.cycling_kmh)))
        i, j = identical_pairs(origins.lat, origins.lon, destinations.lat, destinations.lon)
        here = origins.bike_snap.ok[i] & destinations.bike_snap.ok[j]
        parts.append((i[here], j[here], np.zeros(int(here.sum()), dtype=np.int64)))
    return _min_parts(parts, shape)


def egress_seconds(network: TransportNetwork, destinations: SnapResult, key: tuple,
                   request: TravelRequest) -> tuple[np.ndarray, ...]:
    """Walking seconds stop -> destination (CSR arrays) for a request, memoised per network.

    ``key`` identifies the destinations (their coordinates and snap distance);
    without transit there is no egress (an empty CSR).
    """
    if not request.transit_modes:
        return empty_csr(network.n_stops)
    metres = network.memo(("egress", *key, request.egress_limit_m),
                          lambda: egress_metres(network, destinations, request.egress_limit_m))
    return walk_seconds_csr(metres, request.speed_walking)


def egress_metres(
    network: TransportNetwork,
    destinations: SnapResult,
    max_m: float,
) -> sp.csr_array:
    """Walking distances stop -> destination as CSR (n_stops, n_destinations), metres.

    Walking is symmetric, so the street searches start from whichever side
    has fewer points: the destinations (a few steunpunten) or the stops (an
    isochrone grid of 10^5 cells). Unlinked stops and destinations get no
    entries.
    """
    stop_linked = np.flatnonzero(network.stop_snap.ok)
    d_linked = np.flatnonzero(destinations.ok)
    if len(d_linked) <= len(stop_linked):
        return sp.csr_array(network.point_stop_distances(destinations, max_m).T)
    dist = sp.coo_array(
        point_to_point_distances(
            network.streets,
            subset_snap(network.stop_snap, stop_linked),
            subset_snap(destinations, d_linked),
            max_m,
        )
    )
    return min_csr(
        stop_linked[dist.row], d_linked[dist.col], dist.data,
        (network.n_stops, destinations.n_points),
    )  # fmt: skip


# ---------------------------------------------------------------------------
# walk-only trips


def identical_pairs(
    lat_a: np.ndarray, lon_a: np.ndarray, lat_b: np.ndarray, lon_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j) where point ``i`` of a and point ``j`` of b share coordinates."""
    import pandas as pd

    left = pd.DataFrame({"lat": lat_a, "lon": lon_a, "i": np.arange(len(lat_a))})
    right = pd.DataFrame({"lat": lat_b, "lon": lon_b, "j": np.arange(len(lat_b))})
    pairs = left.merge(right, on=["lat", "lon"])
    return pairs["i"].to_numpy(np.int64), pairs["j"].to_numpy(np.int64)


def walk_only_metres(
    network: TransportNetwork, origins: PointLinks, destinations: PointLinks, max_m: float
) -> sp.csr_array:
    """Walk-only distances origin -> destination (m), CSR (n_origins, n_destinations).

    Linked points at identical coordinates are 0 m apart (a street path would
    count both snap offsets); unlinked points get no entries.
    """
    o_linked = np.flatnonzero(origins.snap.ok)
    d_linked = np.flatnonzero(destinations.snap.ok)
    dist = sp.coo_array(
        point_to_point_distances(
            network.streets, subset_snap(origins.snap, o_linked),
            subset_snap(destinations.snap, d_linked), max_m,
        )
    )  # fmt: skip
    i, j = identical_pairs(origins.lat, origins.lon, destinations.lat, destinations.lon)
    here = origins.snap.ok[i] & destinations.snap.ok[j]
    return min_csr(
        np.concatenate([o_linked[dist.row], i[here]]),
        np.concatenate([d_linked[dist.col], j[here]]),
        np.concatenate([dist.data, np.zeros(int(here.sum()))]),
        (origins.n_points, destinations.n_points),
    )


# ---------------------------------------------------------------------------
# one street search per origin for both legs (the matrix engine)


@dataclasses.dataclass(frozen=True)
class LegTargets:
    """What the street search from each origin must reach: linked stops, then destinations."""

    snap: SnapResult
    stop_linked: np.ndarray
    dest_linked: np.ndarray
    n_stops: int
    n_dest: int
    same_origin: np.ndarray
    same_dest: np.ndarray


def leg_targets(
    network: TransportNetwork, o_lat: np.ndarray, o_lon: np.ndarray,
    destinations: SnapResult, d_lat: np.ndarray, d_lon: np.ndarray, with_stops: bool,
) -> LegTargets:
    """The targets of :func:`origin_legs`: the linked stops (when routing transit) and destinations."""
    d_linked = np.flatnonzero(destinations.ok)
    stop_linked = np.flatnonzero(network.stop_snap.ok) if with_stops else np.empty(0, np.int64)
    same_i, same_j = identical_pairs(o_lat, o_lon, d_lat, d_lon)
    return LegTargets(
        snap=concat_snaps(subset_snap(network.stop_snap, stop_linked),
                          subset_snap(destinations, d_linked)),
        stop_linked=stop_linked,
        dest_linked=d_linked,
        n_stops=network.n_stops,
        n_dest=destinations.n_points,
        same_origin=same_i,
        same_dest=same_j,
    )  # fmt: skip


def origin_legs(
    network: TransportNetwork,
    request: TravelRequest,
    o_snap: SnapResult,
    d_snap: SnapResult,
    lo: int,
    hi: int,
    targets: LegTargets,
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Access (origin -> stops) and walk-only (origin -> destinations) legs of origins lo..hi-1.

    One street search per origin reaches both the stops and the destinations,
    within ``request.access_limit_m`` (equal to ``walk_only_limit_m``). Linked
    points at identical coordinates are 0 m apart.

    Returns
    -------
    access, walk : tuple of numpy.ndarray
        Kernel CSR tuples in seconds, rows ``0 .. hi-lo-1``.
    """
    o_sub = subset_snap(o_snap, np.arange(lo, hi))
    o_linked = np.flatnonzero(o_sub.ok)
    dist = sp.coo_array(
        point_to_point_distances(
            network.streets, subset_snap(o_sub, o_linked), targets.snap, request.access_limit_m
        )
    )
    n_ts = len(targets.stop_linked)
    is_stop = dist.col < n_ts
    rows = o_linked[dist.row]
    access = min_csr(
        rows[is_stop], targets.stop_linked[dist.col[is_stop]], dist.data[is_stop],
        (hi - lo, targets.n_stops),
    )  # fmt: skip
    i, j = targets.same_origin, targets.same_dest
    here = (i >= lo) & (i < hi) & o_snap.ok[i] & d_snap.ok[j]
    walk = min_csr(
        np.concatenate([rows[~is_stop], i[here] - lo]),
        np.concatenate([targets.dest_linked[dist.col[~is_stop] - n_ts], j[here]]),
        np.concatenate([dist.data[~is_stop], np.zeros(int(here.sum()))]),
        (hi - lo, targets.n_dest),
    )
    return (
        walk_seconds_csr(access, request.speed_walking),
        walk_seconds_csr(walk, request.speed_walking),
    )


# ---------------------------------------------------------------------------
# the cycled legs of the matrix engine


@dataclasses.dataclass(frozen=True)
class BikeTargets:
    """What the bike search from each origin must reach: parking stops, then destinations."""

    snap: SnapResult
    stops: np.ndarray
    dest_linked: np.ndarray
    dest_ok: np.ndarray


def bike_leg_targets(network: TransportNetwork, request: TravelRequest,
                     d_bike: SnapResult) -> BikeTargets:
    """The targets of :func:`add_bike_legs` (parking stops only with bike access)."""
    stops = parking_stops(network, request) if request.bike_access else np.empty(0, np.int64)
    d_linked = np.flatnonzero(d_bike.ok) if request.bike_direct else np.empty(0, np.int64)
    return BikeTargets(
        concat_snaps(subset_snap(network.bike_stop_snap, stops), subset_snap(d_bike, d_linked)),
        stops, d_linked, d_bike.ok)


def add_bike_legs(
    network: TransportNetwork,
    request: TravelRequest,
    o_bike: SnapResult,
    lo: int,
    hi: int,
    targets: BikeTargets,
    walk_targets: LegTargets,
    legs: tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]],
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """The access and direct legs of :func:`origin_legs` with the cycled legs of origins lo..hi-1.

    One bike search per origin reaches the parking stops and the destinations
    within ``request.bike_limit_m``. Per pair the faster of the walked leg
    (when walking is a mode of that leg) and the cycled one is kept.
    """
    o_sub = subset_snap(o_bike, np.arange(lo, hi))
    o_linked = np.flatnonzero(o_sub.ok)
    cost = sp.coo_array(bike_point_to_point(
        network.bicycle, subset_snap(o_sub, o_linked), targets.snap, request.bike_limit_m,
        request.dismount_factor))
    rows = o_linked[cost.row]
    sec = bike_seconds(cost.data, request.cycling_kmh)
    n_ts = len(targets.stops)
    is_stop = cost.col < n_ts
    access, walk = legs
    access_parts = [_kernel_coo(access)] if request.walk_access else []
    access_parts.append((rows[is_stop], targets.stops[cost.col[is_stop]], sec[is_stop]))
    walk_parts = [_kernel_coo(walk)] if request.walk_direct else []
    if request.bike_direct:
        i, j = walk_targets.same_origin, walk_targets.same_dest
        here = (i >= lo) & (i < hi) & o_bike.ok[i] & targets.dest_ok[j]
        walk_parts += [(rows[~is_stop], targets.dest_linked[cost.col[~is_stop] - n_ts],
                        sec[~is_stop]),
                       (i[here] - lo, j[here], np.zeros(int(here.sum()), dtype=np.int64))]
    return (
        csr_seconds(_min_parts(access_parts, (hi - lo, network.n_stops))),
        csr_seconds(_min_parts(walk_parts, (hi - lo, walk_targets.n_dest))),
    )


def _kernel_coo(legs: tuple[np.ndarray, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A kernel CSR tuple ``(ptr, column, seconds)`` as ``(rows, cols, seconds)``."""
    ptr, cols, vals = legs
    return np.repeat(np.arange(len(ptr) - 1, dtype=np.int64), np.diff(ptr)), cols, vals
