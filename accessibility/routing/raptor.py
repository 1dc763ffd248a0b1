"""Range-RAPTOR kernels compiled with numba: arrays in, arrays out.

The kernels know nothing about files, GeoDataFrames or clock times: they take
the flat arrays of a :class:`accessibility.gtfs.Timetable` plus
precomputed walking legs (all in integer seconds) and return travel times in
integer seconds. :mod:`accessibility.routing` prepares the inputs.

Model (follows Conveyal R5's ``FastRaptorWorker``)
--------------------------------------------------
* A trip from an origin is: walk to a stop (*access*), then up to
  ``max_rides`` rides, with exactly one walk (*transfer*) between two rides,
  then a walk from the last alighting stop to the destination (*egress*).
  A walk-only trip (origin straight to destination) is always a candidate.
* Boarding requires ``arrival at the stop + board_slack_s <= departure`` of
  the vehicle (R5's ``BOARD_SLACK_SECONDS`` = 60), also at the first boarding.
* A trip is boarded only where its pickup is allowed and left only where its
  drop-off is allowed (GTFS ``pickup_type`` / ``drop_off_type`` 1 forbids it).
  The kernels see this in their inputs: the stop -> pattern index holds only
  visits that allow pickup, and ``arrival`` is ``UNREACHED`` where drop-off is
  forbidden (see :func:`accessibility.routing.transit.kernel_network`).
* A transfer from stop ``a`` to stop ``b`` takes ``transfer_s`` seconds (a CSR
  row per from-stop, ``a != b``); staying at ``a`` takes ``self_transfer_s[a]``
  seconds (0 unless ``transfers.txt`` sets a minimum for ``(a, a)``; longer
  than any trip where it forbids changing there).
* Departure minutes are ``dep_start_s + 60 * k`` for ``k = 0 .. n_minutes-1``.
  They are searched from the latest to the earliest and every label of minute
  ``k + 1`` is kept as an upper bound for minute ``k`` (range-RAPTOR): leaving
  earlier one can always wait. The arrival at a destination for minute ``k`` is
  therefore the earliest arrival over all departures at or after minute ``k``.
* Travel time at minute ``k`` is ``arrival - departure``. With
  ``wait_at_origin`` (R5's and r5py's meaning) the departure is minute ``k``
  itself; without it the departure is the latest minute ``>= k`` of the window
  that still reaches the same arrival (the *planned departure*, r5py issue
  #511). Times above ``max_time_s`` count as unreached.
* Percentiles over the minutes of the window use R5's nearest-rank rule: the
  value of zero-based rank ``ceil(p / 100 * n_minutes) - 1`` among the travel
  times of one destination sorted ascending (unreached last).

Labels (per round ``k`` = number of rides, ``0 .. max_rides``)
-------------------------------------------------------------
``ride_arr[k, s]``  earliest arrival at ``s`` by vehicle with at most ``k`` rides;
``board_arr[k, s]`` earliest time at which one stands at ``s`` ready to board,
with at most ``k`` rides behind (after the transfer walk). Both are carried
over from later minutes, so each round keeps its own array (pruning with the
best label over all rounds would be wrong with a ride limit).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

#: Label of an unreached stop or destination (seconds). Large enough to stay
#: unreached after adding any walking time, small enough not to overflow int32.
UNREACHED = np.int32(2**30)

#: R5's minimum wait between arriving at a stop and the departure of a vehicle
#: boarded there (``FastRaptorWorker.BOARD_SLACK_SECONDS``), in seconds.
BOARD_SLACK_SECONDS = 60


@njit(cache=True)
def stop_pattern_index(pattern_stop_ptr, pattern_stops, n_stops):
    """Invert the pattern -> stops lists into stop -> (pattern, position) lists.

    Parameters
    ----------
    pattern_stop_ptr : int64 array, shape (n_patterns + 1,)
    pattern_stops : int32 array
        Stops of every pattern, concatenated.
    n_stops : int

    Returns
    -------
    ptr : int64 array, shape (n_stops + 1,)
    pattern : int32 array
        Pattern of each visit, grouped by stop.
    position : int32 array
        Zero-based position of the stop within that pattern.
    """
    n_patterns = len(pattern_stop_ptr) - 1
    counts = np.zeros(n_stops + 1, dtype=np.int64)
    for i in range(len(pattern_stops)):
        counts[pattern_stops[i] + 1] += 1
    ptr = np.cumsum(counts)
    fill = ptr[:-1].copy()
    pattern = np.empty(len(pattern_stops), dtype=np.int32)
    position = np.empty(len(pattern_stops), dtype=np.int32)
    for p in range(n_patterns):
        start = pattern_stop_ptr[p]
        for i in range(pattern_stop_ptr[p + 1] - start):
            s = pattern_stops[start + i]
            pattern[fill[s]] = p
            position[fill[s]] = i
            fill[s] += 1
    return ptr, pattern, position


@njit(cache=True, inline="always")
def _merge_previous_round(labels, r, stop_list, n_listed, flag):
    """Carry the round ``r - 1`` labels of the listed stops into round ``r``.

    Labels mean "with at most r rides", so a better round ``r - 1`` label is
    also a round ``r`` label. Afterwards ``stop_list`` holds only the stops whose
    round ``r`` label improved (their ``flag`` 1; the other listed stops get
    ``flag`` 0); returns their number.
    """
    n_kept = 0
    for j in range(n_listed):
        s = stop_list[j]
        flag[s] = 0
        if labels[r - 1, s] < labels[r, s]:
            labels[r, s] = labels[r - 1, s]
            flag[s] = 1
            stop_list[n_kept] = s
            n_kept += 1
    return n_kept


@njit(cache=True)
def _search_origin(
    pattern_stop_ptr,
    pattern_stops,
    pattern_trip_ptr,
    trip_time_ptr,
    arrival,
    departure,
    sp_ptr,
    sp_pattern,
    sp_pos,
    transfer_ptr,
    transfer_to,
    transfer_s,
    self_transfer_s,
    acc_stop,
    acc_s,
    walk_dest,
    walk_s,
    egress_ptr,
    egress_dest,
    egress_s,
    dep_start_s,
    n_minutes,
    max_rides,
    max_time_s,
    board_slack_s,
    wait_at_origin,
    ride_arr,
    board_arr,
    dest_arr,
    dest_dep,
    tt,
    ride_flag,
    ride_list,
    board_flag,
    board_list,
    board_trip,
    pat_first,
    pat_list,
):
    """Range-RAPTOR for one origin; fills ``tt[d, k]`` (seconds, UNREACHED if none).

    All arrays after ``wait_at_origin`` are scratch buffers owned by the calling
    thread; they are reset here.
    """
    n_dest = dest_arr.shape[0]
    ride_arr[:, :] = UNREACHED
    board_arr[:, :] = UNREACHED
    dest_arr[:] = UNREACHED
    dest_dep[:] = 0
    pat_first[:] = -1
    for p in range(len(pattern_trip_ptr) - 1):
        board_trip[:, pattern_stop_ptr[p] : pattern_stop_ptr[p + 1]] = pattern_trip_ptr[p + 1]
    ride_flag[:] = 0
    board_flag[:] = 0
    for k in range(n_minutes - 1, -1, -1):
        dep = dep_start_s + 60 * k
        cutoff = dep + max_time_s
        # Round 0: access walks. Every access label improves (one minute earlier).
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
        n_ride = 0  # stops whose ride_arr improved in the previous round
        for r in range(1, max_rides + 1):
            if n_board == 0 and n_ride == 0:
                break
            # Merge round r-1 improvements into round r (labels mean "at most r rides").
            # ride_flag: 0 = not listed, 1 = improved by this merge, 2 = by this round's scan.
            n_merged = _merge_previous_round(ride_arr, r, ride_list, n_ride, ride_flag)
            # Patterns to scan: those through a stop whose board label got better
            # by the previous round's access or transfer walks (board_flag 2). A
            # label that only came in by merging (board_flag 1) was boarded from
            # in an earlier round already, and its rides were merged into this one.
            # board_trip[r-1, ps] is the first trip catchable at pattern stop ps
            # with the round r-1 label; labels only drop, so it only moves back
            # (amortised O(1)). A pattern is scanned from a stop only if the new
            # label catches a trip there that the previous one missed.
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
            # Route scan: board with board_arr[r-1], record ride_arr[r].
            n_ride = n_merged
            for jp in range(n_pat):
                p = pat_list[jp]
                first_pos = pat_first[p]
                pat_first[p] = -1
                s0 = pattern_stop_ptr[p]
                n_pos = pattern_stop_ptr[p + 1] - s0
                t0 = pattern_trip_ptr[p]
                t1 = pattern_trip_ptr[p + 1]
                cur = -1
                for i in range(first_pos, n_pos):
                    s = pattern_stops[s0 + i]
                    if cur >= 0:
                        a = arrival[trip_time_ptr[cur] + i]
                        if a < ride_arr[r, s] and a <= cutoff:
                            ride_arr[r, s] = a
                            if ride_flag[s] == 0:
                                ride_list[n_ride] = s
                                n_ride += 1
                            ride_flag[s] = 2
                    # Board only where the label is new this round: an older label
                    # was boarded from when it was set, and what that gave is kept.
                    if board_flag[s] == 2:
                        cand = board_trip[r - 1, s0 + i]
                        if cand < t1 and (cur < 0 or cand < cur):
                            cur = cand
            # Merge board labels of round r-1 into round r, then transfers.
            # board_flag: 0 = not listed, 1 = improved by this merge, 2 = by a walk.
            n_board = _merge_previous_round(board_arr, r, board_list, n_board, board_flag)
            # Transfers from stops reached by this round's rides (merged labels
            # already had theirs in the previous round).
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
                    for e in range(transfer_ptr[s], transfer_ptr[s + 1]):
                        s2 = transfer_to[e]
                        t = a + transfer_s[e]
                        if t < board_arr[r, s2] and t <= cutoff:
                            if board_flag[s2] == 0:
                                board_list[n_board] = s2
                                n_board += 1
                            board_arr[r, s2] = t
                            board_flag[s2] = 2
            if r == max_rides:
                # Egress from stops whose final ride label improved this minute.
                for j in range(n_ride):
                    s = ride_list[j]
                    a = ride_arr[r, s]
                    for e in range(egress_ptr[s], egress_ptr[s + 1]):
                        d = egress_dest[e]
                        t = a + egress_s[e]
                        if t < dest_arr[d]:
                            dest_arr[d] = t
                            dest_dep[d] = dep
        for j in range(n_ride):
            ride_flag[ride_list[j]] = 0
        for j in range(n_board):
            board_flag[board_list[j]] = 0
        # Walk-only trips.
        for j in range(len(walk_dest)):
            d = walk_dest[j]
            t = dep + walk_s[j]
            if t < dest_arr[d]:
                dest_arr[d] = t
                dest_dep[d] = dep
        for d in range(n_dest):
            a = dest_arr[d]
            if a >= UNREACHED:
                tt[d, k] = UNREACHED
            else:
                t = a - dep if wait_at_origin else a - dest_dep[d]
                tt[d, k] = t if t <= max_time_s else UNREACHED


@njit(cache=True)
def _percentile_indexes(n_minutes, percentiles):
    """Zero-based nearest-rank indexes ``ceil(p / 100 * n) - 1`` (clamped), as in R5."""
    idx = np.empty(len(percentiles), dtype=np.int64)
    for i in range(len(percentiles)):
        j = int(np.ceil(percentiles[i] / 100.0 * n_minutes)) - 1
        idx[i] = min(max(j, 0), n_minutes - 1)
    return idx


@njit(cache=True)
def select_rank(a, k):
    """The value of zero-based rank ``k`` in ``a`` (quickselect; reorders ``a`` in place).

    Average O(len(a)), against O(n log n) for a full sort; only the ranks of
    the requested percentiles are needed.
    """
    lo = 0
    hi = len(a) - 1
    while hi > lo:
        mid = (lo + hi) // 2
        if a[mid] < a[lo]:
            a[mid], a[lo] = a[lo], a[mid]
        if a[hi] < a[lo]:
            a[hi], a[lo] = a[lo], a[hi]
        if a[hi] < a[mid]:
            a[hi], a[mid] = a[mid], a[hi]
        pivot = a[mid]
        i = lo
        j = hi
        while i <= j:
            while a[i] < pivot:
                i += 1
            while a[j] > pivot:
                j -= 1
            if i <= j:
                a[i], a[j] = a[j], a[i]
                i += 1
                j -= 1
        # Now a[lo..j] <= pivot, a[i..hi] >= pivot, and a[j+1..i-1] == pivot.
        if k <= j:
            hi = j
        elif k >= i:
            lo = i
        else:
            return a[k]
    return a[k]


@njit(cache=True)
def _alloc_scratch(n_stops, n_patterns, n_pattern_stops, n_dest, n_minutes, max_rides):
    ride_arr = np.empty((max_rides + 1, n_stops), dtype=np.int32)
    board_arr = np.empty((max_rides + 1, n_stops), dtype=np.int32)
    dest_arr = np.empty(n_dest, dtype=np.int32)
    dest_dep = np.empty(n_dest, dtype=np.int32)
    tt = np.empty((n_dest, n_minutes), dtype=np.int32)
    ride_flag = np.zeros(n_stops, dtype=np.int8)
    ride_list = np.empty(n_stops, dtype=np.int32)
    board_flag = np.zeros(n_stops, dtype=np.int8)
    board_list = np.empty(n_stops, dtype=np.int32)
    board_trip = np.empty((max_rides + 1, n_pattern_stops), dtype=np.int32)
    pat_first = np.full(n_patterns, -1, dtype=np.int32)
    pat_list = np.empty(n_patterns, dtype=np.int32)
    return (
        ride_arr, board_arr, dest_arr, dest_dep, tt,
        ride_flag, ride_list, board_flag, board_list, board_trip, pat_first, pat_list,
    )  # fmt: skip


@njit(cache=True)
def _run_origin(net, o, access, walk, egress, n_dest, params, scratch):
    (pattern_stop_ptr, pattern_stops, pattern_trip_ptr, trip_time_ptr, arrival, departure,
     sp_ptr, sp_pattern, sp_pos, transfer_ptr, transfer_to, transfer_s, self_transfer_s) = net  # fmt: skip
    acc_ptr, acc_stop, acc_s = access
    walk_ptr, walk_dest, walk_s = walk
    egress_ptr, egress_dest, egress_s = egress
    dep_start_s, n_minutes, max_rides, max_time_s, board_slack_s, wait_at_origin = params
    (ride_arr, board_arr, dest_arr, dest_dep, tt,
     ride_flag, ride_list, board_flag, board_list, board_trip, pat_first, pat_list) = scratch  # fmt: skip
    a0, a1 = acc_ptr[o], acc_ptr[o + 1]
    w0, w1 = walk_ptr[o], walk_ptr[o + 1]
    _search_origin(
        pattern_stop_ptr, pattern_stops, pattern_trip_ptr, trip_time_ptr, arrival, departure,
        sp_ptr, sp_pattern, sp_pos, transfer_ptr, transfer_to, transfer_s, self_transfer_s,
        acc_stop[a0:a1], acc_s[a0:a1], walk_dest[w0:w1], walk_s[w0:w1],
        egress_ptr, egress_dest, egress_s,
        dep_start_s, n_minutes, max_rides, max_time_s, board_slack_s, wait_at_origin,
        ride_arr, board_arr, dest_arr, dest_dep, tt,
        ride_flag, ride_list, board_flag, board_list, board_trip, pat_first, pat_list,
    )  # fmt: skip
    return tt


@njit(cache=True)
def travel_times_per_minute(net, access, walk, egress, n_dest, params):
    """Travel time of every origin, destination and departure minute.

    Parameters
    ----------
    net : tuple of arrays
        ``(pattern_stop_ptr, pattern_stops, pattern_trip_ptr, trip_time_ptr,
        arrival, departure, sp_ptr, sp_pattern, sp_pos, transfer_ptr,
        transfer_to, transfer_s, self_transfer_s)``: the timetable arrays, the
        stop -> pattern index of :func:`stop_pattern_index` and the transfers
        (seconds, int32).
    access : tuple ``(ptr, stop, seconds)``
        CSR origin -> stops: access walking times (int32 seconds).
    walk : tuple ``(ptr, dest, seconds)``
        CSR origin -> destinations: walk-only times (int32 seconds).
    egress : tuple ``(ptr, dest, seconds)``
        CSR stop -> destinations: egress walking times (int32 seconds).
    n_dest : int
    params : tuple
        ``(dep_start_s, n_minutes, max_rides, max_time_s, board_slack_s,
        wait_at_origin)``; times in seconds since midnight of the timetable date.

    Returns
    -------
    int32 array, shape (n_origins, n_dest, n_minutes)
        Seconds; :data:`UNREACHED` where no trip arrives within ``max_time_s``.
        Memory grows with origins x destinations x minutes: meant for tests and
        small jobs; use :func:`travel_time_percentiles` otherwise.
    """
    n_orig = len(access[0]) - 1
    n_minutes = params[1]
    scratch = _alloc_scratch(
        len(net[6]) - 1, len(net[0]) - 1, len(net[1]), n_dest, n_minutes, params[2]
    )
    out = np.empty((n_orig, n_dest, n_minutes), dtype=np.int32)
    for o in range(n_orig):
        out[o] = _run_origin(net, o, access, walk, egress, n_dest, params, scratch)
    return out


@njit(parallel=True, cache=True)
def travel_time_percentiles(net, access, walk, egress, n_dest, params, percentiles, n_blocks):
    """Percentiles over the departure window of the travel times, in parallel.

    Parameters are those of :func:`travel_times_per_minute`, plus
    ``percentiles`` (float64 array, each in ``(0, 100]``) and ``n_blocks``: the
    origins are split into this many contiguous blocks, run in parallel
    (``prange``), each with its own label arrays.

    Returns
    -------
    int32 array, shape (n_origins, n_dest, n_percentiles)
        Seconds; :data:`UNREACHED` where the percentile is unreached. Rank rule:
        see the module docstring.
    """
    n_orig = len(access[0]) - 1
    n_minutes = params[1]
    max_time_s = params[3]
    n_pct = len(percentiles)
    idx = _percentile_indexes(n_minutes, percentiles)
    out = np.empty((n_orig, n_dest, n_pct), dtype=np.int32)
    n_blocks = max(1, min(n_blocks, n_orig))
    for b in prange(n_blocks):
        o0 = b * n_orig // n_blocks
        o1 = (b + 1) * n_orig // n_blocks
        scratch = _alloc_scratch(
            len(net[6]) - 1, len(net[0]) - 1, len(net[1]), n_dest, n_minutes, params[2]
        )
        buf = np.empty(n_minutes, dtype=np.int32)
        for o in range(o0, o1):
            tt = _run_origin(net, o, access, walk, egress, n_dest, params, scratch)
            for d in range(n_dest):
                row = tt[d]
                best = UNREACHED
                for k in range(n_minutes):
                    if row[k] < best:
                        best = row[k]
                if best >= UNREACHED:
                    for i in range(n_pct):
                        out[o, d, i] = UNREACHED
                    continue
                buf[:] = row
                for i in range(n_pct):
                    v = select_rank(buf, idx[i])
                    out[o, d, i] = v if v <= max_time_s else UNREACHED
    return out
