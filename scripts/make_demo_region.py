"""Generate the SYNTHETIC demo region "Veenstad" (fictional, on the Markermeer).

The region is invented: a town (Veenstad, 25,000 inhabitants), five villages, a
polder road grid, a railway, four bus lines, CBS-style buurten, steunpunten and
an offline PDOK-style gazetteer. Nothing in it describes a real place. It lets
the toolkit run end to end without network access and gives tests a small,
fully known input.

The output is deterministic: a fixed seed, no network access, and every number
written with a fixed number of decimals, so two runs give the same bytes.

Usage::

    python scripts/make_demo_region.py --out data/demo

Coordinates are planned in kilometres on a local grid (origin at the south-west
corner of the region) and placed in RD New (EPSG:28992) at ``X0_M`` / ``Y0_M``;
files carry WGS84 (EPSG:4326) degrees.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import math
import os
import random
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from pyproj import Transformer
from shapely import STRtree
from shapely.geometry import LineString, MultiLineString, Point, Polygon, box
from shapely.geometry.polygon import orient
from shapely.ops import unary_union

SEED = 20261201
X0_M = 132_000.0  # RD x of the local origin (south-west corner), metres
Y0_M = 494_500.0  # RD y of the local origin, metres
WIDTH_KM = 30.0
HEIGHT_KM = 25.0
SYNTHETIC_LABEL = "SYNTHETIC demo data (fictional region Veenstad, not a real place)"

# RD New -> WGS84 (lon, lat) with the Helmert "Amersfoort to WGS 84 (4)" (EPSG:4833,
# accuracy 1 m), spelled out so that the output does not depend on which PROJ version
# or transformation grids are installed (same bytes everywhere).
RD_TO_WGS84_PIPELINE = (
    "+proj=pipeline +step +inv +proj=sterea +lat_0=52.1561605555556 +lon_0=5.38763888888889 "
    "+k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel +step +proj=push +v_3 "
    "+step +proj=cart +ellps=bessel +step +proj=helmert +x=565.4171 +y=50.3319 +z=465.5524 "
    "+rx=0.398957388243134 +ry=-0.343987817378283 +rz=1.87740163998045 +s=4.0725 "
    "+convention=coordinate_frame +step +inv +proj=cart +ellps=WGS84 +step +proj=pop +v_3 "
    "+step +proj=unitconvert +xy_in=rad +xy_out=deg"
)
TO_WGS84 = Transformer.from_pipeline(RD_TO_WGS84_PIPELINE)

Km = tuple[float, float]


# --------------------------------------------------------------------------- #
# Small helpers
# --------------------------------------------------------------------------- #
def rd(p: Km) -> tuple[float, float]:
    """Local kilometres -> RD New metres (rounded to 1 cm)."""
    return (round(X0_M + p[0] * 1000.0, 2), round(Y0_M + p[1] * 1000.0, 2))


def lonlat(p_rd: tuple[float, float]) -> tuple[float, float]:
    """RD New metres -> WGS84 (lon, lat) degrees rounded to 7 decimals (~1 cm)."""
    lon, lat = TO_WGS84.transform(p_rd[0], p_rd[1])
    return (round(lon, 7), round(lat, 7))


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 with ``\\n`` line ends: temp file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Render rows as CSV text (minimal quoting, ``\\n`` line ends)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return buf.getvalue()


def split_integer(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def positions(anchors: Sequence[float], spacing_km: float, rng: random.Random) -> list[float]:
    """Street positions between consecutive anchors with irregular spacing (km).

    Every anchor is kept exactly; between two anchors the gaps vary by +-20 %
    around ``spacing_km`` and add up to the anchor distance.
    """
    out = [anchors[0]]
    for a, b in zip(anchors[:-1], anchors[1:], strict=True):
        n = max(1, round((b - a) / spacing_km))
        weights = [rng.uniform(0.8, 1.2) for _ in range(n)]
        s = sum(weights)
        acc = a
        for w in weights[:-1]:
            acc += (b - a) * w / s
            out.append(round(acc, 4))
        out.append(b)
    return out


# --------------------------------------------------------------------------- #
# Plan of the region (local km)
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Gemeente:
    """A fictional gemeente: CBS code, name and area (local km)."""

    code: str  # "GM9901"
    name: str
    area: Polygon  # local km


@dataclass(frozen=True)
class Place:
    """A settlement (woonplaats) with a rectangular built-up area."""

    name: str
    gemeente: str  # "GM99xx"
    center: Km
    half: Km  # half width, half height in km
    population: int
    pc4: str
    woonplaatscode: str
    street_spacing_km: float  # 0 for a sparse village without a street grid
    buurten: tuple[str, ...]  # names, split west -> east

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (
            round(self.center[0] - self.half[0], 4),
            round(self.center[1] - self.half[1], 4),
            round(self.center[0] + self.half[0], 4),
            round(self.center[1] + self.half[1], 4),
        )


GEMEENTEN = (
    Gemeente("GM9901", "Veenstad", box(9.0, 6.25, 21.0, 25.0)),
    Gemeente(
        "GM9902",
        "Molenwaard",
        Polygon([(0.0, 0.0), (21.0, 0.0), (21.0, 6.25), (9.0, 6.25), (9.0, 25.0), (0.0, 25.0)]),
    ),
    Gemeente("GM9903", "Heideland", box(21.0, 0.0, 30.0, 25.0)),
)

TOWN = Place(
    "Veenstad", "GM9901", (15.0, 12.3), (1.5, 1.3), 25_000, "9926", "9961", 0.125, ()
)
VILLAGES = (
    Place("Oosterhoeve", "GM9903", (27.0, 13.0), (0.7, 0.55), 4_500, "9928", "9962", 0.11,
          ("Oosterhoeve-West", "Oosterhoeve-Kern", "Oosterhoeve-Oost")),
    Place("Molenwijk", "GM9902", (3.0, 15.0), (0.6, 0.5), 3_000, "9929", "9963", 0.11,
          ("Molenwijk-West", "Molenwijk-Oost")),
    Place("Zandrecht", "GM9902", (14.0, 2.5), (0.5, 0.45), 2_500, "9935", "9964", 0.11,
          ("Zandrecht-Dorp", "Zandrecht-Oost")),
    Place("Kreekdijk", "GM9902", (3.5, 3.5), (0.4, 0.35), 1_500, "9938", "9965", 0.11,
          ("Kreekdijk",)),
    Place("Heidedorp", "GM9903", (23.5, 22.5), (0.8, 0.7), 1_200, "9940", "9966", 0.0,
          ("Heidedorp",)),
)
PLACES = (TOWN, *VILLAGES)
PLACE = {p.name: p for p in PLACES}

# Town buurten: 5 columns x 4 rows; wijk by column (west, centre, east).
TOWN_COLS, TOWN_ROWS = 5, 4
TOWN_BUURT_NAMES = (
    "Turfhaven", "Rietlanden", "Wilgenhof", "Veenpark",
    "Kanaalzone", "Vogelbuurt", "Schippersbuurt", "Lindenhof",
    "Stationskwartier-Zuid", "Centrum", "Marktkwartier", "Stationskwartier-Noord",
    "Bedrijventerrein De Vaart", "Bloemenbuurt", "Sluiskwartier", "Berkenhof",
    "Havenkwartier", "Essenlaan", "Reigersbos", "Kievitsveld",
)
TOWN_EMPTY_BUURT = "Bedrijventerrein De Vaart"  # an industrial buurt without inhabitants
TOWN_WIJKEN = (("01", "Veenstad-West"), ("02", "Veenstad-Centrum"), ("03", "Veenstad-Oost"))

# Rural buurten: the gemeente areas cut by these tiles, minus the built-up areas.
RURAL_TILES = (
    ("GM9901", "Buitengebied Veenstad-Zuidwest", box(9.0, 6.25, 15.0, 15.625)),
    ("GM9901", "Buitengebied Veenstad-Zuidoost", box(15.0, 6.25, 21.0, 15.625)),
    ("GM9901", "Buitengebied Veenstad-Noordwest", box(9.0, 15.625, 15.0, 25.0)),
    ("GM9901", "Buitengebied Veenstad-Noordoost", box(15.0, 15.625, 21.0, 25.0)),
    ("GM9902", "Kreekpolder", box(0.0, 0.0, 9.0, 6.25)),
    ("GM9902", "Molenpolder-Zuid", box(0.0, 6.25, 9.0, 12.5)),
    ("GM9902", "Molenpolder-Noord", box(0.0, 12.5, 9.0, 18.75)),
    ("GM9902", "Noorderkavels", box(0.0, 18.75, 9.0, 25.0)),
    ("GM9902", "Zandpolder-West", box(9.0, 0.0, 15.0, 6.25)),
    ("GM9902", "Zandpolder-Oost", box(15.0, 0.0, 21.0, 6.25)),
    ("GM9903", "Zuiderheide", box(21.0, 0.0, 30.0, 6.25)),
    ("GM9903", "Oosterpolder", box(21.0, 6.25, 30.0, 12.5)),
    ("GM9903", "Hoeveland", box(21.0, 12.5, 30.0, 18.75)),
    ("GM9903", "Heidevelden", box(21.0, 18.75, 30.0, 25.0)),
)

# Age groups (CBS columns) and their base shares.
AGE_COLUMNS = (
    "aantal_inwoners_0_tot_15_jaar",
    "aantal_inwoners_15_tot_25_jaar",
    "aantal_inwoners_25_tot_45_jaar",
    "aantal_inwoners_45_tot_65_jaar",
    "aantal_inwoners_65_jaar_en_ouder",
)
AGE_SHARES_TOWN = (0.16, 0.13, 0.26, 0.26, 0.19)
AGE_SHARES_VILLAGE = (0.15, 0.11, 0.21, 0.29, 0.24)

POLDER_EW_Y = tuple(round(0.5 + 0.9 * k, 4) for k in range(28))
POLDER_NS_X = tuple(1.25 + 2.5 * k for k in range(12))
POLDER_EW_NAMES = (
    "Aakweg", "Botterweg", "Koggeweg", "Schouwweg", "Praamweg", "Tjalkweg", "Punterweg",
    "Hoekerweg", "Galjoenweg", "Fluitweg", "Kotterweg", "Schokkerweg", "Bonsweg", "Snikweg",
    "Pluutweg", "Zompweg", "Hengstweg", "Boeierweg", "Klipperweg", "Skutsjeweg",
    "Hoogaarsweg", "Kaagweg", "Vletweg", "Sloepweg", "Jolweg", "Schuitweg", "Beurtveerweg",
    "Galliotweg",
)
POLDER_NS_NAMES = (
    "Eerste Tocht", "Tweede Tocht", "Derde Tocht", "Vierde Tocht", "Vijfde Tocht",
    "Zesde Tocht", "Zevende Tocht", "Achtste Tocht", "Negende Tocht", "Tiende Tocht",
    "Elfde Tocht", "Twaalfde Tocht",
)
STREET_PREFIXES = (
    "Veen", "Turf", "Riet", "Wilgen", "Berken", "Eiken", "Linden", "Essen", "Beuken",
    "Populieren", "Kievit", "Reiger", "Merel", "Lijster", "Zwaluw", "Meeuwen", "Fuut",
    "Kanaal", "Haven", "Sluis", "Dijk", "Polder", "Kreek", "Zand", "Heide", "Boeren",
    "Vissers", "Schippers", "Tulpen", "Rozen", "Krokus", "Narcissen", "Iris", "Distel",
    "Klaver", "Hazel", "Vlier", "Meidoorn", "Brem", "Varen", "Lis", "Kamille", "Zuring",
    "Wikke", "Dotter", "Egelantier", "Hop", "Vlas", "Koren", "Haver", "Gerst", "Rogge",
)
STREET_SUFFIXES = ("straat", "laan", "weg", "kade", "singel", "hof", "pad")

# Fixed street names that other files refer to (addresses, stops).
TOWN_MAIN_NS = "Stationsstraat"  # x = 15.0
TOWN_MAIN_EW = "Spoorlaan"  # y = 12.3
TOWN_KERKSTRAAT_X = 14.0  # the town column nearest this x is "Kerkstraat"
VILLAGE_MAIN_NS = "Dorpsstraat"
VILLAGE_MAIN_EW = {"Molenwijk": "Stationsweg", "Oosterhoeve": "Stationsweg",
                   "Zandrecht": "Stationsplein"}
VILLAGE_SECOND_NS = "Kerkstraat"


# --------------------------------------------------------------------------- #
# Streets
# --------------------------------------------------------------------------- #
@dataclass
class Way:
    """One OSM way planned as a polyline in local km."""

    coords: list[Km]
    tags: dict[str, str]
    walkable: bool = True
    max_seg_km: float = 0.2
    splits: list[Km] = field(default_factory=list)


def _street_names(rng: random.Random, n: int, used: set[str]) -> list[str]:
    """``n`` new Dutch-sounding street names not yet in ``used`` (which grows)."""
    names: list[str] = []
    while len(names) < n:
        name = rng.choice(STREET_PREFIXES) + rng.choice(STREET_SUFFIXES)
        if name not in used:
            used.add(name)
            names.append(name)
    return names


def grid_ways(place: Place, rng: random.Random) -> tuple[list[Way], list[float], list[float]]:
    """Street grid of a town or village: one way per column and per row."""
    x0, y0, x1, y1 = place.bbox
    cx, cy = place.center
    cols = positions([x0, cx, x1], place.street_spacing_km, rng)
    rows = positions([y0, cy, y1], place.street_spacing_km, rng)
    used = {TOWN_MAIN_NS, TOWN_MAIN_EW, VILLAGE_MAIN_NS, VILLAGE_SECOND_NS, "Stationsweg",
            "Stationsplein", "Brink", "Markt"}
    col_names = _street_names(rng, len(cols), used)
    row_names = _street_names(rng, len(rows), used)
    ways: list[Way] = []
    town = place is TOWN
    # The second column (villages) or the column nearest TOWN_KERKSTRAAT_X is "Kerkstraat".
    kerk_x = min(cols, key=lambda c: abs(c - TOWN_KERKSTRAAT_X)) if town else cols[1]
    for i, x in enumerate(cols):
        name, highway = col_names[i], "residential"
        if x == cx:
            name = TOWN_MAIN_NS if town else VILLAGE_MAIN_NS
            highway = "tertiary"
        elif x == kerk_x:
            name = VILLAGE_SECOND_NS
        ways.append(Way([(x, y0), (x, y1)], {"highway": highway, "name": name}, max_seg_km=0.06))
    for j, y in enumerate(rows):
        name, highway = row_names[j], "residential"
        if y == cy:
            if town:
                name, highway = TOWN_MAIN_EW, "tertiary"
            elif place.name in VILLAGE_MAIN_EW:
                name = VILLAGE_MAIN_EW[place.name]
        ways.append(Way([(x0, y), (x1, y)], {"highway": highway, "name": name}, max_seg_km=0.06))
    return ways, cols, rows


def town_extras(cols: list[float], rows: list[float]) -> list[Way]:
    """Footways through a park and a pedestrian market street in Veenstad."""
    # Park: diagonal footways across the block pair north-east of the centre.
    i = cols.index(TOWN.center[0])
    j = rows.index(TOWN.center[1])
    a, b = (cols[i + 2], rows[j + 2]), (cols[i + 4], rows[j + 4])
    c, d = (cols[i + 2], rows[j + 4]), (cols[i + 4], rows[j + 2])
    return [
        Way([a, b], {"highway": "footway", "name": "Veenparkpad"}, max_seg_km=0.06),
        Way([c, d], {"highway": "footway"}, max_seg_km=0.06),
        # Market: a mid-block pedestrian street west of the main street.
        Way([(round((cols[i - 1] + cols[i - 2]) / 2, 4), rows[j - 1]),
             (round((cols[i - 1] + cols[i - 2]) / 2, 4), rows[j - 2])],
            {"highway": "pedestrian", "name": "Markt"}, max_seg_km=0.06),
    ]


def heidedorp_ways() -> list[Way]:
    """The sparse village: a few long roads and one footpath, no grid.

    With the Heideweg and the Schaapsdrift arriving diagonally, every point of the
    built-up area lies within about 400 m of a road.
    """
    return [
        Way([(21.25, 22.5), (26.25, 22.5)], {"highway": "unclassified", "name": "Dorpsweg"},
            max_seg_km=0.15),
        Way([(23.5, 21.2), (23.5, 23.9)], {"highway": "unclassified", "name": "Brink"},
            max_seg_km=0.15),
        Way([(22.7, 22.95), (24.3, 22.95)], {"highway": "residential", "name": "Noorderweg"},
            max_seg_km=0.15),
        Way([(23.5, 22.5), (23.9, 22.9)], {"highway": "path", "name": "Kerkpad"},
            max_seg_km=0.15),
    ]


def connector_ways() -> list[Way]:
    """Roads between the town and the villages."""
    t = TOWN.bbox
    return [
        Way([(t[0], 12.3), (3.6, 15.0)], {"highway": "secondary", "name": "Molenweg"}),
        Way([(t[2], 12.3), (26.3, 13.0)], {"highway": "secondary", "name": "Oosterweg"}),
        Way([(15.0, t[1]), (14.0, 2.95)], {"highway": "tertiary", "name": "Zandrechterweg"}),
        Way([(3.0, 14.5), (3.5, 3.85)], {"highway": "tertiary", "name": "Kreekweg"}),
        Way([(13.5, 2.5), (3.9, 3.5)], {"highway": "unclassified", "name": "Zanddijk"}),
        Way([(16.0, t[3]), (23.5, 22.5)], {"highway": "tertiary", "name": "Heideweg"}),
        Way([(27.0, 13.55), (24.5, 22.5)], {"highway": "unclassified", "name": "Schaapsdrift"}),
        Way([(0.4, 0.3), (29.6, 0.3)], {"highway": "path", "name": "Dijkpad"}),
    ]


def polder_ways() -> list[Way]:
    """The polder grid (east-west roads, north-south tochten), cut out of the built-up areas."""
    holes = unary_union([box(*p.bbox) for p in PLACES])
    out: list[Way] = []
    lines = [((0.0, y), (WIDTH_KM, y), POLDER_EW_NAMES[k], "unclassified")
             for k, y in enumerate(POLDER_EW_Y)]
    lines += [((x, 0.0), (x, HEIGHT_KM), POLDER_NS_NAMES[k], "unclassified" if k % 2 else "track")
              for k, x in enumerate(POLDER_NS_X)]
    for a, b, name, highway in lines:
        rest = LineString([a, b]).difference(holes)
        parts = list(rest.geoms) if isinstance(rest, MultiLineString) else [rest]
        for part in sorted(parts, key=lambda g: g.bounds):
            if part.length < 0.05:
                continue
            coords = [(round(x, 4), round(y, 4)) for x, y in part.coords]
            out.append(Way(coords, {"highway": highway, "name": name}))
    return out


def barrier_ways() -> list[Way]:
    """Ways that pedestrians may not use: a motorway and the railway (no shared nodes)."""
    return [
        Way([(19.0, 0.0), (19.0, HEIGHT_KM)],
            {"highway": "motorway", "ref": "A99", "name": "Rijksweg A99 (fictief)",
             "oneway": "no", "maxspeed": "100"}, walkable=False, max_seg_km=0.5),
        Way(RAILWAY, {"railway": "rail", "name": "Spoorlijn Molenwijk - Oosterhoeve",
                      "usage": "branch"}, walkable=False, max_seg_km=0.5),
    ]


RAILWAY: list[Km] = [(0.0, 15.025), (3.6, 15.025), (13.5, 12.325), (16.5, 12.325),
                     (26.3, 13.025), (WIDTH_KM, 13.025)]


#: A lake between two polder roads and a canal between two others: water for the map
#: background (not walkable, crossing no walkable way except the canal's bridges).
LAKE: list[Km] = [(9.0, 18.62), (11.0, 18.62), (11.0, 19.28), (9.0, 19.28), (9.0, 18.62)]
CANAL: list[Km] = [(0.0, 9.95), (WIDTH_KM, 9.95)]


def background_features() -> tuple[list[tuple[Km, dict[str, str]]], list[Way]]:
    """What the map background draws: place names, built-up land and water.

    Returns ``place`` nodes (Veenstad a town, the others villages) and
    non-walkable ways: ``landuse=residential`` around every built-up area,
    the lake Veenplas and the canal Veenvaart. None of them shares a node with
    a street, so routing does not see them.
    """
    nodes = [(p.center, {"place": "town" if p is TOWN else "village", "name": p.name})
             for p in PLACES]
    ways = []
    for p in PLACES:
        x0, y0, x1, y1 = p.bbox
        x0, y0, x1, y1 = x0 - 0.05, y0 - 0.05, x1 + 0.05, y1 + 0.05
        ways.append(Way([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)],
                        {"landuse": "residential", "name": p.name}, walkable=False,
                        max_seg_km=10.0))
    ways.append(Way(LAKE, {"natural": "water", "water": "lake", "name": "Veenplas"},
                    walkable=False, max_seg_km=10.0))
    ways.append(Way(CANAL, {"waterway": "canal", "name": "Veenvaart"}, walkable=False,
                    max_seg_km=10.0))
    return nodes, ways


def node_walkable_intersections(ways: list[Way]) -> None:
    """Record where walkable ways cross or touch, so they share a node there."""
    walk = [w for w in ways if w.walkable]
    geoms = [LineString(w.coords) for w in walk]
    tree = STRtree(geoms)
    for i, j in zip(*tree.query(geoms, predicate="intersects"), strict=True):
        if i >= j:
            continue
        inter = geoms[i].intersection(geoms[j])
        pts = [inter] if isinstance(inter, Point) else [
            g for g in getattr(inter, "geoms", []) if isinstance(g, Point)
        ]
        for p in pts:
            q = (round(p.x, 4), round(p.y, 4))
            walk[i].splits.append(q)
            walk[j].splits.append(q)


def way_vertices(w: Way) -> list[Km]:
    """Vertices of a way: its corners, its crossings, and fill-in points every max_seg_km."""
    line = LineString(w.coords)
    stations = {0.0: w.coords[0], round(line.length, 6): w.coords[-1]}
    for c in w.coords[1:-1] + w.splits:
        stations[round(line.project(Point(c)), 6)] = c
    keys = sorted(stations)
    out: list[Km] = []
    for a, b in zip(keys[:-1], keys[1:], strict=True):
        out.append(stations[a])
        n = math.ceil((b - a) / w.max_seg_km - 1e-9)
        for k in range(1, n):
            p = line.interpolate(a + (b - a) * k / n)
            out.append((round(p.x, 4), round(p.y, 4)))
    out.append(stations[keys[-1]])
    dedup = [out[0]]
    for p in out[1:]:
        if p != dedup[-1]:
            dedup.append(p)
    return dedup


def osm_xml(ways: list[Way], place_nodes: Sequence[tuple[Km, dict[str, str]]] = (),
            areas: Sequence[Way] = ()) -> tuple[str, dict[str, int]]:
    """Render ways as OSM XML 0.6; returns the text and counts.

    ``place_nodes`` (tagged nodes) and ``areas`` (background ways) come after
    the streets with nodes of their own, so that the streets keep their ids.
    """
    node_id: dict[Km, int] = {}
    way_nodes: list[list[int]] = []
    for w in ways:
        ids = []
        for v in way_vertices(w):
            if v not in node_id:
                node_id[v] = len(node_id) + 1
            ids.append(node_id[v])
        way_nodes.append(ids)
    n_street_nodes = len(node_id)
    extra_nodes: list[tuple[int, Km, dict[str, str]]] = []
    for v, tags in place_nodes:
        extra_nodes.append((n_street_nodes + len(extra_nodes) + 1, v, tags))
    for w in areas:
        ids = []
        for v in w.coords:
            if ids and v == w.coords[0]:
                ids.append(ids[0])  # a closed way ends on its first node
                continue
            extra_nodes.append((n_street_nodes + len(extra_nodes) + 1, v, {}))
            ids.append(extra_nodes[-1][0])
        way_nodes.append(ids)
    ways = [*ways, *areas]
    coords = {i: lonlat(rd(v)) for v, i in node_id.items()}
    lons = [c[0] for c in coords.values()]
    lats = [c[1] for c in coords.values()]
    lines = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        f"<!-- {SYNTHETIC_LABEL}. Generated by scripts/make_demo_region.py. -->",
        '<osm version="0.6" generator="make_demo_region.py (synthetic)">',
        f'  <bounds minlat="{min(lats):.7f}" minlon="{min(lons):.7f}" '
        f'maxlat="{max(lats):.7f}" maxlon="{max(lons):.7f}"/>',
    ]
    for i in sorted(coords):
        lon, lat = coords[i]
        lines.append(f'  <node id="{i}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    for i, v, tags in extra_nodes:
        lon, lat = lonlat(rd(v))
        if not tags:
            lines.append(f'  <node id="{i}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
            continue
        lines.append(f'  <node id="{i}" version="1" lat="{lat:.7f}" lon="{lon:.7f}">')
        lines.extend(f'    <tag k="{k}" v="{_xml_escape(val)}"/>' for k, val in tags.items())
        lines.append('    <tag k="note" v="synthetic"/>')
        lines.append("  </node>")
    for k, (w, ids) in enumerate(zip(ways, way_nodes, strict=True), start=1):
        lines.append(f'  <way id="{k}" version="1">')
        lines.extend(f'    <nd ref="{i}"/>' for i in ids)
        for key, value in w.tags.items():
            lines.append(f'    <tag k="{key}" v="{_xml_escape(value)}"/>')
        lines.append('    <tag k="note" v="synthetic"/>')
        lines.append("  </way>")
    lines.append("</osm>")
    return "\n".join(lines) + "\n", {"nodes": len(node_id) + len(extra_nodes),
                                      "ways": len(ways), "places": len(place_nodes),
                                      "areas": len(areas),
                                      "max_gap_m": max_gap_m(ways)}


def max_gap_m(ways: list[Way], step_km: float = 0.1) -> int:
    """Largest distance (m, rounded up to 10 m) from a point of the region to a walkable way."""
    lines = [LineString(w.coords) for w in ways if w.walkable]
    tree = STRtree(lines)
    nx, ny = round(WIDTH_KM / step_km), round(HEIGHT_KM / step_km)
    pts = [Point((i + 0.5) * step_km, (j + 0.5) * step_km) for i in range(nx) for j in range(ny)]
    _, dist = tree.query_nearest(pts, return_distance=True, all_matches=False)
    return int(math.ceil(float(dist.max()) * 100) * 10)


def _xml_escape(s: str) -> str:
    """Escape a string for an XML attribute value."""
    return (s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def build_streets(rng: random.Random) -> tuple[list[Way], dict[str, tuple[list, list]]]:
    """All ways of the region and the grid positions of every gridded place."""
    ways: list[Way] = []
    grids: dict[str, tuple[list, list]] = {}
    for place in PLACES:
        if place.street_spacing_km == 0:
            continue
        g, cols, rows = grid_ways(place, rng)
        ways += g
        grids[place.name] = (cols, rows)
    ways += town_extras(*grids[TOWN.name])
    ways += heidedorp_ways() + connector_ways() + polder_ways() + barrier_ways()
    node_walkable_intersections(ways)
    return ways, grids


def midblock(lines: Sequence[float], target: float) -> float:
    """The point halfway between the two street lines that enclose ``target`` (km)."""
    for a, b in zip(lines[:-1], lines[1:], strict=True):
        if a <= target <= b:
            return round((a + b) / 2, 4)
    raise ValueError(f"{target} lies outside the street lines {lines[0]}..{lines[-1]}")


# --------------------------------------------------------------------------- #
# Buurten and gemeenten
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Buurt:
    """A fictional CBS buurt with its population per age group."""

    code: str
    name: str
    wijkcode: str
    wijknaam: str
    gemeente: Gemeente
    area: Polygon  # local km
    population: int
    ages: tuple[int, ...]


def age_split(total: int, shares: Sequence[float], rng: random.Random) -> tuple[int, ...]:
    """Split a population into the five CBS age groups, shares perturbed by +-15 %."""
    return tuple(split_integer(total, [s * rng.uniform(0.85, 1.15) for s in shares]))


def build_buurten(rng: random.Random) -> list[Buurt]:
    """CBS-style buurten that cover the region without gaps or overlaps."""
    gem = {g.code: g for g in GEMEENTEN}
    out: list[Buurt] = []
    counters: dict[tuple[str, str], int] = {}

    def add(gcode: str, wijk: tuple[str, str], name: str, area: Polygon, pop: int,
            shares: Sequence[float]) -> None:
        key = (gcode, wijk[0])
        counters[key] = counters.get(key, 0) + 1
        code = f"BU{gcode[2:]}{wijk[0]}{counters[key]:02d}"
        out.append(Buurt(code, name, f"WK{gcode[2:]}{wijk[0]}", wijk[1], gem[gcode], area, pop,
                         age_split(pop, shares, rng)))

    # Town: 5 x 4 rectangles, populations weighted towards the centre.
    x0, y0, x1, y1 = TOWN.bbox
    dx, dy = (x1 - x0) / TOWN_COLS, (y1 - y0) / TOWN_ROWS
    names = iter(TOWN_BUURT_NAMES)
    cells = []
    for i in range(TOWN_COLS):
        for j in range(TOWN_ROWS):
            name = next(names)
            weight = 0.0 if name == TOWN_EMPTY_BUURT else rng.uniform(0.6, 1.4) * (
                1.3 if i == 2 else 1.0)
            cells.append((i, j, name, weight))
    pops = split_integer(TOWN.population, [c[3] for c in cells])
    for (i, j, name, _), pop in zip(cells, pops, strict=True):
        wijk = TOWN_WIJKEN[0 if i < 2 else 1 if i == 2 else 2]
        cell = box(round(x0 + i * dx, 4), round(y0 + j * dy, 4),
                   round(x0 + (i + 1) * dx, 4), round(y0 + (j + 1) * dy, 4))
        add("GM9901", wijk, name, cell, pop, AGE_SHARES_TOWN)

    # Villages: vertical strips of the built-up rectangle, one wijk per village.
    wijk_no = {"GM9902": 0, "GM9903": 0}
    for v in VILLAGES:
        wijk_no[v.gemeente] += 1
        wijk = (f"{wijk_no[v.gemeente]:02d}", v.name)
        bx0, by0, bx1, by1 = v.bbox
        n = len(v.buurten)
        edges = [round(bx0 + (bx1 - bx0) * k / n, 4) for k in range(n + 1)]
        pops = split_integer(v.population, [rng.uniform(0.7, 1.3) for _ in range(n)])
        for k in range(n):
            add(v.gemeente, wijk, v.buurten[k], box(edges[k], by0, edges[k + 1], by1), pops[k],
                AGE_SHARES_VILLAGE)

    # Rural buurten: gemeente tiles minus the built-up areas; few inhabitants.
    holes = unary_union([box(*p.bbox) for p in PLACES])
    for gcode, name, tile in RURAL_TILES:
        area = tile.intersection(gem[gcode].area).difference(holes)
        pop = rng.randrange(40, 260, 5)
        add(gcode, ("09", f"Buitengebied {gem[gcode].name}"), name, area, pop,
            AGE_SHARES_VILLAGE)
    return sorted(out, key=lambda b: b.code)


def _ring(coords: Iterable[tuple[float, float]]) -> list[list[float]]:
    """A local-km ring as GeoJSON [lon, lat] pairs."""
    return [list(lonlat(rd((x, y)))) for x, y in coords]


def geojson_geometry(geom: Polygon) -> dict:
    """GeoJSON geometry (WGS84, RFC 7946 ring orientation) of a local-km polygon."""
    # Normalised (no collinear vertices, canonical ring start and part order) so that
    # the bytes do not depend on the GEOS version that computed the overlay.
    geom = shapely.normalize(geom.simplify(0))
    polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    rings = []
    for p in polys:
        p = orient(p, 1.0)
        rings.append([_ring(p.exterior.coords)] + [_ring(h.coords) for h in p.interiors])
    if len(rings) == 1:
        return {"type": "Polygon", "coordinates": rings[0]}
    return {"type": "MultiPolygon", "coordinates": rings}


def feature_collection(name: str, features: list[dict]) -> str:
    """A GeoJSON FeatureCollection, one feature per line."""
    head = {
        "type": "FeatureCollection",
        "name": name,
        "description": SYNTHETIC_LABEL,
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
    }
    text = json.dumps(head, ensure_ascii=False)[:-1] + ',\n"features": [\n'
    text += ",\n".join(json.dumps(f, ensure_ascii=False) for f in features)
    return text + "\n]\n}\n"


def buurten_geojson(buurten: list[Buurt]) -> str:
    """buurten.geojson: CBS wijk- en buurtkaart style attributes plus ``synthetic``."""
    feats = []
    for b in buurten:
        props = {
            "buurtcode": b.code, "buurtnaam": b.name, "wijkcode": b.wijkcode,
            "wijknaam": b.wijknaam, "gemeentecode": b.gemeente.code,
            "gemeentenaam": b.gemeente.name, "aantal_inwoners": b.population,
            **dict(zip(AGE_COLUMNS, b.ages, strict=True)),
            "oppervlakte_land_in_ha": round(b.area.area * 100),
            "synthetic": True,
        }
        feats.append({"type": "Feature", "properties": props,
                      "geometry": geojson_geometry(b.area)})
    return feature_collection("buurten (synthetic demo)", feats)


def gemeenten_geojson(buurten: list[Buurt]) -> str:
    """gemeenten.geojson: the gemeente outlines with summed populations."""
    feats = []
    for g in GEMEENTEN:
        mine = [b for b in buurten if b.gemeente is g]
        props = {
            "gemeentecode": g.code, "gemeentenaam": g.name,
            "aantal_inwoners": sum(b.population for b in mine),
            **{c: sum(b.ages[k] for b in mine) for k, c in enumerate(AGE_COLUMNS)},
            "oppervlakte_land_in_ha": round(g.area.area * 100),
            "synthetic": True,
        }
        feats.append({"type": "Feature", "properties": props,
                      "geometry": geojson_geometry(g.area)})
    return feature_collection("gemeenten (synthetic demo)", feats)


# --------------------------------------------------------------------------- #
# Public transport (GTFS)
# --------------------------------------------------------------------------- #
BUS_KMH = 25.0  # average bus speed including stops
TRAIN_KMH = 70.0
CALENDAR_START = dt.date(2026, 1, 1)
CALENDAR_END = dt.date(2027, 12, 31)
SERVICES = {"WD": (1, 1, 1, 1, 1, 0, 0), "ZA": (0, 0, 0, 0, 0, 1, 0), "ZO": (0, 0, 0, 0, 0, 0, 1)}


@dataclass(frozen=True)
class Stop:
    """A GTFS stop (``pos`` in local km)."""

    stop_id: str
    name: str
    pos: Km


@dataclass(frozen=True)
class Line:
    """A route with its path (km polyline), stops in path order and timetable."""

    route_id: str
    agency_id: str
    short_name: str
    long_name: str
    route_type: int
    color: str
    path: tuple[Km, ...]
    stops: tuple[Stop, ...]
    headsigns: tuple[str, str]
    speed_kmh: float
    # service_id -> [(first departure, end (exclusive), headway)] in minutes after midnight
    periods: dict[str, list[tuple[int, int, int]]]
    dwell_min: int = 0
    timepoints: tuple[int, ...] = ()  # stop indices kept on timepoint-only trips
    timepoint_only: str = "none"  # "none", "odd" (every other trip) or "all"
    frequency_service: str = ""  # service_id whose trips go to frequencies.txt
    # service_id -> single extra departures (minutes) outside the periods' clock face
    extra_departures: dict[str, tuple[int, ...]] = field(default_factory=dict)


def easter(year: int) -> dt.date:
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month = (h + m - 7 * n + 114) // 31
    day = (h + m - 7 * n + 114) % 31 + 1
    return dt.date(year, month, day)


def dutch_holidays(year: int) -> list[tuple[dt.date, str]]:
    """Public holidays on which Dutch operators run a Sunday timetable."""
    e = easter(year)
    kings = dt.date(year, 4, 27)
    if kings.weekday() == 6:
        kings = dt.date(year, 4, 26)
    return [
        (dt.date(year, 1, 1), "Nieuwjaarsdag"),
        (e + dt.timedelta(days=1), "Tweede Paasdag"),
        (kings, "Koningsdag"),
        (e + dt.timedelta(days=39), "Hemelvaartsdag"),
        (e + dt.timedelta(days=50), "Tweede Pinksterdag"),
        (dt.date(year, 12, 25), "Eerste Kerstdag"),
        (dt.date(year, 12, 26), "Tweede Kerstdag"),
    ]


def build_lines(grids: dict[str, tuple[list, list]]) -> list[Line]:
    """The rail line and the four bus lines, with stops 15-25 m beside a street."""
    tc, tr = grids["Veenstad"]
    mr = grids["Molenwijk"][1]
    zr = grids["Zandrecht"][1]
    bus_vst = Stop("VST_B", "Veenstad, Station", (14.985, 12.285))
    rail = Line(
        "SPR", "VEENSPOOR", "SPR", "Sprinter Molenwijk - Veenstad - Oosterhoeve", 2, "003082",
        tuple(RAILWAY),
        (Stop("MLW", "Molenwijk", (3.02, 15.025)),
         Stop("VST", "Veenstad", (15.02, 12.325)),
         Stop("OSH", "Oosterhoeve", (27.02, 13.025))),
        ("Oosterhoeve", "Molenwijk"), TRAIN_KMH,
        {"WD": [(5 * 60 + 50, 24 * 60, 30)], "ZA": [(6 * 60 + 50, 24 * 60, 30)],
         "ZO": [(7 * 60 + 50, 24 * 60, 30)]},
        dwell_min=1,
    )
    line1 = Line(
        "B1", "VEENBUS", "1", "Veenstad Noord - Station - Zuid", 3, "E4002B",
        ((15.0, 13.6), (15.0, 11.0)),
        (Stop("VST_N1", "Veenstad, Noorderpark", (15.015, midblock(tr, 13.5))),
         Stop("VST_N2", "Veenstad, Lijsterlaan", (15.015, midblock(tr, 13.1))),
         Stop("VST_N3", "Veenstad, Marktkwartier", (15.015, midblock(tr, 12.7))),
         bus_vst,
         Stop("VST_Z1", "Veenstad, Stationsstraat Zuid", (15.015, midblock(tr, 11.9))),
         Stop("VST_Z2", "Veenstad, Sluiskwartier", (15.015, midblock(tr, 11.5))),
         Stop("VST_Z3", "Veenstad, Zuid", (15.015, midblock(tr, 11.1)))),
        ("Veenstad Zuid", "Veenstad Noord"), BUS_KMH,
        {"WD": [(6 * 60, 19 * 60, 15), (19 * 60, 24 * 60, 30)],
         "ZA": [(7 * 60, 10 * 60, 30), (10 * 60, 18 * 60, 15), (18 * 60, 24 * 60, 30)],
         "ZO": [(9 * 60, 24 * 60, 30)]},
        timepoints=(0, 3, 6), timepoint_only="odd",
        extra_departures={"WD": (23 * 60 + 56,)},  # its last stops are after midnight
    )
    line2 = Line(
        "B2", "VEENBUS", "2", "Veenstad West - Station - Oost", 3, "009A44",
        ((13.5, 12.3), (16.5, 12.3)),
        (Stop("VST_W1", "Veenstad, Turfhaven", (midblock(tc, 13.6), 12.285)),
         Stop("VST_W2", "Veenstad, Kanaalzone", (midblock(tc, 14.0), 12.285)),
         Stop("VST_W3", "Veenstad, Kerkbrug", (midblock(tc, 14.5), 12.285)),
         bus_vst,
         Stop("VST_O1", "Veenstad, Bloemenbuurt", (midblock(tc, 15.5), 12.285)),
         Stop("VST_O2", "Veenstad, Havenkwartier", (midblock(tc, 16.0), 12.285)),
         Stop("VST_O3", "Veenstad, Oost", (midblock(tc, 16.4), 12.285))),
        ("Veenstad Oost", "Veenstad West"), BUS_KMH,
        {"WD": [(6 * 60, 19 * 60, 15), (19 * 60, 24 * 60, 30)],
         "ZA": [(7 * 60, 10 * 60, 30), (10 * 60, 18 * 60, 15), (18 * 60, 24 * 60, 30)],
         "ZO": [(9 * 60, 24 * 60, 30)]},
        frequency_service="WD",
    )
    road = LineString([(15.0, 11.0), (14.0, 2.95)])

    def roadside(y: float, side: float = 0.015) -> Km:
        # A point of the Zandrechterweg at height y (km), `side` km to its east.
        t = (11.0 - y) / (11.0 - 2.95)
        x = 15.0 + (14.0 - 15.0) * t
        nx, ny = 8.05 / road.length, -1.0 / road.length  # unit normal pointing east
        return (round(x + side * nx, 4), round(y + side * ny, 4))

    line140 = Line(
        "B140", "VEENBUS", "140", "Veenstad Station - Zandrecht", 3, "F7A800",
        ((15.0, 12.3), (15.0, 11.0), (14.0, 2.95), (14.0, 2.5)),
        (bus_vst,
         Stop("VST_Z1", "Veenstad, Stationsstraat Zuid", (15.015, midblock(tr, 11.9))),
         Stop("VST_Z3", "Veenstad, Zuid", (15.015, midblock(tr, 11.1))),
         Stop("ZRW_1", "Zandrechterweg, Tiende Kavel", roadside(midblock(POLDER_EW_Y, 10.0))),
         Stop("ZRW_2", "Zandrechterweg, Halverwege", roadside(midblock(POLDER_EW_Y, 7.5))),
         Stop("ZRW_3", "Zandrechterweg, Zandpolder", roadside(midblock(POLDER_EW_Y, 5.0))),
         Stop("ZR_N", "Zandrecht, Noord", (14.015, midblock(zr, 2.85))),
         Stop("ZR_B", "Zandrecht, Busstation", (13.985, 2.485))),
        ("Zandrecht", "Veenstad Station"), BUS_KMH,
        {"WD": [(6 * 60, 19 * 60, 30), (19 * 60, 24 * 60, 60)],
         "ZA": [(7 * 60, 24 * 60, 60)], "ZO": [(10 * 60, 21 * 60, 60)]},
        timepoints=(0, 4, 7), timepoint_only="all",
    )
    kreek = LineString([(3.0, 14.5), (3.5, 3.85)])

    def kreekside(y: float, side: float = 0.015) -> Km:
        t = (14.5 - y) / (14.5 - 3.85)
        x = 3.0 + 0.5 * t
        nx, ny = 10.65 / kreek.length, 0.5 / kreek.length  # unit normal pointing east
        return (round(x + side * nx, 4), round(y + side * ny, 4))

    line141 = Line(
        "B141", "VEENBUS", "141", "Molenwijk Station - Kreekdijk", 3, "6F2C91",
        ((3.0, 15.0), (3.0, 14.5), (3.5, 3.85), (3.5, 3.5)),
        (Stop("MLW_B", "Molenwijk, Station", (2.985, 14.985)),
         Stop("MLW_Z", "Molenwijk, Zuid", (3.015, midblock(mr, 14.6))),
         Stop("KRW_1", "Kreekweg, Molenpolder", kreekside(midblock(POLDER_EW_Y, 12.5))),
         Stop("KRW_2", "Kreekweg, Kavel 8", kreekside(midblock(POLDER_EW_Y, 10.0))),
         Stop("KRW_3", "Kreekweg, Kavel 6", kreekside(midblock(POLDER_EW_Y, 7.5))),
         Stop("KRW_4", "Kreekweg, Kreekpolder", kreekside(midblock(POLDER_EW_Y, 5.0))),
         Stop("KD_D", "Kreekdijk, Dorpsplein", (3.485, 3.485))),
        ("Kreekdijk", "Molenwijk Station"), BUS_KMH,
        {"WD": [(7 * 60, 19 * 60, 60)]},
    )
    return [rail, line1, line2, line140, line141]


def hms(minutes: int) -> str:
    """GTFS time (may exceed 24:00:00) from minutes after midnight."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def stop_offsets(line: Line) -> list[tuple[int, int]]:
    """(arrival, departure) minutes after the first departure, from path distances."""
    path = LineString(line.path)
    start_km = path.project(Point(line.stops[0].pos))
    out = []
    for k, s in enumerate(line.stops):
        d_km = path.project(Point(s.pos)) - start_km
        ride = round(d_km / line.speed_kmh * 60)
        dwell = line.dwell_min if 0 < k < len(line.stops) - 1 else 0
        arr = ride + line.dwell_min * max(0, k - 1) if k else 0
        out.append((arr, arr + dwell))
    return out


