"""RAPTOR kernels against the brute-force reference router, and exact hand-built cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from engine_cases import Case, as_int, random_case, trip
from reference_router import earliest_arrivals, walk_seconds

from accessibility.routing import raptor


@pytest.mark.parametrize("seed", range(6))
def test_random_networks_match_reference(seed: int) -> None:
    """Every origin, destination and minute equals the time-expanded Dijkstra."""
    rng = np.random.default_rng(1000 + seed)
    compared = 0
    for _ in range(60):
        dep_start = 8 * 3600
        n_minutes = int(rng.integers(1, 16))
        case = random_case(rng, dep_start, n_minutes)
        max_rides = int(rng.integers(1, 5))
        max_time = int(rng.integers(1200, 5400))
        wait = bool(rng.random() < 0.7)
        got = case.raptor(dep_start, n_minutes, max_rides, max_time, wait)
        for o in range(len(case.access)):
            want = as_int(case.reference(o, dep_start, n_minutes, max_rides, max_time, wait))
            np.testing.assert_array_equal(got[o], want, err_msg=f"seed {seed} origin {o}")
            compared += want.size
    assert compared > 500


@pytest.mark.parametrize("seed", range(6))
def test_random_networks_with_boarding_and_transfer_rules_match_reference(seed: int) -> None:
    """Random pickup / drop-off flags and forbidden transfers (transfers.txt type 3):
    every origin, destination and minute still equals the time-expanded Dijkstra."""
    rng = np.random.default_rng(5000 + seed)
    compared = restricted = 0
    for _ in range(60):
        dep_start = 8 * 3600
        n_minutes = int(rng.integers(1, 16))
        case = random_case(rng, dep_start, n_minutes, rules=True)
        max_rides = int(rng.integers(1, 5))
        max_time = int(rng.integers(1200, 5400))
        wait = bool(rng.random() < 0.7)
        got = case.raptor(dep_start, n_minutes, max_rides, max_time, wait)
        for o in range(len(case.access)):
            want = as_int(case.reference(o, dep_start, n_minutes, max_rides, max_time, wait))
            np.testing.assert_array_equal(got[o], want, err_msg=f"seed {seed} origin {o}")
            compared += want.size
        restricted += int((~case.timetable.pattern_pickup).any() or len(case.forbidden) > 0)
    assert compared > 500 and restricted > 40


def test_reference_router_walk_seconds_rounds_half_up() -> None:
    assert walk_seconds(0.5, 3.6) == 1
    assert walk_seconds(100.0, 3.6) == 100
    assert earliest_arrivals([], {}, {0: 30}, {}, {}, 100, 3) == {0: 130}


# ---------------------------------------------------------------------------
# Hand-built cases with known answers (1 m/s walking; times in seconds).
# Stops 0..n; origin 0 walks to stop 0 in 0 s unless told; destination 0 is
# at the last stop (egress 0 s).
# ---------------------------------------------------------------------------

T0 = 8 * 3600


def _single(case: Case, n_minutes=1, max_rides=8, max_time=7200, wait=True, start=T0):
    return case.raptor(start, n_minutes, max_rides, max_time, wait)[0]


def test_transfer_needed() -> None:
    """A -> B on line 1, B -> C on line 2: 5 + (wait) + 5 minutes."""
    trips = [trip([0, 1], T0 + 120, [300]), trip([1, 2], T0 + 600, [300])]
    case = Case(3, trips, access=[{0: 0}], walk=[{}], egress={2: {0: 0}}, n_dest=1)
    assert _single(case)[0, 0] == 900  # arrive T0+900
    # One ride is not enough.
    assert _single(case, max_rides=1)[0, 0] == raptor.UNREACHED


def test_board_slack_applies_at_first_boarding() -> None:
    """Arriving at the stop 59 s before departure misses the vehicle; 60 s catches it."""
    trips = [trip([0, 1], T0 + 60, [300]), trip([0, 1], T0 + 1200, [300])]
    early = Case(2, trips, access=[{0: 0}], walk=[{}], egress={1: {0: 0}}, n_dest=1)
    assert _single(early)[0, 0] == 360
    late = Case(2, trips, access=[{0: 1}], walk=[{}], egress={1: {0: 0}}, n_dest=1)
    assert _single(late)[0, 0] == 1500  # next trip: T0+1200+300


def test_board_slack_at_transfer_and_transfers_txt_minimum() -> None:
    """Same-stop transfer: slack 60 s; transfers.txt (1,1)=120 s adds to it."""
    trips = [trip([0, 1], T0 + 60, [300]), trip([1, 2], T0 + 420, [300]),
             trip([1, 2], T0 + 900, [300])]  # fmt: skip
    kw = dict(access=[{0: 0}], walk=[{}], egress={2: {0: 0}}, n_dest=1)
    assert _single(Case(3, trips, **kw))[0, 0] == 720  # arrive 360, board 420
    with_min = Case(3, trips, min_transfer_s={(1, 1): 120}, **kw)
    assert _single(with_min)[0, 0] == 1200  # 360 + 120 + 60 > 420: next trip


def test_walking_transfer_and_transfers_txt_override() -> None:
    """Alight at 1, walk 200 m to 3, board there; transfers.txt raises it to 400 s."""
    trips = [trip([0, 1], T0 + 60, [300]), trip([3, 2], T0 + 700, [300]),
             trip([3, 2], T0 + 1000, [300])]  # fmt: skip
    kw = dict(access=[{0: 0}], walk=[{}], egress={2: {0: 0}}, n_dest=1)
    walk_m = {(1, 3): 200.0}
    assert _single(Case(4, trips, walk_m=walk_m, **kw))[0, 0] == 1000  # 360+200+60 <= 700
    slow = Case(4, trips, walk_m=walk_m, min_transfer_s={(1, 3): 400}, **kw)
    assert _single(slow)[0, 0] == 1300  # 360+400+60 > 700: board at 1000
    # transfers.txt alone links stops without a street walk.
    only_gtfs = Case(4, trips, min_transfer_s={(1, 3): 100}, **kw)
    assert _single(only_gtfs)[0, 0] == 1000


def test_waiting_within_window_and_percentiles() -> None:
    """One vehicle at T0+600; departures T0..T0+9 min wait for it."""
    trips = [trip([0, 1], T0 + 600, [300])]
    case = Case(2, trips, access=[{0: 0}], walk=[{}], egress={1: {0: 0}}, n_dest=1)
    got = _single(case, n_minutes=10)[0]
    # Minutes 0..9: arrive at T0+900 from all (minute 9 = T0+540: 540+60 <= 600).
    np.testing.assert_array_equal(got, [900 - 60 * k for k in range(10)])
    net, access, walk, egress = case.kernel_inputs()
    params = (T0, 10, 8, 7200, 60, True)
    pct = raptor.travel_time_percentiles(
        net, access, walk, egress, 1, params, np.array([1.0, 25.0, 50.0, 100.0]), 2
    )
    # Sorted times: 360, 420, ..., 900. Nearest rank ceil(p/100*10)-1 -> 0, 2, 4, 9.
    np.testing.assert_array_equal(pct[0, 0], [360, 480, 600, 900])


def test_planned_departure_without_waiting_at_origin() -> None:
    """wait_at_origin=False counts from the latest minute reaching the same arrival."""
    trips = [trip([0, 1], T0 + 600, [300])]
    case = Case(2, trips, access=[{0: 0}], walk=[{}], egress={1: {0: 0}}, n_dest=1)
    got = _single(case, n_minutes=10, wait=False)[0]
    np.testing.assert_array_equal(got, [360] * 10)  # leave at T0+540, arrive T0+900


def test_overtaking_trips() -> None:
    """An express leaving later but arriving earlier is taken."""
    slow = trip([0, 1, 2], T0 + 120, [600, 600])
    fast = trip([0, 1, 2], T0 + 300, [200, 200])
    case = Case(3, [slow, fast], access=[{0: 0}], walk=[{}],
                egress={1: {0: 0}, 2: {1: 0}}, n_dest=2)  # fmt: skip
    assert case.timetable.n_patterns == 2  # overtaking trips live in separate patterns
    got = _single(case)
    assert got[0, 0] == 500 and got[1, 0] == 700


def test_trips_past_midnight() -> None:
    """Previous-day trips shifted by -86400 and times past 24:00 route normally."""
    day_before = trip([0, 1], -86400 + 24 * 3600 + 600, [1200])  # 00:10 -> 00:30
    late = trip([0, 1], 23 * 3600 + 3000, [1200])  # 23:50 -> 24:10
    case = Case(2, [day_before, late], access=[{0: 0}], walk=[{}],
                egress={1: {0: 0}}, n_dest=1)  # fmt: skip
    assert _single(case, start=0)[0, 0] == 1800
    assert _single(case, start=23 * 3600 + 2700)[0, 0] == 1500


def test_walking_beats_transit_and_unreachable() -> None:
    trips = [trip([0, 1], T0 + 1800, [300])]
    case = Case(2, trips, access=[{0: 0}], walk=[{0: 900}], egress={1: {0: 0, 1: 0}},
                n_dest=3)  # fmt: skip
    got = _single(case)
    assert got[0, 0] == 900  # walking 15 min beats waiting 30 min for the bus
    assert got[1, 0] == 2100  # only the bus reaches destination 1
    assert got[2, 0] == raptor.UNREACHED  # nothing reaches destination 2
    assert _single(case, max_time=2000)[1, 0] == raptor.UNREACHED


def test_max_rides_limit() -> None:
    """Three rides are needed; with a limit of 2 the 2-ride detour is slower."""
    trips = [
        trip([0, 1], T0 + 120, [300]),
        trip([1, 2], T0 + 600, [300]),
        trip([2, 3], T0 + 1000, [300]),
        trip([0, 4], T0 + 120, [300]),
        trip([4, 3], T0 + 3000, [300]),
    ]
    case = Case(5, trips, access=[{0: 0}], walk=[{}], egress={3: {0: 0}}, n_dest=1)
    assert _single(case, max_rides=3)[0, 0] == 1300
    assert _single(case, max_rides=2)[0, 0] == 3300
    assert _single(case, max_rides=1)[0, 0] == raptor.UNREACHED


def test_range_labels_respect_ride_limit() -> None:
    """A label from a later minute with more rides must not block a fewer-ride label."""
    # Later departure (minute 1) reaches stop 2 early with 2 rides; minute 0
    # reaches stop 2 later with 1 ride, from where 1 more ride reaches stop 3.
    trips = [
        trip([0, 1], T0 + 120, [60]),  # minute 1 (T0+60) catches it
        trip([1, 2], T0 + 240, [60]),  # -> stop 2 at T0+300 with 2 rides
        trip([0, 2], T0 + 60, [300]),  # minute 0 only: stop 2 at T0+360, 1 ride
        trip([2, 3], T0 + 600, [300]),
    ]
    case = Case(4, trips, access=[{0: 0}], walk=[{}], egress={3: {0: 0}}, n_dest=1)
    got = _single(case, n_minutes=2, max_rides=2)[0]
    np.testing.assert_array_equal(got, [900, raptor.UNREACHED])
    for wait in (True, False):
        want = as_int(case.reference(0, T0, 2, 2, 7200, wait))
        np.testing.assert_array_equal(_single(case, n_minutes=2, max_rides=2, wait=wait), want)


def test_percentile_kernel_matches_per_minute_and_blocks() -> None:
    rng = np.random.default_rng(7)
    case = random_case(rng, T0, 30)
    case.access = [{s: int(rng.integers(0, 300)) for s in range(case.n_stops)}] * 5
    case.walk = [{0: 3000}] * 5
    net, access, walk, egress = case.kernel_inputs()
    params = (T0, 30, 4, 5400, 60, True)
    per_minute = raptor.travel_times_per_minute(net, access, walk, egress, case.n_dest, params)
    pcts = np.array([5.0, 50.0, 95.0])
    for blocks in (1, 2, 5):
        got = raptor.travel_time_percentiles(net, access, walk, egress, case.n_dest, params,
                                             pcts, blocks)  # fmt: skip
        srt = np.sort(per_minute, axis=2)
        idx = [math.ceil(p / 100 * 30) - 1 for p in pcts]
        np.testing.assert_array_equal(got, srt[:, :, idx])


def test_select_rank_equals_sorting() -> None:
    rng = np.random.default_rng(11)
    for n in (1, 2, 3, 7, 60, 121):
        for _ in range(40):
            a = rng.integers(0, 6 if rng.random() < 0.5 else 10_000, size=n).astype(np.int32)
            a[rng.random(n) < 0.2] = raptor.UNREACHED
            k = int(rng.integers(n))
            assert raptor.select_rank(a.copy(), k) == np.sort(a)[k]


def test_denser_random_networks_match_reference() -> None:
    """Fewer, denser cases: many trips per line and longer windows stress the range labels."""
    rng = np.random.default_rng(99)
    for case_no in range(25):
        dep_start = 7 * 3600
        n_minutes = int(rng.integers(20, 40))
        case = random_case(rng, dep_start, n_minutes)
        extra = []
        for stops, arr, dep in case.trips:  # repeat each trip at a few headways
            for shift in rng.choice([120, 300, 420, 600, 900], size=3, replace=False):
                extra.append((stops, [t + int(shift) for t in arr], [t + int(shift) for t in dep]))
        case = Case(case.n_stops, case.trips + extra, access=case.access, walk=case.walk,
                    egress=case.egress, n_dest=case.n_dest, walk_m=case.walk_m,
                    min_transfer_s=case.min_transfer_s)  # fmt: skip
        max_rides = int(rng.integers(1, 4))
        wait = bool(case_no % 2)
        got = case.raptor(dep_start, n_minutes, max_rides, 3600, wait)
        for o in range(len(case.access)):
            want = as_int(case.reference(o, dep_start, n_minutes, max_rides, 3600, wait))
            np.testing.assert_array_equal(got[o], want, err_msg=f"case {case_no} origin {o}")
