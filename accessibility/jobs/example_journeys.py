"""Example journeys for the reports: from the centre of a buurt to the nearest steunpunt.

The white-spot report shows one for each white-spot buurt, the check-location
report one for each buurt a candidate brings within the norm (the candidate
counted as a steunpunt). The journey is the fastest trip leaving within the
region's departure window, at its planned departure, to whichever steunpunt
it reaches first (:class:`~accessibility.routing.DetailedItineraries` with
``nearest_only``). The :data:`N_WRITTEN` most populous buurten are written
out step by step; the table lists up to :data:`MAX_BUURTEN` of them.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd
import pandas as pd

from accessibility.jobs.journey_text import journey_facts, journey_sentence
from accessibility.jobs.region import RegionData
from accessibility.outputs.journey_maps import plot_example_journeys
from accessibility.outputs.maps.context import NO_CONTEXT, MapContext
from accessibility.outputs.report import ReportSection, number
from accessibility.routing import DetailedItineraries, TravelRequest

#: Buurten whose journey is written out in the report text.
N_WRITTEN = 5

#: Most buurten routed and listed in the table (the most populous first).
MAX_BUURTEN = 50

_HEADERS = {
    "buurtnaam": ("buurt", "buurt"), "gemeentenaam": ("gemeente", "gemeente"),
    "population": ("inwoners", "inhabitants"),
    "median_time_min": ("reistijd buurt (mediaan, min)", "buurt travel time (median, min)"),
    "steunpunt": ("naar steunpunt", "to steunpunt"), "vertrek": ("vertrek", "departure"),
    "aankomst": ("aankomst", "arrival"), "reistijd_min": ("voorbeeldreis (min)",
                                                          "example journey (min)"),
    "wachten_min": ("wachten (min)", "waiting (min)"), "overstappen": ("overstappen", "changes"),
    "lijnen": ("lijnen", "lines"), "eerste_halte": ("eerste halte", "first stop"),
}  # fmt: skip


def _tr(lang: str, nl: str, en: str) -> str:
    return nl if lang == "nl" else en


@dataclasses.dataclass
class ExampleJourneys:
    """The example journeys of a set of buurten.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per buurt (most inhabitants first), internal column names
        (see :data:`_HEADERS`); empty journey columns where no steunpunt is
        reached within the maximum travel time.
    legs : geopandas.GeoDataFrame
        The legs of every journey (``from_id`` is the buurtcode).
    sentences : dict of str to str
        Buurtcode -> the journey step by step.
    n_buurten : int
        White-spot (or newly covered) buurten in all, before :data:`MAX_BUURTEN`.
    request : TravelRequest
    """

    table: pd.DataFrame
    legs: gpd.GeoDataFrame
    sentences: dict[str, str]
    n_buurten: int
    request: TravelRequest


def buurt_centres(buurten: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A point inside each buurt (``representative_point``), ``id`` = buurtcode, WGS84."""
    points = buurten.geometry.representative_point()
    return gpd.GeoDataFrame({"id": buurten["buurtcode"].astype(str).to_numpy()},
                            geometry=points.to_crs(4326).to_numpy(), crs=4326)  # fmt: skip


