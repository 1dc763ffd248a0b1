"""Suggest where k new steunpunten help most (maximal covering location problem).

Candidates come from a file or are generated (railway stations, the busiest
bus stops, centres of inhabited buurten). One backward search per candidate
gives the candidate-to-population travel times; the MCLP (exact with CBC, or
greedy for large inputs) picks the k sites that bring the most estimated EPA
persons within the norm, on top of what the existing steunpunten cover.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from accessibility.analysis.coverage import compare_coverage
from accessibility.analysis.siting import SitingResult, coverage_curve, solve_mclp
from accessibility.io import atomic_dir
from accessibility.jobs.candidates import check_candidates, generated_candidates
from accessibility.jobs.check_location import candidate_times
from accessibility.jobs.metadata import write_metadata
from accessibility.jobs.region import RegionData
from accessibility.jobs.report_text import parameters_table, suggest_section
from accessibility.jobs.whitespots import buurt_layer, coverage_inputs, nearest_times
from accessibility.outputs import maps
from accessibility.outputs.files import write_csv, write_geopackage
from accessibility.outputs.report import Report, write_report
from accessibility.routing.distributed import Runner


@dataclass
class SuggestResult:
    """Result of the suggest job."""

    out_dir: Path
    ranking: pd.DataFrame
    curve: pd.DataFrame
    siting: SitingResult
    n_candidates: int
    files: list[Path]
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def candidates_per_second(self) -> float:
        """Candidates routed per second (candidate-to-population travel times)."""
        return self.n_candidates / max(self.seconds["routing"], 1e-9)


def run_suggest(data: RegionData, k: int, out_dir: Path, *,
                candidates: gpd.GeoDataFrame | None = None, method: str = "auto",
                lang: str = "nl", runner: Runner | None = None) -> SuggestResult:
    """Choose ``k`` new sites and write the ranking, the coverage curve, a map and a report."""
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
    k = min(k, len(checked.valid))
    siting = solve_mclp(times, weights, k, a.norm_minutes, covered, method=method)
    curve = coverage_curve(times, weights, k, a.norm_minutes, covered, method=method)
    ids = list(checked.valid["id"])
    ranking = siting.table(ids)
    ranking.insert(2, "naam", [checked.valid["name"][j] for j in siting.chosen])
    ranking.insert(3, "bron", [checked.valid["source"][j] for j in siting.chosen])
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
    with atomic_dir(out_dir) as tmp:
        write_csv(ranking, tmp / "suggested_sites.csv")
        write_csv(curve.assign(sites=curve["sites"].map(
            lambda s: ";".join(ids[j] for j in s))), tmp / "coverage_curve.csv")
        write_csv(checked.rejected, tmp / "rejected_candidates.csv")
        files += [tmp / "suggested_sites.csv", tmp / "coverage_curve.csv"]
        files.append(write_geopackage(
            {"suggested_sites": chosen, "candidates": checked.valid.to_crs(data.config.crs),
             "buurten_na": after_layer}, tmp / "suggest.gpkg"))
        png = maps.plot_before_after(
            before_layer, after_layer, chosen, steunpunten, a.norm_minutes,
            f"Met {len(chosen)} voorgestelde steunpunten – {data.config.title}",
            data.caption_params(), tmp / "suggest.png", lang=lang)
        files.append(png)
        report = Report(
            title=f"Waar helpen nieuwe steunpunten het meest? – {data.config.title}",
            region_title=data.config.title, synthetic=data.synthetic,
            parameters=parameters_table(data),
            key_figures=[("Kandidaten", str(len(checked.valid))), ("Gekozen", str(len(chosen)))],
            sections=[suggest_section(data, ranking, curve, siting, png)])
        files.append(write_report(report, tmp / "rapport_suggesties.html"))
        write_metadata(data, tmp / "metadata.json", timings=timings, method=siting.method,
                        optimal=siting.optimal, notes=siting.notes)
        files = [out_dir / f.name for f in files]
    timings["outputs"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    return SuggestResult(out_dir, ranking, curve, siting, len(checked.valid), files, timings)
