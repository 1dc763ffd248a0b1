"""Tests of accessibility.sources against a local HTTP server serving real formats."""

from __future__ import annotations

import hashlib
import io
import json
import socket
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import osmium
import pandas as pd
import pytest
from osmium.osm.mutable import Node, Relation, Way
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Request, Response

from accessibility.config import load_region
from accessibility.errors import DownloadError, GtfsError, InputError, OsmError
from accessibility.sources._http import download, get_json, part_path
from accessibility.sources.cbs import fetch_buurten, fetch_buurten_ogc, normalise_buurten
from accessibility.sources.fetch import fetch_region, region_bbox
from accessibility.sources.osm import clip_osm
from accessibility.sources.ovapi import clip_gtfs

FAST = {"retries": 2, "backoff_s": 0.0, "timeout_s": 5.0}
# Region box around Hilversum (min_lon, min_lat, max_lon, max_lat)
BBOX = (5.10, 52.20, 5.25, 52.30)


# ------------------------------------------------------------------ builders
def _csv(rows: list[dict]) -> str:
    return pd.DataFrame(rows).to_csv(index=False)


def make_gtfs() -> bytes:
    """A small GTFS zip: stops in and out of BBOX, three with impossible coordinates."""
    stops = [
        {"stop_id": "P", "stop_name": "Hilversum station", "stop_lat": "52.2260", "stop_lon": "5.1810",
         "location_type": "1", "parent_station": ""},
        {"stop_id": "A", "stop_name": "Hilversum perron 1", "stop_lat": "52.2262", "stop_lon": "5.1812",
         "location_type": "0", "parent_station": "P"},
        {"stop_id": "B", "stop_name": "Hilversum Noord", "stop_lat": "52.2400", "stop_lon": "5.1700",
         "location_type": "0", "parent_station": ""},
        {"stop_id": "C", "stop_name": "Amsterdam Centraal", "stop_lat": "52.3780", "stop_lon": "4.9000",
         "location_type": "0", "parent_station": ""},
        {"stop_id": "D", "stop_name": "Utrecht Centraal", "stop_lat": "52.0890", "stop_lon": "5.1100",
         "location_type": "0", "parent_station": ""},
        {"stop_id": "E", "stop_name": "Kapot 1", "stop_lat": "0.000123", "stop_lon": "0.000456",
         "location_type": "0", "parent_station": ""},
        {"stop_id": "Z1", "stop_name": "Kapot 2", "stop_lat": "0.0", "stop_lon": "0.0",
         "location_type": "0", "parent_station": ""},
        {"stop_id": "Z2", "stop_name": "Kapot 3", "stop_lat": "12.5", "stop_lon": "5.2",
         "location_type": "0", "parent_station": ""},
    ]
    st = []
    for trip, calls in {"T1": "ABC", "T2": "CD", "T3": "DAE", "T4": "CZ"}.items():
        for i, s in enumerate(calls):
            stop = "Z1" if s == "Z" else s
            t = f"10:{10 * i:02d}:00"
            st.append({"trip_id": trip, "arrival_time": t, "departure_time": t,
                       "stop_id": stop, "stop_sequence": str(i + 1)})
    trips = [{"route_id": r, "service_id": s, "trip_id": t, "shape_id": f"sh{t}"}
             for t, r, s in [("T1", "R1", "S1"), ("T2", "R2", "S3"), ("T3", "R1", "S2"),
                             ("T4", "R2", "S3")]]
    files = {
        "agency.txt": _csv([
            {"agency_id": "AG1", "agency_name": "Bus Gooi", "agency_url": "http://a", "agency_timezone": "Europe/Amsterdam"},
            {"agency_id": "AG2", "agency_name": "Elders", "agency_url": "http://b", "agency_timezone": "Europe/Amsterdam"},
        ]),
        "routes.txt": _csv([
            {"route_id": "R1", "agency_id": "AG1", "route_short_name": "1", "route_type": "3"},
            {"route_id": "R2", "agency_id": "AG2", "route_short_name": "2", "route_type": "3"},
        ]),
        "trips.txt": _csv(trips),
        "stops.txt": _csv(stops),
        "stop_times.txt": _csv(st),
        "calendar_dates.txt": _csv([
            {"service_id": "S1", "date": "20261201", "exception_type": "1"},
            {"service_id": "S2", "date": "20261215", "exception_type": "1"},
            {"service_id": "S2", "date": "20261130", "exception_type": "2"},
            {"service_id": "S3", "date": "20261101", "exception_type": "1"},
        ]),
        "shapes.txt": _csv([{"shape_id": "shT1", "shape_pt_lat": "52.2", "shape_pt_lon": "5.1",
                             "shape_pt_sequence": "1"}]),
        "transfers.txt": _csv([
            {"from_stop_id": "A", "to_stop_id": "B", "transfer_type": "2", "min_transfer_time": "120"},
            {"from_stop_id": "C", "to_stop_id": "Z1", "transfer_type": "2", "min_transfer_time": "60"},
        ]),
        "frequencies.txt": _csv([
            {"trip_id": "T1", "start_time": "06:00:00", "end_time": "20:00:00", "headway_secs": "900"},
            {"trip_id": "T2", "start_time": "06:00:00", "end_time": "20:00:00", "headway_secs": "900"},
        ]),
        "feed_info.txt": _csv([{"feed_publisher_name": "test", "feed_publisher_url": "http://t",
                                "feed_lang": "nl"}]),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buf.getvalue()


def make_osm(path: Path) -> None:
    """A tiny OSM PBF: one street crossing the BBOX edge, one far away, two relations."""
    nodes = {1: (5.15, 52.25), 2: (5.20, 52.26), 3: (5.40, 52.26),  # 3 is outside
             4: (4.90, 52.37), 5: (4.91, 52.37)}                     # Amsterdam
    with osmium.SimpleWriter(str(path), overwrite=True) as w:
        for nid, (lon, lat) in nodes.items():
            w.add_node(Node(id=nid, location=(lon, lat), version=1))
        w.add_way(Way(id=10, nodes=[1, 2, 3], tags={"highway": "residential"}, version=1))
        w.add_way(Way(id=11, nodes=[4, 5], tags={"highway": "footway"}, version=1))
        w.add_relation(Relation(id=100, members=[("w", 10, "")], tags={"type": "route"}, version=1))
        w.add_relation(Relation(id=101, members=[("w", 11, "")], tags={"type": "route"}, version=1))


def _square(lon: float, lat: float, d: float = 0.01) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d],
                                                [lon, lat + d], [lon, lat]]]}


