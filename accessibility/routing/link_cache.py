"""Point links (snap + walks to the stops) kept on disk between runs.

Linking the population points is the street-search stage of a white-spot run
(about 400,000 points nationally); a warm run of the same region reads the
result back instead. The file name is a hash of everything the links depend
on: the code of the street and routing modules, the network's input files and
parameters, the points' coordinates, the leg and the request's snap
distance, walking limit, speed and whether transit is routed, and for
requests that cycle the bike speed, limit, access modes and parking rule
(the points' snaps on the bicycle network are stored too).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from pathlib import Path

import numpy as np

from accessibility.io import atomic_path
from accessibility.routing.cache import code_fingerprint, file_fingerprint
from accessibility.routing.network import TransportNetwork
from accessibility.routing.points import Points, coordinates_key
from accessibility.routing.request import TravelRequest
from accessibility.routing.street_legs import PointLinks, link_points
from accessibility.streets import SnapResult

log = logging.getLogger(__name__)

LINKS_FORMAT = 2
"""Bump when the stored arrays change."""


def links_key(network: TransportNetwork, lat: np.ndarray, lon: np.ndarray,
              request: TravelRequest, leg: str) -> str:
    """Hash naming the cached links of these points for this network and request."""
    limit = request.access_limit_m if leg == "access" else request.egress_limit_m
    parts = [
        f"format={LINKS_FORMAT}", f"code={code_fingerprint()}",
        f"routing={hashlib.sha256(Path(__file__).with_name('street_legs.py').read_bytes()).hexdigest()}",
        file_fingerprint(network.osm_pbf), *(file_fingerprint(p) for p in network.gtfs_paths),
        f"snap_stops={network.max_snap_distance_m!r}",
        f"points={coordinates_key(Points(np.arange(len(lat)), lat, lon))}",
        f"leg={leg}", f"snap={request.snap_distance_m!r}", f"limit={limit!r}",
        f"speed={request.speed_walking!r}", f"transit={bool(request.transit_modes)}",
    ]  # fmt: skip
    if request.uses_bicycle:
        parts.append(f"bike={request.cycling_kmh!r}:{request.bike_limit_m!r}:"
                     f"{request.bike_parking}:{[m.value for m in request.access_modes]}:"
                     f"{request.bike_access}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]


def cached_link_points(network: TransportNetwork, lat: np.ndarray, lon: np.ndarray,
                       request: TravelRequest, leg: str, cache_dir: Path | None) -> PointLinks:
    """:func:`~accessibility.routing.street_legs.link_points`, read from or written to ``cache_dir``.

    ``cache_dir`` None links without a cache. An unreadable file is rebuilt.
    """
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    if cache_dir is None:
        return link_points(network, lat, lon, request, leg)
    path = Path(cache_dir) / f"links-{links_key(network, lat, lon, request, leg)}.npz"
    if path.is_file():
        try:
            with np.load(path) as stored:
                arrays = {k: stored[k] for k in stored.files}
            snap, bike = (
                SnapResult(**{f.name: arrays[f"{prefix}_{f.name}"] for f in
                              dataclasses.fields(SnapResult) if f.name != "max_distance_m"},
                           max_distance_m=float(arrays[f"{prefix}_max_distance_m"]))
                if f"{prefix}_node_a" in arrays else None for prefix in ("snap", "bike"))
            log.info("point links loaded from %s", path)
            return PointLinks(snap, lat, lon, arrays["stop_ptr"], arrays["stop_index"],
                              arrays["stop_seconds"], bike)
        except (OSError, KeyError, ValueError) as exc:
            log.warning("ignoring unreadable link cache %s (%s); linking again", path, exc)
    links = link_points(network, lat, lon, request, leg)
    snap = {f"snap_{f.name}": np.asarray(getattr(links.snap, f.name))
            for f in dataclasses.fields(SnapResult)}
    if links.bike_snap is not None:
        snap |= {f"bike_{f.name}": np.asarray(getattr(links.bike_snap, f.name))
                 for f in dataclasses.fields(SnapResult)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:
            np.savez(fh, stop_ptr=links.stop_ptr, stop_index=links.stop_index,
                     stop_seconds=links.stop_seconds, **snap)
    except OSError as exc:
        log.warning("could not write the link cache %s (%s)", path, exc)
    return links
