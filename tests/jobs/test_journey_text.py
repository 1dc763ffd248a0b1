"""The step list of a journey, in Dutch and English, from hand-made leg rows."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from accessibility.jobs.journey_text import (
    distance_text,
    journey_facts,
    journey_sentence,
    journey_steps,
)
from accessibility.routing import TransportMode

T = dt.datetime(2026, 12, 1, 10, 0)


def _leg(segment, mode, start_min, minutes, wait_min=0.0, distance=0.0, **kw) -> dict:
    row = {"segment": segment, "transport_mode": mode,
           "departure_time": T + dt.timedelta(minutes=start_min),
           "travel_time": pd.Timedelta(minutes=minutes), "wait_time": pd.Timedelta(minutes=wait_min),
           "distance": distance, "route_short_name": None, "headsign": None,
           "start_stop_name": None, "end_stop_name": None}
    row.update(kw)
    return row


def walk_bus_walk() -> pd.DataFrame:
    return pd.DataFrame([
        _leg(0, TransportMode.WALK, 0, 6.5, distance=403.0, end_stop_name="Huizen, Busstation"),
        _leg(1, TransportMode.BUS, 12, 20, wait_min=5.5, distance=9000.0, route_short_name="320",
             headsign="Hilversum", start_stop_name="Huizen, Busstation",
             end_stop_name="Hilversum, Station"),
        _leg(2, TransportMode.WALK, 32, 2.25, distance=151.0),
    ]).sample(frac=1.0, random_state=1)  # any row order: the steps follow the segments


def test_dutch_step_list() -> None:
    text = journey_sentence(walk_bus_walk(), "Steunpunt De Brug", "nl")
    assert text == (
        "Loop 400 m naar halte Huizen, Busstation; neem bus 320 richting Hilversum om 10:12 en "
        "stap uit bij Hilversum, Station (10:32); loop 150 m naar Steunpunt De Brug. "
        "Vertrek 10:00, aankomst 10:34: 34 min, waarvan 5 min wachten, niet overstappen.")


def test_english_step_list() -> None:
    steps = journey_steps(walk_bus_walk(), "Steunpunt De Brug", "en")
    assert steps == ["Walk 400 m to stop Huizen, Busstation",
                     "take bus 320 towards Hilversum at 10:12 and get off at Hilversum, Station "
                     "(10:32)", "walk 150 m to Steunpunt De Brug"]


def test_facts_count_rides_changes_and_waiting() -> None:
    legs = pd.DataFrame([
        _leg(0, TransportMode.WALK, 0, 2, distance=120.0, end_stop_name="A"),
        _leg(1, TransportMode.RAIL, 5, 10, wait_min=3, route_short_name="SPR", headsign="B",
             start_stop_name="A", end_stop_name="B"),
        _leg(2, TransportMode.WALK, 15, 1, distance=60.0, end_stop_name="B2"),
        _leg(3, TransportMode.TRAM, 20, 4, wait_min=4, route_short_name="2", start_stop_name="B2",
             end_stop_name="C"),
        _leg(4, TransportMode.WALK, 24, 0.01, distance=1.0),
    ])
    facts = journey_facts(legs, "nl")
    assert (facts.minutes, facts.wait_minutes, facts.rides, facts.transfers) == (24, 7, 2, 1)
    assert facts.lines == ["trein SPR", "tram 2"] and facts.first_stop == "A"
    assert facts.walk_m == pytest.approx(181.0)
    steps = journey_steps(legs, "X", "nl")
    # The tram has no headsign; the 1 m egress means one is there.
    assert steps[3] == "neem tram 2 om 10:20 en stap uit bij C (10:24)"
    assert steps[-1] == "u bent bij X"
    assert "1 keer overstappen" in journey_sentence(legs, "X", "nl")


def test_walk_only_and_distances() -> None:
    legs = pd.DataFrame([_leg(0, TransportMode.WALK, 0, 21, distance=1260.0)])
    assert journey_sentence(legs, "Y", "nl") == (
        "Loop 1,3 km naar Y. Vertrek 10:00, aankomst 10:21: 21 min, alleen lopen.")
    assert journey_sentence(legs, "Y", "en").endswith("21 min, walking only.")
    assert [distance_text(m, "nl") for m in (4.0, 994.0, 1000.0, 12345.0)] == [
        "0 m", "990 m", "1,0 km", "12,3 km"]
    assert distance_text(12345.0, "en") == "12.3 km"
