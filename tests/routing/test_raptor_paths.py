"""The journey-tracing RAPTOR kernel: its journeys are feasible, and their times are the
matrix kernel's and the brute-force reference's, for every minute and ride limit."""

from __future__ import annotations

import numpy as np
import pytest
from engine_cases import SLACK, Case, as_int, random_case, trip

from accessibility.routing import raptor
from accessibility.routing.raptor_paths import (
    ACCESS,
    EGRESS,
    RIDE,
    TRANSFER,
    WALK_ONLY,
    origin_journeys,
)

T0 = 8 * 3600


def run_origin(case: Case, o: int, dep_start: int, n_minutes: int, max_rides: int,
               max_time: int):  # fmt: skip
    net, access, walk, egress = case.kernel_inputs()
    a0, a1 = access[0][o], access[0][o + 1]
    w0, w1 = walk[0][o], walk[0][o + 1]
    params = (dep_start, n_minutes, max_rides, max_time, SLACK, True)
    return origin_journeys(net, access[1][a0:a1], access[2][a0:a1], walk[1][w0:w1],
                           walk[2][w0:w1], egress, case.n_dest, params)  # fmt: skip


def check_feasible(case: Case, o: int, journey: np.ndarray, legs: np.ndarray,
                   dep_start: int, max_rides: int) -> int:  # fmt: skip
    """Assert that every leg follows from the network; returns the number of rides."""
    tt = case.timetable
    d, minute, start, n, arrival = (int(x) for x in journey)
    rows = legs[start : start + n]
    ptr, to, sec, self_sec = case.transfers()
    clock = dep_start + 60 * minute
    rides = 0
    for i, (kind, frm, dst, trp, bpos, apos, t_start, t_end) in enumerate(rows.tolist()):
        if kind == WALK_ONLY:
            assert n == 1 and t_start == clock and t_end - t_start == case.walk[o][d]
        elif kind == ACCESS:
            assert i == 0 and t_start == clock and t_end - t_start == case.access[o][dst]
        elif kind == RIDE:
            rides += 1
            p = int(np.searchsorted(tt.pattern_trip_ptr, trp, side="right") - 1)
            s0 = tt.pattern_stop_ptr[p]
            assert tt.pattern_stops[s0 + bpos] == frm and tt.pattern_stops[s0 + apos] == dst
            assert bpos < apos and tt.pattern_pickup[s0 + bpos] and tt.pattern_drop_off[s0 + apos]
            assert t_start == tt.departure[tt.trip_time_ptr[trp] + bpos]
            assert t_end == tt.arrival[tt.trip_time_ptr[trp] + apos]
            assert t_start >= clock + SLACK, "boarded before standing at the stop + slack"
        elif kind == TRANSFER:
            assert t_start == clock
            if frm == dst:
                assert t_end - t_start == self_sec[frm]
            else:
                row = to[ptr[frm] : ptr[frm + 1]]
                assert dst in row
                assert t_end - t_start == sec[ptr[frm] + int(np.flatnonzero(row == dst)[0])]
        else:
            assert kind == EGRESS and i == n - 1 and t_start == clock
            assert t_end - t_start == case.egress[frm][d]
        if kind != RIDE:
            assert t_start >= clock
        clock = t_end
        if i > 0:
            assert frm == rows[i - 1][2] or kind == EGRESS and frm == rows[i - 1][2]
    assert clock == arrival and rows[-1][2] == d
    assert rides <= max_rides
    return rides


def minute_times(journeys, label_journey, dep_start, max_time, wait, r):
    """Travel time per (destination, minute) of the round ``r`` labels, seconds."""
    n_minutes, n_dest, _ = label_journey.shape
    out = np.full((n_dest, n_minutes), int(raptor.UNREACHED), dtype=np.int64)
    for k in range(n_minutes):
        for d in range(n_dest):
            j = label_journey[k, d, r]
            if j < 0:
                continue
            leave = dep_start + 60 * (k if wait else int(journeys[j, 1]))
            t = int(journeys[j, 4]) - leave
            if t <= max_time:
                out[d, k] = t
    return out


