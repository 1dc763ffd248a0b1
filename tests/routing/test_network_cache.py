"""The network cache cannot run code or crash the kernels: plain files, checksums, CSR checks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_matrix import FEED, _osm_xml, _points

from accessibility.routing import TransportNetwork, TravelTimeMatrix
from accessibility.routing.cache import CacheProblem, check_structure

WHEN = dt.datetime(2019, 5, 14, 8, 0)
ORIGINS = _points([5.0, 5.02, 5.05], ["o1", "o2", "o3"])
DESTINATIONS = _points([5.1, 5.07], ["d1", "d2"])


@pytest.fixture()
def inputs(tmp_path: Path) -> tuple[Path, Path, Path]:
    osm = tmp_path / "street.osm"
    osm.write_text(_osm_xml())
    feed = tmp_path / "feed"
    feed.mkdir()
    for name, text in FEED.items():
        (feed / name).write_text(text)
    return osm, feed, tmp_path / "cache"


def _network(inputs) -> TransportNetwork:
    osm, feed, cache = inputs
    return TransportNetwork(osm, feed, cache_dir=cache, transfer_max_distance_m=5000.0)


def _times(network: TransportNetwork) -> list:
    ttm = TravelTimeMatrix(network, ORIGINS, DESTINATIONS, departure=WHEN)
    return ttm["travel_time"].tolist()


def _entry(cache: Path) -> Path:
    (entry,) = cache.glob("network-*")
    return entry


def _reseal(entry: Path) -> None:
    """Recompute the checksums after a change (as a bug or someone with write access could)."""
    meta = json.loads((entry / "meta.json").read_text())
    meta["sha256"] = {name: hashlib.sha256((entry / name).read_bytes()).hexdigest()
                      for name in meta["sha256"]}
    (entry / "meta.json").write_text(json.dumps(meta))


def _rewrite_arrays(entry: Path, change) -> None:
    with np.load(entry / "arrays.npz", allow_pickle=False) as npz:
        arrays = {k: npz[k].copy() for k in npz.files}
    change(arrays)
    np.savez(entry / "arrays.npz", **arrays)


def test_cache_holds_no_pickle_and_round_trips_exactly(inputs) -> None:
    built = _network(inputs)
    loaded = _network(inputs)
    assert not built.from_cache and loaded.from_cache
    entry = _entry(inputs[2])
    assert sorted(p.suffix for p in entry.iterdir()) == [".arrow"] * 10 + [".json", ".npz"]
    with np.load(entry / "arrays.npz", allow_pickle=False) as npz:  # no object arrays in it
        assert all(npz[k].dtype != object for k in npz.files)
    for name in ("stops", "trips", "stop_times", "calendar", "calendar_dates", "transfers"):
        pd.testing.assert_frame_equal(getattr(built.feed, name), getattr(loaded.feed, name))
    np.testing.assert_array_equal(built.streets.indptr, loaded.streets.indptr)
    np.testing.assert_array_equal(built.transfer_to, loaded.transfer_to)
    assert len(built.transfer_to) == 4 and _times(built) == _times(loaded)


def test_flipped_bytes_are_reported_and_rebuilt(inputs, caplog) -> None:
    expected = _times(_network(inputs))
    entry = _entry(inputs[2])
    data = bytearray((entry / "arrays.npz").read_bytes())
    for k in range(200, len(data), 97):
        data[k] ^= 0xFF
    (entry / "arrays.npz").write_bytes(bytes(data))
    with caplog.at_level("WARNING"):
        again = _network(inputs)
    assert not again.from_cache
    assert "arrays.npz does not match its checksum" in caplog.text
    assert _times(again) == expected
    assert _network(inputs).from_cache  # rewritten


@pytest.mark.parametrize("damage, reason", [
    (lambda a: a["streets.indices"].__setitem__(0, 10**6), "an index lies outside"),
    (lambda a: a["streets.indptr"].__setitem__(3, -5), "row pointers decrease"),
    (lambda a: a["transfer_ptr"].__setitem__(-1, 99), "do not span"),
    (lambda a: a["stop_snap.node_a"].__setitem__(0, -1), "street node index is out of range"),
    (lambda a: a["streets.length_m"].__setitem__(0, np.nan), "negative or not finite"),
    (lambda a: a.__setitem__("streets.indices", a["streets.indices"].astype(np.int64)),
     "has dtype int64"),
])
def test_structurally_bad_arrays_never_reach_the_kernels(inputs, caplog, damage, reason) -> None:
    expected = _times(_network(inputs))
    entry = _entry(inputs[2])
    _rewrite_arrays(entry, damage)
    _reseal(entry)  # checksums match: only the structural checks stand between it and numba
    with caplog.at_level("WARNING"):
        again = _network(inputs)
    assert not again.from_cache and reason in caplog.text
    assert _times(again) == expected


def test_a_pickle_in_the_cache_folder_is_never_loaded(inputs, tmp_path) -> None:
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    osm, feed, cache = inputs
    _network(inputs)
    key = _entry(cache).name.removeprefix("network-")
    cache.joinpath(f"network-{key}.pkl").write_bytes(pickle.dumps(Payload()))
    cache.joinpath(f".network-{key}.abc.tmp.pkl").write_bytes(b"half")
    assert _network(inputs).from_cache
    assert not marker.exists()
    TransportNetwork(osm, feed, cache_dir=cache)  # a build (other key) removes the old pickles
    assert not marker.exists() and not list(cache.glob("*.pkl")) and not list(cache.glob(".*.pkl"))


def test_check_structure_accepts_a_fresh_build(inputs) -> None:
    net = _network(inputs)
    state = {name: getattr(net, name) for name in
             ("streets", "feed", "stops", "stop_snap", "transfer_ptr", "transfer_to", "transfer_m")}
    check_structure(state)
    state["transfer_to"] = state["transfer_to"] + 10
    with pytest.raises(CacheProblem, match="transfers: an index lies outside"):
        check_structure(state)