def _buurt(code: str, gm: str, inhabitants: int, lon: float, lat: float) -> dict:
    return {"type": "Feature", "id": code, "geometry": _square(lon, lat),
            "properties": {"buurtcode": code, "buurtnaam": f"Buurt {code}", "wijkcode": "WK" + code[2:8],
                           "gemeentecode": gm, "gemeentenaam": {"GM0402": "Hilversum", "GM0406": "Huizen"}.get(gm, "X"),
                           "water": "NEE", "aantal_inwoners": inhabitants,
                           "percentage_personen_0_tot_15_jaar": 15,
                           "percentage_personen_15_tot_25_jaar": 10,
                           "percentage_personen_25_tot_45_jaar": 25,
                           "percentage_personen_45_tot_65_jaar": 30,
                           "percentage_personen_65_jaar_en_ouder": -99997 if inhabitants < 0 else 20,
                           "aantal_bedrijfsvestigingen": 3}}


def ogc_handler(server: HTTPServer, base: str = "/ogc") -> Callable[[Request], Response]:
    """PDOK OGC API Features: GM0402 in two pages (next link), GM0406 in one, others empty."""
    pages = {
        ("GM0402", "1"): [_buurt("BU04020001", "GM0402", 1200, 5.17, 52.22),
                          _buurt("BU04020002", "GM0402", 800, 5.18, 52.23)],
        ("GM0402", "2"): [_buurt("BU04020003", "GM0402", -99997, 5.19, 52.24),
                          _buurt("BU03630000", "GM0363", 5000, 4.90, 52.37)],  # wrong gemeente
        ("GM0406", "1"): [_buurt("BU04060001", "GM0406", 3000, 5.24, 52.29)],
    }

    def handle(req: Request) -> Response:
        gm, page = req.args.get("gemeentecode", ""), req.args.get("page", "1")
        assert req.args.get("f") == "json"
        feats = pages.get((gm, page), [])
        links = [{"rel": "self", "href": req.url}]
        if (gm, str(int(page) + 1)) in pages:
            nxt = server.url_for(f"{base}/collections/buurten/items") + \
                f"?f=json&gemeentecode={gm}&limit=2&page={int(page) + 1}"
            links.append({"rel": "next", "type": "application/geo+json", "href": nxt})
        body = {"type": "FeatureCollection", "numberReturned": len(feats), "features": feats,
                "links": links, "timeStamp": "2026-11-22T18:00:00Z"}
        return Response(json.dumps(body), content_type="application/geo+json")

    return handle


