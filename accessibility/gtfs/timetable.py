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
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from accessibility.errors import NoServiceError
from accessibility.gtfs.feed import GtfsFeed, feed_date_range, read_feeds, valid_stops
from accessibility.gtfs.patterns import build_patterns
from accessibility.gtfs.service import nearest_service_date, service_dates
from accessibility.gtfs.trips import select_trips

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
        ``interpolated_stop_times`` (rows of this timetable with interpolated
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
        template_route_ids=route_of_trip.astype(str),
        template_route_types=route_type.loc[route_of_trip].to_numpy(),
        instance_template=template.astype(np.int64),
        instance_shift=selection.shift,
        instance_ids=selection.trip_ids,
    )
    interpolated_per_template = np.add.reduceat(
        st["interpolated"].to_numpy()[rows].astype(np.int64), sub_ptr[:-1]
    )
    transfer_ptr, transfer_to, transfer_seconds = _transfer_csr(feed, stops)
    stats = {
        "trips": len(arrays.trip_ids),
        "patterns": len(arrays.pattern_stop_ptr) - 1,
        "frequency_trips": selection.frequency_trips,
        "previous_day_trips": selection.previous_day_trips,
        "interpolated_stop_times": int(interpolated_per_template[template].sum()),
        "overtaking_splits": arrays.overtaking_splits,
        "transfers": len(transfer_to),
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


def _transfer_csr(feed: GtfsFeed, stops: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Transfers as CSR rows per from-stop (longest time kept for duplicate pairs)."""
    index = pd.Index(stops["stop_id"])
    frm = index.get_indexer(feed.transfers["from_stop_id"])
    to = index.get_indexer(feed.transfers["to_stop_id"])
    pairs = pd.DataFrame(
        {"frm": frm, "to": to, "seconds": feed.transfers["min_transfer_time"].to_numpy()}
    )
    pairs = pairs.groupby(["frm", "to"], as_index=False)["seconds"].max()
    counts = np.bincount(pairs["frm"].to_numpy(), minlength=len(stops))
    ptr = np.zeros(len(stops) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(counts)
    return (
        ptr,
        pairs["to"].to_numpy().astype(np.int32),
        pairs["seconds"].to_numpy().astype(np.int32),
    )