def departures(periods: list[tuple[int, int, int]]) -> list[int]:
    """Departure minutes of (start, end exclusive, headway) periods, sorted, unique."""
    out: list[int] = []
    for start, end, headway in periods:
        out.extend(range(start, end, headway))
    return sorted(set(out))


@dataclass
class Feed:
    """Rows of trips.txt, stop_times.txt and frequencies.txt."""

    trips: list[list[object]] = field(default_factory=list)
    stop_times: list[list[object]] = field(default_factory=list)
    frequencies: list[list[object]] = field(default_factory=list)


def build_trips(lines: list[Line]) -> Feed:
    """Trips in both directions for every service id of every line."""
    feed = Feed()
    for line in lines:
        for direction in (0, 1):
            stops = list(line.stops) if direction == 0 else list(reversed(line.stops))
            path = line.path if direction == 0 else tuple(reversed(line.path))
            rev = dataclasses.replace(line, stops=tuple(stops), path=path)
            offs = stop_offsets(rev)
            # Return trips leave a little later than the outbound ones; for the train this
            # makes the last weekday return trip start after midnight (24:05).
            shift = 0 if direction == 0 else (15 if line.route_type == 2 else 5)
            tps = set(line.timepoints) if direction == 0 else {
                len(stops) - 1 - k for k in line.timepoints}
            for service, periods in line.periods.items():
                extra = list(line.extra_departures.get(service, ()))
                deps = [d + shift for d in sorted(set(departures(periods) + extra))]
                if line.frequency_service == service:
                    trip_id = f"{line.route_id}_{service}_{direction}_freq"
                    feed.trips.append([line.route_id, service, trip_id,
                                       line.headsigns[direction], direction])
                    first = deps[0]
                    _add_stop_times(feed, trip_id, stops, offs, first, set(range(len(stops))))
                    for start, end, headway in periods:
                        feed.frequencies.append([trip_id, hms(start + shift), hms(end + shift),
                                                 headway * 60, 1])
                    continue
                for n, dep in enumerate(deps):
                    trip_id = f"{line.route_id}_{service}_{direction}_{dep // 60:02d}{dep % 60:02d}"
                    feed.trips.append([line.route_id, service, trip_id,
                                       line.headsigns[direction], direction])
                    timepoint_only = line.timepoint_only == "all" or (
                        line.timepoint_only == "odd" and n % 2 == 1)
                    keep = tps if timepoint_only else set(range(len(stops)))
                    _add_stop_times(feed, trip_id, stops, offs, dep, keep)
    return feed


