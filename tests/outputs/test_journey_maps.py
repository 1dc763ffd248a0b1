"""The example-journey map: numbered starts, rides by mode, written atomically as PNG."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from PIL import Image

from accessibility.outputs.journey_maps import plot_example_journeys


def test_map_of_two_journeys(tmp_path) -> None:
    boxes = [shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)]
    buurten = gpd.GeoDataFrame({"witte_vlek": [True, False]}, geometry=boxes, crs=28992)
    lines = [shapely.LineString([(100, 100), (200, 100)]),
             shapely.LineString([(200, 100), (1500, 800)]),
             shapely.LineString([(120, 130), (1500, 800)])]
    legs = gpd.GeoDataFrame({"from_id": ["a", "a", "b"], "segment": [0, 1, 0],
                             "transport_mode": ["WALK", "BUS", "WALK"]},
                            geometry=lines, crs=28992).to_crs(4326)
    steunpunten = gpd.GeoDataFrame(geometry=[shapely.Point(1500, 800)], crs=28992)
    path = plot_example_journeys(buurten, legs, ["a", "b"], steunpunten, "Voorbeeldreizen",
                                 {"date": "2026-12-01", "synthetic": True}, tmp_path / "j.png")
    assert path == tmp_path / "j.png" and list(tmp_path.iterdir()) == [path]
    image = np.asarray(Image.open(path).convert("RGB"))
    assert image.shape[:2] == (1275, 1650)
    # The bus line's blue is drawn.
    blue = (np.abs(image.astype(int) - [0x1F, 0x78, 0xB4]).sum(axis=2) < 30).sum()
    assert blue > 200
