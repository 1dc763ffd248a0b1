"""Backward profile search: travel time to the nearest of a set of targets.

The white-spot analysis asks, for tens of thousands of population points, how
long the trip to the *nearest* steunpunt takes, for every departure minute of a
window. Running a forward search per point would cost points x minutes
searches. Instead, one backward Connection Scan (CSA) profile search from all
targets at once computes, for every stop ``s``, the step function

    P_s(t) = earliest arrival at any target when standing at stop s at time t

(Dibbelt et al., "Connection Scan Algorithm", 2018, profile variant). A point
then needs only a few look-ups per minute: ``min(t0 + walk_direct,
min_s P_s(t0 + walk_to_s))``. The cost grows with the timetable, not with
points x targets.

Semantics match the RAPTOR engine: boarding needs ``board_slack`` seconds
between being at the stop and the vehicle's departure (also at the first
boarding); after alighting one may walk to a target (egress), board again at
the same stop, or walk one transfer to another stop and board there. A trip
is boarded only where its pickup is allowed and left only where its drop-off
is allowed (GTFS ``pickup_type`` / ``drop_off_type`` 1 forbids it; the flags
of every connection say which, see :data:`CAN_BOARD`, :data:`CAN_ALIGHT`). The
number of rides is not limited (the RAPTOR default of 8 rides almost never
binds for trips to the nearest steunpunt).

This module holds the numba kernels and the connection array builder only.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from accessibility.gtfs import Timetable

#: Sentinel for "unreachable" in integer seconds.
UNREACHABLE = np.int64(2**62)

#: Bits of a connection's flags: the trip may be boarded at its from-stop /
#: left at its to-stop.
CAN_BOARD = np.int8(1)
CAN_ALIGHT = np.int8(2)


def timetable_connections(
    timetable: Timetable, earliest_departure: int, latest_departure: int
) -> tuple[np.ndarray, ...]:
    """Elementary connections of a timetable, sorted for a backward scan.

    Parameters
    ----------
    timetable : Timetable
    earliest_departure, latest_departure : int
        Seconds since midnight; only connections departing in this closed
        interval are kept.

    Returns
    -------
    dep, arr : numpy.ndarray of int64
        Departure and arrival time of each connection (seconds).
    from_stop, to_stop : numpy.ndarray of int32
    trip : numpy.ndarray of int32
        Global trip index.
    flags : numpy.ndarray of int8
        :data:`CAN_BOARD` when the trip may be boarded at ``from_stop``, plus
        :data:`CAN_ALIGHT` when it may be left at ``to_stop``.

    Connections are ordered by departure time, latest first; hops of the same
    trip with equal departure times keep their order along the trip reversed,
    so that a trip's later hops are always scanned first.
    """
    stop_ptr = timetable.pattern_stop_ptr
    trip_ptr = timetable.pattern_trip_ptr
    n_stops_per_pattern = np.diff(stop_ptr)
    n_trips_per_pattern = np.diff(trip_ptr)
    # Hops per trip = stops - 1; build index arrays for every (trip, position).
    trip_pattern = np.repeat(np.arange(len(n_trips_per_pattern)), n_trips_per_pattern)
    hops_per_trip = np.maximum(n_stops_per_pattern[trip_pattern] - 1, 0)
    trip_of_hop = np.repeat(np.arange(len(trip_pattern)), hops_per_trip)
    first_hop = np.concatenate(([0], np.cumsum(hops_per_trip)[:-1]))
    position = np.arange(len(trip_of_hop)) - np.repeat(first_hop, hops_per_trip)
    time_index = timetable.trip_time_ptr[trip_of_hop] + position
    dep = timetable.departure[time_index].astype(np.int64)
    arr = timetable.arrival[time_index + 1].astype(np.int64)
    stop_base = stop_ptr[trip_pattern[trip_of_hop]] + position
    from_stop = timetable.pattern_stops[stop_base].astype(np.int32)
    to_stop = timetable.pattern_stops[stop_base + 1].astype(np.int32)
    flags = np.where(timetable.pattern_pickup[stop_base], CAN_BOARD, 0) | np.where(
        timetable.pattern_drop_off[stop_base + 1], CAN_ALIGHT, 0
    )
    keep = (dep >= earliest_departure) & (dep <= latest_departure)
    order = np.lexsort((-position[keep], -dep[keep]))
    return (
        dep[keep][order],
        arr[keep][order],
        from_stop[keep][order],
        to_stop[keep][order],
        trip_of_hop[keep][order].astype(np.int32),
        flags[keep][order].astype(np.int8),
    )


@njit(cache=True, inline="always")
def _last_ready_at_or_after(prof_ready: np.ndarray, base: int, length: int, t: int) -> int:
    """Index (from ``base``) of the last entry whose ready time is ``>= t``; -1 if none.

    Entries ``base .. base+length-1`` have strictly decreasing ready times and
    strictly decreasing arrivals, so that entry is the best one for a traveller
    at the stop at time ``t``.
    """
    if length == 0 or prof_ready[base] < t:
        return -1
    lo = 0
    hi = length - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if prof_ready[base + mid] >= t:
            lo = mid
        else:
            hi = mid - 1
    return lo


@njit(cache=True, inline="always")
def _profile_lookup(
    prof_ready: np.ndarray, prof_arrival: np.ndarray, base: int, length: int, t: int
) -> int:
    """Earliest arrival at a target for a traveller at the stop at time ``t``."""
    idx = _last_ready_at_or_after(prof_ready, base, length, t)
    return UNREACHABLE if idx < 0 else prof_arrival[base + idx]


@njit(cache=True)
def profile_scan(
    conn_dep: np.ndarray,
    conn_arr: np.ndarray,
    conn_from: np.ndarray,
    conn_to: np.ndarray,
    conn_trip: np.ndarray,
    conn_flags: np.ndarray,
    n_stops: int,
    n_trips: int,
    egress_seconds: np.ndarray,
    transfer_ptr: np.ndarray,
    transfer_to: np.ndarray,
    transfer_seconds: np.ndarray,
    self_transfer_seconds: np.ndarray,
    board_slack: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward CSA profile scan towards a set of targets.

    Parameters
    ----------
    conn_dep, conn_arr, conn_from, conn_to, conn_trip, conn_flags : numpy.ndarray
        Connections from :func:`timetable_connections` (latest first), with
        their boarding rules: a connection without :data:`CAN_BOARD` adds no
        profile entry at its from-stop, one without :data:`CAN_ALIGHT` offers
        no egress or transfer at its to-stop (riding on is always possible).
    n_stops, n_trips : int
    egress_seconds : numpy.ndarray of int64, shape (n_stops,)
        Walking time from each stop to its nearest target (``UNREACHABLE``
        where no target is within the egress limit).
    transfer_ptr, transfer_to, transfer_seconds : numpy.ndarray
        Walking transfers between different stops as CSR rows (seconds).
    self_transfer_seconds : numpy.ndarray of int64, shape (n_stops,)
        Minimum time to change vehicles at the same stop (0 unless
        ``transfers.txt`` sets one; a time beyond the day when it forbids it).
    board_slack : int
        Seconds needed between being at a stop and the vehicle's departure.

    Returns
    -------
    prof_ptr : numpy.ndarray of int64, shape (n_stops + 1,)
        Profile entries of stop ``s`` start at ``prof_ptr[s]``.
    prof_len : numpy.ndarray of int64, shape (n_stops,)
    prof_ready, prof_arrival : numpy.ndarray of int64
        Profile entries: being at the stop by ``prof_ready`` reaches a target
        at ``prof_arrival`` (both seconds since midnight). Packed as one array
        of shape (2, n_entries).
    """
    n_conn = len(conn_dep)
    capacity = np.zeros(n_stops + 1, dtype=np.int64)
    for k in range(n_conn):
        capacity[conn_from[k] + 1] += 1
    prof_ptr = np.cumsum(capacity)
    prof_len = np.zeros(n_stops, dtype=np.int64)
    entries = np.empty((2, max(n_conn, 1)), dtype=np.int64)
    prof_ready = entries[0]
    prof_arrival = entries[1]
    trip_best = np.full(n_trips, UNREACHABLE, dtype=np.int64)

    for k in range(n_conn):
        trip = conn_trip[k]
        v = conn_to[k]
        t_arr = conn_arr[k]
        best = trip_best[trip]
        if conn_flags[k] & CAN_ALIGHT:
            if egress_seconds[v] < UNREACHABLE:
                best = min(best, t_arr + egress_seconds[v])
            best = min(best, _profile_lookup(prof_ready, prof_arrival, prof_ptr[v], prof_len[v],
                                             t_arr + self_transfer_seconds[v]))
            for j in range(transfer_ptr[v], transfer_ptr[v + 1]):
                w = transfer_to[j]
                best = min(
                    best,
                    _profile_lookup(
                        prof_ready, prof_arrival, prof_ptr[w], prof_len[w],
                        t_arr + transfer_seconds[j],
                    ),
                )
            trip_best[trip] = best
        if best >= UNREACHABLE or not conn_flags[k] & CAN_BOARD:
            continue
        u = conn_from[k]
        ready = conn_dep[k] - board_slack
        base = prof_ptr[u]
        n = prof_len[u]
        if n == 0:
            prof_ready[base] = ready
            prof_arrival[base] = best
            prof_len[u] = 1
        elif best < prof_arrival[base + n - 1]:
            if prof_ready[base + n - 1] == ready:
                prof_arrival[base + n - 1] = best
            else:
                prof_ready[base + n] = ready
                prof_arrival[base + n] = best
                prof_len[u] = n + 1
    return prof_ptr, prof_len, entries