def _add_stop_times(feed: Feed, trip_id: str, stops: list[Stop], offs: list[tuple[int, int]],
                    dep: int, keep: set[int]) -> None:
    for k, (s, (a, d)) in enumerate(zip(stops, offs, strict=True)):
        if k in keep:
            feed.stop_times.append([trip_id, hms(dep + a), hms(dep + d), s.stop_id, k + 1, 1])
        else:
            feed.stop_times.append([trip_id, "", "", s.stop_id, k + 1, 0])


def gtfs_files(lines: list[Line]) -> dict[str, str]:
    """The text of every GTFS file."""
    feed = build_trips(lines)
    stops: dict[str, Stop] = {}
    for line in lines:
        for s in line.stops:
            stops.setdefault(s.stop_id, s)
    files = {
        "agency.txt": csv_text(
            ["agency_id", "agency_name", "agency_url", "agency_timezone", "agency_lang"],
            [["VEENSPOOR", "Veenspoor (fictief, synthetisch)", "https://example.invalid/veenspoor",
              "Europe/Amsterdam", "nl"],
             ["VEENBUS", "Veenbus (fictief, synthetisch)", "https://example.invalid/veenbus",
              "Europe/Amsterdam", "nl"]]),
        "feed_info.txt": csv_text(
            ["feed_publisher_name", "feed_publisher_url", "feed_lang", "feed_start_date",
             "feed_end_date", "feed_version"],
            [["accessibility demo - SYNTHETIC data, not a real timetable",
              "https://example.invalid/accessibility", "nl",
              CALENDAR_START.strftime("%Y%m%d"), CALENDAR_END.strftime("%Y%m%d"),
              "synthetic-1"]]),
        "stops.txt": csv_text(
            ["stop_id", "stop_name", "stop_lat", "stop_lon", "location_type"],
            [[s.stop_id, s.name, *_latlon_text(s.pos), 0]
             for s in sorted(stops.values(), key=lambda s: s.stop_id)]),
        "routes.txt": csv_text(
            ["route_id", "agency_id", "route_short_name", "route_long_name", "route_type",
             "route_color", "route_text_color"],
            [[ln.route_id, ln.agency_id, ln.short_name, ln.long_name, ln.route_type, ln.color,
              "FFFFFF"] for ln in lines]),
        "trips.txt": csv_text(
            ["route_id", "service_id", "trip_id", "trip_headsign", "direction_id"], feed.trips),
        "stop_times.txt": csv_text(
            ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence",
             "timepoint"], feed.stop_times),
        "frequencies.txt": csv_text(
            ["trip_id", "start_time", "end_time", "headway_secs", "exact_times"],
            feed.frequencies),
        "calendar.txt": csv_text(
            ["service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
             "sunday", "start_date", "end_date"],
            [[sid, *days, CALENDAR_START.strftime("%Y%m%d"), CALENDAR_END.strftime("%Y%m%d")]
             for sid, days in SERVICES.items()]),
        "calendar_dates.txt": csv_text(
            ["service_id", "date", "exception_type"], _calendar_dates()),
        "transfers.txt": csv_text(
            ["from_stop_id", "to_stop_id", "transfer_type", "min_transfer_time"],
            [["VST", "VST_B", 2, 180], ["VST_B", "VST", 2, 180],
             ["MLW", "MLW_B", 2, 120], ["MLW_B", "MLW", 2, 120]]),
    }
    return files


