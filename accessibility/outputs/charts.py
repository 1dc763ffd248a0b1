"""Line charts (PNG) for the report: the share of inhabitants beyond the norm, per norm."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from accessibility.io import atomic_path
from accessibility.outputs.maps import DPI, TEXT, format_number, require_columns

LABELS = {
    "nl": {"x": "Norm: maximale reistijd met het OV (minuten)",
           "y": "Inwoners buiten de norm (%)", "region": "regio totaal",
           "current": "norm in deze analyse ({norm} min)"},
    "en": {"x": "Norm: maximum travel time by public transport (minutes)",
           "y": "Inhabitants beyond the norm (%)", "region": "region total",
           "current": "norm of this analysis ({norm} min)"},
}


def plot_norm_curve(
    curve: pd.DataFrame,
    names: Mapping[str, str],
    norm_minutes: float,
    title: str,
    path: str | os.PathLike[str],
    *,
    region_code: str = "regio",
    synthetic: bool = False,
    lang: str = "nl",
    dpi: int = DPI,
) -> Path:
    """Share of inhabitants beyond the norm against the norm, per gemeente and region.

    Parameters
    ----------
    curve : pandas.DataFrame
        ``gemeentecode``, ``norm_minutes``, ``share_beyond_norm`` (0-1), e.g. from
        :func:`accessibility.analysis.norm_sensitivity.norm_curve`.
    names : mapping of str to str
        Gemeentecode -> name for the legend.
    norm_minutes : float
        The norm of the analysis, marked with a vertical line.
    title, path, lang, dpi
        Title, output PNG, language (``nl``/``en``) and resolution.
    region_code : str
        Code of the region rows (drawn thick and black).
    synthetic : bool
        Adds the synthetic-data label.
    """
    require_columns(curve, ["gemeentecode", "norm_minutes", "share_beyond_norm"], "the norm curve")
    text = LABELS[lang]
    fig = Figure(figsize=(9, 5.5))
    ax = fig.add_axes((0.09, 0.15, 0.62, 0.74))
    for code, rows in curve.groupby("gemeentecode", sort=True):
        if code == region_code:
            continue
        rows = rows.sort_values("norm_minutes")
        ax.plot(rows["norm_minutes"], 100 * rows["share_beyond_norm"], marker="o", markersize=3,
                linewidth=1.4, label=names.get(code, code))
    region = curve[curve["gemeentecode"] == region_code].sort_values("norm_minutes")
    if not region.empty:
        ax.plot(region["norm_minutes"], 100 * region["share_beyond_norm"], color="black",
                linewidth=2.8, marker="o", markersize=4, label=text["region"])
    ax.axvline(norm_minutes, color="#b30000", linestyle="--", linewidth=1.2,
               label=text["current"].format(norm=format_number(norm_minutes, lang)))
    ax.set_xlabel(text["x"])
    ax.set_ylabel(text["y"])
    ax.set_ylim(bottom=0)
    ax.set_xlim(curve["norm_minutes"].min(), curve["norm_minutes"].max())
    ax.grid(True, color="#e0e0e0", linewidth=0.6)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False, fontsize=9)
    fig.text(0.015, 0.975, title, ha="left", va="top", fontsize=13, fontweight="bold")
    if synthetic:
        fig.text(0.015, 0.015, TEXT[lang]["synthetic"], ha="left", va="bottom", fontsize=9,
                 fontweight="bold", color="#b30000")
    FigureCanvasAgg(fig)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format="png", facecolor="white")
    return Path(path)
