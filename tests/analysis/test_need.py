"""Tests of the need formula (accessibility.analysis.need) and the `need` command."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from accessibility.analysis.need import (
    need_table,
    needed_from_epa,
    needed_steunpunten,
    read_need_table,
    scenario_label,
    weighted_supply,
)
from accessibility.cli import app
from accessibility.errors import InputError

# De Galan Groep (2024), table 2.4.1 (domain.md verification table):
# provincie, inwoners 2019, EPA %, need 15 %, 30 %, 45 %, in beeld, gewogen
TABLE_2_4_1 = [
    ("Groningen", 583990, 1.42, 12, 25, 37, 8, 8),
    ("Friesland", 647672, 1.25, 12, 24, 36, 24, 15),
    ("Drenthe", 492167, 1.47, 11, 22, 33, 2, 2),
    ("Overijssel", 1156431, 1.15, 20, 40, 60, 15, 15),
    ("Flevoland", 416546, 1.03, 6, 13, 19, 4, 4),
    ("Gelderland", 2071972, 1.33, 41, 83, 124, 41, 41),
    ("Utrecht", 1342158, 1.30, 26, 52, 79, 14, 22),
    ("Noord-Holland", 2853359, 1.30, 56, 111, 167, 52, 48),
    ("Zuid-Holland", 3673893, 1.34, 74, 148, 222, 46, 50),
    ("Zeeland", 383032, 1.54, 9, 18, 27, 6, 4),
    ("Noord-Brabant", 2544806, 1.20, 46, 92, 137, 48, 48),
    ("Limburg", 1116137, 1.40, 23, 47, 70, 18, 15),
]
NATIONAL = ("Nederland", 17282163, 1.30, 337, 674, 1011, 278, 273)
NATIONAL_EPA = 224604


@pytest.mark.parametrize("row", TABLE_2_4_1, ids=[r[0] for r in TABLE_2_4_1])
def test_verification_table_province_cells(row):
    _, inhabitants, prevalence, n15, n30, n45, _, _ = row
    assert needed_steunpunten(inhabitants, prevalence).tolist() == [n15, n30, n45]


def test_verification_table_national_row_from_epa_count():
    assert needed_from_epa(NATIONAL_EPA).tolist() == list(NATIONAL[3:6])


def test_need_table_reproduces_whole_verification_table():
    rows = [(*r[:3], None, r[6], r[7]) for r in TABLE_2_4_1]
    rows.append((*NATIONAL[:3], NATIONAL_EPA, NATIONAL[6], NATIONAL[7]))
    df = pd.DataFrame(
        rows,
        columns=[
            "name",
            "inhabitants",
            "prevalence_percent",
            "epa_count",
            "steunpunten_in_beeld",
            "steunpunten_gewogen",
        ],
    )
    out = need_table(df)
    expected = [r[3:6] for r in TABLE_2_4_1] + [NATIONAL[3:6]]
    got = out[["need_15", "need_30", "need_45"]].itertuples(index=False, name=None)
    assert [tuple(int(v) for v in t) for t in got] == expected
    assert out["epa_count_source"].tolist() == ["inhabitants x prevalence"] * 12 + ["given"]
    # Noord-Holland: 2,853,359 x 1.30 % = 37,093.667 EPA persons (the report misprints 637.094)
    assert out.loc[7, "epa_count"] == pytest.approx(37093.667, abs=1e-3)
    # gap = need - weighted supply
    assert out.loc[7, ["gap_15", "gap_30", "gap_45"]].tolist() == [56 - 48, 111 - 48, 167 - 48]
    assert out.loc[12, ["gap_15", "gap_30", "gap_45"]].tolist() == [337 - 273, 674 - 273, 1011 - 273]
    # the provinces' "in beeld" counts add up to the national 278
    assert out.loc[:11, "steunpunten_in_beeld"].sum() == 278


def test_literal_reading_of_report_formula_is_off_by_100():
    # ((inwoneraantal * % EPA) / 100) * 0.15 with % EPA = 1.30 gives 5564, not 56
    literal = 2853359 * 1.30 / 100 * 0.15
    assert round(literal) == 5564
    assert needed_steunpunten(2853359, 1.30).iloc[0] == 56


def test_custom_participation_and_capacity():
    s = needed_steunpunten(10000, 2.0, participation=(0.5,), capacity=50)
    # 10000 x 2 % = 200 EPA; x 0.5 / 50 = 2
    assert s.tolist() == [2]
    assert s.index.tolist() == [0.5]
    assert scenario_label(0.125) == "12.5"
    assert scenario_label(0.15) == "15"


def test_rounding_is_half_up():
    # 1000 EPA x 0.25 / 100 = 2.5 -> 3 (Python's round() would give 2)
    # 250 EPA: 0.375 -> 0, 0.75 -> 1, 1.125 -> 1
    assert needed_from_epa(1000, participation=(0.25,)).tolist() == [3]
    assert needed_from_epa(250).tolist() == [0, 1, 1]


@pytest.mark.parametrize(
    ("inhabitants", "prevalence", "fragment"),
    [
        (0, 1.3, "inhabitants"),
        (-5, 1.3, "inhabitants"),
        (1000, 0, "outside (0, 100)"),
        (1000, 100, "outside (0, 100)"),
        (1000, -1, "outside (0, 100)"),
        (1000, float("nan"), "outside (0, 100)"),
    ],
)
def test_bad_scalar_inputs_raise_input_error(inhabitants, prevalence, fragment):
    with pytest.raises(InputError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        needed_steunpunten(inhabitants, prevalence)


def test_bad_participation_and_capacity():
    with pytest.raises(InputError, match="participation rate 15"):
        needed_steunpunten(1000, 1.3, participation=(15,))
    with pytest.raises(InputError, match="capacity"):
        needed_steunpunten(1000, 1.3, capacity=0)
    with pytest.raises(InputError, match="EPA count"):
        needed_from_epa(-1)


def test_need_table_errors_name_file_row_and_column():
    with pytest.raises(InputError, match=r"regions\.csv: missing column\(s\) prevalence_percent"):
        need_table(pd.DataFrame({"name": ["a"], "inhabitants": [1]}), source="regions.csv")
    df = pd.DataFrame(
        {"name": ["a", "b"], "inhabitants": [1000, 2000], "prevalence_percent": [1.3, 130]}
    )
    with pytest.raises(InputError, match=r"regions\.csv, row 3: EPA prevalence 130"):
        need_table(df, source="regions.csv")
    df = pd.DataFrame({"name": ["a"], "inhabitants": ["many"], "prevalence_percent": [1.3]})
    with pytest.raises(InputError, match="row 2: inhabitants = 'many' is not a number"):
        need_table(df, source="x.csv")


def test_need_table_without_supply_has_no_gap_columns():
    df = pd.DataFrame({"name": ["a"], "inhabitants": [100000], "prevalence_percent": [1.0]})
    out = need_table(df)
    assert out.loc[0, ["need_15", "need_30", "need_45"]].tolist() == [2, 3, 5]  # 1000 EPA
    assert not any(c.startswith("gap_") for c in out.columns)


def test_weighted_supply_counts_weights_and_reports_defaults():
    s = weighted_supply([0.5, 1, 2, 2, None, float("nan")])
    assert s.count == 6
    assert s.weighted == 0.5 + 1 + 2 + 2 + 1 + 1
    assert s.n_default_weight == 2
    assert "2 steunpunt(en) without a capacity weight" in s.warnings[0]
    with pytest.raises(InputError, match="steunpunt #2: capacity weight 3"):
        weighted_supply([1, 3])
    assert weighted_supply([]).weighted == 0.0


def test_read_need_table_semicolon_and_missing(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("name;inhabitants;prevalence_percent\nX;583990;1.42\n", encoding="utf-8")
    assert need_table(read_need_table(p)).loc[0, "need_45"] == 37
    with pytest.raises(InputError, match="file not found"):
        read_need_table(tmp_path / "nope.csv")


runner = CliRunner()


def test_cli_need_scalar_prints_three_scenarios():
    result = runner.invoke(app, ["need", "--inhabitants", "2853359", "--prevalence", "1.30"])
    assert result.exit_code == 0, result.output
    for value in ("56", "111", "167", "15 %", "30 %", "45 %"):
        assert value in result.output


def test_cli_need_from_epa_count_national_row():
    result = runner.invoke(app, ["need", "--epa-count", "224604"])
    assert result.exit_code == 0, result.output
    for value in ("337", "674", "1011"):
        assert value in result.output
    both = runner.invoke(app, ["need", "--epa-count", "1", "--inhabitants", "5", "--prevalence", "1"])
    assert both.exit_code == 1
    assert "not both" in both.output


def test_cli_need_custom_participation():
    result = runner.invoke(
        app, ["need", "--epa-count", "1000", "--participation", "0.25", "--capacity", "50"]
    )
    assert result.exit_code == 0, result.output
    assert "25 %" in result.output and "30 %" not in result.output
    assert re.search(r"25 %\s*│\s*5\s*│", result.output)  # 1000 x 0.25 / 50 = 5


def test_cli_need_bad_input_exits_1_with_message():
    result = runner.invoke(app, ["need", "--inhabitants", "0", "--prevalence", "1.30"])
    assert result.exit_code == 1
    assert "give a positive number" in result.output
    assert "Traceback" not in result.output


def test_cli_need_table_mode_writes_csv(tmp_path):
    src = tmp_path / "regions.csv"
    pd.DataFrame(
        [r[:3] + r[6:] for r in TABLE_2_4_1],
        columns=["name", "inhabitants", "prevalence_percent", "steunpunten_in_beeld", "steunpunten_gewogen"],
    ).to_csv(src, index=False)
    out = tmp_path / "sub" / "result.csv"
    result = runner.invoke(app, ["need", "--table", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out)
    assert df["need_15"].tolist() == [r[3] for r in TABLE_2_4_1]
    assert df["gap_45"].tolist() == [r[5] - r[7] for r in TABLE_2_4_1]
    assert [p.name for p in out.parent.iterdir()] == ["result.csv"]  # no temp file left


def test_cli_need_requires_a_mode():
    result = runner.invoke(app, ["need"])
    assert result.exit_code == 1
    assert "--inhabitants" in result.output
