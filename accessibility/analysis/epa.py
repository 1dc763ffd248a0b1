"""EPA estimate per buurt: population x prevalence (always an estimate).

No open data gives the number of people with an EPA (ernstige psychiatrische
aandoening) per buurt. This module models it as ``population x prevalence``
with the prevalence taken, in order of preference, from

1. a user table per gemeente (CSV ``gemeentecode,prevalence_percent[,source]``,
   for example from the Vektis EPA factsheet);
2. the province average of De Galan Groep (2024), table 2.4.1
   (:data:`PROVINCE_PREVALENCE_PERCENT`);
3. the national value, 215,000 people with an EPA (Vektis, 2019 data) out of
   17,282,163 inhabitants = 1.244 %.

Every row carries the prevalence used (``epa_prevalence_percent``) and where it
came from (``epa_prevalence_source``); the result column is ``epa_estimate``.
Institutions for EPA patients raise local rates (report line 2206); a gemeente
table is the way to include such knowledge.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from accessibility.errors import InputError
from accessibility.notices import Notice

log = logging.getLogger(__name__)

PROVINCE_PREVALENCE_PERCENT: dict[str, float] = {
    "Groningen": 1.42,
    "Friesland": 1.25,
    "Drenthe": 1.47,
    "Overijssel": 1.15,
    "Flevoland": 1.03,
    "Gelderland": 1.33,
    "Utrecht": 1.30,
    "Noord-Holland": 1.30,
    "Zuid-Holland": 1.34,
    "Zeeland": 1.54,
    "Noord-Brabant": 1.20,
    "Limburg": 1.40,
}
"""EPA prevalence per province in percent: the average of the Vektis gemeente
shares per province, De Galan Groep (2024), tabel 2.4.1
(``seeds/004``, lines 2615-2662)."""

PROVINCE_SOURCE = "De Galan 2024, tabel 2.4.1"

NATIONAL_EPA_PERSONS = 215_000
"""People with an EPA in the Netherlands (Vektis factsheet, 2019 data)."""

NATIONAL_INHABITANTS = 17_282_163
"""Inhabitants of the Netherlands in 2019 (CBS), the denominator of the report."""

NATIONAL_PREVALENCE_PERCENT = NATIONAL_EPA_PERSONS / NATIONAL_INHABITANTS * 100.0
"""National EPA prevalence in percent (1.244 %)."""

NATIONAL_SOURCE = "national (Vektis 2019)"

_PROVINCE_ALIASES = {"fryslan": "Friesland", "fryslân": "Friesland"}


def province_name(name: str) -> str:
    """Canonical province name (case-insensitive; "Fryslân" -> "Friesland").

    Raises
    ------
    InputError
        The name is not one of the twelve provinces.
    """
    key = str(name).strip().lower()
    if key in _PROVINCE_ALIASES:
        return _PROVINCE_ALIASES[key]
    for canonical in PROVINCE_PREVALENCE_PERCENT:
        if canonical.lower() == key:
            return canonical
    raise InputError(
        f"unknown province {name!r}; use one of {', '.join(PROVINCE_PREVALENCE_PERCENT)}"
    )


def normalise_gemeentecode(code: object) -> str | None:
    """``"GM0402"``, ``"gm402"``, ``"402"`` or ``402`` -> ``"GM0402"``; None if not a code."""
    text = str(code).strip().upper()
    match = re.fullmatch(r"(?:GM)?(\d{1,4})(?:\.0)?", text)
    if match is None:
        return None
    return f"GM{int(match.group(1)):04d}"


@dataclass
class PrevalenceTable:
    """EPA prevalence per gemeente read from a user file.

    Attributes
    ----------
    prevalence_percent : dict of str to float
        Gemeentecode (``GM0402``) -> prevalence in percent.
    sources : dict of str to str
        Gemeentecode -> source label (``"gemeente table <file>"``, with the
        file's own ``source`` column in brackets when present).
    """

    prevalence_percent: dict[str, float]
    sources: dict[str, str]


def prevalence_table_from_frame(df: pd.DataFrame, name: str = "table") -> PrevalenceTable:
    """Validate a prevalence table (``gemeentecode, prevalence_percent[, source]``).

    Raises
    ------
    InputError
        Missing columns, an unreadable gemeentecode, a prevalence that is not a
        number in (0, 100), or a gemeente listed twice; the message names the
        file, the row (header = row 1) and the value.
    """
    missing = [c for c in ("gemeentecode", "prevalence_percent") if c not in df.columns]
    if missing:
        raise InputError(
            f"{name}: missing column(s) {', '.join(missing)}; expected "
            "gemeentecode,prevalence_percent[,source]"
        )
    prevalence: dict[str, float] = {}
    sources: dict[str, str] = {}
    for i, row in enumerate(df.itertuples(index=False)):
        where = f"{name}, row {i + 2}"
        code = normalise_gemeentecode(row.gemeentecode)
        if code is None:
            raise InputError(f"{where}: gemeentecode {row.gemeentecode!r} is not like GM0402")
        try:
            value = float(str(row.prevalence_percent).replace(",", "."))
        except ValueError:
            value = float("nan")
        if not np.isfinite(value) or not 0 < value < 100:
            raise InputError(
                f"{where}: prevalence_percent {row.prevalence_percent!r} is not a percentage "
                "in (0, 100); write e.g. 1.30 for 1.30 %"
            )
        if code in prevalence:
            raise InputError(f"{where}: gemeente {code} is listed twice; keep one row")
        prevalence[code] = value
        label = f"gemeente table {name}"
        extra = getattr(row, "source", None)
        if extra is not None and not pd.isna(extra) and str(extra).strip():
            label += f" ({str(extra).strip()})"
        sources[code] = label
    return PrevalenceTable(prevalence, sources)


def read_prevalence_table(path: str | Path) -> PrevalenceTable:
    """Read a CSV ``gemeentecode,prevalence_percent[,source]`` (comma or semicolon)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: prevalence table not found")
    try:
        df = pd.read_csv(p, sep=None, engine="python", dtype=str)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: cannot read as CSV ({exc})") from exc
    return prevalence_table_from_frame(df, name=p.name)


@dataclass
class EpaEstimate:
    """Buurten with their EPA estimate.

    Attributes
    ----------
    buurten : pandas.DataFrame or geopandas.GeoDataFrame
        The input plus ``epa_prevalence_percent`` (percent),
        ``epa_prevalence_source`` and ``epa_estimate`` (persons, float; NaN
        where the population is missing).
    warnings : list of str
        Gemeenten of the table that are not in the buurten, and other notes.
    """

    buurten: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


def estimate_epa(
    buurten: pd.DataFrame,
    table: PrevalenceTable | None = None,
    province: str | None = None,
    gemeente_provinces: Mapping[str, str] | None = None,
    population_column: str = "aantal_inwoners",
) -> EpaEstimate:
    """Estimate people with an EPA per buurt: population x prevalence / 100.

    Parameters
    ----------
    buurten : pandas.DataFrame or geopandas.GeoDataFrame
        Needs ``gemeentecode`` and ``population_column`` (persons).
    table : PrevalenceTable, optional
        Prevalence per gemeente (preferred where it has the gemeente).
    province : str, optional
        Province used for every gemeente not in ``gemeente_provinces``.
    gemeente_provinces : mapping of str to str, optional
        Gemeentecode -> province name, for regions that cross a province border.
    population_column : str
        Column with the population (persons).

    Returns
    -------
    EpaEstimate
    """
    for col in ("gemeentecode", population_column):
        if col not in buurten.columns:
            raise InputError(f"buurten: missing column {col!r} needed for the EPA estimate")
    out = buurten.copy()
    codes = out["gemeentecode"].astype(str)
    default_province = province_name(province) if province is not None else None
    per_gemeente = {
        normalise_gemeentecode(k) or str(k): province_name(v)
        for k, v in (gemeente_provinces or {}).items()
    }
    prevalence = np.empty(len(out))
    source = np.empty(len(out), dtype=object)
    for code in codes.unique():
        mask = (codes == code).to_numpy()
        prov = per_gemeente.get(code, default_province)
        if table is not None and code in table.prevalence_percent:
            prevalence[mask] = table.prevalence_percent[code]
            source[mask] = table.sources[code]
        elif prov is not None:
            prevalence[mask] = PROVINCE_PREVALENCE_PERCENT[prov]
            source[mask] = f"province {prov} ({PROVINCE_SOURCE})"
        else:
            prevalence[mask] = NATIONAL_PREVALENCE_PERCENT
            source[mask] = NATIONAL_SOURCE
    warnings: list[str] = []
    if table is not None:
        unknown = sorted(set(table.prevalence_percent) - set(codes))
        if unknown:
            warnings.append(Notice("epa.unknown_gemeenten", n=len(unknown),
                                   codes=", ".join(unknown)))
    population = pd.to_numeric(out[population_column], errors="coerce").to_numpy(dtype=float)
    n_missing = int(np.isnan(population).sum())
    if n_missing:
        warnings.append(Notice("epa.no_population", n=n_missing))
    out["epa_prevalence_percent"] = prevalence
    out["epa_prevalence_source"] = source
    out["epa_estimate"] = population * prevalence / 100.0
    for message in warnings:
        log.warning(message)
    return EpaEstimate(out, warnings)


def add_epa_to_points(points: pd.DataFrame, buurten_epa: pd.DataFrame) -> pd.DataFrame:
    """Give population points their buurt's prevalence and an ``epa_estimate``.

    Parameters
    ----------
    points : pandas.DataFrame
        Population points with ``buurtcode`` and ``population`` (persons).
    buurten_epa : pandas.DataFrame
        Output of :func:`estimate_epa` (``buurtcode``, ``epa_prevalence_percent``,
        ``epa_prevalence_source``).

    Returns
    -------
    pandas.DataFrame
        ``points`` plus ``epa_prevalence_percent``, ``epa_prevalence_source``
        and ``epa_estimate`` = population x prevalence / 100 (persons).

    Raises
    ------
    InputError
        A point's buurtcode is not among the buurten (the codes are named).
    """
    lookup = buurten_epa.set_index("buurtcode")
    codes = points["buurtcode"]
    unknown = ~codes.isin(lookup.index)
    if unknown.any():
        missing = ", ".join(sorted(codes[unknown].astype(str).unique())[:10])
        raise InputError(
            f"{int(unknown.sum())} population point(s) lie in buurten without an EPA "
            f"prevalence ({missing}); estimate the EPA for the same buurten first"
        )
    out = points.copy()
    out["epa_prevalence_percent"] = lookup.loc[codes, "epa_prevalence_percent"].to_numpy()
    out["epa_prevalence_source"] = lookup.loc[codes, "epa_prevalence_source"].to_numpy()
    out["epa_estimate"] = (
        out["population"].to_numpy(dtype=float) * out["epa_prevalence_percent"].to_numpy() / 100.0
    )
    return out
