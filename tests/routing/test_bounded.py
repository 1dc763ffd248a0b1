"""Bounded candidate searches against the unbounded nearest-target search.

The bounded search evaluates only the points a candidate can change; the
times after opening a candidate, ``fmin(before, candidate)``, must be
identical to those of :func:`times_to_nearest` over all points, for several
requests (percentiles, waiting at the origin, walking limits, walk only).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from accessibility.jobs.region import RegionData
from accessibility.routing import TransportMode, TravelRequest, link_points, times_to_nearest
from accessibility.routing.bounded import bounded_candidate_times


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> RegionData:
    return RegionData.load("demo", cache_dir=tmp_path_factory.mktemp("cache"))


def _candidates(demo: RegionData, n: int = 14, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Candidate coordinates: population points, boarding stops and one point far off-street."""
    rng = np.random.default_rng(seed)
    points = demo.population.gdf
    pick = rng.choice(len(points), size=n // 2, replace=False)
    stops = demo.network.stops.iloc[rng.choice(demo.network.n_stops, size=n // 2, replace=False)]
    lat = np.concatenate([points["lat"].to_numpy()[pick], stops["stop_lat"].to_numpy(), [52.0]])
    lon = np.concatenate([points["lon"].to_numpy()[pick], stops["stop_lon"].to_numpy(), [3.0]])
    return lat, lon


REQUESTS = {
    "p50 window": dict(departure_time_window=dt.timedelta(minutes=30)),
    "p25, no wait": dict(departure_time_window=dt.timedelta(minutes=20), percentiles=(25,),
                         wait_at_origin=False),
    "short walks": dict(departure_time_window=dt.timedelta(minutes=10),
                        max_time_walking=dt.timedelta(minutes=15),
                        max_time=dt.timedelta(minutes=45)),
    "walk only": dict(transport_modes=[TransportMode.WALK], max_time=dt.timedelta(minutes=40)),
}


@pytest.mark.parametrize("name", list(REQUESTS))
def test_bounded_equals_unbounded(demo: RegionData, name: str) -> None:
    params = {"max_time": dt.timedelta(minutes=90), **REQUESTS[name]}
    request = TravelRequest(departure=dt.datetime(2026, 12, 1, 10, 0), **params)
    points = demo.population.gdf
    origins = link_points(demo.network, points["lat"].to_numpy(), points["lon"].to_numpy(),
                          request, "access")
    steunpunten = demo.steunpunten()
    existing = link_points(demo.network, steunpunten.geometry.y.to_numpy(),
                           steunpunten.geometry.x.to_numpy(), request, "egress")
    before = times_to_nearest(demo.network, origins, existing, [np.arange(existing.n_points)],
                              request)[0]
    lat, lon = _candidates(demo)
    cands = link_points(demo.network, lat, lon, request, "egress")
    unbounded = times_to_nearest(demo.network, origins, cands,
                                 [np.array([j]) for j in range(cands.n_points)], request)

    bounded = bounded_candidate_times(demo.network, origins, cands, request, before, chunk_size=4)
    for j in range(cands.n_points):
        np.testing.assert_array_equal(bounded.after(before, j), np.fmin(before, unbounded[j]))
    # without `before` every point within max_time is returned, with exactly the same time
    everything = bounded_candidate_times(demo.network, origins, cands, request)
    np.testing.assert_array_equal(everything.dense(), unbounded)
    # only the points a candidate changes are kept; the comparison is not empty
    assert everything.point.size == np.isfinite(unbounded).sum() > 100
    assert bounded.point.size < everything.point.size
    assert bounded.row(cands.n_points - 1)[0].size == 0  # the off-street candidate reaches nobody


def test_link_cache_returns_the_same_links(demo: RegionData, tmp_path) -> None:
    from accessibility.routing.link_cache import cached_link_points

    request = demo.request
    points = demo.population.gdf.iloc[:300]
    lat, lon = points["lat"].to_numpy(), points["lon"].to_numpy()
    fresh = link_points(demo.network, lat, lon, request, "access")
    first = cached_link_points(demo.network, lat, lon, request, "access", tmp_path)
    assert len(list(tmp_path.glob("links-*.npz"))) == 1
    again = cached_link_points(demo.network, lat, lon, request, "access", tmp_path)
    shorter = cached_link_points(demo.network, lat, lon,
                                 request.replace(max_time_walking=dt.timedelta(minutes=5)),
                                 "access", tmp_path)
    assert len(list(tmp_path.glob("links-*.npz"))) == 2  # another limit, another file
    for links in (first, again):
        for name in ("stop_ptr", "stop_index", "stop_seconds"):
            np.testing.assert_array_equal(getattr(links, name), getattr(fresh, name))
        np.testing.assert_array_equal(links.snap.node_a, fresh.snap.node_a)
        np.testing.assert_array_equal(links.snap.offset_m, fresh.snap.offset_m)
        assert links.snap.max_distance_m == fresh.snap.max_distance_m
    assert shorter.stop_index.size < fresh.stop_index.size
