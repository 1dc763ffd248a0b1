"""Candidate sites for new steunpunten: given by the user or generated.

A candidate is a point with an id and a name. Users give one address, one
coordinate pair or a file (the location-list format); the siting job can also
generate candidates at railway stations, the busiest bus stops and the centres
of inhabited buurten. Every candidate is checked before it is evaluated: it
must have a point (an address the geocoder could not place is rejected with
the reason, the others go on), lie in the region, near a street, and is flagged
when no stop lies within walking reach (it is then evaluated on foot only).
Candidates found by address carry what the geocoder matched
(``geocode_display_name``, ``geocode_match_type``, ``geocode_score``) so that
every output can show it next to the input address.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from accessibility.errors import GeocodeError, InputError
from accessibility.jobs.region import RegionData
from accessibility.notices import Notice
from accessibility.places.geocode import GeocodeCache, PdokGeocoder
from accessibility.places.locations import read_locations
from accessibility.places.tables import object_column
from accessibility.routing import PointLinks

RAIL_ROUTE_TYPES = (2, 100, 101, 102, 103, 105, 106, 107, 109)
"""GTFS route types of trains (basic and extended)."""


GEOCODE_COLUMNS = ("address", "geocode_display_name", "geocode_match_type", "geocode_score")
"""What the geocoder matched, next to the input address (empty for coordinates)."""


def candidate_frame(ids: list[str], names: list[str], lat: np.ndarray, lon: np.ndarray,
                    source: str, **columns) -> gpd.GeoDataFrame:
    """Candidates as a WGS84 GeoDataFrame ``id, name, source, address, geocode_*, geometry``.

    ``columns`` adds or fills columns (one value per candidate); a NaN
    coordinate gives an empty geometry (a candidate without a point, rejected
    with its ``reason``).
    """
    n = len(ids)
    base: dict[str, object] = {"id": ids, "name": names, "source": source,
                               "address": [""] * n, "geocode_display_name": [""] * n,
                               "geocode_match_type": [""] * n, "geocode_score": [np.nan] * n}
    base.update({k: object_column(v) for k, v in columns.items()})
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    points = [None if np.isnan(y) or np.isnan(x) else shapely.Point(x, y)
              for x, y in zip(lon, lat, strict=True)]
    return gpd.GeoDataFrame(base, geometry=gpd.GeoSeries(points, crs="EPSG:4326"))


def _geocoder(data: RegionData) -> PdokGeocoder:
    return PdokGeocoder(base_url=data.config.sources.locatieserver_url,
                        cache=GeocodeCache(data.inputs.geocode_cache), offline=data.offline)


def candidate_from_address(data: RegionData, address: str,
                           name: str | None = None) -> gpd.GeoDataFrame:
    """Geocode one address (PDOK, cached) into a single candidate.

    Raises
    ------
    GeocodeError
        The address is ambiguous or not found (the message says what the
        geocoder answered), or there is no cached answer offline
        (:class:`~accessibility.places.geocode.GeocodeOffline`).
    """
    result = _geocoder(data).geocode(address)
    if result.status != "matched":
        raise GeocodeError(f"address {address!r} is {result.status}: {result.message}; "
                           "give a fuller address (with postcode and town) or coordinates")
    return candidate_frame(
        ["kandidaat"], [name or result.weergavenaam or address], np.array([result.lat]),
        np.array([result.lon]), "address", address=[address],
        geocode_display_name=[result.weergavenaam or ""],
        geocode_match_type=[result.match_type or ""], geocode_score=[result.score])


def candidates_from_file(data: RegionData, path) -> gpd.GeoDataFrame:
    """Candidates from a location list (CSV/Excel/GeoPackage/GeoJSON; addresses geocoded).

    A row the geocoder cannot place (not found, ambiguous, no cached answer)
    stays in the frame without a point and with its ``reason``: the batch goes
    on and the row is listed as rejected.
    """
    located = read_locations(path, _geocoder(data), keep_going=True)
    pinned, unpinned = located.pinned, located.unpinned
    placed = candidate_frame(
        list(pinned["id"].astype(str)), list(pinned["name"]), pinned.geometry.y.to_numpy(),
        pinned.geometry.x.to_numpy(), "file", address=list(pinned["address"]),
        geocode_display_name=list(pinned["geocode_display_name"]),
        geocode_match_type=list(pinned["geocode_match_type"]),
        geocode_score=list(pinned["geocode_score"]), reason=[""] * len(pinned),
        problem=[""] * len(pinned))
    if unpinned.empty:
        return placed
    unplaced = candidate_frame(
        list(unpinned["id"].astype(str)), list(unpinned["name"]), np.full(len(unpinned), np.nan),
        np.full(len(unpinned), np.nan), "file", address=list(unpinned["address"]),
        reason=list(unpinned["reason"]), problem=list(unpinned["problem"]))
    return pd.concat([placed, unplaced], ignore_index=True)


def generated_candidates(data: RegionData, n_bus_stops: int = 20) -> gpd.GeoDataFrame:
    """Railway stations, the busiest bus stops and inhabited buurt centres."""
    network = data.network
    timetable = network.timetable(data.request.date)
    stops = network.stops.reset_index(drop=True)
    n_stops = timetable.n_stops
    pattern_of_entry = np.repeat(np.arange(timetable.n_patterns), np.diff(timetable.pattern_stop_ptr))
    trips_per_pattern = np.diff(timetable.pattern_trip_ptr)
    departures = np.bincount(timetable.pattern_stops, weights=trips_per_pattern[pattern_of_entry],
                             minlength=n_stops)
    rail_pattern = np.isin(timetable.pattern_route_type, RAIL_ROUTE_TYPES)
    is_station = np.zeros(n_stops, dtype=bool)
    is_station[timetable.pattern_stops[rail_pattern[pattern_of_entry]]] = True
    stations = np.flatnonzero(is_station)
    busy = [s for s in np.argsort(-departures, kind="stable") if not is_station[s] and departures[s] > 0]
    busy = np.array(busy[:n_bus_stops], dtype=int)
    inhabited = data.buurten.gdf[data.buurten.gdf["aantal_inwoners"].fillna(0) > 0]
    centres = gpd.GeoSeries(inhabited.geometry.representative_point(), crs=inhabited.crs).to_crs(4326)
    frames = [
        candidate_frame([f"station:{stops['stop_id'][s]}" for s in stations],
                        [f"station {stops['stop_name'][s]}" for s in stations],
                        stops["stop_lat"].to_numpy()[stations], stops["stop_lon"].to_numpy()[stations],
                        "station"),
        candidate_frame([f"halte:{stops['stop_id'][s]}" for s in busy],
                        [f"halte {stops['stop_name'][s]}" for s in busy],
                        stops["stop_lat"].to_numpy()[busy], stops["stop_lon"].to_numpy()[busy],
                        "bus stop"),
        candidate_frame([f"buurt:{c}" for c in inhabited["buurtcode"]],
                        [f"centrum {n}" for n in inhabited["buurtnaam"]],
                        centres.y.to_numpy(), centres.x.to_numpy(), "buurt centre"),
    ]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")


@dataclass
class CandidateCheck:
    """Candidates that can be evaluated, and the others with the reason."""

    valid: gpd.GeoDataFrame
    links: PointLinks
    rejected: pd.DataFrame
    notes: dict[str, str]


def check_candidates(data: RegionData, candidates: gpd.GeoDataFrame) -> CandidateCheck:
    """Reject candidates without a point, outside the region or off the street network;
    flag those without a stop.

    Returns
    -------
    CandidateCheck
        ``valid`` keeps its own order; ``links`` are the valid candidates'
        links; ``rejected`` has ``id, name, address, reason, problem`` (reasons
        are :class:`~accessibility.notices.Notice` objects); ``notes`` maps a
        valid candidate id to a remark (no stop within walking reach).
    """
    n = len(candidates)
    geoms = candidates.geometry
    located = ~(geoms.isna() | geoms.is_empty).to_numpy()
    given = candidates["reason"] if "reason" in candidates.columns else pd.Series([""] * n)
    problems = (list(candidates["problem"]) if "problem" in candidates.columns
                else [""] * n)
    reasons = np.array([given.iloc[i] if not located[i] else "" for i in range(n)], dtype=object)
    loc = np.flatnonzero(located)
    if len(loc) == 0:
        raise InputError("no candidate can be evaluated: " + "; ".join(
            f"{i}: {r}" for i, r in zip(candidates["id"], reasons, strict=True)))
    area = shapely.union_all(data.buurten.gdf.geometry.values)
    metric = geoms.iloc[loc].to_crs(data.config.crs)
    inside = shapely.contains_xy(area, metric.x.to_numpy(), metric.y.to_numpy())
    links = data.link(geoms.iloc[loc].y.to_numpy(), geoms.iloc[loc].x.to_numpy(), leg="egress")
    for j, i in enumerate(loc):
        if not inside[j]:
            reasons[i], problems[i] = Notice("candidate.outside_region"), "outside_region"
        elif not links.snap.ok[j]:
            reasons[i] = Notice("candidate.off_street", offset=f"{links.snap.offset_m[j]:.0f}",
                                limit=f"{data.request.snap_distance_m:.0f}")
            problems[i] = "off_street"
    ok = np.array([r == "" for r in reasons])
    address = candidates["address"] if "address" in candidates.columns else pd.Series([""] * n)
    rejected = pd.DataFrame({"id": candidates["id"][~ok].to_numpy(),
                             "name": candidates["name"][~ok].to_numpy(),
                             "address": address[~ok].to_numpy(),
                             "reason": object_column(reasons[~ok]),
                             "problem": np.array(problems, dtype=object)[~ok]})
    valid = candidates[ok].drop(columns=["reason", "problem"], errors="ignore")
    valid = gpd.GeoDataFrame(valid.reset_index(drop=True), geometry="geometry", crs="EPSG:4326")
    if len(valid) == 0:
        raise InputError("no candidate can be evaluated: " + "; ".join(
            f"{r.id}: {r.reason}" for r in rejected.itertuples()))
    valid_links = links.subset(np.flatnonzero(ok[loc]))
    no_stop = np.diff(valid_links.stop_ptr) == 0
    notes = {str(valid["id"][i]): Notice("candidate.no_stop",
                                         distance=f"{data.request.egress_limit_m:.0f}")
             for i in np.flatnonzero(no_stop)}
    return CandidateCheck(valid, valid_links, rejected, notes)
