"""Check proposed locations before they open: what each one adds.

The existing coverage is computed once (one backward search from all
steunpunten); each candidate then costs one more backward search evaluated
at the same population points. The travel time after opening a candidate is
the smaller of the two, so residents and estimated EPA persons newly within
the norm, buurten that stop being white spots and the new population-weighted
travel times per gemeente follow without rerunning the region.

Outputs: ``locatietoets.xlsx`` (all candidates ranked, the rejected ones with
the reason, per gemeente per candidate; Dutch headers), CSV tables, maps and
the report with a ranked table of candidates.
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
from accessibility.jobs.example_journeys import (
    candidate_examples_section,
    example_map,
    newly_covered_examples,
    with_site,
)
from accessibility.jobs.isochrones import location_surfaces, region_area
from accessibility.jobs.map_context import population_layer, region_map_context
from accessibility.jobs.metadata import write_metadata
from accessibility.jobs.region import RegionData
from accessibility.jobs.report_text import (
    candidate_section,
    explanation,
    gemeente_names,
    geocode_sentence,
    notes_section,
    parameters_table,
    ranking_section,
    tr,
)
from accessibility.jobs.whitespots import buurt_layer, coverage_inputs, nearest_times
from accessibility.notices import render
from accessibility.outputs import maps, qgis_styles, webmaps
from accessibility.outputs.bands import isochrone_bands
from accessibility.outputs.excel import write_workbook
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
    note: object = ""
    candidate: dict = field(default_factory=dict)


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


def outcome_table(outcomes: list[CandidateOutcome], lang: str = "nl") -> pd.DataFrame:
    """One row per candidate, best first (most estimated EPA persons newly within the norm),
    with its rank, coordinates and what the geocoder matched; remarks in ``lang``."""
    rows = []
    for o in outcomes:
        region = o.comparison.gemeenten.iloc[-1]
        c = o.candidate
        rows.append({
            "id": o.id, "naam": o.name,
            "inwoners_nieuw_binnen_norm": round(o.comparison.population_newly_within_norm),
            "epa_schatting_nieuw_binnen_norm": round(o.comparison.epa_estimate_newly_within_norm, 1),
            "witte_vlekken_opgelost": len(o.comparison.resolved_white_spots),
            "mediane_reistijd_voor_min": region["median_time_before_min"],
            "mediane_reistijd_na_min": region["median_time_after_min"],
            "opmerking": render(o.note, lang) if o.note else "",
            "address": c.get("address", ""),
            "geocode_display_name": c.get("geocode_display_name", ""),
            "geocode_match_type": c.get("geocode_match_type", ""),
            "geocode_score": c.get("geocode_score", float("nan")),
            "lat": c.get("lat", float("nan")), "lon": c.get("lon", float("nan")),
        })
    table = pd.DataFrame(rows)
    table = table.sort_values(["epa_schatting_nieuw_binnen_norm", "inwoners_nieuw_binnen_norm"],
                              ascending=False, kind="stable").reset_index(drop=True)
    table.insert(0, "rang", range(1, len(table) + 1))
    return table


def candidate_record(row: pd.Series) -> dict:
    """The fields of a candidate the outputs show: input address, geocoder match, WGS84."""
    out = {k: row.get(k, "") for k in ("address", "geocode_display_name", "geocode_match_type",
                                       "geocode_score")}
    out["lat"], out["lon"] = row.geometry.y, row.geometry.x
    return out


def run_check_location(data: RegionData, candidates: gpd.GeoDataFrame, out_dir: Path, *,
                       lang: str = "nl", excel_csv: bool = False,
                       runner: Runner | None = None) -> CheckResult:
    """Evaluate proposed locations and write tables, maps and a report section per candidate.

    ``candidates`` may hold rows without a point (addresses the geocoder could
    not place, with a ``reason``): they are listed as rejected, the others are
    evaluated. ``excel_csv`` writes the CSV files in the Dutch Excel dialect;
    ``runner`` says where the candidate searches run (this process or Dask).
    """
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
                                         checked.notes.get(str(cand["id"]), ""),
                                         candidate_record(cand)))
    table = outcome_table(outcomes, lang)

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
    names = gemeente_names(data, lang)
    sheets = {tr(lang, "kandidaten", "candidates"): table,
              tr(lang, "niet doorgerekend", "not evaluated"): checked.rejected}
    for outcome in outcomes:
        g = outcome.comparison.gemeenten.copy()
        g.insert(1, "gemeentenaam", g["gemeentecode"].map(names))
        sheets[f"{tr(lang, 'gemeenten', 'gemeenten')} {outcome.id}"] = g
    csv_lang = lang if excel_csv else None  # Dutch Excel CSV: headers for people too
    with atomic_dir(out_dir) as tmp:
        write_csv(table, tmp / "candidates.csv", excel_nl=excel_csv, lang=csv_lang)
        write_csv(checked.rejected, tmp / "rejected_candidates.csv", excel_nl=excel_csv, lang=csv_lang)
        files += [tmp / "candidates.csv", tmp / "rejected_candidates.csv"]
        files.append(write_workbook(
            sheets, tmp / "locatietoets.xlsx", lang=lang, explanation=explanation(data, lang),
            columns={tr(lang, "niet doorgerekend", "not evaluated"):
                     ["id", "name", "address", "reason"]}))
        context = region_map_context(data)
        names = dict(zip(checked.valid["id"].astype(str), checked.valid["name"].astype(str),
                         strict=True))
        layers = {"candidates": valid_metric, "isochrones": isochrones,
                  "isochrone_bands": isochrone_bands(isochrones, names)}
        buurt_style = qgis_styles.class_style("reistijdklasse", "fill", a.cutoffs_minutes,
                                              a.norm_minutes,
                                              max_minutes=caption["max_trip_minutes"])
        styles = {"candidates": qgis_styles.site_style(), "buurten_voor": buurt_style,
                  "isochrone_bands": qgis_styles.band_style(a.cutoffs_minutes, a.norm_minutes)}
        points_before = population_layer(inputs.points, before, a.cutoffs_minutes)
        for outcome in outcomes:
            tag = slug(outcome.id)
            before_layer = buurt_layer(data, outcome.comparison.before)
            after_layer = buurt_layer(data, outcome.comparison.after)
            layers[f"buurten_na_{tag}"] = after_layer
            styles[f"buurten_na_{tag}"] = buurt_style
            write_csv(outcome.comparison.gemeenten, tmp / f"gemeenten_{tag}.csv",
                      excel_nl=excel_csv, lang=csv_lang)
            points_after = population_layer(
                inputs.points, outcome.comparison.points["travel_time_after_min"].to_numpy(),
                a.cutoffs_minutes)
            site = valid_metric[valid_metric["id"] == outcome.id]
            png = maps.plot_before_after(
                before_layer, after_layer, site, steunpunten, a.norm_minutes,
                tr(lang, f"Voor en na: {outcome.name}", f"Before and after: {outcome.name}"),
                caption, tmp / f"voor_na_{tag}.png",
                population_before=points_before, population_after=points_after,
                cell_size_m=a.grid_cell_m, context=context, breaks=a.cutoffs_minutes, lang=lang)
            html = webmaps.whitespot_webmap(
                after_layer, steunpunten, tmp / f"na_{tag}.html", norm_minutes=a.norm_minutes,
                candidate=site, isochrones=isochrones[isochrones["location_id"] == outcome.id],
                population=points_after, cell_size_m=a.grid_cell_m, context=context,
                breaks=a.cutoffs_minutes,
                title=tr(lang, f"Na opening van {outcome.name}", f"After opening {outcome.name}"),
                caption_params=caption, lang=lang)
            files += [tmp / f"gemeenten_{tag}.csv", png, maps.vector_path(png, "pdf"), html]
            sections.append(candidate_section(data, outcome.name, outcome.comparison, png,
                                              outcome.note, geocode_sentence(outcome.candidate,
                                                                             lang), lang=lang))
            examples = newly_covered_examples(data, before_layer, after_layer, steunpunten,
                                              site.assign(name=outcome.name), lang)
            journeys_png = example_map(
                examples, before_layer, with_site(steunpunten, site.assign(name=outcome.name)),
                caption, tmp / f"voorbeeldreizen_{tag}.png", lang,
                title=tr(lang, f"Voorbeeldreizen met {outcome.name}",
                         f"Example journeys with {outcome.name}"), context=context)
            files += [journeys_png] if journeys_png else []
            sections.extend(filter(None, [candidate_examples_section(examples, outcome.name,
                                                                     lang, journeys_png)]))
        layers["buurten_voor"] = buurt_layer(data, outcomes[0].comparison.before)
        files.append(write_geopackage(layers, tmp / "check_location.gpkg", styles=styles))
        if len(outcomes) > 1 or len(checked.rejected):
            sections.insert(0, ranking_section(table, checked.rejected.drop(columns="problem"),
                                               lang))
        notes = notes_section(data, lang)
        if notes is not None:
            sections.append(notes)
        report = Report(
            title=tr(lang, f"Toets van voorgestelde locaties – {data.config.title}",
                     f"Check of proposed locations – {data.config.title}"),
            region_title=data.config.title, synthetic=data.synthetic,
            parameters=parameters_table(data, lang),
            key_figures=[(tr(lang, "Doorgerekend", "Evaluated"), str(len(checked.valid))),
                         (tr(lang, "Niet doorgerekend", "Not evaluated"),
                          str(len(checked.rejected)))],
            sections=sections, lang=lang)
        files.append(write_report(report, tmp / "rapport_locatietoets.html"))
        write_metadata(data, tmp / "metadata.json", timings=timings,
                        rejected=checked.rejected.to_dict("records"),
                        candidates=table.to_dict("records"))
        files = [out_dir / f.name for f in files]
    timings["outputs"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    return CheckResult(out_dir, table, outcomes, checked.rejected, files, timings)
