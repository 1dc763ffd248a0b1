"""The main jobs: isochrones, white spots, check-location and suggest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from accessibility.cli import app, print_error
from accessibility.errors import AccessibilityError
from accessibility.routing.distributed import open_runner

console = Console()

REGION_HELP = "Regio: naam in data/regions/ of pad naar een .toml. Region name or path."
OUT_HELP = "Uitvoermap / output folder."
CACHE_HELP = "Cachemap voor gedownloade data en netwerken / cache folder (default $ACCESSIBILITY_CACHE)."
ONLINE_HELP = "Adressen online geocoderen bij PDOK / geocode addresses online (default: cache only)."
LANG_HELP = "Taal van kaarten: nl of en / language of the maps."


Region = Annotated[str, typer.Option("--region", "-r", help=REGION_HELP)]
CacheDir = Annotated[Path | None, typer.Option("--cache-dir", help=CACHE_HELP)]
Online = Annotated[bool, typer.Option("--online", help=ONLINE_HELP)]
Lang = Annotated[str, typer.Option("--lang", help=LANG_HELP)]


Out = Annotated[Path, typer.Option("--out", "-o", help=OUT_HELP)]
Workers = Annotated[int | None, typer.Option(
    "--workers", min=1, help="Start een lokaal Dask-cluster met N workers / start a local Dask "
                             "cluster with N workers.")]
Scheduler = Annotated[str | None, typer.Option(
    "--scheduler", help="Adres van een bestaand Dask-cluster (tcp://host:8786) / address of a "
                        "running Dask scheduler.")]

def _fail(err: AccessibilityError) -> None:
    print_error(console, err)
    raise typer.Exit(1)


def _run(region: str, cache_dir: Path | None, online: bool, status: str, job):
    """Load the region, run ``job(data)`` under a spinner; errors exit 1 in red.

    Returns the region data and the job's result; warns when the region is synthetic.
    """
    from accessibility.jobs.region import RegionData
    from accessibility.progress import progress_enabled

    try:
        data = RegionData.load(region, cache_dir=cache_dir, offline=not online)
        if progress_enabled():  # the stages draw their own bars with the time left
            console.print(status)
            result = job(data)
        else:
            with console.status(status):
                result = job(data)
    except AccessibilityError as err:
        _fail(err)
    if data.synthetic:
        console.print("[yellow]Synthetische demoregio: de cijfers zijn verzonnen.[/]")
    return data, result


def _print_warnings(data) -> None:
    for warning in data.warnings:
        console.print(f"[yellow]let op / note:[/] {warning}")


def _print_timings(seconds: dict[str, float]) -> None:
    parts = ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items())
    console.print(f"[dim]tijd / time: {parts}[/]")


def _print_frame(title: str, frame, max_rows: int = 30) -> None:
    table = Table(title=title, show_lines=False)
    for col in frame.columns:
        table.add_column(str(col), justify="right" if frame[col].dtype.kind in "fiu" else "left")
    for row in frame.head(max_rows).itertuples(index=False):
        table.add_row(*[f"{v:,.1f}" if isinstance(v, float) else str(v) for v in row])
    console.print(table)


@app.command("isochrones")
def isochrones_command(
    region: Region = "demo",
    out: Out = Path("output/demo/isochrones"),
    cache_dir: CacheDir = None,
    online: Online = False,
    lang: Lang = "nl",
) -> None:
    """Isochronen rond elk steunpunt (15/30/45/60 min) / isochrones around every steunpunt."""
    from accessibility.jobs.isochrones import run_isochrones

    data, result = _run(region, cache_dir, online, "isochronen berekenen / computing isochrones...",
                        lambda data: run_isochrones(data, out, lang=lang))
    _print_frame(f"Isochronen – {data.config.title}", result.summary)
    _print_warnings(data)
    console.print(f"Uitvoer / output: {result.out_dir} ({len(list(result.out_dir.iterdir()))} bestanden)")
    _print_timings(result.seconds)


@app.command("whitespots")
def whitespots_command(
    region: Region = "demo",
    out: Out = Path("output/demo/whitespots"),
    kind: list[str] = typer.Option(
        ["steunpunt", "satellite"], "--kind",
        help="Soorten locaties die meetellen (herhaalbaar) / location kinds that count (repeatable)."),
    cache_dir: CacheDir = None,
    online: Online = False,
    lang: Lang = "nl",
    workers: Workers = None,
    scheduler: Scheduler = None,
) -> None:
    """Witte vlekken per buurt, EPA-schatting, behoefte en aanbod, rapport / white spots and report."""
    from accessibility.jobs.whitespots import run_whitespots

    def job(data):
        with open_runner(workers, scheduler) as runner:
            return run_whitespots(data, out, lang=lang, kinds=tuple(kind), runner=runner)

    data, result = _run(region, cache_dir, online, "witte vlekken berekenen / computing white spots...",
                        job)
    region_row = result.coverage.region
    console.print(
        f"Inwoners {region_row['population']:,.0f}; buiten de norm "
        f"{100 * region_row['share_beyond_norm']:.1f} %; witte-vlekbuurten "
        f"{int(region_row['n_witte_vlekken'])} van {int(region_row['n_buurten'])}")
    _print_frame("Tijdvakken / time windows", result.time_windows)
    _print_warnings(data)
    console.print(f"Rapport / report: {result.out_dir / 'rapport.html'}")
    _print_timings(result.seconds)


@app.command("check-location")
def check_location_command(
    region: Region = "demo",
    address: str | None = typer.Option(None, "--address", help="Adres van de kandidaat / candidate address."),
    lat: float | None = typer.Option(None, "--lat", help="Breedtegraad (WGS84) / latitude."),
    lon: float | None = typer.Option(None, "--lon", help="Lengtegraad (WGS84) / longitude."),
    candidates: Path | None = typer.Option(
        None, "--candidates", help="Bestand met kandidaten (CSV als locatielijst) / file of candidates."),
    name: str = typer.Option("kandidaat", "--name", help="Naam bij --lat/--lon / name for --lat/--lon."),
    out: Out = Path("output/demo/check-location"),
    cache_dir: CacheDir = None,
    online: Online = False,
    lang: Lang = "nl",
    workers: Workers = None,
    scheduler: Scheduler = None,
) -> None:
    """Toets een voorgestelde locatie: wat voegt ze toe? / check what a proposed location adds."""
    import numpy as np

    from accessibility.jobs.candidates import (
        candidate_frame,
        candidate_from_address,
        candidates_from_file,
    )
    from accessibility.jobs.check_location import run_check_location

    given = sum(x is not None for x in (address, candidates)) + (lat is not None or lon is not None)
    if given != 1 or (lat is None) != (lon is None):
        console.print("[bold red]Fout / error:[/] geef precies een van --address, --lat en --lon "
                      "samen, of --candidates / give exactly one of --address, --lat with --lon, "
                      "or --candidates")
        raise typer.Exit(2)
    def job(data):
        if address is not None:
            frame = candidate_from_address(data, address)
        elif candidates is not None:
            frame = candidates_from_file(data, candidates)
        else:
            frame = candidate_frame([name], [name], np.array([lat]), np.array([lon]), "coordinates")
        with open_runner(workers, scheduler) as runner:
            return run_check_location(data, frame, out, lang=lang, runner=runner)

    _, result = _run(region, cache_dir, online, "kandidaten doorrekenen / evaluating candidates...",
                     job)
    _print_frame("Wat voegt de locatie toe? / what does it add?", result.table)
    for row in result.rejected.itertuples():
        console.print(f"[red]afgewezen / rejected:[/] {row.id} ({row.name}): {row.reason}")
    console.print(f"Rapport / report: {result.out_dir / 'rapport_locatietoets.html'}")
    console.print(f"[dim]{result.candidates_per_second:.1f} kandidaten/s (routing)[/]")
    _print_timings(result.seconds)


@app.command("suggest")
def suggest_command(
    region: Region = "demo",
    k: int = typer.Option(3, "-k", "--k", min=1, help="Aantal nieuwe steunpunten / number of new sites."),
    candidates: Path | None = typer.Option(
        None, "--candidates", help="Eigen kandidatenlijst (anders: stations, haltes, buurtcentra) / "
        "own candidate file (default: generated)."),
    method: str = typer.Option("auto", "--method", help="auto, exact of greedy."),
    out: Out = Path("output/demo/suggest"),
    cache_dir: CacheDir = None,
    online: Online = False,
    lang: Lang = "nl",
    workers: Workers = None,
    scheduler: Scheduler = None,
) -> None:
    """Waar helpen k nieuwe steunpunten het meest? / where do k new steunpunten help most?"""
    from accessibility.jobs.candidates import candidates_from_file
    from accessibility.jobs.suggest import run_suggest

    def job(data):
        pool = candidates_from_file(data, candidates) if candidates is not None else None
        with open_runner(workers, scheduler) as runner:
            return run_suggest(data, k, out, candidates=pool, method=method, lang=lang,
                               runner=runner)

    _, result = _run(region, cache_dir, online, "locaties kiezen / choosing sites...", job)
    _print_frame(f"Voorgestelde locaties ({result.siting.method})", result.ranking)
    console.print(f"[dim]{result.n_candidates} kandidaten, "
                  f"{result.candidates_per_second:.1f} kandidaten/s (routing)[/]")
    console.print(f"Rapport / report: {result.out_dir / 'rapport_suggesties.html'}")
    _print_timings(result.seconds)