@njit(cache=True, parallel=True)
def evaluate_points(
    access_ptr: np.ndarray,
    access_stop: np.ndarray,
    access_seconds: np.ndarray,
    direct_seconds: np.ndarray,
    departures: np.ndarray,
    prof_ptr: np.ndarray,
    prof_len: np.ndarray,
    entries: np.ndarray,
    max_seconds: int,
    wait_at_origin: bool,
) -> np.ndarray:
    """Travel time of every point to the nearest target, per departure.

    Parameters
    ----------
    access_ptr, access_stop, access_seconds : numpy.ndarray
        Walking access from each point to stops as CSR rows (seconds).
    direct_seconds : numpy.ndarray of int64, shape (n_points,)
        Walk-only time to the nearest target (``UNREACHABLE`` if none).
    departures : numpy.ndarray of int64, shape (n_departures,)
        Departure times (seconds since midnight), increasing.
    prof_ptr, prof_len, entries : numpy.ndarray
        Output of :func:`profile_scan`.
    max_seconds : int
        Trips longer than this count as unreachable.
    wait_at_origin : bool
        True: travel time is arrival minus the departure time (r5py's
        meaning). False: counted from the latest departure in the window that
        still reaches the same arrival (a traveller who times the trip).

    Returns
    -------
    numpy.ndarray of int64, shape (n_points, n_departures)
        Travel time in seconds, ``UNREACHABLE`` beyond ``max_seconds``.
    """
    n_points = len(access_ptr) - 1
    n_dep = len(departures)
    prof_ready = entries[0]
    prof_arrival = entries[1]
    out = np.empty((n_points, n_dep), dtype=np.int64)
    for p in prange(n_points):
        arrivals = np.full(n_dep, UNREACHABLE, dtype=np.int64)
        if direct_seconds[p] < UNREACHABLE:
            for m in range(n_dep):
                arrivals[m] = departures[m] + direct_seconds[p]
        for j in range(access_ptr[p], access_ptr[p + 1]):
            s = access_stop[j]
            base = prof_ptr[s]
            walk = access_seconds[j]
            # Ready times fall along the entries, so as the departure minute
            # grows the usable entry (the last one still ready in time) moves
            # towards the front: one binary search, then a backward walk.
            idx = _last_ready_at_or_after(prof_ready, base, prof_len[s], departures[0] + walk)
            for m in range(n_dep):
                t = departures[m] + walk
                while idx >= 0 and prof_ready[base + idx] < t:
                    idx -= 1
                if idx < 0:
                    break
                if prof_arrival[base + idx] < arrivals[m]:
                    arrivals[m] = prof_arrival[base + idx]
        latest_same = n_dep - 1
        for m in range(n_dep - 1, -1, -1):
            if m == n_dep - 1 or arrivals[m] != arrivals[m + 1]:
                latest_same = m
            start = departures[m] if wait_at_origin else departures[latest_same]
            if arrivals[m] >= UNREACHABLE or arrivals[m] - start > max_seconds:
                out[p, m] = UNREACHABLE
            else:
                out[p, m] = arrivals[m] - start
    return out
