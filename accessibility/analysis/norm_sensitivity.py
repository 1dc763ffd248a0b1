"""How the white spots change with the norm: one set of travel times, every norm.

The 45-minute norm is a provisional starting point ("voorlopig uitgangspunt");
a council choosing a norm needs to see the share of inhabitants and the EPA
estimate beyond it for every candidate norm. The travel times do not depend on
the norm, so one search gives all: this module applies
:func:`~accessibility.analysis.coverage.summarise_coverage` (the same
definitions as the white-spot job) to the same times for each norm.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import pandas as pd

from accessibility.analysis.coverage import summarise_coverage
from accessibility.errors import InputError


def norm_range(first: int, last: int, step: int) -> list[int]:
    """Norms ``first, first + step, ..., last`` (minutes; ``last`` always included)."""
    if not 0 < first <= last or step <= 0:
        raise InputError(f"norm range {first}..{last} step {step}: need 0 < first <= last, step > 0")
    norms = list(range(first, last + 1, step))
    return norms if norms[-1] == last else [*norms, last]


def norm_curve(
    points: pd.DataFrame,
    times: np.ndarray,
    norms: Sequence[float],
    white_spot_share: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Coverage for every norm, per gemeente and region, and the buurt status per norm.

    Parameters
    ----------
    points : pandas.DataFrame
        Population points (``buurtcode``, ``gemeentecode``, ``population``,
        ``epa_estimate``).
    times : numpy.ndarray, shape (n_points,)
        Minutes to the nearest steunpunt; NaN = unreachable.
    norms : sequence of float
        Norms in minutes.
    white_spot_share : float
        As in :func:`~accessibility.analysis.coverage.summarise_coverage`.

    Returns
    -------
    curve : pandas.DataFrame
        One row per gemeente (and ``regio``) and norm: ``gemeentecode``,
        ``norm_minutes``, ``population``, ``population_beyond_norm``,
        ``share_beyond_norm`` (0-1), ``epa_estimate``,
        ``epa_estimate_beyond_norm``, ``n_witte_vlekken``.
    status : pandas.DataFrame
        ``buurtcode``, ``gemeentecode`` and one boolean column
        ``witte_vlek_<norm>`` per norm.
    """
    cols = ["gemeentecode", "population", "population_beyond_norm", "share_beyond_norm",
            "epa_estimate", "epa_estimate_beyond_norm", "n_witte_vlekken"]
    rows = []
    status = None
    for norm in norms:
        cov = summarise_coverage(points, times, float(norm), white_spot_share)
        rows.append(cov.gemeenten[cols].assign(norm_minutes=float(norm)))
        flags = cov.buurten[["buurtcode", "gemeentecode", "witte_vlek"]]
        flags = flags.rename(columns={"witte_vlek": f"witte_vlek_{norm:g}"})
        status = flags if status is None else status.merge(
            flags.drop(columns="gemeentecode"), on="buurtcode")
    curve = pd.concat(rows, ignore_index=True)
    return curve[["gemeentecode", "norm_minutes", *cols[1:]]], status


def status_changes(status: pd.DataFrame, norms: Sequence[float]) -> pd.DataFrame:
    """How many buurten change status between consecutive norms of ``norms``.

    Parameters
    ----------
    status : pandas.DataFrame
        From :func:`norm_curve`; it must hold ``witte_vlek_<norm>`` for each norm.
    norms : sequence of float
        Ascending norms, e.g. ``[30, 45, 60]``.

    Returns
    -------
    pandas.DataFrame
        Per pair ``(from, to)``: ``witte_vlekken_van``, ``witte_vlekken_naar``
        (white spots at each norm), ``niet_meer_witte_vlek`` (white at the
        stricter norm, not at the looser) and ``nieuw_witte_vlek`` (the reverse,
        possible only when the looser norm is the smaller one).
    """
    rows = []
    for a, b in pairwise(norms):
        wa = status[f"witte_vlek_{a:g}"].to_numpy(bool)
        wb = status[f"witte_vlek_{b:g}"].to_numpy(bool)
        rows.append({"norm_van": float(a), "norm_naar": float(b),
                     "witte_vlekken_van": int(wa.sum()), "witte_vlekken_naar": int(wb.sum()),
                     "niet_meer_witte_vlek": int((wa & ~wb).sum()),
                     "nieuw_witte_vlek": int((~wa & wb).sum())})
    return pd.DataFrame(rows)
