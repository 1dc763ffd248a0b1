"""Travel-time matrices: origins x destinations over a departure window.

The public entry points are :class:`TravelTimeMatrix` (r5py's shape: a pandas
DataFrame ``from_id, to_id, travel_time``) and :func:`travel_time_arrays`
(raw numpy arrays for large destination sets such as isochrone grids).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import logging
import time
from collections.abc import Callable, Sequence

import numba
import numpy as np
import pandas as pd
import scipy.sparse as sp

from accessibility import raptor
from accessibility.errors import InputError
from accessibility.network import TransportNetwork, subset_snap
from accessibility.streets import SnapResult
from accessibility.timetable import Timetable

log = logging.getLogger(__name__)


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


def combine_transfers(
    n_stops: int,
    walk_ptr: np.ndarray,
    walk_to: np.ndarray,
    walk_m: np.ndarray,
    speed_walking_kmh: float,
    timetable: Timetable,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Transfer times between stops: street walks combined with ``transfers.txt``.

    Rule: a stop pair with both a street walk and a ``transfers.txt`` minimum
    takes the larger of the two; a pair with only one of them takes that one
    (so a ``transfers.txt`` row also links stops farther apart than the
    transfer distance limit, or stops that could not be snapped). Staying at the
    same stop takes its ``transfers.txt`` minimum for ``(s, s)``, else 0 s. The
    60 s board slack applies on top of every transfer.

    Parameters
    ----------
    n_stops : int
    walk_ptr, walk_to, walk_m : numpy.ndarray
        Street-network walks between different stops as CSR rows (metres).
    speed_walking_kmh : float
    timetable : Timetable
        Its ``transfer_ptr / transfer_to / transfer_seconds`` (``transfers.txt``).

    Returns
    -------
    ptr : int64 array, shape (n_stops + 1,)
    to : int32 array
    seconds : int32 array
        Transfers between different stops as CSR rows.
    self_seconds : int32 array, shape (n_stops,)
        Minimum time to re-board at the same stop.
    """
    walk_from = np.repeat(np.arange(n_stops, dtype=np.int64), np.diff(walk_ptr))
    walk_sec = walk_seconds(walk_m, speed_walking_kmh).astype(np.int64)
    gtfs_from = np.repeat(np.arange(n_stops, dtype=np.int64), np.diff(timetable.transfer_ptr))
    gtfs_to = np.asarray(timetable.transfer_to, dtype=np.int64)
    gtfs_sec = np.asarray(timetable.transfer_seconds, dtype=np.int64)
    same = gtfs_from == gtfs_to
    self_seconds = np.zeros(n_stops, dtype=np.int64)
    np.maximum.at(self_seconds, gtfs_from[same], gtfs_sec[same])
    keep_walk = walk_from != np.asarray(walk_to, dtype=np.int64)
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


def kernel_network(
    timetable: Timetable,
    transfers: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    pattern_mask: np.ndarray | None = None,
) -> tuple[np.ndarray, ...]:
    """The ``net`` tuple the RAPTOR kernels take.

    Parameters
    ----------
    timetable : Timetable
    transfers : tuple
        The result of :func:`combine_transfers`.
    pattern_mask : bool array, shape (n_patterns,), optional
        Patterns that may be used (all by default); used to restrict transit modes.
    """
    sp_ptr, sp_pattern, sp_pos = raptor.stop_pattern_index(
        np.ascontiguousarray(timetable.pattern_stop_ptr, dtype=np.int64),
        np.ascontiguousarray(timetable.pattern_stops, dtype=np.int32),
        timetable.n_stops,
    )
    if pattern_mask is not None:
        keep = np.asarray(pattern_mask, dtype=bool)[sp_pattern]
        counts = np.bincount(
            np.repeat(np.arange(timetable.n_stops), np.diff(sp_ptr))[keep],
            minlength=timetable.n_stops,
        )
        sp_ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        sp_pattern, sp_pos = sp_pattern[keep], sp_pos[keep]
    t_ptr, t_to, t_sec, self_sec = transfers
    return (
        np.ascontiguousarray(timetable.pattern_stop_ptr, dtype=np.int64),
        np.ascontiguousarray(timetable.pattern_stops, dtype=np.int32),
        np.ascontiguousarray(timetable.pattern_trip_ptr, dtype=np.int64),
        np.ascontiguousarray(timetable.trip_time_ptr, dtype=np.int64),
        np.ascontiguousarray(timetable.arrival, dtype=np.int32),
        np.ascontiguousarray(timetable.departure, dtype=np.int32),
        sp_ptr,
        sp_pattern,
        sp_pos,
        np.ascontiguousarray(t_ptr, dtype=np.int64),
        np.ascontiguousarray(t_to, dtype=np.int32),
        np.ascontiguousarray(t_sec, dtype=np.int32),
        np.ascontiguousarray(self_sec, dtype=np.int32),
    )


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


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


