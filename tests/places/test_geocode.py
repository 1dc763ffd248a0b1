"""Geocoding against a local server that answers in PDOK Locatieserver's JSON format."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from accessibility.errors import GeocodeError, InputError
from accessibility.places.geocode import (
    PDOK_FIELDS,
    GeocodeCache,
    NominatimGeocoder,
    PdokGeocoder,
    build_query,
    geocode_table,
    normalise_query,
    parse_point,
    resolve_pdok_url,
)

ROOT = "/bzk/locatieserver/search/v3_1"


def pdok_doc(name: str, score: float, lon: float, lat: float, type_: str = "adres",
             gemeentecode: str = "0402") -> dict:
    """One doc as the Locatieserver /free endpoint returns it."""
    return {
        "type": type_,
        "weergavenaam": name,
        "id": f"adr-{abs(hash(name)) % 10**8}",
        "score": score,
        "centroide_ll": f"POINT({lon} {lat})",
        "centroide_rd": "POINT(140000.0 470000.0)",
        "gemeentecode": gemeentecode,
        "gemeentenaam": "Hilversum",
        "woonplaatsnaam": "Hilversum",
    }


def pdok_body(*docs: dict) -> dict:
    return {
        "response": {
            "numFound": len(docs),
            "start": 0,
            "maxScore": docs[0]["score"] if docs else 0.0,
            "numFoundExact": True,
            "docs": list(docs),
        }
    }


MATCHED = pdok_body(
    pdok_doc("Kerkstraat 1, 1211CL Hilversum", 14.0, 5.1761, 52.2245),
    pdok_doc("Kerkstraat 10, 1211CM Hilversum", 9.0, 5.1770, 52.2250),
)
AMBIGUOUS = pdok_body(
    pdok_doc("Dorpsstraat 1, 1271AA Huizen", 10.0, 5.24, 52.30, gemeentecode="0406"),
    pdok_doc("Dorpsstraat 1, 1261AA Blaricum", 9.5, 5.25, 52.27, gemeentecode="0376"),
)
NO_MATCH = pdok_body()


def geocoder(httpserver: HTTPServer, tmp_path: Path, **kw) -> PdokGeocoder:
    return PdokGeocoder(
        base_url=httpserver.url_for(ROOT),
        cache=GeocodeCache(tmp_path / "cache.json"),
        timeout=2,
        backoff=0.0,
        **kw,
    )


def free_server_url() -> str:
    """A URL on a port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}{ROOT}"


def test_normalise_and_build_query():
    assert normalise_query("  Kerkstraat  1,\t1211CL   HILVERSUM ") == "kerkstraat 1, 1211cl hilversum"
    assert build_query("Kerkstraat 1", "1211CL", "Hilversum") == "Kerkstraat 1, 1211CL Hilversum"
    assert build_query("Kerkstraat 1", "", "Hilversum") == "Kerkstraat 1, Hilversum"
    assert build_query(" Kerkstraat  1 ") == "Kerkstraat 1"
    with pytest.raises(InputError):
        build_query("", "1211CL", "Hilversum")


def test_parse_point():
    assert parse_point("POINT(5.1761 52.2245)") == (5.1761, 52.2245)
    with pytest.raises(GeocodeError, match="POINT"):
        parse_point("LINESTRING(1 2, 3 4)")


def test_matched_sends_real_parameters_and_caches_raw_body(httpserver: HTTPServer, tmp_path):
    httpserver.expect_oneshot_request(
        f"{ROOT}/free",
        query_string={
            "q": "Kerkstraat 1, 1211CL Hilversum",
            "fq": "type:adres",
            "rows": "5",
            "fl": "id,type,weergavenaam,score,centroide_ll,centroide_rd,"
            "gemeentecode,gemeentenaam,woonplaatsnaam,postcode",
        },
    ).respond_with_json(MATCHED)
    g = geocoder(httpserver, tmp_path)
    r = g.geocode("Kerkstraat 1, 1211CL Hilversum")
    assert (r.status, r.lat, r.lon, r.match_type, r.score) == ("matched", 52.2245, 5.1761, "adres", 14.0)
    assert r.weergavenaam == "Kerkstraat 1, 1211CL Hilversum"
    assert r.gemeentecode == "0402"
    assert r.candidates == 2 and not r.from_cache
    cache = json.loads((tmp_path / "cache.json").read_text(encoding="utf-8"))
    assert cache == {"kerkstraat 1, 1211cl hilversum": MATCHED}
    # A second call (different spacing and case) is answered from the cache, offline.
    again = PdokGeocoder(base_url=free_server_url(), cache=GeocodeCache(tmp_path / "cache.json"),
                         offline=True).geocode("KERKSTRAAT 1,  1211CL hilversum")
    assert again.from_cache and (again.lat, again.lon) == (52.2245, 5.1761)
    assert len(httpserver.log) == 1


