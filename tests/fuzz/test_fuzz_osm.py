"""Fuzz: damaged OpenStreetMap files (XML and PBF) raise only the package's own errors."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from strategies import NASTY, mutated_bytes

from accessibility.errors import AccessibilityError
from accessibility.streets import read_osm

NODES = [(i + 1, 52.0 + (i % 3) * 1e-4, 5.0 + i * 1e-4) for i in range(12)]
XML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n'
    + "".join(f'<node id="{i}" lat="{lat}" lon="{lon}"/>\n' for i, lat, lon in NODES)
    + '<way id="100">' + "".join(f'<nd ref="{i}"/>' for i, _, _ in NODES)
    + '<tag k="highway" v="residential"/></way>\n'
    + '<way id="101"><nd ref="1"/><nd ref="5"/><tag k="highway" v="footway"/>'
    + '<tag k="access" v="private"/></way>\n'
    + '<relation id="900"><member type="way" ref="100" role=""/><tag k="type" v="route"/>'
    + "</relation>\n</osm>\n"
)


def _read(path: Path) -> None:
    try:
        read_osm(path, min_component_nodes=1)
    except AccessibilityError:
        pass


def test_fuzz_xml_is_valid() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "s.osm").write_text(XML)
        assert read_osm(Path(tmp) / "s.osm", min_component_nodes=1).n_nodes == 12


@given(attribute=st.sampled_from(['lat="52.0"', 'lon="5.0"', 'ref="3"', 'v="residential"',
                                  'id="4"', 'k="highway"']),
       value=NASTY)
def test_xml_attribute_values(attribute: str, value: str) -> None:
    name = attribute.split("=")[0]
    escaped = value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    text = XML.replace(attribute, f'{name}="{escaped}"', 1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.osm"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _read(path)


@given(data=st.data())
def test_xml_bytes(data) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.osm"
        path.write_bytes(data.draw(mutated_bytes(XML.encode())))
        _read(path)


@given(data=st.data())
def test_pbf_bytes(data, sorted_pbf) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.osm.pbf"
        path.write_bytes(data.draw(mutated_bytes(sorted_pbf[0])))
        _read(path)
