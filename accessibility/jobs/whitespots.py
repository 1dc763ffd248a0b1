"""The white-spot job: travel time to the nearest steunpunt per buurt, need vs supply.

Steps: population points inside the buurten carry the buurt's EPA estimate;
one backward profile search from all steunpunten gives every point its travel
time to the nearest one; the coverage module turns that into buurt, gemeente
and region figures against the norm; the need formula sets demand against the
capacity-weighted supply; the same coverage is repeated for the region's other
time windows (weekday evening, Saturday); per steunpunt the inhabitants and
EPA estimate within each cutoff up to the norm. Outputs: an Excel workbook
(Dutch headers, rounded), GeoPackage, CSV tables, maps and an HTML report
(Dutch, or English with ``lang="en"``).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence
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
from accessibility.jobs.example_journeys import (
    example_journeys,
    example_map,
    whitespot_examples_section,
)
from accessibility.jobs.isochrones import reach_within
from accessibility.jobs.itinerary import route_layer
from accessibility.jobs.map_context import population_layer, region_map_context
from accessibility.jobs.measure_text import (
    capacity_section,
    measures_parameters,
    norm_section,
    opening_hours_section,
)
from accessibility.jobs.metadata import write_metadata
from accessibility.jobs.mode_report import mode_section
from accessibility.jobs.region import RegionData
from accessibility.jobs.report_text import explanation, gemeente_names, tr, whitespot_report
from accessibility.jobs.whitespot_measures import (
    CapacityInReach,
    NormSensitivity,
    OpeningWeek,
    capacity_in_reach,
    measure_columns,
    norm_sensitivity,
    open_window_table,
    opening_hours_week,
    steunpunt_hours,
)
from accessibility.jobs.whitespot_modes import (
    ModeWhitespots,
    mode_buurt_table,
    mode_label,
    mode_phrase,
    mode_table,
    mode_whitespots,
)
from accessibility.outputs import maps, qgis_styles, webmaps
from accessibility.outputs.charts import plot_norm_curve
from accessibility.outputs.excel import write_workbook
from accessibility.outputs.files import write_csv, write_geopackage
from accessibility.outputs.maps import MapContext
from accessibility.outputs.maps.measure_maps import plot_capacity, plot_days_with_access
from accessibility.outputs.report import write_report
from accessibility.routing import PointLinks, TravelRequest, times_to_nearest
from accessibility.routing.distributed import Runner
from accessibility.streets import require_snapped

log = logging.getLogger(__name__)

EXISTING_KINDS = ("steunpunt", "satellite")
"""Location kinds that count as existing supply (``proposed`` does not)."""
NO_INHABITANTS_CLASS = "geen inwoners"
"""Travel-time class in the tables of a buurt without population points."""


@dataclass
class WhitespotResult:
    """What the white-spot job computed and wrote."""

    out_dir: Path
    coverage: CoverageResult
    buurten: gpd.GeoDataFrame
    need: pd.DataFrame
    time_windows: pd.DataFrame
    reach: pd.DataFrame
    files: list[Path]
    seconds: dict[str, float] = field(default_factory=dict)
    week: OpeningWeek | None = None
    norms: NormSensitivity | None = None
    capacity: CapacityInReach | None = None
    modes: ModeWhitespots | None = None


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
    # tables show why a buurt has no travel time: unreachable, or nobody lives there
    layer["time_class"] = layer["time_class"].astype(object).fillna(NO_INHABITANTS_CLASS)
    layer.loc[layer["population"].isna() & (layer["aantal_inwoners"] == 0), "population"] = 0.0
    layer["reistijd_min"] = layer["median_time_min"].replace(np.inf, np.nan)
    layer["witte_vlek"] = layer["witte_vlek"].fillna(False).astype(bool)
    return gpd.GeoDataFrame(layer, geometry="geometry", crs=data.buurten.gdf.crs)


def steunpunt_reach(data: RegionData, inputs: CoverageInputs) -> pd.DataFrame:
    """Per steunpunt: inhabitants and EPA estimate within each cutoff up to the norm.

    Each steunpunt on its own (one group per steunpunt): the areas overlap.
    """
    a = data.config.analysis
    cutoffs = tuple(c for c in a.cutoffs_minutes if c <= a.norm_minutes) or (a.norm_minutes,)
    groups = [np.array([i]) for i in range(len(inputs.steunpunten))]
    times = times_to_nearest(data.network, inputs.origins, inputs.targets, groups, data.request)
    reach = reach_within(times, inputs.points, list(inputs.steunpunten["id"]), cutoffs)
    s = inputs.steunpunten
    reach.insert(1, "naam", list(s["name"]))
    reach.insert(2, "soort", list(s["kind"]))
    reach.insert(3, "capaciteit", list(s["capacity_weight"]))
    return reach


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
            "datum": f"{request.date:%d-%m-%Y}",
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
                   excel_csv: bool = False, runner: Runner | None = None) -> WhitespotResult:
    """Compute coverage, white spots and need vs supply; write tables, maps and the report.

    ``lang`` is the language of the report, maps and workbook headers;
    ``excel_csv`` writes the CSV files in the Dutch Excel dialect (``;``,
    decimal comma, BOM); ``runner`` says where the time-window sweep runs
    (this process or a Dask cluster).
    """
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
    reach = steunpunt_reach(data, inputs)
    timings["reach"] = time.perf_counter() - t
    hours = steunpunt_hours(data, inputs.steunpunten)
    week = opening_hours_week(data, inputs, hours)
    windows = windows.merge(open_window_table(data, inputs, hours), on="tijdvak", how="left")
    timings["opening_hours"] = time.perf_counter() - t
    timings["opening_hours_week_routing"] = week.seconds["week_routing"]
    t = time.perf_counter()
    norms = norm_sensitivity(data, inputs.points, times)
    capacity = capacity_in_reach(data, inputs, need)
    buurten = measure_columns(buurten, week, norms, capacity)
    timings["norms_capacity"] = time.perf_counter() - t
    t = time.perf_counter()
    modes = mode_whitespots(data, inputs, times)
    mode_buurten = mode_buurt_table(modes, buurten)
    timings["modes"] = time.perf_counter() - t
    timings.update({f"mode_{m}": s for m, s in modes.seconds.items()})

    t = time.perf_counter()
    examples = example_journeys(data, buurten[buurten["witte_vlek"]], inputs.steunpunten, lang)
    timings["example_journeys"] = time.perf_counter() - t

    t = time.perf_counter()
    caption = data.caption_params()
    steunpunten_metric = inputs.steunpunten.to_crs(data.config.crs)
    points_layer = population_layer(inputs.points, times, a.cutoffs_minutes)
    context = region_map_context(data)
    max_minutes = caption["max_trip_minutes"]
    styles = {"buurten": qgis_styles.class_style("reistijdklasse", "fill", a.cutoffs_minutes,
                                                 a.norm_minutes, max_minutes=max_minutes),
              "population_points": qgis_styles.class_style(
                  "reistijdklasse", "marker", a.cutoffs_minutes, a.norm_minutes,
                  max_minutes=max_minutes),
              "steunpunten": qgis_styles.steunpunt_style()}
    files: list[Path] = []
    csv_lang = lang if excel_csv else None  # Dutch Excel CSV: headers for people too
    measures = [*measure_tables(inputs, week, norms, capacity),
                ("modes.csv", mode_table(modes, lang)), ("modes_buurten.csv", mode_buurten)]
    areas = area_csv_tables(data, coverage)
    with atomic_dir(out_dir) as tmp:
        files.append(write_geopackage(
            {"buurten": buurten, "population_points": points_layer,
             "steunpunten": steunpunten_metric,
             **({"voorbeeldreizen": route_layer(examples.legs)} if len(examples.legs) else {})},
            tmp / "whitespots.gpkg", styles=styles))
        for name, frame in (("buurten.csv", buurten[BUURT_COLUMNS] if excel_csv else buurten),
                            ("gemeenten.csv", coverage.gemeenten),
                            ("need_supply.csv", need), ("time_windows.csv", windows),
                            ("steunpunten_bereik.csv", reach),
                            *areas, *measures):
            write_csv(frame, tmp / name, excel_nl=excel_csv, lang=csv_lang)
            files.append(tmp / name)
        files.append(write_workbook(
            workbook_sheets(data, coverage, buurten, need, windows, reach, lang,
                            [*areas, *measures]),
            tmp / "witte_vlekken.xlsx", lang=lang, explanation=explanation(data, lang),
            columns={BUURT_SHEET[lang]: BUURT_COLUMNS}))
        title = tr(lang, "Witte vlekken", "White spots") + f" – {data.config.title}"
        map_png = maps.plot_whitespots(
            buurten, steunpunten_metric, a.norm_minutes, title, caption, tmp / "whitespots.png",
            population=points_layer, cell_size_m=a.grid_cell_m, context=context,
            breaks=a.cutoffs_minutes, lang=lang)
        files += [map_png, maps.vector_path(map_png, "pdf")]
        extra = measure_figures(data, buurten, steunpunten_metric, week, norms, caption, tmp,
                                lang, population=points_layer, context=context)
        files.extend(extra.values())
        files += [maps.vector_path(png, "pdf") for name, png in extra.items()
                  if name != "normcurve.png"]
        mode_maps = plot_mode_maps(data, modes, inputs, steunpunten_metric, caption, tmp, lang,
                                   context, {"pt": map_png})
        files += [p for png in mode_maps.values() if png != map_png
                  for p in (png, maps.vector_path(png, "pdf"))]
        files.append(webmaps.whitespot_webmap(
            buurten, steunpunten_metric, tmp / "whitespots.html", norm_minutes=a.norm_minutes,
            population=points_layer, cell_size_m=a.grid_cell_m, context=context,
            breaks=a.cutoffs_minutes, title=title, caption_params=caption, lang=lang))
        examples_png = example_map(examples, buurten, steunpunten_metric, caption,
                                   tmp / "voorbeeldreizen.png", lang, context=context)
        files += [examples_png] if examples_png else []
        compare = [(n, extra[f"whitespots_{n}.png"]) for n in norms.compare
                   if n != a.norm_minutes]
        sections = [
            opening_hours_section(data, inputs.steunpunten, week, windows,
                                  extra["dagen_met_toegang.png"], lang),
            norm_section(data, norms, extra["normcurve.png"], compare, lang),
            capacity_section(data, capacity, extra["capaciteit.png"], lang),
            *filter(None, [whitespot_examples_section(examples, lang, examples_png)]),
            mode_section(data, modes, mode_buurten, mode_maps, lang),
        ]
        report = whitespot_report(data, coverage, buurten, need, windows, map_png, kinds,
                                  reach=reach, lang=lang, extra_sections=sections,
                                  extra_parameters=measures_parameters(data, lang))
        files.append(write_report(report, tmp / "rapport.html"))
        write_metadata(data, tmp / "metadata.json", timings=timings,
                       **measures_metadata(data, week))
        files = [out_dir / f.name for f in files]
    timings["outputs"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    return WhitespotResult(out_dir, coverage, buurten, need, windows, reach, files, timings,
                           week, norms, capacity, modes)


def plot_mode_maps(data: RegionData, modes: ModeWhitespots, inputs: CoverageInputs,
                   steunpunten: gpd.GeoDataFrame, caption: dict, out: Path, lang: str,
                   context: MapContext, done: dict[str, Path]) -> dict[str, Path]:
    """A white-spot map per mode (``whitespots_<mode>.png``, and PDF); ``done`` maps reused.

    The public-transport map is the main one (``done["pt"]``) when its norm is
    the analysis norm.
    """
    a = data.config.analysis
    out_maps: dict[str, Path] = {}
    for mode in modes.modes:
        if mode in done and modes.norms[mode] == a.norm_minutes:
            out_maps[mode] = done[mode]
            continue
        cov = modes.coverage[mode]
        label = mode_label(mode, lang)
        phrase = mode_phrase(mode, lang)
        mode_caption = {**caption, "norm_minutes": modes.norms[mode], "norm_mode": phrase}
        if mode in ("bike", "ebike", "bike_pt"):
            speed = data.mode_request(mode).cycling_kmh
            unit = "km/u" if lang == "nl" else "km/h"
            mode_caption["fietssnelheid" if lang == "nl" else "cycling speed"] = (
                f"{speed:g} {unit}".replace(".", "," if lang == "nl" else "."))
        if mode in ("walk", "bike", "ebike"):
            mode_caption["window"] = None  # street-only times do not depend on the departure
            mode_caption["percentile"] = None
        title = (f"Witte vlekken {label} – {data.config.title}" if lang == "nl"
                 else f"White spots {label} – {data.config.title}")
        name = f"whitespots_{mode}.png"
        out_maps[mode] = maps.plot_whitespots(
            buurt_layer(data, cov), steunpunten, modes.norms[mode], title, mode_caption,
            out / name, population=population_layer(inputs.points, modes.times[mode],
                                                    a.cutoffs_minutes),
            cell_size_m=a.grid_cell_m, context=context, breaks=a.cutoffs_minutes, lang=lang,
            legend_title=maps.map_text(lang)["legend_to_mode"].format(mode=phrase))
    return out_maps


BUURT_SHEET = {"nl": "buurten", "en": "buurten"}
BUURT_COLUMNS = [
    "buurtcode", "buurtnaam", "gemeentenaam", "population", "epa_prevalence_percent",
    "epa_estimate", "median_time_min", "time_class", "population_beyond_norm",
    "share_beyond_norm", "share_unreachable", "epa_estimate_beyond_norm", "witte_vlek",
    "epa_prevalence_source",
]
"""The buurt columns of the workbook, in order."""


def workbook_sheets(data: RegionData, coverage: CoverageResult, buurten: gpd.GeoDataFrame,
                    need: pd.DataFrame, windows: pd.DataFrame, reach: pd.DataFrame,
                    lang: str, measures: Sequence[tuple[str, pd.DataFrame]] = ()
                    ) -> dict[str, pd.DataFrame]:
    """The sheets of the white-spot workbook, named in ``lang``."""
    names = gemeente_names(data, lang)
    gemeenten = coverage.gemeenten.copy()
    gemeenten.insert(1, "gemeentenaam", gemeenten["gemeentecode"].map(names))
    need = need.copy()
    need.insert(1, "gemeentenaam", need["gemeentecode"].map(names))
    nl = lang == "nl"
    return {
        BUURT_SHEET[lang]: buurten.sort_values("buurtcode"),
        "gemeenten": gemeenten,
        "per steunpunt": reach,
        "behoefte en aanbod" if nl else "need and supply": need,
        "tijdvakken" if nl else "time windows": windows,
        **{MEASURE_SHEETS[name][0 if nl else 1]: frame for name, frame in measures},
    }


def area_csv_tables(data: RegionData, coverage: CoverageResult) -> list[tuple[str, pd.DataFrame]]:
    """Tables per province and GGD region (file name, table) when the region has a
    gemeente -> province/GGD table; none otherwise."""
    if data.inputs.gemeente_regions is None:
        return []
    regions = read_gemeente_regions(data.inputs.gemeente_regions)
    return [(f"{level}.csv", table) for level, table in area_tables(coverage, regions).items()
            if level != "gemeenten"]


MEASURE_SHEETS = {
    "provincies.csv": ("per provincie", "by province"),
    "ggd_regios.csv": ("per GGD-regio", "by GGD region"),
    "opening_hours.csv": ("openingstijden", "opening hours"),
    "week_days.csv": ("week per dag", "week by day"),
    "week_gemeenten.csv": ("week per gemeente", "week by gemeente"),
    "week_buurten.csv": ("week per buurt", "week by buurt"),
    "norm_curve.csv": ("normcurve", "norm curve"),
    "norm_status_changes.csv": ("normwissel buurten", "norm status changes"),
    "capacity_buurten.csv": ("capaciteit per buurt", "capacity by buurt"),
    "capacity_gemeenten.csv": ("capaciteit per gemeente", "capacity by gemeente"),
    "modes.csv": ("vervoerwijzen", "modes"),
    "modes_buurten.csv": ("vervoerwijzen per buurt", "modes by buurt"),
}
"""Workbook sheet names (nl, en) of the opening-hours, norm and capacity tables."""


def measure_tables(inputs: CoverageInputs, week: OpeningWeek, norms: NormSensitivity,
                   capacity: CapacityInReach) -> list[tuple[str, pd.DataFrame]]:
    """CSV tables of the opening-hours, norm and capacity steps (file name, table)."""
    hours = pd.DataFrame({"id": list(week.hours.ids), "name": list(inputs.steunpunten["name"]),
                          "opening_hours": list(week.hours.expressions),
                          **{f"open_{d:%Y-%m-%d}": week.hours.open_on(d) for d in week.dates}})
    return [("opening_hours.csv", hours), ("week_days.csv", week.week.days),
            ("week_gemeenten.csv", week.week.gemeenten), ("week_buurten.csv", week.week.buurten),
            ("norm_curve.csv", norms.curve), ("norm_status_changes.csv", norms.changes),
            ("capacity_buurten.csv", capacity.buurten),
            ("capacity_gemeenten.csv", capacity.gemeenten)]


def measure_figures(data: RegionData, buurten: gpd.GeoDataFrame, steunpunten: gpd.GeoDataFrame,
                    week: OpeningWeek, norms: NormSensitivity, caption: dict, out: Path,
                    lang: str, population: gpd.GeoDataFrame | None = None,
                    context: MapContext | None = None) -> dict[str, Path]:
    """Maps and chart of the extra measures, by file name (PNG; maps also as PDF)."""
    a = data.config.analysis
    names = data.buurten.gdf.drop_duplicates("gemeentecode").set_index("gemeentecode")
    title = data.config.title
    o = data.config.opening_hours
    context = context if context is not None else maps.MapContext()
    first = dt.datetime.combine(week.dates[0], o.day_departure_time)
    end = first + dt.timedelta(minutes=o.day_window_minutes)
    span = tr(lang, "t/m", "to")
    day_caption = {**caption, "date": f"{week.dates[0]:%d-%m} {span} {week.dates[-1]:%d-%m-%Y}",
                   "window": tr(lang,
                                f"{first:%H:%M}-{end:%H:%M} elke dag, kortste reis naar een open "
                                f"steunpunt (min. {o.min_stay_minutes} min open)",
                                f"{first:%H:%M}-{end:%H:%M} every day, shortest trip to an open "
                                f"steunpunt (open for at least {o.min_stay_minutes} more min)"),
                   "percentile": None}
    figures = {
        "dagen_met_toegang.png": plot_days_with_access(
            buurten, steunpunten, a.norm_minutes,
            tr(lang, "Dagen met toegang", "Days with access") + f" – {title}", day_caption,
            out / "dagen_met_toegang.png", population=population, cell_size_m=a.grid_cell_m,
            context=context, lang=lang),
        "capaciteit.png": plot_capacity(
            buurten, steunpunten, "capaciteit_step_per_100_epa",
            tr(lang, "Capaciteit binnen bereik", "Capacity in reach") + f" – {title}", caption,
            out / "capaciteit.png", population=population, cell_size_m=a.grid_cell_m,
            context=context, lang=lang),
        "normcurve.png": plot_norm_curve(
            norms.curve, names["gemeentenaam"].to_dict(), a.norm_minutes,
            tr(lang, "Buiten de norm bij elke norm", "Beyond the norm for each norm")
            + f" – {title}", out / "normcurve.png",
            synthetic=data.synthetic, lang=lang),
    }
    for n in norms.compare:
        if n == a.norm_minutes:
            continue
        name = f"whitespots_{n}.png"
        figures[name] = maps.plot_whitespots(
            buurten, steunpunten, n, tr(lang, f"Witte vlekken bij {n} minuten",
                                                f"White spots at {n} minutes") + f" – {title}",
            {**caption, "norm_minutes": n}, out / name, whitespot_column=f"witte_vlek_{n:g}",
            population=population, cell_size_m=a.grid_cell_m,
            context=context, lang=lang)
    return figures


def measures_metadata(data: RegionData, week: OpeningWeek) -> dict[str, object]:
    """Settings and counts of the extra steps, for metadata.json."""
    c = data.config
    return {
        "opening_hours": {**c.opening_hours.to_table(),
                          "n_locations": len(week.hours.ids),
                          "n_without_hours": week.hours.n_missing,
                          "without_hours": week.hours.missing_ids,
                          "week": [d.isoformat() for d in week.dates]},
        "norm_sensitivity": c.norm_sensitivity.to_table(),
        "capacity": {**c.capacity.to_table(), "decay_half_minutes": c.decay_half_minutes,
                     "variants": ["step (norm)", "decay (gaussian)"]},
        "modes": {**c.modes.to_table(), "norms": dict(c.modes.norms)},
    }
