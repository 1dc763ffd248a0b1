"""Page layout shared by the map kinds: one-panel figure, labels, legend, caption, save."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from accessibility.outputs.maps.background import TOWN_ZORDER
from accessibility.outputs.maps.context import MapContext
from accessibility.outputs.maps.frame import decorate, save
from accessibility.outputs.maps.labels import Label, place_labels
from accessibility.outputs.maps.text import OSM_ATTRIBUTION, format_caption

#: Figure size (inches) and map box (figure fractions) of a one-panel map.
SINGLE_SIZE = (11.0, 8.5)
SINGLE_BOX = (0.015, 0.09, 0.62, 0.83)
LEGEND_X = 0.65
#: Map furniture, in axes fractions, that labels must keep clear of.
FURNITURE = ((0.0, 0.0, 0.36, 0.16), (0.915, 0.845, 1.0, 1.0), (0.0, 0.92, 0.5, 1.0))


def single_map() -> tuple[Figure, Axes]:
    """A figure with one map box; every one-panel map has the same box, so the same scale."""
    fig = Figure(figsize=SINGLE_SIZE)
    return fig, fig.add_axes(SINGLE_BOX)


def furniture_boxes(ax: Axes) -> list[Bbox]:
    """Display boxes of the scale bar, north arrow and synthetic label areas."""
    return [Bbox.from_extents(*ax.transAxes.transform([(x0, y0), (x1, y1)]).ravel())
            for x0, y0, x1, y1 in FURNITURE]


def draw_labels(ax: Axes, labels: Sequence[Label], markers: Sequence[Bbox]) -> list:
    """Place labels clear of markers and map furniture; returns the texts.

    City and town names go first (a reader needs them to find the way), then
    the labels in the order given (steunpunten, villages, gemeenten).
    """
    ordered = sorted(labels, key=lambda label: label.zorder != TOWN_ZORDER)
    return place_labels(ax, ordered, [*markers, *furniture_boxes(ax)])


def full_caption_params(params: Mapping[str, Any] | None, context: MapContext, lang: str,
                   **extra: Any) -> dict[str, Any]:
    """The caption parameters plus the background's attribution when one is drawn."""
    out = dict(params or {}) | extra
    background = context.background
    if background is not None and any(background.counts().values()):
        out.setdefault("background", OSM_ATTRIBUTION[lang])
    return out


def finish_single_map(
    fig: Figure, ax: Axes, handles: list, legend_title: str, title: str,
    params: Mapping[str, Any], crs: str, lang: str, path: str | os.PathLike[str], dpi: int,
    vector: str | None, fontsize: float = 9.5,
) -> Path:
    """Legend to the right of a one-panel map, title, caption and atomic save."""
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(LEGEND_X, 0.9),
               title=legend_title, alignment="left", frameon=False, fontsize=fontsize,
               title_fontsize=11)
    decorate(fig, [ax], title, format_caption(params, lang, crs), bool(params.get("synthetic")),
             lang)
    return save(fig, path, dpi, vector)
