"""Static (PNG) and interactive (HTML) maps on small synthetic inputs."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from map_inputs import CAPTION, CRS, buurten_grid, has_colour, png_pixels, two_centre_isochrones
from matplotlib import colors

from accessibility.analysis.grid import make_grid
from accessibility.analysis.isochrones import isochrone_polygons
from accessibility.errors import InputError
from accessibility.outputs import maps, webmaps
from accessibility.outputs.maps import layout, legend, whitespot_maps

LOW_DPI = 60  # fast renders; one test checks the default 150 dpi size


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
    # The vector copy lies beside it, and no temp file is left.
    assert sorted(p.name for p in path.parent.iterdir()) == ["iso.pdf", "iso.png"]
    assert (path.parent / "iso.pdf").read_bytes()[:5] == b"%PDF-"


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
    x0, _, width, _ = layout.SINGLE_BOX  # the legend lies to the right of the map box
    map_area = pixels[:, : int((x0 + width) * pixels.shape[1])]
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
    handles = legend.buurt_class_handles(
        buurten, "reistijdklasse", "aantal_inwoners", maps.class_colours(), "nl", True
    )
    labels = [h.get_label() for h in [*handles, legend.whitespot_handle(45, "nl")]]
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
    totals_before = maps.whitespot_totals(before, "witte_vlek", "aantal_inwoners")
    totals_after = maps.whitespot_totals(after, "witte_vlek", "aantal_inwoners")
    assert totals_before == (3, 3000.0) and totals_after == (0, 0.0)
    assert (
        maps.whitespot_summary(totals_after, "nl", reference=totals_before)
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
    assert "Splegelpolder" in page and "Horstermeer" in page  # buurt names on hover
    # Only polygon rings reach the page: a row that make_valid collapsed to a line
    # has no coordinates, and every ring is closed.
    fig, _ = webmaps.whitespot_figure(buurten, centre, population_column=None)
    buurt_traces = [t for t in fig.data if t.hoveron == "fills"]
    assert len(buurt_traces) == len(buurten)
    empty_rows = maps.polygonal(buurten.geometry).is_empty.to_numpy()
    for trace, empty in zip(buurt_traces, empty_rows, strict=True):
        assert (len(trace.x) == 0) == empty
        rings = np.split(np.array(trace.x, dtype=object), np.flatnonzero(
            np.array([v is None for v in trace.x])) + 1)
        assert all(r[0] == r[-2] for r in rings if len(r) > 1)


# ------------------------------------------------- one scale, people, furniture


def lightness(hex_colour: str) -> float:
    """CIE L* (0 = black, 100 = white)."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
              for c in colors.to_rgb(hex_colour)]
    y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 116 * y ** (1 / 3) - 16 if y > 0.008856 else 903.3 * y


def test_unreachable_is_the_worst_class_never_milder_than_over_60():
    palette = maps.class_colours()
    beyond = [palette[k] for k in ("45-60", ">60", "onbereikbaar")]
    # Beyond the norm the scale darkens class by class; unreachable is the darkest of all.
    assert [lightness(c) for c in beyond] == sorted((lightness(c) for c in beyond), reverse=True)
    assert lightness(palette["onbereikbaar"]) == min(lightness(c) for c in palette.values())
    assert lightness(palette[">60"]) - lightness(palette["onbereikbaar"]) > 15
    r, g, b = colors.to_rgb(palette["onbereikbaar"])
    assert r > 2 * max(g, b)  # a saturated red, not a grey
    assert maps.class_legend_label("onbereikbaar", "nl", 90) == "onbereikbaar binnen 90 min"


def test_dots_put_colour_where_people_live():
    people = gpd.GeoDataFrame(
        {"population": [37.0, 0.0, 4.0], "travel_time_min": [5.0, 10.0, np.inf]},
        geometry=gpd.points_from_xy([100.0, 300.0, 500.0], [100.0, 100.0, 100.0]), crs=CRS)
    cells = maps.population_cells(people, 200, CRS)
    assert len(cells) == 2 and np.isnan(cells["travel_time_min"].iloc[1])  # no inf
    assert maps.persons_per_dot(39_670) == 10 and maps.persons_per_dot(300) == 1
    counts = [len(maps.population_dots(cells, 200, 10, seed=s)) for s in range(200)]
    assert set(counts) <= {3, 4, 5}
    assert np.mean(counts) == pytest.approx(4.1, abs=0.15)  # 37/10 + 4/10 on average
    dots = maps.population_dots(cells, 200, 1)
    assert len(dots) == 41 and dots.equals(maps.population_dots(cells, 200, 1))
    inside = dots.geometry.within(shapely.union_all(list(cells.geometry)))
    assert inside.all()
    with pytest.raises(InputError, match="cell size 0 m must be a positive"):
        maps.population_cells(people, 0, CRS)


