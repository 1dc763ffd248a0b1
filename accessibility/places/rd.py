"""Coordinates users give in RD New (Rijksdriehoeksstelsel, EPSG:28992) or another CRS.

Dutch GIS users often have x/y in RD New metres. They are accepted explicitly
(columns ``x``/``y``, a ``crs`` column, the CLI's ``--x``/``--y``) and
recognised when they are passed where degrees are expected.
"""

from __future__ import annotations

from functools import lru_cache

from accessibility.errors import InputError

RD_NEW = "EPSG:28992"
RD_X_RANGE = (-7_000.0, 300_000.0)
RD_Y_RANGE = (289_000.0, 629_000.0)
"""The RD New bounds of the Netherlands, metres (EPSG:28992 area of use)."""


def looks_like_rd(lat: float, lon: float) -> bool:
    """True when ``lat``/``lon`` are no degrees but fit RD New as y/x (``lat`` = y).

    ``--lat 497011 --lon 145866`` is RD New y/x of a point in Hilversum; degrees
    lie within -90..90 and -180..180, so the two cannot be confused.
    """
    degrees = abs(lat) <= 90 and abs(lon) <= 180
    in_rd = (RD_Y_RANGE[0] <= lat <= RD_Y_RANGE[1]) and (RD_X_RANGE[0] <= lon <= RD_X_RANGE[1])
    return in_rd and not degrees


@lru_cache(maxsize=8)
def _transformer(crs: str):
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        source = CRS.from_user_input(crs)
    except CRSError as exc:
        raise InputError(
            f"unknown coordinate system {crs!r} ({exc}); give an EPSG code such as "
            "EPSG:28992 (RD New) or EPSG:4326 (WGS84)"
        ) from None
    return Transformer.from_crs(source, "EPSG:4326", always_xy=True)


def to_wgs84(x: float, y: float, crs: str = RD_NEW) -> tuple[float, float]:
    """WGS84 ``(lat, lon)`` of a point ``x``/``y`` (easting/northing) in ``crs``.

    Raises
    ------
    InputError
        Unknown CRS, or an RD New point outside the Netherlands' RD bounds.
    """
    text = str(crs).strip()
    if text.isdigit():
        text = f"EPSG:{text}"
    if text.upper() == RD_NEW and not (RD_X_RANGE[0] <= x <= RD_X_RANGE[1]
                                       and RD_Y_RANGE[0] <= y <= RD_Y_RANGE[1]):
        raise InputError(
            f"x={x:g}, y={y:g} lie outside the RD New area of the Netherlands "
            f"(x {RD_X_RANGE[0]:g}..{RD_X_RANGE[1]:g}, y {RD_Y_RANGE[0]:g}..{RD_Y_RANGE[1]:g} m); "
            "x is the easting (about 13.000-278.000), y the northing (about 306.000-620.000)"
        )
    lon, lat = _transformer(text.upper()).transform(x, y)
    return float(lat), float(lon)


def rd_to_wgs84(x: float, y: float) -> tuple[float, float]:
    """WGS84 ``(lat, lon)`` of an RD New point."""
    return to_wgs84(x, y, RD_NEW)
