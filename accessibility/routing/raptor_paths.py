"""Range-RAPTOR with parent pointers: the journeys behind the matrix times.

A separate kernel from :mod:`accessibility.routing.raptor` (whose hot loop
stays as it is): the same search over the same ``net`` tuple and walking legs,
for one origin, that also records how every label was reached and traces the
journey to every destination whenever its arrival improves.

Parents (per round ``r`` and stop ``s``)
----------------------------------------
* ``ride_arr[r, s]`` set by a route scan: the pattern, the trip and the
  positions where it was boarded and left (``ride_pat``, ``ride_trip``,
  ``ride_board``, ``ride_alight``);
* ``board_arr[r, s]`` (``r >= 1``) set by a walk after a ride of round ``r``:
  the stop the walk started from (``board_from``; ``s`` itself for staying at
  the stop) and its seconds (``board_walk``); round 0 labels are access walks.

A label equal to the one of the round below came in by merging ("at most r
rides") and is traced in that round instead, so a journey never has more rides
than it needs. Every parent points to labels that are at most as late as when
the parent was recorded (labels only drop), so a traced journey is always
feasible; it may wait longer at a stop than when it was first found.

Destinations keep one label per round (``dest_arr[r, d]``: at most ``r``
rides, round 0 walking only): the last round is the matrix's label (same
arrival and same planned departure, both use strict improvements in the same
order of minutes), the lower rounds give the Pareto set by number of rides.

Output of :func:`origin_journeys`
---------------------------------
``journeys`` rows ``(dest, minute, leg_start, n_legs, arrival_s)``: the journey
found at that minute (it leaves at ``dep_start_s + 60 * minute``), legs in
order. ``legs`` rows ``(kind, from, to, trip, board_pos, alight_pos, start_s,
end_s)`` with ``kind`` one of :data:`ACCESS`, :data:`RIDE`, :data:`TRANSFER`,
:data:`EGRESS`, :data:`WALK_ONLY`; ``from`` / ``to`` are stops, except the
destination index as ``to`` of egress and walk-only legs (origins have none).
``label_journey[k, d, r]`` is the journey holding the round ``r`` label of
destination ``d`` after minute ``k`` (-1: none).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from accessibility.routing.raptor import UNREACHED, _merge_previous_round

#: Leg kinds of :func:`origin_journeys`.
ACCESS, RIDE, TRANSFER, EGRESS, WALK_ONLY = 0, 1, 2, 3, 4

_LEG_COLUMNS = 8
_JOURNEY_COLUMNS = 5


@njit(cache=True)
def _grow_rows(table, used, needed):
    """A copy of ``table`` with room for ``needed`` rows (capacity doubles)."""
    cap = table.shape[0]
    if needed <= cap:
        return table
    while cap < needed:
        cap *= 2
    out = np.empty((cap, table.shape[1]), dtype=table.dtype)
    out[:used] = table[:used]
    return out


@njit(cache=True)
def _trace(
    d, r, dep, dest_stop, dest_walk, ride_arr, board_arr, ride_pat, ride_trip, ride_board,
    ride_alight, board_from, board_walk, pattern_stop_ptr, pattern_stops, trip_time_ptr,
    arrival, departure, tmp,
):
    """Legs of the round ``r`` label of destination ``d`` into ``tmp`` (last leg first).

    Returns the number of legs written.
    """
    n = 0
    s = dest_stop[r, d]
    if s < 0:
        tmp[n, 0] = WALK_ONLY
        tmp[n, 1] = -1
        tmp[n, 2] = d
        tmp[n, 3] = -1
        tmp[n, 4] = -1
        tmp[n, 5] = -1
        tmp[n, 6] = dep
        tmp[n, 7] = dep + dest_walk[r, d]
        return 1
    rr = r
    while rr > 1 and ride_arr[rr - 1, s] == ride_arr[rr, s]:
        rr -= 1
    a = ride_arr[rr, s]
    tmp[n, 0] = EGRESS
    tmp[n, 1] = s
    tmp[n, 2] = d
    tmp[n, 3] = -1
    tmp[n, 4] = -1
    tmp[n, 5] = -1
    tmp[n, 6] = a
    tmp[n, 7] = a + dest_walk[r, d]
    n += 1
    while True:
        while rr > 1 and ride_arr[rr - 1, s] == ride_arr[rr, s]:
            rr -= 1
        p = ride_pat[rr, s]
        trip = ride_trip[rr, s]
        bpos = ride_board[rr, s]
        apos = ride_alight[rr, s]
        bs = pattern_stops[pattern_stop_ptr[p] + bpos]
        tmp[n, 0] = RIDE
        tmp[n, 1] = bs
        tmp[n, 2] = s
        tmp[n, 3] = trip
        tmp[n, 4] = bpos
        tmp[n, 5] = apos
        tmp[n, 6] = departure[trip_time_ptr[trip] + bpos]
        tmp[n, 7] = arrival[trip_time_ptr[trip] + apos]
        n += 1
        b = rr - 1
        while b > 0 and board_arr[b - 1, bs] == board_arr[b, bs]:
            b -= 1
        if b == 0:
            tmp[n, 0] = ACCESS
            tmp[n, 1] = -1
            tmp[n, 2] = bs
            tmp[n, 3] = -1
            tmp[n, 4] = -1
            tmp[n, 5] = -1
            tmp[n, 6] = dep
            tmp[n, 7] = board_arr[0, bs]
            return n + 1
        f = board_from[b, bs]
        start = ride_arr[b, f]
        tmp[n, 0] = TRANSFER
        tmp[n, 1] = f
        tmp[n, 2] = bs
        tmp[n, 3] = -1
        tmp[n, 4] = -1
        tmp[n, 5] = -1
        tmp[n, 6] = start
        tmp[n, 7] = start + board_walk[b, bs]
        n += 1
        s = f
        rr = b


@njit(cache=True)
def origin_journeys(net, acc_stop, acc_s, walk_dest, walk_s, egress, n_dest, params):
    """Range-RAPTOR for one origin with the journey of every improved destination label.

    Parameters
    ----------
    net : tuple of arrays
        As :func:`accessibility.routing.raptor.travel_times_per_minute`.
    acc_stop, acc_s : int32 arrays
        The origin's access walks: stops and seconds.
    walk_dest, walk_s : int32 arrays
        The origin's walk-only legs: destinations and seconds.
    egress : tuple ``(ptr, dest, seconds)``
        CSR stop -> destinations (int32 seconds).
    n_dest : int
    params : tuple
        ``(dep_start_s, n_minutes, max_rides, max_time_s, board_slack_s,
        wait_at_origin)`` as the matrix kernels (``wait_at_origin`` unused here:
        the caller derives travel times from arrivals and departures).

    Returns
    -------
    journeys : int32 array, shape (n_journeys, 5)
    legs : int32 array, shape (n_legs, 8)
    label_journey : int32 array, shape (n_minutes, n_dest, max_rides + 1)
        See the module docstring.
    """
    (pattern_stop_ptr, pattern_stops, pattern_trip_ptr, trip_time_ptr, arrival, departure,
     sp_ptr, sp_pattern, sp_pos, transfer_ptr, transfer_to, transfer_s, self_transfer_s) = net  # fmt: skip
    egress_ptr, egress_dest, egress_s = egress
    dep_start_s, n_minutes, max_rides, max_time_s, board_slack_s, _wait = params
    n_stops = len(sp_ptr) - 1
    n_patterns = len(pattern_stop_ptr) - 1
    R = max_rides
    ride_arr = np.full((R + 1, n_stops), UNREACHED, dtype=np.int32)
    board_arr = np.full((R + 1, n_stops), UNREACHED, dtype=np.int32)
    ride_pat = np.full((R + 1, n_stops), -1, dtype=np.int32)
    ride_trip = np.full((R + 1, n_stops), -1, dtype=np.int32)
    ride_board = np.full((R + 1, n_stops), -1, dtype=np.int32)
    ride_alight = np.full((R + 1, n_stops), -1, dtype=np.int32)
    board_from = np.full((R + 1, n_stops), -1, dtype=np.int32)
    board_walk = np.zeros((R + 1, n_stops), dtype=np.int32)
    dest_arr = np.full((R + 1, n_dest), UNREACHED, dtype=np.int32)
    dest_dep = np.zeros((R + 1, n_dest), dtype=np.int32)
    dest_stop = np.full((R + 1, n_dest), -1, dtype=np.int32)
    dest_walk = np.zeros((R + 1, n_dest), dtype=np.int32)
    dest_merged = np.zeros((R + 1, n_dest), dtype=np.int8)
    dest_j = np.full((R + 1, n_dest), -1, dtype=np.int32)
    ride_flag = np.zeros(n_stops, dtype=np.int8)
    ride_list = np.empty(n_stops, dtype=np.int32)
    board_flag = np.zeros(n_stops, dtype=np.int8)
    board_list = np.empty(n_stops, dtype=np.int32)
    board_trip = np.empty((R + 1, len(pattern_stops)), dtype=np.int32)
    for p in range(n_patterns):
        board_trip[:, pattern_stop_ptr[p] : pattern_stop_ptr[p + 1]] = pattern_trip_ptr[p + 1]
    pat_first = np.full(n_patterns, -1, dtype=np.int32)
    pat_list = np.empty(n_patterns, dtype=np.int32)
    label_journey = np.full((n_minutes, n_dest, R + 1), -1, dtype=np.int32)
    journeys = np.empty((16, _JOURNEY_COLUMNS), dtype=np.int32)
    legs = np.empty((64, _LEG_COLUMNS), dtype=np.int32)
    tmp = np.empty((2 * R + 2, _LEG_COLUMNS), dtype=np.int32)
    n_j = 0
    n_l = 0
    for k in range(n_minutes - 1, -1, -1):
        dep = dep_start_s + 60 * k
        cutoff = dep + max_time_s
        # Round 0 of the destinations: walking only.
        for j in range(len(walk_dest)):
            d = walk_dest[j]
            t = dep + walk_s[j]
            if t < dest_arr[0, d]:
                dest_arr[0, d] = t
                dest_dep[0, d] = dep
                dest_stop[0, d] = -1
                dest_walk[0, d] = walk_s[j]
                dest_merged[0, d] = 0
        n_board = 0
        for j in range(len(acc_stop)):
            s = acc_stop[j]
            t = dep + acc_s[j]
            if t <= cutoff and t < board_arr[0, s]:
                if board_flag[s] == 0:
                    board_list[n_board] = s
                    n_board += 1
                board_arr[0, s] = t
                board_flag[s] = 2
        n_ride = 0
        r_merged = 0  # destination rounds merged up to here
        for r in range(1, R + 1):
            if n_board == 0 and n_ride == 0:
                break
            n_merged = _merge_previous_round(ride_arr, r, ride_list, n_ride, ride_flag)
            n_pat = 0
            for j in range(n_board):
                s = board_list[j]
                if board_flag[s] != 2:
                    continue
                earliest = board_arr[r - 1, s] + board_slack_s
                for q in range(sp_ptr[s], sp_ptr[s + 1]):
                    p = sp_pattern[q]
                    pos = sp_pos[q]
                    ps = pattern_stop_ptr[p] + pos
                    t0 = pattern_trip_ptr[p]
                    old = board_trip[r - 1, ps]
                    cand = old
                    while cand > t0 and departure[trip_time_ptr[cand - 1] + pos] >= earliest:
                        cand -= 1
                    if cand == old:
                        continue
                    board_trip[r - 1, ps] = cand
                    if pat_first[p] < 0:
                        pat_list[n_pat] = p
                        n_pat += 1
                        pat_first[p] = pos
                    elif pos < pat_first[p]:
                        pat_first[p] = pos
            n_ride = n_merged
            for jp in range(n_pat):
                p = pat_list[jp]
                first_pos = pat_first[p]
                pat_first[p] = -1
                s0 = pattern_stop_ptr[p]
                n_pos = pattern_stop_ptr[p + 1] - s0
                t1 = pattern_trip_ptr[p + 1]
                cur = -1
                cur_pos = -1
                for i in range(first_pos, n_pos):
                    s = pattern_stops[s0 + i]
                    if cur >= 0:
                        a = arrival[trip_time_ptr[cur] + i]
                        if a < ride_arr[r, s] and a <= cutoff:
                            ride_arr[r, s] = a
                            ride_pat[r, s] = p
                            ride_trip[r, s] = cur
                            ride_board[r, s] = cur_pos
                            ride_alight[r, s] = i
                            if ride_flag[s] == 0:
                                ride_list[n_ride] = s
                                n_ride += 1
                            ride_flag[s] = 2
                    if board_flag[s] == 2:
                        cand = board_trip[r - 1, s0 + i]
                        if cand < t1 and (cur < 0 or cand < cur):
                            cur = cand
                            cur_pos = i
            n_board = _merge_previous_round(board_arr, r, board_list, n_board, board_flag)
            for j in range(n_ride):
                s = ride_list[j]
                a = ride_arr[r, s]
                if ride_flag[s] == 2:
                    t = a + self_transfer_s[s]
                    if t < board_arr[r, s] and t <= cutoff:
                        if board_flag[s] == 0:
                            board_list[n_board] = s
                            n_board += 1
                        board_arr[r, s] = t
                        board_flag[s] = 2
                        board_from[r, s] = s
                        board_walk[r, s] = self_transfer_s[s]
                    for e in range(transfer_ptr[s], transfer_ptr[s + 1]):
                        s2 = transfer_to[e]
                        t = a + transfer_s[e]
                        if t < board_arr[r, s2] and t <= cutoff:
                            if board_flag[s2] == 0:
                                board_list[n_board] = s2
                                n_board += 1
                            board_arr[r, s2] = t
                            board_flag[s2] = 2
                            board_from[r, s2] = s
                            board_walk[r, s2] = transfer_s[e]
            # Destinations of round r: at most r - 1 rides, then egress after r rides.
            for d in range(n_dest):
                if dest_arr[r - 1, d] < dest_arr[r, d]:
                    dest_arr[r, d] = dest_arr[r - 1, d]
                    dest_dep[r, d] = dest_dep[r - 1, d]
                    dest_merged[r, d] = 1
            r_merged = r
            for j in range(n_ride):
                s = ride_list[j]
                a = ride_arr[r, s]
                for e in range(egress_ptr[s], egress_ptr[s + 1]):
                    d = egress_dest[e]
                    t = a + egress_s[e]
                    if t < dest_arr[r, d]:
                        dest_arr[r, d] = t
                        dest_dep[r, d] = dep
                        dest_stop[r, d] = s
                        dest_walk[r, d] = egress_s[e]
                        dest_merged[r, d] = 0
        for j in range(n_ride):
            ride_flag[ride_list[j]] = 0
        for j in range(n_board):
            board_flag[board_list[j]] = 0
        for r in range(r_merged + 1, R + 1):
            for d in range(n_dest):
                if dest_arr[r - 1, d] < dest_arr[r, d]:
                    dest_arr[r, d] = dest_arr[r - 1, d]
                    dest_dep[r, d] = dest_dep[r - 1, d]
                    dest_merged[r, d] = 1
        # Trace the labels improved at this minute.
        for r in range(R + 1):
            for d in range(n_dest):
                if dest_arr[r, d] < UNREACHED and dest_dep[r, d] == dep:
                    if dest_merged[r, d] == 1:
                        dest_j[r, d] = dest_j[r - 1, d]
                        continue
                    m = _trace(
                        d, r, dep, dest_stop, dest_walk, ride_arr, board_arr, ride_pat,
                        ride_trip, ride_board, ride_alight, board_from, board_walk,
                        pattern_stop_ptr, pattern_stops, trip_time_ptr, arrival, departure, tmp,
                    )  # fmt: skip
                    journeys = _grow_rows(journeys, n_j, n_j + 1)
                    legs = _grow_rows(legs, n_l, n_l + m)
                    for i in range(m):
                        legs[n_l + i] = tmp[m - 1 - i]
                    journeys[n_j, 0] = d
                    journeys[n_j, 1] = k
                    journeys[n_j, 2] = n_l
                    journeys[n_j, 3] = m
                    journeys[n_j, 4] = dest_arr[r, d]
                    dest_j[r, d] = n_j
                    n_j += 1
                    n_l += m
            for d in range(n_dest):
                label_journey[k, d, r] = dest_j[r, d]
    return journeys[:n_j].copy(), legs[:n_l].copy(), label_journey