def test_whitespot_map_with_people_counts_inhabitants_per_class(tmp_path):
    buurten = buurten_grid()
    people = gpd.GeoDataFrame(
        {"population": [300.0, 120.0, 80.0], "travel_time_min": [10.0, 50.0, np.nan]},
        geometry=gpd.points_from_xy([140500.0, 142500.0, 143500.0],
                                    [470500.0, 472500.0, 473500.0]), crs=CRS)
    handles = whitespot_maps.class_handles(buurten, maps.population_cells(people, 200, CRS),
                                           "reistijdklasse", None, maps.class_colours(),
                                           maps.DEFAULT_BREAKS, "nl", 90)
    labels = [h.get_label() for h in handles]
    assert labels[:6] == ["0–15 min (300 inw.)", "15–30 min (0 inw.)", "30–45 min (0 inw.)",
                          "45–60 min (120 inw.)", "meer dan 60 min (0 inw.)",
                          "onbereikbaar binnen 90 min (80 inw.)"]
    assert labels[6] == "onbewoond of geen gegevens"
    path = maps.plot_whitespots(buurten, None, 45, "Mensen", CAPTION | {"max_trip_minutes": 90},
                                tmp_path / "people.png", population=people, cell_size_m=200,
                                dpi=LOW_DPI)
    pixels = png_pixels(path)
    x0, _, width, _ = layout.SINGLE_BOX
    map_area = pixels[:, : int((x0 + width) * pixels.shape[1])]
    palette = maps.class_colours()
    for label in ("0-15", "45-60", "onbereikbaar"):
        assert has_colour(map_area, palette[label], 5), label
    for label in ("15-30", "30-45", ">60"):  # nobody lives at these times
        assert not has_colour(map_area, palette[label], 1), label
    with pytest.raises(InputError, match="cell_size_m is required"):
        maps.plot_whitespots(buurten, None, 45, "t", None, tmp_path / "x.png", population=people)


def test_scale_bar_and_north_arrow_stay_readable_on_the_darkest_class(tmp_path):
    dark = buurten_grid().assign(reistijdklasse="onbereikbaar", witte_vlek=False)
    path = maps.plot_whitespots(dark, None, 45, "Donker", None, tmp_path / "dark.png",
                                dpi=LOW_DPI)
    pixels = png_pixels(path)
    fig_h, fig_w = pixels.shape[:2]
    x0, y0, w, h = layout.SINGLE_BOX

    def region(ax_x0, ax_y0, ax_x1, ax_y1):
        cols = slice(int((x0 + ax_x0 * w) * fig_w), int((x0 + ax_x1 * w) * fig_w))
        rows = slice(int((1 - y0 - ax_y1 * h) * fig_h), int((1 - y0 - ax_y0 * h) * fig_h))
        return pixels[rows, cols]

    for box in ((0.03, 0.03, 0.2, 0.1), (0.93, 0.86, 0.97, 0.97)):  # scale bar, north arrow
        part = region(*box)
        light = (part.mean(axis=2) > 0.85).mean()
        dark_ink = (part.mean(axis=2) < 0.2).mean()
        assert light > 0.4 and dark_ink > 0.01, box  # a light box with black marks on it


def test_maps_of_a_set_share_one_extent():
    iso, points = two_centre_isochrones()
    context = maps.MapContext(extent=(138000.0, 468000.0, 158000.0, 482000.0))
    limits = []
    for location in ("west", "oost"):
        fig, ax = layout.single_map()
        maps.set_extent(ax, context.bounds(
            np.asarray(iso[iso.location_id == location].total_bounds)))
        limits.append((ax.get_xlim(), ax.get_ylim()))
    assert limits[0] == limits[1]
    assert maps.MapContext().bounds(np.array([1.0, 2, 3, 4])).tolist() == [1, 2, 3, 4]
