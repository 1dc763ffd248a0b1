"""What the job commands print and write: hints, options, 80 columns, no log noise."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from reading import english_words, visible_text
from typer.testing import CliRunner

from accessibility.cli import app

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cache(cli_cache: Path) -> Path:
    return cli_cache


def invoke(*args: str, columns: int = 80):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns)})


def test_rd_coordinates_given_as_lat_lon_name_the_right_options(cache, tmp_path) -> None:
    """Before: 'lat=np.float64(497011.0)'."""
    r = invoke("check-location", "--lat", "497011", "--lon", "145866", "--cache-dir", str(cache),
               "--out", str(tmp_path / "c"), columns=200)
    assert r.exit_code == 1
    assert "lijken RD-coördinaten" in r.output and "gebruik --x 145866 --y 497011" in r.output
    assert "np.float64" not in r.output and not (tmp_path / "c").exists()


def test_offline_geocoding_hint_names_online_and_no_missing_option(cache, tmp_path) -> None:
    """Before: 'offline mode is on; run without --offline' (nobody passed --offline), and
    online a hint to '--pdok-url', which check-location does not have."""
    r = invoke("check-location", "--address", "Stationsplien 1, 9935AB Zandrecht",
               "--cache-dir", str(cache), "--out", str(tmp_path / "c"), columns=200)
    assert r.exit_code == 1
    assert "Tip: voeg --online toe" in r.output
    assert "--offline" not in r.output and "--pdok-url" not in r.output


def test_unreachable_geocoder_hint_names_only_what_check_location_has(cache, tmp_path,
                                                                      monkeypatch) -> None:
    import socket

    with socket.socket() as s:  # a local port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("ACCESSIBILITY_LOCATIESERVER_URL", f"http://127.0.0.1:{port}/ls")
    r = invoke("check-location", "--address", "Nieuwstraat 1, 9935AB Zandrecht", "--online",
               "--cache-dir", str(cache), "--out", str(tmp_path / "c"), columns=200)
    assert r.exit_code == 1
    assert "could not be reached" in r.output and "--pdok-url" not in r.output
    assert "$ACCESSIBILITY_LOCATIESERVER_URL" in r.output


def test_tables_fit_80_columns_and_no_library_noise(cache, tmp_path) -> None:
    r = invoke("whitespots", "--cache-dir", str(cache), "--out", str(tmp_path / "ws"))
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in r.output  # headers wrap instead of being cut
    assert "INFO" not in r.output and "pyogrio" not in r.output and "records" not in r.output
    assert "buurt(en)" not in r.output and "with 0 inhabitants" not in r.output
    assert "let op: 1 buurt zonder inwoners krijgt geen bevolkingspunten" in r.output
    assert "werkdag" in r.output and "weekday_" not in r.output  # windows by Dutch name
    # a rerun never replaces an earlier result without --overwrite
    again = invoke("whitespots", "--cache-dir", str(cache), "--out", str(tmp_path / "ws"))
    assert again.exit_code == 1 and "bestaat al" in again.output and "--overwrite" in again.output
    assert invoke("whitespots", "--cache-dir", str(cache), "--out", str(tmp_path / "ws"),
                  "--overwrite", "--lang", "en").exit_code == 0
    text = (tmp_path / "ws" / "rapport.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in text and "Summary" in text and "Samenvatting" not in text
    # the opening-hours, norm and capacity sections are English too, with whole people
    for english in ("Opening hours: reachable while open", "How sensitive is the norm?",
                    "Capacity in reach", "Days with access per municipality"):
        assert english in text
    for dutch in ("Openingstijden", "Hoe gevoelig", "Capaciteit binnen bereik",
                  "inwoners", "witte vlekken", "maandag", "aandeel_buiten_norm"):
        assert dutch not in text, dutch
    assert "25,515.0" not in text and "25,515" in text


def test_verbose_shows_library_logging(cache, tmp_path) -> None:
    import logging

    from accessibility.cli import configure_logging

    configure_logging(True)
    assert logging.getLogger("pyogrio").getEffectiveLevel() == logging.DEBUG
    configure_logging(False)
    assert logging.getLogger("pyogrio").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("accessibility.analysis.population").getEffectiveLevel() == (
        logging.ERROR)


def test_settings_on_the_command_line_reach_the_metadata_and_warn_on_holidays(cache,
                                                                              tmp_path) -> None:
    """Before: an explicit date on Eerste Kerstdag ran silently as a weekday, and no job
    took --date, --departure-time, --window, --norm or --max-time."""
    out = tmp_path / "iso"
    r = invoke("isochrones", "--cache-dir", str(cache), "--out", str(out), "--date",
               "25-12-2026", "--departure-time", "09:30", "--window", "30", "--norm", "30",
               "--max-time", "75", columns=200)
    assert r.exit_code == 0, r.output
    assert "Eerste Kerstdag" in r.output and "kerstvakantie" in r.output
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert meta["overrides"] == {"date": "2026-12-25", "departure_time": "09:30:00",
                                 "window_minutes": 30, "norm_minutes": 30,
                                 "max_time_minutes": 75}
    assert meta["norm_minutes"] == 30 and meta["max_time_minutes"] == 75
    assert meta["parameters"]["departure"].startswith("2026-12-25T09:30")
    assert any("Eerste Kerstdag" in w for w in meta["warnings"])
    bad = invoke("isochrones", "--cache-dir", str(cache), "--out", str(tmp_path / "x"),
                 "--norm", "100", columns=200)
    assert bad.exit_code == 1 and "--norm 100" in bad.output


def test_one_folder_per_candidate(cache, tmp_path) -> None:
    """Before: a rerun of check-location replaced the previous candidate's folder."""
    base = ["check-location", "--cache-dir", str(cache), "--out", str(tmp_path / "c")]
    first = invoke(*base, "--lat", "52.5540", "--lon", "5.2650", "--name", "Veenstad centrum")
    # the same point in RD New (x/y), as GIS users have it
    second = invoke(*base, "--x", "146711.8", "--y", "507382.4", "--name", "RD punt")
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    from openpyxl import load_workbook

    rows = {}
    for folder in ("Veenstad_centrum", "RD_punt"):
        ws = load_workbook(tmp_path / "c" / folder / "locatietoets.xlsx")["kandidaten"]
        header, row = [[c.value for c in r] for r in ws.iter_rows(max_row=2)]
        rows[folder] = dict(zip(header, row, strict=True))
    assert rows["RD_punt"]["breedtegraad (WGS84)"] == pytest.approx(52.5540, abs=1e-6)
    assert (rows["RD_punt"]["inwoners nieuw binnen norm"]
            == rows["Veenstad_centrum"]["inwoners nieuw binnen norm"])
    again = invoke(*base, "--lat", "52.5540", "--lon", "5.2650", "--name", "Veenstad centrum")
    assert again.exit_code == 1 and "bestaat al" in again.output


