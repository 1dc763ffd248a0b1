"""The timetable form the routing engine needs.

A :class:`Timetable` holds the public-transport service of one analysis date in
flat numpy arrays (numba-friendly). It is produced by
:func:`accessibility.gtfs.build_timetable` and consumed by the RAPTOR kernels.

Layout
------
Stops are numbered ``0 .. n_stops-1``. Trips are grouped into *patterns*
(same stop sequence, no overtaking). Pattern ``p`` visits the stops
``pattern_stops[pattern_stop_ptr[p]:pattern_stop_ptr[p+1]]`` and owns the trips
``pattern_trip_ptr[p] .. pattern_trip_ptr[p+1]-1`` (global trip indices), sorted
so that at every stop of the pattern departures are non-decreasing (a binary
search for the first boardable trip is valid). Trip ``g`` with ``S`` stops keeps
its times at ``arrival[trip_time_ptr[g] : trip_time_ptr[g] + S]`` (likewise
``departure``).

Times are integer seconds relative to midnight of the analysis date. Trips of
the previous service day that run past midnight appear with their times shifted
by -86400 s (only when some of their times fall on the analysis date).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Timetable:
    """Public-transport service of one date, as flat arrays.

    Attributes
    ----------
    date : datetime.date
        The analysis (service) date.
    stop_ids : numpy.ndarray of str, shape (n_stops,)
        Stop ids prefixed with the feed id: ``"<feed_id>:<stop_id>"``.
    stop_names : numpy.ndarray of str, shape (n_stops,)
    stop_lat, stop_lon : numpy.ndarray of float64, shape (n_stops,)
        WGS84 coordinates in degrees.
    pattern_stop_ptr : numpy.ndarray of int64, shape (n_patterns + 1,)
    pattern_stops : numpy.ndarray of int32
        Stop indices of every pattern, concatenated.
    pattern_trip_ptr : numpy.ndarray of int64, shape (n_patterns + 1,)
    pattern_route_type : numpy.ndarray of int16, shape (n_patterns,)
        GTFS ``route_type`` of the pattern's route.
    pattern_route_ids : numpy.ndarray of str, shape (n_patterns,)
    trip_time_ptr : numpy.ndarray of int64, shape (n_trips,)
        Offset of each trip's first stop time in ``arrival`` / ``departure``.
    arrival, departure : numpy.ndarray of int32
        Seconds since midnight of ``date``.
    trip_ids : numpy.ndarray of str, shape (n_trips,)
        Feed-prefixed trip ids (frequency-expanded trips get a ``#k`` suffix).
    transfer_ptr : numpy.ndarray of int64, shape (n_stops + 1,)
    transfer_to : numpy.ndarray of int32
    transfer_seconds : numpy.ndarray of int32
        Transfers from ``transfers.txt`` as CSR rows per from-stop (minimum
        transfer time in seconds; 0 when the feed gives none).
    stats : dict
        Counts for reporting: ``interpolated_stop_times``, ``dropped_stops``,
        ``frequency_trips``, ``previous_day_trips``, ...
    """

    date: dt.date
    stop_ids: np.ndarray
    stop_names: np.ndarray
    stop_lat: np.ndarray
    stop_lon: np.ndarray
    pattern_stop_ptr: np.ndarray
    pattern_stops: np.ndarray
    pattern_trip_ptr: np.ndarray
    pattern_route_type: np.ndarray
    pattern_route_ids: np.ndarray
    trip_time_ptr: np.ndarray
    arrival: np.ndarray
    departure: np.ndarray
    trip_ids: np.ndarray
    transfer_ptr: np.ndarray
    transfer_to: np.ndarray
    transfer_seconds: np.ndarray
    stats: dict = field(default_factory=dict)

    @property
    def n_stops(self) -> int:
        """Number of stops."""
        return len(self.stop_ids)

    @property
    def n_patterns(self) -> int:
        """Number of trip patterns."""
        return len(self.pattern_stop_ptr) - 1

    @property
    def n_trips(self) -> int:
        """Number of trips running on ``date`` (including frequency-expanded ones)."""
        return len(self.trip_ids)
