"""White spots per day of the week, and on how many days a buurt has access.

Inputs are one travel time per population point and day (minutes to the
nearest steunpunt that is open on arrival, NaN = none that day). Each day is
summarised with :func:`~accessibility.analysis.coverage.summarise_coverage`
(the white-spot definitions of the job); the week table counts per buurt the
days on which it is *not* a white spot, i.e. on which at most
``white_spot_share`` of its inhabitants are beyond the norm.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from accessibility.analysis.coverage import REGION, summarise_coverage
from accessibility.errors import InputError


@dataclass
class WeekCoverage:
    """Coverage per day and the week summary.

    Attributes
    ----------
    days : pandas.DataFrame
        One row per day and gemeente (last rows per day: ``regio``):
        ``day``, ``gemeentecode``, ``population``, ``population_beyond_norm``,
        ``share_beyond_norm`` (0-1), ``epa_estimate_beyond_norm``,
        ``n_witte_vlekken``.
    gemeenten : pandas.DataFrame
        Per gemeente and ``regio``: ``population``, ``mean_days_with_access``
        (population-weighted mean of the days residents are within the norm),
        ``population_no_day`` and ``population_every_day``.
    buurten : pandas.DataFrame
        ``buurtcode``, ``gemeentecode``, ``population``, one column
        ``share_within_<day>`` (0-1) per day and ``days_with_access`` (0-7).
    point_days : numpy.ndarray of int, shape (n_points,)
        Days on which each point is within the norm.
    """

    days: pd.DataFrame
    gemeenten: pd.DataFrame
    buurten: pd.DataFrame
    point_days: np.ndarray


def week_coverage(
    points: pd.DataFrame,
    day_times: Sequence[np.ndarray],
    day_names: Sequence[str],
    norm_minutes: float,
    white_spot_share: float,
) -> WeekCoverage:
    """Summarise per-day travel times into day tables and a week table per buurt.

    Parameters
    ----------
    points : pandas.DataFrame
        Population points (``buurtcode``, ``gemeentecode``, ``population``,
        ``epa_estimate``).
    day_times : sequence of numpy.ndarray, each shape (n_points,)
        Minutes per point for each day; NaN = no open steunpunt in reach.
    day_names : sequence of str
        A label per day (e.g. ``"maandag"``).
    norm_minutes, white_spot_share : float
        As in :func:`~accessibility.analysis.coverage.summarise_coverage`.

    Returns
    -------
    WeekCoverage
    """
    if len(day_times) != len(day_names) or not day_names:
        raise InputError(f"{len(day_times)} days of times for {len(day_names)} day names")
    rows = []
    buurten = None
    within_days = np.zeros(len(points), dtype=np.int64)
    for name, times in zip(day_names, day_times, strict=True):
        cov = summarise_coverage(points, times, norm_minutes, white_spot_share)
        within_days += ~cov.points["beyond_norm"].to_numpy(bool)
        rows.append(cov.gemeenten[["gemeentecode", "population", "population_beyond_norm",
                                   "share_beyond_norm", "epa_estimate_beyond_norm",
                                   "n_witte_vlekken"]].assign(day=name))
        b = cov.buurten[["buurtcode", "gemeentecode", "population", "share_beyond_norm",
                         "witte_vlek"]]
        day = pd.DataFrame({"buurtcode": b["buurtcode"],
                            f"share_within_{name}": 1.0 - b["share_beyond_norm"],
                            f"access_{name}": ~b["witte_vlek"].to_numpy(bool)})
        if buurten is None:
            buurten = b[["buurtcode", "gemeentecode", "population"]].merge(day, on="buurtcode")
        else:
            buurten = buurten.merge(day, on="buurtcode")
    access_cols = [f"access_{n}" for n in day_names]
    buurten["days_with_access"] = buurten[access_cols].sum(axis=1).astype(int)
    buurten = buurten.drop(columns=access_cols)
    days = pd.concat(rows, ignore_index=True)
    pop = points["population"].to_numpy(dtype=float)
    weighted = pd.DataFrame({"gemeentecode": points["gemeentecode"].to_numpy(), "population": pop,
                             "w": pop * within_days,
                             "population_no_day": pop * (within_days == 0),
                             "population_every_day": pop * (within_days == len(day_names))})
    cols = ["population", "w", "population_no_day", "population_every_day"]
    per = weighted.groupby("gemeentecode")[cols].sum()
    per.loc[REGION] = weighted[cols].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        per["mean_days_with_access"] = (per["w"] / per["population"]).where(per["population"] > 0)
    gemeenten = per.drop(columns="w").rename_axis("gemeentecode").reset_index()
    days = days[["day", *[c for c in days.columns if c != "day"]]]
    return WeekCoverage(days, gemeenten, buurten, within_days)
