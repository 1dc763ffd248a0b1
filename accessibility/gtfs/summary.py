"""A summary of GTFS feeds for people: agencies, counts, dates, what runs on a day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from accessibility.errors import NoServiceError
from accessibility.gtfs.feed import GtfsFeed, default_feed_ids, feed_date_range, read_feeds
from accessibility.gtfs.timetable import build_timetable

#: How many stations :attr:`FeedSummary.station_platforms` lists.
STATIONS_SHOWN = 5

# Kinds of transfers.txt rows that are not applied, and their stats key.
_IGNORED_TRANSFERS = {
    "trip-to-trip": "transfers_trip_specific",
    "route-to-route": "transfers_route_specific",
    "in-seat": "transfers_in_seat",
    "not at stops": "transfers_not_at_stops",
}


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
    no_pickup, no_drop_off : int
        Usable stop times where boarding / alighting is forbidden
        (``pickup_type`` / ``drop_off_type`` 1); both engines honour them.
    pickup_on_request, drop_off_on_request : int
        Usable stop times with value 2 (phone the agency) or 3 (ask the
        driver); routed as regular stops.
    stations, platforms_in_stations, platform_codes : int
        Stations (``location_type`` 1); boarding stops with a
        ``parent_station``; boarding stops with a ``platform_code``.
    station_platforms : list of (str, list of str)
        Stations with the codes of their platforms (``platform_code``), those
        with the most coded platforms first (at most :data:`STATIONS_SHOWN`).
    transfer_rules, transfers_not_possible : int
        Stop-to-stop ``transfers.txt`` rules applied (pairs of boarding stops,
        station rows expanded), and rows forbidding a transfer (type 3).
    transfers_ignored : dict of str to int
        Rows of ``transfers.txt`` not applied, by kind (``trip-to-trip``,
        ``route-to-route``, ``in-seat``, ``not at stops``); zero counts left out.
    first_date, last_date : datetime.date or None
        Service date range named by ``calendar.txt`` and ``calendar_dates.txt``.
    trips_on_date, frequency_trips, previous_day_trips, next_day_trips : int or None
        Trips running on ``date`` (frequency-expanded ones and those of earlier
        and the next service day included) and how many of them are of each
        kind; None without a date.
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
    no_pickup: int
    no_drop_off: int
    pickup_on_request: int
    drop_off_on_request: int
    stations: int
    platforms_in_stations: int
    platform_codes: int
    station_platforms: list[tuple[str, list[str]]]
    transfer_rules: int
    transfers_not_possible: int
    transfers_ignored: dict[str, int]
    first_date: dt.date | None
    last_date: dt.date | None
    trips_on_date: int | None
    frequency_trips: int | None
    previous_day_trips: int | None
    next_day_trips: int | None
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
                "next_day_trips",
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
                no_pickup=stats["no_pickup"],
                no_drop_off=stats["no_drop_off"],
                pickup_on_request=stats["pickup_on_request"],
                drop_off_on_request=stats["drop_off_on_request"],
                stations=stats["stations"],
                platforms_in_stations=stats["platforms_in_stations"],
                platform_codes=stats["platform_codes"],
                station_platforms=_station_platforms(feed),
                transfer_rules=stats["transfers"],
                transfers_not_possible=stats["transfers_not_possible"],
                transfers_ignored={
                    kind: stats[key] for kind, key in _IGNORED_TRANSFERS.items() if stats[key]
                },
                first_date=span[0] if span else None,
                last_date=span[1] if span else None,
                trips_on_date=on_date["trips"],
                frequency_trips=on_date["frequency_trips"],
                previous_day_trips=on_date["previous_day_trips"],
                next_day_trips=on_date["next_day_trips"],
                interpolated_stop_times=on_date["interpolated_stop_times"],
                patterns=on_date["patterns"],
                problems=problems,
            )
        )
    return FeedInfo(date=date, feeds=summaries)


def _station_platforms(feed: GtfsFeed) -> list[tuple[str, list[str]]]:
    """Up to :data:`STATIONS_SHOWN` stations with their platforms' codes (most platforms first)."""
    stops = feed.stops
    platforms = stops[(stops["location_type"] == 0) & (stops["platform_code"] != "")]
    codes = platforms.groupby("parent_station")["platform_code"].agg(sorted)
    stations = stops[stops["location_type"] == 1].set_index("stop_id")
    named = [
        (stations.at[sid, "stop_name"] or sid.split(":", 1)[-1], list(c))
        for sid, c in codes.items() if sid in stations.index
    ]  # fmt: skip
    return sorted(named, key=lambda item: (-len(item[1]), item[0]))[:STATIONS_SHOWN]
