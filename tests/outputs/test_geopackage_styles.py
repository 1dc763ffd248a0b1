"""GeoPackages that open styled in QGIS: the layer_styles table, finite attributes."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pytest
import shapely
from map_inputs import CRS, buurten_grid, two_centre_isochrones
from matplotlib import colors

from accessibility.errors import InputError
from accessibility.outputs import maps, qgis_styles
from accessibility.outputs.bands import isochrone_bands
from accessibility.outputs.files import write_geopackage


def rgba(colour: str) -> str:
    r, g, b = (round(255 * c) for c in colors.to_rgb(colour))
    return f"{r},{g},{b},"


def styled_package(tmp_path):
    buurten = buurten_grid().assign(reistijd_min=lambda g: g["reistijd_min"].fillna(np.inf),
                                    reistijdklasse=lambda g: g["reistijdklasse"].astype(str))
    iso, points = two_centre_isochrones()
    bands = isochrone_bands(iso, {"west": "West", "oost": "Oost"})
    steunpunten = gpd.GeoDataFrame({"name": ["West", "Oost"]}, geometry=points, crs=CRS)
    styles = {"buurten": qgis_styles.class_style(max_minutes=90),
              "isochrone_bands": qgis_styles.band_style([15, 30, 45, 60]),
              "steunpunten": qgis_styles.steunpunt_style()}
    path = write_geopackage({"buurten": buurten, "isochrone_bands": bands,
                             "steunpunten": steunpunten}, tmp_path / "styled.gpkg", styles)
    return path, buurten


def test_layer_styles_table_is_what_qgis_reads(tmp_path):
    path, _ = styled_package(tmp_path)
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT f_table_catalog, f_table_schema, f_table_name, "
                          "f_geometry_column, useAsDefault, styleQML FROM layer_styles "
                          "ORDER BY f_table_name").fetchall()
        geometry_columns = dict(db.execute(
            "SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall())
        contents = dict(db.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
    assert [r[2] for r in rows] == ["buurten", "isochrone_bands", "steunpunten"]
    for catalog, schema, table, geometry, default, qml in rows:
        assert catalog == "" and schema == "" and default == 1
        assert geometry == geometry_columns[table]
        assert qml.startswith("<!DOCTYPE qgis") and ET.fromstring(qml.split("\n", 1)[1])
    assert contents["layer_styles"] == "attributes"


def test_styles_carry_the_map_classes_and_colours(tmp_path):
    path, _ = styled_package(tmp_path)
    with sqlite3.connect(path) as db:
        qml = dict(db.execute("SELECT f_table_name, styleQML FROM layer_styles").fetchall())
    buurten = ET.fromstring(qml["buurten"].split("\n", 1)[1])
    renderer = buurten.find("renderer-v2")
    assert renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "reistijdklasse"
    categories = [(c.get("value"), c.get("label")) for c in renderer.iter("category")]
    assert categories[-1] == ("onbereikbaar", "onbereikbaar binnen 90 min")
    assert [v for v, _ in categories] == list(maps.class_labels())
    fills = [o.get("value") for o in renderer.iter("Option") if o.get("name") == "color"]
    assert [f.rsplit(",", 1)[0] + "," for f in fills] == [
        rgba(c) for c in maps.class_colours().values()]
    bands = ET.fromstring(qml["isochrone_bands"].split("\n", 1)[1]).find("renderer-v2")
    assert [c.get("value") for c in bands.iter("category")] == ["0-15", "15-30", "30-45", "45-60"]
    stars = ET.fromstring(qml["steunpunten"].split("\n", 1)[1])
    assert [o.get("value") for o in stars.iter("Option") if o.get("name") == "name"] == ["star"]
    assert stars.find("labeling/settings/text-style").get("fieldName") == "name"


def test_attributes_hold_no_inf_or_nan_and_bands_carry_id_and_name(tmp_path):
    path, buurten = styled_package(tmp_path)
    back = gpd.read_file(path, layer="buurten")
    corner = back.iloc[-1]
    assert corner["reistijdklasse"] == "onbereikbaar" and np.isnan(corner["reistijd_min"])
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM buurten WHERE reistijd_min IS NULL"
                          ).fetchone() == (1,)
        assert db.execute("SELECT count(*) FROM buurten WHERE reistijd_min > 1e300"
                          ).fetchone() == (0,)
        bands = db.execute("SELECT DISTINCT location_id, naam FROM isochrone_bands "
                           "ORDER BY location_id").fetchall()
    assert bands == [("oost", "Oost"), ("west", "West")]
    assert np.isinf(buurten["reistijd_min"]).sum() == 1  # the input is not changed


def test_ogrinfo_sees_the_styles_when_gdal_is_installed(tmp_path):
    ogrinfo = shutil.which("ogrinfo")
    if ogrinfo is None:
        pytest.skip("ogrinfo (gdal-bin) is not installed; the sqlite checks above cover it")
    path, _ = styled_package(tmp_path)
    listing = subprocess.run([ogrinfo, "-so", str(path)], capture_output=True, text=True,
                             check=True).stdout
    assert "layer_styles" in listing


def test_styles_for_unknown_layers_are_refused(tmp_path):
    layer = gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)], crs=CRS)
    with pytest.raises(InputError, match="styles for nope but no such layer"):
        write_geopackage({"a": layer}, tmp_path / "x.gpkg", {"nope": qgis_styles.stop_style()})
    assert not (tmp_path / "x.gpkg").exists()
