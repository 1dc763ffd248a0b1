"""Time to the nearest target (backward profile search) against the RAPTOR engine.

For a single departure minute, the travel time to the nearest of a group of
targets must equal the minimum over those targets of the RAPTOR travel time
(same walking limits, no binding ride limit). This ties the two engines
together on the demo region's real timetable and streets.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pytest

from accessibility.jobs.region import RegionData
from accessibility.reach import TravelParameters, times_to_nearest
from accessibility.routing import travel_time_arrays


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> RegionData:
    return RegionData.load("demo", cache_dir=tmp_path_factory.mktemp("cache"))


def _points(lat: np.ndarray, lon: np.ndarray, prefix: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": [f"{prefix}{i}" for i in range(len(lat))]},
                            geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


@pytest.mark.parametrize("departure", [dt.time(7, 58), dt.time(10, 0), dt.time(23, 41)])
def test_nearest_equals_raptor_minimum(demo: RegionData, departure: dt.time) -> None:
    rng = np.random.default_rng(7)
    points = demo.population.gdf
    sample = points.iloc[rng.choice(len(points), size=400, replace=False)]
    targets = demo.steunpunten()
    params = TravelParameters(date=dt.date(2026, 12, 1), departure_time=departure,
                              window_minutes=1, max_time_minutes=90, max_walk_minutes=20)
    origins = demo.link(sample["lat"].to_numpy(), sample["lon"].to_numpy(), params)
    target_links = demo.link(targets.geometry.y.to_numpy(), targets.geometry.x.to_numpy(), params)
    nearest = times_to_nearest(demo.network, origins, target_links,
                               [np.arange(len(targets))], params)[0]

    raptor = travel_time_arrays(
        demo.network, _points(sample["lat"].to_numpy(), sample["lon"].to_numpy(), "o"),
        _points(targets.geometry.y.to_numpy(), targets.geometry.x.to_numpy(), "d"),
        departure=dt.datetime.combine(params.date, departure),
        departure_time_window=dt.timedelta(minutes=1), max_time=dt.timedelta(minutes=90),
        max_time_walking=dt.timedelta(minutes=20), max_public_transport_rides=50,
        snap_distance_m=params.max_snap_distance_m,
    )
    # Walk-only trips may take up to the maximum travel time (a steunpunt within
    # walking distance counts), while walks to and from stops are limited to 20 min.
    walking = travel_time_arrays(
        demo.network, _points(sample["lat"].to_numpy(), sample["lon"].to_numpy(), "o"),
        _points(targets.geometry.y.to_numpy(), targets.geometry.x.to_numpy(), "d"),
        departure=dt.datetime.combine(params.date, departure),
        departure_time_window=dt.timedelta(minutes=1), max_time=dt.timedelta(minutes=90),
        transport_modes=["WALK"], snap_distance_m=params.max_snap_distance_m,
    )
    both = np.concatenate([raptor.minutes[:, :, 0], walking.minutes[:, :, 0]], axis=1)
    expected = np.fmin.reduce(both, axis=1)
    # RAPTOR reports whole minutes; the profile search keeps seconds.
    got = np.floor(nearest + 1e-9)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    np.testing.assert_array_equal(got[~np.isnan(got)], expected[~np.isnan(expected)])
    assert (~np.isnan(got)).sum() > 50  # the comparison covers reachable points


def test_walk_only_never_faster_than_transit(demo: RegionData) -> None:
    points = demo.population.gdf.iloc[::7]
    targets = demo.steunpunten()
    origins = demo.link(points["lat"].to_numpy(), points["lon"].to_numpy())
    target_links = demo.link(targets.geometry.y.to_numpy(), targets.geometry.x.to_numpy())
    group = [np.arange(len(targets))]
    with_transit = times_to_nearest(demo.network, origins, target_links, group, demo.params)[0]
    walking = times_to_nearest(demo.network, origins, target_links, group, demo.params,
                               transit=False)[0]
    reach_walk = ~np.isnan(walking)
    assert np.all(with_transit[reach_walk] <= walking[reach_walk] + 1e-9)
    # Transit brings some points within reach that walking cannot.
    assert np.sum(~np.isnan(with_transit) & np.isnan(walking)) > 0


def test_nearest_of_group_is_minimum_of_single_targets(demo: RegionData) -> None:
    points = demo.population.gdf.iloc[::5]
    targets = demo.steunpunten()
    params = TravelParameters(date=dt.date(2026, 12, 1), departure_time=dt.time(10, 0),
                              window_minutes=1)
    origins = demo.link(points["lat"].to_numpy(), points["lon"].to_numpy(), params)
    target_links = demo.link(targets.geometry.y.to_numpy(), targets.geometry.x.to_numpy(), params)
    singles = [np.array([i]) for i in range(len(targets))]
    times = times_to_nearest(demo.network, origins, target_links,
                             [np.arange(len(targets)), *singles], params)
    np.testing.assert_allclose(times[0], np.fmin.reduce(times[1:], axis=0), equal_nan=True)
