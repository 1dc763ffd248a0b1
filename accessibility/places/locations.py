"""Location lists (steunpunten, satellites, proposed sites): read, validate, pin to a point.

A location list is a CSV (or a GeoPackage / GeoJSON of points) with the columns::

    id,name,organisation,address,postcode,city,lat,lon,kind,capacity_weight,note

Only ``id`` and ``name`` are required. Each row needs coordinates (``lat``/``lon``,
WGS84 degrees), an ``address`` to geocode, or a ``note`` explaining why the place
has no fixed point (rotating sites, a region-wide team). With ``city_level=True``
a row that only names its ``city`` is pinned to the town centre (PDOK woonplaats).

``kind`` is ``steunpunt`` (default), ``satellite`` or ``proposed``;
``capacity_weight`` is 0.5 (small, e.g. open one day a week), 1 (average, default)
or 2 (large), the weights of the De Galan report.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from accessibility.errors import InputError
from accessibility.io import atomic_path
from accessibility.places.geocode import CITY_FQ, Geocoder, build_query

KINDS = ("steunpunt", "satellite", "proposed")
CAPACITY_WEIGHTS = (0.5, 1.0, 2.0)
INPUT_COLUMNS = (
    "id", "name", "organisation", "address", "postcode", "city",
    "lat", "lon", "kind", "capacity_weight", "note",
)
PINNED_COLUMNS = [
    "id", "name", "organisation", "kind", "capacity_weight", "address",
    "geocode_match_type", "geocode_score", "source", "note",
]
UNPINNED_COLUMNS = [
    "id", "name", "organisation", "kind", "capacity_weight", "address", "city",
    "line", "reason", "note",
]


@dataclass(frozen=True)
class LocationSet:
    """The result of :func:`read_locations`.

    Attributes
    ----------
    pinned
        EPSG:4326 point GeoDataFrame with :data:`PINNED_COLUMNS` followed by any
        extra input columns (e.g. ``postcode``, ``city``, ``gemeente``).
    unpinned
        Rows that cannot be pinned, with :data:`UNPINNED_COLUMNS`; ``line`` is the
        1-based line (CSV) or feature number (GeoPackage/GeoJSON) and ``reason``
        says why.
    path
        The file read.
    """

    pinned: gpd.GeoDataFrame
    unpinned: pd.DataFrame
    path: Path

    def summary(self) -> str:
        """One line: how many rows were pinned (and how) and how many were not."""
        by_source = self.pinned["source"].value_counts().sort_index()
        parts = ", ".join(f"{n} {src}" for src, n in by_source.items()) or "none"
        return (
            f"{self.path}: {len(self.pinned)} pinned ({parts}), "
            f"{len(self.unpinned)} not pinned"
        )


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _read_table(path: Path) -> tuple[pd.DataFrame, int]:
    """Read the file as strings; return the table and the line offset of row 0."""
    if not path.exists():
        raise InputError(f"location list {path} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if path.stat().st_size == 0:
            raise InputError(f"location list {path} is empty; it needs a header line and rows")
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (pd.errors.ParserError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read location list {path} as UTF-8 CSV: {exc}") from exc
        return frame, 2  # line 1 is the header
    if suffix in (".gpkg", ".geojson", ".json"):
        gdf = gpd.read_file(path)
        frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).astype(object)
        if len(gdf) and gdf.geometry.notna().any():
            geoms = gdf.geometry if gdf.crs is None else gdf.geometry.to_crs(4326)
            for i, geom in enumerate(geoms):
                if geom is None or geom.is_empty:
                    continue
                if geom.geom_type != "Point":
                    raise InputError(
                        f"{path}, feature {i + 1}: geometry is a {geom.geom_type}, not a "
                        "point; give point locations"
                    )
            frame["lon"] = [g.x if g is not None and not g.is_empty else "" for g in geoms]
            frame["lat"] = [g.y if g is not None and not g.is_empty else "" for g in geoms]
        return frame.map(_text), 1  # features are numbered from 1
    raise InputError(
        f"location list {path} has an unknown extension {suffix!r}; use .csv, .gpkg or .geojson"
    )


def _parse_float(path: Path, line: int, column: str, value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise InputError(
            f"{path}, line {line}: {column} {value!r} is not a number; use a decimal point"
        ) from None


def _validate(path: Path, frame: pd.DataFrame, first_line: int, city_level: bool) -> list[dict]:
    """Check every row; return cleaned records (with ``line``) or raise InputError."""
    missing = [c for c in ("id", "name") if c not in frame.columns]
    if missing:
        raise InputError(
            f"location list {path} lacks the required column(s) {missing}; "
            f"found {list(frame.columns)}"
        )
    if frame.empty:
        raise InputError(f"location list {path} holds no locations (only a header)")
    for col in INPUT_COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    seen: dict[str, int] = {}
    records = []
    for i, row in enumerate(frame.to_dict("records")):
        line = first_line + i
        rec = {k: _text(v) for k, v in row.items()}
        rec["line"] = line
        where = f"{path}, line {line}"
        if not rec["id"]:
            raise InputError(f"{where}: id is empty; give every location a unique id")
        if rec["id"] in seen:
            raise InputError(
                f"{where}: id {rec['id']!r} is duplicated (first on line {seen[rec['id']]}); "
                "ids must be unique"
            )
        seen[rec["id"]] = line
        if not rec["name"]:
            raise InputError(f"{where}: location {rec['id']!r} has no name")
        kind = rec["kind"].lower() or "steunpunt"
        if kind not in KINDS:
            raise InputError(f"{where}: kind {rec['kind']!r} is not one of {', '.join(KINDS)}")
        rec["kind"] = kind
        weight = _parse_float(path, line, "capacity_weight", rec["capacity_weight"] or "1")
        if weight not in CAPACITY_WEIGHTS:
            raise InputError(
                f"{where}: capacity_weight {rec['capacity_weight']!r} is not one of 0.5 (small), "
                "1 (average) or 2 (large)"
            )
        rec["capacity_weight"] = weight
        lat_s, lon_s = rec["lat"], rec["lon"]
        if bool(lat_s) != bool(lon_s):
            raise InputError(f"{where}: give both lat and lon or neither (lat={lat_s!r}, lon={lon_s!r})")
        if lat_s:
            lat = _parse_float(path, line, "lat", lat_s)
            lon = _parse_float(path, line, "lon", lon_s)
            if not -90 <= lat <= 90:
                raise InputError(f"{where}: lat {lat_s!r} is outside -90..90 degrees (WGS84)")
            if not -180 <= lon <= 180:
                raise InputError(f"{where}: lon {lon_s!r} is outside -180..180 degrees (WGS84)")
            rec["lat"], rec["lon"] = lat, lon
        else:
            rec["lat"] = rec["lon"] = None
            if not (rec["address"] or rec["note"] or (city_level and rec["city"])):
                raise InputError(
                    f"{where}: location {rec['id']!r} has no lat/lon, no address and no note; "
                    "give one of them (a note explains why there is no fixed point)"
                )
        records.append(rec)
    return records


def read_locations(
    path: str | os.PathLike[str],
    geocoder: Geocoder | None = None,
    *,
    city_level: bool = False,
) -> LocationSet:
    """Read a location list and pin every row to a WGS84 point where possible.

    Parameters
    ----------
    path
        CSV, GeoPackage or GeoJSON file (see the module docstring for the columns).
    geocoder
        Used for rows with an address (query ``"<address>, <postcode> <city>"``) and,
        with ``city_level``, for rows with only a city (query ``"<name>, <city>"``
        filtered on ``type:woonplaats``). Without a geocoder such rows are unpinned.
    city_level
        Pin rows without address to their town (match type ``woonplaats``).

    Returns
    -------
    LocationSet
        Pinned points and the unpinned rows with a reason each.

    Raises
    ------
    InputError
        Empty file, missing id/name columns, empty or duplicated id, invalid kind
        or capacity_weight, lat/lon out of range or half given, or a row with
        neither coordinates, address nor note; the message names file, line and value.
    GeocodeError
        When the geocoder cannot answer (service unreachable, nothing cached).
    """
    path = Path(path)
    frame, first_line = _read_table(path)
    records = _validate(path, frame, first_line, city_level)
    extra = [c for c in frame.columns if c not in INPUT_COLUMNS]
    pinned: list[dict] = []
    unpinned: list[dict] = []
    for rec in records:
        base = {
            "id": rec["id"], "name": rec["name"], "organisation": rec["organisation"],
            "kind": rec["kind"], "capacity_weight": rec["capacity_weight"],
            "address": rec["address"], "note": rec["note"],
        }
        passthrough = {"postcode": rec["postcode"], "city": rec["city"],
                       **{c: rec[c] for c in extra}}
        if rec["lat"] is not None:
            pinned.append({**base, "geocode_match_type": "", "geocode_score": math.nan,
                           "source": "coordinates", **passthrough,
                           "geometry": Point(rec["lon"], rec["lat"])})
            continue
        if rec["address"]:
            query, fq = build_query(rec["address"], rec["postcode"], rec["city"]), None
        elif city_level and rec["city"]:
            query, fq = f"{rec['name']}, {rec['city']}", CITY_FQ
        else:
            unpinned.append({**base, "city": rec["city"], "line": rec["line"],
                             "reason": f"no coordinates and no address: {rec['note']}"})
            continue
        if geocoder is None:
            unpinned.append({**base, "city": rec["city"], "line": rec["line"],
                             "reason": f"not geocoded (no geocoder given) for {query!r}; "
                                       "run 'accessibility geocode' or give lat/lon"})
            continue
        result = geocoder.geocode(query, fq=fq)
        if result.status != "matched":
            reason = result.message or result.status
            unpinned.append({**base, "city": rec["city"], "line": rec["line"],
                             "reason": f"{result.status} for {query!r}: {reason}"})
            continue
        pinned.append({**base, "geocode_match_type": result.match_type or "",
                       "geocode_score": result.score, "source": f"geocoded: {result.provider}",
                       **passthrough, "geometry": Point(result.lon, result.lat)})
    columns = PINNED_COLUMNS + ["postcode", "city"] + extra
    gdf = gpd.GeoDataFrame(
        pd.DataFrame(pinned, columns=columns + ["geometry"]), geometry="geometry", crs=4326
    )
    return LocationSet(
        pinned=gdf,
        unpinned=pd.DataFrame(unpinned, columns=UNPINNED_COLUMNS),
        path=path,
    )


def write_locations(gdf: gpd.GeoDataFrame, path: str | os.PathLike[str]) -> Path:
    """Write pinned locations atomically: GeoPackage (``.gpkg``, layer ``locations``),
    GeoJSON (``.geojson``) or CSV with ``lat``/``lon`` columns (``.csv``).

    Returns the path written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".gpkg", ".geojson", ".csv"):
        raise InputError(f"output {path} has an unknown extension; use .gpkg, .geojson or .csv")
    with atomic_path(path) as tmp:
        if suffix == ".csv":
            table = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
            table["lat"] = gdf.geometry.y.round(7)
            table["lon"] = gdf.geometry.x.round(7)
            table.to_csv(tmp, index=False)
        elif suffix == ".gpkg":
            gdf.to_file(tmp, driver="GPKG", layer="locations")
        else:
            gdf.to_file(tmp, driver="GeoJSON")
    return path
