"""What every map of one region shares: the background and one extent (so one scale)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np

from accessibility.basemap import Background
from accessibility.outputs.maps.frame import bounds_array


@dataclass
class MapContext:
    """Shared layers and frame of a set of maps.

    Attributes
    ----------
    background : Background or None
        Water, built-up land, roads and place names (drawn pale, below the data).
    gemeenten : geopandas.GeoDataFrame or None
        Gemeente polygons with ``gemeentenaam``: dashed borders and names.
    extent : sequence of float or None
        ``[minx, miny, maxx, maxy]`` in the map CRS. Every map of the set
        shows this area at the same scale; None lets each map fit its data.
    """

    background: Background | None = None
    gemeenten: gpd.GeoDataFrame | None = None
    extent: Sequence[float] | None = None

    def bounds(self, fallback: np.ndarray) -> np.ndarray:
        """The shared extent, or ``fallback`` (the data's bounds) when there is none."""
        return fallback if self.extent is None else bounds_array(self.extent)


NO_CONTEXT = MapContext()
