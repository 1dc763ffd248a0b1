"""The ``itinerary`` command on the demo region: step list, files, clear errors."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from typer.testing import CliRunner

from accessibility.cli import app


@pytest.fixture(scope="module")
def cache(cli_cache: Path) -> Path:
    return cli_cache


def invoke(*args: str, columns: int = 200):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns)})


def test_address_to_steunpunt_prints_dutch_steps_and_writes_geojson(cache, tmp_path) -> None:
    out = tmp_path / "route.geojson"
    r = invoke("itinerary", "--from", "Kerkstraat 1, 9926AC Veenstad", "--to", "VS04",
               "--departure", "2026-12-01 10:00", "--out", str(out), "--cache-dir", str(cache))
    assert r.exit_code == 0, r.output
    assert "naar Ontmoetingsplek Oosterhoeve (VS04)" in r.output
    assert "1. Loop " in r.output and "naar halte " in r.output
    assert " richting " in r.output and "stap uit bij" in r.output
    assert "Vertrek " in r.output and "aankomst " in r.output and "Route geschreven" in r.output
    legs = gpd.read_file(out)
    assert legs["segment"].tolist() == list(range(len(legs))) and len(legs) >= 3
    assert set(legs["transport_mode"]) >= {"WALK"} and legs["to_id"].eq("VS04").all()
    # Minutes of the legs add up to the printed travel time.
    total = legs["travel_time_min"].sum() + legs["wait_time_min"].sum()
    assert f": {int(total)} min" in r.output


def test_point_by_name_in_english_and_gpkg(cache, tmp_path) -> None:
    out = tmp_path / "route.gpkg"
    r = invoke("itinerary", "--lat", "52.56", "--lon", "5.24", "--to", "veenhaven", "--lang", "en",
               "--out", str(out), "--cache-dir", str(cache))
    assert r.exit_code == 0, r.output
    assert "to Herstelcentrum De Veenhaven (VS01)" in r.output and "1. Walk " in r.output
    assert "Leave at " in r.output and "Route written" in r.output
    assert pyogrio.list_layers(out)[:, 0].tolist() == ["route"]


def test_clear_errors(cache, tmp_path) -> None:
    r = invoke("itinerary", "--to", "VS01", "--cache-dir", str(cache))
    assert r.exit_code == 2 and "geef --from ADRES of --lat met --lon" in r.output
    r = invoke("itinerary", "--lat", "52.56", "--lon", "5.24", "--to", "VS99",
               "--cache-dir", str(cache))
    assert r.exit_code == 1 and "VS99" in r.output and "VS01 (Herstelcentrum De Veenhaven)" in r.output
    r = invoke("itinerary", "--lat", "52.56", "--lon", "5.24", "--to", "VS01", "--departure",
               "morgen vroeg laat", "--cache-dir", str(cache))
    assert r.exit_code == 1 and "--departure" in r.output
    r = invoke("itinerary", "--lat", "52.56", "--lon", "5.24", "--to", "VS01", "--out",
               str(tmp_path / "route.csv"), "--cache-dir", str(cache))
    assert r.exit_code == 1 and ".geojson or .gpkg" in r.output
