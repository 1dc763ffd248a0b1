"""Read CBS buurten (wijk- en buurtkaart) of any recent year into one schema.

CBS renames its columns between years: the 2014 shapefile has ``BU_CODE``,
``GM_CODE``, ``AANT_INW`` and age shares ``P_00_14_JR``; the Kerncijfers tables
use ``a_inw`` and age counts ``a_00_14``; the PDOK GeoPackages of 2020 and later
use ``buurtcode``, ``gemeentecode``, ``aantal_inwoners`` and age shares
``percentage_personen_0_tot_15_jaar`` (camelCase in the OGC API). Names are
matched case- and separator-insensitively against the aliases below.

CBS marks secret or missing values with negative sentinels (-99999999 "geheim",
-99999998 and similar): every negative count or share is treated as missing
and counted in the warnings.

The result has the columns :data:`BUURT_COLUMNS` plus ``has_population`` and
``geometry`` in the metric CRS the caller asks for (EPSG:28992 in the
Netherlands).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from accessibility.errors import InputError
from accessibility.notices import Notice, list_codes

log = logging.getLogger(__name__)

AGE_GROUPS: tuple[str, ...] = (
    "0_tot_15_jaar",
    "15_tot_25_jaar",
    "25_tot_45_jaar",
    "45_tot_65_jaar",
    "65_jaar_en_ouder",
)
"""CBS age groups, in the order CBS publishes them."""

AGE_COLUMNS: tuple[str, ...] = tuple(f"aantal_inwoners_{g}" for g in AGE_GROUPS)
"""Age-group count columns of the output (persons)."""

ID_COLUMNS: tuple[str, ...] = (
    "buurtcode",
    "buurtnaam",
    "wijkcode",
    "wijknaam",
    "gemeentecode",
    "gemeentenaam",
)
BUURT_COLUMNS: tuple[str, ...] = (*ID_COLUMNS, "aantal_inwoners", *AGE_COLUMNS)

_ID_ALIASES: dict[str, tuple[str, ...]] = {
    "buurtcode": ("buurtcode", "bucode", "statcode"),
    "buurtnaam": ("buurtnaam", "bunaam", "statnaam"),
    "wijkcode": ("wijkcode", "wkcode"),
    "wijknaam": ("wijknaam", "wknaam"),
    "gemeentecode": ("gemeentecode", "gmcode"),
    "gemeentenaam": ("gemeentenaam", "gmnaam"),
    "aantal_inwoners": ("aantalinwoners", "aantinw", "ainw"),
}

# (age group, count aliases, percentage aliases); keys are collapsed names.
_AGE_ALIASES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "0_tot_15_jaar": (
        ("aantalinwoners0tot15jaar", "aantalpersonen0tot15jaar", "a0014"),
        ("percentagepersonen0tot15jaar", "p0014jr", "p0014"),
    ),
    "15_tot_25_jaar": (
        ("aantalinwoners15tot25jaar", "aantalpersonen15tot25jaar", "a1524"),
        ("percentagepersonen15tot25jaar", "p1524jr", "p1524"),
    ),
    "25_tot_45_jaar": (
        ("aantalinwoners25tot45jaar", "aantalpersonen25tot45jaar", "a2544"),
        ("percentagepersonen25tot45jaar", "p2544jr", "p2544"),
    ),
    "45_tot_65_jaar": (
        ("aantalinwoners45tot65jaar", "aantalpersonen45tot65jaar", "a4564"),
        ("percentagepersonen45tot65jaar", "p4564jr", "p4564"),
    ),
    "65_jaar_en_ouder": (
        ("aantalinwoners65jaarenouder", "aantalpersonen65jaarenouder", "a65oo", "a65eo"),
        ("percentagepersonen65jaarenouder", "p65eojr", "p65oo", "p65eo"),
    ),
}

_MAX_LISTED = 10


def _collapse(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def _list_codes(codes: pd.Series) -> str:
    return list_codes(codes, _MAX_LISTED)


@dataclass
class Buurten:
    """Buurten in one schema, with what was repaired or is missing.

    Attributes
    ----------
    gdf : geopandas.GeoDataFrame
        Columns :data:`BUURT_COLUMNS`, ``has_population`` (bool) and geometry
        in a metric CRS. Counts are persons (float; NaN = missing).
    warnings : list of str
        Everything that was treated as missing, derived or repaired.
    """

    gdf: gpd.GeoDataFrame
    warnings: list[str] = field(default_factory=list)

    @property
    def n_without_population(self) -> int:
        """Buurten whose population is missing (secret or absent)."""
        return int((~self.gdf["has_population"]).sum())


def _find(columns: dict[str, str], aliases: tuple[str, ...]) -> str | None:
    for alias in aliases:
        if alias in columns:
            return columns[alias]
    return None


def _numeric(series: pd.Series, label: str, source: str, warnings: list[str]) -> pd.Series:
    values = pd.to_numeric(series, errors="coerce").astype(float)
    unparsable = values.isna() & series.notna() & (series.astype(str).str.strip() != "")
    if unparsable.any():
        raise InputError(
            f"{source}: column {series.name!r} holds non-numeric value "
            f"{series[unparsable].iloc[0]!r}; fix or blank it"
        )
    negative = values < 0
    if negative.any():
        sentinels = ", ".join(f"{v:.0f}" for v in sorted(values[negative].unique()))
        warnings.append(Notice("buurten.negative_values", source=source, n=int(negative.sum()),
                               sentinels=sentinels, label=label))
        values = values.mask(negative)
    return values


def normalise_buurten(
    frame: gpd.GeoDataFrame, crs: str = "EPSG:28992", source: str = "buurten"
) -> Buurten:
    """Bring a buurten GeoDataFrame of any CBS year into the common schema.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Buurt polygons with CBS columns of any year (see module docstring).
    crs : str
        Metric CRS of the result, e.g. ``"EPSG:28992"``.
    source : str
        Name of the input (file name) used in messages.

    Returns
    -------
    Buurten

    Raises
    ------
    InputError
        No CRS, no buurtcode column, duplicate buurtcodes, non-numeric counts,
        or a geographic (non-metric) target CRS.
    """
    if frame.crs is None:
        raise InputError(
            f"{source}: the buurten have no CRS; set it (e.g. gdf.set_crs('EPSG:28992') or "
            "add a .prj / CRS to the file)"
        )
    target = gpd.GeoSeries([], crs=crs).crs
    if target is None or not target.is_projected:
        raise InputError(f"{source}: target CRS {crs!r} is not a metric (projected) CRS")
    columns = {_collapse(c): c for c in frame.columns if c != frame.geometry.name}
    warnings: list[str] = []
    out = pd.DataFrame(index=frame.index)
    for name, aliases in _ID_ALIASES.items():
        col = _find(columns, aliases)
        out[name] = frame[col] if col is not None else None
    if out["buurtcode"].isna().all():
        raise InputError(
            f"{source}: no buurtcode column (looked for BU_CODE, buurtcode, statcode); "
            f"found {', '.join(map(str, frame.columns))}"
        )
    if "statcode" in columns and "rubriek" in columns:
        keep = frame[columns["rubriek"]].astype(str).str.lower() == "buurt"
        if (~keep).any():
            warnings.append(Notice("buurten.non_buurt_skipped", source=source,
                                   n=int((~keep).sum())))
        out = out[keep.to_numpy()]
        frame = frame[keep.to_numpy()]
    out["buurtcode"] = out["buurtcode"].astype(str).str.strip()
    dup = out["buurtcode"].duplicated(keep=False)
    if dup.any():
        raise InputError(
            f"{source}: buurtcode(s) {_list_codes(out.loc[dup, 'buurtcode'].drop_duplicates())} "
            "occur more than once; give one buurten layer of one year"
        )
    valid_code = out["buurtcode"].str.fullmatch(r"BU\d{8}")
    for target_col, prefix, length in (("gemeentecode", "GM", 4), ("wijkcode", "WK", 6)):
        missing = out[target_col].isna() & valid_code
        if missing.any():
            out.loc[missing, target_col] = prefix + out.loc[missing, "buurtcode"].str[2 : 2 + length]
            warnings.append(Notice("buurten.code_derived", source=source, column=target_col,
                                   n=int(missing.sum())))
    out["aantal_inwoners"] = _numeric(
        out["aantal_inwoners"].rename("aantal_inwoners"), "aantal_inwoners", source, warnings
    )
    inhabitants = out["aantal_inwoners"]
    for group, (count_aliases, pct_aliases) in _AGE_ALIASES.items():
        target_col = f"aantal_inwoners_{group}"
        count_col = _find(columns, count_aliases)
        pct_col = _find(columns, pct_aliases)
        if count_col is not None:
            out[target_col] = _numeric(frame[count_col], target_col, source, warnings).to_numpy()
        elif pct_col is not None:
            share = _numeric(frame[pct_col], pct_col, source, warnings).to_numpy()
            out[target_col] = inhabitants.to_numpy() * share / 100.0
        else:
            out[target_col] = np.nan
    if out[list(AGE_COLUMNS)].isna().all().all():
        warnings.append(Notice("buurten.no_age_groups", source=source))
    out["has_population"] = out["aantal_inwoners"].notna()
    no_pop = ~out["has_population"]
    if no_pop.any():
        warnings.append(Notice("buurten.no_population", source=source, n=int(no_pop.sum()),
                               total=len(out), codes=_list_codes(out.loc[no_pop, "buurtcode"])))
    geometry = frame.geometry.to_crs(target)
    invalid = ~geometry.is_valid & geometry.notna()
    if invalid.any():
        geometry = geometry.where(~invalid, shapely.make_valid(geometry.values))
        warnings.append(Notice("buurten.geometry_repaired", source=source, n=int(invalid.sum())))
    empty = geometry.isna() | geometry.is_empty
    if empty.any():
        warnings.append(Notice("buurten.no_geometry", source=source, n=int(empty.sum()),
                               codes=_list_codes(out.loc[empty.to_numpy(), "buurtcode"])))
    gdf = gpd.GeoDataFrame(out[[*BUURT_COLUMNS, "has_population"]], geometry=geometry.values, crs=target)
    for message in warnings:
        log.warning(message)
    return Buurten(gdf.reset_index(drop=True), warnings)


def read_buurten(
    path: str | Path, crs: str = "EPSG:28992", layer: str | None = None
) -> Buurten:
    """Read a CBS buurten file (GeoPackage, GeoJSON, shapefile or GeoParquet).

    Parameters
    ----------
    path : str or Path
        The file. For a GeoPackage with several layers give ``layer``
        (e.g. ``"buurten"``).
    crs : str
        Metric CRS of the result (default RD New, ``"EPSG:28992"``).
    layer : str, optional
        Layer name inside a multi-layer file.

    Returns
    -------
    Buurten
        See :func:`normalise_buurten`. Invalid polygons (e.g. from quantised
        TopoJSON exports) are repaired and counted.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: buurten file not found")
    try:
        if p.suffix.lower() == ".parquet":
            frame = gpd.read_parquet(p)
        else:
            kwargs = {"layer": layer} if layer is not None else {}
            frame = gpd.read_file(p, on_invalid="fix", **kwargs)
    except InputError:
        raise
    except Exception as exc:  # pyogrio / arrow raise many types for unreadable files
        raise InputError(
            f"{p}: cannot read as a buurten layer ({exc}); give a GeoPackage, GeoJSON, "
            "shapefile or GeoParquet"
        ) from exc
    if frame.empty:
        raise InputError(f"{p}: the file holds no features")
    return normalise_buurten(frame, crs=crs, source=p.name)


