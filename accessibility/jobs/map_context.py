"""What the maps of one region share: background layers, gemeenten and one extent."""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from accessibility.basemap import gemeente_areas, read_background
from accessibility.jobs.region import RegionData
from accessibility.outputs.maps import MapContext, travel_time_classes


def region_map_context(data: RegionData) -> MapContext:
    """Background from the region's own OSM extract, gemeenten from its buurten, and the
    region's extent, so every map of a job shows the same area at the same scale."""
    buurten = data.buurten.gdf
    return MapContext(background=read_background(data.inputs.osm, data.config.crs),
                      gemeenten=gemeente_areas(buurten), extent=buurten.total_bounds)


def population_layer(points: gpd.GeoDataFrame, minutes: np.ndarray,
                     cutoffs: tuple[float, ...]) -> gpd.GeoDataFrame:
    """Population points with their travel time (NaN: unreachable) and its class."""
    times = np.where(np.isfinite(minutes), minutes, np.nan)
    return points.assign(travel_time_min=times,
                         reistijdklasse=travel_time_classes(times, cutoffs).astype(str))
