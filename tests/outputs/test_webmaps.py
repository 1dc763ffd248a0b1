"""Web maps: plotly figures in metres with inlined plotly.js (the browser test renders them)."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pytest
import shapely
from map_inputs import CAPTION, CRS, buurten_grid, two_centre_isochrones

from accessibility.analysis.grid import make_grid
from accessibility.analysis.isochrones import isochrone_polygons
from accessibility.errors import InputError
from accessibility.outputs import maps, webmaps

SCRIPT_SRC = re.compile(r"<script[^>]*\bsrc=", re.IGNORECASE)
LINK_HREF = re.compile(r"<link[^>]*\bhref=", re.IGNORECASE)


def assert_self_contained(page: str) -> None:
    """No script or style is loaded from anywhere: everything is inline."""
    assert not SCRIPT_SRC.search(page) and not LINK_HREF.search(page)
    assert "cdn.plot.ly" not in page.split("<body>")[0]
    assert "unpkg.com" not in page and "leaflet" not in page.lower()


def test_isochrone_webmap_is_self_contained_with_bands_markers_and_legend(tmp_path):
    iso, points = two_centre_isochrones()
    locations = gpd.GeoDataFrame(
        {"id": ["west", "oost"], "name": ["Herstelnetwerk West", "Oost"]}, geometry=points,
        crs=CRS)
    path = webmaps.isochrone_webmap(
        iso, locations, tmp_path / "web" / "iso.html",
        stops=gpd.GeoSeries([shapely.Point(145000, 475000)], crs=CRS),
        boundaries=buurten_grid(), title="Isochronen regio", caption_params=CAPTION)
    page = path.read_text(encoding="utf-8")
    assert_self_contained(page)
    for text in ("Isochronen regio", "SYNTHETISCHE GEGEVENS", "kaartprojectie: EPSG:28992",
                 "service.pdok.nl/brt/achtergrondkaart", 'id="online-basemap"'):
        assert text in page, text
    assert [p.name for p in path.parent.iterdir()] == ["iso.html"]

    fig, crs = webmaps.isochrone_figure(iso, locations, boundaries=buurten_grid())
    assert crs == CRS
    bands = [t for t in fig.data if t.hoveron == "fills"]
    # Bands of the nearest location (shown) and of each location (one set at a time); at
    # 250 m/min nothing in the 16 x 10 km grid is more than 45 min from the nearest
    # location or from "oost", so those sets have no 45-60 band.
    assert len(bands) == 3 + 4 + 3
    shown = [t for t in bands if t.visible is True]
    assert [t.name for t in shown] == ["0–15 min", "15–30 min", "30–45 min"]
    assert [t.fillcolor for t in shown] == maps.cutoff_colours([15, 30, 45, 60], 45)[:3]
    assert all("dichtstbijzijnde" in t.text for t in shown)
    menu = fig.layout.updatemenus[0]
    assert [b.label for b in menu.buttons] == [
        "Alle steunpunten (dichtstbijzijnde)", "Herstelnetwerk West", "Oost"]
    west = menu.buttons[1].args[0]["visible"]
    assert [fig.data[i].uid.split(":")[0] for i, v in enumerate(west) if v is True
            and fig.data[i].hoveron == "fills"] == ["west"] * 4
    stars = [t for t in fig.data if t.marker.symbol == "star"]
    assert len(stars) == 1 and list(stars[0].text) == ["Herstelnetwerk West", "Oost"]


def test_isochrone_bands_in_the_web_map_do_not_overlap():
    iso, points = two_centre_isochrones()
    fig, _ = webmaps.isochrone_figure(iso, points)
    shown = [t for t in fig.data if t.hoveron == "fills" and t.visible is True]
    polygons = []
    for trace in shown:
        xs, ys = np.array(trace.x, dtype=object), np.array(trace.y, dtype=object)
        cuts = np.flatnonzero([v is None for v in xs])
        rings = [np.column_stack([a[:-1], b[:-1]]).astype(float) for a, b in
                 zip(np.split(xs, cuts + 1), np.split(ys, cuts + 1), strict=True) if len(a) > 2]
        area = shapely.Polygon()
        for ring in rings:  # the page fills with the even-odd rule
            area = shapely.symmetric_difference(area, shapely.Polygon(ring))
        polygons.append(area)
    total = shapely.union_all(polygons).area
    assert len(polygons) == 3 and total > 0
    assert sum(p.area for p in polygons) == pytest.approx(total, rel=1e-6)


def test_isochrone_webmap_outside_the_netherlands_offers_no_pdok(tmp_path):
    grid = make_grid((480000.0, 6670000.0, 482000.0, 6672000.0), 200.0, "EPSG:32722")
    x, y = grid.centres_xy()
    iso = isochrone_polygons(grid, np.hypot(x - 481000, y - 6671000) / 50.0, ["poa"])
    path = webmaps.isochrone_webmap(
        iso, shapely.Point(481000, 6671000), tmp_path / "poa.html", name_column=None, lang="en")
    page = path.read_text(encoding="utf-8")
    assert "pdok" not in page.lower()
    assert "map projection: EPSG:32722" in page and 'lang="en"' in page
    fig, crs = webmaps.isochrone_figure(iso, shapely.Point(481000, 6671000), lang="en")
    assert crs == "EPSG:32722" and fig.layout.xaxis.range[0] < 481000 < fig.layout.xaxis.range[1]


def test_whitespot_webmap_has_buurt_hover_white_spots_and_the_candidate(tmp_path):
    buurten = buurten_grid()
    iso, points = two_centre_isochrones()
    steunpunt = gpd.GeoDataFrame({"name": ["Steunpunt A"]}, geometry=points.iloc[[0]], crs=CRS)
    fig, _ = webmaps.whitespot_figure(
        buurten, steunpunt, candidate=shapely.Point(143500, 473500),
        isochrones=iso[iso.location_id == "west"])
    hover = [t.text for t in fig.data if t.hoveron == "fills" and t.visible is True]
    assert len(hover) == len(buurten)
    assert hover[15].startswith("<b>Buurt 15</b>") and "Klasse: onbereikbaar" in hover[15]
    assert "Witte vlek: ja" in hover[15] and "Inwoners: 1.000" in hover[15]
    assert "Mediane reistijd: 10 min" in hover[1] and "Witte vlek: nee" in hover[1]
    legend = [t.name for t in fig.data if t.showlegend is not False and t.legendgroup
              and t.legendgroup.startswith("buurt:")]
    assert legend[:2] == ["0–15 min", "15–30 min"] and "onbereikbaar" in legend
    white = [t for t in fig.data if t.name == "witte vlek (meer dan 45 min)"]
    assert len(white) == 1 and white[0].line.color == "black"
    bands = [t for t in fig.data if t.legendgroup == "isochrones"]
    assert len(bands) == 4 and all(t.visible == "legendonly" for t in bands)
    sites = [t for t in fig.data if t.legendgroup == "sites"]
    assert [t.name for t in sites] == ["1 voorgestelde locatie"]
    assert sites[0].marker.symbol == "circle" and sites[0].marker.line.color == maps.CANDIDATE_COLOUR
    page = webmaps.whitespot_webmap(buurten, steunpunt, tmp_path / "ws.html",
                                    caption_params=CAPTION).read_text(encoding="utf-8")
    assert_self_contained(page)
    assert page.count(maps.class_colours()["45-60"]) >= 1


def test_whitespot_webmap_colours_where_people_live():
    buurten = buurten_grid()
    x = np.array([140500.0, 140700.0, 143500.0])
    people = gpd.GeoDataFrame({"population": [200.0, 0.0, 50.0],
                               "travel_time_min": [10.0, 20.0, np.nan]},
                              geometry=gpd.points_from_xy(x, [470500.0] * 3), crs=CRS)
    fig, _ = webmaps.whitespot_figure(buurten, None, population=people, cell_size_m=200)
    dots = {t.name: len(t.x) for t in fig.data if t.legendgroup == "classes"}
    # 250 inhabitants: 1 dot each; the empty cell gets none.
    assert dots["0–15 min (200 inw.)"] == 200
    assert dots["onbereikbaar (50 inw.)"] == 50
    assert sum(dots.values()) == 250
    # The buurten then only carry the hover text (transparent fills).
    assert all(t.fillcolor == "rgba(0,0,0,0)" for t in fig.data if t.hoveron == "fills")


def test_names_from_user_files_are_escaped(tmp_path):
    evil = "<script>alert(1)</script>"
    buurten = buurten_grid().assign(buurtnaam=evil)
    steunpunt = gpd.GeoDataFrame({"name": [f"<b>{evil}</b>"]},
                                 geometry=[shapely.Point(140500, 470500)], crs=CRS)
    page = webmaps.whitespot_webmap(buurten, steunpunt, tmp_path / "x.html",
                                    title=evil).read_text(encoding="utf-8")
    body = page.split("<body>", 1)[1]
    assert evil not in body.split("<script", 1)[0]  # the heading shows it as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    fig, _ = webmaps.whitespot_figure(buurten, steunpunt)
    assert "&lt;b&gt;&lt;script&gt;" in fig.data[-1].text[0]
    assert webmaps.plain("a < b & c") == "a &lt; b &amp; c"


def test_whitespot_webmap_in_english_and_with_bad_input(tmp_path):
    fig, _ = webmaps.whitespot_figure(buurten_grid(), None, lang="en")
    assert any(t.name == "white spot (more than 45 min)" for t in fig.data)
    assert any((t.text or "").startswith("<b>Buurt 0</b><br>Median travel time") for t in fig.data)
    with pytest.raises(InputError, match="row 0 has travel-time class 'soon'"):
        webmaps.whitespot_webmap(
            buurten_grid().assign(reistijdklasse="soon"), None, tmp_path / "bad.html")
    with pytest.raises(InputError, match="unknown map language 'fr'"):
        webmaps.whitespot_webmap(buurten_grid(), None, tmp_path / "bad.html", lang="fr")
    assert not (tmp_path / "bad.html").exists()


def test_polygon_rings_keep_their_holes():
    ring = shapely.box(0, 0, 10, 10).difference(shapely.box(3, 3, 7, 7))
    xs, ys = webmaps.polygon_xy([ring, None, shapely.Polygon()])
    assert xs.count(None) == 2  # exterior + hole
    exterior = shapely.LinearRing(list(zip(xs[:5], ys[:5], strict=True)))
    hole = shapely.LinearRing(list(zip(xs[6:11], ys[6:11], strict=True)))
    assert exterior.is_ccw and not hole.is_ccw


def test_web_labels_are_placed_apart_when_the_page_opens():
    # Three steunpunten 300 m apart in a 20 km region: their names cannot all sit
    # to the right; the label rule gives them different sides, or drops one to hover.
    points = gpd.GeoSeries(gpd.points_from_xy([150000.0, 150300.0, 150000.0],
                                              [475000.0, 475000.0, 475300.0]), crs=CRS)
    names = ["Herstelcentrum De Veenhaven", "Herstelacademie Noord", "Inloop De Molen"]
    positions = webmaps.points.label_positions(points, names, (140000, 468000, 160000, 482000))
    shown = [p for p in positions if p is not None]
    assert len(set(shown)) == len(shown) >= 2
    lone = webmaps.points.label_positions(points.iloc[:1], names[:1],
                                          (140000, 468000, 160000, 482000))
    assert lone == ["middle right"]