def select_gemeenten(buurten: Buurten, gemeenten: Sequence[str], source: str) -> Buurten:
    """The buurten of the listed gemeenten only.

    Parameters
    ----------
    buurten : Buurten
        From :func:`read_buurten` (any number of gemeenten).
    gemeenten : sequence of str
        CBS gemeente codes (``"GM0402"``), e.g. a region's ``gemeenten``.
    source : str
        Name of the buurten input, for messages.

    Returns
    -------
    Buurten
        A copy holding only the buurten of ``gemeenten``.

    Raises
    ------
    InputError
        A listed gemeente has no buurt in the input (the message names the
        gemeenten the input does hold).
    """
    codes = buurten.gdf["gemeentecode"].astype("string").str.strip().str.upper()
    wanted = [str(g).strip().upper() for g in gemeenten]
    present = set(codes.dropna())
    missing = [g for g in wanted if g not in present]
    if missing:
        held = ", ".join(sorted(present)[:_MAX_LISTED]) or "no gemeentecode at all"
        raise InputError(
            f"{source}: no buurt of gemeente(n) {', '.join(missing)} (the file holds {held}); "
            "give a buurten file that covers the region, or fix gemeenten in the region file"
        )
    keep = codes.isin(wanted).fillna(False).to_numpy(dtype=bool)
    log.info("%s: %d of %d buurten lie in gemeente(n) %s", source, int(keep.sum()), len(keep),
             ", ".join(wanted))
    return Buurten(buurten.gdf[keep].reset_index(drop=True), list(buurten.warnings))

