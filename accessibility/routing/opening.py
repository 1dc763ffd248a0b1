"""Arrive while open: the shortest trip that reaches a target while it is open.

A steunpunt that is closed when the traveller arrives gives no access. For
one service day, a target ``j`` has opening intervals ``[o_k, c_k)``; with a
minimum stay ``S`` an arrival counts when it falls in ``[o_k, c_k - S]``. A
traveller who arrives before opening waits at the door, so the *effective*
arrival of a trip arriving at ``a`` is

    f_j(a) = max(a, o_k)   for the first interval k with c_k - S >= a

(unreachable when no interval is left). ``f_j`` never decreases with ``a``.

The travel time from a point is the shortest trip, over the departure
minutes ``d`` of the window, of ``f_j(A_j(d)) - d``, where ``A_j(d)`` is the
earliest arrival at ``j`` when leaving at ``d``: the traveller times the
departure. A later trip that arrives at opening time beats an earlier one
that waits at the door.

The backward profile search (:mod:`accessibility.routing.profile`) gives
``A_j`` for all departures at once: one scan per target and service day.
For a stop with access walk ``w``, the profile entries ``(ready r_i,
arrival a_i)`` are the only departures worth taking: the best departure minute
for entry ``i`` is the latest minute ``d`` with ``d + w <= r_i``, so the
minimum over the window is a minimum over the entries in it (exactly the
minimum over the per-minute times of
:func:`~accessibility.routing.profile.evaluate_points`; the tests check it).

The opening hours only enter the evaluation, not the scan: days of a week
with the same timetable share the scans, and only the cheap evaluation is
repeated per day.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numba import njit, prange

from accessibility.errors import InputError
from accessibility.routing.nearest import _connections, _row_min
from accessibility.routing.network import TransportNetwork
from accessibility.routing.profile import UNREACHABLE, _last_ready_at_or_after, profile_scan
from accessibility.routing.raptor import BOARD_SLACK_SECONDS
from accessibility.routing.request import TravelRequest
from accessibility.routing.street_legs import (
    PointLinks,
    direct_seconds,
    empty_csr,
    transfer_legs,
)


@dataclass(frozen=True)
class OpenIntervals:
    """Per target, the arrival times of one service day that count (seconds).

    Attributes
    ----------
    ptr : numpy.ndarray of int64, shape (n_targets + 1,)
        Intervals of target ``j`` are ``ptr[j] .. ptr[j+1]``.
    start : numpy.ndarray of int64
        Opening time ``o_k`` (seconds since midnight of the service day).
    last_arrival : numpy.ndarray of int64
        Latest arrival that still counts, ``c_k - min_stay`` (seconds).
    """

    ptr: np.ndarray
    start: np.ndarray
    last_arrival: np.ndarray

    @property
    def n_targets(self) -> int:
        """Number of targets."""
        return len(self.ptr) - 1

    @classmethod
    def from_intervals(
        cls, intervals: Sequence[Sequence[tuple[int, int]]], min_stay_seconds: int
    ) -> OpenIntervals:
        """Build from per-target ``[open, close)`` intervals (seconds, sorted, disjoint).

        Intervals shorter than ``min_stay_seconds`` give no valid arrival and
        are dropped.
        """
        if min_stay_seconds < 0:
            raise InputError(f"min_stay must be >= 0 seconds, got {min_stay_seconds}")
        ptr = [0]
        start: list[int] = []
        last: list[int] = []
        for j, spans in enumerate(intervals):
            previous = -(2**62)
            for o, c in spans:
                if c < o or o < previous:
                    raise InputError(
                        f"target {j}: opening intervals must be sorted and disjoint, got {spans}")
                previous = c
                if c - min_stay_seconds >= o:
                    start.append(int(o))
                    last.append(int(c - min_stay_seconds))
            ptr.append(len(start))
        return cls(np.array(ptr, dtype=np.int64), np.array(start, dtype=np.int64),
                   np.array(last, dtype=np.int64))

    @classmethod
    def always_open(cls, n_targets: int) -> OpenIntervals:
        """Every arrival counts (no opening hours)."""
        return cls.from_intervals([[(0, int(UNREACHABLE) - 1)]] * n_targets, 0)


@njit(cache=True, inline="always")
def open_arrival(arrival: int, start: np.ndarray, last_arrival: np.ndarray) -> int:
    """Effective arrival ``f(arrival)``: waiting for opening, or UNREACHABLE when closed."""
    k = np.searchsorted(last_arrival, arrival)
    if k == len(last_arrival) or arrival >= UNREACHABLE:
        return UNREACHABLE
    return max(arrival, start[k])


@njit(cache=True, parallel=True)
def entry_open_arrivals(arrivals: np.ndarray, day_ptr: np.ndarray, start: np.ndarray,
                        last_arrival: np.ndarray) -> np.ndarray:
    """Effective arrival (:func:`open_arrival`) of each arrival time on each day.

    Returns
    -------
    numpy.ndarray of int64, shape (len(arrivals), n_days)
    """
    n_days = len(day_ptr) - 1
    out = np.empty((len(arrivals), n_days), dtype=np.int64)
    for i in prange(len(arrivals)):
        for day in range(n_days):
            out[i, day] = open_arrival(arrivals[i], start[day_ptr[day]:day_ptr[day + 1]],
                                       last_arrival[day_ptr[day]:day_ptr[day + 1]])
    return out


@njit(cache=True, parallel=True)
def shortest_open_times(
    access_ptr: np.ndarray,
    access_stop: np.ndarray,
    access_seconds: np.ndarray,
    direct_seconds: np.ndarray,
    first_departure: int,
    n_departures: int,
    prof_ptr: np.ndarray,
    prof_len: np.ndarray,
    entries: np.ndarray,
    day_ptr: np.ndarray,
    start: np.ndarray,
    last_arrival: np.ndarray,
    max_seconds: int,
) -> np.ndarray:
    """Shortest trip per point to one target that arrives while it is open, for several days.

    The days share the timetable and the window (one profile scan); only the
    opening hours differ. The effective arrival of every profile entry is
    computed once per day (:func:`entry_open_arrivals`), so the points only
    read it.

    Parameters
    ----------
    access_ptr, access_stop, access_seconds : numpy.ndarray
        Walking access from each point to stops as CSR rows (seconds).
    direct_seconds : numpy.ndarray of int64, shape (n_points,)
        Walk-only time to the target (``UNREACHABLE`` if none).
    first_departure, n_departures : int
        Departures ``first_departure + 60 m`` for ``m < n_departures`` (seconds).
    prof_ptr, prof_len, entries : numpy.ndarray
        :func:`~accessibility.routing.profile.profile_scan` towards the target.
    day_ptr : numpy.ndarray of int64, shape (n_days + 1,)
        Intervals of day ``k`` are ``day_ptr[k] .. day_ptr[k+1]``.
    start, last_arrival : numpy.ndarray of int64
        The target's valid arrival intervals per day (:class:`OpenIntervals`).
    max_seconds : int
        Longer trips count as unreachable.

    Returns
    -------
    numpy.ndarray of int64, shape (n_days, n_points)
        Seconds from the (timed) departure to the effective arrival,
        ``UNREACHABLE`` when no trip within ``max_seconds`` arrives while open.
    """
    n_points = len(access_ptr) - 1
    n_days = len(day_ptr) - 1
    last_departure = first_departure + 60 * (n_departures - 1)
    prof_ready = entries[0]
    effective = entry_open_arrivals(entries[1], day_ptr, start, last_arrival)
    out = np.full((n_days, n_points), UNREACHABLE, dtype=np.int64)
    for p in prange(n_points):
        best = np.full(n_days, UNREACHABLE, dtype=np.int64)
        walk = direct_seconds[p]
        if walk < UNREACHABLE:
            # f(d + walk) - d = max(walk, o_k - d) falls with d inside each
            # interval's range: the latest departure minute per interval wins.
            for day in range(n_days):
                opens = start[day_ptr[day]:day_ptr[day + 1]]
                lasts = last_arrival[day_ptr[day]:day_ptr[day + 1]]
                for k in range(len(lasts)):
                    latest = lasts[k] - walk
                    if latest < first_departure:
                        continue
                    d = min(last_departure,
                            first_departure + 60 * ((latest - first_departure) // 60))
                    cost = open_arrival(d + walk, opens, lasts) - d
                    if cost < best[day]:
                        best[day] = cost
        for j in range(access_ptr[p], access_ptr[p + 1]):
            s = access_stop[j]
            base = prof_ptr[s]
            walk = access_seconds[j]
            idx = _last_ready_at_or_after(prof_ready, base, prof_len[s], first_departure + walk)
            while idx >= 0:
                latest = prof_ready[base + idx] - walk
                d = min(last_departure,
                        first_departure + 60 * ((latest - first_departure) // 60))
                for day in range(n_days):
                    arrival = effective[base + idx, day]
                    if arrival < UNREACHABLE and arrival - d < best[day]:
                        best[day] = arrival - d
                if latest >= last_departure:
                    break  # later entries are reached by waiting at the stop: no better
                idx -= 1
        for day in range(n_days):
            if best[day] <= max_seconds:
                out[day, p] = best[day]
    return out


def _fingerprint(conns: Sequence[np.ndarray]) -> str:
    """A key of a connection set that ignores how its date numbers the trips.

    Trips are renumbered by their first appearance in the scan order, so two
    dates with the same vehicles at the same times get the same key even when
    the timetable numbers their trips differently (for example when a Monday
    also holds Sunday's trips past midnight).
    """
    trips = np.asarray(conns[4])
    _, first, inverse = np.unique(trips, return_index=True, return_inverse=True)
    canonical = np.argsort(np.argsort(first))[inverse]
    digest = hashlib.sha1()
    for a in (*conns[:4], *conns[5:], canonical):  # times, stops, boarding rules, trips
        digest.update(np.ascontiguousarray(a).tobytes())
        digest.update(b"|")
    return digest.hexdigest()


def _reachable_intervals(opening: OpenIntervals, target: int, first_departure: int,
                         latest_arrival: int) -> tuple[np.ndarray, np.ndarray]:
    """A target's intervals that an arrival in ``[first_departure, latest_arrival]`` can use.

    An interval whose last valid arrival lies before the first departure, or
    that opens after the latest possible arrival (last departure + max time),
    gives no trip within the limit.
    """
    lo, hi = opening.ptr[target], opening.ptr[target + 1]
    start, last = opening.start[lo:hi], opening.last_arrival[lo:hi]
    keep = (last >= first_departure) & (start <= latest_arrival)
    return start[keep], last[keep]


def _check_same_legs(requests: Sequence[TravelRequest]) -> None:
    legs = {(r.access_limit_m, r.egress_limit_m, r.speed_walking, r.max_time_seconds,
             r.snap_distance_m) for r in requests}
    if len(legs) > 1:
        raise InputError("the requests of one arrive-while-open search must share walking "
                         "limits, speed and max_time; they may differ in date, window and modes")


def _request_connections(network: TransportNetwork,
                         request: TravelRequest) -> tuple[np.ndarray, ...]:
    """Connections a request's window can use (none for a walk-only request)."""
    start = request.departure_seconds
    if request.transit_modes:
        end = start + request.n_minutes * 60 + request.max_time_seconds
        return _connections(network, request, start, end)
    return (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int32),
            np.empty(0, np.int32), np.empty(0, np.int32), np.empty(0, np.int8))


