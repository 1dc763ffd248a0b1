"""Coverage per province, GGD region and gemeente (the national tables).

A gemeente table (``gemeentecode, gemeentenaam, provincie, ggd_code,
ggd_naam``; ``data/regions/gemeente_regions_2024.csv`` is derived by
``scripts/make_gemeente_regions.py``) assigns every gemeente to its province
and GGD region. The figures are those of
:func:`~accessibility.analysis.coverage.summarise_coverage` per area:
inhabitants, estimated EPA persons, the population-weighted median travel
time, residents and EPA persons beyond the norm, white-spot buurten.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from accessibility.analysis.coverage import CoverageResult, _aggregate
from accessibility.errors import InputError

REGION_COLUMNS = ("gemeentecode", "gemeentenaam", "provincie", "ggd_code", "ggd_naam")
LEVELS = {"provincies": ("provincie", None), "ggd_regios": ("ggd_code", "ggd_naam"),
          "gemeenten": ("gemeentecode", "gemeentenaam")}
"""Output table name -> (key column, name column)."""


def read_gemeente_regions(path: str | Path) -> pd.DataFrame:
    """Read a gemeente -> province / GGD region table (CSV).

    Raises
    ------
    InputError
        Missing file or columns, or a gemeentecode listed twice.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"gemeente table {path} not found; create it with "
                         "scripts/make_gemeente_regions.py or set inputs.gemeente_regions")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in REGION_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}; expected "
                         f"{', '.join(REGION_COLUMNS)}")
    dup = table["gemeentecode"][table["gemeentecode"].duplicated()]
    if len(dup):
        raise InputError(f"{path}: gemeentecode {dup.iloc[0]} is listed twice (row "
                         f"{int(dup.index[0]) + 2}); give each gemeente one row")
    return table[list(REGION_COLUMNS)]


def area_tables(coverage: CoverageResult, regions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Coverage tables per province, GGD region and gemeente.

    Parameters
    ----------
    coverage : CoverageResult
        Of the whole study area (its ``points`` and ``buurten``).
    regions : pandas.DataFrame
        From :func:`read_gemeente_regions`. Gemeenten of the points that the
        table does not list are reported under ``"onbekend"``; a level whose
        codes are all empty (the GGD columns of the derived table) is left out.

    Returns
    -------
    dict of str to pandas.DataFrame
        Keys of :data:`LEVELS` present; each table has the key and name
        columns, ``n_buurten``, ``n_witte_vlekken`` and the columns of the
        coverage aggregates, the largest share beyond the norm first.
    """
    lookup = regions.set_index("gemeentecode")
    points = coverage.points
    buurten = coverage.buurten
    out = {}
    for level, (key, name) in LEVELS.items():
        if key != "gemeentecode" and not (regions[key].str.strip() != "").any():
            continue
        codes = (points["gemeentecode"] if key == "gemeentecode"
                 else points["gemeentecode"].map(lookup[key]).replace("", pd.NA))
        table = _aggregate(points.assign(**{key: codes.fillna("onbekend")}), key, None, ())
        b_codes = (buurten["gemeentecode"] if key == "gemeentecode"
                   else buurten["gemeentecode"].map(lookup[key]).replace("", pd.NA))
        spots = (buurten.assign(**{key: b_codes.fillna("onbekend"), "n_buurten": 1,
                                   "n_witte_vlekken": buurten["witte_vlek"].astype(int)})
                 .groupby(key)[["n_buurten", "n_witte_vlekken"]].sum())
        table = table.join(spots, on=key)
        names = (regions.drop_duplicates(key).set_index(key)[name] if name is not None else None)
        if names is not None:
            table.insert(1, name, table[key].map(names).fillna(""))
        out[level] = table.sort_values(["share_beyond_norm", key], ascending=[False, True],
                                       kind="stable").reset_index(drop=True)
    return out
