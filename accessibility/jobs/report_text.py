"""Text and tables of the reports, assembled from the job results, in Dutch or English.

One function per report section, so that a section can be added (opening
hours, norm sensitivity, ...) without touching the others. Every sentence is
written in both languages (:func:`tr`); tables go through
:func:`accessibility.outputs.tables.present` for their headers and rounding;
warnings are :class:`~accessibility.notices.Notice` objects rendered in the
report's language. Counts of people are whole numbers; EPA estimates carry
one decimal.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from accessibility.analysis.coverage import CoverageResult
from accessibility.jobs.region import RegionData
from accessibility.notices import render
from accessibility.outputs.report import Report, ReportSection, number
from accessibility.outputs.tables import column_for, label, present

WEEKDAYS = {
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
KIND_LABELS = {"steunpunt": ("steunpunten", "steunpunten"),
               "satellite": ("satellieten", "satellites"),
               "proposed": ("voorgestelde locaties", "proposed locations")}
NORM_SOURCE = {
    "nl": "De Galan Groep (2024), rapport voor de IZA-werkgroep laagdrempelige steunpunten; "
          "daar een voorlopig uitgangspunt, ontleend aan de acute zorg",
    "en": "De Galan Groep (2024), report for the IZA working group on low-threshold "
          "steunpunten; a provisional starting point there, borrowed from emergency care",
}
"""The one source of the norm, cited wherever the norm is mentioned."""
OPENING_HOURS = {
    "nl": "De reistijden op de kaart en in de tijdvakken tellen elk steunpunt als open op elk "
          "tijdstip. Wat openingstijden veranderen (alleen een reis die aankomt terwijl het "
          "steunpunt open is telt) staat per dag van de week in de sectie over openingstijden "
          "van het witte-vlekkenrapport; de isochronen en de locatietoets houden er geen "
          "rekening mee.",
    "en": "The travel times on the map and in the time windows count every steunpunt as open "
          "at every time. What opening hours change (only a trip arriving while the steunpunt "
          "is open counts) is shown per day of the week in the opening-hours section of the "
          "white-spot report; the isochrones and the location check do not take them into "
          "account.",
}


def tr(lang: str, nl: str, en: str) -> str:
    """The Dutch or the English text."""
    return nl if lang == "nl" else en


def plural(n: float, singular: str, plural_form: str) -> str:
    """``singular`` for exactly one, else ``plural_form``."""
    return singular if n == 1 else plural_form


def people(value: float, lang: str) -> str:
    """A count of people: a whole number in the notation of ``lang``."""
    return number(round(value), 0, lang)


def epa(value: float, lang: str) -> str:
    """An EPA estimate: one decimal."""
    return number(value, 1, lang)


def percent(share: float, lang: str) -> str:
    """A share 0..1 as a percentage with one decimal (``17,9 %``)."""
    return f"{number(100 * share, 1, lang)} %"


def kind_list(kinds: Sequence[str], lang: str) -> str:
    """The counted location kinds in words."""
    i = 0 if lang == "nl" else 1
    return ", ".join(KIND_LABELS[k][i] if k in KIND_LABELS else k for k in kinds)


def gemeente_names(data: RegionData, lang: str) -> dict[str, str]:
    """Gemeentecode -> name, with ``regio`` for the region row."""
    names = (data.buurten.gdf.drop_duplicates("gemeentecode")
             .set_index("gemeentecode")["gemeentenaam"].to_dict())
    names["regio"] = tr(lang, "regio totaal", "region total")
    return names


# ----------------------------------------------------------------------------- parameters
#: Up to this many gemeentecodes are listed in the region row; more are counted.
MAX_LISTED_GEMEENTEN = 8


def gemeente_codes(data: RegionData, lang: str) -> str:
    """The region's gemeentecodes, or their number for a large (national) region."""
    codes = list(data.config.gemeenten)
    if len(codes) <= MAX_LISTED_GEMEENTEN:
        return ", ".join(codes)
    n = number(len(codes), 0, lang)
    return tr(lang, f"{n} gemeenten", f"{n} municipalities")


