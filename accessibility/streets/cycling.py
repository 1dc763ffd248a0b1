"""The bicycle network: a directed graph of the ways bicycles may use, from the same OSM file.

:func:`read_bicycle_osm` keeps the ways :func:`~accessibility.streets.cycling_rules.bike_access`
opens in at least one direction. The result holds the undirected
:class:`StreetNetwork` of those ways (for snapping points, as the walking
network does) and the directed edges on the same nodes: one per open
direction of a segment, flagged ``dismount`` where the bike is pushed at
walking speed. Searches cost "ride-equivalent metres": a ridden edge costs
its length, a pushed edge its length times ``speed_cycling / speed_walking``
(:meth:`BicycleNetwork.costs`), so one limit in metres
(``max_time_cycling x speed_cycling``) bounds every search and the cost divided
by the cycling speed is the travel time.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse

from accessibility.errors import InputError, OsmError
from accessibility.geo import haversine_m
from accessibility.streets.cycling_rules import CLOSED, DISMOUNT, bike_access
from accessibility.streets.graph import StreetNetwork, build_network
from accessibility.streets.osm import check_complete, read_ways
from accessibility.streets.search import graph_point_to_point
from accessibility.streets.snapping import SnapResult

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BicycleNetwork:
    """Directed bicycle edges on the nodes of an undirected :class:`StreetNetwork`.

    Attributes
    ----------
    streets : StreetNetwork
        Every segment open to bicycles in at least one direction, undirected:
        points snap to it, node ``i`` here is node ``i`` of the edges below.
    indptr : numpy.ndarray of int64, shape (n_nodes + 1,)
    indices : numpy.ndarray of int32, shape (n_edges,)
    length_m : numpy.ndarray of float64, shape (n_edges,)
        Directed edges ``u -> indices[e]`` for ``e`` in ``indptr[u]:indptr[u+1]``, metres.
    dismount : numpy.ndarray of bool, shape (n_edges,)
        True where the bike is pushed (walking speed).
    rev_indptr, rev_indices, rev_length_m, rev_dismount : numpy.ndarray
        The same edges reversed (``v -> u`` for every ``u -> v``), for searches
        from the destinations.
    """

    streets: StreetNetwork
    indptr: np.ndarray
    indices: np.ndarray
    length_m: np.ndarray
    dismount: np.ndarray
    rev_indptr: np.ndarray
    rev_indices: np.ndarray
    rev_length_m: np.ndarray
    rev_dismount: np.ndarray

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return self.streets.n_nodes

    @property
    def n_edges(self) -> int:
        """Number of directed edges."""
        return len(self.indices)

    def costs(self, dismount_factor: float, reverse: bool = False) -> np.ndarray:
        """Edge costs in ride-equivalent metres (pushed edges times ``dismount_factor``).

        Parameters
        ----------
        dismount_factor : float
            ``speed_cycling / speed_walking`` (>= 0).
        reverse : bool, default False
            Costs of the reversed edges.
        """
        length = self.rev_length_m if reverse else self.length_m
        pushed = self.rev_dismount if reverse else self.dismount
        return np.where(pushed, length * float(dismount_factor), length)


def read_bicycle_osm(
    path: str | Path, crs: str | None = None, min_component_nodes: int = 20
) -> BicycleNetwork:
    """Read the bicycle network from an OpenStreetMap file.

    Parameters
    ----------
    path : str or pathlib.Path
        ``.osm.pbf`` or ``.osm`` (XML).
    crs : str, optional
        Metric CRS; default :func:`~accessibility.geo.choose_metric_crs`.
    min_component_nodes : int, default 20
        Smaller (weakly) connected components are removed, as for walking.

    Raises
    ------
    OsmError
        Missing, unreadable or cut-short file, or no way open to bicycles.
    """
    path = Path(path)
    if not path.is_file():
        raise OsmError(f"OSM file not found: {path}")
    if min_component_nodes < 1:
        raise InputError(f"min_component_nodes must be >= 1, got {min_component_nodes}")
    check_complete(path)
    import osmium

    t0 = time.perf_counter()
    try:
        refs, lat_a, lon_a, way_a, codes, n_highway, n_kept, _ = read_ways(path, _bike_code)
    except (RuntimeError, OSError, ValueError, osmium.InvalidLocationError) as exc:
        raise OsmError(f"cannot read OSM file {path}: {str(exc).rstrip('.')}") from exc
    pair = np.flatnonzero((way_a[:-1] == way_a[1:]) & (refs[:-1] != refs[1:]))
    if len(pair) == 0:
        raise OsmError(f"{path} holds no way open to bicycles (no highway=* way with two "
                       "located nodes that bicycles may use)")
    osm_ids, first, inverse = np.unique(refs, return_index=True, return_inverse=True)
    lat, lon = lat_a[first], lon_a[first]
    u, v = inverse[pair], inverse[pair + 1]
    length = haversine_m(lat[u], lon[u], lat[v], lon[v])
    code = codes[way_a[pair]].astype(np.int64)
    net = bicycle_network(osm_ids, lat, lon, u, v, length, code // 3, code % 3, crs,
                          min_component_nodes, str(path))
    logger.info("bicycle network from %s: %d of %d highway=* ways, %d nodes, %d directed "
                "edges (%d pushed), built in %.2f s", path, n_kept, n_highway, net.n_nodes,
                net.n_edges, int(net.dismount.sum()), time.perf_counter() - t0)
    return net


def _bike_code(tags) -> int:
    forward, backward = bike_access(tags)
    return 3 * forward + backward


def bicycle_network(
    osm_ids: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    length: np.ndarray,
    forward: np.ndarray,
    backward: np.ndarray,
    crs: str | None,
    min_component_nodes: int,
    source: str,
) -> BicycleNetwork:
    """Build a :class:`BicycleNetwork` from segments and their access codes per direction.

    ``forward`` / ``backward`` are :data:`~accessibility.streets.cycling_rules.CLOSED`,
    ``RIDE`` or ``DISMOUNT`` for ``u -> v`` / ``v -> u``; segments closed both
    ways are dropped. Duplicate directed edges (a segment drawn by several
    ways) keep the shortest per ``(u, v, dismount)``.
    """
    open_ = (forward != CLOSED) | (backward != CLOSED)
    u, v, length, forward, backward = u[open_], v[open_], length[open_], forward[open_], backward[open_]
    streets = build_network(osm_ids, lat, lon, u, v, length, crs, min_component_nodes, source,
                            OsmError)
    pos_u = np.searchsorted(streets.osm_node_ids, osm_ids[u])
    pos_v = np.searchsorted(streets.osm_node_ids, osm_ids[v])
    n = streets.n_nodes
    kept = ((pos_u < n) & (pos_v < n)
            & (streets.osm_node_ids[np.minimum(pos_u, n - 1)] == osm_ids[u])
            & (streets.osm_node_ids[np.minimum(pos_v, n - 1)] == osm_ids[v]))
    pos_u, pos_v, length = pos_u[kept], pos_v[kept], length[kept]
    forward, backward = forward[kept], backward[kept]
    fw, bw = forward != CLOSED, backward != CLOSED
    frm = np.concatenate([pos_u[fw], pos_v[bw]])
    to = np.concatenate([pos_v[fw], pos_u[bw]])
    metres = np.concatenate([length[fw], length[bw]])
    pushed = np.concatenate([forward[fw] == DISMOUNT, backward[bw] == DISMOUNT])
    order = np.lexsort((metres, pushed, to, frm))
    frm, to, metres, pushed = frm[order], to[order], metres[order], pushed[order]
    first = np.ones(len(frm), dtype=bool)
    first[1:] = (frm[1:] != frm[:-1]) | (to[1:] != to[:-1]) | (pushed[1:] != pushed[:-1])
    frm, to, metres, pushed = frm[first], to[first], metres[first], pushed[first]
    indptr, indices, lengths, flags = _csr(frm, to, metres, pushed, n)
    r_indptr, r_indices, r_lengths, r_flags = _csr(to, frm, metres, pushed, n)
    return BicycleNetwork(streets, indptr, indices, lengths, flags,
                          r_indptr, r_indices, r_lengths, r_flags)


def _csr(frm, to, metres, pushed, n) -> tuple[np.ndarray, ...]:
    order = np.lexsort((to, frm))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(frm, minlength=n), out=indptr[1:])
    return (indptr, to[order].astype(np.int32), np.ascontiguousarray(metres[order], np.float64),
            np.ascontiguousarray(pushed[order], bool))


def bike_point_to_point(
    net: BicycleNetwork,
    snap_from: SnapResult,
    snap_to: SnapResult,
    max_cost_m: float,
    dismount_factor: float,
) -> scipy.sparse.csr_matrix:
    """Cycling costs (ride-equivalent metres) from points to points along the directed edges.

    Parameters
    ----------
    net : BicycleNetwork
    snap_from, snap_to : SnapResult
        Points snapped on ``net.streets``.
    max_cost_m : float
        Limit in ride-equivalent metres (``max_time_cycling`` x cycling speed).
    dismount_factor : float
        ``speed_cycling / speed_walking``.

    Returns
    -------
    scipy.sparse.csr_matrix of float64, shape (n_from, n_to)
        Divide by the cycling speed (m/s) for seconds. The one-way and
        dismount rules hold on whole edges and on the partial segments at
        both ends (:func:`directed_snap`); the snap offsets are ridden.

    Notes
    -----
    One Dijkstra per point of the smaller set: from the sources along the
    edges, or from the targets along the reversed edges (then transposed).
    Two points on the same one-way segment, the target behind the source,
    are joined only through the rest of the network.
    """
    snap_from = directed_snap(net, snap_from, dismount_factor, source=True)
    snap_to = directed_snap(net, snap_to, dismount_factor, source=False)
    if snap_from.n_points <= snap_to.n_points:
        return graph_point_to_point(net.indptr, net.indices, net.costs(dismount_factor),
                                    snap_from, snap_to, max_cost_m)
    back = graph_point_to_point(net.rev_indptr, net.rev_indices,
                                net.costs(dismount_factor, reverse=True),
                                snap_to, snap_from, max_cost_m)
    out = back.T.tocsr()
    out.sort_indices()
    return out


def directed_snap(net: BicycleNetwork, snap: SnapResult, dismount_factor: float,
                  source: bool) -> SnapResult:
    """A snap whose partial segments cost what the directed edges allow.

    A source point reaches ``node_a`` by moving ``b -> a`` along its segment,
    a target point is reached from ``node_a`` by moving ``a -> b``. Each
    partial length is multiplied by the cost factor of that direction (1
    ridden, ``dismount_factor`` pushed) or set to infinity where the
    direction is closed, so the search kernels need no change.
    """
    n = net.n_nodes
    frm = np.repeat(np.arange(n, dtype=np.int64), np.diff(net.indptr))
    key = frm * n + net.indices
    factor = np.where(net.dismount, float(dismount_factor), 1.0)
    order = np.lexsort((factor, key))
    key, factor = key[order], factor[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    key, factor = key[first], factor[first]
    a = snap.node_a.astype(np.int64)
    b = snap.node_b.astype(np.int64)

    def direction(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        want = u * n + v
        pos = np.minimum(np.searchsorted(key, want), max(len(key) - 1, 0))
        found = (key[pos] == want) if len(key) else np.zeros(len(want), dtype=bool)
        return np.where(found, factor[pos] if len(key) else 1.0, np.inf)

    toward_a = direction(b, a) if source else direction(a, b)
    toward_b = direction(a, b) if source else direction(b, a)
    with np.errstate(invalid="ignore"):  # a point on a node moves 0 m, in any direction
        dist_a = np.where(snap.dist_a_m == 0, 0.0, snap.dist_a_m * toward_a)
        dist_b = np.where(snap.dist_b_m == 0, 0.0, snap.dist_b_m * toward_b)
    return dataclasses.replace(snap, dist_a_m=dist_a, dist_b_m=dist_b)
