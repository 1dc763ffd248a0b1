"""Report section of the white spots per mode: walking, bike, public transport, bike and ride side
by side (Dutch by default, English with ``lang="en"``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from accessibility.jobs.region import RegionData
from accessibility.jobs.report_text import people, percent, tr
from accessibility.jobs.whitespot_modes import ModeWhitespots, mode_label
from accessibility.outputs.report import ReportSection, number

#: Buurten listed in the side-by-side buurt table (most inhabitants first).
MAX_BUURT_ROWS = 20


def _speeds(data: RegionData, lang: str) -> str:
    m = data.config.modes
    walk = number(data.config.analysis.speed_walking_kmh, 1, lang)
    bike = number(m.speed_cycling_kmh, 0, lang)
    ebike = number(m.speed_ebike_kmh, 0, lang)
    unit = tr(lang, "km/u", "km/h")
    text = tr(lang, f"lopen {walk} {unit}, fiets {bike} {unit}",
              f"walking {walk} {unit}, bike {bike} {unit}")
    return text + (f", e-bike {ebike} {unit}" if "ebike" in m.modes else "")


def _mode_sentence(result: ModeWhitespots, mode: str, lang: str) -> str:
    region = result.coverage[mode].region
    norm = result.norms[mode]
    share = float(region["share_beyond_norm"])
    beyond = float(region["population_beyond_norm"])
    spots = int(region["n_witte_vlekken"])
    name = mode_label(mode, lang)
    name = name[0].upper() + name[1:]
    return tr(lang,
              f"{name} (norm {norm} minuten): {people(beyond, lang)} inwoners "
              f"({percent(share, lang)}) wonen verder dan de norm van een steunpunt; "
              f"{spots} {'buurt is' if spots == 1 else 'buurten zijn'} witte vlek.",
              f"{name} (norm {norm} minutes): {people(beyond, lang)} inhabitants "
              f"({percent(share, lang)}) live beyond the norm from a steunpunt; "
              f"{spots} {'buurt is' if spots == 1 else 'buurten are'} a white spot.")


def region_mode_table(result: ModeWhitespots, lang: str) -> pd.DataFrame:
    """The modes side by side for the region, headers in ``lang``."""
    rows = []
    for mode in result.modes:
        region = result.coverage[mode].region
        median = float(region["median_time_min"])
        rows.append({
            tr(lang, "vervoerwijze", "mode"): mode_label(mode, lang),
            tr(lang, "norm (min)", "norm (min)"): result.norms[mode],
            tr(lang, "mediane reistijd (min)", "median travel time (min)"):
                round(median, 1) if np.isfinite(median) else tr(lang, "n.b.", "n/a"),
            tr(lang, "inwoners buiten norm", "inhabitants beyond norm"):
                round(float(region["population_beyond_norm"])),
            tr(lang, "% buiten norm", "% beyond norm"):
                round(100 * float(region["share_beyond_norm"]), 1),
            tr(lang, "EPA-schatting buiten norm", "EPA estimate beyond norm"):
                round(float(region["epa_estimate_beyond_norm"]), 1),
            tr(lang, "witte vlekken", "white spots"): int(region["n_witte_vlekken"]),
        })
    return pd.DataFrame(rows)


def buurt_mode_table(result: ModeWhitespots, buurten: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The buurten that are a white spot in some mode, times per mode side by side.

    ``buurten`` is :func:`~accessibility.jobs.whitespot_modes.mode_buurt_table`;
    at most :data:`MAX_BUURT_ROWS` rows, most inhabitants first. A time marked
    ``*`` is a white spot; ``–``: not reached within the maximum travel time.
    """
    flags = [f"witte_vlek_{m}" for m in result.modes]
    chosen = buurten[buurten[flags].any(axis=1)].sort_values("population", ascending=False)
    chosen = chosen.head(MAX_BUURT_ROWS)
    table = pd.DataFrame({
        "buurt": chosen["buurtnaam"].to_numpy(),
        "gemeente": chosen["gemeentenaam"].to_numpy(),
        tr(lang, "inwoners", "inhabitants"): chosen["population"].round(0).astype(int).to_numpy(),
    })
    for mode in result.modes:
        minutes = chosen[f"reistijd_{mode}_min"].to_numpy(float)
        spot = chosen[f"witte_vlek_{mode}"].to_numpy(bool)
        table[f"{mode_label(mode, lang)} (min)"] = [
            ("–" if not np.isfinite(t) else number(t, 0, lang)) + (" *" if s else "")
            for t, s in zip(minutes, spot, strict=True)]
    return table


