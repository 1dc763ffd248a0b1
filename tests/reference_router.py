"""A slow, obviously correct router to check the RAPTOR kernels against.

Independent of :mod:`accessibility.routing.raptor` and :mod:`accessibility.routing`:
it searches a time-expanded graph with Dijkstra (earliest arrival) for one
origin and one departure time, with the number of rides as part of the node.

Nodes (all labelled with a clock time in seconds):

* ``("ready", stop, rides)``: standing at ``stop``, allowed to board;
* ``("on", trip, position, rides)``: on board ``trip`` leaving ``position``;
* ``("off", stop, rides)``: just alighted at ``stop``;
* ``("dest", d)``: at destination ``d``.

Edges: origin -> ready (access walk, or walk-only to dest); ready -> on
(any trip at that stop departing at least ``board_slack`` after, rides + 1,
only when rides < max_rides and the trip's pickup is allowed there); on -> on
(stay on board); on -> off (alight, only where the trip's drop-off is
allowed); off -> ready (one transfer walk: to another stop, or staying with
the ``transfers.txt`` minimum for the same stop, 0 by default; none where
``transfers.txt`` forbids it); off -> dest (egress walk).

A trip is ``(stops, arrivals, departures)`` or ``(stops, arrivals,
departures, pickup, drop_off)`` with one bool per stop (True: boarding /
alighting allowed; all True when not given).
"""

from __future__ import annotations

import heapq
import math

INF = math.inf


def walk_seconds(metres: float, speed_kmh: float) -> int:
    """Walking time in whole seconds, rounded half up."""
    return int(math.floor(metres / (speed_kmh / 3.6) + 0.5))


def rules(trip: tuple) -> tuple[list[bool], list[bool]]:
    """Pickup and drop-off flags of a trip (all allowed when it gives none)."""
    if len(trip) == 5:
        return list(trip[3]), list(trip[4])
    return [True] * len(trip[0]), [True] * len(trip[0])


def transfer_table(
    n_stops: int,
    walk_m: dict[tuple[int, int], float],
    min_transfer_s: dict[tuple[int, int], int],
    speed_kmh: float,
    forbidden: set[tuple[int, int]] = frozenset(),
) -> dict[int, dict[int, int]]:
    """Transfer seconds per (from, to) stop, the rule of the engine.

    A pair with a street walk and a ``transfers.txt`` row takes the larger of
    both; a pair with one of them takes that one; staying at a stop takes its
    ``transfers.txt`` minimum or 0. A ``forbidden`` pair (``transfers.txt``
    type 3) has no transfer at all, also ``(s, s)``.
    """
    table: dict[int, dict[int, int]] = {s: {s: 0} for s in range(n_stops)}
    for (a, b), m in walk_m.items():
        if a != b:
            table[a][b] = walk_seconds(m, speed_kmh)
    for (a, b), sec in min_transfer_s.items():
        if a == b:
            table[a][a] = sec
        else:
            table[a][b] = max(table[a].get(b, 0), sec)
    for a, b in forbidden:
        table[a].pop(b, None)
    return table


