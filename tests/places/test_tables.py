"""Reading the tables Dutch users make in Excel: dialects, encodings, decimal commas, xlsx."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from shapely.geometry import Point

from accessibility.errors import InputError
from accessibility.places.locations import read_locations
from accessibility.places.rd import looks_like_rd, rd_to_wgs84, to_wgs84
from accessibility.places.tables import (
    parse_number,
    read_user_table,
    rename_columns,
    sniff_delimiter,
)

DUTCH_EXCEL = (
    "Naam;Organisatie;Straat;Huisnummer;Postcode;Plaats;Breedtegraad;Lengtegraad;Soort;"
    "Capaciteit;Opmerking\r\n"
    "Herstelcentrum De Veenhaven;Stichting;Stationsstraat;12;9926AB;Veenstad;52,550392;"
    "5,269081;steunpunt;groot;kernlocatie\r\n"
    "Herstelacademie Noord;Stichting;;;;Veenstad;52,558474;5,258686;satelliet;1;\r\n"
    "Inloop De Molen;Stichting;Kerkstraat;4;9929AC;Molenwijk;;;Satelliet;0,5;dinsdag\r\n"
    "Zelfregiepunt Zandrecht;Stichting;Dorpsstraat;8;9935AA;Zandrecht;;;voorgesteld;1;\r\n"
)


def write_bytes(tmp_path: Path, data: bytes, name: str = "loc.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_semicolon_file_with_bom_as_dutch_excel_saves_it(tmp_path):
    """The file from the issue: before, 'lacks the required column(s) ['id', 'name'];
    found ['Naam;Adres;Postcode;Plaats']'."""
    path = write_bytes(tmp_path, b"\xef\xbb\xbf" + DUTCH_EXCEL.encode("utf-8"))
    table = read_user_table(path)
    assert (table.delimiter, table.encoding) == (";", "utf-8-sig")
    assert list(table.frame.columns)[:2] == ["Naam", "Organisatie"]
    ls = read_locations(path)
    # ids numbered 1.. when the file has no id column
    assert list(ls.pinned["id"]) == ["1", "2"]
    assert list(ls.pinned["kind"]) == ["steunpunt", "satellite"]
    assert list(ls.pinned["capacity_weight"]) == [2.0, 1.0]
    assert ls.pinned.geometry.iloc[0].equals(Point(5.269081, 52.550392))  # decimal commas
    # rows with street + house number and no coordinates: address to geocode
    assert list(ls.unpinned["address"]) == ["Kerkstraat 4", "Dorpsstraat 8"]
    assert list(ls.unpinned["kind"]) == ["satellite", "proposed"]
    assert list(ls.unpinned["capacity_weight"]) == [0.5, 1.0]
    assert set(ls.unpinned["problem"]) == {"no_geocoder"}


def test_windows_1252_and_tab_and_comma(tmp_path):
    text = "naam\tplaats\tlat\tlon\nCafé Hé\tHilversum\t52,22\t5,17\n"
    path = write_bytes(tmp_path, text.encode("cp1252"), "loc.txt")
    table = read_user_table(path)
    assert (table.encoding, table.delimiter) == ("cp1252", "\t")
    assert read_locations(path).pinned.iloc[0]["name"] == "Café Hé"
    comma = write_bytes(tmp_path, b"name,lat,lon\nA,52.2,5.1\n", "c.csv")
    assert read_user_table(comma).delimiter == ","


def test_sniffer_and_fallback():
    assert sniff_delimiter("a;b;c\n1;2;3\n") == ";"
    assert sniff_delimiter("naam\n") == ","  # one column
    assert sniff_delimiter('a;b\n"x;y";2\n') == ";"


@pytest.mark.parametrize(("text", "value"), [
    ("52,4694", 52.4694), ("52.4694", 52.4694), ("1.234,5", 1234.5), ("1,234.5", 1234.5),
    ("-0,5", -0.5), (" 3 ", 3.0), ("1e3", 1000.0),
])
def test_parse_number(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3x", "--1"])
def test_parse_number_rejects(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_xlsx_workbook_with_dutch_headers(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Naam", "Soort", "X", "Y", "Capaciteit"])
    ws.append(["Punt RD", "kandidaat", 140000, 470000, "klein"])
    ws.append([None, None, None, None, None])  # Excel leaves empty rows behind
    ws.append(["Punt graden", "steunpunt", None, None, 1])
    path = tmp_path / "loc.xlsx"
    wb.save(path)
    ws.delete_rows(4)
    wb.save(path)
    ls = read_locations(path)
    row = ls.pinned.iloc[0]
    assert (row["name"], row["kind"], row["capacity_weight"], row["source"]) == (
        "Punt RD", "proposed", 0.5, "coordinates")
    lat, lon = rd_to_wgs84(140000, 470000)
    assert row.geometry.equals(Point(lon, lat))
    assert 52.2 < lat < 52.3 and 5.1 < lon < 5.2  # Hilversum area


def test_rd_coordinates_in_lat_lon_columns_are_recognised(tmp_path):
    path = write_bytes(tmp_path, b"naam;lat;lon\nA;497011;145866\n")
    with pytest.raises(InputError, match=r"look like RD New \(EPSG:28992\).*columns x and y"):
        read_locations(path)


def test_crs_column_and_rd_bounds(tmp_path):
    path = write_bytes(tmp_path, b"naam;x;y;crs\nA;145866;497011;EPSG:28992\nB;5.17;52.22;4326\n")
    ls = read_locations(path)
    assert ls.pinned.geometry.iloc[1].equals(Point(5.17, 52.22))
    lat, lon = ls.pinned.geometry.iloc[0].y, ls.pinned.geometry.iloc[0].x
    assert 52.4 < lat < 52.5 and 5.2 < lon < 5.3
    with pytest.raises(InputError, match="outside the RD New area"):
        to_wgs84(497011, 145866)  # x and y swapped
    assert looks_like_rd(497011, 145866) and not looks_like_rd(52.2, 5.1)


def test_missing_name_column_is_bilingual_and_names_the_delimiter(tmp_path):
    path = write_bytes(tmp_path, b"Titel|Adres\nA|B\n")
    with pytest.raises(InputError) as exc:
        read_locations(path)
    message = str(exc.value)
    assert "lacks the required column(s) ['name']" in message
    assert "Verwacht / expected: naam/name" in message


def test_unknown_dutch_kind_lists_the_dutch_ones(tmp_path):
    path = write_bytes(tmp_path, b"naam;soort;lat;lon\nA;hub;52;5\n")
    with pytest.raises(InputError, match="steunpunt, satelliet of voorgesteld"):
        read_locations(path)


def test_rename_columns_exact_name_wins():
    import pandas as pd

    frame = pd.DataFrame(columns=["Naam", "name", "Woonplaats", "\ufeffPostcode", "Plaats"])
    out = rename_columns(frame, {"name": ("naam",), "city": ("woonplaats", "plaats"),
                                 "postcode": ()})
    assert list(out.columns) == ["Naam", "name", "city", "postcode", "Plaats"]
