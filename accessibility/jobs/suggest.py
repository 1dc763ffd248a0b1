"""Suggest where k new steunpunten help most (maximal covering location problem).

Candidates come from a file or are generated (railway stations, the busiest
bus stops, centres of inhabited buurten). One backward search per candidate
gives the candidate-to-population travel times; the MCLP (exact with CBC, or
greedy for large inputs) picks the k sites that bring the most estimated EPA
persons within the norm, on top of what the existing steunpunten cover. The
suggestion stops before the first site that adds fewer than ``min_gain``
estimated EPA persons, and shows the k = 0 baseline and the region's need
against its supply (shortage or surplus) next to the ranking.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from accessibility.analysis.coverage import assign_gemeente, compare_coverage, need_vs_supply
from accessibility.analysis.siting import SitingResult, coverage_curve, solve_mclp
from accessibility.io import atomic_dir
from accessibility.jobs.candidates import check_candidates, generated_candidates
from accessibility.jobs.check_location import candidate_times
from accessibility.jobs.map_context import population_layer, region_map_context
from accessibility.jobs.metadata import write_metadata
from accessibility.jobs.region import RegionData
from accessibility.jobs.report_text import (
    explanation,
    notes_section,
    parameters_table,
    plural,
    suggest_section,
    tr,
)
from accessibility.jobs.whitespots import buurt_layer, coverage_inputs, nearest_times
from accessibility.outputs import maps, qgis_styles
from accessibility.outputs.excel import write_workbook
from accessibility.outputs.files import write_csv, write_geopackage
from accessibility.outputs.report import Report, number, write_report
from accessibility.routing.distributed import Runner

DEFAULT_MIN_GAIN = 5.0
"""Default ``--min-gain``: a new site must bring at least 5 more people with an EPA
(estimate) within the norm. A steunpunt is sized for about 100 visitors a week
(De Galan Groep 2024); a site that reaches fewer than 5 more EPA persons than the
existing network adds little accessibility for its cost."""


@dataclass
class SuggestResult:
    """Result of the suggest job.

    Attributes
    ----------
    ranking
        The chosen sites in order: rank, candidate, name, kind of candidate,
        marginal and cumulative gain, share covered, coordinates, address.
    curve
        Coverage for k = 0 (the existing steunpunten) .. the k asked for, with
        the extra coverage of each step and whether it was chosen.
    stop_reason
        Why fewer sites than asked were chosen (empty when all were).
    """

    out_dir: Path
    ranking: pd.DataFrame
    curve: pd.DataFrame
    siting: SitingResult
    n_candidates: int
    files: list[Path]
    seconds: dict[str, float] = field(default_factory=dict)
    stop_reason: str = ""
    k_requested: int = 0

    @property
    def candidates_per_second(self) -> float:
        """Candidates routed per second (candidate-to-population travel times)."""
        return self.n_candidates / max(self.seconds["routing"], 1e-9)


def chosen_count(curve: pd.DataFrame, min_gain: float) -> int:
    """How many sites to choose: the longest prefix of the curve whose every step adds at
    least ``min_gain`` (curve rows k = 1..K, ``covered_weight`` cumulative)."""
    steps = np.diff(np.concatenate([[0.0], curve["covered_weight"].to_numpy(float)]))
    short = np.flatnonzero(steps < min_gain)
    return int(short[0]) if len(short) else len(steps)


def curve_with_baseline(curve: pd.DataFrame, siting: SitingResult, ids: list,
                        n_chosen: int) -> pd.DataFrame:
    """The coverage curve with a k = 0 row (existing steunpunten only), the extra coverage
    of each step (``marginal_gain``) and whether the step was taken (``gekozen``)."""
    total = siting.total_weight if siting.total_weight > 0 else np.nan
    base = pd.DataFrame({"k": [0], "covered_weight": [0.0],
                         "share_covered": [siting.existing_weight / total],
                         "sites": [[]], "method": [siting.method], "optimal": [True]})
    full = pd.concat([base, curve], ignore_index=True)
    full["marginal_gain"] = full["covered_weight"].diff().fillna(0.0)
    full["gekozen"] = full["k"] <= n_chosen
    full["sites"] = full["sites"].map(lambda s: ", ".join(str(ids[j]) for j in s))
    return full[["k", "marginal_gain", "covered_weight", "share_covered", "gekozen", "sites",
                 "method", "optimal"]]


def stop_sentence(n_chosen: int, k: int, curve: pd.DataFrame, min_gain: float,
                  lang: str) -> str:
    """Why the suggestion stops where it does, in ``lang``."""
    if n_chosen >= k:
        return tr(lang, f"Alle {k} gevraagde locaties voegen minstens zoveel toe.",
                  f"All {k} requested sites add at least that much.")
    step = float(curve["marginal_gain"].iloc[n_chosen + 1])
    return tr(
        lang,
        f"Locatie {n_chosen + 1} zou de EPA-schatting binnen de norm maar met "
        f"{number(step, 1, lang)} verhogen; daarom stellen we {n_chosen} van de {k} gevraagde "
        f"{plural(k, 'locatie', 'locaties')} voor.",
        f"Site {n_chosen + 1} would raise the EPA estimate within the norm by only "
        f"{number(step, 1, 'en')}; so we suggest {n_chosen} of the {k} requested "
        f"{plural(k, 'site', 'sites')}.")


def run_suggest(data: RegionData, k: int, out_dir: Path, *,
                candidates: gpd.GeoDataFrame | None = None, method: str = "auto",
                lang: str = "nl", min_gain: float = DEFAULT_MIN_GAIN,
                excel_csv: bool = False, reverse_geocoder=None,
                runner: Runner | None = None) -> SuggestResult:
    """Choose up to ``k`` new sites, each adding at least ``min_gain`` EPA persons within
    the norm, and write the ranking, the coverage curve, a map, a workbook and a report.

    Parameters
    ----------
    k
        The most sites to suggest.
    min_gain
        Estimated EPA persons a next site must bring within the norm; the
        suggestion stops before the first site that adds less.
    reverse_geocoder
        Optional object with ``reverse(lat, lon) -> str`` giving an address per
        suggested site (online PDOK); without it the sites carry coordinates only.
    runner
        Where the candidate searches run (this process by default, or a Dask
        cluster, see :mod:`accessibility.routing.distributed`).
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    a = data.config.analysis
    inputs = coverage_inputs(data)
    pool = candidates if candidates is not None else generated_candidates(data)
    checked = check_candidates(data, pool)
    timings["inputs"] = time.perf_counter() - t0

    t = time.perf_counter()
    before = nearest_times(data, inputs)
    times = candidate_times(data, inputs, checked, before, runner).dense()
    timings["routing"] = time.perf_counter() - t

    t = time.perf_counter()
    weights = inputs.points["epa_estimate"].to_numpy()
    covered = before <= a.norm_minutes
    k_asked = k
    k = min(k, len(checked.valid))
    raw_curve = coverage_curve(times, weights, k, a.norm_minutes, covered, method=method)
    n_chosen = chosen_count(raw_curve, min_gain)
    siting = solve_mclp(times, weights, max(n_chosen, 1), a.norm_minutes, covered, method=method)
    if n_chosen == 0:
        siting = dataclasses.replace(siting, chosen=[], marginal_gain=[])
    ids = list(checked.valid["id"])
    curve = curve_with_baseline(raw_curve, siting, ids, n_chosen)
    stop_reason = stop_sentence(n_chosen, k, curve, min_gain, lang)
    ranking = ranking_table(checked.valid, siting, ids, reverse_geocoder)
    supply = assign_gemeente(inputs.steunpunten, data.buurten.gdf)
    need = need_vs_supply(data.epa.buurten, supply.steunpunten)
    timings["solve"] = time.perf_counter() - t

    t = time.perf_counter()
    after = np.fmin(before, np.fmin.reduce(times[siting.chosen], axis=0)) if siting.chosen else before
    comparison = compare_coverage(inputs.points, before, after, a.norm_minutes,
                                  a.white_spot_share, a.cutoffs_minutes)
    before_layer = buurt_layer(data, comparison.before)
    after_layer = buurt_layer(data, comparison.after)
    chosen = checked.valid.iloc[siting.chosen].to_crs(data.config.crs)
    chosen = chosen.assign(rank=np.arange(1, len(chosen) + 1))
    steunpunten = inputs.steunpunten.to_crs(data.config.crs)
    files: list[Path] = []
    csv_lang = lang if excel_csv else None  # Dutch Excel CSV: headers for people too
    with atomic_dir(out_dir) as tmp:
        write_csv(ranking, tmp / "suggested_sites.csv", excel_nl=excel_csv, lang=csv_lang)
        write_csv(curve, tmp / "coverage_curve.csv", excel_nl=excel_csv, lang=csv_lang)
        write_csv(checked.rejected, tmp / "rejected_candidates.csv", excel_nl=excel_csv, lang=csv_lang)
        files += [tmp / "suggested_sites.csv", tmp / "coverage_curve.csv"]
        files.append(write_workbook(
            {tr(lang, "voorgestelde locaties", "suggested sites"): ranking,
             tr(lang, "dekkingscurve", "coverage curve"): curve,
             tr(lang, "niet doorgerekend", "not evaluated"): checked.rejected},
            tmp / "suggesties.xlsx", lang=lang, explanation=explanation(data, lang),
            columns={tr(lang, "dekkingscurve", "coverage curve"):
                     ["k", "marginal_gain", "covered_weight", "share_covered", "gekozen",
                      "sites"],
                     tr(lang, "niet doorgerekend", "not evaluated"): ["id", "name", "reason"]}))
        buurt_style = qgis_styles.class_style("reistijdklasse", "fill", a.cutoffs_minutes,
                                              a.norm_minutes)
        layers = {"candidates": checked.valid.to_crs(data.config.crs), "buurten_na": after_layer}
        if len(chosen):
            layers["suggested_sites"] = chosen
        files.append(write_geopackage(
            layers, tmp / "suggest.gpkg",
            styles={"suggested_sites": qgis_styles.site_style(), "buurten_na": buurt_style}))
        png = None
        if len(chosen):
            png = maps.plot_before_after(
                before_layer, after_layer, chosen, steunpunten, a.norm_minutes,
                tr(lang, f"Met {len(chosen)} voorgestelde "
                         f"{plural(len(chosen), 'steunpunt', 'steunpunten')} – {data.config.title}",
                   f"With {len(chosen)} suggested {plural(len(chosen), 'site', 'sites')} – "
                   f"{data.config.title}"),
                data.caption_params(), tmp / "suggest.png",
                population_before=population_layer(inputs.points, before, a.cutoffs_minutes),
                population_after=population_layer(inputs.points, after, a.cutoffs_minutes),
                cell_size_m=a.grid_cell_m, context=region_map_context(data),
                breaks=a.cutoffs_minutes, lang=lang)
            files += [png, maps.vector_path(png, "pdf")]
        sections = [suggest_section(data, ranking, curve, siting, png, min_gain=min_gain,
                                    stop_reason=stop_reason, need=need, lang=lang)]
        notes = notes_section(data, lang)
        if notes is not None:
            sections.append(notes)
        report = Report(
            title=tr(lang, f"Waar helpen nieuwe steunpunten het meest? – {data.config.title}",
                     f"Where do new steunpunten help most? – {data.config.title}"),
            region_title=data.config.title, synthetic=data.synthetic,
            parameters=parameters_table(data, lang),
            key_figures=[(tr(lang, "Kandidaten", "Candidates"), str(len(checked.valid))),
                         (tr(lang, "Voorgesteld", "Suggested"), str(len(chosen)))],
            sections=sections, lang=lang)
        files.append(write_report(report, tmp / "rapport_suggesties.html"))
        write_metadata(data, tmp / "metadata.json", timings=timings, method=siting.method,
                       optimal=siting.optimal, notes=siting.notes, k_requested=k_asked,
                       min_gain=min_gain, n_chosen=n_chosen)
        files = [out_dir / f.name for f in files]
    timings["outputs"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    return SuggestResult(out_dir, ranking, curve, siting, len(checked.valid), files, timings,
                         stop_reason=stop_reason if n_chosen < k else "", k_requested=k_asked)


def ranking_table(valid: gpd.GeoDataFrame, siting: SitingResult, ids: list,
                  reverse_geocoder=None) -> pd.DataFrame:
    """The chosen sites: rank, gains, share covered, WGS84 coordinates and an address."""
    ranking = siting.table(ids)
    rows = valid.iloc[siting.chosen]
    ranking.insert(2, "naam", list(rows["name"]))
    ranking.insert(3, "bron", list(rows["source"]))
    ranking["lat"] = rows.geometry.y.to_numpy()
    ranking["lon"] = rows.geometry.x.to_numpy()
    addresses = list(rows["address"]) if "address" in rows.columns else [""] * len(rows)
    if reverse_geocoder is not None:
        addresses = [a or reverse_geocoder.reverse(lat, lon)
                     for a, lat, lon in zip(addresses, ranking["lat"], ranking["lon"], strict=True)]
    ranking["address"] = addresses
    return ranking