def parameters_table(data: RegionData, lang: str = "nl") -> dict[str, str]:
    """All parameters a reader needs to interpret the figures."""
    p = data.request
    a = data.config.analysis
    walk = p.walking_limit.total_seconds() / 60
    rows = {
        tr(lang, "Regio", "Region"): f"{data.config.title} ({gemeente_codes(data, lang)})",
        tr(lang, "Dienstregelingsdatum", "Timetable date"):
            f"{WEEKDAYS[lang][p.date.weekday()]} {p.date:%d-%m-%Y}",
        tr(lang, "Vertrektijdvenster", "Departure window"):
            tr(lang, f"{p.departure:%H:%M}, {p.n_minutes} minuten (elke minuut een vertrek)",
               f"{p.departure:%H:%M}, {p.n_minutes} minutes (one departure every minute)"),
        tr(lang, "Reistijdmaat", "Travel-time measure"):
            tr(lang, f"percentiel {p.percentile} van de reistijden over het venster "
                     "(wachten bij vertrek telt mee)",
               f"percentile {p.percentile} of the travel times over the window "
               "(waiting at the origin counts)"),
        "Norm": tr(lang, f"{a.norm_minutes} minuten met het openbaar vervoer (bron: "
                         f"{NORM_SOURCE['nl']})",
                   f"{a.norm_minutes} minutes by public transport (source: {NORM_SOURCE['en']})"),
        tr(lang, "Witte vlek", "White spot"):
            tr(lang, f"buurt waar meer dan {number(100 * a.white_spot_share, 0, lang)} % van de "
                     "inwoners buiten de norm woont",
               f"buurt where more than {number(100 * a.white_spot_share, 0, lang)} % of the "
               "inhabitants live beyond the norm"),
        tr(lang, "Maximale reistijd", "Maximum travel time"):
            tr(lang, f"{p.max_time_seconds // 60} minuten (langer telt als onbereikbaar)",
               f"{p.max_time_seconds // 60} minutes (longer counts as unreachable)"),
        tr(lang, "Loopsnelheid", "Walking speed"):
            tr(lang, f"{number(p.speed_walking, 1, lang)} km/u; elke looptocht (naar en van de "
                     f"halte, of helemaal te voet) maximaal {walk:g} minuten, van de halte naar "
                     f"de bestemming ook maximaal {number(p.egress_limit_m, 0, lang)} m",
               f"{number(p.speed_walking, 1, lang)} km/h; every walk (to and from the stop, or "
               f"all the way on foot) at most {walk:g} minutes, from the stop to the "
               f"destination also at most {number(p.egress_limit_m, 0, lang)} m"),
        tr(lang, "Overstap", "Transfer"):
            tr(lang, "minimaal 60 seconden tussen aankomst bij de halte en vertrek (als R5)",
               "at least 60 seconds between arriving at the stop and departing (as R5)"),
        tr(lang, "Openingstijden", "Opening hours"):
            tr(lang, "niet meegenomen: elk steunpunt telt als altijd open",
               "not taken into account: every steunpunt counts as always open"),
        tr(lang, "Bevolkingspunten", "Population points"):
            tr(lang, f"raster van {a.grid_cell_m:g} m binnen de buurten, alleen cellen bij een "
                     "straat; inwoners per buurt gelijk verdeeld",
               f"grid of {a.grid_cell_m:g} m inside the buurten, only cells near a street; "
               "each buurt's inhabitants spread equally"),
        tr(lang, "Behoefteformule", "Need formula"):
            tr(lang, "inwoners × EPA-prevalentie × deelname (15/30/45 %) / 100 bezoekers per "
                     "steunpunt per week (De Galan Groep 2024)",
               "inhabitants × EPA prevalence × participation (15/30/45 %) / 100 visitors per "
               "steunpunt per week (De Galan Groep 2024)"),
    }
    overrides = data.overrides.as_dict()
    if overrides:
        rows[tr(lang, "Opgegeven bij het draaien", "Given on the command line")] = ", ".join(
            f"{k} = {v}" for k, v in overrides.items())
    return rows


def explanation(data: RegionData, lang: str = "nl") -> dict[str, str]:
    """The first sheet of every workbook: how to read the tables, the parameters, warnings."""
    rows = {
        tr(lang, "Leeswijzer", "How to read"): tr(
            lang,
            "Aantallen mensen zijn hele personen, reistijden hele minuten, EPA-aantallen "
            "schattingen met één decimaal. Een lege reistijd betekent onbereikbaar binnen de "
            "maximale reistijd (zie de kolom reistijdklasse).",
            "Counts of people are whole persons, travel times whole minutes, EPA counts "
            "estimates with one decimal. An empty travel time means unreachable within the "
            "maximum travel time (see the travel-time class column)."),
        **parameters_table(data, lang),
    }
    for i, warning in enumerate(dict.fromkeys(data.warnings), start=1):
        rows[tr(lang, f"Aandachtspunt {i}", f"Note {i}")] = render(warning, lang)
    if data.synthetic:
        rows[tr(lang, "Let op", "Note")] = tr(
            lang, "synthetische demoregio: de cijfers zijn verzonnen",
            "synthetic demo region: the figures are invented")
    return rows


