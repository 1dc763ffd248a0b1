"""The map background read from OSM extracts with pyosmium, and gemeenten from buurten."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from accessibility.basemap import gemeente_areas, read_background
from accessibility.errors import InputError, OsmError

RD = "EPSG:28992"
#: A tiny extract near Hilversum: a lake as a multipolygon with an island, a closed
#: residential way, a primary and a residential road, a railway, a canal and three places.
OSM = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="test">
  <node id="1" lat="52.20" lon="5.10"/><node id="2" lat="52.20" lon="5.14"/>
  <node id="3" lat="52.23" lon="5.14"/><node id="4" lat="52.23" lon="5.10"/>
  <node id="5" lat="52.21" lon="5.11"/><node id="6" lat="52.21" lon="5.12"/>
  <node id="7" lat="52.22" lon="5.12"/><node id="8" lat="52.22" lon="5.11"/>
  <node id="10" lat="52.24" lon="5.15"/><node id="11" lat="52.24" lon="5.17"/>
  <node id="12" lat="52.26" lon="5.17"/><node id="13" lat="52.26" lon="5.15"/>
  <node id="20" lat="52.19" lon="5.09"/><node id="21" lat="52.27" lon="5.19"/>
  <node id="22" lat="52.19" lon="5.19"/>
  <node id="30" lat="52.25" lon="5.16"><tag k="place" v="town"/><tag k="name" v="Hilversum"/></node>
  <node id="31" lat="52.21" lon="5.16"><tag k="place" v="village"/><tag k="name" v="Loosdrecht"/></node>
  <node id="32" lat="52.25" lon="5.18"><tag k="place" v="hamlet"/><tag k="name" v="Gehucht"/></node>
  <node id="33" lat="52.26" lon="5.10"><tag k="place" v="city"/></node>
  <way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/></way>
  <way id="101"><nd ref="5"/><nd ref="6"/><nd ref="7"/><nd ref="8"/><nd ref="5"/></way>
  <relation id="200"><member type="way" ref="100" role="outer"/>
    <member type="way" ref="101" role="inner"/>
    <tag k="type" v="multipolygon"/><tag k="natural" v="water"/></relation>
  <way id="102"><nd ref="10"/><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="10"/>
    <tag k="landuse" v="residential"/></way>
  <way id="103"><nd ref="20"/><nd ref="21"/><tag k="highway" v="primary"/></way>
  <way id="104"><nd ref="20"/><nd ref="22"/><tag k="highway" v="residential"/></way>
  <way id="105"><nd ref="21"/><nd ref="22"/><tag k="railway" v="rail"/></way>
  <way id="106"><nd ref="13"/><nd ref="22"/><tag k="waterway" v="canal"/></way>
  <way id="107"><nd ref="12"/><nd ref="99"/><tag k="highway" v="motorway"/></way>
</osm>
"""


def write_extract(folder: Path) -> Path:
    path = folder / "extract.osm"
    path.write_text(OSM, encoding="utf-8")
    return path


def test_background_layers_from_a_small_extract(tmp_path):
    background = read_background(write_extract(tmp_path), RD)
    assert background.counts() == {"water": 1, "waterways": 1, "built_up": 1, "roads": 2,
                                   "places": 2}
    lake = background.water.geometry.iloc[0]
    assert background.water.crs == RD and len(list(lake.geoms)[0].interiors) == 1  # the island
    assert sorted(background.roads["kind"]) == ["main", "rail"]  # residential is no main road
    # Largest places first; hamlets and nameless places are left out.
    assert list(background.places["name"]) == ["Hilversum", "Loosdrecht"]
    assert list(background.places["kind"]) == ["town", "village"]
    hilversum = gpd.GeoSeries([shapely.Point(5.16, 52.25)], crs="EPSG:4326").to_crs(RD)[0]
    assert background.places.geometry.iloc[0].distance(hilversum) < 1.0


def test_an_extract_without_background_features_gives_empty_layers(tmp_path):
    path = tmp_path / "streets.osm"
    path.write_text(OSM.split("  <node id=\"30\"")[0] + "</osm>\n", encoding="utf-8")
    background = read_background(path, RD)
    assert background.counts() == dict.fromkeys(background.counts(), 0)
    assert background.places.crs == RD


def test_missing_extract_is_a_clear_error(tmp_path):
    with pytest.raises(OsmError, match="OSM file not found: .*nothing.osm.*region's OSM extract"):
        read_background(tmp_path / "nothing.osm", RD)


def test_real_amsterdam_extract_has_water(shared_data):
    background = read_background(shared_data / "nl" / "osm" / "amsterdam.osm.pbf", RD)
    assert len(background.water) > 0 and background.water.geometry.is_valid.all()
    assert set(background.roads["kind"]) <= {"motorway", "main", "minor", "rail"}


def test_gemeente_areas_dissolve_the_buurten():
    buurten = gpd.GeoDataFrame(
        {"gemeentecode": ["GM1", "GM1", "GM2"], "gemeentenaam": ["Een", "Een", "Twee"]},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(2, 0, 3, 1)],
        crs=RD)
    areas = gemeente_areas(buurten)
    assert list(areas["gemeentenaam"]) == ["Een", "Twee"]
    assert areas.geometry.iloc[0].symmetric_difference(shapely.box(0, 0, 2, 1)).area < 1e-9
    without_names = gemeente_areas(buurten.drop(columns="gemeentenaam"))
    assert list(without_names["gemeentenaam"]) == ["GM1", "GM2"]
    with pytest.raises(InputError, match="lack the gemeente code column 'gm'"):
        gemeente_areas(buurten, code="gm")
