"""The backward profile search against a forward earliest-arrival reference."""

from __future__ import annotations

import numpy as np
import pytest
from engine_cases import as_int, random_case
from reference_router import make_timetable

from accessibility.routing.profile import (
    UNREACHABLE,
    evaluate_points,
    profile_scan,
    timetable_connections,
)

SLACK = 60


def csr(rows: list[dict[int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    cols: list[int] = []
    vals: list[int] = []
    for i, row in enumerate(rows):
        for c, v in sorted(row.items()):
            cols.append(c)
            vals.append(v)
        ptr[i + 1] = len(cols)
    return ptr, np.array(cols, dtype=np.int32), np.array(vals, dtype=np.int64)


def forward_reference(trips, n_stops, access, direct, egress, transfers, t0, self_transfer=None) -> int:
    """Earliest arrival at any target departing at t0 (forward connection scan)."""
    conns = []
    for trip_index, (stops, arr, dep) in enumerate(trips):
        for i in range(len(stops) - 1):
            conns.append((dep[i], i, arr[i + 1], stops[i], stops[i + 1], trip_index))
    conns.sort()
    self_transfer = self_transfer if self_transfer is not None else [0] * n_stops
    ready = [UNREACHABLE] * n_stops
    for s, w in access.items():
        ready[s] = min(ready[s], t0 + w)
    on_trip = set()
    best = t0 + direct if direct < UNREACHABLE else UNREACHABLE
    for dep, _, arr, u, v, trip in conns:
        if trip not in on_trip and ready[u] <= dep - SLACK:
            on_trip.add(trip)
        if trip in on_trip:
            if egress[v] < UNREACHABLE:
                best = min(best, arr + egress[v])
            ready[v] = min(ready[v], arr + self_transfer[v])
            for w, secs in transfers[v].items():
                ready[w] = min(ready[w], arr + secs)
    return best


def random_instance(rng: np.random.Generator):
    n_stops = int(rng.integers(3, 9))
    trips = []
    for _ in range(int(rng.integers(1, 12))):
        k = int(rng.integers(2, min(n_stops, 5) + 1))
        stops = [int(s) for s in rng.choice(n_stops, size=k, replace=False)]
        t = int(rng.integers(0, 40)) * 60
        arr, dep = [], []
        for _ in stops:
            arr.append(t)
            t += int(rng.integers(0, 3)) * 60  # dwell
            dep.append(t)
            t += int(rng.integers(1, 10)) * 60
        trips.append((stops, arr, dep))
    transfers = [dict() for _ in range(n_stops)]
    for _ in range(int(rng.integers(0, 2 * n_stops))):
        a, b = (int(x) for x in rng.choice(n_stops, size=2, replace=False))
        secs = int(rng.integers(1, 8)) * 60
        transfers[a][b] = secs
        transfers[b][a] = secs
    egress = np.full(n_stops, UNREACHABLE, dtype=np.int64)
    for s in rng.choice(n_stops, size=int(rng.integers(1, 3)), replace=False):
        egress[s] = int(rng.integers(0, 6)) * 60
    self_transfer = [int(rng.integers(0, 4)) * 60 if rng.random() < 0.3 else 0 for _ in range(n_stops)]
    n_points = 3
    access = []
    direct = []
    for _ in range(n_points):
        chosen = rng.choice(n_stops, size=int(rng.integers(0, 3)), replace=False)
        access.append({int(s): int(rng.integers(0, 8)) * 60 for s in chosen})
        direct.append(int(rng.integers(20, 90)) * 60 if rng.random() < 0.5 else UNREACHABLE)
    return n_stops, trips, transfers, egress, access, direct, self_transfer


def run_profile(n_stops, trips, transfers, egress, access, direct, departures, wait=True, max_s=10**6,
                self_transfer=None):
    if self_transfer is None:
        self_transfer = np.zeros(n_stops, dtype=np.int64)
    timetable = make_timetable(n_stops, trips)
    conns = timetable_connections(timetable, 0, 10**6)
    tr_ptr, tr_to, tr_sec = csr(transfers)
    prof_ptr, prof_len, entries = profile_scan(
        *conns, n_stops, timetable.n_trips, egress, tr_ptr, tr_to, tr_sec,
        np.asarray(self_transfer, dtype=np.int64), SLACK
    )
    acc_ptr, acc_stop, acc_sec = csr(access)
    return evaluate_points(
        acc_ptr, acc_stop, acc_sec, np.array(direct, dtype=np.int64),
        np.asarray(departures, dtype=np.int64), prof_ptr, prof_len, entries, max_s, wait,
    )


@pytest.mark.parametrize("seed", range(300))
def test_profile_matches_forward_reference(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_stops, trips, transfers, egress, access, direct, self_transfer = random_instance(rng)
    departures = np.arange(0, 45 * 60, 60)
    got = run_profile(n_stops, trips, transfers, egress, access, direct, departures,
                      self_transfer=self_transfer)
    for p in range(len(access)):
        for m, t0 in enumerate(departures):
            want = forward_reference(trips, n_stops, access[p], direct[p], egress, transfers, int(t0),
                                     self_transfer)
            want_tt = UNREACHABLE if want >= UNREACHABLE else want - t0
            assert got[p, m] == want_tt, (p, m)


@pytest.mark.parametrize("seed", range(6))
def test_profile_with_boarding_and_transfer_rules_matches_reference_router(seed: int) -> None:
    """The brute-force reference of tests/reference_router.py (time-expanded Dijkstra, rides
    unlimited), on random networks with pickup / drop-off flags and forbidden transfers:
    identical times to the nearest destination for every origin and minute."""
    rng = np.random.default_rng(7000 + seed)
    compared = restricted = 0
    for _ in range(50):
        dep_start = 8 * 3600
        n_minutes = int(rng.integers(1, 16))
        case = random_case(rng, dep_start, n_minutes, rules=True)
        max_time = int(rng.integers(1200, 5400))
        wait = bool(rng.random() < 0.7)
        got = case.profile(dep_start, n_minutes, max_time, wait)
        for o in range(len(case.access)):
            want = as_int(case.reference_nearest(o, dep_start, n_minutes, max_time, wait),
                          int(UNREACHABLE))  # fmt: skip
            np.testing.assert_array_equal(got[o], want, err_msg=f"seed {seed} origin {o}")
            compared += want.size
        restricted += int((~case.timetable.pattern_pickup).any() or len(case.forbidden) > 0)
    assert compared > 400 and restricted > 30


def test_transfer_and_board_slack_exact() -> None:
    # Trip A: stop 0 (dep 10:00) -> stop 1 (arr 10:10). Trip B: stop 2 (dep 10:13) -> stop 3 (arr 10:30).
    # Walking transfer 1 -> 2 takes 2 min; with 60 s board slack, 10:10 + 2 min + 1 min = 10:13: just in time.
    h = 3600
    trips = [([0, 1], [10 * h, 10 * h + 600], [10 * h, 10 * h + 600]),
             ([2, 3], [10 * h + 780, 10 * h + 1800], [10 * h + 780, 10 * h + 1800])]
    egress = np.array([UNREACHABLE, UNREACHABLE, UNREACHABLE, 120], dtype=np.int64)
    transfers = [{}, {2: 120}, {1: 120}, {}]
    departures = [10 * h - 300, 10 * h - 180]  # 09:55 and 09:57, access walk 3 min
    got = run_profile(4, trips, transfers, egress, [{0: 180}], [UNREACHABLE], departures)
    # 09:55 + 3 min = 09:58, ready by 09:59 for the 10:00 departure; arrive 10:30 + 2 min walk.
    assert got[0, 0] == (10 * h + 1920) - (10 * h - 300)
    # 09:57 + 3 min = 10:00 misses the 60 s board slack: unreachable.
    assert got[0, 1] == UNREACHABLE
    # One second less of transfer slack breaks the connection.
    got = run_profile(4, trips, [{}, {2: 121}, {1: 121}, {}], egress, [{0: 180}], [UNREACHABLE], departures)
    assert got[0, 0] == UNREACHABLE


def test_planned_departure_counts_from_latest_useful_minute() -> None:
    h = 3600
    trips = [([0, 1], [10 * h, 10 * h + 600], [10 * h, 10 * h + 600])]
    egress = np.array([UNREACHABLE, 0], dtype=np.int64)
    departures = np.arange(9 * h + 50 * 60, 9 * h + 59 * 60, 60)  # 09:50 .. 09:58
    waiting = run_profile(2, trips, [{}, {}], egress, [{0: 0}], [UNREACHABLE], departures)
    planned = run_profile(2, trips, [{}, {}], egress, [{0: 0}], [UNREACHABLE], departures, wait=False)
    # Leaving at 09:50 with waiting counts 20 minutes; timed to the timetable the
    # traveller leaves at 09:58 (the latest minute that still makes 10:00): 12 minutes.
    assert waiting[0, 0] == 20 * 60
    assert list(planned[0, :-1]) == [12 * 60] * 8
    # 09:58 + 60 s slack = 09:59 <= 10:00, so 09:58 itself still makes it.
    assert planned[0, -1] == 12 * 60 and waiting[0, -1] == 12 * 60


def test_max_time_makes_long_trips_unreachable() -> None:
    trips = [([0, 1], [3600, 7200], [3600, 7200])]
    egress = np.array([UNREACHABLE, 0], dtype=np.int64)
    got = run_profile(2, trips, [{}, {}], egress, [{0: 0}], [UNREACHABLE], [3000], max_s=4200)
    assert got[0, 0] == 4200
    got = run_profile(2, trips, [{}, {}], egress, [{0: 0}], [UNREACHABLE], [3000], max_s=4199)
    assert got[0, 0] == UNREACHABLE