# ----------------------------------------------------------------------------- white spots
def key_figures(coverage: CoverageResult, norm_minutes: int, lang: str) -> list[tuple[str, str]]:
    """The headline figures of the white-spot report."""
    r = coverage.region
    return [
        (tr(lang, "Inwoners", "Inhabitants"), people(r["population"], lang)),
        (tr(lang, "Mensen met een EPA (schatting)", "People with an EPA (estimate)"),
         people(r["epa_estimate"], lang)),
        (tr(lang, f"Inwoners verder dan {norm_minutes} min", f"Inhabitants beyond {norm_minutes} min"),
         f"{people(r['population_beyond_norm'], lang)} ({percent(r['share_beyond_norm'], lang)})"),
        (tr(lang, "Witte-vlekbuurten", "White-spot buurten"),
         tr(lang, f"{int(r['n_witte_vlekken'])} van {int(r['n_buurten'])}",
            f"{int(r['n_witte_vlekken'])} of {int(r['n_buurten'])}")),
        (tr(lang, "Mediane reistijd", "Median travel time"),
         f"{number(round(r['median_time_min']), 0, lang)} min"),
    ]


def summary_section(coverage: CoverageResult, buurten: gpd.GeoDataFrame, norm_minutes: int,
                    lang: str) -> ReportSection:
    """What the headline figures mean, and why two similar figures differ."""
    r = coverage.region
    spots = buurten[buurten["witte_vlek"]]
    n_spots = len(spots)
    pop_spots = float(spots["population"].sum())
    epa_spots = float(spots["epa_estimate"].sum())
    beyond = float(r["population_beyond_norm"])
    epa_beyond = float(r["epa_estimate_beyond_norm"])
    paragraphs = [tr(
        lang,
        f"{people(beyond, lang)} van de {people(r['population'], lang)} inwoners "
        f"({percent(r['share_beyond_norm'], lang)}) wonen verder dan {norm_minutes} minuten met "
        f"het openbaar vervoer van het dichtstbijzijnde steunpunt, onder wie naar schatting "
        f"{people(epa_beyond, lang)} mensen met een EPA (EPA-schatting "
        f"{epa(epa_beyond, lang)}).",
        f"{people(beyond, lang)} of the {people(r['population'], lang)} inhabitants "
        f"({percent(r['share_beyond_norm'], lang)}) live more than {norm_minutes} minutes by "
        f"public transport from the nearest steunpunt, among them an estimated "
        f"{people(epa_beyond, lang)} people with an EPA (EPA estimate "
        f"{epa(epa_beyond, lang)}).")]
    if n_spots:
        paragraphs.append(tr(
            lang,
            f"In de {n_spots} {plural(n_spots, 'witte-vlekbuurt', 'witte-vlekbuurten')} wonen "
            f"samen {people(pop_spots, lang)} mensen (naar schatting {people(epa_spots, lang)} met "
            f"een EPA; EPA-schatting {epa(epa_spots, lang)}). Dat getal verschilt van de {people(beyond, lang)} hierboven: een "
            "witte-vlekbuurt telt met al haar inwoners mee, ook wie er binnen de norm woont, en "
            "inwoners buiten de norm in buurten die geen witte vlek zijn tellen daar niet mee. "
            "De kaart toont de inwoners van de witte-vlekbuurten; de tabellen per gemeente en "
            "per tijdvak tellen de inwoners buiten de norm.",
            f"The {n_spots} white-spot {plural(n_spots, 'buurt', 'buurten')} have "
            f"{people(pop_spots, lang)} inhabitants together (an estimated "
            f"{people(epa_spots, lang)} with an EPA; EPA estimate {epa(epa_spots, lang)}). That differs from the {people(beyond, lang)} above: a white-spot "
            "buurt counts all its inhabitants, also those within the norm, and inhabitants "
            "beyond the norm in buurten that are no white spot are not counted there. The map "
            "shows the inhabitants of white-spot buurten; the tables per gemeente and per time "
            "window count the inhabitants beyond the norm."))
    paragraphs.append(tr(
        lang,
        "Alle aantallen mensen zijn afgerond op hele personen; EPA-aantallen zijn schattingen "
        "en hebben één decimaal. Omdat elk getal apart is afgerond, kan een som een persoon "
        "afwijken van het totaal.",
        "All counts of people are rounded to whole persons; EPA counts are estimates with one "
        "decimal. Because every figure is rounded on its own, a sum may differ from the total "
        "by one person."))
    return ReportSection(tr(lang, "Samenvatting", "Summary"), paragraphs=paragraphs)


