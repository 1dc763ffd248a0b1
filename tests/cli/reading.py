"""Reading a rendered report as a person does: its visible text, and English words in it."""

from __future__ import annotations

import html
import re
from pathlib import Path

ENGLISH_WORDS = {
    "the", "with", "without", "and", "get", "gets", "points", "inhabitants", "within",
    "reach", "centre", "walking", "beyond", "estimate", "not", "only", "coordinates",
    "address", "cached", "answer", "found", "outside", "region", "holiday", "street",
}
"""English words that never occur in a Dutch report (names and codes aside)."""


def visible_text(path: Path) -> str:
    """The text a reader sees in an HTML report (no styles, no images)."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"<style.*?</style>|<img[^>]*>", " ", text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def english_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z]+", text.lower()) if w in ENGLISH_WORDS}
