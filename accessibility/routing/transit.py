"""The public-transport side of a request: the timetable arrays each engine scans.

RAPTOR takes a tuple of pattern, trip, stop-to-pattern and transfer arrays
(:func:`raptor_network`); the profile search takes the timetable's
connections (:func:`accessibility.routing.profile.timetable_connections`).
Both are restricted to the request's transit modes.
"""

from __future__ import annotations

import numpy as np

from accessibility.errors import InputError
from accessibility.gtfs import Timetable
from accessibility.routing import raptor
from accessibility.routing.modes import TransportMode, route_type_mode
from accessibility.routing.network import TransportNetwork
from accessibility.routing.request import TravelRequest
from accessibility.routing.street_legs import transfer_legs


def kernel_network(
    timetable: Timetable,
    transfers: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    pattern_mask: np.ndarray | None = None,
) -> tuple[np.ndarray, ...]:
    """The ``net`` tuple the RAPTOR kernels take.

    The boarding rules of the timetable are encoded without a kernel branch:
    a stop where a pattern's trips may not be boarded (``pattern_pickup``
    False) is left out of the stop -> pattern index, so no search boards there;
    where they may not be left (``pattern_drop_off`` False) the kernel's copy
    of ``arrival`` holds :data:`~accessibility.routing.raptor.UNREACHED`, so no
    arrival (and no transfer or egress from it) is recorded there.

    Parameters
    ----------
    timetable : Timetable
    transfers : tuple
        The result of :func:`combine_transfers`.
    pattern_mask : bool array, shape (n_patterns,), optional
        Patterns that may be used (all by default); used to restrict transit modes.
    """
    sp_ptr, sp_pattern, sp_pos = raptor.stop_pattern_index(
        np.ascontiguousarray(timetable.pattern_stop_ptr, dtype=np.int64),
        np.ascontiguousarray(timetable.pattern_stops, dtype=np.int32),
        timetable.n_stops,
    )
    keep = np.asarray(timetable.pattern_pickup, dtype=bool)[
        timetable.pattern_stop_ptr[sp_pattern] + sp_pos
    ]
    if pattern_mask is not None:
        keep &= np.asarray(pattern_mask, dtype=bool)[sp_pattern]
    if not keep.all():
        counts = np.bincount(
            np.repeat(np.arange(timetable.n_stops), np.diff(sp_ptr))[keep],
            minlength=timetable.n_stops,
        )
        sp_ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        sp_pattern, sp_pos = sp_pattern[keep], sp_pos[keep]
    t_ptr, t_to, t_sec, self_sec = transfers
    return (
        np.ascontiguousarray(timetable.pattern_stop_ptr, dtype=np.int64),
        np.ascontiguousarray(timetable.pattern_stops, dtype=np.int32),
        np.ascontiguousarray(timetable.pattern_trip_ptr, dtype=np.int64),
        np.ascontiguousarray(timetable.trip_time_ptr, dtype=np.int64),
        _arrivals_where_alighting(timetable),
        np.ascontiguousarray(timetable.departure, dtype=np.int32),
        sp_ptr,
        sp_pattern,
        sp_pos,
        np.ascontiguousarray(t_ptr, dtype=np.int64),
        np.ascontiguousarray(t_to, dtype=np.int32),
        np.ascontiguousarray(t_sec, dtype=np.int32),
        np.ascontiguousarray(self_sec, dtype=np.int32),
    )