class TransportMode(enum.StrEnum):
    """Transport modes, named as r5py's ``TransportMode``."""

    TRANSIT = "TRANSIT"
    BUS = "BUS"
    TRAM = "TRAM"
    SUBWAY = "SUBWAY"
    RAIL = "RAIL"
    FERRY = "FERRY"
    CABLE_CAR = "CABLE_CAR"
    GONDOLA = "GONDOLA"
    FUNICULAR = "FUNICULAR"
    WALK = "WALK"
    BICYCLE = "BICYCLE"
    CAR = "CAR"


_TRANSIT_MODES = {
    TransportMode.TRANSIT, TransportMode.BUS, TransportMode.TRAM, TransportMode.SUBWAY,
    TransportMode.RAIL, TransportMode.FERRY, TransportMode.CABLE_CAR, TransportMode.GONDOLA,
    TransportMode.FUNICULAR,
}  # fmt: skip


def as_mode(mode: TransportMode | str) -> TransportMode:
    """A :class:`TransportMode` from itself or its name (any case)."""
    try:
        return TransportMode(mode.upper() if isinstance(mode, str) else mode)
    except ValueError:
        raise InputError(
            f"unknown transport mode {mode!r}; use one of {[x.value for x in TransportMode]}"
        ) from None


def route_type_mode(route_type: int) -> TransportMode:
    """The transit mode of a GTFS ``route_type`` (basic and extended types)."""
    basic = {
        0: TransportMode.TRAM, 1: TransportMode.SUBWAY, 2: TransportMode.RAIL,
        3: TransportMode.BUS, 4: TransportMode.FERRY, 5: TransportMode.CABLE_CAR,
        6: TransportMode.GONDOLA, 7: TransportMode.FUNICULAR, 11: TransportMode.BUS,
        12: TransportMode.RAIL,
    }  # fmt: skip
    if route_type in basic:
        return basic[route_type]
    hundreds = route_type // 100
    extended = {
        1: TransportMode.RAIL, 2: TransportMode.BUS, 4: TransportMode.SUBWAY,
        5: TransportMode.SUBWAY, 6: TransportMode.SUBWAY, 7: TransportMode.BUS,
        8: TransportMode.BUS, 9: TransportMode.TRAM, 10: TransportMode.FERRY,
        12: TransportMode.FERRY, 13: TransportMode.GONDOLA, 14: TransportMode.FUNICULAR,
    }  # fmt: skip
    return extended.get(hundreds, TransportMode.BUS)


#: Default snap distance of origins and destinations to the street network (m).
POINT_SNAP_DISTANCE_M = 1600.0

#: Default limit of the egress walk from the last stop to a destination (m),
#: as R5's stop-to-street distance tables (``WALK_DISTANCE_LIMIT_METERS``).
EGRESS_DISTANCE_LIMIT_M = 2000.0


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


