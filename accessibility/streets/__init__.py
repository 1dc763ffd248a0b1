"""The walking network: OpenStreetMap ways pedestrians may use, as CSR arrays.

Build a :class:`StreetNetwork` with :func:`read_osm` (``.osm.pbf`` / ``.osm``)
or :func:`from_networkx` (osmnx graphs), snap WGS84 points to it with
:func:`snap_points` and compute walking distances in metres with
:func:`point_to_node_distances` and :func:`point_to_point_distances`.

The bicycle network (:func:`read_bicycle_osm`, :class:`BicycleNetwork`,
:func:`bike_point_to_point`) comes from the same file with the rules of
:mod:`.cycling_rules`.

Modules: :mod:`.rules` (which ways are walkable), :mod:`.cycling_rules` and
:mod:`.cycling` (the bicycle network), :mod:`.osm` (reading OSM
files), :mod:`.graph` (the CSR graph, networkx round trips),
:mod:`.snapping` (points onto segments) and :mod:`.search` (the numba
street-search kernels).
"""

from accessibility.streets.cycling import BicycleNetwork, bike_point_to_point, read_bicycle_osm
from accessibility.streets.cycling_rules import CLOSED, DISMOUNT, RIDE, bike_access
from accessibility.streets.graph import StreetNetwork, from_networkx, to_networkx
from accessibility.streets.osm import read_osm
from accessibility.streets.rules import EXCLUDED_HIGHWAYS, MOTOR_HIGHWAYS, is_walkable
from accessibility.streets.search import point_to_node_distances, point_to_point_distances
from accessibility.streets.snapping import (
    SnapResult,
    concat_snaps,
    require_snapped,
    snap_points,
    subset_snap,
)

__all__ = [
    "CLOSED",
    "DISMOUNT",
    "RIDE",
    "BicycleNetwork",
    "bike_access",
    "bike_point_to_point",
    "read_bicycle_osm",
    "EXCLUDED_HIGHWAYS",
    "MOTOR_HIGHWAYS",
    "SnapResult",
    "StreetNetwork",
    "concat_snaps",
    "from_networkx",
    "is_walkable",
    "point_to_node_distances",
    "point_to_point_distances",
    "read_osm",
    "require_snapped",
    "snap_points",
    "subset_snap",
    "to_networkx",
]