def _latlon_text(p: Km) -> tuple[str, str]:
    """(lat, lon) text with 7 decimals of a local-km point."""
    lon, lat = lonlat(rd(p))
    return (f"{lat:.7f}", f"{lon:.7f}")


def _calendar_dates() -> list[list[object]]:
    """Holidays: the weekday or Saturday service is removed and Sunday service added."""
    rows: list[list[object]] = []
    for year in range(CALENDAR_START.year, CALENDAR_END.year + 1):
        for day, _name in dutch_holidays(year):
            wd = day.weekday()
            if wd == 6:
                continue
            removed = "WD" if wd < 5 else "ZA"
            rows.append([removed, day.strftime("%Y%m%d"), 2])
            rows.append(["ZO", day.strftime("%Y%m%d"), 1])
    return rows


# --------------------------------------------------------------------------- #
# Addresses, steunpunten, gazetteer, prevalence
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Address:
    """A fictional address (BAG style) with its position."""

    street: str
    number: int
    postcode: str  # "9926AB"
    place: Place
    pos: Km  # 12 m beside the street

    @property
    def label(self) -> str:
        return f"{self.street} {self.number}, {self.postcode} {self.place.name}"

    @property
    def query(self) -> str:
        """The normalised gazetteer key of "<address>, <postcode> <city>"."""
        return normalise(f"{self.street} {self.number}, {self.postcode} {self.place.name}")


