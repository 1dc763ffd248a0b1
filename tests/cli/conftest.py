"""One network cache for the command-line tests (the demo network is built once)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def cli_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cli-cache")
