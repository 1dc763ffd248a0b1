"""The white-spot job: travel time to the nearest steunpunt per buurt, need vs supply.

Steps: population points inside the buurten carry the buurt's EPA estimate;
one backward profile search from all steunpunten gives every point its travel
time to the nearest one; the coverage module turns that into buurt, gemeente
and region figures against the norm; the need formula sets demand against the
capacity-weighted supply; the same coverage is repeated for the region's other
time windows (weekday evening, Saturday). Outputs: GeoPackage, CSV tables,
maps and a Dutch HTML report.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from accessibility.analysis.areas import area_tables, read_gemeente_regions
from accessibility.analysis.coverage import (
    CoverageResult,
    assign_gemeente,
    need_vs_supply,
    summarise_coverage,
)
from accessibility.analysis.epa import add_epa_to_points
from accessibility.io import atomic_dir
from accessibility.jobs.metadata import write_metadata
from accessibility.jobs.region import RegionData
from accessibility.jobs.report_text import whitespot_report
from accessibility.outputs import maps, webmaps
from accessibility.outputs.files import write_csv, write_geopackage
from accessibility.outputs.report import write_report
from accessibility.routing import PointLinks, TravelRequest, times_to_nearest
from accessibility.routing.distributed import Runner
from accessibility.streets import require_snapped

log = logging.getLogger(__name__)

EXISTING_KINDS = ("steunpunt", "satellite")
"""Location kinds that count as existing supply (``proposed`` does not)."""


@dataclass
class WhitespotResult:
    """What the white-spot job computed and wrote."""

    out_dir: Path
    coverage: CoverageResult
    buurten: gpd.GeoDataFrame
    need: pd.DataFrame
    time_windows: pd.DataFrame
    files: list[Path]
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class CoverageInputs:
    """Population points with EPA, linked to the network, and the steunpunten."""

    points: gpd.GeoDataFrame
    origins: PointLinks
    steunpunten: gpd.GeoDataFrame
    targets: PointLinks


def coverage_inputs(data: RegionData, kinds: tuple[str, ...] = EXISTING_KINDS) -> CoverageInputs:
    """Link population points and steunpunten of the region to the network."""
    points = add_epa_to_points(data.population.gdf, data.epa.buurten)
    steunpunten = data.steunpunten(kinds)
    origins = data.link(points["lat"].to_numpy(), points["lon"].to_numpy())
    targets = data.link(steunpunten.geometry.y.to_numpy(), steunpunten.geometry.x.to_numpy(),
                        leg="egress")
    require_snapped(targets.snap, list(steunpunten["id"]), "steunpunten")
    return CoverageInputs(points, origins, steunpunten, targets)


def nearest_times(data: RegionData, inputs: CoverageInputs,
                  request: TravelRequest | None = None) -> np.ndarray:
    """Minutes from every population point to its nearest steunpunt (NaN: unreachable)."""
    group = [np.arange(len(inputs.steunpunten))]
    return times_to_nearest(data.network, inputs.origins, inputs.targets, group,
                            request or data.request)[0]


def region_coverage(data: RegionData, points: gpd.GeoDataFrame, times: np.ndarray) -> CoverageResult:
    """Coverage of the points with the region's norm, white-spot share and classes."""
    a = data.config.analysis
    return summarise_coverage(points, times, a.norm_minutes, a.white_spot_share,
                              a.cutoffs_minutes)


def buurt_layer(data: RegionData, coverage: CoverageResult) -> gpd.GeoDataFrame:
    """Buurt polygons with every figure, and the columns the maps read."""
    epa_cols = ["buurtcode", "epa_prevalence_percent", "epa_prevalence_source"]
    layer = (data.buurten.gdf
             .merge(data.epa.buurten[epa_cols], on="buurtcode", how="left")
             .merge(coverage.buurten.drop(columns=["gemeentecode"]), on="buurtcode", how="left"))
    layer["reistijdklasse"] = layer["time_class"]
    layer["reistijd_min"] = layer["median_time_min"].replace(np.inf, np.nan)
    layer["witte_vlek"] = layer["witte_vlek"].fillna(False).astype(bool)
    return gpd.GeoDataFrame(layer, geometry="geometry", crs=data.buurten.gdf.crs)


def _window_order(name: str) -> tuple[int, str]:
    known = ("weekday_daytime", "weekday_evening", "saturday")
    return (known.index(name) if name in known else len(known), name)


def _window_times(shared: tuple, request: TravelRequest) -> np.ndarray:
    """Minutes to the nearest steunpunt for one request (one task of the window sweep)."""
    network, origins, targets = shared
    return times_to_nearest(network, origins, targets, [np.arange(targets.n_points)], request)[0]