@pytest.mark.parametrize("rules", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_random_journeys_equal_matrix_and_reference(seed: int, rules: bool) -> None:
    """Every traced journey is feasible; its time equals the matrix kernel's and the
    reference's for every minute, and the round r labels equal the reference with r rides."""
    rng = np.random.default_rng(300 + seed + 50 * rules)
    compared = with_rides = 0
    for _ in range(40):
        n_minutes = int(rng.integers(1, 12))
        case = random_case(rng, T0, n_minutes, rules=rules)
        max_rides = int(rng.integers(0, 4))
        max_time = int(rng.integers(1200, 5400))
        wait = bool(rng.random() < 0.6)
        matrix = case.raptor(T0, n_minutes, max_rides, max_time, wait)
        for o in range(len(case.access)):
            journeys, legs, label_journey = run_origin(case, o, T0, n_minutes, max_rides,
                                                       max_time)  # fmt: skip
            for j in range(len(journeys)):
                with_rides += check_feasible(case, o, journeys[j], legs, T0, max_rides) > 0
            got = minute_times(journeys, label_journey, T0, max_time, wait, max_rides)
            np.testing.assert_array_equal(got, matrix[o], err_msg=f"seed {seed} origin {o}")
            for r in range(max_rides + 1):
                want = as_int(case.reference(o, T0, n_minutes, r, max_time, wait))
                got_r = minute_times(journeys, label_journey, T0, max_time, wait, r)
                np.testing.assert_array_equal(got_r, want, err_msg=f"seed {seed} o {o} r {r}")
                compared += want.size
    assert compared > 300 and with_rides > 10


def test_walk_ride_transfer_ride_walk_exact_legs() -> None:
    """Walk 100 s to stop 0, bus 0 -> 1 (wait 200 s), walk 50 s to stop 2, bus 2 -> 3,
    walk 30 s: the legs and their clock times."""
    case = Case(
        4,
        [trip([0, 1], T0 + 360, [300]), trip([2, 3], T0 + 900, [240])],
        access=[{0: 100}], walk=[{}], egress={3: {0: 30}}, n_dest=1,
        walk_m={(1, 2): 50.0},
    )  # fmt: skip
    journeys, legs, label_journey = run_origin(case, 0, T0, 1, 3, 3600)
    j = label_journey[0, 0, 3]
    start, n = journeys[j, 2], journeys[j, 3]
    got = [tuple(int(x) for x in row) for row in legs[start : start + n]]
    assert got == [
        (ACCESS, -1, 0, -1, -1, -1, T0, T0 + 100),
        (RIDE, 0, 1, 0, 0, 1, T0 + 360, T0 + 660),
        (TRANSFER, 1, 2, -1, -1, -1, T0 + 660, T0 + 710),
        (RIDE, 2, 3, 1, 0, 1, T0 + 900, T0 + 1140),
        (EGRESS, 3, 0, -1, -1, -1, T0 + 1140, T0 + 1170),
    ]
    # With one ride the destination is not reached; the Pareto label of round 1 is empty.
    assert label_journey[0, 0, 1] == -1 and label_journey[0, 0, 2] == j


def test_fewer_rides_option_is_slower() -> None:
    """A direct slow bus (1 ride) and a faster change (2 rides): both Pareto options."""
    case = Case(
        3,
        [trip([0, 2], T0 + 120, [1800]), trip([0, 1], T0 + 120, [300]),
         trip([1, 2], T0 + 480, [300])],
        access=[{0: 0}], walk=[{}], egress={2: {0: 0}}, n_dest=1,
    )  # fmt: skip
    journeys, legs, label_journey = run_origin(case, 0, T0, 1, 2, 7200)
    one, two = label_journey[0, 0, 1], label_journey[0, 0, 2]
    assert journeys[one, 4] == T0 + 1920 and journeys[two, 4] == T0 + 780
    kinds = [int(k) for k in legs[journeys[two, 2] : journeys[two, 2] + journeys[two, 3], 0]]
    assert kinds == [ACCESS, RIDE, TRANSFER, RIDE, EGRESS]
