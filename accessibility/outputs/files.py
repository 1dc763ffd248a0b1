"""Writing tables and layers: GeoPackage, GeoJSON and CSV files, atomically."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from accessibility.errors import InputError
from accessibility.io import atomic_path
from accessibility.outputs.tables import present


def slug(value: object) -> str:
    """``value`` as a file-name part: letters, digits, "-" and "_", the rest "_"."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in str(value))


def write_csv(frame: pd.DataFrame, path: Path, *, excel_nl: bool = False,
              lang: str | None = None) -> None:
    """Write a table without its geometry column as CSV, atomically.

    Floats are rounded to 6 decimals (no ``1402.9999999999998``) and infinities
    are written as empty cells, never ``inf``.

    Parameters
    ----------
    frame
        The table.
    path
        Output ``.csv`` file.
    excel_nl
        Dutch Excel dialect: ``;`` between fields, a decimal comma, UTF-8 with a
        byte-order mark (so Excel recognises the encoding when the file is opened
        by double-clicking).
    lang
        ``nl`` or ``en``: headers and rounding for people
        (:func:`accessibility.outputs.tables.present`); default: the internal
        column names.
    """
    table = pd.DataFrame(frame).drop(columns="geometry", errors="ignore")
    if lang is not None:
        table = present(table, lang)
    else:
        table = table.copy()
        for col in table.columns:
            if table[col].dtype.kind == "f":
                table[col] = table[col].replace([np.inf, -np.inf], np.nan).round(6)
    options = ({"sep": ";", "decimal": ",", "encoding": "utf-8-sig"} if excel_nl
               else {"encoding": "utf-8"})
    with atomic_path(path) as p:
        if lang is not None:
            # cells from present() are Python ints, floats, text or None: write them as text
            # so that pandas does not turn a column of ints with an empty cell into floats
            comma = excel_nl
            table = table.astype(object).map(lambda v: _text_cell(v, comma))
        table.to_csv(p, index=False, **options)


def _text_cell(value: object, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        text = repr(value)
        return text.replace(".", ",") if decimal_comma else text
    return str(value)


def to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reproject to WGS84 (EPSG:4326), as GeoJSON expects.

    Raises
    ------
    InputError
        When the GeoDataFrame has no CRS.
    """
    if gdf.crs is None:
        raise InputError("the GeoDataFrame has no CRS: set it (e.g. gdf.set_crs('EPSG:28992'))")
    return gdf.to_crs("EPSG:4326")


def write_geojson(gdf: gpd.GeoDataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a GeoDataFrame as GeoJSON in WGS84, atomically.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Any CRS; it is converted to EPSG:4326.
    path : str or os.PathLike
        Output ``.geojson`` file; replaced when it exists.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    wgs84 = to_wgs84(gdf)
    with atomic_path(path) as tmp:
        wgs84.to_file(tmp, driver="GeoJSON", engine="pyogrio")
    return Path(path)


def finite_attributes(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy in which every ±inf of a numeric column is NaN (written as an empty value).

    GIS attribute tables should hold numbers or nothing: an unreachable place
    has its own class and an empty time, never ``inf``.
    """
    out = gdf.copy()
    for column in out.columns:
        if column != out.geometry.name and pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].replace([np.inf, -np.inf], np.nan)
    return out


def layer_styles_table(styles: Mapping[str, str], geometry_columns: Mapping[str, str],
                       descriptions: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The ``layer_styles`` table that QGIS reads a layer's default style from.

    Parameters
    ----------
    styles : mapping of layer name to QML text
    geometry_columns : mapping of layer name to its geometry column
    descriptions : mapping of layer name to a description, optional
    """
    names = list(styles)
    now = pd.Timestamp.now(tz="UTC").tz_localize(None).floor("s")
    return pd.DataFrame({
        "f_table_catalog": [""] * len(names), "f_table_schema": [""] * len(names),
        "f_table_name": names, "f_geometry_column": [geometry_columns[n] for n in names],
        "styleName": names, "styleQML": [styles[n] for n in names],
        "styleSLD": [""] * len(names), "useAsDefault": [True] * len(names),
        "description": [(descriptions or {}).get(n, "") for n in names],
        "owner": [""] * len(names), "ui": [""] * len(names), "update_time": [now] * len(names),
    })


def write_geopackage(
    gdf_layers: Mapping[str, gpd.GeoDataFrame], path: str | os.PathLike[str],
    styles: Mapping[str, str] | None = None,
) -> Path:
    """Write GeoDataFrames as layers of one GeoPackage, atomically, with QGIS styles.

    All layers are written to a temporary file in the same folder, which then
    replaces ``path``: readers never see a half-written file, and an existing
    file keeps only the layers given here. Numeric ±inf is written as an
    empty value (see :func:`finite_attributes`).

    Parameters
    ----------
    gdf_layers : mapping of str to geopandas.GeoDataFrame
        Layer name -> data; each GeoDataFrame needs a CRS. Empty geometries are
        written as empty geometries.
    path : str or os.PathLike
        Output ``.gpkg`` file.
    styles : mapping of layer name to QML, optional
        Stored in the ``layer_styles`` table as each layer's default style, so
        QGIS opens the layers styled (see :mod:`accessibility.outputs.qgis_styles`).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    InputError
        When no layer is given, a layer name is empty, a layer has no CRS, or a
        style names a layer that is not written.
    """
    if not gdf_layers:
        raise InputError(f"no layers to write to {path}: pass at least one GeoDataFrame")
    for name, gdf in gdf_layers.items():
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"GeoPackage layer name {name!r} is empty: give every layer a name")
        if gdf.crs is None:
            raise InputError(f"layer {name!r} for {path} has no CRS: set it before writing")
    unknown = sorted(set(styles or {}) - set(gdf_layers))
    if unknown:
        raise InputError(f"styles for {', '.join(unknown)} but no such layer in {path}: "
                         f"the layers are {', '.join(gdf_layers)}")
    with atomic_path(path) as tmp:
        for name, gdf in gdf_layers.items():
            finite_attributes(gdf).to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
        if styles:
            geometry_columns = {name: pyogrio.read_info(tmp, layer=name)["geometry_name"] or "geom"
                                for name in styles}
            pyogrio.write_dataframe(layer_styles_table(styles, geometry_columns), tmp,
                                    layer="layer_styles", driver="GPKG",
                                    layer_options={"FID": "id"})
    return Path(path)
