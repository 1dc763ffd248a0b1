"""Isochrone bands: nested isochrones turned into rings that do not overlap.

``isochrone_polygons`` gives, per location, the area within 15, 30, 45 ...
minutes; each contains the smaller ones. Drawn on top of each other with
transparency they blend into muddy colours, and in a GIS a click hits several
at once. A band is the area within one cutoff but not within the one before:
0-15, 15-30, 30-45 ... minutes.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import shapely

from accessibility.errors import InputError


def band_label(low: float, high: float) -> str:
    """``"15-30"``: the band of times ``low < t <= high`` minutes."""
    return f"{low:g}-{high:g}"


def _rings(nested: list[shapely.Geometry]) -> list[shapely.Geometry]:
    """Differences of consecutive nested polygons (the first stays as it is)."""
    out, inner = [], None
    for geom in nested:
        ring = geom if inner is None or inner.is_empty else shapely.difference(geom, inner)
        out.append(shapely.make_valid(ring) if not ring.is_valid else ring)
        inner = geom if inner is None else shapely.union(inner, geom)
    return out


def isochrone_bands(
    isochrones: gpd.GeoDataFrame, names: Mapping[str, str] | None = None
) -> gpd.GeoDataFrame:
    """Non-overlapping bands per location.

    Parameters
    ----------
    isochrones : geopandas.GeoDataFrame
        ``cutoff`` (minutes) and ``geometry``, optionally ``location_id``
        (rows of :func:`accessibility.analysis.isochrones.isochrone_polygons`).
    names : mapping of location id to name, optional
        Adds a ``naam`` column.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per location and cutoff: ``location_id``, ``naam`` (when
        ``names`` is given), ``band`` (``"15-30"``), ``van_min``, ``tot_min``,
        ``oppervlak_km2`` (in the layer's CRS units squared / 1e6, so km² in a
        metric CRS) and ``geometry``; sorted by location and cutoff. Bands of
        one location never overlap.

    Raises
    ------
    InputError
        When ``cutoff`` is missing.
    """
    if "cutoff" not in isochrones.columns:
        raise InputError("the isochrones lack a 'cutoff' column (minutes): pass the output "
                         "of isochrone_polygons")
    ids = (isochrones["location_id"].astype(str) if "location_id" in isochrones.columns
           else np.full(len(isochrones), ""))
    frame = isochrones.assign(location_id=ids)
    rows = []
    for location_id, part in frame.groupby("location_id", sort=False):
        part = part.sort_values("cutoff")
        cutoffs = [float(c) for c in part["cutoff"]]
        for low, high, ring in zip([0.0, *cutoffs[:-1]], cutoffs,
                                   _rings(list(part.geometry)), strict=True):
            row = {"location_id": location_id}
            if names is not None:
                row["naam"] = str(names.get(location_id, ""))
            row |= {"band": band_label(low, high), "van_min": low, "tot_min": high,
                    "oppervlak_km2": round(ring.area / 1e6, 3), "geometry": ring}
            rows.append(row)
    columns = ["location_id", *(["naam"] if names is not None else []), "band", "van_min",
               "tot_min", "oppervlak_km2", "geometry"]
    return gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs=isochrones.crs)


def nearest_bands(isochrones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Bands of the travel time to the *nearest* of all locations (union per cutoff).

    Returns the columns of :func:`isochrone_bands` with ``location_id`` empty.
    """
    if "cutoff" not in isochrones.columns:
        raise InputError("the isochrones lack a 'cutoff' column (minutes)")
    merged = (isochrones[["cutoff", isochrones.geometry.name]]
              .dissolve(by="cutoff", as_index=False))
    return isochrone_bands(merged)
