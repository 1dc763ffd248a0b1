"""GTFS input: read and validate feeds, pick the service of one date, build the
:class:`~accessibility.timetable.Timetable` the routing engine needs.

Typical use::

    feed = read_feeds(["poa_eptc.zip", "poa_trensurb.zip"])
    timetable = build_timetable(feed, datetime.date(2019, 5, 13))

All ids of the merged feed are prefixed with their feed id (``"poa_eptc:1511"``).
Problems that do not stop the analysis (stops with impossible coordinates,
stop times at such stops, trips left with fewer than two stops, unsupported
transfers) are dropped, counted in :attr:`GtfsFeed.stats`, described in
:attr:`GtfsFeed.problems` and logged as warnings.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from accessibility._gtfs_feed import FEED_TABLES, read_one_feed
from accessibility._gtfs_patterns import build_patterns
from accessibility._gtfs_read import safe_feed_id
from accessibility._gtfs_service import (
    date_range,
    nearest_service_date,
    service_dates,
)
from accessibility._gtfs_trips import TripSelection, select_trips
from accessibility.errors import GtfsError, NoServiceError
from accessibility.timetable import Timetable

log = logging.getLogger(__name__)

__all__ = [
    "FeedInfo",
    "FeedSummary",
    "GtfsFeed",
    "TripSelection",
    "build_timetable",
    "default_feed_ids",
    "feed_date_range",
    "feed_info",
    "read_feeds",
    "select_trips",
    "valid_stops",
]


@dataclass
class GtfsFeed:
    """One or more GTFS feeds, parsed, validated and merged.

    Every table has a ``feed_id`` column; ids (stop, trip, route, service,
    agency) are prefixed ``"<feed_id>:"``.

    Attributes
    ----------
    feed_ids : list of str
    paths : list of Path
        Source of every feed (same order as ``feed_ids``).
    agency, routes, trips, calendar, calendar_dates, frequencies : pandas.DataFrame
        ``routes.route_type`` int; ``calendar`` weekday flags int and
        ``start_date``/``end_date`` datetime64; ``calendar_dates.date``
        datetime64 and ``exception_type`` int; ``frequencies`` ``start_time``,
        ``end_time``, ``headway_secs`` (seconds) and ``exact_times`` int.
    stops : pandas.DataFrame
        Stops with valid coordinates (invalid boarding stops dropped):
        ``stop_id, stop_name, stop_lat, stop_lon`` (degrees), ``location_type``
        (int), ``parent_station``.
    stop_times : pandas.DataFrame
        Sorted by trip (in ``trips`` order) and ``stop_sequence``; complete
        ``arrival_time``/``departure_time`` in seconds (int64, may exceed
        86400), ``interpolated`` (bool) marking interpolated times and
        ``stop_index`` (int32): the stop's row in :func:`valid_stops`.
    transfers : pandas.DataFrame
        Usable stop-to-stop transfers: ``from_stop_id, to_stop_id,
        min_transfer_time`` (seconds).
    trip_row_ptr : numpy.ndarray of int64, shape (n_trips + 1,)
        Trip ``i`` of ``trips`` owns rows ``trip_row_ptr[i]:trip_row_ptr[i+1]``
        of ``stop_times``.
    stats : dict of str to dict of str to int
        Per feed id: counts of what was read, dropped and interpolated.
    problems : list of str
        Human-readable descriptions of what was dropped or looks wrong.
    """

    feed_ids: list[str]
    paths: list[Path]
    agency: pd.DataFrame
    stops: pd.DataFrame
    routes: pd.DataFrame
    trips: pd.DataFrame
    stop_times: pd.DataFrame
    calendar: pd.DataFrame
    calendar_dates: pd.DataFrame
    frequencies: pd.DataFrame
    transfers: pd.DataFrame
    trip_row_ptr: np.ndarray
    stats: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def default_feed_ids(paths: Sequence[str | Path]) -> list[str]:
    """Feed ids from file or folder stems, made unique with ``_2``, ``_3``... suffixes."""
    ids: list[str] = []
    for path in paths:
        p = Path(path)
        base = safe_feed_id(p.stem if p.suffix.lower() == ".zip" else p.name)
        candidate, k = base, 2
        while candidate in ids:
            candidate, k = f"{base}_{k}", k + 1
        ids.append(candidate)
    return ids


def read_feeds(
    paths: Sequence[str | Path] | str | Path, feed_ids: Sequence[str] | None = None
) -> GtfsFeed:
    """Read, validate and merge GTFS feeds.

    Parameters
    ----------
    paths : sequence of str or Path
        ``.zip`` files or folders (a single path is accepted too).
    feed_ids : sequence of str, optional
        One id per feed, unique, without ``":"``. Default: the file or folder
        stem, made unique.

    Returns
    -------
    GtfsFeed

    Raises
    ------
    GtfsError
        A required file or column is missing, a value cannot be parsed, an id
        is referenced but not defined, or a trip's times go backwards.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    paths = [Path(p) for p in paths]
    if not paths:
        raise GtfsError("No GTFS feed given: pass at least one .zip file or folder.")
    if feed_ids is None:
        ids = default_feed_ids(paths)
    else:
        ids = [str(f) for f in feed_ids]
        if len(ids) != len(paths):
            raise GtfsError(
                f"{len(ids)} feed id(s) given for {len(paths)} feed(s): give one id per feed."
            )
        bad = [f for f in ids if not f or ":" in f]
        if bad or len(set(ids)) != len(ids):
            raise GtfsError(
                f"Feed ids {ids} must be unique, non-empty and free of ':': choose other ids."
            )
    parts = [read_one_feed(path, feed_id) for path, feed_id in zip(paths, ids, strict=True)]
    tables = {
        name: pd.concat([p.tables[name] for p in parts], ignore_index=True) for name in FEED_TABLES
    }
    problems = [f"{p.feed_id}: {text}" for p in parts for text in p.problems]
    for text in problems:
        log.warning("GTFS %s", text)
    # Stop indices and trip row offsets are per feed: shift them into the merged tables.
    n_boarding = [int((p.tables["stops"]["location_type"] == 0).sum()) for p in parts]
    n_rows = [len(p.tables["stop_times"]) for p in parts]
    tables["stop_times"]["stop_index"] += np.repeat(
        np.cumsum([0, *n_boarding[:-1]]), n_rows
    ).astype(np.int32)
    row_offsets = np.cumsum([0, *n_rows[:-1]])
    trip_row_ptr = np.concatenate(
        [[0]] + [p.trip_row_ptr[1:] + o for p, o in zip(parts, row_offsets, strict=True)]
    ).astype(np.int64)
    return GtfsFeed(
        feed_ids=ids,
        paths=paths,
        trip_row_ptr=trip_row_ptr,
        stats={p.feed_id: p.stats for p in parts},
        problems=problems,
        **tables,
    )