def method_section(data: RegionData, kinds: Sequence[str], lang: str) -> ReportSection:
    """How the travel times and the EPA estimate are computed."""
    a = data.config.analysis
    sources = "; ".join(sorted({label(s, lang) for s in
                                data.epa.buurten["epa_prevalence_source"].dropna()}))
    return ReportSection(tr(lang, "Methode", "Method"), paragraphs=[
        tr(lang,
           "Voor elk bevolkingspunt berekenen we de reistijd met openbaar vervoer en lopen naar "
           f"het dichtstbijzijnde steunpunt (meegeteld: {kind_list(kinds, lang)}), voor elke "
           "vertrekminuut in het tijdvenster. De reistijd omvat lopen naar de halte, wachten, "
           "rijden, overstappen en lopen naar het steunpunt; helemaal lopen telt ook als "
           "mogelijkheid. Per buurt geven we de mediane reistijd gewogen naar inwoners en het "
           "aandeel inwoners buiten de norm.",
           "For every population point we compute the travel time by public transport and on "
           f"foot to the nearest steunpunt (counted: {kind_list(kinds, lang)}), for every "
           "departure minute in the window. The travel time includes walking to the stop, "
           "waiting, riding, transferring and walking to the steunpunt; walking all the way "
           "counts as well. Per buurt we give the population-weighted median travel time and "
           "the share of inhabitants beyond the norm."),
        tr(lang,
           f"De norm is {a.norm_minutes} minuten met het openbaar vervoer. Bron: "
           f"{NORM_SOURCE['nl']}. Een andere norm kan worden gekozen (--norm).",
           f"The norm is {a.norm_minutes} minutes by public transport. Source: "
           f"{NORM_SOURCE['en']}. Another norm can be chosen (--norm)."),
        tr(lang,
           "Het aantal mensen met een EPA per buurt is een schatting: inwoners × prevalentie. "
           f"Bronnen van de prevalentie: {sources}. Er bestaan geen open gegevens over EPA per "
           "buurt; instellingen voor EPA-patiënten kunnen lokale aantallen verhogen.",
           "The number of people with an EPA per buurt is an estimate: inhabitants × "
           f"prevalence. Sources of the prevalence: {sources}. No open data give EPA per buurt; "
           "institutions for EPA patients can raise local numbers."),
        OPENING_HOURS[lang],
    ])


def white_spot_table(buurten: gpd.GeoDataFrame, lang: str) -> pd.DataFrame:
    """The white-spot buurten, most inhabitants beyond the norm first."""
    spots = buurten[buurten["witte_vlek"]].sort_values("population_beyond_norm", ascending=False)
    return present(spots, lang, ["buurtnaam", "gemeentenaam", "population", "median_time_min",
                                 "time_class", "share_beyond_norm", "epa_estimate_beyond_norm"])


def _thin_transport_advice(buurten: gpd.GeoDataFrame, lang: str) -> list[str]:
    spots = buurten[buurten["witte_vlek"]]
    if spots.empty:
        return [tr(lang, "Er zijn geen witte vlekken bij deze norm en dit tijdvenster.",
                   "There are no white spots at this norm and in this window.")]
    text = [tr(
        lang,
        "Het rapport van De Galan Groep (2024) noemt voor gebieden met weinig openbaar vervoer: "
        "satellieten of sub-locaties van een bestaand steunpunt (bijvoorbeeld een dorpskamer die "
        "een of enkele dagdelen per week open is), ontmoeting op loopafstand in het eigen dorp "
        "of de eigen wijk, en e-communities (online lotgenotencontact) als aanvulling waar "
        "fysiek bezoek lastig blijft.",
        "The De Galan Groep report (2024) names for areas with little public transport: "
        "satellites or sub-locations of an existing steunpunt (e.g. a village room open one or "
        "a few part-days a week), meeting within walking distance in one's own village or "
        "neighbourhood, and e-communities (online peer contact) where visiting in person stays "
        "hard.")]
    unreachable = spots[spots["share_unreachable"] > 0.5]
    n = len(unreachable)
    if n:
        names = list(unreachable.sort_values("population", ascending=False)["buurtnaam"])
        shown = ", ".join(names[:10])
        rest = len(names) - 10
        more = (tr(lang, f" en nog {rest} andere", f" and {rest} more") if rest > 0 else "")
        text.append(tr(
            lang,
            f"In {n} {plural(n, 'witte-vlekbuurt', 'witte-vlekbuurten')} kan de meerderheid "
            f"binnen de maximale reistijd geen steunpunt bereiken: {shown}{more}. Daar ligt een "
            "satelliet of e-community het meest voor de hand.",
            f"In {n} white-spot {plural(n, 'buurt', 'buurten')} most inhabitants cannot reach "
            f"a steunpunt within the maximum travel time: {shown}{more}. A satellite or an "
            "e-community is the most obvious answer there."))
    return text


