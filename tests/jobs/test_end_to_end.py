"""Fetch -> isochrones -> white spots against a local server speaking the real formats.

The local server plays OVapi (a GTFS zip), Geofabrik (an OSM PBF), PDOK's OGC
API Features for CBS buurten and the PDOK Locatieserver. It serves the demo
region's data in those formats, so the region fetched and analysed online must
give exactly the figures of the offline demo run.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import osmium
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from accessibility.config import load_region
from accessibility.jobs.isochrones import run_isochrones
from accessibility.jobs.region import RegionData
from accessibility.jobs.whitespots import run_whitespots
from accessibility.sources.fetch import fetch_region

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def _gtfs_zip(path: Path) -> bytes:
    with zipfile.ZipFile(path, "w") as zf:
        for f in sorted((DEMO / "gtfs").glob("*.txt")):
            zf.write(f, f.name)
    return path.read_bytes()


def _osm_pbf(path: Path) -> bytes:
    with osmium.SimpleWriter(str(path), overwrite=True) as writer:
        for obj in osmium.FileProcessor(str(DEMO / "streets.osm")):
            if obj.is_node():
                writer.add_node(obj)
            elif obj.is_way():
                writer.add_way(obj)
            elif obj.is_relation():
                writer.add_relation(obj)
    return path.read_bytes()


def _buurten_handler(features: list[dict]):
    def handle(request: Request) -> Response:
        gm = request.args.get("gemeentecode", "")
        chosen = [f for f in features if f["properties"]["gemeentecode"] == gm]
        body = {"type": "FeatureCollection", "numberReturned": len(chosen), "features": chosen,
                "links": [{"rel": "self", "href": request.url}]}
        return Response(json.dumps(body), content_type="application/geo+json")
    return handle


def _geocoder_handler(cache: dict[str, dict]):
    def handle(request: Request) -> Response:
        query = " ".join(request.args.get("q", "").lower().split())
        empty = {"response": {"numFound": 0, "start": 0, "maxScore": 0.0, "docs": []}}
        return Response(json.dumps(cache.get(query, empty)), content_type="application/json")
    return handle


@pytest.fixture()
def served_region(httpserver: HTTPServer, tmp_path: Path) -> Path:
    httpserver.expect_request("/ovapi/gtfs-nl.zip").respond_with_data(
        _gtfs_zip(tmp_path / "gtfs-nl.zip"), content_type="application/zip")
    httpserver.expect_request("/geofabrik/flevoland-latest.osm.pbf").respond_with_data(
        _osm_pbf(tmp_path / "flevoland.osm.pbf"), content_type="application/octet-stream")
    features = json.loads((DEMO / "buurten.geojson").read_text(encoding="utf-8"))["features"]
    httpserver.expect_request("/pdok/collections/buurten/items").respond_with_handler(
        _buurten_handler(features))
    gazetteer = json.loads((DEMO / "geocode_cache.json").read_text(encoding="utf-8"))
    httpserver.expect_request("/locatieserver/free").respond_with_handler(_geocoder_handler(gazetteer))

    demo_toml = (DEMO.parent / "regions" / "demo.toml").read_text(encoding="utf-8")
    analysis = demo_toml[demo_toml.index("[analysis]"):]
    region = tmp_path / "onlineregio.toml"
    region.write_text(
        'name = "onlineregio"\ntitle = "Online test region"\nsynthetic = false\n'
        'gemeenten = ["GM9901", "GM9902", "GM9903"]\nprovince = "Flevoland"\nbuffer_km = 2\n'
        f'[inputs]\nlocations = "{DEMO / "steunpunten.csv"}"\n'
        f'prevalence = "{DEMO / "prevalence.csv"}"\n'
        + analysis
        + "\n[sources]\n"
        f'gtfs_url = "{httpserver.url_for("/ovapi/gtfs-nl.zip")}"\n'
        f'osm_url = "{httpserver.url_for("/geofabrik/flevoland-latest.osm.pbf")}"\n'
        f'cbs_ogc_url = "{httpserver.url_for("/pdok")}"\n'
        f'cbs_wfs_url = "{httpserver.url_for("/wfs")}"\n'
        f'locatieserver_url = "{httpserver.url_for("/locatieserver")}"\n',
        encoding="utf-8")
    return region


def test_fetch_then_isochrones_and_whitespots(served_region: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    summary = fetch_region(load_region(served_region), cache, progress=False)
    region_dir = cache / "onlineregio"
    assert {i.name for i in summary.items} == {"gtfs", "osm", "buurten"}
    assert len(gpd.read_file(region_dir / "buurten.gpkg")) == 43

    online = RegionData.load(served_region, cache_dir=cache, offline=False)
    iso = run_isochrones(online, tmp_path / "out" / "isochrones")
    assert (iso.out_dir / "isochrones.gpkg").exists() and len(iso.summary) == 5
    # Addresses were geocoded through the local Locatieserver and cached next to the data.
    cached = json.loads((region_dir / "geocode_cache.json").read_text(encoding="utf-8"))
    assert "dorpsstraat 8, 9935aa zandrecht" in cached

    white = run_whitespots(online, tmp_path / "out" / "whitespots")
    offline = run_whitespots(RegionData.load("demo", cache_dir=cache), tmp_path / "demo")
    assert white.coverage.region["population"] == pytest.approx(39_670)
    for column in ("population_beyond_norm", "n_witte_vlekken", "epa_estimate"):
        assert white.coverage.region[column] == pytest.approx(offline.coverage.region[column])
