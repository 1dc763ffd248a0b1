"""Dutch text and tables of the regional report, assembled from the job results."""

from __future__ import annotations

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
                     kinds: tuple[str, ...]) -> Report:
    """The regional white-spot report (Dutch); ``kinds`` are the location kinds counted."""
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
            "Dezelfde berekening voor een werkdag overdag, een werkdagavond en een zaterdag: "
            "steunpunten zijn dan ook open, en het openbaar vervoer rijdt minder vaak."],
            tables=[("Bereikbaarheid per tijdvak", _window_table(windows))]),
    ]
    if data.warnings:
        sections.append(ReportSection("Aandachtspunten bij de gegevens", paragraphs=data.warnings))
    return Report(
        title=f"Bereikbaarheid van laagdrempelige steunpunten – {data.config.title}",
        region_title=data.config.title,
        synthetic=data.synthetic,
        parameters=parameters_table(data),
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
