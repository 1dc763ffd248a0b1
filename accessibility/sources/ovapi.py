"""The national Dutch GTFS feed of OVapi, downloaded and clipped to a region.

``https://gtfs.ovapi.nl/nl/gtfs-nl.zip`` holds all Dutch public transport (a
few hundred MB zipped, tens of millions of ``stop_times`` rows). Its files:
``agency, calendar_dates, feed_info, routes, shapes, stop_times, stops,
transfers, trips`` (service days come from ``calendar_dates`` only). Thousands
of its stops carry impossible coordinates (latitude below 36, around "null
island"; see https://github.com/mfdz/GTFS-Issues/issues/171); they are dropped
and counted.

:func:`clip_gtfs` keeps every trip that calls at least one stop inside the
bounding box, whole (all its calls, with every column: ``pickup_type`` and
``drop_off_type`` stay as they are), plus everything those trips refer to
(parent stations included) and the ``transfers.txt`` rows between kept stops
and trips. It reads ``stop_times.txt`` twice in chunks, so memory stays
bounded. ``tests/gtfs/test_ovapi_feed.py`` runs it on a feed in the gtfs-nl
layout written by ``scripts/make_ovapi_feed.py``.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from accessibility.errors import GtfsError
from accessibility.io import atomic_path

log = logging.getLogger(__name__)

PLAUSIBLE_BBOX = (-25.0, 34.0, 45.0, 72.0)
"""Stops outside (min_lon, min_lat, max_lon, max_lat) in degrees are impossible: this is
wider Europe, so international trains to Berlin, Paris or London keep their stops."""

CHUNK_ROWS = 1_000_000
Bbox = tuple[float, float, float, float]


@dataclass(frozen=True)
class GtfsClipStats:
    """Counts of a clip (all reported by ``accessibility data fetch``).

    Attributes
    ----------
    stops_total, stops_invalid, stops_inside, stops_kept : int
        Stops in the source; dropped for impossible coordinates; inside the
        bbox; written (inside plus the other stops of kept trips and parents).
    trips_total, trips_kept : int
    stop_times_kept : int
    stop_times_dropped : int
        Calls of kept trips at stops with impossible coordinates (removed).
    routes_kept, agencies_kept, services_kept : int
    feed_start, feed_end : str or None
        First/last service date (``YYYYMMDD``) of the kept services.
    """

    stops_total: int
    stops_invalid: int
    stops_inside: int
    stops_kept: int
    trips_total: int
    trips_kept: int
    stop_times_kept: int
    stop_times_dropped: int
    routes_kept: int
    agencies_kept: int
    services_kept: int
    feed_start: str | None
    feed_end: str | None


def _read(zf: zipfile.ZipFile, name: str, **kw) -> pd.DataFrame:
    with zf.open(name) as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False, encoding="utf-8-sig", **kw)


def _write(zf: zipfile.ZipFile, name: str, df: pd.DataFrame) -> None:
    with zf.open(name, "w") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as fh:
        df.to_csv(fh, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")


def _require(zf: zipfile.ZipFile, src: Path, names: Iterable[str]) -> None:
    missing = [n for n in names if n not in zf.namelist()]
    if missing:
        raise GtfsError(f"{src}: GTFS feed lacks {', '.join(missing)}; download it again "
                        "(a complete OVapi gtfs-nl.zip holds them)")


def _require_columns(zf: zipfile.ZipFile, src: Path, name: str, columns: Iterable[str]) -> None:
    have = set(_read(zf, name, nrows=0).columns)
    missing = [c for c in columns if c not in have]
    if missing:
        raise GtfsError(f"{src}: {name} has no column(s) {', '.join(missing)}; "
                        "the feed is not valid GTFS")


def valid_coordinates(lat: pd.Series, lon: pd.Series,
                      plausible: Bbox = PLAUSIBLE_BBOX) -> np.ndarray:
    """Boolean mask of coordinates that are numbers inside ``plausible`` (degrees)."""
    la = pd.to_numeric(lat, errors="coerce").to_numpy(dtype=float)
    lo = pd.to_numeric(lon, errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        return ((lo >= plausible[0]) & (la >= plausible[1]) & (lo <= plausible[2])
                & (la <= plausible[3]))


def clip_gtfs(
    src: str | Path,
    dest: str | Path,
    bbox: Bbox,
    *,
    keep_shapes: bool = False,
    plausible: Bbox = PLAUSIBLE_BBOX,
    chunk_rows: int = CHUNK_ROWS,
) -> GtfsClipStats:
    """Clip a GTFS zip to the trips that call inside ``bbox``.

    Parameters
    ----------
    src : str or Path
        Source GTFS zip.
    dest : str or Path
        Output GTFS zip, written atomically.
    bbox : tuple of float
        ``(min_lon, min_lat, max_lon, max_lat)`` in WGS84 degrees (buffer included).
    keep_shapes : bool
        Copy the ``shapes.txt`` rows of kept trips (dropped by default; routing
        does not need them and they are the bulk of the file).
    plausible : tuple of float
        Stops outside this box are impossible and dropped (see :data:`PLAUSIBLE_BBOX`).
    chunk_rows : int
        Rows of ``stop_times.txt`` read at once.

    Returns
    -------
    GtfsClipStats

    Raises
    ------
    GtfsError
        Missing required files or columns, or no stop/trip inside the bbox.
    """
    src, dest = Path(src), Path(dest)
    try:
        zf = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, OSError) as exc:
        raise GtfsError(f"{src}: not a readable GTFS zip ({exc}); delete it and fetch again") from exc
    with zf:
        _require(zf, src, ("stops.txt", "stop_times.txt", "trips.txt", "routes.txt"))
        stops = _read(zf, "stops.txt")
        for col in ("stop_id", "stop_lat", "stop_lon"):
            if col not in stops.columns:
                raise GtfsError(f"{src}: stops.txt has no column {col!r}")
        valid = valid_coordinates(stops["stop_lat"], stops["stop_lon"], plausible)
        lat = pd.to_numeric(stops["stop_lat"], errors="coerce").to_numpy(dtype=float)
        lon = pd.to_numeric(stops["stop_lon"], errors="coerce").to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            inside = valid & (lon >= bbox[0]) & (lat >= bbox[1]) & (lon <= bbox[2]) & (lat <= bbox[3])
        n_invalid = int((~valid).sum())
        if n_invalid:
            log.warning("%s: dropping %d of %d stops with impossible coordinates "
                        "(outside %s, e.g. latitude < %g)", src.name, n_invalid, len(stops),
                        plausible, plausible[1])
        inside_ids = set(stops.loc[inside, "stop_id"])
        valid_ids = set(stops.loc[valid, "stop_id"])
        if not inside_ids:
            raise GtfsError(
                f"{src}: none of its {len(stops)} stops ({n_invalid} with impossible coordinates) "
                f"lies inside the region bbox {_fmt_bbox(bbox)}; check the region's gemeenten/bbox "
                "or that the feed covers the region"
            )

        _require_columns(zf, src, "stop_times.txt", ("trip_id", "stop_id"))
        _require_columns(zf, src, "trips.txt", ("trip_id", "route_id", "service_id"))
        _require_columns(zf, src, "routes.txt", ("route_id",))
        kept_trips = _trips_calling(zf, inside_ids, chunk_rows)
        trips = _read(zf, "trips.txt")
        trips_total = len(trips)
        trips = trips[trips["trip_id"].isin(kept_trips)]
        if trips.empty:
            raise GtfsError(f"{src}: {len(inside_ids)} stops lie inside {_fmt_bbox(bbox)} but no "
                            "trip of trips.txt calls at them; the feed has no service in the region")
        kept_trip_ids = set(trips["trip_id"])

        with atomic_path(dest) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            used_stops, n_st, n_st_dropped = _write_stop_times(zf, out, kept_trip_ids, valid_ids,
                                                               chunk_rows)
            stops_out = _select_stops(stops, used_stops, valid_ids)
            _write(out, "stops.txt", stops_out)

            routes = _read(zf, "routes.txt")
            routes = routes[routes["route_id"].isin(set(trips["route_id"]))]
            agencies_kept = 0
            if "agency.txt" in zf.namelist():
                agency = _read(zf, "agency.txt")
                if "agency_id" in routes.columns and "agency_id" in agency.columns and len(agency) > 1:
                    agency = agency[agency["agency_id"].isin(set(routes["agency_id"]))]
                _write(out, "agency.txt", agency)
                agencies_kept = len(agency)
            services = set(trips["service_id"])
            dates: list[str] = []
            for name in ("calendar.txt", "calendar_dates.txt"):
                if name in zf.namelist():
                    table = _read(zf, name)
                    table = table[table["service_id"].isin(services)]
                    _write(out, name, table)
                    if name == "calendar.txt":
                        dates += list(table.get("start_date", [])) + list(table.get("end_date", []))
                    elif "date" in table.columns:
                        added = (table["exception_type"] == "1" if "exception_type" in table.columns
                                 else np.ones(len(table), dtype=bool))
                        dates += list(table.loc[added, "date"])
            if "shape_id" in trips.columns:
                if keep_shapes and "shapes.txt" in zf.namelist():
                    _write_filtered(zf, out, "shapes.txt", "shape_id", set(trips["shape_id"]),
                                    chunk_rows)
                elif not keep_shapes:
                    trips = trips.assign(shape_id="")
            _write(out, "trips.txt", trips)
            _write(out, "routes.txt", routes)
            kept_stop_ids = set(stops_out["stop_id"])
            if "frequencies.txt" in zf.namelist():
                freq = _read(zf, "frequencies.txt")
                _write(out, "frequencies.txt", freq[freq["trip_id"].isin(kept_trip_ids)])
            if "transfers.txt" in zf.namelist():
                _write(out, "transfers.txt", _filter_transfers(_read(zf, "transfers.txt"),
                                                               kept_stop_ids, kept_trip_ids))
            for name in ("feed_info.txt",):
                if name in zf.namelist():
                    _write(out, name, _read(zf, name))

    dates = [d for d in dates if d]
    stats = GtfsClipStats(
        stops_total=len(stops), stops_invalid=n_invalid, stops_inside=len(inside_ids),
        stops_kept=len(stops_out), trips_total=trips_total, trips_kept=len(trips),
        stop_times_kept=n_st, stop_times_dropped=n_st_dropped, routes_kept=len(routes),
        agencies_kept=agencies_kept, services_kept=len(services),
        feed_start=min(dates) if dates else None, feed_end=max(dates) if dates else None,
    )
    log.info("clipped %s -> %s: %s", src.name, dest.name, stats)
    return stats


def _fmt_bbox(bbox: Bbox) -> str:
    return "(" + ", ".join(f"{v:.4f}" for v in bbox) + ")"


def _trips_calling(zf: zipfile.ZipFile, stop_ids: set[str], chunk_rows: int) -> set[str]:
    """Pass 1: ids of trips with at least one call at ``stop_ids``."""
    trips: set[str] = set()
    with zf.open("stop_times.txt") as fh:
        reader = pd.read_csv(fh, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                             usecols=["trip_id", "stop_id"], chunksize=chunk_rows)
        for chunk in reader:
            trips.update(chunk.loc[chunk["stop_id"].isin(stop_ids), "trip_id"].unique())
    return trips


def _write_stop_times(zf: zipfile.ZipFile, out: zipfile.ZipFile, trip_ids: set[str],
                      valid_ids: set[str], chunk_rows: int) -> tuple[set[str], int, int]:
    """Pass 2: copy the calls of kept trips at valid stops; returns used stops and counts."""
    used: set[str] = set()
    kept = dropped = 0
    header = True
    with (zf.open("stop_times.txt") as fh,
          out.open("stop_times.txt", "w") as raw,
          io.TextIOWrapper(raw, encoding="utf-8", newline="") as dst):
        reader = pd.read_csv(fh, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                             chunksize=chunk_rows)
        for chunk in reader:
            rows = chunk[chunk["trip_id"].isin(trip_ids)]
            ok = rows["stop_id"].isin(valid_ids)
            dropped += int((~ok).sum())
            rows = rows[ok]
            kept += len(rows)
            used.update(rows["stop_id"].unique())
            rows.to_csv(dst, index=False, header=header, lineterminator="\n")
            header = False
    return used, kept, dropped


def _write_filtered(zf: zipfile.ZipFile, out: zipfile.ZipFile, name: str, column: str,
                    keep: set[str], chunk_rows: int) -> None:
    header = True
    with (zf.open(name) as fh, out.open(name, "w") as raw,
          io.TextIOWrapper(raw, encoding="utf-8", newline="") as dst):
        for chunk in pd.read_csv(fh, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                                 chunksize=chunk_rows):
            chunk[chunk[column].isin(keep)].to_csv(dst, index=False, header=header,
                                                  lineterminator="\n")
            header = False


def _select_stops(stops: pd.DataFrame, used: set[str], valid_ids: set[str]) -> pd.DataFrame:
    """Used stops plus their (valid) parent stations; parents with bad coordinates unlinked."""
    keep = stops["stop_id"].isin(used)
    if "parent_station" in stops.columns:
        parents = set(stops.loc[keep, "parent_station"]) - {""}
        good_parents = parents & valid_ids
        keep |= stops["stop_id"].isin(good_parents)
        out = stops[keep].copy()
        broken = out["parent_station"].ne("") & ~out["parent_station"].isin(good_parents)
        if broken.any():
            log.warning("%d kept stops referred to a parent station with impossible coordinates; "
                        "their parent_station was cleared", int(broken.sum()))
            out.loc[broken, "parent_station"] = ""
        return out
    return stops[keep].copy()


def _filter_transfers(transfers: pd.DataFrame, stop_ids: set[str],
                      trip_ids: set[str]) -> pd.DataFrame:
    keep = np.ones(len(transfers), dtype=bool)
    for col in ("from_stop_id", "to_stop_id"):
        if col in transfers.columns:
            keep &= transfers[col].isin(stop_ids | {""}).to_numpy()
    for col in ("from_trip_id", "to_trip_id"):
        if col in transfers.columns:
            keep &= transfers[col].isin(trip_ids | {""}).to_numpy()
    return transfers[keep]
