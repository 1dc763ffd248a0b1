"""The ``geocode`` command: pin a location list to points (PDOK Locatieserver or Nominatim)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from accessibility.cli import app, print_error
from accessibility.errors import AccessibilityError, InputError


def check_not_swapped(pinned, source: Path) -> None:
    """Raise InputError for points that lie outside the Netherlands only because lat/lon are swapped.

    A point at (lat, lon) outside :data:`accessibility.geo.NL_BBOX` whose
    mirror (lon, lat) lies inside it was almost surely entered the wrong way round.
    """
    from accessibility.geo import NL_BBOX

    lon_min, lat_min, lon_max, lat_max = NL_BBOX
    lon, lat = pinned.geometry.x.to_numpy(), pinned.geometry.y.to_numpy()

    def inside(x, y):
        return (x >= lon_min) & (x <= lon_max) & (y >= lat_min) & (y <= lat_max)

    swapped = ~inside(lon, lat) & inside(lat, lon)
    if swapped.any():
        rows = pinned[swapped]
        shown = ", ".join(f"{row.id} (lat={lat_:.5f}, lon={lon_:.5f})" for row, lat_, lon_ in
                          zip(rows.itertuples(), lat[swapped], lon[swapped], strict=True))
        raise InputError(
            f"{source}: {int(swapped.sum())} location(s) have lat and lon swapped: {shown}; in "
            "the Netherlands lat is about 51-53.5 and lon about 3.3-7.2. Swap the two columns "
            "for these rows.")


class Provider(StrEnum):
    pdok = "pdok"
    nominatim = "nominatim"


@app.command("geocode")
def geocode_command(
    locations: Annotated[Path, typer.Argument(
        help="Locatielijst / location list (.csv, .gpkg, .geojson): "
             "id,name,organisation,address,postcode,city,lat,lon,kind,capacity_weight,note.")],
    out: Annotated[Path, typer.Option(
        "--out", help="Uitvoer / output with the pinned locations (.gpkg, .geojson or .csv).")],
    cache: Annotated[Path | None, typer.Option(
        "--cache", help="Geocodeer-cache (JSON) / geocode cache; default: "
                        "geocode_cache.json next to the location list.")] = None,
    offline: Annotated[bool, typer.Option(
        "--offline", help="Alleen de cache gebruiken / answer from the cache only.")] = False,
    provider: Annotated[Provider, typer.Option(
        "--provider", help="Geocoder: pdok (Locatieserver) or nominatim.")] = Provider.pdok,
    pdok_url: Annotated[str | None, typer.Option(
        "--pdok-url", help="Locatieserver base URL (default $ACCESSIBILITY_PDOK_LOCATIESERVER_URL "
                           "or the public PDOK service).")] = None,
    unpinned_out: Annotated[Path | None, typer.Option(
        "--unpinned", help="Niet geplaatste rijen als CSV / write the rows that cannot be pinned "
                           "(with the reason) to this CSV file.")] = None,
    city_level: Annotated[bool, typer.Option(
        "--city-level", help="Rijen zonder adres op de woonplaats plaatsen / pin rows without an "
                             "address to their town (PDOK woonplaats).")] = False,
) -> None:
    """Locaties geocoderen / pin locations to points and list what cannot be pinned."""
    from rich.console import Console
    from rich.table import Table

    from accessibility.io import atomic_path
    from accessibility.places.geocode import GeocodeCache, NominatimGeocoder, PdokGeocoder
    from accessibility.places.locations import read_locations, write_locations

    console = Console()
    try:
        geocode_cache = GeocodeCache(cache or locations.with_name("geocode_cache.json"))
        if provider is Provider.pdok:
            geocoder = PdokGeocoder(base_url=pdok_url, cache=geocode_cache, offline=offline)
        else:
            geocoder = NominatimGeocoder(cache=geocode_cache, offline=offline)
        result = read_locations(locations, geocoder=geocoder, city_level=city_level)
        check_not_swapped(result.pinned, locations)
        if unpinned_out is not None:
            with atomic_path(unpinned_out) as tmp:
                result.unpinned.to_csv(tmp, index=False)
        if result.pinned.empty:
            console.print(f"[red]No location of {locations} could be pinned; nothing written.[/red]")
        else:
            write_locations(result.pinned, out)
    except AccessibilityError as exc:
        print_error(console, exc)
        raise typer.Exit(1) from None
    console.print(result.summary())
    if not result.unpinned.empty:
        table = Table(title=f"Niet geplaatst / not pinned ({len(result.unpinned)})")
        for col in ("line", "id", "name", "reason"):
            table.add_column(col)
        for row in result.unpinned.itertuples():
            table.add_row(str(row.line), row.id, row.name, row.reason)
        console.print(table)
    if result.pinned.empty:
        raise typer.Exit(1)
    console.print(f"Wrote {len(result.pinned)} locations to {out}")