def normalise(query: str) -> str:
    """Gazetteer key: lower case, runs of white space collapsed to one space."""
    return " ".join(query.lower().split())


def build_addresses(grids: dict[str, tuple[list, list]]) -> dict[str, Address]:
    """Named addresses, each 12 m beside the street it is on."""
    tc, tr = grids["Veenstad"]
    mc, mr = grids["Molenwijk"]
    orows = grids["Oosterhoeve"][1]
    zc, zr = grids["Zandrecht"]
    kerk_x = min(tc, key=lambda c: abs(c - TOWN_KERKSTRAAT_X))
    ve, mo, oo, za, he = (PLACE[n] for n in
                          ("Veenstad", "Molenwijk", "Oosterhoeve", "Zandrecht", "Heidedorp"))
    return {
        "veenhaven": Address("Stationsstraat", 12, "9926AB", ve,
                             (14.988, midblock(tr, 12.45))),
        "kerk_veenstad": Address("Kerkstraat", 1, "9926AC", ve,
                                 (round(kerk_x + 0.012, 4), midblock(tr, 11.05))),
        "molen": Address("Kerkstraat", 4, "9929AC", mo,
                         (round(mc[1] + 0.012, 4), midblock(mr, 15.25))),
        "kerk_molenwijk": Address("Kerkstraat", 1, "9929AB", mo,
                                  (round(mc[1] + 0.012, 4), midblock(mr, 14.55))),
        "oosterhoeve": Address("Dorpsstraat", 21, "9928AD", oo,
                               (26.988, midblock(orows, 12.75))),
        "zandrecht": Address("Dorpsstraat", 8, "9935AA", za, (14.012, midblock(zr, 2.7))),
        "zandrecht_station": Address("Stationsplein", 1, "9935AB", za,
                                     (midblock(zc, 13.9), 2.512)),
        "heidedorp": Address("Brink", 3, "9940AA", he, (23.512, 22.62)),
    }


