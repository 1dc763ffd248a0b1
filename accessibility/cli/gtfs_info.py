"""The ``gtfs-info`` command: summarise GTFS feeds (and what runs on a date)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from accessibility.cli import app, print_error
from accessibility.errors import AccessibilityError
from accessibility.jobs.settings import parse_date

_MAX_AGENCIES = 3


@app.command("gtfs-info")
def gtfs_info_command(
    feeds: Annotated[
        list[Path], typer.Argument(help="GTFS-feeds (.zip of map) / GTFS feeds (.zip or folder).")
    ],
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Dienstdag / service date (2026-12-01 of / or 01-12-2026): also count what "
                 "runs that day.",
        ),
    ] = None,
) -> None:
    """GTFS-feeds samenvatten / summarise GTFS feeds: agencies, counts, dates, problems."""
    from rich.console import Console
    from rich.table import Table

    from accessibility.gtfs import feed_info

    console = Console()
    # The problems are printed below; do not log them a second time.
    gtfs_log = logging.getLogger("accessibility.gtfs")
    level = gtfs_log.level
    gtfs_log.setLevel(logging.ERROR)
    try:
        day = parse_date(date)
        info = feed_info(feeds, day)
    except AccessibilityError as exc:
        print_error(console, exc)
        raise typer.Exit(1) from None
    finally:
        gtfs_log.setLevel(level)

    table = Table(title="GTFS feeds" + (f" on {day.isoformat()}" if day else ""))
    table.add_column("")
    for summary in info.feeds:
        table.add_column(summary.feed_id, justify="right")
    rows: list[tuple[str, list[str]]] = [
        ("path", [str(s.path) for s in info.feeds]),
        ("agencies", [_agencies(s.agencies) for s in info.feeds]),
        ("routes", [f"{s.routes:,}" for s in info.feeds]),
        ("stops (valid / dropped)", [f"{s.stops:,} / {s.dropped_stops:,}" for s in info.feeds]),
        ("trips (usable / in file)", [f"{s.trips:,} / {s.trips_in_file:,}" for s in info.feeds]),
        (
            "stop_times (usable / in file)",
            [f"{s.stop_times:,} / {s.stop_times_in_file:,}" for s in info.feeds],
        ),
        ("frequencies rows", [f"{s.frequencies:,}" for s in info.feeds]),
        (
            "no pickup / no drop-off (type 1)",
            [f"{s.no_pickup:,} / {s.no_drop_off:,}" for s in info.feeds],
        ),
        (
            "pickup / drop-off on request (2, 3)",
            [f"{s.pickup_on_request:,} / {s.drop_off_on_request:,}" for s in info.feeds],
        ),
        (
            "stations / platforms in them / platform_code",
            [
                f"{s.stations:,} / {s.platforms_in_stations:,} / {s.platform_codes:,}"
                for s in info.feeds
            ],
        ),
        (
            "transfers.txt applied / not possible",
            [f"{s.transfer_rules:,} / {s.transfers_not_possible:,}" for s in info.feeds],
        ),
        ("transfers.txt ignored", [_ignored(s.transfers_ignored) for s in info.feeds]),
        (
            "service dates",
            [
                f"{s.first_date.isoformat()}..{s.last_date.isoformat()}" if s.first_date else "none"
                for s in info.feeds
            ],
        ),
    ]
    if day is not None:
        rows += [
            ("trips on date", [f"{s.trips_on_date:,}" for s in info.feeds]),
            ("  from frequencies", [f"{s.frequency_trips:,}" for s in info.feeds]),
            ("  from previous days", [f"{s.previous_day_trips:,}" for s in info.feeds]),
            ("  from next day (before 06:00)", [f"{s.next_day_trips:,}" for s in info.feeds]),
            ("interpolated stop_times", [f"{s.interpolated_stop_times:,}" for s in info.feeds]),
            ("patterns", [f"{s.patterns:,}" for s in info.feeds]),
        ]
    rows.append(("problems", [str(len(s.problems)) for s in info.feeds]))
    for label, values in rows:
        table.add_row(label, *values)
    console.print(table)
    for summary in info.feeds:
        if summary.station_platforms:
            shown = "; ".join(
                f"{name} ({', '.join(codes)})" for name, codes in summary.station_platforms
            )
            console.print(f"{summary.feed_id}: platform_code per station: {shown}")
        for problem in summary.problems:
            console.print(f"[yellow]{summary.feed_id}: {problem}[/yellow]")


def _ignored(counts: dict[str, int]) -> str:
    """Rows of transfers.txt not applied, by kind ("none" when all were applied)."""
    return ", ".join(f"{kind} {n:,}" for kind, n in counts.items()) or "none"


def _agencies(names: list[str]) -> str:
    """First agency names, then how many more."""
    shown = ", ".join(names[:_MAX_AGENCIES])
    more = len(names) - _MAX_AGENCIES
    return f"{shown} (+{more} more)" if more > 0 else shown
