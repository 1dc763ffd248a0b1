"""Map text in Dutch (default) and English: legend words, numbers and captions."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from accessibility.errors import InputError

LANGS = ("nl", "en")

TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "within": "binnen {m} min",
        "band": "{a}–{b} min",
        "stop": "halte",
        "steunpunt": "steunpunt",
        "candidate": "voorgestelde locatie",
        "candidates": "voorgestelde locatie (nummer, zie lijst)",
        "candidate_table": "Voorgestelde locaties",
        "boundary": "buurtgrens",
        "gemeente": "gemeentegrens",
        "unreachable": "onbereikbaar",
        "unreachable_max": "onbereikbaar binnen {m} min",
        "no_data": "geen gegevens",
        "uninhabited": "onbewoond of geen gegevens",
        "whitespot": "witte vlek (meer dan {norm} min)",
        "class": "{label} min",
        "over": "meer dan {m} min",
        "legend_to": "Reistijd met het OV naar\nhet dichtstbijzijnde steunpunt",
        "legend_to_mode": "Reistijd {mode} naar\nhet dichtstbijzijnde steunpunt",
        "legend_from": "Reistijd met het OV\nnaar het steunpunt",
        "legend_overview": "Bereikbaarheid met het OV",
        "legend_dots": "waar mensen wonen: 1 stip = {n} inwoners",
        "n_buurten": "{n} buurten",
        "n_buurt": "1 buurt",
        "inhabitants": "{n} inw.",
        "norm_area": "binnen {norm} min van een steunpunt",
        "before": "Huidige situatie",
        "after": "Met de voorgestelde locatie",
        "after_n": "Met {n} voorgestelde locaties",
        "summary": "{n} witte vlekken, {p} inwoners",
        "summary_no_pop": "{n} witte vlekken",
        "synthetic": "SYNTHETISCHE GEGEVENS, geen echte dienstregeling",
        "norm_note": "Norm: {norm} minuten met het openbaar vervoer (voorlopig uitgangspunt, De Galan Groep 2024).",
        "norm_note_mode": "Norm: {norm} minuten {mode}.",
        "water": "water",
        "built_up": "bebouwing",
        "road": "hoofdweg",
        "rail": "spoorlijn",
        "crs": "kaartprojectie",
        "date": "datum",
        "window": "vertrekvenster",
        "percentile": "percentiel",
        "walking_speed_kmh": "loopsnelheid",
        "max_walk_m": "max. looptijd/-afstand",
        "max_trip_minutes": "max. reistijd",
        "engine": "rekenmodel",
        "source": "bron",
        "background": "achtergrond",
        "kmh": "km/u",
    },
    "en": {
        "within": "within {m} min",
        "band": "{a}–{b} min",
        "stop": "stop",
        "steunpunt": "support point (steunpunt)",
        "candidate": "proposed location",
        "candidates": "proposed location (number, see list)",
        "candidate_table": "Proposed locations",
        "boundary": "neighbourhood border",
        "gemeente": "municipal border",
        "unreachable": "unreachable",
        "unreachable_max": "unreachable within {m} min",
        "no_data": "no data",
        "uninhabited": "uninhabited or no data",
        "whitespot": "white spot (more than {norm} min)",
        "class": "{label} min",
        "over": "more than {m} min",
        "legend_to": "Travel time by public transport\nto the nearest support point",
        "legend_to_mode": "Travel time {mode}\nto the nearest support point",
        "legend_from": "Travel time by public transport\nto the support point",
        "legend_overview": "Accessibility by public transport",
        "legend_dots": "where people live: 1 dot = {n} inhabitants",
        "n_buurten": "{n} neighbourhoods",
        "n_buurt": "1 neighbourhood",
        "inhabitants": "{n} inh.",
        "norm_area": "within {norm} min of a support point",
        "before": "Current situation",
        "after": "With the proposed location",
        "after_n": "With {n} proposed locations",
        "summary": "{n} white spots, {p} inhabitants",
        "summary_no_pop": "{n} white spots",
        "synthetic": "SYNTHETIC DATA, not a real timetable",
        "norm_note": "Norm: {norm} minutes by public transport (provisional starting point, De Galan Groep 2024).",
        "norm_note_mode": "Norm: {norm} minutes {mode}.",
        "water": "water",
        "built_up": "built-up area",
        "road": "main road",
        "rail": "railway",
        "crs": "map projection",
        "date": "date",
        "window": "departure window",
        "percentile": "percentile",
        "walking_speed_kmh": "walking speed",
        "max_walk_m": "max. walking",
        "max_trip_minutes": "max. trip time",
        "engine": "engine",
        "source": "source",
        "background": "background",
        "kmh": "km/h",
    },
}

#: Caption keys that :func:`format_caption` knows, in the order it prints them.
CAPTION_KEYS = (
    "date",
    "window",
    "percentile",
    "walking_speed_kmh",
    "max_walk_m",
    "max_trip_minutes",
    "engine",
    "source",
    "background",
)

#: Attribution of a background drawn from an OpenStreetMap extract (ODbL).
OSM_ATTRIBUTION = {"nl": "© OpenStreetMap-bijdragers", "en": "© OpenStreetMap contributors"}


def map_text(lang: str) -> dict[str, str]:
    """The map words of ``lang``.

    Raises
    ------
    InputError
        When ``lang`` is not one of :data:`LANGS`.
    """
    if lang not in TEXT:
        raise InputError(f"unknown map language {lang!r}: use one of {', '.join(LANGS)}")
    return TEXT[lang]


def literal(value: object) -> str:
    """Text from a user's file drawn as it is: matplotlib would read ``$...$`` as maths."""
    return str(value).replace("$", r"\$")


