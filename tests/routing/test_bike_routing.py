"""Bike-only and bike-and-ride trips through TravelTimeMatrix and times_to_nearest (exact seconds),
station-only bike parking, the bicycle network cache, and invariants on Porto Alegre."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from test_matrix import LAT, LONS, SHARED, _osm_xml, _points, _street_m

from accessibility.errors import InputError
from accessibility.geo import haversine_m
from accessibility.routing import (
    TransportNetwork,
    TravelRequest,
    TravelTimeMatrix,
    link_points,
    times_to_nearest,
)
from accessibility.routing.bike_legs import station_stops

WHEN = dt.datetime(2019, 5, 14, 8, 0)
BIKE_MPS = 15.0 / 3.6

# Along the straight test street (52 N, 5.000-5.100 E): origin at 5.000, bus stop U at 5.020
# (a bus to 5.100 at 08:10, arriving 08:20), rail stop S at 5.030 (child of station ST; a
# train to T at 5.100 at 08:20 and 08:50, five minutes), P at 5.090 (child of station ST2,
# bus only). The destination is at 5.100.
FEED = {
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\n"
    "AG,Test,http://example.org,Europe/Amsterdam\n",
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n"
    f"ST,Station,{LAT},5.03,1,\nS,Station spoor 1,{LAT},5.03,0,ST\n"
    f"U,Bushalte,{LAT},5.02,0,\nT,Eind,{LAT},5.1,0,\nV,Eind bus,{LAT},5.1,0,\n"
    f"ST2,Station twee,{LAT},5.09,1,\nP,Station twee bus,{LAT},5.09,0,ST2\n",
    "routes.txt": "route_id,agency_id,route_short_name,route_type\n"
    "TRAIN,AG,IC,2\nBUS,AG,1,3\n",
    "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
    "start_date,end_date\nDAY,1,1,1,1,1,1,1,20190501,20190531\n",
    "trips.txt": "route_id,service_id,trip_id\nTRAIN,DAY,ic820\nTRAIN,DAY,ic850\nBUS,DAY,b810\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
    "ic820,08:20:00,08:20:00,S,1\nic820,08:25:00,08:25:00,T,2\n"
    "ic850,08:50:00,08:50:00,S,1\nic850,08:55:00,08:55:00,T,2\n"
    "b810,08:10:00,08:10:00,U,1\nb810,08:15:00,08:15:00,P,2\nb810,08:20:00,08:20:00,V,3\n",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> TransportNetwork:
    folder = tmp_path_factory.mktemp("bikeworld")
    (folder / "street.osm").write_text(_osm_xml())
    feed = folder / "feed"
    feed.mkdir()
    for name, text in FEED.items():
        (feed / name).write_text(text)
    return TransportNetwork(folder / "street.osm", feed, cache_dir=folder / "cache",
                            transfer_max_distance_m=0.0)


def _nearest(world, request: TravelRequest, origin_lon: float = 5.0,
             dest_lon: float = 5.1) -> float:
    """Minutes (seconds precision) from one origin to one destination, one departure minute."""
    o = link_points(world, np.array([LAT]), np.array([origin_lon]), request, "access")
    t = link_points(world, np.array([LAT]), np.array([dest_lon]), request, "egress")
    return float(times_to_nearest(world, o, t, [np.array([0])], request)[0, 0])


def _request(**kw) -> TravelRequest:
    return TravelRequest(departure=WHEN, departure_time_window=dt.timedelta(minutes=1), **kw)


def test_bike_only_time_is_distance_at_cycling_speed(world) -> None:
    metres = _street_m(5.0, 5.1)
    seconds = np.floor(metres / BIKE_MPS + 0.5)
    assert _nearest(world, _request(transport_modes=["BICYCLE"])) == pytest.approx(seconds / 60)
    ebike = np.floor(metres / (20 / 3.6) + 0.5)
    assert _nearest(world, _request(transport_modes=["BICYCLE"], bike_profile="ebike")) == (
        pytest.approx(ebike / 60))
    own = np.floor(metres / (18 / 3.6) + 0.5)
    assert _nearest(world, _request(transport_modes=["BICYCLE"], speed_cycling=18)) == (
        pytest.approx(own / 60))
    ttm = TravelTimeMatrix(world, _points([5.0]), _points([5.1]), departure=WHEN,
                           transport_modes=["BICYCLE"])
    assert ttm["travel_time"].tolist() == [int(seconds // 60)]


def test_bike_limit_cuts_bike_only_trips(world) -> None:
    q = _request(transport_modes=["BICYCLE"], max_time_cycling=dt.timedelta(minutes=20))
    assert np.isnan(_nearest(world, q))  # 27.4 minutes of cycling needed


def test_bike_and_ride_beats_walking_to_the_stop(world) -> None:
    # on foot: 2055 m to S takes 34:15, the 08:20 train is gone; the 08:50 one arrives 08:55
    walk_pt = _nearest(world, _request())
    assert walk_pt == pytest.approx(55.0)
    # by bike: 8:13 to S, the 08:20 train (60 s board slack) arrives at 08:25, the stop is the
    # destination: exactly 25 minutes
    bike_ride = _nearest(world, _request(access_modes=["WALK", "BICYCLE"]))
    assert bike_ride == pytest.approx(25.0)
    assert _street_m(5.0, 5.03) / BIKE_MPS + 60 < 20 * 60  # the premise of the case
    ttm = TravelTimeMatrix(world, _points([5.0]), _points([5.1]), departure=WHEN,
                           departure_time_window=dt.timedelta(minutes=1),
                           access_modes=["BICYCLE"])
    assert ttm["travel_time"].tolist() == [25]


def test_bikes_park_at_stations_only_by_default(world) -> None:
    # the bus at U (08:10, 20 minutes) needs parking at a bus stop
    assert _nearest(world, _request(access_modes=["BICYCLE"], bike_parking="all")) == (
        pytest.approx(20.0))
    assert _nearest(world, _request(access_modes=["BICYCLE"])) == pytest.approx(25.0)
    mask = station_stops(world)
    by_id = dict(zip(world.stops["stop_id"].str.split(":").str[-1], mask, strict=True))
    assert by_id == {"S": True, "T": True, "U": False, "V": False, "P": True}


def test_bike_and_ride_never_slower_than_walk_and_ride(world) -> None:
    lons = np.array(LONS[::5])
    pts = _points(lons.tolist())
    pt = TravelTimeMatrix(world, pts, pts, departure=WHEN)
    bike = TravelTimeMatrix(world, pts, pts, departure=WHEN, access_modes=["WALK", "BICYCLE"])
    a = pt["travel_time"].astype("float").fillna(np.inf).to_numpy()
    b = bike["travel_time"].astype("float").fillna(np.inf).to_numpy()
    assert (b <= a).all()
    assert (b < a).any()


def test_cycling_parameters_are_checked() -> None:
    with pytest.raises(InputError, match="bike_profile"):
        _request(bike_profile="racing")
    with pytest.raises(InputError, match="speed_cycling"):
        _request(speed_cycling=0)
    with pytest.raises(InputError, match="egress_modes"):
        _request(egress_modes=["BICYCLE"])
    with pytest.raises(InputError, match="access_modes"):
        _request(access_modes=["CAR"])
    with pytest.raises(InputError, match="bike_parking"):
        _request(bike_parking="everywhere")
    q = _request(bike_profile="ebike")
    assert q.cycling_kmh == 20.0
    assert q.parameters()["speed_cycling_kmh"] == 20.0
    # the profile's speed follows a replaced profile; an explicit speed wins
    assert _request().replace(bike_profile="ebike").cycling_kmh == 20.0
    assert _request(speed_cycling=12).replace(bike_profile="ebike").cycling_kmh == 12.0


def test_bicycle_network_is_cached_and_keyed_on_the_rules(tmp_path, monkeypatch) -> None:
    (tmp_path / "street.osm").write_text(_osm_xml())
    feed = tmp_path / "feed"
    feed.mkdir()
    for name, text in FEED.items():
        (feed / name).write_text(text)
    cache = tmp_path / "cache"
    first = TransportNetwork(tmp_path / "street.osm", feed, cache_dir=cache)
    assert not list(cache.glob("bicycle-*"))  # built only when a request cycles
    edges = first.bicycle.n_edges
    (entry,) = cache.glob("bicycle-*")
    again = TransportNetwork(tmp_path / "street.osm", feed, cache_dir=cache)
    assert again.bicycle.n_edges == edges
    np.testing.assert_array_equal(again.bike_stop_snap.node_a, first.bike_stop_snap.node_a)
    # a damaged entry is rebuilt, not used
    (entry / "arrays.npz").write_bytes(b"garbage")
    assert TransportNetwork(tmp_path / "street.osm", feed, cache_dir=cache).bicycle.n_edges == edges
    import accessibility.routing.network as network_module

    monkeypatch.setattr(network_module, "CYCLING_RULES_VERSION", 999)
    TransportNetwork(tmp_path / "street.osm", feed, cache_dir=cache).bicycle  # noqa: B018
    assert len(list(cache.glob("bicycle-*"))) == 2


@pytest.fixture(scope="module")
def poa(tmp_path_factory):
    data = SHARED / "data" / "poa"
    if not (data / "poa_osm.pbf").is_file():
        pytest.skip(f"Porto Alegre data not found in {data} (../shared/data/poa)")
    net = TransportNetwork(data / "poa_osm.pbf", [data / "poa_eptc.zip", data / "poa_trensurb.zip"],
                           cache_dir=tmp_path_factory.mktemp("poa-cache"))
    hexes = pd.read_csv(data / "poa_hexgrid.csv").iloc[::12].reset_index(drop=True)
    return net, hexes


def test_poa_bike_between_straight_line_and_walking(poa) -> None:
    """Bike times never shorter than the straight line at the cycling speed and, allowed to
    walk too, never longer than walking; bike alone is longer in a handful of pairs only
    (ways open to pedestrians and closed to bikes: bicycle=no paths, campus roads with
    access=no + foot=yes)."""
    net, hexes = poa
    lat = hexes["lat"].to_numpy(float)
    lon = hexes["lon"].to_numpy(float)
    when = dt.datetime(2019, 5, 13, 14, 0)
    limit = dt.timedelta(minutes=45)
    walk_q = TravelRequest(departure=when, departure_time_window=dt.timedelta(minutes=1),
                           transport_modes=["WALK"], max_time=limit)
    times = {}
    for name, q in (("walk", walk_q), ("bike", walk_q.replace(transport_modes=["BICYCLE"])),
                    ("bike_or_walk", walk_q.replace(transport_modes=["BICYCLE", "WALK"]))):
        o = link_points(net, lat, lon, q, "access")
        t = link_points(net, lat, lon, q, "egress")
        times[name] = times_to_nearest(net, o, t, [np.array([j]) for j in range(len(lat))], q)
    walk, bike, either = times["walk"], times["bike"], times["bike_or_walk"]  # (t, o) minutes
    both = ~np.isfinite(walk) | np.isfinite(either)
    assert both.all()  # a walk within 45 min is a trip of the bike-or-walk mode too
    reached = np.isfinite(walk)
    assert reached.sum() > 100
    assert (either[reached] <= walk[reached] + 1 / 60).all()
    pairs = reached & np.isfinite(bike)
    slower = bike[pairs] > walk[pairs] + 1 / 60
    assert slower.mean() < 0.005
    np.testing.assert_allclose(np.fmin(bike, walk)[pairs], either[pairs], atol=1 / 60)
    crow = haversine_m(lat[:, None], lon[:, None], lat[None, :], lon[None, :])  # (t, o)
    ridden = np.isfinite(bike)
    assert (bike[ridden] * 60 >= crow[ridden] / BIKE_MPS - 1).all()
    assert np.nanmedian(walk[pairs] / np.maximum(bike[pairs], 1e-9)) > 3.0


def test_cli_travel_times_by_bike_and_bike_and_ride(world, tmp_path) -> None:
    from typer.testing import CliRunner

    from accessibility.cli import app

    (tmp_path / "o.csv").write_text("id,lat,lon\nO,52.0,5.0\n")
    (tmp_path / "d.csv").write_text("id,lat,lon\nD,52.0,5.1\n")
    out = tmp_path / "ttm.csv"
    args = ["travel-times", "--osm", str(world.osm_pbf), "--gtfs", str(world.gtfs_paths[0]),
            "--origins", str(tmp_path / "o.csv"), "--destinations", str(tmp_path / "d.csv"),
            "--departure", "2019-05-14T08:00", "--window", "1", "--out", str(out),
            "--cache-dir", str(tmp_path / "cache")]
    expected = {"fiets": int(_street_m(5.0, 5.1) / BIKE_MPS // 60), "fiets-ov": 25, "ov": 55,
                "bike-and-ride": 25}
    for mode, minutes in expected.items():
        result = CliRunner().invoke(app, [*args, "--mode", mode])
        assert result.exit_code == 0, result.output
        assert out.read_text().splitlines()[1] == f"O,D,{minutes}", mode
    bad = CliRunner().invoke(app, [*args, "--mode", "auto"])
    assert bad.exit_code == 1
    assert "--mode 'auto' is unknown" in bad.output


def test_link_cache_keeps_bike_links(world, tmp_path) -> None:
    from accessibility.routing.link_cache import cached_link_points

    lat = np.full(3, LAT)
    lon = np.array([5.0, 5.02, 5.04])
    bike = _request(access_modes=["WALK", "BICYCLE"], bike_parking="all")
    first = cached_link_points(world, lat, lon, bike, "access", tmp_path)
    (path,) = tmp_path.glob("links-*.npz")
    again = cached_link_points(world, lat, lon, bike, "access", tmp_path)
    for name in ("stop_ptr", "stop_index", "stop_seconds"):
        np.testing.assert_array_equal(getattr(again, name), getattr(first, name))
    np.testing.assert_array_equal(again.bike_snap.node_a, first.bike_snap.node_a)
    np.testing.assert_array_equal(again.bike_snap.dist_a_m, first.bike_snap.dist_a_m)
    # walking-only links of the same points are another file, without bike snaps
    walk = cached_link_points(world, lat, lon, _request(), "access", tmp_path)
    assert walk.bike_snap is None
    assert len(list(tmp_path.glob("links-*.npz"))) == 2
    assert path.is_file()
    # the bike reaches more stops (or sooner) than walking
    assert first.stop_seconds.sum() != walk.stop_seconds.sum()