def valid_stops(feed: GtfsFeed) -> pd.DataFrame:
    """The boarding stops of the feed, in the order of :attr:`Timetable.stop_ids`.

    The order does not depend on the date, so stop-to-street links can be
    computed once and reused for every date.

    Returns
    -------
    pandas.DataFrame
        Columns ``stop_id`` (feed-prefixed), ``stop_name``, ``stop_lat``,
        ``stop_lon`` (degrees) and ``feed_id``; index 0..n_stops-1 equals the
        stop index used in the timetable.
    """
    boarding = feed.stops[feed.stops["location_type"] == 0]
    return boarding[["stop_id", "stop_name", "stop_lat", "stop_lon", "feed_id"]].reset_index(
        drop=True
    )


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


def feed_date_range(feed: GtfsFeed, feed_id: str) -> tuple[dt.date, dt.date] | None:
    """Service period of one feed of ``feed``: calendar start/end and added dates (None if none)."""
    return date_range(
        feed.calendar[feed.calendar["feed_id"] == feed_id],
        feed.calendar_dates[feed.calendar_dates["feed_id"] == feed_id],
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


@dataclass(frozen=True)
class FeedSummary:
    """What one feed holds, and on ``date`` (when given) what runs.

    Attributes
    ----------
    feed_id : str
    path : Path
    agencies : list of str
        Agency names (agency_id when the name is empty).
    routes, stops, dropped_stops : int
        Routes; boarding stops kept; boarding stops dropped for bad coordinates.
    trips, trips_in_file : int
        Trips with at least two usable stop times; rows of ``trips.txt``.
    stop_times, stop_times_in_file : int
        Usable stop times; rows of ``stop_times.txt``.
    frequencies : int
        Usable rows of ``frequencies.txt``.
    first_date, last_date : datetime.date or None
        Service date range named by ``calendar.txt`` and ``calendar_dates.txt``.
    trips_on_date, frequency_trips, previous_day_trips : int or None
        Trips running on ``date`` (frequency-expanded and previous-day ones
        included) and how many of them are of either kind; None without a date.
    interpolated_stop_times, patterns : int or None
        Stop times of those trips with interpolated times; patterns.
    problems : list of str
    """

    feed_id: str
    path: Path
    agencies: list[str]
    routes: int
    stops: int
    dropped_stops: int
    trips: int
    trips_in_file: int
    stop_times: int
    stop_times_in_file: int
    frequencies: int
    first_date: dt.date | None
    last_date: dt.date | None
    trips_on_date: int | None
    frequency_trips: int | None
    previous_day_trips: int | None
    interpolated_stop_times: int | None
    patterns: int | None
    problems: list[str]


@dataclass(frozen=True)
class FeedInfo:
    """Summary of one or more feeds (see :func:`feed_info`)."""

    date: dt.date | None
    feeds: list[FeedSummary]


def feed_info(paths: Sequence[str | Path] | str | Path, date: dt.date | None = None) -> FeedInfo:
    """Summarise feeds: agencies, counts, date range and, for ``date``, what runs.

    Each feed is read on its own (with the feed id it would get when merged),
    so a feed without service on ``date`` is reported as a problem instead of
    failing the whole summary.

    Parameters
    ----------
    paths : sequence of str or Path
        ``.zip`` files or folders.
    date : datetime.date, optional

    Returns
    -------
    FeedInfo

    Raises
    ------
    GtfsError
        A feed cannot be read (see :func:`read_feeds`).
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    paths = [Path(p) for p in paths]
    summaries = []
    for path, feed_id in zip(paths, default_feed_ids(paths), strict=True):
        feed = read_feeds([path], [feed_id])
        stats = feed.stats[feed_id]
        problems = [p.split(": ", 1)[1] for p in feed.problems]
        on_date: dict[str, int | None] = dict.fromkeys(
            (
                "trips",
                "frequency_trips",
                "previous_day_trips",
                "interpolated_stop_times",
                "patterns",
            )
        )
        if date is not None:
            try:
                tt = build_timetable(feed, date)
                on_date = {k: tt.stats[k] for k in on_date}
            except NoServiceError as exc:
                problems.append(str(exc))
                on_date = dict.fromkeys(on_date, 0)
        span = feed_date_range(feed, feed_id)
        names = feed.agency["agency_name"].where(
            feed.agency["agency_name"] != "", feed.agency["agency_id"].str.split(":", n=1).str[-1]
        )
        summaries.append(
            FeedSummary(
                feed_id=feed_id,
                path=path,
                agencies=names.tolist(),
                routes=stats["routes"],
                stops=stats["stops"],
                dropped_stops=stats["dropped_stops"],
                trips=stats["trips"],
                trips_in_file=stats["trips_in_file"],
                stop_times=stats["stop_times"],
                stop_times_in_file=stats["stop_times_in_file"],
                frequencies=stats["frequencies"],
                first_date=span[0] if span else None,
                last_date=span[1] if span else None,
                trips_on_date=on_date["trips"],
                frequency_trips=on_date["frequency_trips"],
                previous_day_trips=on_date["previous_day_trips"],
                interpolated_stop_times=on_date["interpolated_stop_times"],
                patterns=on_date["patterns"],
                problems=problems,
            )
        )
    return FeedInfo(date=date, feeds=summaries)