def earliest_arrivals(
    trips: list[tuple[list[int], list[int], list[int]]],
    access: dict[int, int],
    walk: dict[int, int],
    egress: dict[int, dict[int, int]],
    transfers: dict[int, dict[int, int]],
    depart: int,
    max_rides: int,
    board_slack: int = 60,
) -> dict[int, float]:
    """Earliest arrival at every destination for one origin and departure time.

    Parameters
    ----------
    trips : list of (stops, arrivals, departures[, pickup, drop_off])
        Every trip as its stop sequence and times (seconds), optionally with
        its boarding rules.
    access : {stop: seconds}
    walk : {destination: seconds}
        Walk-only trips from the origin.
    egress : {stop: {destination: seconds}}
    transfers : {from_stop: {to_stop: seconds}}
        Every stop needs a row; the same-stop entry is absent where changing
        vehicles there is forbidden.
    depart : int
        Departure time at the origin (seconds).
    max_rides : int
    board_slack : int

    Returns
    -------
    {destination: arrival seconds}; destinations never reached are absent.
    """
    boarding: dict[int, list[tuple[int, int, int]]] = {}
    for g, trip in enumerate(trips):
        stops, dep = trip[0], trip[2]
        pickup = rules(trip)[0]
        for i, s in enumerate(stops[:-1]):
            if pickup[i]:
                boarding.setdefault(s, []).append((dep[i], g, i))
    best: dict[tuple, float] = {}
    heap: list[tuple[float, tuple]] = []

    def push(t: float, node: tuple) -> None:
        if t < best.get(node, INF):
            best[node] = t
            heapq.heappush(heap, (t, node))

    for d, sec in walk.items():
        push(depart + sec, ("dest", d))
    for s, sec in access.items():
        push(depart + sec, ("ready", s, 0))
    done: set[tuple] = set()
    while heap:
        t, node = heapq.heappop(heap)
        if node in done:
            continue
        done.add(node)
        kind = node[0]
        if kind == "ready":
            _, s, rides = node
            if rides >= max_rides:
                continue
            for dep, g, i in boarding.get(s, []):
                if dep >= t + board_slack:
                    push(dep, ("on", g, i, rides + 1))
        elif kind == "on":
            _, g, i, rides = node
            stops, arr, dep = trips[g][:3]
            if rules(trips[g])[1][i + 1]:
                push(arr[i + 1], ("off", stops[i + 1], rides))
            if i + 1 < len(stops) - 1:
                push(dep[i + 1], ("on", g, i + 1, rides))
        elif kind == "off":
            _, s, rides = node
            for s2, sec in transfers[s].items():
                push(t + sec, ("ready", s2, rides))
            for d, sec in egress.get(s, {}).items():
                push(t + sec, ("dest", d))
    return {node[1]: t for node, t in best.items() if node[0] == "dest"}


def travel_times(
    trips: list[tuple[list[int], list[int], list[int]]],
    access: dict[int, int],
    walk: dict[int, int],
    egress: dict[int, dict[int, int]],
    transfers: dict[int, dict[int, int]],
    n_dest: int,
    dep_start: int,
    n_minutes: int,
    max_rides: int,
    max_time: int,
    wait_at_origin: bool = True,
) -> list[list[float]]:
    """Travel time (seconds, ``inf`` if above ``max_time``) per destination and minute.

    Minute ``k`` departs at ``dep_start + 60 k``. With ``wait_at_origin`` the
    travel time is the earliest arrival over departures at or after minute
    ``k`` minus minute ``k``; without it, minus the latest minute at or after
    ``k`` that still reaches that arrival.
    """
    ea = [
        earliest_arrivals(trips, access, walk, egress, transfers, dep_start + 60 * k, max_rides)
        for k in range(n_minutes)
    ]
    out = [[INF] * n_minutes for _ in range(n_dest)]
    for d in range(n_dest):
        for k in range(n_minutes):
            arrive = min(ea[j].get(d, INF) for j in range(k, n_minutes))
            if arrive == INF:
                continue
            if wait_at_origin:
                start = dep_start + 60 * k
            else:
                latest = max(j for j in range(k, n_minutes) if ea[j].get(d, INF) == arrive)
                start = dep_start + 60 * latest
            if arrive - start <= max_time:
                out[d][k] = arrive - start
    return out


def nearest_travel_times(
    trips: list[tuple],
    access: dict[int, int],
    walk: dict[int, int],
    egress: dict[int, dict[int, int]],
    transfers: dict[int, dict[int, int]],
    dep_start: int,
    n_minutes: int,
    max_time: int,
    wait_at_origin: bool = True,
) -> list[float]:
    """Travel time (seconds, ``inf`` if above ``max_time``) to the nearest destination per minute.

    The rule of the nearest-facility search: the arrival at minute ``k`` is
    the earliest arrival at any destination over departures at or after
    ``k``; without ``wait_at_origin`` it counts from the latest minute at or
    after ``k`` that still reaches that arrival. Rides are not limited.
    """
    rides = len(trips) + 1  # an earliest arrival never boards a trip twice
    nearest = []
    for k in range(n_minutes):
        ea = earliest_arrivals(trips, access, walk, egress, transfers, dep_start + 60 * k, rides)
        nearest.append(min(ea.values(), default=INF))
    out = [INF] * n_minutes
    for k in range(n_minutes):
        arrive = min(nearest[k:])
        if arrive == INF:
            continue
        latest = max(j for j in range(k, n_minutes) if nearest[j] == arrive)
        start = dep_start + 60 * (k if wait_at_origin else latest)
        if arrive - start <= max_time:
            out[k] = arrive - start
    return out


