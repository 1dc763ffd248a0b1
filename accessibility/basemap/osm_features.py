"""Background features from an OpenStreetMap extract, read with pyosmium.

What a reader needs to find their way on a thematic map, and nothing more:
water areas and waterways, built-up land use, main roads and railways, and the
names of cities, towns and villages (``place`` nodes).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import shapely

from accessibility.errors import OsmError

log = logging.getLogger(__name__)

#: ``landuse`` values drawn as built-up land.
BUILT_UP_LANDUSE = ("residential", "commercial", "retail", "industrial")
#: ``highway`` values drawn as main roads, by drawing class.
MAIN_ROADS = {
    "motorway": "motorway", "motorway_link": "motorway", "trunk": "motorway",
    "trunk_link": "motorway", "primary": "main", "primary_link": "main",
    "secondary": "main", "secondary_link": "main", "tertiary": "minor",
}
#: ``place`` values whose names are drawn, largest first (the label priority).
PLACE_KINDS = ("city", "town", "village")
WATER_AREAS = {"natural": ("water",), "waterway": ("riverbank",),
               "landuse": ("reservoir", "basin")}
WATERWAY_LINES = ("river", "canal")


@dataclass
class Background:
    """Background layers in one metric CRS.

    Attributes
    ----------
    water : geopandas.GeoDataFrame
        Water polygons (lakes, rivers, reservoirs).
    waterways : geopandas.GeoDataFrame
        River and canal centre lines.
    built_up : geopandas.GeoDataFrame
        Built-up land use polygons, column ``landuse``.
    roads : geopandas.GeoDataFrame
        Lines with column ``kind``: ``motorway``, ``main``, ``minor`` or ``rail``.
    places : geopandas.GeoDataFrame
        Points with ``name`` and ``kind`` (one of :data:`PLACE_KINDS`),
        sorted largest kind first.
    """

    water: gpd.GeoDataFrame
    waterways: gpd.GeoDataFrame
    built_up: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    places: gpd.GeoDataFrame

    def counts(self) -> dict[str, int]:
        """Number of features per layer (for logs and metadata)."""
        return {name: len(getattr(self, name))
                for name in ("water", "waterways", "built_up", "roads", "places")}


def _is_water_area(tags) -> bool:
    return any(tags.get(key) in values for key, values in WATER_AREAS.items())


def _frame(rows: list[dict], crs: str, columns: tuple[str, ...] = ()) -> gpd.GeoDataFrame:
    data = {c: [r[c] for r in rows] for c in columns}
    geoms = [r["geometry"] for r in rows]
    return gpd.GeoDataFrame(data, geometry=geoms, crs="EPSG:4326").to_crs(crs)


def read_background(path: str | Path, crs: str) -> Background:
    """Read the background layers of a map from an OSM extract.

    Parameters
    ----------
    path : str or pathlib.Path
        ``.osm.pbf`` or ``.osm`` file (the region's own extract).
    crs : str
        Metric CRS of the output layers (e.g. ``"EPSG:28992"``).

    Returns
    -------
    Background
        Empty layers where the extract holds no such features (a synthetic or
        streets-only extract); never fails for lack of features.

    Raises
    ------
    OsmError
        When the file is missing or libosmium cannot read it.
    """
    import osmium

    path = Path(path)
    if not path.is_file():
        raise OsmError(f"OSM file not found: {path}: the map background is read from the "
                       "region's OSM extract ([inputs] osm in the region file)")
    wkb = osmium.geom.WKBFactory()
    water, waterways, built_up, roads, places = [], [], [], [], []
    keys = ("natural", "waterway", "landuse", "highway", "railway", "place")
    try:
        processor = (osmium.FileProcessor(str(path))
                     .with_locations()
                     .with_areas(osmium.filter.KeyFilter("natural", "waterway", "landuse"))
                     .with_filter(osmium.filter.KeyFilter(*keys)))
        for obj in processor:
            tags = obj.tags
            if obj.is_node():
                if tags.get("place") in PLACE_KINDS and tags.get("name"):
                    places.append({"name": tags.get("name"), "kind": tags.get("place"),
                                   "geometry": shapely.Point(obj.location.lon,
                                                             obj.location.lat)})
            elif obj.is_area():
                if _is_water_area(tags):
                    target = water
                elif tags.get("landuse") in BUILT_UP_LANDUSE:
                    target = built_up
                else:
                    continue
                try:
                    geom = shapely.from_wkb(wkb.create_multipolygon(obj))
                except (RuntimeError, osmium.InvalidLocationError):  # cut off by the extract
                    continue
                target.append({"landuse": tags.get("landuse", ""), "geometry": geom})
            elif obj.is_way():
                kind = MAIN_ROADS.get(tags.get("highway", ""))
                if kind is None and tags.get("railway") == "rail":
                    kind = "rail"
                is_waterway = tags.get("waterway") in WATERWAY_LINES
                if kind is None and not is_waterway:
                    continue
                try:
                    line = shapely.from_wkb(wkb.create_linestring(obj))
                except (RuntimeError, osmium.InvalidLocationError):  # nodes outside the extract
                    continue
                if is_waterway:
                    waterways.append({"geometry": line})
                else:
                    roads.append({"kind": kind, "geometry": line})
    except RuntimeError as exc:
        raise OsmError(f"cannot read OSM file {path}: {exc}") from exc
    places.sort(key=lambda p: (PLACE_KINDS.index(p["kind"]), p["name"]))
    background = Background(
        water=_frame(water, crs),
        waterways=_frame(waterways, crs),
        built_up=_frame(built_up, crs, ("landuse",)),
        roads=_frame(roads, crs, ("kind",)),
        places=_frame(places, crs, ("name", "kind")),
    )
    log.info("map background from %s: %s", path.name, background.counts())
    return background
