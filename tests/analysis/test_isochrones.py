"""Grids and isochrone polygons on small hand-made grids with known travel times."""

from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from accessibility.analysis.grid import Grid, make_grid
from accessibility.analysis.isochrones import cells_polygon, isochrone_areas, isochrone_polygons
from accessibility.errors import InputError
from accessibility.geo import local_metric_crs
from accessibility.outputs.files import to_wgs84, write_geojson, write_geopackage

CRS = "EPSG:28992"


def grid5() -> Grid:
    """A 5 x 5 grid of 100 m cells with its south-west corner at (1000, 2000)."""
    return make_grid((1000.0, 2000.0, 1500.0, 2500.0), 100.0, CRS)


def manhattan_times() -> np.ndarray:
    """Times (min) = 15 x Manhattan distance in cells from the centre cell (2, 2)."""
    rows, cols = grid5().cell_rows_cols
    return 15.0 * (np.abs(rows - 2) + np.abs(cols - 2))


# --------------------------------------------------------------------------- grid


def test_local_metric_crs_picks_rd_new_in_the_netherlands_and_utm_elsewhere():
    assert local_metric_crs(5.17, 52.22) == "EPSG:28992"  # Hilversum
    assert local_metric_crs(-51.22, -30.03) == "EPSG:32722"  # Porto Alegre, UTM 22S
    assert local_metric_crs(13.4, 52.5) == "EPSG:32633"  # Berlin, UTM 33N
    assert local_metric_crs(180.0, 0.0) == "EPSG:32660"


@pytest.mark.parametrize("lon,lat", [(52.2, 185.0), (float("nan"), 5.0), (140000.0, 460000.0)])
def test_local_metric_crs_rejects_invalid_coordinates(lon, lat):
    with pytest.raises(InputError, match="not valid WGS84 degrees"):
        local_metric_crs(lon, lat)


def test_make_grid_aligns_to_cell_multiples_and_masks_cell_centres_in_the_area():
    # A triangle: of the 4 x 4 cells in its bounds, 10 centres lie inside.
    area = shapely.Polygon([(1010, 2010), (1400, 2010), (1010, 2400)])
    grid = make_grid(area, 100.0, CRS)
    assert (grid.x0, grid.y0, grid.n_rows, grid.n_cols) == (1000.0, 2000.0, 4, 4)
    assert grid.bounds == (1000.0, 2000.0, 1400.0, 2400.0)
    expected = np.array(
        [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]], dtype=bool
    )  # row 0 = south; centre on the hypotenuse counts as inside
    np.testing.assert_array_equal(grid.mask, expected)
    assert grid.n_cells == 10
    x, y = grid.centres_xy()
    assert (x[0], y[0]) == (1050.0, 2050.0)
    assert (x[4], y[4]) == (1050.0, 2150.0)  # row-major: 4 cells in row 0, then row 1
    assert grid.cell_area_km2 == pytest.approx(0.01)


def test_grid_centres_lonlat_round_trip_through_rd_new():
    grid = make_grid((155000.0, 463000.0, 156000.0, 464000.0), 250.0, CRS)  # Amersfoort
    lon, lat = grid.centres_lonlat()
    assert lon.shape == lat.shape == (16,)
    # The RD New origin (155000, 463000) is the Onze Lieve Vrouwetoren, Amersfoort.
    assert 5.38 < lon.min() < lon.max() < 5.41
    assert 52.15 < lat.min() < lat.max() < 52.17
    back = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs="EPSG:4326").to_crs(CRS)
    np.testing.assert_allclose(back.x, grid.centres_xy()[0], atol=1e-3)
    np.testing.assert_allclose(back.y, grid.centres_xy()[1], atol=1e-3)


