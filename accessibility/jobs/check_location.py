"""Check proposed locations before they open: what each one adds.

The existing coverage is computed once (one backward search from all
steunpunten); each candidate then costs one more backward search evaluated
at the same population points. The travel time after opening a candidate is
the smaller of the two, so residents and estimated EPA persons newly within
the norm, buurten that stop being white spots and the new population-weighted
travel times per gemeente follow without rerunning the region.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from accessibility.analysis.coverage import CoverageComparison, compare_coverage
from accessibility.analysis.grid import make_grid
from accessibility.analysis.isochrones import isochrone_polygons
from accessibility.io import atomic_dir
from accessibility.jobs.candidates import CandidateCheck, check_candidates
from accessibility.jobs.isochrones import location_surfaces, region_area
from accessibility.jobs.metadata import write_metadata
from accessibility.jobs.region import RegionData
from accessibility.jobs.report_text import candidate_section, parameters_table
from accessibility.jobs.whitespots import buurt_layer, coverage_inputs, nearest_times
from accessibility.outputs import maps, webmaps
from accessibility.outputs.files import slug, write_csv, write_geopackage
from accessibility.outputs.report import Report, write_report
from accessibility.routing.bounded import CandidateTimes, bounded_candidate_times
from accessibility.routing.distributed import Runner


@dataclass
class CandidateOutcome:
    """What one candidate adds."""

    id: str
    name: str
    comparison: CoverageComparison
    note: str = ""


@dataclass
class CheckResult:
    """Result of the check-location job."""

    out_dir: Path
    table: pd.DataFrame
    outcomes: list[CandidateOutcome]
    rejected: pd.DataFrame
    files: list[Path]
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def candidates_per_second(self) -> float:
        """Candidates evaluated per second of routing (baseline search included)."""
        return len(self.outcomes) / max(self.seconds["routing"], 1e-9)


def candidate_times(data: RegionData, inputs, checked: CandidateCheck, before: np.ndarray,
                    runner: Runner | None = None) -> CandidateTimes:
    """Minutes from the population points to each candidate, where it beats ``before``.

    Bounded searches (:mod:`accessibility.routing.bounded`): each candidate
    evaluates only the points it can reach within ``max_time`` faster than
    ``before``; ``result.after(before, i)`` equals the unbounded
    ``fmin(before, times_to_nearest(...))``. ``runner`` spreads the candidates
    over a Dask cluster.
    """
    return bounded_candidate_times(
        data.network, inputs.origins, checked.links, data.request, before,
        map_chunks=None if runner is None else runner.map)


def outcome_table(outcomes: list[CandidateOutcome]) -> pd.DataFrame:
    """One row per candidate, best first (most estimated EPA persons newly within the norm)."""
    rows = []
    for o in outcomes:
        region = o.comparison.gemeenten.iloc[-1]
        rows.append({
            "id": o.id, "naam": o.name,
            "inwoners_nieuw_binnen_norm": round(o.comparison.population_newly_within_norm),
            "epa_schatting_nieuw_binnen_norm": round(o.comparison.epa_estimate_newly_within_norm, 1),
            "witte_vlekken_opgelost": len(o.comparison.resolved_white_spots),
            "mediane_reistijd_voor_min": region["median_time_before_min"],
            "mediane_reistijd_na_min": region["median_time_after_min"],
            "opmerking": o.note,
        })
    table = pd.DataFrame(rows)
    return table.sort_values(["epa_schatting_nieuw_binnen_norm", "inwoners_nieuw_binnen_norm"],
                             ascending=False, kind="stable").reset_index(drop=True)


def run_check_location(data: RegionData, candidates: gpd.GeoDataFrame, out_dir: Path, *,
                       lang: str = "nl", runner: Runner | None = None) -> CheckResult:
    """Evaluate proposed locations and write tables, maps and a report section per candidate."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    a = data.config.analysis
    inputs = coverage_inputs(data)
    checked = check_candidates(data, candidates)
    timings["inputs"] = time.perf_counter() - t0
    t = time.perf_counter()
    before = nearest_times(data, inputs)
    per_candidate = candidate_times(data, inputs, checked, before, runner)
    timings["routing"] = time.perf_counter() - t

    outcomes = []
    for i, cand in checked.valid.iterrows():
        after = per_candidate.after(before, i)
        comparison = compare_coverage(inputs.points, before, after, a.norm_minutes,
                                      a.white_spot_share, a.cutoffs_minutes)
        outcomes.append(CandidateOutcome(str(cand["id"]), str(cand["name"]), comparison,
                                         checked.notes.get(str(cand["id"]), "")))
    table = outcome_table(outcomes)

    t = time.perf_counter()
    grid = make_grid(region_area(data), a.grid_cell_m, data.config.crs)
    surfaces = location_surfaces(data, checked.links, grid)
    isochrones = isochrone_polygons(grid, surfaces, list(checked.valid["id"]),
                                    a.cutoffs_minutes)
    timings["isochrones"] = time.perf_counter() - t

    t = time.perf_counter()
    caption = data.caption_params()
    steunpunten = inputs.steunpunten.to_crs(data.config.crs)
    valid_metric = checked.valid.to_crs(data.config.crs)
    files: list[Path] = []
    sections = []
    with atomic_dir(out_dir) as tmp:
        write_csv(table, tmp / "candidates.csv")
        write_csv(checked.rejected, tmp / "rejected_candidates.csv")
        files += [tmp / "candidates.csv", tmp / "rejected_candidates.csv"]
        layers = {"candidates": valid_metric, "isochrones": isochrones}
        for outcome, cand in zip(outcomes, valid_metric.itertuples(), strict=True):
            tag = slug(outcome.id)
            before_layer = buurt_layer(data, outcome.comparison.before)
            after_layer = buurt_layer(data, outcome.comparison.after)
            layers[f"buurten_na_{tag}"] = after_layer
            write_csv(outcome.comparison.gemeenten, tmp / f"gemeenten_{tag}.csv")
            png = maps.plot_before_after(
                before_layer, after_layer, cand.geometry, steunpunten, a.norm_minutes,
                f"Voor en na: {outcome.name}", caption, tmp / f"voor_na_{tag}.png", lang=lang)
            html = webmaps.whitespot_webmap(
                after_layer, steunpunten, tmp / f"na_{tag}.html", norm_minutes=a.norm_minutes,
                candidate=cand.geometry, isochrones=isochrones[isochrones["location_id"] == outcome.id],
                title=f"Na opening van {outcome.name}", caption_params=caption, lang=lang)
            files += [tmp / f"gemeenten_{tag}.csv", png, html]
            sections.append(candidate_section(data, outcome.name, outcome.comparison, png,
                                              outcome.note))
        layers["buurten_voor"] = buurt_layer(data, outcomes[0].comparison.before)
        files.append(write_geopackage(layers, tmp / "check_location.gpkg"))
        report = Report(
            title=f"Toets van voorgestelde locaties – {data.config.title}",
            region_title=data.config.title, synthetic=data.synthetic,
            parameters=parameters_table(data),
            key_figures=[("Kandidaten", str(len(checked.valid))),
                         ("Afgewezen", str(len(checked.rejected)))],
            sections=sections)
        files.append(write_report(report, tmp / "rapport_locatietoets.html"))
        write_metadata(data, tmp / "metadata.json", timings=timings,
                        rejected=checked.rejected.to_dict("records"))
        files = [out_dir / f.name for f in files]
    timings["outputs"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    return CheckResult(out_dir, table, outcomes, checked.rejected, files, timings)
