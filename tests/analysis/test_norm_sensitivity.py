"""Norm sensitivity and the week table on hand-built points."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from accessibility.analysis.coverage import summarise_coverage
from accessibility.analysis.norm_sensitivity import norm_curve, norm_range, status_changes
from accessibility.analysis.week import week_coverage
from accessibility.errors import InputError

# Two buurten of one gemeente and one of another; 100 inhabitants per point.
POINTS = pd.DataFrame({
    "buurtcode": ["B1", "B1", "B2", "B2", "B3"],
    "gemeentecode": ["G1", "G1", "G1", "G1", "G2"],
    "population": [100.0] * 5,
    "epa_estimate": [1.0, 1.0, 2.0, 2.0, 1.5],
})
TIMES = np.array([20.0, 50.0, 35.0, 40.0, np.nan])


def test_norm_range_includes_both_ends() -> None:
    assert norm_range(15, 90, 5)[:3] == [15, 20, 25] and norm_range(15, 90, 5)[-1] == 90
    assert norm_range(15, 50, 20) == [15, 35, 50]
    with pytest.raises(InputError):
        norm_range(0, 90, 5)


def test_curve_by_hand_and_equal_to_separate_coverage_runs() -> None:
    curve, status = norm_curve(POINTS, TIMES, [30, 45, 60], 0.5)
    region = curve[curve["gemeentecode"] == "regio"].set_index("norm_minutes")
    # beyond 30: 50, 35, 40 and the unreachable point -> 400 of 500 inhabitants
    assert region.loc[30.0, "population_beyond_norm"] == 400
    assert region.loc[45.0, "population_beyond_norm"] == 200  # 50 and unreachable
    assert region.loc[60.0, "population_beyond_norm"] == 100
    assert region.loc[45.0, "epa_estimate_beyond_norm"] == pytest.approx(2.5)
    for norm in (30, 45, 60):
        alone = summarise_coverage(POINTS, TIMES, norm, 0.5).gemeenten.set_index("gemeentecode")
        mine = curve[curve["norm_minutes"] == norm].set_index("gemeentecode")
        for col in ("population_beyond_norm", "share_beyond_norm", "epa_estimate_beyond_norm",
                    "n_witte_vlekken"):
            np.testing.assert_allclose(mine[col], alone.loc[mine.index, col])
    flags = status.set_index("buurtcode")
    # B1 has half beyond at 30 and 45 (not more than half: no white spot); B2 is white at 30.
    assert list(flags.loc["B2", ["witte_vlek_30", "witte_vlek_45", "witte_vlek_60"]]) == [
        True, False, False]
    assert flags.loc["B3", "witte_vlek_60"]
    changes = status_changes(status, [30, 45, 60])
    assert list(changes["niet_meer_witte_vlek"]) == [1, 0]
    assert list(changes["witte_vlekken_van"]) == [2, 1]


def test_week_counts_days_with_access() -> None:
    closed = np.full(5, np.nan)
    week = week_coverage(POINTS, [TIMES, closed, TIMES], ["ma", "di", "wo"], 45, 0.5)
    b = week.buurten.set_index("buurtcode")
    assert b.loc["B2", "days_with_access"] == 2  # within 45 on ma and wo
    assert b.loc["B3", "days_with_access"] == 0
    assert b.loc["B1", "share_within_ma"] == pytest.approx(0.5)
    g = week.gemeenten.set_index("gemeentecode")
    # residents within the norm: 20, 35, 40 on two days -> 300 * 2 / 500 inhabitants
    assert g.loc["regio", "mean_days_with_access"] == pytest.approx(600 / 500)
    assert g.loc["regio", "population_no_day"] == 200
    assert g.loc["regio", "population_every_day"] == 0
    assert list(week.point_days) == [2, 0, 2, 2, 0]
    days = week.days[week.days["gemeentecode"] == "regio"].set_index("day")
    assert days.loc["di", "share_beyond_norm"] == 1.0
