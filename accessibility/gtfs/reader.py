"""Reading and validating the tables of one GTFS feed.

Private helper of :mod:`accessibility.gtfs`: :func:`read_one_feed` returns the
parsed tables of one feed, ids prefixed with the feed id, plus counts and
descriptions of what was dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from accessibility.errors import GtfsError
from accessibility.gtfs.service import WEEKDAYS
from accessibility.gtfs.stop_times import fill_and_check, interpolate, trim_untimed_ends
from accessibility.gtfs.tables import (
    FeedSource,
    check_unique,
    empty_table,
    lookup,
    parse_dates,
    parse_floats,
    parse_ints,
    parse_times,
)
from accessibility.gtfs.transfers import read_transfers

FEED_TABLES = (
    "agency",
    "stops",
    "routes",
    "trips",
    "stop_times",
    "calendar",
    "calendar_dates",
    "frequencies",
    "transfers",
)

# A boarding stop is implausible when it lies more than this many degrees
# (~1100 km) outside the box spanned by the 10th..90th percentiles of the
# feed's stop coordinates: catches placeholder coordinates such as the
# thousands of OVapi stops south of latitude 36 without touching real
# international stops.
PLAUSIBLE_MARGIN_DEG = 10.0

# Null Island: |lat| and |lon| both below this are treated as "0/0" (no coordinates).
ZERO_COORD_DEG = 1e-6

_EXAMPLES = 3

#: ``pickup_type`` / ``drop_off_type`` values: 1 forbids boarding / alighting;
#: 2 (phone the agency) and 3 (coordinate with the driver) allow it on request.
NOT_AVAILABLE = 1
PHONE_AGENCY = 2

#: What ``stops.location_type`` values mean.
LOCATION_TYPES = {
    0: "stop or platform",
    1: "station",
    2: "station entrance or exit",
    3: "generic node",
    4: "boarding area",
}


@dataclass
class FeedPart:
    """Parsed tables of one feed plus its report."""

    feed_id: str
    tables: dict[str, pd.DataFrame]
    trip_row_ptr: np.ndarray
    stats: dict[str, int]
    problems: list[str]


def read_one_feed(path: Path, feed_id: str) -> FeedPart:
    """Read, validate and prefix one feed.

    Parameters
    ----------
    path : Path
        ``.zip`` or folder.
    feed_id : str
        Prefix for every id (``"<feed_id>:<id>"``).

    Returns
    -------
    FeedPart
    """
    source = FeedSource(path)
    for name in ("stops.txt", "routes.txt", "trips.txt", "stop_times.txt"):
        if not source.has(name):
            raise GtfsError(f"GTFS feed {path} has no {name}: it is required.")
    if not (source.has("calendar.txt") or source.has("calendar_dates.txt")):
        raise GtfsError(
            f"GTFS feed {path} has neither calendar.txt nor calendar_dates.txt: "
            "at least one is required to know on which dates trips run."
        )
    stats: dict[str, int] = {}
    problems: list[str] = []
    agency = _read_agency(source)
    stops, dropped_stop_ids = _read_stops(source, stats, problems)
    routes = _read_routes(source)
    trips = _read_trips(source, routes)
    stats["trips_in_file"] = len(trips)
    stop_times, trips, trip_row_ptr = _read_stop_times(
        source, stops, dropped_stop_ids, trips, stats, problems
    )
    calendar = _read_calendar(source)
    calendar_dates = _read_calendar_dates(source)
    frequencies = _read_frequencies(source, trips, stats, problems)
    transfers = read_transfers(source, stops, stats, problems)
    no_calendar = ~trips["service_id"].isin(
        pd.concat([calendar["service_id"], calendar_dates["service_id"]])
    )
    if no_calendar.any():
        examples = _examples(trips.loc[no_calendar, "service_id"].unique())
        problems.append(
            f"{int(no_calendar.sum())} trip(s) have a service_id found in neither calendar.txt "
            f"nor calendar_dates.txt and never run ({examples})"
        )
    stats["routes"] = len(routes)
    stats["trips"] = len(trips)
    stats["stop_times"] = len(stop_times)
    stats["frequencies"] = len(frequencies)
    stats["trips_without_service"] = int(no_calendar.sum())
    tables = {
        "agency": agency,
        "stops": stops,
        "routes": routes,
        "trips": trips,
        "stop_times": stop_times,
        "calendar": calendar,
        "calendar_dates": calendar_dates,
        "frequencies": frequencies,
        "transfers": transfers,
    }
    _prefix_ids(tables, feed_id)
    return FeedPart(
        feed_id=feed_id,
        tables=tables,
        trip_row_ptr=trip_row_ptr,
        stats=stats,
        problems=problems,
    )


# Id columns of every table, prefixed "<feed_id>:" so that merged feeds keep them apart.
_ID_COLUMNS = {
    "agency": ("agency_id",),
    "stops": ("stop_id", "parent_station"),
    "routes": ("route_id", "agency_id"),
    "trips": ("trip_id", "route_id", "service_id"),
    "stop_times": ("trip_id", "stop_id"),
    "calendar": ("service_id",),
    "calendar_dates": ("service_id",),
    "frequencies": ("trip_id",),
    "transfers": ("from_stop_id", "to_stop_id"),
}


def _prefix_ids(tables: dict[str, pd.DataFrame], feed_id: str) -> None:
    """Prefix the non-empty ids with ``"<feed_id>:"`` and add a ``feed_id`` column, in place."""
    for name, table in tables.items():
        for column in _ID_COLUMNS[name]:
            values = table[column].astype(str)
            table[column] = values.where(values == "", feed_id + ":" + values)
        table.insert(0, "feed_id", feed_id)


def _examples(values: pd.Series | np.ndarray) -> str:
    """A few example values for a problem description."""
    shown = [str(v) for v in list(values)[:_EXAMPLES]]
    more = ", ..." if len(values) > _EXAMPLES else ""
    return ", ".join(shown) + more


def _read_agency(source: FeedSource) -> pd.DataFrame:
    """agency.txt (optional): agency_id, agency_name."""
    if not source.has("agency.txt"):
        return empty_table(("agency_id", "agency_name"))
    table = source.read("agency.txt", ())
    for column in ("agency_id", "agency_name"):
        if column not in table.columns:
            table[column] = ""
    return table[["agency_id", "agency_name"]].copy()


def _read_stops(
    source: FeedSource, stats: dict[str, int], problems: list[str]
) -> tuple[pd.DataFrame, np.ndarray]:
    """stops.txt: drops boarding stops with missing or impossible coordinates.

    Returns the kept stops and the ids of the dropped ones.
    """
    where = source.where("stops.txt")
    table = source.read("stops.txt", ("stop_id", "stop_lat", "stop_lon"))
    check_unique(table["stop_id"], where, "stop_id")
    for column in ("stop_name", "parent_station", "platform_code"):
        if column not in table.columns:
            table[column] = ""
    location = (
        parse_ints(table["location_type"], where, "location_type", 0, (0, 1, 2, 3, 4))
        if "location_type" in table.columns
        else np.zeros(len(table), dtype=np.int64)
    )
    lat = parse_floats(table["stop_lat"])
    lon = parse_floats(table["stop_lon"])
    boarding = location == 0
    missing = np.isnan(lat) | np.isnan(lon)
    impossible = ~missing & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
    zero = (np.abs(lat) < ZERO_COORD_DEG) & (np.abs(lon) < ZERO_COORD_DEG)
    usable = boarding & ~missing & ~impossible & ~zero
    implausible = np.zeros(len(table), dtype=bool)
    if usable.any():
        lat_lo, lat_hi = np.percentile(lat[usable], [10, 90])
        lon_lo, lon_hi = np.percentile(lon[usable], [10, 90])
        implausible = usable & (
            (lat < lat_lo - PLAUSIBLE_MARGIN_DEG)
            | (lat > lat_hi + PLAUSIBLE_MARGIN_DEG)
            | (lon < lon_lo - PLAUSIBLE_MARGIN_DEG)
            | (lon > lon_hi + PLAUSIBLE_MARGIN_DEG)
        )
    reasons = {
        "without coordinates": boarding & missing,
        "with coordinates out of range": boarding & impossible,
        "at 0/0": boarding & zero,
        f"more than {PLAUSIBLE_MARGIN_DEG:g} degrees away from the feed's other stops": implausible,
    }
    dropped = np.zeros(len(table), dtype=bool)
    for reason, mask in reasons.items():
        if mask.any():
            problems.append(
                f"dropped {int(mask.sum())} stop(s) {reason} in {where} "
                f"({_examples(table.loc[mask, 'stop_id'])})"
            )
        dropped |= mask
    stats["dropped_stops"] = int(dropped.sum())
    stats["stops"] = int((boarding & ~dropped).sum())
    stats["stations_and_other_locations"] = int((~boarding).sum())
    _count_stations(table, location, boarding & ~dropped, where, stats, problems)
    keep = ~dropped
    stops = pd.DataFrame(
        {
            "stop_id": table.loc[keep, "stop_id"].to_numpy(),
            "stop_name": table.loc[keep, "stop_name"].to_numpy(),
            "stop_lat": lat[keep],
            "stop_lon": lon[keep],
            "location_type": location[keep],
            "parent_station": table.loc[keep, "parent_station"].to_numpy(),
            "platform_code": table.loc[keep, "platform_code"].to_numpy(),
        }
    )
    return stops, table.loc[dropped, "stop_id"].to_numpy()


def _count_stations(
    table: pd.DataFrame,
    location: np.ndarray,
    kept_boarding: np.ndarray,
    where: str,
    stats: dict[str, int],
    problems: list[str],
) -> None:
    """Count stations, platforms grouped under them and platform codes; flag bad parents.

    ``location_type`` 1 (station), 2 (entrance), 3 (generic node) and 4
    (boarding area) are never boarded; a boarding stop's ``parent_station``
    names the station it belongs to.
    """
    stats["stations"] = int((location == 1).sum())
    parent = table["parent_station"].to_numpy()
    in_station = kept_boarding & (parent != "")
    stats["platforms_in_stations"] = int(in_station.sum())
    stats["platform_codes"] = int((kept_boarding & (table["platform_code"] != "").to_numpy()).sum())
    stations = table.loc[location == 1, "stop_id"]
    orphan = in_station & ~np.isin(parent, stations.to_numpy())
    if orphan.any():
        problems.append(
            f"{int(orphan.sum())} stop(s) in {where} name a parent_station that is not a "
            f"station (location_type 1) of the file ({_examples(table.loc[orphan, 'stop_id'])}); "
            "they are routed as stops of their own"
        )


def _read_routes(source: FeedSource) -> pd.DataFrame:
    """routes.txt: route_id, agency_id, route_short_name, route_long_name, route_type (int)."""
    where = source.where("routes.txt")
    table = source.read("routes.txt", ("route_id", "route_type"))
    check_unique(table["route_id"], where, "route_id")
    for column in ("agency_id", "route_short_name", "route_long_name"):
        if column not in table.columns:
            table[column] = ""
    table["route_type"] = parse_ints(table["route_type"], where, "route_type")
    return table[
        ["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"]
    ].copy()


def _read_trips(source: FeedSource, routes: pd.DataFrame) -> pd.DataFrame:
    """trips.txt: route_id, service_id, trip_id."""
    where = source.where("trips.txt")
    table = source.read("trips.txt", ("route_id", "service_id", "trip_id"))
    check_unique(table["trip_id"], where, "trip_id")
    lookup(table["route_id"], routes["route_id"], where, "route_id", "routes.txt")
    return table[["route_id", "service_id", "trip_id"]].copy()


def _read_stop_times(
    source: FeedSource,
    stops: pd.DataFrame,
    dropped_stop_ids: np.ndarray,
    trips: pd.DataFrame,
    stats: dict[str, int],
    problems: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """stop_times.txt: parse, sort, check, drop rows at unusable stops, interpolate.

    Returns the stop times (sorted by trip in ``trips`` order, then
    stop_sequence; ``stop_index`` = row among the feed's boarding stops), the
    trips that keep at least two stop times, and the row offsets of those trips
    (int64, n_trips + 1).
    """
    where = source.where("stop_times.txt")
    table = source.read(
        "stop_times.txt", ("trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence")
    )
    stats["stop_times_in_file"] = len(table)
    trip = lookup(table["trip_id"], trips["trip_id"], where, "trip_id", "trips.txt")
    # Position among kept stops, then dropped ones; -> index among boarding stops.
    all_ids = pd.concat(
        [stops["stop_id"], pd.Series(dropped_stop_ids, dtype=stops["stop_id"].dtype)],
        ignore_index=True,
    )
    position = lookup(table["stop_id"], all_ids, where, "stop_id", "stops.txt")
    is_boarding = stops["location_type"].to_numpy() == 0
    # Boarding index of every kept stop, -1 for stations; dropped stops map to the final -1.
    boarding_of = np.append(np.where(is_boarding, np.cumsum(is_boarding) - 1, -1), -1)
    at_dropped = position >= len(stops)
    stop_pos = boarding_of[np.minimum(position, len(stops))]
    _reject_stations(table, ~at_dropped & (stop_pos < 0), stops, position, where)

    arrival = parse_times(table["arrival_time"], where, "arrival_time")
    departure = parse_times(table["departure_time"], where, "departure_time")
    sequence = parse_ints(table["stop_sequence"], where, "stop_sequence")
    shape_dist = _read_shape_dist(table, where, problems)
    pickup = _boarding_rule(table, "pickup_type", where)
    drop_off = _boarding_rule(table, "drop_off_type", where)
    order = np.lexsort((sequence, trip))
    trip, arrival, departure = trip[order], arrival[order], departure[order]
    sequence, shape_dist, stop_pos = sequence[order], shape_dist[order], stop_pos[order]
    pickup, drop_off, at_dropped = pickup[order], drop_off[order], at_dropped[order]
    trip_ids = trips["trip_id"].to_numpy()
    dup = np.flatnonzero((trip[1:] == trip[:-1]) & (sequence[1:] == sequence[:-1]))
    if len(dup):
        i = int(dup[0])
        raise GtfsError(
            f"{where}: trip_id {trip_ids[trip[i]]!r} has stop_sequence {sequence[i]} twice: "
            "stop_sequence must be unique within a trip."
        )
    arrival, departure = fill_and_check(trip, arrival, departure, trip_ids, sequence, where)

    if at_dropped.any():
        problems.append(
            f"removed {int(at_dropped.sum())} stop time(s) at dropped stops from {where}; "
            "their trips keep their other stops"
        )
    stats["dropped_stop_times"] = int(at_dropped.sum())
    keep = stop_pos >= 0
    keep[keep] = trim_untimed_ends(trip[keep], arrival[keep])
    trimmed = int((stop_pos >= 0).sum() - keep.sum())
    stats["trimmed_stop_times"] = trimmed
    if trimmed:
        problems.append(
            f"removed {trimmed} untimed stop time(s) before the first or after the last "
            f"remaining timed stop of their trip in {where}"
        )
    counts = np.bincount(trip[keep], minlength=len(trips))
    short = counts < 2
    stats["dropped_trips"] = int(short.sum())
    if short.any():
        problems.append(
            f"dropped {int(short.sum())} trip(s) with fewer than two usable stop times "
            f"({_examples(trips.loc[short, 'trip_id'])})"
        )
    keep &= ~short[trip]
    trip, arrival, departure, stop_pos = trip[keep], arrival[keep], departure[keep], stop_pos[keep]
    pickup, drop_off = pickup[keep], drop_off[keep]
    for name, rule in (("pickup", pickup), ("drop_off", drop_off)):
        stats[f"no_{name}"] = int((rule == NOT_AVAILABLE).sum())
        stats[f"{name}_on_request"] = int((rule >= PHONE_AGENCY).sum())
    boarding = stops[is_boarding].reset_index(drop=True)
    lat = boarding["stop_lat"].to_numpy()[stop_pos]
    lon = boarding["stop_lon"].to_numpy()[stop_pos]
    arrival, departure, interpolated = interpolate(
        trip, arrival, departure, lat, lon, shape_dist[keep]
    )
    stats["interpolated_stop_times"] = int(interpolated.sum())
    stop_times = pd.DataFrame(
        {
            "trip_id": trips["trip_id"].take(trip).reset_index(drop=True),
            "stop_sequence": sequence[keep],
            "stop_id": boarding["stop_id"].take(stop_pos).reset_index(drop=True),
            "arrival_time": arrival,
            "departure_time": departure,
            "interpolated": interpolated,
            "stop_index": stop_pos.astype(np.int32),
            "pickup_type": pickup.astype(np.int8),
            "drop_off_type": drop_off.astype(np.int8),
        }
    )
    row_ptr = np.zeros(int((~short).sum()) + 1, dtype=np.int64)
    row_ptr[1:] = np.cumsum(counts[~short])
    return stop_times, trips[~short].reset_index(drop=True), row_ptr


def _boarding_rule(table: pd.DataFrame, column: str, where: str) -> np.ndarray:
    """``pickup_type`` or ``drop_off_type`` per row (0 when the column or value is empty).

    0 regular, 1 none (boarding / alighting forbidden), 2 phone the agency,
    3 coordinate with the driver. 2 and 3 are routed as regular stops.
    """
    if column not in table.columns:
        return np.zeros(len(table), dtype=np.int64)
    return parse_ints(table[column], where, column, 0, (0, NOT_AVAILABLE, PHONE_AGENCY, 3))


def _reject_stations(
    table: pd.DataFrame, bad: np.ndarray, stops: pd.DataFrame, position: np.ndarray, where: str
) -> None:
    """Raise :class:`GtfsError` naming the first stop time at a station or other non-stop."""
    if not bad.any():
        return
    row = int(np.flatnonzero(bad)[0])
    kind = int(stops["location_type"].to_numpy()[position[row]])
    raise GtfsError(
        f"{where} line {row + 2}: trip_id {table['trip_id'].iloc[row]!r} calls at stop_id "
        f"{table['stop_id'].iloc[row]!r}, a {LOCATION_TYPES[kind]} (location_type {kind}); "
        f"{int(bad.sum())} such stop time(s) in the file: stop_times must name stops or "
        "platforms (location_type 0 or empty), e.g. a platform of that station."
    )
def _read_shape_dist(table: pd.DataFrame, where: str, problems: list[str]) -> np.ndarray:
    """shape_dist_traveled (optional); a column with a non-numeric value is ignored, with a problem."""
    if "shape_dist_traveled" not in table.columns:
        return np.full(len(table), np.nan)
    raw = table["shape_dist_traveled"]
    values = parse_floats(raw)
    garbage = (np.isnan(values) & (raw != "").to_numpy()) | np.isinf(values)
    if garbage.any():
        row = int(np.flatnonzero(garbage)[0])
        problems.append(
            f"ignored the shape_dist_traveled column of {where}: line {row + 2} holds "
            f"{raw.iloc[row]!r}, not a distance ({int(garbage.sum())} such value(s)); untimed "
            "stops are interpolated by straight-line distance instead")
        return np.full(len(table), np.nan)
    return values


def _read_calendar(source: FeedSource) -> pd.DataFrame:
    """calendar.txt (optional): weekday flags (0/1) and start/end dates."""
    columns = ("service_id", *WEEKDAYS, "start_date", "end_date")
    if not source.has("calendar.txt"):
        table = empty_table(columns)
        table["start_date"] = table["start_date"].astype("datetime64[s]")
        table["end_date"] = table["end_date"].astype("datetime64[s]")
        return table
    where = source.where("calendar.txt")
    table = source.read("calendar.txt", columns)
    for day in WEEKDAYS:
        table[day] = parse_ints(table[day], where, day, allowed=(0, 1))
    table["start_date"] = parse_dates(table["start_date"], where, "start_date")
    table["end_date"] = parse_dates(table["end_date"], where, "end_date")
    backwards = np.flatnonzero((table["end_date"] < table["start_date"]).to_numpy())
    if len(backwards):
        row = int(backwards[0])
        raise GtfsError(
            f"{where} line {row + 2}: service_id {table['service_id'].iloc[row]!r} ends on "
            f"{table['end_date'].iloc[row]:%Y%m%d}, before its start_date "
            f"{table['start_date'].iloc[row]:%Y%m%d} ({len(backwards)} such row(s)): swap or "
            "correct the dates.")
    return table[list(columns)].copy()


def _read_calendar_dates(source: FeedSource) -> pd.DataFrame:
    """calendar_dates.txt (optional): service_id, date, exception_type (1 add, 2 remove)."""
    columns = ("service_id", "date", "exception_type")
    if not source.has("calendar_dates.txt"):
        table = empty_table(columns)
        table["date"] = table["date"].astype("datetime64[s]")
        table["exception_type"] = table["exception_type"].astype(np.int64)
        return table
    where = source.where("calendar_dates.txt")
    table = source.read("calendar_dates.txt", columns)
    table["date"] = parse_dates(table["date"], where, "date")
    table["exception_type"] = parse_ints(
        table["exception_type"], where, "exception_type", allowed=(1, 2)
    )
    return table[list(columns)].copy()


def _read_frequencies(
    source: FeedSource, trips: pd.DataFrame, stats: dict[str, int], problems: list[str]
) -> pd.DataFrame:
    """frequencies.txt (optional): times in seconds, headway > 0, exact_times 0/1."""
    columns = ("trip_id", "start_time", "end_time", "headway_secs", "exact_times")
    if not source.has("frequencies.txt"):
        table = empty_table(columns)
        for column in columns[1:]:
            table[column] = table[column].astype(np.int64)
        stats["dropped_frequencies"] = 0
        return table
    where = source.where("frequencies.txt")
    table = source.read("frequencies.txt", columns[:4])
    for column in ("start_time", "end_time"):
        seconds = parse_times(table[column], where, column)
        empty = np.isnan(seconds)
        if empty.any():
            row = int(np.flatnonzero(empty)[0])
            raise GtfsError(f"{where} line {row + 2}: {column} is empty: it is required.")
        table[column] = seconds.astype(np.int64)
    table["headway_secs"] = parse_ints(table["headway_secs"], where, "headway_secs")
    table["exact_times"] = (
        parse_ints(table["exact_times"], where, "exact_times", 0, (0, 1))
        if "exact_times" in table.columns
        else np.zeros(len(table), dtype=np.int64)
    )
    bad = np.flatnonzero(
        (table["headway_secs"].to_numpy() <= 0)
        | (table["end_time"].to_numpy() < table["start_time"].to_numpy())
    )
    if len(bad):
        row = int(bad[0])
        raise GtfsError(
            f"{where} line {row + 2}: trip_id {table['trip_id'].iloc[row]!r} has headway_secs "
            f"{table['headway_secs'].iloc[row]} and start/end {table['start_time'].iloc[row]}"
            f"/{table['end_time'].iloc[row]} s: headway must be positive and end_time "
            "not before start_time."
        )
    # Trips dropped for too few stop times take their frequencies with them.
    known = table["trip_id"].isin(trips["trip_id"]).to_numpy()
    stats["dropped_frequencies"] = int((~known).sum())
    if not known.all():
        problems.append(
            f"ignored {int((~known).sum())} row(s) of {where} whose trip has no usable "
            f"stop times or is not in trips.txt ({_examples(table.loc[~known, 'trip_id'])})"
        )
    return table.loc[known, list(columns)].reset_index(drop=True)