def mode_section(data: RegionData, result: ModeWhitespots, buurten: pd.DataFrame,
                 maps: dict[str, Path], lang: str = "nl") -> ReportSection:
    """Report section: the modes side by side (region table, buurt table, a map per mode).

    Parameters
    ----------
    data : RegionData
    result : ModeWhitespots
    buurten : pandas.DataFrame
        :func:`~accessibility.jobs.whitespot_modes.mode_buurt_table`.
    maps : dict of str to Path
        The map of each mode (PNG).
    lang : {"nl", "en"}
    """
    m = data.config.modes
    parking = tr(lang,
                 "alleen bij stations (haltes met een stationsouder of met treinen)",
                 "at stations only (stops with a parent station or served by trains)") \
        if m.bike_parking == "stations" else tr(lang, "bij elke halte", "at every stop")
    paragraphs = [
        tr(lang,
           "Dezelfde inwoners, dezelfde steunpunten, per vervoerwijze een eigen norm. Lopen en "
           "fietsen gaan over het straatnetwerk uit OpenStreetMap (fietsers volgen eenrichtings"
           "verkeer en fietsverboden, en lopen met de fiets aan de hand waar fietsen niet mag; "
           "is lopen sneller, dan telt de looptijd); "
           f"snelheden: {_speeds(data, lang)}. OV is de hoofdanalyse van dit rapport (lopen naar "
           "en van de halte). Fiets + OV: lopen of fietsen naar de halte, de fiets parkeren "
           f"{parking}, met het ov verder en lopen naar het steunpunt.",
           "The same inhabitants, the same steunpunten, a norm per mode. Walking and cycling use "
           "the OpenStreetMap street network (cyclists keep to one-way streets and cycling bans "
           "and push the bike where cycling is not allowed; where walking is quicker the walk "
           "counts); "
           f"speeds: {_speeds(data, lang)}. Public transport is the main analysis of this report "
           "(walking to and from the stop). Bike and ride: walk or cycle to the stop, park the "
           f"bike {parking}, continue by public transport and walk to the steunpunt."),
        *(_mode_sentence(result, mode, lang) for mode in result.modes),
        tr(lang,
           "In de buurttabel is een tijd met * een witte vlek voor die vervoerwijze; – betekent "
           "niet bereikbaar binnen de maximale reistijd.",
           "In the buurt table a time marked * is a white spot for that mode; – means not "
           "reached within the maximum travel time."),
    ]
    tables = [(tr(lang, "Regio: de vervoerwijzen naast elkaar",
                  "Region: the modes side by side"), region_mode_table(result, lang))]
    side = buurt_mode_table(result, buurten, lang)
    if len(side):
        tables.append((tr(lang, f"Buurten die voor een vervoerwijze een witte vlek zijn "
                                f"(hoogstens {MAX_BUURT_ROWS}, meeste inwoners eerst)",
                          f"Buurten that are a white spot for some mode (at most "
                          f"{MAX_BUURT_ROWS}, most inhabitants first)"), side))
    figures = [(tr(lang, f"Reistijd naar het dichtstbijzijnde steunpunt: {mode_label(mode, lang)} "
                         f"(norm {result.norms[mode]} minuten)",
                   f"Travel time to the nearest steunpunt: {mode_label(mode, lang)} "
                   f"(norm {result.norms[mode]} minutes)"), maps[mode])
               for mode in result.modes if mode in maps]
    return ReportSection(tr(lang, "Per vervoerwijze: lopen, fiets en OV",
                            "By mode: walking, bike and public transport"),
                         paragraphs=paragraphs, tables=tables, figures=figures)