def test_ambiguous_when_second_score_close(httpserver: HTTPServer, tmp_path):
    httpserver.expect_oneshot_request(f"{ROOT}/free").respond_with_json(AMBIGUOUS)
    r = geocoder(httpserver, tmp_path).geocode("Dorpsstraat 1")
    assert r.status == "ambiguous"
    assert "Huizen" in r.message and "Blaricum" in r.message
    # With a stricter ratio the same answer is a match: 9.5 < 0.96 * 10.
    strict = PdokGeocoder(base_url=free_server_url(), cache=GeocodeCache(tmp_path / "cache.json"),
                          offline=True, ambiguity_ratio=0.96)
    assert strict.geocode("Dorpsstraat 1").status == "matched"


def test_no_match(httpserver: HTTPServer, tmp_path):
    httpserver.expect_oneshot_request(f"{ROOT}/free").respond_with_json(NO_MATCH)
    r = geocoder(httpserver, tmp_path).geocode("Nergensstraat 99, 9999ZZ Nergens")
    assert (r.status, r.lat, r.lon, r.candidates) == ("unmatched", None, None, 0)
    cache = json.loads((tmp_path / "cache.json").read_text(encoding="utf-8"))
    assert cache == {"nergensstraat 99, 9999zz nergens": NO_MATCH}


def test_retry_after_http_500(httpserver: HTTPServer, tmp_path):
    httpserver.expect_ordered_request(f"{ROOT}/free").respond_with_data("boom", status=500)
    httpserver.expect_ordered_request(f"{ROOT}/free").respond_with_data("busy", status=429)
    httpserver.expect_ordered_request(f"{ROOT}/free").respond_with_json(MATCHED)
    r = geocoder(httpserver, tmp_path).geocode("Kerkstraat 1, 1211CL Hilversum")
    assert r.status == "matched"
    assert len(httpserver.log) == 3


def test_persistent_500_gives_up(httpserver: HTTPServer, tmp_path):
    httpserver.expect_request(f"{ROOT}/free").respond_with_data("boom", status=500)
    with pytest.raises(GeocodeError, match=r"HTTP 500 .* after 3 attempt"):
        geocoder(httpserver, tmp_path, max_retries=2).geocode("Kerkstraat 1")
    assert len(httpserver.log) == 3
    assert not (tmp_path / "cache.json").exists()


def test_unreachable_without_cache(tmp_path):
    url = free_server_url()
    g = PdokGeocoder(base_url=url, cache=GeocodeCache(tmp_path / "cache.json"), timeout=2)
    with pytest.raises(GeocodeError) as exc:
        g.geocode("Kerkstraat 1, 1211CL Hilversum")
    msg = str(exc.value)
    assert "'Kerkstraat 1, 1211CL Hilversum'" in msg
    assert "no cached answer" in msg and "could not be reached" in msg and f"{url}/free" in msg


def test_unreachable_with_cache(tmp_path):
    path = tmp_path / "cache.json"
    path.write_text(json.dumps({"kerkstraat 1, 1211cl hilversum": MATCHED}), encoding="utf-8")
    g = PdokGeocoder(base_url=free_server_url(), cache=GeocodeCache(path), timeout=2)
    r = g.geocode("Kerkstraat 1, 1211CL Hilversum")
    assert r.from_cache and r.status == "matched" and r.lat == 52.2245


def test_offline_miss_names_address_and_url(tmp_path):
    g = PdokGeocoder(base_url="http://example.invalid/ls", offline=True,
                     cache=GeocodeCache(tmp_path / "c.json"))
    with pytest.raises(GeocodeError, match=r"'Laan 1'.*offline.*http://example.invalid/ls/free"):
        g.geocode("Laan 1")


