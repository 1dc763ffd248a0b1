"""``transfers.txt``: which rows apply, how stations expand, what is ignored.

Private helper of :mod:`accessibility.gtfs`. The routing engines model a
transfer as one walk from the stop where a vehicle is left to the stop where
the next one is boarded, independent of the two vehicles. So only rows that
name two stops (and no trip or route) can be applied:

==================  =====================================================
``transfer_type``   what we do with a stop-to-stop row
==================  =====================================================
0 (or empty), 1     allowed; ``min_transfer_time`` when given, else 0 s (a
                    walk along the streets, when there is one, still
                    takes its time)
2                   allowed; at least ``min_transfer_time`` seconds
3                   not possible: the walking transfer from ``from_stop_id``
                    to ``to_stop_id`` is removed (for ``from == to``:
                    changing vehicles at that stop is impossible)
4, 5                in-seat transfers (they name trips): ignored, counted
==================  =====================================================

A row naming a station (``location_type`` 1) applies to every platform of
that station (its child stops), as the GTFS reference says; a row naming the
platforms themselves takes precedence over one derived from their station.
At the same level a forbidding row (type 3) wins over an allowing one, and of
two minimum times the longer wins.

In-seat rows (types 4 and 5), rows with ``from_trip_id``/``to_trip_id``
(trip-to-trip) or ``from_route_id``/``to_route_id`` (route-to-route), rows at
entrances, generic nodes or boarding areas (``location_type`` 2-4) and rows at
stops that are unknown or were dropped (impossible coordinates) are not
applied; each kind is counted in the feed's stats and described in its
problems, so ``gtfs-info`` reports them. R5 ignores ``transfers.txt``
altogether (it finds its own walking transfers on the street network).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from accessibility.errors import GtfsError
from accessibility.gtfs.tables import FeedSource, empty_table, parse_ints

#: ``transfer_type`` of a forbidden transfer.
NOT_POSSIBLE = 3

#: Stats keys of :func:`read_transfers`, all counts of rows of ``transfers.txt``.
TRANSFER_STATS = (
    "transfers",
    "transfers_not_possible",
    "transfers_from_stations",
    "transfers_trip_specific",
    "transfers_route_specific",
    "transfers_in_seat",
    "transfers_not_at_stops",
)

_COLUMNS = ("from_stop_id", "to_stop_id", "min_transfer_time", "not_possible")


def empty_transfers() -> pd.DataFrame:
    """The transfers table of a feed without ``transfers.txt``."""
    table = empty_table(_COLUMNS[:2])
    table["min_transfer_time"] = pd.Series([], dtype=np.int64)
    table["not_possible"] = pd.Series([], dtype=bool)
    return table


def read_transfers(
    source: FeedSource, stops: pd.DataFrame, stats: dict[str, int], problems: list[str]
) -> pd.DataFrame:
    """Read ``transfers.txt`` (optional) and keep the stop-to-stop rules between boarding stops.

    Parameters
    ----------
    source : FeedSource
    stops : pandas.DataFrame
        The feed's kept stops: ``stop_id``, ``location_type`` (int),
        ``parent_station``.
    stats : dict
        Receives the counts named in :data:`TRANSFER_STATS`.
    problems : list of str
        Receives one description per kind of row that is not applied.

    Returns
    -------
    pandas.DataFrame
        One row per ordered pair of boarding stops: ``from_stop_id``,
        ``to_stop_id``, ``min_transfer_time`` (int64 seconds, 0 when not
        given) and ``not_possible`` (bool: type 3, the transfer is forbidden).

    Raises
    ------
    GtfsError
        A ``transfer_type`` outside 0-5 or a negative ``min_transfer_time``,
        naming the line.
    """
    stats.update(dict.fromkeys(TRANSFER_STATS, 0))
    if not source.has("transfers.txt"):
        return empty_transfers()
    where = source.where("transfers.txt")
    table = source.read("transfers.txt", ("from_stop_id", "to_stop_id"))
    kind = (
        parse_ints(table["transfer_type"], where, "transfer_type", 0, (0, 1, 2, 3, 4, 5))
        if "transfer_type" in table.columns
        else np.zeros(len(table), dtype=np.int64)
    )
    seconds = (
        parse_ints(table["min_transfer_time"], where, "min_transfer_time", 0)
        if "min_transfer_time" in table.columns
        else np.zeros(len(table), dtype=np.int64)
    )
    if (seconds < 0).any():
        row = int(np.flatnonzero(seconds < 0)[0])
        raise GtfsError(
            f"{where} line {row + 2}: min_transfer_time {seconds[row]} is negative: "
            "give seconds >= 0."
        )

    def named(columns: tuple[str, str]) -> np.ndarray:
        mask = np.zeros(len(table), dtype=bool)
        for column in columns:
            if column in table.columns:
                mask |= (table[column] != "").to_numpy()
        return mask

    location = pd.Series(stops["location_type"].to_numpy(), index=stops["stop_id"])
    from_type = table["from_stop_id"].map(location).to_numpy()
    to_type = table["to_stop_id"].map(location).to_numpy()
    at_stops = np.isin(from_type, (0, 1)) & np.isin(to_type, (0, 1))
    in_seat = kind >= 4
    trip_specific = ~in_seat & named(("from_trip_id", "to_trip_id"))
    route_specific = ~in_seat & ~trip_specific & named(("from_route_id", "to_route_id"))
    ignored = trip_specific | in_seat | route_specific
    not_at_stops = ~ignored & ~at_stops
    usable = ~ignored & ~not_at_stops
    from_station = usable & ((from_type == 1) | (to_type == 1))
    stats.update(
        transfers_not_possible=int((usable & (kind == NOT_POSSIBLE)).sum()),
        transfers_from_stations=int(from_station.sum()),
        transfers_trip_specific=int(trip_specific.sum()),
        transfers_route_specific=int(route_specific.sum()),
        transfers_in_seat=int(in_seat.sum()),
        transfers_not_at_stops=int(not_at_stops.sum()),
    )
    for count, what in (
        (in_seat, "in-seat (transfer_type 4/5)"),
        (trip_specific, "trip-to-trip (from_trip_id/to_trip_id)"),
        (route_specific, "route-to-route (from_route_id/to_route_id)"),
        (not_at_stops, "not between stops or stations of the feed (unknown or dropped stops, "
                       "entrances, nodes or boarding areas)"),
    ):  # fmt: skip
        if count.any():
            problems.append(
                f"ignored {int(count.sum())} {what} row(s) of {where}: the engines apply only "
                "stop-to-stop transfers"
            )
    rules = pd.DataFrame(
        {
            "from_stop_id": table.loc[usable, "from_stop_id"].to_numpy(),
            "to_stop_id": table.loc[usable, "to_stop_id"].to_numpy(),
            "min_transfer_time": seconds[usable],
            "not_possible": kind[usable] == NOT_POSSIBLE,
            "derived": from_station[usable],
        }
    )
    rules = _expand_stations(rules, stops)
    # Platform rows before station-derived ones, forbidding before allowing, longest first.
    rules = rules.sort_values(
        ["from_stop_id", "to_stop_id", "derived", "not_possible", "min_transfer_time"],
        ascending=[True, True, True, False, False],
        kind="stable",
    ).drop_duplicates(["from_stop_id", "to_stop_id"])
    stats["transfers"] = len(rules)
    return rules[list(_COLUMNS)].reset_index(drop=True)


def _expand_stations(rules: pd.DataFrame, stops: pd.DataFrame) -> pd.DataFrame:
    """Replace every station id in ``rules`` by the ids of its boarding platforms."""
    platforms = stops.loc[stops["location_type"] == 0, ["stop_id", "parent_station"]]
    stations = set(stops.loc[stops["location_type"] == 1, "stop_id"])
    for column in ("from_stop_id", "to_stop_id"):
        children = platforms.rename(columns={"stop_id": "child", "parent_station": column})
        at_station = rules[column].isin(stations)
        expanded = rules[at_station].merge(children, on=column)
        expanded[column] = expanded.pop("child")
        rules = pd.concat([rules[~at_station], expanded], ignore_index=True)
    return rules
