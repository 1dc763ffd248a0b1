"""A journey as people read it: a short step list in Dutch (or English).

Takes the leg rows of one option of
:class:`~accessibility.routing.DetailedItineraries` (sorted by ``segment``) and
writes, for example: "Loop 400 m naar halte Huizen, Busstation; neem bus 320
richting Hilversum om 10:12 en stap uit bij Hilversum, Station (10:40); loop
150 m naar Herstelcentrum De Veenhaven". Distances are rounded to 10 m below a
kilometre, to 0.1 km above; clock times to the minute; travel and waiting time
are floored to whole minutes as the matrix counts them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from accessibility.outputs.report import number
from accessibility.routing import TransportMode

MODE_NAMES = {
    TransportMode.BUS: ("bus", "bus"), TransportMode.TRAM: ("tram", "tram"),
    TransportMode.RAIL: ("trein", "train"), TransportMode.SUBWAY: ("metro", "metro"),
    TransportMode.FERRY: ("veerboot", "ferry"), TransportMode.CABLE_CAR: ("kabeltram", "cable car"),
    TransportMode.GONDOLA: ("kabelbaan", "gondola"), TransportMode.FUNICULAR: ("kabelspoor",
                                                                                 "funicular"),
}  # fmt: skip

#: Walks shorter than this (m) are left out of the steps (an origin on the stop).
MIN_WALK_M = 5.0


def _tr(lang: str, nl: str, en: str) -> str:
    return nl if lang == "nl" else en


def distance_text(metres: float, lang: str) -> str:
    """``400 m`` (rounded to 10 m) or ``1,2 km`` / ``1.2 km``."""
    if metres < 995:
        return f"{int(round(metres / 10.0) * 10)} m"
    return f"{number(metres / 1000.0, 1, lang)} km"


def clock(value: dt.datetime | pd.Timestamp) -> str:
    """``HH:MM`` of a leg's time."""
    return pd.Timestamp(value).strftime("%H:%M")


@dataclasses.dataclass(frozen=True)
class JourneyFacts:
    """What a journey amounts to.

    Attributes
    ----------
    departure, arrival : pandas.Timestamp
        Leaving the origin; arriving at the destination.
    minutes : int
        Travel time, whole minutes (floored), waiting included.
    wait_minutes : int
        Waiting at stops, whole minutes (floored).
    rides : int
        Vehicles boarded.
    walk_m : float
        Metres walked.
    lines : list of str
        ``"bus 320"``, ... in the order ridden (``lang`` of :func:`journey_facts`).
    first_stop : str
        The stop where the first vehicle is boarded ('' on foot only).
    """

    departure: pd.Timestamp
    arrival: pd.Timestamp
    minutes: int
    wait_minutes: int
    rides: int
    walk_m: float
    lines: list[str]
    first_stop: str

    @property
    def transfers(self) -> int:
        """Changes between vehicles."""
        return max(0, self.rides - 1)


def _is_walk(leg) -> bool:
    return leg.transport_mode == TransportMode.WALK


def _line(leg, lang: str) -> str:
    name = MODE_NAMES.get(TransportMode(leg.transport_mode), ("ov", "transit"))
    mode = name[0] if lang == "nl" else name[1]
    short = leg.route_short_name if isinstance(leg.route_short_name, str) else ""
    return f"{mode} {short}".strip()


def journey_facts(legs: pd.DataFrame, lang: str = "nl") -> JourneyFacts:
    """The totals of one option's legs (sorted by ``segment``)."""
    legs = legs.sort_values("segment")
    total = (legs["travel_time"] + legs["wait_time"]).sum()
    departure = pd.Timestamp(legs["departure_time"].iloc[0]) - legs["wait_time"].iloc[0]
    rides = [leg for leg in legs.itertuples() if not _is_walk(leg)]
    return JourneyFacts(
        departure=departure,
        arrival=departure + total,
        minutes=int(total.total_seconds() // 60),
        wait_minutes=int(legs["wait_time"].sum().total_seconds() // 60),
        rides=len(rides),
        walk_m=float(legs.loc[legs["transport_mode"] == TransportMode.WALK, "distance"].sum()),
        lines=[_line(leg, lang) for leg in rides],
        first_stop=str(rides[0].start_stop_name) if rides else "",
    )


def journey_steps(legs: pd.DataFrame, destination: str, lang: str = "nl") -> list[str]:
    """The steps of one option: walks and rides, in order (first letter capitalised)."""
    legs = legs.sort_values("segment")
    rows = list(legs.itertuples())
    steps: list[str] = []
    for i, leg in enumerate(rows):
        last = i == len(rows) - 1
        if _is_walk(leg):
            short = leg.distance < MIN_WALK_M and len(rows) > 1
            far = distance_text(leg.distance, lang)
            if short and last:
                steps.append(_tr(lang, f"u bent bij {destination}", f"you are at {destination}"))
            elif short:
                continue
            elif last:
                steps.append(_tr(lang, f"loop {far} naar {destination}",
                                 f"walk {far} to {destination}"))
            else:
                stop = leg.end_stop_name
                steps.append(_tr(lang, f"loop {far} naar halte {stop}", f"walk {far} to stop {stop}"))
            continue
        towards = leg.headsign if isinstance(leg.headsign, str) and leg.headsign else ""
        line = _line(leg, lang)
        head = _tr(lang, f" richting {towards}", f" towards {towards}") if towards else ""
        end = pd.Timestamp(leg.departure_time) + leg.travel_time
        steps.append(_tr(
            lang,
            f"neem {line}{head} om {clock(leg.departure_time)} en stap uit bij "
            f"{leg.end_stop_name} ({clock(end)})",
            f"take {line}{head} at {clock(leg.departure_time)} and get off at "
            f"{leg.end_stop_name} ({clock(end)})"))
    if steps:
        steps[0] = steps[0][0].upper() + steps[0][1:]
    return steps


def journey_summary(facts: JourneyFacts, lang: str = "nl") -> str:
    """``Vertrek 10:07, aankomst 10:52: 45 min, waarvan 6 min wachten, 1 keer overstappen.``"""
    changes = facts.transfers
    if facts.rides == 0:
        extra = _tr(lang, "alleen lopen", "walking only")
    else:
        extra = _tr(
            lang,
            f"waarvan {facts.wait_minutes} min wachten, "
            + ("niet overstappen" if changes == 0 else f"{changes} keer overstappen"),
            f"of which {facts.wait_minutes} min waiting, "
            + ("no change" if changes == 0 else f"{changes} change{'s' if changes > 1 else ''}"))
    return _tr(
        lang,
        f"Vertrek {clock(facts.departure)}, aankomst {clock(facts.arrival)}: "
        f"{facts.minutes} min, {extra}.",
        f"Leave at {clock(facts.departure)}, arrive at {clock(facts.arrival)}: "
        f"{facts.minutes} min, {extra}.")


def journey_sentence(legs: pd.DataFrame, destination: str, lang: str = "nl") -> str:
    """Steps and summary in one paragraph."""
    steps = "; ".join(journey_steps(legs, destination, lang))
    return f"{steps}. {journey_summary(journey_facts(legs, lang), lang)}"
