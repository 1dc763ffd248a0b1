"""Bounded searches for candidate sites: only the points a candidate can change.

Opening a candidate site changes a point's travel time to
``after = min(before, t_candidate)``. A point can only change when its trip to
the candidate takes at most ``max_time`` and less than ``before``, so a
candidate needs no evaluation of the whole region. Per candidate this module

1. bounds the time from every stop to the candidate from below (a Dijkstra
   on the stops: shortest rides, walking transfers, no waiting) and drops the
   connections from stops that cannot reach it within ``max_time``: they
   could only make profile entries longer than ``max_time``;
2. runs the backward profile search from the candidate over the remaining
   connections (:func:`~accessibility.routing.profile.profile_scan`,
   unchanged) and takes, per stop, the shortest profile entry
   ``D(s) = min(arrival - ready)``;
3. bounds every point from below, without evaluating a departure minute:
   ``LB(p) = min(walk-only time, min_s walk(p, s) + D(s))`` over the point's
   access stops (every percentile of the per-minute times is at least that);
4. evaluates exactly (:func:`~accessibility.routing.profile.evaluate_points`,
   the same kernel :func:`~accessibility.routing.nearest.times_to_nearest`
   uses) only the points with ``LB(p) <= max_time`` and ``LB(p) < before(p)``.

The result per candidate is a short list of points with their new times;
``after = fmin(before, candidate)`` is then identical to the unbounded search
(``tests/routing/test_bounded.py``), because every skipped point keeps
``before`` in both.

The shared arrays (connections, transfers, the points' access walks in both
directions, ``before``) form a :class:`BoundedContext`, built once and shipped
once to every Dask worker (:mod:`accessibility.routing.distributed`); a task
is one :class:`CandidateLegs` (the candidate's egress walks and walk-only
trips, computed on the street network by the caller).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp
from numba import njit

from accessibility.routing.nearest import _connections
from accessibility.routing.network import TransportNetwork
from accessibility.routing.profile import UNREACHABLE, evaluate_points, profile_scan
from accessibility.routing.raptor import BOARD_SLACK_SECONDS
from accessibility.routing.request import TravelRequest, nearest_rank_index
from accessibility.routing.street_legs import (
    PointLinks,
    transfer_legs,
    walk_only_metres,
    walk_seconds,
)


@dataclasses.dataclass(frozen=True)
class BoundedContext:
    """Everything a candidate evaluation shares: one request, one set of origins.

    Attributes
    ----------
    connections : tuple of numpy.ndarray
        ``dep, arr, from, to, trip`` of the request's window (latest first).
    n_stops, n_trips : int
    transfers : tuple of numpy.ndarray
        ``ptr, to, seconds, self_seconds`` (int64) of the walking transfers.
    departures : numpy.ndarray of int64
        Departure minutes of the window (seconds since midnight).
    access : tuple of numpy.ndarray
        Origins' access walks as CSR rows ``(ptr, stop, seconds)``.
    by_stop : tuple of numpy.ndarray
        The same walks by stop ``(ptr, point, seconds)`` (CSC).
    before_seconds : numpy.ndarray of int64, shape (n_points,)
        Current time per point in seconds (``UNREACHABLE``: none); a
        candidate can only change points it reaches faster.
    max_seconds, rank : int
        Longest trip and the index of the request's percentile among the
        sorted per-minute times.
    wait_at_origin : bool
    stop_graph : tuple of numpy.ndarray
        ``(ptr, from_stop, seconds)``: for each stop the stops that lead to it
        by one ride (the shortest ride of the window's connections) or one
        walking transfer; reversed CSR rows for :func:`_stop_lower_bounds`.
    """

    connections: tuple[np.ndarray, ...]
    n_stops: int
    n_trips: int
    transfers: tuple[np.ndarray, ...]
    departures: np.ndarray
    access: tuple[np.ndarray, ...]
    by_stop: tuple[np.ndarray, ...]
    before_seconds: np.ndarray
    max_seconds: int
    rank: int
    wait_at_origin: bool
    stop_graph: tuple[np.ndarray, ...] = ()

    @property
    def n_points(self) -> int:
        """Number of origins."""
        return len(self.before_seconds)


@dataclasses.dataclass(frozen=True)
class CandidateLegs:
    """The walking legs of one candidate (a task of the bounded search).

    Attributes
    ----------
    egress_stop, egress_seconds : numpy.ndarray
        Stops within the egress limit of the candidate and the walk (s).
    direct_point, direct_seconds : numpy.ndarray
        Origins within the walk-only limit and the walk (s).
    """

    egress_stop: np.ndarray
    egress_seconds: np.ndarray
    direct_point: np.ndarray
    direct_seconds: np.ndarray


@dataclasses.dataclass(frozen=True)
class CandidateTimes:
    """Per candidate, the points it reaches faster than before, as CSR rows.

    Attributes
    ----------
    ptr : numpy.ndarray of int64, shape (n_candidates + 1,)
    point : numpy.ndarray of int64
        Origin indices, ascending within a row.
    minutes : numpy.ndarray of float64
        Travel time from the point to the candidate (minutes, seconds
        precision), below ``before`` and within ``max_time``.
    n_points : int
    """

    ptr: np.ndarray
    point: np.ndarray
    minutes: np.ndarray
    n_points: int

    @property
    def n_candidates(self) -> int:
        """Number of candidates."""
        return len(self.ptr) - 1

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Points and minutes of candidate ``i``."""
        lo, hi = self.ptr[i], self.ptr[i + 1]
        return self.point[lo:hi], self.minutes[lo:hi]

    def after(self, before: np.ndarray, i: int) -> np.ndarray:
        """Times per point once candidate ``i`` opens: ``fmin(before, candidate)``."""
        out = np.array(before, dtype=np.float64, copy=True)
        points, minutes = self.row(i)
        out[points] = np.fmin(out[points], minutes)
        return out

    def dense(self) -> np.ndarray:
        """Array (n_candidates, n_points) of minutes, NaN where the candidate changes nothing."""
        out = np.full((self.n_candidates, self.n_points), np.nan)
        rows = np.repeat(np.arange(self.n_candidates), np.diff(self.ptr))
        out[rows, self.point] = self.minutes
        return out


def bounded_context(network: TransportNetwork, origins: PointLinks, request: TravelRequest,
                    before: np.ndarray | None = None) -> BoundedContext:
    """The shared arrays of the bounded candidate search.

    Parameters
    ----------
    network : TransportNetwork
    origins : PointLinks
        Population points from ``link_points(..., leg="access")``.
    request : TravelRequest
        One percentile (as :func:`~accessibility.routing.nearest.times_to_nearest`).
    before : numpy.ndarray, shape (n_points,), optional
        Current minutes per point (NaN: unreachable), e.g. to the nearest
        existing steunpunt. None: every point within ``max_time`` counts.
    """
    request.require_builtin_modes()
    max_s = request.max_time_seconds
    start = request.departure_seconds
    departures = start + 60 * np.arange(request.n_minutes, dtype=np.int64)
    timetable = network.timetable(request.date)
    conns = _connections(network, request, start, start + request.n_minutes * 60 + max_s)
    transfers = tuple(np.asarray(a, dtype=np.int64)
                      for a in transfer_legs(network, timetable, request.speed_walking))
    access = sp.csr_matrix((origins.stop_seconds, origins.stop_index, origins.stop_ptr),
                           shape=(origins.n_points, timetable.n_stops))
    by_stop = access.tocsc()
    by_stop.sort_indices()
    if before is None:
        before_s = np.full(origins.n_points, UNREACHABLE, dtype=np.int64)
    else:
        b = np.asarray(before, dtype=np.float64)
        if b.shape != (origins.n_points,):
            raise ValueError(f"before: {b.shape} times for {origins.n_points} points")
        before_s = np.where(np.isnan(b), UNREACHABLE, np.rint(np.nan_to_num(b) * 60.0)
                            ).astype(np.int64)
    return BoundedContext(
        stop_graph=_reverse_stop_graph(conns, transfers, timetable.n_stops),
        connections=tuple(np.ascontiguousarray(a) for a in conns),
        n_stops=timetable.n_stops, n_trips=timetable.n_trips, transfers=transfers,
        departures=departures,
        access=(origins.stop_ptr.astype(np.int64), origins.stop_index.astype(np.int32),
                origins.stop_seconds.astype(np.int64)),
        by_stop=(by_stop.indptr.astype(np.int64), by_stop.indices.astype(np.int64),
                 by_stop.data.astype(np.int64)),
        before_seconds=before_s, max_seconds=int(max_s),
        rank=nearest_rank_index(len(departures), request.percentile),
        wait_at_origin=bool(request.wait_at_origin),
    )  # fmt: skip


def _reverse_stop_graph(conns: tuple[np.ndarray, ...], transfers: tuple[np.ndarray, ...],
                        n_stops: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rides (shortest of the window per stop pair) and transfers, as CSR rows by target stop."""
    dep, arr, frm, to = conns[0], conns[1], conns[2], conns[3]
    t_ptr, t_to, t_sec = transfers[0], transfers[1], transfers[2]
    t_from = np.repeat(np.arange(n_stops, dtype=np.int64), np.diff(t_ptr))
    src = np.concatenate([frm.astype(np.int64), t_from])
    dst = np.concatenate([to.astype(np.int64), t_to.astype(np.int64)])
    sec = np.concatenate([(arr - dep).astype(np.int64), t_sec.astype(np.int64)])
    order = np.lexsort((sec, src, dst))
    src, dst, sec = src[order], dst[order], sec[order]
    first = np.ones(len(src), dtype=bool)
    first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    src, dst, sec = src[first], dst[first], sec[first]
    ptr = np.zeros(n_stops + 1, dtype=np.int64)
    np.cumsum(np.bincount(dst, minlength=n_stops), out=ptr[1:])
    return ptr, src, sec


@njit(cache=True)
def _stop_lower_bounds(ptr: np.ndarray, from_stop: np.ndarray, seconds: np.ndarray,
                       source: np.ndarray, source_seconds: np.ndarray, limit: int) -> np.ndarray:
    """Per stop, a lower bound of the time to the candidate (Dijkstra on the stop graph).

    Rides count their shortest in-vehicle time, waits count nothing, so no
    trip from a stop can be faster. UNREACHABLE beyond ``limit`` seconds.
    """
    n = len(ptr) - 1
    dist = np.full(n, UNREACHABLE, dtype=np.int64)
    heap_d = np.empty(len(from_stop) + len(source) + 1, dtype=np.int64)
    heap_s = np.empty(len(from_stop) + len(source) + 1, dtype=np.int64)
    size = 0
    for i in range(len(source)):
        s = source[i]
        if source_seconds[i] < dist[s] and source_seconds[i] <= limit:
            dist[s] = source_seconds[i]
            heap_d[size] = dist[s]
            heap_s[size] = s
            size += 1
            j = size - 1  # sift up
            while j > 0 and heap_d[(j - 1) // 2] > heap_d[j]:
                p = (j - 1) // 2
                heap_d[p], heap_d[j] = heap_d[j], heap_d[p]
                heap_s[p], heap_s[j] = heap_s[j], heap_s[p]
                j = p
    while size > 0:
        d = heap_d[0]
        v = heap_s[0]
        size -= 1
        heap_d[0] = heap_d[size]
        heap_s[0] = heap_s[size]
        j = 0  # sift down
        while True:
            c = 2 * j + 1
            if c >= size:
                break
            if c + 1 < size and heap_d[c + 1] < heap_d[c]:
                c += 1
            if heap_d[c] >= heap_d[j]:
                break
            heap_d[c], heap_d[j] = heap_d[j], heap_d[c]
            heap_s[c], heap_s[j] = heap_s[j], heap_s[c]
            j = c
        if d > dist[v]:
            continue
        for e in range(ptr[v], ptr[v + 1]):
            u = from_stop[e]
            nd = d + seconds[e]
            if nd < dist[u] and nd <= limit:
                dist[u] = nd
                heap_d[size] = nd
                heap_s[size] = u
                size += 1
                j = size - 1
                while j > 0 and heap_d[(j - 1) // 2] > heap_d[j]:
                    p = (j - 1) // 2
                    heap_d[p], heap_d[j] = heap_d[j], heap_d[p]
                    heap_s[p], heap_s[j] = heap_s[j], heap_s[p]
                    j = p
    return dist


def candidate_legs(network: TransportNetwork, origins: PointLinks, candidates: PointLinks,
                   request: TravelRequest) -> list[CandidateLegs]:
    """The egress walks and walk-only trips of every candidate (street searches, caller side).

    Candidates that could not be snapped get no legs (they reach nobody).
    """
    direct = walk_only_metres(network, origins, candidates, request.walk_only_limit_m).tocsc()
    direct.sort_indices()
    legs = []
    for j in range(candidates.n_points):
        lo, hi = candidates.stop_ptr[j], candidates.stop_ptr[j + 1]
        d_lo, d_hi = direct.indptr[j], direct.indptr[j + 1]
        ok = bool(candidates.snap.ok[j])
        legs.append(CandidateLegs(
            egress_stop=candidates.stop_index[lo:hi].astype(np.int64) if ok else np.empty(0, np.int64),
            egress_seconds=candidates.stop_seconds[lo:hi].astype(np.int64) if ok else np.empty(0, np.int64),
            direct_point=direct.indices[d_lo:d_hi].astype(np.int64) if ok else np.empty(0, np.int64),
            direct_seconds=(walk_seconds(direct.data[d_lo:d_hi], request.speed_walking).astype(np.int64)
                            if ok else np.empty(0, np.int64)),
        ))  # fmt: skip
    return legs


@njit(cache=True)
def _shortest_entry(prof_ptr: np.ndarray, prof_len: np.ndarray, entries: np.ndarray) -> np.ndarray:
    """Per stop, the shortest ``arrival - ready`` of its profile (UNREACHABLE if empty)."""
    n = len(prof_len)
    out = np.full(n, UNREACHABLE, dtype=np.int64)
    for s in range(n):
        base = prof_ptr[s]
        for i in range(prof_len[s]):
            d = entries[1, base + i] - entries[0, base + i]
            if d < out[s]:
                out[s] = d
    return out


@njit(cache=True)
def _points_to_evaluate(
    shortest: np.ndarray, by_ptr: np.ndarray, by_point: np.ndarray, by_seconds: np.ndarray,
    direct_point: np.ndarray, direct_seconds: np.ndarray, before_seconds: np.ndarray,
    max_seconds: int, lower: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Points whose lower bound is within ``max_seconds`` and below ``before``.

    ``lower`` is a work array of UNREACHABLE (n_points,), restored on return.
    Returns the points (ascending) and their walk-only seconds (UNREACHABLE if none).
    """
    n_stops = len(shortest)
    touched = np.empty(len(lower), dtype=np.int64)
    n_touched = 0
    for s in range(n_stops):
        d = shortest[s]
        if d > max_seconds:
            continue
        for j in range(by_ptr[s], by_ptr[s + 1]):
            v = by_seconds[j] + d
            p = by_point[j]
            if v < lower[p]:
                if lower[p] == UNREACHABLE:
                    touched[n_touched] = p
                    n_touched += 1
                lower[p] = v
    for j in range(len(direct_point)):
        p = direct_point[j]
        v = direct_seconds[j]
        if v < lower[p]:
            if lower[p] == UNREACHABLE:
                touched[n_touched] = p
                n_touched += 1
            lower[p] = v
    keep = np.empty(n_touched, dtype=np.int64)
    n_keep = 0
    for i in range(n_touched):
        p = touched[i]
        if lower[p] <= max_seconds and lower[p] < before_seconds[p]:
            keep[n_keep] = p
            n_keep += 1
        lower[p] = UNREACHABLE
    points = np.sort(keep[:n_keep])
    direct = np.full(len(points), UNREACHABLE, dtype=np.int64)
    # walk-only seconds of the kept points (direct_point is ascending)
    k = 0
    for i in range(len(points)):
        while k < len(direct_point) and direct_point[k] < points[i]:
            k += 1
        if k < len(direct_point) and direct_point[k] == points[i]:
            direct[i] = direct_seconds[k]
    return points, direct


@njit(cache=True)
def _rows(ptr: np.ndarray, col: np.ndarray, val: np.ndarray, rows: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The CSR rows ``rows`` of ``(ptr, col, val)``, in that order."""
    out_ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    for i in range(len(rows)):
        out_ptr[i + 1] = out_ptr[i] + ptr[rows[i] + 1] - ptr[rows[i]]
    out_col = np.empty(out_ptr[-1], dtype=col.dtype)
    out_val = np.empty(out_ptr[-1], dtype=val.dtype)
    for i in range(len(rows)):
        lo = ptr[rows[i]]
        n = ptr[rows[i] + 1] - lo
        out_col[out_ptr[i]:out_ptr[i] + n] = col[lo:lo + n]
        out_val[out_ptr[i]:out_ptr[i] + n] = val[lo:lo + n]
    return out_ptr, out_col, out_val


def evaluate_candidate(ctx: BoundedContext, legs: CandidateLegs) -> tuple[np.ndarray, np.ndarray]:
    """Points one candidate reaches faster than before, and their minutes.

    Returns
    -------
    points : numpy.ndarray of int64
        Ascending origin indices.
    minutes : numpy.ndarray of float64
        Travel time to the candidate (the request's percentile), each
        ``< before`` and ``<= max_time``.
    """
    egress = np.full(ctx.n_stops, UNREACHABLE, dtype=np.int64)
    np.minimum.at(egress, legs.egress_stop, legs.egress_seconds)
    # Connections from stops that cannot reach the candidate within max_time
    # (less the board slack) only make profile entries no point can use.
    lower = _stop_lower_bounds(*ctx.stop_graph, np.asarray(legs.egress_stop, dtype=np.int64),
                               np.asarray(legs.egress_seconds, dtype=np.int64),
                               ctx.max_seconds - BOARD_SLACK_SECONDS)
    useful = lower[ctx.connections[2]] < UNREACHABLE
    connections = tuple(a[useful] for a in ctx.connections)
    prof_ptr, prof_len, entries = profile_scan(
        *connections, ctx.n_stops, ctx.n_trips, egress, *ctx.transfers, BOARD_SLACK_SECONDS)
    shortest = _shortest_entry(prof_ptr, prof_len, entries)
    lower = np.full(ctx.n_points, UNREACHABLE, dtype=np.int64)
    points, direct = _points_to_evaluate(
        shortest, *ctx.by_stop, np.asarray(legs.direct_point, dtype=np.int64),
        np.asarray(legs.direct_seconds, dtype=np.int64), ctx.before_seconds, ctx.max_seconds,
        lower)
    if len(points) == 0:
        return points, np.empty(0)
    ptr, stop, seconds = _rows(*ctx.access, points)
    per_minute = evaluate_points(ptr, stop, seconds, direct, ctx.departures, prof_ptr, prof_len,
                                 entries, ctx.max_seconds, ctx.wait_at_origin)
    per_minute.sort(axis=1)
    chosen = per_minute[:, ctx.rank]
    better = (chosen < UNREACHABLE) & (chosen < ctx.before_seconds[points])
    return points[better], chosen[better] / 60.0


def evaluate_candidates(ctx: BoundedContext, legs: Sequence[CandidateLegs]
                        ) -> list[tuple[np.ndarray, np.ndarray]]:
    """:func:`evaluate_candidate` for several candidates (one Dask task)."""
    return [evaluate_candidate(ctx, one) for one in legs]


def collect(rows: Sequence[tuple[np.ndarray, np.ndarray]], n_points: int) -> CandidateTimes:
    """Per-candidate ``(points, minutes)`` results as one :class:`CandidateTimes`."""
    sizes = np.array([len(p) for p, _ in rows], dtype=np.int64)
    ptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    point = np.concatenate([p for p, _ in rows]) if rows else np.empty(0, np.int64)
    minutes = np.concatenate([m for _, m in rows]) if rows else np.empty(0)
    return CandidateTimes(ptr, point.astype(np.int64), minutes.astype(np.float64), n_points)


MapFunction = Callable[[Callable, BoundedContext, list[list[CandidateLegs]]], list]
"""``map(function, shared, chunks)``: ``[function(shared, chunk) for chunk in chunks]``."""


def bounded_candidate_times(
    network: TransportNetwork,
    origins: PointLinks,
    candidates: PointLinks,
    request: TravelRequest,
    before: np.ndarray | None = None,
    *,
    chunk_size: int = 16,
    map_chunks: MapFunction | None = None,
) -> CandidateTimes:
    """Travel times from the points to each candidate, where the candidate changes them.

    Parameters
    ----------
    network : TransportNetwork
    origins : PointLinks
        Population points (``leg="access"``).
    candidates : PointLinks
        Candidate sites (``leg="egress"``); one group each.
    request : TravelRequest
    before : numpy.ndarray, optional
        Current minutes per point (NaN: unreachable); points the candidate
        does not reach faster are left out. None: all points within ``max_time``.
    chunk_size : int
        Candidates per task.
    map_chunks : callable, optional
        Runs the tasks, e.g. :meth:`accessibility.routing.distributed.Runner.map`
        on a Dask cluster; default: in this process, one after the other.

    Returns
    -------
    CandidateTimes
        ``CandidateTimes.after(before, i)`` equals ``fmin(before, t_i)`` of the
        unbounded :func:`~accessibility.routing.nearest.times_to_nearest`.
    """
    ctx = bounded_context(network, origins, request, before)
    legs = candidate_legs(network, origins, candidates, request)
    chunks = [legs[i:i + chunk_size] for i in range(0, len(legs), chunk_size)]
    if map_chunks is None:
        results = [evaluate_candidates(ctx, chunk) for chunk in chunks]
    else:
        results = map_chunks(evaluate_candidates, ctx, chunks)
    return collect([row for part in results for row in part], origins.n_points)
