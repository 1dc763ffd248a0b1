"""Structured warnings: a code and values, shown in Dutch or English.

Analysis and input code report data problems as :class:`Notice` objects. A
notice *is* a string (its English text), so logs, ``warnings`` lists and
``metadata.json`` keep working unchanged, while the report and the CLI render
it in the user's language with :func:`render`::

    >>> n = Notice("population.zero_inhabitants", n=1)
    >>> str(n)
    '1 buurt(en) with 0 inhabitants get no points'
    >>> n.render("nl")
    '1 buurt zonder inwoners krijgt geen bevolkingspunten'

Templates are :meth:`str.format` strings; a format spec ``{n:|buurt|buurten}``
picks the singular when ``n == 1`` and the plural otherwise.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

LANGUAGES = ("nl", "en")

MESSAGES: Mapping[str, Mapping[str, str]] = {
    # analysis.population
    "population.no_population": {
        "en": "{n} buurt(en) without population get no points (excluded from "
              "population-weighted figures): {codes}",
        "nl": "{n} {n:|buurt|buurten} zonder inwonertal {n:|krijgt|krijgen} geen "
              "bevolkingspunten (niet meegeteld in de cijfers per inwoner): {codes}",
    },
    "population.no_geometry": {
        "en": "{n} buurt(en) without geometry get no points ({lost} inhabitants left out): {codes}",
        "nl": "{n} {n:|buurt|buurten} zonder grens {n:|krijgt|krijgen} geen bevolkingspunten "
              "({lost} inwoners niet meegeteld): {codes}",
    },
    "population.zero_inhabitants": {
        "en": "{n} buurt(en) with 0 inhabitants get no points",
        "nl": "{n} {n:|buurt|buurten} zonder inwoners {n:|krijgt|krijgen} geen bevolkingspunten",
    },
    "population.far_from_street": {
        "en": "{n} grid cell(s) farther than {distance} m from any street get no people",
        "nl": "{n} {n:|rastercel|rastercellen} verder dan {distance} m van een straat "
              "{n:|krijgt|krijgen} geen inwoners",
    },
    "population.representative_point": {
        "en": "{n} buurt(en) with no grid cell (small, or no street nearby) get one point at "
              "their representative point",
        "nl": "{n} {n:|buurt|buurten} zonder rastercel (klein, of geen straat in de buurt) "
              "{n:|krijgt|krijgen} één bevolkingspunt binnen de buurtgrens",
    },
    # analysis.epa
    "epa.unknown_gemeenten": {
        "en": "prevalence table: {n} gemeente(n) not among the buurten (not used): {codes}",
        "nl": "prevalentietabel: {n} {n:|gemeente|gemeenten} niet bij de buurten "
              "(niet gebruikt): {codes}",
    },
    "epa.no_population": {
        "en": "{n} buurt(en) without population have no EPA estimate",
        "nl": "{n} {n:|buurt|buurten} zonder inwonertal {n:|heeft|hebben} geen EPA-schatting",
    },
    # analysis.buurten
    "buurten.negative_values": {
        "en": "{source}: {n} negative value(s) ({sentinels}) in {label} treated as missing "
              "(CBS secret/missing sentinel)",
        "nl": "{source}: {n} {n:|negatieve waarde|negatieve waarden} ({sentinels}) in {label} "
              "als ontbrekend behandeld (CBS-code voor geheim of onbekend)",
    },
    "buurten.non_buurt_skipped": {
        "en": "{source}: {n} non-buurt feature(s) skipped (rubriek)",
        "nl": "{source}: {n} {n:|object|objecten} dat geen buurt is overgeslagen (rubriek)",
    },
    "buurten.code_derived": {
        "en": "{source}: {column} derived from buurtcode for {n} buurt(en)",
        "nl": "{source}: {column} afgeleid uit de buurtcode voor {n} {n:|buurt|buurten}",
    },
    "buurten.no_age_groups": {
        "en": "{source}: no age-group columns found; age counts are missing",
        "nl": "{source}: geen kolommen met leeftijdsgroepen; aantallen per leeftijd ontbreken",
    },
    "buurten.no_population": {
        "en": "{source}: {n} of {total} buurt(en) have no population (excluded from "
              "population-weighted figures): {codes}",
        "nl": "{source}: {n} van {total} buurten {n:|heeft|hebben} geen inwonertal "
              "(niet meegeteld in de cijfers per inwoner): {codes}",
    },
    "buurten.geometry_repaired": {
        "en": "{source}: {n} invalid geometr(y/ies) repaired",
        "nl": "{source}: {n} ongeldige {n:|buurtgrens|buurtgrenzen} hersteld",
    },
    "buurten.no_geometry": {
        "en": "{source}: {n} buurt(en) without geometry: {codes}",
        "nl": "{source}: {n} {n:|buurt|buurten} zonder grens: {codes}",
    },
    # analysis.coverage and analysis.need
    "supply.unlocated": {
        "en": "{n} steunpunt(en) without a location counted for the region only: {names}",
        "nl": "{n} {n:|steunpunt|steunpunten} zonder vaste plek alleen voor de regio "
              "meegeteld: {names}",
    },
    "supply.outside_buurten": {
        "en": "{n} steunpunt(en) outside every buurt counted for the region only: {names}",
        "nl": "{n} {n:|steunpunt|steunpunten} buiten alle buurten alleen voor de regio "
              "meegeteld: {names}",
    },
    "supply.default_weight": {
        "en": "{n} steunpunt(en) without a capacity weight counted as {weight} (average)",
        "nl": "{n} {n:|steunpunt|steunpunten} zonder capaciteitsgewicht als {weight} "
              "(gemiddeld) meegeteld",
    },
    # jobs: locations and candidates
    "locations.not_on_map": {
        "en": "steunpunt {id} ({name}) not on the map: {reason}",
        "nl": "steunpunt {id} ({name}) staat niet op de kaart: {reason}",
    },
    "candidates.not_evaluated": {
        "en": "candidate {id} ({name}) not evaluated: {reason}",
        "nl": "kandidaat {id} ({name}) niet doorgerekend: {reason}",
    },
    # places.locations: why a row has no point
    "unpinned.note_only": {
        "en": "no coordinates and no address: {note}",
        "nl": "geen coördinaten en geen adres: {note}",
    },
    "unpinned.no_geocoder": {
        "en": "not geocoded (no geocoder given) for {query!r}; run 'accessibility geocode' "
              "or give lat/lon",
        "nl": "niet gegeocodeerd (geen geocoder) voor '{query}'; draai 'accessibility "
              "geocode' of geef breedtegraad/lengtegraad",
    },
    "unpinned.geocode_failed": {
        "en": "{status} for {query!r}: {reason}",
        "nl": "{status_nl} voor '{query}': {reason}",
    },
    "unpinned.offline": {
        "en": "no cached answer for {query!r} and online geocoding is off",
        "nl": "geen antwoord in de geocodeer-cache voor '{query}' en online geocoderen staat uit",
    },
    "unpinned.geocode_error": {
        "en": "not geocoded: {reason}",
        "nl": "niet gegeocodeerd: {reason}",
    },
    # places.geocode
    "geocode.no_candidate": {
        "en": "no candidate found",
        "nl": "geen adres gevonden",
    },
    "geocode.ambiguous_scored": {
        "en": "ambiguous: {best!r} (score {score}) vs {second!r} (score {second_score}); "
              "make the address more specific or give lat/lon",
        "nl": "meerduidig: '{best}' (score {score}) of '{second}' (score {second_score}); "
              "maak het adres specifieker (postcode, plaats) of geef coördinaten",
    },
    "geocode.ambiguous": {
        "en": "ambiguous: {best!r} vs {second!r}; make the address more specific or give lat/lon",
        "nl": "meerduidig: '{best}' of '{second}'; maak het adres specifieker (postcode, plaats) "
              "of geef coördinaten",
    },
    # candidates
    "candidate.no_stop": {
        "en": "no public-transport stop within {distance} m walking: reachable on foot only",
        "nl": "geen OV-halte binnen {distance} m lopen: alleen te voet bereikbaar",
    },
    "candidate.outside_region": {
        "en": "outside the region (in no buurt)",
        "nl": "ligt buiten de regio (in geen enkele buurt)",
    },
    "candidate.off_street": {
        "en": "{offset} m from the nearest street (max {limit} m): off the street network",
        "nl": "ligt {offset} m van de dichtstbijzijnde straat (max. {limit} m)",
    },
    # dates
    "date.public_holiday": {
        "en": "the analysis date {date} is a Dutch public holiday ({name}): public transport "
              "then usually runs a Sunday or holiday timetable, so the travel times are not "
              "those of a normal weekday; choose another date with --date",
        "nl": "de analysedatum {date} is een feestdag ({name}): het openbaar vervoer rijdt "
              "dan meestal een zondags- of feestdagdienstregeling, dus de reistijden zijn niet "
              "die van een gewone werkdag; kies een andere datum met --date",
    },
    "date.school_holiday": {
        "en": "the analysis date {date} falls in the {name} of school region(s) {regions}: "
              "some lines run less often than in a normal school week",
        "nl": "de analysedatum {date} valt in de {name} (schoolvakantieregio {regions}): "
              "sommige lijnen rijden dan minder vaak dan in een gewone schoolweek",
    },
}


class _PluralFormatter(string.Formatter):
    """:meth:`str.format` with ``{n:|singular|plural}``; in Dutch, whole numbers of four
    digits or more get a thousands point (``5.652``)."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith("|"):
            singular, plural = format_spec[1:].split("|", 1)
            return singular if value == 1 else plural
        if (self.lang == "nl" and not format_spec and isinstance(value, int)
                and not isinstance(value, bool)):
            return f"{value:,}".replace(",", ".")
        return super().format_field(value, format_spec)


