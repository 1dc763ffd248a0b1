"""The main jobs: isochrones, white spots, check-location and suggest.

Every job takes the analysis settings that users most often change
(``--date``, ``--departure-time``, ``--window``, ``--norm``, ``--max-time``) on
the command line: they override the region file for this run and are written
into ``metadata.json``. Messages are in Dutch (``--lang en``: English). An
existing output folder is never replaced without ``--overwrite``; check-location
writes one folder per candidate name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from accessibility.cli import app, print_error
from accessibility.cli.output import geocode_hints, print_frame, print_warnings, tr
from accessibility.errors import AccessibilityError, GeocodeError
from accessibility.routing.distributed import open_runner

console = Console()

REGION_HELP = "Regio: naam in data/regions/ of pad naar een .toml. Region name or path."
OUT_HELP = "Uitvoermap / output folder."
CACHE_HELP = "Cachemap voor gedownloade data en netwerken / cache folder (default $ACCESSIBILITY_CACHE)."
ONLINE_HELP = "Adressen online geocoderen bij PDOK / geocode addresses online (default: cache only)."
LANG_HELP = "Taal van rapport, kaarten, tabellen en meldingen: nl of en / language."
DATE_HELP = ("Dienstregelingsdatum, bv. 2026-12-01 (in plaats van de regio-instelling) / "
             "service date, overrides the region file.")
DEPARTURE_HELP = "Begin van het vertrekvenster, bv. 10:00 / start of the departure window."
WINDOW_HELP = "Lengte van het vertrekvenster in minuten / departure window, minutes."
NORM_HELP = "Norm in minuten (standaard uit de regio: 45) / norm, minutes."
MAX_TIME_HELP = "Maximale reistijd in minuten (langer = onbereikbaar) / maximum travel time."
EXCEL_CSV_HELP = ("CSV-bestanden voor Nederlandse Excel: puntkomma, decimale komma / write the "
                  "CSV files in the Dutch Excel dialect (';', decimal comma).")
OVERWRITE_HELP = "Een bestaande uitvoermap vervangen / replace an existing output folder."
ONLINE_HINT = {"nl": "voeg --online toe", "en": "add --online"}
URL_HINT = "[sources] locatieserver_url in het regiobestand of $ACCESSIBILITY_LOCATIESERVER_URL"

Region = Annotated[str, typer.Option("--region", "-r", help=REGION_HELP)]
CacheDir = Annotated[Path | None, typer.Option("--cache-dir", help=CACHE_HELP)]
Online = Annotated[bool, typer.Option("--online", help=ONLINE_HELP)]
Lang = Annotated[str, typer.Option("--lang", help=LANG_HELP)]
Out = Annotated[Path, typer.Option("--out", "-o", help=OUT_HELP)]
Date = Annotated[str | None, typer.Option("--date", help=DATE_HELP)]
Departure = Annotated[str | None, typer.Option("--departure-time", help=DEPARTURE_HELP)]
Window = Annotated[int | None, typer.Option("--window", min=1, max=1440, help=WINDOW_HELP)]
Norm = Annotated[int | None, typer.Option("--norm", min=1, help=NORM_HELP)]
MaxTime = Annotated[int | None, typer.Option("--max-time", min=1, help=MAX_TIME_HELP)]
ExcelCsv = Annotated[bool, typer.Option("--excel-csv", help=EXCEL_CSV_HELP)]
Overwrite = Annotated[bool, typer.Option("--overwrite", help=OVERWRITE_HELP)]
Workers = Annotated[int | None, typer.Option(
    "--workers", min=1, help="Start een lokaal Dask-cluster met N workers / start a local Dask "
                             "cluster with N workers.")]
Scheduler = Annotated[str | None, typer.Option(
    "--scheduler", help="Adres van een bestaand Dask-cluster (tcp://host:8786) / address of a "
                        "running Dask scheduler.")]


def _fail(err: AccessibilityError, lang: str = "nl") -> None:
    print_error(console, err)
    if isinstance(err, GeocodeError):
        from accessibility.places.geocode import problem_of

        for hint in geocode_hints([problem_of(err)], lang, offline_option=ONLINE_HINT[lang],
                                  url_option=URL_HINT):
            console.print(hint)
    raise typer.Exit(1)


def _check_lang(lang: str) -> None:
    if lang not in ("nl", "en"):
        console.print(f"[bold red]Fout / error:[/] --lang {lang!r}: kies nl of en / choose nl or en")
        raise typer.Exit(2)


def _check_out(out: Path, overwrite: bool, lang: str) -> None:
    """Refuse to replace an existing, non-empty output folder without ``--overwrite``."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not overwrite:
        console.print("[bold red]" + tr(lang, "Fout:", "Error:") + "[/] " + tr(
            lang,
            f"de uitvoermap {out} bestaat al en wordt niet overschreven; kies een andere --out "
            "(of --name) of geef --overwrite om haar te vervangen.",
            f"the output folder {out} exists and is not replaced; choose another --out (or "
            "--name) or give --overwrite to replace it."))
        raise typer.Exit(1)


