"""Service calendars: which ``service_id`` runs on which date.

Private helper of :mod:`accessibility.gtfs`. ``calendar`` holds the parsed
``calendar.txt`` rows (weekday flags as int, ``start_date``/``end_date`` as
datetime64[D]); ``calendar_dates`` the parsed ``calendar_dates.txt`` rows
(``date`` as datetime64[D], ``exception_type`` 1 = added, 2 = removed).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def active_service_ids(
    calendar: pd.DataFrame, calendar_dates: pd.DataFrame, date: dt.date
) -> set[str]:
    """Service ids that run on ``date``.

    A service runs when its ``calendar.txt`` row covers the date (start and end
    inclusive) with the weekday flag set, or when ``calendar_dates.txt`` adds
    it on that date (exception_type 1); exception_type 2 removes it.

    Returns
    -------
    set of str
        Feed-prefixed service ids.
    """
    day = np.datetime64(date, "D")
    weekday = WEEKDAYS[date.weekday()]
    by_calendar = calendar.loc[
        (calendar["start_date"] <= day) & (calendar["end_date"] >= day) & (calendar[weekday] == 1),
        "service_id",
    ]
    on_day = calendar_dates[calendar_dates["date"] == day]
    added = on_day.loc[on_day["exception_type"] == 1, "service_id"]
    removed = set(on_day.loc[on_day["exception_type"] == 2, "service_id"])
    return (set(by_calendar) | set(added)) - removed


def service_dates(calendar: pd.DataFrame, calendar_dates: pd.DataFrame) -> pd.DataFrame:
    """Every (service_id, date) pair on which a service runs.

    Returns
    -------
    pandas.DataFrame
        Columns ``service_id`` (str) and ``date`` (datetime64[D]), unique rows.
    """
    parts = []
    if len(calendar):
        start = calendar["start_date"].to_numpy().astype("datetime64[D]")
        end = calendar["end_date"].to_numpy().astype("datetime64[D]")
        length = np.maximum((end - start).astype(np.int64) + 1, 0)
        row = np.repeat(np.arange(len(calendar)), length)
        first = np.cumsum(length) - length
        offset = np.arange(len(row)) - np.repeat(first, length)
        dates = start[row] + offset.astype("timedelta64[D]")
        # 1970-01-01 was a Thursday: weekday index (Monday = 0) = (days + 3) mod 7.
        weekday = (dates.astype(np.int64) + 3) % 7
        flags = calendar[list(WEEKDAYS)].to_numpy(dtype=np.int64)
        runs = flags[row, weekday] == 1
        parts.append(
            pd.DataFrame(
                {"service_id": calendar["service_id"].to_numpy()[row[runs]], "date": dates[runs]}
            )
        )
    added = calendar_dates[calendar_dates["exception_type"] == 1]
    parts.append(
        pd.DataFrame(
            {
                "service_id": added["service_id"].to_numpy(),
                "date": added["date"].to_numpy().astype("datetime64[D]"),
            }
        )
    )
    pairs = pd.concat(parts, ignore_index=True).drop_duplicates()
    removed = calendar_dates.loc[calendar_dates["exception_type"] == 2, ["service_id", "date"]]
    if len(removed):
        keys = pd.MultiIndex.from_frame(pairs)
        gone = pd.MultiIndex.from_arrays(
            [removed["service_id"].to_numpy(), removed["date"].to_numpy().astype("datetime64[D]")]
        )
        pairs = pairs[~keys.isin(gone)]
    return pairs.reset_index(drop=True)


def date_range(
    calendar: pd.DataFrame, calendar_dates: pd.DataFrame
) -> tuple[dt.date, dt.date] | None:
    """First and last date of the service period.

    The period spans the ``calendar.txt`` start/end dates and the dates that
    ``calendar_dates.txt`` adds (exception_type 1); removals do not extend it.

    Returns
    -------
    tuple of datetime.date or None
        None when neither table names a date.
    """
    added = calendar_dates.loc[calendar_dates["exception_type"] == 1, "date"].to_numpy()
    lows = [calendar["start_date"].to_numpy(), added]
    highs = [calendar["end_date"].to_numpy(), added]
    low = np.concatenate([a.astype("datetime64[D]") for a in lows])
    high = np.concatenate([a.astype("datetime64[D]") for a in highs])
    if len(low) == 0:
        return None
    return _to_date(low.min()), _to_date(high.max())


def nearest_service_date(dates: np.ndarray, date: dt.date) -> dt.date | None:
    """The date in ``dates`` (datetime64[D]) closest to ``date`` (earlier wins ties)."""
    if len(dates) == 0:
        return None
    unique = np.unique(dates.astype("datetime64[D]"))
    distance = np.abs((unique - np.datetime64(date, "D")).astype(np.int64))
    return _to_date(unique[int(np.argmin(distance))])


def _to_date(value: np.datetime64) -> dt.date:
    """Convert a numpy day to :class:`datetime.date`."""
    return dt.date.fromisoformat(str(np.datetime64(value, "D")))
