"""Shared test fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import osmium
import pytest
from hypothesis import HealthCheck, settings
from osmium.osm.mutable import Node, Relation, Way

# Hypothesis profiles of the fuzz tests: "ci" (the default, fixed seed, a few
# minutes for the whole suite) and "long" (HYPOTHESIS_PROFILE=long or
# ``pytest --hypothesis-profile=long``) for a deeper search.
settings.register_profile(
    "ci", max_examples=30, deadline=None, derandomize=True, database=None,
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


def _write_sorted_pbf(path: Path) -> bytes:
    """A PBF sorted by type (as Geofabrik's): a node, a way and a relation block."""
    header = osmium.io.Header()
    header.set("sorting", "Type_then_ID")
    with osmium.SimpleWriter(str(path), overwrite=True, header=header) as writer:
        for i in range(50):
            writer.add_node(Node(id=i + 1, location=(5.0 + i * 1e-4, 52.0)))
        for i in range(49):
            writer.add_way(Way(id=100 + i, nodes=[i + 1, i + 2], tags={"highway": "footway"}))
        writer.add_relation(Relation(id=900, members=[("w", 100, "")], tags={"type": "route"}))
    return path.read_bytes()


def _block_ends(data: bytes) -> list[int]:
    """Byte offsets where the PBF blocks of ``data`` end (BlobHeader field 3 is the blob size)."""
    ends, pos = [], 0
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        header, i, size = data[pos + 4:pos + 4 + n], 0, None
        while i < len(header):
            key = header[i]
            i += 1
            value = shift = 0
            while True:
                byte = header[i]
                i += 1
                value |= (byte & 0x7F) << shift
                shift += 7
                if not byte & 0x80:
                    break
            if key & 7 == 2:
                i += value
            elif key >> 3 == 3:
                size = value
        pos += 4 + n + size
        ends.append(pos)
    return ends


@pytest.fixture()
def sorted_pbf(tmp_path: Path) -> tuple[bytes, list[int]]:
    """A small PBF sorted by type (node, way, relation blocks) and the byte offsets of its block ends."""
    data = _write_sorted_pbf(tmp_path / "sorted.osm.pbf")
    ends = _block_ends(data)
    assert len(ends) == 4 and ends[-1] == len(data)
    return data, ends
