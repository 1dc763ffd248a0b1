"""HTTP helpers shared by the source modules: verified, resumable downloads and JSON requests.

:func:`download` streams a URL into ``<dest>.part``, resumes it with an HTTP
``Range`` request (guarded by ``If-Range`` with the ETag or Last-Modified of the
first response), retries connection errors, stalls and 5xx/429 answers with
exponential backoff (each retry is logged as a warning), and verifies the
file before it gets its final name:

* its length against ``Content-Length`` when the server sends one;
* the publisher's checksum: a given SHA-256, or the MD5 published next to the
  file (Geofabrik serves ``<file>.md5`` beside every extract);
* its content (:mod:`accessibility.formats`): a ``.zip`` opens and its central
  directory is complete, a ``.pbf`` is a chain of blocks up to the last byte,
  a ``.json``/``.geojson`` parses, and no binary download is an HTML page.

A file at ``dest`` is therefore complete. Beside it ``<dest>.verified.json``
(the sidecar) records the verified size and SHA-256; a rerun re-checks them
and downloads again when the file changed. An interrupted run leaves
``<dest>.part`` (plus ``<dest>.part.json`` with the validators) that the next
run continues; a body that fails a check is deleted with a message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
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
from accessibility.formats import html_problem, json_problem, pbf_problem, zip_problem
from accessibility.io import write_text_atomic

log = logging.getLogger(__name__)

USER_AGENT = "accessibility-toolkit/0.1 (+https://github.com/; steunpunten bereikbaarheid)"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
CHUNK_BYTES = 1 << 16

#: Read timeout of one request (s): a server that sends nothing for this long is
#: retried. ``$ACCESSIBILITY_HTTP_TIMEOUT`` overrides it.
DEFAULT_TIMEOUT_S = 30.0
TIMEOUT_ENV = "ACCESSIBILITY_HTTP_TIMEOUT"

#: Content checks by file suffix (see :func:`content_kind`).
CONTENT_CHECKS = {"zip": zip_problem, "pbf": pbf_problem, "json": json_problem}
_SUFFIX_KINDS = {".zip": "zip", ".pbf": "pbf", ".json": "json", ".geojson": "json"}
_TRANSIENT = (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
              requests.exceptions.ChunkedEncodingError,
              requests.exceptions.ContentDecodingError)
_MD5_RE = re.compile(r"^\s*([0-9a-fA-F]{32})\b")


def default_timeout_s() -> float:
    """``$ACCESSIBILITY_HTTP_TIMEOUT`` (seconds) or :data:`DEFAULT_TIMEOUT_S`."""
    raw = os.environ.get(TIMEOUT_ENV)
    if not raw:
        return DEFAULT_TIMEOUT_S
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not value > 0:
        raise DownloadError(f"{TIMEOUT_ENV}={raw!r} is not a positive number of seconds")
    return value


@dataclass(frozen=True)
class DownloadResult:
    """Outcome of :func:`download`.

    Attributes
    ----------
    path : Path
        The complete, verified file.
    size_bytes : int
    downloaded_bytes : int
        Bytes transferred by this call (0 when the file was already there).
    resumed : bool
        True when an earlier partial download was continued.
    skipped : bool
        True when ``path`` already existed, passed its sidecar check and
        nothing was requested.
    last_modified : str or None
        The server's ``Last-Modified`` header, when given.
    sha256 : str
        Hex digest of the file (recorded in the sidecar).
    """

    path: Path
    size_bytes: int
    downloaded_bytes: int
    resumed: bool
    skipped: bool
    last_modified: str | None
    sha256: str = ""


def part_path(dest: Path) -> Path:
    """The partial-download file of ``dest``."""
    return dest.with_name(dest.name + ".part")


def sidecar_path(dest: Path) -> Path:
    """The sidecar ``<dest>.verified.json`` with the verified size and SHA-256."""
    return dest.with_name(dest.name + ".verified.json")


def _meta_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part.json")


def _describe(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def content_kind(dest: Path) -> str | None:
    """The content check of a file name: ``"zip"``, ``"pbf"``, ``"json"`` or None."""
    return _SUFFIX_KINDS.get(dest.suffix.lower())


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK_BYTES * 16), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_cached(dest: Path) -> str | None:
    """Re-check a finished download against its sidecar.

    Returns
    -------
    str or None
        None when size and SHA-256 match the sidecar; otherwise why the file
        cannot be trusted (no sidecar, changed size or hash).
    """
    try:
        record = json.loads(sidecar_path(dest).read_text(encoding="utf-8"))
        size, sha = int(record["size_bytes"]), str(record["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        return f"{dest} has no valid verification record {sidecar_path(dest).name}"
    actual = dest.stat().st_size
    if actual != size:
        return f"{dest} has {actual} bytes, {size} were verified"
    if file_sha256(dest) != sha:
        return f"{dest} changed since it was verified (SHA-256 differs)"
    return None


def download(
    url: str,
    dest: str | Path,
    *,
    sha256: str | None = None,
    md5_url: str | None = None,
    content: str | None = "auto",
    force: bool = False,
    retries: int = 4,
    backoff_s: float = 1.0,
    timeout_s: float | None = None,
    progress: bool = True,
    session: requests.Session | None = None,
) -> DownloadResult:
    """Download ``url`` to ``dest`` resumably, verified and atomically.

    Parameters
    ----------
    url : str
        ``http(s)://`` or ``file://`` URL.
    dest : str or Path
        Target file; its folder is created.
    sha256 : str, optional
        Expected hex digest of the complete file.
    md5_url : str, optional
        URL of the publisher's MD5 file (``md5sum`` format), e.g. Geofabrik's
        ``<extract>.md5``. When the server has none (HTTP 404) the download
        goes on without it, with a log message.
    content : str or None
        Content check: ``"zip"``, ``"pbf"``, ``"json"``, ``"auto"`` (from the
        suffix of ``dest``, see :func:`content_kind`) or None (length and
        checksums only).
    force : bool
        Download again even when ``dest`` exists and passes its check.
    retries : int
        Extra attempts after a connection error, stall, truncated body or a
        429/5xx answer.
    backoff_s : float
        First wait between attempts, seconds; doubles each time.
    timeout_s : float, optional
        Connect and read timeout of one request, seconds; default
        :func:`default_timeout_s` (30 s).
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
        size, checksum or content mismatch (an HTML page, a zip without its
        central directory, a cut PBF). The message names the URL and what to do.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    kind = content_kind(dest) if content == "auto" else content
    if kind is not None and kind not in CONTENT_CHECKS:
        raise ValueError(f"unknown content check {kind!r}; use one of {sorted(CONTENT_CHECKS)}")
    timeout = default_timeout_s() if timeout_s is None else float(timeout_s)
    if dest.exists() and not force:
        problem = verify_cached(dest)
        if problem is None:
            size = dest.stat().st_size
            return DownloadResult(dest, size, 0, False, True, None, _sidecar_sha(dest))
        if not sidecar_path(dest).exists() and _content_problem(dest, kind) is None:
            # a file from an older version of the toolkit (no sidecar) whose content checks out
            sha = file_sha256(dest)
            _write_sidecar(dest, url, sha)
            return DownloadResult(dest, dest.stat().st_size, 0, False, True, None, sha)
        log.warning("%s; downloading %s again", problem, _describe(url))
        dest.unlink()
        sidecar_path(dest).unlink(missing_ok=True)
    sess = session or requests.Session()
    md5 = _publisher_md5(sess, md5_url, timeout) if md5_url else None
    if url.startswith("file://"):
        return _copy_file_url(url, dest, sha256, md5, kind)

    part, meta_file = part_path(dest), _meta_path(dest)
    if force:
        part.unlink(missing_ok=True)
    meta = _read_meta(meta_file, url)
    resumed = False
    start_size = part.stat().st_size if part.exists() else 0
    last_error = "no attempt made"
    total: int | None = meta.get("total")
    for attempt in range(retries + 1):
        if attempt:
            wait = backoff_s * 2 ** (attempt - 1)
            log.warning("%s: %s; retrying in %.1f s (attempt %d of %d)",
                        _describe(url), last_error, wait, attempt + 1, retries + 1)
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
            with sess.get(url, headers=headers, stream=True, timeout=timeout) as resp:
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
                if kind is not None and resp.headers.get("Content-Type", "").startswith("text/html"):
                    raise DownloadError(
                        f"download of {_describe(url)} failed: the server answered an HTML page "
                        f"(HTTP {resp.status_code}, starts with {resp.raw.read(120)!r}) instead "
                        "of the file; check the URL or try again later")
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
            last_error = (f"no data for {timeout:g} s" if "timed out" in str(exc)
                          else f"connection failed ({_short(exc)})")
            continue
        except _TRANSIENT as exc:
            last_error = f"transfer interrupted ({_short(exc)})"
            continue
        except requests.exceptions.RequestException as exc:
            raise DownloadError(f"download of {_describe(url)} failed ({_short(exc)}); "
                                "check the URL") from exc
        size = part.stat().st_size
        if total is not None and size < total:
            last_error = f"truncated: got {size} of {total} bytes"
            continue
        if total is not None and size > total:
            _discard(part, meta_file)
            raise DownloadError(f"download of {_describe(url)} is larger than announced "
                                f"({size} > {total} bytes); rerun to download it again")
        if (html := html_problem(part)) is not None and kind is not None:
            _discard(part, meta_file)
            raise DownloadError(f"download of {_describe(url)} is {html}; the file was removed. "
                                "Check the URL or try again later")
        problem = _content_problem(part, kind)
        if problem is not None:
            if total is None:  # no announced length: the body may have been cut, try again
                last_error = f"the body is {problem}"
                _discard(part, meta_file)
                continue
            _discard(part, meta_file)
            raise DownloadError(f"download of {_describe(url)} is {problem}; the file was "
                                "removed. Check the URL or rerun to download it again")
        sha = _check_checksums(part, sha256, md5, url, meta_file)
        os.replace(part, dest)
        meta_file.unlink(missing_ok=True)
        _write_sidecar(dest, url, sha)
        return DownloadResult(dest, size, size - start_size if resumed else size, resumed,
                              False, meta.get("last_modified"), sha)
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
    timeout_s: float | None = None,
    session: requests.Session | None = None,
) -> Any:
    """GET a JSON document with the retry policy of :func:`download`.

    Raises
    ------
    DownloadError
        Unreachable server, HTTP error status or a body that is not JSON.
    """
    sess = session or requests.Session()
    timeout = default_timeout_s() if timeout_s is None else float(timeout_s)
    last_error = "no attempt made"
    for attempt in range(retries + 1):
        if attempt:
            log.warning("%s: %s; retrying (attempt %d of %d)", _describe(url), last_error,
                        attempt + 1, retries + 1)
            time.sleep(backoff_s * 2 ** (attempt - 1))
        try:
            resp = sess.get(url, params=params, timeout=timeout,
                            headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
        except _TRANSIENT as exc:
            last_error = f"connection failed or cut ({_short(exc)})"
            continue
        except requests.exceptions.RequestException as exc:
            raise DownloadError(f"request to {_describe(url)} failed ({_short(exc)}); "
                                "check the URL") from exc
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


def _content_problem(path: Path, kind: str | None) -> str | None:
    if kind is None:
        return None
    return html_problem(path) or CONTENT_CHECKS[kind](path)


def _discard(part: Path, meta_file: Path) -> None:
    part.unlink(missing_ok=True)
    meta_file.unlink(missing_ok=True)


def _publisher_md5(sess: requests.Session, md5_url: str, timeout: float) -> str | None:
    """The MD5 a publisher lists next to a file, or None when it publishes none (404)."""
    if md5_url.startswith("file://"):
        src = Path(urllib.request.url2pathname(urllib.parse.urlsplit(md5_url).path))
        text = src.read_text(encoding="utf-8", errors="replace") if src.is_file() else None
    else:
        try:
            resp = sess.get(md5_url, timeout=timeout, headers={"User-Agent": USER_AGENT})
        except requests.exceptions.RequestException as exc:
            raise DownloadError(f"cannot fetch the checksum {_describe(md5_url)} "
                                f"({_short(exc)}); check the network or try again later") from exc
        text = resp.text if resp.status_code == 200 else None
    if text is None:
        log.info("no checksum found at %s; the download is checked by its length and content",
                 _describe(md5_url))
        return None
    match = _MD5_RE.match(text)
    if match is None:
        raise DownloadError(f"the checksum file {_describe(md5_url)} holds no MD5 (starts with "
                            f"{text[:80]!r}); check the URL")
    return match.group(1).lower()


def _check_checksums(path: Path, sha256: str | None, md5: str | None, url: str,
                     meta_file: Path) -> str:
    """Compare the file's SHA-256 and MD5 with the expected ones; returns the SHA-256."""
    sha_digest, md5_digest = hashlib.sha256(), hashlib.md5()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK_BYTES * 16), b""):
            sha_digest.update(block)
            md5_digest.update(block)
    for name, expected, actual in (("SHA-256", sha256, sha_digest.hexdigest()),
                                   ("MD5", md5, md5_digest.hexdigest())):
        if expected is not None and actual != expected.lower():
            _discard(path, meta_file)
            raise DownloadError(f"download of {_describe(url)} has {name} {actual}, the publisher "
                                f"gives {expected}; the file was removed, rerun to download again")
    return sha_digest.hexdigest()


def _write_sidecar(dest: Path, url: str, sha: str) -> None:
    record = {"url": _describe(url), "size_bytes": dest.stat().st_size, "sha256": sha,
              "verified": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()}
    write_text_atomic(sidecar_path(dest), json.dumps(record, indent=2))


def _sidecar_sha(dest: Path) -> str:
    return str(json.loads(sidecar_path(dest).read_text(encoding="utf-8"))["sha256"])


def _copy_file_url(url: str, dest: Path, sha256: str | None, md5: str | None,
                   kind: str | None) -> DownloadResult:
    src = Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path))
    if not src.is_file():
        raise DownloadError(f"{url}: local file {src} does not exist; fix the URL")
    part, meta_file = part_path(dest), _meta_path(dest)
    shutil.copyfile(src, part)
    problem = _content_problem(part, kind)
    if problem is not None:
        _discard(part, meta_file)
        raise DownloadError(f"{url}: the local file {src} is {problem}; replace it")
    sha = _check_checksums(part, sha256, md5, url, meta_file)
    os.replace(part, dest)
    _write_sidecar(dest, url, sha)
    size = dest.stat().st_size
    return DownloadResult(dest, size, size, False, False, None, sha)


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
