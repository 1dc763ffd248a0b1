"""The one request object: validation, derived limits and r5py-style defaults."""

from __future__ import annotations

import datetime as dt

import pytest

from accessibility.errors import InputError
from accessibility.routing import TransportMode, TravelRequest
from accessibility.routing.request import nearest_rank_index

WHEN = dt.datetime(2026, 12, 1, 10, 0)


def test_defaults_follow_r5py() -> None:
    r = TravelRequest(departure=WHEN)
    assert r.departure_time_window == dt.timedelta(minutes=10)
    assert r.percentiles == (50,)
    assert r.max_time == dt.timedelta(hours=2)
    assert r.walking_limit == r.max_time  # max_time_walking None means max_time
    assert r.transport_modes == (TransportMode.TRANSIT, TransportMode.WALK)
    assert r.max_public_transport_rides == 8


def test_walking_limits_derive_from_one_place() -> None:
    r = TravelRequest(departure=WHEN, max_time=dt.timedelta(minutes=90),
                      max_time_walking=dt.timedelta(minutes=30), speed_walking=3.6)
    assert r.access_limit_m == pytest.approx(1800.0)  # 30 min x 1 m/s
    assert r.walk_only_limit_m == pytest.approx(1800.0)
    assert r.egress_limit_m == pytest.approx(1800.0)
    long = r.replace(max_time_walking=None)
    assert long.access_limit_m == pytest.approx(5400.0)
    assert long.egress_limit_m == pytest.approx(2000.0)  # R5's egress distance cap


def test_kernel_units() -> None:
    r = TravelRequest(departure=dt.datetime(2026, 12, 1, 23, 41, 30),
                      departure_time_window=dt.timedelta(minutes=60, seconds=59))
    assert r.date == dt.date(2026, 12, 1)
    assert r.departure_seconds == 23 * 3600 + 41 * 60 + 30
    assert r.n_minutes == 60
    assert r.max_time_seconds == 7200


def test_modes_and_rides() -> None:
    walk = TravelRequest(departure=WHEN, transport_modes=["walk"])
    assert walk.transit_modes == frozenset() and walk.rides == 0
    bus = TravelRequest(departure=WHEN, transport_modes=("BUS", "WALK"))
    assert bus.transit_modes == frozenset({TransportMode.BUS}) and bus.rides == 8


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"departure": "2026-12-01 10:00"}, "departure must be a datetime"),
        ({"departure": WHEN.replace(tzinfo=dt.timezone(dt.timedelta(hours=1)))}, "timezone"),
        ({"departure_time_window": dt.timedelta(0)}, "departure_time_window must be positive"),
        ({"max_time": 90}, "max_time must be a datetime.timedelta"),
        ({"max_time_walking": dt.timedelta(minutes=-5)}, "max_time_walking must be positive"),
        ({"percentiles": [50.5]}, "percentiles must be whole numbers"),
        ({"percentiles": [0]}, "percentiles must be whole numbers"),
        ({"percentiles": []}, "at least one percentile"),
        ({"speed_walking": 0}, "speed_walking must be a positive number"),
        ({"speed_walking": float("nan")}, "speed_walking must be a positive number"),
        ({"max_public_transport_rides": -1}, "max_public_transport_rides"),
        ({"max_public_transport_rides": 2.5}, "max_public_transport_rides"),
        ({"snap_distance_m": -1}, "snap_distance_m"),
        ({"max_egress_distance_m": float("inf")}, "max_egress_distance_m"),
        ({"transport_modes": []}, "transport_modes is empty"),
        ({"transport_modes": ["HOVERCRAFT"]}, "unknown transport mode"),
    ],
)
def test_bad_parameters_name_themselves(changes: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        TravelRequest(**{"departure": WHEN, **changes})


def test_builtin_engines_refuse_car_and_bicycle_where_not_routed() -> None:
    with pytest.raises(InputError, match="engine='r5py'"):
        TravelRequest(departure=WHEN, transport_modes=["CAR"]).require_builtin_modes(cycling=True)
    bike = TravelRequest(departure=WHEN, transport_modes=["BICYCLE"])
    bike.require_builtin_modes(cycling=True)
    with pytest.raises(InputError, match="engine='r5py'"):
        bike.require_builtin_modes()


def test_one_percentile_where_one_is_needed() -> None:
    assert TravelRequest(departure=WHEN, percentiles=[90]).percentile == 90
    with pytest.raises(InputError, match="one percentile"):
        _ = TravelRequest(departure=WHEN, percentiles=[50, 90]).percentile


def test_nearest_rank() -> None:
    assert nearest_rank_index(60, 50) == 29
    assert nearest_rank_index(60, 100) == 59
    assert nearest_rank_index(1, 50) == 0
    assert nearest_rank_index(10, 1) == 0
