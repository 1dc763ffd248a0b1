"""Tests of buurten reading (analysis.buurten) and population points (analysis.population)."""

from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from accessibility.analysis.buurten import AGE_COLUMNS, normalise_buurten, read_buurten
from accessibility.analysis.population import population_points
from accessibility.errors import InputError

RD = "EPSG:28992"


# ---------------------------------------------------------------- buurten


def test_normalise_2014_style_columns_with_sentinels_and_percentages():
    frame = gpd.GeoDataFrame(
        {
            "BU_CODE": ["BU04020101", "BU04020102", "BU04020103"],
            "BU_NAAM": ["Centrum", "Oost", "Geheim"],
            "WK_CODE": ["WK040201"] * 3,
            "GM_CODE": ["GM0402"] * 3,
            "GM_NAAM": ["Hilversum"] * 3,
            "AANT_INW": [1000, 250, -99999999],
            "P_00_14_JR": [20, -99999998, 10],
            "P_65_EO_JR": [15, 40, 10],
        },
        geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100), box(200, 0, 300, 100)],
        crs=RD,
    )
    b = normalise_buurten(frame, source="buurt_2014.shp")
    g = b.gdf
    assert g["buurtcode"].tolist() == ["BU04020101", "BU04020102", "BU04020103"]
    assert g["gemeentenaam"].tolist() == ["Hilversum"] * 3
    assert g["aantal_inwoners"].iloc[:2].tolist() == [1000.0, 250.0]
    assert np.isnan(g["aantal_inwoners"].iloc[2])
    assert g["aantal_inwoners_0_tot_15_jaar"].iloc[0] == 200.0  # 20 % of 1000
    assert np.isnan(g["aantal_inwoners_0_tot_15_jaar"].iloc[1])  # sentinel
    assert g["aantal_inwoners_65_jaar_en_ouder"].iloc[:2].tolist() == [150.0, 100.0]
    assert g["aantal_inwoners_15_tot_25_jaar"].isna().all()  # not in file
    assert g["has_population"].tolist() == [True, True, False]
    assert b.n_without_population == 1
    assert any("1 negative value(s) (-99999999) in aantal_inwoners" in w for w in b.warnings)
    assert any("(-99999998) in P_00_14_JR" in w for w in b.warnings)
    assert any("1 of 3 buurt(en) have no population" in w and "BU04020103" in w for w in b.warnings)
    assert g.crs.to_epsg() == 28992


def test_normalise_pdok_snake_and_camel_case_and_derived_codes():
    geom = [box(0, 0, 1, 1)]
    snake = gpd.GeoDataFrame(
        {"buurtcode": ["BU19420305"], "aantal_inwoners": [400],
         "aantal_inwoners_0_tot_15_jaar": [80], "percentage_personen_65_jaar_en_ouder": [25]},
        geometry=geom, crs=RD,
    )
    g = normalise_buurten(snake).gdf
    assert g["gemeentecode"].iloc[0] == "GM1942"
    assert g["wijkcode"].iloc[0] == "WK194203"
    assert g["aantal_inwoners_0_tot_15_jaar"].iloc[0] == 80.0  # counts win over shares
    assert g["aantal_inwoners_65_jaar_en_ouder"].iloc[0] == 100.0
    camel = gpd.GeoDataFrame(
        {"buurtcode": ["BU03630000"], "gemeentecode": ["GM0363"], "aantalInwoners": [10],
         "percentagePersonen0Tot15Jaar": [50]},
        geometry=geom, crs=RD,
    )
    g = normalise_buurten(camel).gdf
    assert g["aantal_inwoners"].iloc[0] == 10.0
    assert g["aantal_inwoners_0_tot_15_jaar"].iloc[0] == 5.0


def test_normalise_reprojects_wgs84_to_metric():
    frame = gpd.GeoDataFrame(
        {"BU_CODE": ["BU04020101"], "AANT_INW": [5]},
        geometry=[box(5.17, 52.22, 5.18, 52.23)], crs="EPSG:4326",
    )
    g = normalise_buurten(frame).gdf
    minx, miny, maxx, maxy = g.total_bounds
    assert 140_000 < minx < maxx < 142_000 and 470_000 < miny < maxy < 473_000