def range_handler(data: bytes, etag: str = '"v1"', truncate_first: int | None = None,
                  fail_first: int = 0) -> tuple[Callable[[Request], Response], list[dict]]:
    """Serve ``data`` with Range support; optionally cut the first full answer or fail with 500."""
    calls: list[dict] = []

    def handle(req: Request) -> Response:
        calls.append({"range": req.headers.get("Range"), "if_range": req.headers.get("If-Range")})
        if len(calls) <= fail_first:
            return Response("busy", status=500)
        rng = req.headers.get("Range")
        if rng and req.headers.get("If-Range") == etag:
            start = int(rng.split("=")[1].split("-")[0])
            return Response(data[start:], status=206, headers={
                "ETag": etag, "Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}"})
        body = data
        if truncate_first is not None and sum(c["range"] is None for c in calls) == 1:
            body = data[:truncate_first]
        resp = Response(body, status=200, headers={"ETag": etag,
                                                   "Last-Modified": "Sun, 22 Nov 2026 03:00:00 GMT"})
        resp.headers["Content-Length"] = str(len(data))
        return resp

    return handle, calls


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ _http
def test_download_complete_and_skip(httpserver: HTTPServer, tmp_path: Path) -> None:
    data = bytes(range(256)) * 100
    handle, calls = range_handler(data)
    httpserver.expect_request("/f.bin").respond_with_handler(handle)
    dest = tmp_path / "sub" / "f.bin"
    res = download(httpserver.url_for("/f.bin"), dest, sha256=hashlib.sha256(data).hexdigest(),
                   progress=False, **FAST)
    assert dest.read_bytes() == data and res.size_bytes == len(data) and not res.resumed
    assert res.last_modified == "Sun, 22 Nov 2026 03:00:00 GMT"
    assert not part_path(dest).exists()
    again = download(httpserver.url_for("/f.bin"), dest, progress=False, **FAST)
    assert again.skipped and len(calls) == 1


def test_download_retries_after_500(httpserver: HTTPServer, tmp_path: Path) -> None:
    data = b"gtfs" * 1000
    handle, calls = range_handler(data, fail_first=2)
    httpserver.expect_request("/f.bin").respond_with_handler(handle)
    res = download(httpserver.url_for("/f.bin"), tmp_path / "f.bin", progress=False, **FAST)
    assert res.path.read_bytes() == data and len(calls) == 3


