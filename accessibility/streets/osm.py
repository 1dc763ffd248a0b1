"""Reading the walking network from an OpenStreetMap file with pyosmium."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from accessibility.errors import InputError, OsmError
from accessibility.formats import pbf_problem
from accessibility.geo import haversine_m
from accessibility.streets.graph import StreetNetwork, build_network
from accessibility.streets.rules import is_walkable

logger = logging.getLogger(__name__)


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
    import osmium

    path = Path(path)
    if not path.is_file():
        raise OsmError(
            f"OSM file not found: {path}. Give the path of an .osm.pbf or .osm extract "
            "(download one, e.g. from download.geofabrik.de or extract.bbbike.org)."
        )
    if min_component_nodes < 1:
        raise InputError(f"min_component_nodes must be >= 1, got {min_component_nodes}")
    check_complete(path)
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
    except (RuntimeError, OSError, ValueError, osmium.InvalidLocationError) as exc:
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
