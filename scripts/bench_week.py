"""Benchmark "arrive while open": one day against the whole week.

The per-day white spots search, for each day Monday..Sunday, the shortest trip
(departing at any minute of a 12-hour day window, 08:00-20:00) that arrives at
a steunpunt while it is open. Measured per case:

* ``link_s``: snapping the points and steunpunten and their walks to the stops
  (done once for the week);
* ``one_day_s``: the search for one day (Tuesday), fresh: one profile scan per
  steunpunt plus the evaluation;
* ``week_s``: the seven days in one call (days with the same timetable share
  their scans, only the evaluation is repeated);
* ``seven_separate_s``: seven one-day calls with linking each (what a job would
  pay without the shared profile scans and links);

(``link_s``, ``one_day_s`` and ``week_s`` are the best of three runs: the
machine may be shared.)
* ``distinct_timetables``: how many different connection sets the week has.

Cases: the demo region (its population points and four steunpunten with the
demo opening hours) and, when ``../shared/data/poa`` exists, Porto Alegre
(1,227 hexgrid cells and 30,000 random points, five points of interest with
invented opening hours, week of 2019-05-13).

Usage::

    python scripts/bench_week.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from accessibility.jobs.region import RegionData
from accessibility.jobs.whitespot_measures import week_dates
from accessibility.places.opening_hours import location_hours
from accessibility.routing import TransportNetwork, TravelRequest, link_points
from accessibility.routing.opening import OpenIntervals, connection_groups, shortest_open_trips

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
POA_STEUNPUNTEN = ["public_market", "santa_casa_hospital", "farrapos_station",
                   "iguatemi_shopping_center", "beira_rio_stadium"]
POA_HOURS = ["Mo-Fr 09:00-17:00", "Tu,Th 13:00-17:00", "Mo-Sa 10:00-18:00",
             "We 10:00-14:00; Sa 10:00-16:00", ""]
STAY_S = 3600
REPEAT = 3


def _timed(fn, repeat: int = 1):
    """``fn()`` and its best wall time over ``repeat`` runs (the machine is shared)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return result, best


def bench(name, network, request, pts_lat, pts_lon, tgt_lat, tgt_lon, hours, rows) -> None:
    """Time one day, the week and seven separate days for one case."""
    days = [request.replace(departure=dt.datetime.combine(d, dt.time(8, 0)),
                            departure_time_window=dt.timedelta(minutes=720))
            for d in week_dates(request.date)]
    openings = [OpenIntervals.from_intervals(hours.intervals(r.date), STAY_S) for r in days]

    def link():
        return (link_points(network, pts_lat, pts_lon, request, "access"),
                link_points(network, tgt_lat, tgt_lon, request, "egress"))

    (origins, targets), t_link = _timed(link)
    for r in days:
        network.timetable(r.date)  # build every timetable before timing
    shortest_open_trips(network, origins, targets, days[1:2], openings[1:2])  # numba warm-up
    _, t_day = _timed(lambda: shortest_open_trips(network, origins, targets, days[1:2],
                                                  openings[1:2]), REPEAT)
    week, t_week = _timed(lambda: shortest_open_trips(network, origins, targets, days, openings),
                          REPEAT)

    def separate():
        for r, o in zip(days, openings, strict=True):
            org, tgt = link()
            shortest_open_trips(network, org, tgt, [r], [o])

    _, t_sep = _timed(separate)
    groups = connection_groups(network, days)
    nearest = np.fmin.reduce(week, axis=1)
    row = {"case": name, "points": len(pts_lat), "steunpunten": len(tgt_lat),
           "link_s": t_link, "one_day_s": t_day, "week_s": t_week,
           "week_over_day": t_week / t_day,
           "week_with_link_over_day_with_link": (t_link + t_week) / (t_link + t_day),
           "seven_separate_s": t_sep, "distinct_timetables": len(groups),
           "reached_share_per_day": " ".join(f"{np.mean(~np.isnan(d)):.2f}" for d in nearest)}
    rows.append(row)
    print(row, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = parser.parse_args()
    rows: list[dict] = []
    cache = Path(tempfile.mkdtemp())
    print(f"load: {os.getloadavg()}", flush=True)

    demo = RegionData.load("demo", cache_dir=cache)
    points = demo.population.gdf
    sp = demo.steunpunten()
    bench("demo population points", demo.network, demo.request, points["lat"].to_numpy(),
          points["lon"].to_numpy(), sp.geometry.y.to_numpy(), sp.geometry.x.to_numpy(),
          location_hours(sp, demo.inputs.locations), rows)

    poa = args.shared / "poa"
    if poa.is_dir():
        net = TransportNetwork(poa / "poa_osm.pbf", [poa / "poa_eptc.zip", poa / "poa_trensurb.zip"],
                               cache_dir=cache)
        hexes = pd.read_csv(poa / "poa_hexgrid.csv")
        poi = pd.read_csv(poa / "poa_points_of_interest.csv").set_index("id").loc[POA_STEUNPUNTEN]
        hours = location_hours(pd.DataFrame({"id": POA_STEUNPUNTEN, "opening_hours": POA_HOURS}),
                               "Porto Alegre (invented hours)")
        request = TravelRequest(departure=dt.datetime(2019, 5, 14, 8, 0),
                                max_time=dt.timedelta(minutes=120),
                                max_time_walking=dt.timedelta(minutes=20))
        bench("POA 1,227 hexes, 5 POIs", net, request, hexes["lat"].to_numpy(),
              hexes["lon"].to_numpy(), poi["lat"].to_numpy(), poi["lon"].to_numpy(), hours, rows)
        rng = np.random.default_rng(0)
        bench("POA 30,000 random points, 5 POIs", net, request,
              rng.uniform(hexes["lat"].min(), hexes["lat"].max(), 30_000),
              rng.uniform(hexes["lon"].min(), hexes["lon"].max(), 30_000),
              poi["lat"].to_numpy(), poi["lon"].to_numpy(), hours, rows)
    else:
        print(f"skipping Porto Alegre: {poa} not found")
    print(pd.DataFrame(rows).round(3).to_string(index=False))
    print(f"load: {os.getloadavg()}")


if __name__ == "__main__":
    main()
