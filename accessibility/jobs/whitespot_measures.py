"""Steps of the white-spot job beyond the main window: opening hours, norms, capacity.

* **Opening hours** (:func:`opening_hours_week`): for each day Monday..Sunday of
  the analysis week, the shortest trip (departing within the day window) that
  arrives at a steunpunt while it is open, with the minimum stay; per day the
  white spots, per buurt the number of days with access. The region's time
  windows get the same "arrive while open" figures (:func:`open_window_table`).
* **Norm sensitivity** (:func:`norm_sensitivity`): the main window's times
  against every norm of the curve; buurten that change status between the
  compared norms.
* **Capacity in reach** (:func:`capacity_in_reach`): E2SFCA of the steunpunt
  capacity over the EPA estimate with the travel time to every steunpunt.

Each step takes the region data and the linked inputs of the job and returns
tables; :mod:`accessibility.jobs.whitespots` writes them.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from accessibility.analysis.capacity import (
    DECAY,
    STEP,
    aggregate_capacity,
    decay_weight,
    e2sfca,
    step_weight,
)
from accessibility.analysis.coverage import REGION, summarise_coverage
from accessibility.analysis.norm_sensitivity import norm_curve, norm_range, status_changes
from accessibility.analysis.week import WeekCoverage, week_coverage
from accessibility.config import dutch_public_holidays
from accessibility.errors import NoServiceError
from accessibility.jobs.region import RegionData
from accessibility.places.opening_hours import LocationHours, location_hours
from accessibility.routing import TravelRequest, times_to_nearest
from accessibility.routing.opening import OpenIntervals, shortest_open_trips

WEEKDAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


# ---------------------------------------------------------------- opening hours
def steunpunt_hours(data: RegionData, steunpunten: pd.DataFrame) -> LocationHours:
    """Opening hours of the counted steunpunten (``opening_hours`` column of the list)."""
    return location_hours(steunpunten, data.inputs.locations)


def open_nearest_times(data: RegionData, inputs, hours: LocationHours,
                       requests: list[TravelRequest]) -> tuple[np.ndarray, np.ndarray]:
    """Minutes from every point to the nearest steunpunt, per request: open on arrival or always.

    Returns
    -------
    open_times, always_open : numpy.ndarray, each shape (n_requests, n_points)
        Shortest trip within each request's window that arrives while a
        steunpunt is open (minimum stay included), and the same measure with
        every steunpunt always open (the baseline that shows what opening hours
        change); NaN where none. A date without any service counts walking only
        (and adds a warning).
    """
    stay = 60 * data.config.opening_hours.min_stay_minutes
    always = OpenIntervals.always_open(len(hours.ids))
    running, openings = [], []
    for request in requests:
        try:
            data.network.timetable(request.date)
        except NoServiceError:
            data.warnings.append(f"geen openbaar vervoer op {request.date:%d-%m-%Y}: die dag "
                                 "telt alleen lopen")
            request = request.replace(transport_modes=("WALK",))
        # the same request twice in a row: both share one profile scan per steunpunt
        running += [request, request]
        openings += [OpenIntervals.from_intervals(hours.intervals(request.date), stay), always]
    times = shortest_open_trips(data.network, inputs.origins, inputs.targets, running, openings)
    nearest = np.fmin.reduce(times, axis=1)
    return nearest[0::2], nearest[1::2]


def week_dates(day: dt.date) -> list[dt.date]:
    """Monday..Sunday of the week of ``day``."""
    monday = day - dt.timedelta(days=day.weekday())
    return [monday + dt.timedelta(days=k) for k in range(7)]


def day_request(data: RegionData, day: dt.date) -> TravelRequest:
    """The main request moved to ``day`` with the per-day departure window."""
    s = data.config.opening_hours
    return data.request.replace(
        departure=dt.datetime.combine(day, s.day_departure_time),
        departure_time_window=dt.timedelta(minutes=s.day_window_minutes))


@dataclass
class OpeningWeek:
    """The per-day analysis with opening hours.

    Attributes
    ----------
    hours : LocationHours
    dates : list of datetime.date
        Monday..Sunday.
    times : numpy.ndarray, shape (7, n_points)
        Minutes to the nearest steunpunt open on arrival (NaN: none).
    week : WeekCoverage
    always_open : WeekCoverage
        The same days with every steunpunt always open (baseline).
    holidays : dict of datetime.date to str
        Days of the week that are Dutch public holidays.
    seconds : dict of str to float
    """

    hours: LocationHours
    dates: list[dt.date]
    times: np.ndarray
    week: WeekCoverage
    always_open: WeekCoverage
    holidays: dict[dt.date, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def opening_hours_week(data: RegionData, inputs, hours: LocationHours) -> OpeningWeek:
    """White spots per day of the analysis week, each day with its opening hours."""
    a = data.config.analysis
    dates = week_dates(data.request.date)
    holidays = {d: dutch_public_holidays(d.year)[d] for d in dates
                if d in dutch_public_holidays(d.year)}
    for d, name in holidays.items():
        data.warnings.append(f"{WEEKDAY_NAMES[d.weekday()]} {d:%d-%m-%Y} is een feestdag "
                             f"({name}): dienstregeling en openingstijden (PH) van die dag")
    t = time.perf_counter()
    times, always = open_nearest_times(data, inputs, hours, [day_request(data, d) for d in dates])
    routing = time.perf_counter() - t
    names = [WEEKDAY_NAMES[d.weekday()] for d in dates]
    week = week_coverage(inputs.points, list(times), names, a.norm_minutes, a.white_spot_share)
    baseline = week_coverage(inputs.points, list(always), names, a.norm_minutes,
                             a.white_spot_share)
    return OpeningWeek(hours, dates, times, week, baseline, holidays, {"week_routing": routing})


def open_window_table(data: RegionData, inputs, hours: LocationHours) -> pd.DataFrame:
    """Per time window of the region: the shortest trip in the window, open on arrival or not.

    Returns
    -------
    pandas.DataFrame
        ``tijdvak``; ``aandeel_buiten_norm_kortste_pct`` and
        ``witte_vlekken_kortste`` with every steunpunt open;
        ``aandeel_buiten_norm_open_pct``, ``epa_schatting_buiten_norm_open``
        and ``witte_vlekken_open`` when only arrivals while open count.
    """
    a = data.config.analysis
    names = list(data.config.time_windows)
    open_times, always = open_nearest_times(data, inputs, hours,
                                            [data.with_window(n) for n in names])
    rows = []
    for name, t_open, t_always in zip(names, open_times, always, strict=True):
        opened = summarise_coverage(inputs.points, t_open, a.norm_minutes,
                                    a.white_spot_share).region
        base = summarise_coverage(inputs.points, t_always, a.norm_minutes,
                                  a.white_spot_share).region
        rows.append({"tijdvak": name,
                     "aandeel_buiten_norm_kortste_pct": 100 * base["share_beyond_norm"],
                     "witte_vlekken_kortste": int(base["n_witte_vlekken"]),
                     "aandeel_buiten_norm_open_pct": 100 * opened["share_beyond_norm"],
                     "epa_schatting_buiten_norm_open": opened["epa_estimate_beyond_norm"],
                     "witte_vlekken_open": int(opened["n_witte_vlekken"])})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- norm sensitivity
@dataclass
class NormSensitivity:
    """Coverage for every norm of the curve.

    Attributes
    ----------
    curve : pandas.DataFrame
        From :func:`~accessibility.analysis.norm_sensitivity.norm_curve`.
    status : pandas.DataFrame
        Buurt white-spot flags per norm (``witte_vlek_<norm>``).
    changes : pandas.DataFrame
        Buurten that change status between the compared norms.
    compare : tuple of int
        The compared norms.
    """

    curve: pd.DataFrame
    status: pd.DataFrame
    changes: pd.DataFrame
    compare: tuple[int, ...]


def norm_sensitivity(data: RegionData, points: pd.DataFrame, times: np.ndarray) -> NormSensitivity:
    """The main window's travel times against every norm of the curve (no new search)."""
    s = data.config.norm_sensitivity
    a = data.config.analysis
    norms = sorted(set(norm_range(s.from_minutes, s.to_minutes, s.step_minutes))
                   | set(s.compare_minutes) | {a.norm_minutes})
    curve, status = norm_curve(points, times, norms, a.white_spot_share)
    return NormSensitivity(curve, status, status_changes(status, s.compare_minutes),
                           s.compare_minutes)


