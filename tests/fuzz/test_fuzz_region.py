"""Fuzz: damaged region TOML files raise only the package's own errors (ConfigError)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from strategies import NASTY, mutated_bytes

from accessibility.config import load_region
from accessibility.errors import AccessibilityError

REPO = Path(__file__).resolve().parents[2]
DEMO = (REPO / "data/regions/demo.toml").read_text(encoding="utf-8")
KEY_LINES = [i for i, line in enumerate(DEMO.splitlines()) if re.match(r"^\w+\s*=", line)]

TOML_VALUES = st.one_of(
    st.integers(-10**20, 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: repr(f).replace("inf", "inf")),
    st.booleans().map(lambda b: str(b).lower()),
    NASTY.map(lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.lists(st.integers(-5, 5000), max_size=4).map(str),
    st.sampled_from(['"2026-02-30"', '"25:00"', "2026-12-01", '"next-blursday"', "[]", "{}",
                     '["GM0402", 3]', '"GM9901"', '"EPSG:4326"', '"EPSG:999999"', "-1"]),
    NASTY,
)


def _load(text: bytes | str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "region.toml"
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        try:
            load_region(path)
        except AccessibilityError:
            pass


@given(line=st.sampled_from(KEY_LINES), value=TOML_VALUES)
def test_one_value_replaced(line: int, value: str) -> None:
    lines = DEMO.splitlines()
    key = lines[line].split("=", 1)[0]
    lines[line] = f"{key}= {value}"
    _load("\n".join(lines) + "\n")


@given(line=st.sampled_from(KEY_LINES))
def test_one_key_dropped(line: int) -> None:
    lines = DEMO.splitlines()
    del lines[line]
    _load("\n".join(lines) + "\n")


@given(data=st.data())
def test_damaged_bytes(data) -> None:
    _load(data.draw(mutated_bytes(DEMO.encode())))
