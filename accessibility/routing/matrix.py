"""Travel-time matrices: origins x destinations over a departure window (range-RAPTOR).

The public entry points are :class:`TravelTimeMatrix` (r5py's shape: a pandas
DataFrame ``from_id, to_id, travel_time``) and :func:`travel_time_arrays`
(raw numpy arrays for large destination sets such as isochrone grids). Both
take a :class:`~accessibility.routing.request.TravelRequest` (or its fields as
keyword arguments, as r5py does).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Sequence

import numba
import numpy as np
import pandas as pd

from accessibility.errors import InputError
from accessibility.routing import raptor
from accessibility.routing.bike_legs import snap_bike
from accessibility.routing.network import TransportNetwork
from accessibility.routing.points import as_points, coordinates_key
from accessibility.routing.request import TravelRequest
from accessibility.routing.street_legs import (
    add_bike_legs,
    bike_leg_targets,
    egress_seconds,
    empty_csr,
    leg_targets,
    origin_legs,
)
from accessibility.routing.transit import raptor_network
from accessibility.streets import snap_points

log = logging.getLogger(__name__)


@dataclasses.dataclass
class TravelTimes:
    """Raw result of :func:`travel_time_arrays`.

    Attributes
    ----------
    minutes : numpy.ndarray of float32, shape (n_origins, n_destinations, n_percentiles)
        Whole minutes (seconds floored, as R5); NaN where unreached within
        ``max_time``.
    origin_ids, destination_ids : numpy.ndarray
    percentiles : list of int
    parameters : dict
        Every routing parameter, for reporting.
    stats : dict
        Counts (unlinked points) and timings in seconds (``access_egress_s``,
        ``raptor_s``).
    """

    minutes: np.ndarray
    origin_ids: np.ndarray
    destination_ids: np.ndarray
    percentiles: list[int]
    parameters: dict
    stats: dict


def as_request(request: TravelRequest | None, fields: dict) -> TravelRequest:
    """The request given, or one built from r5py-style keyword arguments (not both)."""
    if request is None:
        if "departure" not in fields or fields["departure"] is None:
            raise InputError(
                "give departure=datetime(...): the first departure of the window, in the "
                "feeds' local time (a date on which the GTFS feeds run)"
            )
        unknown = set(fields) - {f.name for f in dataclasses.fields(TravelRequest)}
        if unknown:
            raise InputError(
                f"unknown routing parameter(s) {sorted(unknown)}; the parameters are "
                f"{[f.name for f in dataclasses.fields(TravelRequest)]}"
            )
        return TravelRequest(**fields)
    if not isinstance(request, TravelRequest):
        raise InputError(f"request must be a TravelRequest, got {type(request).__name__}")
    if fields:
        raise InputError(
            f"give either a TravelRequest or its parameters, not both ({sorted(fields)})"
        )
    return request


def travel_time_arrays(
    network: TransportNetwork,
    origins,
    destinations=None,
    request: TravelRequest | None = None,
    *,
    origins_per_batch: int = 256,
    progress: Callable[[int, int], None] | None = None,
    **request_fields,
) -> TravelTimes:
    """Travel times origins x destinations as numpy arrays (see :class:`TravelTimeMatrix`).

    Parameters
    ----------
    network : TransportNetwork
    origins, destinations : geopandas.GeoDataFrame
        Unique ``id`` column, point geometries, any CRS (destinations default
        to the origins).
    request : TravelRequest, optional
        Or its fields as keyword arguments (``departure=...``, ...).
    origins_per_batch : int, default 256
        Origins routed per kernel call: bounds the memory of access and
        walk-only distances; ``progress(done, total)`` is called after each.

    Memory: the result (origins x destinations x percentiles, float32), the
    egress table, the legs of one batch of origins and, per thread, one
    destinations x minutes buffer (int32).
    """
    t_start = time.perf_counter()
    q = as_request(request, request_fields)
    q.require_builtin_modes(cycling=True)
    origins_p = as_points(origins, "origins")
    dest_p = origins_p if destinations is None else as_points(destinations, "destinations")
    net = raptor_network(network, q)

    # Street side: snapping and egress once; access and walk-only per batch.
    t0 = time.perf_counter()
    o_snap = snap_points(network.streets, origins_p.lat, origins_p.lon, q.snap_distance_m)
    d_key = (coordinates_key(dest_p), q.snap_distance_m)
    d_snap = network.memo(
        ("snap", *d_key),
        lambda: snap_points(network.streets, dest_p.lat, dest_p.lon, q.snap_distance_m),
    )
    stats = {
        "origins": len(origins_p),
        "destinations": len(dest_p),
        "unlinked_origins": int((~o_snap.ok).sum()),
        "unlinked_destinations": int((~d_snap.ok).sum()),
    }
    for kind, snap_, pts in (("origins", o_snap, origins_p), ("destinations", d_snap, dest_p)):
        if (~snap_.ok).any():
            log.warning(
                "%d of %d %s lie farther than %g m from a walkable street and are unreachable "
                "(e.g. id %s)",
                int((~snap_.ok).sum()), len(pts), kind, q.snap_distance_m,
                pts.ids[~snap_.ok][0],
            )  # fmt: skip
    egress = egress_seconds(network, d_snap, d_key, q)
    targets = leg_targets(network, origins_p.lat, origins_p.lon, d_snap, dest_p.lat, dest_p.lon,
                          with_stops=bool(q.transit_modes))
    if q.uses_bicycle:
        o_bike = snap_bike(network, origins_p.lat, origins_p.lon, q)
        d_bike = network.memo(("bike_snap", *d_key),
                              lambda: snap_bike(network, dest_p.lat, dest_p.lon, q))
        bike_targets = bike_leg_targets(network, q, d_bike)
    access_egress_s = time.perf_counter() - t0
    raptor_s = 0.0

    n_orig, n_dest = len(origins_p), len(dest_p)
    out = np.full((n_orig, n_dest, len(q.percentiles)), np.nan, dtype=np.float32)
    pct_arr = np.array(q.percentiles, dtype=np.float64)
    params = (q.departure_seconds, q.n_minutes, q.rides, q.max_time_seconds,
              raptor.BOARD_SLACK_SECONDS, q.wait_at_origin)  # fmt: skip
    n_threads = numba.get_num_threads()
    batch = max(1, int(origins_per_batch))
    for lo in range(0, n_orig, batch):
        hi = min(n_orig, lo + batch)
        t0 = time.perf_counter()
        if q.walk_direct or (q.transit_modes and q.walk_access):
            access, walk = origin_legs(network, q, o_snap, d_snap, lo, hi, targets)
        else:  # bike only: no walking search
            access, walk = empty_csr(hi - lo), empty_csr(hi - lo)
        if q.uses_bicycle:
            access, walk = add_bike_legs(network, q, o_bike, lo, hi, bike_targets, targets,
                                         (access, walk))
        access_egress_s += time.perf_counter() - t0
        t0 = time.perf_counter()
        seconds = raptor.travel_time_percentiles(
            net, access, walk, egress, n_dest, params, pct_arr, max(n_threads, hi - lo)
        )
        raptor_s += time.perf_counter() - t0
        reached = seconds < raptor.UNREACHED
        block = out[lo:hi]
        block[reached] = (seconds[reached] // 60).astype(np.float32)
        if progress is not None:
            progress(hi, n_orig)
    stats.update(
        access_egress_s=access_egress_s,
        raptor_s=raptor_s,
        total_s=time.perf_counter() - t_start,
    )
    return TravelTimes(
        minutes=out,
        origin_ids=origins_p.ids,
        destination_ids=dest_p.ids,
        percentiles=list(q.percentiles),
        parameters={**q.parameters(), "transfer_max_m": network.transfer_max_distance_m,
                    "engine": "builtin"},
        stats=stats,
    )


def percentile_columns(percentiles: Sequence[int]) -> list[str]:
    """``["travel_time"]`` for one percentile, else ``["travel_time_p25", ...]`` (as r5py)."""
    if len(percentiles) == 1:
        return ["travel_time"]
    return [f"travel_time_p{int(p)}" for p in percentiles]


def travel_times_frame(result: TravelTimes) -> pd.DataFrame:
    """Long table ``from_id, to_id, travel_time...`` (nullable Int64 minutes) of a result."""
    n_o, n_d, _ = result.minutes.shape
    frame = pd.DataFrame(
        {
            "from_id": np.repeat(result.origin_ids, n_d),
            "to_id": np.tile(result.destination_ids, n_o),
        }
    )
    for i, col in enumerate(percentile_columns(result.percentiles)):
        values = result.minutes[:, :, i].reshape(-1)
        missing = np.isnan(values)
        frame[col] = pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)
    return frame


class TravelTimeMatrix(pd.DataFrame):
    """Travel times between origins and destinations, as r5py's ``TravelTimeMatrix``.

    A pandas DataFrame with columns ``from_id``, ``to_id`` and ``travel_time``
    (whole minutes, nullable ``Int64``; missing where the destination is not
    reached within ``max_time``). With several percentiles the columns are
    ``travel_time_p25``, ``travel_time_p50``, ... Every origin-destination pair
    has a row. The parameters used are in ``.attrs["parameters"]``, counts
    and timings in ``.attrs["stats"]``.

    Parameters
    ----------
    transport_network : accessibility.routing.TransportNetwork
    origins : geopandas.GeoDataFrame
        Unique ``id`` column, point geometries, any CRS.
    destinations : geopandas.GeoDataFrame, optional
        Default: the origins.
    request : TravelRequest, optional
        Every routing parameter; or give them as keyword arguments, as in
        r5py (``departure=...``, ``departure_time_window=...``,
        ``percentiles=...``, ``max_time=...``, ``max_time_walking=...``,
        ``speed_walking=...``, ``max_public_transport_rides=...``,
        ``transport_modes=...``, ``wait_at_origin=...``,
        ``snap_distance_m=...``, ``max_egress_distance_m=...``; see
        :class:`~accessibility.routing.request.TravelRequest`). ``departure``
        must be given (r5py defaults to now; here results are reproducible).
    engine : {"builtin", "r5py"}, default "builtin"
        ``"r5py"`` needs the r5py package and Java 21 (see
        :mod:`accessibility.routing.r5py_engine`).
    origins_per_batch, progress
        Built-in engine only (see :func:`travel_time_arrays`).

    Notes
    -----
    Deviations from r5py/R5: boarding always needs 60 s at the stop (R5's
    board slack) and transfers use street distances within 1000 m plus
    ``transfers.txt`` minimum times (R5 ignores ``transfers.txt``); travel times
    are floored to whole minutes as R5 does; points at identical coordinates
    are 0 minutes apart; frequency-based trips are expanded to scheduled trips
    by :mod:`accessibility.gtfs` (R5 draws random offsets instead). Only the
    service of the departure date is searched (with its trips past midnight
    and the previous day's trips running after midnight): a window or trip
    reaching into the next service day does not see that day's trips.
    Origins and destinations farther than ``snap_distance_m`` from a walkable
    street are unreachable; they are counted in ``.attrs["stats"]`` and logged.
    """

    _metadata = []

    def __init__(
        self,
        transport_network: TransportNetwork,
        origins=None,
        destinations=None,
        request: TravelRequest | None = None,
        engine: str = "builtin",
        origins_per_batch: int = 256,
        progress: Callable[[int, int], None] | None = None,
        **request_fields,
    ) -> None:
        q = as_request(request, request_fields)
        if engine == "builtin":
            result = travel_time_arrays(transport_network, origins, destinations, q,
                                        origins_per_batch=origins_per_batch, progress=progress)
            frame = travel_times_frame(result)
            attrs = {"parameters": result.parameters, "stats": result.stats}
        elif engine == "r5py":
            from accessibility.routing import r5py_engine

            as_points(origins, "origins")
            if destinations is not None:
                as_points(destinations, "destinations")
            frame = r5py_engine.travel_time_matrix(
                transport_network, origins, origins if destinations is None else destinations, q)
            attrs = {"parameters": {**q.parameters(), "engine": "r5py"}, "stats": {}}
        else:
            raise InputError(f"unknown engine {engine!r}; use 'builtin' or 'r5py'")
        super().__init__(frame)
        self.attrs.update(attrs)

    @property
    def _constructor(self):
        return pd.DataFrame
