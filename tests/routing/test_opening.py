"""Arrive while open: hand-built cases and a per-minute brute-force reference."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from reference_router import make_timetable
from test_profile import SLACK, csr, random_instance, run_profile

from accessibility.errors import InputError
from accessibility.routing import link_points
from accessibility.routing.nearest import times_to_nearest
from accessibility.routing.opening import (
    OpenIntervals,
    shortest_open_times,
    shortest_open_trips,
)
from accessibility.routing.profile import UNREACHABLE, profile_scan, timetable_connections

H = 3600
M = 60

# One line from stop 0 to stop 1; the steunpunt stands at stop 1 (no egress walk).
#   trip A: 09:15 -> 09:30 (fast, but arrives before a 10:00 opening)
#   trip B: 09:40 -> 10:00 (arrives exactly at opening)
#   trip C: 10:20 -> 10:40 (after the window 09:00-09:59)
LINE = [([0, 1], [9 * H + 15 * M, 9 * H + 30 * M], [9 * H + 15 * M, 9 * H + 30 * M]),
        ([0, 1], [9 * H + 40 * M, 10 * H], [9 * H + 40 * M, 10 * H]),
        ([0, 1], [10 * H + 20 * M, 10 * H + 40 * M], [10 * H + 20 * M, 10 * H + 40 * M])]


def line_times(hours: list[tuple[int, int]], min_stay: int = 60 * M, direct: int = UNREACHABLE,
               access: dict[int, int] | None = None, max_s: int = 3 * H) -> float:
    """Shortest open trip (minutes, NaN = none) from one point at stop 0, window 09:00-09:59."""
    timetable = make_timetable(2, LINE)
    conns = timetable_connections(timetable, 0, 10**6)
    egress = np.array([UNREACHABLE, 0], dtype=np.int64)
    tr_ptr, tr_to, tr_sec = csr([{}, {}])
    scan = profile_scan(*conns, 2, timetable.n_trips, egress, tr_ptr, tr_to, tr_sec,
                        np.zeros(2, dtype=np.int64), SLACK)
    acc_ptr, acc_stop, acc_sec = csr([access if access is not None else {0: 0}])
    opening = OpenIntervals.from_intervals([hours], min_stay)
    out = shortest_open_times(acc_ptr, acc_stop, acc_sec, np.array([direct], dtype=np.int64),
                              9 * H, 60, *scan, opening.ptr, opening.start, opening.last_arrival,
                              max_s)
    return np.nan if out[0, 0] >= UNREACHABLE else out[0, 0] / 60


def test_always_open_takes_the_fastest_trip() -> None:
    # trip A: leave at 09:14 (board slack 60 s), arrive 09:30: 16 minutes
    assert line_times([(0, 24 * H)]) == 16


def test_later_trip_arriving_at_opening_time_counts() -> None:
    # Opening at 10:00: trip A would wait at the door (09:14 -> 10:00 = 46 min, beyond
    # a 45-minute norm); trip B leaves at 09:39 and arrives at 10:00 sharp: 21 minutes.
    assert line_times([(10 * H, 16 * H)]) == 21


def test_closed_on_the_day_does_not_count() -> None:
    assert np.isnan(line_times([]))


def test_closing_before_the_earliest_arrival_does_not_count() -> None:
    # Earliest possible arrival 09:30; with 60 minutes' stay the place must stay open
    # until 10:30. Closing at 10:30 counts, closing one minute earlier does not.
    assert line_times([(8 * H, 10 * H + 30 * M)]) == 16
    assert np.isnan(line_times([(8 * H, 10 * H + 29 * M)]))
    # ... and without a minimum stay, closing at 09:31 is still in time.
    assert line_times([(8 * H, 9 * H + 31 * M)], min_stay=0) == 16


def test_an_interval_shorter_than_the_stay_never_counts() -> None:
    assert np.isnan(line_times([(10 * H, 10 * H + 59 * M)]))
    assert line_times([(10 * H, 10 * H + 59 * M), (13 * H, 17 * H)], max_s=5 * H) == pytest.approx(
        13 * 60 - (9 * 60 + 59))  # wait for the afternoon: leave 09:59 on C, in at 13:00


def test_walking_there_times_the_departure() -> None:
    # Ten minutes' walk: leave at 09:50, in at 10:00 when it opens.
    assert line_times([(10 * H, 16 * H)], direct=10 * M, access={}) == 10
    # Opening at 11:00: leave at the last minute of the window (09:59) and wait.
    assert line_times([(11 * H, 16 * H)], direct=10 * M, access={}) == 61
    assert np.isnan(line_times([(11 * H, 16 * H)], direct=10 * M, access={}, max_s=60 * M))


def test_max_time_applies_to_the_effective_arrival() -> None:
    assert line_times([(10 * H, 16 * H)], max_s=21 * M) == 21
    assert np.isnan(line_times([(10 * H, 16 * H)], max_s=20 * M))


def test_unsorted_intervals_are_rejected() -> None:
    with pytest.raises(InputError, match="sorted and disjoint"):
        OpenIntervals.from_intervals([[(10 * H, 12 * H), (11 * H, 13 * H)]], 0)


def _open(arrival: int, hours: list[tuple[int, int]], stay: int) -> int:
    """Effective arrival by the definition: wait for the first interval still long enough."""
    for o, c in hours:
        if c - stay >= o and arrival <= c - stay:
            return max(arrival, o)
    return UNREACHABLE


@pytest.mark.parametrize("seed", range(150))
def test_equals_minimum_over_the_per_minute_times(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_stops, trips, transfers, egress, access, direct, self_transfer = random_instance(rng)
    departures = np.arange(0, 45 * 60, 60)
    per_minute = run_profile(n_stops, trips, transfers, egress, access, direct, departures,
                             self_transfer=self_transfer, max_s=10**9)
    days = []
    for _ in range(3):  # three days with different hours, one scan, one evaluation pass
        hours: list[tuple[int, int]] = []
        t = int(rng.integers(0, 40)) * 60
        for _ in range(int(rng.integers(0, 4))):
            o = t + int(rng.integers(0, 30)) * 60
            c = o + int(rng.integers(1, 40)) * 60
            hours.append((o, c))
            t = c + 60
        days.append(hours)
    stay = int(rng.integers(0, 15)) * 60
    max_s = int(rng.integers(10, 90)) * 60
    timetable = make_timetable(n_stops, trips)
    conns = timetable_connections(timetable, 0, 10**6)
    tr_ptr, tr_to, tr_sec = csr(transfers)
    scan = profile_scan(*conns, n_stops, timetable.n_trips, egress, tr_ptr, tr_to, tr_sec,
                        np.asarray(self_transfer, dtype=np.int64), SLACK)
    acc_ptr, acc_stop, acc_sec = csr(access)
    opening = OpenIntervals.from_intervals(days, stay)  # one "target" per day
    got = shortest_open_times(acc_ptr, acc_stop, acc_sec, np.array(direct, dtype=np.int64),
                              0, len(departures), *scan, opening.ptr, opening.start,
                              opening.last_arrival, max_s)
    for k, hours in enumerate(days):
        for p in range(len(access)):
            best = UNREACHABLE
            for m, d in enumerate(departures):
                if per_minute[p, m] >= UNREACHABLE:
                    continue
                arrival = _open(int(d + per_minute[p, m]), hours, stay)
                if arrival < UNREACHABLE:
                    best = min(best, arrival - int(d))
            want = best if best <= max_s else UNREACHABLE
            assert got[k, p] == want, (k, p, hours, stay)


# ------------------------------------------------------------------ on the demo network
@pytest.fixture(scope="module")
def demo_links():
    from accessibility.jobs.region import RegionData

    demo = RegionData.load("demo")
    sp = demo.steunpunten()
    rng = np.random.default_rng(7)
    pts = demo.population.gdf.iloc[rng.choice(len(demo.population.gdf), 300, replace=False)]
    request = demo.request
    origins = link_points(demo.network, pts["lat"].to_numpy(), pts["lon"].to_numpy(), request)
    targets = link_points(demo.network, sp.geometry.y.to_numpy(), sp.geometry.x.to_numpy(),
                          request, "egress")
    return demo, origins, targets, request


def test_one_minute_window_always_open_equals_the_nearest_search(demo_links) -> None:
    demo, origins, targets, request = demo_links
    one = request.replace(departure_time_window=dt.timedelta(minutes=1))
    groups = [np.array([j]) for j in range(targets.n_points)]
    want = times_to_nearest(demo.network, origins, targets, groups, one)
    got = shortest_open_trips(demo.network, origins, targets, [one],
                              [OpenIntervals.always_open(targets.n_points)])[0]
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


def test_week_days_with_the_same_timetable_share_scans_and_agree(demo_links) -> None:
    demo, origins, targets, request = demo_links
    tuesday = request.departure
    days = [request.replace(departure=tuesday + dt.timedelta(days=k)) for k in (0, 1, 4)]
    always = OpenIntervals.always_open(targets.n_points)
    closed = OpenIntervals.from_intervals([[]] * targets.n_points, 0)
    got = shortest_open_trips(demo.network, origins, targets, days, [always, always, closed])
    np.testing.assert_array_equal(got[0], got[1])  # Tuesday and Wednesday: the same service
    assert np.isnan(got[2]).all()  # nothing is open on the Saturday
    # The shortest trip is never longer than the median of the per-minute times.
    median = times_to_nearest(demo.network, origins, targets,
                              [np.array([j]) for j in range(targets.n_points)], request)
    both = ~np.isnan(median) & ~np.isnan(got[0])
    assert both.sum() > 100 and (got[0][both] <= median[both] + 1e-9).all()


def test_requests_must_share_walking_limits(demo_links) -> None:
    demo, origins, targets, request = demo_links
    other = request.replace(speed_walking=5.0)
    always = OpenIntervals.always_open(targets.n_points)
    with pytest.raises(InputError, match="share walking"):
        shortest_open_trips(demo.network, origins, targets, [request, other], [always, always])


def test_week_in_one_call_equals_each_day_alone(demo_links) -> None:
    from accessibility.places.opening_hours import location_hours

    demo, origins, targets, request = demo_links
    hours = location_hours(demo.steunpunten(), demo.inputs.locations)
    monday = request.departure - dt.timedelta(days=request.departure.weekday())
    days = [request.replace(departure=(monday + dt.timedelta(days=k)).replace(hour=8),
                            departure_time_window=dt.timedelta(minutes=720)) for k in range(7)]
    openings = [OpenIntervals.from_intervals(hours.intervals(r.date), 3600) for r in days]
    week = shortest_open_trips(demo.network, origins, targets, days, openings)
    for k in range(7):
        alone = shortest_open_trips(demo.network, origins, targets, [days[k]], [openings[k]])[0]
        np.testing.assert_array_equal(week[k], alone)
    assert np.isnan(week[6]).all()  # Sunday: all closed
    assert np.isnan(week[:, 2]).sum() > np.isnan(week[1, 2]).sum()  # De Molen: Tuesday only
    # Scans cut at the last useful arrival give the same times as uncut ones: together with
    # an always-open day in the same call the scan of that timetable is not cut.
    tuesday = shortest_open_trips(demo.network, origins, targets, [days[1], days[1]],
                                  [OpenIntervals.always_open(targets.n_points), openings[1]])
    np.testing.assert_array_equal(tuesday[1], week[1])