def _overrides(date: str | None, departure: str | None, window: int | None, norm: int | None,
               max_time: int | None, lang: str):
    from accessibility.jobs.settings import Overrides, parse_date, parse_time

    try:
        return Overrides(date=parse_date(date), departure_time=parse_time(departure),
                         window_minutes=window, norm_minutes=norm, max_time_minutes=max_time)
    except AccessibilityError as err:
        _fail(err, lang)


def _run(region: str, cache_dir: Path | None, online: bool, status: str, job, *, overrides=None,
         lang: str = "nl"):
    """Load the region, run ``job(data)`` under a spinner; errors exit 1 in red.

    Returns the region data and the job's result; warns when the region is synthetic.
    """
    from accessibility.jobs.region import RegionData
    from accessibility.progress import progress_enabled

    try:
        data = RegionData.load(region, cache_dir=cache_dir, offline=not online,
                               overrides=overrides)
        if progress_enabled():  # the stages draw their own bars with the time left
            console.print(status)
            result = job(data)
        else:
            with console.status(status):
                result = job(data)
    except AccessibilityError as err:
        _fail(err, lang)
    if data.synthetic:
        console.print(tr(lang, "[yellow]Synthetische demoregio: de cijfers zijn verzonnen.[/]",
                         "[yellow]Synthetic demo region: the figures are invented.[/]"))
    return data, result


def _print_timings(seconds: dict[str, float], lang: str) -> None:
    parts = ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items())
    console.print(f"[dim]{tr(lang, 'tijd', 'time')}: {parts}[/]")