def example_journeys(data: RegionData, buurten: gpd.GeoDataFrame, steunpunten: gpd.GeoDataFrame,
                     lang: str = "nl") -> ExampleJourneys:
    """The journey from the centre of each buurt to its nearest steunpunt.

    Parameters
    ----------
    data : RegionData
    buurten : geopandas.GeoDataFrame
        ``buurtcode, buurtnaam, gemeentenaam, population, median_time_min`` and
        polygons (any CRS); the :data:`MAX_BUURTEN` most populous are routed.
    steunpunten : geopandas.GeoDataFrame
        ``id, name`` and points (any CRS): the destinations.
    lang : {"nl", "en"}
    """
    chosen = buurten.sort_values("population", ascending=False).head(MAX_BUURTEN)
    request = data.request.replace(wait_at_origin=False)
    dest = gpd.GeoDataFrame({"id": steunpunten["id"].astype(str).to_numpy()},
                            geometry=steunpunten.geometry.to_crs(4326).to_numpy(), crs=4326)
    names = dict(zip(dest["id"], steunpunten["name"].astype(str), strict=True))
    if chosen.empty:
        legs = gpd.GeoDataFrame({"from_id": []}, geometry=[], crs=4326)
    else:
        legs = DetailedItineraries(data.network, buurt_centres(chosen), dest, request,
                                   force_all_to_all=True, nearest_only=True)  # fmt: skip
    rows, sentences = [], {}
    by_buurt = {code: g for code, g in legs.groupby("from_id")} if len(legs) else {}
    for b in chosen.itertuples():
        code = str(b.buurtcode)
        row = {"buurtcode": code, "buurtnaam": b.buurtnaam,
               "gemeentenaam": getattr(b, "gemeentenaam", ""), "population": b.population,
               "median_time_min": b.median_time_min}  # fmt: skip
        if code in by_buurt:
            g = by_buurt[code].sort_values("segment")
            facts = journey_facts(g, lang)
            target = names[str(g["to_id"].iloc[0])]
            row.update(steunpunt=target, vertrek=facts.departure.strftime("%H:%M"),
                       aankomst=facts.arrival.strftime("%H:%M"), reistijd_min=facts.minutes,
                       wachten_min=facts.wait_minutes, overstappen=facts.transfers,
                       lijnen=", ".join(facts.lines), eerste_halte=facts.first_stop)
            sentences[code] = journey_sentence(g, target, lang)
        rows.append(row)
    table = pd.DataFrame(rows, columns=["buurtcode", *_HEADERS])
    return ExampleJourneys(table, legs, sentences, len(buurten), request)


