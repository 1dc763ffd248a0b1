"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The reference data folder ``../shared/data``; skips the test when absent."""
    data = SHARED_DIR / "data"
    if not data.is_dir():
        pytest.skip(f"reference data not found at {data} (a fresh clone has no ../shared)")
    return data
