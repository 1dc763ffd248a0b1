"""Tests of the EPA estimate per buurt (accessibility.analysis.epa)."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from accessibility.analysis.epa import (
    NATIONAL_PREVALENCE_PERCENT,
    PROVINCE_PREVALENCE_PERCENT,
    add_epa_to_points,
    estimate_epa,
    normalise_gemeentecode,
    prevalence_table_from_frame,
    province_name,
    read_prevalence_table,
)
from accessibility.errors import InputError


def _buurten() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "buurtcode": ["BU04020001", "BU04020002", "BU03170001", "BU00140001", "BU99990001"],
            "gemeentecode": ["GM0402", "GM0402", "GM0317", "GM0014", "GM9999"],
            "aantal_inwoners": [1000.0, 2000.0, 500.0, 400.0, float("nan")],
        }
    )


def _table_file(tmp_path):
    p = tmp_path / "prev.csv"
    p.write_text(
        "gemeentecode,prevalence_percent,source\n402,1.5,Vektis 2022\nGM0363,1.6,\n",
        encoding="utf-8",
    )
    return p


def test_national_value_is_215000_over_2019_population():
    assert NATIONAL_PREVALENCE_PERCENT == pytest.approx(1.24406, abs=1e-5)
    assert PROVINCE_PREVALENCE_PERCENT["Groningen"] == 1.42
    assert PROVINCE_PREVALENCE_PERCENT["Limburg"] == 1.40
    assert len(PROVINCE_PREVALENCE_PERCENT) == 12


def test_estimate_epa_uses_gemeente_then_province_then_national(tmp_path, caplog):
    table = read_prevalence_table(_table_file(tmp_path))
    with caplog.at_level(logging.WARNING):
        result = estimate_epa(
            _buurten(), table, province="utrecht", gemeente_provinces={"GM0014": "Groningen"}
        )
    b = result.buurten
    assert b["epa_prevalence_percent"].tolist() == [1.5, 1.5, 1.30, 1.42, 1.30]
    assert b["epa_prevalence_source"].tolist() == [
        "gemeente table prev.csv (Vektis 2022)",
        "gemeente table prev.csv (Vektis 2022)",
        "province Utrecht (De Galan 2024, tabel 2.4.1)",
        "province Groningen (De Galan 2024, tabel 2.4.1)",
        "province Utrecht (De Galan 2024, tabel 2.4.1)",
    ]
    assert b["epa_estimate"].iloc[:4].tolist() == pytest.approx([15.0, 30.0, 6.5, 5.68])
    assert pd.isna(b["epa_estimate"].iloc[4])
    assert result.warnings == [
        "prevalence table: 1 gemeente(n) not among the buurten (not used): GM0363",
        "1 buurt(en) without population have no EPA estimate",
    ]
    assert "GM0363" in caplog.text


def test_estimate_epa_national_fallback():
    b = estimate_epa(_buurten()).buurten
    assert set(b["epa_prevalence_source"]) == {"national (Vektis 2019)"}
    assert b["epa_estimate"].iloc[2] == pytest.approx(500 * 215000 / 17282163)


def test_gemeente_table_without_source_column_and_semicolons(tmp_path):
    p = tmp_path / "v.csv"
    p.write_text("gemeentecode;prevalence_percent\nGM0402;1,7\n", encoding="utf-8")
    table = read_prevalence_table(p)
    assert table.prevalence_percent == {"GM0402": 1.7}
    assert table.sources == {"GM0402": "gemeente table v.csv"}


@pytest.mark.parametrize(
    ("rows", "fragment"),
    [
        ({"gemeentecode": ["GM0402", "GM0403"], "prevalence_percent": ["1.2", "abc"]},
         "t.csv, row 3: prevalence_percent 'abc'"),
        ({"gemeentecode": ["GM0402"], "prevalence_percent": ["0"]}, "row 2: prevalence_percent '0'"),
        ({"gemeentecode": ["GM0402"], "prevalence_percent": ["130"]}, "row 2: prevalence_percent '130'"),
        ({"gemeentecode": ["Hilversum"], "prevalence_percent": ["1.2"]},
         "row 2: gemeentecode 'Hilversum'"),
        ({"gemeentecode": ["GM0402", "402"], "prevalence_percent": ["1.2", "1.3"]},
         "row 3: gemeente GM0402 is listed twice"),
        ({"gemeente": ["GM0402"], "prevalence_percent": ["1.2"]}, "missing column"),
    ],
)
def test_malformed_prevalence_table_names_row_and_value(rows, fragment):
    with pytest.raises(InputError) as info:
        prevalence_table_from_frame(pd.DataFrame(rows), name="t.csv")
    assert fragment in str(info.value)


def test_helpers():
    assert normalise_gemeentecode("gm402") == "GM0402"
    assert normalise_gemeentecode(14) == "GM0014"
    assert normalise_gemeentecode("14.0") == "GM0014"
    assert normalise_gemeentecode("Laren") is None
    assert province_name("Fryslân") == "Friesland"
    assert province_name(" noord-holland ") == "Noord-Holland"
    with pytest.raises(InputError, match="unknown province 'Holland'"):
        province_name("Holland")
    with pytest.raises(InputError, match="gemeentecode"):
        estimate_epa(pd.DataFrame({"aantal_inwoners": [1.0]}))


def test_add_epa_to_points():
    buurten = estimate_epa(_buurten(), province="Noord-Holland").buurten
    points = pd.DataFrame(
        {"point_id": [0, 1, 2], "buurtcode": ["BU04020001", "BU04020001", "BU00140001"],
         "population": [600.0, 400.0, 400.0]}
    )
    out = add_epa_to_points(points, buurten)
    assert out["epa_estimate"].tolist() == pytest.approx([7.8, 5.2, 5.2])
    # per-buurt point estimates add up to the buurt estimate
    assert out["epa_estimate"].iloc[:2].sum() == pytest.approx(buurten["epa_estimate"].iloc[0])
    bad = points.assign(buurtcode=["BU04020001", "BU00000000", "BU00000000"])
    with pytest.raises(InputError, match=r"2 population point\(s\).*BU00000000"):
        add_epa_to_points(bad, buurten)
