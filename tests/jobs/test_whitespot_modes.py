"""White spots per mode on the synthetic demo region: invariants between the modes, the
``[modes]`` settings, and the tables, maps and report section of the white-spot job."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from accessibility.analysis.coverage import summarise_coverage
from accessibility.config import load_region
from accessibility.errors import ConfigError
from accessibility.jobs.region import RegionData
from accessibility.jobs.whitespot_modes import mode_buurt_table, mode_table, mode_whitespots
from accessibility.jobs.whitespots import coverage_inputs, nearest_times, run_whitespots
from accessibility.routing import TransportMode

ONE_SECOND = 1 / 60


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> RegionData:
    config = load_region("demo").with_settings(modes={"modes": ["walk", "bike", "ebike", "pt",
                                                                "bike_pt"]})
    return RegionData(config, cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def result(demo: RegionData):
    inputs = coverage_inputs(demo)
    pt = nearest_times(demo, inputs)
    return inputs, pt, mode_whitespots(demo, inputs, pt)


def _finite(times: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(times), times, np.inf)


def test_default_norms_and_requests(demo: RegionData) -> None:
    m = demo.config.modes
    assert dict(m.norms) == {"walk": 15, "bike": 15, "ebike": 15, "pt": 45, "bike_pt": 45}
    assert demo.mode_request("walk").transport_modes == (TransportMode.WALK,)
    bike = demo.mode_request("bike")
    assert bike.transport_modes == (TransportMode.BICYCLE, TransportMode.WALK)
    assert bike.cycling_kmh == 15.0
    assert demo.mode_request("ebike").cycling_kmh == 20.0
    assert demo.mode_request("pt") == demo.request
    bike_pt = demo.mode_request("bike_pt")
    assert bike_pt.access_modes == (TransportMode.WALK, TransportMode.BICYCLE)
    assert bike_pt.bike_parking == "stations"


def test_modes_settings_are_checked() -> None:
    cfg = load_region("demo")
    changed = cfg.with_settings(modes={"modes": ["bike", "walk"], "bike_norm_minutes": 20,
                                       "bike_pt_norm_minutes": 30, "bike_parking": "all"})
    assert changed.modes.modes == ("walk", "bike")  # always in the fixed order
    assert changed.modes.norms["bike"] == 20 and changed.modes.norms["bike_pt"] == 30
    assert changed.modes.bike_parking == "all"
    with pytest.raises(ConfigError, match="modes"):
        cfg.with_settings(modes={"modes": ["car"]})
    with pytest.raises(ConfigError, match="bike_parking"):
        cfg.with_settings(modes={"bike_parking": "everywhere"})
    with pytest.raises(ConfigError, match="walk_norm_minutes"):
        cfg.with_settings(modes={"walk_norm_minutes": 0})


def test_modes_are_ordered_by_speed(result) -> None:
    """Per point: e-bike <= bike <= walking, bike and ride <= public transport."""
    _, pt, modes = result
    t = {m: _finite(v) for m, v in modes.times.items()}
    np.testing.assert_array_equal(modes.times["pt"], pt)  # the main analysis is reused
    assert (t["bike"] <= t["walk"] + ONE_SECOND).all()
    assert (t["ebike"] <= t["bike"] + ONE_SECOND).all()
    assert (t["bike_pt"] <= t["pt"] + ONE_SECOND).all()
    assert (t["bike"] < t["walk"]).mean() > 0.9
    # walking is bounded by the walking limit, cycling reaches farther
    assert np.isfinite(t["bike"]).sum() > np.isfinite(t["walk"]).sum()


def test_mode_tables_match_the_coverage(result, demo: RegionData) -> None:
    inputs, _, modes = result
    a = demo.config.analysis
    table = mode_table(modes).set_index("vervoerwijze")
    assert list(table.index) == ["walk", "bike", "ebike", "pt", "bike_pt"]
    for mode in modes.modes:
        cov = summarise_coverage(inputs.points, modes.times[mode], modes.norms[mode],
                                 a.white_spot_share, a.cutoffs_minutes)
        assert table.loc[mode, "witte_vlekken"] == int(cov.region["n_witte_vlekken"])
        assert table.loc[mode, "norm_min"] == modes.norms[mode]
    # more people beyond 15 minutes on foot than by bike
    assert table.loc["walk", "inwoners_buiten_norm"] > table.loc["bike", "inwoners_buiten_norm"]
    buurten = pd.DataFrame({
        "buurtcode": modes.coverage["walk"].buurten["buurtcode"],
        "buurtnaam": "x", "gemeentenaam": "y", "population": 1.0})
    per_buurt = mode_buurt_table(modes, buurten)
    assert (per_buurt["witte_vlek_walk"].sum() == table.loc["walk", "witte_vlekken"])


def test_whitespot_job_writes_the_mode_outputs_in_english(demo: RegionData, tmp_path: Path) -> None:
    out = run_whitespots(demo, tmp_path / "ws", lang="en").out_dir
    for name in ("modes.csv", "modes_buurten.csv", "whitespots_walk.png", "whitespots_bike.png",
                 "whitespots_ebike.png", "whitespots_bike_pt.png", "whitespots_bike.pdf"):
        assert (out / name).stat().st_size > 100, name
    report = (out / "rapport.html").read_text(encoding="utf-8")
    for text in ("By mode: walking, bike and public transport", "Region: the modes side by side",
                 "bike and ride", "Travel time to the nearest steunpunt: bike (norm 15 minutes)"):
        assert text in report, text
    sheets = pd.ExcelFile(out / "witte_vlekken.xlsx").sheet_names
    assert "modes" in sheets and "modes by buurt" in sheets
    table = pd.read_csv(out / "modes.csv")
    assert list(table["vervoerwijze"]) == ["walk", "bike", "ebike", "pt", "bike_pt"]
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["modes"]["norms"] == {"walk": 15, "bike": 15, "ebike": 15, "pt": 45, "bike_pt": 45}
    assert meta["modes"]["speed_ebike_kmh"] == 20.0


def test_mode_section_in_dutch(result, demo: RegionData) -> None:
    from accessibility.jobs.mode_report import mode_section

    _, _, modes = result
    names = demo.buurten.gdf[["buurtcode", "buurtnaam", "gemeentenaam"]]
    population = modes.coverage["walk"].buurten[["buurtcode", "population"]]
    table = mode_buurt_table(modes, names.merge(population, on="buurtcode", how="left"))
    section = mode_section(demo, modes, table, {}, "nl")
    assert section.title == "Per vervoerwijze: lopen, fiets en OV"
    text = " ".join(section.paragraphs)
    assert "Fiets (norm 15 minuten):" in text and "Fiets + OV (norm 45 minuten):" in text
    assert "e-bike 20 km/u" in text
    region, buurten = (t for _, t in section.tables)
    assert list(region["vervoerwijze"]) == ["lopen", "fiets", "e-bike", "OV (met lopen)",
                                            "fiets + OV"]
    assert 0 < len(buurten) <= 20
    mode_columns = [c for c in buurten.columns if c.endswith("(min)")]
    assert buurten[mode_columns].apply(lambda col: col.str.endswith("*")).any(axis=1).all()
