"""Opening hours of locations, in OpenStreetMap's ``opening_hours`` syntax.

A location list may carry an ``opening_hours`` column, for example
``Tu,Th 10:00-16:00; Sa 11:00-15:00`` or ``Mo-Fr 09:00-17:00; PH off``
(specification: https://wiki.openstreetmap.org/wiki/Key:opening_hours). The
expressions are parsed by opening-hours-py (the ``opening_hours`` package,
a maintained Rust parser); public holidays (``PH``) follow the Dutch calendar.

An empty cell means "always open": such locations count at every hour, and
:attr:`LocationHours.n_missing` says how many there were so that the report
can name them. A cell that is not valid syntax is an error naming the file,
the location and the value.

Only the state ``open`` counts: ``closed``/``off`` and ``unknown`` do not. A
comment (``Tu 10:00-16:00 "op afspraak"``) keeps the interval open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from opening_hours import OpeningHours, ParserError, State

from accessibility.errors import InputError

COLUMN = "opening_hours"
"""Column of the location list that holds the expression."""

COUNTRY = "NL"
"""Country whose public holidays ``PH`` refers to."""

DAY_SECONDS = 86_400

Interval = tuple[int, int]
"""An opening interval ``[start, end)`` in seconds since midnight of a day."""


@dataclass(frozen=True)
class LocationHours:
    """Parsed opening hours of the locations of a list, in the list's order.

    Attributes
    ----------
    ids : tuple of str
        Location ids.
    expressions : tuple of str
        The expression per location; ``""`` means always open.
    """

    ids: tuple[str, ...]
    expressions: tuple[str, ...]
    _parsed: tuple[OpeningHours | None, ...]

    @property
    def n_missing(self) -> int:
        """Locations without opening hours (counted as always open)."""
        return sum(1 for e in self.expressions if not e)

    @property
    def missing_ids(self) -> list[str]:
        """Ids of the locations without opening hours."""
        return [i for i, e in zip(self.ids, self.expressions, strict=True) if not e]

    def intervals(self, day: dt.date, horizon_days: int = 2) -> list[list[Interval]]:
        """Opening intervals per location from midnight of ``day`` on.

        Parameters
        ----------
        day : datetime.date
            The service day; times are seconds since its midnight.
        horizon_days : int
            Intervals are looked up until ``horizon_days`` midnights later
            (trips of a late window may arrive after midnight), seconds up to
            ``horizon_days * 86400``.

        Returns
        -------
        list of list of (int, int)
            Per location, the open intervals ``[start, end)`` in seconds, sorted
            and with touching intervals merged. A location without hours gets
            one interval covering the whole horizon.
        """
        start = dt.datetime.combine(day, dt.time())
        end = start + dt.timedelta(days=horizon_days)
        out: list[list[Interval]] = []
        for parsed in self._parsed:
            if parsed is None:
                out.append([(0, horizon_days * DAY_SECONDS)])
                continue
            spans: list[Interval] = []
            for a, b, state, _comment in parsed.intervals(start, end):
                if state != State.OPEN:
                    continue
                lo = int((a - start).total_seconds())
                hi = int(((b or end) - start).total_seconds())
                if spans and spans[-1][1] >= lo:
                    spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
                elif hi > lo:
                    spans.append((lo, hi))
            out.append(spans)
        return out

    def open_on(self, day: dt.date) -> list[bool]:
        """Per location: open at some time of ``day`` (00:00-24:00)."""
        return [any(a < DAY_SECONDS for a, _ in spans) for spans in self.intervals(day, 1)]


def parse_expression(expression: str, where: str) -> OpeningHours:
    """Parse one ``opening_hours`` expression; ``where`` names it in the error.

    Raises
    ------
    InputError
        The expression is not valid ``opening_hours`` syntax.
    """
    try:
        return OpeningHours(expression, country=COUNTRY)
    except (ParserError, SyntaxError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(
            f"{where}: opening_hours {expression!r} is not valid OpenStreetMap opening_hours "
            f"syntax ({first}); write it like 'Tu,Th 10:00-16:00; Sa 11:00-15:00', or leave the "
            "cell empty for 'always open'"
        ) from None


def location_hours(locations: pd.DataFrame, source: str | Path) -> LocationHours:
    """The opening hours of located steunpunten (the ``opening_hours`` column).

    Parameters
    ----------
    locations : pandas.DataFrame
        Rows with an ``id`` and, optionally, ``name`` and ``opening_hours``
        (text; empty or missing = always open). Without the column every
        location is always open.
    source : str or Path
        The location list the rows come from (named in errors).

    Returns
    -------
    LocationHours

    Raises
    ------
    InputError
        Naming the file, location id and value of the first invalid expression.
    """
    ids = tuple(str(i) for i in locations["id"])
    if COLUMN in locations.columns:
        raw: Sequence[object] = list(locations[COLUMN])
    else:
        raw = [""] * len(ids)
    names = list(locations["name"]) if "name" in locations.columns else [""] * len(ids)
    expressions: list[str] = []
    parsed: list[OpeningHours | None] = []
    for loc_id, name, value in zip(ids, names, raw, strict=True):
        text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
        text = " ".join(text.split())
        expressions.append(text)
        label = f"{source}, location {loc_id}" + (f" ({name})" if name else "")
        parsed.append(parse_expression(text, label) if text else None)
    return LocationHours(ids, tuple(expressions), tuple(parsed))