def test_download_500_forever_names_status(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/f.bin").respond_with_data("down", status=503)
    with pytest.raises(DownloadError, match=r"failed after 3 attempts: HTTP 503"):
        download(httpserver.url_for("/f.bin"), tmp_path / "f.bin", progress=False, **FAST)
    assert not (tmp_path / "f.bin").exists()


def test_download_404_fails_at_once(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/missing.zip").respond_with_data("nope", status=404)
    with pytest.raises(DownloadError, match=r"missing\.zip failed: HTTP 404.*check the URL"):
        download(httpserver.url_for("/missing.zip"), tmp_path / "m.zip", progress=False, **FAST)
    assert len(httpserver.log) == 1


def test_download_server_down(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}/gtfs-nl.zip"
    with pytest.raises(DownloadError, match=r"after 3 attempts: connection failed"):
        download(url, tmp_path / "g.zip", progress=False, **FAST)


def test_truncated_download_resumes_with_range(httpserver: HTTPServer, tmp_path: Path) -> None:
    data = bytes(range(256)) * 1200  # 307,200 bytes; the first answer stops at 200,000
    handle, calls = range_handler(data, truncate_first=200_000)
    httpserver.expect_request("/big.bin").respond_with_handler(handle)
    res = download(httpserver.url_for("/big.bin"), tmp_path / "big.bin", progress=False, **FAST)
    assert res.path.read_bytes() == data and res.resumed
    assert calls[0]["range"] is None
    assert calls[1]["range"].startswith("bytes=") and calls[1]["if_range"] == '"v1"'
    assert int(calls[1]["range"][6:-1]) > 0


def test_truncated_forever_keeps_part_and_says_so(httpserver: HTTPServer, tmp_path: Path) -> None:
    data = bytes(range(256)) * 1200

    def handle(req: Request) -> Response:  # never serves the tail, never honours Range
        resp = Response(data[:200_000], headers={"ETag": '"v1"'})
        resp.headers["Content-Length"] = str(len(data))
        return resp

    httpserver.expect_request("/big.bin").respond_with_handler(handle)
    dest = tmp_path / "big.bin"
    with pytest.raises(DownloadError, match=r"partial file .*big\.bin\.part .* is kept, rerun to resume"):
        download(httpserver.url_for("/big.bin"), dest, progress=False, **FAST)
    assert not dest.exists() and part_path(dest).exists()


def test_resume_from_earlier_run(httpserver: HTTPServer, tmp_path: Path) -> None:
    data = bytes(range(256)) * 1200
    handle, calls = range_handler(data, truncate_first=200_000)
    httpserver.expect_request("/big.bin").respond_with_handler(handle)
    dest = tmp_path / "big.bin"
    with pytest.raises(DownloadError):  # the first run gives up after the cut
        download(httpserver.url_for("/big.bin"), dest, progress=False, retries=0, backoff_s=0)
    have = part_path(dest).stat().st_size
    assert 0 < have < len(data) and not dest.exists()
    res = download(httpserver.url_for("/big.bin"), dest, progress=False, **FAST)
    assert res.resumed and dest.read_bytes() == data
    assert calls[-1]["range"] == f"bytes={have}-"


def test_sha256_mismatch(httpserver: HTTPServer, tmp_path: Path) -> None:
    handle, _ = range_handler(b"abc" * 10)
    httpserver.expect_request("/f.bin").respond_with_handler(handle)
    with pytest.raises(DownloadError, match="SHA-256"):
        download(httpserver.url_for("/f.bin"), tmp_path / "f.bin", sha256="0" * 64,
                 progress=False, **FAST)
    assert not (tmp_path / "f.bin").exists()


def test_get_json_not_json(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data("<html>", content_type="text/html")
    with pytest.raises(DownloadError, match="did not answer JSON"):
        get_json(httpserver.url_for("/x"), **FAST)


# ------------------------------------------------------------------ GTFS clip
def test_clip_gtfs_keeps_whole_trips(tmp_path: Path) -> None:
    src = tmp_path / "gtfs-nl.zip"
    src.write_bytes(make_gtfs())
    stats = clip_gtfs(src, tmp_path / "gtfs.zip", BBOX, chunk_rows=2)
    assert stats.stops_total == 8 and stats.stops_invalid == 3
    assert stats.stops_inside == 3            # P, A, B
    assert stats.trips_total == 4 and stats.trips_kept == 2
    assert stats.stop_times_kept == 5 and stats.stop_times_dropped == 1  # T3's call at E
    assert (stats.routes_kept, stats.agencies_kept, stats.services_kept) == (1, 1, 2)
    assert (stats.feed_start, stats.feed_end) == ("20261201", "20261215")
    with zipfile.ZipFile(tmp_path / "gtfs.zip") as zf:
        def read(name: str) -> pd.DataFrame:
            return pd.read_csv(zf.open(name), dtype=str, keep_default_na=False)
        assert "shapes.txt" not in zf.namelist()
        assert sorted(read("stops.txt")["stop_id"]) == ["A", "B", "C", "D", "P"]
        st = read("stop_times.txt")
        assert list(st["trip_id"] + st["stop_id"]) == ["T1A", "T1B", "T1C", "T3D", "T3A"]
        assert set(read("trips.txt")["trip_id"]) == {"T1", "T3"}
        assert set(read("trips.txt")["shape_id"]) == {""}
        assert list(read("agency.txt")["agency_id"]) == ["AG1"]
        assert sorted(read("calendar_dates.txt")["date"]) == ["20261130", "20261201", "20261215"]
        assert list(read("transfers.txt")["from_stop_id"]) == ["A"]
        assert list(read("frequencies.txt")["trip_id"]) == ["T1"]
        assert "feed_info.txt" in zf.namelist()


def test_clip_gtfs_no_stop_in_region(tmp_path: Path) -> None:
    src = tmp_path / "gtfs-nl.zip"
    src.write_bytes(make_gtfs())
    with pytest.raises(GtfsError, match=r"none of its 8 stops \(3 with impossible coordinates\)"):
        clip_gtfs(src, tmp_path / "gtfs.zip", (6.5, 53.0, 6.7, 53.2))
    assert not (tmp_path / "gtfs.zip").exists()


def test_clip_gtfs_not_a_zip(tmp_path: Path) -> None:
    src = tmp_path / "gtfs-nl.zip"
    src.write_text("<html>maintenance</html>")
    with pytest.raises(GtfsError, match="not a readable GTFS zip"):
        clip_gtfs(src, tmp_path / "gtfs.zip", BBOX)


# ------------------------------------------------------------------ OSM clip
def test_clip_osm_complete_ways(tmp_path: Path) -> None:
    make_osm(tmp_path / "nh.osm.pbf")
    stats = clip_osm([tmp_path / "nh.osm.pbf"], tmp_path / "osm.pbf", BBOX)
    assert (stats.nodes, stats.ways, stats.relations, stats.nodes_inside) == (3, 1, 1, 2)
    ids = {(o.type_str(), o.id) for o in osmium.FileProcessor(str(tmp_path / "osm.pbf"))}
    assert ids == {("n", 1), ("n", 2), ("n", 3), ("w", 10), ("r", 100)}


def test_clip_osm_two_extracts_merged(tmp_path: Path) -> None:
    make_osm(tmp_path / "nh.osm.pbf")
    with osmium.SimpleWriter(str(tmp_path / "ut.osm.pbf")) as w:  # overlaps nh: node 2, way 10
        w.add_node(Node(id=2, location=(5.20, 52.26), version=1))
        w.add_node(Node(id=6, location=(5.22, 52.21), version=1))
        w.add_way(Way(id=10, nodes=[1, 2, 3], tags={"highway": "residential"}, version=1))
        w.add_way(Way(id=12, nodes=[2, 6], tags={"highway": "path"}, version=1))
    stats = clip_osm([tmp_path / "nh.osm.pbf", tmp_path / "ut.osm.pbf"], tmp_path / "osm.pbf", BBOX)
    assert (stats.nodes, stats.ways, stats.relations) == (4, 2, 1)


def test_clip_osm_outside(tmp_path: Path) -> None:
    make_osm(tmp_path / "nh.osm.pbf")
    with pytest.raises(OsmError, match="no node of .* lies inside"):
        clip_osm([tmp_path / "nh.osm.pbf"], tmp_path / "osm.pbf", (6.5, 53.0, 6.7, 53.2))
    assert not (tmp_path / "osm.pbf").exists()


# ------------------------------------------------------------------ CBS
def test_ogc_two_pages_normalised(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ogc/collections/buurten/items").respond_with_handler(
        ogc_handler(httpserver))
    raw = fetch_buurten_ogc(httpserver.url_for("/ogc"), ["GM0402", "GM0406"], limit=2, **FAST)
    assert len(raw) == 5 and len(httpserver.log) == 3
    gdf, counts = normalise_buurten(raw, ["GM0402", "GM0406"])
    assert list(gdf["buurtcode"]) == ["BU04020001", "BU04020002", "BU04020003", "BU04060001"]
    assert counts == {"buurten": 4, "other_gemeente_dropped": 1, "duplicates_dropped": 0,
                      "inhabitants_missing": 1, "inhabitants": 5000}
    assert gdf.crs.to_epsg() == 28992
    assert gdf["aantal_inwoners"].isna().sum() == 1
    assert gdf.loc[0, "percentage_personen_65_jaar_en_ouder"] == 20
    assert "aantal_bedrijfsvestigingen" not in gdf.columns
    x, y = gdf.geometry.iloc[0].exterior.coords[0]  # 5.17 E 52.22 N in RD New
    assert 140_000 < x < 145_000 and 467_000 < y < 472_000


def test_pdok_no_buurten(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ogc/collections/buurten/items").respond_with_handler(
        ogc_handler(httpserver))
    with pytest.raises(InputError, match="returned no buurten for gemeenten GM9999"):
        fetch_buurten(httpserver.url_for("/ogc"), httpserver.url_for("/wfs"), ["GM9999"], **FAST)


def test_wfs_fallback(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ogc/collections/buurten/items").respond_with_data("x", status=503)
    rd = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[
            [140000, 470000], [141000, 470000], [141000, 471000], [140000, 471000], [140000, 470000]]]},
         "properties": {"buurtcode": "BU04020001", "buurtnaam": "Centrum", "wijkcode": "WK040200",
                        "gemeentecode": "GM0402", "gemeentenaam": "Hilversum", "water": "NEE",
                        "aantal_inwoners": 2500}}]}
    httpserver.expect_request("/wfs").respond_with_json(rd)
    gdf, counts = fetch_buurten(httpserver.url_for("/ogc"), httpserver.url_for("/wfs"), ["GM0402"],
                                **FAST)
    assert counts["source"] == "wfs" and counts["inhabitants"] == 2500
    assert gdf.geometry.iloc[0].area == pytest.approx(1_000_000)
    wfs_req = [r for r, _ in httpserver.log if r.path == "/wfs"][0]
    assert wfs_req.args["typeNames"] == "wijkenbuurten:buurten"
    assert "<Literal>GM0402</Literal>" in wfs_req.args["filter"]


