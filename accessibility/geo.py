"""Coordinates: great-circle distances, WGS84 checks and the choice of a metric CRS.

The one place that decides which metric CRS a study area uses, so street
networks, grids and maps of one region always share it: RD New
(``EPSG:28992``) in the Netherlands, else the local UTM zone.
"""

from __future__ import annotations

import numpy as np

from accessibility.errors import InputError

#: Mean earth radius in metres used for haversine lengths (osmnx uses the same value).
EARTH_RADIUS_M = 6_371_009.0


#: WGS84 bounds (lon_min, lat_min, lon_max, lat_max) inside which "EPSG:28992" is used.
NL_BBOX = (3.2, 50.75, 7.22, 53.7)


def haversine_m(
    lat1: np.ndarray | float,
    lon1: np.ndarray | float,
    lat2: np.ndarray | float,
    lon2: np.ndarray | float,
) -> np.ndarray:
    """Great-circle distance in metres between WGS84 points (degrees), vectorised."""
    p1 = np.radians(lat1)
    p2 = np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    a = np.sin(dp / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def choose_metric_crs(lat: np.ndarray | float, lon: np.ndarray | float) -> str:
    """Pick a metric CRS for WGS84 data.

    Parameters
    ----------
    lat, lon : array-like or float
        WGS84 coordinates in degrees.

    Returns
    -------
    str
        ``"EPSG:28992"`` (RD New) when the centre of the data's bounding box
        lies in :data:`NL_BBOX`, otherwise the UTM zone of that centre
        (``"EPSG:326zz"`` north, ``"EPSG:327zz"`` south; the Norway/Svalbard
        zone exceptions are not applied).
    """
    lat_a = np.atleast_1d(np.asarray(lat, dtype=np.float64))
    lon_a = np.atleast_1d(np.asarray(lon, dtype=np.float64))
    if lat_a.size == 0 or lon_a.size == 0:
        raise InputError("choose_metric_crs needs at least one coordinate; got none")
    check_wgs84(lat_a, lon_a, "coordinates")
    lat_c = (lat_a.min() + lat_a.max()) / 2.0
    lon_c = (lon_a.min() + lon_a.max()) / 2.0
    lon_min, lat_min, lon_max, lat_max = NL_BBOX
    if lon_min <= lon_c <= lon_max and lat_min <= lat_c <= lat_max:
        return "EPSG:28992"
    zone = min(max(int((lon_c + 180.0) // 6.0) + 1, 1), 60)
    return f"EPSG:{(32600 if lat_c >= 0 else 32700) + zone}"


def local_metric_crs(lon: float, lat: float) -> str:
    """Pick a metric CRS for a study area around a WGS84 point.

    A longitude-first front end of :func:`choose_metric_crs`,
    so grids and street networks of one region always share their CRS.

    Parameters
    ----------
    lon, lat : float
        WGS84 longitude and latitude in degrees.

    Returns
    -------
    str
        ``"EPSG:28992"`` (RD New) inside the Netherlands (the box
        :data:`NL_BBOX`), else the WGS84 UTM zone of the
        point (``"EPSG:326zz"`` north of the equator, ``"EPSG:327zz"`` south).

    Raises
    ------
    InputError
        When ``lon`` / ``lat`` are not finite or outside [-180, 180] / [-90, 90]
        (often: the two were swapped, or projected metres were passed).
    """
    return choose_metric_crs(lat, lon)


def check_wgs84(lat: np.ndarray, lon: np.ndarray, what: str) -> None:
    """Raise InputError naming the first bad positions when lat/lon are not valid WGS84."""
    bad = ~(np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0))
    if bad.any():
        pos = np.flatnonzero(bad)
        shown = ", ".join(f"#{i} (lat={lat[i]!r}, lon={lon[i]!r})" for i in pos[:10])
        raise InputError(
            f"{len(pos)} {what} are not valid WGS84 degrees (lat in -90..90, lon in -180..180): "
            f"{shown}{' ...' if len(pos) > 10 else ''}. Fix or drop these coordinates."
        )


def project_wgs84(lat: np.ndarray, lon: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """Project WGS84 degrees to ``crs``; returns x, y in metres."""
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        target = CRS.from_user_input(crs)
    except CRSError as exc:
        raise InputError(f"unknown CRS {crs!r}: {exc}. Give an EPSG code like 'EPSG:28992'.") from exc
    if not target.is_projected:
        raise InputError(
            f"CRS {crs!r} is not a projected (metric) CRS. Give one in metres, "
            "e.g. 'EPSG:28992' (Netherlands) or a UTM zone."
        )
    transformer = Transformer.from_crs("EPSG:4326", target, always_xy=True)
    x, y = transformer.transform(lon, lat)
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


_WKB_HEADER = 9  # byte order (1), geometry type (4), number of points (4)


def wkb_linestring_coordinates(hex_wkb: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of hex-encoded little-endian WKB linestrings (as libosmium writes them).

    Parameters
    ----------
    hex_wkb : list of str
        2-D linestrings, e.g. from ``osmium.geom.WKBFactory().create_linestring``.

    Returns
    -------
    coords : numpy.ndarray of float64, shape (n_points, 2)
        ``x, y`` (lon, lat) of every point, linestring after linestring.
    index : numpy.ndarray of int64, shape (n_points,)
        The linestring of each point.

    Decoded in numpy (one pass over the bytes), much faster than parsing
    every geometry into a shapely object.
    """
    if not hex_wkb:
        return np.empty((0, 2)), np.empty(0, dtype=np.int64)
    raw = np.frombuffer(bytes.fromhex("".join(hex_wkb)), dtype=np.uint8)
    lengths = np.fromiter((len(g) // 2 for g in hex_wkb), dtype=np.int64, count=len(hex_wkb))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    if not (raw[starts] == 1).all():
        raise ValueError("big-endian WKB is not supported")
    n_points = (lengths - _WKB_HEADER) // 16
    keep = np.ones(len(raw), dtype=bool)
    keep[(starts[:, None] + np.arange(_WKB_HEADER)).ravel()] = False
    lonlat = raw[keep].view("<f8").reshape(-1, 2)
    return lonlat, np.repeat(np.arange(len(hex_wkb), dtype=np.int64), n_points)
