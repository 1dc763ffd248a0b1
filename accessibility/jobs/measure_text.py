"""Report text of the white-spot job's extra measures, in Dutch or English.

Three sections follow the time windows in the white-spot report: opening hours
(white spots per day of the week, only trips arriving while a steunpunt is
open), the sensitivity of the white spots to the norm, and the E2SFCA capacity
in reach. :func:`measures_parameters` adds their settings to the parameter
table. As elsewhere in the reports, counts of people are whole numbers and EPA
estimates carry one decimal.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from accessibility.jobs.region import RegionData
from accessibility.jobs.report_text import WEEKDAYS, gemeente_names, plural, tr
from accessibility.outputs.report import ReportSection, number
from accessibility.outputs.tables import label


def _whole(values: pd.Series) -> list[int]:
    """Counts of people as whole numbers (the report shows them without decimals)."""
    return [int(round(float(v))) for v in values]


def _one_decimal(values: pd.Series, scale: float = 1.0) -> list[float]:
    return [round(scale * float(v), 1) for v in values]


def _day_name(day: dt.date, lang: str) -> str:
    return WEEKDAYS[lang][day.weekday()]


def measures_parameters(data: RegionData, lang: str = "nl") -> dict[str, str]:
    """Parameter rows of the opening-hours, norm and capacity steps (report table).

    The ``Openingstijden`` / ``Opening hours`` row replaces the main table's row
    of that name: the map counts every steunpunt as open, this section does not.
    """
    o = data.config.opening_hours
    s = data.config.norm_sensitivity
    c = data.config.capacity
    end = (dt.datetime.combine(dt.date.today(), o.day_departure_time)
           + dt.timedelta(minutes=o.day_window_minutes))
    compared = ", ".join(str(n) for n in s.compare_minutes)
    half = number(data.config.decay_half_minutes, 0, lang)
    visitors = number(c.visitors_per_week, 0, lang)
    return {
        tr(lang, "Openingstijden", "Opening hours"): tr(
            lang,
            "kaart en tijdvakken: elk steunpunt altijd open; sectie openingstijden: een reis "
            f"telt als ze aankomt terwijl het steunpunt open is en het nog minstens "
            f"{o.min_stay_minutes} minuten open blijft (te vroeg aankomen betekent wachten bij "
            "de deur, dat telt mee als reistijd); zonder opgegeven openingstijden: altijd open",
            "map and time windows: every steunpunt always open; opening-hours section: a trip "
            f"counts when it arrives while the steunpunt is open and stays open for at least "
            f"{o.min_stay_minutes} more minutes (arriving early means waiting at the door, "
            "which counts as travel time); without given opening hours: always open"),
        tr(lang, "Per dag van de week", "Per day of the week"): tr(
            lang,
            f"maandag t/m zondag van de analyseweek, vertrek op elke minuut tussen "
            f"{o.day_departure_time:%H:%M} en {end:%H:%M}; de reistijd is de kortste reis die "
            "aankomt terwijl het steunpunt open is",
            f"Monday to Sunday of the analysis week, a departure every minute between "
            f"{o.day_departure_time:%H:%M} and {end:%H:%M}; the travel time is the shortest "
            "trip arriving while the steunpunt is open"),
        tr(lang, "Normgevoeligheid", "Norm sensitivity"): tr(
            lang,
            f"normen van {s.from_minutes} tot {s.to_minutes} minuten (stap {s.step_minutes}); "
            f"vergeleken: {compared} minuten",
            f"norms from {s.from_minutes} to {s.to_minutes} minutes (step {s.step_minutes}); "
            f"compared: {compared} minutes"),
        tr(lang, "Capaciteit binnen bereik", "Capacity in reach"): tr(
            lang,
            f"E2SFCA: {visitors} bezoekers per week × gewicht (0,5/1/2) per steunpunt, gedeeld "
            "door de EPA-schatting binnen bereik; stapfunctie op de norm en een afnemende "
            f"variant (gewicht 0,5 bij {half} minuten, Gauss), beide tot de maximale reistijd",
            f"E2SFCA: {visitors} visitors a week × weight (0.5/1/2) per steunpunt, divided by "
            "the EPA estimate in reach; a step at the norm and a decaying variant (weight 0.5 "
            f"at {half} minutes, Gaussian), both up to the maximum travel time"),
    }


# ---------------------------------------------------------------- opening hours
def _hours_table(steunpunten: pd.DataFrame, week, lang: str) -> pd.DataFrame:
    hours = week.hours
    days_open = [hours.open_on(d) for d in week.dates]
    open_on = []
    for j in range(len(hours.ids)):
        days = [_day_name(d, lang)[:2] for d, day in zip(week.dates, days_open, strict=True)
                if day[j]]
        open_on.append(", ".join(days) or tr(lang, "geen dag", "no day"))
    return pd.DataFrame({
        "id": list(hours.ids),
        tr(lang, "naam", "name"): list(steunpunten["name"]),
        tr(lang, "openingstijden", "opening hours"):
            [e or tr(lang, "altijd open (niet opgegeven)", "always open (not given)")
             for e in hours.expressions],
        tr(lang, "open op", "open on"): open_on,
    })


def _day_table(week, lang: str) -> pd.DataFrame:
    region = week.week.days[week.week.days["gemeentecode"] == "regio"]
    base = week.always_open.days[week.always_open.days["gemeentecode"] == "regio"]
    return pd.DataFrame({
        tr(lang, "dag", "day"): [_day_name(d, lang) for d in week.dates],
        tr(lang, "datum", "date"): [f"{d:%d-%m-%Y}" for d in week.dates],
        tr(lang, "steunpunten open", "steunpunten open"):
            [int(sum(week.hours.open_on(d))) for d in week.dates],
        tr(lang, "% buiten norm, alles open", "% beyond the norm, all open"):
            _one_decimal(base["share_beyond_norm"], 100),
        tr(lang, "% buiten norm, als het open is", "% beyond the norm, when open"):
            _one_decimal(region["share_beyond_norm"], 100),
        tr(lang, "EPA-schatting buiten norm, als het open is",
           "EPA estimate beyond the norm, when open"):
            _one_decimal(region["epa_estimate_beyond_norm"]),
        tr(lang, "witte vlekken, alles open", "white spots, all open"):
            [int(v) for v in base["n_witte_vlekken"]],
        tr(lang, "witte vlekken, als het open is", "white spots, when open"):
            [int(v) for v in region["n_witte_vlekken"]],
    })


def _gemeente_days_table(data: RegionData, week, lang: str) -> pd.DataFrame:
    names = gemeente_names(data, lang)
    g = week.week.gemeenten
    return pd.DataFrame({
        tr(lang, "gemeente", "municipality"): [names.get(c, c) for c in g["gemeentecode"]],
        tr(lang, "inwoners", "inhabitants"): _whole(g["population"]),
        tr(lang, "gemiddeld aantal dagen met toegang", "mean number of days with access"):
            _one_decimal(g["mean_days_with_access"]),
        tr(lang, "inwoners op geen enkele dag", "inhabitants on no day"):
            _whole(g["population_no_day"]),
        tr(lang, "inwoners op alle 7 dagen", "inhabitants on all 7 days"):
            _whole(g["population_every_day"]),
    })


def _partial_buurten(data: RegionData, week, lang: str) -> tuple[pd.DataFrame, pd.Series]:
    """Buurten with access on some days but not on others, and buurten per number of days."""
    names = gemeente_names(data, lang)
    buurt_names = data.buurten.gdf.set_index("buurtcode")["buurtnaam"]
    wb = week.week.buurten.sort_values(["days_with_access", "population"], ascending=[True, False])
    best = int(wb["days_with_access"].max()) if len(wb) else 0
    short = wb[(wb["days_with_access"] > 0) & (wb["days_with_access"] < best)]
    counts = wb["days_with_access"].value_counts().sort_index(ascending=False)
    day_columns = list(week.week.days[week.week.days["gemeentecode"] == "regio"]["day"])
    table = pd.DataFrame({
        "buurt": [buurt_names.get(c, c) for c in short["buurtcode"]],
        tr(lang, "gemeente", "municipality"): [names.get(c, c) for c in short["gemeentecode"]],
        tr(lang, "inwoners", "inhabitants"): _whole(short["population"]),
        **{tr(lang, f"{_day_name(d, lang)[:2]} (% binnen norm)",
              f"{_day_name(d, lang)[:2]} (% within the norm)"):
           _whole(100 * short[f"share_within_{column}"])
           for d, column in zip(week.dates, day_columns, strict=True)},
        tr(lang, "dagen met toegang", "days with access"):
            [int(v) for v in short["days_with_access"]],
    })
    return table, counts


def _window_table(windows: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        tr(lang, "tijdvak", "time window"): [label(w, lang) for w in windows["tijdvak"]],
        tr(lang, "% buiten norm, kortste reis, alles open",
           "% beyond the norm, shortest trip, all open"):
            _one_decimal(windows["aandeel_buiten_norm_kortste_pct"]),
        tr(lang, "% buiten norm, kortste reis als het open is",
           "% beyond the norm, shortest trip when open"):
            _one_decimal(windows["aandeel_buiten_norm_open_pct"]),
        tr(lang, "witte vlekken, alles open", "white spots, all open"):
            [int(v) for v in windows["witte_vlekken_kortste"]],
        tr(lang, "witte vlekken, als het open is", "white spots, when open"):
            [int(v) for v in windows["witte_vlekken_open"]],
    })


def _opening_paragraphs(data: RegionData, week, counts: pd.Series, n_partial: int,
                        lang: str) -> list[str]:
    a = data.config.analysis
    o = data.config.opening_hours
    hours = week.hours
    missing = hours.missing_ids
    n_given = len(hours.ids) - len(missing)
    source = tr(lang, "in de locatielijst (kolom opening_hours, OpenStreetMap-notatie)",
                "in the locations file (column opening_hours, OpenStreetMap syntax)")
    if missing:
        first = tr(lang,
                   f"{n_given} van de {len(hours.ids)} steunpunten hebben openingstijden "
                   f"{source}; {len(missing)} zonder openingstijden tellen als altijd open: "
                   f"{', '.join(missing)}.",
                   f"{n_given} of the {len(hours.ids)} steunpunten have opening hours {source}; "
                   f"{len(missing)} without opening hours count as always open: "
                   f"{', '.join(missing)}.")
    else:
        first = tr(lang, f"Alle {len(hours.ids)} steunpunten hebben openingstijden {source}.",
                   f"All {len(hours.ids)} steunpunten have opening hours {source}.")
    share = number(100 * a.white_spot_share, 0, lang)
    first_day, last_day = week.dates[0], week.dates[-1]
    paragraphs = [
        first,
        tr(lang,
           f"Een reis naar een gesloten steunpunt is geen toegang. Per dag (maandag t/m zondag, "
           f"{first_day:%d-%m} t/m {last_day:%d-%m-%Y}, elk met de dienstregeling en de "
           "openingstijden van die dag) telt alleen een reis die aankomt terwijl het steunpunt "
           f"open is en nog minstens {o.min_stay_minutes} minuten open blijft. Vertrek kan op "
           f"elke minuut vanaf {o.day_departure_time:%H:%M} gedurende {o.day_window_minutes} "
           "minuten; de reistijd is de kortste zo'n reis (wie te vroeg aankomt, wacht bij de "
           "deur en die wachttijd telt mee). Een buurt heeft toegang op een dag als hoogstens "
           f"{share} % van de inwoners dan buiten de norm van {a.norm_minutes} minuten valt.",
           f"A trip to a closed steunpunt is no access. Per day (Monday to Sunday, "
           f"{first_day:%d-%m} to {last_day:%d-%m-%Y}, each with that day's timetable and "
           "opening hours) only a trip counts that arrives while the steunpunt is open and "
           f"stays open for at least {o.min_stay_minutes} more minutes. Departures are possible "
           f"every minute from {o.day_departure_time:%H:%M} for {o.day_window_minutes} "
           "minutes; the travel time is the shortest such trip (who arrives early waits at the "
           "door, and that wait counts). A buurt has access on a day when at most "
           f"{share} % of its inhabitants are then beyond the norm of {a.norm_minutes} minutes."),
        tr(lang,
           "Ter vergelijking staat steeds dezelfde maat ernaast met elk steunpunt altijd open: "
           "het verschil is wat de openingstijden kosten. De tijdvakken van de vorige sectie "
           "tellen elk steunpunt als open en nemen de mediaan over het venster; de laatste "
           "tabel geeft per tijdvak de kortste reis, met en zonder openingstijden. De volledige "
           "weektabel per buurt staat in week_buurten.csv.",
           "For comparison the same measure with every steunpunt always open stands next to "
           "it: the difference is what the opening hours cost. The time windows of the "
           "previous section count every steunpunt as open and take the median over the "
           "window; the last table gives per time window the shortest trip, with and without "
           "opening hours. The full week table per buurt is in week_buurten.csv."),
    ]
    per_count = "; ".join(
        tr(lang, f"{days} {plural(days, 'dag', 'dagen')}: {n} {plural(n, 'buurt', 'buurten')}",
           f"{days} {plural(days, 'day', 'days')}: {n} {plural(n, 'buurt', 'buurten')}")
        for days, n in counts.items())
    partial = (tr(lang,
                  f"{n_partial} {plural(n_partial, 'buurt heeft', 'buurten hebben')} op sommige "
                  "dagen wel en op andere geen toegang; die staan in de tabel.",
                  f"{n_partial} {plural(n_partial, 'buurt has', 'buurten have')} access on "
                  "some days but not on others; they are listed in the table.")
               if n_partial else
               tr(lang, "Geen buurt heeft op sommige dagen wel en op andere geen toegang.",
                  "No buurt has access on some days but not on others."))
    paragraphs.append(tr(lang, f"Buurten naar aantal dagen met toegang: {per_count}. {partial}",
                         f"Buurten by number of days with access: {per_count}. {partial}"))
    if week.holidays:
        days = ", ".join(f"{_day_name(d, lang)} {d:%d-%m} ({n})" for d, n in week.holidays.items())
        paragraphs.append(tr(lang, f"Feestdagen in de analyseweek: {days}.",
                             f"Public holidays in the analysis week: {days}."))
    return paragraphs


def opening_hours_section(data: RegionData, steunpunten: pd.DataFrame, week,
                          windows: pd.DataFrame, days_png: Path,
                          lang: str = "nl") -> ReportSection:
    """Report section: white spots per day of the week with each steunpunt's opening hours.

    ``week`` is the :class:`~accessibility.jobs.whitespot_measures.OpeningWeek`;
    ``windows`` the time-window table with the arrive-while-open columns of
    :func:`~accessibility.jobs.whitespot_measures.open_window_table`.
    """
    partial, counts = _partial_buurten(data, week, lang)
    tables = [
        (tr(lang, "Openingstijden per steunpunt", "Opening hours per steunpunt"),
         _hours_table(steunpunten, week, lang)),
        (tr(lang, "Per dag van de week (regio)", "Per day of the week (region)"),
         _day_table(week, lang)),
        (tr(lang, "Dagen met toegang per gemeente", "Days with access per municipality"),
         _gemeente_days_table(data, week, lang)),
    ]
    if len(partial):
        tables.append((tr(lang, "Buurten met toegang op sommige dagen",
                          "Buurten with access on some days"), partial))
    tables.append((tr(lang, "Tijdvakken met en zonder openingstijden",
                      "Time windows with and without opening hours"),
                   _window_table(windows, lang)))
    return ReportSection(
        tr(lang, "Openingstijden: bereikbaar als het open is",
           "Opening hours: reachable while open"),
        paragraphs=_opening_paragraphs(data, week, counts, len(partial), lang),
        tables=tables,
        figures=[(tr(lang, "Aantal dagen per week met een open steunpunt binnen de norm",
                     "Days per week with an open steunpunt within the norm"), days_png)])


# ---------------------------------------------------------------- norm sensitivity
def norm_section(data: RegionData, norms, chart_png: Path,
                 compare_maps: list[tuple[int, Path]], lang: str = "nl") -> ReportSection:
    """Report section: the share beyond the norm for every norm, and status changes."""
    a = data.config.analysis
    curve = norms.curve
    region = curve[curve["gemeentecode"] == "regio"].sort_values("norm_minutes")
    region_table = pd.DataFrame({
        tr(lang, "norm (min)", "norm (min)"): [int(n) for n in region["norm_minutes"]],
        tr(lang, "inwoners buiten norm", "inhabitants beyond the norm"):
            _whole(region["population_beyond_norm"]),
        tr(lang, "% buiten norm", "% beyond the norm"):
            _one_decimal(region["share_beyond_norm"], 100),
        tr(lang, "EPA-schatting buiten norm", "EPA estimate beyond the norm"):
            _one_decimal(region["epa_estimate_beyond_norm"]),
        tr(lang, "witte vlekken", "white spots"): [int(v) for v in region["n_witte_vlekken"]],
    })
    names = gemeente_names(data, lang)
    picked = curve[curve["norm_minutes"].isin([float(n) for n in norms.compare])]
    pivot = picked.pivot(index="gemeentecode", columns="norm_minutes", values="share_beyond_norm")
    order = [c for c in pivot.index if c != "regio"] + (["regio"] if "regio" in pivot.index else [])
    pivot = pivot.loc[order]
    gem_table = pd.DataFrame({tr(lang, "gemeente", "municipality"):
                              [names.get(c, c) for c in pivot.index]})
    for n in pivot.columns:
        gem_table[tr(lang, f"% buiten {n:g} min", f"% beyond {n:g} min")] = _one_decimal(
            pivot[n], 100)
    changes = [
        tr(lang,
           f"Tussen {r.norm_van:g} en {r.norm_naar:g} minuten "
           f"{plural(r.niet_meer_witte_vlek, 'verandert', 'veranderen')} "
           f"{r.niet_meer_witte_vlek} {plural(r.niet_meer_witte_vlek, 'buurt', 'buurten')} van "
           f"status: bij {r.norm_van:g} minuten zijn er {r.witte_vlekken_van} witte vlekken, bij "
           f"{r.norm_naar:g} minuten {r.witte_vlekken_naar}.",
           f"Between {r.norm_van:g} and {r.norm_naar:g} minutes {r.niet_meer_witte_vlek} "
           f"{plural(r.niet_meer_witte_vlek, 'buurt changes', 'buurten change')} status: at "
           f"{r.norm_van:g} minutes there are {r.witte_vlekken_van} white spots, at "
           f"{r.norm_naar:g} minutes {r.witte_vlekken_naar}.")
        for r in norms.changes.itertuples()
    ]
    paragraphs = [
        tr(lang,
           f"De norm van {a.norm_minutes} minuten is een voorlopig uitgangspunt; deelnemers "
           "noemen ook 'een half uur'. De reistijden hangen niet van de norm af: dezelfde "
           "berekening geeft voor elke norm het aandeel inwoners en de EPA-schatting buiten de "
           "norm.",
           f"The norm of {a.norm_minutes} minutes is a provisional starting point; participants "
           "also mention 'half an hour'. The travel times do not depend on the norm: the same "
           "calculation gives, for every norm, the share of inhabitants and the EPA estimate "
           "beyond it."),
        *changes,
    ]
    figures = [(tr(lang, "Inwoners buiten de norm per norm, per gemeente en voor de regio",
                   "Inhabitants beyond the norm for each norm, per municipality and for the "
                   "region"), chart_png)]
    figures += [(tr(lang, f"Witte vlekken bij een norm van {n} minuten",
                    f"White spots at a norm of {n} minutes"), png) for n, png in compare_maps]
    return ReportSection(tr(lang, "Hoe gevoelig is de norm?", "How sensitive is the norm?"),
                         paragraphs=paragraphs,
                         tables=[(tr(lang, "Regio: buiten de norm per norm",
                                     "Region: beyond the norm for each norm"), region_table),
                                 (tr(lang, "Per gemeente bij de vergeleken normen",
                                     "Per municipality at the compared norms"), gem_table)],
                         figures=figures)


# ---------------------------------------------------------------- capacity in reach
def capacity_section(data: RegionData, capacity, map_png: Path,
                     lang: str = "nl") -> ReportSection:
    """Report section: E2SFCA capacity in reach per 100 EPA persons, next to the need formula."""
    a = data.config.analysis
    c = data.config.capacity
    names = gemeente_names(data, lang)
    g = capacity.gemeenten
    table = pd.DataFrame({
        tr(lang, "gemeente", "municipality"): [names.get(code, code) for code in g["gemeentecode"]],
        tr(lang, "EPA-schatting", "EPA estimate"): _one_decimal(g["epa_estimate"]),
        tr(lang, f"binnen bereik, stap {a.norm_minutes} min",
           f"in reach, step {a.norm_minutes} min"): _one_decimal(g["capaciteit_step_per_100_epa"]),
        tr(lang, "binnen bereik, afnemend", "in reach, decaying"):
            _one_decimal(g["capaciteit_decay_per_100_epa"]),
        tr(lang, "aanbod in de gemeente (behoefteformule)",
           "supply in the municipality (need formula)"):
            _one_decimal(g["aanbod_formule_per_100_epa"]),
    })
    buurten = capacity.buurten.dropna(subset=["capaciteit_step_per_100_epa"])
    none = buurten[buurten["capaciteit_step_per_100_epa"] <= 0]
    buurt_names = data.buurten.gdf.set_index("buurtcode")["buurtnaam"]
    visitors = number(c.visitors_per_week, 0, lang)
    half = number(data.config.decay_half_minutes, 0, lang)
    listed = ", ".join(buurt_names.get(b, b) for b in none["buurtcode"][:12])
    more = len(none) - min(len(none), 12)
    if more:
        listed += tr(lang, f" en {more} meer", f" and {more} more")
    paragraphs = [
        tr(lang,
           "De behoefteformule zet de EPA-schatting van een gemeente of regio tegenover de "
           "steunpunten die daar liggen, maar zegt niet of mensen ze kunnen bereiken. De "
           "capaciteit binnen bereik (enhanced two-step floating catchment, E2SFCA) verdeelt de "
           f"capaciteit van elk steunpunt ({visitors} bezoekers per week × gewicht 0,5/1/2) "
           "over alle mensen met een EPA (schatting) die het binnen de reistijd bereiken, en "
           "telt per persoon de delen op van alle steunpunten binnen bereik.",
           "The need formula sets the EPA estimate of a municipality or region against the "
           "steunpunten located there, but does not say whether people can reach them. The "
           "capacity in reach (enhanced two-step floating catchment, E2SFCA) shares the "
           f"capacity of each steunpunt ({visitors} visitors a week × weight 0.5/1/2) among all "
           "people with an EPA (estimate) who reach it within the travel time, and adds up, "
           "per person, the shares of all steunpunten in reach."),
        tr(lang,
           "De uitkomst is in bezoekersplaatsen per week per 100 mensen met een EPA: 15 hoort "
           "bij het realistische scenario (15 % deelname), 30 en 45 bij de groeiscenario's. "
           f"'Stap': alleen steunpunten binnen {a.norm_minutes} minuten tellen, volledig. "
           f"'Afnemend': dichterbij telt zwaarder (gewicht 0,5 bij {half} minuten), tot "
           f"{a.max_time_minutes} minuten. De laatste kolom is het aanbod volgens de "
           "behoefteformule: de gewogen steunpunten in de gemeente zelf. Voor de regio als "
           "geheel zijn beide gelijk zolang iedereen met een steunpunt binnen bereik meetelt: "
           "de maat verdeelt het aanbod anders over de gemeenten, ze maakt het niet groter.",
           "The result is in visitor places a week per 100 people with an EPA: 15 belongs to "
           "the realistic scenario (15 % participation), 30 and 45 to the growth scenarios. "
           f"'Step': only steunpunten within {a.norm_minutes} minutes count, in full. "
           f"'Decaying': closer counts more (weight 0.5 at {half} minutes), up to "
           f"{a.max_time_minutes} minutes. The last column is the supply by the need formula: "
           "the weighted steunpunten in the municipality itself. For the region as a whole "
           "both are equal as long as everyone with a steunpunt in reach counts: the measure "
           "shares the supply differently among the municipalities, it does not enlarge it."),
        tr(lang,
           f"{len(none)} {plural(len(none), 'buurt heeft', 'buurten hebben')} geen steunpunt "
           f"binnen {a.norm_minutes} minuten (capaciteit 0)" + (f": {listed}." if len(none)
                                                                else "."),
           f"{len(none)} {plural(len(none), 'buurt has', 'buurten have')} no steunpunt within "
           f"{a.norm_minutes} minutes (capacity 0)" + (f": {listed}." if len(none) else ".")),
    ]
    if capacity.unreached:
        ids = ", ".join(capacity.unreached)
        paragraphs.append(tr(lang,
                             "Steunpunten die niemand binnen de maximale reistijd bereikt (hun "
                             f"capaciteit telt niet mee): {ids}.",
                             "Steunpunten nobody reaches within the maximum travel time (their "
                             f"capacity does not count): {ids}."))
    return ReportSection(
        tr(lang, "Capaciteit binnen bereik", "Capacity in reach"), paragraphs=paragraphs,
        tables=[(tr(lang, "Capaciteit per 100 mensen met EPA (schatting)",
                    "Capacity per 100 people with an EPA (estimate)"), table)],
        figures=[(tr(lang, "Capaciteit binnen bereik per buurt (stap op de norm)",
                     "Capacity in reach per buurt (step at the norm)"), map_png)])
