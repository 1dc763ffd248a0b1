"""Command-line interface: ``accessibility --help``.

Each command group lives in its own module in this package and registers its
commands on :data:`app` when imported below. Heavy libraries are imported inside
the commands so that ``--help`` stays fast.
"""

from __future__ import annotations

import logging

import typer

app = typer.Typer(
    name="accessibility",
    help=(
        "Bereikbaarheid van laagdrempelige steunpunten met het openbaar vervoer. "
        "Public-transport accessibility of low-threshold mental-health support points."
    ),
    no_args_is_help=True,
    add_completion=False,
)


def print_error(console, message: object) -> None:
    """Print an error in red; the message is escaped so ``[inputs]`` is not taken as markup."""
    from rich.markup import escape

    console.print(f"[bold red]Fout / error:[/] {escape(str(message))}")


QUIET_LOGGERS = ("accessibility.analysis", "accessibility.jobs")
"""Loggers whose warnings the commands print themselves (translated, once): silent unless
``--verbose``."""


def configure_logging(verbose: bool) -> None:
    """Library log lines (pyogrio's "Created 13,018 records", numba, ...) only with
    ``--verbose``; without it only warnings and errors, and not the data warnings the
    commands already print in the user's language."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        force=True,
    )
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET if verbose else logging.ERROR)


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v",
                                 help="Toon alle logregels / show all log lines (debug)."),
) -> None:
    """Bereikbaarheid van steunpunten / accessibility of steunpunten."""
    configure_logging(verbose)


# Command modules register themselves on `app` (one import per module).
from accessibility.cli import data as _data  # noqa: E402,F401
from accessibility.cli import geocode as _geocode  # noqa: E402,F401
from accessibility.cli import gtfs_info as _gtfs_info  # noqa: E402,F401
from accessibility.cli import itinerary as _itinerary  # noqa: E402,F401
from accessibility.cli import jobs as _jobs  # noqa: E402,F401
from accessibility.cli import need as _need  # noqa: E402,F401
from accessibility.cli import travel_times as _travel_times  # noqa: E402,F401


def main() -> None:
    """Entry point of the ``accessibility`` console script."""
    app()


if __name__ == "__main__":
    main()
