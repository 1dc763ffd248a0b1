"""Porto Alegre cycling checks: nearest of the 15 points of interest from the 1227 hexagons per mode.

Prints per mode the link and nearest-search times (one group of all POIs plus
one group per POI, 60-minute window from 2019-05-13 14:00), the median time to
the nearest POI, the parking stations, and the invariants: bike vs walking per
hexagon-POI pair, bike vs the straight line at 15 km/h, bike and ride vs walk
and ride.

Usage::

    python scripts/poa_cycling_checks.py [../shared/data/poa]
"""
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from accessibility.geo import haversine_m
from accessibility.routing import TransportNetwork, TravelRequest, link_points, times_to_nearest
from accessibility.routing.bike_legs import parking_stops, station_stops

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "poa"
DEPARTURE = dt.datetime(2019, 5, 13, 14, 0)


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA
    net = TransportNetwork(data / "poa_osm.pbf", [data / "poa_eptc.zip", data / "poa_trensurb.zip"])
    hexes = pd.read_csv(data / "poa_hexgrid.csv")
    poi = pd.read_csv(data / "poa_points_of_interest.csv")
    base = TravelRequest(departure=DEPARTURE, departure_time_window=dt.timedelta(minutes=60),
                         max_time=dt.timedelta(minutes=120))
    print(f"parking stations linked: {len(parking_stops(net, base))} of {net.n_stops} stops "
          f"({int(station_stops(net).sum())} stations in the feeds)")
    modes = {
        "walk": base.replace(transport_modes=["WALK"]),
        "bike": base.replace(transport_modes=["BICYCLE"]),
        "bike_or_walk": base.replace(transport_modes=["BICYCLE", "WALK"]),
        "ebike": base.replace(transport_modes=["BICYCLE"], bike_profile="ebike"),
        "pt": base,
        "bike_pt": base.replace(access_modes=["WALK", "BICYCLE"]),
        "bike_pt_all": base.replace(access_modes=["WALK", "BICYCLE"], bike_parking="all"),
    }
    groups = [np.arange(len(poi))] + [np.array([j]) for j in range(len(poi))]
    res = {}
    for name, q in modes.items():
        t0 = time.perf_counter()
        o = link_points(net, hexes["lat"].to_numpy(), hexes["lon"].to_numpy(), q, "access")
        t = link_points(net, poi["lat"].to_numpy(), poi["lon"].to_numpy(), q, "egress")
        t1 = time.perf_counter()
        res[name] = times_to_nearest(net, o, t, groups, q)
        t2 = time.perf_counter()
        nearest = res[name][0]
        print(f"{name}: link {t1 - t0:.2f} s, nearest ({len(groups)} groups) {t2 - t1:.2f} s; "
              f"median {np.nanmedian(nearest):.1f} min, reached {np.isfinite(nearest).mean():.1%}")
    walk, bike = res["walk"][1:], res["bike"][1:]
    both = np.isfinite(walk) & np.isfinite(bike)
    excess = bike[both] - walk[both]
    print(f"pairs reached on foot and by bike: {both.sum()}; bike slower by > 1 s: "
          f"{int((excess > 1 / 60).sum())} (at most {excess.max():.1f} min)")
    crow = haversine_m(poi["lat"].to_numpy()[:, None], poi["lon"].to_numpy()[:, None],
                       hexes["lat"].to_numpy()[None, :], hexes["lon"].to_numpy()[None, :])
    ridden = np.isfinite(bike)
    ratio = bike[ridden] * 60 / np.maximum(crow[ridden] / (15 / 3.6), 1e-9)
    print(f"bike time / straight line at 15 km/h: min {ratio.min():.3f}")
    pt = np.nan_to_num(res["pt"][0], nan=1e9)
    bike_pt = np.nan_to_num(res["bike_pt"][0], nan=1e9)
    print(f"bike and ride <= walk and ride everywhere: {bool((bike_pt <= pt + 1 / 60).all())}; "
          f"hexagons faster by > 30 s: {int((bike_pt < pt - 0.5).sum())}")


if __name__ == "__main__":
    main()
