"""Atomic output: files and folders get their final name only when complete.

A crash, an error or a kill never leaves a half-written file or folder that
looks complete, and never removes an earlier output without putting the new
one in its place:

* :func:`atomic_path` writes to a hidden temporary file beside the target and
  renames it onto the target.
* :func:`atomic_dir` lets a job fill a hidden temporary folder; the finished
  folder is first renamed to a "done" name, then swapped with the earlier
  output under a lock. A run that was killed during the swap is completed (or
  rolled back) by the next run on the same target, which also removes
  temporary files and folders left by processes that no longer run.

Temporary names carry the host and process id of their owner
(``.<name>.<kind>~<host>~<pid>~<token>``), so two jobs at once never touch
each other's files and only leftovers of dead processes are cleaned up.
Folders are created with the user's umask (not the 0700 of
:func:`tempfile.mkdtemp`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

from accessibility.errors import AccessibilityError, InputError

log = logging.getLogger(__name__)

#: A lock on an output is given up after waiting this long (s).
LOCK_TIMEOUT_S = 120.0

#: Leftovers of another host are only removed when older than this (s).
FOREIGN_STALE_S = 7 * 24 * 3600.0

#: Leftovers of versions before 0.2 (no owner in their name) are removed after this (s).
LEGACY_STALE_S = 3600.0

_HOST = re.sub(r"[^A-Za-z0-9_.]", "_", socket.gethostname()) or "host"
_TAG_RE = re.compile(r"^\.(?P<name>.+)\.(?P<kind>tmp|new|done|old)~(?P<host>[A-Za-z0-9_.]+)"
                     r"~(?P<pid>\d+)~(?P<token>[0-9a-f]+)(?P<suffix>.*)$")


def _tagged(target: Path, kind: str, suffix: str = "") -> Path:
    """A hidden sibling of ``target`` owned by this process."""
    return target.with_name(
        f".{target.name}.{kind}~{_HOST}~{os.getpid()}~{secrets.token_hex(4)}{suffix}")


def _owner_alive(path: Path, host: str, pid: int) -> bool:
    """Whether the process that owns a temporary name may still be running."""
    if pid <= 0:
        return False
    if host != _HOST:
        try:
            return time.time() - path.lstat().st_mtime < FOREIGN_STALE_S
        except OSError:
            return False
    import psutil

    return pid == os.getpid() or psutil.pid_exists(pid)


def _siblings(target: Path, kinds: tuple[str, ...]) -> list[tuple[Path, str, bool]]:
    """Hidden siblings of ``target`` of the given kinds: (path, kind, owner alive)."""
    found = []
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return []
    for entry in entries:
        m = _TAG_RE.match(entry.name)
        if m and m["name"] == target.name and m["kind"] in kinds:
            found.append((entry, m["kind"], _owner_alive(entry, m["host"], int(m["pid"]))))
    return found


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def clean_stale(target: str | Path) -> list[Path]:
    """Remove temporary files and folders of ``target`` whose process no longer runs.

    Returns the removed paths. Leftovers of running processes (another job
    writing the same output right now) are left alone.
    """
    target = Path(target)
    removed = []
    for path, _kind, alive in _siblings(target, ("tmp", "new")):
        if not alive:
            _remove(path)
            removed.append(path)
    if removed:
        log.info("removed %d temporary file(s)/folder(s) of %s left by an interrupted run",
                 len(removed), target)
    return removed


def require_file_target(path: Path) -> None:
    """Raise :class:`InputError` when an output file name is an existing folder."""
    if path.is_dir():
        raise InputError(f"the output {path} is a folder; give a file name, e.g. "
                         f"{path / ('output' + (path.suffix or '.csv'))}")


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it onto ``path`` on success.

    The temporary file keeps the target's suffix, so writers that choose a
    format by extension (GeoPackage, PNG, CSV) work unchanged. On an exception
    the temporary file is removed and the target is left untouched; leftovers
    of killed earlier runs on the same target are removed first.

    Raises
    ------
    InputError
        ``path`` is an existing folder.
    """
    target = Path(path)
    require_file_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target)
    tmp = _tagged(target, "tmp", target.suffix)  # not created: GDAL refuses to overwrite a file
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            _remove(tmp)


def write_text_atomic(path: str | Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding=encoding)


@contextlib.contextmanager
def _output_lock(target: Path, timeout_s: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """An exclusive lock on swapping ``target``: the file ``.<name>.lock`` naming its owner.

    The lock of a process that no longer runs is broken.
    """
    lock = target.with_name(f".{target.name}.lock")
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except FileExistsError:
            owner = _lock_owner(lock)
            if owner is not None and not _owner_alive(lock, *owner):
                log.warning("removing the lock %s of a process that no longer runs", lock)
                lock.unlink(missing_ok=True)
                continue
            if time.monotonic() > deadline:
                raise AccessibilityError(
                    f"{target} is being written by another run (lock {lock}) for more than "
                    f"{timeout_s:.0f} s; wait for it to finish, or remove the lock file when "
                    "no other run is busy") from None
            time.sleep(0.05 + secrets.randbelow(50) / 1000)
            continue
        with os.fdopen(fd, "w") as fh:
            fh.write(f"{_HOST} {os.getpid()}\n")
        break
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)


