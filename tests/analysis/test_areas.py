"""Coverage per province, GGD region and gemeente."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from accessibility.analysis.areas import area_tables, read_gemeente_regions
from accessibility.analysis.coverage import summarise_coverage
from accessibility.errors import InputError

REPO = Path(__file__).resolve().parents[2]

REGIONS = pd.DataFrame({
    "gemeentecode": ["GM0001", "GM0002", "GM0003"],
    "gemeentenaam": ["Een", "Twee", "Drie"],
    "provincie": ["Utrecht", "Utrecht", "Zeeland"],
    "ggd_code": ["GG1", "GG2", "GG2"],
    "ggd_naam": ["GGD Een", "GGD Twee", "GGD Twee"],
})


def _coverage():
    points = pd.DataFrame({
        "buurtcode": ["BU1", "BU1", "BU2", "BU3", "BU4"],
        "gemeentecode": ["GM0001", "GM0001", "GM0002", "GM0003", "GM9999"],
        "population": [100.0, 300.0, 50.0, 200.0, 10.0],
        "epa_estimate": [1.0, 3.0, 0.5, 2.0, 0.1],
    })
    times = np.array([10.0, 50.0, np.nan, 30.0, 5.0])
    return summarise_coverage(points, times, norm_minutes=45, white_spot_share=0.5)


def test_province_ggd_and_gemeente_figures() -> None:
    tables = area_tables(_coverage(), REGIONS)
    prov = tables["provincies"].set_index("provincie")
    # Utrecht: 400 inhabitants of GM0001 (300 beyond) + 50 of GM0002 (unreachable)
    assert prov.loc["Utrecht", "population"] == 450
    assert prov.loc["Utrecht", "population_beyond_norm"] == 350
    assert prov.loc["Utrecht", "n_buurten"] == 2 and prov.loc["Utrecht", "n_witte_vlekken"] == 2
    assert prov.loc["Utrecht", "median_time_min"] == 50  # lower weighted median of 10, 50x3, inf
    assert prov.loc["Zeeland", "population_beyond_norm"] == 0
    assert prov.loc["onbekend", "population"] == 10  # GM9999 is not in the table
    ggd = tables["ggd_regios"].set_index("ggd_code")
    assert ggd.loc["GG2", "ggd_naam"] == "GGD Twee"
    assert ggd.loc["GG2", "population"] == 250 and ggd.loc["GG2", "epa_estimate_beyond_norm"] == 0.5
    gem = tables["gemeenten"]
    assert list(gem["gemeentecode"][:2]) == ["GM0002", "GM0001"]  # largest share beyond first
    assert gem.set_index("gemeentecode").loc["GM0001", "gemeentenaam"] == "Een"
    total = sum(t["population"].sum() for t in [tables["provincies"]])
    assert total == 660


def test_empty_ggd_columns_leave_the_ggd_table_out() -> None:
    tables = area_tables(_coverage(), REGIONS.assign(ggd_code="", ggd_naam=""))
    assert set(tables) == {"provincies", "gemeenten"}


def test_bad_tables_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_gemeente_regions(tmp_path / "none.csv")
    (tmp_path / "a.csv").write_text("gemeentecode,provincie\nGM0001,Utrecht\n")
    with pytest.raises(InputError, match="missing column"):
        read_gemeente_regions(tmp_path / "a.csv")
    REGIONS.iloc[[0, 0]].to_csv(tmp_path / "b.csv", index=False)
    with pytest.raises(InputError, match="GM0001 is listed twice"):
        read_gemeente_regions(tmp_path / "b.csv")


def test_committed_gemeente_table() -> None:
    table = read_gemeente_regions(REPO / "data" / "regions" / "gemeente_regions_2024.csv")
    assert len(table) == 342 and table["provincie"].nunique() == 12
    by_code = table.set_index("gemeentecode")["provincie"]
    assert by_code["GM0317"] == "Utrecht" and by_code["GM0402"] == "Noord-Holland"
    assert by_code["GM1961"] == "Utrecht"  # Vijfheerenlanden since 2019
