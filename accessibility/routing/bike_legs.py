"""The cycled parts of a trip: bike-only trips and the ride to a stop where the bike is parked.

Bike legs run on :attr:`TransportNetwork.bicycle` (a directed graph, see
:mod:`accessibility.streets.cycling`); points are snapped to it separately
from the walking network. Costs come back in ride-equivalent metres
(pushed segments weighted by ``speed_cycling / speed_walking``) and become
seconds at the request's cycling speed with :func:`bike_seconds`.
:mod:`accessibility.routing.street_legs` combines them with the walking legs.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from accessibility.routing.network import TransportNetwork
from accessibility.routing.request import TravelRequest
from accessibility.streets import SnapResult, bike_point_to_point, snap_points, subset_snap

#: GTFS ``route_type`` values of rail: 2 (rail) and the extended 100-199 (railway services).
RAIL_ROUTE_TYPES = (2, 100, 199)


def bike_seconds(cost_m: np.ndarray, speed_cycling_kmh: float) -> np.ndarray:
    """Ride-equivalent metres as whole seconds at ``speed_cycling_kmh`` (rounded, int32)."""
    speed_mps = speed_cycling_kmh / 3.6
    return np.floor(np.asarray(cost_m, dtype=np.float64) / speed_mps + 0.5).astype(np.int32)


def station_stops(network: TransportNetwork) -> np.ndarray:
    """Boolean per boarding stop: a station where bikes are parked.

    A stop counts when its ``parent_station`` is a ``location_type`` 1 station
    or when a rail route (``route_type`` 2 or 100-199) serves it.
    """
    feed = network.feed
    stations = feed.stops.loc[feed.stops["location_type"] == 1, "stop_id"]
    parent = network.stops["parent_station"].isin(set(stations)).to_numpy()
    route_type = feed.routes.set_index("route_id")["route_type"]
    trip_type = feed.trips["route_id"].map(route_type).fillna(-1).to_numpy(np.int64)
    row_type = np.repeat(trip_type, np.diff(feed.trip_row_ptr))
    rail = (row_type == RAIL_ROUTE_TYPES[0]) | (
        (row_type >= RAIL_ROUTE_TYPES[1]) & (row_type <= RAIL_ROUTE_TYPES[2]))
    served = np.zeros(network.n_stops, dtype=bool)
    served[feed.stop_times["stop_index"].to_numpy(np.int64)[rail]] = True
    return parent | served


def parking_stops(network: TransportNetwork, request: TravelRequest) -> np.ndarray:
    """Indices of the stops where the request may park a bike and that the bicycle network links."""
    allowed = network.bike_stop_snap.ok.copy()
    if request.bike_parking == "stations":
        allowed &= network.memo(("station_stops",), lambda: station_stops(network))
    return np.flatnonzero(allowed)


def snap_bike(network: TransportNetwork, lat: np.ndarray, lon: np.ndarray,
              request: TravelRequest) -> SnapResult:
    """Points snapped to the bicycle network (``ok`` False: farther than ``snap_distance_m``)."""
    return snap_points(network.bicycle.streets, lat, lon, request.snap_distance_m)


def bike_costs(network: TransportNetwork, snap_from: SnapResult, snap_to: SnapResult,
               request: TravelRequest) -> sp.csr_array:
    """Cycling costs between linked points within the request's bike limit, CSR (m).

    Rows and columns are those of ``snap_from`` / ``snap_to``; points with
    ``ok`` False get no entries.
    """
    f_ok = np.flatnonzero(snap_from.ok)
    t_ok = np.flatnonzero(snap_to.ok)
    part = sp.coo_array(bike_point_to_point(
        network.bicycle, subset_snap(snap_from, f_ok), subset_snap(snap_to, t_ok),
        request.bike_limit_m, request.dismount_factor))
    out = sp.csr_array((part.data, (f_ok[part.row], t_ok[part.col])),
                       shape=(snap_from.n_points, snap_to.n_points))
    out.sort_indices()
    return out


def bike_to_stops(network: TransportNetwork, snap: SnapResult,
                  request: TravelRequest) -> sp.csr_array:
    """Cycling costs from points to the stops where the bike may be parked, CSR (n_points, n_stops)."""
    stops = parking_stops(network, request)
    part = sp.coo_array(bike_costs(network, snap, subset_snap(network.bike_stop_snap, stops),
                                   request))
    out = sp.csr_array((part.data, (part.row, stops[part.col])),
                       shape=(snap.n_points, network.n_stops))
    out.sort_indices()
    return out