def _transfers(network: TransportNetwork, request: TravelRequest) -> tuple:
    """Trip count and transfer legs of the request's date (none for a walk-only request)."""
    if not request.transit_modes:
        ptr, to, sec = empty_csr(network.n_stops)
        return (0, ptr, to.astype(np.int64), sec.astype(np.int64),
                np.zeros(network.n_stops, dtype=np.int64))
    timetable = network.timetable(request.date)
    legs = transfer_legs(network, timetable, request.speed_walking)
    return (timetable.n_trips, *(np.asarray(a, dtype=np.int64) for a in legs))


def connection_groups(
    network: TransportNetwork, requests: Sequence[TravelRequest]
) -> list[tuple[list[int], tuple[np.ndarray, ...]]]:
    """Group requests that search the same connections (timetable of the date and window).

    Returns
    -------
    list of (list of int, tuple of numpy.ndarray)
        Request indices of each group, in order of first appearance, with the
        group's connections (:func:`~accessibility.routing.profile.timetable_connections`
        restricted to the request's modes; empty for walk-only requests).
    """
    groups: dict[str, tuple[list[int], tuple[np.ndarray, ...]]] = {}
    for r, request in enumerate(requests):
        conns = _request_connections(network, request)
        key = f"{_fingerprint(conns)}-{request.departure_seconds}-{request.n_minutes}"
        groups.setdefault(key, ([], conns))[0].append(r)
    return list(groups.values())


