"""Travel time from many points to the nearest of a group of targets.

This is the workhorse of the isochrone, white-spot, check-location and siting
jobs: every population point (or grid cell) gets, per target group, the travel
time by public transport and walking to the nearest target of the group,
summarised over a departure window by a percentile. One backward profile
search per group (see :mod:`accessibility.profile`) serves all points at once,
so the cost grows with groups x timetable size, not with points x targets.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import scipy.sparse as sp

from accessibility import streets
from accessibility.network import TransportNetwork, subset_snap
from accessibility.profile import (
    UNREACHABLE,
    evaluate_points,
    profile_scan,
    timetable_connections,
)
from accessibility.raptor import BOARD_SLACK_SECONDS
from accessibility.routing import combine_transfers, walk_seconds

log = logging.getLogger(__name__)





@dataclass(frozen=True)
class TravelParameters:
    """Parameters of a travel-time computation; reported next to every result.

    Attributes
    ----------
    date : datetime.date
        Analysis date (service day of the timetable).
    departure_time : datetime.time
        Start of the departure window (local time of the feed).
    window_minutes : int
        Length of the departure window; one departure per minute.
    percentile : int
        Percentile of the travel times over the window (50 = median).
    max_time_minutes : int
        Longer trips count as unreachable.
    speed_walking_kmh : float
        Walking speed.
    max_walk_minutes : float
        Limit of each walking leg to or from public transport (access, egress).
    max_snap_distance_m : float
        Points farther from the street network than this are not routed.
    wait_at_origin : bool
        True: travel time includes waiting at the origin (r5py's meaning).
        False: counted from the latest departure that reaches the same arrival.
    """

    date: dt.date
    departure_time: dt.time
    window_minutes: int = 60
    percentile: int = 50
    max_time_minutes: int = 90
    speed_walking_kmh: float = 3.6
    max_walk_minutes: float = 20.0
    max_snap_distance_m: float = 500.0
    wait_at_origin: bool = True

    @property
    def departure_seconds(self) -> int:
        """Start of the window in seconds since midnight."""
        t = self.departure_time
        return t.hour * 3600 + t.minute * 60 + t.second

    @property
    def speed_m_per_s(self) -> float:
        """Walking speed in metres per second."""
        return self.speed_walking_kmh / 3.6

    def describe(self) -> dict[str, str]:
        """Human-readable parameters for captions, reports and metadata."""
        d = asdict(self)
        d["date"] = self.date.isoformat()
        d["departure_time"] = self.departure_time.strftime("%H:%M")
        d["wait_at_origin"] = "yes" if self.wait_at_origin else "no (planned departure)"
        return {k: str(v) for k, v in d.items()}


@dataclass(frozen=True)
class PointLinks:
    """Points snapped to the street network with their walking access to stops."""

    snap: streets.SnapResult
    access_ptr: np.ndarray
    access_stop: np.ndarray
    access_seconds: np.ndarray

    @property
    def n_points(self) -> int:
        """Number of points."""
        return len(self.access_ptr) - 1

    def subset(self, index: np.ndarray) -> PointLinks:
        """The links of the points ``index`` (an integer array), in that order."""
        index = np.asarray(index, dtype=np.int64)
        access = sp.csr_matrix(
            (self.access_seconds, self.access_stop, self.access_ptr),
            shape=(self.n_points, int(self.access_stop.max(initial=-1)) + 1),
        )[index]
        return PointLinks(subset_snap(self.snap, index), access.indptr.astype(np.int64),
                          access.indices.astype(np.int32), access.data.astype(np.int64))


def link_points(
    network: TransportNetwork, lat: np.ndarray, lon: np.ndarray, params: TravelParameters
) -> PointLinks:
    """Snap points to the streets and find the stops within walking reach.

    Parameters
    ----------
    network : TransportNetwork
    lat, lon : numpy.ndarray of float
        WGS84 coordinates in degrees.
    params : TravelParameters

    Returns
    -------
    PointLinks
        Points that do not snap get no access (and will be unreachable).
    """
    snap = streets.snap_points(network.streets, lat, lon, params.max_snap_distance_m)
    max_walk_m = params.max_walk_minutes * 60.0 * params.speed_m_per_s
    dist = network.point_stop_distances(snap, max_walk_m).tocsr()
    dist.sort_indices()
    seconds = walk_seconds(dist.data, params.speed_walking_kmh)
    if (~snap.ok).any():
        log.info("%d of %d points lie farther than %.0f m from a street and are not routed",
                 int((~snap.ok).sum()), len(snap.ok), params.max_snap_distance_m)
    return PointLinks(snap, dist.indptr.astype(np.int64), dist.indices.astype(np.int32),
                      seconds.astype(np.int64))


def times_to_nearest(
    network: TransportNetwork,
    origins: PointLinks,
    targets: PointLinks,
    groups: Sequence[np.ndarray],
    params: TravelParameters,
    *,
    transit: bool = True,
) -> np.ndarray:
    """Travel time from every origin to the nearest target of each group.

    Parameters
    ----------
    network : TransportNetwork
    origins, targets : PointLinks
        From :func:`link_points`.
    groups : sequence of numpy.ndarray of int
        Each group lists target indices; the result gives the time to the
        nearest target of the group.
    params : TravelParameters
    transit : bool
        False gives walk-only times.

    Returns
    -------
    numpy.ndarray of float64, shape (n_groups, n_origins)
        Travel time in minutes (the requested percentile over the window),
        NaN where no target is reachable within ``max_time_minutes``.
    """
    max_s = params.max_time_minutes * 60
    max_direct_m = max_s * params.speed_m_per_s
    direct = streets.point_to_point_distances(
        network.streets, origins.snap, targets.snap, max_direct_m).tocsc()
    timetable = network.timetable(params.date)
    start = params.departure_seconds
    departures = start + 60 * np.arange(params.window_minutes, dtype=np.int64)
    conns = timetable_connections(timetable, start, start + params.window_minutes * 60 + max_s)
    if not transit:
        conns = tuple(a[:0] for a in conns)
    tr_ptr, tr_to, tr_sec, self_sec = (np.asarray(a, dtype=np.int64) for a in combine_transfers(
        timetable.n_stops, network.transfer_ptr, network.transfer_to, network.transfer_m,
        params.speed_walking_kmh, timetable))
    egress_all = sp.csr_matrix(
        (targets.access_seconds + 1, targets.access_stop, targets.access_ptr),
        shape=(targets.n_points, timetable.n_stops)).tocsc()
    result = np.full((len(groups), origins.n_points), np.nan)
    for g, members in enumerate(groups):
        members = np.asarray(members, dtype=np.int64)
        members = members[targets.snap.ok[members]]
        direct_s = _row_min_seconds(direct[:, members], params.speed_walking_kmh, origins.n_points)
        egress = _column_min(egress_all[members, :], timetable.n_stops)
        prof_ptr, prof_len, entries = profile_scan(
            *conns, timetable.n_stops, timetable.n_trips, egress, tr_ptr, tr_to, tr_sec,
            self_sec, BOARD_SLACK_SECONDS)
        per_minute = evaluate_points(
            origins.access_ptr, origins.access_stop, origins.access_seconds, direct_s,
            departures, prof_ptr, prof_len, entries, max_s, params.wait_at_origin)
        per_minute.sort(axis=1)
        chosen = per_minute[:, nearest_rank_index(len(departures), params.percentile)]
        result[g] = np.where(chosen >= UNREACHABLE, np.nan, chosen / 60.0)
    result[:, ~origins.snap.ok] = np.nan  # too far from any street: not routed
    return result


def nearest_rank_index(n_values: int, percentile: float) -> int:
    """Zero-based index of a percentile in ``n_values`` sorted values (R5's nearest rank)."""
    return max(int(np.ceil(percentile / 100.0 * n_values)) - 1, 0)


def _row_min_seconds(dist_m: sp.spmatrix, speed_kmh: float, n_rows: int) -> np.ndarray:
    """Per row, the walking time to the nearest column (UNREACHABLE if none)."""
    dist = dist_m.tocsr()
    out = np.full(n_rows, UNREACHABLE, dtype=np.int64)
    has = np.diff(dist.indptr) > 0
    if has.any():
        mins = np.minimum.reduceat(dist.data, dist.indptr[:-1][has])
        out[has] = walk_seconds(mins, speed_kmh)
    return out


def _column_min(egress_plus_one: sp.spmatrix, n_stops: int) -> np.ndarray:
    """Per stop, the smallest egress time over the group's targets (seconds)."""
    m = egress_plus_one.tocsc()
    out = np.full(n_stops, UNREACHABLE, dtype=np.int64)
    has = np.diff(m.indptr) > 0
    if has.any():
        out[has] = np.minimum.reduceat(m.data, m.indptr[:-1][has]) - 1
    return out
