"""Candidate sites for new steunpunten: given by the user or generated.

A candidate is a point with an id and a name. Users give one address, one
coordinate pair or a file (the location-list format); the siting job can also
generate candidates at railway stations, the busiest bus stops and the centres
of inhabited buurten. Every candidate is checked before it is evaluated: it
must lie in the region, near a street, and is flagged when no stop lies within
walking reach (it is then evaluated on foot only).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from accessibility.errors import GeocodeError, InputError
from accessibility.jobs.region import RegionData
from accessibility.places.geocode import GeocodeCache, PdokGeocoder
from accessibility.places.locations import read_locations
from accessibility.routing import PointLinks

RAIL_ROUTE_TYPES = (2, 100, 101, 102, 103, 105, 106, 107, 109)
"""GTFS route types of trains (basic and extended)."""


def candidate_frame(ids: list[str], names: list[str], lat: np.ndarray, lon: np.ndarray,
                    source: str) -> gpd.GeoDataFrame:
    """Candidates as a WGS84 GeoDataFrame ``id, name, source, geometry``."""
    return gpd.GeoDataFrame({"id": ids, "name": names, "source": source},
                            geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def candidate_from_address(data: RegionData, address: str) -> gpd.GeoDataFrame:
    """Geocode one address (PDOK, cached) into a single candidate."""
    geocoder = PdokGeocoder(base_url=data.config.sources.locatieserver_url,
                            cache=GeocodeCache(data.inputs.geocode_cache), offline=data.offline)
    result = geocoder.geocode(address)
    if result.status != "matched":
        raise GeocodeError(f"address {address!r} is {result.status}: {result.message}; "
                           "give a fuller address or --lat/--lon")
    return candidate_frame(["kandidaat"], [result.weergavenaam or address],
                           np.array([result.lat]), np.array([result.lon]), "address")


def candidates_from_file(data: RegionData, path) -> gpd.GeoDataFrame:
    """Candidates from a location list (CSV/GeoPackage/GeoJSON; addresses geocoded)."""
    geocoder = PdokGeocoder(base_url=data.config.sources.locatieserver_url,
                            cache=GeocodeCache(data.inputs.geocode_cache), offline=data.offline)
    located = read_locations(path, geocoder)
    for row in located.unpinned.itertuples():
        data.warnings.append(f"candidate {row.id} ({row.name}) not evaluated: {row.reason}")
    if located.pinned.empty:
        raise InputError(f"{path}: no candidate could be pinned to a point")
    pinned = located.pinned
    return candidate_frame(list(pinned["id"].astype(str)), list(pinned["name"]),
                           pinned.geometry.y.to_numpy(), pinned.geometry.x.to_numpy(), "file")


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
    return pd.concat(frames, ignore_index=True)


@dataclass
class CandidateCheck:
    """Candidates that can be evaluated, and the others with the reason."""

    valid: gpd.GeoDataFrame
    links: PointLinks
    rejected: pd.DataFrame
    notes: dict[str, str]


def check_candidates(data: RegionData, candidates: gpd.GeoDataFrame) -> CandidateCheck:
    """Reject candidates outside the region or off the street network; flag those without a stop.

    Returns
    -------
    CandidateCheck
        ``valid`` keeps its own order; ``links`` are the valid candidates'
        links; ``rejected`` has ``id, name, reason``; ``notes`` maps a valid
        candidate id to a remark (no stop within walking reach).
    """
    area = shapely.union_all(data.buurten.gdf.geometry.values)
    metric = candidates.to_crs(data.config.crs)
    inside = shapely.contains_xy(area, metric.geometry.x.to_numpy(), metric.geometry.y.to_numpy())
    links = data.link(candidates.geometry.y.to_numpy(), candidates.geometry.x.to_numpy(),
                      leg="egress")
    reasons = []
    for i in range(len(candidates)):
        if not inside[i]:
            reasons.append("ligt buiten de regio (in geen enkele buurt) / outside the region")
        elif not links.snap.ok[i]:
            reasons.append(f"ligt {links.snap.offset_m[i]:.0f} m van de dichtstbijzijnde straat "
                           f"(max {data.request.snap_distance_m:.0f} m) / off the street network")
        else:
            reasons.append("")
    reasons = np.array(reasons, dtype=object)
    ok = reasons == ""
    rejected = pd.DataFrame({"id": candidates["id"][~ok], "name": candidates["name"][~ok],
                             "reason": reasons[~ok]})
    valid = candidates[ok].reset_index(drop=True)
    if len(valid) == 0:
        raise InputError("no candidate can be evaluated: " + "; ".join(
            f"{r.id}: {r.reason}" for r in rejected.itertuples()))
    valid_links = links.subset(np.flatnonzero(ok))
    no_stop = np.diff(valid_links.stop_ptr) == 0
    notes = {str(valid["id"][i]): (f"geen OV-halte binnen {data.request.egress_limit_m:.0f} m "
                                   "lopen: alleen te voet bereikbaar / no stop within walking reach")
             for i in np.flatnonzero(no_stop)}
    return CandidateCheck(valid, valid_links, rejected, notes)
