"""The ``itinerary`` job: how would someone get from a place to a steunpunt?

The journey is the shortest trip leaving within the departure window (at its
planned departure: the latest minute that still makes it, as the matrix
counts without ``wait_at_origin``), computed by
:class:`~accessibility.routing.DetailedItineraries` with the region's routing
settings. The origin is an address (geocoded as check-location does) or a
point; the destination a steunpunt by id or by (part of its) name.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd
import pandas as pd

from accessibility.errors import InputError
from accessibility.jobs.journey_text import (
    JourneyFacts,
    journey_facts,
    journey_steps,
    journey_summary,
)
from accessibility.jobs.region import RegionData
from accessibility.outputs.files import write_geojson, write_geopackage
from accessibility.routing import DetailedItineraries, TransportNetwork, TravelRequest


@dataclasses.dataclass
class ItineraryResult:
    """One journey, its legs and its text."""

    legs: gpd.GeoDataFrame
    origin: dict
    destination: dict
    steps: list[str]
    summary: str
    facts: JourneyFacts
    request: TravelRequest


def find_steunpunt(data: RegionData, key: str) -> pd.Series:
    """The location with id ``key`` (any case), else the one whose name contains it.

    Raises
    ------
    InputError
        No location matches, or several names do (the matches are listed).
    """
    pinned = data.locations.pinned
    ids = pinned["id"].astype(str)
    exact = pinned[ids.str.casefold() == key.strip().casefold()]
    if len(exact) == 1:
        return exact.iloc[0]
    named = pinned[pinned["name"].astype(str).str.casefold().str.contains(key.strip().casefold(),
                                                                         regex=False)]  # fmt: skip
    if len(named) == 1:
        return named.iloc[0]
    listed = ", ".join(f"{i} ({n})" for i, n in zip(pinned["id"], pinned["name"], strict=True))
    if len(named) > 1:
        raise InputError(f"--to {key!r} matches several locations: " + ", ".join(
            f"{i} ({n})" for i, n in zip(named["id"], named["name"], strict=True))
            + "; give its id")
    raise InputError(f"--to {key!r} is no location id or name of {data.inputs.locations}; "
                     f"the locations are: {listed}")


def run_itinerary(data: RegionData, origin: gpd.GeoDataFrame, to: str,
                  lang: str = "nl") -> ItineraryResult:
    """The fastest journey from ``origin`` (one point, WGS84) to the steunpunt ``to``.

    Raises
    ------
    InputError
        Unknown steunpunt, or no journey within the maximum travel time.
    """
    target = find_steunpunt(data, to)
    dest = gpd.GeoDataFrame({"id": [str(target["id"])], "name": [str(target["name"])]},
                            geometry=[target.geometry], crs=4326)  # fmt: skip
    return fastest_journey(data.network, origin, dest, data.request.replace(wait_at_origin=False),
                           lang)


def fastest_journey(network: TransportNetwork, origin: gpd.GeoDataFrame,
                    destination: gpd.GeoDataFrame, request: TravelRequest,
                    lang: str = "nl") -> ItineraryResult:
    """The fastest journey leaving within the request's window from ``origin`` to
    ``destination`` (one row each: ``name`` and a point; the destination also ``id``).

    Raises
    ------
    InputError
        No journey within the maximum travel time.
    """
    dest = gpd.GeoDataFrame({"id": destination["id"].astype(str).to_numpy()},
                            geometry=destination.geometry.to_crs(4326).to_numpy(), crs=4326)
    start = gpd.GeoDataFrame({"id": ["start"]}, geometry=origin.geometry.to_crs(4326).to_numpy(),
                             crs=4326)  # fmt: skip
    legs = DetailedItineraries(network, start, dest, request, nearest_only=True)
    name = str(destination["name"].iloc[0])
    if legs.empty:
        raise InputError(
            f"no journey from {origin['name'].iloc[0]} to {name} leaves in the window "
            f"{request.departure:%Y-%m-%d %H:%M} + {request.n_minutes} min and arrives within "
            f"{request.max_time_seconds // 60} min; try another --departure or a longer --window")
    legs = legs.sort_values("segment").reset_index(drop=True)
    facts = journey_facts(legs, lang)
    return ItineraryResult(
        legs=legs, origin=origin.iloc[0].to_dict(),
        destination={"id": str(destination["id"].iloc[0]), "name": name},
        steps=journey_steps(legs, name, lang), summary=journey_summary(facts, lang),
        facts=facts, request=request)  # fmt: skip


def route_layer(legs: pd.DataFrame) -> gpd.GeoDataFrame:
    """The legs with plain column types for GeoJSON / GeoPackage (minutes, ISO times, text)."""
    out = gpd.GeoDataFrame(legs.copy(), geometry="geometry", crs=4326)
    out["transport_mode"] = out["transport_mode"].astype(str)
    out["departure_time"] = pd.to_datetime(out["departure_time"]).dt.strftime("%Y-%m-%dT%H:%M:%S")
    for column in ("travel_time", "wait_time"):
        out[f"{column}_min"] = out.pop(column).dt.total_seconds() / 60.0
    out["distance"] = out["distance"].round(1)
    return out


def write_route(legs: pd.DataFrame, path: Path) -> Path:
    """Write the legs as ``.geojson`` or ``.gpkg`` (layer ``route``)."""
    suffix = path.suffix.lower()
    if suffix == ".geojson":
        return write_geojson(route_layer(legs), path)
    if suffix == ".gpkg":
        return write_geopackage({"route": route_layer(legs)}, path)
    raise InputError(f"--out {path}: write .geojson or .gpkg")
