"""The on-disk cache of built networks: where it lives, what invalidates it, its plain format.

A cached network is a folder ``network-<key>/`` written atomically
(:func:`accessibility.io.atomic_dir`):

* ``arrays.npz``: every numpy array (street graph, stop snaps, transfers, the
  feed's trip row offsets), read back with ``allow_pickle=False``;
* ``<table>.arrow``: every table (the feed's tables, the boarding stops) in
  Arrow IPC (Feather) format;
* ``meta.json``: the format version, the key, the scalar fields and the
  SHA-256 of every file above.

The bicycle network of the same OSM file (built the first time a request
cycles) is a sibling entry ``bicycle-<key>/`` in the same format
(:func:`save_bicycle`, :func:`load_bicycle`): its street graph, its directed
edges (forward and reversed, with the pushed-segment flags) and the stops
snapped to it. Its key adds :data:`~accessibility.streets.cycling_rules.CYCLING_RULES_VERSION`.

Nothing in it can run code when loaded (no pickle). :func:`load_state`
checks the checksums, the dtypes and the structure (CSR pointers start at 0,
never decrease and end at the number of entries; every index is in range;
distances are finite and not negative) before any numba kernel sees the
arrays, and returns None (with a warning naming the problem) for a cache that
fails any check, so the caller rebuilds it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from accessibility.config import default_cache_dir
from accessibility.gtfs import GtfsFeed
from accessibility.io import atomic_dir
from accessibility.streets import BicycleNetwork, SnapResult, StreetNetwork

__all__ = ["code_fingerprint", "default_cache_dir", "file_fingerprint", "load_bicycle",
           "load_state", "save_bicycle", "save_state"]

log = logging.getLogger(__name__)

#: Bump when the cached content changes shape.
CACHE_FORMAT = 2

_ARRAYS = "arrays.npz"
_META = "meta.json"
_FEED_TABLES = ("agency", "stops", "routes", "trips", "stop_times", "calendar",
                "calendar_dates", "frequencies", "transfers")
_STREET_DTYPES = {"osm_node_ids": np.int64, "lat": np.float64, "lon": np.float64,
                  "x": np.float64, "y": np.float64, "indptr": np.int64, "indices": np.int32,
                  "length_m": np.float64}
_SNAP_DTYPES = {"node_a": np.int32, "node_b": np.int32, "dist_a_m": np.float64,
                "dist_b_m": np.float64, "offset_m": np.float64, "ok": np.bool_}
_BIKE_EDGE_DTYPES = {"indptr": np.int64, "indices": np.int32, "length_m": np.float64,
                     "dismount": np.bool_, "rev_indptr": np.int64, "rev_indices": np.int32,
                     "rev_length_m": np.float64, "rev_dismount": np.bool_}
_TRANSFER_DTYPES = {"transfer_ptr": np.int64, "transfer_to": np.int32, "transfer_m": np.float64}

_HASH_BYTES = 1 << 20


def file_fingerprint(path: Path) -> str:
    """Resolved path, size, modification time and a hash of the first and last MiB."""
    path = Path(path).resolve()
    if path.is_dir():
        parts = [file_fingerprint(p) for p in sorted(path.iterdir()) if p.is_file()]
        return f"{path}:dir:" + hashlib.sha256("|".join(parts).encode()).hexdigest()
    stat = path.stat()
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        digest.update(fh.read(_HASH_BYTES))
        if stat.st_size > _HASH_BYTES:
            fh.seek(max(stat.st_size - _HASH_BYTES, _HASH_BYTES))
            digest.update(fh.read(_HASH_BYTES))
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}:{digest.hexdigest()}"


def code_fingerprint() -> str:
    """Hash of the modules whose objects the cache holds (a code change rebuilds)."""
    package = Path(__file__).resolve().parents[1]
    files = sorted(
        [package / "routing" / "network.py", package / "routing" / "cache.py",
         *(package / "streets").glob("*.py"), *(package / "gtfs").glob("*.py")]
    )  # fmt: skip
    digest = hashlib.sha256()
    for f in files:
        if f.is_file():
            digest.update(f.read_bytes())
    return digest.hexdigest()


class CacheProblem(Exception):
    """A cached network that must not be used (the message says why)."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_table(frame: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.feather as feather

    feather.write_feather(pa.Table.from_pandas(frame), path, compression="uncompressed")


