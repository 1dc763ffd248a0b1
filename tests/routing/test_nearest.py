"""Time to the nearest target (backward profile search) against the RAPTOR engine.

Both engines take the same :class:`TravelRequest` and the same street legs.
For a single departure minute, the travel time to the nearest of a group of
targets must equal the minimum over those targets of the RAPTOR travel time
(no binding ride limit). This ties the two engines together on the demo
region's real timetable and streets, with short and long walking limits.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pytest

from accessibility.jobs.region import RegionData
from accessibility.routing import TravelRequest, link_points, times_to_nearest, travel_time_arrays


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> RegionData:
    return RegionData.load("demo", cache_dir=tmp_path_factory.mktemp("cache"))


def _points(lat: np.ndarray, lon: np.ndarray, prefix: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": [f"{prefix}{i}" for i in range(len(lat))]},
                            geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def _both_engines(demo: RegionData, request: TravelRequest, sample_size: int = 400,
                  seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """(nearest-search minutes floored, RAPTOR minimum over the targets) for a sample."""
    rng = np.random.default_rng(seed)
    points = demo.population.gdf
    sample = points.iloc[rng.choice(len(points), size=sample_size, replace=False)]
    lat, lon = sample["lat"].to_numpy(), sample["lon"].to_numpy()
    targets = demo.steunpunten()
    t_lat, t_lon = targets.geometry.y.to_numpy(), targets.geometry.x.to_numpy()
    origins = link_points(demo.network, lat, lon, request, "access")
    target_links = link_points(demo.network, t_lat, t_lon, request, "egress")
    nearest = times_to_nearest(demo.network, origins, target_links,
                               [np.arange(len(targets))], request)[0]
    raptor = travel_time_arrays(demo.network, _points(lat, lon, "o"), _points(t_lat, t_lon, "d"),
                                request)
    expected = np.fmin.reduce(raptor.minutes[:, :, 0], axis=1)
    # RAPTOR reports whole minutes; the profile search keeps seconds.
    return np.floor(nearest + 1e-9), expected


@pytest.mark.parametrize("departure", [dt.time(7, 58), dt.time(10, 0), dt.time(23, 41)])
@pytest.mark.parametrize("walk_minutes", [20, 35, None])
def test_nearest_equals_raptor_minimum(demo: RegionData, departure: dt.time,
                                       walk_minutes: int | None) -> None:
    request = TravelRequest(
        departure=dt.datetime.combine(dt.date(2026, 12, 1), departure),
        departure_time_window=dt.timedelta(minutes=1), max_time=dt.timedelta(minutes=90),
        max_time_walking=None if walk_minutes is None else dt.timedelta(minutes=walk_minutes),
        max_public_transport_rides=50, snap_distance_m=500,
    )
    got, expected = _both_engines(demo, request)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    np.testing.assert_array_equal(got[~np.isnan(got)], expected[~np.isnan(expected)])
    assert (~np.isnan(got)).sum() >= 10  # the comparison covers reachable points


def test_long_access_walks_reach_more_points(demo: RegionData) -> None:
    """A walking limit above 20 minutes is honoured by both engines, not capped."""
    base = TravelRequest(departure=dt.datetime(2026, 12, 1, 10, 0),
                         departure_time_window=dt.timedelta(minutes=1),
                         max_time=dt.timedelta(minutes=90), max_public_transport_rides=50)
    short_got, short_exp = _both_engines(demo, base.replace(max_time_walking=dt.timedelta(minutes=20)))
    long_got, long_exp = _both_engines(demo, base.replace(max_time_walking=dt.timedelta(minutes=45)))
    assert np.isnan(short_got).sum() > np.isnan(long_got).sum()
    assert np.isnan(short_exp).sum() > np.isnan(long_exp).sum()
    both = ~np.isnan(short_got)
    assert np.all(long_got[both] <= short_got[both])


def test_walk_only_never_faster_than_transit(demo: RegionData) -> None:
    points = demo.population.gdf.iloc[::7]
    targets = demo.steunpunten()
    walking = demo.request.replace(transport_modes=("WALK",))
    group = [np.arange(len(targets))]
    t_lat, t_lon = targets.geometry.y.to_numpy(), targets.geometry.x.to_numpy()
    results = []
    for request in (demo.request, walking):
        origins = demo.link(points["lat"].to_numpy(), points["lon"].to_numpy(), request=request)
        target_links = demo.link(t_lat, t_lon, "egress", request)
        results.append(times_to_nearest(demo.network, origins, target_links, group, request)[0])
    with_transit, walk_only = results
    reach_walk = ~np.isnan(walk_only)
    assert np.all(with_transit[reach_walk] <= walk_only[reach_walk] + 1e-9)
    # Transit brings some points within reach that walking cannot.
    assert np.sum(~np.isnan(with_transit) & np.isnan(walk_only)) > 0


def test_nearest_of_group_is_minimum_of_single_targets(demo: RegionData) -> None:
    points = demo.population.gdf.iloc[::5]
    targets = demo.steunpunten()
    request = TravelRequest(departure=dt.datetime(2026, 12, 1, 10, 0),
                            departure_time_window=dt.timedelta(minutes=1),
                            max_time=dt.timedelta(minutes=90))
    origins = demo.link(points["lat"].to_numpy(), points["lon"].to_numpy(), request=request)
    target_links = demo.link(targets.geometry.y.to_numpy(), targets.geometry.x.to_numpy(),
                             "egress", request)
    singles = [np.array([i]) for i in range(len(targets))]
    times = times_to_nearest(demo.network, origins, target_links,
                             [np.arange(len(targets)), *singles], request)
    np.testing.assert_allclose(times[0], np.fmin.reduce(times[1:], axis=0), equal_nan=True)


def test_bus_only_request_drops_other_modes(demo: RegionData) -> None:
    """A transit sub-mode restricts the nearest search as it restricts RAPTOR."""
    request = TravelRequest(departure=dt.datetime(2026, 12, 1, 10, 0),
                            departure_time_window=dt.timedelta(minutes=1),
                            max_time=dt.timedelta(minutes=90), max_public_transport_rides=50,
                            transport_modes=("RAIL", "WALK"))
    got, expected = _both_engines(demo, request, sample_size=200)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    np.testing.assert_array_equal(got[~np.isnan(got)], expected[~np.isnan(expected)])