def _lock_owner(lock: Path) -> tuple[str, int] | None:
    """(host, pid) written in a lock file; None while it is being written or unreadable."""
    try:
        host, pid = lock.read_text(encoding="utf-8").split()
        return host, int(pid)
    except (OSError, ValueError):
        try:  # an empty lock older than a few seconds belongs to a process killed at birth
            return ("?", 0) if time.time() - lock.stat().st_mtime > 10 else None
        except OSError:
            return None


def recover_dir(target: str | Path) -> str | None:
    """Finish or undo a swap of :func:`atomic_dir` that a kill interrupted; clean leftovers.

    A finished output that a killed run had not yet put in place is put in
    place; when only the earlier output was moved aside, it is restored.
    Temporary folders of dead runs and their lock are removed.

    Returns
    -------
    str or None
        What was repaired (also logged as a warning), or None.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _output_lock(target):
        return _recover(target)


def _recover(target: Path) -> str | None:
    dead = [(p, kind) for p, kind, alive in _siblings(target, ("done", "old")) if not alive]
    message = None
    done = sorted((p for p, k in dead if k == "done"), key=lambda p: p.stat().st_ctime)
    old = [p for p, k in dead if k == "old"]
    if done and target.exists() and done[-1].stat().st_ctime < target.stat().st_ctime:
        old.extend(done)  # a later run put its output in place after this one finished
        done = []
    if done:
        newest = done[-1]
        if target.exists():
            spare = _tagged(target, "old")
            os.replace(target, spare)
            old.append(spare)
        os.replace(newest, target)
        message = (f"{target}: a run was killed while putting its finished output in place; "
                   "its output has now been put there")
        old.extend(done[:-1])
    elif old and not target.exists():
        newest_old = max(old, key=lambda p: p.stat().st_mtime)
        os.replace(newest_old, target)
        old.remove(newest_old)
        message = (f"{target}: a run was killed while replacing this output; the earlier "
                   "output has been restored")
    for path in old:
        _remove(path)
    clean_stale(target)
    message = _recover_legacy(target) or message
    if message:
        log.warning(message)
    return message


def _recover_legacy(target: Path) -> str | None:
    """Leftovers of versions before 0.2 (``tempfile`` names): restore the output, clean up.

    Those versions moved the old output to ``.<name>.old.XXXXXXXX/<name>`` and
    built the new one in ``.<name>.XXXXXXXX``; a kill between the two renames
    left no output folder. The earlier output is put back; leftovers older
    than :data:`LEGACY_STALE_S` are removed.
    """
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(old\.)?[a-z0-9_]{{8}}$")
    try:
        legacy = [p for p in target.parent.iterdir() if pattern.match(p.name) and p.is_dir()]
    except OSError:
        return None
    message = None
    saved = [p / target.name for p in legacy if (p / target.name).is_dir()]
    if saved and not target.exists():
        newest = max(saved, key=lambda p: p.stat().st_mtime)
        os.replace(newest, target)
        with contextlib.suppress(OSError):
            newest.parent.rmdir()  # the emptied wrapper folder
        legacy.remove(newest.parent)
        message = (f"{target}: an earlier version was killed while replacing this output; the "
                   "earlier output has been restored")
    for path in legacy:
        if time.time() - path.stat().st_mtime > LEGACY_STALE_S:
            _remove(path)
    return message


def _make_dir(target: Path, kind: str) -> Path:
    """Create a fresh hidden sibling folder of ``target`` (mode 0777 minus the umask)."""
    while True:
        path = _tagged(target, kind)
        try:
            path.mkdir(mode=0o777)
            return path
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            continue


@contextlib.contextmanager
def atomic_dir(path: str | Path) -> Iterator[Path]:
    """Yield a fresh temporary folder beside ``path``; on success it replaces ``path``.

    A job writes all its outputs into the temporary folder; only when the job
    completes does the folder take the final name (an older output folder is
    removed at that moment). On an exception nothing of the run is left behind
    and an older output folder stays as it was. A swap that a kill interrupted
    is completed by the next run (see :func:`recover_dir`).

    Raises
    ------
    InputError
        ``path`` is an existing file (it would be replaced by a folder).
    """
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise InputError(f"the output folder {target} is an existing file; give a folder name "
                         "(the file was left as it is)")
    target.parent.mkdir(parents=True, exist_ok=True)
    recover_dir(target)
    tmp = _make_dir(target, "new")
    try:
        yield tmp
        done = _tagged(target, "done")
        os.replace(tmp, done)  # from here on the next run can finish the swap
        with _output_lock(target):
            if target.exists():
                old = _tagged(target, "old")
                os.replace(target, old)
                os.replace(done, target)
                _remove(old)
            else:
                os.replace(done, target)
    finally:
        if tmp.exists():
            _remove(tmp)