STEUNPUNT_COLUMNS = ("id", "name", "organisation", "address", "postcode", "city", "lat", "lon",
                     "kind", "capacity_weight", "note", "opening_hours")
ORG_VEENSTAD = "Stichting Herstelnetwerk Veenstad (fictief)"
ORG_HEIDELAND = "Zelfregiecentrum Heideland (fictief)"
NOT_PINNED_NOTE = "geen vaste locatie (roulerend)"


def steunpunten_csv(addr: dict[str, Address], grids: dict[str, tuple[list, list]]) -> str:
    """The location list: address only, coordinates only, both, and one that cannot be pinned."""
    tc, tr = grids["Veenstad"]
    noord: Km = (midblock(tc, 14.3), round(min(tr, key=lambda r: abs(r - 13.3)) + 0.012, 4))

    def with_address(a: Address) -> list[str]:
        return [f"{a.street} {a.number}", a.postcode, a.place.name]

    def coords(p: Km) -> list[str]:
        lon, lat = lonlat(rd(p))
        return [f"{lat:.6f}", f"{lon:.6f}"]

    # Opening hours in OSM syntax: the core location also opens on Saturday, the
    # satellites and Oosterhoeve are closed then, De Molen opens one afternoon a week;
    # the rotating group has none (always open, but it has no location either).
    rows = [
        ["VS01", "Herstelcentrum De Veenhaven", ORG_VEENSTAD, *with_address(addr["veenhaven"]),
         *coords(addr["veenhaven"].pos), "steunpunt", "2", "kernlocatie, vijf dagen open",
         "Mo-Fr 09:30-17:00; Sa 11:00-15:00; PH off"],
        ["VS02", "Herstelacademie Veenstad-Noord", ORG_VEENSTAD, "", "", "Veenstad",
         *coords(noord), "satellite", "1", "alleen coordinaten bekend",
         "Mo,We,Fr 10:00-16:00; PH off"],
        ["VS03", "Inloop De Molen", ORG_VEENSTAD, *with_address(addr["molen"]), "", "",
         "satellite", "0.5", "open op dinsdag", "Tu 13:00-17:00"],
        ["VS04", "Ontmoetingsplek Oosterhoeve", ORG_HEIDELAND,
         *with_address(addr["oosterhoeve"]), "", "", "steunpunt", "1", "",
         "Mo-Th 09:00-16:00; We 19:00-21:30"],
        ["VS05", "Zelfregiepunt Zandrecht", ORG_VEENSTAD, *with_address(addr["zandrecht"]), "",
         "", "proposed", "1", "kandidaatlocatie, nog te toetsen", "Tu,Th 10:00-16:00"],
        ["VS06", "Herstelwerkgroep Heideland", ORG_HEIDELAND, "", "", "Heidedorp", "", "",
         "steunpunt", "0.5", NOT_PINNED_NOTE, ""],
    ]
    return csv_text(STEUNPUNT_COLUMNS, rows)