def white_spot_section(buurten: gpd.GeoDataFrame, map_png: Path, lang: str) -> ReportSection:
    """The white-spot buurten, the map and the advice for thin public transport."""
    return ReportSection(
        tr(lang, "Witte vlekken", "White spots"),
        paragraphs=_thin_transport_advice(buurten, lang),
        tables=[(tr(lang, "Witte-vlekbuurten (lege reistijd: onbereikbaar)",
                    "White-spot buurten (empty travel time: unreachable)"),
                 white_spot_table(buurten, lang))],
        figures=[(tr(lang, "Buurten naar reistijd tot het dichtstbijzijnde steunpunt",
                     "Buurten by travel time to the nearest steunpunt"), map_png)])


def steunpunt_reach_section(reach: pd.DataFrame, lang: str) -> ReportSection:
    """Per steunpunt: inhabitants and estimated EPA persons within each cutoff."""
    return ReportSection(tr(lang, "Bereik per steunpunt", "Reach of each steunpunt"), paragraphs=[
        tr(lang,
           "Per steunpunt: hoeveel inwoners (en naar schatting hoeveel mensen met een EPA) het "
           "binnen 15, 30 en 45 minuten kunnen bereiken, los van de andere steunpunten. De "
           "gebieden van steunpunten overlappen, dus de rijen tellen niet op tot het regiototaal.",
           "Per steunpunt: how many inhabitants (and an estimated number of people with an EPA) "
           "can reach it within 15, 30 and 45 minutes, regardless of the other steunpunten. "
           "The areas overlap, so the rows do not add up to the region total.")],
        tables=[(tr(lang, "Inwoners en EPA-schatting binnen bereik",
                    "Inhabitants and EPA estimate within reach"), present(reach, lang))])


def gemeente_section(data: RegionData, coverage: CoverageResult, lang: str) -> ReportSection:
    """Accessibility per gemeente and for the region."""
    g = coverage.gemeenten.copy()
    g.insert(0, "gemeentenaam", g["gemeentecode"].map(gemeente_names(data, lang)))
    table = present(g, lang, ["gemeentenaam", "population", "epa_estimate", "median_time_min",
                              "population_beyond_norm", "share_beyond_norm",
                              "epa_estimate_beyond_norm", "n_witte_vlekken",
                              "population_in_witte_vlekken"])
    return ReportSection(tr(lang, "Per gemeente", "Per gemeente"), paragraphs=[tr(
        lang,
        "'Inwoners buiten norm' telt iedereen die verder dan de norm woont; 'inwoners van "
        "witte-vlekbuurten' telt alle inwoners van de witte-vlekbuurten.",
        "'Inhabitants beyond the norm' counts everyone living beyond the norm; 'inhabitants of "
        "white-spot buurten' counts all inhabitants of the white-spot buurten.")],
        tables=[(tr(lang, "Bereikbaarheid per gemeente", "Accessibility per gemeente"), table)])


def need_sentences(need: pd.DataFrame, lang: str) -> list[str]:
    """The region's need against its supply per scenario, in words (shortage or surplus)."""
    region = need.iloc[-1]
    supply = float(region["steunpunten_gewogen"])
    count = int(region["steunpunten_count"])
    out = []
    for pct, scenario_nl, scenario_en in ((15, "realistisch scenario", "realistic scenario"),
                                          (30, "groeiscenario", "growth scenario"),
                                          (45, "groeiscenario", "growth scenario")):
        needed = int(region[f"need_{pct}"])
        gap = float(region[f"gap_{pct}"])
        if gap > 0:
            verdict = tr(lang, f"een tekort van {number(gap, 1, lang)}",
                         f"a shortage of {number(gap, 1, lang)}")
        elif gap < 0:
            verdict = tr(lang, f"een overschot van {number(-gap, 1, lang)}",
                         f"a surplus of {number(-gap, 1, lang)}")
        else:
            verdict = tr(lang, "precies genoeg", "exactly enough")
        out.append(tr(
            lang,
            f"Bij {pct} % deelname ({scenario_nl}) {plural(needed, 'is', 'zijn')} in de regio "
            f"{needed} {plural(needed, 'steunpunt', 'steunpunten')} nodig; er "
            f"{plural(count, 'is', 'zijn')} er {count}, gewogen naar capaciteit "
            f"{number(supply, 1, lang)}: {verdict}.",
            f"At {pct} % participation ({scenario_en}) the region needs {needed} "
            f"{plural(needed, 'steunpunt', 'steunpunten')}; it has {count}, weighted by "
            f"capacity {number(supply, 1, lang)}: {verdict}."))
    return out


