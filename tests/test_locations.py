"""Reading and pinning location lists."""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

from accessibility.errors import GeocodeError, InputError
from accessibility.geocode import GeocodeCache, PdokGeocoder
from accessibility.locations import read_locations, write_locations

HEADER = "id,name,organisation,address,postcode,city,lat,lon,kind,capacity_weight,note\n"


def write(tmp_path: Path, body: str, name: str = "loc.csv") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def doc(name: str, score: float, lon: float, lat: float, type_: str = "adres") -> dict:
    return {"type": type_, "weergavenaam": name, "score": score,
            "centroide_ll": f"POINT({lon} {lat})", "gemeentecode": "0402"}


def body(*docs: dict) -> dict:
    return {"response": {"numFound": len(docs), "start": 0, "docs": list(docs)}}


def offline_geocoder(tmp_path: Path, answers: dict) -> PdokGeocoder:
    """The real PDOK geocoder, answering from a pre-filled cache only."""
    cache = tmp_path / "cache.json"
    cache.write_text(json.dumps(answers), encoding="utf-8")
    return PdokGeocoder(base_url="http://127.0.0.1:9/ls", cache=GeocodeCache(cache), offline=True)


def test_minimal_csv_with_coordinates(tmp_path):
    path = write(tmp_path, "id,name,lat,lon\nA,Herstelpunt,52.2245,5.1761\n")
    ls = read_locations(path)
    assert len(ls.pinned) == 1 and ls.unpinned.empty
    row = ls.pinned.iloc[0]
    assert ls.pinned.crs.to_epsg() == 4326
    assert (row["id"], row["name"], row["kind"], row["capacity_weight"], row["source"]) == (
        "A", "Herstelpunt", "steunpunt", 1.0, "coordinates")
    assert row.geometry.equals(Point(5.1761, 52.2245))
    assert math.isnan(row["geocode_score"]) and row["geocode_match_type"] == ""
    assert list(ls.pinned.columns[:10]) == [
        "id", "name", "organisation", "kind", "capacity_weight", "address",
        "geocode_match_type", "geocode_score", "source", "note"]


def test_full_list_with_geocoding_and_unpinned_reasons(tmp_path):
    path = write(tmp_path, HEADER
                 + "s1,Herstelnetwerk Bussum,HGV,,,Bussum,52.2735,5.1610,steunpunt,2,\n"
                 + "s2,Inloop Hilversum,HGV,Kerkstraat 1,1211CL,Hilversum,,,satellite,0.5,\n"
                 + "s3,Team regio,,,,,,,,,rotating sites in the region\n"
                 + "s4,Inloop Huizen,,Dorpsstraat 1,,Huizen,,,proposed,,\n"
                 + "s5,Nergens,,Nergensstraat 9,9999ZZ,Nergens,,,,1,\n")
    g = offline_geocoder(tmp_path, {
        "kerkstraat 1, 1211cl hilversum": body(doc("Kerkstraat 1, 1211CL Hilversum", 14.0, 5.1761, 52.2245)),
        "dorpsstraat 1, huizen": body(doc("Dorpsstraat 1, 1271AA Huizen", 10.0, 5.24, 52.30),
                                      doc("Dorpsstraat 1, 1261AA Blaricum", 9.8, 5.25, 52.27)),
        "nergensstraat 9, 9999zz nergens": body(),
    })
    ls = read_locations(path, geocoder=g)
    assert list(ls.pinned["id"]) == ["s1", "s2"]
    s2 = ls.pinned.iloc[1]
    assert (s2["source"], s2["geocode_match_type"], s2["geocode_score"], s2["kind"],
            s2["capacity_weight"]) == ("geocoded: pdok", "adres", 14.0, "satellite", 0.5)
    assert s2.geometry.equals(Point(5.1761, 52.2245))
    assert ls.pinned.iloc[0]["capacity_weight"] == 2.0
    assert list(ls.unpinned["id"]) == ["s3", "s4", "s5"]
    assert list(ls.unpinned["line"]) == [4, 5, 6]
    reasons = list(ls.unpinned["reason"])
    assert reasons[0] == "no fixed point: rotating sites in the region"
    assert reasons[1].startswith("ambiguous for 'Dorpsstraat 1, Huizen'")
    assert reasons[2] == "unmatched for 'Nergensstraat 9, 9999ZZ Nergens': no candidate found"
    assert ls.unpinned.iloc[1]["kind"] == "proposed"
    assert ls.summary().endswith("2 pinned (1 coordinates, 1 geocoded: pdok), 3 not pinned")


def test_address_without_geocoder_is_unpinned_not_dropped(tmp_path):
    path = write(tmp_path, "id,name,address,city\nA,Inloop,Kerkstraat 1,Hilversum\n")
    ls = read_locations(path)
    assert ls.pinned.empty
    assert ls.unpinned.iloc[0]["reason"].startswith(
        "not geocoded (no geocoder given) for 'Kerkstraat 1, Hilversum'")


