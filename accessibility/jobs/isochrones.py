"""The isochrone job: travel-time isochrones around every location of a region.

For every location a travel-time surface on the region's analysis grid
(time from each cell *to* the location, the direction visitors travel), then
contour polygons per cutoff, maps and a summary table. All outputs are written
into a temporary folder that replaces the output folder only when the job
completes.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from accessibility.analysis.epa import add_epa_to_points
from accessibility.analysis.grid import Grid, make_grid
from accessibility.analysis.isochrones import isochrone_areas, isochrone_polygons
from accessibility.io import atomic_dir, atomic_path
from accessibility.jobs.map_context import region_map_context
from accessibility.jobs.metadata import write_metadata
from accessibility.jobs.region import RegionData
from accessibility.jobs.report_text import explanation
from accessibility.outputs import maps, qgis_styles, webmaps
from accessibility.outputs.bands import isochrone_bands
from accessibility.outputs.excel import write_workbook
from accessibility.outputs.files import slug, write_csv, write_geopackage
from accessibility.routing import PointLinks, times_to_nearest
from accessibility.streets import require_snapped

log = logging.getLogger(__name__)


@dataclass
class IsochroneResult:
    """What the isochrone job produced."""

    out_dir: Path
    isochrones: gpd.GeoDataFrame
    summary: pd.DataFrame
    files: list[Path]
    seconds: dict[str, float] = field(default_factory=dict)


def region_area(data: RegionData) -> shapely.Geometry:
    """The study area: the union of the region's buurten (metric CRS)."""
    return shapely.union_all(data.buurten.gdf.geometry.values)


def location_surfaces(data: RegionData, targets: PointLinks, grid: Grid) -> np.ndarray:
    """Travel time (minutes) from every grid cell to each target location.

    Returns
    -------
    numpy.ndarray of float64, shape (n_targets, n_cells)
        NaN where the location is not reachable within the maximum time.
    """
    lon, lat = grid.centres_lonlat()
    cells = data.link(lat, lon)
    groups = [np.array([i]) for i in range(targets.n_points)]
    return times_to_nearest(data.network, cells, targets, groups, data.request)


def reach_within(times: np.ndarray, points: pd.DataFrame, ids: list,
                 cutoffs: tuple[int, ...]) -> pd.DataFrame:
    """Inhabitants and estimated EPA persons within each cutoff of each target.

    Parameters
    ----------
    times
        Minutes from every point to each target, shape (n_targets, n_points); NaN
        is unreachable.
    points
        Population points with ``population`` and ``epa_estimate``.
    ids
        Target ids (``location_id`` of the rows).
    cutoffs
        Minutes.

    Returns
    -------
    pandas.DataFrame
        ``location_id``, ``inwoners_binnen_<c>_min`` and ``epa_binnen_<c>_min``
        per cutoff (unrounded: rounding is for the outputs).
    """
    population = points["population"].to_numpy(float)
    epa = points["epa_estimate"].to_numpy(float)
    columns: dict[str, list[float]] = {}
    with np.errstate(invalid="ignore"):
        for c in cutoffs:
            columns[f"inwoners_binnen_{c}_min"] = [float((population * (t <= c)).sum())
                                                   for t in times]
        for c in cutoffs:
            columns[f"epa_binnen_{c}_min"] = [float((epa * (t <= c)).sum()) for t in times]
    return pd.DataFrame({"location_id": ids, **columns})


def population_within(data: RegionData, targets: PointLinks, ids: list,
                      cutoffs: tuple[int, ...]) -> pd.DataFrame:
    """Inhabitants and EPA estimate within each cutoff of each target location."""
    points = add_epa_to_points(data.population.gdf, data.epa.buurten)
    origins = data.link(points["lat"].to_numpy(), points["lon"].to_numpy())
    groups = [np.array([i]) for i in range(targets.n_points)]
    times = times_to_nearest(data.network, origins, targets, groups, data.request)
    return reach_within(times, points, ids, cutoffs)


