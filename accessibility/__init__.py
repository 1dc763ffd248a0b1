"""accessibility: public-transport accessibility of steunpunten in the Netherlands.

The public API, shaped like r5py's::

    from accessibility import TransportNetwork, TravelTimeMatrix, TransportMode

    network = TransportNetwork("region.osm.pbf", ["gtfs.zip"])
    matrix = TravelTimeMatrix(network, origins, destinations,
                              departure=datetime.datetime(2026, 12, 1, 10, 0))

:class:`TravelRequest` holds the parameters of a computation (r5py's
``RegionalTask``); :func:`times_to_nearest` gives every point the travel time
to the nearest of a group of places (the nearest-steunpunt search).
"""

from accessibility import numba_cache

numba_cache.configure()  # before the first import of numba (routing, streets)

from accessibility.routing import (  # noqa: E402
    DetailedItineraries,
    PointLinks,
    TransportMode,
    TransportNetwork,
    TravelRequest,
    TravelTimeMatrix,
    link_points,
    times_to_nearest,
    travel_time_arrays,
)

__version__ = "0.1.0"

__all__ = [
    "DetailedItineraries",
    "PointLinks",
    "TransportMode",
    "TransportNetwork",
    "TravelRequest",
    "TravelTimeMatrix",
    "link_points",
    "times_to_nearest",
    "travel_time_arrays",
]
