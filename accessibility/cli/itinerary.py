"""The ``itinerary`` command: the route from an address or point to a steunpunt, step by step."""

from __future__ import annotations

from pathlib import Path

import typer

from accessibility.cli import app
from accessibility.cli.jobs import (
    CacheDir,
    Lang,
    Online,
    Region,
    _check_lang,
    _coordinate_candidate,
    _fail,
    _overrides,
    _run,
    console,
)
from accessibility.cli.output import print_warnings, tr
from accessibility.errors import AccessibilityError, ConfigError

#: Default departure window of an itinerary (minutes): the fastest trip leaving within it.
ITINERARY_WINDOW_MINUTES = 30


def split_departure(text: str | None) -> tuple[str | None, str | None]:
    """``"10:00"`` -> (None, "10:00"); ``"2026-12-01 10:00"`` / ``"2026-12-01T10:00"`` ->
    (date, time) as text for :func:`accessibility.jobs.settings.parse_date` / ``parse_time``."""
    if text is None:
        return None, None
    parts = text.strip().replace("T", " ").split()
    if len(parts) == 1:
        return None, parts[0]
    if len(parts) == 2:
        return parts[0], parts[1]
    raise ConfigError(f"--departure {text!r}: write 10:00 or 2026-12-01 10:00")


@app.command("itinerary")
def itinerary_command(
    to: str = typer.Option(..., "--to", help="Steunpunt: id (bv. VS01) of (deel van de) naam; met "
                                             "--osm de naam van de bestemming / steunpunt id or "
                                             "(part of its) name; with --osm the destination's "
                                             "name."),
    origin: str | None = typer.Option(None, "--from", help="Vertrekadres, bv. 'Kerkstraat 1, "
                                      "Huizen' / start address."),
    lat: float | None = typer.Option(None, "--lat", help="Vertrekpunt, breedtegraad (WGS84) / "
                                                         "start latitude."),
    lon: float | None = typer.Option(None, "--lon", help="Vertrekpunt, lengtegraad (WGS84) / "
                                                         "start longitude."),
    departure: str | None = typer.Option(
        None, "--departure", help="Vertrek vanaf, bv. 10:00 of '2026-12-01 10:00' (standaard de "
                                  "regio-instelling) / leave from this time."),
    window: int = typer.Option(
        ITINERARY_WINDOW_MINUTES, "--window", min=1, max=1440,
        help="De snelste reis die binnen zoveel minuten na --departure vertrekt / the fastest "
             "trip leaving within this many minutes."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Route als .geojson of .gpkg / "
                                                              "write the route."),
    osm: Path | None = typer.Option(
        None, "--osm", help="Zonder regiobestand: OSM-extract (.osm.pbf), met --gtfs, --lat/--lon "
                            "en --to-lat/--to-lon / without a region file: an OSM extract."),
    gtfs: list[Path] = typer.Option([], "--gtfs", help="GTFS-feed bij --osm (herhaalbaar) / GTFS "
                                                       "feed with --osm (repeatable)."),
    to_lat: float | None = typer.Option(None, "--to-lat", help="Bestemming bij --osm / "
                                                               "destination latitude."),
    to_lon: float | None = typer.Option(None, "--to-lon", help="Bestemming bij --osm / "
                                                               "destination longitude."),
    region: Region = "demo",
    cache_dir: CacheDir = None,
    online: Online = False,
    lang: Lang = "nl",
) -> None:
    """Reisadvies naar een steunpunt, stap voor stap / the route to a steunpunt, step by step."""
    from accessibility.jobs.candidates import candidate_from_address
    from accessibility.jobs.itinerary import run_itinerary, write_route

    _check_lang(lang)
    if osm is not None:
        _network_itinerary(osm, gtfs, lat, lon, to, to_lat, to_lon, departure, window, out,
                           cache_dir, lang)
        return
    if (origin is None) == (lat is None and lon is None) or (lat is None) != (lon is None):
        console.print("[bold red]Fout / error:[/] " + tr(
            lang, "geef --from ADRES of --lat met --lon", "give --from ADDRESS or --lat with --lon"))
        raise typer.Exit(2)
    try:
        date, clock = split_departure(departure)
    except AccessibilityError as err:
        _fail(err, lang)
    overrides = _overrides(date, clock, window, None, None, lang)

    def job(data):
        if origin is not None:
            frame = candidate_from_address(data, origin, origin)
        else:
            frame = _coordinate_candidate(lat, lon, None, None, f"{lat:.5f}, {lon:.5f}", lang)
        result = run_itinerary(data, frame, to, lang)
        if out is not None:
            write_route(result.legs, out)
        return result

    data, result = _run(region, cache_dir, online,
                        tr(lang, "route zoeken...", "finding the route..."), job,
                        overrides=overrides, lang=lang)
    _print_result(result, out, lang)
    print_warnings(console, data.warnings, lang)


