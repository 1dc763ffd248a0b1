"""The need formula: how many steunpunten a population needs.

Source: De Galan Groep (2024), report for the IZA working group
"laagdrempelige steunpunten" (``seeds/004``, lines 338-350 and 2383-2531)::

    needed = inhabitants x EPA prevalence (fraction) x participation / capacity

with ``capacity`` = 100 visitors per week per steunpunt and participation
15 % (realistic), 30 % or 45 % (growth scenarios). The report prints the
formula as ``((inwoneraantal * % EPA) / 100) * 0,15``: there the "/100" is the
capacity, not the percent-to-fraction conversion. Read literally with the EPA
share as a percentage (1.30) it would be off by a factor 100. Here the
prevalence is given in percent and divided by 100 explicitly, and the capacity
is a separate parameter.

The result is rounded half up to whole steunpunten, which reproduces every
cell of the report's table 2.4.1 (lines 2615-2662).

Existing steunpunten can be weighted by capacity (lines 2565-2608): 0.5 for a
small one (for example open one day a week), 1 for an average one and 2 for a
large one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from accessibility.errors import InputError
from accessibility.notices import Notice

log = logging.getLogger(__name__)

PARTICIPATION_SCENARIOS: tuple[float, ...] = (0.15, 0.30, 0.45)
"""Participation rates of the report: 15 % realistic, 30 % and 45 % growth."""

CAPACITY_PER_STEUNPUNT = 100
"""Visitors per week one average steunpunt serves (report, lines 338-350)."""

CAPACITY_WEIGHTS: tuple[float, ...] = (0.5, 1.0, 2.0)
"""Allowed capacity weights of an existing steunpunt: small, average, large."""

DEFAULT_CAPACITY_WEIGHT = 1.0
"""Weight of a steunpunt whose size is unknown (counted as average, and reported)."""

REQUIRED_TABLE_COLUMNS = ("name", "inhabitants", "prevalence_percent")
OPTIONAL_TABLE_COLUMNS = ("epa_count", "steunpunten_in_beeld", "steunpunten_gewogen")


def scenario_label(participation: float) -> str:
    """Column suffix of a participation rate: ``0.15 -> "15"``, ``0.125 -> "12.5"``."""
    return f"{participation * 100:g}"


def _round_half_up(values: np.ndarray) -> np.ndarray:
    return np.floor(np.asarray(values, dtype=float) + 0.5).astype(np.int64)


def _check_participation(participation: Sequence[float]) -> tuple[float, ...]:
    rates = tuple(float(p) for p in participation)
    if not rates:
        raise InputError("participation is empty: give at least one rate, e.g. 0.15")
    for p in rates:
        if not 0 < p <= 1:
            raise InputError(
                f"participation rate {p:g} is outside (0, 1]: give a fraction, "
                "e.g. 0.15 for 15 %"
            )
    return rates


def _check_capacity(capacity: float) -> float:
    if not np.isfinite(capacity) or capacity <= 0:
        raise InputError(
            f"capacity {float(capacity):g} must be a positive number of visitors per week (default 100)"
        )
    return float(capacity)


def check_inhabitants(inhabitants: float, where: str = "inhabitants") -> float:
    """Validate a number of inhabitants (> 0, finite); raise InputError naming ``where``."""
    value = float(inhabitants)
    if not np.isfinite(value) or value <= 0:
        raise InputError(f"{where}: {value:g} inhabitants; give a positive number")
    return value


def check_prevalence(prevalence_percent: float, where: str = "prevalence") -> float:
    """Validate an EPA prevalence in percent (strictly between 0 and 100)."""
    value = float(prevalence_percent)
    if not np.isfinite(value) or not 0 < value < 100:
        raise InputError(
            f"{where}: EPA prevalence {value:g} % is outside (0, 100); "
            "give a percentage such as 1.30 (not a fraction such as 0.013, not 130)"
        )
    return value


def needed_from_epa(
    epa_count: float,
    participation: Sequence[float] = PARTICIPATION_SCENARIOS,
    capacity: float = CAPACITY_PER_STEUNPUNT,
) -> pd.Series:
    """Needed steunpunten for a number of people with an EPA.

    Parameters
    ----------
    epa_count : float
        People with an EPA (persons, may be an estimate with decimals).
    participation : sequence of float
        Participation rates as fractions (0.15 = 15 %).
    capacity : float
        Visitors per week one steunpunt serves.

    Returns
    -------
    pandas.Series of int
        ``round(epa_count x participation / capacity)`` (half up), indexed by
        the participation rate, named ``needed_steunpunten``.
    """
    count = float(epa_count)
    if not np.isfinite(count) or count < 0:
        raise InputError(f"EPA count {count:g} must be a non-negative number of persons")
    rates = _check_participation(participation)
    cap = _check_capacity(capacity)
    values = _round_half_up(np.array([count * p / cap for p in rates]))
    return pd.Series(
        values, index=pd.Index(rates, name="participation"), name="needed_steunpunten"
    )


def needed_steunpunten(
    inhabitants: float,
    prevalence_percent: float,
    participation: Sequence[float] = PARTICIPATION_SCENARIOS,
    capacity: float = CAPACITY_PER_STEUNPUNT,
) -> pd.Series:
    """Needed steunpunten: ``round(inhabitants x prevalence/100 x participation / capacity)``.

    Parameters
    ----------
    inhabitants : float
        Number of inhabitants (persons, > 0).
    prevalence_percent : float
        EPA prevalence in percent (1.30 means 1.30 %), strictly between 0 and 100.
    participation : sequence of float
        Participation rates as fractions (default 15 %, 30 %, 45 %).
    capacity : float
        Visitors per week one steunpunt serves (default 100).

    Returns
    -------
    pandas.Series of int
        Needed steunpunten per participation rate (index), rounded half up.

    Examples
    --------
    >>> needed_steunpunten(2853359, 1.30).tolist()  # Noord-Holland, table 2.4.1
    [56, 111, 167]
    """
    inh = check_inhabitants(inhabitants)
    prev = check_prevalence(prevalence_percent)
    return needed_from_epa(inh * prev / 100.0, participation, capacity)


@dataclass(frozen=True)
class WeightedSupply:
    """Existing steunpunten counted by number and by capacity weight.

    Attributes
    ----------
    count : int
        Number of steunpunten ("in beeld").
    weighted : float
        Sum of capacity weights ("gewogen"), in average-steunpunt units.
    n_default_weight : int
        Steunpunten without a weight, counted as 1 (average).
    warnings : list of str
        Human-readable notes on defaulted weights.
    """

    count: int
    weighted: float
    n_default_weight: int = 0
    warnings: list[str] = field(default_factory=list)


def weighted_supply(capacity_weights: Iterable[float | None]) -> WeightedSupply:
    """Count existing steunpunten with capacity weights 0.5 / 1 / 2.

    Parameters
    ----------
    capacity_weights : iterable of float or None
        One weight per steunpunt; ``None``/NaN means unknown and counts as 1
        (average); the number of such steunpunten is reported.

    Returns
    -------
    WeightedSupply

    Raises
    ------
    InputError
        A weight other than 0.5, 1 or 2 (the position is named).
    """
    weights = pd.to_numeric(pd.Series(list(capacity_weights), dtype=object), errors="coerce")
    missing = weights.isna()
    valid = weights[~missing]
    bad = valid[~valid.isin(CAPACITY_WEIGHTS)]
    if len(bad):
        pos = int(bad.index[0])
        raise InputError(
            f"steunpunt #{pos + 1}: capacity weight {float(bad.iloc[0]):g} is not one of "
            f"{', '.join(f'{w:g}' for w in CAPACITY_WEIGHTS)} (small / average / large)"
        )
    n_default = int(missing.sum())
    warnings = []
    if n_default:
        warnings.append(Notice("supply.default_weight", n=n_default,
                               weight=f"{DEFAULT_CAPACITY_WEIGHT:g}"))
        log.warning(warnings[-1])
    total = float(valid.sum()) + n_default * DEFAULT_CAPACITY_WEIGHT
    return WeightedSupply(len(weights), total, n_default, warnings)


def _table_row_where(source: str, idx: int) -> str:
    # Row numbers as a spreadsheet shows them: header is line 1.
    return f"{source}, row {idx + 2}"


def need_table(
    df: pd.DataFrame,
    participation: Sequence[float] = PARTICIPATION_SCENARIOS,
    capacity: float = CAPACITY_PER_STEUNPUNT,
    source: str = "table",
) -> pd.DataFrame:
    """Need per region and scenario, and the gap against the weighted supply.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per region with columns ``name``, ``inhabitants``,
        ``prevalence_percent`` and optionally ``epa_count`` (persons; when
        given it is used instead of inhabitants x prevalence, as the report
        does for the national row from 224,604), ``steunpunten_in_beeld``
        (count) and ``steunpunten_gewogen`` (capacity-weighted count).
    participation, capacity
        See :func:`needed_steunpunten`.
    source : str
        Name of the input (file name) used in error messages.

    Returns
    -------
    pandas.DataFrame
        The input columns plus ``epa_count`` (persons), ``epa_count_source``
        (``"given"`` or ``"inhabitants x prevalence"``), ``need_<p>`` for each
        participation rate in percent (e.g. ``need_15``) and, when
        ``steunpunten_gewogen`` is present, ``gap_<p>`` = need - weighted
        supply (positive: steunpunten short; negative: surplus).

    Raises
    ------
    InputError
        Missing columns, or a row with invalid inhabitants / prevalence / counts
        (the row number is named as in a spreadsheet, header = row 1).
    """
    missing = [c for c in REQUIRED_TABLE_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(
            f"{source}: missing column(s) {', '.join(missing)}; the table needs "
            f"{', '.join(REQUIRED_TABLE_COLUMNS)} and may have {', '.join(OPTIONAL_TABLE_COLUMNS)}"
        )
    if df.empty:
        raise InputError(f"{source}: the table has no rows")
    rates = _check_participation(participation)
    cap = _check_capacity(capacity)
    out = df.reset_index(drop=True).copy()
    numeric = ["inhabitants", "prevalence_percent"] + [
        c for c in OPTIONAL_TABLE_COLUMNS if c in out.columns
    ]
    for col in numeric:
        converted = pd.to_numeric(out[col], errors="coerce")
        bad = converted.isna() & out[col].notna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(
                f"{_table_row_where(source, i)}: {col} = {out[col].iloc[i]!r} is not a number"
            )
        out[col] = converted
    given = (
        out["epa_count"].notna()
        if "epa_count" in out.columns
        else pd.Series(False, index=out.index)
    )
    epa = np.empty(len(out))
    for i in range(len(out)):
        where = _table_row_where(source, i)
        if given.iloc[i]:
            count = float(out["epa_count"].iloc[i])
            if count < 0:
                raise InputError(f"{where}: epa_count {count:g} is negative")
            epa[i] = count
            continue
        inh = check_inhabitants(out["inhabitants"].iloc[i], where)
        prev = check_prevalence(out["prevalence_percent"].iloc[i], where)
        epa[i] = inh * prev / 100.0
    out["epa_count"] = epa
    out["epa_count_source"] = np.where(given, "given", "inhabitants x prevalence")
    for p in rates:
        out[f"need_{scenario_label(p)}"] = _round_half_up(epa * p / cap)
    if "steunpunten_gewogen" in out.columns:
        for p in rates:
            label = scenario_label(p)
            out[f"gap_{label}"] = out[f"need_{label}"] - out["steunpunten_gewogen"]
    return out


def read_need_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV of regions for :func:`need_table` (comma or semicolon separated).

    Raises
    ------
    InputError
        The file does not exist or cannot be parsed as CSV.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: file not found; give a CSV with columns name,inhabitants,prevalence_percent")
    try:
        return pd.read_csv(p, sep=None, engine="python", dtype={"name": str})
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{p}: cannot read as CSV ({exc}); save it as UTF-8 CSV") from exc
