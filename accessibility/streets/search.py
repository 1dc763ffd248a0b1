"""Walking distances along the streets: bounded Dijkstra searches in numba.

Distances are exact network distances: the straight-line offset from a point
to its snapped location on the nearest street segment, plus the distance along
that segment to one of its end nodes, plus the shortest-path distance through
the graph.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from accessibility.errors import InputError
from accessibility.progress import progress_bar
from accessibility.streets.graph import StreetNetwork
from accessibility.streets.snapping import SnapResult

if TYPE_CHECKING:
    import scipy.sparse

logger = logging.getLogger(__name__)

PROGRESS_MIN_POINTS = 20_000
"""Searches from at least this many points show a progress bar (when bars are on)."""

CHUNK_POINTS = 10_000
"""Points per task of the thread pool, so that a bar moves (at least 4 tasks per thread)."""



@njit(nogil=True, cache=True)
def _heap_push(heap_d, heap_n, size, d, node):  # pragma: no cover - numba
    i = size
    heap_d[i] = d
    heap_n[i] = node
    while i > 0:
        parent = (i - 1) >> 1
        if heap_d[parent] <= d:
            break
        heap_d[i] = heap_d[parent]
        heap_n[i] = heap_n[parent]
        i = parent
    heap_d[i] = d
    heap_n[i] = node
    return size + 1


@njit(nogil=True, cache=True)
def _heap_pop(heap_d, heap_n, size):  # pragma: no cover - numba
    """Remove the root; the caller reads heap_d[0] / heap_n[0] before calling."""
    size -= 1
    d = heap_d[size]
    node = heap_n[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and heap_d[child + 1] < heap_d[child]:
            child += 1
        if heap_d[child] >= d:
            break
        heap_d[i] = heap_d[child]
        heap_n[i] = heap_n[child]
        i = child
    if size > 0:
        heap_d[i] = d
        heap_n[i] = node
    return size


@njit(nogil=True, cache=True)
def _bounded_dijkstra(
    indptr, indices, weights, s0, d0, s1, d1, limit, dist, touched, heap_d, heap_n
):  # pragma: no cover - numba
    """Two-source Dijkstra up to ``limit``; returns the number of reached nodes.

    ``dist`` must be +inf everywhere on entry. On return ``touched[:k]`` holds
    the reached nodes (final distance <= limit in ``dist``); the caller resets them.
    """
    k = 0
    size = 0
    if d0 <= limit:
        dist[s0] = d0
        touched[k] = s0
        k += 1
        size = _heap_push(heap_d, heap_n, size, d0, s0)
    if d1 <= limit:
        if dist[s1] == np.inf:
            touched[k] = s1
            k += 1
        if d1 < dist[s1]:
            dist[s1] = d1
            size = _heap_push(heap_d, heap_n, size, d1, s1)
    while size > 0:
        d = heap_d[0]
        u = heap_n[0]
        size = _heap_pop(heap_d, heap_n, size)
        if d > dist[u]:
            continue
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            nd = d + weights[e]
            if nd <= limit and nd < dist[v]:
                if dist[v] == np.inf:
                    touched[k] = v
                    k += 1
                dist[v] = nd
                size = _heap_push(heap_d, heap_n, size, nd, v)
    return k


@njit(nogil=True, cache=True)
def _grow(cols, vals, used, needed):  # pragma: no cover - numba
    """Copies of the CSR output buffers with room for ``needed`` entries (capacity doubles)."""
    cap = len(cols)
    while cap < needed:
        cap *= 2
    new_cols = np.empty(cap, dtype=np.int32)
    new_vals = np.empty(cap, dtype=np.float64)
    new_cols[:used] = cols[:used]
    new_vals[:used] = vals[:used]
    return new_cols, new_vals


@njit(nogil=True, cache=True)
def _point_to_node_batch(
    indptr, indices, weights, node_a, node_b, init_a, init_b, limit
):  # pragma: no cover - numba
    """Reached nodes and distances for each point: (counts, cols, vals), rows sorted by node."""
    n = len(indptr) - 1
    m = len(node_a)
    dist = np.full(n, np.inf)
    touched = np.empty(n, dtype=np.int32)
    heap_d = np.empty(len(indices) + 2, dtype=np.float64)
    heap_n = np.empty(len(indices) + 2, dtype=np.int32)
    counts = np.zeros(m, dtype=np.int64)
    cap = max(1024, 64 * m)
    cols = np.empty(cap, dtype=np.int32)
    vals = np.empty(cap, dtype=np.float64)
    pos = 0
    for p in range(m):
        k = _bounded_dijkstra(
            indptr, indices, weights, node_a[p], init_a[p], node_b[p], init_b[p], limit,
            dist, touched, heap_d, heap_n,
        )
        if pos + k > len(cols):
            cols, vals = _grow(cols, vals, pos, pos + k)
        reached = np.sort(touched[:k])
        for i in range(k):
            node = reached[i]
            cols[pos + i] = node
            vals[pos + i] = dist[node]
            dist[node] = np.inf
        counts[p] = k
        pos += k
    return counts, cols[:pos].copy(), vals[:pos].copy()


@njit(nogil=True, cache=True)
def _point_to_point_batch(
    indptr, indices, weights, node_a, node_b, dist_a, dist_b, offset,
    tgt_ptr, tgt_idx, tgt_along, to_a, to_b, to_offset, limit,
):  # pragma: no cover - numba
    """Distances from each source point to the target points within ``limit``.

    Targets are indexed by node: ``tgt_idx[tgt_ptr[k]:tgt_ptr[k+1]]`` are the
    targets on a segment ending in node ``k`` and ``tgt_along`` their distance
    along that segment from ``k``.
    """
    n = len(indptr) - 1
    m = len(node_a)
    n_to = len(to_a)
    dist = np.full(n, np.inf)
    touched = np.empty(n, dtype=np.int32)
    heap_d = np.empty(len(indices) + 2, dtype=np.float64)
    heap_n = np.empty(len(indices) + 2, dtype=np.int32)
    best = np.full(n_to, np.inf)
    hit = np.empty(n_to, dtype=np.int32)
    counts = np.zeros(m, dtype=np.int64)
    cap = max(1024, 16 * m)
    cols = np.empty(cap, dtype=np.int32)
    vals = np.empty(cap, dtype=np.float64)
    pos = 0
    for p in range(m):
        a = node_a[p]
        b = node_b[p]
        k = _bounded_dijkstra(
            indptr, indices, weights, a, offset[p] + dist_a[p], b, offset[p] + dist_b[p],
            limit, dist, touched, heap_d, heap_n,
        )
        h = 0
        for i in range(k):
            node = touched[i]
            dn = dist[node]
            for t in range(tgt_ptr[node], tgt_ptr[node + 1]):
                j = tgt_idx[t]
                c = dn + tgt_along[t] + to_offset[j]
                if c < best[j]:
                    if best[j] == np.inf:
                        hit[h] = j
                        h += 1
                    best[j] = c
            dist[node] = np.inf
        # Targets on the same segment: walk along it directly.
        for t in range(tgt_ptr[a], tgt_ptr[a + 1]):
            j = tgt_idx[t]
            other = to_b[j] if to_a[j] == a else to_a[j]
            if other == b:
                c = offset[p] + abs(dist_a[p] - tgt_along[t]) + to_offset[j]
                if c < best[j]:
                    if best[j] == np.inf:
                        hit[h] = j
                        h += 1
                    best[j] = c
        if pos + h > len(cols):
            cols, vals = _grow(cols, vals, pos, pos + h)
        found = np.sort(hit[:h])
        c_out = 0
        for i in range(h):
            j = found[i]
            if best[j] <= limit:
                cols[pos + c_out] = j
                vals[pos + c_out] = best[j]
                c_out += 1
            best[j] = np.inf
        counts[p] = c_out
        pos += c_out
    return counts, cols[:pos].copy(), vals[:pos].copy()


def _n_threads() -> int:
    """Worker threads for the distance kernels (numba's thread setting, at most the CPUs)."""
    import numba

    return max(1, min(numba.config.NUMBA_NUM_THREADS, os.cpu_count() or 1))


def _run_batched(
    kernel: Callable[..., tuple[np.ndarray, np.ndarray, np.ndarray]],
    n_points: int,
    n_cols: int,
    args_for: Callable[[int, int], tuple],
) -> scipy.sparse.csr_matrix:
    """Run ``kernel`` over point chunks in threads (it releases the GIL); assemble a CSR matrix."""
    from scipy.sparse import csr_matrix

    n_threads = _n_threads()
    n_chunks = min(n_points, max(4 * n_threads, n_points // CHUNK_POINTS)) if n_points else 0
    bounds = np.linspace(0, n_points, n_chunks + 1).astype(np.int64)
    chunks = [(int(bounds[i]), int(bounds[i + 1])) for i in range(n_chunks)]
    # a bar only for searches that take a while (tens of thousands of points)
    big = n_points >= PROGRESS_MIN_POINTS
    bar = (progress_bar("straatnetwerk doorzoeken / street searches", n_points) if big
           else nullcontext(lambda units=1: None))
    with bar as advance:
        def run(chunk: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            part = kernel(*args_for(*chunk))
            advance(chunk[1] - chunk[0])
            return part

        if n_threads > 1 and len(chunks) > 1:
            with ThreadPoolExecutor(n_threads) as pool:
                parts = list(pool.map(run, chunks))
        else:
            parts = [run(c) for c in chunks]
    indptr = np.zeros(n_points + 1, dtype=np.int64)
    if parts:
        np.cumsum(np.concatenate([p[0] for p in parts]), out=indptr[1:])
        cols = np.concatenate([p[1] for p in parts])
        vals = np.concatenate([p[2] for p in parts])
    else:
        cols = np.empty(0, dtype=np.int32)
        vals = np.empty(0, dtype=np.float64)
    matrix = csr_matrix((vals, cols, indptr), shape=(n_points, n_cols))
    matrix.has_sorted_indices = True
    return matrix


def _check_limit(max_distance_m: float) -> None:
    if not (math.isfinite(max_distance_m) and max_distance_m >= 0):
        raise InputError(f"max_distance_m must be a finite number >= 0, got {max_distance_m!r}")


def point_to_node_distances(
    net: StreetNetwork, snap: SnapResult, max_distance_m: float
) -> scipy.sparse.csr_matrix:
    """Walking distances from snapped points to all nodes within a limit.

    Parameters
    ----------
    net : StreetNetwork
    snap : SnapResult
        From :func:`snap_points` on ``net``. Points with ``ok=False`` are
        treated like the others (their large offset counts in the distance);
        check them first with :func:`require_snapped` or mask their rows.
    max_distance_m : float
        Limit in metres; nodes farther away have no entry.

    Returns
    -------
    scipy.sparse.csr_matrix of float64, shape (n_points, n_nodes)
        Distance in metres: offset + along-segment distance + graph distance.
        Column indices are sorted in each row. **A node at distance 0 (a point
        exactly on a node) is stored as an explicit zero**: use the sparsity
        structure (``indptr`` / ``indices`` / ``data``, ``tocoo()``), not
        ``matrix > 0`` or ``toarray()``, to find reached nodes, and do not call
        ``eliminate_zeros()``.
    """
    _check_limit(max_distance_m)
    init_a = snap.offset_m + snap.dist_a_m
    init_b = snap.offset_m + snap.dist_b_m
    node_a = snap.node_a.astype(np.int64)
    node_b = snap.node_b.astype(np.int64)
    t0 = time.perf_counter()

    def args_for(lo: int, hi: int) -> tuple:
        return (
            net.indptr, net.indices, net.length_m, node_a[lo:hi], node_b[lo:hi],
            init_a[lo:hi], init_b[lo:hi], float(max_distance_m),
        )

    matrix = _run_batched(_point_to_node_batch, snap.n_points, net.n_nodes, args_for)
    logger.debug(
        "point_to_node_distances: %d points, %d entries within %g m in %.2f s",
        snap.n_points, matrix.nnz, max_distance_m, time.perf_counter() - t0,
    )
    return matrix


def point_to_point_distances(
    net: StreetNetwork, snap_from: SnapResult, snap_to: SnapResult, max_distance_m: float
) -> scipy.sparse.csr_matrix:
    """Walking distances between two sets of snapped points within a limit.

    Parameters
    ----------
    net : StreetNetwork
    snap_from, snap_to : SnapResult
        From :func:`snap_points` on ``net``.
    max_distance_m : float
        Limit in metres; farther pairs have no entry.

    Returns
    -------
    scipy.sparse.csr_matrix of float64, shape (n_from, n_to)
        ``offset_from + network distance + offset_to`` in metres, where the
        network part runs from the snapped location of the source to that of
        the target (directly along the segment when both lie on the same
        segment). Every path goes through the network, so two identical points
        are ``offset_from + offset_to`` apart. Column indices are sorted in
        each row; zero distances are stored as explicit zeros (see
        :func:`point_to_node_distances`).

    Notes
    -----
    Distances are symmetric, so one bounded Dijkstra runs per point of the
    smaller of the two sets (the result is transposed when that is ``snap_to``).
    """
    _check_limit(max_distance_m)
    t0 = time.perf_counter()
    if snap_from.n_points > snap_to.n_points:
        matrix = _point_to_point(net, snap_to, snap_from, float(max_distance_m)).T.tocsr()
        matrix.sort_indices()
    else:
        matrix = _point_to_point(net, snap_from, snap_to, float(max_distance_m))
    logger.debug(
        "point_to_point_distances: %d x %d points, %d pairs within %g m in %.2f s",
        snap_from.n_points, snap_to.n_points, matrix.nnz, max_distance_m,
        time.perf_counter() - t0,
    )
    return matrix


def _point_to_point(
    net: StreetNetwork, snap_from: SnapResult, snap_to: SnapResult, max_distance_m: float
) -> scipy.sparse.csr_matrix:
    """:func:`point_to_point_distances` with one Dijkstra per ``snap_from`` point."""
    return graph_point_to_point(
        net.indptr, net.indices, net.length_m, snap_from, snap_to, max_distance_m
    )


def graph_point_to_point(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    snap_from: SnapResult,
    snap_to: SnapResult,
    max_cost: float,
) -> scipy.sparse.csr_matrix:
    """Costs from each ``snap_from`` point to the ``snap_to`` points on any CSR graph.

    One bounded Dijkstra per source point over ``(indptr, indices, weights)``
    (directed or not; the bicycle network passes its directed edges with
    ride-equivalent costs). The partial segments at both ends and the snap
    offsets cost their length, in either direction.

    Returns
    -------
    scipy.sparse.csr_matrix of float64, shape (n_from, n_to)
        Costs up to ``max_cost``, in the unit of ``weights``; explicit zeros kept.
    """
    _check_limit(max_cost)
    n_nodes = len(indptr) - 1
    n_to = snap_to.n_points
    tgt_node = np.concatenate([snap_to.node_a, snap_to.node_b]).astype(np.int64)
    tgt_idx = np.concatenate([np.arange(n_to), np.arange(n_to)]).astype(np.int32)
    tgt_along = np.concatenate([snap_to.dist_a_m, snap_to.dist_b_m])
    order = np.argsort(tgt_node, kind="stable")
    tgt_ptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(tgt_node, minlength=n_nodes), out=tgt_ptr[1:])
    tgt_idx, tgt_along = tgt_idx[order], tgt_along[order]
    to_a = snap_to.node_a.astype(np.int64)
    to_b = snap_to.node_b.astype(np.int64)
    node_a = snap_from.node_a.astype(np.int64)
    node_b = snap_from.node_b.astype(np.int64)

    def args_for(lo: int, hi: int) -> tuple:
        return (
            indptr, indices, weights, node_a[lo:hi], node_b[lo:hi],
            snap_from.dist_a_m[lo:hi], snap_from.dist_b_m[lo:hi], snap_from.offset_m[lo:hi],
            tgt_ptr, tgt_idx, tgt_along, to_a, to_b, snap_to.offset_m, float(max_cost),
        )

    return _run_batched(_point_to_point_batch, snap_from.n_points, n_to, args_for)
