"""The jobs' maps on a region whose OSM extract has the full background.

The demo extract holds streets only. This copy of the demo region adds what a
Geofabrik extract has: place nodes for its six places, built-up land use
around them and a lake, so the whole background (water, built-up land, main
roads, place and gemeente names) reaches the static and web maps. Heidedorp,
without any public transport, is the thin-transport case.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from browser import headless_chromium, keep_screenshot
from map_inputs import png_pixels
from matplotlib import colors

from accessibility.basemap import read_background
from accessibility.jobs.candidates import candidate_frame
from accessibility.jobs.check_location import run_check_location
from accessibility.jobs.region import RegionData
from accessibility.jobs.whitespots import run_whitespots
from accessibility.outputs.maps.background import BUILT_UP_COLOUR, WATER_COLOUR

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "data" / "demo"
#: Place centres (lat, lon) of data/demo/README.md.
PLACES = {"Veenstad": ("town", 52.5488, 5.2693), "Oosterhoeve": ("village", 52.5551, 5.4462),
          "Molenwijk": ("village", 52.5727, 5.0922), "Zandrecht": ("village", 52.4607, 5.2548),
          "Kreekdijk": ("village", 52.4694, 5.1002), "Heidedorp": ("village", 52.6405, 5.3946)}
LAKE = shapely.box(5.31, 52.47, 5.36, 52.50)  # lon/lat, in the empty south-east polder


def _way(way_id: int, node_id: int, ring, tags: dict[str, str]) -> tuple[list[str], int]:
    lines, refs = [], []
    for lon, lat in list(ring.exterior.coords)[:-1]:
        lines.append(f'  <node id="{node_id}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
        refs.append(node_id)
        node_id += 1
    lines.append(f'  <way id="{way_id}" version="1">')
    lines += [f'    <nd ref="{r}"/>' for r in [*refs, refs[0]]]
    lines += [f'    <tag k="{k}" v="{v}"/>' for k, v in tags.items()]
    lines.append("  </way>")
    return lines, node_id


def extract_with_background(folder: Path) -> Path:
    """The demo streets plus place nodes, built-up land use and a lake (OSM XML)."""
    buurten = gpd.read_file(DEMO / "buurten.geojson")
    extra, node_id, way_id = [], 90_000_000, 90_000_000
    for name, (kind, lat, lon) in PLACES.items():
        extra += [f'  <node id="{node_id}" version="1" lat="{lat}" lon="{lon}">',
                  f'    <tag k="place" v="{kind}"/>', f'    <tag k="name" v="{name}"/>',
                  "  </node>"]
        node_id += 1
        core = buurten[buurten["wijknaam"].str.startswith(name)]
        hull = shapely.union_all(list(core.geometry)).convex_hull.buffer(-0.0005)
        lines, node_id = _way(way_id, node_id, hull, {"landuse": "residential"})
        extra += lines
        way_id += 1
    lines, node_id = _way(way_id, node_id, LAKE, {"natural": "water", "name": "Veenplas"})
    extra += lines
    text = (DEMO / "streets.osm").read_text(encoding="utf-8")
    path = folder / "extract.osm"
    path.write_text(text.replace("</osm>", "\n".join(extra) + "\n</osm>"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> RegionData:
    folder = tmp_path_factory.mktemp("region")
    osm = extract_with_background(folder)
    config = (REPO / "data" / "regions" / "demo.toml").read_text(encoding="utf-8")
    config = config.replace('name = "demo"', 'name = "veenstad-achtergrond"')
    config = config.replace('osm = "data/demo/streets.osm"', f"osm = {json.dumps(str(osm))}")
    for name in ("gtfs", "buurten.geojson", "steunpunten.csv", "geocode_cache.json",
                 "prevalence.csv"):
        config = config.replace(f'"data/demo/{name}"', json.dumps(str(DEMO / name)))
    toml = folder / "veenstad-achtergrond.toml"
    toml.write_text(config, encoding="utf-8")
    return RegionData.load(toml, cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.mark.slow
def test_background_of_the_extract(region):
    background = read_background(region.inputs.osm, region.config.crs)
    assert background.counts()["places"] == 6 and background.counts()["water"] == 1
    assert background.counts()["built_up"] == 6
    assert set(background.roads["kind"]) == {"motorway", "main", "minor", "rail"}


@pytest.mark.slow
def test_jobs_draw_the_background_and_the_village_without_service(region, tmp_path):
    ws = run_whitespots(region, tmp_path / "ws")
    pixels = png_pixels(ws.out_dir / "whitespots.png")
    for colour in (WATER_COLOUR, BUILT_UP_COLOUR):
        rgb = np.array(colors.to_rgb(colour))
        assert (np.abs(pixels - rgb).max(axis=2) < 2 / 255).sum() > 200, colour
    heidedorp = ws.buurten.set_index("buurtnaam").loc["Heidedorp"]
    assert heidedorp["reistijdklasse"] == "onbereikbaar" and heidedorp["witte_vlek"]
    assert "onbereikbaar" in set(pyogrio.read_dataframe(
        ws.out_dir / "whitespots.gpkg", layer="population_points")["reistijdklasse"])
    brink = candidate_frame(["heidedorp"], ["Brink 3, Heidedorp"], np.array([52.6415757]),
                            np.array([5.3947695]), "test")
    check = run_check_location(region, brink, tmp_path / "check")
    assert (check.out_dir / "voor_na_heidedorp.pdf").read_bytes()[:5] == b"%PDF-"
    with headless_chromium(tmp_path / "profile") as browser:
        for name, path in (("whitespots", ws.out_dir / "whitespots.html"),
                           ("check_heidedorp", check.out_dir / "na_heidedorp.html")):
            page = browser.open(path)
            keep_screenshot(page, f"background_{name}")
            labels = page.evaluate("() => [...document.querySelectorAll("
                                   "'#kaart .textpoint text')].map(t => t.textContent)")
            assert set(PLACES) <= set(labels) and "HEIDELAND" in labels
            page.close()
        assert browser.blocked == [] and browser.errors == []
