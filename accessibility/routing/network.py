"""TransportNetwork: the walking network, the GTFS feeds and the links between them.

Shaped like r5py's ``TransportNetwork(osm_pbf, gtfs)``. Building it reads the
OSM extract and the feeds, snaps every boarding stop to the street network and
computes walking transfers between stops; the result is cached on disk (keyed
on the input files and the parameters), so repeated runs load it in a moment.
Timetables are built per service date on demand and kept in memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from accessibility.errors import InputError
from accessibility.gtfs import GtfsFeed, Timetable, build_timetable, read_feeds, valid_stops
from accessibility.routing.cache import (
    CACHE_FORMAT,
    code_fingerprint,
    default_cache_dir,
    file_fingerprint,
    load_bicycle,
    load_state,
    save_bicycle,
    save_state,
)
from accessibility.streets import (
    BicycleNetwork,
    SnapResult,
    StreetNetwork,
    point_to_point_distances,
    read_bicycle_osm,
    read_osm,
    snap_points,
    subset_snap,
)
from accessibility.streets.cycling_rules import CYCLING_RULES_VERSION

log = logging.getLogger(__name__)

#: Walking transfers between stops are searched up to this street distance (m);
#: R5's ``TransferFinder`` uses the same default (``TRANSFER_DISTANCE_LIMIT``).
TRANSFER_DISTANCE_LIMIT_M = 1000.0

#: Stops farther than this from any walkable street (m) are not linked and
#: therefore unreachable; they are counted and logged.
STOP_SNAP_DISTANCE_M = 300.0


class TransportNetwork:
    """Streets + public transport + stop links, ready for routing.

    Parameters
    ----------
    osm_pbf : str or Path
        OpenStreetMap extract (``.osm.pbf``).
    gtfs : str, Path or sequence of them
        One or more GTFS feeds (``.zip`` or folders).
    max_snap_distance_m : float, default 300
        Stops farther from a walkable street are unreachable (counted and
        logged, see :attr:`unsnapped_stops`).
    transfer_max_distance_m : float, default 1000
        Longest walking transfer between two stops, along the streets (m), as
        R5's ``TRANSFER_DISTANCE_LIMIT``.
    cache_dir : str or Path, optional
        Where the built network is cached; default :func:`default_cache_dir`.
    use_cache : bool, default True
        Read and write the cache; ``False`` always builds.

    Attributes
    ----------
    streets : StreetNetwork
    feed : GtfsFeed
    stops : pandas.DataFrame
        Boarding stops (:func:`accessibility.gtfs.valid_stops`), row ``i`` is
        stop index ``i`` of every timetable.
    stop_snap : SnapResult
        Where each stop meets the street network (``ok`` False: not linked).
    transfer_ptr, transfer_to, transfer_m : numpy.ndarray
        Walking transfers between different linked stops as CSR rows: int64
        (n_stops + 1,), int32, float64 metres (street-network distance, at most
        ``transfer_max_distance_m``).
    build_seconds : float
        Time the build (or the cache load) took.
    from_cache : bool
    """

    def __init__(
        self,
        osm_pbf: str | Path,
        gtfs: str | Path | Sequence[str | Path],
        *,
        max_snap_distance_m: float = STOP_SNAP_DISTANCE_M,
        transfer_max_distance_m: float = TRANSFER_DISTANCE_LIMIT_M,
        cache_dir: str | Path | None = None,
        use_cache: bool = True,
    ) -> None:
        t0 = time.perf_counter()
        self.osm_pbf = Path(osm_pbf)
        gtfs_paths = [gtfs] if isinstance(gtfs, str | Path) else list(gtfs)
        self.gtfs_paths = [Path(p) for p in gtfs_paths]
        for value, name in (
            (max_snap_distance_m, "max_snap_distance_m"),
            (transfer_max_distance_m, "transfer_max_distance_m"),
        ):
            if not (np.isfinite(value) and value >= 0):
                raise InputError(f"{name} must be a finite number >= 0 (metres), got {value!r}")
        self.max_snap_distance_m = float(max_snap_distance_m)
        self.transfer_max_distance_m = float(transfer_max_distance_m)
        self._timetables: dict[dt.date, Timetable] = {}
        self._memo: OrderedDict[tuple, object] = OrderedDict()
        self._bicycle: tuple[BicycleNetwork, SnapResult] | None = None
        self._bicycle_entry: tuple[Path, str] | None = None
        entry = key = None
        if use_cache:
            folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
            key = self._cache_key()
            entry = folder / f"network-{key}"
            bike_key = hashlib.sha256(
                f"{key}\ncycling_rules={CYCLING_RULES_VERSION}".encode()).hexdigest()[:24]
            self._bicycle_entry = (folder / f"bicycle-{bike_key}", bike_key)
        state = load_state(entry, key) if entry is not None else None
        self.from_cache = state is not None
        if state is None:
            state = self._build()
            if entry is not None:
                self._save(entry, key, state)
        self.__dict__.update(state)
        self.build_seconds = time.perf_counter() - t0

    # -- construction ---------------------------------------------------------

    def _cache_key(self) -> str:
        for p in [self.osm_pbf, *self.gtfs_paths]:
            if not p.exists():
                # Let the readers raise their specific error (OsmError, GtfsError).
                return "missing-input"
        parts = [
            f"format={CACHE_FORMAT}",
            f"code={code_fingerprint()}",
            f"snap={self.max_snap_distance_m!r}",
            f"transfer={self.transfer_max_distance_m!r}",
            file_fingerprint(self.osm_pbf),
            *(file_fingerprint(p) for p in self.gtfs_paths),
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]

    def _build(self) -> dict:
        t0 = time.perf_counter()
        streets = read_osm(self.osm_pbf)
        feed = read_feeds(self.gtfs_paths)
        stops = valid_stops(feed)
        stop_snap = snap_points(
            streets,
            stops["stop_lat"].to_numpy(dtype=np.float64),
            stops["stop_lon"].to_numpy(dtype=np.float64),
            self.max_snap_distance_m,
        )
        n_bad = int((~stop_snap.ok).sum())
        if n_bad:
            examples = ", ".join(stops["stop_id"].to_numpy()[~stop_snap.ok][:5])
            log.warning(
                "%d of %d stops lie farther than %g m from a walkable street and are "
                "unreachable (e.g. %s); raise max_snap_distance_m or use a larger OSM extract",
                n_bad, len(stops), self.max_snap_distance_m, examples,
            )  # fmt: skip
        linked = np.flatnonzero(stop_snap.ok)
        sub = subset_snap(stop_snap, linked)
        between = sp.coo_array(
            point_to_point_distances(streets, sub, sub, self.transfer_max_distance_m)
        )
        frm, to = linked[between.row], linked[between.col]
        keep = frm != to
        transfers = sp.csr_array(
            (between.data[keep], (frm[keep], to[keep])), shape=(len(stops), len(stops))
        )
        transfers.sort_indices()
        log.info(
            "network built in %.1f s: %d street nodes, %d stops (%d unlinked), %d transfers "
            "within %g m",
            time.perf_counter() - t0, streets.n_nodes, len(stops), n_bad,
            transfers.nnz, self.transfer_max_distance_m,
        )  # fmt: skip
        return {
            "streets": streets,
            "feed": feed,
            "stops": stops,
            "stop_snap": stop_snap,
            "transfer_ptr": transfers.indptr.astype(np.int64),
            "transfer_to": transfers.indices.astype(np.int32),
            "transfer_m": transfers.data.astype(np.float64),
        }

    @staticmethod
    def _save(entry: Path, key: str, state: dict) -> None:
        try:
            save_state(entry, key, state)
        except (OSError, ValueError, TypeError) as exc:  # read-only folder, unusual table types
            log.warning("could not write the network cache %s (%s)", entry, exc)
        # The pickle cache of earlier versions is never read again: remove it and its leftovers.
        for legacy in [*entry.parent.glob("network-*.pkl"), *entry.parent.glob(".network-*.pkl")]:
            legacy.unlink(missing_ok=True)

    # -- queries --------------------------------------------------------------

    streets: StreetNetwork
    feed: GtfsFeed
    stops: pd.DataFrame
    stop_snap: SnapResult
    transfer_ptr: np.ndarray
    transfer_to: np.ndarray
    transfer_m: np.ndarray

    @property
    def n_stops(self) -> int:
        """Number of boarding stops."""
        return len(self.stops)

    @property
    def unsnapped_stops(self) -> pd.DataFrame:
        """Stops not linked to the street network (unreachable), with their offset (m)."""
        bad = ~self.stop_snap.ok
        return self.stops[bad].assign(offset_m=self.stop_snap.offset_m[bad])

    @property
    def bicycle(self) -> BicycleNetwork:
        """The bicycle network of the same OSM file (built, or read from the cache, on first use).

        See :mod:`accessibility.streets.cycling` and ``docs/cycling.md``.
        """
        return self._bicycle_state()[0]

    @property
    def bike_stop_snap(self) -> SnapResult:
        """Where each stop meets the bicycle network (``ok`` False: not linked)."""
        return self._bicycle_state()[1]

    def _bicycle_state(self) -> tuple[BicycleNetwork, SnapResult]:
        if self._bicycle is not None:
            return self._bicycle
        entry = self._bicycle_entry
        state = load_bicycle(entry[0], entry[1], self.n_stops) if entry is not None else None
        if state is None:
            t0 = time.perf_counter()
            bike = read_bicycle_osm(self.osm_pbf, crs=self.streets.crs)
            snap = snap_points(bike.streets, self.stops["stop_lat"].to_numpy(np.float64),
                               self.stops["stop_lon"].to_numpy(np.float64),
                               self.max_snap_distance_m)
            state = (bike, snap)
            log.info("bicycle network built in %.1f s: %d nodes, %d directed edges, %d of %d "
                     "stops linked", time.perf_counter() - t0, bike.n_nodes, bike.n_edges,
                     int(snap.ok.sum()), self.n_stops)
            if entry is not None:
                try:
                    save_bicycle(entry[0], entry[1], bike, snap)
                except (OSError, ValueError, TypeError) as exc:
                    log.warning("could not write the bicycle network cache %s (%s)",
                                entry[0], exc)
        self._bicycle = state
        return state

    def timetable(self, date: dt.date) -> Timetable:
        """The timetable of one service date (built once per date, then kept).

        Raises
        ------
        accessibility.errors.NoServiceError
            No trip runs on ``date``.
        """
        if isinstance(date, dt.datetime):
            date = date.date()
        if date not in self._timetables:
            self._timetables[date] = build_timetable(self.feed, date)
        return self._timetables[date]

    def memo(self, key: tuple, compute: Callable[[], object], size: int = 8) -> object:
        """``compute()``, kept for the last ``size`` keys (in memory, not on disk).

        Routing keeps derived tables here (snapped destinations, egress
        distances, kernel arrays) so that repeated queries with the same
        destinations skip them. ``key`` must name every input of ``compute``.
        """
        if key in self._memo:
            self._memo.move_to_end(key)
            return self._memo[key]
        value = compute()
        self._memo[key] = value
        while len(self._memo) > size:
            self._memo.popitem(last=False)
        return value

    def point_stop_distances(self, snap: SnapResult, max_distance_m: float) -> sp.csr_array:
        """Walking distances from points to stops, along the streets.

        Parameters
        ----------
        snap : SnapResult
            Points snapped with :func:`accessibility.streets.snap_points` on
            :attr:`streets`. Rows of points with ``ok`` False stay empty.
        max_distance_m : float
            Limit in metres; farther stops have no entry.

        Returns
        -------
        scipy.sparse.csr_array of float64, shape (n_points, n_stops)
            Metres; zero distances are explicit entries (use the sparsity
            structure, not ``> 0``). Unlinked stops have no entries.
        """
        linked = np.flatnonzero(self.stop_snap.ok)
        points = np.flatnonzero(snap.ok)
        dist = sp.coo_array(
            point_to_point_distances(
                self.streets,
                subset_snap(snap, points),
                subset_snap(self.stop_snap, linked),
                float(max_distance_m),
            )
        )
        out = sp.csr_array(
            (dist.data, (points[dist.row], linked[dist.col])), shape=(snap.n_points, self.n_stops)
        )
        out.sort_indices()
        return out

    def __repr__(self) -> str:
        return (
            f"TransportNetwork(osm_pbf={str(self.osm_pbf)!r}, gtfs={[str(p) for p in self.gtfs_paths]}, "
            f"{self.streets.n_nodes} street nodes, {self.n_stops} stops, "
            f"{len(self.transfer_to)} transfers)"
        )