# ------------------------------------------------------------------ fetch + CLI
def _serve_all(httpserver: HTTPServer, tmp_path: Path) -> Path:
    httpserver.expect_request("/ogc/collections/buurten/items").respond_with_handler(
        ogc_handler(httpserver))
    handle, _ = range_handler(make_gtfs())
    httpserver.expect_request("/gtfs/gtfs-nl.zip").respond_with_handler(handle)
    make_osm(tmp_path / "src.osm.pbf")
    handle_osm, _ = range_handler((tmp_path / "src.osm.pbf").read_bytes())
    httpserver.expect_request("/geofabrik/noord-holland-latest.osm.pbf").respond_with_handler(handle_osm)
    region = tmp_path / "testregio.toml"
    region.write_text(
        'name = "testregio"\ngemeenten = ["GM0402", "GM0406"]\nbuffer_km = 1\n[sources]\n'
        f'gtfs_url = "{httpserver.url_for("/gtfs/gtfs-nl.zip")}"\n'
        f'osm_url = "{httpserver.url_for("/geofabrik/noord-holland-latest.osm.pbf")}"\n'
        f'cbs_ogc_url = "{httpserver.url_for("/ogc")}"\n'
        f'cbs_wfs_url = "{httpserver.url_for("/wfs")}"\n', encoding="utf-8")
    return region


