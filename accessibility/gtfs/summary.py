"""A summary of GTFS feeds for people: agencies, counts, dates, what runs on a day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from accessibility.errors import NoServiceError
from accessibility.gtfs.feed import default_feed_ids, feed_date_range, read_feeds
from accessibility.gtfs.timetable import build_timetable


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