def need_section(data: RegionData, need: pd.DataFrame, lang: str) -> ReportSection:
    """Needed steunpunten per participation scenario against the weighted supply."""
    table = need.copy()
    table.insert(0, "gemeentenaam", table["gemeentecode"].map(gemeente_names(data, lang)))
    shown = present(table.drop(columns=["gemeentecode"]), lang)
    return ReportSection(tr(lang, "Behoefte en aanbod", "Need and supply"), paragraphs=[
        tr(lang,
           "Benodigd aantal steunpunten = EPA-schatting × deelname / 100 bezoekers per week, "
           "afgerond (De Galan Groep 2024); 15 % is het realistische scenario, 30 % en 45 % zijn "
           "groeiscenario's. Bestaande steunpunten tellen gewogen naar capaciteit (0,5 klein, "
           "1 gemiddeld, 2 groot). Een negatief tekort is een overschot.",
           "Needed steunpunten = EPA estimate × participation / 100 visitors a week, rounded "
           "(De Galan Groep 2024); 15 % is the realistic scenario, 30 % and 45 % are growth "
           "scenarios. Existing steunpunten count weighted by capacity (0.5 small, 1 average, "
           "2 large). A negative shortage is a surplus."),
        *need_sentences(need, lang)],
        tables=[(tr(lang, "Behoefte tegenover aanbod", "Need against supply"), shown)])


def time_window_section(windows: pd.DataFrame, lang: str) -> ReportSection:
    """The same coverage for the region's other time windows."""
    table = windows[[c for c in windows.columns if column_for(str(c)) is not None]]
    return ReportSection(tr(lang, "Tijdstip van de dag", "Time of day"), paragraphs=[
        tr(lang,
           "Dezelfde berekening voor een werkdag overdag, een werkdagavond en een zaterdag: 's "
           "avonds en in het weekend rijdt het openbaar vervoer minder vaak.",
           "The same calculation for a weekday daytime, a weekday evening and a Saturday: in "
           "the evening and at the weekend public transport runs less often."),
        OPENING_HOURS[lang]],
        tables=[(tr(lang, "Bereikbaarheid per tijdvak", "Accessibility per time window"),
                 present(table, lang))])


def notes_section(data: RegionData, lang: str) -> ReportSection | None:
    """The data warnings (holidays, buurten without inhabitants, ...), in ``lang``."""
    if not data.warnings:
        return None
    return ReportSection(tr(lang, "Aandachtspunten bij de gegevens", "Notes on the data"),
                         paragraphs=[render(w, lang) for w in dict.fromkeys(data.warnings)])


def whitespot_report(data: RegionData, coverage: CoverageResult, buurten: gpd.GeoDataFrame,
                     need: pd.DataFrame, windows: pd.DataFrame, map_png: Path,
                     kinds: tuple[str, ...], reach: pd.DataFrame | None = None,
                     lang: str = "nl", extra_sections: Sequence[ReportSection] = (),
                     extra_parameters: dict[str, str] | None = None) -> Report:
    """The regional white-spot report; ``kinds`` are the location kinds counted and
    ``reach`` the per-steunpunt table (inhabitants and EPA within each cutoff).

    ``extra_sections`` (opening hours, norm sensitivity, capacity) come after the
    time windows; ``extra_parameters`` extend the parameter table.
    """
    norm = data.config.analysis.norm_minutes
    sections = [
        summary_section(coverage, buurten, norm, lang),
        method_section(data, kinds, lang),
        white_spot_section(buurten, map_png, lang),
    ]
    if reach is not None:
        sections.append(steunpunt_reach_section(reach, lang))
    sections += [gemeente_section(data, coverage, lang), need_section(data, need, lang),
                 time_window_section(windows, lang)]
    sections.extend(extra_sections)
    notes = notes_section(data, lang)
    if notes is not None:
        sections.append(notes)
    return Report(
        title=tr(lang, f"Bereikbaarheid van laagdrempelige steunpunten – {data.config.title}",
                 f"Accessibility of low-threshold steunpunten – {data.config.title}"),
        region_title=data.config.title,
        synthetic=data.synthetic,
        parameters={**parameters_table(data, lang), **(extra_parameters or {})},
        key_figures=key_figures(coverage, norm, lang),
        sections=sections,
        lang=lang,
    )