def pdok_doc(a: Address, score: float, street_no: int) -> dict:
    """One "adres" document shaped like a PDOK Locatieserver v3 /free answer."""
    x, y = rd(a.pos)
    lon, lat = lonlat((x, y))
    gem = next(g for g in GEMEENTEN if g.code == a.place.gemeente)
    wpc = a.place.woonplaatscode
    # 16-digit BAG identifiers: gemeentecode, object type, serial number.
    nra = f"{gem.code[2:]}20{wpc}{a.number:06d}"
    vbo = f"{gem.code[2:]}01{wpc}{a.number:06d}"
    return {
        "bron": "BAG",
        "woonplaatscode": wpc,
        "type": "adres",
        "woonplaatsnaam": a.place.name,
        "huis_nlt": str(a.number),
        "openbareruimtetype": "Weg",
        "gemeentecode": gem.code[2:],
        "weergavenaam": a.label,
        "straatnaam_verkort": a.street,
        "id": "adr-" + hashlib.md5(a.label.encode()).hexdigest(),
        "gemeentenaam": gem.name,
        "identificatie": f"{vbo}-{nra}",
        "openbareruimte_id": f"{gem.code[2:]}30{wpc}{street_no:06d}",
        "provinciecode": "PV24",
        "postcode": a.postcode,
        "provincienaam": "Flevoland",
        "centroide_ll": f"POINT({lon:.8f} {lat:.8f})",
        "nummeraanduiding_id": nra,
        "adresseerbaarobject_id": vbo,
        "huisnummer": a.number,
        "provincieafkorting": "FL",
        "centroide_rd": f"POINT({x:.3f} {y:.3f})",
        "straatnaam": a.street,
        "score": score,
    }


def _response(docs: list[dict]) -> dict:
    """A PDOK /free response body around ``docs``."""
    return {"response": {
        "numFound": len(docs), "start": 0,
        "maxScore": max((d["score"] for d in docs), default=0.0),
        "numFoundExact": True, "docs": docs,
    }}


NO_MATCH_QUERY = "Nergensweg 99, 9999ZZ Nergenshuizen"
AMBIGUOUS_QUERY = "Kerkstraat 1"


def gazetteer_json(addr: dict[str, Address], rng: random.Random) -> str:
    """Offline PDOK answers keyed by normalised query (one exact doc per address)."""
    streets = sorted({(a.place.name, a.street) for a in addr.values()})
    street_no = {s: k + 1 for k, s in enumerate(streets)}

    def doc(a: Address, score: float) -> dict:
        return pdok_doc(a, score, street_no[(a.place.name, a.street)])

    cache: dict[str, dict] = {}
    for a in addr.values():
        cache[a.query] = _response([doc(a, round(rng.uniform(13.0, 15.0), 7))])
    cache[normalise(AMBIGUOUS_QUERY)] = _response([
        doc(addr["kerk_veenstad"], 9.4152863), doc(addr["kerk_molenwijk"], 9.3847171)])
    cache[normalise(NO_MATCH_QUERY)] = _response([])
    body = json.dumps(dict(sorted(cache.items())), ensure_ascii=False, indent=1)
    return body + "\n"


def prevalence_csv() -> str:
    """prevalence.csv: invented EPA prevalence (percent) per gemeente."""
    rows = [["GM9901", "1.34", "synthetisch (demo), geen echte Vektis-cijfers"],
            ["GM9902", "1.27", "synthetisch (demo), geen echte Vektis-cijfers"],
            ["GM9903", "1.46", "synthetisch (demo), geen echte Vektis-cijfers"]]
    return csv_text(["gemeentecode", "prevalence_percent", "source"], rows)


