"""What itineraries show of a trip: its headsign, short name and ``shapes.txt`` line.

Read lazily, straight from the feed files (the routing tables do not need
them): :func:`read_trip_details` gives per feed trip the headsign and shape,
:func:`read_shapes` the shape points, and :func:`feed_trip_id` maps a
timetable trip id (``"#k"`` frequency and ``"@prev"`` / ``"@next"`` day
suffixes) back to the feed's trip id.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from accessibility.gtfs.tables import FeedSource, parse_floats

_SUFFIX = re.compile(r"(#\d+)?(@(prev\d*|next))?$")


def feed_trip_id(timetable_trip_id: str) -> str:
    """The feed-prefixed ``trips.txt`` id of a timetable trip id (suffixes removed)."""
    return _SUFFIX.sub("", str(timetable_trip_id), count=1)


def read_trip_details(paths: Sequence[str | Path], feed_ids: Sequence[str]) -> pd.DataFrame:
    """``trip_headsign`` and ``shape_id`` of every trip, feed-prefixed ids.

    Parameters
    ----------
    paths, feed_ids : sequence
        The feeds (``.zip`` or folders) and their id prefixes, as in
        :class:`~accessibility.gtfs.GtfsFeed`.

    Returns
    -------
    pandas.DataFrame
        Index ``trip_id`` (``"<feed_id>:<trip_id>"``); columns ``trip_headsign``
        (``""`` when absent) and ``shape_id`` (``"<feed_id>:<shape_id>"``,
        ``""`` when absent).
    """
    frames = []
    for path, feed_id in zip(paths, feed_ids, strict=True):
        table = FeedSource(path).read("trips.txt", ("trip_id",))
        out = pd.DataFrame({"trip_id": feed_id + ":" + table["trip_id"]})
        out["trip_headsign"] = table.get("trip_headsign", pd.Series("", index=table.index))
        shape = table.get("shape_id", pd.Series("", index=table.index))
        out["shape_id"] = shape.where(shape == "", feed_id + ":" + shape)
        frames.append(out)
    trips = pd.concat(frames, ignore_index=True).drop_duplicates("trip_id")
    return trips.set_index("trip_id")


def read_shapes(
    paths: Sequence[str | Path], feed_ids: Sequence[str]
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The ``shapes.txt`` lines of the feeds that have one.

    Returns
    -------
    dict of str to (lat, lon)
        Feed-prefixed ``shape_id`` -> WGS84 coordinates (float64 arrays, degrees)
        in ``shape_pt_sequence`` order. Shapes with fewer than two points are
        left out; so are rows with coordinates that do not parse.
    """
    shapes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for path, feed_id in zip(paths, feed_ids, strict=True):
        source = FeedSource(path)
        if not source.has("shapes.txt"):
            continue
        columns = ("shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence")
        table = source.read("shapes.txt", columns)
        frame = pd.DataFrame({
            "shape_id": feed_id + ":" + table["shape_id"],
            "lat": parse_floats(table["shape_pt_lat"]),
            "lon": parse_floats(table["shape_pt_lon"]),
            "seq": parse_floats(table["shape_pt_sequence"]),
        }).dropna()  # fmt: skip
        frame = frame.sort_values(["shape_id", "seq"], kind="stable")
        for shape_id, group in frame.groupby("shape_id", sort=False):
            if len(group) >= 2:
                shapes[str(shape_id)] = (group["lat"].to_numpy(), group["lon"].to_numpy())
    return shapes
