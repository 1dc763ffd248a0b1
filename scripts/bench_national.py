"""National-size benchmark on SYNTHETIC inputs at the scale of the Netherlands.

Nothing here is real data. ``generate`` writes, deterministically (fixed seeds,
no network), inputs shaped like the national ones into a cache folder OUTSIDE
the repository (``--dir``, default ``$ACCESSIBILITY_BENCH_DIR`` or
``~/.cache/accessibility-bench``), one folder per scale:

* ``streets.osm.pbf``: a walking network over the Dutch extent (RD New
  13-278 km x 306-620 km): towns are street grids (blocks of 60 m, a node every
  12 m), a rural road grid (every 1.92 km, a node every 120 m) links them;
  one building (a closed non-highway way) per four blocks, which the reader
  must skip. At 100 %: >= 10 million street nodes. Written with pyosmium's
  ``SimpleWriter``.
* ``gtfs-nl.zip`` in OVapi's layout (``calendar_dates`` only, quays per
  direction, OVapi's columns): bus lines through each town and on to a
  neighbouring town, trains between the larger towns. At 100 %: about 55,000
  stops and >= 2 million stop_times on the analysis day.
* ``buurten.gpkg``: about 14,000 buurten (tiles of each town) with inhabitants,
  342 gemeenten; ``gemeente_regions.csv``: a synthetic province and GGD region
  per gemeente; ``steunpunten.csv``: 278 steunpunten at bus stops.
* ``region.toml``: a region file for all of it (100 m cells: about 400,000
  populated cells at 100 %).

A scale ``s`` keeps the same densities on a centred part of the extent with
``s`` of its area, so every count grows with ``s``.

``run`` times each stage of a national white-spot run on them and records the
peak memory of each stage (``VmHWM``, reset between stages): OSM reading and
network build, timetable, population points, linking points, the
nearest-steunpunt search, coverage, outputs; then bounded candidate searches
(candidates per second). ``--cold`` starts without the network cache.
``report`` prints the growth table (Markdown) and draws the log-log plot.

Usage::

    python scripts/bench_national.py generate --scale 0.1
    python scripts/bench_national.py run --scale 0.1 --cold
    python scripts/bench_national.py run --scale 0.1
    python scripts/bench_national.py report --plot docs/performance_growth.png

Run one heavy process at a time: the 100 % run needs several GiB.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import math
import os
import resource
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

STEP_M = 12.0  # lattice step: one street node every 12 m
BLOCK_STEPS = 5  # streets every 60 m
RURAL_EVERY = 160  # rural roads every 1.92 km (a multiple of BLOCK_STEPS and RURAL_NODE)
RURAL_NODE = 10  # a rural node every 120 m
X0, X1, Y0, Y1 = 13_000.0, 278_000.0, 306_000.0, 620_000.0  # Dutch extent, RD New (m)
N_TOWNS = 2600
N_GEMEENTEN = 342
N_STEUNPUNTEN = 278
TILE_BLOCKS = 10  # buurt = 10 x 10 blocks (600 m)
PEOPLE_PER_HA = 52.0
DATE = "20261201"  # a Tuesday: the analysis day
SEED = 20241001
PROVINCES = ("Groningen", "Friesland", "Drenthe", "Overijssel", "Flevoland", "Gelderland",
             "Utrecht", "Noord-Holland", "Zuid-Holland", "Zeeland", "Noord-Brabant", "Limburg")


def default_dir() -> Path:
    """Where the synthetic inputs and results live (outside the repository)."""
    return Path(os.environ.get("ACCESSIBILITY_BENCH_DIR") or "~/.cache/accessibility-bench"
                ).expanduser()


def scale_dir(root: Path, scale: float) -> Path:
    return root / f"scale-{round(scale * 100):03d}"


# --------------------------------------------------------------------------- plan
@dataclass
class Towns:
    """Towns as lattice rectangles: lower-left corner (i0, j0) and K blocks per side."""

    i0: np.ndarray
    j0: np.ndarray
    k: np.ndarray

    def __len__(self) -> int:
        return len(self.k)


def extent(scale: float) -> tuple[float, float, float, float]:
    """The centred part of the Dutch extent with ``scale`` of its area (RD metres)."""
    cx, cy = (X0 + X1) / 2, (Y0 + Y1) / 2
    f = math.sqrt(scale)
    return cx - f * (X1 - X0) / 2, cy - f * (Y1 - Y0) / 2, cx + f * (X1 - X0) / 2, cy + f * (Y1 - Y0) / 2


def plan_towns(scale: float) -> Towns:
    """All towns of the full extent (seeded, non-overlapping), then those inside the scale's part."""
    rng = np.random.default_rng(SEED)
    rank = np.arange(1, N_TOWNS + 1)
    k_all = np.maximum(10, np.round(250 * rank ** -0.42)).astype(np.int64)
    ni = int((X1 - X0) / STEP_M)
    nj = int((Y1 - Y0) / STEP_M)
    cell = RURAL_EVERY  # occupancy grid in lattice steps
    occupied = np.zeros((ni // cell + 2, nj // cell + 2), dtype=bool)
    i0s, j0s, ks = [], [], []
    for k in k_all:  # largest first
        size = int(k) * BLOCK_STEPS
        for _ in range(200):
            i0 = int(rng.integers(0, ni - size)) // BLOCK_STEPS * BLOCK_STEPS
            j0 = int(rng.integers(0, nj - size)) // BLOCK_STEPS * BLOCK_STEPS
            ci = slice(i0 // cell, (i0 + size) // cell + 1)
            cj = slice(j0 // cell, (j0 + size) // cell + 1)
            if not occupied[ci, cj].any():
                occupied[ci, cj] = True
                i0s.append(i0)
                j0s.append(j0)
                ks.append(int(k))
                break
    i0a, j0a, ka = np.array(i0s), np.array(j0s), np.array(ks)
    x0, y0, x1, y1 = extent(scale)
    cx = X0 + (i0a + ka * BLOCK_STEPS / 2) * STEP_M
    cy = Y0 + (j0a + ka * BLOCK_STEPS / 2) * STEP_M
    inside = (cx >= x0) & (cx < x1) & (cy >= y0) & (cy < y1)
    return Towns(i0a[inside], j0a[inside], ka[inside])


def lattice_xy(i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return X0 + i * STEP_M, Y0 + j * STEP_M


def node_id(i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return (np.asarray(j, np.int64) * 30_000 + np.asarray(i, np.int64)) + 1


def to_wgs84(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True).transform(x, y)
    return np.round(lon, 7), np.round(lat, 7)


# --------------------------------------------------------------------------- OSM
def street_lines(towns: Towns, scale: float) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Ways as (highway, i, j) lattice node sequences: town grids, then rural roads."""
    ways = []
    for i0, j0, k in zip(towns.i0, towns.j0, towns.k, strict=True):
        n = int(k) * BLOCK_STEPS
        along = np.arange(n + 1)
        for m in range(int(k) + 1):
            off = m * BLOCK_STEPS
            kind = "tertiary" if m == int(k) // 2 else "residential"
            ways.append((kind, i0 + along, np.full(n + 1, j0 + off)))
            ways.append((kind if m else "footway", np.full(n + 1, i0 + off), j0 + along))
    x0, y0, x1, y1 = extent(scale)
    ia, ib = int((x0 - X0) / STEP_M), int((x1 - X0) / STEP_M)
    ja, jb = int((y0 - Y0) / STEP_M), int((y1 - Y0) / STEP_M)
    ia_r, ja_r = -(-ia // RURAL_EVERY) * RURAL_EVERY, -(-ja // RURAL_EVERY) * RURAL_EVERY
    ja_n, ia_n = -(-ja // RURAL_NODE) * RURAL_NODE, -(-ia // RURAL_NODE) * RURAL_NODE
    piece = 200 * RURAL_NODE
    for i in range(ia_r, ib + 1, RURAL_EVERY):
        for start in range(ja_n, jb, piece):
            j = np.arange(start, min(start + piece, jb) + 1, RURAL_NODE)
            if len(j) > 1:
                ways.append(("unclassified", np.full(len(j), i), j))
    for j in range(ja_r, jb + 1, RURAL_EVERY):
        for start in range(ia_n, ib, piece):
            i = np.arange(start, min(start + piece, ib) + 1, RURAL_NODE)
            if len(i) > 1:
                ways.append(("unclassified", i, np.full(len(i), j)))
    return ways


def buildings(towns: Towns) -> list[tuple[np.ndarray, np.ndarray]]:
    """One closed building outline (lattice sub-positions) per four blocks."""
    out = []
    for i0, j0, k in zip(towns.i0, towns.j0, towns.k, strict=True):
        for bi in range(0, int(k), 2):
            for bj in range(0, int(k), 2):
                ci, cj = i0 + bi * BLOCK_STEPS + 1, j0 + bj * BLOCK_STEPS + 1
                out.append((np.array([ci, ci + 3, ci + 3, ci, ci]) + 0.25,
                            np.array([cj, cj, cj + 3, cj + 3, cj]) + 0.25))
    return out


def write_osm(towns: Towns, scale: float, path: Path) -> dict:
    """The walking network (plus buildings) as a real .osm.pbf."""
    import osmium

    ways = street_lines(towns, scale)
    ids = np.unique(np.concatenate([node_id(i, j) for _, i, j in ways]))
    j_all, i_all = np.divmod(ids - 1, 30_000)
    lon, lat = to_wgs84(*lattice_xy(i_all, j_all))
    houses = buildings(towns)
    if houses:
        hi = np.concatenate([h[0][:4] for h in houses])
        hj = np.concatenate([h[1][:4] for h in houses])
        h_lon, h_lat = to_wgs84(*lattice_xy(hi, hj))
    next_id = int(ids.max()) + 1
    tmp = path.with_suffix(".part.pbf")
    if tmp.exists():
        tmp.unlink()
    t0 = time.perf_counter()
    with osmium.SimpleWriter(str(tmp)) as writer:
        node = osmium.osm.mutable.Node
        for nid, x, y in zip(ids.tolist(), lon.tolist(), lat.tolist(), strict=True):
            writer.add_node(node(id=nid, location=(x, y)))
        house_refs = []
        if houses:
            for x, y in zip(h_lon.tolist(), h_lat.tolist(), strict=True):
                writer.add_node(node(id=next_id, location=(x, y)))
                next_id += 1
            first = int(ids.max()) + 1
            house_refs = [[first + 4 * h, first + 4 * h + 1, first + 4 * h + 2, first + 4 * h + 3,
                           first + 4 * h] for h in range(len(houses))]
        way = osmium.osm.mutable.Way
        for wid, (kind, i, j) in enumerate(ways, start=1):
            writer.add_way(way(id=wid, nodes=node_id(i, j).tolist(), tags={"highway": kind}))
        for wid, refs in enumerate(house_refs, start=len(ways) + 1):
            writer.add_way(way(id=wid, nodes=refs, tags={"building": "house"}))
    tmp.replace(path)
    return {"street_nodes": int(len(ids)), "street_ways": len(ways), "buildings": len(houses),
            "write_s": round(time.perf_counter() - t0, 1)}


# --------------------------------------------------------------------------- GTFS
def _csv_bytes(header: list[str], rows) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode()


def _hms(seconds: np.ndarray) -> list[str]:
    s = np.asarray(seconds, dtype=np.int64)
    return [f"{h:02d}:{m:02d}:{x:02d}" for h, m, x in zip(s // 3600, s // 60 % 60, s % 60, strict=True)]


def bus_lines(towns: Towns) -> list[np.ndarray]:
    """Bus lines as lattice node sequences ``(n, 2)``: through a town, on to its neighbour."""
    from scipy.spatial import cKDTree

    cx = towns.i0 + towns.k * BLOCK_STEPS / 2
    cy = towns.j0 + towns.k * BLOCK_STEPS / 2
    tree = cKDTree(np.column_stack([cx, cy]))
    _, nearest = tree.query(np.column_stack([cx, cy]), k=min(4, len(towns)))
    nearest = np.atleast_2d(nearest)
    lines = []
    stop_every = 7 * BLOCK_STEPS  # 420 m
    for t in range(len(towns)):
        k = int(towns.k[t])
        n_lines = max(1, round(k / 7))
        for r in range(n_lines):
            row = towns.j0[t] + BLOCK_STEPS * int((r + 0.5) * k / n_lines)
            xs = np.arange(towns.i0[t], towns.i0[t] + k * BLOCK_STEPS + 1, stop_every)
            part = [np.column_stack([xs, np.full(len(xs), row)])]
            if nearest.shape[1] > 1:
                u = int(nearest[t, 1 + r % (nearest.shape[1] - 1)])
                ku = int(towns.k[u])
                col = towns.i0[u] + BLOCK_STEPS * (ku // 2)
                ys = np.arange(towns.j0[u], towns.j0[u] + ku * BLOCK_STEPS + 1, stop_every)
                part.append(np.column_stack([np.full(len(ys), col), ys]))
            lines.append(np.concatenate(part))
    return lines


def train_lines(towns: Towns, rng: np.random.Generator) -> list[np.ndarray]:
    """Trains between the larger towns: greedy chains of 8-14 stations 8-45 km apart."""
    big = np.argsort(-towns.k, kind="stable")[: max(2, len(towns) // 9)]
    ci = towns.i0[big] + BLOCK_STEPS * (towns.k[big] // 2)
    cj = towns.j0[big] + BLOCK_STEPS * (towns.k[big] // 2)
    xy = np.column_stack([ci, cj]).astype(float) * STEP_M
    lines = []
    for start in range(0, len(big), 6):
        chain = [start]
        for _ in range(int(rng.integers(7, 14))):
            d = np.hypot(*(xy - xy[chain[-1]]).T)
            ok = (d > 8000) & (d < 45000)
            ok[chain] = False
            if not ok.any():
                break
            chain.append(int(np.flatnonzero(ok)[np.argmin(d[ok])]))
        if len(chain) > 1:
            lines.append(np.column_stack([ci[chain], cj[chain]]))
    return lines


def write_gtfs(towns: Towns, path: Path) -> dict:
    """A feed in OVapi's layout with one service day (``DATE``)."""
    rng = np.random.default_rng(SEED + 1)
    buses = bus_lines(towns)
    trains = train_lines(towns, rng)
    stop_key: dict[tuple[int, int, int], int] = {}
    routes, trips = [], []
    n_stop_times = 0
    stops_of_line = []
    for kind, lines in (("bus", buses), ("rail", trains)):
        for line in lines:
            seq = []
            for d in (0, 1):
                nodes = line if d == 0 else line[::-1]
                ids = []
                for i, j in nodes.tolist():
                    ids.append(stop_key.setdefault((i, j, d + (2 if kind == "rail" else 0)),
                                                   len(stop_key)))
                seq.append((np.array(ids), nodes))
            stops_of_line.append((kind, seq))
    with zipfile.ZipFile(path.with_suffix(".part.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        st_buf = io.StringIO()
        st_w = csv.writer(st_buf, lineterminator="\n")
        st_w.writerow(["trip_id", "stop_sequence", "stop_id", "stop_headsign", "arrival_time",
                       "departure_time", "pickup_type", "drop_off_type", "timepoint",
                       "shape_dist_traveled", "fare_units_traveled"])
        for r, (kind, seq) in enumerate(stops_of_line, start=1):
            route_id = str(100_000 + r)
            rail = kind == "rail"
            routes.append([route_id, "NS" if rail else "SYNBUS", str(r % 900 + 1),
                           f"Lijn {r} (synthetisch)", "", 2 if rail else 3, "", "", ""])
            headway = 1800 if rail else (900 if len(seq[0][0]) > 12 else 1800)
            first = 6 * 3600 + int(rng.integers(0, headway))
            starts = np.arange(first, 23 * 3600 + 1800, headway)
            for d, (ids, nodes) in enumerate(seq):
                xy = nodes.astype(float) * STEP_M
                hop = np.hypot(*np.diff(xy, axis=0).T)
                speed = np.where(hop > 2000, 14.0, 6.0) if not rail else np.full(len(hop), 28.0)
                run = np.concatenate([[0], np.cumsum(np.round(hop / speed) + (0 if rail else 20))])
                for n, t0 in enumerate(starts):
                    trip_id = f"{route_id}{d}{n:03d}"
                    trips.append([route_id, f"{DATE}:{'rail' if rail else 'bus'}", trip_id,
                                  trip_id, f"Richting {d}", "", "", d, "", "", 0, 0])
                    times = _hms(t0 + run)
                    for s, (sid, tt) in enumerate(zip(ids.tolist(), times, strict=True), start=1):
                        st_w.writerow([trip_id, s, f"SYN:{sid}", "", tt, tt, 0, 0, 1, "", ""])
                    n_stop_times += len(ids)
        z.writestr("stop_times.txt", st_buf.getvalue())
        del st_buf
        keys = np.array(list(stop_key.keys()), dtype=np.int64)
        lon, lat = to_wgs84(*lattice_xy(keys[:, 0], keys[:, 1]))
        z.writestr("stops.txt", _csv_bytes(
            ["stop_id", "stop_code", "stop_name", "stop_lat", "stop_lon", "location_type",
             "parent_station", "stop_timezone", "wheelchair_boarding", "platform_code", "zone_id"],
            ([f"SYN:{sid}", "", f"Halte {sid}", f"{lat[sid]:.7f}", f"{lon[sid]:.7f}", 0, "", "",
              0, str(keys[sid, 2] % 2 + 1), ""] for sid in range(len(keys)))))
        z.writestr("routes.txt", _csv_bytes(
            ["route_id", "agency_id", "route_short_name", "route_long_name", "route_desc",
             "route_type", "route_color", "route_text_color", "route_url"], routes))
        z.writestr("trips.txt", _csv_bytes(
            ["route_id", "service_id", "trip_id", "realtime_trip_id", "trip_headsign",
             "trip_short_name", "trip_long_name", "direction_id", "block_id", "shape_id",
             "wheelchair_accessible", "bikes_allowed"], trips))
        z.writestr("agency.txt", _csv_bytes(
            ["agency_id", "agency_name", "agency_url", "agency_timezone", "agency_phone"],
            [["SYNBUS", "Synthetische bus", "https://example.org", "Europe/Amsterdam", ""],
             ["NS", "Synthetische trein", "https://example.org", "Europe/Amsterdam", ""]]))
        z.writestr("calendar_dates.txt", _csv_bytes(
            ["service_id", "date", "exception_type"],
            [[f"{DATE}:bus", DATE, 1], [f"{DATE}:rail", DATE, 1]]))
        z.writestr("feed_info.txt", _csv_bytes(
            ["feed_publisher_name", "feed_id", "feed_publisher_url", "feed_lang",
             "feed_start_date", "feed_end_date", "feed_version"],
            [["synthetic", "SYN", "https://example.org", "nl", DATE, DATE, "bench"]]))
        z.writestr("transfers.txt", _csv_bytes(
            ["from_stop_id", "to_stop_id", "from_route_id", "to_route_id", "from_trip_id",
             "to_trip_id", "transfer_type"], []))
    path.with_suffix(".part.zip").replace(path)
    return {"stops": len(stop_key), "routes": len(routes), "trips": len(trips),
            "stop_times": n_stop_times}


# --------------------------------------------------------------------------- areas
def gemeente_seeds() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seed points of the 342 gemeenten, 12 provinces and 25 GGD regions (RD metres)."""
    rng = np.random.default_rng(SEED + 2)
    def pts(n):
        return np.column_stack([rng.uniform(X0, X1, n), rng.uniform(Y0, Y1, n)])
    return pts(N_GEMEENTEN), pts(len(PROVINCES)), pts(25)


def write_areas(towns: Towns, out: Path) -> dict:
    """Buurten (tiles of the towns), gemeente_regions.csv and the steunpunten."""
    import geopandas as gpd
    import shapely
    from scipy.spatial import cKDTree

    gm_xy, prov_xy, ggd_xy = gemeente_seeds()
    rows = []
    block = BLOCK_STEPS * STEP_M
    for t in range(len(towns)):
        k = int(towns.k[t])
        bx, by = lattice_xy(towns.i0[t], towns.j0[t])
        for a in range(0, k, TILE_BLOCKS):
            for b in range(0, k, TILE_BLOCKS):
                w, h = min(TILE_BLOCKS, k - a), min(TILE_BLOCKS, k - b)
                x0, y0 = bx + a * block, by + b * block
                rows.append((x0, y0, x0 + w * block, y0 + h * block))
    boxes = np.array(rows)
    centre = np.column_stack([(boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2])
    gm = cKDTree(gm_xy).query(centre)[1]
    area_ha = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]) / 1e4
    per_gm = np.zeros(N_GEMEENTEN, dtype=np.int64)
    codes = []
    for g in gm:
        per_gm[g] += 1
        codes.append(f"BU{g + 1:04d}{per_gm[g]:04d}")
    gm_code = [f"GM{g + 1:04d}" for g in gm]
    gdf = gpd.GeoDataFrame({
        "buurtcode": codes, "buurtnaam": [f"Buurt {c[2:]}" for c in codes],
        "wijkcode": [f"WK{c[2:8]}" for c in codes], "wijknaam": [f"Wijk {c[2:8]}" for c in codes],
        "gemeentecode": gm_code, "gemeentenaam": [f"Gemeente {c[2:]}" for c in gm_code],
        "aantal_inwoners": np.round(area_ha * PEOPLE_PER_HA).astype(np.int64),
    }, geometry=shapely.box(boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]), crs="EPSG:28992")
    gdf.to_file(out / "buurten.gpkg", driver="GPKG", layer="buurten")
    # synthetic province and GGD region of each gemeente (nearest seed)
    prov = cKDTree(prov_xy).query(gm_xy)[1]
    ggd = cKDTree(ggd_xy).query(gm_xy)[1]
    with open(out / "gemeente_regions.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["gemeentecode", "gemeentenaam", "provincie", "ggd_code", "ggd_naam"])
        for g in range(N_GEMEENTEN):
            w.writerow([f"GM{g + 1:04d}", f"Gemeente {g + 1:04d}", PROVINCES[prov[g]],
                        f"GG{3000 + ggd[g] + 1}", f"GGD-regio {ggd[g] + 1}"])
    # steunpunten: at the centres of the biggest towns (each town at most one)
    order = np.argsort(-towns.k, kind="stable")
    n_sp = max(3, round(N_STEUNPUNTEN * len(towns) / N_TOWNS))
    chosen = order[: min(n_sp, len(order))]
    ci = towns.i0[chosen] + BLOCK_STEPS * (towns.k[chosen] // 2)
    cj = towns.j0[chosen] + BLOCK_STEPS * (towns.k[chosen] // 2)
    lon, lat = to_wgs84(*lattice_xy(ci, cj))
    with open(out / "steunpunten.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["id", "name", "lat", "lon", "kind", "capacity_weight"])
        for n in range(len(chosen)):
            w.writerow([f"SP{n + 1:03d}", f"Steunpunt {n + 1} (synthetisch)", f"{lat[n]:.7f}",
                        f"{lon[n]:.7f}", "steunpunt", 1])
    return {"buurten": len(gdf), "gemeenten": int(len(set(gm_code))),
            "inhabitants": int(gdf["aantal_inwoners"].sum()), "steunpunten": int(len(chosen))}


REGION_TOML = """# SYNTHETIC national-size benchmark region (scripts/bench_national.py); not real data.
name = "region"
title = "Synthetisch Nederland ({percent} %)"
synthetic = true
gemeenten = ["GM0001"]
province = "Utrecht"
crs = "EPSG:28992"

[inputs]
osm = "{dir}/streets.osm.pbf"
gtfs = ["{dir}/gtfs-nl.zip"]
buurten = "{dir}/buurten.gpkg"
locations = "{dir}/steunpunten.csv"
geocode_cache = "{dir}/geocode_cache.json"

[analysis]
date = "2026-12-01"
departure_time = "10:00"
window_minutes = 60
max_time_minutes = 90
max_time_walking_minutes = {walk}
norm_minutes = 45
grid_cell_m = 100
"""


def generate(root: Path, scale: float) -> Path:
    """Write all inputs of one scale (skips files that exist)."""
    out = scale_dir(root, scale)
    out.mkdir(parents=True, exist_ok=True)
    towns = plan_towns(scale)
    counts: dict[str, object] = {"scale": scale, "towns": len(towns)}
    t0 = time.perf_counter()
    if not (out / "streets.osm.pbf").exists():
        counts["osm"] = write_osm(towns, scale, out / "streets.osm.pbf")
    if not (out / "gtfs-nl.zip").exists():
        counts["gtfs"] = write_gtfs(towns, out / "gtfs-nl.zip")
    if not (out / "buurten.gpkg").exists():
        counts["areas"] = write_areas(towns, out)
    (out / "region.toml").write_text(
        REGION_TOML.format(percent=round(scale * 100), dir=out, walk=nederland_walk_minutes()),
        encoding="utf-8")
    counts["generate_s"] = round(time.perf_counter() - t0, 1)
    manifest = out / "generated.json"
    old = json.loads(manifest.read_text()) if manifest.exists() else {}
    manifest.write_text(json.dumps({**old, **counts}, indent=2))
    print(json.dumps(counts, indent=2))
    return out


def nederland_walk_minutes() -> int:
    """The national region's walking limit (data/regions/nederland.toml)."""
    import tomllib

    repo = Path(__file__).resolve().parents[1]
    cfg = tomllib.loads((repo / "data" / "regions" / "nederland.toml").read_text("utf-8"))
    return int(cfg["analysis"]["max_time_walking_minutes"])


# --------------------------------------------------------------------------- run
def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak_gib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def run(root: Path, scale: float, cold: bool, n_candidates: int, workers: int | None) -> dict:
    """Time every stage of a white-spot run (and bounded candidates) on one scale."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from accessibility.jobs.region import RegionData
    from accessibility.jobs.whitespots import coverage_inputs, nearest_times, region_coverage
    from accessibility.routing import link_points
    from accessibility.routing.bounded import bounded_candidate_times
    from accessibility.routing.distributed import open_runner

    out = scale_dir(root, scale)
    cache = out / "cache"
    if cold and cache.exists():
        import shutil

        shutil.rmtree(cache)
    stages: dict[str, dict[str, float]] = {}
    load_start = os.getloadavg()
    t_all = time.perf_counter()

    def stage(name: str, fn):
        _reset_peak()
        t = time.perf_counter()
        value = fn()
        stages[name] = {"seconds": round(time.perf_counter() - t, 2), "peak_gib": round(_peak_gib(), 2)}
        print(f"{name:28s} {stages[name]['seconds']:8.1f} s  peak {stages[name]['peak_gib']:.2f} GiB",
              flush=True)
        return value

    data = RegionData.load(out / "region.toml", cache_dir=cache)
    network = stage("osm_and_network", lambda: data.network)
    stage("timetable", lambda: network.timetable(data.request.date))
    stage("population_points", lambda: (data.buurten, data.epa, data.population))
    inputs = stage("linking_points", lambda: coverage_inputs(data))
    times = stage("nearest_steunpunt", lambda: nearest_times(data, inputs))
    coverage = stage("coverage", lambda: region_coverage(data, inputs.points, times))
    stage("outputs", lambda: _outputs(data, inputs, times, coverage, out / "output"))
    total = time.perf_counter() - t_all

    rng = np.random.default_rng(5)
    stops = network.stops.iloc[rng.choice(network.n_stops, size=min(n_candidates, network.n_stops),
                                          replace=False)]
    cands = stage("candidate_links", lambda: link_points(
        network, stops["stop_lat"].to_numpy(), stops["stop_lon"].to_numpy(), data.request,
        "egress"))
    with open_runner(workers) as runner:
        bounded = stage("bounded_candidates", lambda: bounded_candidate_times(
            network, inputs.origins, cands, data.request, times,
            map_chunks=None if workers is None else runner.map))
    result = {
        "scale": scale, "cold": cold, "from_cache": network.from_cache,
        "workers": workers, "load_start": load_start, "load_end": os.getloadavg(),
        "street_nodes": network.streets.n_nodes, "stops": network.n_stops,
        "stop_times_day": int(len(network.timetable(data.request.date).arrival)),
        "buurten": len(data.buurten.gdf), "points": int(inputs.origins.n_points),
        "access_entries": int(len(inputs.origins.stop_index)),
        "white_spot_total_s": round(total, 1),
        "peak_gib": round(max(s["peak_gib"] for s in stages.values()), 2),
        "candidates": cands.n_points,
        "candidates_per_s": round(cands.n_points / stages["bounded_candidates"]["seconds"], 2),
        "changed_points_per_candidate": round(bounded.point.size / max(cands.n_points, 1), 1),
        "stages": stages,
    }
    name = f"result-{'cold' if cold else 'warm'}{'-w' + str(workers) if workers else ''}.json"
    (out / name).write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "stages"}, indent=2))
    return result


def _outputs(data, inputs, times, coverage, out_dir: Path) -> None:
    """The files of a white-spot run: GeoPackage, CSV tables, the map, the web map, area tables."""
    from accessibility.analysis.areas import area_tables, read_gemeente_regions
    from accessibility.jobs.whitespots import buurt_layer
    from accessibility.outputs import maps, webmaps
    from accessibility.outputs.files import write_csv, write_geopackage

    out_dir.mkdir(parents=True, exist_ok=True)
    buurten = buurt_layer(data, coverage)
    steunpunten = inputs.steunpunten.to_crs(data.config.crs)
    write_geopackage({"buurten": buurten, "steunpunten": steunpunten}, out_dir / "whitespots.gpkg")
    write_csv(coverage.gemeenten, out_dir / "gemeenten.csv")
    regions = read_gemeente_regions(Path(data.inputs.buurten).parent / "gemeente_regions.csv")
    for level, table in area_tables(coverage, regions).items():
        write_csv(table, out_dir / f"{level}.csv")
    maps.plot_whitespots(buurten, steunpunten, data.config.analysis.norm_minutes,
                         data.config.title, data.caption_params(), out_dir / "whitespots.png")
    webmaps.whitespot_webmap(buurten, steunpunten, out_dir / "whitespots.html",
                             norm_minutes=data.config.analysis.norm_minutes,
                             title=data.config.title, caption_params=data.caption_params())


# --------------------------------------------------------------------------- report
STAGE_NAMES = ("osm_and_network", "timetable", "population_points", "linking_points",
               "nearest_steunpunt", "coverage", "outputs")


def report(root: Path, plot: Path | None) -> None:
    """Growth table (Markdown) of the runs found, and a log-log plot of the stage times."""
    results = []
    for d in sorted(root.glob("scale-*")):
        for kind in ("cold", "warm"):
            f = d / f"result-{kind}.json"
            if f.exists():
                results.append(json.loads(f.read_text()))
    if not results:
        sys.exit(f"no results under {root}; run `bench_national.py run` first")
    head = ["scale", "run", "street nodes", "stops", "stop_times", "points",
            *STAGE_NAMES, "total s", "peak GiB", "cand/s", "load (1 min)"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in results:
        cells = [f"{100 * r['scale']:.0f} %", "cold" if r["cold"] else "warm",
                 f"{r['street_nodes']:,}", f"{r['stops']:,}", f"{r['stop_times_day']:,}",
                 f"{r['points']:,}",
                 *(f"{r['stages'][s]['seconds']:.1f}" for s in STAGE_NAMES),
                 f"{r['white_spot_total_s']:.0f}", f"{r['peak_gib']:.1f}",
                 f"{r['candidates_per_s']:.1f}",
                 f"{r['load_start'][0]:.1f}-{r['load_end'][0]:.1f}"]
        print("| " + " | ".join(cells) + " |")
    if plot is None:
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cold = sorted((r for r in results if r["cold"]), key=lambda r: r["street_nodes"])
    fig, ax = plt.subplots(figsize=(7.5, 5))
    for s in STAGE_NAMES:
        ax.plot([r["street_nodes"] for r in cold], [max(r["stages"][s]["seconds"], 0.01) for r in cold],
                marker="o", label=s.replace("_", " "))
    nodes = np.array([r["street_nodes"] for r in cold], dtype=float)
    if len(nodes) > 1:
        ref = [r["white_spot_total_s"] for r in cold][0]
        ax.plot(nodes, ref * nodes / nodes[0], "k--", lw=0.8, label="linear growth")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("street nodes (synthetic, 10 %, 30 %, 100 % of NL scale)")
    ax.set_ylabel("seconds (cold run, 2 cores)")
    ax.set_title("National white-spot run: time per stage vs size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(plot, dpi=110)
    print(f"plot: {plot}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("generate", "run"):
        p = sub.add_parser(name)
        p.add_argument("--scale", type=float, required=True, help="0.1, 0.3 or 1.0")
        p.add_argument("--dir", type=Path, default=default_dir())
        if name == "run":
            p.add_argument("--cold", action="store_true", help="start without the network cache")
            p.add_argument("--candidates", type=int, default=200)
            p.add_argument("--workers", type=int, default=None)
    p = sub.add_parser("report")
    p.add_argument("--dir", type=Path, default=default_dir())
    p.add_argument("--plot", type=Path, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if args.command == "generate":
        generate(args.dir, args.scale)
    elif args.command == "run":
        if not (scale_dir(args.dir, args.scale) / "region.toml").exists():
            generate(args.dir, args.scale)
        run(args.dir, args.scale, args.cold, args.candidates, args.workers)
    else:
        report(args.dir, args.plot)


if __name__ == "__main__":
    main()
