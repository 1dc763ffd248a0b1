"""Fuzz: location and candidate files and travel-times origin files raise only the package's
own errors."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import NASTY, mutated_bytes, mutated_csv

from accessibility.cli.travel_times import read_points
from accessibility.errors import AccessibilityError
from accessibility.jobs.candidates import candidates_from_file
from accessibility.jobs.region import RegionData
from accessibility.places.locations import read_locations

REPO = Path(__file__).resolve().parents[2]
LOCATIONS = (REPO / "data/demo/steunpunten.csv").read_text(encoding="utf-8")
ORIGINS = "id,lat,lon\nA,52.0,5.0\nB,52.01,5.02\n\"C, hoek\",52.02,5.04\n"


def _call(fn, *args) -> None:
    try:
        fn(*args)
    except AccessibilityError:
        pass


def _encoded(data, text: str) -> bytes:
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


@given(data=st.data())
def test_origins_csv_text(data) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "origins.csv"
        path.write_bytes(_encoded(data, data.draw(mutated_csv(ORIGINS))))
        _call(read_points, path, "origins")


@given(data=st.data())
def test_origins_bytes(data) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "origins.csv"
        path.write_bytes(data.draw(mutated_bytes(ORIGINS.encode())))
        _call(read_points, path, "origins")


@given(data=st.data())
def test_location_csv_text(data) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "steunpunten.csv"
        path.write_bytes(_encoded(data, data.draw(mutated_csv(LOCATIONS))))
        _call(read_locations, path)


@given(data=st.data())
def test_location_bytes(data) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "steunpunten.csv"
        path.write_bytes(data.draw(mutated_bytes(LOCATIONS.encode())))
        _call(read_locations, path)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> RegionData:
    return RegionData.load("demo", cache_dir=tmp_path_factory.mktemp("cache"))


@given(data=st.data(), name=NASTY)
def test_candidate_file(data, name: str, demo: RegionData) -> None:
    text = f"id,name,lat,lon\nk1,{name},52.46078,5.25282\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kandidaten.csv"
        path.write_bytes(_encoded(data, data.draw(mutated_csv(text))))
        _call(candidates_from_file, demo, path)
