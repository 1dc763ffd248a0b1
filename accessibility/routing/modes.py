"""Transport modes, named as r5py's ``TransportMode``, and GTFS route types."""

from __future__ import annotations

import enum

from accessibility.errors import InputError


class TransportMode(enum.StrEnum):
    """Transport modes, named as r5py's ``TransportMode``."""

    TRANSIT = "TRANSIT"
    BUS = "BUS"
    TRAM = "TRAM"
    SUBWAY = "SUBWAY"
    RAIL = "RAIL"
    FERRY = "FERRY"
    CABLE_CAR = "CABLE_CAR"
    GONDOLA = "GONDOLA"
    FUNICULAR = "FUNICULAR"
    WALK = "WALK"
    BICYCLE = "BICYCLE"
    CAR = "CAR"


TRANSIT_MODES = {
    TransportMode.TRANSIT, TransportMode.BUS, TransportMode.TRAM, TransportMode.SUBWAY,
    TransportMode.RAIL, TransportMode.FERRY, TransportMode.CABLE_CAR, TransportMode.GONDOLA,
    TransportMode.FUNICULAR,
}  # fmt: skip


def as_mode(mode: TransportMode | str) -> TransportMode:
    """A :class:`TransportMode` from itself or its name (any case)."""
    try:
        return TransportMode(mode.upper() if isinstance(mode, str) else mode)
    except ValueError:
        raise InputError(
            f"unknown transport mode {mode!r}; use one of {[x.value for x in TransportMode]}"
        ) from None


def route_type_mode(route_type: int) -> TransportMode:
    """The transit mode of a GTFS ``route_type`` (basic and extended types)."""
    basic = {
        0: TransportMode.TRAM, 1: TransportMode.SUBWAY, 2: TransportMode.RAIL,
        3: TransportMode.BUS, 4: TransportMode.FERRY, 5: TransportMode.CABLE_CAR,
        6: TransportMode.GONDOLA, 7: TransportMode.FUNICULAR, 11: TransportMode.BUS,
        12: TransportMode.RAIL,
    }  # fmt: skip
    if route_type in basic:
        return basic[route_type]
    hundreds = route_type // 100
    extended = {
        1: TransportMode.RAIL, 2: TransportMode.BUS, 4: TransportMode.SUBWAY,
        5: TransportMode.SUBWAY, 6: TransportMode.SUBWAY, 7: TransportMode.BUS,
        8: TransportMode.BUS, 9: TransportMode.TRAM, 10: TransportMode.FERRY,
        12: TransportMode.FERRY, 13: TransportMode.GONDOLA, 14: TransportMode.FUNICULAR,
    }  # fmt: skip
    return extended.get(hundreds, TransportMode.BUS)