def _network_itinerary(osm: Path, gtfs: list[Path], lat, lon, to: str, to_lat, to_lon,
                       departure: str | None, window: int, out: Path | None,
                       cache_dir: Path | None, lang: str) -> None:
    """``itinerary --osm ... --gtfs ...``: a network without a region file (e.g. Porto Alegre)."""
    import datetime as dt

    import geopandas as gpd

    from accessibility.jobs.itinerary import fastest_journey, write_route
    from accessibility.routing import TransportNetwork, TravelRequest

    if not gtfs or None in (lat, lon, to_lat, to_lon) or departure is None:
        console.print("[bold red]Fout / error:[/] " + tr(
            lang, "met --osm horen --gtfs, --lat/--lon, --to-lat/--to-lon en --departure "
                  "'2019-05-13 14:00'",
            "--osm needs --gtfs, --lat/--lon, --to-lat/--to-lon and --departure "
            "'2019-05-13 14:00'"))
        raise typer.Exit(2)
    try:
        try:
            when = dt.datetime.fromisoformat(departure.strip().replace(" ", "T"))
        except ValueError:
            raise ConfigError(f"--departure {departure!r}: with --osm write a date and time, "
                              "e.g. 2019-05-13 14:00") from None

        def point(y: float, x: float, name: str, ident: str) -> gpd.GeoDataFrame:
            return gpd.GeoDataFrame({"id": [ident], "name": [name]},
                                    geometry=gpd.points_from_xy([x], [y]), crs=4326)

        with console.status(tr(lang, "route zoeken...", "finding the route...")):
            network = TransportNetwork(osm, gtfs, cache_dir=cache_dir)
            request = TravelRequest(departure=when,
                                    departure_time_window=dt.timedelta(minutes=window),
                                    wait_at_origin=False)
            result = fastest_journey(network, point(lat, lon, f"{lat:.5f}, {lon:.5f}", "start"),
                                     point(to_lat, to_lon, to, to), request, lang)
            if out is not None:
                write_route(result.legs, out)
    except AccessibilityError as err:
        _fail(err, lang)
    _print_result(result, out, lang)


def _print_result(result, out: Path | None, lang: str) -> None:
    from accessibility.outputs.report import number

    start = result.origin
    where = start.get("geocode_display_name") or start.get("name")
    console.print(tr(lang, f"[bold]Van[/] {where} [bold]naar[/] {result.destination['name']} "
                           f"({result.destination['id']})",
                     f"[bold]From[/] {where} [bold]to[/] {result.destination['name']} "
                     f"({result.destination['id']})"))
    for i, step in enumerate(result.steps, start=1):
        console.print(f"  {i}. {step[0].upper()}{step[1:]}")
    console.print(result.summary)
    q = result.request
    speed = number(q.speed_walking, 1, lang)
    console.print("[dim]" + tr(
        lang, f"Snelste reis die vertrekt tussen {q.departure:%d-%m-%Y %H:%M} en "
              f"{q.n_minutes} min later; loopsnelheid {speed} km/u.",
        f"Fastest trip leaving between {q.departure:%Y-%m-%d %H:%M} and {q.n_minutes} min "
        f"later; walking speed {speed} km/h.") + "[/]")
    if out is not None:
        console.print(tr(lang, f"Route geschreven naar {out}", f"Route written to {out}"))