@dataclasses.dataclass
class TravelTimes:
    """Raw result of :func:`travel_time_arrays`.

    Attributes
    ----------
    minutes : numpy.ndarray of float32, shape (n_origins, n_destinations, n_percentiles)
        Whole minutes (seconds floored, as R5); NaN where unreached within
        ``max_time``.
    origin_ids, destination_ids : numpy.ndarray
    percentiles : list of int
    parameters : dict
        Every routing parameter, for reporting.
    stats : dict
        Counts (unlinked points) and timings in seconds (``access_egress_s``,
        ``raptor_s``).
    """

    minutes: np.ndarray
    origin_ids: np.ndarray
    destination_ids: np.ndarray
    percentiles: list[int]
    parameters: dict
    stats: dict


def _check_timedelta(value: object, name: str) -> dt.timedelta:
    if not isinstance(value, dt.timedelta):
        raise InputError(f"{name} must be a datetime.timedelta, got {value!r}")
    if value.total_seconds() <= 0:
        raise InputError(f"{name} must be positive, got {value}")
    return value


def _walk_seconds_csr(matrix: sp.csr_array, speed_walking_kmh: float) -> tuple[np.ndarray, ...]:
    m = sp.csr_array(matrix)
    m.sort_indices()
    return (
        np.ascontiguousarray(m.indptr, dtype=np.int64),
        np.ascontiguousarray(m.indices, dtype=np.int32),
        walk_seconds(m.data, speed_walking_kmh),
    )


@dataclasses.dataclass(frozen=True)
class _Query:
    """Validated routing parameters in the units the kernels use."""

    percentiles: list[int]
    n_minutes: int
    dep_start_s: int
    max_time_s: int
    walk_limit_m: float
    egress_m: float
    rides: int
    transit_modes: frozenset
    speed_walking: float
    wait_at_origin: bool
    parameters: dict


