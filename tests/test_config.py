"""Tests of accessibility.config: region files, validation, date rule, holidays."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from accessibility.config import (
    available_regions,
    default_cache_dir,
    dutch_public_holidays,
    easter_sunday,
    load_region,
    pick_date,
)
from accessibility.errors import ConfigError

MINIMAL = 'name = "{name}"\ngemeenten = ["GM0402"]\n'


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake repo root with data/regions, and no environment overrides."""
    for var in ("ACCESSIBILITY_REGIONS_DIR", "ACCESSIBILITY_CACHE", "ACCESSIBILITY_GTFS_URL",
                "ACCESSIBILITY_OSM_URL", "ACCESSIBILITY_CBS_OGC_URL"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "data" / "regions").mkdir(parents=True)
    return tmp_path


def test_easter_known_dates() -> None:
    assert easter_sunday(2019) == dt.date(2019, 4, 21)
    assert easter_sunday(2024) == dt.date(2024, 3, 31)
    assert easter_sunday(2025) == dt.date(2025, 4, 20)
    assert easter_sunday(2026) == dt.date(2026, 4, 5)
    assert easter_sunday(2038) == dt.date(2038, 4, 25)  # latest possible


def test_dutch_holidays_2025() -> None:
    days = dutch_public_holidays(2025)
    assert days[dt.date(2025, 4, 18)] == "Goede Vrijdag"
    assert days[dt.date(2025, 4, 21)] == "Tweede Paasdag"
    assert days[dt.date(2025, 4, 26)] == "Koningsdag"  # 27 April 2025 is a Sunday
    assert days[dt.date(2025, 5, 29)] == "Hemelvaartsdag"
    assert days[dt.date(2025, 6, 9)] == "Tweede Pinksterdag"
    assert len(days) == 11


def test_pick_date_skips_holiday_and_respects_feed() -> None:
    # today Tue 2026-12-15: +7 days -> Tue 12-22
    assert pick_date("next-tuesday", dt.date(2026, 12, 1), dt.date(2027, 3, 1),
                     dt.date(2026, 12, 15)) == dt.date(2026, 12, 22)
    # today Tue 2027-04-20: +7 -> Tue 27 April = Koningsdag, skipped -> 4 May
    assert pick_date("next-tuesday", dt.date(2027, 1, 1), dt.date(2027, 6, 1),
                     dt.date(2027, 4, 20)) == dt.date(2027, 5, 4)
    # feed starts later than today + 7: first Tuesday on/after the feed start
    assert pick_date("next-tuesday", dt.date(2027, 2, 3), dt.date(2027, 6, 1),
                     dt.date(2026, 11, 1)) == dt.date(2027, 2, 9)
    # Sat 26 Dec 2026 is Tweede Kerstdag -> the Saturday after
    assert pick_date("next-saturday", dt.date(2026, 1, 1), dt.date(2027, 2, 1),
                     dt.date(2026, 12, 17)) == dt.date(2027, 1, 2)


def test_pick_date_outside_feed_raises() -> None:
    with pytest.raises(ConfigError, match=r"2026-11-01\.\.2026-11-20"):
        pick_date("next-tuesday", dt.date(2026, 11, 1), dt.date(2026, 11, 20), dt.date(2026, 11, 18))
    with pytest.raises(ConfigError, match="next-monday"):
        pick_date("every-tuesday", dt.date(2026, 11, 1), dt.date(2026, 12, 20))


def test_defaults_filled(root: Path) -> None:
    _write(root / "data" / "regions", "mini", MINIMAL.format(name="mini"))
    cfg = load_region("mini", repo_root=root)
    assert cfg.crs == "EPSG:28992" and cfg.buffer_km == 5.0 and not cfg.synthetic
    a = cfg.analysis
    assert a.date is None and a.date_rule == "next-tuesday"
    assert a.departure_time == dt.time(10, 0) and a.window_minutes == 60
    assert (a.percentile, a.max_time_minutes, a.norm_minutes) == (50, 90, 45)
    assert a.cutoffs_minutes == (15, 30, 45, 60) and a.speed_walking_kmh == 3.6
    assert set(cfg.time_windows) == {"weekday_daytime", "weekday_evening", "saturday"}
    assert cfg.time_window("weekday_evening").departure_time == dt.time(19, 0)
    assert cfg.sources.cbs_ogc_url == "https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1"
    with pytest.raises(ConfigError, match="known: saturday, weekday_daytime, weekday_evening"):
        cfg.time_window("night")


