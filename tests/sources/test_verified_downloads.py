"""Downloads are verified before they get their final name (issue: nothing silently wrong).

Every fault is served by a local HTTP server (pytest-httpserver): a body cut
short with and without ``Content-Length``, an HTML error page with status 200,
a wrong publisher checksum, a stalled server, a cached file changed on disk.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import time
import zipfile

import pytest
from werkzeug import Request, Response

from accessibility.errors import DownloadError
from accessibility.sources._http import (
    DEFAULT_TIMEOUT_S,
    default_timeout_s,
    download,
    get_json,
    part_path,
    sidecar_path,
)

FAST = {"retries": 1, "backoff_s": 0.0, "timeout_s": 5.0, "progress": False}


def _zip_bytes(n_files: int = 30) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(n_files):
            zf.writestr(f"file{i}.txt", ("stop_id,stop_name\n" + f"{i},halte {i}\n" * 400))
    return buf.getvalue()


def _no_length(body: bytes) -> Response:
    """A response streamed in chunks, without Content-Length."""
    return Response(iter([body[i:i + 4096] for i in range(0, len(body), 4096)]),
                    content_type="application/zip", direct_passthrough=True)


def test_truncated_zip_without_content_length_never_gets_its_name(httpserver, tmp_path):
    data = _zip_bytes()
    httpserver.expect_request("/gtfs-nl.zip").respond_with_handler(
        lambda req: _no_length(data[: len(data) * 2 // 5]))
    dest = tmp_path / "gtfs-nl.zip"
    with pytest.raises(DownloadError, match=r"after 2 attempts: the body is not a complete zip"):
        download(httpserver.url_for("/gtfs-nl.zip"), dest, **FAST)
    assert not dest.exists() and not part_path(dest).exists()
    assert len(httpserver.log) == 2  # retried once, then gave up


def test_complete_zip_without_content_length_is_accepted_with_sidecar(httpserver, tmp_path):
    data = _zip_bytes()
    httpserver.expect_request("/gtfs-nl.zip").respond_with_handler(lambda req: _no_length(data))
    dest = tmp_path / "gtfs-nl.zip"
    res = download(httpserver.url_for("/gtfs-nl.zip"), dest, **FAST)
    assert dest.read_bytes() == data and not res.skipped
    record = json.loads(sidecar_path(dest).read_text())
    assert record["size_bytes"] == len(data)
    assert record["sha256"] == hashlib.sha256(data).hexdigest() == res.sha256
    again = download(httpserver.url_for("/gtfs-nl.zip"), dest, **FAST)
    assert again.skipped and len(httpserver.log) == 1


def test_short_body_with_matching_content_length_fails_the_content_check(httpserver, tmp_path):
    """The server itself holds a cut file (3.5 of 8.8 MB): the length agrees, the zip does not."""
    data = _zip_bytes()
    httpserver.expect_request("/gtfs-nl.zip").respond_with_data(data[: len(data) // 2])
    dest = tmp_path / "gtfs-nl.zip"
    with pytest.raises(DownloadError, match=r"not a complete zip archive.*removed"):
        download(httpserver.url_for("/gtfs-nl.zip"), dest, **FAST)
    assert not dest.exists() and not part_path(dest).exists()


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "application/octet-stream"])
def test_html_error_page_with_status_200_is_refused(httpserver, tmp_path, content_type):
    page = b"<!DOCTYPE html><html><body><h1>Onderhoud</h1>Probeer het later.</body></html>"
    httpserver.expect_request("/nl.osm.pbf").respond_with_data(page, content_type=content_type)
    dest = tmp_path / "nl.osm.pbf"
    with pytest.raises(DownloadError, match="HTML page"):
        download(httpserver.url_for("/nl.osm.pbf"), dest, **FAST)
    assert not dest.exists() and not part_path(dest).exists()
    assert len(httpserver.log) == 1  # an error page is not retried


def test_pbf_cut_at_a_block_boundary_is_refused(httpserver, tmp_path, sorted_pbf):
    data, ends = sorted_pbf
    httpserver.expect_request("/cut.osm.pbf").respond_with_data(data[: ends[2]])  # no relations
    httpserver.expect_request("/mid.osm.pbf").respond_with_data(data[: ends[2] + 10])
    for name, match in (("cut", "cut short: .* last block holds ways"), ("mid", "truncated")):
        dest = tmp_path / f"{name}.osm.pbf"
        with pytest.raises(DownloadError, match=match):
            download(httpserver.url_for(f"/{name}.osm.pbf"), dest, **FAST)
        assert not dest.exists()


def test_publisher_md5_is_checked(httpserver, tmp_path, caplog, sorted_pbf):
    data = sorted_pbf[0]
    md5 = hashlib.md5(data).hexdigest()
    httpserver.expect_request("/good.osm.pbf").respond_with_data(data)
    httpserver.expect_request("/good.osm.pbf.md5").respond_with_data(f"{md5}  good.osm.pbf\n")
    httpserver.expect_request("/bad.osm.pbf").respond_with_data(data)
    httpserver.expect_request("/bad.osm.pbf.md5").respond_with_data("0" * 32 + "  bad.osm.pbf\n")
    httpserver.expect_request("/none.osm.pbf").respond_with_data(data)
    httpserver.expect_request("/none.osm.pbf.md5").respond_with_data("nope", status=404)
    for name in ("good", "none"):
        url = httpserver.url_for(f"/{name}.osm.pbf")
        with caplog.at_level(logging.INFO):
            res = download(url, tmp_path / f"{name}.osm.pbf", md5_url=url + ".md5", **FAST)
        assert res.path.read_bytes() == data
    assert "no checksum found" in caplog.text
    url = httpserver.url_for("/bad.osm.pbf")
    with pytest.raises(DownloadError, match=rf"MD5 {md5}, the publisher gives 0{{32}}"):
        download(url, tmp_path / "bad.osm.pbf", md5_url=url + ".md5", **FAST)
    assert not (tmp_path / "bad.osm.pbf").exists()


def test_rerun_rechecks_the_sidecar_and_downloads_a_changed_file_again(httpserver, tmp_path,
                                                                        caplog):
    data = _zip_bytes()
    httpserver.expect_request("/gtfs-nl.zip").respond_with_data(data)
    dest = tmp_path / "gtfs-nl.zip"
    download(httpserver.url_for("/gtfs-nl.zip"), dest, **FAST)
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0xFF
    dest.write_bytes(bytes(damaged))
    with caplog.at_level(logging.WARNING):
        res = download(httpserver.url_for("/gtfs-nl.zip"), dest, **FAST)
    assert "changed since it was verified" in caplog.text
    assert not res.skipped and dest.read_bytes() == data and len(httpserver.log) == 2


def test_file_from_before_sidecars_is_checked_by_content(httpserver, tmp_path):
    data = _zip_bytes()
    httpserver.expect_request("/gtfs-nl.zip").respond_with_data(data)
    dest = tmp_path / "gtfs-nl.zip"
    dest.write_bytes(data)  # complete, but no sidecar: accepted after its content check
    assert download(httpserver.url_for("/gtfs-nl.zip"), dest, **FAST).skipped
    assert sidecar_path(dest).exists() and len(httpserver.log) == 0
    sidecar_path(dest).unlink()
    dest.write_bytes(data[:1000])  # cut, no sidecar: downloaded again
    res = download(httpserver.url_for("/gtfs-nl.zip"), dest, **FAST)
    assert not res.skipped and dest.read_bytes() == data


def test_json_download_must_be_json(httpserver, tmp_path):
    httpserver.expect_request("/buurten.geojson").respond_with_data('{"type": "FeatureColl')
    with pytest.raises(DownloadError, match="not a JSON document"):
        download(httpserver.url_for("/buurten.geojson"), tmp_path / "b.geojson", **FAST)


def test_stalled_server_is_reported_after_the_read_timeout(httpserver, tmp_path, caplog):
    def stall(req: Request) -> Response:
        time.sleep(1.2)
        return Response(b"late")

    httpserver.expect_request("/slow.zip").respond_with_handler(stall)
    t0 = time.monotonic()
    with caplog.at_level(logging.WARNING), pytest.raises(DownloadError, match="after 2 attempts"):
        download(httpserver.url_for("/slow.zip"), tmp_path / "slow.zip", retries=1,
                 backoff_s=0.0, timeout_s=0.3, progress=False)
    assert time.monotonic() - t0 < 4.0  # two timeouts of 0.3 s (plus the server's sleep)
    assert "retrying" in caplog.text  # the user sees each retry, not 5 minutes of silence


def test_read_timeout_default_and_override(monkeypatch):
    monkeypatch.delenv("ACCESSIBILITY_HTTP_TIMEOUT", raising=False)
    assert default_timeout_s() == DEFAULT_TIMEOUT_S <= 60
    monkeypatch.setenv("ACCESSIBILITY_HTTP_TIMEOUT", "12.5")
    assert default_timeout_s() == 12.5
    monkeypatch.setenv("ACCESSIBILITY_HTTP_TIMEOUT", "soon")
    with pytest.raises(DownloadError, match="not a positive number of seconds"):
        default_timeout_s()


def test_json_request_cut_short_is_a_download_error(httpserver):
    def cut(req: Request) -> Response:
        resp = Response(b'{"features": [', content_type="application/json")
        resp.headers["Content-Length"] = "400"
        return resp

    httpserver.expect_request("/api").respond_with_handler(cut)
    with pytest.raises(DownloadError):
        get_json(httpserver.url_for("/api"), retries=0, backoff_s=0.0, timeout_s=2.0)
