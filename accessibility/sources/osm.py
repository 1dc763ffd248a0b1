"""OpenStreetMap extracts (Geofabrik provinces) clipped to a region with pyosmium.

Geofabrik publishes one PBF per Dutch province, e.g.
``https://download.geofabrik.de/europe/netherlands/noord-holland-latest.osm.pbf``.
A region on a provincial border (Gooi en Vechtstreek: Eemnes lies in Utrecht)
lists several; :func:`clip_osm` clips each and merges them into one file.

The clip keeps (like ``osmium extract --strategy complete_ways``, without
nodes that belong to no way, which the walking network never reads):

* every way with at least one node inside the bounding box, with *all* its
  nodes (so street segments crossing the bbox edge stay whole);
* every relation with at least one kept node or way as a member (members
  outside are referenced but not included).

No Python code runs per node (a national extract has hundreds of millions):
libosmium keeps the node locations, writes the way geometries as WKB and the
kept objects to the output; numpy tests the locations against the bbox.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import osmium

from accessibility.errors import OsmError
from accessibility.geo import wkb_linestring_coordinates
from accessibility.io import atomic_path
from accessibility.progress import progress_bar

log = logging.getLogger(__name__)

Bbox = tuple[float, float, float, float]


@dataclass(frozen=True)
class OsmClipStats:
    """Objects written by :func:`clip_osm`.

    Attributes
    ----------
    nodes, ways, relations : int
        Objects in the output file.
    nodes_inside : int
        Nodes inside the bbox (the rest are the outside ends of kept ways).
    """

    nodes: int
    ways: int
    relations: int
    nodes_inside: int


def clip_osm(sources: Sequence[str | Path], dest: str | Path, bbox: Bbox) -> OsmClipStats:
    """Clip one or more OSM files to ``bbox`` and write one PBF (atomically).

    Parameters
    ----------
    sources : sequence of str or Path
        OSM files (PBF or XML), e.g. Geofabrik province extracts.
    dest : str or Path
        Output ``.osm.pbf`` / ``.pbf`` file.
    bbox : tuple of float
        ``(min_lon, min_lat, max_lon, max_lat)`` in WGS84 degrees.

    Returns
    -------
    OsmClipStats

    Raises
    ------
    OsmError
        A source is missing or unreadable, or no node lies inside the bbox.
    """
    paths = [Path(s) for s in sources]
    if not paths:
        raise OsmError("no OSM source file given; set sources.osm_url in the region file")
    for p in paths:
        if not p.is_file():
            raise OsmError(f"OSM file {p} does not exist; run `accessibility data fetch` first")
    dest = Path(dest)
    with tempfile.TemporaryDirectory(dir=dest.parent if dest.parent.exists() else None) as tmpdir:
        parts = []
        kept: list[_Part] = []
        for i, p in enumerate(paths):
            part = Path(tmpdir) / f"part{i}.osm.pbf"
            kept.append(_clip_one(p, part, bbox))
            parts.append(part)
        if sum(k.stats.nodes_inside for k in kept) == 0:
            raise OsmError(
                f"no node of {', '.join(str(p) for p in paths)} lies inside the region bbox "
                f"{tuple(round(v, 4) for v in bbox)}; check that the extract(s) cover the region "
                "(sources.osm_url)"
            )
        written = [(part, k) for part, k in zip(parts, kept, strict=True) if part.exists()]
        with atomic_path(dest) as tmp:
            if len(written) == 1:
                written[0][0].replace(tmp)
                stats = written[0][1].stats
            else:
                merger = osmium.MergeInputReader()
                for part, _ in written:
                    merger.add_file(str(part))
                writer = osmium.WriteHandler(str(tmp))
                try:
                    merger.apply(writer, simplify=True)
                finally:
                    writer.close()
                # the union of the parts: objects in several extracts count once
                stats = _merged_stats(tmp, [k for _, k in written])
    log.info("clipped %s -> %s: %s", ", ".join(p.name for p in paths), dest.name, stats)
    return stats


WAY_CHUNK = 200_000
"""Ways whose locations are decoded and tested against the bbox at once."""


@dataclass
class _Part:
    """What :func:`_clip_one` kept of one source: way and relation ids, inside locations."""

    ways: np.ndarray
    relations: list[int]
    inside: np.ndarray
    stats: OsmClipStats


def _clip_one(src: Path, dest: Path, bbox: Bbox) -> _Part:
    """Clip one file; libosmium does the per-node work, Python sees each way and relation once.

    1. ways with their node locations (C++ location index): their WKB is
       decoded and tested against the bbox in numpy, chunk by chunk;
    2. the nodes of the kept ways (``IdTracker.complete_backward_references``, C++);
    3. relations with a kept member (one Python check per relation);
    4. the kept objects are written by libosmium (``osmium.apply`` with the
       tracker's id filter and a ``WriteHandler``).
    """
    keep = osmium.IdTracker()
    wkb = osmium.geom.WKBFactory()
    kept_ways: list[np.ndarray] = []
    inside_keys: list[np.ndarray] = []
    ids: list[int] = []
    geoms: list[str] = []

    def flush() -> None:
        way_ids = np.asarray(ids, dtype=np.int64)
        lonlat, way_of = wkb_linestring_coordinates(geoms)
        inside = _inside(lonlat, bbox)
        touching = np.zeros(len(way_ids), dtype=bool)
        touching[way_of[inside]] = True
        kept_ways.append(way_ids[touching])
        inside_keys.append(_location_keys(lonlat[inside]))
        ids.clear()
        geoms.clear()

    try:
        ways = (osmium.FileProcessor(str(src)).with_locations()
                .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY)))
        with progress_bar(f"{src.name} knippen / clipping", None) as advance:
            for way in ways:
                try:
                    geoms.append(wkb.create_linestring(way, use_nodes=osmium.geom.ALL))
                    ids.append(way.id)
                except (osmium.InvalidLocationError, RuntimeError):
                    located = [(n.lon, n.lat) for n in way.nodes if n.location.valid()]
                    here = _inside(np.array(located, dtype=np.float64).reshape(-1, 2), bbox)
                    if here.any():
                        kept_ways.append(np.array([way.id], dtype=np.int64))
                        inside_keys.append(_location_keys(np.array(located)[here]))
                if len(ids) >= WAY_CHUNK:
                    advance(len(ids))
                    flush()
            flush()
        way_ids = np.unique(np.concatenate(kept_ways))
        inside = np.unique(np.concatenate(inside_keys))
        if len(inside) == 0:
            return _Part(way_ids, [], inside, OsmClipStats(0, 0, 0, 0))
        for wid in way_ids.tolist():
            keep.add_way(wid)
        keep.complete_backward_references(str(src), relation_depth=0)
        relations = [rel.id for rel in osmium.FileProcessor(str(src), osmium.osm.RELATION)
                     if keep.contains_any_references(rel)]
        for rid in relations:
            keep.add_relation(rid)
        writer = osmium.WriteHandler(str(dest))
        try:
            osmium.apply(str(src), keep.id_filter(), writer)
        finally:
            writer.close()
    except RuntimeError as exc:
        raise OsmError(f"{src}: cannot read OSM data ({exc}); delete the file and fetch again") from exc
    stats = OsmClipStats(nodes=len(keep.node_ids()), ways=len(way_ids), relations=len(relations),
                         nodes_inside=len(inside))
    log.debug("%s: %s", src.name, stats)
    return _Part(way_ids, relations, inside, stats)


def _inside(lonlat: np.ndarray, bbox: Bbox) -> np.ndarray:
    x0, y0, x1, y1 = bbox
    lon, lat = lonlat[:, 0], lonlat[:, 1]
    return (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)


def _location_keys(lonlat: np.ndarray) -> np.ndarray:
    """One int64 per location on OSM's 1e-7 degree grid (to count distinct nodes)."""
    fixed = np.rint(lonlat * 1e7).astype(np.int64)
    return fixed[:, 0] * 4_000_000_000 + fixed[:, 1]


def _merged_stats(path: Path, parts: Sequence[_Part]) -> OsmClipStats:
    """Counts of the merged file: the union of what the parts kept."""
    tracker = osmium.IdTracker()
    ways = np.unique(np.concatenate([p.ways for p in parts]))
    for wid in ways.tolist():
        tracker.add_way(wid)
    tracker.complete_backward_references(str(path), relation_depth=0)
    relations = {r for p in parts for r in p.relations}
    inside = np.unique(np.concatenate([p.inside for p in parts]))
    return OsmClipStats(nodes=len(tracker.node_ids()), ways=len(ways), relations=len(relations),
                        nodes_inside=len(inside))
