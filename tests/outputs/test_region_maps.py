"""The jobs' maps on the demo region with the full background of its OSM extract.

The demo extract has what a Geofabrik extract has for a map: place nodes for
its six places, built-up land use around them, a lake and a canal, so the
whole background (water, built-up land, main roads, place and gemeente names)
reaches the static and web maps. Heidedorp, without any public transport, is
the thin-transport case.
"""

from __future__ import annotations

import numpy as np
import pyogrio
import pytest
from browser import headless_chromium, keep_screenshot
from map_inputs import png_pixels
from matplotlib import colors

from accessibility.basemap import read_background
from accessibility.jobs.candidates import candidate_frame
from accessibility.jobs.check_location import run_check_location
from accessibility.jobs.region import RegionData
from accessibility.jobs.whitespots import run_whitespots
from accessibility.outputs.maps.background import BUILT_UP_COLOUR, WATER_COLOUR

#: The demo's places (``place`` nodes of data/demo/streets.osm).
PLACES = ("Veenstad", "Oosterhoeve", "Molenwijk", "Zandrecht", "Kreekdijk", "Heidedorp")


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> RegionData:
    return RegionData.load("demo", cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.mark.slow
def test_background_of_the_extract(region):
    background = read_background(region.inputs.osm, region.config.crs)
    assert background.counts()["places"] == 6 and background.counts()["water"] == 1
    assert background.counts()["waterways"] == 1
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
