"""Every kind of web map opened in headless Chromium with the network blocked.

The map must be drawn from the page alone: the expected features in the DOM
(band and buurt fills, population dots, markers, labels), a screenshot of the
map area that is not blank, hover text on a band, a scale bar that measures
true metres (also after zooming), and names from users' files shown as text.
"""

from __future__ import annotations

import io

import geopandas as gpd
import numpy as np
import pytest
import shapely
from browser import headless_chromium, keep_screenshot
from map_inputs import CAPTION, CRS, buurten_grid, two_centre_isochrones
from matplotlib import colors
from matplotlib.image import imread

from accessibility.basemap import read_background
from accessibility.jobs.candidates import candidate_frame
from accessibility.jobs.check_location import run_check_location
from accessibility.jobs.isochrones import run_isochrones
from accessibility.jobs.region import RegionData
from accessibility.jobs.whitespots import run_whitespots
from accessibility.outputs import maps, webmaps

EVIL = "<script>alert(1)</script>"
FEATURES = """() => {
  const gd = document.getElementById('kaart');
  const fills = [...gd.querySelectorAll('.scatterlayer .trace path.js-fill')]
    .filter(p => (p.getAttribute('d') || '').length > 2).length;
  return {traces: gd.querySelectorAll('.scatterlayer .trace').length, fills: fills,
          points: gd.querySelectorAll('.scatterlayer path.point').length,
          labels: [...gd.querySelectorAll('.scatterlayer .textpoint text')].map(t => t.textContent),
          legend: [...gd.querySelectorAll('.legend .legendtext')].map(t => t.textContent),
          scale: gd.querySelector('.annotation-text').textContent,
          scripts: document.scripts.length};
}"""


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    with headless_chromium(tmp_path_factory.mktemp("chromium-profile")) as browser:
        yield browser
        assert browser.blocked == [], "the pages asked for the network"
        assert browser.errors == [], "JavaScript errors"
        assert browser.dialogs == [], "a name from a user's file ran as a script"


def map_pixels(page) -> np.ndarray:
    """RGB pixels of the map area (the plot, without legend and menus)."""
    box = page.locator("#kaart .nsewdrag").first.bounding_box()
    png = page.screenshot(clip=box)
    return imread(io.BytesIO(png), format="png")[:, :, :3]


def count_colour(pixels: np.ndarray, hex_colour: str, tol: float = 3 / 255) -> int:
    rgb = np.array(colors.to_rgb(hex_colour))
    return int(np.all(np.abs(pixels - rgb) < tol, axis=2).sum())


def visible_fill_traces(fig) -> int:
    return sum(1 for t in fig.data if t.fill == "toself" and t.visible in (True, None)
               and len(t.x or ()) > 0)


def data_to_page(page, x: float, y: float) -> tuple[float, float]:
    """Page pixel of a map coordinate (metres)."""
    return page.evaluate("""([x, y]) => {
      const gd = document.getElementById('kaart'), fl = gd._fullLayout;
      const r = gd.querySelector('.nsewdrag').getBoundingClientRect();
      return [r.left + fl.xaxis.l2p(x), r.top + fl.yaxis.l2p(y)];
    }""", [x, y])


def scale_bar_error(page) -> float:
    """Relative error of the scale bar: its drawn length against its label in metres."""
    return page.evaluate("""() => {
      const gd = document.getElementById('kaart'), fl = gd._fullLayout;
      const s = fl.shapes[0], text = gd.querySelector('.annotation-text').textContent;
      const metres = parseFloat(text) * (text.endsWith('km') ? 1000 : 1);
      const px = (s.x1 - s.x0) * fl._size.w;
      const perMetre = fl.xaxis._length / (fl.xaxis.range[1] - fl.xaxis.range[0]);
      return Math.abs(px - metres * perMetre) / (metres * perMetre);
    }""")


def test_isochrone_map_draws_bands_hover_and_a_true_scale(chromium, tmp_path):
    iso, points = two_centre_isochrones()
    locations = gpd.GeoDataFrame({"id": ["west", "oost"], "name": ["Steunpunt West", "Oost"]},
                                 geometry=points, crs=CRS)
    path = webmaps.isochrone_webmap(iso, locations, tmp_path / "iso.html",
                                    boundaries=buurten_grid(), caption_params=CAPTION)
    fig, _ = webmaps.isochrone_figure(iso, locations, boundaries=buurten_grid())
    page = chromium.open(path)
    keep_screenshot(page, "synthetic_isochrones")
    found = page.evaluate(FEATURES)
    assert found["fills"] == visible_fill_traces(fig) == 3  # nearest-location bands
    assert found["points"] == 2 and {"Steunpunt West", "Oost"} <= set(found["labels"])
    assert {"0–15 min", "15–30 min", "30–45 min", "steunpunt"} <= set(found["legend"])
    pixels = map_pixels(page)
    green = maps.cutoff_colours([15], 45)[0]
    assert count_colour(pixels, green) > 2000  # the 0-15 band
    assert len(np.unique((pixels * 255).astype(int).reshape(-1, 3), axis=0)) > 20
    assert scale_bar_error(page) < 0.02
    # Hover 1 km east of "west": inside its 0-15 band.
    x, y = data_to_page(page, 145000.0, 475000.0)
    page.mouse.move(x, y)
    page.wait_for_selector(".hoverlayer .hovertext", timeout=5000)
    hover = page.locator(".hoverlayer .hovertext").first.text_content()
    assert "0–15 min" in hover and "dichtstbijzijnde" in hover
    # Zoom in: the scale bar follows and still measures true metres.
    before = found["scale"]
    page.evaluate("() => Plotly.relayout('kaart', {'xaxis.range': [143000, 147000]})")
    page.wait_for_timeout(500)
    after = page.evaluate(FEATURES)["scale"]
    assert after != before and scale_bar_error(page) < 0.02
    # Choose one location: its own bands replace the nearest-location bands.
    page.locator(".updatemenu-header-group").click()
    page.locator(".updatemenu-dropdown-button", has_text="Oost").click()
    page.wait_for_timeout(500)
    assert page.evaluate(FEATURES)["fills"] == 3
    page.close()


