"""Tables as people read them: Dutch (or English) headers and sensible rounding.

The analysis keeps full precision and internal column names (``population``,
``median_time_min``, ...). Before a table reaches a person (Excel workbook,
CSV, report, terminal) :func:`present` renames the columns it knows
(:data:`COLUMNS`) and rounds each by its kind: whole people, whole minutes,
one decimal for EPA estimates and percentages. An unreachable travel time
(``inf`` or NaN) becomes an empty cell; the table's class column
(``reistijdklasse``: ``onbereikbaar``) says why it is empty.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from accessibility.notices import Notice

LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class Kind:
    """How a kind of value is rounded and shown.

    Attributes
    ----------
    decimals
        Digits after the decimal point (``None``: text, left as it is).
    scale
        Factor applied first (100 turns a share 0..1 into a percentage).
    excel_format
        Excel number format (the reader's Excel shows its own decimal separator).
    """

    decimals: int | None
    scale: float = 1.0
    excel_format: str = "General"


KINDS = {
    "text": Kind(None, excel_format="@"),
    "count": Kind(0, excel_format="#,##0"),
    "people": Kind(0, excel_format="#,##0"),
    "minutes": Kind(0, excel_format="0"),
    "epa": Kind(1, excel_format="#,##0.0"),
    "share": Kind(1, scale=100.0, excel_format="0.0"),
    "percent": Kind(1, excel_format="0.0"),
    "prevalence": Kind(2, excel_format="0.00"),
    "weight": Kind(1, excel_format="0.0"),
    "km2": Kind(1, excel_format="0.0"),
    "metres": Kind(0, excel_format="#,##0"),
    "coord": Kind(6, excel_format="0.000000"),
    "score": Kind(1, excel_format="0.0"),
    "bool": Kind(None, excel_format="@"),
    "label": Kind(None, excel_format="@"),
}


@dataclass(frozen=True)
class Column:
    """A column people see: headers in both languages and its kind (a key of :data:`KINDS`)."""

    nl: str
    en: str
    kind: str = "text"


def _cols(*rows: tuple[str, str, str, str]) -> dict[str, Column]:
    return {key: Column(nl, en, kind) for key, nl, en, kind in rows}


COLUMNS: dict[str, Column] = _cols(
    # identification
    ("id", "id", "id", "text"),
    ("location_id", "id", "id", "text"),
    ("name", "naam", "name", "text"),
    ("naam", "naam", "name", "text"),
    ("organisation", "organisatie", "organisation", "text"),
    ("kind", "soort", "kind", "label"),
    ("soort", "soort", "kind", "label"),
    ("address", "adres (invoer)", "address (input)", "text"),
    ("postcode", "postcode", "postcode", "text"),
    ("city", "plaats", "town", "text"),
    ("gemeente", "gemeente", "municipality", "text"),
    ("note", "opmerking", "note", "text"),
    ("opmerking", "opmerking", "note", "text"),
    ("capacity_weight", "capaciteit (gewicht)", "capacity weight", "weight"),
    ("capaciteit", "capaciteit (gewicht)", "capacity weight", "weight"),
    ("source", "bron", "source", "label"),
    ("bron", "soort kandidaat", "kind of candidate", "label"),
    ("geocode_display_name", "gevonden adres (geocoder)", "matched address (geocoder)", "text"),
    ("geocode_match_type", "type match", "match type", "label"),
    ("geocode_score", "score match", "match score", "score"),
    ("lat", "breedtegraad (WGS84)", "latitude (WGS84)", "coord"),
    ("lon", "lengtegraad (WGS84)", "longitude (WGS84)", "coord"),
    ("line", "regel", "line", "count"),
    ("reason", "reden", "reason", "text"),
    # buurten and gemeenten
    ("buurtcode", "buurtcode", "buurt code", "text"),
    ("buurtnaam", "buurt", "buurt", "text"),
    ("wijkcode", "wijkcode", "wijk code", "text"),
    ("wijknaam", "wijk", "wijk", "text"),
    ("gemeentecode", "gemeentecode", "municipality code", "text"),
    ("gemeentenaam", "gemeente", "municipality", "text"),
    ("aantal_inwoners", "inwoners (CBS)", "inhabitants (CBS)", "people"),
    ("population", "inwoners", "inhabitants", "people"),
    ("n_points", "bevolkingspunten", "population points", "count"),
    ("epa_prevalence_percent", "EPA-prevalentie (%)", "EPA prevalence (%)", "prevalence"),
    ("epa_prevalence_source", "bron EPA-prevalentie", "source of the EPA prevalence", "label"),
    ("epa_estimate", "EPA-schatting", "EPA estimate", "epa"),
    ("median_time_min", "mediane reistijd (min)", "median travel time (min)", "minutes"),
    ("population_beyond_norm", "inwoners buiten norm", "inhabitants beyond the norm", "people"),
    ("share_beyond_norm", "% inwoners buiten norm", "% of inhabitants beyond the norm", "share"),
    ("share_unreachable", "% onbereikbaar", "% unreachable", "share"),
    ("epa_estimate_beyond_norm", "EPA-schatting buiten norm", "EPA estimate beyond the norm",
     "epa"),
    ("witte_vlek", "witte vlek", "white spot", "bool"),
    ("time_class", "reistijdklasse", "travel-time class", "label"),
    ("n_buurten", "buurten", "buurten", "count"),
    ("n_witte_vlekken", "witte-vlekbuurten", "white-spot buurten", "count"),
    ("population_in_witte_vlekken", "inwoners van witte-vlekbuurten",
     "inhabitants of white-spot buurten", "people"),
    ("epa_estimate_in_witte_vlekken", "EPA-schatting in witte-vlekbuurten",
     "EPA estimate in white-spot buurten", "epa"),
    # need and supply
    ("need_15", "nodig bij 15 % deelname", "needed at 15 % participation", "count"),
    ("need_30", "nodig bij 30 % deelname", "needed at 30 % participation", "count"),
    ("need_45", "nodig bij 45 % deelname", "needed at 45 % participation", "count"),
    ("steunpunten_count", "steunpunten (aantal)", "steunpunten (count)", "count"),
    ("steunpunten_gewogen", "steunpunten (gewogen)", "steunpunten (weighted)", "weight"),
    ("gap_15", "tekort bij 15 % (negatief = overschot)", "shortage at 15 % (minus = surplus)",
     "weight"),
    ("gap_30", "tekort bij 30 % (negatief = overschot)", "shortage at 30 % (minus = surplus)",
     "weight"),
    ("gap_45", "tekort bij 45 % (negatief = overschot)", "shortage at 45 % (minus = surplus)",
     "weight"),
    # time windows
    ("tijdvak", "tijdvak", "time window", "label"),
    ("datum", "datum", "date", "text"),
    ("vertrek", "vertrek", "departure", "text"),
    ("mediane_reistijd_min", "mediane reistijd (min)", "median travel time (min)", "minutes"),
    ("inwoners_buiten_norm", "inwoners buiten norm", "inhabitants beyond the norm", "people"),
    ("aandeel_buiten_norm_pct", "% inwoners buiten norm", "% of inhabitants beyond the norm",
     "percent"),
    ("epa_schatting_buiten_norm", "EPA-schatting buiten norm", "EPA estimate beyond the norm",
     "epa"),
    ("witte_vlekken", "witte-vlekbuurten", "white-spot buurten", "count"),
    # check-location
    ("inwoners_nieuw_binnen_norm", "inwoners nieuw binnen norm", "inhabitants newly within the norm",
     "people"),
    ("epa_schatting_nieuw_binnen_norm", "EPA-schatting nieuw binnen norm",
     "EPA estimate newly within the norm", "epa"),
    ("witte_vlekken_opgelost", "witte-vlekbuurten opgelost", "white-spot buurten resolved",
     "count"),
    ("mediane_reistijd_voor_min", "mediane reistijd regio nu (min)",
     "median travel time of the region now (min)", "minutes"),
    ("mediane_reistijd_na_min", "mediane reistijd regio na opening (min)",
     "median travel time of the region after opening (min)", "minutes"),
    ("rang", "rang", "rank", "count"),
    ("status", "uitkomst", "outcome", "text"),
    ("median_time_before_min", "mediane reistijd nu (min)", "median travel time now (min)",
     "minutes"),
    ("median_time_after_min", "mediane reistijd na opening (min)",
     "median travel time after opening (min)", "minutes"),
    ("population_beyond_norm_before", "inwoners buiten norm nu", "inhabitants beyond the norm now",
     "people"),
    ("population_beyond_norm_after", "inwoners buiten norm na opening",
     "inhabitants beyond the norm after opening", "people"),
    ("population_newly_within_norm", "inwoners nieuw binnen norm",
     "inhabitants newly within the norm", "people"),
    ("epa_estimate_newly_within_norm", "EPA-schatting nieuw binnen norm",
     "EPA estimate newly within the norm", "epa"),
    # suggest
    ("rank", "rang", "rank", "count"),
    ("k", "aantal nieuwe steunpunten", "number of new sites", "count"),
    ("candidate", "kandidaat", "candidate", "text"),
    ("marginal_gain", "extra EPA-schatting binnen norm", "extra EPA estimate within the norm",
     "epa"),
    ("cumulative_gain", "cumulatief extra binnen norm", "cumulative extra within the norm", "epa"),
    ("covered_weight", "extra EPA-schatting binnen norm (totaal)",
     "extra EPA estimate within the norm (total)", "epa"),
    ("share_covered", "% EPA-schatting binnen norm", "% of the EPA estimate within the norm",
     "share"),
    ("sites", "locaties", "sites", "text"),
    ("gekozen", "gekozen", "chosen", "bool"),
    # per steunpunt reach
    ("travel_time_min", "reistijd (min)", "travel time (min)", "minutes"),
)
"""Internal column name -> headers and kind. Columns ``inwoners_binnen_<m>_min``,
``epa_binnen_<m>_min`` and ``oppervlak_km2_<m>_min`` are recognised by pattern
(:func:`column_for`)."""

_PATTERNS = (
    ("inwoners_binnen_", "inwoners binnen {m} min", "inhabitants within {m} min", "people"),
    ("epa_binnen_", "EPA-schatting binnen {m} min", "EPA estimate within {m} min", "epa"),
    ("oppervlak_km2_", "oppervlak binnen {m} min (km²)", "area within {m} min (km²)", "km2"),
)
BOOL_TEXT = {"nl": ("ja", "nee"), "en": ("yes", "no")}
LABELS = {
    "onbereikbaar": ("onbereikbaar", "unreachable"),
    "geen inwoners": ("geen inwoners", "no inhabitants"),
    "steunpunt": ("steunpunt", "steunpunt"),
    "satellite": ("satelliet", "satellite"),
    "proposed": ("voorgesteld", "proposed"),
    "station": ("treinstation", "railway station"),
    "bus stop": ("drukke bushalte", "busy bus stop"),
    "buurt centre": ("buurtcentrum", "buurt centre"),
    "file": ("eigen lijst", "own list"),
    "address": ("adres", "address"),
    "coordinates": ("coördinaten", "coordinates"),
    "geocoded: pdok": ("adres (PDOK)", "address (PDOK)"),
    "geocoded: nominatim": ("adres (Nominatim)", "address (Nominatim)"),
    "adres": ("adres", "address"),
    "woonplaats": ("woonplaats", "town"),
    "national (Vektis 2019)": ("landelijk (Vektis 2019)", "national (Vektis 2019)"),
    "weekday_daytime": ("werkdag overdag", "weekday daytime"),
    "weekday_evening": ("werkdagavond", "weekday evening"),
    "saturday": ("zaterdag", "Saturday"),
}
"""Codes in ``label`` columns (kinds, candidate sources, classes) -> (nl, en) text."""


def label(value: str, lang: str = "nl") -> str:
    """The text of a code of a ``label`` column (the code itself when unknown); EPA sources
    ``province <name> (...)`` become ``provincie <name> (...)`` in Dutch."""
    pair = LABELS.get(value)
    if pair is not None:
        return pair[0 if lang == "nl" else 1]
    if lang == "nl":
        for english, dutch in (("province ", "provincie "), ("gemeente table ", "gemeentetabel ")):
            if value.startswith(english):
                return dutch + value[len(english):]
    return value


def column_for(name: str) -> Column | None:
    """The :class:`Column` of an internal column name, or None when unknown."""
    if name in COLUMNS:
        return COLUMNS[name]
    for prefix, nl, en, kind in _PATTERNS:
        if name.startswith(prefix) and name.endswith("_min"):
            minutes = name[len(prefix):-len("_min")]
            return Column(nl.format(m=minutes), en.format(m=minutes), kind)
    return None


def header(name: str, lang: str = "nl") -> str:
    """The header of a column in ``lang`` (the name itself when unknown)."""
    column = column_for(name)
    if column is None:
        return name
    return column.nl if lang == "nl" else column.en


def round_value(value: object, kind: str) -> object:
    """One value rounded by its kind; NaN and infinities become ``None`` (an empty cell)."""
    spec = KINDS[kind]
    if spec.decimals is None or value is None or isinstance(value, str | bool):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    if not math.isfinite(number):
        return None
    number = round(number * spec.scale, spec.decimals)
    return int(number) if spec.decimals == 0 else number


def present(frame: pd.DataFrame, lang: str = "nl", columns: Sequence[str] | None = None,
            ) -> pd.DataFrame:
    """A table for people: known columns renamed to ``lang`` and rounded by kind.

    Parameters
    ----------
    frame
        A table with internal column names; a ``geometry`` column is dropped.
    lang
        ``nl`` or ``en``.
    columns
        The columns to show, in this order (default: all but ``geometry``).

    Returns
    -------
    pandas.DataFrame
        Object columns: ints for whole numbers, floats for decimals, ``None``
        for empty cells (never ``inf``), ``ja``/``nee`` for booleans.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use nl or en")
    chosen = [c for c in (columns or frame.columns) if c != "geometry"]
    headers = [header(str(name), lang) for name in chosen]
    if len(set(headers)) != len(headers):
        raise ValueError(f"columns {chosen} give duplicate headers {headers}")
    out = {}
    for name in chosen:
        column = column_for(str(name))
        kind = column.kind if column is not None else _guess_kind(frame[name])
        out[header(str(name), lang)] = [_cell(v, kind, lang) for v in frame[name].tolist()]
    return pd.DataFrame(out, dtype=object)


def kinds_of(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> list[str]:
    """The kind of each column (for number formats), in the order of :func:`present`."""
    chosen = [c for c in (columns or frame.columns) if c != "geometry"]
    return [(column_for(str(c)).kind if column_for(str(c)) is not None
             else _guess_kind(frame[c])) for c in chosen]


def _guess_kind(series: pd.Series) -> str:
    if series.dtype.kind == "b":
        return "bool"
    if series.dtype.kind in "iu":
        return "count"
    if series.dtype.kind == "f":
        return "score"
    return "text"


def _cell(value: object, kind: str, lang: str) -> object:
    if kind == "bool":
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        yes, no = BOOL_TEXT[lang]
        return yes if bool(value) else no
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, Notice):
        return value.render(lang)
    if isinstance(value, str):
        return label(value, lang) if kind == "label" else value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round_value(value, kind)
