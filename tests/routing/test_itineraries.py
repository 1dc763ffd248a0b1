"""DetailedItineraries on a hand-written street and feed (exact legs, shapes, Pareto options),
and its totals against TravelTimeMatrix on the demo region and on Porto Alegre."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from accessibility import DetailedItineraries, TransportMode, TravelTimeMatrix
from accessibility.errors import InputError
from accessibility.geo import haversine_m
from accessibility.routing import TransportNetwork, TravelRequest
from accessibility.routing.itineraries import EXTRA_COLUMNS, R5PY_COLUMNS

SHARED = Path(__file__).resolve().parents[2].parent / "shared"

# A straight street along 52 N, a node every 0.001 deg (about 68.5 m). Stops A, B, D, C.
LAT = 52.0
LONS = [round(5.0 + 0.001 * i, 3) for i in range(101)]
WHEN = dt.datetime(2019, 5, 14, 8, 0)


def _osm_xml() -> str:
    nodes = "\n".join(
        f'  <node id="{i + 1}" version="1" lat="{LAT}" lon="{lon}"/>' for i, lon in enumerate(LONS)
    )
    refs = "\n".join(f'    <nd ref="{i + 1}"/>' for i in range(len(LONS)))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">\n'
        f'{nodes}\n  <way id="1" version="1">\n{refs}\n'
        '    <tag k="highway" v="residential"/>\n  </way>\n</osm>\n'
    )


FEED = {
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\n"
    "AG,Test,http://example.org,Europe/Amsterdam\n",
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\n"
    f"A,Alpha,{LAT},5.0\nB,Beta,{LAT},5.05\nD,Delta,{LAT},5.053\nC,Gamma,{LAT},5.1\n",
    "routes.txt": "route_id,agency_id,route_short_name,route_type\nR1,AG,1,3\nR2,AG,2,0\n",
    "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
    "start_date,end_date\nDAY,1,1,1,1,1,1,1,20190501,20190531\n",
    "trips.txt": "route_id,service_id,trip_id,trip_headsign,shape_id\n"
    "R1,DAY,slow,Gamma via Beta,S1\nR2,DAY,fast,,\n",
    # The bus A -> B -> C is slow to C; the tram D -> C is fast. B and D are 205 m apart.
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
    "slow,08:05:00,08:05:00,A,1\nslow,08:15:00,08:15:00,B,2\nslow,08:40:00,08:40:00,C,3\n"
    "fast,08:20:00,08:20:00,D,1\nfast,08:25:00,08:25:00,C,2\n",
    # The bus line bends north between A and B.
    "shapes.txt": "shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence\n"
    f"S1,{LAT},5.0,1\nS1,52.01,5.025,2\nS1,{LAT},5.05,3\nS1,{LAT},5.1,4\n",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> TransportNetwork:
    folder = tmp_path_factory.mktemp("world")
    (folder / "street.osm").write_text(_osm_xml())
    feed = folder / "feed"
    feed.mkdir()
    for name, text in FEED.items():
        (feed / name).write_text(text)
    return TransportNetwork(folder / "street.osm", feed, cache_dir=folder / "cache")


def _points(lons, ids) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": ids}, geometry=gpd.points_from_xy(lons, [LAT] * len(lons)),
                            crs="EPSG:4326")  # fmt: skip


HOME = _points([5.002], ["home"])
GOAL = _points([5.099], ["goal"])


def _street_m(lon_from: float, lon_to: float) -> float:
    lo, hi = sorted((lon_from, lon_to))
    lons = [lo] + [x for x in LONS if lo + 1e-9 < x < hi - 1e-9] + [hi]
    return float(sum(haversine_m(LAT, a, LAT, b) for a, b in zip(lons[:-1], lons[1:], strict=True)))


def _seconds(m: float) -> int:
    return int(np.floor(m + 0.5))  # 3.6 km/h = 1 m/s


def _totals(frame: pd.DataFrame) -> pd.Series:
    """Travel + wait seconds per option."""
    return frame.groupby(["from_id", "to_id", "option"]).apply(
        lambda g: (g["travel_time"] + g["wait_time"]).sum().total_seconds(), include_groups=False)


def test_walk_bus_transfer_tram_walk_exact_legs(world) -> None:
    it = DetailedItineraries(world, HOME, GOAL, departure=WHEN,
                             departure_time_window=dt.timedelta(minutes=1))  # fmt: skip
    assert list(it.columns) == R5PY_COLUMNS + EXTRA_COLUMNS
    assert isinstance(it, gpd.GeoDataFrame) and it.crs == "EPSG:4326"
    legs = it.sort_values("segment")
    assert legs["transport_mode"].tolist() == [TransportMode.WALK, TransportMode.BUS,
                                               TransportMode.WALK, TransportMode.TRAM,
                                               TransportMode.WALK]  # fmt: skip
    access = _seconds(_street_m(5.002, 5.0))
    transfer = _seconds(_street_m(5.05, 5.053))
    egress = _seconds(_street_m(5.1, 5.099))
    dep = [t.strftime("%H:%M:%S") for t in legs["departure_time"]]
    assert dep[:2] == ["08:00:00", "08:05:00"] and dep[3] == "08:20:00"
    assert dep[2] == "08:15:00" and dep[4] == "08:25:00"
    assert [int(t.total_seconds()) for t in legs["travel_time"]] == [access, 600, transfer, 300,
                                                                     egress]  # fmt: skip
    assert [int(t.total_seconds()) for t in legs["wait_time"]] == [0, 300 - access, 0,
                                                                   300 - transfer, 0]  # fmt: skip
    assert legs["start_stop_id"].tolist()[1:] == ["A", "B", "D", "C"]
    assert legs["end_stop_id"].tolist()[:4] == ["A", "B", "D", "C"]
    assert legs["route_id"].tolist()[1::2] == ["R1", "R2"]
    assert legs["feed"].tolist()[1::2] == ["feed", "feed"]
    assert legs["agency_id"].tolist()[1::2] == ["AG", "AG"]
    # trips.txt headsign; without one the last stop of the trip.
    assert legs["headsign"].tolist()[1::2] == ["Gamma via Beta", "Gamma"]
    # Walks follow the street (all on 52 N) and have its length.
    walks = legs[legs["transport_mode"] == TransportMode.WALK]
    for geom in walks.geometry:
        assert np.allclose(np.asarray(geom.coords)[:, 1], LAT)
    assert walks["distance"].tolist() == pytest.approx(
        [_street_m(5.002, 5.0), _street_m(5.05, 5.053), _street_m(5.1, 5.099)], abs=0.05)
    # The bus follows shapes.txt (through its bend at 52.01 N), cut at A and B.
    bus = legs.iloc[1].geometry
    assert max(y for _, y in bus.coords) == pytest.approx(52.01)
    assert bus.coords[0] == pytest.approx((5.0, LAT)) and bus.coords[-1] == pytest.approx((5.05, LAT))
    assert legs.iloc[1]["distance"] == pytest.approx(
        haversine_m(LAT, 5.0, 52.01, 5.025) + haversine_m(52.01, 5.025, LAT, 5.05), rel=0.005)
    # The tram has no shape: a straight line between its stops.
    assert np.asarray(legs.iloc[3].geometry.coords).ravel().tolist() == pytest.approx(
        [5.053, LAT, 5.1, LAT])
    # The total is the matrix time.
    total = _totals(it).iloc[0]
    assert total == 25 * 60 + egress
    ttm = TravelTimeMatrix(world, HOME, GOAL, departure=WHEN,
                           departure_time_window=dt.timedelta(minutes=1))  # fmt: skip
    assert ttm["travel_time"].iloc[0] == total // 60


def test_pareto_options_by_number_of_rides(world) -> None:
    """Walking only (109 min), the slow bus alone (1 ride), bus + tram (2 rides)."""
    it = DetailedItineraries(world, HOME, GOAL, departure=WHEN, options="pareto",
                             departure_time_window=dt.timedelta(minutes=1))  # fmt: skip
    rides = it[it["transport_mode"] != TransportMode.WALK].groupby("option").size()
    totals = _totals(it).droplevel([0, 1])
    assert sorted(it["option"].unique()) == [0, 1, 2]
    assert rides.reindex([0, 1, 2], fill_value=0).tolist() == [0, 1, 2]
    walk_only = _seconds(_street_m(5.002, 5.099))
    assert totals.tolist() == [walk_only, 40 * 60 + _seconds(_street_m(5.1, 5.099)),
                               25 * 60 + _seconds(_street_m(5.1, 5.099))]  # fmt: skip
    assert it[it["option"] == 0]["distance"].iloc[0] == pytest.approx(_street_m(5.002, 5.099),
                                                                      abs=0.05)  # fmt: skip


def test_window_options_with_and_without_waiting_at_origin(world) -> None:
    """Ten minutes 08:00..08:09: with waiting every minute is an option (waiting longer at A
    the earlier one leaves); without, the one journey leaves at its planned minute."""
    window = dt.timedelta(minutes=10)
    wait = DetailedItineraries(world, HOME, GOAL, departure=WHEN, departure_time_window=window)
    ttm_wait = [TravelTimeMatrix(world, HOME, GOAL, departure=WHEN + dt.timedelta(minutes=k),
                                 departure_time_window=dt.timedelta(minutes=1))["travel_time"].iloc[0]
                for k in range(10)]  # fmt: skip
    # After 08:03 the bus at 08:05 is missed (access + 60 s slack): the 08:15 bus is not in
    # this feed, so those minutes reach the goal on foot only if within max_time.
    totals = _totals(wait).to_numpy() // 60
    assert totals.tolist() == [t for t in ttm_wait if pd.notna(t)]
    nowait = DetailedItineraries(world, HOME, GOAL, departure=WHEN, departure_time_window=window,
                                 wait_at_origin=False)  # fmt: skip
    ttm = TravelTimeMatrix(world, HOME, GOAL, departure=WHEN, departure_time_window=window,
                           wait_at_origin=False, percentiles=[1])  # fmt: skip
    first = nowait[nowait["option"] == 0].sort_values("segment")
    assert first["departure_time"].iloc[0] == dt.datetime(2019, 5, 14, 8, 1)
    assert _totals(nowait).iloc[0] // 60 == ttm["travel_time"].iloc[0]


def test_pairs_row_by_row_or_all_to_all_and_errors(world) -> None:
    two_o = _points([5.002, 5.003], ["h1", "h2"])
    two_d = _points([5.099, 5.098], ["g1", "g2"])
    kw = {"departure": WHEN, "departure_time_window": dt.timedelta(minutes=1)}
    rows = DetailedItineraries(world, two_o, two_d, **kw)
    assert sorted(set(zip(rows["from_id"], rows["to_id"], strict=True))) == [("h1", "g1"),
                                                                             ("h2", "g2")]
    every = DetailedItineraries(world, two_o, two_d, force_all_to_all=True, **kw)
    assert len(set(zip(every["from_id"], every["to_id"], strict=True))) == 4
    with pytest.raises(InputError, match="as many of each"):
        DetailedItineraries(world, two_o, _points([5.1, 5.09, 5.08], ["a", "b", "c"]), **kw)
    with pytest.raises(InputError, match="options must be"):
        DetailedItineraries(world, HOME, GOAL, options="all", **kw)
    # Slices and copies stay GeoDataFrames without searching again.
    part = rows.iloc[:1].drop(columns="headsign").copy()
    assert isinstance(part, gpd.GeoDataFrame) and len(part) == 1 and part.crs == "EPSG:4326"


def _check_totals_equal_matrix(network, origins, destinations, departures, **kw) -> int:
    """Per departure minute: every option's total (floored to minutes) is the matrix time and
    every reached pair has an option. Returns the number of options compared."""
    compared = 0
    for when in departures:
        q = TravelRequest(departure=when, departure_time_window=dt.timedelta(minutes=1), **kw)
        it = DetailedItineraries(network, origins, destinations, q, force_all_to_all=True)
        ttm = TravelTimeMatrix(network, origins, destinations, q)
        got = (_totals(it) // 60).droplevel("option").rename("it").reset_index()
        both = ttm.merge(got, on=["from_id", "to_id"], how="left")
        reached = both["travel_time"].notna()
        assert (both["it"].notna() == reached).all()
        assert (both.loc[reached, "it"].to_numpy() == both.loc[reached, "travel_time"]
                .to_numpy(dtype=float)).all()  # fmt: skip
        # Legs chain: each leg starts when the previous one ended plus its wait.
        for _, g in it.groupby(["from_id", "to_id", "option"]):
            g = g.sort_values("segment")
            ends = g["departure_time"] + g["travel_time"]
            assert (g["departure_time"].iloc[1:].to_numpy()
                    == (ends.iloc[:-1] + g["wait_time"].iloc[1:].to_numpy()).to_numpy()).all()
        compared += int(reached.sum())
    return compared


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from accessibility.jobs.region import RegionData

    return RegionData.load("demo", cache_dir=tmp_path_factory.mktemp("cache"))


def test_demo_totals_equal_matrix(demo) -> None:
    rng = np.random.default_rng(5)
    pop = demo.population.gdf
    sample = pop.iloc[rng.choice(len(pop), size=40, replace=False)]
    origins = gpd.GeoDataFrame({"id": [f"o{i}" for i in range(len(sample))]},
                               geometry=gpd.points_from_xy(sample["lon"], sample["lat"]), crs=4326)
    targets = demo.steunpunten()
    dest = gpd.GeoDataFrame({"id": targets["id"].to_numpy()},
                            geometry=targets.geometry.to_crs(4326).to_numpy(), crs=4326)
    departures = [dt.datetime(2026, 12, 1, 7, 58), dt.datetime(2026, 12, 1, 10, 0),
                  dt.datetime(2026, 12, 1, 16, 31)]  # fmt: skip
    n = _check_totals_equal_matrix(demo.network, origins, dest, departures,
                                   max_time=dt.timedelta(minutes=120))  # fmt: skip
    assert n > 60


@pytest.mark.shared
def test_poa_totals_equal_matrix(tmp_path_factory) -> None:
    data = SHARED / "data" / "poa"
    if not data.is_dir():
        pytest.skip(f"reference data not found at {data} (a fresh clone has no ../shared)")
    feeds = [p for p in (data / "poa_eptc.zip", data / "poa_trensurb.zip") if p.exists()]
    net = TransportNetwork(data / "poa_osm.pbf", feeds, cache_dir=tmp_path_factory.mktemp("c"))
    hexes = pd.read_csv(data / "poa_hexgrid.csv")
    rng = np.random.default_rng(8)
    pick = hexes.iloc[rng.choice(len(hexes), size=24, replace=False)]
    pts = gpd.GeoDataFrame({"id": pick["id"]},
                           geometry=gpd.points_from_xy(pick["lon"], pick["lat"]), crs=4326)
    n = _check_totals_equal_matrix(net, pts.iloc[:12], pts.iloc[12:],
                                   [dt.datetime(2019, 5, 13, 14, 0)])  # fmt: skip
    assert n > 80


def test_cli_itinerary_without_region_file(world, tmp_path) -> None:
    """``itinerary --osm --gtfs``: the same journey as a step list and a GeoJSON file."""
    from typer.testing import CliRunner

    from accessibility.cli import app

    out = tmp_path / "route.geojson"
    args = ["itinerary", "--osm", str(world.osm_pbf), "--gtfs", str(world.gtfs_paths[0]),
            "--lat", str(LAT), "--lon", "5.002", "--to-lat", str(LAT), "--to-lon", "5.099",
            "--to", "Doel", "--departure", "2019-05-14 08:00", "--window", "1", "--out", str(out),
            "--cache-dir", str(world.osm_pbf.parent / "cache")]  # fmt: skip
    r = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "1. Loop 140 m naar halte Alpha" in r.output
    assert "2. Neem bus 1 richting Gamma via Beta om 08:05 en stap uit bij Beta (08:15)" in r.output
    assert "4. Neem tram 2 richting Gamma om 08:20 en stap uit bij Gamma (08:25)" in r.output
    assert "5. Loop 70 m naar Doel" in r.output
    assert "Vertrek 08:00, aankomst 08:26: 26 min, waarvan 4 min wachten, 1 keer overstappen." \
        in r.output
    assert gpd.read_file(out)["transport_mode"].tolist() == ["WALK", "BUS", "WALK", "TRAM", "WALK"]
    r = CliRunner().invoke(app, args[:5] + ["--to", "x"], env={"COLUMNS": "200"})
    assert r.exit_code == 2 and "--to-lat/--to-lon" in r.output


def test_walk_only_mode_is_one_street_leg(world) -> None:
    kw = {"departure": WHEN, "departure_time_window": dt.timedelta(minutes=1),
          "transport_modes": ["WALK"]}
    it = DetailedItineraries(world, HOME, GOAL, **kw)
    assert len(it) == 1 and it["transport_mode"].iloc[0] == TransportMode.WALK
    assert it["distance"].iloc[0] == pytest.approx(_street_m(5.002, 5.099), abs=0.05)
    ttm = TravelTimeMatrix(world, HOME, GOAL, **kw)
    assert _totals(it).iloc[0] // 60 == ttm["travel_time"].iloc[0]


@pytest.mark.parametrize("modes", [{"transport_modes": ["BICYCLE"]},
                                   {"access_modes": ["WALK", "BICYCLE"]}])
def test_bicycle_itineraries_are_refused_not_drawn_as_walks(world, modes) -> None:
    """The journeys kernel traces walking access only: a bike leg would show as a walk."""
    kw = {"departure": WHEN, "departure_time_window": dt.timedelta(minutes=1), **modes}
    with pytest.raises(InputError, match="walking and public transport only"):
        DetailedItineraries(world, HOME, GOAL, **kw)
