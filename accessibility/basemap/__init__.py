"""The light map background: water, built-up land, main roads, place names, gemeenten.

Read from data a region already has (its OpenStreetMap extract and its
buurten), so maps can be drawn offline. The output maps draw what the jobs
pass in; this package only reads and shapes the layers.
"""

from accessibility.basemap.gemeenten import gemeente_areas
from accessibility.basemap.osm_features import (
    BUILT_UP_LANDUSE,
    MAIN_ROADS,
    PLACE_KINDS,
    Background,
    read_background,
)

__all__ = [
    "BUILT_UP_LANDUSE",
    "MAIN_ROADS",
    "PLACE_KINDS",
    "Background",
    "gemeente_areas",
    "read_background",
]
