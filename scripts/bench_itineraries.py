"""Benchmark DetailedItineraries: itineraries per second on Porto Alegre and the demo region.

For each place: random origin-destination pairs (row by row), one departure
minute and a 10-minute window, the fastest journey and the Pareto set. Reports
options (itineraries) per second, the split between the RAPTOR searches and
the leg rows with their geometries, and checks on the fly that every option's
total equals the TravelTimeMatrix time (floored minutes) of its minute.

Usage::

    python scripts/bench_itineraries.py [--data ../shared/data/poa] [--pairs 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "poa"


def _pairs(lat, lon, ids, n, rng):
    i = rng.choice(len(ids), size=n)
    j = rng.choice(len(ids), size=n)
    make = lambda k, p: gpd.GeoDataFrame(  # noqa: E731
        {"id": [f"{p}{x}" for x in range(n)]}, geometry=gpd.points_from_xy(lon[k], lat[k]),
        crs=4326)
    return make(i, "o"), make(j, "d")


def _run(name, network, origins, destinations, departure, rows):
    from accessibility import DetailedItineraries, TravelTimeMatrix

    for window, options in ((1, "fastest"), (10, "fastest"), (1, "pareto")):
        kw = dict(departure=departure, departure_time_window=dt.timedelta(minutes=window))
        DetailedItineraries(network, origins.iloc[:2], destinations.iloc[:2], **kw)  # warm-up
        t0 = time.perf_counter()
        it = DetailedItineraries(network, origins, destinations, options=options, **kw)
        wall = time.perf_counter() - t0
        st = it.attrs["stats"]
        checked = ""
        if window == 1 and options == "fastest":
            ttm = TravelTimeMatrix(network, origins, destinations, **kw)
            ttm = ttm[ttm["from_id"].str[1:] == ttm["to_id"].str[1:]]
            tot = it.groupby(["from_id", "to_id"]).apply(
                lambda g: (g["travel_time"] + g["wait_time"]).sum().total_seconds() // 60,
                include_groups=False).rename("it").reset_index()
            both = ttm.merge(tot, on=["from_id", "to_id"], how="left")
            reached = both["travel_time"].notna()
            same = (both.loc[reached, "it"] == both.loc[reached, "travel_time"].astype(float))
            checked = f"{int(same.sum())}/{int(reached.sum())} equal the matrix"
        rows.append({
            "place": name, "pairs": st["pairs"], "window_min": window, "options": options,
            "itineraries": st["options"], "legs": st["legs"], "wall_s": round(wall, 2),
            "itineraries_per_s": round(st["options"] / wall, 1),
            "search_s": round(st["search_s"], 2), "legs_s": round(st["legs_s"], 2),
            "check": checked,
        })  # fmt: skip
        print(rows[-1], flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--pairs", type=int, default=200)
    args = parser.parse_args()
    from accessibility.jobs.region import RegionData
    from accessibility.routing import TransportNetwork

    rng = np.random.default_rng(42)
    rows: list[dict] = []
    if args.data.is_dir():
        feeds = [p for p in (args.data / "poa_eptc.zip", args.data / "poa_trensurb.zip")
                 if p.exists()]  # fmt: skip
        net = TransportNetwork(args.data / "poa_osm.pbf", feeds)
        hexes = pd.read_csv(args.data / "poa_hexgrid.csv")
        o, d = _pairs(hexes["lat"].to_numpy(), hexes["lon"].to_numpy(), hexes["id"].to_numpy(),
                      args.pairs, rng)  # fmt: skip
        _run("Porto Alegre", net, o, d, dt.datetime(2019, 5, 13, 14, 0), rows)
    else:
        print(f"no Porto Alegre data at {args.data}; demo only")
    demo = RegionData.load("demo")
    pop = demo.population.gdf
    o, d = _pairs(pop["lat"].to_numpy(), pop["lon"].to_numpy(), np.arange(len(pop)), args.pairs,
                  rng)  # fmt: skip
    _run("demo", demo.network, o, d, dt.datetime(2026, 12, 1, 10, 0), rows)
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