# ----------------------------------------------------------------------------- check-location
def geocode_sentence(row: pd.Series | dict, lang: str) -> str:
    """What the geocoder matched for a candidate given as an address ('' otherwise)."""
    matched = row.get("geocode_display_name") or ""
    if not matched:
        return ""
    score = row.get("geocode_score")
    score_text = "" if score is None or pd.isna(score) else f", score {number(score, 1, lang)}"
    return tr(lang,
              f"Invoer: '{row.get('address', '')}'; gevonden door de geocoder: '{matched}' "
              f"(type {row.get('geocode_match_type') or '?'}{score_text}). Controleer of dit de "
              "bedoelde plek is.",
              f"Input: '{row.get('address', '')}'; the geocoder matched: '{matched}' "
              f"(type {row.get('geocode_match_type') or '?'}{score_text}). Check that this is "
              "the intended place.")


def candidate_section(data: RegionData, name: str, comparison, before_after_png: Path,
                      note: object = "", geocoded: str = "", lang: str = "nl") -> ReportSection:
    """A report section on what one proposed location adds."""
    a = data.config.analysis
    names = data.buurten.gdf.set_index("buurtcode")["buurtnaam"]
    resolved = [names.get(code, code) for code in comparison.resolved_white_spots]
    n_pop = comparison.population_newly_within_norm
    paragraphs = [tr(
        lang,
        f"Met een steunpunt op deze locatie komen naar schatting {people(n_pop, lang)} "
        f"inwoners binnen {a.norm_minutes} minuten van een steunpunt, onder wie naar schatting "
        f"{people(comparison.epa_estimate_newly_within_norm, lang)} mensen met een EPA "
        f"(EPA-schatting {epa(comparison.epa_estimate_newly_within_norm, lang)}).",
        f"With a steunpunt at this location an estimated {people(n_pop, lang)} inhabitants get "
        f"within {a.norm_minutes} minutes of a steunpunt, among them an estimated "
        f"{people(comparison.epa_estimate_newly_within_norm, lang)} people with an EPA (EPA "
        f"estimate {epa(comparison.epa_estimate_newly_within_norm, lang)}).")]
    if resolved:
        paragraphs.append(tr(
            lang,
            f"{plural(len(resolved), 'Buurt', 'Buurten')} die geen witte vlek meer "
            f"{plural(len(resolved), 'is', 'zijn')} ({len(resolved)}): {', '.join(resolved)}.",
            f"{plural(len(resolved), 'Buurt', 'Buurten')} that stop being a white spot "
            f"({len(resolved)}): {', '.join(resolved)}."))
    else:
        paragraphs.append(tr(lang, "Geen enkele buurt houdt op een witte vlek te zijn.",
                             "No buurt stops being a white spot."))
    if geocoded:
        paragraphs.append(geocoded)
    if note:
        paragraphs.append(tr(lang, f"Let op: {render(note, lang)}.",
                             f"Note: {render(note, lang)}."))
    g = comparison.gemeenten.copy()
    g.insert(0, "gemeentenaam", g["gemeentecode"].map(gemeente_names(data, lang)))
    table = present(g, lang, ["gemeentenaam", "median_time_before_min", "median_time_after_min",
                              "population_beyond_norm_before", "population_beyond_norm_after",
                              "epa_estimate_newly_within_norm"])
    return ReportSection(
        tr(lang, f"Voorgestelde locatie: {name}", f"Proposed location: {name}"),
        paragraphs=paragraphs,
        tables=[(tr(lang, "Reistijden per gemeente, nu en na opening",
                    "Travel times per gemeente, now and after opening"), table)],
        figures=[(tr(lang, "Links: nu. Rechts: met de voorgestelde locatie.",
                     "Left: now. Right: with the proposed location."), before_after_png)])


def ranking_section(table: pd.DataFrame, rejected: pd.DataFrame, lang: str) -> ReportSection:
    """All candidates ranked by what they add, and the ones that could not be evaluated."""
    n = len(table)
    paragraphs = [tr(
        lang,
        f"{n} {plural(n, 'kandidaat is', 'kandidaten zijn')} doorgerekend, gerangschikt naar "
        "het aantal mensen met een EPA (schatting) dat er nieuw binnen de norm komt.",
        f"{n} {plural(n, 'candidate was', 'candidates were')} evaluated, ranked by the "
        "estimated number of people with an EPA newly within the norm.")]
    tables = [(tr(lang, "Rangorde van de kandidaten", "Ranking of the candidates"),
               present(table, lang))]
    if len(rejected):
        m = len(rejected)
        paragraphs.append(tr(
            lang,
            f"{m} {plural(m, 'kandidaat kon', 'kandidaten konden')} niet worden doorgerekend; "
            "de reden staat in de tabel.",
            f"{m} {plural(m, 'candidate', 'candidates')} could not be evaluated; the table "
            "gives the reason."))
        tables.append((tr(lang, "Niet doorgerekend", "Not evaluated"),
                       present(rejected, lang)))
    return ReportSection(tr(lang, "Alle kandidaten", "All candidates"), paragraphs=paragraphs,
                         tables=tables)