def test_suggest_stops_at_min_gain_with_baseline_and_percentages(cache, tmp_path) -> None:
    """Before: 'suggest -k 10' kept adding sites worth 0.3 EPA persons, no k=0 baseline,
    share_covered printed as '1.0'."""
    r = invoke("suggest", "-k", "10", "--cache-dir", str(cache), "--out", str(tmp_path / "s"),
               "--method", "greedy", columns=200)
    assert r.exit_code == 0, r.output
    assert re.search(r"daarom stellen we \d van de 10 gevraagde locaties voor", r.output)
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "s" / "suggesties.xlsx")
    curve = [[c.value for c in row] for row in wb["dekkingscurve"].iter_rows()]
    assert curve[0][:4] == ["aantal nieuwe steunpunten", "extra EPA-schatting binnen norm",
                            "extra EPA-schatting binnen norm (totaal)",
                            "% EPA-schatting binnen norm"]
    assert curve[1][0] == 0 and 50 < curve[1][3] < 100  # k = 0 baseline, a percentage
    chosen = [row for row in curve[1:] if row[4] == "ja"]
    assert all(row[1] >= 5.0 for row in chosen[1:])  # every chosen step adds >= --min-gain
    sites = [[c.value for c in row] for row in wb["voorgestelde locaties"].iter_rows()]
    header = sites[0]
    assert "breedtegraad (WGS84)" in header and "adres (invoer)" in header
    assert len(sites) - 1 == len(chosen) - 1
    report = visible_text(tmp_path / "s" / "rapport_suggesties.html")
    assert "Uitgangssituatie (k = 0" in report and "overschot" in report
    assert "buurtcentrum" in report and "buurt centre" not in report
    assert english_words(report) == set(), english_words(report)


def test_need_table_from_a_dutch_semicolon_file(tmp_path) -> None:
    """Before: 'need --table' on a semicolon file said the column name was missing."""
    table = tmp_path / "regios.csv"
    table.write_bytes(b"\xef\xbb\xbfNaam;Inwoners;Prevalentie;Gewogen\r\n"
                      b"Noord-Holland;2853359;1,30;48\r\nGroningen;583990;1,42;8\r\n")
    out = tmp_path / "behoefte.csv"
    r = invoke("need", "--table", str(table), "--out", str(out), columns=200)
    assert r.exit_code == 0, r.output
    import pandas as pd

    result = pd.read_csv(out)
    # De Galan table 2.4.1: Noord-Holland 56/111/167, Groningen 12/25/37
    assert list(result["need_15"]) == [56, 12] and list(result["need_45"]) == [167, 37]
    assert list(result["gap_15"]) == [8.0, 4.0]
    bad = tmp_path / "fout.csv"
    bad.write_text("Naam;Inwoners\nA;10\n", encoding="utf-8")
    r = invoke("need", "--table", str(bad), columns=200)
    assert r.exit_code == 1 and "prevalence_percent" in r.output and "Verwacht" in r.output
