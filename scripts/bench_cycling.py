"""Benchmark cycling on Porto Alegre: bike, e-bike and bike-and-ride matrices, 1227 x 1227.

Each mode runs in its own process (so the peak memory, ``resource.getrusage``
max RSS, is that mode's): the bicycle network build (cold, into an empty
cache folder) and its cached load, then the 1227 x 1227 matrix between the
hexgrid cells of ``poa_hexgrid.csv`` (departure 2019-05-13 14:00):

* ``bike`` / ``ebike``: ``transport_modes=[BICYCLE]`` at 15 / 20 km/h, trips up
  to 120 minutes (one departure minute: street-only times do not depend on it);
* ``walk_pt`` and ``bike_ride``: transit with ``access_modes=[WALK]`` and
  ``[WALK, BICYCLE]`` (bike parking at stations, i.e. the Trensurb rail stops),
  a ``--window`` minute departure window (default 120, as ``bench_poa.py``), p50.

Usage::

    python scripts/bench_cycling.py [--data ../shared/data/poa] [--window 120] [--modes bike,ebike,walk_pt,bike_ride]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "poa"
DEPARTURE = dt.datetime(2019, 5, 13, 14, 0)
MODES = {
    "bike": {"transport_modes": ["BICYCLE"]},
    "ebike": {"transport_modes": ["BICYCLE"], "bike_profile": "ebike"},
    "walk_pt": {"transport_modes": ["TRANSIT", "WALK"]},
    "bike_ride": {"transport_modes": ["TRANSIT", "WALK"], "access_modes": ["WALK", "BICYCLE"]},
}


def _points(data: Path):
    import geopandas as gpd
    import pandas as pd

    hexes = pd.read_csv(data / "poa_hexgrid.csv")
    return gpd.GeoDataFrame(
        {"id": hexes["id"]}, geometry=gpd.points_from_xy(hexes["lon"], hexes["lat"]), crs=4326
    )


def run_mode(data: Path, mode: str, window: int) -> dict:
    """One mode in this process: network + bicycle network build, warm-up, the matrix."""
    import numpy as np

    from accessibility.routing import TransportNetwork, travel_time_arrays

    osm, feeds = data / "poa_osm.pbf", [data / "poa_eptc.zip", data / "poa_trensurb.zip"]
    cache = Path(tempfile.mkdtemp(prefix="bench-cycling-"))
    net = TransportNetwork(osm, feeds, cache_dir=cache)
    t0 = time.perf_counter()
    bike = net.bicycle
    bike_build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    _ = TransportNetwork(osm, feeds, cache_dir=cache).bicycle
    bike_load_s = time.perf_counter() - t0
    points = _points(data)
    fields = dict(MODES[mode])
    street_only = "TRANSIT" not in fields["transport_modes"]
    minutes = 1 if street_only else window
    travel_time_arrays(net, points.iloc[:2], points, departure=DEPARTURE,
                       departure_time_window=dt.timedelta(minutes=1), **fields)  # warm-up
    t0 = time.perf_counter()
    res = travel_time_arrays(net, points, points, departure=DEPARTURE,
                             departure_time_window=dt.timedelta(minutes=minutes),
                             max_time=dt.timedelta(minutes=120), percentiles=[50], **fields)
    matrix_s = time.perf_counter() - t0
    m = res.minutes[:, :, 0]
    return {
        "mode": mode, "window_min": minutes, "matrix_s": round(matrix_s, 2),
        "street_legs_s": round(res.stats["access_egress_s"], 2),
        "raptor_s": round(res.stats["raptor_s"], 2),
        "reached_pct": round(float(np.isfinite(m).mean() * 100), 1),
        "median_min": float(np.nanmedian(m)),
        "bike_nodes": bike.n_nodes, "bike_edges": bike.n_edges,
        "bike_pushed_edges": int(bike.dismount.sum()),
        "stations_linked": int(net.bike_stop_snap.ok.sum()),
        "bike_build_s": round(bike_build_s, 2), "bike_load_s": round(bike_load_s, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--window", type=int, default=120, help="departure window of the PT modes")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not (args.data / "poa_hexgrid.csv").is_file():
        sys.exit(f"Porto Alegre data not found in {args.data}; pass --data")
    if args.one:
        print(json.dumps(run_mode(args.data, args.one, args.window)))
        return
    rows = []
    for mode in args.modes.split(","):
        done = subprocess.run([sys.executable, __file__, "--data", str(args.data), "--window",
                               str(args.window), "--one", mode],
                              capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), flush=True)

    from rich.console import Console
    from rich.table import Table

    table = Table(title="Porto Alegre cycling benchmark, 1227 x 1227")
    for column in ("mode", "window_min", "matrix_s", "street_legs_s", "raptor_s", "reached_pct",
                   "median_min", "peak_rss_mib"):
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(*(str(row[c]) for c in ("mode", "window_min", "matrix_s", "street_legs_s",
                                               "raptor_s", "reached_pct", "median_min",
                                               "peak_rss_mib")))
    Console().print(table)
    first = rows[0]
    print(f"bicycle network: {first['bike_nodes']} nodes, {first['bike_edges']} directed edges "
          f"({first['bike_pushed_edges']} pushed), built in {first['bike_build_s']} s, loaded "
          f"from cache in {first['bike_load_s']} s; {first['stations_linked']} stops linked")


if __name__ == "__main__":
    main()
