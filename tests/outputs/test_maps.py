"""Static (PNG) and interactive (HTML) maps on small synthetic inputs."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from matplotlib import colors
from matplotlib.image import imread

from accessibility.analysis.grid import make_grid
from accessibility.analysis.isochrones import isochrone_polygons
from accessibility.errors import InputError
from accessibility.outputs import maps, webmaps

CRS = "EPSG:28992"
LOW_DPI = 60  # fast renders; one test checks the default 150 dpi size
CAPTION = {
    "date": "2026-03-10",
    "window": "07:00-09:00",
    "percentile": 50,
    "walking_speed_kmh": 4.8,
    "synthetic": True,
}


def two_centre_isochrones() -> tuple[gpd.GeoDataFrame, gpd.GeoSeries]:
    """Isochrones of two locations 6 km apart; times = distance / 250 m per minute."""
    grid = make_grid((140000.0, 470000.0, 156000.0, 480000.0), 250.0, CRS)
    x, y = grid.centres_xy()
    centres = [(144000.0, 475000.0), (150000.0, 475000.0)]
    times = np.array([np.hypot(x - cx, y - cy) / 250.0 for cx, cy in centres])
    gdf = isochrone_polygons(grid, times, ["west", "oost"])
    points = gpd.GeoSeries(gpd.points_from_xy(*zip(*centres, strict=True)), crs=CRS)
    return gdf, points


def buurten_grid(n: int = 4, size: float = 1000.0) -> gpd.GeoDataFrame:
    """n x n square buurten of ``size`` metres with travel time = 10 min x (row + col)."""
    rows, cols = np.divmod(np.arange(n * n), n)
    geoms = shapely.box(
        140000 + cols * size,
        470000 + rows * size,
        140000 + (cols + 1) * size,
        470000 + (rows + 1) * size,
    )
    minutes = 10.0 * (rows + cols)
    minutes[-1] = np.nan  # the far corner is unreachable
    gdf = gpd.GeoDataFrame(
        {
            "buurtcode": [f"BU{i:08d}" for i in range(n * n)],
            "buurtnaam": [f"Buurt {i}" for i in range(n * n)],
            "aantal_inwoners": np.full(n * n, 1000.0),
            "reistijd_min": minutes,
        },
        geometry=geoms,
        crs=CRS,
    )
    gdf["reistijdklasse"] = maps.travel_time_classes(minutes)
    gdf["witte_vlek"] = ~(minutes <= 45)
    return gdf


def png_pixels(path) -> np.ndarray:
    image = imread(path)
    assert image.ndim == 3 and image.shape[2] in (3, 4)
    return image[:, :, :3]


def has_colour(pixels: np.ndarray, hex_colour: str, min_pixels: int = 50) -> bool:
    rgb = np.array(colors.to_rgb(hex_colour))
    return int(np.all(np.abs(pixels - rgb) < 2 / 255, axis=2).sum()) >= min_pixels


# ------------------------------------------------------------------ classes


def test_class_labels_and_classification_put_the_norm_inside():
    assert maps.class_labels() == ("0-15", "15-30", "30-45", "45-60", ">60", "onbereikbaar")
    assert maps.class_labels((10, 20.5)) == ("0-10", "10-20.5", ">20.5", "onbereikbaar")
    classes = maps.travel_time_classes([0, 15, 15.01, 45, 45.5, 60, 61, np.nan, np.inf])
    assert list(classes) == [
        "0-15",
        "0-15",
        "15-30",
        "30-45",
        "45-60",
        "45-60",
        ">60",
        "onbereikbaar",
        "onbereikbaar",
    ]
    assert classes.ordered
    assert list(classes.categories) == list(maps.class_labels())


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda: maps.travel_time_classes([5, -1]), "negative travel time -1"),
        (lambda: maps.class_labels((30, 15)), "strictly increasing"),
        (lambda: maps.class_labels(()), "positive minutes"),
        (lambda: maps.class_colours((15, 30, 60), 45), "norm of 45 min is not one of"),
        (lambda: maps.format_caption({}, "de"), "unknown map language 'de'"),
    ],
)
def test_class_helpers_reject_bad_input(call, message):
    with pytest.raises(InputError, match=message):
        call()


def test_class_colours_are_green_within_the_norm_and_red_beyond():
    palette = maps.class_colours((15, 30, 45, 60), 45)
    assert list(palette) == list(maps.class_labels())
    for label in ("0-15", "15-30", "30-45"):
        r, g, b = colors.to_rgb(palette[label])
        assert g > r and g > b, label
    for label in ("45-60", ">60"):
        r, g, b = colors.to_rgb(palette[label])
        assert r > g and r > b, label
    assert palette["onbereikbaar"] == maps.UNREACHABLE_COLOUR
    # Darker = closer.
    lightness = [sum(colors.to_rgb(palette[k])) for k in ("0-15", "15-30", "30-45")]
    assert lightness == sorted(lightness)
    # Isochrone bands use the same colours.
    assert maps.cutoff_colours([15, 30, 45, 60], 45) == list(palette.values())[:4]


def test_format_number_and_caption_follow_the_language():
    assert maps.format_number(12345.67, "nl", 1) == "12.345,7"
    assert maps.format_number(12345.67, "en", 1) == "12,345.7"
    nl = maps.format_caption(CAPTION | {"norm_minutes": 45, "feed": "ovapi"}, "nl", CRS)
    assert nl.splitlines() == [
        "datum: 2026-03-10; vertrekvenster: 07:00-09:00; percentiel: 50; loopsnelheid: 4,8 km/u; "
        "feed: ovapi; kaartprojectie: EPSG:28992",
        "Norm: 45 minuten met het openbaar vervoer (voorlopig uitgangspunt, De Galan Groep 2024).",
        "SYNTHETISCHE GEGEVENS, geen echte dienstregeling",
    ]
    en = maps.format_caption({"walking_speed_kmh": 5, "synthetic": False}, "en")
    assert en == "walking speed: 5.0 km/h"


@pytest.mark.parametrize(
    "max_m,expected", [(2600, 2000), (999, 500), (5000, 5000), (180, 100), (12.5, 10)]
)
def test_nice_scale_length(max_m, expected):
    assert maps.nice_scale_length(max_m) == expected


# --------------------------------------------------------------------- PNGs


def test_plot_isochrones_writes_a_png_with_the_bands(tmp_path):
    iso, points = two_centre_isochrones()
    west = iso[iso["location_id"] == "west"]
    stops = gpd.GeoSeries(gpd.points_from_xy([143000, 146000], [474000, 476500]), crs=CRS)
    boundaries = buurten_grid()
    path = tmp_path / "maps" / "iso.png"
    result = maps.plot_isochrones(
        west, points.iloc[[0]], stops, boundaries, "Bereikbaarheid west", CAPTION, path
    )
    assert result == path
    pixels = png_pixels(path)
    assert pixels.shape[:2] == (int(8.5 * maps.DPI), 11 * maps.DPI)
    for colour in maps.cutoff_colours([15, 30, 45, 60], 45):
        assert has_colour(pixels, colour), colour
    assert has_colour(pixels, maps.STEUNPUNT_COLOUR, 20)
    assert [p.name for p in path.parent.iterdir()] == ["iso.png"]  # no temp file left


def test_plot_isochrones_with_nothing_reachable_still_maps_the_location(tmp_path):
    grid = make_grid((0.0, 0.0, 500.0, 500.0), 100.0, CRS)
    iso = isochrone_polygons(grid, np.full(grid.n_cells, np.nan), ["leeg"])
    assert iso.geometry.is_empty.all()
    path = maps.plot_isochrones(
        iso,
        shapely.Point(250, 250),
        None,
        None,
        "Niets bereikbaar",
        None,
        tmp_path / "e.png",
        lang="en",
    )
    pixels = png_pixels(path)
    map_area = pixels[:, : int(0.67 * pixels.shape[1])]  # the legend lies to the right
    assert has_colour(map_area, maps.STEUNPUNT_COLOUR, 5)
    assert not has_colour(map_area, maps.cutoff_colours([15], 45)[0], 1)


def test_plot_isochrones_refuses_several_locations(tmp_path):
    iso, points = two_centre_isochrones()
    with pytest.raises(InputError, match="maps one location; got 2 .*west, oost"):
        maps.plot_isochrones(iso, points.iloc[0], None, None, "t", None, tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


def test_plot_overview_draws_the_norm_area(tmp_path):
    iso, points = two_centre_isochrones()
    locations = gpd.GeoDataFrame({"name": ["West", "Oost"]}, geometry=points, crs=CRS)
    path = maps.plot_overview(
        iso, locations, buurten_grid(), "Overzicht", CAPTION, tmp_path / "overview.png", dpi=LOW_DPI
    )
    pixels = png_pixels(path)
    assert pixels.shape[:2] == (510, 660)
    assert pixels.std() > 0.05
    with pytest.raises(
        InputError, match=r"no isochrone with cutoff 40 min \(have 15, 30, 45, 60 min\)"
    ):
        maps.plot_overview(iso, locations, None, "t", None, tmp_path / "o2.png", norm_minutes=40)


def test_plot_whitespots_colours_classes_and_accepts_wgs84(tmp_path):
    buurten = buurten_grid().to_crs("EPSG:4326")  # projected back to RD New for drawing
    # A bare point has no CRS: it is read in the CRS of the buurten (here lon/lat).
    steunpunt = gpd.GeoSeries([shapely.Point(140500, 470500)], crs=CRS).to_crs("EPSG:4326")[0]
    path = maps.plot_whitespots(
        buurten, steunpunt, 45, "Witte vlekken", CAPTION, tmp_path / "ws.png", dpi=LOW_DPI
    )
    pixels = png_pixels(path)
    assert pixels.shape[:2] == (510, 660)
    palette = maps.class_colours()
    # Classes present: 0-15 (0, 10), 15-30 (20, 30), 30-45 (40), 45-60 (50, 60), onbereikbaar.
    for label in ("0-15", "15-30", "30-45", "45-60", "onbereikbaar"):
        assert has_colour(pixels, palette[label]), label
    map_area = pixels[:, : int(0.63 * pixels.shape[1])]
    assert has_colour(map_area, maps.STEUNPUNT_COLOUR, 5)


def test_plot_whitespots_counts_no_data_buurten_in_the_legend(tmp_path):
    buurten = buurten_grid()
    buurten.loc[0, "reistijdklasse"] = None
    handles = maps._class_handles(
        buurten, "reistijdklasse", "aantal_inwoners", maps.class_colours(), 45, "nl", True
    )
    labels = [h.get_label() for h in handles]
    assert labels[0] == "0–15 min\n(2 buurten, 2.000 inw.)"  # buurten 1 and 4 (10 min)
    assert "geen gegevens\n(1 buurt, 1.000 inw.)" in labels
    assert labels[-1] == "witte vlek (meer dan 45 min)"
    maps.plot_whitespots(buurten, None, 45, "t", None, tmp_path / "nodata.png", dpi=LOW_DPI)


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda g: g.assign(reistijdklasse="40-50"), "row 0 has travel-time class '40-50'"),
        (lambda g: g.drop(columns="witte_vlek"), "lacks column\\(s\\) 'witte_vlek'"),
        (lambda g: g.assign(witte_vlek=np.nan), "row 0 has witte_vlek=nan"),
        (lambda g: g.set_crs(None, allow_override=True), "has no CRS"),
    ],
)
def test_plot_whitespots_rejects_bad_buurten(tmp_path, change, message):
    with pytest.raises(InputError, match=message):
        maps.plot_whitespots(change(buurten_grid()), None, 45, "t", None, tmp_path / "bad.png")
    assert list(tmp_path.iterdir()) == []


def test_plot_before_after_writes_two_panels_with_the_change(tmp_path):
    before = buurten_grid()
    after = before.copy()
    after["reistijd_min"] = np.fmin(before["reistijd_min"], 20.0)
    after["reistijdklasse"] = maps.travel_time_classes(after["reistijd_min"])
    after["witte_vlek"] = ~(after["reistijd_min"] <= 45)
    candidate = shapely.Point(143500, 473500)
    path = maps.plot_before_after(
        before, after, candidate, None, 45, "Voor en na", CAPTION, tmp_path / "ba.png", dpi=LOW_DPI
    )
    pixels = png_pixels(path)
    assert pixels.shape[:2] == (510, 840)
    assert has_colour(pixels, maps.CANDIDATE_COLOUR, 20)
    # before: the two 50-min buurten and the unreachable corner; after: none.
    totals_before = maps._whitespot_totals(before, "witte_vlek", "aantal_inwoners")
    totals_after = maps._whitespot_totals(after, "witte_vlek", "aantal_inwoners")
    assert totals_before == (3, 3000.0) and totals_after == (0, 0.0)
    assert (
        maps._whitespot_summary(totals_after, "nl", reference=totals_before)
        == "0 (\u22123) witte vlekken, 0 (\u22123.000) inwoners"
    )
    with pytest.raises(InputError, match="before has 16 buurten and after 15"):
        maps.plot_before_after(
            before, after.iloc[1:], candidate, None, 45, "t", None, tmp_path / "x.png"
        )


def test_polygonal_keeps_polygon_parts_of_collections_and_every_row():
    collection = shapely.GeometryCollection(
        [shapely.box(0, 0, 1, 1), shapely.LineString([(5, 5), (6, 6)]), shapely.Point(9, 9)]
    )
    only_line = shapely.GeometryCollection([shapely.LineString([(0, 0), (1, 1)])])
    collapsed = shapely.LineString([(0, 0), (0, 1)])  # a ring that make_valid collapsed
    series = gpd.GeoSeries(
        [collection, shapely.box(2, 2, 3, 3), only_line, collapsed, None], crs=CRS
    )
    result = maps.polygonal(series)
    assert list(result.geom_type[:4]) == ["MultiPolygon", "Polygon", "Polygon", "Polygon"]
    assert result.iloc[0].equals(shapely.MultiPolygon([shapely.box(0, 0, 1, 1)]))
    assert result.iloc[2].is_empty and result.iloc[3].is_empty
    assert result.iloc[4] is None
    assert result.crs == CRS


# ---------------------------------------------------------------------- HTML


def test_isochrone_webmap_has_a_layer_per_cutoff_markers_and_legend(tmp_path):
    iso, points = two_centre_isochrones()
    locations = gpd.GeoDataFrame(
        {"name": ["Herstelnetwerk West", "Oost"]}, geometry=points, crs=CRS
    )
    path = webmaps.isochrone_webmap(
        iso,
        locations,
        tmp_path / "web" / "iso.html",
        stops=gpd.GeoSeries([shapely.Point(145000, 475000)], crs=CRS),
        boundaries=buurten_grid(),
        title="Isochronen regio",
        caption_params=CAPTION,
    )
    page = path.read_text(encoding="utf-8")
    for name in (
        "Isochronen 15 min",
        "Isochronen 30 min",
        "Isochronen 45 min",
        "Isochronen 60 min",
    ):
        assert f'"{name}"' in page, name
    for text in (
        "Steunpunten",
        "Haltes",
        "Grenzen",
        "Herstelnetwerk West",
        "Isochronen regio",
        "binnen 15 min",
        "Reistijd met het OV naar het steunpunt",
        "SYNTHETISCHE GEGEVENS",
        "L.control.layers",
        "service.pdok.nl/brt/achtergrondkaart",
    ):
        assert text in page, text
    assert [p.name for p in path.parent.iterdir()] == ["iso.html"]


def test_isochrone_webmap_outside_the_netherlands_uses_osm_only(tmp_path):
    grid = make_grid(
        (480000.0, 6670000.0, 482000.0, 6672000.0), 200.0, "EPSG:32722"
    )  # Porto Alegre
    x, y = grid.centres_xy()
    iso = isochrone_polygons(grid, np.hypot(x - 481000, y - 6671000) / 50.0, ["poa"])
    path = webmaps.isochrone_webmap(
        iso, shapely.Point(481000, 6671000), tmp_path / "poa.html", name_column=None, lang="en"
    )
    page = path.read_text(encoding="utf-8")
    assert "pdok" not in page
    assert "openstreetmap" in page.lower()
    assert '"Isochrones 15 min"' in page and "Support points (steunpunten)" in page
    # The bounds of the map are in Porto Alegre (lat -30, lon -51).
    assert "-30.0" in page and "-51." in page


def test_whitespot_webmap_has_buurten_tooltips_and_white_spots(tmp_path):
    buurten = buurten_grid()
    iso, points = two_centre_isochrones()
    path = webmaps.whitespot_webmap(
        buurten,
        gpd.GeoDataFrame({"name": ["Steunpunt A"]}, geometry=points.iloc[[0]], crs=CRS),
        tmp_path / "ws.html",
        candidate=shapely.Point(143500, 473500),
        isochrones=iso,
        title="Witte vlekken",
        caption_params=CAPTION,
    )
    page = path.read_text(encoding="utf-8")
    for text in (
        '"Buurten: reistijd naar dichtstbijzijnde steunpunt"',
        '"Witte vlekken (meer dan 45 min)"',
        '"Isochronen 45 min"',
        "Steunpunt A",
        "Voorgestelde locatie",
        '"Buurt 15"',
        '"Reistijd (min)"',
        '"Inwoners"',
        "meer dan 45 min",
        "onbereikbaar",  # the unreachable corner buurt
        "witte vlek (meer dan 45 min)",
    ):
        assert text in page, text
    assert page.count(maps.class_colours()["45-60"]) >= 2  # legend + buurt fill


def test_whitespot_webmap_in_english_and_with_bad_input(tmp_path):
    path = webmaps.whitespot_webmap(buurten_grid(), None, tmp_path / "en.html", lang="en")
    page = path.read_text(encoding="utf-8")
    assert '"White spots (more than 45 min)"' in page and '"Neighbourhood"' in page
    with pytest.raises(InputError, match="row 0 has travel-time class 'soon'"):
        webmaps.whitespot_webmap(
            buurten_grid().assign(reistijdklasse="soon"), None, tmp_path / "bad.html"
        )
    with pytest.raises(InputError, match="unknown map language 'fr'"):
        webmaps.whitespot_webmap(buurten_grid(), None, tmp_path / "bad.html", lang="fr")
    assert not (tmp_path / "bad.html").exists()


def test_maps_of_real_gooi_buurten_with_repaired_geometries(shared_data, tmp_path):
    source = shared_data / "nl" / "cbs_2014_2015" / "Buurt_2014_gooi_subset.geojson"
    buurten = gpd.read_file(source, on_invalid="fix")
    buurten = buurten[buurten.geometry.notna()].to_crs(CRS)
    buurten["geometry"] = buurten.geometry.make_valid()  # leaves lines and collections
    assert (~buurten.geom_type.isin(["Polygon", "MultiPolygon"])).sum() > 0
    centre = shapely.Point(140500, 471500)  # Hilversum
    minutes = buurten.geometry.representative_point().distance(centre) / 250.0
    buurten["reistijd_min"] = minutes
    buurten["reistijdklasse"] = maps.travel_time_classes(minutes)
    buurten["witte_vlek"] = minutes > 45
    buurten["buurtnaam"] = buurten["statnaam"]
    png = maps.plot_whitespots(
        buurten,
        centre,
        45,
        "Gooi",
        CAPTION,
        tmp_path / "gooi.png",
        population_column=None,
        dpi=LOW_DPI,
    )
    pixels = png_pixels(png)
    assert has_colour(pixels, maps.class_colours()["0-15"])
    page = webmaps.whitespot_webmap(
        buurten, centre, tmp_path / "gooi.html", population_column=None
    ).read_text(encoding="utf-8")
    assert '"Splegelpolder"' in page and '"Horstermeer"' in page
    assert "GeometryCollection" not in page and "LineString" not in page
