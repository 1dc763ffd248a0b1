"""HTTP helpers shared by the source modules: resumable downloads and JSON requests.

:func:`download` streams a URL into ``<dest>.part``, resumes it with an HTTP
``Range`` request (guarded by ``If-Range`` with the ETag or Last-Modified of the
first response), retries connection errors and 5xx/429 answers with exponential
backoff, checks the size against ``Content-Length`` (and an optional SHA-256)
and only then renames the part file onto ``dest``. A file at ``dest`` is
therefore always complete; an interrupted run leaves ``<dest>.part`` (plus a
small ``<dest>.part.json`` with the validators) that the next run continues.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from accessibility.errors import DownloadError

log = logging.getLogger(__name__)

USER_AGENT = "accessibility-toolkit/0.1 (+https://github.com/; steunpunten bereikbaarheid)"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
CHUNK_BYTES = 1 << 16


@dataclass(frozen=True)
class DownloadResult:
    """Outcome of :func:`download`.

    Attributes
    ----------
    path : Path
        The complete file.
    size_bytes : int
    downloaded_bytes : int
        Bytes transferred by this call (0 when the file was already there).
    resumed : bool
        True when an earlier partial download was continued.
    skipped : bool
        True when ``path`` already existed and nothing was requested.
    last_modified : str or None
        The server's ``Last-Modified`` header, when given.
    """

    path: Path
    size_bytes: int
    downloaded_bytes: int
    resumed: bool
    skipped: bool
    last_modified: str | None


def part_path(dest: Path) -> Path:
    """The partial-download file of ``dest``."""
    return dest.with_name(dest.name + ".part")


def _meta_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part.json")


def _describe(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def download(
    url: str,
    dest: str | Path,
    *,
    sha256: str | None = None,
    force: bool = False,
    retries: int = 4,
    backoff_s: float = 1.0,
    timeout_s: float = 60.0,
    progress: bool = True,
    session: requests.Session | None = None,
) -> DownloadResult:
    """Download ``url`` to ``dest`` resumably and atomically.

    Parameters
    ----------
    url : str
        ``http(s)://`` or ``file://`` URL.
    dest : str or Path
        Target file; its folder is created.
    sha256 : str, optional
        Expected hex digest of the complete file.
    force : bool
        Download again even when ``dest`` exists.
    retries : int
        Extra attempts after a connection error, timeout, truncated body or a
        429/5xx answer.
    backoff_s : float
        First wait between attempts, seconds; doubles each time.
    timeout_s : float
        Connect/read timeout of one request, seconds.
    progress : bool
        Show a rich progress bar.
    session : requests.Session, optional

    Returns
    -------
    DownloadResult

    Raises
    ------
    DownloadError
        Server unreachable, HTTP error status, truncated after all retries,
        size or checksum mismatch. The message names the URL and what to do.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists() and not force:
        return DownloadResult(dest, dest.stat().st_size, 0, False, True, None)
    if url.startswith("file://"):
        return _copy_file_url(url, dest, sha256)

    part, meta_file = part_path(dest), _meta_path(dest)
    if force:
        part.unlink(missing_ok=True)
    meta = _read_meta(meta_file, url)
    sess = session or requests.Session()
    resumed = False
    start_size = part.stat().st_size if part.exists() else 0
    last_error = "no attempt made"
    total: int | None = meta.get("total")
    for attempt in range(retries + 1):
        if attempt:
            wait = backoff_s * 2 ** (attempt - 1)
            log.info("retrying %s in %.1f s (attempt %d of %d): %s",
                     _describe(url), wait, attempt + 1, retries + 1, last_error)
            time.sleep(wait)
        have = part.stat().st_size if part.exists() else 0
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
        validator = meta.get("etag") or meta.get("last_modified")
        if have and validator:
            headers["Range"] = f"bytes={have}-"
            headers["If-Range"] = validator
        elif have:
            part.unlink()  # no validator: a resumed body could belong to a newer file
            have = 0
        try:
            with sess.get(url, headers=headers, stream=True, timeout=timeout_s) as resp:
                if resp.status_code == 416 and have:
                    last_error = f"server refused to resume at byte {have} (HTTP 416)"
                    part.unlink()
                    continue
                if resp.status_code in RETRY_STATUS:
                    last_error = f"HTTP {resp.status_code} {resp.reason}"
                    continue
                if resp.status_code >= 400:
                    raise DownloadError(
                        f"download of {_describe(url)} failed: HTTP {resp.status_code} "
                        f"{resp.reason}; check the URL (sources.* in the region file or the "
                        "ACCESSIBILITY_*_URL environment variables)"
                    )
                if resp.status_code == 206:
                    first = _content_range_start(resp.headers.get("Content-Range", ""))
                    if first != have:
                        last_error = f"server resumed at byte {first}, expected {have}"
                        part.unlink()
                        continue
                    resumed = resumed or have > 0
                    mode = "ab"
                else:  # 200: full body (range ignored or file changed)
                    have = 0
                    mode = "wb"
                    meta = {"url": url, "etag": resp.headers.get("ETag"),
                            "last_modified": resp.headers.get("Last-Modified")}
                length = resp.headers.get("Content-Length")
                total = have + int(length) if length is not None else None
                meta["total"] = total
                _write_meta(meta_file, meta)
                _stream(resp, part, mode, have, total, progress, dest.name)
        except requests.exceptions.ConnectionError as exc:
            last_error = f"connection failed ({_short(exc)})"
            continue
        except (requests.exceptions.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
            last_error = f"transfer interrupted ({_short(exc)})"
            continue
        size = part.stat().st_size
        if total is not None and size < total:
            last_error = f"truncated: got {size} of {total} bytes"
            continue
        if total is not None and size > total:
            part.unlink()
            meta_file.unlink(missing_ok=True)
            raise DownloadError(f"download of {_describe(url)} is larger than announced "
                                f"({size} > {total} bytes); rerun to download it again")
        _check_sha256(part, sha256, url)
        os.replace(part, dest)
        meta_file.unlink(missing_ok=True)
        return DownloadResult(dest, size, size - start_size if resumed else size, resumed,
                              False, meta.get("last_modified"))
    have = part.stat().st_size if part.exists() else 0
    kept = (f"; the partial file {part} ({have} of {total if total is not None else '?'} bytes) "
            "is kept, rerun to resume") if have else ""
    raise DownloadError(f"download of {_describe(url)} failed after {retries + 1} attempts: "
                        f"{last_error}{kept}")


def get_json(
    url: str,
    params: Mapping[str, Any] | None = None,
    *,
    retries: int = 4,
    backoff_s: float = 1.0,
    timeout_s: float = 60.0,
    session: requests.Session | None = None,
) -> Any:
    """GET a JSON document with the retry policy of :func:`download`.

    Raises
    ------
    DownloadError
        Unreachable server, HTTP error status or a body that is not JSON.
    """
    sess = session or requests.Session()
    last_error = "no attempt made"
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff_s * 2 ** (attempt - 1))
        try:
            resp = sess.get(url, params=params, timeout=timeout_s,
                            headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            last_error = f"connection failed ({_short(exc)})"
            continue
        if resp.status_code in RETRY_STATUS:
            last_error = f"HTTP {resp.status_code} {resp.reason}"
            continue
        if resp.status_code >= 400:
            raise DownloadError(f"request to {_describe(resp.url)} failed: HTTP "
                                f"{resp.status_code} {resp.reason}: {resp.text[:200]!r}")
        try:
            return resp.json()
        except ValueError:
            raise DownloadError(f"{_describe(resp.url)} did not answer JSON (starts with "
                                f"{resp.text[:120]!r}); check the URL") from None
    raise DownloadError(f"request to {_describe(url)} failed after {retries + 1} attempts: "
                        f"{last_error}; check the network or try again later")


def _stream(resp: requests.Response, part: Path, mode: str, have: int, total: int | None,
            progress: bool, label: str) -> None:
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(),
               TransferSpeedColumn(), TimeRemainingColumn())
    with Progress(*columns, disable=not progress, transient=True) as bar, open(part, mode) as fh:
        task = bar.add_task(label, total=total, completed=have)
        for chunk in resp.iter_content(CHUNK_BYTES):
            fh.write(chunk)
            bar.advance(task, len(chunk))