# --------------------------------------------------------------------------- #
# README and main
# --------------------------------------------------------------------------- #
def readme(counts: dict[str, int], buurten: list[Buurt], lines: list[Line],
           gtfs: dict[str, str], addr: dict[str, Address]) -> str:
    """data/demo/README.md: what is in the demo region and what each part exercises."""
    n_trips = len(gtfs["trips.txt"].splitlines()) - 1
    n_st = len(gtfs["stop_times.txt"].splitlines()) - 1
    n_stops = len(gtfs["stops.txt"].splitlines()) - 1
    total = sum(b.population for b in buurten)
    place_rows = []
    for p in PLACES:
        lon, lat = lonlat(rd(p.center))
        place_rows.append(f"| {p.name} | {p.gemeente} | {p.population:,} | "
                          f"{lat:.4f}, {lon:.4f} | {_service_of(p, lines)} |")
    line_rows = [f"| {ln.short_name} | {ln.long_name} | {ln.route_type} | "
                 f"{_periods_text(ln)} |" for ln in lines]
    keys = sorted({a.query for a in addr.values()}
                  | {normalise(AMBIGUOUS_QUERY), normalise(NO_MATCH_QUERY)})
    holidays = [f"{d.isoformat()} {name}" for y in (2026, 2027) for d, name in dutch_holidays(y)
                if d.weekday() != 6]
    return "\n".join([
        "# Demo region Veenstad: SYNTHETIC data",
        "",
        "**Everything in this folder is invented.** Veenstad, its villages, streets, bus and",
        "train lines, buurten, inhabitants, steunpunten, addresses, postcodes and prevalence",
        "figures do not exist. The region lies on the Markermeer (water in reality) so that",
        "nobody mistakes it for a real place. Gemeentecodes GM9901-GM9903, buurtcodes",
        "BU99xxxxxx and postcodes are fictional (the PC4 numbers 9926-9940 used here are",
        "absent from the 2014 Dutch PC4 list).",
        "",
        "Generated by `python scripts/make_demo_region.py --out data/demo` (`make demo-data`):",
        f"fixed seed {SEED}, no network access, the same bytes on every run. Do not edit by",
        "hand; change the script and regenerate. The region config is",
        "`data/regions/demo.toml`.",
        "",
        "## Places",
        "",
        "| place | gemeente | inhabitants | centre (lat, lon) | public transport |",
        "|---|---|---|---|---|",
        *place_rows,
        "",
        f"Region: {WIDTH_KM:.0f} x {HEIGHT_KM:.0f} km, RD New origin (south-west corner) "
        f"x={X0_M:.0f} m, y={Y0_M:.0f} m. Total population {total:,} in {len(buurten)} buurten.",
        "",
        "## Files",
        "",
        f"- `streets.osm`: OSM XML 0.6, {counts['nodes']:,} nodes, {counts['ways']} ways. "
        "A street grid in Veenstad (100-150 m blocks) and in four villages (~110 m), a polder",
        "  grid of unclassified roads (east-west every 0.9 km) and tracks/roads (north-south",
        "  every 2.5 km), connecting secondary/tertiary roads, footways, a pedestrian street,",
        "  paths. Not walkable on purpose: `highway=motorway` (A99, x = 19 km) and",
        "  `railway=rail`; neither shares a node with a walkable way. Heidedorp is the sparse",
        "  village: a few long roads, no grid, no polder roads inside its built-up area.",
        f"  No point of the region lies farther than {counts['max_gap_m']} m from a walkable way",
        "  (checked on a 100 m grid).",
        f"  For the map background: {counts['places']} `place` nodes (Veenstad `town`, the",
        f"  villages `village`) and {counts['areas']} areas and lines sharing no node with a",
        "  street: `landuse=residential` around every built-up area, the lake Veenplas",
        "  (`natural=water`) and the canal Veenvaart (`waterway=canal`).",
        f"- `gtfs/`: a GTFS feed as a folder of .txt files: {n_stops} stops, {len(lines)} routes, "
        f"{n_trips} trips, {n_st:,} stop times, calendar "
        f"{CALENDAR_START.isoformat()}..{CALENDAR_END.isoformat()}",
        "  with service ids WD (Mon-Fri), ZA (Sat), ZO (Sun). `calendar_dates.txt` removes the",
        "  weekday (or Saturday) service on public holidays and adds Sunday service:",
        *[f"  {h}" for h in holidays],
        "- `buurten.geojson`: CBS wijk- en buurtkaart style buurten (EPSG:4326) with",
        "  `buurtcode`, `buurtnaam`, `wijkcode`, `wijknaam`, `gemeentecode`, `gemeentenaam`,",
        "  `aantal_inwoners`, the five CBS age groups (they add up to `aantal_inwoners`),",
        "  `oppervlakte_land_in_ha` and `synthetic: true`. They cover the region without gaps.",
        f"  `{TOWN_EMPTY_BUURT}` has no inhabitants.",
        "- `gemeenten.geojson`: the buurten dissolved per gemeente (population sums included).",
        "- `steunpunten.csv`: locations (kind steunpunt / satellite / proposed, capacity weight",
        "  0.5 / 1 / 2). Some rows have an address only (geocode them with the gazetteer), one",
        "  coordinates only, one both; VS05 is the proposed location in Zandrecht; VS06 has",
        f'  no fixed location (note "{NOT_PINNED_NOTE}") and cannot be pinned.',
        "- `geocode_cache.json`: an offline gazetteer: normalised query",
        "  (`\" \".join(query.lower().split())` of `\"<address>, <postcode> <city>\"`) ->",
        "  the JSON body PDOK Locatieserver v3 `/free` would return. Keys:",
        *[f"  - `{k}`" for k in keys],
        f"  `{normalise(AMBIGUOUS_QUERY)}` is ambiguous (two documents with nearly equal scores);",
        f"  `{normalise(NO_MATCH_QUERY)}` finds nothing (numFound 0).",
        "- `prevalence.csv`: invented EPA prevalence per gemeente (percent).",
        "",
        "## What the feed exercises",
        "",
        "| line | name | route_type | service |",
        "|---|---|---|---|",
        *line_rows,
        "",
        "- Trips past midnight: the weekday 23:50 train from Molenwijk arrives in Oosterhoeve",
        f"  at {_last_time(gtfs, 'SPR_WD_0_2350')}; the last weekday train from Oosterhoeve "
        f"departs at {_first_time(gtfs, 'SPR_WD_1_2405')};",
        f"  bus 1 runs a 23:56 trip ending at {_last_time(gtfs, 'B1_WD_0_2356')}.",
        "- Timepoints only: every bus 140 trip and every second weekday bus 1 trip leave the",
        "  intermediate times empty (`timepoint` 0); the router must interpolate them.",
        "- `frequencies.txt`: bus 2 on weekdays is given as headways (exact_times=1).",
        "- `transfers.txt`: minimum transfer times between the rail and bus stops at the",
        "  Veenstad and Molenwijk stations.",
        "- Stops stand 15-25 m beside a street. Heidedorp has no stop within 2 km.",
        "",
    ])


def _trip_times(gtfs: dict[str, str], trip_id: str) -> list[str]:
    """The non-empty arrival times of one trip, in stop order."""
    rows = csv.reader(io.StringIO(gtfs["stop_times.txt"]))
    return [r[1] for r in rows if r[0] == trip_id and r[1]]


def _first_time(gtfs: dict[str, str], trip_id: str) -> str:
    """First arrival time of a trip."""
    return _trip_times(gtfs, trip_id)[0]


def _last_time(gtfs: dict[str, str], trip_id: str) -> str:
    """Last arrival time of a trip."""
    return _trip_times(gtfs, trip_id)[-1]


def _service_of(p: Place, lines: list[Line]) -> str:
    """The lines with a stop in or next to a place's built-up area."""
    served = []
    bx0, by0, bx1, by1 = p.bbox
    for ln in lines:
        if any(bx0 - 0.05 <= s.pos[0] <= bx1 + 0.05 and by0 - 0.05 <= s.pos[1] <= by1 + 0.05
               for s in ln.stops):
            served.append(("train " if ln.route_type == 2 else "bus ") + ln.short_name)
    return ", ".join(served) if served else "none"


def _periods_text(ln: Line) -> str:
    """Readable service periods of a line per service id."""
    parts = []
    for service, periods in ln.periods.items():
        text = ", ".join(f"{hms(a)[:5]}-{hms(b)[:5]} every {h} min" for a, b, h in periods)
        extra = ln.extra_departures.get(service, ())
        if extra:
            text += " plus " + ", ".join(hms(m)[:5] for m in extra)
        parts.append(f"{service}: {text}")
    return "; ".join(parts)


def generate() -> dict[str, str]:
    """Every output file (path relative to the output folder -> text)."""
    rng = random.Random(SEED)
    ways, grids = build_streets(rng)
    osm, counts = osm_xml(ways, *background_features())
    buurten = build_buurten(rng)
    lines = build_lines(grids)
    gtfs = gtfs_files(lines)
    addr = build_addresses(grids)
    files = {
        "streets.osm": osm,
        "buurten.geojson": buurten_geojson(buurten),
        "gemeenten.geojson": gemeenten_geojson(buurten),
        "steunpunten.csv": steunpunten_csv(addr, grids),
        "geocode_cache.json": gazetteer_json(addr, rng),
        "prevalence.csv": prevalence_csv(),
        **{f"gtfs/{name}": text for name, text in gtfs.items()},
    }
    files["README.md"] = readme(counts, buurten, lines, gtfs, addr)
    return files


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point: write every file under ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("data/demo"),
                        help="output folder (default: data/demo)")
    args = parser.parse_args(argv)
    files = generate()
    for rel, text in files.items():
        write_atomic(args.out / rel, text)
    size = sum(len(t.encode()) for t in files.values())
    print(f"wrote {len(files)} files ({size / 1e6:.2f} MB) to {args.out} (SYNTHETIC demo data)")


if __name__ == "__main__":
    main()
