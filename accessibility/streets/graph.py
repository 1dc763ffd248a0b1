"""The walking graph: CSR arrays of nodes and street segments, and networkx round trips.

Edge lengths are great-circle (haversine) distances in metres on a sphere of
radius :data:`accessibility.geo.EARTH_RADIUS_M`; node coordinates are kept in
WGS84 and in the network's metric CRS.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from accessibility.errors import InputError
from accessibility.geo import check_wgs84, choose_metric_crs, haversine_m, project_wgs84

if TYPE_CHECKING:
    import networkx

logger = logging.getLogger(__name__)



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

        Built once per network object when a point is first snapped (snapping
        calls reuse it). It is not pickled: at national size (11 million
        segments) writing and reading the shapely objects would take minutes
        and GiBs, rebuilding them takes about a minute, and a warm run whose
        point links are cached does not snap at all.
        """
        import shapely

        seg_a, seg_b, seg_len = segments(self)
        coords = np.stack(
            [np.column_stack([self.x[seg_a], self.y[seg_a]]),
             np.column_stack([self.x[seg_b], self.y[seg_b]])],
            axis=1,
        )
        lines = shapely.linestrings(coords) if len(seg_a) else np.empty(0, dtype=object)
        return seg_a, seg_b, seg_len, lines, shapely.STRtree(lines)


    def __getstate__(self) -> dict:
        """Pickled state: the arrays, without the :attr:`segment_index` cache."""
        state = dict(self.__dict__)
        state.pop("segment_index", None)
        return state


def build_network(
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
    x, y = project_wgs84(lat, lon, crs)
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


def segments(net: StreetNetwork) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Undirected segments ``(a, b, length_m)`` with ``a < b``."""
    rows = np.repeat(np.arange(net.n_nodes, dtype=np.int64), np.diff(net.indptr))
    mask = rows < net.indices
    return rows[mask], net.indices[mask].astype(np.int64), net.length_m[mask]


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
    check_wgs84(lat, lon, "graph node coordinates")
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
    return build_network(osm_ids, lat, lon, u, v, length, crs, 1, "networkx graph", InputError)
