"""Dutch text and tables of the regional report, assembled from the job results."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd

from accessibility.analysis.coverage import CoverageResult
from accessibility.jobs.region import RegionData
from accessibility.outputs.report import Report, ReportSection, nl_number

DUTCH_WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
KIND_LABELS = {"steunpunt": "steunpunten", "satellite": "satellieten",
               "proposed": "voorgestelde locaties"}
WINDOW_LABELS = {"weekday_daytime": "werkdag overdag", "weekday_evening": "werkdagavond",
                 "saturday": "zaterdag"}


def parameters_table(data: RegionData) -> dict[str, str]:
    """All parameters a reader needs to interpret the figures."""
    p = data.request
    a = data.config.analysis
    return {
        "Regio": f"{data.config.title} ({', '.join(data.config.gemeenten)})",
        "Dienstregelingsdatum": f"{DUTCH_WEEKDAYS[p.date.weekday()]} {p.date:%d-%m-%Y}",
        "Vertrektijdvenster": f"{p.departure:%H:%M}, {p.n_minutes} minuten "
                              "(elke minuut een vertrek)",
        "Reistijdmaat": f"percentiel {p.percentile} van de reistijden over het venster "
                        "(wachten bij vertrek telt mee)",
        "Norm": f"{a.norm_minutes} minuten (voorlopig uitgangspunt, De Galan Groep 2024)",
        "Witte vlek": f"buurt waar meer dan {a.white_spot_share:.0%} van de inwoners buiten de norm valt",
        "Maximale reistijd": f"{p.max_time_seconds // 60} minuten (langer telt als onbereikbaar)",
        "Loopsnelheid": f"{nl_number(p.speed_walking, 1)} km/u; elke looptocht (naar en van de "
                        f"halte, of helemaal te voet) maximaal "
                        f"{p.walking_limit.total_seconds() / 60:g} minuten, van de halte naar "
                        f"de bestemming ook maximaal {nl_number(p.egress_limit_m)} m",
        "Overstap": "60 seconden minimaal tussen aankomst bij de halte en vertrek (als R5)",
        "Bevolkingspunten": f"raster van {a.grid_cell_m:g} m binnen de buurten, alleen cellen "
                            "bij een straat; inwoners per buurt gelijk verdeeld",
        "Behoefteformule": "inwoners × EPA-prevalentie × deelname (15/30/45 %) / 100 bezoekers "
                           "per steunpunt per week",
    }


def _white_spot_table(buurten: gpd.GeoDataFrame) -> pd.DataFrame:
    spots = buurten[buurten["witte_vlek"]].sort_values("population_beyond_norm", ascending=False)
    return pd.DataFrame({
        "buurt": spots["buurtnaam"],
        "gemeente": spots["gemeentenaam"],
        "inwoners": spots["population"].round(0),
        "mediane reistijd (min)": spots["reistijd_min"].round(0),
        "% buiten norm": (100 * spots["share_beyond_norm"]).round(0),
        "EPA-schatting buiten norm": spots["epa_estimate_beyond_norm"].round(1),
    })


def _gemeente_table(data: RegionData, coverage: CoverageResult) -> pd.DataFrame:
    names = data.buurten.gdf.drop_duplicates("gemeentecode").set_index("gemeentecode")["gemeentenaam"]
    g = coverage.gemeenten
    return pd.DataFrame({
        "gemeente": [names.get(c, "regio totaal") for c in g["gemeentecode"]],
        "inwoners": g["population"].round(0),
        "EPA-schatting": g["epa_estimate"].round(0),
        "mediane reistijd (min)": g["median_time_min"].round(0),
        "inwoners buiten norm": g["population_beyond_norm"].round(0),
        "% buiten norm": (100 * g["share_beyond_norm"]).round(1),
        "witte vlekken (buurten)": g["n_witte_vlekken"],
    })


def _need_table(data: RegionData, need: pd.DataFrame) -> pd.DataFrame:
    names = data.buurten.gdf.drop_duplicates("gemeentecode").set_index("gemeentecode")["gemeentenaam"]
    table = pd.DataFrame({"gemeente": [names.get(c, "regio totaal") for c in need["gemeentecode"]],
                          "EPA-schatting": need["epa_estimate"].round(0)})
    for pct in (15, 30, 45):
        table[f"nodig bij {pct} %"] = need[f"need_{pct}"]
    table["aanwezig (aantal)"] = need["steunpunten_count"]
    table["aanwezig (gewogen)"] = need["steunpunten_gewogen"]
    for pct in (15, 30, 45):
        table[f"tekort bij {pct} %"] = need[f"gap_{pct}"]
    return table


def _window_table(windows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "tijdvak": [WINDOW_LABELS.get(w, w) for w in windows["tijdvak"]],
        "datum": windows["datum"],
        "vertrek": windows["vertrek"],
        "mediane reistijd (min)": windows["mediane_reistijd_min"].round(0),
        "inwoners buiten norm": windows["inwoners_buiten_norm"].round(0),
        "% buiten norm": windows["aandeel_buiten_norm_pct"].round(1),
        "EPA-schatting buiten norm": windows["epa_schatting_buiten_norm"].round(1),
        "witte vlekken": windows["witte_vlekken"],
    })


def _thin_transport_advice(buurten: gpd.GeoDataFrame) -> list[str]:
    spots = buurten[buurten["witte_vlek"]]
    if spots.empty:
        return ["Er zijn geen witte vlekken bij deze norm en dit tijdvenster."]
    unreachable = spots[spots["share_unreachable"] > 0.5]
    text = [
        f"{len(spots)} buurten zijn witte vlek; samen wonen daar "
        f"{nl_number(spots['population'].sum())} mensen, onder wie naar schatting "
        f"{nl_number(spots['epa_estimate'].sum(), 1)} met een EPA.",
        "Het rapport van De Galan Groep (2024) noemt voor gebieden met weinig openbaar vervoer: "
        "satellieten of sub-locaties van een bestaand steunpunt (bijvoorbeeld een dorpskamer die "
        "een of enkele dagdelen per week open is), ontmoeting op loopafstand in het eigen dorp of "
        "de eigen wijk, en e-communities (online lotgenotencontact) als aanvulling waar fysiek "
        "bezoek lastig blijft.",
    ]
    if len(unreachable):
        names = ", ".join(unreachable.sort_values("population", ascending=False)["buurtnaam"].head(8))
        text.append(f"In {len(unreachable)} witte-vlekbuurten kan de meerderheid binnen de maximale "
                    f"reistijd geen steunpunt bereiken ({names}); daar ligt een satelliet of "
                    "e-community het meest voor de hand.")
    return text


def whitespot_report(data: RegionData, coverage: CoverageResult, buurten: gpd.GeoDataFrame,
                     need: pd.DataFrame, windows: pd.DataFrame, map_png: Path,
                     kinds: tuple[str, ...], extra_sections: list[ReportSection] = (),
                     extra_parameters: dict[str, str] | None = None) -> Report:
    """The regional white-spot report (Dutch); ``kinds`` are the location kinds counted.

    ``extra_sections`` come after the time windows; ``extra_parameters`` extend
    the parameter table.
    """
    region = coverage.region
    a = data.config.analysis
    key = [
        ("Inwoners", nl_number(region["population"])),
        ("EPA (schatting)", nl_number(region["epa_estimate"])),
        (f"Buiten {a.norm_minutes} min", f"{100 * region['share_beyond_norm']:.1f} %".replace(".", ",")),
        ("Witte-vlekbuurten", f"{int(region['n_witte_vlekken'])} van {int(region['n_buurten'])}"),
        ("Mediane reistijd", f"{nl_number(region['median_time_min'])} min"),
    ]
    epa_sources = sorted(set(data.epa.buurten["epa_prevalence_source"].dropna()))
    method = ReportSection("Methode", paragraphs=[
        "Voor elk bevolkingspunt berekenen we de reistijd met openbaar vervoer en lopen naar het "
        f"dichtstbijzijnde steunpunt (meegeteld: {', '.join(KIND_LABELS.get(k, k) for k in kinds)}), "
        "voor elke vertrekminuut in het tijdvenster. De reistijd omvat lopen naar "
        "de halte, wachten, rijden, overstappen en lopen naar het steunpunt; lopen zonder OV telt "
        "ook als mogelijkheid. Per buurt geven we de mediane reistijd gewogen naar inwoners en het "
        "aandeel inwoners buiten de norm.",
        "Het aantal mensen met een EPA per buurt is een schatting: inwoners × prevalentie. "
        "Bronnen van de prevalentie: " + "; ".join(epa_sources) + ". Er bestaan geen open "
        "gegevens over EPA per buurt; instellingen voor EPA-patiënten kunnen lokale aantallen "
        "verhogen.",
    ])
    sections = [
        method,
        ReportSection("Witte vlekken", paragraphs=_thin_transport_advice(buurten),
                      tables=[("Witte-vlekbuurten", _white_spot_table(buurten))],
                      figures=[("Buurten naar reistijd tot het dichtstbijzijnde steunpunt", map_png)]),
        ReportSection("Per gemeente", tables=[("Bereikbaarheid per gemeente",
                                               _gemeente_table(data, coverage))]),
        ReportSection("Behoefte en aanbod", paragraphs=[
            "Benodigd aantal steunpunten = EPA-schatting × deelname / 100 bezoekers per week, "
            "afgerond; 15 % is het realistische scenario, 30 % en 45 % zijn groeiscenario's. "
            "Bestaande steunpunten tellen gewogen naar capaciteit (0,5 klein, 1 gemiddeld, "
            "2 groot). Een negatief tekort is een overschot."],
            tables=[("Behoefte tegenover aanbod", _need_table(data, need))]),
        ReportSection("Tijdstip van de dag", paragraphs=[
            "Dezelfde berekening voor een werkdag overdag, een werkdagavond en een zaterdag, "
            "met de dienstregeling van dat moment. Deze tabel telt elk steunpunt als open; "
            "de sectie over openingstijden laat zien wat er verandert als alleen open "
            "steunpunten tellen."],
            tables=[("Bereikbaarheid per tijdvak", _window_table(windows))]),
    ]
    sections.extend(extra_sections)
    if data.warnings:
        sections.append(ReportSection("Aandachtspunten bij de gegevens", paragraphs=data.warnings))
    return Report(
        title=f"Bereikbaarheid van laagdrempelige steunpunten – {data.config.title}",
        region_title=data.config.title,
        synthetic=data.synthetic,
        parameters={**parameters_table(data), **(extra_parameters or {})},
        key_figures=key,
        sections=sections,
    )


def candidate_section(data: RegionData, name: str, comparison, before_after_png: Path,
                      note: str = "") -> ReportSection:
    """A report section on what one proposed location adds (for the regional report)."""
    a = data.config.analysis
    names = data.buurten.gdf.set_index("buurtcode")["buurtnaam"]
    resolved = [names.get(code, code) for code in comparison.resolved_white_spots]
    paragraphs = [
        f"Met een steunpunt op deze locatie komen naar schatting "
        f"{nl_number(comparison.population_newly_within_norm)} inwoners binnen "
        f"{a.norm_minutes} minuten van een steunpunt, onder wie naar schatting "
        f"{nl_number(comparison.epa_estimate_newly_within_norm, 1)} mensen met een EPA.",
        (f"Buurten die geen witte vlek meer zijn ({len(resolved)}): {', '.join(resolved)}."
         if resolved else "Geen enkele buurt houdt op een witte vlek te zijn."),
    ]
    if note:
        paragraphs.append(f"Let op: {note}.")
    names_g = data.buurten.gdf.drop_duplicates("gemeentecode").set_index("gemeentecode")["gemeentenaam"]
    g = comparison.gemeenten
    table = pd.DataFrame({
        "gemeente": [names_g.get(c, "regio totaal") for c in g["gemeentecode"]],
        "mediane reistijd voor (min)": g["median_time_before_min"].round(0),
        "mediane reistijd na (min)": g["median_time_after_min"].round(0),
        "inwoners buiten norm voor": g["population_beyond_norm_before"].round(0),
        "inwoners buiten norm na": g["population_beyond_norm_after"].round(0),
        "EPA-schatting nieuw binnen norm": g["epa_estimate_newly_within_norm"].round(1),
    })
    return ReportSection(f"Voorgestelde locatie: {name}", paragraphs=paragraphs,
                         tables=[("Reistijden per gemeente, voor en na", table)],
                         figures=[("Links: nu. Rechts: met de voorgestelde locatie.", before_after_png)])


def suggest_section(data: RegionData, ranking: pd.DataFrame, curve: pd.DataFrame, siting,
                    map_png: Path) -> ReportSection:
    """Report section on suggested new sites: ranking, marginal gains and coverage curve."""
    a = data.config.analysis
    method = ("exact (geheeltallig programma, CBC-solver)" if siting.method == "exact"
              else "gulzig (greedy: telkens de locatie met de grootste extra dekking)")
    table = pd.DataFrame({
        "rang": ranking["rank"],
        "locatie": ranking["naam"],
        "soort kandidaat": ranking["bron"],
        "extra EPA-schatting binnen norm": ranking["marginal_gain"].round(1),
        "cumulatief": ranking["cumulative_gain"].round(1),
        "aandeel EPA binnen norm (%)": (100 * ranking["share_covered"]).round(1),
    })
    curve_table = pd.DataFrame({
        "aantal nieuwe steunpunten (k)": curve["k"],
        "extra EPA-schatting binnen norm": curve["covered_weight"].round(1),
        "aandeel EPA binnen norm (%)": (100 * curve["share_covered"]).round(1),
    })
    return ReportSection("Voorstel voor nieuwe locaties", paragraphs=[
        f"Uit de kandidaten (stations, drukke bushaltes, buurtcentra of een eigen lijst) kiezen we "
        f"de locaties die samen de meeste mensen met een EPA (schatting) binnen {a.norm_minutes} "
        f"minuten van een steunpunt brengen, bovenop wat de bestaande steunpunten al dekken "
        f"(maximal covering location problem). Methode: {method}.",
        "De extra dekking per locatie geldt gegeven de locaties met een hogere rang.",
    ], tables=[("Gekozen locaties", table), ("Dekkingscurve", curve_table)],
        figures=[("Links: nu. Rechts: met de voorgestelde locaties.", map_png)])


# ------------------------------------------------ opening hours, norm sensitivity, capacity
def _gemeente_names(data: RegionData) -> dict[str, str]:
    names = data.buurten.gdf.drop_duplicates("gemeentecode").set_index("gemeentecode")
    return {**names["gemeentenaam"].to_dict(), "regio": "regio totaal"}


def _pct(share: float, decimals: int = 1) -> str:
    return f"{nl_number(100 * share, decimals)} %"


def measures_parameters(data: RegionData) -> dict[str, str]:
    """Parameter rows of the opening-hours, norm and capacity steps (report table)."""
    o = data.config.opening_hours
    s = data.config.norm_sensitivity
    c = data.config.capacity
    end = (dt.datetime.combine(dt.date.today(), o.day_departure_time)
           + dt.timedelta(minutes=o.day_window_minutes))
    return {
        "Openingstijden": f"een reis telt als ze aankomt terwijl het steunpunt open is en het "
                          f"nog minstens {o.min_stay_minutes} minuten open blijft; te vroeg "
                          "aankomen betekent wachten bij de deur (telt mee als reistijd); "
                          "zonder opgegeven openingstijden: altijd open",
        "Per dag van de week": f"maandag t/m zondag van de analyseweek, vertrek op elke minuut "
                               f"tussen {o.day_departure_time:%H:%M} en {end:%H:%M}; de "
                               "reistijd is de kortste reis die aankomt terwijl het steunpunt "
                               "open is",
        "Normgevoeligheid": f"normen van {s.from_minutes} tot {s.to_minutes} minuten (stap "
                            f"{s.step_minutes}); vergeleken: "
                            f"{', '.join(str(n) for n in s.compare_minutes)} minuten",
        "Capaciteit binnen bereik": f"E2SFCA: {nl_number(c.visitors_per_week)} bezoekers per "
                                    "week × gewicht (0,5/1/2) per steunpunt, gedeeld door de "
                                    "EPA-schatting binnen bereik; stapfunctie op de norm en een "
                                    "afnemende variant (gewicht 0,5 bij "
                                    f"{nl_number(data.config.decay_half_minutes)} minuten, "
                                    "Gauss), beide tot de maximale reistijd",
    }


def opening_hours_section(data: RegionData, steunpunten: pd.DataFrame, week,
                          windows: pd.DataFrame, days_png: Path) -> ReportSection:
    """Report section: white spots per day of the week with each steunpunt's opening hours.

    ``week`` is the :class:`~accessibility.jobs.whitespot_measures.OpeningWeek`;
    ``windows`` the time-window table with the arrive-while-open columns of
    :func:`~accessibility.jobs.whitespot_measures.open_window_table`.
    """
    a = data.config.analysis
    o = data.config.opening_hours
    hours = week.hours
    days_open = [hours.open_on(d) for d in week.dates]
    table = pd.DataFrame({
        "id": list(hours.ids),
        "naam": list(steunpunten["name"]),
        "openingstijden": [e or "altijd open (niet opgegeven)" for e in hours.expressions],
        "open op": [", ".join(DUTCH_WEEKDAYS[d.weekday()][:2] for d, is_open in
                              zip(week.dates, [day[j] for day in days_open], strict=True)
                              if is_open) or "geen dag"
                    for j in range(len(hours.ids))],
    })
    region_days = week.week.days[week.week.days["gemeentecode"] == "regio"]
    base_days = week.always_open.days[week.always_open.days["gemeentecode"] == "regio"]
    day_table = pd.DataFrame({
        "dag": list(region_days["day"]),
        "datum": [f"{d:%d-%m-%Y}" for d in week.dates],
        "steunpunten open": [sum(day) for day in days_open],
        "% buiten norm, alles open": (100 * base_days["share_beyond_norm"]).round(1).to_numpy(),
        "% buiten norm, als het open is":
            (100 * region_days["share_beyond_norm"]).round(1).to_numpy(),
        "EPA-schatting buiten norm, als het open is":
            region_days["epa_estimate_beyond_norm"].round(1).to_numpy(),
        "witte vlekken, alles open": base_days["n_witte_vlekken"].to_numpy(),
        "witte vlekken, als het open is": region_days["n_witte_vlekken"].to_numpy(),
    })
    names = _gemeente_names(data)
    g = week.week.gemeenten
    gem_table = pd.DataFrame({
        "gemeente": [names.get(c, c) for c in g["gemeentecode"]],
        "inwoners": g["population"].round(0),
        "gemiddeld aantal dagen met toegang": g["mean_days_with_access"].round(1),
        "inwoners op geen enkele dag": g["population_no_day"].round(0),
        "inwoners op alle 7 dagen": g["population_every_day"].round(0),
    })
    buurt_names = data.buurten.gdf.set_index("buurtcode")
    wb = week.week.buurten.sort_values(["days_with_access", "population"], ascending=[True, False])
    best = int(wb["days_with_access"].max()) if len(wb) else 0
    # the buurten for which the day matters: access on some days, not on others
    short = wb[(wb["days_with_access"] > 0) & (wb["days_with_access"] < best)]
    counts = wb["days_with_access"].value_counts().sort_index(ascending=False)
    buurt_table = pd.DataFrame({
        "buurt": [buurt_names["buurtnaam"].get(c, c) for c in short["buurtcode"]],
        "gemeente": [names.get(c, c) for c in short["gemeentecode"]],
        "inwoners": short["population"].round(0).to_numpy(),
        **{f"{n[:2]} (% binnen norm)": (100 * short[f"share_within_{n}"]).round(0).to_numpy()
           for n in region_days["day"]},
        "dagen met toegang": short["days_with_access"].to_numpy(),
    })
    window_table = pd.DataFrame({
        "tijdvak": [WINDOW_LABELS.get(w, w) for w in windows["tijdvak"]],
        "% buiten norm, kortste reis, alles open": windows["aandeel_buiten_norm_kortste_pct"].round(1),
        "% buiten norm, kortste reis als het open is": windows["aandeel_buiten_norm_open_pct"].round(1),
        "witte vlekken, alles open": windows["witte_vlekken_kortste"],
        "witte vlekken, als het open is": windows["witte_vlekken_open"],
    })
    missing = hours.missing_ids
    source = "in de locatielijst (kolom opening_hours, OpenStreetMap-notatie)"
    paragraphs = [
        (f"{len(hours.ids) - len(missing)} van de {len(hours.ids)} steunpunten hebben "
         f"openingstijden {source}; {len(missing)} zonder openingstijden tellen als altijd "
         f"open: {', '.join(missing)}." if missing else
         f"Alle {len(hours.ids)} steunpunten hebben openingstijden {source}."),
        f"Een reis naar een gesloten steunpunt is geen toegang. Per dag (maandag t/m zondag, "
        f"{week.dates[0]:%d-%m} t/m {week.dates[-1]:%d-%m-%Y}, elk met de dienstregeling en de "
        f"openingstijden van die dag) telt alleen een reis die aankomt terwijl het steunpunt open "
        f"is en nog minstens {o.min_stay_minutes} minuten open blijft. Vertrek kan op elke minuut "
        f"vanaf {o.day_departure_time:%H:%M} gedurende {o.day_window_minutes} minuten; de "
        "reistijd is de kortste zo'n reis (wie te vroeg aankomt, wacht bij de deur en die "
        f"wachttijd telt mee). Een buurt heeft toegang op een dag als hoogstens "
        f"{a.white_spot_share:.0%} van de inwoners dan buiten de norm van {a.norm_minutes} "
        "minuten valt.",
        "Ter vergelijking staat steeds dezelfde maat ernaast met elk steunpunt altijd open: het "
        "verschil is wat de openingstijden kosten. De tijdvakken van de vorige sectie tellen "
        "elk steunpunt als open en nemen de mediaan over het venster; de laatste tabel geeft "
        "per tijdvak de kortste reis, met en zonder openingstijden. De volledige weektabel per "
        "buurt staat in week_buurten.csv.",
    ]
    per_count = "; ".join(f"{days} {'dag' if days == 1 else 'dagen'}: {n} buurten"
                          for days, n in counts.items())
    partial = (f"{len(short)} buurten hebben op sommige dagen wel en op andere geen toegang; "
               "die staan in de tabel." if len(short) else
               "Geen buurt heeft op sommige dagen wel en op andere geen toegang.")
    paragraphs.append(f"Buurten naar aantal dagen met toegang: {per_count}. {partial}")
    if week.holidays:
        paragraphs.append("Feestdagen in de analyseweek: " + ", ".join(
            f"{DUTCH_WEEKDAYS[d.weekday()]} {d:%d-%m} ({n})" for d, n in week.holidays.items()))
    tables = [("Openingstijden per steunpunt", table), ("Per dag van de week (regio)", day_table),
              ("Dagen met toegang per gemeente", gem_table)]
    if len(buurt_table):
        tables.append(("Buurten met toegang op sommige dagen", buurt_table))
    tables.append(("Tijdvakken met en zonder openingstijden", window_table))
    return ReportSection("Openingstijden: bereikbaar als het open is", paragraphs=paragraphs,
                         tables=tables,
                         figures=[("Aantal dagen per week met een open steunpunt binnen de norm",
                                   days_png)])


def norm_section(data: RegionData, norms, chart_png: Path,
                 compare_maps: list[tuple[int, Path]]) -> ReportSection:
    """Report section: the share beyond the norm for every norm, and status changes."""
    a = data.config.analysis
    curve = norms.curve
    region = curve[curve["gemeentecode"] == "regio"].sort_values("norm_minutes")
    region_table = pd.DataFrame({
        "norm (min)": region["norm_minutes"].to_numpy(),
        "inwoners buiten norm": region["population_beyond_norm"].round(0).to_numpy(),
        "% buiten norm": (100 * region["share_beyond_norm"]).round(1).to_numpy(),
        "EPA-schatting buiten norm": region["epa_estimate_beyond_norm"].round(1).to_numpy(),
        "witte vlekken": region["n_witte_vlekken"].to_numpy(),
    })
    names = _gemeente_names(data)
    picked = curve[curve["norm_minutes"].isin([float(n) for n in norms.compare])]
    pivot = picked.pivot(index="gemeentecode", columns="norm_minutes", values="share_beyond_norm")
    order = [c for c in pivot.index if c != "regio"] + (["regio"] if "regio" in pivot.index else [])
    pivot = pivot.loc[order]
    gem_table = pd.DataFrame({"gemeente": [names.get(c, c) for c in pivot.index]})
    for n in pivot.columns:
        gem_table[f"% buiten {n:g} min"] = (100 * pivot[n]).round(1).to_numpy()
    changes = [
        f"Tussen {r.norm_van:g} en {r.norm_naar:g} minuten veranderen {r.niet_meer_witte_vlek} "
        f"buurten van status: bij {r.norm_van:g} minuten zijn er {r.witte_vlekken_van} witte "
        f"vlekken, bij {r.norm_naar:g} minuten {r.witte_vlekken_naar}."
        for r in norms.changes.itertuples()
    ]
    paragraphs = [
        f"De norm van {a.norm_minutes} minuten is een voorlopig uitgangspunt; deelnemers noemen "
        "ook 'een half uur'. De reistijden hangen niet van de norm af: dezelfde berekening geeft "
        "voor elke norm het aandeel inwoners en de EPA-schatting buiten de norm.",
        *changes,
    ]
    figures = [("Inwoners buiten de norm per norm, per gemeente en voor de regio", chart_png)]
    figures += [(f"Witte vlekken bij een norm van {n} minuten", png) for n, png in compare_maps]
    return ReportSection("Hoe gevoelig is de norm?", paragraphs=paragraphs,
                         tables=[("Regio: buiten de norm per norm", region_table),
                                 ("Per gemeente bij de vergeleken normen", gem_table)],
                         figures=figures)


def capacity_section(data: RegionData, capacity, map_png: Path) -> ReportSection:
    """Report section: E2SFCA capacity in reach per 100 EPA persons, next to the need formula."""
    a = data.config.analysis
    c = data.config.capacity
    names = _gemeente_names(data)
    g = capacity.gemeenten
    table = pd.DataFrame({
        "gemeente": [names.get(code, code) for code in g["gemeentecode"]],
        "EPA-schatting": g["epa_estimate"].round(0),
        f"binnen bereik, stap {a.norm_minutes} min": g["capaciteit_step_per_100_epa"].round(1),
        "binnen bereik, afnemend": g["capaciteit_decay_per_100_epa"].round(1),
        "aanbod in de gemeente (behoefteformule)": g["aanbod_formule_per_100_epa"].round(1),
    })
    buurten = capacity.buurten.dropna(subset=["capaciteit_step_per_100_epa"])
    none = buurten[buurten["capaciteit_step_per_100_epa"] <= 0]
    buurt_names = data.buurten.gdf.set_index("buurtcode")["buurtnaam"]
    paragraphs = [
        "De behoefteformule zet de EPA-schatting van een gemeente of regio tegenover de "
        "steunpunten die daar liggen, maar zegt niet of mensen ze kunnen bereiken. De "
        "capaciteit binnen bereik (enhanced two-step floating catchment, E2SFCA) verdeelt de "
        f"capaciteit van elk steunpunt ({nl_number(c.visitors_per_week)} bezoekers per week × "
        "gewicht 0,5/1/2) over alle mensen met een EPA (schatting) die het binnen de reistijd "
        "bereiken, en telt per persoon de delen op van alle steunpunten binnen bereik.",
        "De uitkomst is in bezoekersplaatsen per week per 100 mensen met een EPA: 15 hoort bij "
        "het realistische scenario (15 % deelname), 30 en 45 bij de groeiscenario's. 'Stap': "
        f"alleen steunpunten binnen {a.norm_minutes} minuten tellen, volledig. 'Afnemend': "
        f"dichterbij telt zwaarder (gewicht 0,5 bij {nl_number(data.config.decay_half_minutes)} "
        f"minuten), tot {a.max_time_minutes} minuten. De laatste kolom is het aanbod volgens de "
        "behoefteformule: de gewogen steunpunten in de gemeente zelf. Voor de regio als geheel "
        "zijn beide gelijk zolang iedereen met een steunpunt binnen bereik meetelt: de maat "
        "verdeelt het aanbod anders over de gemeenten, ze maakt het niet groter.",
        (f"{len(none)} buurten hebben geen steunpunt binnen {a.norm_minutes} minuten (capaciteit 0)"
         + (": " + ", ".join(buurt_names.get(b, b) for b in none["buurtcode"][:12]) + "."
            if len(none) else ".")),
    ]
    if capacity.unreached:
        paragraphs.append("Steunpunten die niemand binnen de maximale reistijd bereikt (hun "
                          "capaciteit telt niet mee): " + ", ".join(capacity.unreached) + ".")
    return ReportSection("Capaciteit binnen bereik", paragraphs=paragraphs,
                         tables=[("Capaciteit per 100 mensen met EPA (schatting)", table)],
                         figures=[("Capaciteit binnen bereik per buurt (stap op de norm)",
                                   map_png)])
