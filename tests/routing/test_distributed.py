"""Dask runs equal single-process runs (a local cluster of two worker processes)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from accessibility.errors import InputError
from accessibility.jobs.region import RegionData
from accessibility.jobs.whitespots import coverage_inputs, nearest_times, time_window_table
from accessibility.routing import TravelRequest, link_points
from accessibility.routing.bounded import bounded_candidate_times
from accessibility.routing.distributed import Runner, open_runner


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> RegionData:
    return RegionData.load("demo", cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def cluster():
    with open_runner(workers=2) as runner:
        yield runner


def test_local_cluster_has_two_workers(cluster: Runner) -> None:
    assert cluster.n_workers == 2
    assert cluster.map(lambda shared, x: shared * x, 3, [1, 2, 5]) == [3, 6, 15]


def test_candidates_on_cluster_equal_single_process(demo: RegionData, cluster: Runner) -> None:
    request = TravelRequest(departure=dt.datetime(2026, 12, 1, 10, 0),
                            departure_time_window=dt.timedelta(minutes=15),
                            max_time=dt.timedelta(minutes=60))
    points = demo.population.gdf
    origins = link_points(demo.network, points["lat"].to_numpy(), points["lon"].to_numpy(),
                          request)
    stops = demo.network.stops.iloc[::2]
    cands = link_points(demo.network, stops["stop_lat"].to_numpy(), stops["stop_lon"].to_numpy(),
                        request, "egress")
    local = bounded_candidate_times(demo.network, origins, cands, request, chunk_size=3)
    remote = bounded_candidate_times(demo.network, origins, cands, request, chunk_size=3,
                                     map_chunks=cluster.map)
    assert cands.n_points >= 6 and local.point.size > 0
    np.testing.assert_array_equal(remote.ptr, local.ptr)
    np.testing.assert_array_equal(remote.point, local.point)
    np.testing.assert_array_equal(remote.minutes, local.minutes)


def test_time_window_sweep_on_cluster_equals_single_process(demo: RegionData,
                                                            cluster: Runner) -> None:
    inputs = coverage_inputs(demo)
    main = nearest_times(demo, inputs)
    local = time_window_table(demo, inputs, main)
    remote = time_window_table(demo, inputs, main, cluster)
    assert len(local) == 3
    assert local.equals(remote)


def test_bad_worker_count_is_refused() -> None:
    with pytest.raises(InputError, match="--workers"), open_runner(workers=0):
        pass
