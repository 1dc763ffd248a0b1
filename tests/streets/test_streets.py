"""Tests of the walking network: reading OSM, snapping, network distances."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse
from pyproj import Transformer
from scipy.sparse.csgraph import dijkstra

from accessibility.errors import InputError, OsmError, SnapError
from accessibility.geo import choose_metric_crs
from accessibility.streets import (
    SnapResult,
    StreetNetwork,
    from_networkx,
    is_walkable,
    point_to_node_distances,
    point_to_point_distances,
    read_osm,
    require_snapped,
    snap_points,
    to_networkx,
)

R = 6_371_009.0
# Hand-built networks live in UTM 31N (no datum shift, so projections round-trip exactly).
TEST_CRS = "EPSG:32631"
UTM_TO_WGS = Transformer.from_crs(TEST_CRS, "EPSG:4326", always_xy=True)
X0, Y0 = 600_000.0, 5_770_000.0  # near Utrecht, in metres


def hav(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Independent scalar haversine in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(math.sqrt(a))


def write_osm(path: Path, nodes: dict[int, tuple[float, float]], ways: list[tuple[list[int], dict]]):
    """Write an OSM XML file: nodes {id: (lat, lon)}, ways [(node ids, tags)]."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for nid, (lat, lon) in nodes.items():
        lines.append(f'  <node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    for wid, (refs, tags) in enumerate(ways, start=1):
        lines.append(f'  <way id="{wid}" version="1">')
        lines += [f'    <nd ref="{r}"/>' for r in refs]
        lines += [f'    <tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("  </way>")
    lines.append("</osm>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_net(xy: np.ndarray, edges: list[tuple[int, int]]) -> StreetNetwork:
    """A hand-built network in TEST_CRS with Euclidean edge lengths."""
    xy = np.asarray(xy, dtype=np.float64)
    n = len(xy)
    u = np.array([e[0] for e in edges])
    v = np.array([e[1] for e in edges])
    w = np.hypot(xy[u, 0] - xy[v, 0], xy[u, 1] - xy[v, 1])
    m = scipy.sparse.coo_matrix(
        (np.concatenate([w, w]), (np.concatenate([u, v]), np.concatenate([v, u]))), shape=(n, n)
    ).tocsr()
    m.sort_indices()
    lon, lat = UTM_TO_WGS.transform(xy[:, 0], xy[:, 1])
    return StreetNetwork(
        osm_node_ids=np.arange(1, n + 1, dtype=np.int64),
        lat=np.asarray(lat),
        lon=np.asarray(lon),
        x=xy[:, 0].copy(),
        y=xy[:, 1].copy(),
        crs=TEST_CRS,
        indptr=m.indptr.astype(np.int64),
        indices=m.indices.astype(np.int32),
        length_m=m.data.astype(np.float64),
    )


def latlon_of(x, y) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = UTM_TO_WGS.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.asarray(lat), np.asarray(lon)


def csr_dense(m: scipy.sparse.csr_matrix) -> np.ndarray:
    """Dense copy with absent entries as inf (explicit zeros stay 0)."""
    out = np.full(m.shape, np.inf)
    coo = m.tocoo()
    out[coo.row, coo.col] = coo.data
    return out


# ------------------------------------------------------------------ tag filter


@pytest.mark.parametrize(
    ("tags", "walkable"),
    [
        ({"highway": "footway"}, True),
        ({"highway": "residential"}, True),
        ({"highway": "platform"}, True),
        ({"highway": "cycleway"}, True),
        ({"highway": "steps"}, True),
        ({"highway": "service", "access": "customers"}, True),
        ({"highway": "motorway"}, False),
        ({"highway": "trunk_link"}, False),
        ({"highway": "trunk", "foot": "yes"}, True),
        ({"highway": "motorway", "foot": "permissive"}, False),
        ({"highway": "construction"}, False),
        ({"highway": "proposed"}, False),
        ({"highway": "bus_guideway"}, False),
        ({"highway": "footway", "foot": "no"}, False),
        ({"highway": "path", "foot": "private"}, False),
        ({"highway": "service", "access": "private"}, False),
        ({"highway": "service", "access": "no", "foot": "permissive"}, True),
        ({"highway": "track", "access": "no", "foot": "designated"}, True),
        ({"railway": "rail"}, False),
    ],
)
def test_is_walkable(tags, walkable):
    assert is_walkable(tags) is walkable


# ------------------------------------------------------------------ read_osm


def grid_nodes(n: int, lat0=52.0, lon0=5.0, step=0.001, start_id=1):
    """n nodes in a row along a parallel: {id: (lat, lon)}."""
    return {start_id + i: (lat0, lon0 + i * step) for i in range(n)}


def test_read_osm_counts_lengths_and_filter(tmp_path, caplog):
    nodes = grid_nodes(5)  # 1..5 along a parallel
    nodes.update({10: (52.001, 5.0), 11: (52.002, 5.0005), 20: (52.003, 5.0), 21: (52.004, 5.0)})
    ways = [
        ([1, 2, 3, 4, 5], {"highway": "footway"}),
        ([1, 10, 11], {"highway": "residential", "name": "Kerkstraat"}),
        ([11, 20], {"highway": "motorway"}),  # excluded
        ([20, 21], {"highway": "path", "foot": "no"}),  # excluded
        ([3, 10], {"railway": "rail"}),  # not a highway
        ([2, 3], {"highway": "service"}),  # duplicate segment, kept once
    ]
    path = write_osm(tmp_path / "t.osm", nodes, ways)
    with caplog.at_level(logging.INFO, logger="accessibility.streets"):
        net = read_osm(path, min_component_nodes=1)
    assert "3 of 5 highway=* ways are walkable (2 excluded" in caplog.text
    assert "7 nodes, 6 segments" in caplog.text
    assert net.osm_node_ids.tolist() == [1, 2, 3, 4, 5, 10, 11]
    assert net.n_edges == 2 * 6
    assert net.crs == "EPSG:28992"
    # CSR is symmetric and sorted
    m = scipy.sparse.csr_matrix((net.length_m, net.indices, net.indptr), shape=(7, 7))
    assert abs(m - m.T).max() == 0
    idx = {int(o): i for i, o in enumerate(net.osm_node_ids)}
    dense = m.toarray()
    for a, b in [(1, 2), (2, 3), (3, 4), (4, 5), (1, 10), (10, 11)]:
        expected = hav(*nodes[a], *nodes[b])
        assert dense[idx[a], idx[b]] == pytest.approx(expected, rel=1e-9)
    assert dense[idx[1], idx[2]] == pytest.approx(68.46, abs=0.01)  # 0.001 deg lon at 52 N
    # projected coordinates are RD metres: neighbours ~68.5 m apart along x
    assert net.x[idx[2]] - net.x[idx[1]] == pytest.approx(68.46, abs=0.3)  # Bessel vs sphere
    assert net.y[idx[2]] - net.y[idx[1]] == pytest.approx(0.0, abs=1.0)


def test_read_osm_prunes_small_components(tmp_path, caplog):
    nodes = grid_nodes(25)
    nodes.update(grid_nodes(3, lat0=52.01, start_id=100))
    ways = [(list(range(1, 26)), {"highway": "residential"}), ([100, 101, 102], {"highway": "footway"})]
    path = write_osm(tmp_path / "t.osm", nodes, ways)
    with caplog.at_level(logging.INFO, logger="accessibility.streets"):
        net = read_osm(path)  # default min_component_nodes=20
    assert "removed 1 connected components with fewer than 20 nodes (3 nodes)" in caplog.text
    assert net.n_nodes == 25
    assert net.n_edges == 2 * 24
    assert set(net.osm_node_ids.tolist()) == set(range(1, 26))
    assert read_osm(path, min_component_nodes=3).n_nodes == 28
    with pytest.raises(OsmError, match="min_component_nodes"):
        read_osm(path, min_component_nodes=30)


def test_read_osm_splits_ways_at_missing_nodes(tmp_path, caplog):
    nodes = grid_nodes(4)
    ways = [([1, 2, 99, 3, 4], {"highway": "footway"})]  # node 99 is not in the file
    path = write_osm(tmp_path / "t.osm", nodes, ways)
    net = read_osm(path, min_component_nodes=1)
    assert net.n_nodes == 4
    assert net.n_edges == 2 * 2  # 1-2 and 3-4, no edge across the gap
    assert "1 way node references have no location" in caplog.text


def test_read_osm_pbf_roundtrip(tmp_path):
    import osmium

    nodes = grid_nodes(3)
    xml = write_osm(tmp_path / "t.osm", nodes, [([1, 2, 3], {"highway": "living_street"})])
    pbf = tmp_path / "t.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(xml)):
            writer.add(obj)
    net = read_osm(pbf, min_component_nodes=1)
    assert net.n_nodes == 3
    assert net.length_m.sum() == pytest.approx(2 * 2 * hav(*nodes[1], *nodes[2]), rel=1e-6)
    truncated = tmp_path / "cut.osm.pbf"
    truncated.write_bytes(pbf.read_bytes()[: pbf.stat().st_size // 2])
    with pytest.raises(OsmError, match="cannot read OSM file .*cut.osm.pbf"):
        read_osm(truncated)


def test_read_osm_errors(tmp_path):
    with pytest.raises(OsmError, match="not found"):
        read_osm(tmp_path / "missing.osm.pbf")
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"this is not a pbf file at all" * 10)
    with pytest.raises(OsmError, match="cannot read OSM file"):
        read_osm(bad)
    with pytest.raises(OsmError, match="Could not detect file format"):
        read_osm(write_osm(tmp_path / "x.txt", grid_nodes(2), []))
    only_motorway = write_osm(
        tmp_path / "m.osm", grid_nodes(3), [([1, 2, 3], {"highway": "motorway"})]
    )
    with pytest.raises(OsmError, match="no walkable ways"):
        read_osm(only_motorway)
    footway = write_osm(tmp_path / "f.osm", grid_nodes(3), [([1, 2, 3], {"highway": "footway"})])
    with pytest.raises(InputError, match="not a projected"):
        read_osm(footway, crs="EPSG:4326", min_component_nodes=1)
    with pytest.raises(InputError, match="unknown CRS 'EPSG:999999'"):
        read_osm(footway, crs="EPSG:999999", min_component_nodes=1)
    with pytest.raises(InputError, match="min_component_nodes must be >= 1"):
        read_osm(footway, min_component_nodes=0)
    assert read_osm(footway, crs="EPSG:32631", min_component_nodes=1).crs == "EPSG:32631"


def test_choose_metric_crs():
    assert choose_metric_crs(52.2, 5.2) == "EPSG:28992"
    assert choose_metric_crs(np.array([52.1, 52.3]), np.array([5.1, 5.3])) == "EPSG:28992"
    assert choose_metric_crs(-30.03, -51.2) == "EPSG:32722"  # Porto Alegre
    assert choose_metric_crs(40.7, -74.0) == "EPSG:32618"  # New York
    assert choose_metric_crs(48.85, 2.35) == "EPSG:32631"  # Paris, outside the NL bbox
    with pytest.raises(InputError, match="not valid WGS84"):
        choose_metric_crs(np.array([52.0, np.nan]), np.array([5.0, 5.0]))


# ------------------------------------------------------------------ snapping


def snap_test_net() -> StreetNetwork:
    xy = [(X0, Y0), (X0 + 1000, Y0), (X0 + 500, Y0 + 150), (X0 + 500, Y0 + 400)]
    return make_net(xy, [(0, 1), (2, 3), (1, 3)])


def test_snap_to_edge_not_nearest_node():
    net = snap_test_net()
    # 60 m beside the middle of the 1 km edge 0-1; node 2 is only 90 m away
    lat, lon = latlon_of([X0 + 500, X0 + 300], [Y0 + 60, Y0 - 20])
    snap = snap_points(net, lat, lon, max_distance_m=100)
    assert snap.node_a.tolist() == [0, 0]
    assert snap.node_b.tolist() == [1, 1]
    np.testing.assert_allclose(snap.offset_m, [60.0, 20.0], atol=1e-6)
    np.testing.assert_allclose(snap.dist_a_m, [500.0, 300.0], atol=1e-6)
    np.testing.assert_allclose(snap.dist_b_m, [500.0, 700.0], atol=1e-6)
    assert snap.ok.tolist() == [True, True]
    assert snap.node_a.dtype == np.int32
    require_snapped(snap, ["a", "b"], "stops")  # no error


def test_snap_beyond_max_distance_is_reported():
    net = snap_test_net()
    lat, lon = latlon_of([X0 + 500, X0 - 300, X0 + 200], [Y0 + 10, Y0, Y0 - 250])
    snap = snap_points(net, lat, lon, max_distance_m=200)
    assert snap.ok.tolist() == [True, False, False]
    np.testing.assert_allclose(snap.offset_m, [10.0, 300.0, 250.0], atol=1e-6)
    # far points are still snapped to their nearest segment (endpoint 0 here)
    assert snap.dist_a_m[1] == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(SnapError) as err:
        require_snapped(snap, ["s1", "s2", "s3"], "stops")
    msg = str(err.value)
    assert "2 of 3 stops" in msg and "200 m" in msg
    assert "s2 (300 m)" in msg and "s3 (250 m)" in msg and "s1" not in msg
    assert "Raise the maximum snap distance or fix the coordinates" in msg


def test_require_snapped_lists_at_most_ten():
    net = snap_test_net()
    lat, lon = latlon_of(np.full(12, X0 - 500.0), np.full(12, Y0))
    snap = snap_points(net, lat, lon, 100)
    with pytest.raises(SnapError, match="and 2 more"):
        require_snapped(snap, [f"p{i}" for i in range(12)], "points")


def test_snap_rejects_bad_input():
    net = snap_test_net()
    with pytest.raises(InputError, match="#1"):
        snap_points(net, np.array([52.0, 95.0]), np.array([5.0, 5.0]), 100)
    with pytest.raises(InputError, match="same length"):
        snap_points(net, np.array([52.0, 52.1]), np.array([5.0]), 100)
    with pytest.raises(InputError, match="max_distance_m"):
        snap_points(net, np.array([52.0]), np.array([5.0]), -1)
    empty = snap_points(net, np.array([]), np.array([]), 100)
    assert empty.n_points == 0
    lonely = nx.Graph()
    lonely.add_node(1, x=5.0, y=52.0)
    with pytest.raises(InputError, match="no street segments"):
        snap_points(from_networkx(lonely), np.array([52.0]), np.array([5.0]), 100)


def test_snap_to_zero_length_segment():
    graph = nx.Graph()
    graph.add_node(1, x=5.0, y=52.0)
    graph.add_node(2, x=5.0, y=52.0)  # same place as node 1
    graph.add_node(3, x=5.0, y=52.001)
    graph.add_edge(1, 2)
    graph.add_edge(2, 3)
    net = from_networkx(graph)
    assert sorted(net.length_m.tolist()) == pytest.approx([0.0, 0.0, 111.195, 111.195], abs=1e-3)
    snap = snap_points(net, np.array([52.0]), np.array([4.9999]), 100)
    assert snap.offset_m[0] == pytest.approx(6.9, abs=0.1)
    seg_len = {(0, 1): 0.0, (1, 2): hav(52.0, 5.0, 52.001, 5.0)}[(snap.node_a[0], snap.node_b[0])]
    assert snap.dist_a_m[0] == pytest.approx(0.0, abs=1e-3)  # grid convergence: not exactly 0
    assert snap.dist_a_m[0] + snap.dist_b_m[0] == pytest.approx(seg_len, abs=1e-9)
    assert np.isfinite(snap.dist_b_m[0])


# ------------------------------------------------------------------ distances


def random_net(seed: int, n: int = 60) -> StreetNetwork:
    rng = np.random.default_rng(seed)
    xy = np.column_stack([X0 + rng.uniform(0, 2000, n), Y0 + rng.uniform(0, 2000, n)])
    edges = {(i, i + 1) for i in range(n - 1) if rng.random() < 0.8}  # some gaps: components
    for _ in range(n):
        a, b = rng.integers(0, n, 2)
        if a != b:
            edges.add((min(a, b), max(a, b)))
    return make_net(xy, sorted(edges))


def random_points(seed: int, k: int):
    rng = np.random.default_rng(seed + 1000)
    return latlon_of(X0 + rng.uniform(-100, 2100, k), Y0 + rng.uniform(-100, 2100, k))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_point_to_node_matches_scipy_dijkstra(seed):
    net = random_net(seed)
    lat, lon = random_points(seed, 40)
    snap = snap_points(net, lat, lon, 500)
    limit = 900.0
    got = point_to_node_distances(net, snap, limit)
    assert got.shape == (40, net.n_nodes)
    assert got.has_sorted_indices
    graph = scipy.sparse.csr_matrix((net.length_m, net.indices, net.indptr))
    full = dijkstra(graph, directed=False)
    via_a = (snap.offset_m + snap.dist_a_m)[:, None] + full[snap.node_a]
    via_b = (snap.offset_m + snap.dist_b_m)[:, None] + full[snap.node_b]
    expected = np.minimum(via_a, via_b)
    expected[expected > limit] = np.inf
    dense = csr_dense(got)
    assert np.array_equal(np.isinf(dense), np.isinf(expected))
    finite = np.isfinite(expected)
    np.testing.assert_allclose(dense[finite], expected[finite], rtol=0, atol=1e-9)


def test_point_to_node_keeps_explicit_zero():
    net = snap_test_net()
    lat, lon = latlon_of([X0 + 1000, X0 + 400], [Y0, Y0])  # exactly on node 1; on edge 0-1
    snap = snap_points(net, lat, lon, 50)
    got = point_to_node_distances(net, snap, 700)
    row0 = dict(zip(got[0].indices.tolist(), got[0].data.tolist(), strict=True))
    assert row0[1] == pytest.approx(0.0, abs=1e-6)
    assert 0 not in row0  # 1000 m > 700 m limit
    assert row0[3] == pytest.approx(math.hypot(500, 400), abs=1e-6)
    row1 = dict(zip(got[1].indices.tolist(), got[1].data.tolist(), strict=True))
    assert row1 == pytest.approx({0: 400.0, 1: 600.0}, abs=1e-6)
    # a point exactly on node 1 (hand-made snap): the 0 m entry is stored, not dropped
    exact = point_to_node_distances(net, on_node_1(1), 700)
    assert exact.indices.tolist() == [1, 3]
    assert exact.data[0] == 0.0
    assert exact.nnz == 2


def expected_p2p(net, sf, st, limit):
    """Brute force via full all-pairs Dijkstra plus the same-segment walk."""
    graph = scipy.sparse.csr_matrix((net.length_m, net.indices, net.indptr))
    full = dijkstra(graph, directed=False)
    out = np.full((sf.n_points, st.n_points), np.inf)
    for i in range(sf.n_points):
        for j in range(st.n_points):
            best = np.inf
            for ni, di in ((sf.node_a[i], sf.dist_a_m[i]), (sf.node_b[i], sf.dist_b_m[i])):
                for nj, dj in ((st.node_a[j], st.dist_a_m[j]), (st.node_b[j], st.dist_b_m[j])):
                    best = min(best, di + full[ni, nj] + dj)
            if {sf.node_a[i], sf.node_b[i]} == {st.node_a[j], st.node_b[j]}:
                pos_j = st.dist_a_m[j] if st.node_a[j] == sf.node_a[i] else st.dist_b_m[j]
                best = min(best, abs(sf.dist_a_m[i] - pos_j))
            best += sf.offset_m[i] + st.offset_m[j]
            if best <= limit:
                out[i, j] = best
    return out


@pytest.mark.parametrize("seed", [0, 5])
def test_point_to_point_matches_brute_force_and_is_symmetric(seed):
    net = random_net(seed)
    lat, lon = random_points(seed, 30)
    snap = snap_points(net, lat, lon, 500)
    got = point_to_point_distances(net, snap, snap, 1200.0)
    dense = csr_dense(got)
    expected = expected_p2p(net, snap, snap, 1200.0)
    assert np.array_equal(np.isinf(dense), np.isinf(expected))
    finite = np.isfinite(expected)
    np.testing.assert_allclose(dense[finite], expected[finite], rtol=0, atol=1e-9)
    np.testing.assert_allclose(dense[finite], dense.T[finite], rtol=0, atol=1e-9)
    # a point to itself: off the street and back on
    own = np.where(2 * snap.offset_m <= 1200, 2 * snap.offset_m, np.inf)
    np.testing.assert_allclose(np.diag(dense), own, rtol=0, atol=1e-9)


@pytest.mark.parametrize(("n_from", "n_to"), [(25, 7), (7, 25)])
def test_point_to_point_unequal_sizes_match_brute_force(n_from, n_to):
    net = random_net(11)
    lat, lon = random_points(11, n_from + n_to)
    sf = snap_points(net, lat[:n_from], lon[:n_from], 500)
    st = snap_points(net, lat[n_from:], lon[n_from:], 500)
    got = point_to_point_distances(net, sf, st, 1500.0)
    assert got.shape == (n_from, n_to)
    assert got.has_sorted_indices
    dense = csr_dense(got)
    expected = expected_p2p(net, sf, st, 1500.0)
    assert np.array_equal(np.isinf(dense), np.isinf(expected))
    finite = np.isfinite(expected)
    np.testing.assert_allclose(dense[finite], expected[finite], rtol=0, atol=1e-9)


def on_node_1(n: int) -> SnapResult:
    """n hand-made snaps lying exactly on node 1 of snap_test_net (end of edge 0-1)."""
    return SnapResult(
        node_a=np.zeros(n, dtype=np.int32),
        node_b=np.ones(n, dtype=np.int32),
        dist_a_m=np.full(n, 1000.0),
        dist_b_m=np.zeros(n),
        offset_m=np.zeros(n),
        ok=np.ones(n, dtype=bool),
        max_distance_m=50.0,
    )


@pytest.mark.parametrize(("n_from", "n_to"), [(1, 1), (3, 1), (1, 3)])
def test_point_to_point_keeps_explicit_zeros(n_from, n_to):
    got = point_to_point_distances(snap_test_net(), on_node_1(n_from), on_node_1(n_to), 10)
    assert got.nnz == n_from * n_to
    assert np.all(got.data == 0.0)


def test_point_to_point_same_edge_walks_directly():
    net = snap_test_net()
    # two points beside the 1 km edge 0-1; via the nodes it would be >= 2 * 300 m
    lat_f, lon_f = latlon_of([X0 + 300], [Y0 + 5])
    lat_t, lon_t = latlon_of([X0 + 700, X0 + 750], [Y0 - 10, Y0 + 200])
    sf = snap_points(net, lat_f, lon_f, 50)
    st = snap_points(net, lat_t, lon_t, 50)
    got = csr_dense(point_to_point_distances(net, sf, st, 2000))
    assert got[0, 0] == pytest.approx(5 + 400 + 10, abs=1e-6)
    half_13 = math.hypot(500, 400) / 2  # via node 1, then half of edge 1-3
    assert got[0, 1] == pytest.approx(5 + 700 + half_13, abs=1e-6)
    back = csr_dense(point_to_point_distances(net, st, sf, 2000))
    np.testing.assert_allclose(back[:, 0], got[0], atol=1e-9)
    limited = point_to_point_distances(net, sf, st, 1000)
    assert limited.nnz == 1


# ------------------------------------------------------------------ networkx


def test_networkx_round_trip():
    net = random_net(7)
    graph = to_networkx(net)
    assert isinstance(graph, nx.MultiDiGraph)
    assert graph.graph["crs"] == "epsg:4326"
    assert graph.number_of_nodes() == net.n_nodes
    assert graph.number_of_edges() == net.n_edges
    some = int(net.osm_node_ids[3])
    assert graph.nodes[some] == {"x": net.lon[3], "y": net.lat[3], "osmid": some}
    back = from_networkx(graph, crs=TEST_CRS)
    for field in ("osm_node_ids", "lat", "lon", "indptr", "indices", "length_m"):
        np.testing.assert_array_equal(getattr(back, field), getattr(net, field), err_msg=field)
    np.testing.assert_allclose(back.x, net.x, atol=1e-6)
    np.testing.assert_allclose(back.y, net.y, atol=1e-6)
    assert back.crs == TEST_CRS


def test_from_networkx_computes_missing_lengths_and_validates():
    graph = nx.Graph()
    graph.add_node(5, x=5.0, y=52.0)
    graph.add_node(7, x=5.001, y=52.0)
    graph.add_node(9, x=5.001, y=52.001)
    graph.add_edge(5, 7)
    graph.add_edge(7, 9, length=123.0)
    net = from_networkx(graph)
    assert net.crs == "EPSG:28992"
    m = scipy.sparse.csr_matrix((net.length_m, net.indices, net.indptr)).toarray()
    assert m[0, 1] == pytest.approx(hav(52.0, 5.0, 52.0, 5.001), rel=1e-12)
    assert m[1, 2] == 123.0
    projected = nx.MultiDiGraph(crs="EPSG:28992")
    projected.add_node(1, x=140000.0, y=470000.0)
    with pytest.raises(InputError, match="not WGS84"):
        from_networkx(projected)
    named = nx.Graph()
    named.add_node("a", x=5.0, y=52.0)
    with pytest.raises(InputError, match="integer OSM ids"):
        from_networkx(named)
    no_xy = nx.Graph()
    no_xy.add_node(1)
    with pytest.raises(InputError, match="node 1 has no 'x'/'y'"):
        from_networkx(no_xy)


# ------------------------------------------------------------------ shared data


def shared_file(shared_data: Path, *parts: str) -> Path:
    """A file under ../shared/data (from the conftest fixture); skips when it is absent."""
    path = shared_data.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"reference data not found at {path} (a fresh clone has no ../shared)")
    return path


@pytest.mark.shared
def test_poa_network_and_hexgrid_distances(shared_data):
    net = read_osm(shared_file(shared_data, "poa", "poa_osm.pbf"))
    assert net.crs == "EPSG:32722"
    assert 37_000 <= net.n_nodes <= 39_000  # README: ~37.7k walkable nodes; we get 38,065
    hexgrid = pd.read_csv(shared_file(shared_data, "poa", "poa_hexgrid.csv"))
    snap = snap_points(net, hexgrid["lat"].to_numpy(), hexgrid["lon"].to_numpy(), 500)
    assert snap.ok.sum() >= 1200
    sub = snap_points(net, hexgrid["lat"].to_numpy()[:50], hexgrid["lon"].to_numpy()[:50], 500)
    got = point_to_node_distances(net, sub, 1500)
    graph = scipy.sparse.csr_matrix((net.length_m, net.indices, net.indptr))
    for i in (0, 17, 49):
        full = dijkstra(graph, directed=False, indices=[sub.node_a[i], sub.node_b[i]], limit=1500)
        exp = np.minimum(
            full[0] + sub.offset_m[i] + sub.dist_a_m[i], full[1] + sub.offset_m[i] + sub.dist_b_m[i]
        )
        reach = np.flatnonzero(exp <= 1500)
        assert got[i].indices.tolist() == reach.tolist()
        np.testing.assert_allclose(got[i].data, exp[reach], atol=1e-6)


@pytest.mark.shared
def test_amsterdam_extract_reads_in_rd(shared_data):
    extract = shared_file(shared_data, "nl", "osm", "amsterdam.osm.pbf")
    net = read_osm(extract, min_component_nodes=1)
    assert net.crs == "EPSG:28992"
    # 1,429 nodes in the file, 266 on the 48 walkable ways (6 trunk ways of the Gooiseweg
    # are excluded), in two components of 200 and 66 nodes (both kept at the default 20)
    assert net.n_nodes == 266
    assert net.n_edges == 2 * 278
    graph = scipy.sparse.csr_matrix((net.length_m, net.indices, net.indptr))
    assert scipy.sparse.csgraph.connected_components(graph, directed=False)[0] == 2
    assert read_osm(extract).n_nodes == 266
    assert np.all((net.x > 100_000) & (net.x < 140_000) & (net.y > 470_000) & (net.y < 500_000))


def test_read_osm_in_small_chunks_gives_the_same_network(monkeypatch, tmp_path):
    """libosmium's output is turned into arrays chunk by chunk; chunking changes nothing."""
    import accessibility.streets.osm as osm_module
    from accessibility.config import REPO_ROOT

    demo = REPO_ROOT / "data" / "demo" / "streets.osm"
    whole = read_osm(demo)
    monkeypatch.setattr(osm_module, "CHUNK_NODES", 7)
    chunked = read_osm(demo)
    for field in ("osm_node_ids", "lat", "lon", "indptr", "indices", "length_m"):
        np.testing.assert_array_equal(getattr(chunked, field), getattr(whole, field))
    # the same with a way cut off by the extract in one of the chunks
    write_osm(tmp_path / "cut.osm", {1: (52.0, 5.0), 2: (52.0, 5.001), 4: (52.0, 5.003),
                                      5: (52.0, 5.004)}, [([1, 2, 3, 4, 5], {"highway": "path"}),
                                                          ([5, 1], {"highway": "path"})])
    cut = read_osm(tmp_path / "cut.osm", min_component_nodes=1)
    assert cut.n_edges // 2 == 3  # 1-2, 4-5, 5-1: the way breaks at the missing node 3