def _read_table(path: Path) -> pd.DataFrame:
    import pyarrow.feather as feather

    return feather.read_table(path).to_pandas()


def save_state(folder: Path, key: str, state: dict) -> None:
    """Write a built network (the ``state`` of :class:`TransportNetwork`) to ``folder``.

    Parameters
    ----------
    folder : Path
        The cache entry ``network-<key>``; written atomically.
    key : str
        The cache key (recorded and checked on load).
    state : dict
        ``streets`` (StreetNetwork), ``feed`` (GtfsFeed), ``stops`` (DataFrame),
        ``stop_snap`` (SnapResult) and the ``transfer_*`` arrays.
    """
    streets: StreetNetwork = state["streets"]
    snap: SnapResult = state["stop_snap"]
    feed: GtfsFeed = state["feed"]
    arrays = {f"streets.{name}": getattr(streets, name) for name in _STREET_DTYPES}
    arrays |= {f"stop_snap.{name}": getattr(snap, name) for name in _SNAP_DTYPES}
    arrays |= {name: state[name] for name in _TRANSFER_DTYPES}
    arrays["feed.trip_row_ptr"] = feed.trip_row_ptr
    tables = {f"feed.{name}": getattr(feed, name) for name in _FEED_TABLES}
    tables["stops"] = state["stops"]
    with atomic_dir(folder) as tmp:
        np.savez(tmp / _ARRAYS, **arrays)
        for name, frame in tables.items():
            _write_table(frame, tmp / f"{name}.arrow")
        files = [_ARRAYS, *(f"{name}.arrow" for name in tables)]
        meta = {
            "format": CACHE_FORMAT, "key": key,
            "streets.crs": streets.crs, "stop_snap.max_distance_m": snap.max_distance_m,
            "feed.feed_ids": list(feed.feed_ids), "feed.paths": [str(p) for p in feed.paths],
            "feed.stats": feed.stats, "feed.problems": list(feed.problems),
            "sha256": {name: _sha256(tmp / name) for name in files},
        }
        (tmp / _META).write_text(json.dumps(meta, indent=1), encoding="utf-8")


def load_state(folder: Path, key: str) -> dict | None:
    """Read and check a cached network; None (with a warning) when it is absent or bad."""
    if not folder.is_dir():
        return None
    try:
        state = _load_checked(folder, key)
    except CacheProblem as exc:
        log.warning("the network cache %s cannot be used (%s); building the network again",
                    folder, exc)
        return None
    log.info("network loaded from cache %s", folder)
    return state


