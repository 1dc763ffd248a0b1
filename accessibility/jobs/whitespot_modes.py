"""White spots per mode: the time to the nearest steunpunt on foot, by bike, by public transport
and by bike and ride, each against its own norm (region table ``[modes]``).

Every mode routes the same population points to the same steunpunten with
the region's request changed only in its modes and speeds
(:meth:`RegionData.mode_request`); ``pt`` is the main analysis, its times are
reused. The tables: one row per mode for the region (:func:`mode_table`) and
one row per buurt with a time and a white-spot flag per mode
(:func:`mode_buurt_table`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from accessibility.analysis.coverage import CoverageResult, summarise_coverage
from accessibility.jobs.region import RegionData
from accessibility.routing import times_to_nearest

#: Mode labels (nl, en) for tables, maps and the report.
MODE_LABELS = {
    "walk": ("lopen", "walking"),
    "bike": ("fiets", "bike"),
    "ebike": ("e-bike", "e-bike"),
    "pt": ("OV (met lopen)", "public transport (with walking)"),
    "bike_pt": ("fiets + OV", "bike and ride"),
}


#: How a mode travels, in a sentence (nl, en): "Reistijd per fiets", "travel time by bike".
MODE_PHRASES = {
    "walk": ("lopend", "on foot"),
    "bike": ("per fiets", "by bike"),
    "ebike": ("per e-bike", "by e-bike"),
    "pt": ("met het OV", "by public transport"),
    "bike_pt": ("met fiets + OV", "by bike and ride"),
}


def mode_phrase(mode: str, lang: str) -> str:
    """How a mode travels, for map legends and captions (``per fiets``, ``by bike``)."""
    nl, en = MODE_PHRASES[mode]
    return nl if lang == "nl" else en


def mode_label(mode: str, lang: str) -> str:
    """The name of a mode in ``lang`` (``nl`` or ``en``)."""
    nl, en = MODE_LABELS[mode]
    return nl if lang == "nl" else en


@dataclass
class ModeWhitespots:
    """Per mode: the times of the population points, their coverage and the norm."""

    modes: tuple[str, ...]
    norms: dict[str, int]
    times: dict[str, np.ndarray]
    coverage: dict[str, CoverageResult]
    seconds: dict[str, float] = field(default_factory=dict)


def mode_whitespots(data: RegionData, inputs, pt_times: np.ndarray) -> ModeWhitespots:
    """Route every mode of ``[modes]`` and summarise it against its norm.

    Parameters
    ----------
    data : RegionData
    inputs : CoverageInputs
        The population points and steunpunten of the white-spot job.
    pt_times : numpy.ndarray
        Minutes of the main analysis (walking and public transport) per point.
    """
    m = data.config.modes
    a = data.config.analysis
    points = inputs.points
    lat, lon = points["lat"].to_numpy(), points["lon"].to_numpy()
    s_lat = inputs.steunpunten.geometry.y.to_numpy()
    s_lon = inputs.steunpunten.geometry.x.to_numpy()
    times: dict[str, np.ndarray] = {}
    coverage: dict[str, CoverageResult] = {}
    seconds: dict[str, float] = {}
    for mode in m.modes:
        t0 = time.perf_counter()
        if mode == "pt":
            times[mode] = pt_times
        else:
            request = data.mode_request(mode)
            origins = data.link(lat, lon, request=request)
            targets = data.link(s_lat, s_lon, leg="egress", request=request)
            times[mode] = times_to_nearest(data.network, origins, targets,
                                           [np.arange(len(inputs.steunpunten))], request)[0]
        coverage[mode] = summarise_coverage(points, times[mode], m.norms[mode],
                                            a.white_spot_share, a.cutoffs_minutes)
        seconds[mode] = time.perf_counter() - t0
    return ModeWhitespots(m.modes, {k: m.norms[k] for k in m.modes}, times, coverage, seconds)


def mode_table(result: ModeWhitespots, lang: str = "nl") -> pd.DataFrame:
    """One row per mode: norm, median time, inhabitants and EPA beyond the norm, white spots."""
    rows = []
    for mode in result.modes:
        region = result.coverage[mode].region
        median = float(region["median_time_min"])
        rows.append({
            "vervoerwijze": mode,
            "naam": mode_label(mode, lang),
            "norm_min": result.norms[mode],
            "mediane_reistijd_min": median if np.isfinite(median) else np.nan,
            "inwoners_buiten_norm": float(region["population_beyond_norm"]),
            "aandeel_buiten_norm_pct": 100 * float(region["share_beyond_norm"]),
            "epa_schatting_buiten_norm": float(region["epa_estimate_beyond_norm"]),
            "witte_vlekken": int(region["n_witte_vlekken"]),
        })
    return pd.DataFrame(rows)


def mode_buurt_table(result: ModeWhitespots, buurten: pd.DataFrame) -> pd.DataFrame:
    """One row per buurt: per mode the median time (min) and whether it is a white spot.

    ``buurten`` gives the rows and names (``buurtcode``, ``buurtnaam``,
    ``gemeentenaam``, ``population``); buurten without inhabitants have no times.
    """
    table = buurten[["buurtcode", "buurtnaam", "gemeentenaam", "population"]].copy()
    for mode in result.modes:
        cov = result.coverage[mode].buurten.set_index("buurtcode")
        median = cov["median_time_min"].replace(np.inf, np.nan)
        table[f"reistijd_{mode}_min"] = table["buurtcode"].map(median)
        table[f"witte_vlek_{mode}"] = (table["buurtcode"].map(cov["witte_vlek"])
                                       .fillna(False).astype(bool))
    return table.sort_values("buurtcode").reset_index(drop=True)
