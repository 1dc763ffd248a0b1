"""Fuzz: command-line arguments end in a result, a clear error (exit 1) or a usage error
(exit 2), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from strategies import NASTY
from test_fuzz_osm import XML
from typer.testing import CliRunner

from accessibility.cli import app

FEED_STOPS = "stop_id,stop_name,stop_lat,stop_lon\nA,Alpha,52.0,5.0\nB,Beta,52.0001,5.0011\n"


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    from test_fuzz_gtfs import FEED

    folder = tmp_path_factory.mktemp("cli")
    (folder / "s.osm").write_text(XML)
    (folder / "feed").mkdir()
    for name, text in FEED.items():
        (folder / "feed" / name).write_text(text)
    (folder / "o.csv").write_text("id,lat,lon\no1,52.0,5.0\no2,52.0002,5.0008\n")
    (folder / "d.csv").write_text("id,lat,lon\nd1,52.0001,5.0011\n")
    return folder


DEPARTURES = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.sampled_from(["2019-05-14T08:00", "2019-05-14T08:00+02:00", "2019-05-14T08:00Z",
                     "2019-05-14", "2019-02-30T08:00", "14-05-2019 08:00", "08:00"]),
    NASTY,
)
NUMBERS = st.one_of(st.integers(-10, 10**6).map(str), st.sampled_from(["0", "50.5", "nan",
                                                                      "inf", "-inf", "1e9"]))


@given(departure=DEPARTURES, window=NUMBERS, max_time=NUMBERS, speed=NUMBERS,
       percentile=NUMBERS, rides=NUMBERS)
def test_travel_times_arguments(world: Path, tmp_path: Path, departure, window, max_time, speed,
                                percentile, rides) -> None:
    out = tmp_path / "ttm.csv"
    out.unlink(missing_ok=True)
    args = ["travel-times", "--osm", str(world / "s.osm"), "--gtfs", str(world / "feed"),
            "--origins", str(world / "o.csv"), "--destinations", str(world / "d.csv"),
            "--cache-dir", str(world / "cache"), "--out", str(out), "--departure", departure,
            "--window", window, "--max-time", max_time, "--speed-walking", speed,
            "--percentile", percentile, "--max-rides", rides]
    result = CliRunner().invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1, 2), result.output
    assert (result.exit_code == 0) == out.exists()


@given(region=st.one_of(NASTY, st.sampled_from(["demo", "nergens", "../../etc/passwd",
                                                 "data/regions/demo.toml"])),
       norm=NUMBERS)
@settings(max_examples=max(10, settings.default.max_examples // 4))  # each example loads a region
@example(region="~0", norm="0")  # found by the long profile: a home folder that does not exist
def test_job_arguments(tmp_path: Path, region: str, norm: str) -> None:
    result = CliRunner().invoke(app, ["check-location", "--region", region, "--lat", norm,
                                      "--lon", "5.0", "--out", str(tmp_path / "c")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1, 2), result.output