def shortest_open_trips(
    network: TransportNetwork,
    origins: PointLinks,
    targets: PointLinks,
    requests: Sequence[TravelRequest],
    openings: Sequence[OpenIntervals],
) -> np.ndarray:
    """Shortest trip from every origin to every target that arrives while it is open.

    Parameters
    ----------
    network : TransportNetwork
    origins : PointLinks
        ``link_points(..., leg="access")``.
    targets : PointLinks
        ``link_points(..., leg="egress")``.
    requests : sequence of TravelRequest
        One per day (date and departure window); they must share the walking
        limits, speed, ``max_time`` and modes. Percentiles and
        ``wait_at_origin`` do not apply: the traveller times the departure.
        A walk-only request (``transport_modes=[WALK]``) needs no timetable
        (for a date without service).
    openings : sequence of OpenIntervals
        The targets' valid arrival intervals per request (seconds since
        midnight of that request's date).

    Returns
    -------
    numpy.ndarray of float64, shape (n_requests, n_targets, n_origins)
        Minutes with seconds precision; NaN where no trip within ``max_time``
        arrives while the target is open.

    Notes
    -----
    Requests whose timetable connections are identical (weekdays with the
    same service, same window) share one profile scan per target, and one pass
    of the evaluation reads its profile for all of them (days with the same
    hours are evaluated once). A target closed on every one of those days
    costs nothing; vehicles leaving after its last arrival that still counts
    are left out of its scan.
    """
    if len(requests) != len(openings):
        raise InputError(f"{len(requests)} requests but {len(openings)} opening tables")
    if not requests:
        return np.empty((0, targets.n_points, origins.n_points))
    _check_same_legs(requests)
    for opening in openings:
        if opening.n_targets != targets.n_points:
            raise InputError(f"opening hours for {opening.n_targets} targets, "
                             f"but {targets.n_points} targets are given")
    first = requests[0]
    first.require_builtin_modes()
    max_s = first.max_time_seconds
    direct = sp.csc_array(direct_seconds(network, origins, targets, first))
    result = np.full((len(requests), targets.n_points, origins.n_points), np.nan)
    for members, conns in connection_groups(network, requests):
        request = requests[members[0]]
        transfers = _transfers(network, request)
        for j in range(targets.n_points):
            if not targets.snap.ok[j]:
                continue
            first_dep = request.departure_seconds
            last_dep = first_dep + 60 * (request.n_minutes - 1)
            reachable = {r: _reachable_intervals(openings[r], j, first_dep, last_dep + max_s)
                         for r in members}
            # Days with the same hours (Monday..Friday 9-17) give the same times: once.
            distinct: dict[bytes, list[int]] = {}
            for r in members:
                if len(reachable[r][0]):
                    key = reachable[r][0].tobytes() + b"|" + reachable[r][1].tobytes()
                    distinct.setdefault(key, []).append(r)
            if not distinct:
                continue  # closed (or not reachable in time) on every day of the group: NaN
            days = [rs[0] for rs in distinct.values()]
            opens = np.concatenate([reachable[r][0] for r in days])
            last = np.concatenate([reachable[r][1] for r in days])
            day_ptr = np.concatenate(
                [[0], np.cumsum([len(reachable[r][0]) for r in days])]).astype(np.int64)
            # A vehicle leaving after the last arrival that still counts cannot help.
            useful = conns[0] <= last.max()
            row = slice(targets.stop_ptr[j], targets.stop_ptr[j + 1])
            egress_j = np.full(network.n_stops, UNREACHABLE, dtype=np.int64)
            egress_j[targets.stop_index[row]] = targets.stop_seconds[row]
            scan = profile_scan(*(np.ascontiguousarray(a[useful]) for a in conns),
                                network.n_stops, transfers[0], egress_j, *transfers[1:],
                                BOARD_SLACK_SECONDS)
            direct_s = _row_min(direct[:, [j]], origins.n_points)
            seconds = shortest_open_times(
                origins.stop_ptr, origins.stop_index, origins.stop_seconds, direct_s,
                request.departure_seconds, request.n_minutes, *scan, day_ptr, opens, last, max_s)
            minutes = np.where(seconds >= UNREACHABLE, np.nan, seconds / 60.0)
            for k, rs in enumerate(distinct.values()):
                result[rs, j] = minutes[k]
    result[:, :, ~origins.snap.ok] = np.nan
    return result