def test_to_raster_puts_values_back_and_fills_outside_cells():
    area = shapely.box(0, 0, 300, 200).difference(shapely.box(200, 100, 300, 200))
    grid = make_grid(area, 100.0, CRS)
    assert grid.n_cells == 5
    raster = grid.to_raster(np.arange(5.0))
    np.testing.assert_array_equal(raster[0], [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(raster[1, :2], [3.0, 4.0])
    assert np.isnan(raster[1, 2])
    with pytest.raises(InputError, match=r"shape \(5,\)"):
        grid.to_raster(np.arange(6.0))


def test_cell_index_finds_the_masked_cell_of_each_point():
    area = shapely.box(0, 0, 300, 200).difference(shapely.box(200, 100, 300, 200))
    grid = make_grid(area, 100.0, CRS)  # cells 0 1 2 in row 0, 3 4 in row 1
    x = np.array([50.0, 250.0, 150.0, 250.0, 100.0, -1.0, 50.0, np.nan])
    y = np.array([50.0, 50.0, 150.0, 150.0, 100.0, 50.0, 200.0, 50.0])
    # (250, 150) lies in the cut-out cell; (100, 100) on an edge -> cell north-east;
    # (-1, 50) west of the raster; (50, 200) on the northern raster edge; NaN.
    np.testing.assert_array_equal(grid.cell_index(x, y), [0, 2, 4, -1, 4, -1, -1, -1])
    cx, cy = grid.centres_xy()
    np.testing.assert_array_equal(grid.cell_index(cx, cy), np.arange(grid.n_cells))


@pytest.mark.parametrize(
    "area,cell,crs,message",
    [
        ((0, 0, 100, 100), 10, "EPSG:4326", "not a projected"),
        ((0, 0, 100, 100), 0, CRS, "positive number"),
        ((0, 0, 100, 100), float("nan"), CRS, "positive number"),
        ((100, 0, 0, 100), 10, CRS, "xmin < xmax"),
        (shapely.Polygon(), 10, CRS, "empty"),
        (shapely.Point(55, 55).buffer(1), 100, CRS, "smaller cell size"),
        ((0, 0, 1e6, 1e6), 1, CRS, "larger cell size"),
        ((0, 0, 100, 100), 10, "EPSG:nonsense", "unknown CRS"),
    ],
)
def test_make_grid_rejects_bad_input(area, cell, crs, message):
    with pytest.raises(InputError, match=message):
        make_grid(area, cell, crs)


# -------------------------------------------------------------------- isochrones


def test_isochrone_area_is_cell_count_times_cell_area_and_bands_are_exact_diamonds():
    grid = grid5()
    gdf = isochrone_polygons(grid, manhattan_times(), ["centre"], cutoffs=(15, 30, 45, 60))
    assert list(gdf.columns) == ["location_id", "cutoff", "n_cells", "area_km2", "geometry"]
    assert gdf.crs == CRS
    # Manhattan distance <= 1, 2, 3, 4 cells: 5, 13, 21 (all but the 4 corners), 25.
    assert list(gdf["n_cells"]) == [5, 13, 21, 25]
    np.testing.assert_allclose(gdf.geometry.area, gdf["n_cells"] * 100.0 * 100.0)
    np.testing.assert_allclose(gdf["area_km2"], gdf["n_cells"] * 0.01)
    plus = shapely.union_all(
        [shapely.box(1200, 2100, 1300, 2400), shapely.box(1100, 2200, 1400, 2300)]
    )
    assert gdf.geometry.iloc[0].equals(plus)
    assert gdf.geometry.iloc[3].equals(shapely.box(1000, 2000, 1500, 2500))
    # Collinear vertices are removed: the full square has 4 corners (+ closing point).
    assert shapely.get_num_coordinates(gdf.geometry.iloc[3]) == 5


def test_isochrones_are_valid_and_nested():
    rng = np.random.default_rng(7)
    grid = make_grid(shapely.Point(0, 0).buffer(2000), 100.0, CRS)
    times = rng.uniform(0, 80, size=(3, grid.n_cells))
    times[1, rng.random(grid.n_cells) < 0.3] = np.nan
    gdf = isochrone_polygons(grid, times, ["a", "b", "c"])
    assert gdf.geometry.is_valid.all()
    for _, group in gdf.groupby("location_id"):
        geoms = list(group.sort_values("cutoff").geometry)
        for inner, outer in zip(geoms, geoms[1:], strict=False):
            assert outer.covers(inner)
            assert inner.difference(outer).area == 0.0
    np.testing.assert_allclose(gdf.geometry.area / 1e4, gdf["n_cells"])


def test_islands_around_distant_stops_give_a_multipolygon_and_holes_stay():
    grid = grid5()
    times = np.full(grid.n_cells, np.nan)
    raster_index = np.arange(25).reshape(5, 5)  # all 25 cells are masked
    times[raster_index[0, 0]] = 5.0  # the location
    times[raster_index[4, 3:5]] = 12.0  # a stop far away, two cells
    gdf = isochrone_polygons(grid, times, [1], cutoffs=(15,))
    geom = gdf.geometry.iloc[0]
    assert geom.geom_type == "MultiPolygon"
    assert len(geom.geoms) == 2
    assert geom.area == pytest.approx(3 * 1e4)
    assert geom.convex_hull.area == pytest.approx(11 * 1e4)  # the hull would add 8 cells

    ring = np.full((5, 5), 20.0)
    ring[1:4, 1:4] = np.nan
    ring[0, 0] = 1.0
    donut = isochrone_polygons(grid, ring.ravel(), ["ring"], cutoffs=(30,)).geometry.iloc[0]
    assert donut.geom_type == "Polygon"
    assert len(donut.interiors) == 1
    assert donut.area == pytest.approx(16 * 1e4)


def test_nothing_within_a_cutoff_gives_an_empty_geometry_row():
    grid = grid5()
    times = np.full(grid.n_cells, 40.0)
    times[3] = np.nan
    gdf = isochrone_polygons(grid, times, ["far"], cutoffs=(15, 30, 45))
    assert list(gdf["cutoff"]) == [15, 30, 45]
    assert list(gdf.geometry.is_empty) == [True, True, False]
    assert list(gdf["area_km2"]) == [0.0, 0.0, pytest.approx(0.24)]
    assert gdf.geometry.iloc[2].area == pytest.approx(24 * 1e4)  # the NaN cell is out


def test_all_unreachable_location_gives_only_empty_rows():
    grid = grid5()
    times = np.full((2, grid.n_cells), np.inf)
    times[1] = np.nan
    gdf = isochrone_polygons(grid, times, ["x", "y"])
    assert len(gdf) == 8
    assert gdf.geometry.is_empty.all()
    assert (gdf["n_cells"] == 0).all()


def test_single_reachable_cell_gives_exactly_that_square():
    grid = grid5()
    times = np.full(grid.n_cells, np.nan)
    times[7] = 0.0  # row 1, col 2
    geom = isochrone_polygons(grid, times, ["dorp"], cutoffs=(15,)).geometry.iloc[0]
    assert geom.geom_type == "Polygon"
    assert geom.equals(shapely.box(1200, 2100, 1300, 2200))


def test_sparse_village_cells_on_an_irregular_mask():
    # Study area = two villages 3 km apart; only their cells exist in the grid.
    area = shapely.union_all([shapely.Point(0, 0).buffer(260), shapely.Point(3000, 0).buffer(160)])
    grid = make_grid(area, 100.0, CRS)
    x, _ = grid.centres_xy()
    times = np.where(x < 1500, 5.0, 35.0)
    gdf = isochrone_polygons(grid, times, ["v"], cutoffs=(15, 45))
    n_west = int((x < 1500).sum())
    assert gdf.geometry.iloc[0].area == pytest.approx(n_west * 1e4)
    assert gdf.geometry.iloc[1].geom_type == "MultiPolygon"
    assert gdf.geometry.iloc[1].area == pytest.approx(grid.n_cells * 1e4)


def test_smoothing_closes_gaps_and_keeps_nesting():
    grid = grid5()
    checker = np.where((np.add.outer(np.arange(5), np.arange(5)) % 2) == 0, 10.0, 40.0)
    times = checker.ravel()
    raw = isochrone_polygons(grid, times, ["c"], cutoffs=(15, 45))
    smooth = isochrone_polygons(grid, times, ["c"], cutoffs=(15, 45), smooth_m=60.0)
    assert smooth.geometry.is_valid.all()
    assert smooth.geometry.iloc[1].covers(smooth.geometry.iloc[0])
    assert smooth.geometry.iloc[0].area > raw.geometry.iloc[0].area  # gaps closed
    assert smooth.geometry.iloc[1].area == pytest.approx(25 * 1e4)
    # The counts stay the cell counts; area_km2 is the area of the smoothed geometry.
    assert list(smooth["n_cells"]) == [13, 25]
    assert smooth["area_km2"].iloc[0] == pytest.approx(smooth.geometry.iloc[0].area / 1e6)


def test_isochrone_areas_match_polygon_areas_and_cutoffs_are_sorted():
    grid = grid5()
    times = np.vstack([manhattan_times(), manhattan_times() + 20.0])
    areas = isochrone_areas(grid, times, ["a", "b"], cutoffs=(45, 15, 30, 60))
    assert list(areas.columns) == ["location_id", "cutoff", "n_cells", "area_km2"]
    assert list(areas["location_id"]) == ["a"] * 4 + ["b"] * 4
    assert list(areas["cutoff"]) == [15, 30, 45, 60] * 2
    # b is 20 min further: distance <= -5/15, 10/15, 25/15, 40/15 cells -> 0, 1, 5, 13 cells
    assert list(areas["n_cells"]) == [5, 13, 21, 25, 0, 1, 5, 13]
    polygons = isochrone_polygons(grid, times, ["a", "b"], cutoffs=(45, 15, 30, 60))
    np.testing.assert_allclose(areas["area_km2"], polygons["area_km2"])


@pytest.mark.parametrize(
    "times,ids,cutoffs,message",
    [
        (np.zeros((2, 25)), ["a"], (15,), "1 location ids for 2 rows"),
        (np.zeros((1, 24)), ["a"], (15,), r"shape \(n_locations, 25\)"),
        (np.zeros((2, 25)), ["a", "a"], (15,), "not unique"),
        (np.full((1, 25), -1.0), ["a"], (15,), "negative travel time"),
        (np.zeros((1, 25)), ["a"], (), "no isochrone cutoffs"),
        (np.zeros((1, 25)), ["a"], (15, 15), "duplicates"),
        (np.zeros((1, 25)), ["a"], (0, 15), "cutoff 0 is not a positive"),
    ],
)
def test_isochrones_reject_bad_input(times, ids, cutoffs, message):
    with pytest.raises(InputError, match=message):
        isochrone_polygons(grid5(), times, ids, cutoffs=cutoffs)


def test_cells_polygon_is_fast_on_a_large_raster():
    grid = make_grid((0.0, 0.0, 40000.0, 40000.0), 100.0, CRS)  # 160,000 cells
    rows, cols = grid.cell_rows_cols
    times = np.minimum(
        np.hypot(rows - 100, cols - 150) * 0.3, np.hypot(rows - 300, cols - 250) * 0.2
    )
    start = time.perf_counter()
    gdf = isochrone_polygons(grid, times, ["big"])
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0, f"4 isochrones on a 400 x 400 grid took {elapsed:.2f} s"
    np.testing.assert_allclose(gdf.geometry.area / 1e4, gdf["n_cells"])
    assert gdf.geometry.is_valid.all()


def test_cells_polygon_of_an_empty_mask_is_an_empty_polygon():
    grid = grid5()
    geom = cells_polygon(grid, np.zeros((5, 5), dtype=bool))
    assert geom.is_empty and geom.geom_type == "Polygon"


# ---------------------------------------------------------------------- output


def test_write_geopackage_round_trip_with_layers(tmp_path):
    grid = grid5()
    gdf = isochrone_polygons(grid, np.vstack([manhattan_times(), np.full(25, 99.0)]), ["a", "b"])
    points = gpd.GeoDataFrame({"name": ["x"]}, geometry=[shapely.Point(1250, 2250)], crs=CRS)
    path = tmp_path / "out" / "isochrones.gpkg"
    assert write_geopackage({"isochrones": gdf, "locations": points}, path) == path
    layers = dict(pyogrio.list_layers(path))
    assert set(layers) == {"isochrones", "locations"}
    back = gpd.read_file(path, layer="isochrones")
    assert back.crs == CRS
    assert list(back["location_id"]) == list(gdf["location_id"])
    assert list(back["cutoff"]) == list(gdf["cutoff"])
    np.testing.assert_allclose(back.geometry.area, gdf.geometry.area)
    assert back.geometry.iloc[4:].is_empty.all()  # location b reaches nothing: empty rows kept
    assert gpd.read_file(path, layer="locations")["name"].tolist() == ["x"]
    # Rewriting replaces the whole file: only the new layers remain, no temp files.
    write_geopackage({"only": points}, path)
    assert [name for name, _ in pyogrio.list_layers(path)] == ["only"]
    assert sorted(p.name for p in path.parent.iterdir()) == ["isochrones.gpkg"]


def test_write_geopackage_rejects_missing_crs_and_no_layers(tmp_path):
    no_crs = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(0, 0)])
    with pytest.raises(InputError, match="'bad' .* has no CRS"):
        write_geopackage({"bad": no_crs}, tmp_path / "x.gpkg")
    with pytest.raises(InputError, match="no layers"):
        write_geopackage({}, tmp_path / "x.gpkg")
    assert list(tmp_path.iterdir()) == []


def test_write_geojson_is_wgs84(tmp_path):
    grid = make_grid((155000.0, 463000.0, 155500.0, 463500.0), 100.0, CRS)
    gdf = isochrone_polygons(grid, np.arange(25.0), ["amersfoort"], cutoffs=(10,))
    path = write_geojson(gdf, tmp_path / "iso.geojson")
    back = gpd.read_file(path)
    assert back.crs.to_epsg() == 4326
    minx, miny, maxx, maxy = back.total_bounds
    assert 5.38 < minx < maxx < 5.40 and 52.15 < miny < maxy < 52.16
    assert to_wgs84(gdf).geometry.iloc[0].equals_exact(back.geometry.iloc[0], 1e-9)
