"""The walking network: OpenStreetMap ways pedestrians may use, as CSR arrays.

Build a :class:`StreetNetwork` with :func:`read_osm` (``.osm.pbf`` / ``.osm``)
or :func:`from_networkx` (osmnx graphs), snap WGS84 points to it with
:func:`snap_points` and compute walking distances in metres with
:func:`point_to_node_distances` and :func:`point_to_point_distances`.

Distances are exact network distances: the straight-line offset from a point
to its snapped location on the nearest street segment, plus the distance along
that segment to one of its end nodes, plus the shortest-path distance through
the graph. Edge lengths are great-circle (haversine) distances in metres on a
sphere of radius :data:`EARTH_RADIUS_M`; offsets are measured in the metric CRS
of the network.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from accessibility.errors import InputError, OsmError, SnapError

if TYPE_CHECKING:
    import networkx
    import scipy.sparse

logger = logging.getLogger(__name__)

#: Mean earth radius in metres used for haversine lengths (osmnx uses the same value).
EARTH_RADIUS_M = 6_371_009.0

#: WGS84 bounds (lon_min, lat_min, lon_max, lat_max) inside which "EPSG:28992" is used.
NL_BBOX = (3.2, 50.75, 7.22, 53.7)

#: ``highway`` values that are never walkable: not built (yet/any more) or not for people.
EXCLUDED_HIGHWAYS = frozenset(
    {
        "construction",
        "proposed",
        "planned",
        "abandoned",
        "disused",
        "razed",
        "raceway",
        "bus_guideway",
    }
)

#: ``highway`` values walkable only when tagged ``foot=yes`` or ``foot=designated``.
MOTOR_HIGHWAYS = frozenset({"motorway", "motorway_link", "trunk", "trunk_link"})

_FOOT_EXPLICIT = frozenset({"yes", "designated"})
_FOOT_OVERRIDES_ACCESS = frozenset({"yes", "designated", "permissive"})
_NO_ACCESS = frozenset({"no", "private"})


@dataclass(frozen=True)
class StreetNetwork:
    """An undirected walking graph in compressed sparse row (CSR) form.

    Every street segment appears in both directions, so ``indptr`` /
    ``indices`` / ``length_m`` form a symmetric adjacency matrix.

    Attributes
    ----------
    osm_node_ids : numpy.ndarray of int64, shape (n_nodes,)
    lat, lon : numpy.ndarray of float64, shape (n_nodes,)
        WGS84 coordinates in degrees.
    x, y : numpy.ndarray of float64, shape (n_nodes,)
        Projected coordinates in metres, in ``crs``.
    crs : str
        The metric CRS of ``x`` / ``y`` (``"EPSG:28992"`` in the Netherlands,
        a local UTM zone elsewhere).
    indptr : numpy.ndarray of int64, shape (n_nodes + 1,)
    indices : numpy.ndarray of int32, shape (n_edges,)
    length_m : numpy.ndarray of float64, shape (n_edges,)
        Edge lengths in metres.
    """

    osm_node_ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    x: np.ndarray
    y: np.ndarray
    crs: str
    indptr: np.ndarray
    indices: np.ndarray
    length_m: np.ndarray

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.osm_node_ids)

    @property
    def n_edges(self) -> int:
        """Number of directed edges (twice the number of street segments)."""
        return len(self.indices)

    @cached_property
    def segment_index(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, object]:
        """Undirected segments ``(a, b, length_m)``, their lines and an STRtree over them.

        Built once per network (snapping calls reuse it; it is pickled with the
        network cache once built).
        """
        import shapely

        seg_a, seg_b, seg_len = _segments(self)
        coords = np.stack(
            [np.column_stack([self.x[seg_a], self.y[seg_a]]),
             np.column_stack([self.x[seg_b], self.y[seg_b]])],
            axis=1,
        )
        lines = shapely.linestrings(coords) if len(seg_a) else np.empty(0, dtype=object)
        return seg_a, seg_b, seg_len, lines, shapely.STRtree(lines)


@dataclass(frozen=True)
class SnapResult:
    """Where points meet the walking network (one entry per point).

    Attributes
    ----------
    node_a, node_b : numpy.ndarray of int32, shape (n_points,)
        Node indices of the end points of the street segment each point snaps to.
    dist_a_m, dist_b_m : numpy.ndarray of float64, shape (n_points,)
        Distance in metres along the segment from the snapped location to
        ``node_a`` / ``node_b`` (they add up to the segment length).
    offset_m : numpy.ndarray of float64, shape (n_points,)
        Straight-line distance in metres from the point to its snapped location.
    ok : numpy.ndarray of bool, shape (n_points,)
        ``offset_m <= max_distance_m``. Points that are not ok are still
        snapped (to the nearest segment) but should be reported, see
        :func:`require_snapped`.
    max_distance_m : float
        The snap distance used for ``ok``, in metres.
    """

    node_a: np.ndarray
    node_b: np.ndarray
    dist_a_m: np.ndarray
    dist_b_m: np.ndarray
    offset_m: np.ndarray
    ok: np.ndarray
    max_distance_m: float

    @property
    def n_points(self) -> int:
        """Number of points."""
        return len(self.node_a)


# --------------------------------------------------------------------------
# geometry helpers


def haversine_m(
    lat1: np.ndarray | float,
    lon1: np.ndarray | float,
    lat2: np.ndarray | float,
    lon2: np.ndarray | float,
) -> np.ndarray:
    """Great-circle distance in metres between WGS84 points (degrees), vectorised."""
    p1 = np.radians(lat1)
    p2 = np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    a = np.sin(dp / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def choose_metric_crs(lat: np.ndarray | float, lon: np.ndarray | float) -> str:
    """Pick a metric CRS for WGS84 data.

    Parameters
    ----------
    lat, lon : array-like or float
        WGS84 coordinates in degrees.

    Returns
    -------
    str
        ``"EPSG:28992"`` (RD New) when the centre of the data's bounding box
        lies in :data:`NL_BBOX`, otherwise the UTM zone of that centre
        (``"EPSG:326zz"`` north, ``"EPSG:327zz"`` south; the Norway/Svalbard
        zone exceptions are not applied).
    """
    lat_a = np.atleast_1d(np.asarray(lat, dtype=np.float64))
    lon_a = np.atleast_1d(np.asarray(lon, dtype=np.float64))
    if lat_a.size == 0 or lon_a.size == 0:
        raise InputError("choose_metric_crs needs at least one coordinate; got none")
    _check_wgs84(lat_a, lon_a, "coordinates")
    lat_c = (lat_a.min() + lat_a.max()) / 2.0
    lon_c = (lon_a.min() + lon_a.max()) / 2.0
    lon_min, lat_min, lon_max, lat_max = NL_BBOX
    if lon_min <= lon_c <= lon_max and lat_min <= lat_c <= lat_max:
        return "EPSG:28992"
    zone = min(max(int((lon_c + 180.0) // 6.0) + 1, 1), 60)
    return f"EPSG:{(32600 if lat_c >= 0 else 32700) + zone}"


def _check_wgs84(lat: np.ndarray, lon: np.ndarray, what: str) -> None:
    """Raise InputError naming the first bad positions when lat/lon are not valid WGS84."""
    bad = ~(np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0))
    if bad.any():
        pos = np.flatnonzero(bad)
        shown = ", ".join(f"#{i} (lat={lat[i]!r}, lon={lon[i]!r})" for i in pos[:10])
        raise InputError(
            f"{len(pos)} {what} are not valid WGS84 degrees (lat in -90..90, lon in -180..180): "
            f"{shown}{' ...' if len(pos) > 10 else ''}. Fix or drop these coordinates."
        )


def _project(lat: np.ndarray, lon: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """Project WGS84 degrees to ``crs``; returns x, y in metres."""
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        target = CRS.from_user_input(crs)
    except CRSError as exc:
        raise InputError(f"unknown CRS {crs!r}: {exc}. Give an EPSG code like 'EPSG:28992'.") from exc
    if not target.is_projected:
        raise InputError(
            f"CRS {crs!r} is not a projected (metric) CRS. Give one in metres, "
            "e.g. 'EPSG:28992' (Netherlands) or a UTM zone."
        )
    transformer = Transformer.from_crs("EPSG:4326", target, always_xy=True)
    x, y = transformer.transform(lon, lat)
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


# --------------------------------------------------------------------------
# building the network


def is_walkable(tags: Mapping[str, str]) -> bool:
    """Whether an OSM way with these tags may be used by pedestrians.

    Rules: the way needs a ``highway`` tag that is not in
    :data:`EXCLUDED_HIGHWAYS`; :data:`MOTOR_HIGHWAYS` need ``foot=yes`` or
    ``foot=designated``; ``foot=no``/``private`` excludes the way;
    ``access=no``/``private`` excludes it unless ``foot`` is ``yes``,
    ``designated`` or ``permissive``. Everything else (footway, path, steps,
    pedestrian, cycleway, track, service, platform, residential, ...) is walkable.
    """
    highway = tags.get("highway")
    if highway is None or highway in EXCLUDED_HIGHWAYS:
        return False
    foot = tags.get("foot")
    if highway in MOTOR_HIGHWAYS:
        return foot in _FOOT_EXPLICIT
    if foot in _NO_ACCESS:
        return False
    return not (tags.get("access") in _NO_ACCESS and foot not in _FOOT_OVERRIDES_ACCESS)


def read_osm(
    path: str | Path, crs: str | None = None, min_component_nodes: int = 20
) -> StreetNetwork:
    """Read the walking network from an OpenStreetMap file.

    Parameters
    ----------
    path : str or pathlib.Path
        ``.osm.pbf``, ``.osm`` (XML) or any other format libosmium reads.
    crs : str, optional
        Metric CRS for ``x`` / ``y``; default :func:`choose_metric_crs`.
    min_component_nodes : int, default 20
        Connected components with fewer nodes are removed (islands: parking
        lots, mapping errors). Use 1 to keep everything.

    Returns
    -------
    StreetNetwork
        All nodes of the walkable ways (see :func:`is_walkable`), no
        simplification; every pair of consecutive way nodes is an undirected
        segment with its haversine length in metres. A segment drawn by several
        ways is kept once (shortest length). Way nodes missing from the file
        (cut off by the extract) break the way there; they are counted and logged.

    Raises
    ------
    OsmError
        The file is missing or unreadable, or holds no walkable ways.
    """
    import osmium

    path = Path(path)
    if not path.is_file():
        raise OsmError(
            f"OSM file not found: {path}. Give the path of an .osm.pbf or .osm extract "
            "(download one, e.g. from download.geofabrik.de or extract.bbbike.org)."
        )
    if min_component_nodes < 1:
        raise InputError(f"min_component_nodes must be >= 1, got {min_component_nodes}")
    t0 = time.perf_counter()
    refs: list[int] = []
    lats: list[float] = []
    lons: list[float] = []
    way_of: list[int] = []
    n_ways = 0
    n_missing = 0
    n_highway = 0
    n_walkable = 0
    try:
        processor = (
            osmium.FileProcessor(str(path))
            .with_locations()
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        for obj in processor:
            if not obj.is_way():
                continue
            n_highway += 1
            if not is_walkable(obj.tags):
                continue
            n_walkable += 1
            for node in obj.nodes:
                loc = node.location
                if loc.valid():
                    refs.append(node.ref)
                    lats.append(loc.lat)
                    lons.append(loc.lon)
                    way_of.append(n_ways)
                else:
                    # A missing node breaks the way: the next node starts a new piece.
                    n_missing += 1
                    n_ways += 1
            n_ways += 1
    except (RuntimeError, OSError) as exc:
        raise OsmError(
            f"cannot read OSM file {path}: {str(exc).rstrip('.')}. Check that it is a complete "
            ".osm.pbf or .osm file (re-download it if it is truncated)."
        ) from exc
    logger.info(
        "%s: %d of %d highway=* ways are walkable (%d excluded by highway/foot/access tags)",
        path,
        n_walkable,
        n_highway,
        n_highway - n_walkable,
    )
    if n_missing:
        logger.warning(
            "%s: %d way node references have no location in the file (ways cut off by "
            "the extract); the ways are split there",
            path,
            n_missing,
        )
    ref_a = np.asarray(refs, dtype=np.int64)
    way_a = np.asarray(way_of, dtype=np.int64)
    pair = np.flatnonzero((way_a[:-1] == way_a[1:]) & (ref_a[:-1] != ref_a[1:]))
    if len(pair) == 0:
        raise OsmError(
            f"{path} holds no walkable ways (no highway=* way with two located nodes "
            "that pedestrians may use). Check that the extract covers the study area."
        )
    osm_ids, first, inverse = np.unique(ref_a, return_index=True, return_inverse=True)
    lat = np.asarray(lats, dtype=np.float64)[first]
    lon = np.asarray(lons, dtype=np.float64)[first]
    u = inverse[pair]
    v = inverse[pair + 1]
    length = haversine_m(lat[u], lon[u], lat[v], lon[v])
    net = _build_network(
        osm_ids, lat, lon, u, v, length, crs, min_component_nodes, str(path), OsmError
    )
    logger.info(
        "walking network from %s: %d nodes, %d segments (%d directed edges), CRS %s, "
        "built in %.2f s",
        path,
        net.n_nodes,
        net.n_edges // 2,
        net.n_edges,
        net.crs,
        time.perf_counter() - t0,
    )
    return net


def _build_network(
    osm_ids: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    length: np.ndarray,
    crs: str | None,
    min_component_nodes: int,
    source: str,
    error: type[InputError],
) -> StreetNetwork:
    """Deduplicate segments, prune small components, project and build the CSR arrays."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(osm_ids)
    a = np.minimum(u, v).astype(np.int64)
    b = np.maximum(u, v).astype(np.int64)
    order = np.lexsort((length, b, a))
    a, b, length = a[order], b[order], length[order]
    keep = np.ones(len(a), dtype=bool)
    keep[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    a, b, length = a[keep], b[keep], length[keep]

    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    n_comp, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels, minlength=n_comp)
    small = sizes < min_component_nodes
    if small.any():
        logger.info(
            "%s: removed %d connected components with fewer than %d nodes (%d nodes)",
            source,
            int(small.sum()),
            min_component_nodes,
            int(sizes[small].sum()),
        )
    node_keep = ~small[labels]
    if not node_keep.any():
        raise error(
            f"{source}: no connected part of the walking network has {min_component_nodes} "
            f"or more nodes (largest: {int(sizes.max())}). Use a larger extract or a "
            "smaller min_component_nodes."
        )
    new_index = np.cumsum(node_keep) - 1
    seg_keep = node_keep[a]
    a, b, length = new_index[a[seg_keep]], new_index[b[seg_keep]], length[seg_keep]
    osm_ids, lat, lon = osm_ids[node_keep], lat[node_keep], lon[node_keep]
    n = len(osm_ids)

    rows = np.concatenate([a, b])
    cols = np.concatenate([b, a])
    weights = np.concatenate([length, length])
    order = np.lexsort((cols, rows))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])

    if crs is None:
        crs = choose_metric_crs(lat, lon)
    x, y = _project(lat, lon, crs)
    return StreetNetwork(
        osm_node_ids=np.ascontiguousarray(osm_ids, dtype=np.int64),
        lat=np.ascontiguousarray(lat, dtype=np.float64),
        lon=np.ascontiguousarray(lon, dtype=np.float64),
        x=x,
        y=y,
        crs=crs,
        indptr=indptr,
        indices=cols[order].astype(np.int32),
        length_m=np.ascontiguousarray(weights[order], dtype=np.float64),
    )