def test_whitespot_map_draws_people_buurten_and_escapes_names(chromium, tmp_path):
    buurten = buurten_grid().assign(buurtnaam=[EVIL] + [f"Buurt {i}" for i in range(1, 16)])
    people = gpd.GeoDataFrame(
        {"population": [300.0, 120.0, 80.0], "travel_time_min": [10.0, 50.0, np.nan]},
        geometry=gpd.points_from_xy([140500.0, 142500.0, 143500.0], [470500.0, 472500.0,
                                                                     473500.0]), crs=CRS)
    steunpunt = gpd.GeoDataFrame({"name": [EVIL]}, geometry=[shapely.Point(140500, 470500)],
                                 crs=CRS)
    site = gpd.GeoDataFrame({"name": ["Nieuwe plek"]}, geometry=[shapely.Point(143000, 473000)],
                            crs=CRS)
    iso, _ = two_centre_isochrones()
    kwargs = {"candidate": site, "population": people, "cell_size_m": 200,
              "isochrones": iso[iso.location_id == "oost"]}
    path = webmaps.whitespot_webmap(buurten, steunpunt, tmp_path / "ws.html", title=EVIL,
                                    caption_params=CAPTION, **kwargs)
    fig, _ = webmaps.whitespot_figure(buurten, steunpunt, **kwargs)
    page = chromium.open(path)
    keep_screenshot(page, "synthetic_whitespots")
    found = page.evaluate(FEATURES)
    # 500 inhabitants at 1 per dot, one steunpunt star, one numbered site.
    assert found["points"] == 500 + 1 + 1
    assert found["fills"] == visible_fill_traces(fig) == len(buurten)  # hover areas
    assert EVIL in found["labels"] and "1" in found["labels"]
    assert page.locator("h1").text_content() == EVIL
    # The page's own scripts (plotly.js, its config, the figure) and no other.
    assert found["scripts"] == path.read_text(encoding="utf-8").count("<script") == 3
    assert "1 Nieuwe plek" in found["legend"]
    pixels = map_pixels(page)
    palette = maps.class_colours()
    for label in ("0-15", "45-60", "onbereikbaar"):
        assert count_colour(pixels, palette[label]) > 30, label
    # Hover the first buurt: its (escaped) name shows as text.
    x, y = data_to_page(page, 140200.0, 470800.0)
    page.mouse.move(x, y)
    page.wait_for_selector(".hoverlayer .hovertext", timeout=5000)
    hover = page.locator(".hoverlayer .hovertext").first.text_content()
    assert EVIL in hover and "0–15 min" in hover
    page.close()


# ------------------------------------------------------------- the jobs' pages


@pytest.fixture(scope="module")
def demo_pages(tmp_path_factory):
    """The HTML maps that make isochrones, whitespots and check-location write."""
    out = tmp_path_factory.mktemp("jobs")
    demo = RegionData.load("demo", cache_dir=tmp_path_factory.mktemp("cache"))
    iso = run_isochrones(demo, out / "isochrones")
    ws = run_whitespots(demo, out / "whitespots")
    site = candidate_frame(["zandrecht"], ["Stationsplein 1, 9935AB Zandrecht"],
                           np.array([52.46078]), np.array([5.25282]), "test")
    check = run_check_location(demo, site, out / "check")
    return {"isochrones": (iso.out_dir / "isochrones.html", demo),
            "whitespots": (ws.out_dir / "whitespots.html", demo),
            "check": (check.out_dir / "na_zandrecht.html", demo)}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["isochrones", "whitespots", "check"])
def test_job_web_maps_render_offline(chromium, demo_pages, name):
    path, demo = demo_pages[name]
    page = chromium.open(path)
    keep_screenshot(page, f"demo_{name}")
    found = page.evaluate(FEATURES)
    steunpunten = demo.steunpunten()
    n_buurten = len(demo.buurten.gdf)
    stars = len(steunpunten) if name != "isochrones" else int(
        (demo.locations.pinned["kind"] != "proposed").sum())
    names = set(found["labels"])
    assert set(steunpunten["name"]) <= names
    counts = read_background(demo.inputs.osm, demo.config.crs).counts()
    background = (counts["water"] > 0) + (counts["built_up"] > 0)  # one filled trace each
    assert background == 2 and {"Veenstad", "Heidedorp"} <= names  # and the place names
    if name == "isochrones":
        assert found["fills"] == 4 + background  # bands to the nearest steunpunt
        assert found["points"] == stars + 1  # and the proposed location, numbered
    else:
        population = demo.population.gdf["population"].sum()
        assert found["fills"] == n_buurten + background  # every buurt reacts to the mouse
        assert found["points"] > population / 10 * 0.9  # dots: 1 per 10 inhabitants
    pixels = map_pixels(page)
    assert len(np.unique((pixels * 255).astype(int).reshape(-1, 3), axis=0)) > 20
    assert count_colour(pixels, maps.class_colours()["0-15"]) > 100
    assert scale_bar_error(page) < 0.02
    page.close()
