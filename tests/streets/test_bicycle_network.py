"""The bicycle rules and the directed bicycle network on hand-built OSM files (exact costs)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from test_streets import hav, write_osm

from accessibility.errors import OsmError
from accessibility.streets import (
    CLOSED,
    DISMOUNT,
    RIDE,
    bike_access,
    bike_point_to_point,
    point_to_point_distances,
    read_bicycle_osm,
    read_osm,
    snap_points,
)

LAT0, LON0 = 52.0, 5.0
SIDE_M = 300.0
DLAT = SIDE_M / 111_195.0
DLON = SIDE_M / (111_195.0 * math.cos(math.radians(LAT0)))
#: A square: 1 (SW) - 2 (SE) along the bottom, 3 (NW) - 4 (NE) along the top.
SQUARE = {1: (LAT0, LON0), 2: (LAT0, LON0 + DLON), 3: (LAT0 + DLAT, LON0),
          4: (LAT0 + DLAT, LON0 + DLON)}
FACTOR = 15.0 / 3.6  # speed_cycling / speed_walking at 15 and 3.6 km/h


def _bottom() -> float:
    return hav(*SQUARE[1], *SQUARE[2])


def _detour() -> float:
    return hav(*SQUARE[1], *SQUARE[3]) + hav(*SQUARE[3], *SQUARE[4]) + hav(*SQUARE[4], *SQUARE[2])


def _costs(tmp_path: Path, bottom_tags: dict, detour: bool = True) -> np.ndarray:
    """Bike costs (ride-equivalent m) between nodes 1 and 2: [[1->1, 1->2], [2->1, 2->2]]."""
    ways = [([1, 2], bottom_tags)]
    if detour:
        ways.append(([1, 3, 4, 2], {"highway": "residential"}))
    path = write_osm(tmp_path / "bike.osm", SQUARE, ways)
    net = read_bicycle_osm(path, min_component_nodes=1)
    lat = np.array([SQUARE[1][0], SQUARE[2][0]])
    lon = np.array([SQUARE[1][1], SQUARE[2][1]])
    snap = snap_points(net.streets, lat, lon, 10.0)
    return bike_point_to_point(net, snap, snap, 1e6, FACTOR).toarray()


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"highway": "cycleway"}, (RIDE, RIDE)),
        ({"highway": "residential"}, (RIDE, RIDE)),
        ({"highway": "motorway"}, (CLOSED, CLOSED)),
        ({"highway": "trunk"}, (CLOSED, CLOSED)),
        ({"highway": "trunk", "bicycle": "yes"}, (RIDE, RIDE)),
        ({"highway": "residential", "bicycle": "no"}, (CLOSED, CLOSED)),
        ({"highway": "secondary", "bicycle": "use_sidepath", "foot": "yes"}, (CLOSED, CLOSED)),
        ({"highway": "footway"}, (DISMOUNT, DISMOUNT)),
        ({"highway": "footway", "bicycle": "yes"}, (RIDE, RIDE)),
        ({"highway": "pedestrian", "bicycle": "designated"}, (RIDE, RIDE)),
        ({"highway": "footway", "bicycle": "no"}, (CLOSED, CLOSED)),
        ({"highway": "footway", "foot": "no"}, (CLOSED, CLOSED)),
        ({"highway": "steps"}, (DISMOUNT, DISMOUNT)),
        ({"highway": "cycleway", "bicycle": "dismount"}, (DISMOUNT, DISMOUNT)),
        ({"highway": "service", "access": "private"}, (CLOSED, CLOSED)),
        ({"highway": "service", "access": "no", "bicycle": "permissive"}, (RIDE, RIDE)),
        ({"highway": "residential", "oneway": "yes"}, (RIDE, DISMOUNT)),
        ({"highway": "residential", "oneway": "-1"}, (DISMOUNT, RIDE)),
        ({"highway": "residential", "oneway": "yes", "foot": "no"}, (RIDE, CLOSED)),
        ({"highway": "residential", "oneway": "yes", "oneway:bicycle": "no"}, (RIDE, RIDE)),
        ({"highway": "residential", "oneway": "yes", "cycleway": "opposite"}, (RIDE, RIDE)),
        ({"highway": "residential", "oneway": "yes", "cycleway:left": "opposite_lane"},
         (RIDE, RIDE)),
        ({"highway": "residential", "oneway": "1", "cycleway:right": "opposite_track"},
         (RIDE, RIDE)),
        ({"highway": "residential", "oneway:bicycle": "yes"}, (RIDE, DISMOUNT)),
        ({"highway": "primary", "junction": "roundabout"}, (RIDE, DISMOUNT)),
        ({"highway": "cycleway", "junction": "roundabout", "oneway": "no"}, (RIDE, RIDE)),
        ({"highway": "construction"}, (CLOSED, CLOSED)),
        ({"building": "yes"}, (CLOSED, CLOSED)),
    ],
)
def test_bike_access_rules(tags: dict, expected: tuple[int, int]) -> None:
    assert bike_access(tags) == expected


def test_route_avoids_a_bicycle_no_footway(tmp_path: Path) -> None:
    costs = _costs(tmp_path, {"highway": "footway", "bicycle": "no"})
    assert costs[0, 1] == pytest.approx(_detour(), abs=0.01)
    assert costs[1, 0] == pytest.approx(_detour(), abs=0.01)
    # the walking network takes the footway
    path = tmp_path / "bike.osm"
    walk = read_osm(path, min_component_nodes=1)
    snap = snap_points(walk, np.array([LAT0, LAT0]), np.array([LON0, LON0 + DLON]), 10.0)
    assert point_to_point_distances(walk, snap, snap, 1e6).toarray()[0, 1] == pytest.approx(
        _bottom(), abs=0.01)


def test_footway_with_permission_is_ridden_and_without_is_pushed(tmp_path: Path) -> None:
    assert _costs(tmp_path, {"highway": "footway", "bicycle": "yes"})[0, 1] == pytest.approx(
        _bottom(), abs=0.01)
    # pushed: 300 m at walking speed costs 1250 ride-equivalent metres, the 900 m detour wins
    assert _costs(tmp_path, {"highway": "footway"})[0, 1] == pytest.approx(_detour(), abs=0.01)
    alone = _costs(tmp_path, {"highway": "footway"}, detour=False)
    assert alone[0, 1] == pytest.approx(_bottom() * FACTOR, abs=0.01)


def test_dismount_segment_costs_walking_time(tmp_path: Path) -> None:
    costs = _costs(tmp_path, {"highway": "cycleway", "bicycle": "dismount"}, detour=False)
    seconds = costs[0, 1] / (15.0 / 3.6)
    assert seconds == pytest.approx(_bottom() / (3.6 / 3.6), abs=0.01)  # walking at 3.6 km/h


def test_partial_segments_follow_the_edge_rules(tmp_path: Path) -> None:
    """Points halfway along a pushed segment: the half costs walking time too."""
    path = write_osm(tmp_path / "half.osm", SQUARE,
                     [([1, 2], {"highway": "cycleway", "bicycle": "dismount"})])
    net = read_bicycle_osm(path, min_component_nodes=1)
    mid_lon = LON0 + DLON / 2
    mid = snap_points(net.streets, np.array([LAT0]), np.array([mid_lon]), 10.0)
    end = snap_points(net.streets, np.array([LAT0]), np.array([LON0 + DLON]), 10.0)
    cost = bike_point_to_point(net, mid, end, 1e6, FACTOR).toarray()[0, 0]
    assert cost == pytest.approx(hav(LAT0, mid_lon, *SQUARE[2]) * FACTOR, abs=0.01)


def test_oneway_open_to_bikes_the_other_way(tmp_path: Path) -> None:
    costs = _costs(tmp_path, {"highway": "residential", "oneway": "yes", "oneway:bicycle": "no"})
    assert costs[0, 1] == pytest.approx(_bottom(), abs=0.01)
    assert costs[1, 0] == pytest.approx(_bottom(), abs=0.01)


def test_oneway_closed_to_bikes_the_other_way(tmp_path: Path) -> None:
    costs = _costs(tmp_path, {"highway": "residential", "oneway": "yes"})
    assert costs[0, 1] == pytest.approx(_bottom(), abs=0.01)
    assert costs[1, 0] == pytest.approx(_detour(), abs=0.01)  # 2 -> 1: round the square
    # without the detour the cyclist pushes the bike back along the pavement
    alone = _costs(tmp_path, {"highway": "residential", "oneway": "yes"}, detour=False)
    assert alone[1, 0] == pytest.approx(_bottom() * FACTOR, abs=0.01)


def test_oneway_without_pavement_is_unreachable_backwards(tmp_path: Path) -> None:
    path = write_osm(tmp_path / "one.osm", SQUARE,
                     [([1, 2], {"highway": "residential", "oneway": "yes", "foot": "no"})])
    net = read_bicycle_osm(path, min_component_nodes=1)
    # nodes 1 and 2 only; one directed edge
    assert net.n_edges == 1
    a = snap_points(net.streets, np.array([SQUARE[1][0]]), np.array([SQUARE[1][1]]), 10.0)
    b = snap_points(net.streets, np.array([SQUARE[2][0]]), np.array([SQUARE[2][1]]), 10.0)
    forward = bike_point_to_point(net, a, b, 1e6, FACTOR)
    backward = bike_point_to_point(net, b, a, 1e6, FACTOR)
    assert forward.toarray()[0, 0] == pytest.approx(_bottom(), abs=0.01)
    assert backward.nnz == 0  # also the partial segment is one-way


def test_motorway_is_not_in_the_bicycle_network(tmp_path: Path) -> None:
    path = write_osm(tmp_path / "mw.osm", SQUARE, [([1, 2], {"highway": "motorway"}),
                                                   ([3, 4], {"highway": "residential"})])
    net = read_bicycle_osm(path, min_component_nodes=1)
    assert sorted(net.streets.osm_node_ids.tolist()) == [3, 4]
    only = write_osm(tmp_path / "only.osm", SQUARE, [([1, 2], {"highway": "motorway"})])
    with pytest.raises(OsmError, match="open to bicycles"):
        read_bicycle_osm(only, min_component_nodes=1)


def test_reversed_search_gives_the_same_costs(tmp_path: Path) -> None:
    """More sources than targets runs on the reversed edges; the costs must not change."""
    path = write_osm(tmp_path / "bike.osm", SQUARE,
                     [([1, 2], {"highway": "residential", "oneway": "yes"}),
                      ([1, 3, 4, 2], {"highway": "residential"})])
    net = read_bicycle_osm(path, min_component_nodes=1)
    lat = np.array([v[0] for v in SQUARE.values()])
    lon = np.array([v[1] for v in SQUARE.values()])
    many = snap_points(net.streets, lat, lon, 10.0)
    one = snap_points(net.streets, lat[1:2], lon[1:2], 10.0)
    forward_rows = bike_point_to_point(net, one, many, 1e6, FACTOR).toarray()  # 1 x 4
    back = bike_point_to_point(net, many, one, 1e6, FACTOR).toarray()  # 4 x 1 (reversed)
    full = bike_point_to_point(net, many, many, 1e6, FACTOR).toarray()  # 4 x 4 (forward)
    np.testing.assert_allclose(back[:, 0], full[:, 1], atol=1e-9)
    np.testing.assert_allclose(forward_rows[0], full[1], atol=1e-9)
    assert full[1, 0] == pytest.approx(_detour(), abs=0.01)  # 2 -> 1 against the one-way
    assert full[0, 1] == pytest.approx(_bottom(), abs=0.01)
