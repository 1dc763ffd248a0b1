"""Shared test fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Hypothesis profiles of the fuzz tests: "ci" (the default, fixed seed, a few
# minutes for the whole suite) and "long" (HYPOTHESIS_PROFILE=long or
# ``pytest --hypothesis-profile=long``) for a deeper search.
settings.register_profile(
    "ci", max_examples=25, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "long", max_examples=1000, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The reference data folder ``../shared/data``; skips the test when absent."""
    data = SHARED_DIR / "data"
    if not data.is_dir():
        pytest.skip(f"reference data not found at {data} (a fresh clone has no ../shared)")
    return data
