"""Lines and lengths of itinerary legs: walks along the streets, rides along shapes.txt.

* Walks follow the street path (:class:`accessibility.streets.paths.StreetPaths`)
  between the snapped points; their length is the street distance the router
  used.
* Rides follow the trip's ``shapes.txt`` line, cut at the projections of the
  boarding and alighting stops onto it (the projection of the alighting stop
  is searched after the boarding one, so loop lines cut correctly); without a
  shape, or where the cut fails (stops far from the shape, shape running
  backwards), a straight line through the stops of the trip in between.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import shapely
import shapely.ops

from accessibility.gtfs.shapes import feed_trip_id, read_shapes, read_trip_details
from accessibility.routing.network import TransportNetwork
from accessibility.streets.paths import StreetPaths
from accessibility.streets.snapping import SnapResult

EARTH_RADIUS_M = 6_371_008.8

#: A stop farther than this from its trip's shape (m) is not cut onto it.
MAX_STOP_SHAPE_DISTANCE_M = 150.0


def haversine_length(lat: np.ndarray, lon: np.ndarray) -> float:
    """Length of a WGS84 polyline along the sphere (m)."""
    la, lo = np.radians(lat), np.radians(lon)
    h = (np.sin(np.diff(la) / 2) ** 2
         + np.cos(la[:-1]) * np.cos(la[1:]) * np.sin(np.diff(lo) / 2) ** 2)  # fmt: skip
    return float(np.sum(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(h, 1.0)))))


class LegGeometry:
    """Builds the lines of one network's legs (street buffers and trip shapes loaded once).

    Parameters
    ----------
    network : TransportNetwork
    trip_ids : iterable of str
        Timetable trip ids that will be ridden: their ``trips.txt`` rows and
        shapes are read (streamed) now; earlier reads for the same network are
        kept in its memo and not repeated.
    """

    def __init__(self, network: TransportNetwork, trip_ids: Iterable[str] = ()) -> None:
        self.network = network
        self.paths = StreetPaths(network.streets)
        cache = network.memo(("itinerary_trips",),
                             lambda: {"trips": {}, "shapes": {}, "no_shape": set()})
        feeds = (list(network.gtfs_paths), list(network.feed.feed_ids))
        wanted = {feed_trip_id(t) for t in trip_ids} - set(cache["trips"])
        if wanted:
            details = read_trip_details(*feeds, wanted)
            for trip_id in wanted:
                row = details.loc[trip_id] if trip_id in details.index else None
                cache["trips"][trip_id] = ("", "") if row is None else (
                    str(row["trip_headsign"]), str(row["shape_id"]))
        shape_ids = {cache["trips"][feed_trip_id(t)][1] for t in trip_ids} - {""}
        missing = shape_ids - set(cache["shapes"]) - cache["no_shape"]
        if missing:
            found = read_shapes(*feeds, missing)
            cache["shapes"].update(found)
            cache["no_shape"].update(missing - set(found))
        self._trips: dict[str, tuple[str, str]] = cache["trips"]
        self._shapes_raw: dict[str, tuple[np.ndarray, np.ndarray]] = cache["shapes"]
        self._shapes: dict[str, tuple[shapely.LineString, float]] = {}

    def walk(
        self, start: tuple[SnapResult, int, float, float], end: tuple[SnapResult, int, float, float],
        metres_hint: float,
    ) -> tuple[shapely.LineString, float]:
        """Line and length (m) of a walk; a straight line if no path is found within reach."""
        found = self.paths.path(start, end, max_m=metres_hint * 1.01 + 5.0)
        if found is None:
            lat = np.array([start[2], end[2]])
            lon = np.array([start[3], end[3]])
            return shapely.linestrings(lon, lat), haversine_length(lat, lon)
        return shapely.linestrings(found.lon, found.lat), found.metres

    def _projected_shape(self, shape_id: str) -> tuple[shapely.LineString, float] | None:
        if shape_id not in self._shapes_raw:
            return None
        if shape_id not in self._shapes:
            lat, lon = self._shapes_raw[shape_id]
            lat0 = float(np.mean(lat))
            x, y = _local_xy(lat, lon, lat0)
            self._shapes[shape_id] = (shapely.linestrings(x, y), lat0)
        return self._shapes[shape_id]

    def ride(self, trip_id: str, stop_lat: np.ndarray, stop_lon: np.ndarray
             ) -> tuple[shapely.LineString, float]:  # fmt: skip
        """Line and length (m) of a ride through the stops ``stop_lat / stop_lon`` (degrees).

        ``trip_id`` is the timetable's trip id; the first and last stops are
        where the ride is boarded and left.
        """
        shape_id = self._trips.get(feed_trip_id(trip_id), ("", ""))[1]
        shape = self._projected_shape(shape_id) if shape_id else None
        if shape is not None:
            line, lat0 = shape
            x, y = _local_xy(stop_lat[[0, -1]], stop_lon[[0, -1]], lat0)
            board, alight = shapely.points(x, y)
            if (line.distance(board) <= MAX_STOP_SHAPE_DISTANCE_M
                    and line.distance(alight) <= MAX_STOP_SHAPE_DISTANCE_M):  # fmt: skip
                at_board = line.project(board)
                rest = shapely.ops.substring(line, at_board, line.length)
                if rest.geom_type == "LineString" and rest.length > 0:
                    at_alight = at_board + rest.project(alight)
                    if at_alight > at_board:
                        cut = shapely.ops.substring(line, at_board, at_alight)
                        cx, cy = np.asarray(cut.coords).T
                        lat, lon = _local_latlon(cx, cy, lat0)
                        return shapely.linestrings(lon, lat), float(cut.length)
        return (shapely.linestrings(stop_lon, stop_lat),
                haversine_length(stop_lat, stop_lon))  # fmt: skip

    def headsign(self, trip_id: str) -> str:
        """``trip_headsign`` of a timetable trip ('' when the feed gives none)."""
        return self._trips.get(feed_trip_id(trip_id), ("", ""))[0]


def _local_xy(lat: np.ndarray, lon: np.ndarray, lat0: float) -> tuple[np.ndarray, np.ndarray]:
    """Equirectangular metres around latitude ``lat0`` (enough to cut a line)."""
    k = np.pi / 180 * EARTH_RADIUS_M
    return np.asarray(lon) * k * np.cos(np.radians(lat0)), np.asarray(lat) * k


def _local_latlon(x: np.ndarray, y: np.ndarray, lat0: float) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`_local_xy`."""
    k = np.pi / 180 * EARTH_RADIUS_M
    return y / k, x / (k * np.cos(np.radians(lat0)))

