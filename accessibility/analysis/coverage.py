"""Coverage: who reaches a steunpunt within the norm, per point, buurt, gemeente and region.

Inputs are population points (``buurtcode``, ``gemeentecode``, ``population``,
``epa_estimate``) and one travel time per point in minutes to the nearest
steunpunt (NaN or +inf = not reachable within the engine's maximum time).

Definitions
-----------
beyond the norm
    travel time > ``norm_minutes`` or unreachable (a time of exactly the norm
    is within it).
population-weighted median travel time
    the smallest time ``t`` such that the residents with a time ``<= t`` weigh
    at least half of all residents (the lower weighted median); unreachable
    points count as +inf, so the median is +inf when more than half of the
    residents cannot reach a steunpunt. NaN when the total weight is 0.
white spot (``witte_vlek``)
    a buurt whose share of residents beyond the norm is greater than
    ``white_spot_share`` (default 0.5).
travel-time class
    ``0-15``, ``15-30``, ``30-45``, ``45-60``, ``>60`` (right-closed:
    15.0 is in ``0-15``) or ``onbereikbaar``; for buurten it classifies the
    weighted median.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from accessibility.analysis.need import (
    CAPACITY_PER_STEUNPUNT,
    PARTICIPATION_SCENARIOS,
    needed_from_epa,
    scenario_label,
    weighted_supply,
)
from accessibility.errors import InputError
from accessibility.notices import Notice

log = logging.getLogger(__name__)

DEFAULT_CUTOFFS: tuple[float, ...] = (15, 30, 45, 60)
UNREACHABLE_CLASS = "onbereikbaar"
REGION = "regio"
"""Label of the region row in gemeente tables."""

POINT_INPUT_COLUMNS = ("buurtcode", "gemeentecode", "population", "epa_estimate")


def time_class_labels(cutoffs: Sequence[float] = DEFAULT_CUTOFFS) -> list[str]:
    """Class labels for the cutoffs: ``["0-15", "15-30", ..., ">60", "onbereikbaar"]``."""
    edges = [0, *cutoffs]
    labels = [f"{a:g}-{b:g}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    return [*labels, f">{cutoffs[-1]:g}", UNREACHABLE_CLASS]


def classify_times(times: np.ndarray, cutoffs: Sequence[float] = DEFAULT_CUTOFFS) -> pd.Categorical:
    """Travel-time class of each time in minutes (right-closed; NaN/inf -> onbereikbaar)."""
    t = np.asarray(times, dtype=float)
    labels = time_class_labels(cutoffs)
    codes = np.searchsorted(np.asarray(cutoffs, dtype=float), t, side="left")
    codes = np.where(np.isfinite(t), codes, len(labels) - 1)
    return pd.Categorical.from_codes(codes, categories=labels, ordered=True)


def grouped_weighted_median(
    groups: np.ndarray, values: np.ndarray, weights: np.ndarray, n_groups: int
) -> np.ndarray:
    """Lower weighted median of ``values`` per group (see module docstring).

    Parameters
    ----------
    groups : numpy.ndarray of int, shape (n,)
        Group index of each value, in ``0 .. n_groups - 1``.
    values : numpy.ndarray of float, shape (n,)
        Values (minutes); NaN counts as +inf.
    weights : numpy.ndarray of float, shape (n,)
        Non-negative weights (persons).
    n_groups : int

    Returns
    -------
    numpy.ndarray of float, shape (n_groups,)
        The median per group; NaN for a group with total weight 0.
    """
    g = np.asarray(groups, dtype=np.int64)
    v = np.asarray(values, dtype=float)
    v = np.where(np.isnan(v), np.inf, v)
    w = np.asarray(weights, dtype=float)
    order = np.lexsort((v, g))
    g, v, w = g[order], v[order], w[order]
    totals = np.bincount(g, weights=w, minlength=n_groups)
    offsets = np.concatenate([[0.0], np.cumsum(totals)[:-1]])
    within = np.cumsum(w) - offsets[g]
    half = totals[g] / 2.0
    reached = (within >= half - 1e-9 * totals[g]) & (totals[g] > 0) & (w > 0)
    result = np.full(n_groups, np.nan)
    idx = np.flatnonzero(reached)
    first_groups, first_pos = np.unique(g[idx], return_index=True)
    result[first_groups] = v[idx[first_pos]]
    return result


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """Lower weighted median of ``values`` (NaN = +inf); NaN when all weights are 0."""
    v = np.asarray(values, dtype=float)
    return float(grouped_weighted_median(np.zeros(len(v), dtype=np.int64), v, weights, 1)[0])


def _validate(points: pd.DataFrame, times: np.ndarray, label: str = "times") -> np.ndarray:
    missing = [c for c in POINT_INPUT_COLUMNS if c not in points.columns]
    if missing:
        raise InputError(
            f"population points: missing column(s) {', '.join(missing)}; add the EPA estimate "
            "with epa.add_epa_to_points first"
        )
    t = np.asarray(times, dtype=float)
    if t.shape != (len(points),):
        raise InputError(
            f"{label}: {t.shape} travel times for {len(points)} population points; "
            "give one time per point in the points' order"
        )
    negative = np.flatnonzero(t < 0)
    if len(negative):
        i = int(negative[0])
        raise InputError(
            f"{label}: negative travel time {t[i]:g} min at point position {i} "
            f"({len(negative)} in all); times must be >= 0 minutes"
        )
    pop = points["population"].to_numpy(dtype=float)
    if np.isnan(pop).any() or (pop < 0).any():
        raise InputError("population points: population must be >= 0 and not missing")
    return np.where(np.isinf(t), np.nan, t)


def point_coverage(
    points: pd.DataFrame,
    times: np.ndarray,
    norm_minutes: float = 45.0,
    cutoffs: Sequence[float] = DEFAULT_CUTOFFS,
) -> pd.DataFrame:
    """Per point: ``travel_time_min`` (NaN = unreachable), ``beyond_norm``, ``time_class``.

    Parameters
    ----------
    points : pandas.DataFrame
        Population points with :data:`POINT_INPUT_COLUMNS`.
    times : numpy.ndarray, shape (n_points,)
        Minutes to the nearest steunpunt; NaN or inf = unreachable.
    norm_minutes : float
        The norm in minutes (45 in the report).
    cutoffs : sequence of float
        Class boundaries in minutes.

    Returns
    -------
    pandas.DataFrame
        A copy of ``points`` with the three columns added.
    """
    t = _validate(points, times)
    out = points.copy()
    out["travel_time_min"] = t
    out["beyond_norm"] = ~(t <= norm_minutes)
    out["time_class"] = classify_times(t, cutoffs)
    return out


def _aggregate(
    pc: pd.DataFrame, key: str, white_spot_share: float | None, cutoffs: Sequence[float]
) -> pd.DataFrame:
    codes, uniques = pd.factorize(pc[key], sort=True)
    n = len(uniques)
    pop = pc["population"].to_numpy(dtype=float)
    epa = pc["epa_estimate"].to_numpy(dtype=float)
    beyond = pc["beyond_norm"].to_numpy(dtype=bool)
    unreachable = np.isnan(pc["travel_time_min"].to_numpy(dtype=float))
    population = np.bincount(codes, weights=pop, minlength=n)
    pop_beyond = np.bincount(codes, weights=pop * beyond, minlength=n)
    pop_unreach = np.bincount(codes, weights=pop * unreachable, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(population > 0, pop_beyond / population, np.nan)
        share_unreach = np.where(population > 0, pop_unreach / population, np.nan)
    median = grouped_weighted_median(codes, pc["travel_time_min"].to_numpy(float), pop, n)
    out = pd.DataFrame(
        {
            key: uniques,
            "n_points": np.bincount(codes, minlength=n),
            "population": population,
            "epa_estimate": np.bincount(codes, weights=epa, minlength=n),
            "median_time_min": median,
            "population_beyond_norm": pop_beyond,
            "share_beyond_norm": share,
            "share_unreachable": share_unreach,
            "epa_estimate_beyond_norm": np.bincount(codes, weights=epa * beyond, minlength=n),
        }
    )
    if white_spot_share is not None:
        out["witte_vlek"] = np.nan_to_num(share, nan=0.0) > white_spot_share
        median_class = classify_times(np.where(np.isnan(median), np.inf, median), cutoffs)
        out["time_class"] = median_class
    return out


@dataclass
class CoverageResult:
    """Coverage at every level, with the parameters used.

    Attributes
    ----------
    points : pandas.DataFrame
        Input points plus ``travel_time_min``, ``beyond_norm``, ``time_class``.
    buurten : pandas.DataFrame
        One row per buurt with points: ``buurtcode``, ``gemeentecode``,
        ``n_points``, ``population``, ``epa_estimate`` (persons, estimate),
        ``median_time_min`` (population-weighted, inf = unreachable),
        ``population_beyond_norm``, ``share_beyond_norm`` (0-1),
        ``share_unreachable``, ``epa_estimate_beyond_norm``, ``witte_vlek``,
        ``time_class``.
    gemeenten : pandas.DataFrame
        The same totals per gemeente plus ``n_buurten``, ``n_witte_vlekken``
        and ``population_in_witte_vlekken``; the last row is the region
        (``gemeentecode == "regio"``).
    parameters : dict
        ``norm_minutes``, ``white_spot_share``, ``cutoffs``.
    """

    points: pd.DataFrame
    buurten: pd.DataFrame
    gemeenten: pd.DataFrame
    parameters: dict = field(default_factory=dict)

    @property
    def region(self) -> pd.Series:
        """The region totals (last row of :attr:`gemeenten`)."""
        return self.gemeenten.iloc[-1]


def _gemeente_table(
    pc: pd.DataFrame, buurten: pd.DataFrame, cutoffs: Sequence[float]
) -> pd.DataFrame:
    gem = _aggregate(pc, "gemeentecode", None, cutoffs)
    region = _aggregate(pc.assign(gemeentecode=REGION), "gemeentecode", None, cutoffs)
    table = pd.concat([gem, region], ignore_index=True)
    flagged = buurten.assign(
        population_in_witte_vlekken=buurten["population"] * buurten["witte_vlek"],
        n_witte_vlekken=buurten["witte_vlek"].astype(int),
        n_buurten=1,
    )
    cols = ["n_buurten", "n_witte_vlekken", "population_in_witte_vlekken"]
    per = flagged.groupby("gemeentecode")[cols].sum()
    per.loc[REGION] = flagged[cols].sum()
    return table.join(per, on="gemeentecode")


def summarise_coverage(
    points: pd.DataFrame,
    times: np.ndarray,
    norm_minutes: float = 45.0,
    white_spot_share: float = 0.5,
    cutoffs: Sequence[float] = DEFAULT_CUTOFFS,
) -> CoverageResult:
    """Coverage per point, buurt, gemeente and region.

    Parameters
    ----------
    points : pandas.DataFrame
        Population points with ``buurtcode``, ``gemeentecode``, ``population``
        (persons) and ``epa_estimate`` (persons).
    times : numpy.ndarray, shape (n_points,)
        Minutes to the nearest steunpunt per point; NaN/inf = unreachable.
    norm_minutes : float
        Norm in minutes (the report's provisional 45).
    white_spot_share : float
        A buurt is a white spot when more than this share (0-1) of its
        residents is beyond the norm.
    cutoffs : sequence of float
        Travel-time class boundaries in minutes.

    Returns
    -------
    CoverageResult
    """
    if not 0 <= white_spot_share < 1:
        raise InputError(f"white_spot_share {white_spot_share:g} must be in [0, 1)")
    if not norm_minutes > 0:
        raise InputError(f"norm_minutes {norm_minutes:g} must be positive")
    pc = point_coverage(points, times, norm_minutes, cutoffs)
    buurten = _aggregate(pc, "buurtcode", white_spot_share, cutoffs)
    gemeente_of = pc.groupby("buurtcode")["gemeentecode"].first()
    buurten.insert(1, "gemeentecode", gemeente_of.loc[buurten["buurtcode"]].to_numpy())
    gemeenten = _gemeente_table(pc, buurten, cutoffs)
    params = {
        "norm_minutes": float(norm_minutes),
        "white_spot_share": float(white_spot_share),
        "cutoffs": [float(c) for c in cutoffs],
    }
    return CoverageResult(pc, buurten, gemeenten, params)


@dataclass
class SupplyAssignment:
    """Steunpunten with their gemeente, and what could not be placed.

    Attributes
    ----------
    steunpunten : geopandas.GeoDataFrame
        Input rows plus ``gemeentecode`` (missing, NA, when outside every
        buurt or without location).
    warnings : list of str
    """

    steunpunten: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


def _label(row: pd.Series, position: int) -> str:
    for col in ("id", "name"):
        if col in row.index and not pd.isna(row[col]):
            return str(row[col])
    return f"#{position + 1}"


def assign_gemeente(steunpunten: gpd.GeoDataFrame, buurten: gpd.GeoDataFrame) -> SupplyAssignment:
    """Give each steunpunt the gemeentecode of the buurt it lies in (spatial join).

    Steunpunten without a location or outside every buurt get a missing code and
    are listed in the warnings (they still count for the region).
    """
    if steunpunten.crs is None or buurten.crs is None:
        raise InputError("steunpunten and buurten need a CRS for the spatial join; set it")
    pts = steunpunten.to_crs(buurten.crs).reset_index(drop=True)
    geoms = pts.geometry
    # POINT (nan nan), as points_from_xy makes from blank lat/lon, counts as no location
    located = geoms.notna() & ~geoms.is_empty & np.isfinite(geoms.bounds).all(axis=1)
    joined = gpd.sjoin(
        pts.loc[located, [pts.geometry.name]],
        buurten[["gemeentecode", buurten.geometry.name]],
        how="left",
        predicate="intersects",
    )
    joined = joined[~joined.index.duplicated(keep="first")]
    out = steunpunten.reset_index(drop=True).copy()
    out["gemeentecode"] = joined["gemeentecode"].reindex(out.index)
    warnings = []
    unlocated = [_label(out.iloc[i], i) for i in np.flatnonzero(~located.to_numpy())]
    if unlocated:
        warnings.append(Notice("supply.unlocated", n=len(unlocated), names=", ".join(unlocated)))
    outside = [
        _label(out.iloc[i], i)
        for i in np.flatnonzero(located.to_numpy() & out["gemeentecode"].isna().to_numpy())
    ]
    if outside:
        warnings.append(Notice("supply.outside_buurten", n=len(outside),
                               names=", ".join(outside)))
    for message in warnings:
        log.warning(message)
    return SupplyAssignment(out, warnings)


def need_vs_supply(
    epa: pd.DataFrame,
    steunpunten: pd.DataFrame,
    participation: Sequence[float] = PARTICIPATION_SCENARIOS,
    capacity: float = CAPACITY_PER_STEUNPUNT,
) -> pd.DataFrame:
    """Needed steunpunten against the capacity-weighted supply, per gemeente and region.

    Parameters
    ----------
    epa : pandas.DataFrame
        Rows with ``gemeentecode`` and ``epa_estimate`` (persons) at any level
        (buurten, points); summed per gemeente. The need is rounded per
        gemeente and, for the region, from the regional total (like the
        report's national row), so the region need is not the sum of the
        gemeente needs.
    steunpunten : pandas.DataFrame
        Output of :func:`assign_gemeente` (``gemeentecode`` may be NA) with
        an optional ``capacity_weight`` column (0.5 / 1 / 2; missing = 1).
    participation, capacity
        See :func:`accessibility.analysis.need.needed_steunpunten`.

    Returns
    -------
    pandas.DataFrame
        ``gemeentecode``, ``epa_estimate``, ``need_<p>``,
        ``steunpunten_count``, ``steunpunten_gewogen``, ``gap_<p>`` (need -
        weighted supply); the last row is the region (``"regio"``).
    """
    epa_by = epa.groupby("gemeentecode")["epa_estimate"].sum()
    weights = (
        steunpunten["capacity_weight"]
        if "capacity_weight" in steunpunten.columns
        else pd.Series([None] * len(steunpunten), index=steunpunten.index)
    )
    codes = list(epa_by.index) + [REGION]
    rows = []
    for code in codes:
        if code == REGION:
            total = float(epa_by.sum())
            mask = np.ones(len(steunpunten), dtype=bool)
        else:
            total = float(epa_by.loc[code])
            mask = (steunpunten["gemeentecode"] == code).to_numpy()
        supply = weighted_supply(weights[mask].tolist())
        need = needed_from_epa(total, participation, capacity)
        row = {"gemeentecode": code, "epa_estimate": total}
        row.update({f"need_{scenario_label(p)}": int(n) for p, n in need.items()})
        row.update({"steunpunten_count": supply.count, "steunpunten_gewogen": supply.weighted})
        row.update(
            {f"gap_{scenario_label(p)}": float(n) - supply.weighted for p, n in need.items()}
        )
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass
class CoverageComparison:
    """Coverage before and after adding a location.

    Attributes
    ----------
    before, after : CoverageResult
    points : pandas.DataFrame
        Points with ``travel_time_before_min``, ``travel_time_after_min``,
        ``newly_within_norm`` and ``newly_beyond_norm``.
    gemeenten : pandas.DataFrame
        Per gemeente and region: ``median_time_before_min``,
        ``median_time_after_min``, ``population_beyond_norm_before/after``,
        ``population_newly_within_norm``, ``epa_estimate_newly_within_norm``.
    resolved_white_spots : list of str
        Buurtcodes that stop being white spots.
    new_white_spots : list of str
        Buurtcodes that become white spots (only when times get worse).
    """

    before: CoverageResult
    after: CoverageResult
    points: pd.DataFrame
    gemeenten: pd.DataFrame
    resolved_white_spots: list[str]
    new_white_spots: list[str]

    @property
    def population_newly_within_norm(self) -> float:
        """Residents (persons) that get within the norm."""
        return float(self.gemeenten.iloc[-1]["population_newly_within_norm"])

    @property
    def epa_estimate_newly_within_norm(self) -> float:
        """Estimated EPA persons that get within the norm."""
        return float(self.gemeenten.iloc[-1]["epa_estimate_newly_within_norm"])


def compare_coverage(
    points: pd.DataFrame,
    times_before: np.ndarray,
    times_after: np.ndarray,
    norm_minutes: float = 45.0,
    white_spot_share: float = 0.5,
    cutoffs: Sequence[float] = DEFAULT_CUTOFFS,
) -> CoverageComparison:
    """Compare coverage with and without a proposed location.

    Parameters
    ----------
    points : pandas.DataFrame
        Population points (see :func:`summarise_coverage`).
    times_before, times_after : numpy.ndarray, shape (n_points,)
        Minutes to the nearest steunpunt without / with the proposed
        location (``times_after`` is usually ``np.fmin(times_before,
        times_to_new_site)``).
    norm_minutes, white_spot_share, cutoffs
        See :func:`summarise_coverage`.

    Returns
    -------
    CoverageComparison
    """
    before = summarise_coverage(points, times_before, norm_minutes, white_spot_share, cutoffs)
    after = summarise_coverage(points, times_after, norm_minutes, white_spot_share, cutoffs)
    pts = points.copy()
    pts["travel_time_before_min"] = before.points["travel_time_min"].to_numpy()
    pts["travel_time_after_min"] = after.points["travel_time_min"].to_numpy()
    b = before.points["beyond_norm"].to_numpy()
    a = after.points["beyond_norm"].to_numpy()
    pts["newly_within_norm"] = b & ~a
    pts["newly_beyond_norm"] = ~b & a
    gained = pts.assign(
        population_newly_within_norm=pts["population"] * pts["newly_within_norm"],
        epa_estimate_newly_within_norm=pts["epa_estimate"] * pts["newly_within_norm"],
    )
    cols = ["population_newly_within_norm", "epa_estimate_newly_within_norm"]
    per_gem = gained.groupby("gemeentecode")[cols].sum()
    per_gem.loc[REGION] = gained[cols].sum()
    g_before = before.gemeenten.set_index("gemeentecode")
    g_after = after.gemeenten.set_index("gemeentecode")
    gemeenten = pd.DataFrame(
        {
            "population": g_before["population"],
            "median_time_before_min": g_before["median_time_min"],
            "median_time_after_min": g_after["median_time_min"],
            "population_beyond_norm_before": g_before["population_beyond_norm"],
            "population_beyond_norm_after": g_after["population_beyond_norm"],
            "n_witte_vlekken_before": g_before["n_witte_vlekken"],
            "n_witte_vlekken_after": g_after["n_witte_vlekken"],
        }
    ).join(per_gem)
    gemeenten = gemeenten.rename_axis("gemeentecode").reset_index()
    wb = before.buurten.set_index("buurtcode")["witte_vlek"]
    wa = after.buurten.set_index("buurtcode")["witte_vlek"]
    resolved = sorted(wb.index[wb & ~wa])
    new = sorted(wb.index[~wb & wa])
    return CoverageComparison(before, after, pts, gemeenten, resolved, new)