def _parse_query(
    network: TransportNetwork,
    departure: dt.datetime,
    departure_time_window: dt.timedelta,
    percentiles: Sequence[int],
    max_time: dt.timedelta,
    max_time_walking: dt.timedelta | None,
    speed_walking: float,
    max_public_transport_rides: int,
    transport_modes: Sequence[TransportMode | str],
    wait_at_origin: bool,
    snap_distance_m: float,
    max_egress_distance_m: float,
) -> _Query:
    """Check the routing parameters (:class:`InputError` naming the bad one)."""
    if not isinstance(departure, dt.datetime):
        raise InputError(f"departure must be a datetime.datetime, got {departure!r}")
    window = _check_timedelta(departure_time_window, "departure_time_window")
    max_time = _check_timedelta(max_time, "max_time")
    walk_limit = (
        max_time
        if max_time_walking is None
        else _check_timedelta(max_time_walking, "max_time_walking")
    )
    if not (np.isfinite(speed_walking) and speed_walking > 0):
        raise InputError(f"speed_walking must be a positive number (km/h), got {speed_walking!r}")
    if int(max_public_transport_rides) < 0:
        raise InputError(
            f"max_public_transport_rides must be >= 0, got {max_public_transport_rides!r}"
        )
    if not (np.isfinite(max_egress_distance_m) and max_egress_distance_m >= 0):
        raise InputError(
            f"max_egress_distance_m must be a number >= 0 (m), got {max_egress_distance_m!r}"
        )
    pcts = [int(p) for p in percentiles]
    if not pcts or any(not 0 < p <= 100 for p in pcts):
        raise InputError(f"percentiles must be integers in 1..100, got {list(percentiles)!r}")
    modes = {as_mode(m) for m in transport_modes}
    unsupported = modes & {TransportMode.BICYCLE, TransportMode.CAR}
    if unsupported:
        raise InputError(
            f"the built-in engine routes walking and public transport only, not "
            f"{sorted(u.value for u in unsupported)}; use engine='r5py' for those"
        )
    transit_modes = frozenset(modes & _TRANSIT_MODES)
    n_minutes = max(1, int(window.total_seconds() // 60))
    max_time_s = int(max_time.total_seconds())
    walk_limit_m = walk_limit.total_seconds() * speed_walking / 3.6
    egress_m = min(walk_limit_m, float(max_egress_distance_m))
    rides = int(max_public_transport_rides) if transit_modes else 0
    parameters = {
        "departure": departure.isoformat(),
        "departure_time_window_min": n_minutes,
        "percentiles": pcts,
        "max_time_min": max_time_s / 60,
        "max_time_walking_min": walk_limit.total_seconds() / 60,
        "speed_walking_kmh": speed_walking,
        "max_public_transport_rides": rides,
        "transport_modes": sorted(m.value for m in modes),
        "wait_at_origin": bool(wait_at_origin),
        "board_slack_s": raptor.BOARD_SLACK_SECONDS,
        "access_max_m": walk_limit_m,
        "egress_max_m": egress_m,
        "transfer_max_m": network.transfer_max_distance_m,
        "snap_distance_m": snap_distance_m,
        "engine": "builtin",
    }
    return _Query(
        percentiles=pcts,
        n_minutes=n_minutes,
        dep_start_s=departure.hour * 3600 + departure.minute * 60 + departure.second,
        max_time_s=max_time_s,
        walk_limit_m=walk_limit_m,
        egress_m=egress_m,
        rides=rides,
        transit_modes=transit_modes,
        speed_walking=float(speed_walking),
        wait_at_origin=bool(wait_at_origin),
        parameters=parameters,
    )


def _transit_network(network: TransportNetwork, q: _Query, date: dt.date) -> tuple:
    """The kernels' ``net`` tuple: timetable of ``date``, transfers, allowed patterns."""
    if not q.transit_modes:
        return _empty_network(network.n_stops)
    key = ("kernel_network", date, q.speed_walking, tuple(sorted(q.transit_modes)))
    return network.memo(key, lambda: _build_transit_network(network, q, date))


def _build_transit_network(network: TransportNetwork, q: _Query, date: dt.date) -> tuple:
    timetable = network.timetable(date)
    mask = None
    if TransportMode.TRANSIT not in q.transit_modes:
        mask = np.array(
            [route_type_mode(int(rt)) in q.transit_modes for rt in timetable.pattern_route_type],
            dtype=bool,
        )
    transfers = combine_transfers(
        network.n_stops, network.transfer_ptr, network.transfer_to, network.transfer_m,
        q.speed_walking, timetable,
    )  # fmt: skip
    return kernel_network(timetable, transfers, mask)


@dataclasses.dataclass(frozen=True)
class _Targets:
    """What the street search from each origin must reach: linked stops, then destinations."""

    snap: SnapResult
    stop_linked: np.ndarray  # stop index of the first targets
    dest_linked: np.ndarray  # destination index of the others
    n_stops: int
    n_dest: int
    same_origin: np.ndarray  # pairs of origin / destination at identical coordinates
    same_dest: np.ndarray


def _origin_legs(
    network: TransportNetwork,
    q: _Query,
    o_snap: SnapResult,
    d_snap: SnapResult,
    lo: int,
    hi: int,
    targets: _Targets,
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Access (origin -> stops) and walk-only (origin -> destinations) legs of origins lo..hi-1.

    One street search per origin reaches both the stops and the destinations.
    Linked points at identical coordinates are 0 m apart (the street path
    would count both snap offsets).
    """
    from accessibility.streets import point_to_point_distances

    o_sub = subset_snap(o_snap, np.arange(lo, hi))
    o_linked = np.flatnonzero(o_sub.ok)
    dist = sp.coo_array(
        point_to_point_distances(
            network.streets, subset_snap(o_sub, o_linked), targets.snap, q.walk_limit_m
        )
    )
    n_ts = len(targets.stop_linked)
    is_stop = dist.col < n_ts
    rows = o_linked[dist.row]
    access = _min_csr(
        rows[is_stop], targets.stop_linked[dist.col[is_stop]], dist.data[is_stop],
        (hi - lo, targets.n_stops),
    )  # fmt: skip
    i, j = targets.same_origin, targets.same_dest
    here = (i >= lo) & (i < hi) & o_snap.ok[i] & d_snap.ok[j]
    walk = _min_csr(
        np.concatenate([rows[~is_stop], i[here] - lo]),
        np.concatenate([targets.dest_linked[dist.col[~is_stop] - n_ts], j[here]]),
        np.concatenate([dist.data[~is_stop], np.zeros(int(here.sum()))]),
        (hi - lo, targets.n_dest),
    )
    return (
        _walk_seconds_csr(access, q.speed_walking),
        _walk_seconds_csr(walk, q.speed_walking),
    )


def travel_time_arrays(
    network: TransportNetwork,
    origins,
    destinations=None,
    *,
    departure: dt.datetime,
    departure_time_window: dt.timedelta = dt.timedelta(minutes=10),
    percentiles: Sequence[int] = (50,),
    max_time: dt.timedelta = dt.timedelta(hours=2),
    max_time_walking: dt.timedelta | None = None,
    speed_walking: float = 3.6,
    max_public_transport_rides: int = 8,
    transport_modes: Sequence[TransportMode | str] = (TransportMode.TRANSIT, TransportMode.WALK),
    wait_at_origin: bool = True,
    snap_distance_m: float = POINT_SNAP_DISTANCE_M,
    max_egress_distance_m: float = EGRESS_DISTANCE_LIMIT_M,
    origins_per_batch: int = 256,
    progress: Callable[[int, int], None] | None = None,
) -> TravelTimes:
    """Travel times origins x destinations as numpy arrays (see :class:`TravelTimeMatrix`).

    Parameters are those of :class:`TravelTimeMatrix`, plus:

    snap_distance_m : float, default 1600
        Origins/destinations farther from a walkable street are unreachable
        (counted in ``stats``, logged).
    max_egress_distance_m : float, default 2000
        Longest walk from the last stop to a destination (m), as R5.
    origins_per_batch : int, default 256
        Origins routed per kernel call: bounds the memory of access and
        walk-only distances; ``progress(done, total)`` is called after each.

    Memory: the result (origins x destinations x percentiles, float32), the
    egress table, the legs of one batch of origins and, per thread, one
    destinations x minutes buffer (int32).
    """
    from accessibility.streets import snap_points

    t_start = time.perf_counter()
    origins_p = as_points(origins, "origins")
    dest_p = origins_p if destinations is None else as_points(destinations, "destinations")
    q = _parse_query(
        network, departure, departure_time_window, percentiles, max_time, max_time_walking,
        speed_walking, max_public_transport_rides, transport_modes, wait_at_origin,
        snap_distance_m, max_egress_distance_m,
    )  # fmt: skip
    net = _transit_network(network, q, departure.date())

    # Street side: snapping and egress once; access and walk-only per batch.
    t0 = time.perf_counter()
    o_snap = snap_points(network.streets, origins_p.lat, origins_p.lon, snap_distance_m)
    d_key = (_coordinates_key(dest_p), float(snap_distance_m))
    d_snap = network.memo(
        ("snap", *d_key),
        lambda: snap_points(network.streets, dest_p.lat, dest_p.lon, snap_distance_m),
    )
    stats = {
        "origins": len(origins_p),
        "destinations": len(dest_p),
        "unlinked_origins": int((~o_snap.ok).sum()),
        "unlinked_destinations": int((~d_snap.ok).sum()),
    }
    for kind, snap_, pts in (("origins", o_snap, origins_p), ("destinations", d_snap, dest_p)):
        if (~snap_.ok).any():
            log.warning(
                "%d of %d %s lie farther than %g m from a walkable street and are unreachable "
                "(e.g. id %s)",
                int((~snap_.ok).sum()), len(pts), kind, snap_distance_m,
                pts.ids[~snap_.ok][0],
            )  # fmt: skip
    d_linked = np.flatnonzero(d_snap.ok)
    stop_linked = np.flatnonzero(network.stop_snap.ok) if q.transit_modes else np.empty(0, int)
    if q.transit_modes:
        egress_m = network.memo(
            ("egress", *d_key, q.egress_m),
            lambda: _egress_metres(network, stop_linked, d_snap, d_linked, q.egress_m),
        )
        egress = _walk_seconds_csr(egress_m, q.speed_walking)
    else:
        egress = _empty_csr(network.n_stops)
    same_i, same_j = _identical_points(origins_p, dest_p)
    targets = _Targets(
        snap=_concat_snaps(subset_snap(network.stop_snap, stop_linked), subset_snap(d_snap, d_linked)),
        stop_linked=stop_linked,
        dest_linked=d_linked,
        n_stops=network.n_stops,
        n_dest=len(dest_p),
        same_origin=same_i,
        same_dest=same_j,
    )
    access_egress_s = time.perf_counter() - t0
    raptor_s = 0.0

    n_orig, n_dest = len(origins_p), len(dest_p)
    out = np.full((n_orig, n_dest, len(q.percentiles)), np.nan, dtype=np.float32)
    pct_arr = np.array(q.percentiles, dtype=np.float64)
    params = (q.dep_start_s, q.n_minutes, q.rides, q.max_time_s, raptor.BOARD_SLACK_SECONDS,
              q.wait_at_origin)  # fmt: skip
    n_threads = numba.get_num_threads()
    batch = max(1, int(origins_per_batch))
    for lo in range(0, n_orig, batch):
        hi = min(n_orig, lo + batch)
        t0 = time.perf_counter()
        access, walk = _origin_legs(network, q, o_snap, d_snap, lo, hi, targets)
        access_egress_s += time.perf_counter() - t0
        t0 = time.perf_counter()
        seconds = raptor.travel_time_percentiles(
            net, access, walk, egress, n_dest, params, pct_arr, max(n_threads, hi - lo)
        )
        raptor_s += time.perf_counter() - t0
        reached = seconds < raptor.UNREACHED
        block = out[lo:hi]
        block[reached] = (seconds[reached] // 60).astype(np.float32)
        if progress is not None:
            progress(hi, n_orig)
    stats.update(
        access_egress_s=access_egress_s,
        raptor_s=raptor_s,
        total_s=time.perf_counter() - t_start,
    )
    return TravelTimes(
        minutes=out,
        origin_ids=origins_p.ids,
        destination_ids=dest_p.ids,
        percentiles=q.percentiles,
        parameters=q.parameters,
        stats=stats,
    )


def _egress_metres(
    network: TransportNetwork,
    stop_linked: np.ndarray,
    d_snap: SnapResult,
    d_linked: np.ndarray,
    max_m: float,
) -> sp.csr_array:
    """Walking distances stop -> destination as CSR (n_stops, n_dest), metres.

    Walking is symmetric, so the street searches start from whichever side
    has fewer points: the destinations (a few steunpunten) or the stops (an
    isochrone grid of 10^5 cells).
    """
    from accessibility.streets import point_to_point_distances

    n_dest = d_snap.n_points
    if len(d_linked) <= len(stop_linked):
        return sp.csr_array(network.point_stop_distances(d_snap, max_m).T)
    dist = sp.coo_array(
        point_to_point_distances(
            network.streets,
            subset_snap(network.stop_snap, stop_linked),
            subset_snap(d_snap, d_linked),
            max_m,
        )
    )
    return _min_csr(stop_linked[dist.row], d_linked[dist.col], dist.data, (network.n_stops, n_dest))


def _concat_snaps(first: SnapResult, second: SnapResult) -> SnapResult:
    """Two SnapResults (of the same network) as one, ``first`` then ``second``."""
    return dataclasses.replace(
        first,
        **{
            name: np.concatenate([getattr(first, name), getattr(second, name)])
            for name in ("node_a", "node_b", "dist_a_m", "dist_b_m", "offset_m", "ok")
        },
    )


def _empty_csr(n_rows: int) -> tuple[np.ndarray, ...]:
    return (
        np.zeros(n_rows + 1, dtype=np.int64),
        np.empty(0, dtype=np.int32),
        np.empty(0, dtype=np.int32),
    )


def _empty_network(n_stops: int) -> tuple[np.ndarray, ...]:
    """A ``net`` tuple without any pattern (walk-only routing)."""
    ptr1 = np.zeros(1, dtype=np.int64)
    i32 = np.empty(0, dtype=np.int32)
    i64 = np.empty(0, dtype=np.int64)
    stops_ptr = np.zeros(n_stops + 1, dtype=np.int64)
    return (ptr1, i32, ptr1, i64, i32, i32, stops_ptr, i32, i32, stops_ptr, i32, i32,
            np.zeros(n_stops, dtype=np.int32))  # fmt: skip


def _coordinates_key(points: Points) -> str:
    """A hash of the points' coordinates (for caching tables derived from them)."""
    digest = hashlib.sha256(np.ascontiguousarray(points.lat, dtype=np.float64).tobytes())
    digest.update(np.ascontiguousarray(points.lon, dtype=np.float64).tobytes())
    return digest.hexdigest()


def _identical_points(a: Points, b: Points) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j) where ``a[i]`` and ``b[j]`` have the same coordinates."""
    left = pd.DataFrame({"lat": a.lat, "lon": a.lon, "i": np.arange(len(a))})
    right = pd.DataFrame({"lat": b.lat, "lon": b.lon, "j": np.arange(len(b))})
    pairs = left.merge(right, on=["lat", "lon"])
    return pairs["i"].to_numpy(np.int64), pairs["j"].to_numpy(np.int64)


def _min_csr(
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


def percentile_columns(percentiles: Sequence[int]) -> list[str]:
    """``["travel_time"]`` for one percentile, else ``["travel_time_p25", ...]`` (as r5py)."""
    if len(percentiles) == 1:
        return ["travel_time"]
    return [f"travel_time_p{int(p)}" for p in percentiles]


def travel_times_frame(result: TravelTimes) -> pd.DataFrame:
    """Long table ``from_id, to_id, travel_time...`` (nullable Int64 minutes) of a result."""
    n_o, n_d, _ = result.minutes.shape
    frame = pd.DataFrame(
        {
            "from_id": np.repeat(result.origin_ids, n_d),
            "to_id": np.tile(result.destination_ids, n_o),
        }
    )
    for i, col in enumerate(percentile_columns(result.percentiles)):
        values = result.minutes[:, :, i].reshape(-1)
        missing = np.isnan(values)
        frame[col] = pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)
    return frame


class TravelTimeMatrix(pd.DataFrame):
    """Travel times between origins and destinations, as r5py's ``TravelTimeMatrix``.

    A pandas DataFrame with columns ``from_id``, ``to_id`` and ``travel_time``
    (whole minutes, nullable ``Int64``; missing where the destination is not
    reached within ``max_time``). With several percentiles the columns are
    ``travel_time_p25``, ``travel_time_p50``, ... Every origin-destination pair
    has a row. The parameters used are in ``.attrs["parameters"]``, counts
    and timings in ``.attrs["stats"]``.

    Parameters
    ----------
    transport_network : accessibility.network.TransportNetwork
    origins : geopandas.GeoDataFrame
        Unique ``id`` column, point geometries, any CRS.
    destinations : geopandas.GeoDataFrame, optional
        Default: the origins.
    departure : datetime.datetime
        First departure of the window, local time of the feeds (r5py defaults
        to now; here it must be given, so that results are reproducible).
    departure_time_window : datetime.timedelta, default 10 minutes
        One search per minute in ``[departure, departure + window)`` (r5py's
        default and meaning).
    percentiles : list of int, default [50]
        Percentiles of the per-minute travel times (R5's nearest-rank rule:
        the value at zero-based rank ``ceil(p/100 * n_minutes) - 1`` of the
        sorted times, unreached counted as infinite).
    max_time : datetime.timedelta, default 2 hours
        Longer trips count as unreached.
    max_time_walking : datetime.timedelta, optional
        Longest walk of each walking leg: access to the first stop and
        walk-only trips (r5py's default None: limited by ``max_time``). The
        egress walk is also capped at ``max_egress_distance_m`` (2000 m, R5's
        stop-to-street distance limit); transfers between stops at the
        network's ``transfer_max_distance_m`` (1000 m).
    speed_walking : float, default 3.6
        km/h.
    max_public_transport_rides : int, default 8
        Most vehicles boarded in one trip (r5py's default).
    transport_modes : list of TransportMode or str, default [TRANSIT, WALK]
        ``[WALK]`` alone gives walk-only times; a transit sub-mode (``BUS``,
        ``RAIL``, ...) restricts the vehicles by GTFS ``route_type``. A
        walk-only trip is always a candidate, as in R5.
    wait_at_origin : bool, default True
        True (R5 and r5py): travel time counts from the minute of the window,
        including any wait at the origin. False: from the latest minute of the
        window that still reaches the same arrival (the planned departure,
        r5py issue #511).
    engine : {"builtin", "r5py"}, default "builtin"
        ``"r5py"`` needs the r5py package and Java 21 (see
        :mod:`accessibility.engines.r5py_engine`).
    **kwargs
        Built-in engine only: ``snap_distance_m``, ``max_egress_distance_m``,
        ``origins_per_batch``, ``progress`` (see :func:`travel_time_arrays`).

    Notes
    -----
    Deviations from r5py/R5: boarding always needs 60 s at the stop (R5's
    board slack) and transfers use street distances within 1000 m plus
    ``transfers.txt`` minimum times (R5 ignores ``transfers.txt``); travel times
    are floored to whole minutes as R5 does; points at identical coordinates
    are 0 minutes apart; frequency-based trips are expanded to scheduled trips
    by :mod:`accessibility.gtfs` (R5 draws random offsets instead). Only the
    service of the departure date is searched (with its trips past midnight
    and the previous day's trips running after midnight): a window or trip
    reaching into the next service day does not see that day's trips.
    Origins and destinations farther than ``snap_distance_m`` from a walkable
    street are unreachable; they are counted in ``.attrs["stats"]`` and logged.
    """

    _metadata = []

    def __init__(
        self,
        transport_network: TransportNetwork,
        origins=None,
        destinations=None,
        departure: dt.datetime | None = None,
        departure_time_window: dt.timedelta = dt.timedelta(minutes=10),
        percentiles: Sequence[int] = (50,),
        max_time: dt.timedelta = dt.timedelta(hours=2),
        max_time_walking: dt.timedelta | None = None,
        speed_walking: float = 3.6,
        max_public_transport_rides: int = 8,
        transport_modes: Sequence[TransportMode | str] = (
            TransportMode.TRANSIT,
            TransportMode.WALK,
        ),
        wait_at_origin: bool = True,
        engine: str = "builtin",
        **kwargs,
    ) -> None:
        if departure is None:
            raise InputError(
                "give departure=datetime(...): the first departure of the window, in the "
                "feeds' local time (a date on which the GTFS feeds run)"
            )
        common = dict(
            departure=departure,
            departure_time_window=departure_time_window,
            percentiles=list(percentiles),
            max_time=max_time,
            max_time_walking=max_time_walking,
            speed_walking=speed_walking,
            max_public_transport_rides=max_public_transport_rides,
            transport_modes=list(transport_modes),
            wait_at_origin=wait_at_origin,
        )
        if engine == "builtin":
            result = travel_time_arrays(transport_network, origins, destinations, **common, **kwargs)
            frame = travel_times_frame(result)
            attrs = {"parameters": result.parameters, "stats": result.stats}
        elif engine == "r5py":
            if kwargs:
                raise InputError(f"options {sorted(kwargs)} apply to the built-in engine only")
            from accessibility.engines import r5py_engine

            as_points(origins, "origins")
            if destinations is not None:
                as_points(destinations, "destinations")
            frame = r5py_engine.travel_time_matrix(
                transport_network, origins, origins if destinations is None else destinations,
                **{**common, "transport_modes": [as_mode(m).value for m in transport_modes]},
            )  # fmt: skip
            attrs = {"parameters": {**common, "engine": "r5py"}, "stats": {}}
        else:
            raise InputError(f"unknown engine {engine!r}; use 'builtin' or 'r5py'")
        super().__init__(frame)
        self.attrs.update(attrs)

    @property
    def _constructor(self):
        return pd.DataFrame
