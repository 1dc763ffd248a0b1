"""Small networks in the form both engines and the brute-force reference take.

A :class:`Case` holds trips (optionally with pickup / drop-off flags), walking
legs and ``transfers.txt`` rules; it runs the RAPTOR kernel
(:meth:`Case.raptor`, per destination), the backward profile search
(:meth:`Case.profile`, to the nearest destination) and the time-expanded
Dijkstra of ``tests/reference_router.py`` for each. :func:`random_case` draws
random ones.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from reference_router import make_timetable, nearest_travel_times, transfer_table, travel_times

from accessibility.routing import raptor
from accessibility.routing.profile import (
    UNREACHABLE,
    evaluate_points,
    profile_scan,
    timetable_connections,
)
from accessibility.routing.street_legs import combine_transfers, csr_seconds
from accessibility.routing.transit import kernel_network

SPEED = 3.6  # km/h, 1 m/s: metres == seconds
SLACK = 60


def csr(rows: list[dict[int, int]], n_cols: int) -> sp.csr_array:
    """CSR from one {column: value} dict per row, keeping explicit zeros."""
    ptr = np.cumsum([0] + [len(r) for r in rows])
    cols = np.array([c for r in rows for c in sorted(r)], dtype=np.int32)
    vals = np.array([r[c] for r in rows for c in sorted(r)], dtype=np.int64)
    return sp.csr_array((vals, cols, ptr), shape=(len(rows), n_cols))


class Case:
    """A small network with walking legs, in the form both routers take."""

    def __init__(self, n_stops, trips, *, access, walk, egress, n_dest,
                 walk_m=None, min_transfer_s=None, forbidden=frozenset()):  # fmt: skip
        self.n_stops = n_stops
        self.trips = trips
        self.access = access  # per origin {stop: s}
        self.walk = walk  # per origin {dest: s}
        self.egress = egress  # {stop: {dest: s}}
        self.n_dest = n_dest
        self.walk_m = walk_m or {}
        self.min_transfer_s = min_transfer_s or {}
        self.forbidden = set(forbidden)  # transfers.txt type 3 pairs
        self.timetable = make_timetable(n_stops, trips, self.min_transfer_s, self.forbidden)

    def transfers(self):
        rows = [{b: m for (a, b), m in self.walk_m.items() if a == s} for s in range(self.n_stops)]
        walk_csr = csr(rows, self.n_stops)
        return combine_transfers(
            self.n_stops, walk_csr.indptr, walk_csr.indices, walk_csr.data.astype(float),
            SPEED, self.timetable,
        )  # fmt: skip

    def kernel_inputs(self):
        net = kernel_network(self.timetable, self.transfers())
        access = csr_seconds(csr(self.access, self.n_stops))
        walk = csr_seconds(csr(self.walk, self.n_dest))
        egress_rows = [self.egress.get(s, {}) for s in range(self.n_stops)]
        egress = csr_seconds(csr(egress_rows, self.n_dest))
        return net, access, walk, egress

    def raptor(self, dep_start, n_minutes, max_rides, max_time, wait_at_origin=True):
        """RAPTOR travel times, shape (n_origins, n_dest, n_minutes), seconds."""
        net, access, walk, egress = self.kernel_inputs()
        params = (dep_start, n_minutes, max_rides, max_time, SLACK, wait_at_origin)
        return raptor.travel_times_per_minute(net, access, walk, egress, self.n_dest, params)

    def profile(self, dep_start, n_minutes, max_time, wait_at_origin=True):
        """Profile-search times to the nearest destination, shape (n_origins, n_minutes)."""
        ptr, to, sec, self_sec = (np.asarray(a, dtype=np.int64) for a in self.transfers())
        egress = np.full(self.n_stops, UNREACHABLE, dtype=np.int64)
        for s, row in self.egress.items():
            egress[s] = min(row.values())
        conns = timetable_connections(self.timetable, -(10**9), 10**9)
        prof_ptr, prof_len, entries = profile_scan(
            *conns, self.n_stops, self.timetable.n_trips, egress, ptr, to, sec, self_sec, SLACK)
        acc_ptr, acc_stop, acc_sec = csr_seconds(csr(self.access, self.n_stops))
        direct = np.array([min(w.values(), default=UNREACHABLE) for w in self.walk], dtype=np.int64)
        departures = dep_start + 60 * np.arange(n_minutes, dtype=np.int64)
        return evaluate_points(
            acc_ptr, acc_stop, acc_sec.astype(np.int64), direct, departures,
            prof_ptr, prof_len, entries, max_time, wait_at_origin,
        )  # fmt: skip

    def _reference_transfers(self):
        return transfer_table(self.n_stops, self.walk_m, self.min_transfer_s, SPEED,
                              self.forbidden)  # fmt: skip

    def reference(self, origin, dep_start, n_minutes, max_rides, max_time, wait_at_origin=True):
        """Reference times per destination and minute (RAPTOR's rule)."""
        return travel_times(
            self.trips, self.access[origin], self.walk[origin], self.egress,
            self._reference_transfers(), self.n_dest, dep_start, n_minutes, max_rides, max_time,
            wait_at_origin,
        )  # fmt: skip

    def reference_nearest(self, origin, dep_start, n_minutes, max_time, wait_at_origin=True):
        """Reference times to the nearest destination per minute (the profile search's rule)."""
        return nearest_travel_times(
            self.trips, self.access[origin], self.walk[origin], self.egress,
            self._reference_transfers(), dep_start, n_minutes, max_time, wait_at_origin,
        )  # fmt: skip


def as_int(ref: list, unreached: int = int(raptor.UNREACHED)) -> np.ndarray:
    """Reference times (``inf`` when unreached) as an int array holding ``unreached`` there."""
    times = np.array(ref, dtype=np.float64)
    return np.where(np.isinf(times), unreached, times).astype(np.int64)


def trip(stops, start, hops, dwell=0, pickup=None, drop_off=None):
    """A trip leaving ``stops[0]`` at ``start`` with hop times ``hops`` and equal dwell.

    ``pickup`` / ``drop_off``: stops (by position) where boarding / alighting
    is forbidden.
    """
    arr, dep = [start], [start]
    for h in hops:
        arr.append(dep[-1] + h)
        dep.append(arr[-1] + dwell)
    if pickup is None and drop_off is None:
        return (list(stops), arr, dep)
    can_board = [i not in (pickup or ()) for i in range(len(stops))]
    can_alight = [i not in (drop_off or ()) for i in range(len(stops))]
    return (list(stops), arr, dep, can_board, can_alight)


def random_case(rng: np.random.Generator, dep_start: int, n_minutes: int,
                rules: bool = False) -> Case:  # fmt: skip
    """A random network; with ``rules`` also random pickup / drop-off flags and type 3 pairs.

    Without ``rules`` it draws exactly the numbers it drew before rules existed,
    so seeded tests keep their networks.
    """
    n_stops = int(rng.integers(3, 10))
    trips = []
    for _line in range(int(rng.integers(1, 6))):
        size = int(rng.integers(2, min(6, n_stops) + 1))
        stops = [int(s) for s in rng.choice(n_stops, size=size, replace=False)]
        if rng.random() < 0.15:
            stops.append(stops[0])  # a loop line visits a stop twice
        line_flags = _random_flags(rng, len(stops)) if rules else None
        for _ in range(int(rng.integers(1, 7))):
            start = dep_start + int(rng.integers(-900, 60 * n_minutes + 1800))
            hops = [int(h) for h in rng.integers(30, 600, size=len(stops) - 1)]
            arr, dep = [start], [start]
            for h in hops:
                arr.append(dep[-1] + h)
                dep.append(arr[-1] + int(rng.integers(0, 3)) * 30)
            if line_flags is None:
                trips.append((stops, arr, dep))
            else:
                # Most trips of a line share its rules; some have their own.
                flags = _random_flags(rng, len(stops)) if rng.random() < 0.3 else line_flags
                trips.append((stops, arr, dep, *flags))
    n_dest = int(rng.integers(1, 6))
    n_orig = 2
    access = [
        {int(s): int(rng.integers(0, 600)) for s in rng.choice(n_stops, size=int(rng.integers(0, 4)))}
        for _ in range(n_orig)
    ]
    walk = [
        {int(d): int(rng.integers(0, 4000)) for d in rng.choice(n_dest, size=int(rng.integers(0, 3)))}
        for _ in range(n_orig)
    ]
    egress = {
        int(s): {int(d): int(rng.integers(0, 900)) for d in rng.choice(n_dest, size=int(rng.integers(1, 3)))}
        for s in rng.choice(n_stops, size=int(rng.integers(1, n_stops + 1)))
    }
    walk_m = {}
    for _ in range(int(rng.integers(0, 2 * n_stops))):
        a, b = (int(x) for x in rng.choice(n_stops, size=2, replace=False))
        walk_m[(a, b)] = float(rng.integers(0, 900)) + 0.25
    min_transfer = {}
    for _ in range(int(rng.integers(0, 4))):
        a, b = int(rng.integers(n_stops)), int(rng.integers(n_stops))
        min_transfer[(a, b)] = int(rng.integers(0, 400))
    forbidden = set()
    if rules:
        # Forbid some walks, some transfers.txt links and some same-stop changes.
        candidates = sorted(set(walk_m) | set(min_transfer)) + [(s, s) for s in range(n_stops)]
        for i in rng.choice(len(candidates), size=min(len(candidates), int(rng.integers(0, 5))),
                            replace=False):  # fmt: skip
            forbidden.add(candidates[int(i)])
        for pair in forbidden:
            min_transfer.pop(pair, None)  # the reader keeps one rule per pair
    return Case(n_stops, trips, access=access, walk=walk, egress=egress, n_dest=n_dest,
                walk_m=walk_m, min_transfer_s=min_transfer, forbidden=forbidden)  # fmt: skip


def _random_flags(rng: np.random.Generator, n: int) -> tuple[list[bool], list[bool]]:
    """Random pickup / drop-off flags; as in gtfs-nl the first stop often has no drop-off
    and the last no pickup."""
    pickup = [bool(rng.random() > 0.25) for _ in range(n)]
    drop_off = [bool(rng.random() > 0.25) for _ in range(n)]
    if rng.random() < 0.5:
        drop_off[0] = False
        pickup[-1] = False
    return pickup, drop_off
