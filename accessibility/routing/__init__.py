"""Routing: the transport network, one request object and two engines over it.

* :class:`TransportNetwork` (:mod:`.network`): streets + timetables + stop links, cached.
* :class:`TravelRequest` (:mod:`.request`): every parameter of a computation,
  shared by all engines (r5py's ``RegionalTask``).
* :mod:`.street_legs`: access, egress, transfer and walk-only legs, for both engines.
* :mod:`.transit`: the timetable arrays of a request.
* Kernels: :mod:`.raptor` (range-RAPTOR, matrices) and :mod:`.profile`
  (backward profile search, nearest of many).
* On top: :class:`TravelTimeMatrix` (:mod:`.matrix`) and
  :func:`times_to_nearest` (:mod:`.nearest`); the optional r5py engine in
  :mod:`.r5py_engine`.
"""

from accessibility.routing.itineraries import DetailedItineraries
from accessibility.routing.matrix import (
    TravelTimeMatrix,
    TravelTimes,
    percentile_columns,
    travel_time_arrays,
    travel_times_frame,
)
from accessibility.routing.modes import TransportMode, as_mode, route_type_mode
from accessibility.routing.nearest import times_to_nearest
from accessibility.routing.network import (
    STOP_SNAP_DISTANCE_M,
    TRANSFER_DISTANCE_LIMIT_M,
    TransportNetwork,
)
from accessibility.routing.request import (
    EGRESS_DISTANCE_LIMIT_M,
    POINT_SNAP_DISTANCE_M,
    TravelRequest,
)
from accessibility.routing.street_legs import PointLinks, link_points

__all__ = [
    "DetailedItineraries",
    "EGRESS_DISTANCE_LIMIT_M",
    "POINT_SNAP_DISTANCE_M",
    "STOP_SNAP_DISTANCE_M",
    "TRANSFER_DISTANCE_LIMIT_M",
    "PointLinks",
    "TransportMode",
    "TransportNetwork",
    "TravelRequest",
    "TravelTimeMatrix",
    "TravelTimes",
    "as_mode",
    "link_points",
    "percentile_columns",
    "route_type_mode",
    "times_to_nearest",
    "travel_time_arrays",
    "travel_times_frame",
]
