"""Small synthetic map inputs shared by the output tests (static, web and browser)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from matplotlib import colors
from matplotlib.image import imread

from accessibility.analysis.grid import make_grid
from accessibility.analysis.isochrones import isochrone_polygons
from accessibility.outputs import maps

CRS = "EPSG:28992"
CAPTION = {
    "date": "2026-03-10",
    "window": "07:00-09:00",
    "percentile": 50,
    "walking_speed_kmh": 4.8,
    "synthetic": True,
}


def two_centre_isochrones() -> tuple[gpd.GeoDataFrame, gpd.GeoSeries]:
    """Isochrones of two locations 6 km apart; times = distance / 250 m per minute."""
    grid = make_grid((140000.0, 470000.0, 156000.0, 480000.0), 250.0, CRS)
    x, y = grid.centres_xy()
    centres = [(144000.0, 475000.0), (150000.0, 475000.0)]
    times = np.array([np.hypot(x - cx, y - cy) / 250.0 for cx, cy in centres])
    gdf = isochrone_polygons(grid, times, ["west", "oost"])
    points = gpd.GeoSeries(gpd.points_from_xy(*zip(*centres, strict=True)), crs=CRS)
    return gdf, points


def buurten_grid(n: int = 4, size: float = 1000.0) -> gpd.GeoDataFrame:
    """n x n square buurten of ``size`` metres with travel time = 10 min x (row + col)."""
    rows, cols = np.divmod(np.arange(n * n), n)
    geoms = shapely.box(
        140000 + cols * size,
        470000 + rows * size,
        140000 + (cols + 1) * size,
        470000 + (rows + 1) * size,
    )
    minutes = 10.0 * (rows + cols)
    minutes[-1] = np.nan  # the far corner is unreachable
    gdf = gpd.GeoDataFrame(
        {
            "buurtcode": [f"BU{i:08d}" for i in range(n * n)],
            "buurtnaam": [f"Buurt {i}" for i in range(n * n)],
            "aantal_inwoners": np.full(n * n, 1000.0),
            "reistijd_min": minutes,
        },
        geometry=geoms,
        crs=CRS,
    )
    gdf["reistijdklasse"] = maps.travel_time_classes(minutes)
    gdf["witte_vlek"] = ~(minutes <= 45)
    return gdf


def png_pixels(path) -> np.ndarray:
    image = imread(path)
    assert image.ndim == 3 and image.shape[2] in (3, 4)
    return image[:, :, :3]


def has_colour(pixels: np.ndarray, hex_colour: str, min_pixels: int = 50) -> bool:
    rgb = np.array(colors.to_rgb(hex_colour))
    return int(np.all(np.abs(pixels - rgb) < 2 / 255, axis=2).sum()) >= min_pixels