def test_city_level_pins_to_woonplaats(tmp_path):
    path = write(tmp_path, "id,name,city,note\nm,Mauritzhof,Bussum,city-level only\n")
    g = offline_geocoder(tmp_path, {
        "mauritzhof, bussum [fq=type:woonplaats]": body(
            doc("Bussum, Gooise Meren, Noord-Holland", 20.0, 5.16, 52.27, "woonplaats")),
    })
    assert read_locations(path, geocoder=g).pinned.empty  # without city_level: the note applies
    ls = read_locations(path, geocoder=g, city_level=True)
    row = ls.pinned.iloc[0]
    assert (row["geocode_match_type"], row["city"]) == ("woonplaats", "Bussum")
    assert row.geometry.equals(Point(5.16, 52.27))


def test_offline_cache_miss_raises(tmp_path):
    path = write(tmp_path, "id,name,address,city\nA,Inloop,Laan 3,Hilversum\n")
    with pytest.raises(GeocodeError, match="'Laan 3, Hilversum'"):
        read_locations(path, geocoder=offline_geocoder(tmp_path, {}))


def test_extra_columns_pass_through(tmp_path):
    path = write(tmp_path, "id,name,lat,lon,gemeente\nA,X,52.0,5.0,Hilversum\n")
    assert read_locations(path).pinned.iloc[0]["gemeente"] == "Hilversum"


@pytest.mark.parametrize(
    ("body", "pattern"),
    [
        ("", r"loc\.csv is empty"),
        ("id,name\n", r"holds no locations"),
        ("id,naam\nA,X\n", r"lacks the required column\(s\) \['name'\]"),
        ("id,name,lat,lon\nA,X,52,5\nA,Y,52,5\n", r"line 3: id 'A' is duplicated \(first on line 2\)"),
        ("id,name,lat,lon\n,X,52,5\n", r"line 2: id is empty"),
        ("id,name,lat,lon\nA,,52,5\n", r"line 2: location 'A' has no name"),
        ("id,name,lat,lon,kind\nA,X,52,5,hub\n", r"line 2: kind 'hub' is not one of"),
        ("id,name,lat,lon,capacity_weight\nA,X,52,5,3\n", r"line 2: capacity_weight '3' is not one of"),
        ("id,name,lat,lon,capacity_weight\nA,X,52,5,groot\n", r"line 2: capacity_weight 'groot' is not a number"),
        ("id,name,lat,lon\nA,X,95,5\n", r"line 2: lat '95' is outside -90..90"),
        ("id,name,lat,lon\nA,X,52,185\n", r"line 2: lon '185' is outside -180..180"),
        ("id,name,lat,lon\nA,X,52,\n", r"line 2: give both lat and lon"),
        ("id,name,lat,lon\nA,X,52,5\nB,Y,,\n", r"line 3: location 'B' has no lat/lon, no address and no note"),
    ],
)
def test_bad_input(tmp_path, body, pattern):
    path = write(tmp_path, body)
    with pytest.raises(InputError, match=pattern) as exc:
        read_locations(path)
    assert str(path) in str(exc.value)


def test_missing_file_and_bad_extension(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_locations(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="unknown extension"):
        read_locations(write(tmp_path, "x", "loc.xlsx"))


def test_geopackage_points_and_roundtrip(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"id": ["a", "b"], "name": ["A", "B"], "kind": ["proposed", ""]},
        geometry=[Point(140000, 470000), Point(141000, 471000)], crs=28992)
    src = tmp_path / "in.gpkg"
    gdf.to_file(src, layer="locations")
    ls = read_locations(src)
    assert list(ls.pinned["kind"]) == ["proposed", "steunpunt"]
    expected = gdf.geometry.to_crs(4326)
    assert ls.pinned.geometry.geom_equals_exact(expected.set_crs(4326, allow_override=True), 1e-9).all()
    out = write_locations(ls.pinned, tmp_path / "out" / "located.gpkg")
    back = gpd.read_file(out, layer="locations")
    assert list(back["id"]) == ["a", "b"] and back.crs.to_epsg() == 4326
    csv = write_locations(ls.pinned, tmp_path / "located.csv")
    table = pd.read_csv(csv)
    assert list(table["lat"].round(5)) == list(expected.y.round(5))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.gpkg", "located.csv", "out"]


def test_non_point_geometry_rejected(tmp_path):
    gdf = gpd.GeoDataFrame({"id": ["a"], "name": ["A"]},
                           geometry=[LineString([(5, 52), (5.1, 52.1)])], crs=4326)
    src = tmp_path / "in.geojson"
    gdf.to_file(src, driver="GeoJSON")
    with pytest.raises(InputError, match=r"feature 1: geometry is a LineString"):
        read_locations(src)
