"""Small report-text rules that every region meets."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from accessibility.jobs.report_text import MAX_LISTED_GEMEENTEN, gemeente_codes


def _region(n: int) -> SimpleNamespace:
    return SimpleNamespace(config=SimpleNamespace(gemeenten=[f"GM{k:04d}" for k in range(n)]))


def test_a_small_region_lists_its_gemeentecodes() -> None:
    assert gemeente_codes(_region(3), "nl") == "GM0000, GM0001, GM0002"
    assert len(gemeente_codes(_region(MAX_LISTED_GEMEENTEN), "en").split(", ")) == 8


@pytest.mark.parametrize(("lang", "text"), [("nl", "1.342 gemeenten"),
                                             ("en", "1,342 municipalities")])
def test_a_national_region_counts_them(lang, text) -> None:
    """The national run has 342 gemeenten: a list of codes would fill the parameter table."""
    assert gemeente_codes(_region(1342), lang) == text
