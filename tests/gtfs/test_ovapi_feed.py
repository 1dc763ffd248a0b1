"""The OVapi-shaped feed of ``scripts/make_ovapi_feed.py`` end to end.

The script writes the demo region's service in the layout of OVapi's gtfs-nl
(plus services with boarding rules). The feed is clipped to the demo region
with :func:`accessibility.sources.ovapi.clip_gtfs`, summarised by ``gtfs-info``,
routed with both engines and used for a white-spot run. Expected counts come
from plain pandas on the raw files; expected times from the timetable by hand.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from accessibility.config import load_region
from accessibility.gtfs import build_timetable, feed_info, read_feeds
from accessibility.jobs.region import RegionData
from accessibility.jobs.whitespots import run_whitespots
from accessibility.routing import (
    TransportNetwork,
    TravelRequest,
    TravelTimeMatrix,
    link_points,
    times_to_nearest,
)
from accessibility.sources.fetch import region_bbox
from accessibility.sources.ovapi import clip_gtfs

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "make_ovapi_feed.py"
DEMO = REPO / "data" / "demo"
TUE = dt.date(2026, 12, 1)
GTFS_NL_FILES = {"agency.txt", "routes.txt", "trips.txt", "stop_times.txt", "stops.txt",
                 "calendar_dates.txt", "feed_info.txt", "transfers.txt", "shapes.txt"}  # fmt: skip
# The headers of gtfs-nl (OVapi, 2025).
HEADERS = {
    "trips.txt": "route_id,service_id,trip_id,realtime_trip_id,trip_headsign,trip_short_name,"
    "trip_long_name,direction_id,block_id,shape_id,wheelchair_accessible,bikes_allowed",
    "stop_times.txt": "trip_id,stop_sequence,stop_id,stop_headsign,arrival_time,departure_time,"
    "pickup_type,drop_off_type,timepoint,shape_dist_traveled,fare_units_traveled",
    "stops.txt": "stop_id,stop_code,stop_name,stop_lat,stop_lon,location_type,parent_station,"
    "stop_timezone,wheelchair_boarding,platform_code,zone_id",
}


def _make(out: Path) -> Path:
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True,
                   capture_output=True)  # fmt: skip
    return out


def _raw(path: Path, name: str) -> pd.DataFrame:
    with zipfile.ZipFile(path) as archive:
        return pd.read_csv(archive.open(name), dtype=str, keep_default_na=False)


def _without_rules(src: Path, dest: Path) -> Path:
    """The same feed with every pickup_type / drop_off_type set to 0 (rules ignored)."""
    with zipfile.ZipFile(src) as archive, zipfile.ZipFile(dest, "w") as out:
        for name in archive.namelist():
            data = archive.read(name)
            if name == "stop_times.txt":
                table = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
                table[["pickup_type", "drop_off_type"]] = "0"
                data = table.to_csv(index=False).encode()
            out.writestr(name, data)
    return dest


@pytest.fixture(scope="module")
def feeds(tmp_path_factory) -> SimpleNamespace:
    folder = tmp_path_factory.mktemp("ovapi")
    raw = _make(folder / "gtfs-nl.zip")
    buurten = gpd.read_file(DEMO / "buurten.geojson")
    bbox = region_bbox(load_region("demo"), tuple(buurten.total_bounds), str(buurten.crs))
    clipped = folder / "gtfs.zip"
    stats = clip_gtfs(raw, clipped, bbox)
    return SimpleNamespace(folder=folder, raw=raw, clipped=clipped, stats=stats, bbox=bbox,
                           no_rules=_without_rules(clipped, folder / "no-rules.zip"))  # fmt: skip


def test_the_feed_has_the_gtfs_nl_layout(feeds) -> None:
    with zipfile.ZipFile(feeds.raw) as archive:
        assert set(archive.namelist()) == GTFS_NL_FILES  # no calendar.txt, no frequencies.txt
        for name, header in HEADERS.items():
            assert archive.read(name).decode().split("\n", 1)[0] == header
    routes, agency = _raw(feeds.raw, "routes.txt"), _raw(feeds.raw, "agency.txt")
    assert set(routes["route_type"]) == {"0", "1", "2", "3", "4"}
    assert len(agency) >= 5 and set(routes["agency_id"]) <= set(agency["agency_id"])
    stops = _raw(feeds.raw, "stops.txt")
    lat = stops["stop_lat"].astype(float)
    platforms = stops[(stops["location_type"] == "0") & (lat.abs() > 36)]
    stations = set(stops.loc[stops["location_type"] == "1", "stop_id"])
    assert platforms["parent_station"].isin(stations).all()
    assert all(s.startswith("stoparea:") for s in stations)
    assert (platforms["platform_code"] != "").sum() >= 5 and (platforms["zone_id"] != "").all()
    assert (lat.abs() < 36).sum() == 3  # the impossible stops
    trips = _raw(feeds.raw, "trips.txt")
    for column in ("realtime_trip_id", "trip_short_name", "block_id", "shape_id"):
        assert (trips[column] != "").all(), column
    assert set(trips["shape_id"]) <= set(_raw(feeds.raw, "shapes.txt")["shape_id"])
    assert set(trips["service_id"]) <= set(_raw(feeds.raw, "calendar_dates.txt")["service_id"])
    st = _raw(feeds.raw, "stop_times.txt")
    assert (st["arrival_time"] != "").all() and (st["fare_units_traveled"] != "").all()
    st["seq"] = st["stop_sequence"].astype(int)
    ends = st.sort_values(["trip_id", "seq"]).groupby("trip_id")
    assert (ends["drop_off_type"].first() == "1").all()  # nobody gets off at the first stop
    assert (ends["pickup_type"].last() == "1").all()  # nobody gets on at the last
    assert _make(feeds.folder / "again.zip").read_bytes() == feeds.raw.read_bytes()


@pytest.mark.shared
def test_routes_have_the_columns_and_types_of_the_real_ovapi_table(shared_data, feeds) -> None:
    real = pd.read_csv(shared_data / "nl" / "ovapi" / "routes.txt", dtype=str,
                       keep_default_na=False)  # fmt: skip
    ours = _raw(feeds.raw, "routes.txt")
    assert list(ours.columns) == list(real.columns)
    assert set(ours["route_type"]) == set(real["route_type"]) == {"0", "1", "2", "3", "4"}


def test_same_service_as_the_demo_plus_the_added_trips(feeds) -> None:
    """Every demo trip of Tuesday 1 December runs in the OVapi-shaped feed with the same times."""
    def trips(paths):
        tt = build_timetable(read_feeds(paths), TUE)
        out = []
        for p in range(tt.n_patterns):
            stops = tt.pattern_stops[tt.pattern_stop_ptr[p]:tt.pattern_stop_ptr[p + 1]]
            names = tuple(s.split(":", 1)[1] for s in tt.stop_ids[stops])
            for g in range(tt.pattern_trip_ptr[p], tt.pattern_trip_ptr[p + 1]):
                rows = slice(tt.trip_time_ptr[g], tt.trip_time_ptr[g] + len(stops))
                out.append((names, tuple(tt.arrival[rows]), tuple(tt.departure[rows])))
        return pd.Series(out).value_counts()

    demo, ovapi = trips([DEMO / "gtfs"]), trips([feeds.clipped])
    assert (ovapi.reindex(demo.index, fill_value=0) == demo).all()
    added = {key[0] for key in ovapi.index.difference(demo.index)}
    assert added == {("MLW", "VST", "OSH", "FLV"), ("FLV", "OSH", "VST", "MLW"),
                     ("OSH", "HD_B", "VST_B"), ("VST_B", "HD_B", "OSH")}  # fmt: skip


def test_clip_to_the_region(feeds) -> None:
    """Independent count: trips with at least one call inside the bbox are kept whole."""
    stops = _raw(feeds.raw, "stops.txt")
    lat, lon = stops["stop_lat"].astype(float), stops["stop_lon"].astype(float)
    lo_lon, lo_lat, hi_lon, hi_lat = feeds.bbox
    inside = set(stops.loc[(lon >= lo_lon) & (lon <= hi_lon) & (lat >= lo_lat) & (lat <= hi_lat),
                           "stop_id"])  # fmt: skip
    st = _raw(feeds.raw, "stop_times.txt")
    kept = set(st.loc[st["stop_id"].isin(inside), "trip_id"])
    impossible = set(stops.loc[lat.abs() < 36, "stop_id"])
    s = feeds.stats
    assert (s.stops_total, s.stops_invalid) == (len(stops), 3)
    assert (s.trips_total, s.trips_kept) == (len(_raw(feeds.raw, "trips.txt")), len(kept))
    assert s.trips_kept < s.trips_total  # the Flevostad bus is outside
    assert s.stop_times_dropped == int((st["trip_id"].isin(kept) & st["stop_id"].isin(impossible)).sum()) == 2
    clipped_stops = set(_raw(feeds.clipped, "stops.txt")["stop_id"])
    assert "FLV" in clipped_stops  # Flevostad is outside, but the intercity also calls inside
    assert not {"FLV_1", "FLV_2"} & clipped_stops and not impossible & clipped_stops
    assert "stoparea:VST" in clipped_stops  # parent stations come along
    assert (_raw(feeds.clipped, "trips.txt")["shape_id"] == "").all()
    assert "X1" not in set(_raw(feeds.clipped, "transfers.txt")["from_stop_id"])


def test_gtfs_info_reports_rules_stations_and_ignored_transfers(feeds) -> None:
    import accessibility.cli.gtfs_info  # noqa: F401  (registers the command)
    from accessibility.cli import app

    st = _raw(feeds.clipped, "stop_times.txt")
    no_pickup, no_drop_off = int((st["pickup_type"] == "1").sum()), int((st["drop_off_type"] == "1").sum())
    result = CliRunner(env={"COLUMNS": "250"}).invoke(
        app, ["gtfs-info", str(feeds.clipped), "--date", TUE.isoformat()])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert f"no pickup / no drop-off (type 1) │ {no_pickup:,} / {no_drop_off:,}" in out
    assert "transfers.txt ignored │ trip-to-trip 1, route-to-route 1, in-seat 1 │" in out
    assert "platform_code per station: Veenstad (2, B, M, T); Molenwijk (1, A); " in out
    summary = feed_info([feeds.clipped], TUE).feeds[0]
    stops = _raw(feeds.clipped, "stops.txt")
    assert summary.stations == int((stops["location_type"] == "1").sum())
    assert summary.platform_codes == int(((stops["location_type"] == "0")
                                          & (stops["platform_code"] != "")).sum())  # fmt: skip
    assert summary.transfer_rules == 4 and summary.transfers_not_possible == 0
    # The unclipped feed: its impossible stops are dropped and reported.
    raw = feed_info([feeds.raw]).feeds[0]
    assert raw.dropped_stops == 3 and any("at 0/0" in p for p in raw.problems)


@pytest.fixture(scope="module")
def networks(feeds) -> SimpleNamespace:
    osm = DEMO / "streets.osm"
    return SimpleNamespace(rules=TransportNetwork(osm, feeds.clipped, use_cache=False),
                           no_rules=TransportNetwork(osm, feeds.no_rules, use_cache=False))


def _stop_point(network: TransportNetwork, stop_id: str) -> tuple[float, float]:
    row = network.stops.set_index("stop_id").loc[f"{network.feed.feed_ids[0]}:{stop_id}"]
    return float(row["stop_lat"]), float(row["stop_lon"])


def _both(network, origin: str, dest: str, when: dt.datetime) -> tuple[float, float]:
    """(RAPTOR, profile) minutes from one stop's spot to another's (NaN: not within 90 min).

    The points lie on the stops, but the walks to and from them count the stops' few
    metres to the street twice: catch a departure a minute ahead.
    """
    (o_lat, o_lon), (d_lat, d_lon) = _stop_point(network, origin), _stop_point(network, dest)
    request = TravelRequest(departure=when, departure_time_window=dt.timedelta(minutes=1),
                            max_time=dt.timedelta(minutes=90))  # fmt: skip
    points = [gpd.GeoDataFrame({"id": [i]}, geometry=gpd.points_from_xy([x], [y]), crs=4326)
              for i, y, x in (("o", o_lat, o_lon), ("d", d_lat, d_lon))]  # fmt: skip
    raptor = TravelTimeMatrix(network, *points, request=request)["travel_time"].astype(float)
    nearest = times_to_nearest(
        network, link_points(network, np.array([o_lat]), np.array([o_lon]), request, "access"),
        link_points(network, np.array([d_lat]), np.array([d_lon]), request, "egress"),
        [np.array([0])], request)[0, 0]  # fmt: skip
    return float(raptor.iloc[0]), float(np.floor(nearest + 1e-9))


@pytest.mark.parametrize(
    ("origin", "dest", "when", "with_rules", "without_rules"),
    [
        # The express passes Heidedorp without serving it: no bus (90 min is not enough
        # to walk); ignoring the rule gives the 10:25 express to Oosterhoeve (10:38).
        ("HD_B", "OSH", dt.datetime(2026, 12, 1, 10, 0), np.nan, 38),
        # Friday's night bus (25:00, i.e. Saturday 01:00) only picks up in Veenstad and
        # only sets down outside it: Veenstad Zuid (01:06) to Zandrecht (01:21) is fine,
        ("VST_Z3", "ZR_B", dt.datetime(2026, 12, 5, 1, 0), 21, 21),
        # getting off within Veenstad (station 01:00 -> Zuid 01:06) is not,
        ("VST_B", "VST_Z3", dt.datetime(2026, 12, 5, 0, 58), "longer", 8),
        # nor getting on outside it (Zandrechterweg 01:11 -> Zandrecht 01:21).
        ("ZRW_1", "ZR_B", dt.datetime(2026, 12, 5, 1, 5), "longer", 16),
    ],
)
def test_travel_times_honour_the_boarding_rules(networks, origin, dest, when, with_rules,
                                                without_rules) -> None:  # fmt: skip
    got = _both(networks.rules, origin, dest, when)
    assert _both(networks.no_rules, origin, dest, when) == (without_rules, without_rules)
    if with_rules == "longer":  # walking (or a later service): longer than with the rule ignored
        assert got[0] == got[1] or np.isnan(got).all()
        assert np.isnan(got[0]) or got[0] > without_rules
    else:
        np.testing.assert_array_equal(got, (with_rules, with_rules))


def _region(tmp_path: Path, name: str, gtfs: Path) -> RegionData:
    """The demo region with another GTFS feed (main analysis window only)."""
    text = (DEMO.parent / "regions" / "demo.toml").read_text(encoding="utf-8")
    text = text[: text.index("[time_windows")]
    text = text.replace('name = "demo"', f'name = "{name}"').replace(
        'gtfs = ["data/demo/gtfs"]', f'gtfs = ["{gtfs}"]')
    for file in ("streets.osm", "buurten.geojson", "steunpunten.csv", "geocode_cache.json",
                 "prevalence.csv"):  # fmt: skip
        text = text.replace(f'"data/demo/{file}"', f'"{DEMO / file}"')
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return RegionData.load(path, cache_dir=tmp_path / "cache")


def test_white_spots_equal_the_demo_and_the_rules_matter(feeds, tmp_path) -> None:
    """The OVapi-shaped feed gives the demo's white spots (the added services do not help
    trips to a steunpunt on Tuesday morning when their rules are honoured); with the
    rules ignored the express serves Heidedorp and fewer people are beyond the norm."""
    demo = run_whitespots(_region(tmp_path, "demo", DEMO / "gtfs"), tmp_path / "demo").coverage
    ovapi = run_whitespots(_region(tmp_path, "ovapi", feeds.clipped), tmp_path / "ovapi").coverage
    pd.testing.assert_frame_equal(ovapi.buurten, demo.buurten)
    pd.testing.assert_frame_equal(ovapi.gemeenten, demo.gemeenten)
    ignored = run_whitespots(_region(tmp_path, "no-rules", feeds.no_rules),
                             tmp_path / "no-rules").coverage
    assert ignored.region["population_beyond_norm"] < demo.region["population_beyond_norm"]
    heidedorp = ignored.buurten["median_time_min"] < demo.buurten["median_time_min"]
    assert heidedorp.any()
