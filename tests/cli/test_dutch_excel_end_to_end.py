"""A Dutch Excel user's file through geocode, isochrones, white spots and check-location.

The location list is saved the way Dutch Excel saves "CSV": semicolons, a
byte-order mark, decimal commas, Dutch headers and kinds. Every job must read
it, write an xlsx with Dutch headers and rounded values, and the reports must
be in Dutch only.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from reading import english_words, visible_text
from typer.testing import CliRunner

from accessibility.cli import app

REPO = Path(__file__).resolve().parents[2]
DUTCH_LOCATIONS = (
    "Nr;Naam;Organisatie;Adres;Postcode;Plaats;Breedtegraad;Lengtegraad;Soort;Capaciteit;"
    "Opmerking\r\n"
    "VS01;Herstelcentrum De Veenhaven;Herstelnetwerk;Stationsstraat 12;9926AB;Veenstad;"
    "52,550392;5,269081;steunpunt;2;kernlocatie\r\n"
    "VS02;Herstelacademie Veenstad-Noord;Herstelnetwerk;;;Veenstad;52,558474;5,258686;"
    "satelliet;1;alleen coördinaten\r\n"
    "VS03;Inloop De Molen;Herstelnetwerk;Kerkstraat 4;9929AC;Molenwijk;;;Satelliet;0,5;"
    "open op dinsdag\r\n"
    "VS04;Ontmoetingsplek Oosterhoeve;Heideland;Dorpsstraat 21;9928AD;Oosterhoeve;;;steunpunt;"
    "1;\r\n"
    "VS05;Zelfregiepunt Zandrecht;Herstelnetwerk;Dorpsstraat 8;9935AA;Zandrecht;;;voorgesteld;"
    "1;kandidaat\r\n"
    "VS06;Herstelwerkgroep Heideland;Heideland;;;Heidedorp;;;steunpunt;0,5;geen vaste locatie\r\n"
)
def sheet_rows(path: Path, sheet: str) -> list[list[object]]:
    return [[c.value for c in row] for row in load_workbook(path)[sheet].iter_rows()]


@pytest.fixture(scope="module")
def world(tmp_path_factory, cli_cache: Path) -> dict[str, Path]:
    """A region file pointing at the Dutch Excel location list, and a cache folder."""
    root = tmp_path_factory.mktemp("nl")
    locations = root / "steunpunten.csv"
    locations.write_bytes(b"\xef\xbb\xbf" + DUTCH_LOCATIONS.encode("utf-8"))
    toml = (REPO / "data" / "regions" / "demo.toml").read_text(encoding="utf-8")
    toml = toml.replace('locations = "data/demo/steunpunten.csv"', f'locations = "{locations}"')
    region = root / "demo.toml"
    region.write_text(toml, encoding="utf-8")
    cache = root / "geocode_cache.json"
    shutil.copy(REPO / "data" / "demo" / "geocode_cache.json", cache)
    return {"root": root, "locations": locations, "region": region, "cache": cache,
            "net": cli_cache}


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.output


def test_geocode_reads_the_dutch_file_and_writes_a_dutch_workbook(world) -> None:
    out = world["root"] / "geplaatst.gpkg"
    output = run("geocode", str(world["locations"]), "--out", str(out), "--offline",
                 "--cache", str(world["cache"]))
    assert "5 geplaatst, 1 niet geplaatst" in " ".join(output.split())
    rows = sheet_rows(out.with_suffix(".xlsx"), "locaties")
    header = rows[0]
    assert header[:5] == ["id", "naam", "soort", "capaciteit (gewicht)", "adres (invoer)"]
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert by_id["VS02"]["soort"] == "satelliet" and by_id["VS05"]["soort"] == "voorgesteld"
    assert by_id["VS03"]["capaciteit (gewicht)"] == 0.5
    assert by_id["VS01"]["breedtegraad (WGS84)"] == pytest.approx(52.550392)
    assert by_id["VS03"]["gevonden adres (geocoder)"] == "Kerkstraat 4, 9929AC Molenwijk"
    assert by_id["VS03"]["type match"] == "adres"
    unpinned = sheet_rows(out.with_suffix(".xlsx"), "niet geplaatst")
    assert unpinned[0] == ["regel", "id", "naam", "adres (invoer)", "plaats", "reden"]
    assert unpinned[1][1] == "VS06" and unpinned[1][5].startswith("geen coördinaten en geen adres")


def test_isochrones_workbook(world) -> None:
    out = world["root"] / "iso"
    run("isochrones", "--region", str(world["region"]), "--out", str(out),
        "--cache-dir", str(world["net"]))
    rows = sheet_rows(out / "isochrones.xlsx", "per locatie")
    header = rows[0]
    assert {"naam", "soort", "inwoners binnen 45 min", "EPA-schatting binnen 45 min",
            "oppervlak binnen 45 min (km²)"} <= set(header)
    people = [r[header.index("inwoners binnen 45 min")] for r in rows[1:]]
    assert all(isinstance(p, int) for p in people) and max(people) > 15_000
    epa = [r[header.index("EPA-schatting binnen 45 min")] for r in rows[1:]]
    assert all(round(e, 1) == e for e in epa)
    assert {r[header.index("soort")] for r in rows[1:]} == {"steunpunt", "satelliet",
                                                            "voorgesteld"}
    assert load_workbook(out / "isochrones.xlsx").sheetnames[0] == "toelichting"


def test_whitespots_workbook_and_dutch_report(world) -> None:
    out = world["root"] / "ws"
    output = run("whitespots", "--region", str(world["region"]), "--out", str(out),
                 "--cache-dir", str(world["net"]), "--excel-csv")
    assert "Witte-vlekbuurten: 18 van 42" in " ".join(output.split())
    rows = sheet_rows(out / "witte_vlekken.xlsx", "buurten")
    header = rows[0]
    assert header[:4] == ["buurtcode", "buurt", "gemeente", "inwoners"]
    t = header.index("mediane reistijd (min)")
    cls = header.index("reistijdklasse")
    for row in rows[1:]:
        assert row[t] is None or isinstance(row[t], int)
        # an empty travel time always comes with its class
        assert (row[t] is None) == (row[cls] in ("onbereikbaar", "geen inwoners"))
        assert isinstance(row[3], int)
    assert "inf" not in (out / "buurten.csv").read_text(encoding="utf-8-sig")
    assert (out / "buurten.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    csv_lines = (out / "buurten.csv").read_text(encoding="utf-8-sig").splitlines()
    assert csv_lines[0].split(";")[:4] == ["buurtcode", "buurt", "gemeente", "inwoners"]
    assert re.fullmatch(r"\d+", csv_lines[1].split(";")[3])  # whole people
    assert re.fullmatch(r"\d+,\d", csv_lines[1].split(";")[5])  # EPA: one decimal, comma
    reach = sheet_rows(out / "witte_vlekken.xlsx", "per steunpunt")
    assert reach[0][:2] == ["id", "naam"] and "inwoners binnen 30 min" in reach[0]
    text = visible_text(out / "rapport.html")
    assert english_words(text) == set(), english_words(text)
    assert "Bereik per steunpunt" in text and "tellen elk steunpunt als open" in text
    assert "De Galan Groep (2024), rapport voor de IZA-werkgroep" in text
    assert "IZA-norm" not in text and "zijn dan ook open" not in text
    assert not re.search(r"\d,\d mensen", text)  # no fractional people
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert meta["overrides"] == {}


def test_check_location_batch_from_a_dutch_workbook(world) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Naam", "Straat", "Huisnummer", "Postcode", "Woonplaats"])
    ws.append(["Station Zandrecht", "Stationsplein", 1, "9935AB", "Zandrecht"])
    ws.append(["Tikfout", "Stationsplien", 1, "9935AB", "Zandrecht"])
    ws.append(["Brink", "Brink", 3, "9940AA", "Heidedorp"])
    candidates = world["root"] / "kandidaten.xlsx"
    wb.save(candidates)
    out = world["root"] / "check"
    output = run("check-location", "--region", str(world["region"]), "--candidates",
                 str(candidates), "--out", str(out), "--cache-dir", str(world["net"]))
    folder = out / "kandidaten"
    flat = " ".join(output.split())
    assert "Tip: voeg --online toe" in flat and "--offline" not in flat
    assert "Geocoder vond voor 'Stationsplein 1'" in flat
    ranked = sheet_rows(folder / "locatietoets.xlsx", "kandidaten")
    header = ranked[0]
    assert header[:3] == ["rang", "id", "naam"]
    assert [r[2] for r in ranked[1:]] == ["Station Zandrecht", "Brink"]
    assert ranked[1][header.index("gevonden adres (geocoder)")] == (
        "Stationsplein 1, 9935AB Zandrecht")
    assert isinstance(ranked[1][header.index("inwoners nieuw binnen norm")], int)
    rejected = sheet_rows(folder / "locatietoets.xlsx", "niet doorgerekend")
    assert rejected[0] == ["id", "naam", "adres (invoer)", "reden"]
    assert rejected[1][1] == "Tikfout" and "online geocoderen staat uit" in rejected[1][3]
    text = visible_text(folder / "rapport_locatietoets.html")
    assert "Rangorde van de kandidaten" in text and "Niet doorgerekend" in text
    assert "gevonden door de geocoder: 'Brink 3, 9940AA Heidedorp'" in text
    assert english_words(text) == set(), english_words(text)