def _content_range_start(value: str) -> int | None:
    # "bytes 100-199/200"
    try:
        return int(value.split()[1].split("-")[0])
    except (IndexError, ValueError):
        return None


def _check_sha256(path: Path, expected: str | None, url: str) -> None:
    if expected is None:
        return
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK_BYTES), b""):
            digest.update(block)
    if digest.hexdigest().lower() != expected.lower():
        path.unlink()
        raise DownloadError(f"download of {_describe(url)} has SHA-256 {digest.hexdigest()}, "
                            f"expected {expected}; the file was removed, rerun to download again")


def _copy_file_url(url: str, dest: Path, sha256: str | None) -> DownloadResult:
    src = Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path))
    if not src.is_file():
        raise DownloadError(f"{url}: local file {src} does not exist; fix the URL")
    part = part_path(dest)
    shutil.copyfile(src, part)
    _check_sha256(part, sha256, url)
    os.replace(part, dest)
    size = dest.stat().st_size
    return DownloadResult(dest, size, size, False, False, None)


def _read_meta(meta_file: Path, url: str) -> dict[str, Any]:
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) and meta.get("url") == url else {}


def _write_meta(meta_file: Path, meta: Mapping[str, Any]) -> None:
    tmp = meta_file.with_name(meta_file.name + ".tmp")
    tmp.write_text(json.dumps(dict(meta)), encoding="utf-8")
    os.replace(tmp, meta_file)


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 160 else text[:157] + "..."
