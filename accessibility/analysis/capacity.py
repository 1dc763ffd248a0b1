"""Capacity per person in reach: the enhanced two-step floating catchment (E2SFCA).

The need formula compares a region's EPA estimate with its steunpunten, but a
region can meet its count with every steunpunt in one town. A floating
catchment shares each steunpunt's capacity among all the people who can reach
it, and gives every person the sum of the shares within their reach
(Luo & Wang 2003; enhanced with distance weights by Luo & Qi 2009):

    R_j = S_j / sum_i D_i W(t_ij)          (capacity per person in reach of j)
    A_i = sum_j R_j W(t_ij)                (capacity in reach of i)

with ``S_j`` the capacity of steunpunt ``j`` (visitors per week x its weight
0.5/1/2), ``D_i`` the estimated EPA persons at population point ``i``,
``t_ij`` the travel time in minutes (only pairs within the maximum trip time)
and ``W`` a weight function of the time:

* ``step`` (the default): ``W = 1`` up to the norm, 0 beyond: the classic 2SFCA
  with the norm as catchment;
* ``decay``: a Gaussian ``W = exp(-t^2 / (2 sigma^2))`` with ``sigma`` chosen
  so that ``W = 0.5`` at ``decay_half_minutes`` (default the norm), cut at the
  maximum trip time: nearer capacity counts more, farther capacity still counts
  a little.

``A_i`` is in visitor places per week per EPA person; the tables show it per
100 EPA persons, which compares directly with the participation scenarios of
the need formula (15 % participation = 15 weekly places per 100). Because the
same weights are used in both steps, ``sum_i D_i A_i`` equals the capacity of
the steunpunten that anyone can reach: the measure redistributes supply, it
does not create it.

The computation is PySAL's ``access`` package (``Access.enhanced_two_stage_fca``)
fed with our travel times.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
from access import Access
from access import weights as access_weights

from accessibility.errors import InputError

STEP = "step"
DECAY = "decay"
VARIANTS = (STEP, DECAY)
PER_PERSONS = 100
"""Capacity is reported per this many EPA persons."""


def step_weight(norm_minutes: float) -> Callable[[float], float]:
    """Weight 1 up to and including ``norm_minutes``, 0 beyond (PySAL ``step_fn``)."""
    return access_weights.step_fn({float(norm_minutes): 1.0})


def decay_sigma(half_minutes: float) -> float:
    """Gaussian width (minutes) whose weight is 0.5 at ``half_minutes``."""
    return float(half_minutes) / math.sqrt(2.0 * math.log(2.0))


def decay_weight(half_minutes: float) -> Callable[[float], float]:
    """Gaussian weight with ``W(half_minutes) = 0.5`` (PySAL ``gaussian``)."""
    if not half_minutes > 0:
        raise InputError(f"decay_half_minutes must be positive, got {half_minutes!r}")
    return access_weights.gaussian(decay_sigma(half_minutes))


def e2sfca(
    demand: np.ndarray,
    capacity: np.ndarray,
    times: np.ndarray,
    max_minutes: float,
    weight: Callable[[float], float],
) -> np.ndarray:
    """Capacity in reach per person at every demand point (E2SFCA, PySAL ``access``).

    Parameters
    ----------
    demand : numpy.ndarray, shape (n_points,)
        Persons at each point (here: estimated EPA persons), >= 0.
    capacity : numpy.ndarray, shape (n_sites,)
        Capacity of each site (visitors per week), >= 0.
    times : numpy.ndarray, shape (n_sites, n_points)
        Travel time in minutes; NaN or inf = not reachable.
    max_minutes : float
        Pairs with a longer time are left out.
    weight : callable
        Weight of a travel time in minutes (:func:`step_weight`, :func:`decay_weight`).

    Returns
    -------
    numpy.ndarray, shape (n_points,)
        Capacity per person in reach (visitors per week per person); 0 where
        no site is in reach, NaN at points without demand.
    """
    demand = np.asarray(demand, dtype=float)
    capacity = np.asarray(capacity, dtype=float)
    times = np.asarray(times, dtype=float)
    if times.shape != (len(capacity), len(demand)):
        raise InputError(f"times has shape {times.shape}; expected (sites, points) = "
                         f"({len(capacity)}, {len(demand)})")
    if (demand < 0).any() or np.isnan(demand).any() or (capacity < 0).any():
        raise InputError("demand and capacity must be numbers >= 0")
    out = np.full(len(demand), np.nan)
    has_demand = demand > 0
    out[has_demand] = 0.0
    site, point = np.nonzero(np.isfinite(times) & (times <= max_minutes) & has_demand[None, :])
    if len(site) == 0:
        return out
    costs = pd.DataFrame({"origin": point, "dest": site, "cost": times[site, point]})
    demand_df = pd.DataFrame({"point": np.flatnonzero(has_demand),
                              "demand": demand[has_demand]})
    supply_df = pd.DataFrame({"site": np.arange(len(capacity)), "capacity": capacity})
    with warnings.catch_warnings():
        # access warns about points outside every catchment (they get 0 below) and
        # about its own use of deprecated pandas arguments
        warnings.simplefilter("ignore")
        model = Access(demand_df=demand_df, demand_index="point", demand_value="demand",
                       supply_df=supply_df, supply_index="site", supply_value="capacity",
                       cost_df=costs, cost_origin="origin", cost_dest="dest", cost_name="cost")
        values = model.enhanced_two_stage_fca(name="a", cost="cost", max_cost=max_minutes,
                                              weight_fn=weight)["a_capacity"]
    values = values.replace([np.inf, -np.inf], np.nan).fillna(0.0)
    out[values.index.to_numpy(dtype=np.int64)] = values.to_numpy()
    return out


def aggregate_capacity(points: pd.DataFrame, values: dict[str, np.ndarray],
                       key: str) -> pd.DataFrame:
    """EPA-weighted mean capacity in reach per area, per :data:`PER_PERSONS` EPA persons.

    Parameters
    ----------
    points : pandas.DataFrame
        Population points with ``epa_estimate`` and the column ``key``.
    values : dict of str to numpy.ndarray
        Variant name -> capacity per person at each point (:func:`e2sfca`).
    key : str
        Area column (``buurtcode``, ``gemeentecode``); ``None`` rows are dropped.

    Returns
    -------
    pandas.DataFrame
        ``key``, ``epa_estimate`` and ``capaciteit_<variant>_per_100_epa`` per
        area (NaN for an area without EPA estimate).
    """
    epa = points["epa_estimate"].to_numpy(dtype=float)
    frame = pd.DataFrame({key: points[key].to_numpy(), "epa_estimate": epa})
    for name, v in values.items():
        frame[name] = np.nan_to_num(np.asarray(v, dtype=float)) * epa
    sums = frame.groupby(key, sort=True).sum()
    out = pd.DataFrame({key: sums.index, "epa_estimate": sums["epa_estimate"].to_numpy()})
    with np.errstate(invalid="ignore", divide="ignore"):
        for name in values:
            share = np.where(sums["epa_estimate"] > 0,
                             sums[name] / sums["epa_estimate"], np.nan) * PER_PERSONS
            out[f"capaciteit_{name}_per_100_epa"] = share
    return out
