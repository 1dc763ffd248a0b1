"""Numba's on-disk cache of compiled kernels: in the user's cache folder, verified before use.

Numba caches compiled kernels (``cache=True``) next to the source by default,
which fails for a read-only install and, when a cache file is truncated or
corrupt, makes every later run end in ``Aborted.`` or an ``UnpicklingError``.
:func:`configure` (called by ``accessibility/__init__.py`` before any module
imports numba) therefore

* points numba at ``<cache>/numba`` (``$NUMBA_CACHE_DIR`` when the user set
  one; ``<cache>`` is :func:`accessibility.config.default_cache_dir`);
* checks every cache file against ``manifest.json``, the sizes and SHA-256
  recorded when the last process that used the cache exited; a file that
  changed since is corrupt: the entry is removed (numba recompiles it) with
  one warning. Files not yet in the manifest (just written by a process that
  still runs, or by one that was killed) are left alone: numba writes them
  to a temporary name first, so they are complete;
* records the manifest again when the process exits.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import re
import sys
from pathlib import Path

from accessibility.config import default_cache_dir
from accessibility.io import write_text_atomic

log = logging.getLogger(__name__)

ENV = "NUMBA_CACHE_DIR"
MANIFEST = "manifest.json"
_SUFFIXES = (".nbi", ".nbc")


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in _SUFFIXES and p.is_file())


def _entry(path: Path) -> tuple[Path, str]:
    """The function a cache file belongs to: ``mod.func-12.py311.nbi`` and ``.py311.3.nbc``."""
    return path.parent, re.sub(r"\.py\d+(\.\d+)?\.nb[ic]$", "", path.name)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_manifest(folder: Path) -> dict[str, list]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def heal(folder: Path) -> list[Path]:
    """Remove cache files that do not match the manifest; returns the corrupt ones.

    A corrupt entry (a file listed in the manifest whose size or SHA-256
    changed while it kept its inode: numba itself replaces a file by a new
    one, so a change in place is damage) is removed together with the other
    files of its function, with one warning; numba compiles it again on first use.
    """
    manifest = _read_manifest(folder)
    corrupt = []
    for path in _files(folder):
        record = manifest.get(path.relative_to(folder).as_posix())
        if not (isinstance(record, list) and len(record) == 4):
            continue
        stat = path.stat()
        if stat.st_ino == record[3] and (stat.st_size != record[0]
                                         or _digest(path) != record[2]):
            corrupt.append(path)
    entries = {_entry(p) for p in corrupt}
    for path in [p for p in _files(folder) if _entry(p) in entries]:
        path.unlink(missing_ok=True)
    if corrupt:
        log.warning("the numba cache in %s held %d corrupt file(s) (%s); they were removed and "
                    "the kernels are compiled again (this run takes longer)", folder,
                    len(corrupt), ", ".join(p.name for p in corrupt[:3]))
    return corrupt


def record(folder: Path) -> None:
    """Write the manifest of the cache files now in ``folder`` (size, mtime, SHA-256, inode)."""
    old = _read_manifest(folder)
    new: dict[str, list] = {}
    for path in _files(folder):
        rel = path.relative_to(folder).as_posix()
        stat = path.stat()
        previous = old.get(rel)
        if isinstance(previous, list) and len(previous) == 4 and previous[:2] == [
                stat.st_size, stat.st_mtime_ns] and previous[3] == stat.st_ino:
            new[rel] = previous
        else:
            new[rel] = [stat.st_size, stat.st_mtime_ns, _digest(path), stat.st_ino]
    if new != old:
        write_text_atomic(folder / MANIFEST, json.dumps(new, indent=0, sort_keys=True))


def _record_quietly(folder: Path) -> None:
    try:
        record(folder)
    except OSError as exc:  # a read-only or vanished cache folder
        log.debug("could not record the numba cache manifest in %s: %s", folder, exc)


def configure() -> Path | None:
    """Point numba's cache at the user's cache folder and heal it; returns the folder.

    Returns None when the folder cannot be created (numba then falls back to
    its own locations).
    """
    try:
        folder = Path(os.environ.get(ENV) or default_cache_dir() / "numba").expanduser()
        folder.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError) as exc:  # unwritable, or a "~user" that does not exist
        log.debug("no numba cache folder in the user cache (%s); numba uses its own", exc)
        return None
    os.environ[ENV] = str(folder)
    if "numba" in sys.modules:  # imported before us: numba read its settings already
        from numba.core import config

        config.CACHE_DIR = str(folder)
    try:
        heal(folder)
    except OSError as exc:
        log.warning("cannot check the numba cache in %s (%s)", folder, exc)
    atexit.register(_record_quietly, folder)
    return folder
