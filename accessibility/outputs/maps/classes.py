"""Travel-time classes and their one ordered colour scale, shared by every map.

A reader learns the scale once: **greens within the norm** (darker = closer),
**oranges to red beyond it**, and "unreachable within the maximum time" as the
darkest, most saturated class at the far end: never milder than "more than 60
min", so a place that goes from unreachable to 70 minutes reads as better, not
worse. The class definitions are those of :mod:`accessibility.analysis.coverage`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib import colormaps, colors

from accessibility.analysis.coverage import UNREACHABLE_CLASS as UNREACHABLE
from accessibility.analysis.coverage import classify_times, time_class_labels
from accessibility.errors import InputError
from accessibility.outputs.maps.text import fmt_minutes, map_text

#: Default class breaks in minutes; the norm must be one of them.
DEFAULT_BREAKS: tuple[float, ...] = (15, 30, 45, 60)
#: Provisional norm of the IZA working group, minutes by public transport.
DEFAULT_NORM = 45

#: The worst class: darker and more saturated than any "beyond the norm" colour.
UNREACHABLE_COLOUR = "#5a0014"
NO_DATA_COLOUR = "#d9d9d9"
STEUNPUNT_COLOUR = "#54278f"
CANDIDATE_COLOUR = "#e7298a"
BOUNDARY_COLOUR = "#737373"

__all__ = [
    "BOUNDARY_COLOUR", "CANDIDATE_COLOUR", "DEFAULT_BREAKS", "DEFAULT_NORM",
    "NO_DATA_COLOUR", "STEUNPUNT_COLOUR", "UNREACHABLE", "UNREACHABLE_COLOUR",
    "band_labels", "class_colours", "class_labels", "class_legend_label",
    "cutoff_colours", "travel_time_classes",
]


def check_breaks(breaks: Sequence[float]) -> list[float]:
    """The breaks as floats; they must be positive, finite and strictly increasing."""
    values = [float(b) for b in breaks]
    if not values or any(not math.isfinite(b) or b <= 0 for b in values):
        raise InputError(
            f"class breaks {list(breaks)} must be positive minutes, e.g. (15, 30, 45, 60)"
        )
    if any(b >= c for b, c in zip(values, values[1:], strict=False)):
        raise InputError(f"class breaks {list(breaks)} must be strictly increasing")
    return values


def class_labels(breaks: Sequence[float] = DEFAULT_BREAKS) -> tuple[str, ...]:
    """Travel-time class labels for the given breaks, nearest first.

    ``class_labels((15, 30, 45, 60))`` gives
    ``("0-15", "15-30", "30-45", "45-60", ">60", "onbereikbaar")``. A class
    ``"a-b"`` holds times ``a < t <= b`` (``"0-15"`` includes 0), so a time equal
    to the norm is within the norm.
    """
    return tuple(time_class_labels(check_breaks(breaks)))


def travel_time_classes(
    minutes: np.ndarray | pd.Series, breaks: Sequence[float] = DEFAULT_BREAKS
) -> pd.Categorical:
    """Classify travel times into the ordered classes of :func:`class_labels`.

    Parameters
    ----------
    minutes : array-like of float
        Travel times in minutes; NaN or +inf = unreachable.
    breaks : sequence of float
        Increasing class breaks in minutes.

    Returns
    -------
    pandas.Categorical
        Ordered, categories :func:`class_labels` ``(breaks)``; never missing.

    Raises
    ------
    InputError
        On negative times or invalid breaks.
    """
    values = np.asarray(minutes, dtype=np.float64)
    if (values < 0).any():
        first = values[values < 0][0]
        raise InputError(f"negative travel time {first} min: travel times must be >= 0")
    return classify_times(values, check_breaks(breaks))


def _ramp(n_within: int, n_beyond: int) -> list[str]:
    """Dark to light greens (within the norm), then light orange to red (beyond it)."""
    greens = colormaps["Greens"](np.linspace(0.85, 0.35, n_within)) if n_within else []
    reds = colormaps["OrRd"](np.linspace(0.45, 0.8, n_beyond)) if n_beyond else []
    return [colors.to_hex(c) for c in (*greens, *reds)]


def class_colours(
    breaks: Sequence[float] = DEFAULT_BREAKS, norm_minutes: float = DEFAULT_NORM
) -> dict[str, str]:
    """Colour per class label, in class order, the unreachable class last and darkest.

    Raises
    ------
    InputError
        When the norm is not one of the breaks (it must be a class boundary).
    """
    values = check_breaks(breaks)
    if float(norm_minutes) not in values:
        raise InputError(
            f"the norm of {norm_minutes} min is not one of the class breaks {values}: "
            "add it to the breaks so the map separates 'within' from 'beyond' the norm"
        )
    labels = class_labels(values)
    n_within = values.index(float(norm_minutes)) + 1
    palette = _ramp(n_within, len(labels) - 1 - n_within)
    return {**dict(zip(labels[:-1], palette, strict=True)), UNREACHABLE: UNREACHABLE_COLOUR}


def cutoff_colours(cutoffs: Sequence[float], norm_minutes: float = DEFAULT_NORM) -> list[str]:
    """Colours of isochrone bands (by upper cutoff), consistent with :func:`class_colours`.

    Cutoffs up to the norm get greens (darker = closer), larger ones oranges.
    """
    values = sorted(float(c) for c in cutoffs)
    n_within = sum(1 for c in values if c <= norm_minutes)
    return _ramp(n_within, len(values) - n_within)


def band_labels(cutoffs: Sequence[float], lang: str = "nl") -> list[str]:
    """Readable band names of sorted cutoffs: ``["0–15 min", "15–30 min", ...]``."""
    text = map_text(lang)
    edges = [0.0, *sorted(float(c) for c in cutoffs)]
    return [text["band"].format(a=fmt_minutes(a), b=fmt_minutes(b))
            for a, b in zip(edges[:-1], edges[1:], strict=True)]


def class_legend_label(label: str, lang: str = "nl", max_minutes: float | None = None) -> str:
    """Human-readable legend text of a class label (``">60"`` -> ``"meer dan 60 min"``).

    With ``max_minutes`` the unreachable class says up to which time it was
    searched (``"onbereikbaar binnen 90 min"``).
    """
    text = map_text(lang)
    if label == UNREACHABLE:
        if max_minutes is not None:
            return text["unreachable_max"].format(m=fmt_minutes(float(max_minutes)))
        return text["unreachable"]
    if label.startswith(">"):
        return text["over"].format(m=label[1:])
    return text["class"].format(label=label.replace("-", "–"))