def test_city_level_filter_uses_separate_cache_key(httpserver: HTTPServer, tmp_path):
    body = pdok_body(pdok_doc("Bussum, Gooise Meren, Noord-Holland", 20.0, 5.16, 52.27,
                              type_="woonplaats", gemeentecode="1942"))
    httpserver.expect_oneshot_request(
        f"{ROOT}/free", query_string={"q": "Mauritzhof, Bussum", "fq": "type:woonplaats",
                                      "rows": "5", "fl": PDOK_FIELDS},
    ).respond_with_json(body)
    r = geocoder(httpserver, tmp_path).geocode("Mauritzhof, Bussum", fq="type:woonplaats")
    assert (r.match_type, r.gemeentecode, r.status) == ("woonplaats", "1942", "matched")
    cache = json.loads((tmp_path / "cache.json").read_text(encoding="utf-8"))
    assert list(cache) == ["mauritzhof, bussum [fq=type:woonplaats]"]


def test_base_url_from_environment(monkeypatch):
    monkeypatch.setenv("ACCESSIBILITY_PDOK_LOCATIESERVER_URL", "http://local/ls/")
    assert resolve_pdok_url() == "http://local/ls"
    assert resolve_pdok_url("http://arg/ls") == "http://arg/ls"
    monkeypatch.delenv("ACCESSIBILITY_PDOK_LOCATIESERVER_URL")
    assert resolve_pdok_url() == "https://api.pdok.nl/bzk/locatieserver/search/v3_1"


def test_corrupt_cache_file(tmp_path):
    path = tmp_path / "cache.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=str(path)):
        GeocodeCache(path)


def test_malformed_answer(httpserver: HTTPServer, tmp_path):
    httpserver.expect_oneshot_request(f"{ROOT}/free").respond_with_json({"error": "x"})
    with pytest.raises(GeocodeError, match="no response.docs"):
        geocoder(httpserver, tmp_path).geocode("Kerkstraat 1")
    assert not (tmp_path / "cache.json").exists()  # an unreadable answer is not cached


def test_geocode_table_lists_problems(httpserver: HTTPServer, tmp_path):
    answers = {
        "Kerkstraat 1, 1211CL Hilversum": MATCHED,
        "Dorpsstraat 1, Huizen": AMBIGUOUS,
        "Nergensstraat 99, 9999ZZ Nergens": NO_MATCH,
    }

    def handler(request):
        return Response(json.dumps(answers[request.args["q"]]), content_type="application/json")

    httpserver.expect_request(f"{ROOT}/free").respond_with_handler(handler)
    rows = [
        {"id": "a", "address": "Kerkstraat 1", "postcode": "1211CL", "city": "Hilversum"},
        {"id": "b", "address": "Dorpsstraat 1", "postcode": None, "city": "Huizen"},
        {"id": "c", "address": "Nergensstraat 99", "postcode": "9999ZZ", "city": "Nergens"},
    ]
    results, problems = geocode_table(rows, geocoder(httpserver, tmp_path))
    assert list(results["id"]) == ["a", "b", "c"]
    assert list(results["status"]) == ["matched", "ambiguous", "unmatched"]
    assert list(results["query"]) == list(answers)
    assert list(problems["id"]) == ["b", "c"]
    assert problems.loc[1, "reason"] == "no candidate found"
    assert problems.loc[0, "reason"].startswith("ambiguous:")
    with pytest.raises(InputError, match="row 1 .*'z'.* no address"):
        geocode_table([{"id": "z", "address": " "}], geocoder(httpserver, tmp_path))


NOMINATIM_HIT = [
    {"place_id": 1, "lat": "52.2245", "lon": "5.1761", "display_name": "Kerkstraat 1, Hilversum",
     "class": "place", "type": "house", "importance": 0.5},
]


def test_nominatim_matched_and_cached(httpserver: HTTPServer, tmp_path):
    httpserver.expect_oneshot_request("/search").respond_with_json(NOMINATIM_HIT)
    g = NominatimGeocoder(domain=f"127.0.0.1:{httpserver.port}", scheme="http",
                          cache=GeocodeCache(tmp_path / "cache.json"), backoff=0.0)
    r = g.geocode("Kerkstraat 1, 1211CL Hilversum")
    assert (r.status, r.lat, r.lon, r.provider, r.match_type) == (
        "matched", 52.2245, 5.1761, "nominatim", "house")
    cache = json.loads((tmp_path / "cache.json").read_text(encoding="utf-8"))
    assert cache == {"nominatim: kerkstraat 1, 1211cl hilversum": NOMINATIM_HIT}
    offline = NominatimGeocoder(domain="127.0.0.1:1", scheme="http", offline=True,
                                cache=GeocodeCache(tmp_path / "cache.json"))
    assert offline.geocode("kerkstraat 1, 1211cl hilversum").from_cache
    with pytest.raises(GeocodeError, match="offline"):
        offline.geocode("Laan 2")


