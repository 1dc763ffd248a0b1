"""Detailed itineraries: the journeys behind the matrix times, one row per leg (r5py's shape).

:class:`DetailedItineraries` runs :func:`accessibility.routing.raptor_paths.origin_journeys`
(range-RAPTOR with parent pointers) on the same street legs and timetable
arrays as :class:`~accessibility.routing.matrix.TravelTimeMatrix`, so the total
of an itinerary (its legs' ``travel_time`` + ``wait_time``) is the matrix's
travel time of the same request and departure minute, to the second (the
matrix floors it to whole minutes).

Options per origin-destination pair, in the order of the departure minutes:

* ``"fastest"`` (default): the fastest journey of every minute of the window;
* ``"pareto"``: per minute also the faster-with-more-rides set: the fastest
  journey with at most 0, 1, 2, ... rides, each kept only where it is faster
  than every journey with fewer rides.

With ``wait_at_origin`` (default) a journey leaves at its minute and waits at
the first stop; without it, it leaves at its planned departure (the latest
minute that still makes it, as the matrix counts). Identical options (same
journey, same departure) are listed once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd

from accessibility.errors import InputError
from accessibility.routing import raptor
from accessibility.routing.leg_geometry import LegGeometry
from accessibility.routing.matrix import as_request
from accessibility.routing.modes import TransportMode, route_type_mode
from accessibility.routing.network import TransportNetwork
from accessibility.routing.points import Points, as_points, coordinates_key
from accessibility.routing.raptor_paths import (
    ACCESS,
    EGRESS,
    RIDE,
    TRANSFER,
    WALK_ONLY,
    origin_journeys,
)
from accessibility.routing.request import TravelRequest
from accessibility.routing.street_legs import (
    egress_seconds,
    leg_targets,
    origin_legs,
)
from accessibility.routing.transit import raptor_network
from accessibility.streets import snap_points

#: r5py's columns of ``DetailedItineraries``, in its order.
R5PY_COLUMNS = [
    "from_id", "to_id", "option", "segment", "transport_mode", "departure_time", "distance",
    "travel_time", "wait_time", "feed", "agency_id", "route_id", "start_stop_id", "end_stop_id",
    "geometry",
]  # fmt: skip

#: Origins whose access and walk-only legs are searched together (in parallel).
ORIGINS_PER_BATCH = 64

#: Columns added after r5py's, for step lists and maps.
EXTRA_COLUMNS = ["route_short_name", "headsign", "start_stop_name", "end_stop_name"]


def od_pairs(n_orig: int, n_dest: int, force_all_to_all: bool) -> list[tuple[int, int]]:
    """Origin-destination index pairs, as r5py pairs them.

    All pairs when ``force_all_to_all`` or when one side has a single point;
    otherwise row ``i`` of the origins with row ``i`` of the destinations.
    """
    if force_all_to_all or n_orig == 1 or n_dest == 1:
        return [(o, d) for o in range(n_orig) for d in range(n_dest)]
    if n_orig != n_dest:
        raise InputError(
            f"{n_orig} origins and {n_dest} destinations: give as many of each (pairs row by "
            "row), a single origin or destination, or force_all_to_all=True"
        )
    return [(i, i) for i in range(n_orig)]


def journey_options(
    journeys: np.ndarray, label_journey: np.ndarray, d: int, request: TravelRequest, pareto: bool
) -> list[tuple[int, int]]:
    """``(journey, leave_s)`` options to destination ``d`` (see the module docstring).

    Parameters
    ----------
    journeys, label_journey : numpy.ndarray
        Output of :func:`~accessibility.routing.raptor_paths.origin_journeys`.
    d : int
        Destination index.
    request : TravelRequest
    pareto : bool
        Also the options with fewer rides.

    Returns
    -------
    list of (int, int)
        Journey row and the departure from the origin (seconds since midnight).
    """
    n_minutes, _, n_rounds = label_journey.shape
    rounds = range(n_rounds) if pareto else [n_rounds - 1]
    seen: set[tuple[int, int]] = set()
    out: list[tuple[int, int]] = []
    for k in range(n_minutes):
        best = int(raptor.UNREACHED)
        for r in rounds:
            j = int(label_journey[k, d, r])
            if j < 0 or journeys[j, 4] >= best:
                continue
            best = int(journeys[j, 4])
            minute = k if request.wait_at_origin else int(journeys[j, 1])
            leave = request.departure_seconds + 60 * minute
            if best - leave > request.max_time_seconds or (j, leave) in seen:
                continue
            seen.add((j, leave))
            out.append((j, leave))
    return out


@dataclasses.dataclass
class _Context:
    """What the leg rows of one request need besides the kernel output."""

    network: TransportNetwork
    request: TravelRequest
    origins: Points
    destinations: Points
    o_snap: object
    d_snap: object
    geometry: LegGeometry
    midnight: dt.datetime

    def __post_init__(self) -> None:
        self.timetable = (self.network.timetable(self.request.date)
                          if self.request.transit_modes else None)  # fmt: skip
        self.routes = self.network.feed.routes.set_index("route_id")

    def stop_point(self, s: int) -> tuple:
        tt = self.timetable
        return (self.network.stop_snap, s, float(tt.stop_lat[s]), float(tt.stop_lon[s]))

    def origin_point(self, o: int) -> tuple:
        return (self.o_snap, o, float(self.origins.lat[o]), float(self.origins.lon[o]))

    def dest_point(self, d: int) -> tuple:
        return (self.d_snap, d, float(self.destinations.lat[d]), float(self.destinations.lon[d]))


def _unprefixed(value: str) -> str:
    """A GTFS id without its ``"<feed_id>:"`` prefix."""
    return str(value).split(":", 1)[1] if ":" in str(value) else str(value)


def _leg_rows(ctx: _Context, o: int, legs: np.ndarray, leave: int) -> list[dict]:
    """The rows of one journey, leaving the origin at ``leave`` (seconds since midnight)."""
    tt = ctx.timetable
    speed = ctx.request.speed_walking_mps
    rows: list[dict] = []
    clock = leave
    for kind, frm, to, trip, bpos, apos, t0, t1 in legs.tolist():
        if kind == TRANSFER and frm == to:
            continue  # staying at the stop: its minimum transfer time is waiting
        start = clock if kind in (ACCESS, WALK_ONLY) else t0
        duration = t1 - t0
        row = {
            "transport_mode": TransportMode.WALK, "departure_time": ctx.midnight
            + dt.timedelta(seconds=start), "travel_time": pd.Timedelta(seconds=duration),
            "wait_time": pd.Timedelta(seconds=start - clock), "feed": None, "agency_id": None,
            "route_id": None, "start_stop_id": None, "end_stop_id": None,
            "route_short_name": None, "headsign": None, "start_stop_name": None,
            "end_stop_name": None,
        }  # fmt: skip
        if kind != WALK_ONLY and kind != ACCESS:
            row["start_stop_id"] = _unprefixed(tt.stop_ids[frm])
            row["start_stop_name"] = str(tt.stop_names[frm])
        if kind in (ACCESS, RIDE, TRANSFER):
            row["end_stop_id"] = _unprefixed(tt.stop_ids[to])
            row["end_stop_name"] = str(tt.stop_names[to])
        if kind == RIDE:
            p = int(np.searchsorted(tt.pattern_trip_ptr, trip, side="right") - 1)
            s0 = int(tt.pattern_stop_ptr[p])
            stops = tt.pattern_stops[s0 + bpos : s0 + apos + 1]
            trip_id = str(tt.trip_ids[trip])
            route_id = str(tt.pattern_route_ids[p])
            route = ctx.routes.loc[route_id]
            geom, metres = ctx.geometry.ride(trip_id, tt.stop_lat[stops], tt.stop_lon[stops])
            last_stop = tt.pattern_stops[int(tt.pattern_stop_ptr[p + 1]) - 1]
            row.update(
                transport_mode=route_type_mode(int(tt.pattern_route_type[p])),
                feed=str(route["feed_id"]), agency_id=_unprefixed(route["agency_id"]) or None,
                route_id=_unprefixed(route_id), route_short_name=str(route["route_short_name"])
                or str(route["route_long_name"]),
                headsign=ctx.geometry.headsign(trip_id) or str(tt.stop_names[last_stop]),
            )  # fmt: skip
        else:
            start_pt = ctx.origin_point(o) if kind in (ACCESS, WALK_ONLY) else ctx.stop_point(frm)
            end_pt = ctx.dest_point(to) if kind in (EGRESS, WALK_ONLY) else ctx.stop_point(to)
            geom, metres = ctx.geometry.walk(start_pt, end_pt, duration * speed)
        row["distance"] = metres
        row["geometry"] = geom
        rows.append(row)
        clock = start + duration
    return rows


def detailed_itineraries(
    network: TransportNetwork,
    origins,
    destinations,
    request: TravelRequest,
    *,
    force_all_to_all: bool = False,
    options: str = "fastest",
    nearest_only: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> gpd.GeoDataFrame:
    """The leg table of :class:`DetailedItineraries` (see there); ``attrs["stats"]`` timings."""
    if options not in ("fastest", "pareto"):
        raise InputError(f"options must be 'fastest' or 'pareto', got {options!r}")
    t_start = time.perf_counter()
    q = request
    q.require_builtin_modes()
    origins_p = as_points(origins, "origins")
    dest_p = origins_p if destinations is None else as_points(destinations, "destinations")
    pairs = od_pairs(len(origins_p), len(dest_p), force_all_to_all)
    net = raptor_network(network, q)
    o_snap = snap_points(network.streets, origins_p.lat, origins_p.lon, q.snap_distance_m)
    d_key = (coordinates_key(dest_p), q.snap_distance_m)
    d_snap = network.memo(
        ("snap", *d_key),
        lambda: snap_points(network.streets, dest_p.lat, dest_p.lon, q.snap_distance_m),
    )
    egress = egress_seconds(network, d_snap, d_key, q)
    targets = leg_targets(network, origins_p.lat, origins_p.lon, d_snap, dest_p.lat, dest_p.lon,
                          with_stops=bool(q.transit_modes))  # fmt: skip
    params = (q.departure_seconds, q.n_minutes, q.rides, q.max_time_seconds,
              raptor.BOARD_SLACK_SECONDS, q.wait_at_origin)  # fmt: skip
    by_origin: dict[int, list[int]] = {}
    for o, d in pairs:
        by_origin.setdefault(o, []).append(d)
    # Pass 1: the searches and the options (kernel legs); pass 2: rows and geometries.
    found: list[tuple[int, int, int, np.ndarray, int]] = []
    batch: tuple | None = None
    for done, (o, dests) in enumerate(sorted(by_origin.items()), start=1):
        if batch is None or not batch[0] <= o < batch[0] + ORIGINS_PER_BATCH:
            lo = o  # street searches of a batch of origins run in parallel
            batch = (lo, *origin_legs(network, q, o_snap, d_snap, lo,
                                      min(len(origins_p), lo + ORIGINS_PER_BATCH), targets))
        lo, (a_ptr, a_stop, a_s), (w_ptr, w_dest, w_s) = batch
        a0, a1, w0, w1 = a_ptr[o - lo], a_ptr[o - lo + 1], w_ptr[o - lo], w_ptr[o - lo + 1]
        journeys, legs, label_journey = origin_journeys(
            net, a_stop[a0:a1], a_s[a0:a1], w_dest[w0:w1], w_s[w0:w1], egress, len(dest_p), params
        )
        chosen = [(d, option, j, leave) for d in dests for option, (j, leave) in enumerate(
            journey_options(journeys, label_journey, d, q, options == "pareto"))]
        if nearest_only and chosen:
            chosen = [min(chosen, key=lambda c: int(journeys[c[2], 4]) - c[3])]
        for d, option, j, leave in chosen:
            first, n = int(journeys[j, 2]), int(journeys[j, 3])
            found.append((o, d, option, legs[first : first + n], leave))
        if progress is not None:
            progress(done, len(by_origin))
    search_s = time.perf_counter() - t_start
    t1 = time.perf_counter()
    timetable = network.timetable(q.date) if q.transit_modes else None
    ridden = ({str(timetable.trip_ids[t]) for *_, kernel_legs, _ in found
               for t in kernel_legs[kernel_legs[:, 0] == RIDE, 3]} if timetable else set())
    ctx = _Context(network, q, origins_p, dest_p, o_snap, d_snap, LegGeometry(network, ridden),
                   dt.datetime.combine(q.date, dt.time()))  # fmt: skip
    rows: list[dict] = []
    for o, d, option, kernel_legs, leave in found:
        for segment, row in enumerate(_leg_rows(ctx, o, kernel_legs, leave)):
            row.update(from_id=origins_p.ids[o], to_id=dest_p.ids[d], option=option,
                       segment=segment)  # fmt: skip
            rows.append(row)
    geometry_s = time.perf_counter() - t1
    n_options = len(found)
    columns = R5PY_COLUMNS + EXTRA_COLUMNS
    frame = gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns), geometry="geometry",
                             crs="EPSG:4326")  # fmt: skip
    frame["distance"] = frame["distance"].astype(float)
    frame.attrs["stats"] = {
        "pairs": len(pairs), "options": n_options, "legs": len(frame), "search_s": search_s,
        "legs_s": geometry_s, "total_s": time.perf_counter() - t_start,
    }  # fmt: skip
    frame.attrs["parameters"] = {**q.parameters(), "options": options, "engine": "builtin"}
    return frame


class DetailedItineraries(gpd.GeoDataFrame):
    """Journeys between origins and destinations, one row per leg, as r5py's ``DetailedItineraries``.

    Columns (r5py's, in its order): ``from_id, to_id, option, segment,
    transport_mode, departure_time, distance`` (m), ``travel_time, wait_time``
    (timedeltas; the wait is spent before the leg), ``feed, agency_id,
    route_id, start_stop_id, end_stop_id`` (GTFS ids without the feed prefix;
    empty for walks where they do not apply) and ``geometry`` (WGS84 lines:
    walks along the streets, rides along ``shapes.txt`` or through the stops);
    then ``route_short_name, headsign, start_stop_name, end_stop_name``.
    The legs of an option add up (travel + wait) to its travel time, which is
    the :class:`~accessibility.routing.matrix.TravelTimeMatrix` time of the
    same request and departure minute (in seconds; the matrix floors minutes).

    Parameters
    ----------
    transport_network : TransportNetwork
    origins : geopandas.GeoDataFrame
        Unique ``id`` column, point geometries, any CRS.
    destinations : geopandas.GeoDataFrame, optional
        Default: the origins. Paired with the origins row by row unless one
        side has one point or ``force_all_to_all`` is given (as r5py).
    request : TravelRequest, optional
        Or its fields as keyword arguments (``departure=...``, ...), as
        :class:`~accessibility.routing.matrix.TravelTimeMatrix`. The window
        gives one search per minute; percentiles are not used.
    force_all_to_all : bool, default False
    options : {"fastest", "pareto"}, default "fastest"
        The fastest journey per departure minute, or per minute also the
        faster-with-more-rides set (see :mod:`accessibility.routing.itineraries`).
    nearest_only : bool, default False
        Keep one option per origin: the shortest travel time to any of its
        destinations over the window (the journey to the nearest destination;
        ties: the first destination, the earliest minute). Leg rows are built
        for that option only.
    progress : callable, optional
        ``progress(done, total)`` after each origin.

    Notes
    -----
    A pair without any journey within ``max_time`` has no rows. Timings are in
    ``.attrs["stats"]`` (``search_s``: snapping, street legs and RAPTOR searches;
    ``legs_s``: shapes, leg rows and geometries).
    """

    def __init__(
        self,
        transport_network: TransportNetwork,
        origins=None,
        destinations=None,
        request: TravelRequest | None = None,
        *,
        force_all_to_all: bool = False,
        options: str = "fastest",
        nearest_only: bool = False,
        progress: Callable[[int, int], None] | None = None,
        **request_fields,
    ) -> None:
        q = as_request(request, request_fields)
        frame = detailed_itineraries(transport_network, origins, destinations, q,
                                     force_all_to_all=force_all_to_all, options=options,
                                     nearest_only=nearest_only, progress=progress)  # fmt: skip
        attrs = dict(frame.attrs)
        super().__init__(frame, geometry="geometry", crs="EPSG:4326")
        self.attrs.update(attrs)

    @classmethod
    def _geodataframe_constructor_with_fallback(cls, *args, **kwargs):
        # Derived frames (slices, copies) are plain GeoDataFrames, not new searches.
        return gpd.GeoDataFrame._geodataframe_constructor_with_fallback(*args, **kwargs)
