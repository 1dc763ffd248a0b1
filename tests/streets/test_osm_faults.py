"""A cut or malformed OpenStreetMap file is an OsmError, never a silently smaller network."""

from __future__ import annotations

from pathlib import Path

import pytest

from accessibility.errors import OsmError
from accessibility.streets import read_osm


def test_complete_sorted_pbf_reads(tmp_path: Path, sorted_pbf) -> None:
    path = tmp_path / "ok.osm.pbf"
    path.write_bytes(sorted_pbf[0])
    net = read_osm(path, min_component_nodes=1)
    assert net.n_nodes == 50 and net.n_edges == 98


@pytest.mark.parametrize("cut, pattern", [
    ("after the ways", r"cut short: it is sorted by type.*last block holds ways"),
    ("after the nodes", r"cut short: .*last block holds nodes"),
    ("inside the ways", r"truncated: block 3 ends at byte \d+ but the file has only \d+ bytes"),
    ("inside the header", r"truncated inside the header of block 2"),
])
def test_cut_pbf_is_an_osm_error(tmp_path: Path, sorted_pbf, cut: str, pattern: str) -> None:
    data, ends = sorted_pbf
    size = {"after the ways": ends[2], "after the nodes": ends[1],
            "inside the ways": (ends[1] + ends[2]) // 2, "inside the header": ends[0] + 6}[cut]
    path = tmp_path / "cut.osm.pbf"
    path.write_bytes(data[:size])
    with pytest.raises(OsmError, match=pattern + r".*download it again"):
        read_osm(path, min_component_nodes=1)


def test_unsorted_pbf_without_relations_still_reads(tmp_path: Path) -> None:
    """Files written without the sort flag (the toolkit's own clips) are not judged by their end."""
    import osmium
    from osmium.osm.mutable import Node, Way

    path = tmp_path / "plain.osm.pbf"
    with osmium.SimpleWriter(str(path)) as writer:
        writer.add_node(Node(id=1, location=(5.0, 52.0)))
        writer.add_node(Node(id=2, location=(5.001, 52.0)))
        writer.add_way(Way(id=10, nodes=[1, 2], tags={"highway": "footway"}))
    assert read_osm(path, min_component_nodes=1).n_nodes == 2


@pytest.mark.parametrize("lat", ["abc", "", "52,1"])
def test_xml_with_an_invalid_coordinate_is_an_osm_error(tmp_path: Path, lat: str) -> None:
    path = tmp_path / "bad.osm"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n'
        f'<node id="1" lat="{lat}" lon="4.9"/>\n<node id="2" lat="52.1" lon="4.91"/>\n'
        '<way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>\n'
        "</osm>\n")
    with pytest.raises(OsmError, match=r"cannot read OSM file .*bad\.osm"):
        read_osm(path, min_component_nodes=1)


def test_xml_cut_in_the_middle_is_an_osm_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.osm"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n'
                    '<node id="1" lat="52.0" lon="4.9"/>\n<way id="10"><nd ref="1"/><nd re')
    with pytest.raises(OsmError):
        read_osm(path, min_component_nodes=1)
