"""The timetable form the routing engine needs.

A :class:`Timetable` holds the public-transport service of one analysis date in
flat numpy arrays (numba-friendly). It is produced by
:func:`accessibility.gtfs.build_timetable` and consumed by the RAPTOR kernels.

Layout
------
Stops are numbered ``0 .. n_stops-1``. Trips are grouped into *patterns*
(same route, stop sequence and boarding rules, no overtaking). Pattern ``p``
visits the stops ``pattern_stops[pattern_stop_ptr[p]:pattern_stop_ptr[p+1]]``;
``pattern_pickup`` and ``pattern_drop_off`` (same positions) say whether its
trips may be boarded / left at each of them (GTFS ``pickup_type`` /
``drop_off_type`` 1 forbids it, 0, 2 and 3 allow it). The pattern owns the trips
``pattern_trip_ptr[p] .. pattern_trip_ptr[p+1]-1`` (global trip indices), sorted
so that at every stop of the pattern departures are non-decreasing (a binary
search for the first boardable trip is valid). Trip ``g`` with ``S`` stops keeps
its times at ``arrival[trip_time_ptr[g] : trip_time_ptr[g] + S]`` (likewise
``departure``).

Times are integer seconds relative to midnight of the analysis date. Trips of
earlier service days that still run on the analysis date appear with their
times shifted by -86400 s per day (a trip passing 48:00:00 also two days
later); trips of the next service day departing before 06:00 appear shifted by
+86400 s. :attr:`Timetable.latest_departure_s` is the end of what the
timetable covers.

Transfers from ``transfers.txt`` are two lists: allowed pairs with their
minimum time as CSR rows per from-stop (``transfer_ptr``, ``transfer_to``,
``transfer_seconds``) and forbidden pairs (``forbidden_transfers``, type 3),
which remove the street walk between those stops.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from accessibility.errors import NoServiceError
from accessibility.gtfs.feed import GtfsFeed, feed_date_range, read_feeds, valid_stops
from accessibility.gtfs.patterns import build_patterns
from accessibility.gtfs.reader import NOT_AVAILABLE
from accessibility.gtfs.service import nearest_service_date, service_dates
from accessibility.gtfs.trips import NEXT_DAY_HOURS, SECONDS_PER_DAY, select_trips

log = logging.getLogger(__name__)


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
    pattern_pickup, pattern_drop_off : numpy.ndarray of bool
        Aligned with ``pattern_stops``: the pattern's trips may be boarded /
        left at that stop.
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
        Allowed transfers from ``transfers.txt`` as CSR rows per from-stop
        (minimum transfer time in seconds; 0 when the feed gives none).
    forbidden_transfers : numpy.ndarray of int32, shape (n_forbidden, 2)
        ``(from_stop, to_stop)`` pairs that ``transfers.txt`` forbids
        (``transfer_type`` 3); ``from == to`` forbids changing vehicles there.
    stats : dict
        Counts for reporting: ``interpolated_stop_times``, ``dropped_stops``,
        ``frequency_trips``, ``previous_day_trips``, ``next_day_trips``, ...
    """

    date: dt.date
    stop_ids: np.ndarray
    stop_names: np.ndarray
    stop_lat: np.ndarray
    stop_lon: np.ndarray
    pattern_stop_ptr: np.ndarray
    pattern_stops: np.ndarray
    pattern_pickup: np.ndarray
    pattern_drop_off: np.ndarray
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
    forbidden_transfers: np.ndarray
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

    @property
    def latest_departure_s(self) -> int:
        """Seconds since midnight of ``date`` up to which every departure is in the timetable.

        Later departures (of the next service day after 06:00) are not: a
        request must not need them.
        """
        return SECONDS_PER_DAY + NEXT_DAY_HOURS * 3600


