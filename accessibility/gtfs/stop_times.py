"""Stop-time checks and interpolation, vectorised over all trips at once.

Private helper of :mod:`accessibility.gtfs`. Every function takes row arrays of
``stop_times`` sorted by trip and ``stop_sequence``, with ``trip`` an integer
trip code per row whose rows are contiguous.
"""

from __future__ import annotations

import numpy as np

from accessibility.errors import GtfsError
from accessibility.geo import haversine_m


def trip_starts(trip: np.ndarray) -> np.ndarray:
    """Boolean mask of the first row of every trip."""
    start = np.ones(len(trip), dtype=bool)
    start[1:] = trip[1:] != trip[:-1]
    return start


def trip_ends(trip: np.ndarray) -> np.ndarray:
    """Boolean mask of the last row of every trip."""
    end = np.ones(len(trip), dtype=bool)
    end[:-1] = trip[1:] != trip[:-1]
    return end


def fill_and_check(
    trip: np.ndarray,
    arrival: np.ndarray,
    departure: np.ndarray,
    trip_ids: np.ndarray,
    stop_sequence: np.ndarray,
    where: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Complete half-given times and reject trips whose times go backwards.

    A row with only an arrival (or only a departure) gets the other time equal
    to it. The first and last stop of every trip must have a time.

    Parameters
    ----------
    trip : numpy.ndarray of int
        Trip code per row (rows of one trip contiguous, ordered by stop_sequence).
    arrival, departure : numpy.ndarray of float64
        Seconds since the start of the service day; NaN where empty.
    trip_ids : numpy.ndarray of str
        Trip id per trip code, for messages.
    stop_sequence : numpy.ndarray of int
        For messages.
    where : str
        Location of ``stop_times.txt`` for messages.

    Returns
    -------
    arrival, departure : numpy.ndarray of float64
        NaN only on rows without any time.

    Raises
    ------
    GtfsError
        First or last stop of a trip without time; departure before arrival;
        arrival before the departure at the previous timed stop.
    """
    arrival = np.where(np.isnan(arrival), departure, arrival)
    departure = np.where(np.isnan(departure), arrival, departure)
    timed = ~np.isnan(arrival)
    boundary = trip_starts(trip) | trip_ends(trip)
    untimed_boundary = np.flatnonzero(boundary & ~timed)
    if len(untimed_boundary):
        i = int(untimed_boundary[0])
        raise GtfsError(
            f"{where}: trip_id {trip_ids[trip[i]]!r} has no arrival/departure time at its "
            f"{'first' if trip_starts(trip)[i] else 'last'} stop (stop_sequence "
            f"{stop_sequence[i]}); {len(untimed_boundary)} such first/last stop(s) in the feed: "
            "the first and last stop of every trip must have times."
        )
    early = np.flatnonzero(timed & (departure < arrival))
    if len(early):
        i = int(early[0])
        raise GtfsError(
            f"{where}: trip_id {trip_ids[trip[i]]!r} stop_sequence {stop_sequence[i]} departs at "
            f"{_hms(departure[i])} before it arrives at {_hms(arrival[i])}: fix the times."
        )
    rows = np.flatnonzero(timed)
    same_trip = trip[rows[1:]] == trip[rows[:-1]]
    back = np.flatnonzero(same_trip & (arrival[rows[1:]] < departure[rows[:-1]]))
    if len(back):
        prev, i = int(rows[back[0]]), int(rows[back[0] + 1])
        raise GtfsError(
            f"{where}: trip_id {trip_ids[trip[i]]!r} goes back in time: stop_sequence "
            f"{stop_sequence[i]} arrives at {_hms(arrival[i])}, before the departure "
            f"{_hms(departure[prev])} at stop_sequence {stop_sequence[prev]}; "
            f"{len(back)} such step(s) in the feed: fix the times."
        )
    return arrival, departure


def trim_untimed_ends(trip: np.ndarray, arrival: np.ndarray) -> np.ndarray:
    """Mask of the rows to keep: drops untimed rows before a trip's first or after its
    last timed row (they appear when a timed stop was dropped for bad coordinates).
    """
    timed = ~np.isnan(arrival)
    idx = np.arange(len(trip))
    # Index of the first / last timed row of each row's trip.
    starts = np.flatnonzero(trip_starts(trip))
    code = np.cumsum(trip_starts(trip)) - 1
    first = np.full(len(starts), len(trip))
    last = np.full(len(starts), -1)
    np.minimum.at(first, code[timed], idx[timed])
    np.maximum.at(last, code[timed], idx[timed])
    return (idx >= first[code]) & (idx <= last[code])


def interpolate(
    trip: np.ndarray,
    arrival: np.ndarray,
    departure: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    shape_dist: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fill empty stop times linearly by distance along the trip (as R5 does).

    The distance is ``shape_dist_traveled`` when a trip gives it, non-decreasing,
    on all its rows, else the cumulative straight-line (haversine) distance
    between its stops. When the two surrounding timed stops are at the same
    distance, the stops in between are spaced evenly by position. Interpolated
    times are rounded to whole seconds.

    Parameters
    ----------
    trip : numpy.ndarray of int
        Trip code per row; first and last row of every trip must be timed.
    arrival, departure : numpy.ndarray of float64
        Seconds; NaN where to interpolate.
    lat, lon : numpy.ndarray of float64
        Stop coordinates per row, degrees.
    shape_dist : numpy.ndarray of float64
        ``shape_dist_traveled`` per row (NaN where absent), any unit.

    Returns
    -------
    arrival, departure : numpy.ndarray of int64
        Seconds, complete.
    interpolated : numpy.ndarray of bool
        Rows whose times were interpolated.
    """
    n = len(trip)
    untimed = np.isnan(arrival)
    if not untimed.any():
        return arrival.astype(np.int64), departure.astype(np.int64), untimed
    start = trip_starts(trip)
    starts = np.flatnonzero(start)
    seg = np.zeros(n)
    seg[1:] = haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
    seg[start] = 0.0
    cum = np.cumsum(seg)
    cum -= np.repeat(cum[starts], np.diff(np.append(starts, n)))
    # Trips with shape_dist_traveled on every row, non-decreasing, use it instead.
    step = np.zeros(n)
    step[1:] = np.diff(shape_dist)
    step[start] = 0.0
    ok = ~np.isnan(shape_dist) & (step >= 0)
    trip_ok = np.logical_and.reduceat(ok, starts)
    use_shape = np.repeat(trip_ok, np.diff(np.append(starts, n)))
    cum = np.where(use_shape, shape_dist, cum)

    idx = np.arange(n)
    prev = np.maximum.accumulate(np.where(untimed, -1, idx))
    nxt = np.minimum.accumulate(np.where(untimed, n, idx)[::-1])[::-1]
    rows = np.flatnonzero(untimed)
    p, q = prev[rows], nxt[rows]
    span = cum[q] - cum[p]
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = np.where(span > 0, (cum[rows] - cum[p]) / span, (rows - p) / (q - p))
    times = np.rint(departure[p] + (arrival[q] - departure[p]) * fraction)
    arrival = arrival.copy()
    departure = departure.copy()
    arrival[rows] = times
    departure[rows] = times
    return arrival.astype(np.int64), departure.astype(np.int64), untimed


def _hms(seconds: float) -> str:
    """Format seconds as H:MM:SS."""
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"
