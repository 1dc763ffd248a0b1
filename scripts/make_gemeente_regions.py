"""Derive the gemeente -> province table of 2024 (data/regions/gemeente_regions_2024.csv).

Reads the reference data in ``../shared/data/nl`` (never copied into the
repository): the 342 gemeente boundaries of 2024
(``gemeenten_2024/gemeente_gegeneraliseerd.geojson``, CBS, CC BY 4.0) and the
4-digit postcode table with its province (``pc4/4pp.csv``, MIT). Every
gemeente gets the province most of its postcode points lie in (the nearest
postcode point when none lies inside). The GGD region columns stay empty:
none of the offline sources links gemeenten to GGD regions (CBS table
50140NED lists the 25 GGD region codes, not their gemeenten); fill them from
CBS "Gebieden in Nederland" (85755NED, columns Code_16/Naam_17) to get the GGD
table of a national run.

Usage::

    python scripts/make_gemeente_regions.py            # writes the CSV
    python scripts/make_gemeente_regions.py --check    # exit 1 when it is out of date
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data" / "nl"
OUT = REPO / "data" / "regions" / "gemeente_regions_2024.csv"
PROVINCE_CHANGES = {"GM1961": "Utrecht"}
"""Gemeenten that changed province after the 2014 postcode table: Vijfheerenlanden
(Leerdam and Zederik, Zuid-Holland, merged with Vianen) belongs to Utrecht since 2019."""


def derive(shared: Path = SHARED) -> pd.DataFrame:
    gemeenten = gpd.read_file(shared / "gemeenten_2024" / "gemeente_gegeneraliseerd.geojson")
    gemeenten = gemeenten[["statcode", "statnaam", "geometry"]].to_crs("EPSG:28992")
    pc4 = pd.read_csv(shared / "pc4" / "4pp.csv", dtype={"postcode": str})
    points = gpd.GeoDataFrame(pc4[["provincie"]], crs="EPSG:4326",
                              geometry=gpd.points_from_xy(pc4["longitude"], pc4["latitude"])
                              ).to_crs("EPSG:28992")
    inside = gpd.sjoin(points, gemeenten, predicate="within")
    majority = (inside.groupby(["statcode", "provincie"]).size().rename("n").reset_index()
                .sort_values(["statcode", "n", "provincie"], ascending=[True, False, True])
                .drop_duplicates("statcode").set_index("statcode")["provincie"])
    missing = gemeenten[~gemeenten["statcode"].isin(majority.index)]
    if len(missing):
        near = gpd.sjoin_nearest(missing.assign(geometry=missing.representative_point()), points)
        majority = pd.concat([majority, near.drop_duplicates("statcode")
                              .set_index("statcode")["provincie"]])
    table = pd.DataFrame({
        "gemeentecode": gemeenten["statcode"], "gemeentenaam": gemeenten["statnaam"],
        "provincie": gemeenten["statcode"].map({**majority.to_dict(), **PROVINCE_CHANGES}),
        "ggd_code": "", "ggd_naam": "",
    }).sort_values("gemeentecode")
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if not SHARED.is_dir():
        sys.exit(f"{SHARED} not found: this script needs the shared reference data")
    text = derive().to_csv(index=False, lineterminator="\n")
    if args.check:
        sys.exit(0 if OUT.is_file() and OUT.read_text(encoding="utf-8") == text else 1)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}: {text.count(chr(10)) - 1} gemeenten")
    print(pd.read_csv(io.StringIO(text))["provincie"].value_counts().to_string())


if __name__ == "__main__":
    main()
