"""Writing tables and layers: GeoPackage, GeoJSON and CSV files, atomically."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

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


def write_geopackage(
    gdf_layers: Mapping[str, gpd.GeoDataFrame], path: str | os.PathLike[str]
) -> Path:
    """Write GeoDataFrames as layers of one GeoPackage, atomically.

    All layers are written to a temporary file in the same folder, which then
    replaces ``path``: readers never see a half-written file, and an existing
    file keeps only the layers given here.

    Parameters
    ----------
    gdf_layers : mapping of str to geopandas.GeoDataFrame
        Layer name -> data; each GeoDataFrame needs a CRS. Empty geometries are
        written as empty geometries.
    path : str or os.PathLike
        Output ``.gpkg`` file.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    InputError
        When no layer is given, a layer name is empty, or a layer has no CRS.
    """
    if not gdf_layers:
        raise InputError(f"no layers to write to {path}: pass at least one GeoDataFrame")
    for name, gdf in gdf_layers.items():
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"GeoPackage layer name {name!r} is empty: give every layer a name")
        if gdf.crs is None:
            raise InputError(f"layer {name!r} for {path} has no CRS: set it before writing")
    with atomic_path(path) as tmp:
        for name, gdf in gdf_layers.items():
            gdf.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
    return Path(path)
