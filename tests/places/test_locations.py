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
from accessibility.places.geocode import GeocodeCache, PdokGeocoder
from accessibility.places.locations import read_locations, write_locations

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
    assert reasons[0] == "no coordinates and no address: rotating sites in the region"
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
        ("id,titel\nA,X\n", r"lacks the required column\(s\) \['name'\]"),
        ("id,name,lat,lon\nA,X,52,5\nA,Y,52,5\n", r"line 3: id 'A' is duplicated \(first on line 2\)"),
        ("id,name,lat,lon\n,X,52,5\n", r"line 2: id is empty"),
        ("id,name,lat,lon\nA,,52,5\n", r"line 2: location 'A' has no name"),
        ("id,name,lat,lon,kind\nA,X,52,5,hub\n", r"line 2: kind 'hub' is not one of"),
        ("id,name,lat,lon,capacity_weight\nA,X,52,5,3\n", r"line 2: capacity_weight '3' is not one of"),
        ("id,name,lat,lon,capacity_weight\nA,X,52,5,reusachtig\n",
         r"line 2: capacity_weight 'reusachtig' is not a number"),
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
        read_locations(write(tmp_path, "x", "loc.docx"))
    with pytest.raises(InputError, match="cannot read location list .*loc.xlsx as an Excel"):
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


# --- the national list extracted from Appendix 1 of the De Galan report -----------------

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
NATIONAL_CSV = REPO / "data" / "steunpunten" / "steunpunten_nl.csv"


@pytest.fixture(scope="module")
def extraction():
    """The script's extraction, run on ../shared (skipped when it is absent)."""
    import importlib.util
    import sys

    if not (SHARED / "seeds" / "004_06e4a04bd18c0733.txt").exists():
        pytest.skip(f"the De Galan report text is not in {SHARED / 'seeds'} (no ../shared)")
    spec = importlib.util.spec_from_file_location(
        "extract_steunpunten", REPO / "scripts" / "extract_steunpunten.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["extract_steunpunten"] = module
    spec.loader.exec_module(module)
    return module, module.extract(SHARED)


def test_extraction_counts_match_the_report(extraction):
    module, table = extraction
    assert len(table) == 278
    assert len(table.attrs["regions"]) == 42
    counts = table.groupby("iza_region").size()
    assert counts["Achterhoek"] == 13
    assert counts["Amsterdam"] == 27
    assert counts["Friesland"] == 24
    assert counts["Gooi en Vechtstreek"] == 3
    assert counts["West-Brabant"] == 20
    assert "ZHE-BAR" in table.attrs["regions"] and "ZHE-BAR" not in counts
    # Every region agrees with Tabel 2.2.1 of the same report.
    assert module.compare_with_table(table, module.read_table_2_2_1(SHARED / module.SEED)) == []


def test_extraction_gooi_rows(extraction):
    _, table = extraction
    gooi = table.loc[table["in_gooi_en_vechtstreek"] == "true",
                     ["name", "organisation", "city", "gemeente", "kind"]]
    assert gooi.values.tolist() == [
        ["Herstelnetwerk Gooi en Vechtstreek locatie Bussum", "Herstelnetwerk Gooi en Vechtstreek",
         "Bussum", "Gooise Meren", "satellite"],
        ["Herstelnetwerk Gooi en Vechtstreek locatie Hilversum",
         "Herstelnetwerk Gooi en Vechtstreek", "Hilversum", "Hilversum", "satellite"],
        ["Mauritzhof Respijtvoorziening", "", "Bussum", "Gooise Meren", "steunpunt"],
    ]


def test_extraction_rows_without_a_town_and_footnotes(extraction):
    _, table = extraction
    no_town = table.loc[table["city"] == "", ["name", "gemeente"]].values.tolist()
    assert no_town == [
        ["TeamED16", ""],
        ["Connection (onderdeel van Mikado Welzijn)", "Duiven"],
        ["Herstelacademie Haaglanden (onderdeel van Reakt)", "Den Haag"],
        ["Herstelnetwerk Eemland", "Amersfoort"],
    ]
    querido = table.loc[table["name"] == "Herstelbureau HVO-Querido"].iloc[0]
    assert "footnote 3: Herstelbureau HVO-Querido biedt" in querido["note"]


def test_committed_csv_equals_script_output(extraction):
    module, table = extraction
    committed = pd.read_csv(NATIONAL_CSV, dtype=str, keep_default_na=False)
    fresh = table[module.COLUMNS].astype(str).reset_index(drop=True)
    pd.testing.assert_frame_equal(committed, fresh)


def test_national_csv_reads_as_location_list():
    ls = read_locations(NATIONAL_CSV)
    assert ls.pinned.empty and len(ls.unpinned) == 278  # towns only: nothing is dropped
    city_level = read_locations(NATIONAL_CSV, city_level=True)
    reasons = city_level.unpinned["reason"]
    assert reasons.str.startswith("not geocoded (no geocoder given)").sum() == 274
    assert reasons.str.startswith("no coordinates and no address: no fixed point").sum() == 4
    mauritz = city_level.unpinned.loc[city_level.unpinned["name"] == "Mauritzhof Respijtvoorziening"]
    assert "'Mauritzhof Respijtvoorziening, Bussum'" in mauritz.iloc[0]["reason"]