def test_fixed_date_pins_windows_and_checks_feed(root: Path) -> None:
    text = MINIMAL.format(name="fixed") + '[analysis]\ndate = 2026-12-01\ndeparture_time = "08:30"\n'
    _write(root / "data" / "regions", "fixed", text)
    cfg = load_region("fixed", repo_root=root)
    assert cfg.analysis.date == dt.date(2026, 12, 1)
    assert cfg.analysis_date(dt.date(2026, 11, 1), dt.date(2026, 12, 31)) == dt.date(2026, 12, 1)
    assert cfg.time_window("saturday").date == dt.date(2026, 12, 5)
    assert cfg.analysis.window.departure(dt.date(2026, 12, 1)) == dt.datetime(2026, 12, 1, 8, 30)
    with pytest.raises(ConfigError, match=r"2026-12-01 lies outside the feed validity"):
        cfg.analysis_date(dt.date(2027, 1, 1), dt.date(2027, 2, 1))


def test_window_rule_overrides_inherited_date(root: Path) -> None:
    text = MINIMAL.format(name="w") + (
        "[analysis]\ndate = 2026-12-01\n"
        '[time_windows.saturday]\ndate_rule = "next-saturday"\n'
    )
    _write(root / "data" / "regions", "w", text)
    cfg = load_region("w", repo_root=root)
    sat = cfg.time_window("saturday")
    assert sat.date is None and sat.departure_time == dt.time(11, 0)
    assert sat.analysis_date(dt.date(2026, 11, 1), dt.date(2027, 1, 31),
                             dt.date(2026, 11, 22)) == dt.date(2026, 12, 5)
    assert cfg.time_window("weekday_evening").date == dt.date(2026, 12, 1)


def test_unknown_region_lists_available(root: Path) -> None:
    _write(root / "data" / "regions", "alpha", MINIMAL.format(name="alpha"))
    _write(root / "data" / "regions", "beta", MINIMAL.format(name="beta"))
    with pytest.raises(ConfigError, match="available regions: alpha, beta"):
        load_region("gamma", repo_root=root)