def format_number(value: float, lang: str = "nl", decimals: int = 0) -> str:
    """Format a number with the thousands and decimal separators of ``lang``.

    ``format_number(12345.6, "nl", 1)`` gives ``"12.345,6"``; in English ``"12,345.6"``.
    """
    text = f"{value:,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def fmt_minutes(value: float) -> str:
    """Minutes without a trailing ``.0`` (``45.0`` -> ``"45"``, ``7.5`` -> ``"7.5"``)."""
    return f"{value:g}"


def format_caption(
    params: Mapping[str, Any] | None, lang: str = "nl", crs: str | None = None
) -> str:
    """The caption (one to three lines) with the parameters of a computation.

    Parameters
    ----------
    params : mapping or None
        Known keys (printed with a translated name, in this order): ``date``,
        ``window`` (departure window, e.g. ``"07:00-09:00"``), ``percentile``,
        ``walking_speed_kmh`` (km/h), ``max_walk_m``, ``max_trip_minutes``,
        ``engine``, ``source``, ``background``; then ``norm_minutes`` (adds the
        norm sentence; with ``norm_mode``, e.g. "per fiets", the sentence
        names that mode instead of public transport) and ``synthetic`` (True
        adds the synthetic-data label).
        Other keys are printed as ``key: value``.
    lang : {"nl", "en"}
    crs : str, optional
        Map CRS, appended as the projection.
    """
    text = map_text(lang)
    params = dict(params or {})
    synthetic = bool(params.pop("synthetic", False))
    norm = params.pop("norm_minutes", None)
    norm_mode = params.pop("norm_mode", None)
    parts = []
    for key in CAPTION_KEYS:
        if key in params and params[key] is not None:
            value = params.pop(key)
            if key == "walking_speed_kmh":
                value = f"{format_number(float(value), lang, 1)} {text['kmh']}"
            elif key == "max_trip_minutes":
                value = f"{fmt_minutes(float(value))} min"
            parts.append(f"{text[key]}: {value}")
    parts.extend(f"{key}: {value}" for key, value in params.items() if value is not None)
    if crs:
        parts.append(f"{text['crs']}: {crs}")
    lines = ["; ".join(parts)] if parts else []
    if norm is not None and norm_mode:
        lines.append(text["norm_note_mode"].format(norm=fmt_minutes(float(norm)), mode=norm_mode))
    elif norm is not None:
        lines.append(text["norm_note"].format(norm=fmt_minutes(float(norm))))
    if synthetic:
        lines.append(text["synthetic"])
    return "\n".join(textwrap.fill(line, 150) for line in lines)