def test_fetch_region_end_to_end(httpserver: HTTPServer, tmp_path: Path) -> None:
    cfg = load_region(_serve_all(httpserver, tmp_path))
    cache = tmp_path / "cache"
    summary = fetch_region(cfg, cache, progress=False, http=FAST)
    region_dir = cache / "testregio"
    assert {i.name: i.path for i in summary.items} == {
        "buurten": region_dir / "buurten.gpkg", "gtfs": region_dir / "gtfs.zip",
        "osm": region_dir / "osm.pbf"}
    assert cfg.resolve_inputs(cache).gtfs == (region_dir / "gtfs.zip",)
    details = {i.name: i.details for i in summary.items}
    assert details["buurten"]["buurten"] == 4 and details["buurten"]["inhabitants"] == 5000
    assert details["gtfs"]["trips_kept"] == 2 and details["osm"]["ways"] == 1
    # bbox = buurten extent (5.17..5.25 E, 52.22..52.30 N) plus 1 km
    lon0, lat0, lon1, lat1 = summary.bbox
    assert 5.14 < lon0 < 5.17 and 52.20 < lat0 < 52.22 and 5.25 < lon1 < 5.28 and 52.30 < lat1 < 52.32
    assert len(gpd.read_file(region_dir / "buurten.gpkg")) == 4
    assert (cache / "downloads" / "gtfs-nl.zip").exists()
    assert not list(cache.rglob("*.part"))
    manifest = json.loads((region_dir / "fetch.json").read_text())
    assert manifest["items"]["gtfs"]["details"]["stops_kept"] == 5
    # a rerun reuses everything and asks the servers for nothing but nothing new
    n_requests = len(httpserver.log)
    again = fetch_region(cfg, cache, progress=False, http=FAST)
    assert all(i.reused for i in again.items) and len(httpserver.log) == n_requests


