"""Opening hours in OSM syntax: parsing, intervals per day, missing = always open."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from accessibility.errors import InputError
from accessibility.places.locations import read_locations
from accessibility.places.opening_hours import DAY_SECONDS, location_hours

TUESDAY = dt.date(2026, 12, 1)
H = 3600


def _hours(*expressions: str):
    frame = pd.DataFrame({"id": [f"L{i}" for i in range(len(expressions))],
                          "name": [f"plek {i}" for i in range(len(expressions))],
                          "opening_hours": list(expressions)})
    return location_hours(frame, "lijst.csv")


def test_intervals_per_day() -> None:
    hours = _hours("Tu,Th 10:00-16:00; Sa 11:00-15:00")
    assert hours.intervals(TUESDAY, 1) == [[(10 * H, 16 * H)]]
    assert hours.intervals(TUESDAY + dt.timedelta(days=1), 1) == [[]]  # Wednesday: closed
    assert hours.intervals(dt.date(2026, 12, 5), 1) == [[(11 * H, 15 * H)]]
    # the horizon reaches into the next day: Tuesday's hours, then Wednesday's (none)
    assert hours.intervals(dt.date(2026, 11, 30), 2) == [[(DAY_SECONDS + 10 * H,
                                                           DAY_SECONDS + 16 * H)]]
    assert hours.open_on(TUESDAY) == [True]
    assert hours.open_on(TUESDAY + dt.timedelta(days=1)) == [False]


def test_touching_intervals_merge_and_midnight_is_crossed() -> None:
    hours = _hours("Mo 10:00-12:00,12:00-14:00", "Mo 22:00-02:00")
    monday = dt.date(2026, 11, 30)
    assert hours.intervals(monday, 1)[0] == [(10 * H, 14 * H)]
    assert hours.intervals(monday, 2)[1] == [(22 * H, 26 * H)]
    assert hours.intervals(TUESDAY, 1)[1] == [(0, 2 * H)]  # the tail of Monday night


def test_dutch_public_holidays_close_with_ph_off() -> None:
    hours = _hours("Mo-Fr 10:00-12:00; PH off")
    assert hours.intervals(dt.date(2026, 12, 25), 1) == [[]]  # Eerste Kerstdag, a Friday
    assert hours.intervals(dt.date(2026, 12, 24), 1) == [[(10 * H, 12 * H)]]


def test_missing_hours_mean_always_open_and_are_counted() -> None:
    hours = _hours("Tu 13:00-17:00", "", "  ")
    assert hours.n_missing == 2 and hours.missing_ids == ["L1", "L2"]
    assert hours.intervals(TUESDAY, 2)[1] == [(0, 2 * DAY_SECONDS)]
    no_column = location_hours(pd.DataFrame({"id": ["A", "B"]}), "lijst.csv")
    assert no_column.n_missing == 2


def test_bad_syntax_names_file_row_and_value() -> None:
    with pytest.raises(InputError, match=r"lijst.csv, location L1 \(plek 1\): opening_hours "
                                         r"'Tu 25:00-99'"):
        _hours("Tu 10:00-12:00", "Tu 25:00-99")


def test_read_from_a_location_list(tmp_path: Path) -> None:
    path = tmp_path / "steunpunten.csv"
    path.write_text("id,name,lat,lon,opening_hours\n"
                    'A,Inloop,52.5,5.2,"Tu,Th 10:00-16:00"\n'
                    "B,Herstelcentrum,52.6,5.3,\n", encoding="utf-8")
    located = read_locations(path)
    hours = location_hours(located.pinned, path)
    assert hours.expressions == ("Tu,Th 10:00-16:00", "")
    assert hours.open_on(TUESDAY) == [True, True]
    assert hours.open_on(TUESDAY + dt.timedelta(days=1)) == [False, True]
