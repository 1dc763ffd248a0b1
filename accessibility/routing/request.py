"""One routing request for every engine, shaped like r5py's ``RegionalTask``.

A :class:`TravelRequest` holds every parameter of a travel-time computation:
the departure window, the percentiles, the time limits, the walking speed and
limits, the modes and the number of rides. The matrix engine (range-RAPTOR),
the nearest-facility search (backward profile search) and the optional r5py
engine all take the same object, so a limit is defined once and both built-in
engines give the same answer to the same request.

The walking limits, all derived here and nowhere else:

* ``max_time_walking`` (default: ``max_time``, as r5py) bounds every walk of a
  trip: the access walk to the first stop, the egress walk from the last stop
  and a walk-only trip.
* The egress walk is also bounded by ``max_egress_distance_m`` (2000 m, R5's
  stop-to-street distance limit).
* Transfers between stops are bounded by the network's
  ``transfer_max_distance_m`` (1000 m, R5's ``TRANSFER_DISTANCE_LIMIT``).
* Points farther than ``snap_distance_m`` from a walkable street are not
  routed (R5 links points within 1600 m).

Cycling (see ``docs/cycling.md``): ``transport_modes=[BICYCLE]`` gives
bike-only times, ``access_modes=[BICYCLE]`` (or ``[WALK, BICYCLE]``) with a
transit mode gives bike and ride: cycle to a stop where bikes may be parked
(``bike_parking``: ``"stations"`` by default, ``"all"`` stops), ride, walk
from the last stop. ``max_time_cycling`` (default ``max_time``) bounds every
bike leg; the speed is ``speed_cycling`` km/h or the ``bike_profile``'s
(:data:`BIKE_PROFILES`: ``"bike"`` 15 km/h, ``"ebike"`` 20 km/h).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence

from accessibility.errors import InputError
from accessibility.routing.modes import TRANSIT_MODES, TransportMode, as_mode
from accessibility.routing.raptor import BOARD_SLACK_SECONDS

#: Default snap distance of origins and destinations to the street network (m),
#: as R5's linking radius for point sets.
POINT_SNAP_DISTANCE_M = 1600.0

#: Default limit of the egress walk from the last stop to a destination (m),
#: as R5's stop-to-street distance tables (``WALK_DISTANCE_LIMIT_METERS``).
EGRESS_DISTANCE_LIMIT_M = 2000.0

#: Cycling speeds of the named bike profiles (km/h).
BIKE_PROFILES = {"bike": 15.0, "ebike": 20.0}

#: Where a bike may be parked before boarding (``bike_parking``).
BIKE_PARKING = ("stations", "all")

#: Modes a street leg (access, egress, direct trip) can use.
STREET_MODES = frozenset({TransportMode.WALK, TransportMode.BICYCLE})

#: Longest departure window: one service day (a longer window runs past the
#: timetable of the departure date and leaves most pairs unreached).
MAX_DEPARTURE_WINDOW = dt.timedelta(days=1)


def _check_timedelta(value: object, name: str) -> dt.timedelta:
    if not isinstance(value, dt.timedelta):
        raise InputError(f"{name} must be a datetime.timedelta, got {value!r}")
    if value.total_seconds() <= 0:
        raise InputError(f"{name} must be positive, got {value}")
    return value


def _check_percentiles(values: Sequence[object]) -> tuple[int, ...]:
    if isinstance(values, int | float):
        values = [values]
    out = []
    for p in values:
        if isinstance(p, bool) or not isinstance(p, int | float) or p != int(p) or not 0 < p <= 100:
            raise InputError(
                f"percentiles must be whole numbers in 1..100, got {list(values)!r}"
            )
        out.append(int(p))
    if not out:
        raise InputError("percentiles must name at least one percentile, e.g. [50]")
    return tuple(out)


def nearest_rank_index(n_values: int, percentile: float) -> int:
    """Zero-based index of a percentile in ``n_values`` sorted values (R5's nearest rank)."""
    return max(int(math.ceil(percentile / 100.0 * n_values)) - 1, 0)


@dataclasses.dataclass(frozen=True)
class TravelRequest:
    """Every parameter of a travel-time computation (r5py's ``RegionalTask``).

    Parameters
    ----------
    departure : datetime.datetime
        First departure of the window, local time of the feeds (naive).
    departure_time_window : datetime.timedelta, default 10 minutes
        One search per minute in ``[departure, departure + window)``; at most
        one day.
    percentiles : sequence of int, default (50,)
        Percentiles of the per-minute travel times (R5's nearest-rank rule).
    max_time : datetime.timedelta, default 2 hours
        Longer trips count as unreached.
    max_time_walking : datetime.timedelta, optional
        Longest walk of every walking leg: access, egress and walk-only
        trips. Default None: ``max_time`` (r5py's default).
    speed_walking : float, default 3.6
        Walking speed, km/h.
    max_public_transport_rides : int, default 8
        Most vehicles boarded in one trip (r5py's default). The
        nearest-facility search does not limit rides.
    transport_modes : sequence of TransportMode or str, default (TRANSIT, WALK)
        ``[WALK]`` alone gives walk-only times; a transit sub-mode (``BUS``,
        ``RAIL``, ...) restricts the vehicles by GTFS ``route_type``.
    wait_at_origin : bool, default True
        True (R5, r5py): travel time counts from the minute of the window.
        False: from the latest minute that still reaches the same arrival.
    snap_distance_m : float, default 1600
        Points farther from a walkable street are unreachable.
    max_egress_distance_m : float, default 2000
        Longest walk from the last stop to a destination (m).
    speed_cycling : float, optional
        Cycling speed, km/h; default None: the ``bike_profile``'s speed.
    bike_profile : {"bike", "ebike"}, default "bike"
        Named cycling speed (:data:`BIKE_PROFILES`: 15 and 20 km/h); an
        explicit ``speed_cycling`` wins.
    max_time_cycling : datetime.timedelta, optional
        Longest bike leg (direct trip or ride to the stop). Default None:
        ``max_time``.
    access_modes : sequence of TransportMode or str, default (WALK,)
        How an origin reaches the first stop: ``WALK``, ``BICYCLE`` or both
        (the faster per stop). Bikes go only to stops allowed by ``bike_parking``.
    egress_modes : sequence of TransportMode or str, default (WALK,)
        From the last stop to the destination: ``WALK`` only (a parked bike
        stays at the origin side).
    bike_parking : {"stations", "all"}, default "stations"
        Stops where a bike may be parked: ``"stations"`` are stops whose
        parent is a ``location_type`` 1 station or that rail routes serve
        (``route_type`` 2 or 100-199), as bikes are parked in the
        Netherlands; ``"all"``: every stop.

    Raises
    ------
    InputError
        Naming the first parameter that is not valid.
    """

    departure: dt.datetime
    departure_time_window: dt.timedelta = dt.timedelta(minutes=10)
    percentiles: tuple[int, ...] = (50,)
    max_time: dt.timedelta = dt.timedelta(hours=2)
    max_time_walking: dt.timedelta | None = None
    speed_walking: float = 3.6
    max_public_transport_rides: int = 8
    transport_modes: tuple[TransportMode, ...] = (TransportMode.TRANSIT, TransportMode.WALK)
    wait_at_origin: bool = True
    snap_distance_m: float = POINT_SNAP_DISTANCE_M
    max_egress_distance_m: float = EGRESS_DISTANCE_LIMIT_M
    speed_cycling: float | None = None
    bike_profile: str = "bike"
    max_time_cycling: dt.timedelta | None = None
    access_modes: tuple[TransportMode, ...] = (TransportMode.WALK,)
    egress_modes: tuple[TransportMode, ...] = (TransportMode.WALK,)
    bike_parking: str = "stations"

    def __post_init__(self) -> None:
        if not isinstance(self.departure, dt.datetime):
            raise InputError(
                f"departure must be a datetime.datetime (local time of the feeds), "
                f"got {self.departure!r}"
            )
        if self.departure.tzinfo is not None:
            raise InputError(
                f"departure {self.departure.isoformat()} carries a timezone offset; give the "
                "local time of the feeds without an offset (e.g. 2026-12-01T10:00)"
            )
        _check_timedelta(self.departure_time_window, "departure_time_window")
        if self.departure_time_window > MAX_DEPARTURE_WINDOW:
            raise InputError(
                f"departure_time_window {self.departure_time_window} is longer than one day "
                f"({MAX_DEPARTURE_WINDOW}); only the timetable of the departure date is searched, "
                "so give a window of at most 1440 minutes"
            )
        _check_timedelta(self.max_time, "max_time")
        if self.max_time_walking is not None:
            _check_timedelta(self.max_time_walking, "max_time_walking")
        if self.bike_profile not in BIKE_PROFILES:
            raise InputError(f"bike_profile must be one of {sorted(BIKE_PROFILES)}, got "
                             f"{self.bike_profile!r}")
        if self.max_time_cycling is not None:
            _check_timedelta(self.max_time_cycling, "max_time_cycling")
        if self.bike_parking not in BIKE_PARKING:
            raise InputError(f"bike_parking must be one of {list(BIKE_PARKING)}, got "
                             f"{self.bike_parking!r}")
        for value, name, unit in ((self.speed_walking, "speed_walking", "km/h"),
                                  (self.cycling_kmh, "speed_cycling", "km/h")):
            if isinstance(value, bool) or not isinstance(value, int | float) or not (
                math.isfinite(value) and value > 0
            ):
                raise InputError(f"{name} must be a positive number ({unit}), got {value!r}")
        rides = self.max_public_transport_rides
        if isinstance(rides, bool) or not isinstance(rides, int) or rides < 0:
            raise InputError(f"max_public_transport_rides must be an integer >= 0, got {rides!r}")
        for value, name in ((self.snap_distance_m, "snap_distance_m"),
                            (self.max_egress_distance_m, "max_egress_distance_m")):
            if isinstance(value, bool) or not isinstance(value, int | float) or not (
                math.isfinite(value) and value >= 0
            ):
                raise InputError(f"{name} must be a number >= 0 (m), got {value!r}")
        modes = self.transport_modes
        if isinstance(modes, str | TransportMode):
            modes = [modes]
        modes = tuple(dict.fromkeys(as_mode(m) for m in modes))
        if not modes:
            raise InputError("transport_modes is empty; give e.g. [TRANSIT, WALK]")
        object.__setattr__(self, "transport_modes", modes)
        for field in ("access_modes", "egress_modes"):
            legs = getattr(self, field)
            if isinstance(legs, str | TransportMode):
                legs = [legs]
            legs = tuple(dict.fromkeys(as_mode(m) for m in legs))
            if not legs or not set(legs) <= STREET_MODES:
                raise InputError(f"{field} must name WALK and/or BICYCLE, got "
                                 f"{[m.value for m in legs]!r}")
            object.__setattr__(self, field, legs)
        if self.egress_modes != (TransportMode.WALK,):
            raise InputError("egress_modes must be [WALK]: a bike parked before boarding stays "
                             "at the origin side, so the last leg is walked")
        if self.speed_cycling is not None:
            object.__setattr__(self, "speed_cycling", float(self.speed_cycling))
        object.__setattr__(self, "percentiles", _check_percentiles(self.percentiles))
        object.__setattr__(self, "speed_walking", float(self.speed_walking))
        object.__setattr__(self, "wait_at_origin", bool(self.wait_at_origin))
        object.__setattr__(self, "snap_distance_m", float(self.snap_distance_m))
        object.__setattr__(self, "max_egress_distance_m", float(self.max_egress_distance_m))

    # -- derived values in the kernels' units (seconds, metres) --------------

    @property
    def date(self) -> dt.date:
        """Service date searched: the date of the departure."""
        return self.departure.date()

    @property
    def departure_seconds(self) -> int:
        """Start of the window, seconds since midnight of :attr:`date`."""
        t = self.departure
        return t.hour * 3600 + t.minute * 60 + t.second

    @property
    def n_minutes(self) -> int:
        """Departure minutes searched (at least one)."""
        return max(1, int(self.departure_time_window.total_seconds() // 60))

    @property
    def max_time_seconds(self) -> int:
        """Longest trip, seconds."""
        return int(self.max_time.total_seconds())

    @property
    def walking_limit(self) -> dt.timedelta:
        """Longest walk of one walking leg (``max_time_walking``, else ``max_time``)."""
        return self.max_time if self.max_time_walking is None else self.max_time_walking

    @property
    def speed_walking_mps(self) -> float:
        """Walking speed, m/s."""
        return self.speed_walking / 3.6

    @property
    def access_limit_m(self) -> float:
        """Longest access walk from an origin to a stop (m)."""
        return self.walking_limit.total_seconds() * self.speed_walking_mps

    @property
    def egress_limit_m(self) -> float:
        """Longest egress walk from a stop to a destination (m)."""
        return min(self.access_limit_m, self.max_egress_distance_m)

    @property
    def walk_only_limit_m(self) -> float:
        """Longest walk-only trip (m)."""
        return self.access_limit_m

    @property
    def cycling_kmh(self) -> float:
        """Cycling speed, km/h: ``speed_cycling`` when given, else the ``bike_profile``'s.

        Kept apart from the field, so ``replace(bike_profile="ebike")`` changes
        the speed of a request that did not set ``speed_cycling``.
        """
        return BIKE_PROFILES[self.bike_profile] if self.speed_cycling is None else self.speed_cycling

    @property
    def speed_cycling_mps(self) -> float:
        """Cycling speed, m/s."""
        return self.cycling_kmh / 3.6

    @property
    def cycling_limit(self) -> dt.timedelta:
        """Longest bike leg (``max_time_cycling``, else ``max_time``)."""
        return self.max_time if self.max_time_cycling is None else self.max_time_cycling

    @property
    def bike_limit_m(self) -> float:
        """Longest bike leg in ride-equivalent metres (limit x cycling speed)."""
        return self.cycling_limit.total_seconds() * self.speed_cycling_mps

    @property
    def dismount_factor(self) -> float:
        """Cost factor of pushed segments: ``speed_cycling / speed_walking``."""
        return self.cycling_kmh / self.speed_walking

    @property
    def walk_direct(self) -> bool:
        """Whether walk-only trips count (all requests but bike-only ones without WALK)."""
        return (TransportMode.WALK in self.transport_modes
                or TransportMode.BICYCLE not in self.transport_modes)

    @property
    def bike_direct(self) -> bool:
        """Whether bike-only trips count (``BICYCLE`` in ``transport_modes``)."""
        return TransportMode.BICYCLE in self.transport_modes

    @property
    def walk_access(self) -> bool:
        """Whether the first stop may be reached on foot."""
        return TransportMode.WALK in self.access_modes

    @property
    def bike_access(self) -> bool:
        """Whether the first stop may be reached by bike (bike and ride)."""
        return bool(self.transit_modes) and TransportMode.BICYCLE in self.access_modes

    @property
    def uses_bicycle(self) -> bool:
        """Whether any leg of the request is cycled (the bicycle network is needed)."""
        return self.bike_direct or self.bike_access

    @property
    def transit_modes(self) -> frozenset[TransportMode]:
        """The public-transport modes of the request (empty: walk only)."""
        return frozenset(set(self.transport_modes) & TRANSIT_MODES)

    @property
    def rides(self) -> int:
        """Ride limit passed to the kernels (0 when no transit mode is requested)."""
        return int(self.max_public_transport_rides) if self.transit_modes else 0

    @property
    def percentile(self) -> int:
        """The only percentile of the request (an error when there are several)."""
        if len(self.percentiles) != 1:
            raise InputError(
                f"this computation takes one percentile, the request has {list(self.percentiles)}"
            )
        return self.percentiles[0]

    def require_builtin_modes(self, cycling: bool = False) -> None:
        """Raise :class:`InputError` for modes this built-in computation does not route.

        Parameters
        ----------
        cycling : bool, default False
            True for the computations that route bicycles (the matrix and the
            nearest-facility search); the others take walking and transit only.
        """
        refused = {TransportMode.CAR} | (set() if cycling else {TransportMode.BICYCLE})
        unsupported = (set(self.transport_modes) | set(self.access_modes)) & refused
        if unsupported:
            what = ("walking, cycling and public transport" if cycling
                    else "walking and public transport")
            raise InputError(
                f"this computation routes {what} only, not "
                f"{sorted(u.value for u in unsupported)}; use engine='r5py' for those"
            )

    def replace(self, **changes: object) -> TravelRequest:
        """A copy with some parameters changed (checked again)."""
        return dataclasses.replace(self, **changes)

    def parameters(self) -> dict[str, object]:
        """Every parameter, in plain values, for metadata and reports."""
        return {
            "departure": self.departure.isoformat(),
            "departure_time_window_min": self.n_minutes,
            "percentiles": list(self.percentiles),
            "max_time_min": self.max_time_seconds / 60,
            "max_time_walking_min": self.walking_limit.total_seconds() / 60,
            "speed_walking_kmh": self.speed_walking,
            "max_public_transport_rides": self.rides,
            "transport_modes": sorted(m.value for m in self.transport_modes),
            "wait_at_origin": self.wait_at_origin,
            "board_slack_s": BOARD_SLACK_SECONDS,
            "access_max_m": self.access_limit_m,
            "egress_max_m": self.egress_limit_m,
            "snap_distance_m": self.snap_distance_m,
            "speed_cycling_kmh": self.cycling_kmh,
            "bike_profile": self.bike_profile,
            "max_time_cycling_min": self.cycling_limit.total_seconds() / 60,
            "access_modes": [m.value for m in self.access_modes],
            "egress_modes": [m.value for m in self.egress_modes],
            "bike_parking": self.bike_parking,
        }
