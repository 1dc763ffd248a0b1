"""The main jobs end to end on the synthetic demo region (offline)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from typer.testing import CliRunner

from accessibility.cli import app
from accessibility.errors import ConfigError, InputError, SnapError
from accessibility.jobs.candidates import candidate_frame
from accessibility.jobs.check_location import run_check_location
from accessibility.jobs.isochrones import run_isochrones
from accessibility.jobs.region import RegionData
from accessibility.jobs.suggest import run_suggest
from accessibility.jobs.whitespots import (
    coverage_inputs,
    nearest_times,
    region_coverage,
    run_whitespots,
)

REPO = Path(__file__).resolve().parents[2]
HEIDEDORP = (52.6415757, 5.3947695)  # Brink 3, the sparse village without service


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def demo(cache: Path) -> RegionData:
    return RegionData.load("demo", cache_dir=cache)


@pytest.fixture(scope="module")
def isochrones(demo: RegionData, tmp_path_factory):
    return run_isochrones(demo, tmp_path_factory.mktemp("out") / "isochrones")


@pytest.fixture(scope="module")
def whitespots(demo: RegionData, tmp_path_factory):
    return run_whitespots(demo, tmp_path_factory.mktemp("out") / "whitespots")


def test_isochrone_outputs(isochrones, demo: RegionData) -> None:
    out = isochrones.out_dir
    layers = set(pyogrio.list_layers(out / "isochrones.gpkg")[:, 0])
    assert layers == {"isochrones", "isochrone_bands", "locations", "stops", "layer_styles"}
    ids = list(demo.locations.pinned["id"])
    for loc in ids:
        assert (out / f"isochrones_{loc}.png").stat().st_size > 20_000
    for name in ("overview.png", "isochrones.html", "summary.csv", "metadata.json"):
        assert (out / name).exists(), name
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["synthetic"] is True and meta["parameters"]["percentiles"] == [50]
    assert not any(p.name.startswith(".") for p in out.parent.iterdir())  # no temp folders left


def test_isochrones_valid_and_nested(isochrones) -> None:
    gdf = gpd.read_file(isochrones.out_dir / "isochrones.gpkg", layer="isochrones")
    assert gdf.geometry.is_valid.all()
    for _, group in gdf.groupby("location_id"):
        group = group.sort_values("cutoff")
        geoms = list(group.geometry)
        for smaller, larger in zip(geoms, geoms[1:], strict=False):
            assert smaller.difference(larger).area < 1.0  # m²: nested
        assert geoms[-1].area > geoms[0].area


def test_isochrone_summary_population_grows_with_cutoff(isochrones, demo: RegionData) -> None:
    s = isochrones.summary
    cols = [f"inwoners_binnen_{c}_min" for c in demo.config.analysis.cutoffs_minutes]
    assert (np.diff(s[cols].to_numpy(), axis=1) >= 0).all()
    assert (s[cols[-1]] <= demo.population.gdf["population"].sum() + 1).all()
    # The town's main steunpunt reaches most of the town's 25,000 inhabitants within 30 min.
    assert s.set_index("location_id").loc["VS01", "inwoners_binnen_30_min"] > 15_000


def test_whitespot_figures(whitespots, demo: RegionData) -> None:
    region = whitespots.coverage.region
    assert region["population"] == pytest.approx(39_670)
    buurten = whitespots.buurten.set_index("buurtnaam")
    heidedorp = [n for n in buurten.index if "Heidedorp" in n]
    assert heidedorp and buurten.loc[heidedorp, "witte_vlek"].all()  # the village without service
    town = buurten[buurten["gemeentecode"] == "GM9901"]
    assert (town["share_beyond_norm"].fillna(0) < 0.5).mean() > 0.7
    flagged = buurten["share_beyond_norm"] > demo.config.analysis.white_spot_share
    assert (flagged == buurten["witte_vlek"]).all()
    need = whitespots.need.set_index("gemeentecode")
    # 39,670 inhabitants with the demo prevalences (1.27-1.46 %): about 533 EPA persons.
    assert need.loc["regio", "epa_estimate"] == pytest.approx(533.4, abs=0.5)
    assert list(whitespots.time_windows["tijdvak"]) and len(whitespots.time_windows) == 3


def test_whitespot_outputs_and_report(whitespots) -> None:
    out = whitespots.out_dir
    layers = set(pyogrio.list_layers(out / "whitespots.gpkg")[:, 0])
    assert layers == {"buurten", "population_points", "steunpunten", "voorbeeldreizen",
                      "layer_styles"}
    report = (out / "rapport.html").read_text(encoding="utf-8")
    for text in ("SYNTHETISCHE", "Witte vlekken", "Behoefte en aanbod", "Tijdstip van de dag",
                 "data:image/png;base64", "schatting", "Voorbeeldreizen uit de witte vlekken",
                 "naar halte", "stap uit bij"):
        assert text in report
    # One example journey per white-spot buurt (the legs' from_id is the buurtcode).
    journeys = gpd.read_file(out / "whitespots.gpkg", layer="voorbeeldreizen")
    spots = set(whitespots.buurten.loc[whitespots.buurten["witte_vlek"], "buurtcode"])
    assert set(journeys["from_id"]) <= spots and len(set(journeys["from_id"])) >= 5
    assert journeys.groupby("from_id")["to_id"].nunique().eq(1).all()
    assert (out / "voorbeeldreizen.png").stat().st_size > 10_000
    assert "De uitgeschreven reizen (nummers als in de tekst)" in report
    csv = pd.read_csv(out / "buurten.csv")
    assert {"buurtcode", "epa_estimate", "witte_vlek", "median_time_min"} <= set(csv.columns)


def test_check_location_numbers_by_hand(demo: RegionData, tmp_path: Path) -> None:
    candidate = candidate_frame(["zandrecht"], ["Stationsplein Zandrecht"],
                                np.array([52.46078]), np.array([5.25282]), "test")
    result = run_check_location(demo, candidate, tmp_path / "check")
    outcome = result.outcomes[0]
    # Recompute by hand from the two travel-time vectors.
    inputs = coverage_inputs(demo)
    before = nearest_times(demo, inputs)
    after = outcome.comparison.points["travel_time_after_min"].to_numpy()
    norm = demo.config.analysis.norm_minutes
    newly = ~(before <= norm) & (after <= norm)
    pop = inputs.points["population"].to_numpy()
    epa = inputs.points["epa_estimate"].to_numpy()
    assert outcome.comparison.population_newly_within_norm == pytest.approx(pop[newly].sum())
    assert outcome.comparison.epa_estimate_newly_within_norm == pytest.approx(epa[newly].sum())
    assert np.all(np.nan_to_num(after, nan=1e9) <= np.nan_to_num(before, nan=1e9) + 1e-9)
    assert (tmp_path / "check" / "rapport_locatietoets.html").exists()
    assert (tmp_path / "check" / "voor_na_zandrecht.png").exists()
    report = (tmp_path / "check" / "rapport_locatietoets.html").read_text(encoding="utf-8")
    # The buurten it brings within the norm get an example journey (the candidate counted).
    assert outcome.comparison.resolved_white_spots
    assert "Voorbeeldreizen met Stationsplein Zandrecht" in report
    assert (tmp_path / "check" / "voorbeeldreizen_zandrecht.png").exists()
    for code in outcome.comparison.resolved_white_spots:
        name = demo.buurten.gdf.set_index("buurtcode").loc[code, "buurtnaam"]
        assert name in report


def test_check_location_rejects_bad_candidates(demo: RegionData, tmp_path: Path) -> None:
    outside = candidate_frame(["far"], ["Amsterdam"], np.array([52.37]), np.array([4.90]), "test")
    with pytest.raises(InputError, match="outside the region"):
        run_check_location(demo, outside, tmp_path / "check")
    assert not (tmp_path / "check").exists()  # no partial output
    mixed = pd.concat([outside, candidate_frame(["ok"], ["Veenstad"], np.array([52.5540]),
                                                np.array([5.2650]), "test")], ignore_index=True)
    result = run_check_location(demo, mixed, tmp_path / "check")
    assert list(result.rejected["id"]) == ["far"]
    assert list(result.table["id"]) == ["ok"]


def test_suggest_gains_decrease_and_curve_grows(demo: RegionData, tmp_path: Path) -> None:
    result = run_suggest(demo, 3, tmp_path / "suggest", method="greedy")
    gains = result.ranking["marginal_gain"].to_numpy()
    assert len(gains) == 3 and np.all(np.diff(gains) <= 1e-9) and gains[0] > 0
    assert np.all(np.diff(result.curve["covered_weight"].to_numpy()) >= -1e-9)
    assert (tmp_path / "suggest" / "suggested_sites.csv").exists()


def test_unknown_region_lists_known_ones() -> None:
    with pytest.raises(ConfigError, match="demo"):
        RegionData.load("nergens")


def test_empty_location_list_leaves_no_output(tmp_path: Path, cache: Path) -> None:
    region_dir = tmp_path / "regions"
    region_dir.mkdir()
    text = (REPO / "data/regions/demo.toml").read_text()
    empty = tmp_path / "empty.csv"
    empty.write_text("id,name,organisation,address,postcode,city,lat,lon,kind,capacity_weight,note\n")
    text = text.replace('locations = "data/demo/steunpunten.csv"', f'locations = "{empty}"')
    (region_dir / "demo.toml").write_text(text)
    data = RegionData.load(region_dir / "demo.toml", cache_dir=cache)
    with pytest.raises(InputError, match="empty"):
        run_isochrones(data, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_location_off_the_street_network_names_its_distance(tmp_path: Path, cache: Path) -> None:
    region_dir = tmp_path / "regions"
    region_dir.mkdir()
    far = tmp_path / "far.csv"
    far.write_text("id,name,lat,lon\nX1,Op het water,52.70,5.30\n")
    text = (REPO / "data/regions/demo.toml").read_text()
    text = text.replace('locations = "data/demo/steunpunten.csv"', f'locations = "{far}"')
    (region_dir / "demo.toml").write_text(text)
    data = RegionData.load(region_dir / "demo.toml", cache_dir=cache)
    with pytest.raises(SnapError, match=r"X1 \(\d+ m\)|X1.*\d+ m"):
        run_isochrones(data, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_cli_check_location_exit_codes(cache: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["check-location", "--region", "demo", "--lat", "52.37", "--lon",
                              "4.90", "--cache-dir", str(cache), "--out", str(tmp_path / "c")])
    assert bad.exit_code == 1 and "outside the region" in bad.output
    unknown = runner.invoke(app, ["check-location", "--address", "Nergensweg 99, 9999ZZ Nergenshuizen",
                                  "--cache-dir", str(cache), "--out", str(tmp_path / "c")])
    assert unknown.exit_code == 1 and "unmatched" in unknown.output
    assert not (tmp_path / "c").exists()


def test_isochrones_in_the_sparse_village(demo: RegionData, tmp_path: Path) -> None:
    """Heidedorp has a few long roads and no public transport: polygons must still be proper."""
    brink = candidate_frame(["heidedorp"], ["Brink 3, Heidedorp"], np.array([HEIDEDORP[0]]),
                            np.array([HEIDEDORP[1]]), "test")
    result = run_check_location(demo, brink, tmp_path / "check")
    assert "geen OV-halte" in result.table.loc[0, "opmerking"]
    iso = gpd.read_file(tmp_path / "check" / "check_location.gpkg", layer="isochrones")
    iso = iso.sort_values("cutoff")
    assert iso.geometry.is_valid.all() and not iso.geometry.iloc[0].is_empty
    areas = iso.geometry.area.to_numpy()
    assert np.all(np.diff(areas) >= 0)
    # On foot at 3.6 km/h one covers at most 900 m in 15 min; cells reach half a
    # diagonal (142 m for 200 m cells) beyond their centre.
    assert areas[0] <= np.pi * (900 + 142) ** 2


def test_whitespots_filtered_by_kind(demo: RegionData, whitespots, tmp_path: Path) -> None:
    only_main = run_whitespots(demo, tmp_path / "ws", kinds=("steunpunt",))
    fewer = only_main.coverage.region["population_beyond_norm"]
    assert fewer >= whitespots.coverage.region["population_beyond_norm"]
    report = (tmp_path / "ws" / "rapport.html").read_text(encoding="utf-8")
    assert "meegeteld: steunpunten)" in report


# ------------------------------------------- opening hours, norm sensitivity, capacity
def test_week_with_opening_hours(whitespots, demo: RegionData) -> None:
    week = whitespots.week
    assert [d.weekday() for d in week.dates] == list(range(7))
    assert week.hours.n_missing == 0 and len(week.hours.ids) == 4
    days = week.week.days[week.week.days["gemeentecode"] == "regio"].set_index("day")
    assert days.loc["zondag", "share_beyond_norm"] == 1.0  # every steunpunt closed on Sunday
    base = week.always_open.days.set_index(["day", "gemeentecode"])
    opened = week.week.days.set_index(["day", "gemeentecode"])
    assert (opened["population_beyond_norm"] >= base["population_beyond_norm"] - 1e-6).all()
    # De Molen (Molenwijk) opens on Tuesday afternoon only: Molenwijk is better off then.
    molen = coverage_inputs(demo).points["buurtcode"].isin(
        demo.buurten.gdf.loc[demo.buurten.gdf["buurtnaam"].str.startswith("Molenwijk"),
                             "buurtcode"])
    tuesday, wednesday = week.times[1][molen.to_numpy()], week.times[2][molen.to_numpy()]
    assert np.nanmedian(tuesday) < np.nanmedian(wednesday)
    assert (whitespots.buurten["days_with_access"].dropna() <= 6).all()
    windows = whitespots.time_windows.set_index("tijdvak")
    assert windows.loc["weekday_evening", "aandeel_buiten_norm_open_pct"] == 100.0  # all shut
    assert (windows["aandeel_buiten_norm_open_pct"]
            >= windows["aandeel_buiten_norm_kortste_pct"] - 1e-9).all()


def test_norm_curve_equals_separate_runs(whitespots, demo: RegionData, cache: Path) -> None:
    import dataclasses

    curve = whitespots.norms.curve
    region = curve[curve["gemeentecode"] == "regio"].set_index("norm_minutes")
    main = whitespots.coverage.region
    assert region.loc[45.0, "population_beyond_norm"] == pytest.approx(main["population_beyond_norm"])
    assert region.loc[45.0, "n_witte_vlekken"] == main["n_witte_vlekken"]
    for norm in (30, 60):
        config = dataclasses.replace(demo.config, analysis=dataclasses.replace(
            demo.config.analysis, norm_minutes=norm))
        other = RegionData(config, cache_dir=cache)
        inputs = coverage_inputs(other)
        alone = region_coverage(other, inputs.points, nearest_times(other, inputs))
        for col in ("population_beyond_norm", "epa_estimate_beyond_norm", "n_witte_vlekken"):
            assert region.loc[float(norm), col] == pytest.approx(alone.region[col]), (norm, col)
        flags = whitespots.buurten.set_index("buurtcode")[f"witte_vlek_{norm}"]
        expected = alone.buurten.set_index("buurtcode")["witte_vlek"]
        assert (flags.loc[expected.index] == expected).all()
    shares = region["share_beyond_norm"].to_numpy()
    assert np.all(np.diff(shares) <= 1e-12)  # a looser norm never leaves more people beyond
    changes = whitespots.norms.changes
    assert list(changes["norm_van"]) == [30, 45] and list(changes["norm_naar"]) == [45, 60]


def test_capacity_in_reach_redistributes_the_supply(whitespots) -> None:
    gem = whitespots.capacity.gemeenten.set_index("gemeentecode")
    # Every pinned steunpunt is reached by someone: the region's EPA-weighted capacity in
    # reach equals all capacity over all EPA persons, which is the need formula's supply.
    assert gem.loc["regio", "capaciteit_step_per_100_epa"] == pytest.approx(
        gem.loc["regio", "aanbod_formule_per_100_epa"])
    assert gem.loc["regio", "capaciteit_decay_per_100_epa"] == pytest.approx(
        gem.loc["regio", "aanbod_formule_per_100_epa"])
    buurten = whitespots.buurten.set_index("buurtnaam")
    heidedorp = [n for n in buurten.index if "Heidedorp" in n]
    assert (buurten.loc[heidedorp, "capaciteit_step_per_100_epa"] == 0).all()
    assert not whitespots.capacity.unreached


def test_measure_outputs_report_and_metadata(whitespots) -> None:
    out = whitespots.out_dir
    for name in ("dagen_met_toegang.png", "capaciteit.png", "normcurve.png", "whitespots_30.png",
                 "whitespots_60.png", "week_buurten.csv", "week_days.csv", "norm_curve.csv",
                 "capacity_buurten.csv", "capacity_gemeenten.csv", "opening_hours.csv"):
        assert (out / name).stat().st_size > 100, name
    report = (out / "rapport.html").read_text(encoding="utf-8")
    for text in ("Openingstijden: bereikbaar als het open is", "Hoe gevoelig is de norm?",
                 "Capaciteit binnen bereik", "Tu 13:00-17:00", "Normgevoeligheid",
                 "Witte vlekken bij een norm van 30 minuten"):
        assert text in report, text
    assert "steunpunten zijn dan ook open" not in report
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["opening_hours"]["min_stay_minutes"] == 60
    assert meta["opening_hours"]["n_without_hours"] == 0
    assert meta["norm_sensitivity"]["compare_minutes"] == [30, 45, 60]
    assert meta["capacity"]["decay_half_minutes"] == 45


def test_whitespots_cli_settings_reach_the_metadata(tmp_path: Path, cache: Path) -> None:
    out = tmp_path / "ws"
    result = CliRunner().invoke(app, [
        "whitespots", "--region", "demo", "--out", str(out), "--cache-dir", str(cache),
        "--min-stay", "30", "--compare-norm", "30", "--compare-norm", "60",
        "--decay-half", "30", "--norm-step", "15"])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["opening_hours"]["min_stay_minutes"] == 30
    assert meta["norm_sensitivity"]["compare_minutes"] == [30, 60]
    assert meta["capacity"]["decay_half_minutes"] == 30
    curve = pd.read_csv(out / "norm_curve.csv")
    assert sorted(curve["norm_minutes"].unique()) == [15, 30, 45, 60, 75, 90]
    bad = CliRunner().invoke(app, ["whitespots", "--region", "demo", "--out", str(tmp_path / "x"),
                                   "--cache-dir", str(cache), "--compare-norm", "40"])
    assert bad.exit_code == 1 and "compare_minutes" in bad.output
    assert not (tmp_path / "x").exists()


def test_christmas_week_uses_holiday_hours_and_a_day_without_service_walks(
        demo: RegionData, cache: Path) -> None:
    import dataclasses
    import datetime as dt

    from accessibility.jobs.whitespot_measures import (
        day_request,
        open_nearest_times,
        opening_hours_week,
        steunpunt_hours,
    )

    window = dataclasses.replace(demo.config.analysis.window, date=dt.date(2026, 12, 22))
    config = dataclasses.replace(demo.config, analysis=dataclasses.replace(
        demo.config.analysis, window=window))
    xmas = RegionData(config, cache_dir=cache)
    inputs = coverage_inputs(xmas)
    hours = steunpunt_hours(xmas, inputs.steunpunten)
    week = opening_hours_week(xmas, inputs, hours)
    assert set(week.holidays) == {dt.date(2026, 12, 25), dt.date(2026, 12, 26)}
    assert any("Eerste Kerstdag" in w for w in xmas.warnings)
    # VS01 and VS02 close on public holidays (PH off); VS04 (Mo-Th) is shut on Friday anyway.
    assert hours.open_on(dt.date(2026, 12, 25)) == [False, False, False, False]
    friday = week.week.days.set_index(["day", "gemeentecode"]).loc[("vrijdag", "regio")]
    assert friday["share_beyond_norm"] == 1.0
    # A date outside the feed: no public transport, walking only (and a warning).
    far = day_request(xmas, dt.date(2031, 1, 7))
    walk, walk_all_open = open_nearest_times(xmas, inputs, hours, [far])
    assert any("geen openbaar vervoer op 07-01-2031" in w for w in xmas.warnings)
    assert np.isfinite(walk_all_open).any()  # people next to a steunpunt walk there
    tuesday, _ = open_nearest_times(xmas, inputs, hours, [day_request(xmas, dt.date(2027, 1, 5))])
    both = np.isfinite(walk[0]) & np.isfinite(tuesday[0])
    assert both.any() and (walk[0][both] >= tuesday[0][both] - 1e-9).all()
    assert (walk[0][both] > tuesday[0][both] + 1).any()  # the bus helps somebody
    assert np.isnan(walk[0]).sum() > np.isnan(tuesday[0]).sum()