def run_isochrones(data: RegionData, out_dir: Path, *, lang: str = "nl",
                   excel_csv: bool = False) -> IsochroneResult:
    """Compute isochrones for every pinned location of the region and write the outputs.

    Outputs in ``out_dir``: ``isochrones.xlsx`` (per location: area and
    inhabitants and EPA estimate within each cutoff; the unpinned locations;
    Dutch headers unless ``lang="en"``), ``isochrones.gpkg`` (layers
    ``isochrones``, ``locations``, ``stops``), ``isochrones.geojson`` (WGS84),
    ``summary.csv``, ``unpinned_locations.csv`` (``excel_csv``: Dutch Excel
    dialect), one PNG map per location, ``overview.png`` (existing locations
    only; a proposed one has its own map), ``isochrones.html`` and
    ``metadata.json``.
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    cfg = data.config
    cutoffs = tuple(cfg.analysis.cutoffs_minutes)
    locations = data.locations.pinned.copy()
    _ = data.network  # build or load it before timing the routing
    timings["network"] = time.perf_counter() - t0

    t = time.perf_counter()
    area = region_area(data)
    grid = make_grid(area, cfg.analysis.grid_cell_m, cfg.crs)
    targets = data.link(locations.geometry.y.to_numpy(), locations.geometry.x.to_numpy(),
                        leg="egress")
    require_snapped(targets.snap, list(locations["id"]), "locations")
    surfaces = location_surfaces(data, targets, grid)
    timings["routing"] = time.perf_counter() - t

    t = time.perf_counter()
    ids = list(locations["id"])
    polygons = isochrone_polygons(grid, surfaces, ids, cutoffs)
    areas = isochrone_areas(grid, surfaces, ids, cutoffs)
    reach = population_within(data, targets, ids, cutoffs)
    summary = _summary_table(locations, areas, reach, cutoffs)
    timings["polygons"] = time.perf_counter() - t

    t = time.perf_counter()
    locations_metric = locations.to_crs(cfg.crs)
    stops = _stops_frame(data).to_crs(cfg.crs)
    boundaries = data.buurten.gdf
    caption = data.caption_params()
    context = region_map_context(data)
    norm = cfg.analysis.norm_minutes
    names = dict(zip(locations["id"].astype(str), locations["name"].astype(str), strict=True))
    named = polygons.assign(naam=polygons["location_id"].astype(str).map(names))
    styles = {"isochrone_bands": qgis_styles.band_style(cutoffs, norm),
              "locations": qgis_styles.steunpunt_style(), "stops": qgis_styles.stop_style()}
    files: list[Path] = []
    csv_lang = lang if excel_csv else None  # Dutch Excel CSV: headers for people too
    with atomic_dir(out_dir) as tmp:
        files.append(write_geopackage(
            {"isochrones": named, "isochrone_bands": isochrone_bands(polygons, names),
             "locations": locations_metric, "stops": stops},
            tmp / "isochrones.gpkg", styles=styles))
        with atomic_path(tmp / "isochrones.geojson") as p:
            named.to_crs("EPSG:4326").to_file(p, driver="GeoJSON")
        write_csv(summary, tmp / "summary.csv", excel_nl=excel_csv, lang=csv_lang)
        write_csv(data.locations.unpinned, tmp / "unpinned_locations.csv", excel_nl=excel_csv, lang=csv_lang)
        files.append(write_workbook(
            {"per locatie" if lang == "nl" else "per location": summary,
             "niet op de kaart" if lang == "nl" else "not on the map": data.locations.unpinned},
            tmp / "isochrones.xlsx", lang=lang, explanation=explanation(data, lang),
            columns={"niet op de kaart" if lang == "nl" else "not on the map":
                     ["line", "id", "name", "kind", "address", "city", "reason"]}))
        title_suffix = " (synthetische demo)" if data.synthetic else ""
        reach_by_id = reach.set_index("location_id")
        for loc in locations_metric.itertuples():
            within = {float(c): float(reach_by_id.loc[loc.id, f"inwoners_binnen_{c}_min"])
                      for c in cutoffs}
            png = maps.plot_isochrones(
                polygons[polygons["location_id"] == loc.id], loc.geometry, stops, boundaries,
                f"{loc.name}{title_suffix}", caption, tmp / f"isochrones_{slug(loc.id)}.png",
                name=loc.name, proposed=loc.kind == "proposed", population_within=within,
                context=context, norm_minutes=norm, lang=lang)
            files += [png, maps.vector_path(png, "pdf")]
        existing = locations_metric[locations_metric["kind"] != "proposed"]
        png = maps.plot_overview(
            polygons[polygons["location_id"].isin(existing["id"])], existing, boundaries,
            f"Bereikbaarheid binnen {norm} min – {cfg.title}",
            caption, tmp / "overview.png", norm_minutes=norm, context=context, lang=lang)
        files += [png, maps.vector_path(png, "pdf")]
        files.append(webmaps.isochrone_webmap(
            polygons, locations_metric, tmp / "isochrones.html", stops=stops,
            boundaries=boundaries, title=f"Isochronen – {cfg.title}", caption_params=caption,
            norm_minutes=norm, context=context, lang=lang))
        write_metadata(data, tmp / "metadata.json", grid=grid, timings=timings)
        files = [out_dir / f.name for f in files]
    timings["outputs"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    return IsochroneResult(out_dir, polygons, summary, files, timings)


def _summary_table(locations: gpd.GeoDataFrame, areas: pd.DataFrame, reach: pd.DataFrame,
                   cutoffs: tuple[int, ...]) -> pd.DataFrame:
    wide = areas.pivot(index="location_id", columns="cutoff", values="area_km2")
    wide.columns = [f"oppervlak_km2_{int(c)}_min" for c in wide.columns]
    base = pd.DataFrame({"location_id": locations["id"], "naam": locations["name"],
                         "soort": locations["kind"], "capaciteit": locations["capacity_weight"],
                         "address": locations["address"],
                         "geocode_display_name": locations["geocode_display_name"],
                         "lat": locations.geometry.y, "lon": locations.geometry.x})
    return (base.merge(wide.reset_index(), on="location_id", how="left")
            .merge(reach, on="location_id", how="left"))


def _stops_frame(data: RegionData) -> gpd.GeoDataFrame:
    stops = data.network.stops
    return gpd.GeoDataFrame(
        {"stop_id": stops["stop_id"].to_numpy(), "stop_name": stops["stop_name"].to_numpy()},
        geometry=gpd.points_from_xy(stops["stop_lon"], stops["stop_lat"]), crs="EPSG:4326")
