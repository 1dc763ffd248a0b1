"""Tests of the maximal covering location problem (accessibility.analysis.siting)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from accessibility.analysis.siting import coverage_curve, coverage_matrix, greedy_order, solve_mclp
from accessibility.errors import InputError

NAN = float("nan")

# A covers points 0-3, B covers 0, 1, 4 and C covers 2, 3, 5 (45-minute norm).
# Greedy takes A (4) then B or C (+1) = 5; the optimum for k = 2 is B + C = 6.
TIMES = np.array(
    [
        [10, 20, 30, 45, 99, NAN],
        [10, 20, 99, 99, 40, NAN],
        [99, 99, 30, 45, NAN, 5],
    ],
    dtype=float,
)
WEIGHTS = np.ones(6)


def brute_force(cover: np.ndarray, weights: np.ndarray, k: int) -> float:
    """Best covered weight over all k-subsets of candidates."""
    return max(
        float(weights[cover[list(s)].any(axis=0)].sum())
        for s in itertools.combinations(range(cover.shape[0]), k)
    )


def _random_instance(rng, n_cand, n_points):
    times = rng.uniform(0, 90, (n_cand, n_points))
    times[rng.random(times.shape) < 0.2] = NAN
    weights = rng.uniform(0, 10, n_points).round(2)
    return times, weights


def test_coverage_matrix_norm_inclusive_and_nan():
    assert coverage_matrix(TIMES, 45)[0].tolist() == [True, True, True, True, False, False]


def test_greedy_is_suboptimal_and_exact_finds_optimum():
    greedy = solve_mclp(TIMES, WEIGHTS, 2, method="greedy")
    assert greedy.chosen == [0, 1]
    assert greedy.marginal_gain == [4.0, 1.0]
    assert greedy.covered_weight == 5.0
    assert greedy.method == "greedy" and not greedy.optimal
    exact = solve_mclp(TIMES, WEIGHTS, 2, method="exact")
    assert sorted(exact.chosen) == [1, 2]
    assert exact.marginal_gain == [3.0, 3.0]
    assert exact.covered_weight == 6.0
    assert exact.method == "exact" and exact.optimal


def test_exact_orders_chosen_sites_by_marginal_gain():
    weights = np.array([1.0, 1.0, 5.0, 5.0, 1.0, 1.0])
    # B + C is optimal (14); C alone covers 11, then B adds 3
    exact = solve_mclp(TIMES, weights, 2, method="exact")
    assert exact.chosen == [2, 1]
    assert exact.marginal_gain == [11.0, 3.0]
    table = exact.table(candidate_ids=["A", "B", "C"])
    assert table["candidate"].tolist() == ["C", "B"]
    assert table["cumulative_gain"].tolist() == [11.0, 14.0]
    assert table["share_covered"].tolist() == pytest.approx([11 / 14, 1.0])


def test_existing_coverage_is_not_counted_again():
    covered = np.array([True, True, True, True, False, False])  # what A would cover
    result = solve_mclp(TIMES, WEIGHTS, 1, covered=covered, method="exact")
    assert result.existing_weight == 4.0
    assert result.covered_weight == 1.0  # B adds point 4 (or C point 5)
    assert result.chosen == [1]
    greedy = solve_mclp(TIMES, WEIGHTS, 1, covered=covered, method="greedy")
    assert greedy.chosen == [1] and greedy.marginal_gain == [1.0]


def test_nothing_left_to_cover():
    covered = np.ones(6, dtype=bool)
    result = solve_mclp(TIMES, WEIGHTS, 2, covered=covered, method="exact")
    assert result.covered_weight == 0.0
    assert len(result.chosen) == 2
    assert result.optimal


def test_coverage_curve_exact_and_greedy():
    exact = coverage_curve(TIMES, WEIGHTS, 3, method="exact")
    assert exact["k"].tolist() == [1, 2, 3]
    assert exact["covered_weight"].tolist() == [4.0, 6.0, 6.0]
    assert exact["optimal"].all()
    assert exact["share_covered"].tolist() == pytest.approx([4 / 6, 1.0, 1.0])
    greedy = coverage_curve(TIMES, WEIGHTS, 3, method="greedy")
    assert greedy["covered_weight"].tolist() == [4.0, 5.0, 6.0]
    assert greedy["sites"].tolist() == [[0], [0, 1], [0, 1, 2]]


def test_auto_switches_on_problem_size():
    small = solve_mclp(TIMES, WEIGHTS, 2, method="auto")
    assert small.method == "exact" and small.covered_weight == 6.0
    large = solve_mclp(TIMES, WEIGHTS, 2, method="auto", exact_max_cells=5)
    assert large.method == "greedy" and large.covered_weight == 5.0
    # 3 candidates x 4 distinct patterns (AB, AC, B, C) = 12 cells
    assert "4 distinct coverage patterns of the 6 points still to cover = 12 cells" in large.notes[0]


def test_greedy_k1_equals_brute_force_on_random_instances():
    rng = np.random.default_rng(42)
    for _ in range(25):
        times, weights = _random_instance(rng, 8, 30)
        cover = coverage_matrix(times, 45)
        _, gains = greedy_order(cover, weights, 1)
        assert gains[0] == pytest.approx(brute_force(cover, weights, 1))


def test_exact_equals_brute_force_on_random_instances():
    rng = np.random.default_rng(3)
    for trial in range(8):
        times, weights = _random_instance(rng, 7, 25)
        covered = rng.random(25) < 0.2
        k = 2 + trial % 2
        result = solve_mclp(times, weights, k, covered=covered, method="exact")
        remaining = np.where(covered, 0.0, weights)
        assert result.optimal
        assert len(set(result.chosen)) == k
        assert result.covered_weight == pytest.approx(
            brute_force(coverage_matrix(times, 45), remaining, k)
        )
        # greedy never beats the optimum
        greedy = solve_mclp(times, weights, k, covered=covered, method="greedy")
        assert greedy.covered_weight <= result.covered_weight + 1e-9


def test_input_errors():
    with pytest.raises(InputError, match="k = 4 must be between 1 and"):
        solve_mclp(TIMES, WEIGHTS, 4)
    with pytest.raises(InputError, match="weights: value -1 at point position 0"):
        solve_mclp(TIMES, np.array([-1.0, 1, 1, 1, 1, 1]), 1)
    with pytest.raises(InputError, match="one weight per point"):
        solve_mclp(TIMES, np.ones(5), 1)
    with pytest.raises(InputError, match="2-D"):
        solve_mclp(TIMES[0], WEIGHTS, 1)
    with pytest.raises(InputError, match="method 'best'"):
        solve_mclp(TIMES, WEIGHTS, 1, method="best")
    with pytest.raises(InputError, match="covered"):
        solve_mclp(TIMES, WEIGHTS, 1, covered=np.ones(3, dtype=bool))
