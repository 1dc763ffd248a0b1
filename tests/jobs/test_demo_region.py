"""Tests of the synthetic demo region (scripts/make_demo_region.py -> data/demo).

They read the committed files with plain pandas / json / XML parsing (plus
shapely and pyproj for distances) so that they do not depend on the toolkit's
own readers.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from shapely import STRtree
from shapely.geometry import LineString, Point, shape
from shapely.ops import unary_union

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "data" / "demo"
GTFS = DEMO / "gtfs"
SCRIPT = REPO / "scripts" / "make_demo_region.py"
TO_RD = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
HOLIDAYS = {  # weekday / Saturday holidays in 2026-2027 (Sunday ones need no exception)
    "20260101", "20260406", "20260427", "20260514", "20260525", "20261225", "20261226",
    "20270101", "20270329", "20270427", "20270506", "20270517", "20271225",
}
NOT_WALKABLE = {"motorway", "motorway_link", "trunk", "trunk_link", "construction"}


def secs(t: str) -> int:
    h, m, s = (int(v) for v in t.split(":"))
    return h * 3600 + m * 60 + s


def read_gtfs(name: str) -> pd.DataFrame:
    return pd.read_csv(GTFS / name, dtype=str, keep_default_na=False)


def rd_point(lon: float, lat: float) -> Point:
    return Point(TO_RD.transform(lon, lat))


@pytest.fixture(scope="module")
def osm() -> dict:
    root = ET.parse(DEMO / "streets.osm").getroot()
    nodes = {int(n.get("id")): (float(n.get("lon")), float(n.get("lat")))
             for n in root.iter("node")}
    tagged = {int(n.get("id")): {t.get("k"): t.get("v") for t in n.iter("tag")}
              for n in root.iter("node") if n.find("tag") is not None}
    ways = []
    for w in root.iter("way"):
        tags = {t.get("k"): t.get("v") for t in w.iter("tag")}
        ways.append(([int(nd.get("ref")) for nd in w.iter("nd")], tags))
    return {"root": root, "nodes": nodes, "tagged": tagged, "ways": ways}


def walkable(tags: dict[str, str]) -> bool:
    return "highway" in tags and tags["highway"] not in NOT_WALKABLE and tags.get("foot") != "no"


@pytest.fixture(scope="module")
def street_index(osm: dict) -> tuple[STRtree, list[LineString]]:
    rd = {i: TO_RD.transform(*ll) for i, ll in osm["nodes"].items()}
    segs = [LineString([rd[a], rd[b]]) for refs, tags in osm["ways"] if walkable(tags)
            for a, b in zip(refs[:-1], refs[1:], strict=True)]
    return STRtree(segs), segs


@pytest.fixture(scope="module")
def buurten() -> dict:
    return json.loads((DEMO / "buurten.geojson").read_text(encoding="utf-8"))


def to_rd(geom):
    return shapely.transform(geom, lambda c: np.column_stack(TO_RD.transform(c[:, 0], c[:, 1])))


# ----------------------------------------------------------------------- determinism
def test_committed_files_equal_script_output(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path)], check=True,
                   capture_output=True)
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(DEMO) for p in DEMO.rglob("*") if p.is_file())
    assert made == committed
    for rel in made:
        assert (tmp_path / rel).read_bytes() == (DEMO / rel).read_bytes(), f"{rel} differs"


def test_output_is_small_and_labelled_synthetic() -> None:
    total = sum(p.stat().st_size for p in DEMO.rglob("*") if p.is_file())
    assert total < 3_000_000
    assert "SYNTHETIC" in (DEMO / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in (DEMO / "streets.osm").read_text(encoding="utf-8")[:300]
    assert "SYNTHETIC" in (GTFS / "feed_info.txt").read_text(encoding="utf-8")
    assert all("fictief" in o for o in read_gtfs("agency.txt").agency_name)


# ------------------------------------------------------------------------------ OSM
def test_osm_structure(osm: dict) -> None:
    root = osm["root"]
    assert root.tag == "osm" and root.get("version") == "0.6"
    assert 5_000 <= len(osm["nodes"]) <= 15_000
    refs = {r for refs, _ in osm["ways"] for r in refs}
    assert refs <= set(osm["nodes"]), "every <nd ref> names a node"
    assert set(osm["nodes"]) - set(osm["tagged"]) <= refs, "no orphan untagged nodes"
    assert not set(osm["tagged"]) & refs, "place nodes are not part of a way"
    kinds = {tags.get("highway") for _, tags in osm["ways"]}
    assert {"residential", "secondary", "tertiary", "unclassified", "footway", "path",
            "pedestrian", "track", "motorway"} <= kinds
    for lon, lat in osm["nodes"].values():
        assert 5.0 < lon < 5.55 and 52.4 < lat < 52.7


def test_map_background_features_share_no_node_with_a_street(osm: dict) -> None:
    """Place names, built-up land and water for the map, invisible to routing."""
    places = {tags["name"]: tags["place"] for tags in osm["tagged"].values()}
    assert places == {"Veenstad": "town", "Oosterhoeve": "village", "Molenwijk": "village",
                      "Zandrecht": "village", "Kreekdijk": "village", "Heidedorp": "village"}
    street_nodes = {r for refs, tags in osm["ways"] if "highway" in tags for r in refs}
    background = [(refs, tags) for refs, tags in osm["ways"] if "highway" not in tags
                  and "railway" not in tags]
    assert sorted(tags.get("landuse") or tags.get("natural") or tags.get("waterway")
                  for _, tags in background) == ["canal", *["residential"] * 6, "water"]
    for refs, tags in background:
        assert not set(refs) & street_nodes, tags
        if "landuse" in tags or "natural" in tags:
            assert refs[0] == refs[-1], f"{tags} is a closed way"


def test_walkable_network_is_connected_and_barriers_are_separate(osm: dict) -> None:
    adj: dict[int, set[int]] = defaultdict(set)
    walk_nodes: set[int] = set()
    barrier_nodes: set[int] = set()
    for refs, tags in osm["ways"]:
        if walkable(tags):
            walk_nodes.update(refs)
            for a, b in zip(refs[:-1], refs[1:], strict=True):
                adj[a].add(b)
                adj[b].add(a)
        else:
            barrier_nodes.update(refs)
    assert barrier_nodes, "the motorway and the railway exist"
    assert not barrier_nodes & walk_nodes
    start = next(iter(walk_nodes))
    seen, todo = {start}, [start]
    while todo:
        for m in adj[todo.pop()] - seen:
            seen.add(m)
            todo.append(m)
    assert seen == walk_nodes


def test_every_point_lies_near_a_walkable_way(
        buurten: dict, street_index: tuple[STRtree, list[LineString]]) -> None:
    # Routers snap points up to a few hundred metres; a 250 m grid over the whole region
    # must find a walkable way within 500 m everywhere (the README states the maximum).
    tree, _ = street_index
    region = unary_union([to_rd(shape(f["geometry"])) for f in buurten["features"]])
    x0, y0, x1, y1 = region.bounds
    xs, ys = np.meshgrid(np.arange(x0 + 125, x1, 250), np.arange(y0 + 125, y1, 250))
    pts = shapely.points(xs.ravel(), ys.ravel())
    _, dist = tree.query_nearest(pts, return_distance=True, all_matches=False)
    assert len(pts) > 10_000 and dist.max() < 500.0
    stated = re.search(r"farther than (\d+) m", (DEMO / "README.md").read_text(encoding="utf-8"))
    assert stated and dist.max() <= int(stated.group(1))


def test_sparse_village_has_few_streets(osm: dict, buurten: dict) -> None:
    area = {f["properties"]["buurtnaam"]: to_rd(shape(f["geometry"])) for f in buurten["features"]}
    rd = {i: TO_RD.transform(*ll) for i, ll in osm["nodes"].items()}

    def street_km(name: str) -> float:
        poly = area[name]
        return sum(LineString([rd[a], rd[b]]).intersection(poly).length
                   for refs, tags in osm["ways"] if walkable(tags)
                   for a, b in zip(refs[:-1], refs[1:], strict=True)) / 1000

    heide = street_km("Heidedorp") / (area["Heidedorp"].area / 1e6)
    kreek = street_km("Kreekdijk") / (area["Kreekdijk"].area / 1e6)
    assert heide < 3.0 < 10.0 < kreek  # km of street per km2


# ----------------------------------------------------------------------------- GTFS
def test_gtfs_files_and_references() -> None:
    for name in ("agency", "stops", "routes", "trips", "stop_times", "calendar",
                 "calendar_dates", "frequencies", "transfers", "feed_info"):
        assert (GTFS / f"{name}.txt").is_file()
    trips, st = read_gtfs("trips.txt"), read_gtfs("stop_times.txt")
    stops, routes = read_gtfs("stops.txt"), read_gtfs("routes.txt")
    assert set(trips.route_id) == set(routes.route_id)
    assert set(st.trip_id) == set(trips.trip_id)
    assert set(st.stop_id) <= set(stops.stop_id)
    assert set(read_gtfs("frequencies.txt").trip_id) <= set(trips.trip_id)
    assert set(trips.service_id) == {"WD", "ZA", "ZO"}


def test_route_types_and_rail_stations() -> None:
    routes = read_gtfs("routes.txt").set_index("route_id")
    assert routes.route_type.to_dict() == {"SPR": "2", "B1": "3", "B2": "3", "B140": "3",
                                           "B141": "3"}
    st = read_gtfs("stop_times.txt").merge(read_gtfs("trips.txt"), on="trip_id")
    names = read_gtfs("stops.txt").set_index("stop_id").stop_name
    rail_stops = {names[s] for s in st[st.route_id == "SPR"].stop_id}
    assert rail_stops == {"Molenwijk", "Veenstad", "Oosterhoeve"}


def test_stop_times_are_ordered_and_timepoints_bound_trips() -> None:
    st = read_gtfs("stop_times.txt")
    st["seq"] = st.stop_sequence.astype(int)
    st = st.sort_values(["trip_id", "seq"], kind="stable")
    by_trip = st.groupby("trip_id", sort=False)
    assert (st.seq == by_trip.cumcount() + 1).all(), "stop_sequence runs 1..n"
    assert (by_trip.arrival_time.first() != "").all() and (by_trip.arrival_time.last() != "").all()
    assert ((st.arrival_time == "") == (st.departure_time == "")).all()
    assert ((st.arrival_time == "") == (st.timepoint == "0")).all()
    timed = st[st.arrival_time != ""].copy()
    timed["arr"] = timed.arrival_time.map(secs)
    timed["dep"] = timed.departure_time.map(secs)
    assert (timed.dep >= timed.arr).all()
    previous_dep = timed.groupby("trip_id", sort=False).dep.shift()
    assert (timed.arr[previous_dep.notna()] >= previous_dep.dropna()).all()
    assert (st.arrival_time == "").sum() > 1000, "many intermediate times are left empty"


def test_trips_past_midnight() -> None:
    st = read_gtfs("stop_times.txt")
    late = st[st.arrival_time.str.match(r"^2[4-9]:")]
    assert {"SPR_WD_0_2350", "SPR_WD_1_2405", "B1_WD_0_2356"} <= set(late.trip_id)
    first = st[st.stop_sequence == "1"].set_index("trip_id").departure_time
    assert first["SPR_WD_1_2405"] == "24:05:00"


def _first_departures(route_id: str, service: str, direction: str = "0") -> list[int]:
    trips = read_gtfs("trips.txt")
    sel = trips[(trips.route_id == route_id) & (trips.service_id == service)
                & (trips.direction_id == direction)]
    st = read_gtfs("stop_times.txt")
    st = st[st.trip_id.isin(sel.trip_id) & (st.stop_sequence == "1")]
    return sorted(secs(t) // 60 for t in st.departure_time)


def test_headways() -> None:
    def gaps(deps: list[int], lo: int, hi: int) -> set[int]:
        d = [t for t in deps if lo * 60 <= t < hi * 60]
        return {b - a for a, b in zip(d[:-1], d[1:], strict=True)}

    spr = _first_departures("SPR", "WD")
    assert gaps(spr, 0, 25) == {30} and spr[0] < 6 * 60 and spr[-1] >= 23 * 60 + 30
    b1 = _first_departures("B1", "WD")
    assert gaps(b1, 7, 19) == {15} and gaps(b1, 19, 24) <= {30, 26}
    b140 = _first_departures("B140", "WD")
    assert gaps(b140, 7, 19) == {30} and gaps(b140, 19, 24) == {60}
    assert gaps(_first_departures("B140", "ZA"), 7, 24) == {60}
    b141 = _first_departures("B141", "WD")
    assert gaps(b141, 0, 24) == {60} and 6 * 60 <= b141[0] and b141[-1] <= 19 * 60
    trips = read_gtfs("trips.txt")
    assert set(trips[trips.route_id == "B141"].service_id) == {"WD"}
    freq = read_gtfs("frequencies.txt")
    assert set(freq.headway_secs) == {"900", "1800"} and set(freq.exact_times) == {"1"}


def _active_services(day: dt.date) -> set[str]:
    cal = read_gtfs("calendar.txt")
    key = day.strftime("%Y%m%d")
    col = day.strftime("%A").lower()
    active = {r.service_id for r in cal.itertuples()
              if r.start_date <= key <= r.end_date and getattr(r, col) == "1"}
    for r in read_gtfs("calendar_dates.txt").itertuples():
        if r.date == key:
            (active.add if r.exception_type == "1" else active.discard)(r.service_id)
    return active


def test_service_calendar() -> None:
    assert dt.date(2026, 12, 1).weekday() == 1
    assert _active_services(dt.date(2026, 12, 1)) == {"WD"}
    assert _active_services(dt.date(2026, 12, 5)) == {"ZA"}
    assert _active_services(dt.date(2026, 12, 6)) == {"ZO"}
    assert _active_services(dt.date(2026, 12, 25)) == {"ZO"}  # Christmas: Sunday service
    assert _active_services(dt.date(2026, 12, 26)) == {"ZO"}  # a Saturday holiday
    assert _active_services(dt.date(2028, 1, 4)) == set()  # after the calendar
    cd = read_gtfs("calendar_dates.txt")
    assert set(cd[cd.exception_type == "2"].date) == HOLIDAYS
    assert set(cd[cd.exception_type == "1"].date) == HOLIDAYS
    assert set(cd[cd.exception_type == "1"].service_id) == {"ZO"}


def test_stops_stand_beside_a_street(street_index: tuple[STRtree, list[LineString]]) -> None:
    tree, segs = street_index
    for s in read_gtfs("stops.txt").itertuples():
        p = rd_point(float(s.stop_lon), float(s.stop_lat))
        d = p.distance(segs[tree.nearest(p)])
        assert 10.0 <= d <= 30.0, (s.stop_id, d)


def test_village_without_service_has_no_stop_within_2km(buurten: dict) -> None:
    heide = next(to_rd(shape(f["geometry"])) for f in buurten["features"]
                 if f["properties"]["buurtnaam"] == "Heidedorp")
    stops = read_gtfs("stops.txt")
    nearest = min(heide.distance(rd_point(float(s.stop_lon), float(s.stop_lat)))
                  for s in stops.itertuples())
    assert nearest > 2000.0


# --------------------------------------------------------------------------- buurten
def test_buurten_attributes_and_population(buurten: dict) -> None:
    ages = ["aantal_inwoners_0_tot_15_jaar", "aantal_inwoners_15_tot_25_jaar",
            "aantal_inwoners_25_tot_45_jaar", "aantal_inwoners_45_tot_65_jaar",
            "aantal_inwoners_65_jaar_en_ouder"]
    props = [f["properties"] for f in buurten["features"]]
    assert 40 <= len(props) <= 80
    codes = [p["buurtcode"] for p in props]
    assert len(set(codes)) == len(codes)
    for p in props:
        assert re.fullmatch(r"BU\d{8}", p["buurtcode"])
        assert p["buurtcode"][2:6] == p["gemeentecode"][2:] == p["wijkcode"][2:6]
        assert p["wijkcode"] == "WK" + p["buurtcode"][2:8]
        assert p["synthetic"] is True
        assert sum(p[a] for a in ages) == p["aantal_inwoners"] >= 0
    total = sum(p["aantal_inwoners"] for p in props)
    town = sum(p["aantal_inwoners"] for p in props if p["wijknaam"].startswith("Veenstad-"))
    assert town == 25_000 and 35_000 < total < 45_000
    gem = json.loads((DEMO / "gemeenten.geojson").read_text(encoding="utf-8"))
    per_gem: dict[str, int] = defaultdict(int)
    for p in props:
        per_gem[p["gemeentecode"]] += p["aantal_inwoners"]
    assert {g["properties"]["gemeentecode"]: g["properties"]["aantal_inwoners"]
            for g in gem["features"]} == dict(per_gem)


def test_buurten_tile_the_gemeenten(buurten: dict) -> None:
    gem = json.loads((DEMO / "gemeenten.geojson").read_text(encoding="utf-8"))
    for g in gem["features"]:
        code = g["properties"]["gemeentecode"]
        parts = [to_rd(shape(f["geometry"])) for f in buurten["features"]
                 if f["properties"]["gemeentecode"] == code]
        for f in buurten["features"]:  # RFC 7946: exterior rings counterclockwise
            geom = shape(f["geometry"])
            assert geom.is_valid and shapely.is_ccw(geom.exterior)
            assert not any(shapely.is_ccw(r) for r in geom.interiors)
        outline = to_rd(shape(g["geometry"]))
        union = unary_union(parts)
        assert abs(sum(p.area for p in parts) - union.area) < 1e3  # m2: no overlaps
        assert union.symmetric_difference(outline).area < 1e3  # no gaps


# ------------------------------------------------------------ steunpunten, gazetteer
NOT_PINNED = "geen vaste locatie (roulerend)"


def test_steunpunten_schema() -> None:
    df = pd.read_csv(DEMO / "steunpunten.csv", dtype=str, keep_default_na=False)
    assert list(df.columns) == ["id", "name", "organisation", "address", "postcode", "city",
                                "lat", "lon", "kind", "capacity_weight", "note", "opening_hours"]
    assert 4 <= len(df) <= 6 and df.id.is_unique
    assert set(df.kind) == {"steunpunt", "satellite", "proposed"}
    assert set(df.capacity_weight) == {"0.5", "1", "2"}
    assert (df.kind == "proposed").sum() == 1
    has_addr, has_xy = df.address != "", (df.lat != "") & (df.lon != "")
    assert (has_addr & ~has_xy).any() and (has_xy & ~has_addr).any()
    unpinned = df[~has_addr & ~has_xy]
    assert list(unpinned.note) == [NOT_PINNED]
    proposed = df[df.kind == "proposed"].iloc[0]
    assert proposed.city == "Zandrecht"


def test_steunpunten_opening_hours() -> None:
    from accessibility.places.opening_hours import location_hours

    df = pd.read_csv(DEMO / "steunpunten.csv", dtype=str, keep_default_na=False)
    hours = location_hours(df, DEMO / "steunpunten.csv")
    week = [dt.date(2026, 11, 30) + dt.timedelta(days=k) for k in range(7)]
    per_day = [hours.intervals(d, 1) for d in week]
    pinned = [i for i, row in enumerate(df.itertuples()) if row.note != NOT_PINNED]
    saturday = per_day[5]
    assert sum(1 for i in pinned if not saturday[i]) >= 2  # some closed on Saturday
    assert any(saturday[i] for i in pinned)
    spans = {i: [s for day in per_day for s in day[i]] for i in pinned}
    afternoon = [i for i, s in spans.items() if len(s) == 1 and s[0][0] >= 12 * 3600]
    assert len(afternoon) == 1  # one open only one afternoon a week
    assert hours.missing_ids == [df.id[i] for i in range(len(df)) if i not in pinned]


def test_gazetteer_covers_every_address_and_agrees_with_coordinates() -> None:
    cache = json.loads((DEMO / "geocode_cache.json").read_text(encoding="utf-8"))
    df = pd.read_csv(DEMO / "steunpunten.csv", dtype=str, keep_default_na=False)
    for r in df[df.address != ""].itertuples():
        key = " ".join(f"{r.address}, {r.postcode} {r.city}".lower().split())
        docs = cache[key]["response"]["docs"]
        assert len(docs) == 1 and docs[0]["woonplaatsnaam"] == r.city
        lon, lat = map(float, re.fullmatch(r"POINT\((\S+) (\S+)\)", docs[0]["centroide_ll"])
                       .groups())
        x, y = map(float, re.fullmatch(r"POINT\((\S+) (\S+)\)", docs[0]["centroide_rd"])
                   .groups())
        # RD <-> WGS84 transformations differ by up to ~1 m between PROJ set-ups.
        assert rd_point(lon, lat).distance(Point(x, y)) < 1.0
        if r.lat:
            assert rd_point(float(r.lon), float(r.lat)).distance(Point(x, y)) < 1.0
    for key, body in cache.items():
        assert key == " ".join(key.lower().split())
        resp = body["response"]
        assert resp["numFound"] == len(resp["docs"]) and resp["numFoundExact"] is True
        assert resp["start"] == 0
        assert math.isclose(resp["maxScore"], max((d["score"] for d in resp["docs"]),
                                                  default=0.0))
        for d in resp["docs"]:
            assert d["type"] == "adres" and d["provincienaam"] == "Flevoland"
            assert d["id"].startswith("adr-") and d["gemeentecode"].startswith("99")
            assert len(d["nummeraanduiding_id"]) == 16
    ambiguous = cache["kerkstraat 1"]["response"]["docs"]
    assert len(ambiguous) == 2
    assert abs(ambiguous[0]["score"] - ambiguous[1]["score"]) < 0.05 * ambiguous[0]["score"]
    assert cache["nergensweg 99, 9999zz nergenshuizen"]["response"]["numFound"] == 0


def test_gazetteer_addresses_lie_beside_their_street(
        osm: dict, street_index: tuple[STRtree, list[LineString]]) -> None:
    tree, segs = street_index
    cache = json.loads((DEMO / "geocode_cache.json").read_text(encoding="utf-8"))
    for body in cache.values():
        for d in body["response"]["docs"]:
            x, y = map(float, d["centroide_rd"][6:-1].split())
            p = Point(x, y)
            assert 5.0 <= p.distance(segs[tree.nearest(p)]) <= 30.0, d["weergavenaam"]
    names = {tags.get("name") for _, tags in osm["ways"]}
    assert {d["straatnaam"] for b in cache.values() for d in b["response"]["docs"]} <= names


# ------------------------------------------------------------- prevalence, config
def test_prevalence_and_region_config(buurten: dict) -> None:
    cfg = tomllib.loads((REPO / "data" / "regions" / "demo.toml").read_text(encoding="utf-8"))
    assert cfg["name"] == "demo" and cfg["synthetic"] is True
    gem_codes = sorted({f["properties"]["gemeentecode"] for f in buurten["features"]})
    assert cfg["gemeenten"] == gem_codes
    for key, value in cfg["inputs"].items():
        for rel in value if isinstance(value, list) else [value]:
            assert (REPO / rel).exists(), (key, rel)
    prev = pd.read_csv(DEMO / "prevalence.csv", dtype={"gemeentecode": str})
    assert sorted(prev.gemeentecode) == gem_codes
    assert prev.prevalence_percent.between(1.2, 1.5).all()
    days = {cfg["analysis"]["date"]} | {w["date"] for w in cfg["time_windows"].values()}
    for day in days:
        assert _active_services(dt.date.fromisoformat(day)), day