def test_normalise_errors():
    frame = gpd.GeoDataFrame({"BU_CODE": ["BU04020101"]}, geometry=[box(0, 0, 1, 1)])
    with pytest.raises(InputError, match="no CRS; set it"):
        normalise_buurten(frame, source="x.geojson")
    with pytest.raises(InputError, match="no buurtcode column"):
        normalise_buurten(gpd.GeoDataFrame({"naam": ["a"]}, geometry=[box(0, 0, 1, 1)], crs=RD))
    dup = gpd.GeoDataFrame(
        {"BU_CODE": ["BU04020101"] * 2}, geometry=[box(0, 0, 1, 1)] * 2, crs=RD
    )
    with pytest.raises(InputError, match="BU04020101 occur more than once"):
        normalise_buurten(dup)
    with pytest.raises(InputError, match="not a metric"):
        normalise_buurten(dup.iloc[:1], crs="EPSG:4326")
    bad = gpd.GeoDataFrame({"BU_CODE": ["BU04020101"], "AANT_INW": ["veel"]},
                           geometry=[box(0, 0, 1, 1)], crs=RD)
    with pytest.raises(InputError, match="non-numeric value 'veel'"):
        normalise_buurten(bad)


def test_read_buurten_geojson_roundtrip_and_missing_file(tmp_path):
    frame = gpd.GeoDataFrame(
        {"buurtcode": ["BU04020101"], "aantal_inwoners": [12]},
        geometry=[box(0, 0, 100, 100)], crs=RD,
    )
    path = tmp_path / "b.gpkg"
    frame.to_file(path, driver="GPKG")
    b = read_buurten(path)
    assert b.gdf["aantal_inwoners"].tolist() == [12.0]
    with pytest.raises(InputError, match="not found"):
        read_buurten(tmp_path / "none.gpkg")


def test_read_real_cbs_files(shared_data):
    ams = read_buurten(shared_data / "nl/amsterdam_buurten/neighborhoods.parquet")
    assert len(ams.gdf) == 443
    assert ams.gdf["aantal_inwoners"].sum() == 868380
    assert set(ams.gdf["gemeentecode"]) == {"GM0363"}
    assert ams.gdf[list(AGE_COLUMNS)].notna().all().all()
    gooi = read_buurten(shared_data / "nl/cbs_2014_2015/Buurt_2014_gooi_subset.geojson")
    assert len(gooi.gdf) == 160
    assert gooi.n_without_population == 160  # the 2014 subset has boundaries only
    assert any("invalid geometr" in w for w in gooi.warnings)


# ---------------------------------------------------------- population points


def _toy_buurten() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "buurtcode": ["BU00010001", "BU00010002", "BU00010003", "BU00020001", "BU00020002"],
            "gemeentecode": ["GM0001", "GM0001", "GM0001", "GM0002", "GM0002"],
            "aantal_inwoners": [800.0, 300.0, 50.0, np.nan, 0.0],
            "aantal_inwoners_0_tot_15_jaar": [160.0, 30.0, np.nan, np.nan, 0.0],
        },
        geometry=[
            box(0, 0, 400, 400),  # 4 cells of 200 m
            box(400, 0, 1000, 200),  # 3 cells
            box(1000, 0, 1050, 50),  # no cell centre inside -> representative point
            box(0, 400, 400, 800),  # population missing
            box(400, 400, 800, 800),  # 0 inhabitants
        ],
        crs=RD,
    )


