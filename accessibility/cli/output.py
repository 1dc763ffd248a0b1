"""What the commands print: tables that fit the terminal, warnings and hints in Dutch or English."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from accessibility.notices import render

if TYPE_CHECKING:  # pandas is imported inside the commands, so that --help stays fast
    import pandas as pd

LANG_CHOICES = ("nl", "en")


def tr(lang: str, nl: str, en: str) -> str:
    """The Dutch or the English text."""
    return nl if lang == "nl" else en


def print_frame(console: Console, title: str, frame: pd.DataFrame, lang: str = "nl",
                columns: list[str] | None = None, max_rows: int = 30) -> None:
    """Print a table with headers and rounding for people; headers wrap instead of being
    cut, so the table fits an 80-column terminal."""
    from accessibility.outputs.report import number
    from accessibility.outputs.tables import present

    shown = present(frame, lang, columns)
    table = Table(title=title, show_lines=False, expand=False, pad_edge=False)
    numeric = [all(isinstance(v, int | float) or v is None for v in shown[c]) for c in shown]
    for col, is_number in zip(shown.columns, numeric, strict=True):
        table.add_column(str(col), justify="right" if is_number else "left",
                         overflow="fold", min_width=4)
    for row in shown.head(max_rows).itertuples(index=False):
        cells = []
        for v in row:
            if v is None:
                cells.append("–")
            elif isinstance(v, bool) or not isinstance(v, int | float):
                cells.append(str(v))
            else:
                cells.append(number(v, _decimals(v), lang))
        table.add_row(*cells)
    console.print(table)
    if len(shown) > max_rows:
        console.print(tr(lang, f"... en nog {len(shown) - max_rows} rijen (zie de xlsx)",
                         f"... and {len(shown) - max_rows} more rows (see the xlsx)"))


def _decimals(value: float) -> int:
    """Decimals of a value rounded by :func:`~accessibility.outputs.tables.present` (ints 0,
    floats at least 1)."""
    if isinstance(value, int):
        return 0
    text = repr(float(value))
    return max(1, len(text.split(".")[1])) if "." in text and "e" not in text else 1


def print_warnings(console: Console, warnings: Iterable[object], lang: str = "nl") -> None:
    """Print each warning once, in ``lang``."""
    from rich.markup import escape

    label = tr(lang, "let op", "note")
    for warning in dict.fromkeys(warnings):
        console.print(f"[yellow]{label}:[/] {escape(render(warning, lang))}")


def geocode_hints(problems: Iterable[str], lang: str, *, offline_option: str,
                  url_option: str) -> list[str]:
    """Hints for geocoding problems, naming only options the command has.

    Parameters
    ----------
    problems
        Problem codes (``offline``, ``unreachable``, ``unmatched``, ``ambiguous``).
    offline_option
        How to go online with this command (``"--online"`` or ``"leave out --offline"``).
    url_option
        How to point this command at another Locatieserver.
    """
    found = set(problems)
    hints = []
    if "offline" in found:
        hints.append(tr(lang, f"Tip: {offline_option} om adressen die niet in de cache staan "
                              "online bij PDOK op te zoeken.",
                        f"Tip: {offline_option} to look up addresses that are not in the cache "
                        "online at PDOK."))
    if "unreachable" in found:
        hints.append(tr(lang, f"Tip: controleer de netwerkverbinding of de Locatieserver-URL "
                              f"({url_option}).",
                        f"Tip: check the network or the Locatieserver URL ({url_option})."))
    if found & {"unmatched", "ambiguous"}:
        hints.append(tr(lang, "Tip: controleer de spelling, voeg postcode en plaats toe, of "
                              "geef coördinaten.",
                        "Tip: check the spelling, add postcode and town, or give coordinates."))
    return hints
