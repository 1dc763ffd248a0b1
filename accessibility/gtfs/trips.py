"""Which trips run on a date: service calendars, frequency expansion, neighbouring days.

Private helper of :mod:`accessibility.gtfs`. A running trip is a *template*
(a row of ``feed.trips``, its stop times once) plus a time shift in seconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from accessibility.gtfs.service import active_service_ids

if TYPE_CHECKING:
    from accessibility.gtfs import GtfsFeed

SECONDS_PER_DAY = 86_400

#: Trips of the next service day that depart before this hour are part of a
#: date's timetable (shifted by +24 h): an evening window that crosses
#: midnight (23:00 + 60 min, trips of up to 2 h) needs them. Requests that
#: reach later are rejected by the routing layer.
NEXT_DAY_HOURS = 6

# Id suffix of the trips of the previous, this and the next service day
# (two days back and more: "@prev2", "@prev3", ...).
_DAY_SUFFIX = {-1: "@prev", 0: "", 1: "@next"}


@dataclass(frozen=True)
class TripSelection:
    """Trips running on one date, as templates (feed trips) plus time shifts.

    Attributes
    ----------
    template : numpy.ndarray of int64
        Row of ``feed.trips`` of every running trip.
    shift : numpy.ndarray of int64
        Seconds added to the template's stop times.
    trip_ids : numpy.ndarray of str
        Id of every running trip: the feed trip id, ``"#k"`` appended for the
        k-th (from 0) frequency-expanded departure, ``"@prev"`` appended for
        trips of the previous service day (``"@prev2"`` two days back, ...),
        ``"@next"`` for trips of the next day.
    frequency_trips, previous_day_trips, next_day_trips : int
        How many of them come from ``frequencies.txt`` / earlier service days /
        the next service day.
    """

    template: np.ndarray
    shift: np.ndarray
    trip_ids: np.ndarray
    frequency_trips: int
    previous_day_trips: int
    next_day_trips: int


@dataclass(frozen=True)
class _Expanded:
    """Frequency-expanded departures of all templates (service day not yet applied)."""

    template: np.ndarray
    shift: np.ndarray
    trip_ids: np.ndarray


def expand_frequencies(
    frequencies: pd.DataFrame,
    template: np.ndarray,
    first_departure: np.ndarray,
    trip_ids: np.ndarray,
) -> _Expanded:
    """Expand ``frequencies.txt`` rows to departures.

    Every row gives departures ``start_time, start_time + headway_secs, ...``
    strictly before ``end_time``; each is a copy of the template trip shifted
    so that its first departure equals it.

    ``exact_times`` 0 ("about every n minutes", no fixed times) is expanded
    exactly like 1: as if the vehicles left at ``start_time`` and every
    headway after it. R5 instead draws random offsets within the headway for
    each Monte Carlo iteration, so its percentiles over a window average over
    the unknown phase; ours take the phase the feed's ``start_time`` gives.
    A traveller's wait for such a service is therefore between 0 and one
    headway here, depending on the minute, and not its expectation of half
    a headway.

    Parameters
    ----------
    frequencies : pandas.DataFrame
        ``start_time``, ``end_time``, ``headway_secs`` in seconds.
    template : numpy.ndarray of int64
        Template (row of ``feed.trips``) of every frequencies row.
    first_departure : numpy.ndarray of int64
        First departure (seconds) of every template.
    trip_ids : numpy.ndarray of str
        Trip id of every template.

    Returns
    -------
    _Expanded
        Ids ``"<trip_id>#k"``, k counting a template's departures from 0 in
        time order across all its rows.
    """
    start = frequencies["start_time"].to_numpy(dtype=np.int64)
    end = frequencies["end_time"].to_numpy(dtype=np.int64)
    headway = frequencies["headway_secs"].to_numpy(dtype=np.int64)
    count = np.maximum(-((start - end) // headway), 0)  # ceil((end - start) / headway)
    order = np.lexsort((start, template))
    count_o = count[order]
    row = np.repeat(order, count_o)
    within = np.arange(len(row)) - np.repeat(np.cumsum(count_o) - count_o, count_o)
    exp_template = template[row]
    departure = start[row] + within * headway[row]
    k = np.arange(len(row)) - np.searchsorted(exp_template, exp_template)
    ids = np.char.add(np.char.add(trip_ids[exp_template].astype(str), "#"), k.astype(str))
    return _Expanded(
        template=exp_template, shift=departure - first_departure[exp_template], trip_ids=ids
    )


def select_trips(feed: GtfsFeed, date: dt.date) -> TripSelection:
    """Trips running on ``date``: its own service, earlier days' trips running into it,
    and the next day's early trips.

    A trip of service day ``date - n`` (n >= 1) is kept when its last arrival
    is at or after ``n`` x 24:00:00 (it is still running on ``date``); its
    times are shifted by ``-n`` x 86400 s. So a trip whose times pass 48:00:00
    also appears two days later. A trip of ``date + 1`` is kept when it
    departs before :data:`NEXT_DAY_HOURS` (06:00) that day; its times are
    shifted by +86400 s, so evening windows that cross midnight see the
    night and early-morning service. Trips listed in ``frequencies.txt`` run
    only as their expanded departures.

    Parameters
    ----------
    feed : GtfsFeed
    date : datetime.date

    Returns
    -------
    TripSelection
    """
    row_ptr = feed.trip_row_ptr
    first_dep = feed.stop_times["departure_time"].to_numpy()[row_ptr[:-1]]
    last_arr = feed.stop_times["arrival_time"].to_numpy()[row_ptr[1:] - 1]
    trip_ids = feed.trips["trip_id"].to_numpy().astype(str)
    freq_template = pd.Index(feed.trips["trip_id"]).get_indexer(feed.frequencies["trip_id"])
    has_freq = np.zeros(len(feed.trips), dtype=bool)
    has_freq[freq_template] = True
    expanded = expand_frequencies(feed.frequencies, freq_template, first_dep, trip_ids)
    last_end = max(
        int(last_arr.max(initial=0)),
        int((last_arr[expanded.template] + expanded.shift).max(initial=0)),
    )
    days_back = last_end // SECONDS_PER_DAY

    templates, shifts, ids = [], [], []
    counts = {"frequency": 0, "previous": 0, "next": 0}
    for day_offset in (0, 1, *range(-1, -days_back - 1, -1)):
        day = date + dt.timedelta(days=day_offset)
        services = active_service_ids(feed.calendar, feed.calendar_dates, day)
        running = feed.trips["service_id"].isin(services).to_numpy()
        plain = np.flatnonzero(running & ~has_freq)
        freq_rows = np.flatnonzero(running[expanded.template])
        template = np.concatenate([plain, expanded.template[freq_rows]])
        shift = np.concatenate([np.zeros(len(plain), dtype=np.int64), expanded.shift[freq_rows]])
        day_ids = np.concatenate([trip_ids[plain], expanded.trip_ids[freq_rows]]).astype(object)
        is_freq = np.arange(len(template)) >= len(plain)
        if day_offset < 0:
            keep = last_arr[template] + shift >= -day_offset * SECONDS_PER_DAY
            counts["previous"] += int(keep.sum())
        elif day_offset > 0:
            keep = first_dep[template] + shift < NEXT_DAY_HOURS * 3600
            counts["next"] = int(keep.sum())
        else:
            keep = np.ones(len(template), dtype=bool)
        template, shift, is_freq = template[keep], shift[keep], is_freq[keep]
        shift = shift + day_offset * SECONDS_PER_DAY
        day_ids = day_ids[keep] + _DAY_SUFFIX.get(day_offset, f"@prev{-day_offset}")
        counts["frequency"] += int(is_freq.sum())
        templates.append(template)
        shifts.append(shift)
        ids.append(day_ids)
    return TripSelection(
        template=np.concatenate(templates).astype(np.int64),
        shift=np.concatenate(shifts).astype(np.int64),
        trip_ids=np.concatenate(ids).astype(str),
        frequency_trips=counts["frequency"],
        previous_day_trips=counts["previous"],
        next_day_trips=counts["next"],
    )