def test_population_points_grid_exact():
    result = population_points(_toy_buurten(), cell_size_m=200)
    g = result.gdf
    assert g["point_id"].tolist() == list(range(8))
    assert g["buurtcode"].tolist() == ["BU00010001"] * 4 + ["BU00010002"] * 3 + ["BU00010003"]
    assert list(zip(g.geometry.x, g.geometry.y, strict=True)) == [
        (100, 100), (300, 100), (100, 300), (300, 300),
        (500, 100), (700, 100), (900, 100),
        (1025, 25),
    ]
    assert g["population"].tolist() == [200] * 4 + [100] * 3 + [50]
    assert g["aantal_inwoners_0_tot_15_jaar"].iloc[:7].tolist() == [40] * 4 + [10] * 3
    assert g["placement"].tolist() == ["grid"] * 7 + ["representative_point"]
    assert result.n_buurten_without_population == 1
    assert any("1 buurt(en) without population" in w and "BU00020001" in w for w in result.warnings)
    assert any("1 buurt(en) with 0 inhabitants" in w for w in result.warnings)
    # lat/lon are WGS84 of the RD point (RD origin area lies in France/Belgium)
    assert g.crs.to_epsg() == 28992
    assert 47 < g["lat"].iloc[0] < 49 and 3 < g["lon"].iloc[0] < 4


def test_population_points_street_filter_keeps_totals():
    result = population_points(
        _toy_buurten(), 200,
        street_x=np.array([100.0, 900.0]), street_y=np.array([100.0, 100.0]),
        max_street_distance_m=150,
    )
    g = result.gdf
    assert list(zip(g["buurtcode"], g.geometry.x, g.geometry.y, g["population"], strict=True)) == [
        ("BU00010001", 100, 100, 800), ("BU00010002", 900, 100, 300), ("BU00010003", 1025, 25, 50)
    ]
    assert any("5 grid cell(s) farther than 150 m" in w for w in result.warnings)


def test_population_points_when_streets_far_from_whole_buurt_uses_representative_point():
    result = population_points(
        _toy_buurten().iloc[:1], 200, street_x=np.array([5000.0]), street_y=np.array([5000.0])
    )
    g = result.gdf
    assert len(g) == 1 and g["population"].iloc[0] == 800
    assert g["placement"].iloc[0] == "representative_point"


def test_population_points_errors():
    b = _toy_buurten()
    with pytest.raises(InputError, match="not metric"):
        population_points(b.to_crs("EPSG:4326"))
    with pytest.raises(InputError, match="cell size"):
        population_points(b, 0)
    with pytest.raises(InputError, match="both street_x and street_y"):
        population_points(b, 200, street_x=np.array([1.0]))
    with pytest.raises(InputError, match="equal length"):
        population_points(b, 200, street_x=np.array([1.0]), street_y=np.array([1.0, 2.0]))
    with pytest.raises(InputError, match="missing column 'gemeentecode'"):
        population_points(b.drop(columns="gemeentecode"))


def test_population_points_random_buurten_preserve_totals_and_are_fast():
    rng = np.random.default_rng(1)
    n = 400
    size = rng.uniform(50, 2_000, n)
    # disjoint squares of random size on a 2.5 km lattice
    x0 = (np.arange(n) % 20) * 2_500.0
    y0 = (np.arange(n) // 20) * 2_500.0
    buurten = gpd.GeoDataFrame(
        {
            "buurtcode": [f"BU0001{i:04d}" for i in range(n)],
            "gemeentecode": "GM0001",
            "aantal_inwoners": rng.integers(1, 5_000, n).astype(float),
        },
        geometry=[box(a, b, a + s, b + s) for a, b, s in zip(x0, y0, size, strict=True)],
        crs=RD,
    )
    start = time.perf_counter()
    g = population_points(buurten, 100).gdf
    elapsed = time.perf_counter() - start
    assert len(g) > 30_000
    assert elapsed < 2.0  # about 0.3 s for ~50,000 points on one core
    totals = g.groupby("buurtcode")["population"].sum()
    expected = buurten.set_index("buurtcode")["aantal_inwoners"]
    assert len(totals) == n
    np.testing.assert_allclose(totals.loc[expected.index].to_numpy(), expected.to_numpy(), rtol=1e-12)
    # every point lies in its own buurt
    own = buurten.set_index("buurtcode").geometry.loc[g["buurtcode"]].to_numpy()
    assert shapely.within(g.geometry.to_numpy(), own).all()
    assert pd.Series(g["point_id"]).is_unique
