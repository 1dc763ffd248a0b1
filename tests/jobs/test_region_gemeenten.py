"""A region's gemeenten select the buurten of a local buurten file (or fail clearly)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest

from accessibility.errors import InputError
from accessibility.jobs.region import RegionData
from accessibility.jobs.whitespots import run_whitespots

REPO = Path(__file__).resolve().parents[2]
DEMO_TOML = REPO / "data/regions/demo.toml"


def _region(tmp_path: Path, gemeenten: str) -> Path:
    text = DEMO_TOML.read_text()
    old = 'gemeenten = ["GM9901", "GM9902", "GM9903"]'
    assert old in text
    path = tmp_path / "regions" / "demo.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace(old, f"gemeenten = {gemeenten}"))
    return path


def test_listed_gemeente_selects_only_its_buurten(tmp_path: Path) -> None:
    data = RegionData.load(_region(tmp_path, '["GM9902"]'), cache_dir=tmp_path / "cache")
    all_buurten = gpd.read_file(REPO / "data/demo/buurten.geojson")
    assert len(all_buurten) == 43 and (all_buurten["gemeentecode"] == "GM9902").sum() == 11
    assert len(data.buurten.gdf) == 11
    assert set(data.buurten.gdf["gemeentecode"]) == {"GM9902"}
    assert set(data.epa.buurten["gemeentecode"]) == {"GM9902"}


def test_whitespots_analyse_only_the_listed_gemeente(tmp_path: Path) -> None:
    data = RegionData.load(_region(tmp_path, '["GM9902"]'), cache_dir=tmp_path / "cache")
    run_whitespots(data, tmp_path / "out")
    layer = gpd.read_file(next((tmp_path / "out").glob("*.gpkg")), layer="buurten")
    assert len(layer) == 11 and set(layer["gemeentecode"]) == {"GM9902"}


def test_gemeente_missing_from_the_buurten_file_fails_clearly(tmp_path: Path) -> None:
    data = RegionData.load(_region(tmp_path, '["GM0402"]'), cache_dir=tmp_path / "cache")
    with pytest.raises(InputError, match=r"buurten\.geojson: no buurt of gemeente\(n\) GM0402 "
                                         r"\(the file holds GM9901, GM9902, GM9903\)"):
        data.buurten  # noqa: B018


def test_partly_covered_region_fails_too(tmp_path: Path) -> None:
    data = RegionData.load(_region(tmp_path, '["GM9901", "GM0402"]'), cache_dir=tmp_path / "cache")
    with pytest.raises(InputError, match=r"no buurt of gemeente\(n\) GM0402"):
        data.buurten  # noqa: B018
