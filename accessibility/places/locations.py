"""Location lists (steunpunten, satellites, proposed sites): read, validate, pin to a point.

A location list is a CSV (comma, semicolon or tab; UTF-8 with or without BOM, or
Windows-1252), an Excel workbook (``.xlsx``, first sheet) or a GeoPackage /
GeoJSON of points with the columns::

    id,name,organisation,address,postcode,city,gemeente,lat,lon,x,y,crs,kind,capacity_weight,note

Dutch names are accepted as well (:data:`COLUMN_ALIASES`: ``naam``, ``adres``,
``straat`` + ``huisnummer``, ``plaats``/``woonplaats``, ``soort``, ``capaciteit``,
``breedtegraad``/``lengtegraad``, ``opmerking``, ...). Only ``name`` is required;
without an ``id`` column the rows are numbered 1, 2, ... Each row needs
coordinates (``lat``/``lon`` in WGS84 degrees, or ``x``/``y`` in RD New,
EPSG:28992, or in the CRS of a ``crs`` column), an ``address`` to geocode, or a
``note`` explaining why the place has no fixed point (rotating sites, a
region-wide team). Numbers may use a decimal comma. With ``city_level=True`` a
row that only names its ``city`` is pinned to the town centre (PDOK woonplaats).

``kind`` is ``steunpunt`` (default), ``satellite`` (Dutch ``satelliet``,
``sublocatie``) or ``proposed`` (``voorgesteld``, ``kandidaat``);
``capacity_weight`` is 0.5 (``klein``: small, e.g. open one day a week), 1
(``gemiddeld``: average, default) or 2 (``groot``: large), the weights of the
De Galan report.
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

from accessibility.errors import GeocodeError, InputError
from accessibility.io import atomic_path
from accessibility.notices import Notice
from accessibility.places.geocode import CITY_FQ, Geocoder, build_query, problem_of
from accessibility.places.rd import looks_like_rd, rd_to_wgs84, to_wgs84
from accessibility.places.tables import (
    missing_columns_message,
    object_column,
    parse_number,
    read_user_table,
    rename_columns,
)

KINDS = ("steunpunt", "satellite", "proposed")
KIND_ALIASES = {
    "steunpunt": "steunpunt", "hoofdlocatie": "steunpunt", "locatie": "steunpunt",
    "satellite": "satellite", "satelliet": "satellite", "sublocatie": "satellite",
    "sub-locatie": "satellite", "dependance": "satellite",
    "proposed": "proposed", "voorgesteld": "proposed", "voorgestelde locatie": "proposed",
    "kandidaat": "proposed", "candidate": "proposed", "nieuw": "proposed",
}
"""Accepted spellings of the kinds (lower case), Dutch and English."""
CAPACITY_WEIGHTS = (0.5, 1.0, 2.0)
CAPACITY_WORDS = {"klein": 0.5, "small": 0.5, "gemiddeld": 1.0, "average": 1.0,
                  "middel": 1.0, "groot": 2.0, "large": 2.0}
INPUT_COLUMNS = (
    "id", "name", "organisation", "address", "postcode", "city",
    "lat", "lon", "x", "y", "crs", "kind", "capacity_weight", "note",
)
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("nr", "nummer", "locatie_id", "code"),
    "name": ("naam", "locatienaam", "naam_locatie", "steunpunt"),
    "organisation": ("organisatie", "organization", "aanbieder"),
    "address": ("adres", "straat_en_huisnummer", "straat_huisnummer"),
    "street": ("straat", "straatnaam"),
    "housenumber": ("huisnummer", "huisnr", "house_number", "number"),
    "housenumber_suffix": ("toevoeging", "huisnummertoevoeging", "huisletter"),
    "postcode": ("postal_code", "zip", "zipcode"),
    "city": ("plaats", "woonplaats", "plaatsnaam", "town"),
    "gemeente": ("municipality", "gemeentenaam"),
    "kind": ("soort", "type", "categorie", "soort_locatie"),
    "capacity_weight": ("capaciteit", "capaciteitsgewicht", "gewicht", "weight", "capacity"),
    "lat": ("latitude", "breedtegraad", "breedte", "lat_wgs84"),
    "lon": ("lng", "long", "longitude", "lengtegraad", "lengte", "lon_wgs84"),
    "x": ("x_rd", "rd_x", "x_coordinaat", "xcoord"),
    "y": ("y_rd", "rd_y", "y_coordinaat", "ycoord"),
    "crs": ("epsg", "coordinatenstelsel", "srid"),
    "note": ("opmerking", "opmerkingen", "toelichting", "notitie", "notes"),
}
"""Canonical column -> other accepted names (Dutch and English), see
:func:`accessibility.places.tables.rename_columns`."""
EXPECTED_COLUMNS = (
    "naam/name (verplicht / required); id, adres/address (of straat + huisnummer), postcode, "
    "plaats/city, gemeente, soort/kind, capaciteit/capacity_weight, lat/lon of "
    "breedtegraad/lengtegraad (WGS84), x/y (RD New), opmerking/note"
)
PINNED_COLUMNS = [
    "id", "name", "organisation", "kind", "capacity_weight", "address",
    "geocode_match_type", "geocode_score", "source", "note", "geocode_display_name",
]
UNPINNED_COLUMNS = [
    "id", "name", "organisation", "kind", "capacity_weight", "address", "city",
    "line", "reason", "note", "problem",
]


@dataclass(frozen=True)
class LocationSet:
    """The result of :func:`read_locations`.

    Attributes
    ----------
    pinned
        EPSG:4326 point GeoDataFrame with :data:`PINNED_COLUMNS` followed by any
        extra input columns (e.g. ``postcode``, ``city``, ``gemeente``);
        ``geocode_display_name`` is what the geocoder matched.
    unpinned
        Rows that cannot be pinned, with :data:`UNPINNED_COLUMNS`; ``line`` is the
        1-based line (CSV), row (Excel) or feature number (GeoPackage/GeoJSON),
        ``reason`` says why (a :class:`~accessibility.notices.Notice`) and
        ``problem`` is a code: ``note_only``, ``no_geocoder``, ``unmatched``,
        ``ambiguous``, ``offline`` or ``unreachable``.
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
    table = read_user_table(path, "location list")
    return table.frame, table.first_line


