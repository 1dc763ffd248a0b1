"""Gemeente areas (borders and names) dissolved from a region's buurten."""

from __future__ import annotations

import geopandas as gpd
import shapely

from accessibility.errors import InputError


def gemeente_areas(
    buurten: gpd.GeoDataFrame, code: str = "gemeentecode", name: str = "gemeentenaam"
) -> gpd.GeoDataFrame:
    """One polygon per gemeente: the union of its buurten.

    Parameters
    ----------
    buurten : geopandas.GeoDataFrame
        Buurt polygons with a gemeente code column and, optionally, a name column.
    code, name : str
        Column names; without a name column the code is used as the name.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``gemeentecode``, ``gemeentenaam``, ``geometry`` (CRS of ``buurten``),
        sorted by code.

    Raises
    ------
    InputError
        When the code column is missing.
    """
    if code not in buurten.columns:
        raise InputError(
            f"the buurten lack the gemeente code column {code!r} (they have "
            f"{', '.join(map(str, buurten.columns))}): gemeente borders need it"
        )
    names = buurten[name] if name in buurten.columns else buurten[code]
    frame = gpd.GeoDataFrame(
        {"gemeentecode": buurten[code].astype(str), "gemeentenaam": names.astype(str)},
        geometry=buurten.geometry.make_valid(),
        crs=buurten.crs,
    )
    rows = []
    for gm, part in frame.groupby("gemeentecode", sort=True):
        polygons = shapely.get_parts(shapely.get_parts(part.geometry.to_numpy()))
        polygons = [p for p in polygons if p.geom_type == "Polygon"]
        rows.append({
            "gemeentecode": gm,
            "gemeentenaam": part["gemeentenaam"].mode().iloc[0],
            "geometry": shapely.union_all(polygons),
        })
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=buurten.crs)
