"""Travel time from many points to the nearest of a group of targets.

This is the workhorse of the isochrone, white-spot, check-location and siting
jobs: every population point (or grid cell) gets, per target group, the travel
time by public transport and walking to the nearest target of the group,
summarised over a departure window by a percentile. One backward profile
search per group (see :mod:`accessibility.routing.profile`) serves all points
at once, so the cost grows with groups x timetable size, not with points x
targets.

The request is the same :class:`~accessibility.routing.request.TravelRequest`
the matrix engine takes, and the walking legs come from the same
:mod:`~accessibility.routing.street_legs`: for one departure minute the time
to the nearest target equals the minimum over the targets of the
:class:`~accessibility.routing.matrix.TravelTimeMatrix` times (seconds here,
whole minutes there). The one difference: this search does not limit the
number of rides.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from accessibility.routing.network import TransportNetwork
from accessibility.routing.profile import (
    UNREACHABLE,
    evaluate_points,
    profile_scan,
    timetable_connections,
)
from accessibility.routing.raptor import BOARD_SLACK_SECONDS
from accessibility.routing.request import TravelRequest, nearest_rank_index
from accessibility.routing.street_legs import (
    PointLinks,
    direct_seconds,
    transfer_legs,
)
from accessibility.routing.transit import check_covered, pattern_mask


def times_to_nearest(
    network: TransportNetwork,
    origins: PointLinks,
    targets: PointLinks,
    groups: Sequence[np.ndarray],
    request: TravelRequest,
) -> np.ndarray:
    """Travel time from every origin to the nearest target of each group.

    Parameters
    ----------
    network : TransportNetwork
    origins : PointLinks
        From :func:`~accessibility.routing.street_legs.link_points` with
        ``leg="access"``.
    targets : PointLinks
        From ``link_points(..., leg="egress")``.
    groups : sequence of numpy.ndarray of int
        Each group lists target indices; the result gives the time to the
        nearest target of the group.
    request : TravelRequest
        One percentile; ``transport_modes=[WALK]`` gives walk-only times,
        ``[BICYCLE]`` bike-only times, ``access_modes=[WALK, BICYCLE]`` with
        transit bike and ride (link the points with the same request).

    Returns
    -------
    numpy.ndarray of float64, shape (n_groups, n_origins)
        Travel time in minutes with seconds precision (the request's
        percentile over the window), NaN where no target is reachable within
        ``max_time``.
    """
    request.require_builtin_modes(cycling=True)
    percentile = request.percentile
    max_s = request.max_time_seconds
    direct = sp.csc_array(direct_seconds(network, origins, targets, request))
    timetable = network.timetable(request.date)
    if request.transit_modes:
        check_covered(timetable, request)
    start = request.departure_seconds
    departures = start + 60 * np.arange(request.n_minutes, dtype=np.int64)
    conns = _connections(network, request, start, start + request.n_minutes * 60 + max_s)
    tr_ptr, tr_to, tr_sec, self_sec = (
        np.asarray(a, dtype=np.int64)
        for a in transfer_legs(network, timetable, request.speed_walking)
    )
    egress_all = sp.csr_matrix(
        (targets.stop_seconds + 1, targets.stop_index, targets.stop_ptr),
        shape=(targets.n_points, timetable.n_stops)).tocsc()
    result = np.full((len(groups), origins.n_points), np.nan)
    rank = nearest_rank_index(len(departures), percentile)
    for g, members in enumerate(groups):
        members = np.asarray(members, dtype=np.int64)
        members = members[targets.snap.ok[members]]
        direct_s = _row_min(direct[:, members], origins.n_points)
        egress = _column_min(egress_all[members, :], timetable.n_stops)
        prof_ptr, prof_len, entries = profile_scan(
            *conns, timetable.n_stops, timetable.n_trips, egress, tr_ptr, tr_to, tr_sec,
            self_sec, BOARD_SLACK_SECONDS)
        per_minute = evaluate_points(
            origins.stop_ptr, origins.stop_index, origins.stop_seconds, direct_s,
            departures, prof_ptr, prof_len, entries, max_s, request.wait_at_origin)
        per_minute.sort(axis=1)
        chosen = per_minute[:, rank]
        result[g] = np.where(chosen >= UNREACHABLE, np.nan, chosen / 60.0)
    linked = origins.snap.ok if origins.bike_snap is None else origins.snap.ok | origins.bike_snap.ok
    result[:, ~linked] = np.nan  # too far from any street: not routed
    return result


def _connections(
    network: TransportNetwork, request: TravelRequest, earliest: int, latest: int
) -> tuple[np.ndarray, ...]:
    """The timetable's connections in ``[earliest, latest]`` of the request's transit modes."""
    timetable = network.timetable(request.date)
    conns = timetable_connections(timetable, earliest, latest)
    if not request.transit_modes:
        return tuple(a[:0] for a in conns)
    mask = pattern_mask(timetable, request)
    if mask is None:
        return conns
    trip_pattern = np.repeat(np.arange(timetable.n_patterns), np.diff(timetable.pattern_trip_ptr))
    keep = mask[trip_pattern[conns[4]]]
    return tuple(np.ascontiguousarray(a[keep]) for a in conns)


def _row_min(seconds: sp.sparray, n_rows: int) -> np.ndarray:
    """Per row, the smallest stored value (seconds; UNREACHABLE if none)."""
    m = sp.csr_array(seconds)
    out = np.full(n_rows, UNREACHABLE, dtype=np.int64)
    has = np.diff(m.indptr) > 0
    if has.any():
        out[has] = np.minimum.reduceat(m.data, m.indptr[:-1][has])
    return out


def _column_min(egress_plus_one: sp.spmatrix, n_stops: int) -> np.ndarray:
    """Per stop, the smallest egress time over the group's targets (seconds)."""
    m = egress_plus_one.tocsc()
    out = np.full(n_stops, UNREACHABLE, dtype=np.int64)
    has = np.diff(m.indptr) > 0
    if has.any():
        out[has] = np.minimum.reduceat(m.data, m.indptr[:-1][has]) - 1
    return out
