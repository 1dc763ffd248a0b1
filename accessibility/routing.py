"""Travel-time matrices: origins x destinations over a departure window.

The public entry points are :class:`TravelTimeMatrix` (r5py's shape: a pandas
DataFrame ``from_id, to_id, travel_time``) and :func:`travel_time_arrays`
(raw numpy arrays for large destination sets such as isochrone grids).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from accessibility import raptor
from accessibility.timetable import Timetable


def walk_seconds(metres: np.ndarray, speed_walking_kmh: float) -> np.ndarray:
    """Walking times in whole seconds (rounded half up), int32.

    Parameters
    ----------
    metres : array of float
        Distances along the street network (m).
    speed_walking_kmh : float
        Walking speed (km/h).
    """
    speed_mps = speed_walking_kmh / 3.6
    return np.floor(np.asarray(metres, dtype=np.float64) / speed_mps + 0.5).astype(np.int32)


def combine_transfers(
    n_stops: int,
    walk_ptr: np.ndarray,
    walk_to: np.ndarray,
    walk_m: np.ndarray,
    speed_walking_kmh: float,
    timetable: Timetable,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Transfer times between stops: street walks combined with ``transfers.txt``.

    Rule: a stop pair with both a street walk and a ``transfers.txt`` minimum
    takes the larger of the two; a pair with only one of them takes that one
    (so a ``transfers.txt`` row also links stops farther apart than the
    transfer distance limit, or stops that could not be snapped). Staying at the
    same stop takes its ``transfers.txt`` minimum for ``(s, s)``, else 0 s. The
    60 s board slack applies on top of every transfer.

    Parameters
    ----------
    n_stops : int
    walk_ptr, walk_to, walk_m : numpy.ndarray
        Street-network walks between different stops as CSR rows (metres).
    speed_walking_kmh : float
    timetable : Timetable
        Its ``transfer_ptr / transfer_to / transfer_seconds`` (``transfers.txt``).

    Returns
    -------
    ptr : int64 array, shape (n_stops + 1,)
    to : int32 array
    seconds : int32 array
        Transfers between different stops as CSR rows.
    self_seconds : int32 array, shape (n_stops,)
        Minimum time to re-board at the same stop.
    """
    walk_from = np.repeat(np.arange(n_stops, dtype=np.int64), np.diff(walk_ptr))
    walk_sec = walk_seconds(walk_m, speed_walking_kmh).astype(np.int64)
    gtfs_from = np.repeat(np.arange(n_stops, dtype=np.int64), np.diff(timetable.transfer_ptr))
    gtfs_to = np.asarray(timetable.transfer_to, dtype=np.int64)
    gtfs_sec = np.asarray(timetable.transfer_seconds, dtype=np.int64)
    same = gtfs_from == gtfs_to
    self_seconds = np.zeros(n_stops, dtype=np.int64)
    np.maximum.at(self_seconds, gtfs_from[same], gtfs_sec[same])
    keep_walk = walk_from != np.asarray(walk_to, dtype=np.int64)
    frm = np.concatenate([walk_from[keep_walk], gtfs_from[~same]])
    to = np.concatenate([np.asarray(walk_to, dtype=np.int64)[keep_walk], gtfs_to[~same]])
    sec = np.concatenate([walk_sec[keep_walk], gtfs_sec[~same]])
    # Larger time per pair: sort by (from, to, -seconds) and keep the first of each pair.
    order = np.lexsort((-sec, to, frm))
    frm, to, sec = frm[order], to[order], sec[order]
    first = np.ones(len(frm), dtype=bool)
    first[1:] = (frm[1:] != frm[:-1]) | (to[1:] != to[:-1])
    frm, to, sec = frm[first], to[first], sec[first]
    ptr = np.zeros(n_stops + 1, dtype=np.int64)
    np.add.at(ptr, frm + 1, 1)
    return (
        np.cumsum(ptr),
        to.astype(np.int32),
        sec.astype(np.int32),
        self_seconds.astype(np.int32),
    )


def kernel_network(
    timetable: Timetable,
    transfers: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    pattern_mask: np.ndarray | None = None,
) -> tuple[np.ndarray, ...]:
    """The ``net`` tuple the RAPTOR kernels take.

    Parameters
    ----------
    timetable : Timetable
    transfers : tuple
        The result of :func:`combine_transfers`.
    pattern_mask : bool array, shape (n_patterns,), optional
        Patterns that may be used (all by default); used to restrict transit modes.
    """
    sp_ptr, sp_pattern, sp_pos = raptor.stop_pattern_index(
        np.ascontiguousarray(timetable.pattern_stop_ptr, dtype=np.int64),
        np.ascontiguousarray(timetable.pattern_stops, dtype=np.int32),
        timetable.n_stops,
    )
    if pattern_mask is not None:
        keep = np.asarray(pattern_mask, dtype=bool)[sp_pattern]
        counts = np.bincount(
            np.repeat(np.arange(timetable.n_stops), np.diff(sp_ptr))[keep],
            minlength=timetable.n_stops,
        )
        sp_ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        sp_pattern, sp_pos = sp_pattern[keep], sp_pos[keep]
    t_ptr, t_to, t_sec, self_sec = transfers
    return (
        np.ascontiguousarray(timetable.pattern_stop_ptr, dtype=np.int64),
        np.ascontiguousarray(timetable.pattern_stops, dtype=np.int32),
        np.ascontiguousarray(timetable.pattern_trip_ptr, dtype=np.int64),
        np.ascontiguousarray(timetable.trip_time_ptr, dtype=np.int64),
        np.ascontiguousarray(timetable.arrival, dtype=np.int32),
        np.ascontiguousarray(timetable.departure, dtype=np.int32),
        sp_ptr,
        sp_pattern,
        sp_pos,
        np.ascontiguousarray(t_ptr, dtype=np.int64),
        np.ascontiguousarray(t_to, dtype=np.int32),
        np.ascontiguousarray(t_sec, dtype=np.int32),
        np.ascontiguousarray(self_sec, dtype=np.int32),
    )


def csr_seconds(matrix: sp.csr_array | sp.csr_matrix) -> tuple[np.ndarray, ...]:
    """A CSR matrix of seconds as the ``(ptr, column, seconds)`` kernel tuple.

    Stored entries count, including explicit zeros (a point on a stop).
    """
    m = sp.csr_array(matrix)
    m.sort_indices()
    return (
        np.ascontiguousarray(m.indptr, dtype=np.int64),
        np.ascontiguousarray(m.indices, dtype=np.int32),
        np.ascontiguousarray(m.data, dtype=np.int32),
    )
