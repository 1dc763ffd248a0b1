"""Benchmark the built-in engine on the r5r paper's Porto Alegre job.

The job: a 1227 x 1227 travel-time matrix between the hexgrid cells of
``poa_hexgrid.csv``, walk + transit (both POA feeds), departure 2019-05-13
14:00, 120-minute departure window, trips up to 120 minutes, median (p50).
R5 did it in under 2 minutes on a 4-core laptop.

Measured here: network build (cold, without cache, and the cached load), the
matrix with its breakdown (access/egress/walk distances, RAPTOR), peak memory
(``resource.getrusage``), one origin with a 60-minute window (ms per query),
origins per second over many origins with all threads, and the numba compile
time (first run with an empty numba cache vs a warm cache, in subprocesses).

Usage::

    python scripts/bench_poa.py [--data ../shared/data/poa] [--origins 1227] [--no-compile]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "poa"
DEPARTURE = dt.datetime(2019, 5, 13, 14, 0)

_COMPILE_PROBE = """
import datetime as dt, sys, time
t0 = time.perf_counter()
import geopandas as gpd, pandas as pd
from accessibility.routing.network import TransportNetwork
from accessibility.routing import travel_time_arrays
data = sys.argv[1]
net = TransportNetwork(data + '/poa_osm.pbf', [data + '/poa_eptc.zip', data + '/poa_trensurb.zip'],
                       cache_dir=sys.argv[2])
hexes = pd.read_csv(data + '/poa_hexgrid.csv').iloc[:2]
pts = gpd.GeoDataFrame({'id': hexes['id']}, geometry=gpd.points_from_xy(hexes['lon'], hexes['lat']),
                       crs=4326)
t1 = time.perf_counter()
travel_time_arrays(net, pts, pts, departure=dt.datetime(2019, 5, 13, 14, 0),
                   departure_time_window=dt.timedelta(minutes=1))
print(time.perf_counter() - t1)
"""


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _points(data: Path, n: int | None = None):
    import geopandas as gpd
    import pandas as pd

    hexes = pd.read_csv(data / "poa_hexgrid.csv")
    if n is not None:
        hexes = hexes.iloc[:n]
    return gpd.GeoDataFrame(
        {"id": hexes["id"]}, geometry=gpd.points_from_xy(hexes["lon"], hexes["lat"]), crs=4326
    )


def _compile_times(data: Path, cache_dir: Path) -> tuple[float, float]:
    """First routing call in a fresh process: empty numba cache, then warm cache (s)."""
    with tempfile.TemporaryDirectory() as numba_cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": numba_cache}
        times = []
        for _ in range(2):
            done = subprocess.run(
                [sys.executable, "-c", _COMPILE_PROBE, str(data), str(cache_dir)],
                env=env, capture_output=True, text=True, check=True,
            )  # fmt: skip
            times.append(float(done.stdout.strip().splitlines()[-1]))
    return times[0], times[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--origins", type=int, default=None, help="limit the origins (default all)")
    parser.add_argument("--no-compile", action="store_true", help="skip the compile-time probe")
    args = parser.parse_args()
    data: Path = args.data
    if not (data / "poa_hexgrid.csv").is_file():
        sys.exit(f"Porto Alegre data not found in {data}; pass --data")

    import numba
    import numpy as np

    from accessibility.routing import TransportNetwork, travel_time_arrays

    rows: list[tuple[str, str]] = []
    osm, feeds = data / "poa_osm.pbf", [data / "poa_eptc.zip", data / "poa_trensurb.zip"]
    cache = Path(tempfile.mkdtemp(prefix="bench-poa-"))
    load0 = os.getloadavg()[0]

    t0, c0 = time.perf_counter(), time.process_time()
    net = TransportNetwork(osm, feeds, cache_dir=cache)
    build_s, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    TransportNetwork(osm, feeds, cache_dir=cache)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    net.timetable(DEPARTURE.date())
    timetable_s = time.perf_counter() - t0
    rows += [
        ("network build, cold (no cache)", f"{build_s:.1f} s (cpu {build_cpu:.1f} s)"),
        ("network load from cache", f"{load_s:.2f} s"),
        ("timetable 2019-05-13", f"{timetable_s:.2f} s"),
        ("stops / linked / transfers",
         f"{net.n_stops} / {int(net.stop_snap.ok.sum())} / {len(net.transfer_to)}"),
    ]  # fmt: skip

    points = _points(data)
    origins = points if args.origins is None else points.iloc[: args.origins]
    # Warm-up (compiles or loads the numba cache) outside the timings.
    travel_time_arrays(net, origins.iloc[:2], points, departure=DEPARTURE,
                       departure_time_window=dt.timedelta(minutes=1))  # fmt: skip

    t0, c0 = time.perf_counter(), time.process_time()
    res = travel_time_arrays(
        net, origins, points, departure=DEPARTURE,
        departure_time_window=dt.timedelta(minutes=120), max_time=dt.timedelta(minutes=120),
        percentiles=[50],
    )  # fmt: skip
    matrix_s, matrix_cpu = time.perf_counter() - t0, time.process_time() - c0
    m = res.minutes[:, :, 0]
    rows += [
        (f"matrix {len(origins)} x {len(points)}, 120-min window, p50",
         f"{matrix_s:.1f} s (cpu {matrix_cpu:.1f} s)"),
        ("  access/egress/walk distances", f"{res.stats['access_egress_s']:.1f} s"),
        ("  RAPTOR", f"{res.stats['raptor_s']:.1f} s"),
        ("total incl. cold network build", f"{build_s + timetable_s + matrix_s:.1f} s"),
        ("pairs reached / median minutes",
         f"{np.isfinite(m).mean() * 100:.1f} % / {np.nanmedian(m):.0f}"),
        ("origins per second (120-min window, all threads)",
         f"{len(origins) / res.stats['raptor_s']:.1f}"),
    ]  # fmt: skip

    one = points.iloc[[0]]
    times, totals = [], []
    for _ in range(5):
        r = travel_time_arrays(net, one, points, departure=DEPARTURE,
                               departure_time_window=dt.timedelta(minutes=60))  # fmt: skip
        times.append(r.stats["raptor_s"])
        totals.append(r.stats["total_s"])
    rows.append(("one origin x 1227, 60-min window: RAPTOR / whole query",
                 f"{np.median(times) * 1000:.0f} / {np.median(totals) * 1000:.0f} ms (median of 5)"))  # fmt: skip
    many = origins.iloc[: min(len(origins), 512)]
    r = travel_time_arrays(net, many, points, departure=DEPARTURE,
                           departure_time_window=dt.timedelta(minutes=60))  # fmt: skip
    rows.append((f"{len(many)} origins, 60-min window: queries per second",
                 f"{len(many) / r.stats['raptor_s']:.1f} (RAPTOR {r.stats['raptor_s']:.1f} s)"))  # fmt: skip
    rows.append(("peak memory (max RSS)", f"{_rss_mib():.0f} MiB"))
    if not args.no_compile:
        cold, warm = _compile_times(data, cache)
        rows.append(("first routing call, empty numba cache (compile)", f"{cold:.1f} s"))
        rows.append(("first routing call, warm numba cache", f"{warm:.1f} s"))
    rows.append(("threads / CPUs / load average at start",
                 f"{numba.get_num_threads()} / {os.cpu_count()} / {load0:.1f}"))  # fmt: skip

    from rich.console import Console
    from rich.table import Table

    table = Table(title="Porto Alegre benchmark (r5r paper job)")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, value in rows:
        table.add_row(name, value)
    Console().print(table)


if __name__ == "__main__":
    main()
