"""The ``need`` command: needed steunpunten per participation scenario."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from accessibility.cli import app, print_error
from accessibility.errors import AccessibilityError, InputError


def _scalar_table(
    inhabitants: float | None,
    prevalence: float | None,
    epa_count: float | None,
    participation: list[float],
    capacity: float,
):
    from rich.table import Table

    from accessibility.analysis.need import needed_from_epa, needed_steunpunten
    from accessibility.outputs.report import nl_number

    if epa_count is not None:
        need = needed_from_epa(epa_count, participation, capacity)
        basis = f"{nl_number(epa_count)} EPA"
    else:
        need = needed_steunpunten(inhabitants, prevalence, participation, capacity)
        epa = inhabitants * prevalence / 100.0
        basis = (f"{nl_number(inhabitants)} inwoners x {nl_number(prevalence, 2)} % EPA = "
                 f"{nl_number(epa)} EPA (schatting)")
    table = Table(
        title=(
            "Benodigde steunpunten / needed steunpunten\n"
            f"{basis}, capaciteit {capacity:g} per week"
        )
    )
    table.add_column("Deelname / participation", justify="right")
    table.add_column("Benodigd / needed", justify="right")
    for p, n in need.items():
        table.add_row(f"{p * 100:g} %", str(int(n)))
    return table


NEED_COLUMN_ALIASES = {
    "name": ("naam", "regio", "provincie", "gemeente", "region"),
    "inhabitants": ("inwoners", "inwoneraantal", "aantal_inwoners", "population"),
    "prevalence_percent": ("prevalentie", "epa_prevalentie", "epa_percentage", "epa_pct",
                           "epa_%", "prevalence"),
    "epa_count": ("epa", "aantal_epa", "epa_aantal"),
    "steunpunten_in_beeld": ("in_beeld", "steunpunten"),
    "steunpunten_gewogen": ("gewogen", "aanbod_gewogen"),
}
"""Dutch and English column names of the regions table of ``need --table``."""


def read_regions_table(path: Path):
    """The regions table of ``need --table`` from CSV (any delimiter, BOM, decimal comma) or
    ``.xlsx``, with Dutch or English column names; numbers parsed, empty cells NaN."""
    import math

    from accessibility.analysis.need import OPTIONAL_TABLE_COLUMNS, REQUIRED_TABLE_COLUMNS
    from accessibility.places.tables import (
        missing_columns_message,
        parse_number,
        read_user_table,
        rename_columns,
    )

    table = read_user_table(path, "regions table")
    frame = rename_columns(table.frame, NEED_COLUMN_ALIASES)
    missing = [c for c in REQUIRED_TABLE_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(missing_columns_message(
            path, "regions table", missing, list(table.frame.columns),
            "naam/name, inwoners/inhabitants, prevalentie/prevalence_percent "
            "[, epa_count, steunpunten_in_beeld, steunpunten_gewogen]", table.delimiter))
    for col in [c for c in REQUIRED_TABLE_COLUMNS + OPTIONAL_TABLE_COLUMNS
                if c in frame.columns and c != "name"]:
        values = []
        for i, text in enumerate(frame[col]):
            try:
                values.append(parse_number(text) if str(text).strip() else math.nan)
            except ValueError:
                raise InputError(f"{table.where(i)}: {col} {text!r} is not a number / "
                                 "geen getal") from None
        frame[col] = values
    return frame


def _table_mode(path: Path, out: Path | None, participation: list[float], capacity: float):
    from rich.table import Table

    from accessibility.analysis.need import need_table, scenario_label
    from accessibility.io import atomic_path
    from accessibility.outputs.report import nl_number

    result = need_table(read_regions_table(path), participation, capacity, source=str(path))
    if out is not None:
        with atomic_path(out) as tmp:
            result.to_csv(tmp, index=False)
    table = Table(title=f"Benodigde steunpunten / needed steunpunten ({path.name})")
    table.add_column("Regio / region")
    table.add_column("EPA", justify="right")
    labels = [scenario_label(p) for p in participation]
    for label in labels:
        table.add_column(f"{label} %", justify="right")
    has_supply = "steunpunten_gewogen" in result.columns
    if has_supply:
        table.add_column("Gewogen aanbod / weighted supply", justify="right")
        for label in labels:
            table.add_column(f"Tekort / gap {label} %", justify="right")
    for _, row in result.iterrows():
        cells = [str(row["name"]), nl_number(row["epa_count"])]
        cells += [str(int(row[f"need_{label}"])) for label in labels]
        if has_supply:
            cells.append(nl_number(row["steunpunten_gewogen"], 1))
            cells += [nl_number(row[f"gap_{label}"], 1) for label in labels]
        table.add_row(*cells)
    return table


@app.command("need")
def need(
    inhabitants: Annotated[
        float | None, typer.Option(help="Aantal inwoners / number of inhabitants.")
    ] = None,
    prevalence: Annotated[
        float | None,
        typer.Option(
            help="EPA-prevalentie in procenten, bv. 1.30 / EPA prevalence in percent, e.g. 1.30."
        ),
    ] = None,
    epa_count: Annotated[
        float | None,
        typer.Option(
            help=(
                "Aantal mensen met EPA, i.p.v. inwoners x prevalentie (landelijk: 224604) / "
                "number of people with an EPA instead of inhabitants x prevalence."
            )
        ),
    ] = None,
    table: Annotated[
        Path | None,
        typer.Option(
            help=(
                "CSV met regio's (name,inhabitants,prevalence_percent[,epa_count,"
                "steunpunten_in_beeld,steunpunten_gewogen]) / CSV of regions."
            )
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Resultaat als CSV (alleen met --table) / write the result CSV."),
    ] = None,
    participation: Annotated[
        list[float] | None,
        typer.Option(
            help=(
                "Deelnamegraad als fractie, herhaalbaar (standaard 0.15 0.30 0.45) / "
                "participation rate as a fraction, repeatable (default 0.15 0.30 0.45)."
            )
        ),
    ] = None,
    capacity: Annotated[
        float,
        typer.Option(help="Bezoekers per week per steunpunt / visitors per week per steunpunt."),
    ] = 100.0,
) -> None:
    """Benodigde steunpunten (De Galan 2024) / needed steunpunten per participation scenario.

    needed = inhabitants x EPA% / 100 x participation / capacity, rounded.
    """
    from rich.console import Console

    from accessibility.analysis.need import PARTICIPATION_SCENARIOS

    console = Console()
    if not participation:
        participation = list(PARTICIPATION_SCENARIOS)
    try:
        scalar = (inhabitants, prevalence, epa_count)
        if table is not None:
            if any(v is not None for v in scalar):
                raise InputError(
                    "give either --table or --inhabitants/--prevalence/--epa-count, not both"
                )
            console.print(_table_mode(table, out, participation, capacity))
            if out is not None:
                console.print(f"Geschreven / written: {out}")
        elif epa_count is not None or (inhabitants is not None and prevalence is not None):
            if epa_count is not None and (inhabitants is not None or prevalence is not None):
                raise InputError("give either --epa-count or --inhabitants/--prevalence, not both")
            if out is not None:
                raise InputError("--out only works with --table")
            console.print(_scalar_table(*scalar, participation, capacity))
        else:
            raise InputError(
                "give --inhabitants and --prevalence (one region), --epa-count, "
                "or --table regions.csv"
            )
    except AccessibilityError as exc:
        print_error(console, exc)
        raise typer.Exit(1) from None