def make_timetable(
    n_stops: int,
    trips: list[tuple],
    min_transfer_s: dict[tuple[int, int], int] | None = None,
    forbidden: set[tuple[int, int]] = frozenset(),
):
    """Build a :class:`accessibility.gtfs.Timetable` straight from trips.

    Trips with the same stop sequence and boarding rules share a pattern
    unless one overtakes another (then it gets a pattern of its own), as the
    Timetable layout asks. ``min_transfer_s`` gives ``transfers.txt`` rows
    ``{(from, to): seconds}``, ``forbidden`` its type 3 pairs.
    """
    import datetime as dt

    import numpy as np

    from accessibility.gtfs import Timetable

    patterns: list[tuple[tuple, list[int]]] = []
    for g in sorted(range(len(trips)), key=lambda g: (trips[g][2][0], trips[g][1][0])):
        stops, arr, dep = trips[g][:3]
        key = (tuple(stops), *map(tuple, rules(trips[g])))
        for pkey, members in patterns:
            if pkey == key:
                last = trips[members[-1]]
                if all(a >= b for a, b in zip(arr, last[1], strict=True)) and all(
                    a >= b for a, b in zip(dep, last[2], strict=True)
                ):
                    members.append(g)
                    break
        else:
            patterns.append((key, [g]))
    pattern_stop_ptr = np.cumsum([0] + [len(p[0][0]) for p in patterns]).astype(np.int64)
    pattern_stops = np.array([s for p in patterns for s in p[0][0]], dtype=np.int32)
    pattern_pickup = np.array([f for p in patterns for f in p[0][1]], dtype=bool)
    pattern_drop_off = np.array([f for p in patterns for f in p[0][2]], dtype=bool)
    pattern_trip_ptr = np.cumsum([0] + [len(p[1]) for p in patterns]).astype(np.int64)
    order = [g for p in patterns for g in p[1]]
    lengths = [len(trips[g][0]) for g in order]
    trip_time_ptr = np.cumsum([0] + lengths[:-1]).astype(np.int64)
    arrival = np.array([t for g in order for t in trips[g][1]], dtype=np.int32)
    departure = np.array([t for g in order for t in trips[g][2]], dtype=np.int32)
    rows = sorted((min_transfer_s or {}).items())
    t_ptr = np.zeros(n_stops + 1, dtype=np.int64)
    for (a, _b), _sec in rows:
        t_ptr[a + 1] += 1
    return Timetable(
        date=dt.date(2019, 5, 13),
        stop_ids=np.array([f"t:{s}" for s in range(n_stops)]),
        stop_names=np.array([f"stop {s}" for s in range(n_stops)]),
        stop_lat=np.zeros(n_stops),
        stop_lon=np.zeros(n_stops),
        pattern_stop_ptr=pattern_stop_ptr,
        pattern_stops=pattern_stops,
        pattern_pickup=pattern_pickup,
        pattern_drop_off=pattern_drop_off,
        pattern_trip_ptr=pattern_trip_ptr,
        pattern_route_type=np.full(len(patterns), 3, dtype=np.int16),
        pattern_route_ids=np.array([f"r{p}" for p in range(len(patterns))]),
        trip_time_ptr=trip_time_ptr,
        arrival=arrival,
        departure=departure,
        trip_ids=np.array([f"t:{g}" for g in order]),
        transfer_ptr=np.cumsum(t_ptr),
        transfer_to=np.array([b for (_a, b), _ in rows], dtype=np.int32),
        transfer_seconds=np.array([sec for _, sec in rows], dtype=np.int32),
        forbidden_transfers=np.array(sorted(forbidden), dtype=np.int32).reshape(-1, 2),
    )
