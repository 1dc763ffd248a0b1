"""TransportNetwork + TravelTimeMatrix on a hand-written street network and feed,
the r5py engine's clear error, and plausibility on Porto Alegre."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from accessibility.errors import EngineUnavailableError, InputError, NoServiceError
from accessibility.geo import haversine_m
from accessibility.routing import (
    TransportMode,
    TransportNetwork,
    TravelTimeMatrix,
    travel_time_arrays,
)

SHARED = Path(__file__).resolve().parents[2].parent / "shared"

# A straight street along 52 N from 5.000 E to 5.100 E, a node every 0.001 deg
# (about 68.5 m). Stops A, B, C at 5.000, 5.050, 5.100 on the street.
LAT = 52.0
LONS = [round(5.0 + 0.001 * i, 3) for i in range(101)]
MON = dt.date(2019, 5, 13)
TUE = dt.date(2019, 5, 14)


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
    f"A,Alpha,{LAT},5.0\nB,Beta,{LAT},5.05\nC,Gamma,{LAT},5.1\n",
    "routes.txt": "route_id,agency_id,route_short_name,route_type\nR1,AG,1,3\n",
    # EARLY runs daily except Monday 13 May (calendar_dates); LATE runs daily.
    "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
    "start_date,end_date\nEARLY,1,1,1,1,1,1,1,20190501,20190531\n"
    "LATE,1,1,1,1,1,1,1,20190501,20190531\n",
    "calendar_dates.txt": "service_id,date,exception_type\nEARLY,20190513,2\n",
    "trips.txt": "route_id,service_id,trip_id\nR1,EARLY,t805\nR1,LATE,t835\nR1,LATE,night\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
    "t805,08:05:00,08:05:00,A,1\nt805,08:15:00,08:15:00,B,2\nt805,08:25:00,08:25:00,C,3\n"
    "t835,08:35:00,08:35:00,A,1\nt835,08:45:00,08:45:00,B,2\nt835,08:55:00,08:55:00,C,3\n"
    "night,24:50:00,24:50:00,A,1\nnight,25:00:00,25:00:00,B,2\nnight,25:10:00,25:10:00,C,3\n",
}


def _street_m(lon_from: float, lon_to: float) -> float:
    """Walking distance along the test street between two node longitudes (m)."""
    lo, hi = sorted((lon_from, lon_to))
    lons = [x for x in LONS if lo - 1e-9 <= x <= hi + 1e-9]
    return float(
        sum(haversine_m(LAT, a, LAT, b) for a, b in zip(lons[:-1], lons[1:], strict=True))
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> TransportNetwork:
    folder = tmp_path_factory.mktemp("world")
    (folder / "street.osm").write_text(_osm_xml())
    feed = folder / "feed"
    feed.mkdir()
    for name, text in FEED.items():
        (feed / name).write_text(text)
    return TransportNetwork(folder / "street.osm", feed, cache_dir=folder / "cache")


def _points(lons, ids=None, lat=LAT) -> gpd.GeoDataFrame:
    ids = ids if ids is not None else [f"p{i}" for i in range(len(lons))]
    return gpd.GeoDataFrame(
        {"id": ids}, geometry=gpd.points_from_xy(lons, [lat] * len(lons)), crs="EPSG:4326"
    )


A, B, C = _points([5.0], ["A"]), _points([5.05], ["B"]), _points([5.1], ["C"])


def _ttm(world, origins, destinations, when, **kw) -> TravelTimeMatrix:
    return TravelTimeMatrix(world, origins, destinations, departure=when, **kw)


def test_network_links_stops_and_walking_transfers(world: TransportNetwork) -> None:
    assert world.n_stops == 3 and world.stop_snap.ok.all()
    assert list(world.stops["stop_id"]) == ["feed:A", "feed:B", "feed:C"]
    # A-B and B-C are 3.4 km apart: no transfer within 1000 m.
    assert len(world.transfer_to) == 0
    d = world.point_stop_distances(world.stop_snap, 4000.0).toarray()
    assert d[0, 1] == pytest.approx(_street_m(5.0, 5.05), abs=0.01)
    assert d[0, 0] == 0.0


def test_network_cache_is_reused_and_keyed_on_parameters(world, tmp_path) -> None:
    again = TransportNetwork(world.osm_pbf, world.gtfs_paths, cache_dir=world.osm_pbf.parent / "cache")
    assert again.from_cache and again.n_stops == 3
    other = TransportNetwork(world.osm_pbf, world.gtfs_paths, transfer_max_distance_m=5000.0,
                             cache_dir=world.osm_pbf.parent / "cache")  # fmt: skip
    assert not other.from_cache
    assert len(other.transfer_to) == 4  # A<->B, B<->C within 5 km; A-C is 6.9 km


def test_one_trip_exact_time_and_columns(world) -> None:
    ttm = _ttm(world, A, C, dt.datetime(2019, 5, 14, 8, 0), departure_time_window=dt.timedelta(minutes=1))
    assert list(ttm.columns) == ["from_id", "to_id", "travel_time"]
    assert ttm["travel_time"].dtype == "Int64"
    assert ttm.iloc[0].tolist() == ["A", "C", 25]  # bus 08:05 -> 08:25
    assert ttm.attrs["parameters"]["max_public_transport_rides"] == 8


def test_percentiles_over_the_window(world) -> None:
    """Minutes 08:00..08:09: 21..25 min (bus 08:05), then 46..50 (bus 08:35)."""
    ttm = _ttm(world, A, C, dt.datetime(2019, 5, 14, 8, 0), percentiles=[25, 50, 90])
    assert list(ttm.columns) == ["from_id", "to_id", "travel_time_p25", "travel_time_p50",
                                 "travel_time_p90"]  # fmt: skip
    assert ttm.iloc[0, 2:].tolist() == [23, 25, 49]


def test_planned_departure_without_waiting(world) -> None:
    ttm = _ttm(world, A, C, dt.datetime(2019, 5, 14, 8, 0), percentiles=[50, 90],
               wait_at_origin=False)  # fmt: skip
    assert ttm.iloc[0, 2:].tolist() == [21, 46]


def test_calendar_dates_remove_a_service(world) -> None:
    """On Monday 13 May the 08:05 trip does not run: wait for 08:35."""
    when = dt.datetime(2019, 5, 13, 8, 0)
    ttm = _ttm(world, A, C, when, departure_time_window=dt.timedelta(minutes=1))
    assert ttm["travel_time"].iloc[0] == 55
    with pytest.raises(NoServiceError):
        _ttm(world, A, C, dt.datetime(2019, 7, 1, 8, 0))


def test_trip_after_midnight_of_previous_service_day(world) -> None:
    """The 24:50 trip of Monday runs at 00:50 on Tuesday."""
    ttm = _ttm(world, A, C, dt.datetime(2019, 5, 14, 0, 45), departure_time_window=dt.timedelta(minutes=1))
    assert ttm["travel_time"].iloc[0] == 25


def test_walking_beats_transit_and_walk_only_mode(world) -> None:
    dest = _points([5.02], ["D"])
    walk_min = math.floor(_street_m(5.0, 5.02) / 60.0)  # 1 m/s
    ttm = _ttm(world, A, dest, dt.datetime(2019, 5, 14, 8, 6), departure_time_window=dt.timedelta(minutes=1))
    assert ttm["travel_time"].iloc[0] == walk_min == 22
    walk_only = _ttm(world, A, B, dt.datetime(2019, 5, 14, 8, 0), transport_modes=[TransportMode.WALK])
    assert walk_only["travel_time"].iloc[0] == math.floor(_street_m(5.0, 5.05) / 60.0)
    by_bus = _ttm(world, A, B, dt.datetime(2019, 5, 14, 8, 0), departure_time_window=dt.timedelta(minutes=1))
    assert by_bus["travel_time"].iloc[0] == 15


def test_unreachable_and_max_time(world) -> None:
    far = _points([5.05], ["far"], lat=52.1)  # 11 km north of the street: not linked
    ttm = _ttm(world, A, pd.concat([C, far]), dt.datetime(2019, 5, 14, 8, 0),
               departure_time_window=dt.timedelta(minutes=1))  # fmt: skip
    assert ttm["travel_time"].isna().tolist() == [False, True]
    assert ttm.attrs["stats"]["unlinked_destinations"] == 1
    short = _ttm(world, A, C, dt.datetime(2019, 5, 14, 8, 0), max_time=dt.timedelta(minutes=20),
                 departure_time_window=dt.timedelta(minutes=1))  # fmt: skip
    assert short["travel_time"].isna().all()


def test_zero_to_itself_and_matrix_shape(world) -> None:
    pts = _points([5.0, 5.0004, 5.1], ["x", "y", "z"])  # y lies between two nodes
    ttm = _ttm(world, pts, None, dt.datetime(2019, 5, 14, 8, 0))
    assert len(ttm) == 9
    diag = ttm[ttm["from_id"] == ttm["to_id"]]["travel_time"].tolist()
    assert diag == [0, 0, 0]


def test_max_rides_zero_is_walk_only(world) -> None:
    a = travel_time_arrays(world, A, C, departure=dt.datetime(2019, 5, 14, 8, 0),
                           max_public_transport_rides=0)  # fmt: skip
    assert a.minutes[0, 0, 0] == math.floor(_street_m(5.0, 5.1) / 60.0) == 114
    assert a.parameters["max_public_transport_rides"] == 0


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (_points([5.0, 5.1], ["a", "a"]), "duplicate id"),
        (_points([5.0]).set_crs(None, allow_override=True), "no CRS"),
        (gpd.GeoDataFrame({"id": [1]}, geometry=[shapely.box(5, 52, 5.01, 52.01)], crs=4326),
         "not points"),
        (_points([5.0]).rename(columns={"id": "name"}), "no 'id' column"),
        (pd.DataFrame({"id": [1]}), "must be a GeoDataFrame"),
    ],
)
def test_bad_points_are_rejected(world, frame, message) -> None:
    with pytest.raises(InputError, match=message):
        _ttm(world, frame, A, dt.datetime(2019, 5, 14, 8, 0))


def test_bad_parameters_are_rejected(world) -> None:
    when = dt.datetime(2019, 5, 14, 8, 0)
    with pytest.raises(InputError, match="percentiles"):
        _ttm(world, A, C, when, percentiles=[0])
    with pytest.raises(InputError, match="unknown transport mode"):
        _ttm(world, A, C, when, transport_modes=["HOVERCRAFT"])
    with pytest.raises(InputError, match="engine='r5py'"):
        _ttm(world, A, C, when, transport_modes=["CAR"])
    with pytest.raises(InputError, match="departure"):
        TravelTimeMatrix(world, A, C)
    with pytest.raises(InputError, match="unknown engine"):
        _ttm(world, A, C, when, engine="otp")
    with pytest.raises(InputError, match="max_egress_distance_m"):
        _ttm(world, A, C, when, max_egress_distance_m=float("nan"))
    with pytest.raises(InputError, match="speed_walking"):
        _ttm(world, A, C, when, speed_walking=0)
    with pytest.raises(InputError, match="max_time"):
        _ttm(world, A, C, when, max_time=dt.timedelta(0))


def _r5py_runs() -> bool:
    from accessibility.routing import r5py_engine

    try:
        r5py_engine.check_available()
    except EngineUnavailableError:
        return False
    return True


@pytest.mark.skipif(_r5py_runs(), reason="r5py and Java 21 are available here")
def test_r5py_engine_says_what_is_missing(world) -> None:
    with pytest.raises(EngineUnavailableError, match=r"r5py.*(Java|install)"):
        _ttm(world, A, C, dt.datetime(2019, 5, 14, 8, 0), engine="r5py")


@pytest.mark.skipif(not _r5py_runs(), reason="engine r5py needs the r5py package and Java 21")
def test_r5py_engine_same_columns(world) -> None:  # pragma: no cover - needs Java 21
    ttm = _ttm(world, A, C, dt.datetime(2019, 5, 14, 8, 0), engine="r5py")
    assert list(ttm.columns) == ["from_id", "to_id", "travel_time"]


# ---------------------------------------------------------------------------
# Porto Alegre: plausibility on a real network
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def poa(tmp_path_factory):
    data = SHARED / "data" / "poa"
    if not data.is_dir():
        pytest.skip(f"reference data not found at {data} (a fresh clone has no ../shared)")
    net = TransportNetwork(data / "poa_osm.pbf", [data / "poa_eptc.zip", data / "poa_trensurb.zip"],
                           cache_dir=tmp_path_factory.mktemp("poa-cache"))  # fmt: skip
    hexes = pd.read_csv(data / "poa_hexgrid.csv")
    points = gpd.GeoDataFrame({"id": hexes["id"]},
                              geometry=gpd.points_from_xy(hexes["lon"], hexes["lat"]), crs=4326)  # fmt: skip
    return net, points


@pytest.mark.shared
def test_poa_plausible(poa) -> None:
    net, points = poa
    rng = np.random.default_rng(3)
    sample = points.iloc[np.sort(rng.choice(len(points), 40, replace=False))]
    when = dt.datetime(2019, 5, 13, 14, 0)
    res = travel_time_arrays(net, sample, sample, departure=when, percentiles=[25, 50, 75],
                             departure_time_window=dt.timedelta(minutes=30))  # fmt: skip
    walk = travel_time_arrays(net, sample, sample, departure=when, transport_modes=["WALK"])
    m, w = res.minutes, walk.minutes[:, :, 0]
    assert (np.diagonal(m[:, :, 1]) == 0).all()
    reached = np.isfinite(m)
    assert reached[:, :, 1].mean() > 0.8
    # Higher percentiles are never lower; a percentile unreached implies the higher ones are.
    assert (np.nan_to_num(m[:, :, 1], nan=1e9) >= np.nan_to_num(m[:, :, 0], nan=1e9)).all()
    assert (np.nan_to_num(m[:, :, 2], nan=1e9) >= np.nan_to_num(m[:, :, 1], nan=1e9)).all()
    # Transit never makes a trip slower than walking.
    both = np.isfinite(w)
    assert (m[:, :, 2][both] <= w[both]).all()
    # Transit helps for many long pairs.
    assert (m[:, :, 1][both] < w[both]).mean() > 0.3


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------


def test_cli_travel_times_writes_csv(world, tmp_path) -> None:
    from typer.testing import CliRunner

    from accessibility.cli import app

    (tmp_path / "o.csv").write_text("id,lon,lat\nA,5.0,52.0\n")  # POA hexgrid column order
    (tmp_path / "d.csv").write_text("id,lat,lon\nC,52.0,5.1\nfar,52.1,5.05\n")
    out = tmp_path / "res" / "ttm.csv"
    args = ["travel-times", "--osm", str(world.osm_pbf), "--gtfs", str(world.gtfs_paths[0]),
            "--origins", str(tmp_path / "o.csv"), "--destinations", str(tmp_path / "d.csv"),
            "--departure", "2019-05-14T08:00", "--window", "10", "--percentile", "50",
            "--percentile", "90", "--cache-dir", str(tmp_path / "cache"), "--out", str(out)]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert out.read_text().splitlines() == [
        "from_id,to_id,travel_time_p50,travel_time_p90",
        "A,C,25,49",
        "A,far,,",
    ]
    planned = CliRunner().invoke(app, [*args, "--no-wait-at-origin"])
    assert planned.exit_code == 0, planned.output
    assert out.read_text().splitlines()[1] == "A,C,21,46"


def test_cli_travel_times_clear_errors(world, tmp_path) -> None:
    from typer.testing import CliRunner

    from accessibility.cli import app

    (tmp_path / "o.csv").write_text("id,x_coord\nA,5.0\n")
    base = ["travel-times", "--osm", str(world.osm_pbf), "--gtfs", str(world.gtfs_paths[0]),
            "--destinations", str(tmp_path / "o.csv"), "--out", str(tmp_path / "x.csv")]  # fmt: skip
    result = CliRunner().invoke(app, [*base, "--origins", str(tmp_path / "o.csv"),
                                      "--departure", "2019-05-14T08:00"])  # fmt: skip
    assert result.exit_code == 1
    assert "needs the columns id, lat and lon" in result.output
    assert "Traceback" not in result.output
    bad_time = CliRunner().invoke(app, [*base, "--origins", str(tmp_path / "o.csv"),
                                        "--departure", "monday"])  # fmt: skip
    assert bad_time.exit_code == 1 and "not a date and time" in bad_time.output
    assert not (tmp_path / "x.csv").exists()


def test_egress_searched_from_either_side_gives_same_times(world) -> None:
    """5 destinations > 3 stops: egress searched from the stops; 1 destination: from it."""
    lons = [5.1, 5.02, 5.049, 5.09, 5.0996]
    dests = _points(lons, [f"d{i}" for i in range(5)])
    when = dt.datetime(2019, 5, 14, 8, 0)
    kw = dict(departure=when, percentiles=[10, 50, 90])
    many = travel_time_arrays(world, A, dests, **kw).minutes[0]
    for j in range(len(lons)):
        one = travel_time_arrays(world, A, dests.iloc[[j]], **kw).minutes[0, 0]
        np.testing.assert_array_equal(many[j], one)
    assert many[0].tolist() == [21, 25, 49]  # nearest ranks 1, 5, 9 of 21..25, 46..50


def test_network_cache_follows_input_changes_and_survives_corruption(tmp_path, caplog) -> None:
    osm = tmp_path / "street.osm"
    osm.write_text(_osm_xml())
    feed = tmp_path / "feed"
    feed.mkdir()
    for name, text in FEED.items():
        (feed / name).write_text(text)
    cache = tmp_path / "cache"
    assert not TransportNetwork(osm, feed, cache_dir=cache).from_cache
    assert TransportNetwork(osm, feed, cache_dir=cache).from_cache
    osm.write_text(_osm_xml() + "\n")  # same network, different file: rebuilt
    assert not TransportNetwork(osm, feed, cache_dir=cache).from_cache
    cached = sorted(cache.glob("network-*"))
    assert len(cached) == 2
    for f in cached:
        (f / "arrays.npz").write_bytes(b"not an npz file")
    with caplog.at_level("WARNING"):
        rebuilt = TransportNetwork(osm, feed, cache_dir=cache)
    assert not rebuilt.from_cache and rebuilt.n_stops == 3
    assert "network cache" in caplog.text and "cannot be used" in caplog.text
    assert TransportNetwork(osm, feed, cache_dir=cache).from_cache  # rewritten atomically


def test_transit_submodes_filter_routes_by_route_type(world) -> None:
    """The test route is a bus (route_type 3): RAIL alone leaves walking only."""
    when = dt.datetime(2019, 5, 14, 8, 0)
    one = dict(departure_time_window=dt.timedelta(minutes=1))
    bus = _ttm(world, A, B, when, transport_modes=["BUS", "WALK"], **one)
    rail = _ttm(world, A, B, when, transport_modes=[TransportMode.RAIL, TransportMode.WALK], **one)
    assert bus["travel_time"].iloc[0] == 15
    assert rail["travel_time"].iloc[0] == math.floor(_street_m(5.0, 5.05) / 60.0) == 57


def test_points_in_a_projected_crs_give_the_same_times(world) -> None:
    when = dt.datetime(2019, 5, 14, 8, 0)
    wgs = _ttm(world, A, C, when)
    rd = _ttm(world, A.to_crs("EPSG:28992"), C.to_crs("EPSG:28992"), when)
    assert rd["travel_time"].tolist() == wgs["travel_time"].tolist() == [25]


def test_repeated_queries_reuse_derived_tables(world) -> None:
    calls = []
    for key in ["a", "b", "a"]:
        world.memo(("test", key), lambda k=key: calls.append(k) or k.upper())
    assert calls == ["a", "b"]
    for i in range(20):  # bounded: old keys are dropped
        world.memo(("test", i), lambda i=i: i)
    assert ("test", "a") not in world._memo and len(world._memo) <= 8
    when = dt.datetime(2019, 5, 14, 8, 0)
    first = travel_time_arrays(world, A, pd.concat([B, C]), departure=when)
    again = travel_time_arrays(world, A, pd.concat([B, C]), departure=when)
    np.testing.assert_array_equal(first.minutes, again.minutes)
    assert first.minutes[0, :, 0].tolist() == [15, 25]
