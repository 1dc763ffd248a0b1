"""The travel-times and geocode commands turn bad input into a clear error, never a traceback
or a silently different result."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_matrix import FEED, _osm_xml
from typer.testing import CliRunner

from accessibility.cli import app
from accessibility.errors import InputError
from accessibility.routing import TravelRequest

WHEN = "2019-05-14T08:00"


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    (folder / "street.osm").write_text(_osm_xml())
    (folder / "feed").mkdir()
    for name, text in FEED.items():
        (folder / "feed" / name).write_text(text)
    (folder / "d.csv").write_text("id,lat,lon\nC,52.0,5.1\n")
    return folder


def _invoke(world: Path, origins: Path, out: Path, *extra: str):
    args = ["travel-times", "--osm", str(world / "street.osm"), "--gtfs", str(world / "feed"),
            "--origins", str(origins), "--destinations", str(world / "d.csv"),
            "--cache-dir", str(world / "cache"), "--out", str(out), *extra]
    if "--departure" not in extra:
        args += ["--departure", WHEN]
    return CliRunner().invoke(app, args)


def _clear_error(result, pattern: str) -> None:
    assert result.exit_code == 1, result.output
    assert pattern in " ".join(result.output.split()), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("body, pattern", [
    (b"", "the origins file is empty"),
    (b"   \n\n", "the origins file is empty"),
    (b'id,lat,lon\n"A,52.0,5.0\nB,52.0,5.05\n', "not valid CSV"),
    (b"id,lat,lon\nA,52.0,5.0,extra,fields\n", "not valid CSV"),
    (b"id,lat,lon\n\x81\x8d,52.0,5.0\n", "neither UTF-8 nor Windows-1252"),
])
def test_origins_file_errors(world, tmp_path, body, pattern) -> None:
    origins = tmp_path / "o.csv"
    origins.write_bytes(body)
    _clear_error(_invoke(world, origins, tmp_path / "x.csv"), pattern)
    assert not (tmp_path / "x.csv").exists()


def test_windows_1252_origins_are_read(world, tmp_path) -> None:
    origins = tmp_path / "o.csv"
    origins.write_bytes("id,lat,lon\nCafé Noël,52.0,5.0\n".encode("cp1252"))
    result = _invoke(world, origins, tmp_path / "x.csv")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x.csv").read_text().splitlines()[1] == "Café Noël,C,25"


def test_out_pointing_at_a_folder(world, tmp_path) -> None:
    origins = tmp_path / "o.csv"
    origins.write_text("id,lat,lon\nA,52.0,5.0\n")
    (tmp_path / "res").mkdir()
    _clear_error(_invoke(world, origins, tmp_path / "res"), "is a folder; give a file name")


def test_geocode_out_pointing_at_a_folder(tmp_path) -> None:
    locations = tmp_path / "loc.csv"
    locations.write_text("id,name,lat,lon\nS1,Steunpunt Noord,52.2260,5.1810\n")
    (tmp_path / "pinned.csv").mkdir()
    result = CliRunner().invoke(app, ["geocode", str(locations), "--offline",
                                      "--out", str(tmp_path / "pinned.csv")])
    _clear_error(result, "is a folder; give a file name")


@pytest.mark.parametrize("extra, pattern", [
    (("--departure", "2019-05-14T08:00+02:00"), "carries a timezone offset"),
    (("--window", "100000"), "longer than one day"),
])
def test_departure_and_window_are_checked_not_dropped(world, tmp_path, extra, pattern) -> None:
    origins = tmp_path / "o.csv"
    origins.write_text("id,lat,lon\nA,52.0,5.0\n")
    _clear_error(_invoke(world, origins, tmp_path / "x.csv", *extra), pattern)
    assert not (tmp_path / "x.csv").exists()


def test_fractional_percentile_is_a_usage_error(world, tmp_path) -> None:
    origins = tmp_path / "o.csv"
    origins.write_text("id,lat,lon\nA,52.0,5.0\n")
    result = _invoke(world, origins, tmp_path / "x.csv", "--percentile", "50.5")
    assert result.exit_code == 2 and "Invalid value for '--percentile'" in result.output
    with pytest.raises(InputError, match="whole numbers"):
        TravelRequest(dt.datetime(2019, 5, 14, 8), percentiles=[50.5])
    assert TravelRequest(dt.datetime(2019, 5, 14, 8),
                         departure_time_window=dt.timedelta(days=1)).n_minutes == 1440


def test_geocode_refuses_swapped_lat_lon(tmp_path) -> None:
    locations = tmp_path / "loc.csv"
    locations.write_text("id,name,lat,lon\nS1,Steunpunt Noord,52.2260,5.1810\n"
                         "S2,Steunpunt Zuid,5.1700,52.2400\n")
    result = CliRunner().invoke(app, ["geocode", str(locations), "--offline",
                                      "--out", str(tmp_path / "pinned.csv")])
    _clear_error(result, "1 location(s) have lat and lon swapped: S2 (lat=5.17000, lon=52.24000)")
    assert not (tmp_path / "pinned.csv").exists()
    fixed = locations.read_text().replace("5.1700,52.2400", "52.2400,5.1700")
    locations.write_text(fixed)
    ok = CliRunner().invoke(app, ["geocode", str(locations), "--offline",
                                  "--out", str(tmp_path / "pinned.csv")])
    assert ok.exit_code == 0, ok.output