def _segments(net: StreetNetwork) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Undirected segments ``(a, b, length_m)`` with ``a < b``."""
    rows = np.repeat(np.arange(net.n_nodes, dtype=np.int64), np.diff(net.indptr))
    mask = rows < net.indices
    return rows[mask], net.indices[mask].astype(np.int64), net.length_m[mask]


# --------------------------------------------------------------------------
# snapping


def snap_points(
    net: StreetNetwork, lat: np.ndarray, lon: np.ndarray, max_distance_m: float
) -> SnapResult:
    """Snap WGS84 points to the nearest location on the nearest street segment.

    Parameters
    ----------
    net : StreetNetwork
    lat, lon : array-like of float, shape (n_points,)
        WGS84 coordinates in degrees.
    max_distance_m : float
        Snap distance in metres: points with a larger offset get ``ok=False``
        (they are still snapped to their nearest segment, never dropped).

    Returns
    -------
    SnapResult
        The nearest segment is found exactly (shapely STRtree on the segments in
        the network's metric CRS). The position along the segment is measured
        in the metric CRS and scaled to the segment's haversine length, so
        ``dist_a_m + dist_b_m`` equals the segment length.
    """
    import shapely

    lat_a = np.atleast_1d(np.asarray(lat, dtype=np.float64))
    lon_a = np.atleast_1d(np.asarray(lon, dtype=np.float64))
    if lat_a.ndim != 1 or lat_a.shape != lon_a.shape:
        raise InputError(
            f"lat and lon must be 1-D arrays of the same length; got shapes {lat_a.shape} "
            f"and {lon_a.shape}"
        )
    if not (math.isfinite(max_distance_m) and max_distance_m >= 0):
        raise InputError(f"max_distance_m must be a finite number >= 0, got {max_distance_m!r}")
    _check_wgs84(lat_a, lon_a, "points to snap")
    n = len(lat_a)
    if n == 0:
        empty_i = np.empty(0, dtype=np.int32)
        empty_f = np.empty(0, dtype=np.float64)
        return SnapResult(
            empty_i, empty_i, empty_f, empty_f, empty_f, np.empty(0, dtype=bool), max_distance_m
        )
    seg_a, seg_b, seg_len, lines, tree = net.segment_index
    if len(seg_a) == 0:
        raise InputError(
            f"the walking network has {net.n_nodes} nodes but no street segments; "
            "points cannot be snapped to it. Build it from an extract with walkable ways."
        )
    px, py = _project(lat_a, lon_a, net.crs)
    points = shapely.points(px, py)
    (pt_idx, seg_idx), dist = tree.query_nearest(points, return_distance=True, all_matches=False)
    seg = np.empty(n, dtype=np.int64)
    offset = np.empty(n, dtype=np.float64)
    seg[pt_idx] = seg_idx
    offset[pt_idx] = dist
    frac = shapely.line_locate_point(lines[seg], points, normalized=True)
    frac = np.nan_to_num(frac, nan=0.0)  # zero-length segment: both ends coincide
    along = frac * seg_len[seg]
    return SnapResult(
        node_a=seg_a[seg].astype(np.int32),
        node_b=seg_b[seg].astype(np.int32),
        dist_a_m=along,
        dist_b_m=seg_len[seg] - along,
        offset_m=offset,
        ok=offset <= max_distance_m,
        max_distance_m=float(max_distance_m),
    )


def require_snapped(snap: SnapResult, ids: Sequence[object], what: str) -> None:
    """Raise :class:`SnapError` when some points lie too far from the network.

    Parameters
    ----------
    snap : SnapResult
    ids : sequence, length n_points
        Identifiers of the points, used in the message.
    what : str
        What the points are, in plural (``"stops"``, ``"grid cells"``).

    Raises
    ------
    SnapError
        Listing up to 10 ids with their offsets, the snap distance and what to do.
    """
    if len(ids) != snap.n_points:
        raise InputError(f"require_snapped: {len(ids)} ids for {snap.n_points} snapped {what}")
    bad = np.flatnonzero(~snap.ok)
    if len(bad) == 0:
        return
    shown = ", ".join(f"{ids[i]} ({snap.offset_m[i]:.0f} m)" for i in bad[:10])
    more = f" and {len(bad) - 10} more" if len(bad) > 10 else ""
    raise SnapError(
        f"{len(bad)} of {snap.n_points} {what} lie farther than {snap.max_distance_m:g} m "
        f"from the walking network: {shown}{more}. Raise the maximum snap distance or fix "
        f"the coordinates of these {what} (or use an OSM extract that covers them)."
    )


# --------------------------------------------------------------------------
# network distances (numba kernels)


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
    n_chunks = min(n_points, 4 * n_threads) if n_points else 0
    bounds = np.linspace(0, n_points, n_chunks + 1).astype(np.int64)
    chunks = [(int(bounds[i]), int(bounds[i + 1])) for i in range(n_chunks)]
    if n_threads > 1 and len(chunks) > 1:
        with ThreadPoolExecutor(n_threads) as pool:
            parts = list(pool.map(lambda c: kernel(*args_for(*c)), chunks))
    else:
        parts = [kernel(*args_for(*c)) for c in chunks]
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
    n_to = snap_to.n_points
    tgt_node = np.concatenate([snap_to.node_a, snap_to.node_b]).astype(np.int64)
    tgt_idx = np.concatenate([np.arange(n_to), np.arange(n_to)]).astype(np.int32)
    tgt_along = np.concatenate([snap_to.dist_a_m, snap_to.dist_b_m])
    order = np.argsort(tgt_node, kind="stable")
    tgt_ptr = np.zeros(net.n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(tgt_node, minlength=net.n_nodes), out=tgt_ptr[1:])
    tgt_idx, tgt_along = tgt_idx[order], tgt_along[order]
    to_a = snap_to.node_a.astype(np.int64)
    to_b = snap_to.node_b.astype(np.int64)
    node_a = snap_from.node_a.astype(np.int64)
    node_b = snap_from.node_b.astype(np.int64)

    def args_for(lo: int, hi: int) -> tuple:
        return (
            net.indptr, net.indices, net.length_m, node_a[lo:hi], node_b[lo:hi],
            snap_from.dist_a_m[lo:hi], snap_from.dist_b_m[lo:hi], snap_from.offset_m[lo:hi],
            tgt_ptr, tgt_idx, tgt_along, to_a, to_b, snap_to.offset_m, max_distance_m,
        )

    return _run_batched(_point_to_point_batch, snap_from.n_points, n_to, args_for)


# --------------------------------------------------------------------------
# networkx / osmnx


def to_networkx(net: StreetNetwork) -> networkx.MultiDiGraph:
    """The network as an osmnx-style ``networkx.MultiDiGraph``.

    Nodes are keyed by OSM node id with attributes ``x`` (lon), ``y`` (lat)
    and ``osmid``; every segment appears in both directions (key 0) with
    attribute ``length`` in metres; ``G.graph["crs"] == "epsg:4326"``.
    """
    import networkx as nx

    graph = nx.MultiDiGraph(crs="epsg:4326")
    ids = net.osm_node_ids.tolist()
    graph.add_nodes_from(
        (osmid, {"x": x, "y": y, "osmid": osmid})
        for osmid, x, y in zip(ids, net.lon.tolist(), net.lat.tolist(), strict=True)
    )
    rows = np.repeat(np.arange(net.n_nodes), np.diff(net.indptr))
    osm = net.osm_node_ids
    graph.add_edges_from(
        (u, v, 0, {"length": length})
        for u, v, length in zip(
            osm[rows].tolist(), osm[net.indices].tolist(), net.length_m.tolist(), strict=True
        )
    )
    return graph


def from_networkx(G: networkx.Graph, crs: str | None = None) -> StreetNetwork:
    """Build a :class:`StreetNetwork` from a networkx graph (e.g. from osmnx).

    Parameters
    ----------
    G : networkx graph (directed or not, multi or not)
        Integer node keys (OSM ids); node attributes ``x`` = lon and ``y`` = lat
        in WGS84 degrees; edge attribute ``length`` in metres (computed by
        haversine when missing). Directions are ignored; of parallel edges the
        shortest is kept. Nodes without edges are kept. No component pruning.
    crs : str, optional
        Metric CRS for ``x`` / ``y``; default :func:`choose_metric_crs`.

    Raises
    ------
    InputError
        Projected graphs, non-integer node keys, missing coordinates,
        negative lengths or an empty graph.
    """
    graph_crs = G.graph.get("crs")
    if graph_crs is not None:
        from pyproj import CRS

        if CRS.from_user_input(graph_crs) != CRS.from_epsg(4326):
            raise InputError(
                f"the graph is in CRS {graph_crs}, not WGS84: give an unprojected graph "
                "(osmnx: ox.project_graph(G, to_latlong=True))."
            )
    if G.number_of_nodes() == 0:
        raise InputError("the graph has no nodes; nothing to build a walking network from")
    keys = list(G.nodes)
    if not all(isinstance(k, (int, np.integer)) and not isinstance(k, bool) for k in keys):
        bad = next(k for k in keys if not isinstance(k, (int, np.integer)) or isinstance(k, bool))
        raise InputError(
            f"graph node keys must be integer OSM ids; node {bad!r} is a {type(bad).__name__}. "
            "Relabel the nodes (networkx.convert_node_labels_to_integers)."
        )
    lon = np.empty(len(keys), dtype=np.float64)
    lat = np.empty(len(keys), dtype=np.float64)
    for i, (key, data) in enumerate(G.nodes(data=True)):
        if "x" not in data or "y" not in data:
            raise InputError(
                f"graph node {key} has no 'x'/'y' attributes; give every node x=lon and y=lat "
                "in WGS84 degrees"
            )
        lon[i] = data["x"]
        lat[i] = data["y"]
    _check_wgs84(lat, lon, "graph node coordinates")
    osm_ids = np.asarray(keys, dtype=np.int64)
    order = np.argsort(osm_ids, kind="stable")
    osm_ids, lat, lon = osm_ids[order], lat[order], lon[order]
    if np.any(osm_ids[1:] == osm_ids[:-1]):
        raise InputError("graph node keys are not unique as int64 OSM ids")
    position = {int(k): i for i, k in enumerate(osm_ids.tolist())}
    u_list: list[int] = []
    v_list: list[int] = []
    len_list: list[float] = []
    for key_u, key_v, data in G.edges(data=True):
        if key_u == key_v:
            continue
        u_list.append(position[int(key_u)])
        v_list.append(position[int(key_v)])
        value = data.get("length")
        len_list.append(np.nan if value is None else float(value))
    u = np.asarray(u_list, dtype=np.int64)
    v = np.asarray(v_list, dtype=np.int64)
    length = np.asarray(len_list, dtype=np.float64)
    missing = np.isnan(length)
    length[missing] = haversine_m(lat[u[missing]], lon[u[missing]], lat[v[missing]], lon[v[missing]])
    if np.any(length < 0) or not np.all(np.isfinite(length)):
        i = int(np.flatnonzero((length < 0) | ~np.isfinite(length))[0])
        raise InputError(
            f"graph edge ({osm_ids[u[i]]}, {osm_ids[v[i]]}) has invalid length {length[i]!r}; "
            "lengths must be finite metres >= 0"
        )
    return _build_network(osm_ids, lat, lon, u, v, length, crs, 1, "networkx graph", InputError)