def _load_checked(folder: Path, key: str) -> dict:
    try:
        meta = json.loads((folder / _META).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CacheProblem(f"unreadable {_META}: {exc}") from None
    if not isinstance(meta, dict) or meta.get("format") != CACHE_FORMAT or meta.get("key") != key:
        raise CacheProblem("written by another version or for other inputs")
    sums = meta.get("sha256")
    if not isinstance(sums, dict) or _ARRAYS not in sums:
        raise CacheProblem(f"{_META} lists no checksums")
    for name, expected in sums.items():
        path = folder / name
        if Path(name).name != name or not path.is_file():
            raise CacheProblem(f"{name} is missing")
        if _sha256(path) != expected:
            raise CacheProblem(f"{name} does not match its checksum (the file was changed or "
                               "damaged)")
    try:
        with np.load(folder / _ARRAYS, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        tables = {name[:-len(".arrow")]: _read_table(folder / name)
                  for name in sums if name.endswith(".arrow")}
        streets = StreetNetwork(crs=str(meta["streets.crs"]), **{
            name: _array(arrays, f"streets.{name}", dtype) for name, dtype in _STREET_DTYPES.items()})
        snap = SnapResult(max_distance_m=float(meta["stop_snap.max_distance_m"]), **{
            name: _array(arrays, f"stop_snap.{name}", dtype) for name, dtype in _SNAP_DTYPES.items()})
        feed = GtfsFeed(
            feed_ids=[str(f) for f in meta["feed.feed_ids"]],
            paths=[Path(p) for p in meta["feed.paths"]],
            trip_row_ptr=_array(arrays, "feed.trip_row_ptr", np.int64),
            stats=dict(meta["feed.stats"]), problems=[str(p) for p in meta["feed.problems"]],
            **{name: tables[f"feed.{name}"] for name in _FEED_TABLES})
        state = {"streets": streets, "feed": feed, "stops": tables["stops"], "stop_snap": snap,
                 **{name: _array(arrays, name, dtype) for name, dtype in _TRANSFER_DTYPES.items()}}
    except CacheProblem:
        raise
    except Exception as exc:  # numpy, pyarrow and dataclasses raise many types for bad files
        raise CacheProblem(f"unreadable content ({type(exc).__name__}: {exc})") from None
    check_structure(state)
    return state


def _array(arrays: dict[str, np.ndarray], name: str, dtype: type) -> np.ndarray:
    if name not in arrays:
        raise CacheProblem(f"array {name} is missing")
    value = arrays[name]
    if value.dtype != np.dtype(dtype) or value.ndim != 1:
        raise CacheProblem(f"array {name} has dtype {value.dtype} and {value.ndim} dimension(s), "
                           f"expected one dimension of {np.dtype(dtype)}")
    return value


def _check_csr(ptr: np.ndarray, index: np.ndarray, n_rows: int, n_cols: int, what: str) -> None:
    if len(ptr) != n_rows + 1 or ptr[0] != 0 or ptr[-1] != len(index):
        raise CacheProblem(f"{what}: row pointers do not span the {len(index)} entries")
    if (np.diff(ptr) < 0).any():
        raise CacheProblem(f"{what}: row pointers decrease")
    if len(index) and (index.min() < 0 or index.max() >= n_cols):
        raise CacheProblem(f"{what}: an index lies outside 0..{n_cols - 1}")


def _check_lengths(values: np.ndarray, what: str) -> None:
    if not np.isfinite(values).all() or (values < 0).any():
        raise CacheProblem(f"{what}: a distance is negative or not finite")


def check_structure(state: dict) -> None:
    """Raise :class:`CacheProblem` unless the arrays of a network state are consistent.

    Checks what the numba kernels rely on: CSR row pointers that start at 0,
    never decrease and end at the number of entries, indices in range,
    distances finite and not negative, one entry per node or stop.
    """
    streets: StreetNetwork = state["streets"]
    n_nodes = streets.n_nodes
    for name in ("lat", "lon", "x", "y"):
        values = getattr(streets, name)
        if len(values) != n_nodes or not np.isfinite(values).all():
            raise CacheProblem(f"street node coordinates {name} are incomplete or not finite")
    _check_csr(streets.indptr, streets.indices, n_nodes, n_nodes, "street graph")
    if len(streets.length_m) != len(streets.indices):
        raise CacheProblem("street graph: edge lengths do not match the edges")
    _check_lengths(streets.length_m, "street graph")
    snap: SnapResult = state["stop_snap"]
    n_stops = len(state["stops"])
    for name in _SNAP_DTYPES:
        if len(getattr(snap, name)) != n_stops:
            raise CacheProblem(f"stop snaps: {name} does not have one entry per stop")
    for nodes in (snap.node_a, snap.node_b):
        if n_stops and (nodes.min() < 0 or nodes.max() >= max(n_nodes, 1)):
            raise CacheProblem("stop snaps: a street node index is out of range")
    for name in ("dist_a_m", "dist_b_m", "offset_m"):
        _check_lengths(getattr(snap, name), f"stop snaps {name}")
    _check_csr(state["transfer_ptr"], state["transfer_to"], n_stops, n_stops, "transfers")
    if len(state["transfer_m"]) != len(state["transfer_to"]):
        raise CacheProblem("transfers: distances do not match the transfers")
    _check_lengths(state["transfer_m"], "transfers")
    feed: GtfsFeed = state["feed"]
    ptr = feed.trip_row_ptr
    if (len(ptr) != len(feed.trips) + 1 or ptr[0] != 0 or ptr[-1] != len(feed.stop_times)
            or (np.diff(ptr) < 0).any()):
        raise CacheProblem("feed: trip row offsets do not span the stop times")
    stop_index = feed.stop_times["stop_index"].to_numpy()
    if len(stop_index) and (stop_index.min() < 0 or stop_index.max() >= n_stops):
        raise CacheProblem("feed: a stop time refers to a stop that does not exist")


# ---------------------------------------------------------------------------
# the bicycle network


def save_bicycle(folder: Path, key: str, bike: BicycleNetwork, stop_snap: SnapResult) -> None:
    """Write a bicycle network and the stops snapped to it to ``folder`` (atomically)."""
    arrays = {f"streets.{name}": getattr(bike.streets, name) for name in _STREET_DTYPES}
    arrays |= {f"edges.{name}": getattr(bike, name) for name in _BIKE_EDGE_DTYPES}
    arrays |= {f"stop_snap.{name}": getattr(stop_snap, name) for name in _SNAP_DTYPES}
    with atomic_dir(folder) as tmp:
        np.savez(tmp / _ARRAYS, **arrays)
        meta = {"format": CACHE_FORMAT, "key": key, "streets.crs": bike.streets.crs,
                "stop_snap.max_distance_m": stop_snap.max_distance_m,
                "sha256": {_ARRAYS: _sha256(tmp / _ARRAYS)}}
        (tmp / _META).write_text(json.dumps(meta, indent=1), encoding="utf-8")


def load_bicycle(folder: Path, key: str, n_stops: int) -> tuple[BicycleNetwork, SnapResult] | None:
    """Read and check a cached bicycle network; None (with a warning) when absent or bad."""
    if not folder.is_dir():
        return None
    try:
        meta = json.loads((folder / _META).read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or meta.get("format") != CACHE_FORMAT or meta.get("key") != key:
            raise CacheProblem("written by another version or for other inputs")
        if _sha256(folder / _ARRAYS) != meta["sha256"][_ARRAYS]:
            raise CacheProblem(f"{_ARRAYS} does not match its checksum")
        with np.load(folder / _ARRAYS, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        streets = StreetNetwork(crs=str(meta["streets.crs"]), **{
            name: _array(arrays, f"streets.{name}", dtype) for name, dtype in _STREET_DTYPES.items()})
        bike = BicycleNetwork(streets=streets, **{
            name: _array(arrays, f"edges.{name}", dtype) for name, dtype in _BIKE_EDGE_DTYPES.items()})
        snap = SnapResult(max_distance_m=float(meta["stop_snap.max_distance_m"]), **{
            name: _array(arrays, f"stop_snap.{name}", dtype) for name, dtype in _SNAP_DTYPES.items()})
        _check_bicycle(bike, snap, n_stops)
    except CacheProblem as exc:
        log.warning("the bicycle network cache %s cannot be used (%s); building it again",
                    folder, exc)
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("the bicycle network cache %s cannot be used (%s: %s); building it again",
                    folder, type(exc).__name__, exc)
        return None
    log.info("bicycle network loaded from cache %s", folder)
    return bike, snap


def _check_bicycle(bike: BicycleNetwork, snap: SnapResult, n_stops: int) -> None:
    """The checks of :func:`check_structure` for a bicycle network and its stop snaps."""
    streets = bike.streets
    n = streets.n_nodes
    _check_csr(streets.indptr, streets.indices, n, n, "bicycle street graph")
    _check_lengths(streets.length_m, "bicycle street graph")
    for prefix in ("", "rev_"):
        indices = getattr(bike, f"{prefix}indices")
        _check_csr(getattr(bike, f"{prefix}indptr"), indices, n, n, "bicycle edges")
        for name in ("length_m", "dismount"):
            if len(getattr(bike, f"{prefix}{name}")) != len(indices):
                raise CacheProblem(f"bicycle edges: {prefix}{name} does not match the edges")
        _check_lengths(getattr(bike, f"{prefix}length_m"), "bicycle edges")
    if len(bike.indices) != len(bike.rev_indices):
        raise CacheProblem("bicycle edges: the reversed edges are not the same edges")
    for name in _SNAP_DTYPES:
        if len(getattr(snap, name)) != n_stops:
            raise CacheProblem(f"bicycle stop snaps: {name} does not have one entry per stop")
    for nodes in (snap.node_a, snap.node_b):
        if n_stops and (nodes.min() < 0 or nodes.max() >= max(n, 1)):
            raise CacheProblem("bicycle stop snaps: a node index is out of range")
    for name in ("dist_a_m", "dist_b_m", "offset_m"):
        _check_lengths(getattr(snap, name), f"bicycle stop snaps {name}")
