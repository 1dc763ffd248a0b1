"""Legend entries of the travel-time classes, with the inhabitants in each class."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from matplotlib.patches import Patch

from accessibility.outputs.maps.classes import NO_DATA_COLOUR, class_legend_label
from accessibility.outputs.maps.text import fmt_minutes, format_number, map_text

WHITESPOT_HATCH = "///"


def whitespot_handle(norm: float, lang: str) -> Patch:
    """Legend entry of a white-spot buurt (black outline, hatched)."""
    return Patch(facecolor="none", edgecolor="black", hatch=WHITESPOT_HATCH, linewidth=1.4,
                 label=map_text(lang)["whitespot"].format(norm=fmt_minutes(norm)))


def buurt_class_handles(
    buurten: pd.DataFrame,
    class_column: str,
    population_column: str | None,
    palette: Mapping[str, str],
    lang: str,
    with_counts: bool,
    max_minutes: float | None = None,
) -> list[Any]:
    """One entry per class of a buurt choropleth: ``"0–15 min\\n(2 buurten, 2.000 inw.)"``.

    Buurten with no class ("no data") get an entry only when there are any.
    """
    text = map_text(lang)
    handles: list[Any] = []
    classes = buurten[class_column].astype(object)
    for label, colour in [*palette.items(), (None, NO_DATA_COLOUR)]:
        in_class = classes.isna() if label is None else classes == label
        n = int(in_class.sum())
        if label is None and n == 0:
            continue
        name = text["no_data"] if label is None else class_legend_label(label, lang, max_minutes)
        if with_counts:
            extra = text["n_buurt"] if n == 1 else text["n_buurten"].format(n=format_number(n, lang))
            if population_column:
                pop = buurten.loc[in_class, population_column].sum(skipna=True)
                extra += ", " + text["inhabitants"].format(n=format_number(pop, lang))
            name = f"{name}\n({extra})"
        handles.append(Patch(facecolor=colour, edgecolor="white", label=name))
    return handles


def class_totals(classes: pd.Series, population: pd.Series) -> pd.Series:
    """Inhabitants per class label."""
    totals = pd.Series(population.to_numpy(float), index=classes.astype(object).to_numpy())
    return totals.groupby(level=0).sum()


def population_class_handles(
    classes: pd.Series, population: pd.Series, palette: Mapping[str, str], lang: str,
    max_minutes: float | None = None, after: tuple[pd.Series, pd.Series] | None = None,
) -> list[Any]:
    """One entry per class with the inhabitants in it: ``"0–15 min (16.740 inw.)"``.

    With ``after`` (classes and population after a change) the entry shows
    both: ``"0–15 min (16.740 → 18.020 inw.)"``. Every class of the palette
    is listed, also an empty one, so maps of one set share their legend.
    """
    text = map_text(lang)
    totals = class_totals(classes, population)
    totals_after = class_totals(*after) if after is not None else None
    handles = []
    for label, colour in palette.items():
        count = format_number(totals.get(label, 0.0), lang)
        if totals_after is not None:
            count += " \u2192 " + format_number(totals_after.get(label, 0.0), lang)
        name = f"{class_legend_label(label, lang, max_minutes)} ({text['inhabitants'].format(n=count)})"
        handles.append(Patch(facecolor=colour, edgecolor="none", label=name))
    return handles