def _parse_float(path: Path, line: int, column: str, value: str) -> float:
    try:
        return parse_number(value)
    except ValueError:
        raise InputError(
            f"{path}, line {line}: {column} {value!r} is not a number; write it as 52.4694 "
            "or 52,4694 / geen getal"
        ) from None


def _kind(where: str, value: str) -> str:
    kind = KIND_ALIASES.get(" ".join(value.lower().split()) or "steunpunt")
    if kind is None:
        raise InputError(
            f"{where}: kind {value!r} is not one of {', '.join(KINDS)} "
            "(soort: steunpunt, satelliet of voorgesteld)"
        )
    return kind


def _capacity(path: Path, line: int, value: str) -> float:
    word = CAPACITY_WORDS.get(value.lower())
    weight = word if word is not None else _parse_float(path, line, "capacity_weight",
                                                           value or "1")
    if weight not in CAPACITY_WEIGHTS:
        raise InputError(
            f"{path}, line {line}: capacity_weight {value!r} is not one of 0.5 (small), "
            "1 (average) or 2 (large) / capaciteit: 0,5 (klein), 1 (gemiddeld) of 2 (groot)"
        )
    return weight


def _normalise_columns(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    """Dutch/English names -> canonical ones; ``address`` from street + house number."""
    frame = rename_columns(frame, COLUMN_ALIASES)
    if "address" not in frame.columns and "street" in frame.columns:
        parts = [frame["street"]]
        for col in ("housenumber", "housenumber_suffix"):
            if col in frame.columns:
                parts.append(frame[col])
        frame["address"] = [" ".join(_text(p) for p in row if _text(p))
                            for row in zip(*parts, strict=True)]
    return frame.drop(columns=[c for c in ("street", "housenumber", "housenumber_suffix")
                               if c in frame.columns])


def _coordinates(where: str, path: Path, line: int, rec: dict) -> tuple[float, float] | None:
    """WGS84 (lat, lon) of a row from lat/lon or x/y (RD New or the row's crs), or None."""
    lat_s, lon_s, x_s, y_s = rec["lat"], rec["lon"], rec["x"], rec["y"]
    if bool(x_s) != bool(y_s):
        raise InputError(f"{where}: give both x and y or neither (x={x_s!r}, y={y_s!r})")
    if bool(lat_s) != bool(lon_s):
        raise InputError(f"{where}: give both lat and lon or neither (lat={lat_s!r}, lon={lon_s!r})")
    if x_s:
        x = _parse_float(path, line, "x", x_s)
        y = _parse_float(path, line, "y", y_s)
        crs = rec["crs"] or "EPSG:28992"
        try:
            lat, lon = to_wgs84(x, y, crs)
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
        return lat, lon
    if not lat_s:
        return None
    lat = _parse_float(path, line, "lat", lat_s)
    lon = _parse_float(path, line, "lon", lon_s)
    if rec["crs"] and rec["crs"].upper().replace(" ", "") not in ("EPSG:4326", "4326", "WGS84"):
        try:
            return to_wgs84(lon, lat, rec["crs"])
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
    if looks_like_rd(lat, lon):
        guess_lat, guess_lon = rd_to_wgs84(lon, lat)
        raise InputError(
            f"{where}: lat {lat_s!r} / lon {lon_s!r} look like RD New (EPSG:28992) metres "
            f"(x={lon_s}, y={lat_s}, i.e. {guess_lat:.5f} N, {guess_lon:.5f} E), not degrees; "
            "put them in columns x and y / zet RD-coördinaten in de kolommen x en y"
        )
    if not -90 <= lat <= 90:
        raise InputError(f"{where}: lat {lat_s!r} is outside -90..90 degrees (WGS84)")
    if not -180 <= lon <= 180:
        raise InputError(f"{where}: lon {lon_s!r} is outside -180..180 degrees (WGS84)")
    return lat, lon


def _validate(path: Path, frame: pd.DataFrame, first_line: int, city_level: bool) -> list[dict]:
    """Check every row; return cleaned records (with ``line``) or raise InputError."""
    frame = _normalise_columns(path, frame)
    if "name" not in frame.columns:
        raise InputError(missing_columns_message(
            path, "location list", ["name"], list(frame.columns), EXPECTED_COLUMNS,
            delimiter=","))
    if frame.empty:
        raise InputError(f"location list {path} holds no locations (only a header)")
    if "id" not in frame.columns:
        frame["id"] = [str(i + 1) for i in range(len(frame))]
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
        if not any(rec[c] for c in frame.columns if c != "id"):
            continue  # an empty row (Excel leaves them between blocks)
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
        rec["kind"] = _kind(where, rec["kind"])
        rec["capacity_weight"] = _capacity(path, line, rec["capacity_weight"])
        point = _coordinates(where, path, line, rec)
        rec["lat"], rec["lon"] = point if point is not None else (None, None)
        if point is None and not (rec["address"] or rec["note"] or (city_level and rec["city"])):
            raise InputError(
                f"{where}: location {rec['id']!r} has no lat/lon, no address and no note; "
                "give one of them (a note explains why there is no fixed point)"
            )
        records.append(rec)
    if not records:
        raise InputError(f"location list {path} holds no locations (only empty rows)")
    return records


def read_locations(
    path: str | os.PathLike[str],
    geocoder: Geocoder | None = None,
    *,
    city_level: bool = False,
    keep_going: bool = False,
) -> LocationSet:
    """Read a location list and pin every row to a WGS84 point where possible.

    Parameters
    ----------
    path
        CSV (any common dialect), Excel ``.xlsx``, GeoPackage or GeoJSON file
        (see the module docstring for the columns).
    geocoder
        Used for rows with an address (query ``"<address>, <postcode> <city>"``) and,
        with ``city_level``, for rows with only a city (query ``"<name>, <city>"``
        filtered on ``type:woonplaats``). Without a geocoder such rows are unpinned.
    city_level
        Pin rows without address to their town (match type ``woonplaats``).
    keep_going
        When the geocoder cannot answer a row (no cached answer offline, service
        unreachable), list the row as unpinned with the reason and go on with
        the next one instead of raising.

    Returns
    -------
    LocationSet
        Pinned points and the unpinned rows with a reason each.

    Raises
    ------
    InputError
        Empty file, missing name column, empty or duplicated id, invalid kind
        or capacity_weight, lat/lon out of range, RD metres given as lat/lon, or
        half given, or a row with neither coordinates, address nor note; the
        message names file, line and value.
    GeocodeError
        When the geocoder cannot answer and ``keep_going`` is false.
    """
    path = Path(path)
    frame, first_line = _read_table(path)
    records = _validate(path, frame, first_line, city_level)
    extra = [c for c in records[0] if c not in (*INPUT_COLUMNS, "line")]
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

        def unpin(problem: str, reason: Notice, rec: dict = rec, base: dict = base) -> None:
            unpinned.append({**base, "city": rec["city"], "line": rec["line"],
                             "reason": reason, "problem": problem})

        if rec["lat"] is not None:
            pinned.append({**base, "geocode_match_type": "", "geocode_score": math.nan,
                           "source": "coordinates", "geocode_display_name": "", **passthrough,
                           "geometry": Point(rec["lon"], rec["lat"])})
            continue
        if rec["address"]:
            query, fq = build_query(rec["address"], rec["postcode"], rec["city"]), None
        elif city_level and rec["city"]:
            query, fq = f"{rec['name']}, {rec['city']}", CITY_FQ
        else:
            unpin("note_only", Notice("unpinned.note_only", note=rec["note"]))
            continue
        if geocoder is None:
            unpin("no_geocoder", Notice("unpinned.no_geocoder", query=query))
            continue
        try:
            result = geocoder.geocode(query, fq=fq)
        except GeocodeError as exc:
            if not keep_going:
                raise
            problem = problem_of(exc)
            unpin(problem, Notice("unpinned.offline", query=query) if problem == "offline"
                  else Notice("unpinned.geocode_error", reason=str(exc)))
            continue
        if result.status != "matched":
            unpin(result.status, Notice("unpinned.geocode_failed", status=result.status,
                                        status_nl=STATUS_NL[result.status], query=query,
                                        reason=result.message or result.status))
            continue
        pinned.append({**base, "geocode_match_type": result.match_type or "",
                       "geocode_score": result.score, "source": f"geocoded: {result.provider}",
                       "geocode_display_name": result.weergavenaam or "",
                       **passthrough, "geometry": Point(result.lon, result.lat)})
    columns = PINNED_COLUMNS + ["postcode", "city"] + extra
    gdf = gpd.GeoDataFrame(
        pd.DataFrame(pinned, columns=columns + ["geometry"]), geometry="geometry", crs=4326
    )
    unplaced = pd.DataFrame(unpinned, columns=UNPINNED_COLUMNS)
    unplaced["reason"] = object_column(r["reason"] for r in unpinned)
    return LocationSet(pinned=gdf, unpinned=unplaced, path=path)


STATUS_NL = {"ambiguous": "meerduidig", "unmatched": "niet gevonden"}


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
