"""Tests of coverage per point, buurt, gemeente and region (accessibility.analysis.coverage)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from accessibility.analysis.coverage import (
    assign_gemeente,
    classify_times,
    compare_coverage,
    grouped_weighted_median,
    need_vs_supply,
    point_coverage,
    summarise_coverage,
    time_class_labels,
    weighted_median,
)
from accessibility.errors import InputError

NAN = float("nan")
INF = float("inf")


def _points() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "point_id": range(6),
            "buurtcode": ["B1", "B1", "B1", "B2", "B3", "B3"],
            "gemeentecode": ["G1", "G1", "G1", "G1", "G2", "G2"],
            "population": [100.0, 100.0, 200.0, 300.0, 100.0, 50.0],
            "epa_estimate": [1.0, 1.0, 2.0, 3.0, 2.0, 1.0],
        }
    )


TIMES = np.array([10.0, 50.0, NAN, 45.0, 61.0, 20.0])


def test_weighted_median_definition():
    assert weighted_median(np.array([10.0, 20.0]), np.array([1.0, 1.0])) == 10.0
    assert weighted_median(np.array([10.0, 20.0]), np.array([1.0, 2.0])) == 20.0
    assert weighted_median(np.array([20.0, 10.0, 30.0]), np.array([1.0, 1.0, 1.0])) == 20.0
    assert weighted_median(np.array([5.0, NAN]), np.array([1.0, 3.0])) == INF
    assert weighted_median(np.array([1.0, 5.0]), np.array([0.0, 1.0])) == 5.0
    assert np.isnan(weighted_median(np.array([1.0, 5.0]), np.array([0.0, 0.0])))


def test_grouped_weighted_median_matches_brute_force():
    rng = np.random.default_rng(7)
    groups = rng.integers(0, 30, 2000)
    values = rng.choice([5.0, 12.5, 20.0, 44.0, 45.0, 60.0, NAN], 2000)
    weights = rng.uniform(0, 10, 2000) * (rng.random(2000) > 0.1)
    got = grouped_weighted_median(groups, values, weights, 31)
    for g in range(31):
        m = groups == g
        v = np.where(np.isnan(values[m]), INF, values[m])
        w = weights[m]
        if w.sum() == 0:
            assert np.isnan(got[g])
            continue
        expected = min(t for t in v if w[v <= t].sum() >= w.sum() / 2)
        assert got[g] == expected


def test_classify_times_right_closed():
    classes = classify_times(np.array([0.0, 15.0, 15.01, 30.0, 45.0, 45.5, 60.0, 61.0, NAN, INF]))
    assert list(classes) == [
        "0-15", "0-15", "15-30", "15-30", "30-45", "45-60", "45-60", ">60",
        "onbereikbaar", "onbereikbaar",
    ]
    assert time_class_labels() == ["0-15", "15-30", "30-45", "45-60", ">60", "onbereikbaar"]


def test_point_coverage():
    pc = point_coverage(_points(), TIMES)
    assert pc["beyond_norm"].tolist() == [False, True, True, False, True, False]
    assert list(pc["time_class"]) == ["0-15", "45-60", "onbereikbaar", "30-45", ">60", "15-30"]
    assert np.isnan(pc["travel_time_min"].iloc[2])


def test_summarise_coverage_buurten_exact():
    result = summarise_coverage(_points(), TIMES, norm_minutes=45, white_spot_share=0.5)
    b = result.buurten.set_index("buurtcode")
    assert b["gemeentecode"].tolist() == ["G1", "G1", "G2"]
    assert b["population"].tolist() == [400, 300, 150]
    assert b["median_time_min"].tolist() == [50, 45, 61]
    assert b["share_beyond_norm"].tolist() == pytest.approx([0.75, 0.0, 2 / 3])
    assert b["share_unreachable"].tolist() == pytest.approx([0.5, 0.0, 0.0])
    assert b["population_beyond_norm"].tolist() == [300, 0, 100]
    assert b["epa_estimate_beyond_norm"].tolist() == [3.0, 0.0, 2.0]
    assert b["witte_vlek"].tolist() == [True, False, True]
    assert list(b["time_class"]) == ["45-60", "30-45", ">60"]
    assert result.parameters == {
        "norm_minutes": 45.0, "white_spot_share": 0.5, "cutoffs": [15.0, 30.0, 45.0, 60.0]
    }


def test_summarise_coverage_gemeenten_and_region_exact():
    g = summarise_coverage(_points(), TIMES).gemeenten.set_index("gemeentecode")
    assert g.index.tolist() == ["G1", "G2", "regio"]
    assert g["population"].tolist() == [700, 150, 850]
    assert g["median_time_min"].tolist() == [45, 61, 45]
    assert g["population_beyond_norm"].tolist() == [300, 100, 400]
    assert g["share_beyond_norm"].tolist() == pytest.approx([300 / 700, 100 / 150, 400 / 850])
    assert g["epa_estimate"].tolist() == [7.0, 3.0, 10.0]
    assert g["epa_estimate_beyond_norm"].tolist() == [3.0, 2.0, 5.0]
    assert g["n_buurten"].tolist() == [2, 1, 3]
    assert g["n_witte_vlekken"].tolist() == [1, 1, 2]
    assert g["population_in_witte_vlekken"].tolist() == [400, 150, 550]


def test_white_spot_threshold_is_strictly_greater():
    # B1 has 75 % beyond the norm: a white spot at 0.5, not at 0.75
    b = summarise_coverage(_points(), TIMES, white_spot_share=0.75).buurten
    assert b["witte_vlek"].tolist() == [False, False, False]


def test_coverage_input_errors():
    with pytest.raises(InputError, match=r"\(5,\) travel times for 6 population points"):
        summarise_coverage(_points(), TIMES[:5])
    with pytest.raises(InputError, match="negative travel time -1 min at point position 0"):
        summarise_coverage(_points(), np.array([-1.0, 1, 1, 1, 1, 1]))
    with pytest.raises(InputError, match="epa_estimate"):
        summarise_coverage(_points().drop(columns="epa_estimate"), TIMES)
    with pytest.raises(InputError, match="white_spot_share"):
        summarise_coverage(_points(), TIMES, white_spot_share=1.5)


def test_compare_coverage_exact():
    new_site = np.array([NAN, 30.0, 40.0, NAN, 44.0, NAN])
    after = np.fmin(TIMES, new_site)
    cmp = compare_coverage(_points(), TIMES, after)
    assert cmp.points["newly_within_norm"].tolist() == [False, True, True, False, True, False]
    assert not cmp.points["newly_beyond_norm"].any()
    assert cmp.population_newly_within_norm == 400
    assert cmp.epa_estimate_newly_within_norm == 5.0
    assert cmp.resolved_white_spots == ["B1", "B3"]
    assert cmp.new_white_spots == []
    g = cmp.gemeenten.set_index("gemeentecode")
    assert g.index.tolist() == ["G1", "G2", "regio"]
    assert g["median_time_before_min"].tolist() == [45, 61, 45]
    assert g["median_time_after_min"].tolist() == [40, 44, 40]
    assert g["population_newly_within_norm"].tolist() == [300, 100, 400]
    assert g["population_beyond_norm_after"].tolist() == [0, 0, 0]
    assert g["n_witte_vlekken_before"].tolist() == [1, 1, 2]
    assert g["n_witte_vlekken_after"].tolist() == [0, 0, 0]


def _buurten_gdf() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"buurtcode": ["B1", "B2", "B3"], "gemeentecode": ["G1", "G1", "G2"]},
        geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100), box(200, 0, 300, 100)],
        crs="EPSG:28992",
    )


def _steunpunten() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": ["s1", "s2", "s3", "s4", "s5"],
            "capacity_weight": [2.0, NAN, 0.5, 1.0, 1.0],
        },
        geometry=[Point(50, 50), Point(150, 50), Point(250, 50), Point(1000, 1000), None],
        crs="EPSG:28992",
    )


def test_assign_gemeente_lists_unplaced():
    a = assign_gemeente(_steunpunten(), _buurten_gdf())
    codes = a.steunpunten["gemeentecode"]
    assert codes.iloc[:3].tolist() == ["G1", "G1", "G2"]
    assert codes.iloc[3:].isna().all()
    assert a.warnings == [
        "1 steunpunt(en) without a location counted for the region only: s5",
        "1 steunpunt(en) outside every buurt counted for the region only: s4",
    ]


def test_assign_gemeente_reprojects_wgs84_steunpunten():
    s = _steunpunten().iloc[:1].to_crs("EPSG:4326")
    assert assign_gemeente(s, _buurten_gdf()).steunpunten["gemeentecode"].tolist() == ["G1"]


def test_need_vs_supply_exact():
    steunpunten = assign_gemeente(_steunpunten(), _buurten_gdf()).steunpunten
    epa = pd.DataFrame({"gemeentecode": ["G1", "G1", "G2"], "epa_estimate": [600.0, 400.0, 300.0]})
    t = need_vs_supply(epa, steunpunten).set_index("gemeentecode")
    assert t.index.tolist() == ["G1", "G2", "regio"]
    assert t["epa_estimate"].tolist() == [1000, 300, 1300]
    # 1000 x 0.15/100 = 1.5 -> 2 (half up); region from its own total 1300
    assert t[["need_15", "need_30", "need_45"]].values.tolist() == [[2, 3, 5], [0, 1, 1], [2, 4, 6]]
    assert t["steunpunten_count"].tolist() == [2, 1, 5]
    assert t["steunpunten_gewogen"].tolist() == [3.0, 0.5, 5.5]
    assert t[["gap_15", "gap_30", "gap_45"]].values.tolist() == [
        [-1.0, 0.0, 2.0], [-0.5, 0.5, 0.5], [-3.5, -1.5, 0.5]
    ]


DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


@pytest.mark.skipif(not (DEMO / "buurten.geojson").is_file(), reason="demo region not generated")
def test_demo_region_chain_buurten_to_need_vs_supply():
    """buurten -> population points -> EPA -> coverage -> need vs supply on the demo region."""
    from accessibility.analysis.buurten import read_buurten
    from accessibility.analysis.epa import add_epa_to_points, estimate_epa, read_prevalence_table
    from accessibility.analysis.population import population_points

    buurten = read_buurten(DEMO / "buurten.geojson").gdf
    points = population_points(buurten, 200).gdf
    epa = estimate_epa(buurten, read_prevalence_table(DEMO / "prevalence.csv"))
    assert epa.warnings == []
    points = add_epa_to_points(points, epa.buurten)
    assert points["population"].sum() == pytest.approx(39_670)
    assert points["epa_estimate"].sum() == pytest.approx(epa.buurten["epa_estimate"].sum())

    table = pd.read_csv(DEMO / "steunpunten.csv")
    table = table[table["kind"] != "proposed"]
    steunpunten = gpd.GeoDataFrame(
        table, geometry=gpd.points_from_xy(table["lon"], table["lat"]), crs="EPSG:4326"
    )
    assigned = assign_gemeente(steunpunten, buurten)
    assert assigned.steunpunten.set_index("id").loc[["VS01", "VS02"], "gemeentecode"].tolist() == [
        "GM9901", "GM9901"
    ]
    assert assigned.warnings[0].startswith("3 steunpunt(en) without a location")

    # synthetic times: 12 km/h crow-fly from the two located steunpunten, plus 10 min
    site_xy = assigned.steunpunten.dropna(subset=["lat"]).to_crs(buurten.crs).geometry
    dist_m = np.min(
        [points.geometry.distance(p).to_numpy() for p in site_xy], axis=0
    )
    times = 10 + dist_m / 200.0
    result = summarise_coverage(points, times)
    region = result.region
    assert region["population"] == pytest.approx(39_670)
    assert 0 < region["population_beyond_norm"] < region["population"]
    assert result.buurten["witte_vlek"].any() and not result.buurten["witte_vlek"].all()
    supply = need_vs_supply(epa.buurten, assigned.steunpunten).set_index("gemeentecode")
    assert supply.loc["regio", "steunpunten_count"] == 5
    assert supply.loc["regio", "steunpunten_gewogen"] == 2 + 1 + 0.5 + 1 + 0.5
    assert supply.loc["GM9901", "steunpunten_gewogen"] == 3.0