def test_cli_geocode_writes_pinned_and_lists_unpinned(httpserver: HTTPServer, tmp_path):
    import geopandas as gpd
    from typer.testing import CliRunner

    from accessibility.cli import app

    httpserver.expect_oneshot_request(f"{ROOT}/free").respond_with_json(MATCHED)
    locs = tmp_path / "locs.csv"
    locs.write_text(
        "id,name,address,postcode,city,lat,lon,note\n"
        "a,Inloop,Kerkstraat 1,1211CL,Hilversum,,,\n"
        "b,Punt,,,,52.27,5.16,\n"
        "c,Team,,,,,,no fixed location\n",
        encoding="utf-8",
    )
    out = tmp_path / "out" / "located.gpkg"
    cache = tmp_path / "cache.json"
    args = ["geocode", str(locs), "--out", str(out), "--cache", str(cache),
            "--pdok-url", httpserver.url_for(ROOT)]
    run = CliRunner().invoke(app, args + ["--unpinned", str(tmp_path / "unpinned.csv"),
                                          "--lang", "en"])
    assert run.exit_code == 0, run.output
    unpinned = (tmp_path / "unpinned.csv").read_text(encoding="utf-8").splitlines()
    assert unpinned[0] == "id,name,organisation,kind,capacity_weight,address,city,line,reason,note"
    assert unpinned[1].startswith("c,Team,,steunpunt,1.0,,,4,no coordinates and no address")
    assert "no fixed location" in run.output and "1 not pinned" in run.output
    located = gpd.read_file(out, layer="locations")
    assert list(located["id"]) == ["a", "b"]
    assert list(located["source"]) == ["geocoded: pdok", "coordinates"]
    # Rerun offline against an unreachable URL: answered from the cache file.
    rerun = CliRunner().invoke(app, args[:-1] + [free_server_url(), "--offline"])
    assert rerun.exit_code == 0, rerun.output
    # A cache miss offline: red message, exit 1, no traceback.
    locs.write_text("id,name,address,city\nz,Nieuw,Laan 5,Huizen\n", encoding="utf-8")
    fail = CliRunner().invoke(app, args + ["--offline", "--lang", "en"])
    assert fail.exit_code == 1
    assert "no cached answer for 'Laan 5, Huizen'" in fail.output
    assert "Traceback" not in fail.output
    # Dutch by default, with the hint that names the option this command has.
    fail_nl = CliRunner().invoke(app, args + ["--offline"], env={"COLUMNS": "200"})
    assert fail_nl.exit_code == 1
    assert "geen antwoord in de geocodeer-cache voor 'Laan 5, Huizen'" in fail_nl.output
    assert "laat --offline weg" in fail_nl.output and "--online" not in fail_nl.output


def test_reverse_geocoding_for_suggested_sites(httpserver: HTTPServer, tmp_path):
    answer = {"response": {"numFound": 1, "docs": [
        {"type": "adres", "weergavenaam": "Stationsplein 1, 9935AB Zandrecht", "afstand": 12.0}]}}
    httpserver.expect_oneshot_request(f"{ROOT}/reverse", query_string={
        "lat": "52.460780", "lon": "5.252820", "type": "adres", "rows": "1",
        "fl": "weergavenaam,type,afstand"}).respond_with_json(answer)
    cache = GeocodeCache(tmp_path / "cache.json")
    g = PdokGeocoder(base_url=httpserver.url_for(ROOT), cache=cache)
    assert g.reverse(52.46078, 5.25282) == "Stationsplein 1, 9935AB Zandrecht"
    # cached: offline and with the server gone the answer stays
    offline = PdokGeocoder(base_url=free_server_url(), cache=GeocodeCache(tmp_path / "cache.json"),
                           offline=True)
    assert offline.reverse(52.46078, 5.25282) == "Stationsplein 1, 9935AB Zandrecht"
    assert offline.reverse(52.0, 5.0) == ""  # offline without an answer: no address
