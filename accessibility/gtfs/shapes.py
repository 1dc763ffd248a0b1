"""What itineraries show of a trip: its headsign, short name and ``shapes.txt`` line.

Read lazily, straight from the feed files (the routing tables do not need
them), and only for the trips an itinerary rides: the files are streamed and
only the rows asked for are kept, so a national ``shapes.txt`` is scanned but
never held. :func:`read_trip_details` gives the headsign and shape of trips,
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


def _by_feed(ids: set[str], feed_ids: Sequence[str]) -> dict[str, set[str]]:
    """Feed-prefixed ids grouped by feed, without the prefix."""
    out: dict[str, set[str]] = {f: set() for f in feed_ids}
    for value in ids:
        feed, _, raw = str(value).partition(":")
        if feed in out:
            out[feed].add(raw)
    return out


def read_trip_details(paths: Sequence[str | Path], feed_ids: Sequence[str],
                      trip_ids: set[str]) -> pd.DataFrame:
    """``trip_headsign`` and ``shape_id`` of the trips ``trip_ids`` (feed-prefixed ids).

    Parameters
    ----------
    paths, feed_ids : sequence
        The feeds (``.zip`` or folders) and their id prefixes, as in
        :class:`~accessibility.gtfs.GtfsFeed`.
    trip_ids : set of str
        ``"<feed_id>:<trip_id>"`` of ``trips.txt`` (see :func:`feed_trip_id`);
        ``trips.txt`` is streamed and only these rows are kept.

    Returns
    -------
    pandas.DataFrame
        Index ``trip_id`` (prefixed); columns ``trip_headsign`` (``""`` when
        absent) and ``shape_id`` (prefixed, ``""`` when absent).
    """
    wanted = _by_feed(trip_ids, feed_ids)
    frames = [pd.DataFrame(columns=["trip_id", "trip_headsign", "shape_id"])]
    for path, feed_id in zip(paths, feed_ids, strict=True):
        if not wanted[feed_id]:
            continue
        table = FeedSource(path).read_rows("trips.txt", ("trip_id", "trip_headsign", "shape_id"),
                                           "trip_id", wanted[feed_id])  # fmt: skip
        empty = pd.Series("", index=table.index, dtype=object)
        shape = table.get("shape_id", empty)
        frames.append(pd.DataFrame({
            "trip_id": feed_id + ":" + table["trip_id"],
            "trip_headsign": table.get("trip_headsign", empty),
            "shape_id": shape.where(shape == "", feed_id + ":" + shape),
        }))  # fmt: skip
    trips = pd.concat(frames, ignore_index=True).drop_duplicates("trip_id")
    return trips.set_index("trip_id")


def read_shapes(
    paths: Sequence[str | Path], feed_ids: Sequence[str], shape_ids: set[str]
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The ``shapes.txt`` lines ``shape_ids`` (feed-prefixed), streamed from the feeds.

    Returns
    -------
    dict of str to (lat, lon)
        Feed-prefixed ``shape_id`` -> WGS84 coordinates (float64 arrays, degrees)
        in ``shape_pt_sequence`` order. Shapes with fewer than two points are
        left out; so are rows with coordinates that do not parse.
    """
    wanted = _by_feed(shape_ids, feed_ids)
    shapes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for path, feed_id in zip(paths, feed_ids, strict=True):
        source = FeedSource(path)
        if not wanted[feed_id] or not source.has("shapes.txt"):
            continue
        columns = ("shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence")
        table = source.read_rows("shapes.txt", columns, "shape_id", wanted[feed_id])
        if not set(columns) <= set(table.columns) or table.empty:
            continue
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
