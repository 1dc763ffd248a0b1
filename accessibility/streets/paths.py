"""The street path of one walk between two snapped points (for itinerary maps).

The distance searches of :mod:`accessibility.streets.search` keep no
predecessors; :class:`StreetPaths` runs the same two-source Dijkstra for one
pair of points, keeps the predecessor of every node and stops once both end
nodes of the target's segment are settled. Its length is the one the searches
give (same snapping rule, same same-segment shortcut).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from numba import njit

from accessibility.streets.graph import StreetNetwork
from accessibility.streets.search import _heap_pop, _heap_push
from accessibility.streets.snapping import SnapResult


@njit(nogil=True, cache=True)
def _path_search(
    indptr, indices, weights, s0, d0, s1, d1, t0, t1, limit, dist, pred, touched, heap_d, heap_n
):  # pragma: no cover - numba
    """Two-source Dijkstra with predecessors, until ``t0`` and ``t1`` are settled.

    ``dist`` must be +inf and ``pred`` -1 everywhere on entry; returns the
    number of touched nodes (``touched[:k]``), which the caller resets.
    """
    k = 0
    size = 0
    dist[s0] = d0
    touched[k] = s0
    k += 1
    size = _heap_push(heap_d, heap_n, size, d0, s0)
    if d1 < dist[s1]:
        if dist[s1] == np.inf:
            touched[k] = s1
            k += 1
        dist[s1] = d1
        size = _heap_push(heap_d, heap_n, size, d1, s1)
    settled = 0
    while size > 0:
        d = heap_d[0]
        u = heap_n[0]
        size = _heap_pop(heap_d, heap_n, size)
        if d > dist[u]:
            continue
        if u == t0 or u == t1:
            settled += 1
            if settled >= (1 if t0 == t1 else 2):
                break
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            nd = d + weights[e]
            if nd <= limit and nd < dist[v]:
                if dist[v] == np.inf:
                    touched[k] = v
                    k += 1
                dist[v] = nd
                pred[v] = u
                size = _heap_push(heap_d, heap_n, size, nd, v)
    return k


@dataclasses.dataclass(frozen=True)
class StreetPath:
    """One walk along the streets.

    Attributes
    ----------
    metres : float
        Length, snap offsets at both ends included (m).
    lat, lon : numpy.ndarray of float64
        WGS84 vertices from the start point to the end point (degrees).
    """

    metres: float
    lat: np.ndarray
    lon: np.ndarray


class StreetPaths:
    """Street paths between snapped points of one network (buffers reused between calls).

    Parameters
    ----------
    net : StreetNetwork
    """

    def __init__(self, net: StreetNetwork) -> None:
        self.net = net
        n = net.n_nodes
        self._dist = np.full(n, np.inf)
        self._pred = np.full(n, -1, dtype=np.int32)
        self._touched = np.empty(n + 2, dtype=np.int32)
        self._heap_d = np.empty(len(net.indices) + 2, dtype=np.float64)
        self._heap_n = np.empty(len(net.indices) + 2, dtype=np.int32)

    def _snapped(self, snap: SnapResult, i: int) -> tuple[float, float]:
        """WGS84 location of point ``i`` on its segment (linear between the end nodes)."""
        a, b = int(snap.node_a[i]), int(snap.node_b[i])
        total = snap.dist_a_m[i] + snap.dist_b_m[i]
        f = snap.dist_a_m[i] / total if total > 0 else 0.0
        net = self.net
        return (net.lat[a] + f * (net.lat[b] - net.lat[a]),
                net.lon[a] + f * (net.lon[b] - net.lon[a]))  # fmt: skip

    def path(
        self,
        start: tuple[SnapResult, int, float, float],
        end: tuple[SnapResult, int, float, float],
        max_m: float = np.inf,
    ) -> StreetPath | None:
        """The shortest walk from ``start`` to ``end``.

        Parameters
        ----------
        start, end : tuple
            ``(snap, index, lat, lon)``: a point of a :class:`SnapResult` and
            its WGS84 coordinates (degrees).
        max_m : float
            Search limit (m).

        Returns
        -------
        StreetPath or None
            None when ``end`` lies farther than ``max_m``. Points at identical
            coordinates give a 0 m path.
        """
        snap_a, i, lat_a, lon_a = start
        snap_b, j, lat_b, lon_b = end
        if lat_a == lat_b and lon_a == lon_b:
            return StreetPath(0.0, np.array([lat_a, lat_b]), np.array([lon_a, lon_b]))
        a, b = int(snap_a.node_a[i]), int(snap_a.node_b[i])
        ta, tb = int(snap_b.node_a[j]), int(snap_b.node_b[j])
        off_a, off_b = float(snap_a.offset_m[i]), float(snap_b.offset_m[j])
        net = self.net
        k = _path_search(
            net.indptr, net.indices, net.length_m, a, off_a + snap_a.dist_a_m[i], b,
            off_a + snap_a.dist_b_m[i], ta, tb, max_m, self._dist, self._pred, self._touched,
            self._heap_d, self._heap_n,
        )  # fmt: skip
        via_a = self._dist[ta] + snap_b.dist_a_m[j] + off_b
        via_b = self._dist[tb] + snap_b.dist_b_m[j] + off_b
        best, last = (via_a, ta) if via_a <= via_b else (via_b, tb)
        nodes: list[int] = []
        if best < np.inf:
            node = last
            while node >= 0:
                nodes.append(node)
                node = int(self._pred[node])
            nodes.reverse()
        touched = self._touched[:k]
        self._dist[touched] = np.inf
        self._pred[touched] = -1
        if {a, b} == {ta, tb}:
            along_b = snap_b.dist_a_m[j] if ta == a else snap_b.dist_b_m[j]
            direct = off_a + abs(snap_a.dist_a_m[i] - along_b) + off_b
            if direct < best:
                best, nodes = direct, []
        if best > max_m:
            return None
        pa, pb = self._snapped(snap_a, i), self._snapped(snap_b, j)
        lat = [lat_a, pa[0], *net.lat[nodes], pb[0], lat_b]
        lon = [lon_a, pa[1], *net.lon[nodes], pb[1], lon_b]
        return StreetPath(float(best), np.asarray(lat, dtype=float), np.asarray(lon, dtype=float))