def test_cli_fetch_and_errors(httpserver: HTTPServer, tmp_path: Path) -> None:
    from accessibility.cli import app

    region = _serve_all(httpserver, tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["data", "fetch", "--region", str(region), "--cache",
                                 str(tmp_path / "c"), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "gtfs.zip" in result.output and "osm.pbf" in result.output
    assert "4 buurten" in result.output
    bad = runner.invoke(app, ["data", "fetch", "--region", "no-such-region"])
    assert bad.exit_code == 1 and "available regions" in " ".join(bad.output.split())
    assert "Traceback" not in bad.output


def test_fetch_national_region_like_a_regional_one(httpserver: HTTPServer, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """``data fetch --region nederland``: the shipped file, all 342 gemeenten asked for."""
    from accessibility.cli import app

    _serve_all(httpserver, tmp_path)
    monkeypatch.setenv("ACCESSIBILITY_GTFS_URL", httpserver.url_for("/gtfs/gtfs-nl.zip"))
    monkeypatch.setenv("ACCESSIBILITY_OSM_URL",
                       httpserver.url_for("/geofabrik/noord-holland-latest.osm.pbf"))
    monkeypatch.setenv("ACCESSIBILITY_CBS_OGC_URL", httpserver.url_for("/ogc"))
    monkeypatch.setenv("ACCESSIBILITY_CBS_WFS_URL", httpserver.url_for("/wfs"))
    result = CliRunner().invoke(app, ["data", "fetch", "--region", "nederland", "--cache",
                                      str(tmp_path / "c"), "--no-progress"])
    assert result.exit_code == 0, result.output
    asked = {r.args.get("gemeentecode") for r, _ in httpserver.log if r.path.endswith("/items")}
    assert len(asked) == 342 and {"GM0402", "GM0406", "GM0014"} <= asked
    region_dir = tmp_path / "c" / "nederland"
    assert {p.name for p in region_dir.iterdir()} >= {"buurten.gpkg", "gtfs.zip", "osm.pbf",
                                                       "fetch.json"}
    manifest = json.loads((region_dir / "fetch.json").read_text())
    # every served buurt belongs to a Dutch gemeente, Amsterdam's (GM0363) included
    assert manifest["items"]["buurten"]["details"]["buurten"] == 5
    assert len(manifest["gemeenten"]) == 342


def test_region_bbox_from_config_bbox(tmp_path: Path) -> None:
    p = tmp_path / "b.toml"
    p.write_text('name = "b"\ngemeenten = ["GM0402"]\nbbox = [5.1, 52.2, 5.2, 52.3]\nbuffer_km = 0\n')
    cfg = load_region(p)
    bb = region_bbox(cfg, None)
    assert bb[0] == pytest.approx(5.1, abs=2e-3) and bb[3] == pytest.approx(52.3, abs=2e-3)
