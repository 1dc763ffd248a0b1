"""Maps of days with access and capacity in reach: colour where people live, worst darkest."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from matplotlib.colors import to_rgb
from matplotlib.image import imread

from accessibility.errors import InputError
from accessibility.outputs.maps import UNREACHABLE_COLOUR
from accessibility.outputs.maps.measure_maps import plot_capacity, plot_days_with_access

CRS = "EPSG:28992"


def _buurten(values: list[float], column: str) -> gpd.GeoDataFrame:
    boxes = [shapely.box(150_000 + 4000 * i, 450_000, 154_000 + 4000 * i, 454_000)
             for i in range(len(values))]
    return gpd.GeoDataFrame({"buurtcode": [f"BU{i}" for i in range(len(values))],
                             column: values}, geometry=boxes, crs=CRS)


def _points(n_buurten: int, per_point: float) -> gpd.GeoDataFrame:
    """A 3 x 3 block of inhabited 100 m cells near the centre of every buurt."""
    xs, ys, codes = [], [], []
    for i in range(n_buurten):
        for dx in range(3):
            for dy in range(3):
                xs.append(151_950 + 4000 * i + 100 * dx)
                ys.append(451_950 + 100 * dy)
                codes.append(f"BU{i}")
    return gpd.GeoDataFrame({"buurtcode": codes, "population": per_point},
                            geometry=gpd.points_from_xy(xs, ys), crs=CRS)


def _share_of_colour(png, colour: str, tol: float = 0.04) -> float:
    image = imread(png)[..., :3]
    return float((np.abs(image - np.array(to_rgb(colour))).max(axis=-1) < tol).mean())


@pytest.mark.parametrize("with_people", [True, False])
def test_no_capacity_is_drawn_in_the_darkest_colour(tmp_path, with_people) -> None:
    buurten = _buurten([0.0, 120.0], "cap")
    kwargs = {"population": _points(2, 50.0), "cell_size_m": 100.0} if with_people else {}
    png = plot_capacity(buurten, None, "cap", "t", {"synthetic": True}, tmp_path / "c.png",
                        dpi=60, **kwargs)
    assert png.exists() and png.with_suffix(".pdf").exists()
    share = _share_of_colour(png, UNREACHABLE_COLOUR)
    assert share > 0.0005  # the buurt without capacity is visible, not a pale tint
    if with_people:
        # only where people live: far less dark area than the whole buurt (choropleth)
        full = plot_capacity(buurten, None, "cap", "t", None, tmp_path / "full.png", dpi=60)
        assert share < 0.2 * _share_of_colour(full, UNREACHABLE_COLOUR)


def test_days_map_needs_the_buurt_code_of_the_points(tmp_path) -> None:
    buurten = _buurten([6.0, 0.0], "days_with_access")
    points = _points(2, 20.0).drop(columns="buurtcode")
    with pytest.raises(InputError, match="buurtcode"):
        plot_days_with_access(buurten, None, 45, "t", None, tmp_path / "d.png",
                              population=points, cell_size_m=100.0, dpi=60)
    assert not (tmp_path / "d.png").exists()