_FORMATTERS = {lang: _PluralFormatter(lang) for lang in LANGUAGES}


def format_message(code: str, values: Mapping[str, Any], lang: str = "en") -> str:
    """The text of message ``code`` with ``values`` in ``lang`` (``nl`` or ``en``).

    Raises
    ------
    KeyError
        Unknown code or language (a programming error, not a user error).
    """
    if lang not in LANGUAGES:
        raise KeyError(f"unknown language {lang!r}; use one of {LANGUAGES}")
    return _FORMATTERS[lang].format(MESSAGES[code][lang], **values)


class Notice(str):
    """A warning for the user: a message code and its values; as a string, English.

    Parameters
    ----------
    code
        A key of :data:`MESSAGES`.
    **values
        The template's fields. Values that are themselves notices are rendered
        in the same language as the notice.
    """

    code: str
    values: dict[str, Any]

    def __new__(cls, code: str, **values: Any) -> Notice:
        obj = super().__new__(cls, format_message(code, values, "en"))
        obj.code = code
        obj.values = dict(values)
        return obj

    def render(self, lang: str = "nl") -> str:
        """The message in ``lang``."""
        values = {k: render(v, lang) if isinstance(v, Notice) else v
                  for k, v in self.values.items()}
        return format_message(self.code, values, lang)

    def __reduce__(self):  # keep notices picklable (dask, multiprocessing)
        return (_rebuild, (self.code, self.values))


def _rebuild(code: str, values: dict[str, Any]) -> Notice:
    return Notice(code, **values)


def render(message: object, lang: str = "nl") -> str:
    """A warning as text in ``lang``: notices are translated, other text is shown as it is."""
    if isinstance(message, Notice):
        return message.render(lang)
    return str(message)


def list_codes(codes: Any, limit: int = 10) -> str:
    """Up to ``limit`` codes joined by commas, then ``+N``."""
    codes = [str(c) for c in codes]
    shown = ", ".join(codes[:limit])
    return shown + (f" +{len(codes) - limit}" if len(codes) > limit else "")