def build_timetable(feed: GtfsFeed | Sequence[str | Path] | str | Path, date: dt.date) -> Timetable:
    """Build the timetable of one service date.

    Parameters
    ----------
    feed : GtfsFeed or sequence of paths
        A feed from :func:`read_feeds`, or paths to read.
    date : datetime.date
        Analysis date; times are seconds since its midnight.

    Returns
    -------
    Timetable
        ``stop_ids`` are all boarding stops of the feed, in the order of
        :func:`valid_stops` (independent of ``date``). ``stats`` holds
        ``trips``, ``patterns``, ``frequency_trips``, ``previous_day_trips``,
        ``next_day_trips``, ``interpolated_stop_times`` (rows of this timetable with interpolated
        times), ``overtaking_splits``, ``transfers`` and the feed totals
        ``dropped_stops`` and ``dropped_stop_times``.

    Raises
    ------
    NoServiceError
        No trip runs on ``date``; the message gives the feeds' date ranges and
        the nearest date with service.
    """
    if not isinstance(feed, GtfsFeed):
        feed = read_feeds(feed)
    stops = valid_stops(feed)
    selection = select_trips(feed, date)
    if len(selection.template) == 0:
        raise _no_service_error(feed, date)
    for feed_id in feed.feed_ids:
        if not np.char.startswith(selection.trip_ids, f"{feed_id}:").any():
            log.warning("GTFS feed %s has no trip on %s", feed_id, date.isoformat())

    row_ptr = feed.trip_row_ptr
    used, template = np.unique(selection.template, return_inverse=True)
    lengths = row_ptr[used + 1] - row_ptr[used]
    sub_ptr = np.zeros(len(used) + 1, dtype=np.int64)
    sub_ptr[1:] = np.cumsum(lengths)
    starts = row_ptr[used]
    rows = np.repeat(starts - (sub_ptr[:-1]), lengths) + np.arange(int(sub_ptr[-1]))
    st = feed.stop_times
    route_of_trip = feed.trips["route_id"].to_numpy()[used]
    route_type = feed.routes.set_index("route_id")["route_type"]
    arrays = build_patterns(
        row_ptr=sub_ptr,
        stop_index=st["stop_index"].to_numpy()[rows],
        arrival=st["arrival_time"].to_numpy()[rows],
        departure=st["departure_time"].to_numpy()[rows],
        pickup=st["pickup_type"].to_numpy()[rows] != NOT_AVAILABLE,
        drop_off=st["drop_off_type"].to_numpy()[rows] != NOT_AVAILABLE,
        template_route_ids=route_of_trip.astype(str),
        template_route_types=route_type.loc[route_of_trip].to_numpy(),
        instance_template=template.astype(np.int64),
        instance_shift=selection.shift,
        instance_ids=selection.trip_ids,
    )
    interpolated_per_template = np.add.reduceat(
        st["interpolated"].to_numpy()[rows].astype(np.int64), sub_ptr[:-1]
    )
    transfer_ptr, transfer_to, transfer_seconds, forbidden = _transfer_arrays(feed, stops)
    stats = {
        "trips": len(arrays.trip_ids),
        "patterns": len(arrays.pattern_stop_ptr) - 1,
        "frequency_trips": selection.frequency_trips,
        "previous_day_trips": selection.previous_day_trips,
        "next_day_trips": selection.next_day_trips,
        "interpolated_stop_times": int(interpolated_per_template[template].sum()),
        "overtaking_splits": arrays.overtaking_splits,
        "transfers": len(transfer_to),
        "forbidden_transfers": len(forbidden),
        "stops": len(stops),
        "dropped_stops": sum(s["dropped_stops"] for s in feed.stats.values()),
        "dropped_stop_times": sum(s["dropped_stop_times"] for s in feed.stats.values()),
    }
    return Timetable(
        date=date,
        stop_ids=stops["stop_id"].to_numpy().astype(str),
        stop_names=stops["stop_name"].to_numpy().astype(str),
        stop_lat=stops["stop_lat"].to_numpy(dtype=np.float64),
        stop_lon=stops["stop_lon"].to_numpy(dtype=np.float64),
        pattern_stop_ptr=arrays.pattern_stop_ptr,
        pattern_stops=arrays.pattern_stops,
        pattern_pickup=arrays.pattern_pickup,
        pattern_drop_off=arrays.pattern_drop_off,
        pattern_trip_ptr=arrays.pattern_trip_ptr,
        pattern_route_type=arrays.pattern_route_type,
        pattern_route_ids=arrays.pattern_route_ids,
        trip_time_ptr=arrays.trip_time_ptr,
        arrival=arrays.arrival,
        departure=arrays.departure,
        trip_ids=arrays.trip_ids,
        transfer_ptr=transfer_ptr,
        transfer_to=transfer_to,
        transfer_seconds=transfer_seconds,
        forbidden_transfers=forbidden,
        stats=stats,
    )


def _no_service_error(feed: GtfsFeed, date: dt.date) -> NoServiceError:
    """The error for a date on which no trip runs, with ranges and the nearest date."""
    ranges = []
    for feed_id in feed.feed_ids:
        span = feed_date_range(feed, feed_id)
        text = f"{span[0].isoformat()}..{span[1].isoformat()}" if span else "no dates"
        ranges.append(f"{feed_id}: {text}")
    pairs = service_dates(feed.calendar, feed.calendar_dates)
    pairs = pairs[pairs["service_id"].isin(feed.trips["service_id"])]
    nearest = nearest_service_date(pairs["date"].to_numpy(), date)
    hint = (
        f"the nearest date with service is {nearest.isoformat()}"
        if nearest
        else "no date has any service"
    )
    return NoServiceError(
        f"No trip runs on {date.isoformat()} in the GTFS feed(s) "
        f"({'; '.join(ranges)}); {hint}: choose a date with service."
    )


def _transfer_arrays(
    feed: GtfsFeed, stops: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Allowed transfers as CSR rows per from-stop, and the forbidden pairs.

    Returns ``(ptr, to, seconds, forbidden)``; pairs are unique (the reader
    settled duplicates).
    """
    index = pd.Index(stops["stop_id"])
    frm = index.get_indexer(feed.transfers["from_stop_id"])
    to = index.get_indexer(feed.transfers["to_stop_id"])
    seconds = feed.transfers["min_transfer_time"].to_numpy()
    banned = feed.transfers["not_possible"].to_numpy(dtype=bool)
    allowed = np.flatnonzero(~banned)
    allowed = allowed[np.lexsort((to[allowed], frm[allowed]))]
    counts = np.bincount(frm[allowed], minlength=len(stops))
    ptr = np.zeros(len(stops) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(counts)
    forbidden = np.stack([frm[banned], to[banned]], axis=1).astype(np.int32).reshape(-1, 2)
    return ptr, to[allowed].astype(np.int32), seconds[allowed].astype(np.int32), forbidden