def time_window_table(data: RegionData, inputs: CoverageInputs, main_times: np.ndarray,
                      runner: Runner | None = None) -> pd.DataFrame:
    """Region coverage for each of the region's time windows.

    ``main_times`` are the times of the main analysis window; a time window with
    the same parameters reuses them instead of routing again. The other
    windows are one task each for ``runner`` (a Dask cluster, or this process).
    """
    names = sorted(data.config.time_windows, key=_window_order)
    requests = {name: data.with_window(name) for name in names}
    todo = list(dict.fromkeys(r for r in requests.values() if r != data.request))
    shared = (data.network, inputs.origins, inputs.targets)
    routed = (runner or Runner()).map(_window_times, shared, todo, "tijdvakken / time windows")
    times_of = dict(zip(todo, routed, strict=True))
    rows = []
    for name in names:
        request = requests[name]
        times = main_times if request == data.request else times_of[request]
        cov = region_coverage(data, inputs.points, times)
        region = cov.region
        rows.append({
            "tijdvak": name,
            "datum": request.date.isoformat(),
            "vertrek": f"{request.departure:%H:%M} +{request.n_minutes} min",
            "mediane_reistijd_min": region["median_time_min"],
            "inwoners_buiten_norm": region["population_beyond_norm"],
            "aandeel_buiten_norm_pct": 100 * region["share_beyond_norm"],
            "epa_schatting_buiten_norm": region["epa_estimate_beyond_norm"],
            "witte_vlekken": int(region["n_witte_vlekken"]),
        })
    return pd.DataFrame(rows)


def run_whitespots(data: RegionData, out_dir: Path, *, lang: str = "nl",
                   kinds: tuple[str, ...] = EXISTING_KINDS,
                   runner: Runner | None = None) -> WhitespotResult:
    """Compute coverage, white spots and need vs supply; write tables, maps and the report."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    a = data.config.analysis
    inputs = coverage_inputs(data, kinds)
    timings["inputs"] = time.perf_counter() - t0

    t = time.perf_counter()
    times = nearest_times(data, inputs)
    timings["routing"] = time.perf_counter() - t
    t = time.perf_counter()
    coverage = region_coverage(data, inputs.points, times)
    supply = assign_gemeente(inputs.steunpunten, data.buurten.gdf)
    data.warnings.extend(supply.warnings)
    need = need_vs_supply(data.epa.buurten, supply.steunpunten)
    buurten = buurt_layer(data, coverage)
    timings["analysis"] = time.perf_counter() - t
    t = time.perf_counter()
    windows = time_window_table(data, inputs, times, runner)
    timings["time_windows"] = time.perf_counter() - t

    t = time.perf_counter()
    caption = data.caption_params()
    steunpunten_metric = inputs.steunpunten.to_crs(data.config.crs)
    points_layer = inputs.points.assign(travel_time_min=times)
    files: list[Path] = []
    with atomic_dir(out_dir) as tmp:
        files.append(write_geopackage(
            {"buurten": buurten, "population_points": points_layer,
             "steunpunten": steunpunten_metric}, tmp / "whitespots.gpkg"))
        tables = [("buurten.csv", buurten), ("gemeenten.csv", coverage.gemeenten),
                  ("need_supply.csv", need), ("time_windows.csv", windows)]
        if data.inputs.gemeente_regions is not None:
            regions = read_gemeente_regions(data.inputs.gemeente_regions)
            tables += [(f"{level}.csv", table) for level, table
                       in area_tables(coverage, regions).items() if level != "gemeenten"]
        for name, frame in tables:
            write_csv(frame, tmp / name)
            files.append(tmp / name)
        title = f"Witte vlekken – {data.config.title}"
        map_png = maps.plot_whitespots(buurten, steunpunten_metric, a.norm_minutes, title,
                                       caption, tmp / "whitespots.png", lang=lang)
        files.append(map_png)
        files.append(webmaps.whitespot_webmap(
            buurten, steunpunten_metric, tmp / "whitespots.html", norm_minutes=a.norm_minutes,
            title=title, caption_params=caption, lang=lang))
        report = whitespot_report(data, coverage, buurten, need, windows, map_png, kinds)
        files.append(write_report(report, tmp / "rapport.html"))
        write_metadata(data, tmp / "metadata.json", timings=timings)
        files = [out_dir / f.name for f in files]
    timings["outputs"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    return WhitespotResult(out_dir, coverage, buurten, need, windows, files, timings)
