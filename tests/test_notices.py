"""Structured warnings: English as a string, Dutch on request, singular and plural."""

from __future__ import annotations

import pickle

import pytest

from accessibility.notices import MESSAGES, Notice, format_message, list_codes, render


def test_notice_is_its_english_text_and_renders_dutch():
    n = Notice("population.zero_inhabitants", n=1)
    assert n == "1 buurt(en) with 0 inhabitants get no points"  # the text before the change
    assert n.render("nl") == "1 buurt zonder inwoners krijgt geen bevolkingspunten"
    assert Notice("population.zero_inhabitants", n=3).render("nl") == (
        "3 buurten zonder inwoners krijgen geen bevolkingspunten")
    assert render("plain text", "nl") == "plain text"


def test_dutch_thousands_and_nested_notices():
    far = Notice("population.far_from_street", n=5652, distance="300")
    assert far.render("nl").startswith("5.652 rastercellen verder dan 300 m")
    assert str(far).startswith("5652 grid cell(s)")
    outer = Notice("locations.not_on_map", id="VS06", name="Heideland",
                   reason=Notice("unpinned.note_only", note="roulerend"))
    assert outer.render("nl") == ("steunpunt VS06 (Heideland) staat niet op de kaart: "
                                  "geen coördinaten en geen adres: roulerend")


def test_every_message_has_both_languages_with_the_same_fields():
    import string

    for code, texts in MESSAGES.items():
        assert set(texts) == {"nl", "en"}, code
        fields = [{f for _, f, _, _ in string.Formatter().parse(t) if f} for t in texts.values()]
        assert fields[0] == fields[1] or code == "unpinned.geocode_failed", code


def test_pickle_and_unknown_language():
    n = Notice("epa.no_population", n=2)
    back = pickle.loads(pickle.dumps(n))
    assert back == n and back.render("nl") == n.render("nl")
    with pytest.raises(KeyError):
        format_message("epa.no_population", {"n": 1}, "de")


def test_list_codes():
    assert list_codes(["a", "b"]) == "a, b"
    assert list_codes(range(12), limit=10) == "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 +2"
