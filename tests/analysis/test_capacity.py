"""E2SFCA (capacity in reach): by hand on a tiny example, and its invariant."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from accessibility.analysis.capacity import (
    aggregate_capacity,
    decay_sigma,
    decay_weight,
    e2sfca,
    step_weight,
)
from accessibility.errors import InputError

NAN = np.nan


def test_step_by_hand() -> None:
    # Points p0, p1, p2 with 10, 20, 30 EPA persons; sites A (capacity 100), B (50).
    # Times (min): p0-A 10, p1-A 40, p1-B 20, p2-B 50; norm 45.
    # A serves p0 + p1 = 30 persons: R_A = 100/30. B serves p1 only (p2 is at 50 > 45):
    # R_B = 50/20. A_p0 = 100/30, A_p1 = 100/30 + 50/20, A_p2 = 0.
    times = np.array([[10, 40, NAN], [NAN, 20, 50]], dtype=float)
    got = e2sfca(np.array([10, 20, 30.0]), np.array([100, 50.0]), times, 90, step_weight(45))
    np.testing.assert_allclose(got, [100 / 30, 100 / 30 + 50 / 20, 0.0])


def test_decay_by_hand() -> None:
    # Gaussian weights with W(30) = 0.5: sigma = 30 / sqrt(2 ln 2).
    w = decay_weight(30)
    assert w(30) == pytest.approx(0.5) and w(0) == 1.0
    assert decay_sigma(30) == pytest.approx(30 / math.sqrt(2 * math.log(2)))
    # One site (capacity 60), points at 0 and 30 min with 10 and 20 persons:
    # weighted demand 10 * 1 + 20 * 0.5 = 20, R = 3; A_0 = 3 * 1, A_1 = 3 * 0.5.
    got = e2sfca(np.array([10.0, 20.0]), np.array([60.0]), np.array([[0.0, 30.0]]), 90, w)
    np.testing.assert_allclose(got, [3.0, 1.5])
    # Beyond the maximum time nothing counts.
    got = e2sfca(np.array([10.0, 20.0]), np.array([60.0]), np.array([[0.0, 30.0]]), 20, w)
    np.testing.assert_allclose(got, [6.0, 0.0])


def test_points_without_demand_get_no_value_and_take_no_share() -> None:
    times = np.array([[5.0, 5.0]])
    got = e2sfca(np.array([0.0, 10.0]), np.array([100.0]), times, 90, step_weight(45))
    assert np.isnan(got[0]) and got[1] == pytest.approx(10.0)


@pytest.mark.parametrize("seed", range(5))
def test_the_capacity_in_reach_adds_up_to_the_capacity_reached(seed: int) -> None:
    rng = np.random.default_rng(seed)
    demand = rng.uniform(0.1, 5, 40)
    capacity = rng.choice([50.0, 100.0, 200.0], 6)
    times = rng.uniform(0, 120, (6, 40))
    times[rng.random((6, 40)) < 0.3] = np.nan
    for weight in (step_weight(45), decay_weight(45)):
        a = e2sfca(demand, capacity, times, 90, weight)
        w = np.vectorize(weight)(np.nan_to_num(times, nan=1e9))
        reached = ((w > 0) & (np.nan_to_num(times, nan=1e9) <= 90)).any(axis=1)
        assert (demand * a).sum() == pytest.approx(capacity[reached].sum())


def test_aggregate_is_the_epa_weighted_mean_per_100() -> None:
    points = pd.DataFrame({"buurtcode": ["B1", "B1", "B2"], "epa_estimate": [1.0, 3.0, 0.0]})
    out = aggregate_capacity(points, {"step": np.array([0.2, 0.6, NAN])}, "buurtcode")
    row = out.set_index("buurtcode")
    assert row.loc["B1", "capaciteit_step_per_100_epa"] == pytest.approx(100 * (0.2 + 1.8) / 4)
    assert np.isnan(row.loc["B2", "capaciteit_step_per_100_epa"])


def test_bad_shapes_and_values_are_errors() -> None:
    with pytest.raises(InputError, match="shape"):
        e2sfca(np.ones(3), np.ones(2), np.ones((3, 2)), 90, step_weight(45))
    with pytest.raises(InputError, match=">= 0"):
        e2sfca(-np.ones(2), np.ones(1), np.ones((1, 2)), 90, step_weight(45))
    with pytest.raises(InputError, match="positive"):
        decay_weight(0)
