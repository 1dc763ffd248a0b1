"""Benchmark the nearest-steunpunt search used by white spots, check-location and suggest.

Measures, after the network is built (the build and first numba compile are
reported separately):

* coverage: travel time from every population point to the nearest of a set
  of steunpunten (one backward profile search for all of them), 60-minute
  window, p50 — on the demo region (its population points and steunpunten),
  on 30,000 random points in the demo region, and on Porto Alegre (1,227
  hexgrid cells as population points, 5 points of interest as steunpunten,
  departure 2019-05-13 14:00);
* candidates per second: one more backward search per candidate, evaluated at
  all population points (the unbounded search), and the bounded search
  check-location and suggest use (only the points a candidate can change,
  ``accessibility.routing.bounded``), with the same ``after`` times;
* the ratio to the RAPTOR engine doing the same job as an origins x
  destinations matrix followed by a minimum (the r5py way).

Usage::

    python scripts/bench_reach.py [--shared ../shared/data] [--skip-raptor]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from accessibility.jobs.region import RegionData
from accessibility.routing import (
    TransportNetwork,
    TravelRequest,
    link_points,
    times_to_nearest,
    travel_time_arrays,
)
from accessibility.routing.bounded import bounded_candidate_times

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
POA_STEUNPUNTEN = ["public_market", "santa_casa_hospital", "farrapos_station",
                   "iguatemi_shopping_center", "beira_rio_stadium"]


def _timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t0


def bench(name: str, network, params: TravelRequest, pts_lat, pts_lon, tgt_lat, tgt_lon,
          raptor: bool, rows: list[dict]) -> None:
    origins, t_link = _timed(lambda: link_points(network, pts_lat, pts_lon, params, "access"))
    targets = link_points(network, tgt_lat, tgt_lon, params, "egress")
    group = [np.arange(len(tgt_lat))]
    times_to_nearest(network, origins, targets, group, params)  # warm (numba, timetable)
    times, t_cov = _timed(lambda: times_to_nearest(network, origins, targets, group, params)[0])
    singles = [np.array([i]) for i in range(len(tgt_lat))]
    unbounded, t_cand = _timed(lambda: times_to_nearest(network, origins, targets, singles, params))
    bounded_candidate_times(network, origins, targets, params, times)  # warm (numba)
    bounded, t_bounded = _timed(
        lambda: bounded_candidate_times(network, origins, targets, params, times))
    for j in range(len(singles)):  # the same times after opening each candidate
        np.testing.assert_array_equal(bounded.after(times, j), np.fmin(times, unbounded[j]))
    row = {"case": name, "points": len(pts_lat), "steunpunten": len(tgt_lat),
           "link_s": t_link, "coverage_s": t_cov, "candidates_per_s": len(singles) / t_cand,
           "bounded_candidates_per_s": len(singles) / t_bounded,
           "reachable_share": float(np.mean(~np.isnan(times)))}
    if raptor:
        def matrix():
            o = gpd.GeoDataFrame({"id": np.arange(len(pts_lat))},
                                 geometry=gpd.points_from_xy(pts_lon, pts_lat), crs=4326)
            d = gpd.GeoDataFrame({"id": np.arange(len(tgt_lat))},
                                 geometry=gpd.points_from_xy(tgt_lon, tgt_lat), crs=4326)
            return travel_time_arrays(network, o, d, params)
        _, t_raptor = _timed(matrix)
        row["raptor_matrix_s"] = t_raptor
        row["speedup"] = t_raptor / t_cov
    rows.append(row)
    print(row, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--skip-raptor", action="store_true")
    parser.add_argument("--max-walk-minutes", type=float, default=20.0,
                        help="walking limit of every leg on Porto Alegre (default 20 min)")
    args = parser.parse_args()
    args.max_walk = dt.timedelta(minutes=args.max_walk_minutes)
    rows: list[dict] = []
    cache = Path(tempfile.mkdtemp())

    demo, t_build = _timed(lambda: RegionData.load("demo", cache_dir=cache))
    _, t_build = _timed(lambda: demo.network)
    print(f"demo network build: {t_build:.1f} s", flush=True)
    points = demo.population.gdf
    sp = demo.steunpunten()
    bench("demo population points", demo.network, demo.request, points["lat"].to_numpy(),
          points["lon"].to_numpy(), sp.geometry.y.to_numpy(), sp.geometry.x.to_numpy(),
          not args.skip_raptor, rows)
    rng = np.random.default_rng(0)
    lat0, lat1 = points["lat"].min(), points["lat"].max()
    lon0, lon1 = points["lon"].min(), points["lon"].max()
    bench("demo 30,000 random points", demo.network, demo.request,
          rng.uniform(lat0, lat1, 30_000), rng.uniform(lon0, lon1, 30_000),
          sp.geometry.y.to_numpy(), sp.geometry.x.to_numpy(), False, rows)

    poa = args.shared / "poa"
    if poa.is_dir():
        net, t_poa = _timed(lambda: TransportNetwork(
            poa / "poa_osm.pbf", [poa / "poa_eptc.zip", poa / "poa_trensurb.zip"], cache_dir=cache))
        print(f"POA network build: {t_poa:.1f} s", flush=True)
        hexes = pd.read_csv(poa / "poa_hexgrid.csv")
        poi = pd.read_csv(poa / "poa_points_of_interest.csv").set_index("id").loc[POA_STEUNPUNTEN]
        params = TravelRequest(departure=dt.datetime(2019, 5, 13, 14, 0),
                               departure_time_window=dt.timedelta(minutes=60),
                               max_time=dt.timedelta(minutes=120),
                               max_time_walking=args.max_walk)
        bench("POA 1,227 hexes, 5 POIs", net, params, hexes["lat"].to_numpy(),
              hexes["lon"].to_numpy(), poi["lat"].to_numpy(), poi["lon"].to_numpy(),
              not args.skip_raptor, rows)
        bench("POA 30,000 random points, 5 POIs", net, params,
              rng.uniform(hexes["lat"].min(), hexes["lat"].max(), 30_000),
              rng.uniform(hexes["lon"].min(), hexes["lon"].max(), 30_000),
              poi["lat"].to_numpy(), poi["lon"].to_numpy(), False, rows)
    else:
        print(f"skipping Porto Alegre: {poa} not found")
    print(pd.DataFrame(rows).round(3).to_string(index=False))
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
