"""Reading GTFS feeds: validate each feed and merge them into one :class:`GtfsFeed`.

All ids of the merged feed are prefixed with their feed id (``"poa_eptc:1511"``).
Problems that do not stop the analysis (stops with impossible coordinates,
stop times at such stops, trips left with fewer than two stops, transfers the
engines cannot apply) are dropped, counted in :attr:`GtfsFeed.stats`,
described in :attr:`GtfsFeed.problems` and logged as warnings.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from accessibility.errors import GtfsError
from accessibility.gtfs.reader import FEED_TABLES, read_one_feed
from accessibility.gtfs.service import date_range
from accessibility.gtfs.tables import safe_feed_id

log = logging.getLogger(__name__)



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
        (int: 0 stop or platform, 1 station, 2 entrance, 3 generic node, 4
        boarding area; only 0 is boarded), ``parent_station`` (the station
        grouping a platform), ``platform_code``.
    stop_times : pandas.DataFrame
        Sorted by trip (in ``trips`` order) and ``stop_sequence``; complete
        ``arrival_time``/``departure_time`` in seconds (int64, may exceed
        86400), ``interpolated`` (bool) marking interpolated times,
        ``stop_index`` (int32): the stop's row in :func:`valid_stops`, and
        ``pickup_type`` / ``drop_off_type`` (int8, 0 when not given; 1 forbids
        boarding / alighting there).
    transfers : pandas.DataFrame
        Stop-to-stop transfer rules between boarding stops, one row per
        ordered pair (station rows expanded to their platforms):
        ``from_stop_id, to_stop_id, min_transfer_time`` (seconds) and
        ``not_possible`` (bool, ``transfer_type`` 3). See
        :mod:`accessibility.gtfs.transfers` for what is applied and ignored.
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
        ``stop_lon`` (degrees), ``feed_id``, ``parent_station`` (feed-prefixed
        station id, '' when none) and ``platform_code``; index 0..n_stops-1
        equals the stop index used in the timetable.
    """
    boarding = feed.stops[feed.stops["location_type"] == 0]
    columns = ["stop_id", "stop_name", "stop_lat", "stop_lon", "feed_id", "parent_station",
               "platform_code"]  # fmt: skip
    return boarding[columns].reset_index(drop=True)


def feed_date_range(feed: GtfsFeed, feed_id: str) -> tuple[dt.date, dt.date] | None:
    """Service period of one feed of ``feed``: calendar start/end and added dates (None if none)."""
    return date_range(
        feed.calendar[feed.calendar["feed_id"] == feed_id],
        feed.calendar_dates[feed.calendar_dates["feed_id"] == feed_id],
    )