# ---------------------------------------------------------------- capacity in reach
@dataclass
class CapacityInReach:
    """E2SFCA capacity per 100 EPA persons in reach.

    Attributes
    ----------
    points : numpy.ndarray, shape (n_points,) per variant
        Capacity per EPA person at every population point, by variant
        (``step``, ``decay``).
    buurten, gemeenten : pandas.DataFrame
        ``capaciteit_<variant>_per_100_epa`` per buurt, and per gemeente with
        the region last (``regio``), next to the need formula's supply per 100
        EPA persons (``aanbod_formule_per_100_epa``: weighted steunpunten in
        the gemeente x visitors per week).
    unreached : list of str
        Steunpunten nobody reaches within the maximum time.
    """

    points: dict[str, np.ndarray]
    buurten: pd.DataFrame
    gemeenten: pd.DataFrame
    unreached: list[str]


def capacity_in_reach(data: RegionData, inputs, need: pd.DataFrame) -> CapacityInReach:
    """E2SFCA (step at the norm, Gaussian decay) with the main window's times."""
    a = data.config.analysis
    c = data.config.capacity
    sp = inputs.steunpunten
    groups = [np.array([j]) for j in range(len(sp))]
    per_site = times_to_nearest(data.network, inputs.origins, inputs.targets, groups, data.request)
    demand = inputs.points["epa_estimate"].to_numpy(dtype=float)
    capacity = c.visitors_per_week * sp["capacity_weight"].to_numpy(dtype=float)
    values = {
        STEP: e2sfca(demand, capacity, per_site, a.max_time_minutes, step_weight(a.norm_minutes)),
        DECAY: e2sfca(demand, capacity, per_site, a.max_time_minutes,
                      decay_weight(data.config.decay_half_minutes)),
    }
    points = inputs.points
    buurten = aggregate_capacity(points, values, "buurtcode")
    gemeenten = pd.concat([aggregate_capacity(points, values, "gemeentecode"),
                           aggregate_capacity(points.assign(gemeentecode=REGION), values,
                                              "gemeentecode")], ignore_index=True)
    supply = need.set_index("gemeentecode")["steunpunten_gewogen"]
    epa = need.set_index("gemeentecode")["epa_estimate"]
    with np.errstate(invalid="ignore", divide="ignore"):
        formula = 100 * c.visitors_per_week * supply / epa
    gemeenten["aanbod_formule_per_100_epa"] = gemeenten["gemeentecode"].map(formula)
    reached = np.isfinite(per_site) & (per_site <= a.max_time_minutes)
    unreached = [str(i) for i, r in zip(sp["id"], reached.any(axis=1), strict=True) if not r]
    return CapacityInReach(values, buurten, gemeenten, unreached)


def measure_columns(buurten: gpd.GeoDataFrame, week: OpeningWeek, norms: NormSensitivity,
                    capacity: CapacityInReach) -> gpd.GeoDataFrame:
    """The buurt layer with days with access, the compared norms' flags and capacity."""
    flags = [f"witte_vlek_{n:g}" for n in norms.compare]
    cap_cols = [c for c in capacity.buurten.columns if c.startswith("capaciteit_")]
    out = (buurten
           .merge(week.week.buurten[["buurtcode", "days_with_access"]], on="buurtcode", how="left")
           .merge(norms.status[["buurtcode", *flags]], on="buurtcode", how="left")
           .merge(capacity.buurten[["buurtcode", *cap_cols]], on="buurtcode", how="left"))
    for f in flags:
        out[f] = out[f].fillna(False).astype(bool)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=buurten.crs)
