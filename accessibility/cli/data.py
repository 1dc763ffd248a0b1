"""The ``data`` command group: ``accessibility data fetch --region NAME``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from accessibility.cli import app, print_error
from accessibility.errors import AccessibilityError

data_app = typer.Typer(
    help=("Echte gegevens downloaden en voorbereiden. "
          "Download and prepare real data (OVapi GTFS, OpenStreetMap, CBS buurten)."),
    no_args_is_help=True,
)
app.add_typer(data_app, name="data")


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def _details(name: str, d: dict) -> str:
    if name == "buurten":
        text = (f"{d.get('buurten', 0)} buurten, {d.get('inhabitants', 0):,} inwoners "
                f"(CBS {d.get('cbs_year', '?')}, via {d.get('source', '?')})")
        if d.get("inhabitants_missing"):
            text += f"; {d['inhabitants_missing']} buurten zonder bekend inwonertal / unknown"
        return text
    if name == "gtfs":
        return (f"{d.get('stops_kept', 0)} stops (of {d.get('stops_total', 0)}; "
                f"{d.get('stops_invalid', 0)} impossible coordinates dropped), "
                f"{d.get('trips_kept', 0)} trips (of {d.get('trips_total', 0)}), "
                f"{d.get('routes_kept', 0)} routes; service {d.get('feed_start')}..{d.get('feed_end')}")
    return (f"{d.get('nodes', 0)} nodes ({d.get('nodes_inside', 0)} inside), "
            f"{d.get('ways', 0)} ways, {d.get('relations', 0)} relations")


@data_app.command("fetch")
def fetch(
    region: Annotated[str, typer.Option("--region", "-r",
                                        help="Regionaam of pad naar .toml / region name or path.")],
    cache: Annotated[Path | None, typer.Option(
        "--cache", help="Cachemap / cache folder (default $ACCESSIBILITY_CACHE or "
                        "~/.cache/accessibility).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Opnieuw downloaden en knippen / download and clip again.")] = False,
    no_progress: Annotated[bool, typer.Option(
        "--no-progress", help="Geen voortgangsbalken / no progress bars.")] = False,
) -> None:
    """Download GTFS, OSM and CBS buurten for a region into the cache (resumable).

    Downloadt GTFS (OVapi), OSM (Geofabrik) en CBS-buurten (PDOK) voor een regio,
    knipt ze op de regio en zet ze in de cache. Afgebroken downloads gaan verder
    waar ze gebleven waren.
    """
    from rich.console import Console
    from rich.table import Table

    from accessibility.config import load_region
    from accessibility.sources.fetch import fetch_region

    console = Console()
    try:
        cfg = load_region(region)
        summary = fetch_region(cfg, cache, force=force, progress=not no_progress)
    except AccessibilityError as exc:
        print_error(console, exc)
        raise typer.Exit(1) from None
    table = Table(title=f"{cfg.title}: {summary.cache_dir}")
    table.add_column("Bestand / file")
    table.add_column("Grootte / size", justify="right")
    table.add_column("Bijgewerkt / updated")
    table.add_column("Inhoud / contents")
    for item in summary.items:
        table.add_row(item.path.name, _size(item.size_bytes),
                      item.updated + (" (reused)" if item.reused else ""),
                      _details(item.name, item.details))
    console.print(table)
    console.print(f"bbox (incl. {cfg.buffer_km:g} km buffer): "
                  + ", ".join(f"{v:.5f}" for v in summary.bbox))