def with_site(steunpunten: gpd.GeoDataFrame, site: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The steunpunten plus a candidate ``site`` (``id, name``, a point), in their CRS."""
    crs = steunpunten.crs
    targets = pd.concat([steunpunten[["id", "name", "geometry"]],
                         site[["id", "name", "geometry"]].to_crs(crs)], ignore_index=True)
    return gpd.GeoDataFrame(targets, geometry="geometry", crs=crs)


def newly_covered_examples(data: RegionData, before: gpd.GeoDataFrame, after: gpd.GeoDataFrame,
                           steunpunten: gpd.GeoDataFrame, site: gpd.GeoDataFrame,
                           lang: str = "nl") -> ExampleJourneys:
    """Example journeys from the buurten that are white spots ``before`` but not ``after``
    a candidate opens; ``site`` (``id, name``, a point) counts as a steunpunt."""
    newly = before["witte_vlek"].to_numpy() & ~after["witte_vlek"].to_numpy()
    return example_journeys(data, after[newly], with_site(steunpunten, site), lang)


def example_table(examples: ExampleJourneys, lang: str) -> pd.DataFrame:
    """The table with headers in ``lang`` (minutes as whole numbers, empty cells as None)."""
    out = examples.table.drop(columns="buurtcode").copy()
    out = out.astype(object).where(out.notna(), None)
    for column in ("population", "median_time_min", "reistijd_min", "wachten_min", "overstappen"):
        out[column] = pd.Series([None if v is None or v == float("inf") else int(round(v))
                                 for v in out[column]], index=out.index, dtype=object)
    return out.rename(columns={k: v[0] if lang == "nl" else v[1] for k, v in _HEADERS.items()})


def written_out(examples: ExampleJourneys) -> list[str]:
    """Buurtcodes of the journeys written out (numbered 1, 2, ... in text and map)."""
    return [str(c) for c in examples.table["buurtcode"].head(N_WRITTEN)]


def example_map(examples: ExampleJourneys, buurten: gpd.GeoDataFrame,
                steunpunten: gpd.GeoDataFrame, caption: dict, path: Path,
                lang: str, title: str | None = None,
                context: MapContext = NO_CONTEXT) -> Path | None:
    """The map of the journeys written out (None when none reaches a steunpunt)."""
    order = [c for c in written_out(examples) if c in examples.sentences]
    if not order:
        return None
    title = title or _tr(lang, "Voorbeeldreizen uit de witte vlekken",
                         "Example journeys from the white spots")
    caption = {**caption, "percentile": None,
               "engine": _tr(lang, "accessibility (RAPTOR, snelste reis in het venster)",
                             "accessibility (RAPTOR, fastest trip in the window)")}
    return plot_example_journeys(buurten, examples.legs, order, steunpunten, title, caption, path,
                                 context=context, lang=lang)


def example_section(examples: ExampleJourneys, lang: str, *, title: str, intro: str,
                    map_png: Path | None = None) -> ReportSection | None:
    """A report section: ``intro``, the :data:`N_WRITTEN` journeys written out (numbered as
    on ``map_png`` when given), the table.

    Returns None when there is no buurt.
    """
    if examples.table.empty:
        return None
    q = examples.request
    end = q.departure + q.departure_time_window
    paragraphs = [intro, _tr(
        lang,
        f"Elke reis is de snelste die vertrekt tussen {q.departure:%H:%M} en {end:%H:%M} op "
        f"{q.departure:%d-%m-%Y}, op het laatste moment dat ze nog haalt, vanuit een punt "
        "midden in de buurt (met de instellingen van dit rapport). De reistijd van de buurt "
        "zelf is de mediaan over alle inwoners en alle vertrekminuten, dus meestal langer dan "
        "deze snelste reis; een inwoner aan de rand van de buurt kan er ook langer over doen.",
        f"Each journey is the fastest one leaving between {q.departure:%H:%M} and {end:%H:%M} "
        f"on {q.departure:%Y-%m-%d}, at the last moment that still makes it, from a point in "
        "the middle of the buurt (with this report's settings). The buurt's own travel time is "
        "the median over all inhabitants and all departure minutes, so usually longer than "
        "this fastest journey; an inhabitant at the edge of the buurt may also need longer.")]
    table = examples.table
    max_min = q.max_time_seconds // 60
    for i, row in enumerate(table.head(N_WRITTEN).itertuples(), start=1):
        who = _tr(lang, f"{i}. {row.buurtnaam} ({number(row.population, 0, lang)} inwoners)",
                  f"{i}. {row.buurtnaam} ({number(row.population, 0, lang)} inhabitants)")
        text = examples.sentences.get(row.buurtcode)
        if text is None:
            text = _tr(lang, f"geen steunpunt bereikbaar binnen {max_min} minuten.",
                       f"no steunpunt within {max_min} minutes.")
        paragraphs.append(f"{who}: {text}")
    if examples.n_buurten > len(table):
        paragraphs.append(_tr(
            lang, f"De tabel toont de {len(table)} buurten met de meeste inwoners van de "
                  f"{examples.n_buurten}.",
            f"The table shows the {len(table)} most populous of the {examples.n_buurten} "
            "buurten."))
    caption = _tr(lang, "Voorbeeldreis per buurt (leeg: geen steunpunt binnen de maximale "
                        "reistijd)",
                  "Example journey per buurt (empty: no steunpunt within the maximum travel "
                  "time)")
    figures = [] if map_png is None else [(_tr(
        lang, "De uitgeschreven reizen (nummers als in de tekst)",
        "The journeys written out (numbers as in the text)"), map_png)]
    return ReportSection(title, paragraphs=paragraphs,
                         tables=[(caption, example_table(examples, lang))], figures=figures)


def whitespot_examples_section(examples: ExampleJourneys, lang: str,
                               map_png: Path | None = None) -> ReportSection | None:
    """The white-spot report's section of example journeys (with their map)."""
    return example_section(
        examples, lang, map_png=map_png, title=_tr(lang, "Voorbeeldreizen uit de witte vlekken",
                                  "Example journeys from the white spots"),
        intro=_tr(lang,
                  "Hoe zou iemand uit een witte-vlekbuurt bij een steunpunt komen? Per buurt "
                  "de reis naar het steunpunt dat het snelst te bereiken is: waar de bus gaat, "
                  "waar overgestapt wordt en hoe lang het wachten duurt.",
                  "How would someone from a white-spot buurt get to a steunpunt? Per buurt "
                  "the journey to the steunpunt reached first: which bus to take, where to "
                  "change and how long the waits are."))


def candidate_examples_section(examples: ExampleJourneys, name: str, lang: str,
                               map_png: Path | None = None) -> ReportSection | None:
    """The check-location report's section: journeys from the buurten ``name`` brings
    within the norm (with their map)."""
    return example_section(
        examples, lang, map_png=map_png, title=_tr(lang, f"Voorbeeldreizen met {name}",
                                  f"Example journeys with {name}"),
        intro=_tr(lang,
                  f"De buurten die met {name} binnen de norm komen: per buurt de reis naar het "
                  f"steunpunt dat het snelst te bereiken is, {name} meegeteld.",
                  f"The buurten that {name} brings within the norm: per buurt the journey to "
                  f"the steunpunt reached first, {name} included."))
