"""Reading the walking network from an OpenStreetMap file with pyosmium.

No Python code runs per node: libosmium reads the file, keeps the node
locations (``FileProcessor.with_locations``) and passes only ``highway=*``
objects on (``KeyFilter``); Python looks at each way's tags once, and
libosmium writes every walkable way's node references (an OPL text chunk)
and its node locations (WKB) in C++. numpy and shapely turn those into arrays,
one chunk of about :data:`CHUNK_NODES` way nodes at a time, so memory grows
with the walkable network, not with the file. Ways with nodes missing from
the file (cut off by an extract) are the one exception: they are split at the
missing nodes node by node.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from accessibility.errors import InputError, OsmError
from accessibility.formats import pbf_problem
from accessibility.geo import haversine_m, wkb_linestring_coordinates
from accessibility.progress import progress_bar
from accessibility.streets.graph import StreetNetwork, build_network
from accessibility.streets.rules import is_walkable

logger = logging.getLogger(__name__)

CHUNK_NODES = 2_000_000
"""Way nodes collected before libosmium's output is turned into arrays."""


def check_complete(path: Path) -> None:
    """Raise :class:`OsmError` for a PBF file that is cut short, also at a block boundary.

    See :func:`accessibility.formats.pbf_problem`.
    """
    problem = pbf_problem(path) if path.suffix.lower() == ".pbf" else None
    if problem is not None:
        raise OsmError(f"cannot read OSM file {path}: {problem}. It was probably cut short by an "
                       "interrupted download or copy: download it again.")


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
        The file is missing, unreadable or cut short (:func:`check_complete`), holds
        an invalid coordinate, or holds no walkable ways.
    """
    path = Path(path)
    if not path.is_file():
        raise OsmError(
            f"OSM file not found: {path}. Give the path of an .osm.pbf or .osm extract "
            "(download one, e.g. from download.geofabrik.de or extract.bbbike.org)."
        )
    if min_component_nodes < 1:
        raise InputError(f"min_component_nodes must be >= 1, got {min_component_nodes}")
    check_complete(path)
    import osmium

    t0 = time.perf_counter()
    try:
        ways = read_ways(path, _walk_code)
    except (RuntimeError, OSError, ValueError, osmium.InvalidLocationError) as exc:
        raise OsmError(
            f"cannot read OSM file {path}: {str(exc).rstrip('.')}. Check that it is a complete "
            ".osm.pbf or .osm file (re-download it if it is truncated)."
        ) from exc
    ref_a, lat_a, lon_a, way_a, _, n_highway, n_walkable, n_missing = ways
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
    pair = np.flatnonzero((way_a[:-1] == way_a[1:]) & (ref_a[:-1] != ref_a[1:]))
    if len(pair) == 0:
        raise OsmError(
            f"{path} holds no walkable ways (no highway=* way with two located nodes "
            "that pedestrians may use). Check that the extract covers the study area."
        )
    osm_ids, first, inverse = np.unique(ref_a, return_index=True, return_inverse=True)
    lat = lat_a[first]
    lon = lon_a[first]
    u = inverse[pair]
    v = inverse[pair + 1]
    length = haversine_m(lat[u], lon[u], lat[v], lon[v])
    net = build_network(
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


def _walk_code(tags: Mapping[str, str]) -> int:
    return int(is_walkable(tags))


def read_ways(path: Path, classify: Callable[[Mapping[str, str]], int]) -> tuple:
    """Node refs, lat, lon and way piece of every node of the kept ways, and counts.

    Parameters
    ----------
    path : Path
    classify : callable
        Tags -> int code; 0 drops the way, any other value keeps it and is
        returned per piece (the walking network uses 1, the bicycle network
        its access codes).

    Returns ``(refs, lat, lon, way_of, piece_code, n_highway, n_kept, n_missing)``:
    int64 / float64 / float64 / int64 arrays in way order (consecutive nodes
    of a piece are street segments), the int8 code of every piece (indexed by
    ``way_of``) and the counts for the log.
    """
    import osmium

    wkb = osmium.geom.WKBFactory()
    chunks: list[tuple[np.ndarray, ...]] = []
    counts = {"highway": 0, "walkable": 0, "missing": 0, "pieces": 0}
    with tempfile.TemporaryDirectory(prefix="osm-ways-") as tmp:
        chunk = _WayChunk(Path(tmp) / "ways.opl")
        processor = (
            osmium.FileProcessor(str(path))
            .with_locations()
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        with progress_bar("OSM-wegen lezen / reading OSM ways", None) as advance:
            for obj in processor:
                if not obj.is_way():
                    continue
                counts["highway"] += 1
                code = classify(obj.tags)
                if not code:
                    continue
                counts["walkable"] += 1
                try:
                    geometry = wkb.create_linestring(obj, use_nodes=osmium.geom.ALL)
                except osmium.InvalidLocationError:
                    counts["missing"] += chunk.add_broken(obj, code)
                    continue
                except RuntimeError:  # fewer than two nodes: no segment
                    continue
                chunk.add(obj, geometry, code)
                if chunk.n_nodes >= CHUNK_NODES:
                    advance(chunk.n_nodes)
                    chunks.append(chunk.arrays(counts["pieces"]))
                    counts["pieces"] += chunk.n_pieces
                    chunk = _WayChunk(Path(tmp) / f"ways{len(chunks)}.opl")
            chunks.append(chunk.arrays(counts["pieces"]))
    refs, lat, lon, way_of, codes = (np.concatenate(parts) for parts in zip(*chunks, strict=True))
    return (refs, lat, lon, way_of, codes, counts["highway"], counts["walkable"],
            counts["missing"])


class _WayChunk:
    """Ways collected by libosmium: refs as OPL text, locations as WKB (both written in C++)."""

    def __init__(self, opl: Path) -> None:
        import osmium

        self.opl = opl
        self.writer = osmium.SimpleWriter(osmium.io.File(str(opl), "opl,add_metadata=false"))
        self.geometries: list[str] = []
        self.codes: list[int] = []
        self.broken: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]] = []
        self.n_nodes = 0
        self.n_pieces = 0

    def add(self, way, geometry: str, code: int) -> None:
        self.writer.add_way(way)
        self.geometries.append(geometry)
        self.codes.append(code)
        self.n_nodes += len(way.nodes)
        self.n_pieces += 1

    def add_broken(self, way, code: int) -> int:
        """A way with nodes missing from the file: split there (node by node); returns the missing."""
        refs, lats, lons, piece = [], [], [], []
        missing = 0
        for node in way.nodes:
            loc = node.location
            if loc.valid():
                refs.append(node.ref)
                lats.append(loc.lat)
                lons.append(loc.lon)
                piece.append(missing)
            else:
                missing += 1
        self.broken.append((np.asarray(refs, dtype=np.int64), np.asarray(lats, dtype=np.float64),
                            np.asarray(lons, dtype=np.float64), np.asarray(piece, dtype=np.int64),
                            missing + 1, code))
        self.n_pieces += missing + 1
        return missing

    def arrays(self, first_piece: int) -> tuple[np.ndarray, ...]:
        """``(refs, lat, lon, way_of, piece_code)``; pieces numbered from ``first_piece``."""
        self.writer.close()
        text = self.opl.read_text(encoding="utf-8")
        self.opl.unlink()
        lines = [line[line.rfind(" N") + 2:] for line in text.split("\n") if line]
        refs = (np.fromstring(",".join(lines).replace("n", ""), dtype=np.int64, sep=",")
                if lines else np.empty(0, dtype=np.int64))
        lonlat, way_index = wkb_linestring_coordinates(self.geometries)
        if len(refs) != len(lonlat):
            raise OsmError(f"libosmium wrote {len(refs)} node references but {len(lonlat)} "
                           "locations; the file may be corrupt")
        # the ways split at missing nodes go after the whole ones, with their own pieces
        parts = [(refs, lonlat[:, 1], lonlat[:, 0], way_index.astype(np.int64))]
        piece = len(self.geometries)
        codes = [np.asarray(self.codes, dtype=np.int8)]
        for b_refs, b_lat, b_lon, b_piece, n_pieces, code in self.broken:
            parts.append((b_refs, b_lat, b_lon, b_piece + piece))
            codes.append(np.full(n_pieces, code, dtype=np.int8))
            piece += n_pieces
        out = tuple(np.concatenate(p) for p in zip(*parts, strict=True))
        return out[0], out[1], out[2], out[3] + first_piece, np.concatenate(codes)

