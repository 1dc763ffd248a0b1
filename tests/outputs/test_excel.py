"""Tables for people: Dutch headers, rounding, no inf; xlsx workbooks and Excel CSV."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from accessibility.errors import InputError
from accessibility.notices import Notice
from accessibility.outputs.excel import write_workbook
from accessibility.outputs.files import write_csv
from accessibility.outputs.tables import present, round_value


def coverage_like() -> pd.DataFrame:
    return pd.DataFrame({
        "buurtnaam": ["Kreekdijk", "Heidedorp"],
        "population": [1402.9999999999998, 32.7],
        "median_time_min": [79.4, np.inf],
        "time_class": [">60", "onbereikbaar"],
        "share_beyond_norm": [1.0, 0.8764],
        "epa_estimate_beyond_norm": [19.0612, 0.4449],
        "witte_vlek": [True, False],
        "geometry": [None, None],
    })


def test_present_rounds_by_kind_and_never_shows_inf():
    table = present(coverage_like())
    assert list(table.columns) == [
        "buurt", "inwoners", "mediane reistijd (min)", "reistijdklasse",
        "% inwoners buiten norm", "EPA-schatting buiten norm", "witte vlek"]
    assert table.iloc[0].tolist() == ["Kreekdijk", 1403, 79, ">60", 100.0, 19.1, "ja"]
    # 32.7 people -> 33 whole people; inf -> empty; share -> percent
    assert table.iloc[1].tolist() == ["Heidedorp", 33, None, "onbereikbaar", 87.6, 0.4, "nee"]
    assert isinstance(table.iloc[0, 1], int) and isinstance(table.iloc[1, 1], int)


def test_present_in_english_and_notices():
    frame = coverage_like().assign(reason=pd.Series([Notice("geocode.no_candidate"), ""],
                                                    dtype=object))
    table = present(frame, "en", ["buurtnaam", "time_class", "witte_vlek", "reason"])
    assert list(table.columns) == ["buurt", "travel-time class", "white spot", "reason"]
    assert table.iloc[1].tolist() == ["Heidedorp", "unreachable", "no", ""]
    assert present(frame, "nl", ["reason"]).iloc[0, 0] == "geen adres gevonden"


def test_pattern_columns_and_duplicates():
    frame = pd.DataFrame({"inwoners_binnen_15_min": [10.4], "epa_binnen_15_min": [0.26]})
    assert present(frame).iloc[0].tolist() == [10, 0.3]
    assert list(present(frame).columns) == ["inwoners binnen 15 min",
                                            "EPA-schatting binnen 15 min"]
    with pytest.raises(ValueError, match="duplicate headers"):
        present(pd.DataFrame({"name": ["a"], "naam": ["b"]}))


@pytest.mark.parametrize(("value", "kind", "expected"), [
    (2.5, "people", 2), (3.5, "people", 4), (45.49, "minutes", 45), (float("nan"), "epa", None),
    (-np.inf, "minutes", None), (0.1234, "share", 12.3), (1.3, "prevalence", 1.3), ("x", "epa", "x"),
])
def test_round_value(value, kind, expected):
    assert round_value(value, kind) == expected


def test_workbook_reads_back_with_dutch_headers_and_numbers(tmp_path):
    path = write_workbook({"buurten": coverage_like(), "leeg": coverage_like().iloc[:0]},
                          tmp_path / "out.xlsx", explanation={"Norm": "45 minuten"})
    wb = load_workbook(path)
    assert wb.sheetnames == ["toelichting", "buurten", "leeg"]
    assert [c.value for c in wb["toelichting"][1]] == ["Norm", "45 minuten"]
    ws = wb["buurten"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][:3] == ["buurt", "inwoners", "mediane reistijd (min)"]
    assert rows[1][:3] == ["Kreekdijk", 1403, 79]
    assert rows[2][2] is None and rows[2][3] == "onbereikbaar"  # empty cell plus class
    assert ws["B2"].number_format == "#,##0" and ws["F2"].number_format == "#,##0.0"
    assert ws.freeze_panes == "A2"
    assert [c.value for c in wb["leeg"][1]][0] == "buurt"
    assert not list((tmp_path).glob("*.tmp*"))


def test_workbook_errors(tmp_path):
    with pytest.raises(InputError, match="no tables"):
        write_workbook({}, tmp_path / "x.xlsx")
    long = "a" * 40
    with pytest.raises(InputError, match="not unique"):
        write_workbook({long + "1": coverage_like(), long + "2": coverage_like()},
                       tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_csv_plain_rounds_floats_and_drops_inf(tmp_path):
    write_csv(coverage_like(), tmp_path / "plain.csv")
    text = (tmp_path / "plain.csv").read_text(encoding="utf-8")
    assert "1402.9999999999998" not in text and "inf" not in text
    assert text.splitlines()[1].startswith("Kreekdijk,1403.0,79.4,>60,")
    back = pd.read_csv(tmp_path / "plain.csv")
    assert math.isnan(back.loc[1, "median_time_min"])


def test_csv_dutch_excel_dialect(tmp_path):
    write_csv(coverage_like(), tmp_path / "nl.csv", excel_nl=True)
    raw = (tmp_path / "nl.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:3] == ["buurtnaam", "population", "median_time_min"]
    assert lines[1].split(";")[1:3] == ["1403,0", "79,4"]
    write_csv(coverage_like(), tmp_path / "nl_kop.csv", excel_nl=True, lang="nl")
    lines = (tmp_path / "nl_kop.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].split(";")[:3] == ["buurt", "inwoners", "mediane reistijd (min)"]
    assert lines[1].split(";")[:6] == ["Kreekdijk", "1403", "79", ">60", "100,0", "19,1"]
    assert lines[2].split(";")[2] == ""  # unreachable: empty, never inf