def test_env_dir_searched_first_and_explicit_path(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(root / "data" / "regions", "x", MINIMAL.format(name="x") + 'title = "repo"\n')
    envdir = tmp_path / "elsewhere"
    _write(envdir, "x", MINIMAL.format(name="x") + 'title = "env"\n')
    monkeypatch.setenv("ACCESSIBILITY_REGIONS_DIR", str(envdir))
    assert load_region("x", repo_root=root).title == "env"
    assert load_region(root / "data" / "regions" / "x.toml", repo_root=root).title == "repo"
    assert available_regions(root) == ["x"]
    with pytest.raises(ConfigError, match="does not exist"):
        load_region(tmp_path / "nope.toml", repo_root=root)


@pytest.mark.parametrize(
    ("extra", "pattern"),
    [
        ("[analysis]\ncutoffs_minutes = [15, 30, 120]\n", r"analysis\.cutoffs_minutes = \[15, 30, 120\].*max_time_minutes = 90"),
        ("[analysis]\ncutoffs_minutes = [30, 15]\n", "strictly ascending"),
        ("[analysis]\npercentile = 150\n", r"analysis\.percentile = 150: must lie between 1 and 99"),
        ('[analysis]\ndeparture_time = "25:00"\n', r"analysis\.departure_time = '25:00'"),
        ('[analysis]\ndate_rule = "someday"\n', r"analysis\.date_rule = 'someday'"),
        ("[analysis]\nspeed_walking_kmh = true\n", "must be a number"),
        ('[analysis]\nnorm_minute = 45\n', r"unknown key\(s\) analysis\.norm_minute"),
        ("buffer_km = -1\n", r"buffer_km = -1"),
        ('crs = "EPSG:4326"\n', "geographic"),
        ('[sources]\ngtfs_url = "ftp://x"\n', r"sources\.gtfs_url = 'ftp://x'"),
        ("[time_windows.night]\nwindow_minutes = 0\n", r"time_windows\.night\.window_minutes = 0"),
        ("bbox = [5.3, 52.1, 5.1, 52.4]\n", "min_lon, min_lat"),
    ],
)
def test_invalid_values_name_file_key_value(root: Path, extra: str, pattern: str) -> None:
    path = _write(root / "data" / "regions", "bad", MINIMAL.format(name="bad") + extra)
    with pytest.raises(ConfigError, match=pattern) as info:
        load_region("bad", repo_root=root)
    assert str(path) in str(info.value)


def test_name_must_match_file(root: Path) -> None:
    _write(root / "data" / "regions", "file", MINIMAL.format(name="other"))
    with pytest.raises(ConfigError, match="name = 'other': must equal the file name 'file'"):
        load_region("file", repo_root=root)


def test_bad_gemeente_and_toml_syntax(root: Path) -> None:
    _write(root / "data" / "regions", "g", 'name = "g"\ngemeenten = ["0402"]\n')
    with pytest.raises(ConfigError, match=r"gemeenten = \['0402'\]"):
        load_region("g", repo_root=root)
    _write(root / "data" / "regions", "s", 'name = "s"\ngemeenten = [\n')
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_region("s", repo_root=root)


def test_synthetic_needs_local_inputs(root: Path) -> None:
    _write(root / "data" / "regions", "syn", MINIMAL.format(name="syn") + "synthetic = true\n")
    with pytest.raises(ConfigError, match="inputs.osm, inputs.gtfs, inputs.buurten"):
        load_region("syn", repo_root=root)


def test_resolve_inputs_local_and_cache(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = MINIMAL.format(name="r") + (
        '[inputs]\nosm = "data/r/streets.osm"\ngtfs = ["data/r/gtfs", "/abs/feed.zip"]\n'
        'locations = "data/r/steunpunten.csv"\n'
    )
    _write(root / "data" / "regions", "r", text)
    cfg = load_region("r", repo_root=root)
    cache = tmp_path / "cache"
    res = cfg.resolve_inputs(cache)
    assert res.osm == root.resolve() / "data/r/streets.osm"
    assert res.gtfs == (root.resolve() / "data/r/gtfs", Path("/abs/feed.zip"))
    assert res.buurten == cache.resolve() / "r" / "buurten.gpkg"
    assert res.geocode_cache == cache.resolve() / "r" / "geocode_cache.json"
    assert res.prevalence is None
    monkeypatch.setenv("ACCESSIBILITY_CACHE", str(tmp_path / "envcache"))
    assert default_cache_dir() == tmp_path / "envcache"
    assert cfg.resolve_inputs().buurten == (tmp_path / "envcache" / "r" / "buurten.gpkg").resolve()


def test_env_overrides_source_urls(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(root / "data" / "regions", "e", MINIMAL.format(name="e"))
    monkeypatch.setenv("ACCESSIBILITY_GTFS_URL", "http://localhost:1/gtfs.zip")
    monkeypatch.setenv("ACCESSIBILITY_OSM_URL", "http://a/1.pbf, http://a/2.pbf")
    cfg = load_region("e", repo_root=root)
    assert cfg.sources.gtfs_url == "http://localhost:1/gtfs.zip"
    assert cfg.sources.osm_urls == ("http://a/1.pbf", "http://a/2.pbf")


def test_shipped_gooi_region() -> None:
    cfg = load_region("gooi-en-vechtstreek")
    assert cfg.gemeenten == ("GM0376", "GM0317", "GM1942", "GM0402", "GM0406", "GM0417", "GM1696")
    assert cfg.buffer_km == 10 and not cfg.synthetic
    assert len(cfg.sources.osm_urls) == 2
    locations = cfg.resolve_inputs().locations
    assert locations is not None and locations.is_file()
    rows = locations.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "id,name,organisation,address,postcode,city,lat,lon,kind,capacity_weight,note"
    assert len(rows) == 4


def test_holidays_from_the_holidays_package_match_the_old_table() -> None:
    """The hand-written Easter table is replaced by the `holidays` package: same days."""
    from dateutil.easter import easter

    for year in (2024, 2025, 2026, 2027, 2030):
        e = easter(year)
        kings = dt.date(year, 4, 26) if dt.date(year, 4, 27).weekday() == 6 else dt.date(year, 4, 27)
        expected = {dt.date(year, 1, 1), e - dt.timedelta(days=2), e, e + dt.timedelta(days=1),
                    kings, dt.date(year, 5, 5), e + dt.timedelta(days=39),
                    e + dt.timedelta(days=49), e + dt.timedelta(days=50),
                    dt.date(year, 12, 25), dt.date(year, 12, 26)}
        assert set(dutch_public_holidays(year)) == expected, year


def test_date_notices_public_and_school_holidays() -> None:
    from accessibility.config import date_notices, dutch_school_holidays

    christmas = date_notices(dt.date(2026, 12, 25))
    assert [n.code for n in christmas] == ["date.public_holiday", "date.school_holiday"]
    assert "Eerste Kerstdag" in christmas[0].render("nl")
    assert "feestdag" in christmas[0].render("nl") and "--date" in christmas[0].render("nl")
    # summer 2026: region Zuid from 11 July, Noord from 4 July, Midden from 18 July
    assert dutch_school_holidays(dt.date(2026, 7, 13)) == {"Noord": "Zomervakantie",
                                                           "Zuid": "Zomervakantie"}
    summer = date_notices(dt.date(2026, 7, 13))
    assert summer[0].render("nl") == (
        "de analysedatum 13-07-2026 valt in de zomervakantie (schoolvakantieregio Noord, Zuid): "
        "sommige lijnen rijden dan minder vaak dan in een gewone schoolweek")
    assert date_notices(dt.date(2026, 12, 1)) == []  # the demo's Tuesday
@pytest.mark.parametrize(
    ("extra", "pattern"),
    [
        ("[opening_hours]\nmin_stay_minutes = -5\n", r"opening_hours\.min_stay_minutes = -5"),
        ('[opening_hours]\nday_departure_time = "8 uur"\n', r"day_departure_time = '8 uur'"),
        ("[opening_hours]\nday_window_minutes = 2000\n", r"day_window_minutes = 2000"),
        ("[opening_hours]\nstay = 60\n", r"unknown key\(s\) opening_hours\.stay"),
        ("[norm_sensitivity]\nto_minutes = 120\n", r"norm_sensitivity\.to_minutes = 120"),
        ("[norm_sensitivity]\ncompare_minutes = [60, 30]\n", "ascending"),
        ("[norm_sensitivity]\ncompare_minutes = [30, 40]\n", r"\[40\] not among analysis\.cutoffs"),
        ("[capacity]\nvisitors_per_week = 0\n", r"capacity\.visitors_per_week = 0"),
        ("[capacity]\ndecay_half_minutes = 200\n", r"capacity\.decay_half_minutes = 200"),
    ],
)
def test_invalid_measure_settings_name_file_key_value(root: Path, extra: str, pattern: str) -> None:
    path = _write(root / "data" / "regions", "bad", MINIMAL.format(name="bad") + extra)
    with pytest.raises(ConfigError, match=pattern) as info:
        load_region("bad", repo_root=root)
    assert str(path) in str(info.value)


def test_measure_settings_defaults_file_and_overrides(root: Path) -> None:
    _write(root / "data" / "regions", "r", MINIMAL.format(name="r"))
    cfg = load_region("r", repo_root=root)
    assert cfg.opening_hours.min_stay_minutes == 60
    assert cfg.opening_hours.day_departure_time == dt.time(8, 0)
    assert cfg.norm_sensitivity.compare_minutes == (30, 45, 60)
    assert cfg.capacity.visitors_per_week == 100 and cfg.decay_half_minutes == 45
    _write(root / "data" / "regions", "s", MINIMAL.format(name="s") + (
        '[opening_hours]\nmin_stay_minutes = 30\nday_departure_time = "09:00"\n'
        "[capacity]\ndecay_half_minutes = 30\n"))
    cfg = load_region("s", repo_root=root)
    assert cfg.opening_hours.min_stay_minutes == 30 and cfg.decay_half_minutes == 30
    changed = cfg.with_settings(opening_hours={"min_stay_minutes": 15, "day_window_minutes": None},
                                norm_sensitivity={"compare_minutes": [30, 60]})
    assert changed.opening_hours.min_stay_minutes == 15
    assert changed.opening_hours.day_departure_time == dt.time(9, 0)  # kept
    assert changed.norm_sensitivity.compare_minutes == (30, 60)
    assert changed.capacity == cfg.capacity
    with pytest.raises(ConfigError, match="min_stay_minutes = 'lang'"):
        cfg.with_settings(opening_hours={"min_stay_minutes": "lang"})
    with pytest.raises(ConfigError, match="unknown settings table"):
        cfg.with_settings(analysis={"norm_minutes": 30})
@pytest.mark.parametrize("name", available_regions())
def test_every_shipped_region_is_valid(name: str) -> None:
    """Each region file loads, its local inputs exist and real regions can be fetched."""
    cfg = load_region(name)
    assert cfg.name == name and cfg.gemeenten
    inputs = cfg.resolve_inputs()
    for path in (inputs.locations, inputs.prevalence, inputs.gemeente_regions):
        assert path is None or path.is_file(), path
    if cfg.synthetic:
        assert inputs.osm.is_file() and all(p.exists() for p in inputs.gtfs)
    else:
        assert cfg.sources.gtfs_url.startswith("https://") and cfg.sources.osm_urls
        assert inputs.locations is not None
    assert set(cfg.time_windows) >= {"weekday_daytime", "weekday_evening", "saturday"}


def test_shipped_national_region() -> None:
    import csv

    cfg = load_region("nederland")
    inputs = cfg.resolve_inputs()
    with open(inputs.gemeente_regions, encoding="utf-8") as fh:
        table = [row["gemeentecode"] for row in csv.DictReader(fh)]
    assert sorted(cfg.gemeenten) == sorted(table) and len(table) == 342
    with open(inputs.locations, encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 278
    assert cfg.sources.osm_urls == ("https://download.geofabrik.de/europe/netherlands-latest.osm.pbf",)
    assert cfg.analysis.grid_cell_m == 100 and cfg.analysis.max_time_walking_minutes == 30