def _plural(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


@app.command("isochrones")
def isochrones_command(
    region: Region = "demo",
    out: Out = Path("output/demo/isochrones"),
    cache_dir: CacheDir = None,
    online: Online = False,
    lang: Lang = "nl",
    date: Date = None,
    departure_time: Departure = None,
    window: Window = None,
    norm: Norm = None,
    max_time: MaxTime = None,
    excel_csv: ExcelCsv = False,
    overwrite: Overwrite = False,
) -> None:
    """Isochronen rond elk steunpunt (15/30/45/60 min) / isochrones around every steunpunt."""
    from accessibility.jobs.isochrones import run_isochrones

    _check_lang(lang)
    _check_out(out, overwrite, lang)
    overrides = _overrides(date, departure_time, window, norm, max_time, lang)
    data, result = _run(region, cache_dir, online,
                        tr(lang, "isochronen berekenen...", "computing isochrones..."),
                        lambda data: run_isochrones(data, out, lang=lang, excel_csv=excel_csv),
                        overrides=overrides, lang=lang)
    cutoffs = [c for c in data.config.analysis.cutoffs_minutes
               if c <= data.config.analysis.norm_minutes]
    print_frame(console, tr(lang, f"Isochronen – {data.config.title}",
                            f"Isochrones – {data.config.title}"), result.summary, lang,
                ["naam", "soort", *(f"inwoners_binnen_{c}_min" for c in cutoffs)])
    print_warnings(console, data.warnings, lang)
    n_files = len(list(result.out_dir.iterdir()))
    console.print(tr(lang, f"Uitvoer: {result.out_dir} ({n_files} bestanden, tabellen in "
                           "isochrones.xlsx)",
                     f"Output: {result.out_dir} ({n_files} files, tables in isochrones.xlsx)"))
    _print_timings(result.seconds, lang)


@app.command("whitespots")
def whitespots_command(
    region: Region = "demo",
    out: Out = Path("output/demo/whitespots"),
    kind: list[str] = typer.Option(
        ["steunpunt", "satellite"], "--kind",
        help="Soorten locaties die meetellen (herhaalbaar): steunpunt, satelliet / location "
             "kinds that count (repeatable)."),
    min_stay: int | None = typer.Option(
        None, "--min-stay", help="Minuten dat een steunpunt na aankomst nog open moet zijn "
        "(standaard 60) / minutes a steunpunt must stay open after arrival."),
    day_start: str | None = typer.Option(
        None, "--day-start", help="Eerste vertrek per dag van de week, HH:MM (standaard 08:00) / "
        "first departure of the per-day analysis."),
    day_window: int | None = typer.Option(
        None, "--day-window", help="Vertrekvenster per dag in minuten (standaard 720) / "
        "per-day departure window, minutes."),
    norm_from: int | None = typer.Option(
        None, "--norm-from", help="Normcurve vanaf (min, standaard 15) / norm curve from."),
    norm_to: int | None = typer.Option(
        None, "--norm-to", help="Normcurve tot en met (min, standaard 90) / norm curve up to."),
    norm_step: int | None = typer.Option(
        None, "--norm-step", help="Stap van de normcurve (min, standaard 5) / norm curve step."),
    compare_norm: list[int] = typer.Option(
        [], "--compare-norm", help="Normen om te vergelijken en te kaarten (herhaalbaar, "
        "standaard 30 45 60) / norms to compare and map (repeatable)."),
    visitors_per_week: float | None = typer.Option(
        None, "--visitors-per-week", help="Capaciteit van een gemiddeld steunpunt (standaard "
        "100) / capacity of an average steunpunt."),
    decay_half: float | None = typer.Option(
        None, "--decay-half", help="Reistijd (min) waarbij de afnemende capaciteitsmaat half "
        "telt (standaard de norm) / minutes at which the decay weight is 0.5."),
    cache_dir: CacheDir = None,
    online: Online = False,
    lang: Lang = "nl",
    date: Date = None,
    departure_time: Departure = None,
    window: Window = None,
    norm: Norm = None,
    max_time: MaxTime = None,
    excel_csv: ExcelCsv = False,
    overwrite: Overwrite = False,
    workers: Workers = None,
    scheduler: Scheduler = None,
) -> None:
    """Witte vlekken per buurt, EPA-schatting, behoefte en aanbod, rapport / white spots and report."""
    from accessibility.jobs.whitespots import run_whitespots
    from accessibility.places.locations import KIND_ALIASES

    _check_lang(lang)
    kinds = []
    for k in kind:
        if k.lower() not in KIND_ALIASES:
            console.print(f"[bold red]Fout / error:[/] --kind {k!r}: "
                          + tr(lang, "kies steunpunt, satelliet of voorgesteld",
                               "choose steunpunt, satellite or proposed"))
            raise typer.Exit(2)
        kinds.append(KIND_ALIASES[k.lower()])
    _check_out(out, overwrite, lang)
    overrides = _overrides(date, departure_time, window, norm, max_time, lang)
    settings = {
        "opening_hours": {"min_stay_minutes": min_stay, "day_departure_time": day_start,
                          "day_window_minutes": day_window},
        "norm_sensitivity": {"from_minutes": norm_from, "to_minutes": norm_to,
                             "step_minutes": norm_step, "compare_minutes": compare_norm or None},
        "capacity": {"visitors_per_week": visitors_per_week, "decay_half_minutes": decay_half},
    }

    def job(data):
        data.config = data.config.with_settings(**settings)
        with open_runner(workers, scheduler) as runner:
            return run_whitespots(data, out, lang=lang, kinds=tuple(kinds), excel_csv=excel_csv,
                                  runner=runner)

    data, result = _run(region, cache_dir, online,
                        tr(lang, "witte vlekken berekenen...", "computing white spots..."),
                        job, overrides=overrides, lang=lang)
    from accessibility.jobs.report_text import key_figures
    from accessibility.outputs.report import number

    for label, value in key_figures(result.coverage, data.config.analysis.norm_minutes, lang):
        console.print(f"{label}: [bold]{value}[/]")
    print_frame(console, tr(lang, "Tijdvakken", "Time windows"), result.time_windows, lang,
                ["tijdvak", "mediane_reistijd_min", "inwoners_buiten_norm",
                 "aandeel_buiten_norm_pct", "witte_vlekken"])
    week = result.week.week.gemeenten.set_index("gemeentecode").loc["regio"]
    cap = result.capacity.gemeenten.set_index("gemeentecode").loc["regio"]
    days = number(week["mean_days_with_access"], 1, lang)
    places = number(cap["capaciteit_step_per_100_epa"], 1, lang)
    console.print(tr(lang, f"Dagen met toegang (open steunpunt binnen de norm): {days} per week",
                     f"Days with access (open steunpunt within the norm): {days} a week"))
    console.print(tr(lang, f"Capaciteit binnen bereik: {places} plaatsen per week per 100 EPA",
                     f"Capacity in reach: {places} places a week per 100 people with an EPA"))
    for row in result.norms.changes.itertuples():
        n = int(row.niet_meer_witte_vlek)
        console.print(tr(
            lang,
            f"Norm {row.norm_van:g} -> {row.norm_naar:g} min: {_plural(n, 'buurt', 'buurten')} "
            "niet langer witte vlek",
            f"Norm {row.norm_van:g} -> {row.norm_naar:g} min: {_plural(n, 'buurt', 'buurten')} "
            "no longer a white spot"))
    print_warnings(console, data.warnings, lang)
    console.print(tr(lang, f"Rapport: {result.out_dir / 'rapport.html'}; tabellen: "
                           f"{result.out_dir / 'witte_vlekken.xlsx'}",
                     f"Report: {result.out_dir / 'rapport.html'}; tables: "
                     f"{result.out_dir / 'witte_vlekken.xlsx'}"))
    _print_timings(result.seconds, lang)


def _coordinate_candidate(lat: float | None, lon: float | None, x: float | None,
                          y: float | None, name: str, lang: str):
    """A candidate from ``--lat/--lon`` (WGS84) or ``--x/--y`` (RD New); RD metres given as
    lat/lon are recognised and the right options named."""
    import numpy as np

    from accessibility.errors import InputError
    from accessibility.jobs.candidates import candidate_frame
    from accessibility.places.rd import looks_like_rd, rd_to_wgs84

    if x is not None:
        lat, lon = rd_to_wgs84(x, y)
        source = "coordinates"
    else:
        if looks_like_rd(lat, lon):
            raise InputError(tr(
                lang,
                f"--lat {lat:g} --lon {lon:g} zijn geen graden maar lijken RD-coördinaten "
                f"(Rijksdriehoek, EPSG:28992); gebruik --x {lon:g} --y {lat:g}",
                f"--lat {lat:g} --lon {lon:g} are not degrees but look like RD New "
                f"coordinates (EPSG:28992); use --x {lon:g} --y {lat:g}"))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise InputError(tr(lang, f"--lat {lat:g} / --lon {lon:g} liggen buiten -90..90 / "
                                      "-180..180 graden (WGS84)",
                                f"--lat {lat:g} / --lon {lon:g} lie outside -90..90 / "
                                "-180..180 degrees (WGS84)"))
        source = "coordinates"
    return candidate_frame([name], [name], np.array([lat]), np.array([lon]), source)


@app.command("check-location")
def check_location_command(
    region: Region = "demo",
    address: str | None = typer.Option(None, "--address", help="Adres van de kandidaat / candidate address."),
    lat: float | None = typer.Option(None, "--lat", help="Breedtegraad (WGS84) / latitude."),
    lon: float | None = typer.Option(None, "--lon", help="Lengtegraad (WGS84) / longitude."),
    x: float | None = typer.Option(None, "--x", help="RD-x (Rijksdriehoek, EPSG:28992) / RD New easting."),
    y: float | None = typer.Option(None, "--y", help="RD-y (Rijksdriehoek, EPSG:28992) / RD New northing."),
    candidates: Path | None = typer.Option(
        None, "--candidates",
        help="Bestand met kandidaten (CSV of xlsx als locatielijst) / file of candidates."),
    name: str | None = typer.Option(
        None, "--name", help="Naam van de kandidaat en van zijn uitvoermap / name of the "
                             "candidate and of its output folder."),
    out: Out = Path("output/demo/check-location"),
    cache_dir: CacheDir = None,
    online: Online = False,
    lang: Lang = "nl",
    date: Date = None,
    departure_time: Departure = None,
    window: Window = None,
    norm: Norm = None,
    max_time: MaxTime = None,
    excel_csv: ExcelCsv = False,
    overwrite: Overwrite = False,
    workers: Workers = None,
    scheduler: Scheduler = None,
) -> None:
    """Toets een voorgestelde locatie: wat voegt ze toe? / check what a proposed location adds.

    De uitvoer komt in een eigen map per kandidaat (OUT/<naam>) / output goes to one folder
    per candidate (OUT/<name>).
    """
    from accessibility.jobs.candidates import candidate_from_address, candidates_from_file
    from accessibility.jobs.check_location import run_check_location
    from accessibility.outputs.files import slug
    from accessibility.outputs.report import number

    _check_lang(lang)
    given = (sum(v is not None for v in (address, candidates)) + (lat is not None or lon is not None)
             + (x is not None or y is not None))
    if given != 1 or (lat is None) != (lon is None) or (x is None) != (y is None):
        console.print("[bold red]Fout / error:[/] " + tr(
            lang, "geef precies een van: --address, --lat met --lon, --x met --y (RD), of "
                  "--candidates",
            "give exactly one of: --address, --lat with --lon, --x with --y (RD), or "
            "--candidates"))
        raise typer.Exit(2)
    label = name or (address if address is not None else
                     candidates.stem if candidates is not None else "kandidaat")
    folder = out / slug(label)
    _check_out(folder, overwrite, lang)
    overrides = _overrides(date, departure_time, window, norm, max_time, lang)

    def job(data):
        if address is not None:
            frame = candidate_from_address(data, address, name)
        elif candidates is not None:
            frame = candidates_from_file(data, candidates)
        else:
            frame = _coordinate_candidate(lat, lon, x, y, label, lang)
        with open_runner(workers, scheduler) as runner:
            return run_check_location(data, frame, folder, lang=lang, excel_csv=excel_csv,
                                      runner=runner)

    data, result = _run(region, cache_dir, online,
                        tr(lang, "kandidaten doorrekenen...", "evaluating candidates..."),
                        job, overrides=overrides, lang=lang)
    for outcome in result.outcomes:
        c = outcome.candidate
        if c.get("geocode_display_name"):
            console.print(tr(lang, f"Geocoder vond voor '{c['address']}': ",
                             f"The geocoder matched '{c['address']}' to: ")
                          + f"[bold]{c['geocode_display_name']}[/] (type "
                            f"{c.get('geocode_match_type') or '?'}, score "
                            f"{number(c.get('geocode_score') or 0.0, 1, lang)}); "
                          + tr(lang, "controleer of dit de bedoelde plek is.",
                               "check that this is the intended place."))
    print_frame(console, tr(lang, "Wat voegt de locatie toe?", "What does it add?"), result.table,
                lang, ["rang", "naam", "inwoners_nieuw_binnen_norm",
                       "epa_schatting_nieuw_binnen_norm", "witte_vlekken_opgelost"])
    rejected_label = tr(lang, "niet doorgerekend", "not evaluated")
    from accessibility.notices import render

    for row in result.rejected.itertuples():
        console.print(f"[red]{rejected_label}:[/] {row.id} ({row.name}): {render(row.reason, lang)}")
    for hint in geocode_hints(result.rejected["problem"], lang,
                              offline_option=ONLINE_HINT[lang], url_option=URL_HINT):
        console.print(hint)
    print_warnings(console, data.warnings, lang)
    console.print(tr(lang, f"Rapport: {result.out_dir / 'rapport_locatietoets.html'}",
                     f"Report: {result.out_dir / 'rapport_locatietoets.html'}"))
    console.print(f"[dim]{result.candidates_per_second:.1f} "
                  + tr(lang, "kandidaten/s (routering)", "candidates/s (routing)") + "[/]")
    _print_timings(result.seconds, lang)


@app.command("suggest")
def suggest_command(
    region: Region = "demo",
    k: int = typer.Option(3, "-k", "--k", min=1,
                          help="Hoogstens zoveel nieuwe steunpunten / at most this many new sites."),
    min_gain: float = typer.Option(
        None, "--min-gain", min=0,
        help="Stop als een volgende locatie minder dan zoveel mensen met een EPA (schatting) "
             "extra binnen de norm brengt (standaard 5) / stop when a next site adds fewer "
             "EPA persons (default 5)."),
    candidates: Path | None = typer.Option(
        None, "--candidates", help="Eigen kandidatenlijst (anders: stations, haltes, buurtcentra) / "
        "own candidate file (default: generated)."),
    method: str = typer.Option("auto", "--method", help="auto, exact of greedy."),
    out: Out = Path("output/demo/suggest"),
    cache_dir: CacheDir = None,
    online: Online = False,
    lang: Lang = "nl",
    date: Date = None,
    departure_time: Departure = None,
    window: Window = None,
    norm: Norm = None,
    max_time: MaxTime = None,
    excel_csv: ExcelCsv = False,
    overwrite: Overwrite = False,
    workers: Workers = None,
    scheduler: Scheduler = None,
) -> None:
    """Waar helpen nieuwe steunpunten het meest? / where do new steunpunten help most?"""
    from accessibility.jobs.candidates import candidates_from_file
    from accessibility.jobs.suggest import DEFAULT_MIN_GAIN, run_suggest

    _check_lang(lang)
    _check_out(out, overwrite, lang)
    overrides = _overrides(date, departure_time, window, norm, max_time, lang)
    gain = DEFAULT_MIN_GAIN if min_gain is None else min_gain

    def job(data):
        from accessibility.places.geocode import GeocodeCache, PdokGeocoder

        pool = candidates_from_file(data, candidates) if candidates is not None else None
        reverse = (PdokGeocoder(base_url=data.config.sources.locatieserver_url,
                                cache=GeocodeCache(data.inputs.geocode_cache)) if online else None)
        with open_runner(workers, scheduler) as runner:
            return run_suggest(data, k, out, candidates=pool, method=method, lang=lang,
                               min_gain=gain, excel_csv=excel_csv, reverse_geocoder=reverse,
                               runner=runner)

    data, result = _run(region, cache_dir, online,
                        tr(lang, "locaties kiezen...", "choosing sites..."), job,
                        overrides=overrides, lang=lang)
    print_frame(console, tr(lang, "Dekkingscurve (k = 0: huidige steunpunten)",
                            "Coverage curve (k = 0: current steunpunten)"), result.curve, lang,
                ["k", "marginal_gain", "share_covered", "gekozen"])
    if len(result.ranking):
        print_frame(console, tr(lang, f"Voorgestelde locaties ({result.siting.method})",
                                f"Suggested sites ({result.siting.method})"), result.ranking,
                    lang, ["rank", "naam", "marginal_gain", "lat", "lon"])
    if result.stop_reason:
        console.print(f"[yellow]{result.stop_reason}[/]")
    print_warnings(console, data.warnings, lang)
    n = result.n_candidates
    console.print(f"[dim]{_plural(n, tr(lang, 'kandidaat', 'candidate'), tr(lang, 'kandidaten', 'candidates'))}, "
                  f"{result.candidates_per_second:.1f} "
                  + tr(lang, "kandidaten/s (routering)", "candidates/s (routing)") + "[/]")
    console.print(tr(lang, f"Rapport: {result.out_dir / 'rapport_suggesties.html'}",
                     f"Report: {result.out_dir / 'rapport_suggesties.html'}"))
    _print_timings(result.seconds, lang)
