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
        help="Locatielijst / location list (.csv met komma, puntkomma of tab; .xlsx; .gpkg; "
             ".geojson). Kolommen / columns: naam/name, adres/address (of straat + huisnummer), "
             "postcode, plaats/city, soort/kind, capaciteit, lat/lon of x/y (RD), opmerking.")],
    out: Annotated[Path, typer.Option(
        "--out", help="Uitvoer / output with the pinned locations (.gpkg, .geojson, .csv or "
                      ".xlsx); an .xlsx workbook with Dutch headers is always written next to it.")],
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
    lang: Annotated[str, typer.Option("--lang", help="Taal / language: nl of en.")] = "nl",
) -> None:
    """Locaties geocoderen / pin locations to points and list what cannot be pinned.

    Een adres dat niet gevonden wordt stopt de rest niet: het staat met de reden in de lijst
    van niet geplaatste rijen / an address that cannot be placed does not stop the others.
    """
    from rich.console import Console

    from accessibility.cli.output import geocode_hints, print_frame, tr
    from accessibility.io import atomic_path
    from accessibility.outputs.excel import write_workbook
    from accessibility.places.geocode import GeocodeCache, NominatimGeocoder, PdokGeocoder
    from accessibility.places.locations import UNPINNED_COLUMNS, read_locations, write_locations

    console = Console()
    if lang not in ("nl", "en"):
        print_error(console, f"--lang {lang!r}: kies nl of en / choose nl or en")
        raise typer.Exit(2)
    workbook = out if out.suffix.lower() == ".xlsx" else out.with_suffix(".xlsx")
    try:
        geocode_cache = GeocodeCache(cache or locations.with_name("geocode_cache.json"))
        if provider is Provider.pdok:
            geocoder = PdokGeocoder(base_url=pdok_url, cache=geocode_cache, offline=offline)
        else:
            geocoder = NominatimGeocoder(cache=geocode_cache, offline=offline)
        result = read_locations(locations, geocoder=geocoder, city_level=city_level,
                                keep_going=True)
        check_not_swapped(result.pinned, locations)
        if unpinned_out is not None:
            with atomic_path(unpinned_out) as tmp:
                result.unpinned[UNPINNED_COLUMNS[:-1]].to_csv(tmp, index=False)
        if result.pinned.empty:
            console.print("[red]" + tr(lang, f"Geen enkele locatie uit {locations} kon worden "
                                             "geplaatst; niets geschreven.",
                                       f"No location of {locations} could be pinned; nothing "
                                       "written.") + "[/red]")
        else:
            if out.suffix.lower() != ".xlsx":
                write_locations(result.pinned, out)
            pinned = result.pinned.assign(lat=result.pinned.geometry.y,
                                          lon=result.pinned.geometry.x)
            write_workbook(
                {tr(lang, "locaties", "locations"): pinned,
                 tr(lang, "niet geplaatst", "not pinned"): result.unpinned},
                workbook, lang=lang,
                columns={tr(lang, "locaties", "locations"):
                         ["id", "name", "kind", "capacity_weight", "address", "postcode", "city",
                          "geocode_display_name", "geocode_match_type", "geocode_score", "lat",
                          "lon", "source", "note"],
                         tr(lang, "niet geplaatst", "not pinned"):
                         ["line", "id", "name", "address", "city", "reason"]})
    except AccessibilityError as exc:
        print_error(console, exc)
        raise typer.Exit(1) from None
    n_pinned, n_unpinned = len(result.pinned), len(result.unpinned)
    console.print(tr(lang, f"{locations}: {n_pinned} geplaatst, {n_unpinned} niet geplaatst",
                     result.summary()))
    geocoded = result.pinned[result.pinned["geocode_display_name"] != ""]
    if len(geocoded):
        print_frame(console, tr(lang, "Wat de geocoder vond (controleer de plek)",
                                "What the geocoder matched (check the pin)"), geocoded, lang,
                    ["id", "address", "geocode_display_name", "geocode_match_type",
                     "geocode_score"])
    if n_unpinned:
        print_frame(console, tr(lang, f"Niet geplaatst ({n_unpinned})",
                                f"Not pinned ({n_unpinned})"), result.unpinned, lang,
                    ["line", "id", "name", "reason"])
        for hint in geocode_hints(result.unpinned["problem"], lang,
                                  offline_option=tr(lang, "laat --offline weg", "leave out --offline"),
                                  url_option="--pdok-url"):
            console.print(hint)
    if result.pinned.empty:
        raise typer.Exit(1)
    written = [workbook] if out == workbook else [out, workbook]
    console.print(tr(lang, f"{n_pinned} locaties geschreven naar ",
                     f"Wrote {n_pinned} locations to ") + " en ".join(map(str, written)))