def _arrivals_where_alighting(timetable: Timetable) -> np.ndarray:
    """``timetable.arrival`` with UNREACHED where the trip may not be left (int32 copy)."""
    arrival = np.array(timetable.arrival, dtype=np.int32)
    banned = np.flatnonzero(~np.asarray(timetable.pattern_drop_off, dtype=bool))
    if len(banned):
        pattern = np.searchsorted(timetable.pattern_stop_ptr, banned, side="right") - 1
        position = banned - timetable.pattern_stop_ptr[pattern]
        n_trips = np.diff(timetable.pattern_trip_ptr)[pattern]
        first = np.repeat(timetable.pattern_trip_ptr[pattern], n_trips)
        trips = first + np.arange(int(n_trips.sum())) - np.repeat(np.cumsum(n_trips) - n_trips,
                                                                   n_trips)
        arrival[timetable.trip_time_ptr[trips] + np.repeat(position, n_trips)] = raptor.UNREACHED
    return arrival


def empty_network(n_stops: int) -> tuple[np.ndarray, ...]:
    """A ``net`` tuple without any pattern (walk-only routing)."""
    ptr1 = np.zeros(1, dtype=np.int64)
    i32 = np.empty(0, dtype=np.int32)
    i64 = np.empty(0, dtype=np.int64)
    stops_ptr = np.zeros(n_stops + 1, dtype=np.int64)
    return (ptr1, i32, ptr1, i64, i32, i32, stops_ptr, i32, i32, stops_ptr, i32, i32,
            np.zeros(n_stops, dtype=np.int32))  # fmt: skip


def raptor_network(network: TransportNetwork, request: TravelRequest) -> tuple:
    """The RAPTOR kernels' ``net`` tuple for a request (kept in the network's memo).

    The timetable of the request's date, the transfers at its walking speed
    and the patterns of its transit modes; without transit modes a network
    without patterns (walk-only routing).
    """
    if not request.transit_modes:
        return empty_network(network.n_stops)
    check_covered(network.timetable(request.date), request)
    key = ("raptor_network", request.date, request.speed_walking,
           tuple(sorted(request.transit_modes)))
    return network.memo(key, lambda: _build_raptor_network(network, request))


def check_covered(timetable: Timetable, request: TravelRequest) -> None:
    """Reject a request that needs departures beyond what the timetable of its date holds.

    The timetable of a date includes the next day's trips leaving before
    06:00 (:attr:`Timetable.latest_departure_s`), so an evening window that
    crosses midnight (23:00 + 60 min, trips of up to 2 h) is routed whole.
    A request whose window plus ``max_time`` reaches later would be cut
    silently; it raises instead.

    Raises
    ------
    InputError
        Naming the window, ``max_time`` and what to change.
    """
    end = request.departure_seconds + request.n_minutes * 60 + request.max_time_seconds
    if end <= timetable.latest_departure_s:
        return
    limit = timetable.latest_departure_s - 86_400
    raise InputError(
        f"The departure window {request.departure:%Y-%m-%d %H:%M} + {request.n_minutes} min "
        f"with max_time {request.max_time_seconds // 60} min needs trips until "
        f"{_clock(end)}, but the timetable of {timetable.date.isoformat()} holds the next "
        f"day's trips only until {_clock(86_400 + limit)}: start the window on the next day "
        "(its trips after midnight are then included), or shorten the window or max_time."
    )


def _clock(seconds: int) -> str:
    """Seconds since midnight as ``HH:MM`` (``+1 d`` after midnight)."""
    days, rest = divmod(int(seconds), 86_400)
    return f"{rest // 3600:02d}:{rest % 3600 // 60:02d}" + (f" (+{days} d)" if days else "")


def pattern_mask(timetable: Timetable, request: TravelRequest) -> np.ndarray | None:
    """Patterns the request's transit modes may use (None: all of them)."""
    if TransportMode.TRANSIT in request.transit_modes:
        return None
    return np.array(
        [route_type_mode(int(rt)) in request.transit_modes for rt in timetable.pattern_route_type],
        dtype=bool,
    )


def _build_raptor_network(network: TransportNetwork, request: TravelRequest) -> tuple:
    timetable = network.timetable(request.date)
    transfers = transfer_legs(network, timetable, request.speed_walking)
    return kernel_network(timetable, transfers, pattern_mask(timetable, request))
