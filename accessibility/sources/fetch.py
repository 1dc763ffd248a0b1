"""Download and prepare all real inputs of a region into the cache folder.

``<cache>/<region>/`` receives ``buurten.gpkg`` (CBS buurten of the region's
gemeenten), ``gtfs.zip`` (the OVapi feed clipped to the region bbox plus
buffer), ``osm.pbf`` (the OSM extract(s) clipped likewise) and ``fetch.json``
(what was fetched, when, from where, with the counts). The large national and
provincial files are kept in ``<cache>/downloads/`` and shared by all regions.

Every step can be interrupted: downloads resume from their ``.part`` file and
outputs are written atomically, so a file that exists is complete. A rerun
reuses finished outputs whose bbox is unchanged (``force=True`` redoes all).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accessibility.config import CACHE_FILES, RegionConfig
from accessibility.errors import ConfigError
from accessibility.io import atomic_path, write_text_atomic
from accessibility.sources._http import download

log = logging.getLogger(__name__)

Bbox = tuple[float, float, float, float]
MANIFEST = "fetch.json"


@dataclass(frozen=True)
class FetchItem:
    """One prepared file.

    Attributes
    ----------
    name : str
        ``"buurten"``, ``"gtfs"`` or ``"osm"``.
    path : Path
    size_bytes : int
    updated : str
        ISO timestamp (UTC) of when the file was written.
    reused : bool
        True when an existing file from an earlier run was kept.
    details : dict
        Counts (stops/trips kept, buurten, inhabitants, nodes/ways, ...).
    """

    name: str
    path: Path
    size_bytes: int
    updated: str
    reused: bool
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FetchSummary:
    """Result of :func:`fetch_region`.

    Attributes
    ----------
    region : str
    cache_dir : Path
        ``<cache>/<region>``.
    bbox : tuple of float
        Clip box ``(min_lon, min_lat, max_lon, max_lat)`` in degrees, buffer included.
    items : tuple of FetchItem
    """

    region: str
    cache_dir: Path
    bbox: Bbox
    items: tuple[FetchItem, ...]


def region_bbox(cfg: RegionConfig, bounds: Bbox | None, bounds_crs: str | None = None) -> Bbox:
    """The clip box of a region: its bounds grown by ``cfg.buffer_km`` on every side.

    Parameters
    ----------
    cfg : RegionConfig
    bounds : tuple of float or None
        Region bounds ``(minx, miny, maxx, maxy)`` in ``bounds_crs`` (the buurten);
        ignored when ``cfg.bbox`` is set.
    bounds_crs : str, optional
        CRS of ``bounds``; default ``cfg.crs``.

    Returns
    -------
    tuple of float
        ``(min_lon, min_lat, max_lon, max_lat)`` in WGS84 degrees.
    """
    from pyproj import Transformer

    if cfg.bbox is not None:
        bounds, bounds_crs = cfg.bbox, "EPSG:4326"
    if bounds is None:
        raise ConfigError(f"{cfg.path}: region {cfg.name!r} has no bbox and no buurten to derive it "
                          "from; set bbox = [min_lon, min_lat, max_lon, max_lat]")
    to_metric = Transformer.from_crs(bounds_crs or cfg.crs, cfg.crs, always_xy=True)
    x0, y0, x1, y1 = to_metric.transform_bounds(*bounds)
    pad = cfg.buffer_km * 1000.0
    to_wgs = Transformer.from_crs(cfg.crs, "EPSG:4326", always_xy=True)
    lon0, lat0, lon1, lat1 = to_wgs.transform_bounds(x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    return (round(lon0, 6), round(lat0, 6), round(lon1, 6), round(lat1, 6))


def _download_name(url: str) -> str:
    name = Path(urllib.parse.urlsplit(url).path).name
    return name or "download.bin"


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def fetch_region(
    cfg: RegionConfig,
    cache_root: str | Path | None = None,
    *,
    force: bool = False,
    progress: bool = True,
    http: dict[str, Any] | None = None,
) -> FetchSummary:
    """Download and clip the GTFS feed, OSM extract(s) and CBS buurten of a region.

    Parameters
    ----------
    cfg : RegionConfig
        A real (non-synthetic) region.
    cache_root : str or Path, optional
        Cache root; default ``$ACCESSIBILITY_CACHE`` or ``~/.cache/accessibility``.
    force : bool
        Download and clip again even when finished files exist.
    progress : bool
        Show download progress bars.
    http : dict, optional
        Extra keyword arguments of the HTTP helpers (``retries``, ``backoff_s``,
        ``timeout_s``), mainly for tests.

    Returns
    -------
    FetchSummary

    Raises
    ------
    ConfigError
        The region is synthetic (its inputs are local files).
    DownloadError, GtfsError, OsmError, InputError
        From the source modules; finished files stay valid, a rerun resumes.
    """
    from accessibility.sources.cbs import fetch_buurten
    from accessibility.sources.osm import clip_osm
    from accessibility.sources.ovapi import clip_gtfs

    if cfg.synthetic:
        raise ConfigError(f"region {cfg.name!r} ({cfg.path}) is synthetic: its inputs are local "
                          "files, there is nothing to fetch")
    http = dict(http or {})
    region_dir = cfg.cache_dir(cache_root)
    downloads = region_dir.parent / "downloads"
    region_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = region_dir / MANIFEST
    old = _read_manifest(manifest_path)
    old_items: dict[str, Any] = old.get("items", {}) if not force else {}
    items: dict[str, FetchItem] = {}

    def save_manifest(bbox: Bbox | None) -> None:
        doc = {
            "region": cfg.name, "config": str(cfg.path), "bbox": list(bbox) if bbox else None,
            "buffer_km": cfg.buffer_km, "gemeenten": list(cfg.gemeenten),
            "sources": dataclasses.asdict(cfg.sources),
            "items": {k: {**dataclasses.asdict(v), "path": str(v.path)} for k, v in items.items()},
        }
        write_text_atomic(manifest_path, json.dumps(doc, indent=2, default=str))

    # 1. CBS buurten (their extent defines the clip box)
    import geopandas as gpd

    buurten_path = region_dir / CACHE_FILES["buurten"]
    if buurten_path.exists() and "buurten" in old_items:
        buurten = gpd.read_file(buurten_path)
        items["buurten"] = _item("buurten", buurten_path, True, old_items["buurten"]["details"],
                                 old_items["buurten"]["updated"])
    else:
        log.info("fetching CBS buurten %d for %s", cfg.sources.cbs_year, ", ".join(cfg.gemeenten))
        buurten, counts = fetch_buurten(cfg.sources.cbs_ogc_url, cfg.sources.cbs_wfs_url,
                                        cfg.gemeenten, cfg.crs, **http)
        with atomic_path(buurten_path) as tmp:
            buurten.to_file(tmp, driver="GPKG", layer="buurten")
        items["buurten"] = _item("buurten", buurten_path, False,
                                 {**counts, "cbs_year": cfg.sources.cbs_year}, _now())
    bbox = region_bbox(cfg, tuple(buurten.total_bounds), str(buurten.crs))
    save_manifest(bbox)

    # 2. GTFS: national feed -> regional clip
    gtfs_path = region_dir / CACHE_FILES["gtfs"]
    national = download(cfg.sources.gtfs_url, downloads / _download_name(cfg.sources.gtfs_url),
                        force=force, progress=progress, **http)
    if _reusable(gtfs_path, old_items.get("gtfs"), bbox, national.path):
        items["gtfs"] = _item("gtfs", gtfs_path, True, old_items["gtfs"]["details"],
                              old_items["gtfs"]["updated"])
    else:
        log.info("clipping %s to %s", national.path.name, bbox)
        stats = clip_gtfs(national.path, gtfs_path, bbox)
        items["gtfs"] = _item("gtfs", gtfs_path, False,
                              {**dataclasses.asdict(stats), "bbox": list(bbox),
                               "source_modified": national.last_modified}, _now())
    save_manifest(bbox)

    # 3. OSM: provincial extract(s) -> regional clip
    osm_path = region_dir / CACHE_FILES["osm"]
    extracts = [download(u, downloads / _download_name(u), md5_url=f"{u}.md5", force=force,
                         progress=progress, **http)
                for u in cfg.sources.osm_urls]  # Geofabrik publishes <extract>.md5
    if _reusable(osm_path, old_items.get("osm"), bbox, *(e.path for e in extracts)):
        items["osm"] = _item("osm", osm_path, True, old_items["osm"]["details"],
                             old_items["osm"]["updated"])
    else:
        log.info("clipping %s to %s", ", ".join(e.path.name for e in extracts), bbox)
        ostats = clip_osm([e.path for e in extracts], osm_path, bbox)
        items["osm"] = _item("osm", osm_path, False,
                             {**dataclasses.asdict(ostats), "bbox": list(bbox)}, _now())
    save_manifest(bbox)
    return FetchSummary(cfg.name, region_dir, bbox, tuple(items.values()))


def _item(name: str, path: Path, reused: bool, details: dict[str, Any], updated: str) -> FetchItem:
    return FetchItem(name=name, path=path, size_bytes=path.stat().st_size, updated=updated,
                     reused=reused, details=dict(details))


def _reusable(out: Path, old: dict[str, Any] | None, bbox: Bbox, *sources: Path) -> bool:
    """An earlier output is kept when it exists, has the same bbox and is newer than its sources."""
    if not out.exists() or not old:
        return False
    if old.get("details", {}).get("bbox") != list(bbox):
        return False
    return all(out.stat().st_mtime >= s.stat().st_mtime for s in sources)
