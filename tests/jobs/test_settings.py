"""Command-line settings that override the region file for one run."""

from __future__ import annotations

import datetime as dt

import pytest

from accessibility.config import load_region
from accessibility.errors import ConfigError
from accessibility.jobs.settings import Overrides, parse_date, parse_time


def test_overrides_apply_to_the_main_window_and_same_day_windows() -> None:
    cfg = load_region("demo")
    new = Overrides(date=dt.date(2026, 12, 8), departure_time=dt.time(9, 0), window_minutes=30,
                    norm_minutes=30, max_time_minutes=60).apply(cfg)
    a = new.analysis
    assert (a.date, a.departure_time, a.window_minutes) == (dt.date(2026, 12, 8), dt.time(9, 0), 30)
    assert (a.norm_minutes, a.max_time_minutes) == (30, 60)
    tw = new.time_windows
    assert tw["weekday_daytime"].date == dt.date(2026, 12, 8)
    assert tw["weekday_daytime"].departure_time == dt.time(9, 0)
    # the evening keeps its own hour but follows the date; Saturday keeps its own day
    assert (tw["weekday_evening"].date, tw["weekday_evening"].departure_time) == (
        dt.date(2026, 12, 8), dt.time(19, 0))
    assert tw["saturday"].date == dt.date(2026, 12, 5)
    assert cfg.analysis.norm_minutes == 45  # the loaded region is not changed
    assert Overrides().apply(cfg) is cfg


@pytest.mark.parametrize(("overrides", "pattern"), [
    (Overrides(norm_minutes=100), r"--norm 100 must lie in 1\.\.90"),
    (Overrides(max_time_minutes=50), r"below the isochrone cutoff 60"),
    (Overrides(max_time_minutes=700), r"1\.\.600"),
])
def test_overrides_are_checked(overrides, pattern) -> None:
    with pytest.raises(ConfigError, match=pattern):
        overrides.apply(load_region("demo"))


def test_parse_date_and_time() -> None:
    assert parse_date("2026-12-01") == parse_date("01-12-2026") == dt.date(2026, 12, 1)
    assert parse_date(None) is None and parse_time("9.30") == dt.time(9, 30)
    with pytest.raises(ConfigError, match="not a date"):
        parse_date("1 december")
    with pytest.raises(ConfigError, match="not a valid date"):
        parse_date("2026-02-30")
    with pytest.raises(ConfigError, match="not a time"):
        parse_time("25:00")
    assert Overrides(date=dt.date(2026, 12, 8), norm_minutes=30).as_dict() == {
        "date": "2026-12-08", "norm_minutes": 30}