# ----------------------------------------------------------------------------- suggest
def suggest_section(data: RegionData, ranking: pd.DataFrame, curve: pd.DataFrame, siting,
                    map_png: Path | None, *, min_gain: float, stop_reason: str,
                    need: pd.DataFrame | None, lang: str = "nl") -> ReportSection:
    """Suggested new sites: baseline, ranking with coordinates, coverage curve, need."""
    a = data.config.analysis
    method = tr(lang,
                "exact (geheeltallig programma, CBC-solver)" if siting.method == "exact"
                else "gulzig (telkens de locatie met de grootste extra dekking)",
                "exact (integer programme, CBC solver)" if siting.method == "exact"
                else "greedy (each time the site adding most coverage)")
    base_share = siting.existing_weight / siting.total_weight if siting.total_weight else 0.0
    n = len(ranking)
    paragraphs = [
        tr(lang,
           f"Uit de kandidaten (stations, drukke bushaltes, buurtcentra of een eigen lijst) "
           f"kiezen we de locaties die samen de meeste mensen met een EPA (schatting) binnen "
           f"{a.norm_minutes} minuten van een steunpunt brengen, bovenop wat de bestaande "
           f"steunpunten al dekken (maximal covering location problem). Methode: {method}.",
           f"From the candidates (stations, busy bus stops, buurt centres or an own list) we "
           f"choose the sites that together bring the most people with an EPA (estimate) within "
           f"{a.norm_minutes} minutes of a steunpunt, on top of what the existing steunpunten "
           f"cover (maximal covering location problem). Method: {method}."),
        tr(lang,
           f"Uitgangssituatie (k = 0, zonder nieuwe locaties): {percent(base_share, lang)} van de "
           f"mensen met een EPA (schatting {epa(siting.existing_weight, lang)} van "
           f"{epa(siting.total_weight, lang)}) woont binnen de norm.",
           f"Baseline (k = 0, no new sites): {percent(base_share, lang)} of the people with an "
           f"EPA (estimate {epa(siting.existing_weight, lang)} of "
           f"{epa(siting.total_weight, lang)}) live within the norm."),
        tr(lang,
           f"We stoppen zodra een volgende locatie de EPA-schatting binnen de norm met minder "
           f"dan {number(min_gain, 0 if min_gain == int(min_gain) else 1, lang)} verhoogt "
           f"(--min-gain). {stop_reason}",
           f"We stop as soon as a next site raises the EPA estimate within the norm by less "
           f"than {number(min_gain, 0 if min_gain == int(min_gain) else 1, lang)} "
           f"(--min-gain). {stop_reason}"),
    ]
    if need is not None:
        paragraphs += need_sentences(need, lang)
        if float(need.iloc[-1]["gap_15"]) <= 0:
            paragraphs.append(tr(
                lang,
                "Volgens de behoefteformule is er in het realistische scenario geen tekort aan "
                "steunpunten: nieuwe locaties verbeteren dan de bereikbaarheid, niet de "
                "capaciteit. Overweeg ook een satelliet van een bestaand steunpunt.",
                "By the need formula there is no shortage of steunpunten in the realistic "
                "scenario: new sites then improve accessibility, not capacity. Consider a "
                "satellite of an existing steunpunt as well."))
    tables = []
    if n:
        paragraphs.append(tr(lang,
                             "De extra dekking per locatie geldt gegeven de locaties met een "
                             "hogere rang.",
                             "The extra coverage of each site holds given the higher-ranked "
                             "sites."))
        tables.append((tr(lang, f"Gekozen {plural(n, 'locatie', 'locaties')}",
                          f"Chosen {plural(n, 'site', 'sites')}"),
                       present(ranking, lang, ["rank", "naam", "bron", "marginal_gain",
                                               "cumulative_gain", "share_covered", "lat", "lon",
                                               "address"])))
    tables.append((tr(lang, "Dekkingscurve (k = 0: de huidige steunpunten)",
                      "Coverage curve (k = 0: the current steunpunten)"),
                   present(curve, lang, ["k", "marginal_gain", "covered_weight",
                                         "share_covered", "gekozen"])))
    figures = [] if map_png is None else [(tr(
        lang, "Links: nu. Rechts: met de voorgestelde locaties.",
        "Left: now. Right: with the suggested sites."), map_png)]
    return ReportSection(tr(lang, "Voorstel voor nieuwe locaties", "Suggested new sites"),
                         paragraphs=paragraphs, tables=tables, figures=figures)
