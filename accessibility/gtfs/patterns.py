"""Grouping trips into RAPTOR patterns and laying them out as flat arrays.

Private helper of :mod:`accessibility.gtfs`. A *template* is a trip of the feed
(its stop times once); an *instance* is a trip running on the analysis date: a
template shifted by a whole number of seconds (0 for ordinary trips, -86400 for
previous-day trips, the frequency offset for frequency-expanded trips).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PatternArrays:
    """Pattern and trip arrays in the layout of :class:`accessibility.gtfs.Timetable`."""

    pattern_stop_ptr: np.ndarray
    pattern_stops: np.ndarray
    pattern_pickup: np.ndarray
    pattern_drop_off: np.ndarray
    pattern_trip_ptr: np.ndarray
    pattern_route_type: np.ndarray
    pattern_route_ids: np.ndarray
    trip_time_ptr: np.ndarray
    arrival: np.ndarray
    departure: np.ndarray
    trip_ids: np.ndarray
    overtaking_splits: int


def build_patterns(
    row_ptr: np.ndarray,
    stop_index: np.ndarray,
    arrival: np.ndarray,
    departure: np.ndarray,
    pickup: np.ndarray,
    drop_off: np.ndarray,
    template_route_ids: np.ndarray,
    template_route_types: np.ndarray,
    instance_template: np.ndarray,
    instance_shift: np.ndarray,
    instance_ids: np.ndarray,
) -> PatternArrays:
    """Group trip instances into patterns without overtaking.

    Trips with the same route, stop sequence and boarding rules (where
    pickup and drop-off are allowed) share a pattern. Within a
    pattern trips are sorted by departure at the first stop (then by arrival
    at the last stop, then id) and greedily assigned to the first sub-pattern
    whose last trip departs and arrives no later at every stop; a trip that fits
    none opens a new sub-pattern. Each sub-pattern becomes one output pattern.

    Parameters
    ----------
    row_ptr : numpy.ndarray of int64, shape (n_templates + 1,)
        Template ``t`` owns rows ``row_ptr[t]:row_ptr[t+1]`` of the row arrays.
    stop_index : numpy.ndarray of int32
        Stop index per row.
    arrival, departure : numpy.ndarray of int64
        Template times per row, seconds.
    pickup, drop_off : numpy.ndarray of bool
        Per row: boarding / alighting allowed (``pickup_type`` /
        ``drop_off_type`` not 1).
    template_route_ids : numpy.ndarray of str, shape (n_templates,)
    template_route_types : numpy.ndarray of int, shape (n_templates,)
    instance_template : numpy.ndarray of int64, shape (n_trips,)
        Template of every trip instance.
    instance_shift : numpy.ndarray of int64, shape (n_trips,)
        Seconds added to the template's times.
    instance_ids : numpy.ndarray of str, shape (n_trips,)

    Returns
    -------
    PatternArrays
    """
    n_templates = len(row_ptr) - 1
    keys: dict[tuple[str, bytes, bytes], int] = {}
    template_pattern = np.empty(n_templates, dtype=np.int64)
    # Boarding rules as one byte per row: bit 0 pickup, bit 1 drop-off allowed.
    rules = (np.asarray(pickup, dtype=np.uint8) | (np.asarray(drop_off, dtype=np.uint8) << 1))
    for t in range(n_templates):
        rows = slice(row_ptr[t], row_ptr[t + 1])
        key = (str(template_route_ids[t]), stop_index[rows].tobytes(), rules[rows].tobytes())
        template_pattern[t] = keys.setdefault(key, len(keys))
    # A representative template (the first) of every pattern, for its stops.
    _, first_of_pattern = np.unique(template_pattern, return_index=True)

    pattern = template_pattern[instance_template]
    first_dep = departure[row_ptr[instance_template]] + instance_shift
    last_arr = arrival[row_ptr[instance_template + 1] - 1] + instance_shift
    order = np.lexsort((instance_ids, last_arr, first_dep, pattern))
    sorted_pattern = pattern[order]
    bounds = np.flatnonzero(np.diff(sorted_pattern)) + 1
    groups = np.split(order, bounds) if len(order) else []

    sub_orders: list[np.ndarray] = []
    sub_template: list[int] = []
    splits = 0
    for group in groups:
        template = int(first_of_pattern[pattern[group[0]]])
        n_stops = int(row_ptr[template + 1] - row_ptr[template])
        cols = row_ptr[instance_template[group]][:, None] + np.arange(n_stops)
        arr = arrival[cols] + instance_shift[group][:, None]
        dep = departure[cols] + instance_shift[group][:, None]
        if np.all(np.diff(arr, axis=0) >= 0) and np.all(np.diff(dep, axis=0) >= 0):
            subs = [list(range(len(group)))]
        else:
            subs = _greedy_split(arr, dep)
            splits += len(subs) - 1
        for members in subs:
            sub_orders.append(group[np.asarray(members, dtype=np.int64)])
            sub_template.append(template)

    n_patterns = len(sub_orders)
    templates = np.asarray(sub_template, dtype=np.int64)
    stops_per_pattern = row_ptr[templates + 1] - row_ptr[templates]
    pattern_stop_ptr = np.zeros(n_patterns + 1, dtype=np.int64)
    pattern_stop_ptr[1:] = np.cumsum(stops_per_pattern)
    pattern_rows = _ranges(row_ptr[templates], stops_per_pattern)
    pattern_stops = stop_index[pattern_rows].astype(np.int32)
    trips_per_pattern = np.array([len(s) for s in sub_orders], dtype=np.int64)
    pattern_trip_ptr = np.zeros(n_patterns + 1, dtype=np.int64)
    pattern_trip_ptr[1:] = np.cumsum(trips_per_pattern)

    trip_order = np.concatenate(sub_orders) if n_patterns else np.zeros(0, dtype=np.int64)
    trip_template = instance_template[trip_order]
    trip_len = row_ptr[trip_template + 1] - row_ptr[trip_template]
    trip_time_ptr = np.zeros(len(trip_order), dtype=np.int64)
    trip_time_ptr[1:] = np.cumsum(trip_len)[:-1]
    rows = _ranges(row_ptr[trip_template], trip_len)
    shift = np.repeat(instance_shift[trip_order], trip_len)
    return PatternArrays(
        pattern_stop_ptr=pattern_stop_ptr,
        pattern_stops=pattern_stops,
        pattern_pickup=np.asarray(pickup, dtype=bool)[pattern_rows],
        pattern_drop_off=np.asarray(drop_off, dtype=bool)[pattern_rows],
        pattern_trip_ptr=pattern_trip_ptr,
        pattern_route_type=np.asarray(template_route_types[templates], dtype=np.int16),
        pattern_route_ids=np.asarray(template_route_ids[templates]).astype(str),
        trip_time_ptr=trip_time_ptr,
        arrival=(arrival[rows] + shift).astype(np.int32),
        departure=(departure[rows] + shift).astype(np.int32),
        trip_ids=np.asarray(instance_ids[trip_order]).astype(str),
        overtaking_splits=splits,
    )


def _greedy_split(arr: np.ndarray, dep: np.ndarray) -> list[list[int]]:
    """Assign sorted trips (rows of ``arr``/``dep``) to sub-patterns without overtaking.

    Returns
    -------
    list of list of int
        Row numbers per sub-pattern, in input order.
    """
    subs: list[list[int]] = []
    last: list[int] = []
    for j in range(len(arr)):
        for k, i in enumerate(last):
            if np.all(arr[j] >= arr[i]) and np.all(dep[j] >= dep[i]):
                subs[k].append(j)
                last[k] = j
                break
        else:
            subs.append([j])
            last.append(j)
    return subs


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, s + n)`` for every pair (vectorised)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(np.asarray(starts, dtype=np.int64) - offsets, lengths) + np.arange(total)
