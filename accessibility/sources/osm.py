"""OpenStreetMap extracts (Geofabrik provinces) clipped to a region with pyosmium.

Geofabrik publishes one PBF per Dutch province, e.g.
``https://download.geofabrik.de/europe/netherlands/noord-holland-latest.osm.pbf``.
A region on a provincial border (Gooi en Vechtstreek: Eemnes lies in Utrecht)
lists several; :func:`clip_osm` clips each and merges them into one file.

The clip keeps (like ``osmium extract --strategy complete_ways``):

* every node inside the bounding box;
* every way with at least one node inside, with *all* its nodes (so street
  segments crossing the bbox edge stay whole);
* every relation with at least one kept node or way as a member (members
  outside are referenced but not included).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import osmium

from accessibility.errors import OsmError
from accessibility.io import atomic_path

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
        part_stats = []
        for i, p in enumerate(paths):
            part = Path(tmpdir) / f"part{i}.osm.pbf"
            part_stats.append(_clip_one(p, part, bbox))
            parts.append(part)
        if sum(st.nodes_inside for st in part_stats) == 0:
            raise OsmError(
                f"no node of {', '.join(str(p) for p in paths)} lies inside the region bbox "
                f"{tuple(round(v, 4) for v in bbox)}; check that the extract(s) cover the region "
                "(sources.osm_url)"
            )
        with atomic_path(dest) as tmp:
            if len(parts) == 1:
                parts[0].replace(tmp)
            else:
                merger = osmium.MergeInputReader()
                for part in parts:
                    merger.add_file(str(part))
                writer = osmium.WriteHandler(str(tmp))
                try:
                    merger.apply(writer, simplify=True)
                finally:
                    writer.close()
    # one source: counted while writing; several: count the merged file (duplicates removed)
    stats = part_stats[0] if len(parts) == 1 else _count(dest, bbox)
    log.info("clipped %s -> %s: %s", ", ".join(p.name for p in paths), dest.name, stats)
    return stats


def _inside(lon: float, lat: float, bbox: Bbox) -> bool:
    return bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]


def _clip_one(src: Path, dest: Path, bbox: Bbox) -> OsmClipStats:
    """Clip one file (three passes over ``src``); returns the counts of what was written."""
    inside_nodes = osmium.IdTracker()
    keep = osmium.IdTracker()
    inside = 0
    try:
        # pass 1: nodes inside the bbox
        x0, y0, x1, y1 = bbox
        for node in osmium.FileProcessor(str(src), osmium.osm.NODE):
            loc = node.location
            if loc.valid() and x0 <= loc.lon <= x1 and y0 <= loc.lat <= y1:
                inside_nodes.add_node(node.id)
                keep.add_node(node.id)
                inside += 1
        # pass 2: ways touching those nodes (with all their nodes), relations with kept members
        way_count = 0
        for obj in osmium.FileProcessor(str(src), osmium.osm.WAY | osmium.osm.RELATION):
            if obj.is_way():
                if inside_nodes.contains_any_references(obj):
                    keep.add_way(obj.id)
                    keep.add_references(obj)
                    way_count += 1
            elif keep.contains_any_references(obj):
                keep.add_relation(obj.id)
        # pass 3: write the kept objects (the id filter runs in C++)
        counts = {"n": 0, "w": 0, "r": 0}
        with osmium.SimpleWriter(str(dest)) as writer:
            for obj in osmium.FileProcessor(str(src)).with_filter(keep.id_filter()):
                writer.add(obj)
                counts[obj.type_str()] += 1
    except RuntimeError as exc:
        raise OsmError(f"{src}: cannot read OSM data ({exc}); delete the file and fetch again") from exc
    log.debug("%s: %d nodes inside, %d ways kept", src.name, inside, way_count)
    return OsmClipStats(nodes=counts["n"], ways=counts["w"], relations=counts["r"],
                        nodes_inside=inside)


def _count(path: Path, bbox: Bbox) -> OsmClipStats:
    nodes = ways = relations = inside = 0
    for obj in osmium.FileProcessor(str(path)):
        if obj.is_node():
            nodes += 1
            if obj.location.valid() and _inside(obj.location.lon, obj.location.lat, bbox):
                inside += 1
        elif obj.is_way():
            ways += 1
        elif obj.is_relation():
            relations += 1
    return OsmClipStats(nodes=nodes, ways=ways, relations=relations, nodes_inside=inside)
