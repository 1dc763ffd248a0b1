"""Region configuration: one small TOML file per region, validated into frozen dataclasses.

A region file lives in ``data/regions/<name>.toml`` (see ``docs/data-sources.md``
for the schema). :func:`load_region` finds it, checks every value and fills in
the defaults, which are all defined in this module (``DEFAULT_*``).

Search order for a region name:

1. an explicit path to a ``.toml`` file;
2. ``$ACCESSIBILITY_REGIONS_DIR/<name>.toml``;
3. ``<repo root>/data/regions/<name>.toml``.

Source URLs can be overridden per key with environment variables
``ACCESSIBILITY_<KEY>_URL`` (for example ``ACCESSIBILITY_GTFS_URL``;
``ACCESSIBILITY_OSM_URL`` may hold several URLs separated by commas or spaces).
The download cache is ``$ACCESSIBILITY_CACHE`` (default ``~/.cache/accessibility``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from accessibility.errors import ConfigError
from accessibility.notices import Notice

REPO_ROOT = Path(__file__).resolve().parents[1]
"""Root of the source checkout (holds ``data/regions``)."""

REGIONS_ENV = "ACCESSIBILITY_REGIONS_DIR"
CACHE_ENV = "ACCESSIBILITY_CACHE"

# ---------------------------------------------------------------- defaults (one place)
DEFAULT_CRS = "EPSG:28992"
DEFAULT_BUFFER_KM = 5.0
DEFAULT_DATE_RULE = "next-tuesday"
DEFAULT_MIN_DAYS_AHEAD = 7
DEFAULT_ANALYSIS: dict[str, Any] = {
    "date": None,
    "date_rule": DEFAULT_DATE_RULE,
    "departure_time": "10:00",
    "window_minutes": 60,
    "percentile": 50,
    "max_time_minutes": 90,
    "speed_walking_kmh": 3.6,
    "max_time_walking_minutes": None,
    "snap_distance_m": None,
    "norm_minutes": 45,
    "cutoffs_minutes": [15, 30, 45, 60],
    "grid_cell_m": 200,
    "white_spot_share": 0.5,
}
DEFAULT_TIME_WINDOWS: dict[str, dict[str, Any]] = {
    "weekday_daytime": {"date_rule": "next-tuesday", "departure_time": "10:00", "window_minutes": 60},
    "weekday_evening": {"date_rule": "next-tuesday", "departure_time": "19:00", "window_minutes": 60},
    "saturday": {"date_rule": "next-saturday", "departure_time": "11:00", "window_minutes": 60},
}
DEFAULT_SOURCES: dict[str, Any] = {
    "gtfs_url": "https://gtfs.ovapi.nl/nl/gtfs-nl.zip",
    "osm_url": ["https://download.geofabrik.de/europe/netherlands/noord-holland-latest.osm.pbf"],
    "cbs_ogc_url": "https://api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1",
    "cbs_wfs_url": "https://service.pdok.nl/cbs/wijkenbuurten/{year}/wfs/v1_0",
    "cbs_year": 2024,
    "locatieserver_url": "https://api.pdok.nl/bzk/locatieserver/search/v3_1",
}
DEFAULT_OPENING_HOURS: dict[str, Any] = {
    "min_stay_minutes": 60,
    "day_departure_time": "08:00",
    "day_window_minutes": 720,
}
DEFAULT_NORM_SENSITIVITY: dict[str, Any] = {
    "from_minutes": 15,
    "to_minutes": 90,
    "step_minutes": 5,
    "compare_minutes": [30, 45, 60],
}
DEFAULT_CAPACITY: dict[str, Any] = {
    "visitors_per_week": 100,
    "decay_half_minutes": None,
}
DEFAULT_MODES: dict[str, Any] = {
    "modes": ["walk", "bike", "pt", "bike_pt"],
    "walk_norm_minutes": 15,
    "bike_norm_minutes": 15,
    "ebike_norm_minutes": 15,
    "bike_pt_norm_minutes": None,
    "speed_cycling_kmh": 15.0,
    "speed_ebike_kmh": 20.0,
    "bike_parking": "stations",
}
MODE_NAMES = ("walk", "bike", "ebike", "pt", "bike_pt")
"""The modes of the per-mode white-spot table: on foot, bike, e-bike, public transport
(with walking), bike and ride (walk or cycle to a station, public transport)."""
CACHE_FILES = {"osm": "osm.pbf", "gtfs": "gtfs.zip", "buurten": "buurten.gpkg",
               "geocode_cache": "geocode_cache.json"}
"""File names the fetch writes in ``<cache>/<region>/``."""

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TOP_KEYS = {"name", "title", "synthetic", "gemeenten", "province", "crs", "buffer_km", "bbox",
             "inputs", "analysis", "time_windows", "sources", "opening_hours",
             "norm_sensitivity", "capacity", "modes"}
_INPUT_KEYS = {"osm", "gtfs", "buurten", "locations", "geocode_cache", "prevalence",
               "gemeente_regions"}
_WINDOW_KEYS = {"date", "date_rule", "departure_time", "window_minutes"}
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_GEMEENTE_RE = re.compile(r"^GM\d{4}$")


# ------------------------------------------------------------------------ holidays
SCHOOL_REGIONS = ("Noord", "Midden", "Zuid")
"""The three school-holiday regions of the Dutch Ministry of Education."""


def easter_sunday(year: int) -> dt.date:
    """Date of Easter Sunday (Gregorian calendar, :func:`dateutil.easter.easter`).

    Parameters
    ----------
    year : int
        Calendar year (>= 1583).

    Returns
    -------
    datetime.date
    """
    from dateutil.easter import easter

    return easter(year)


def dutch_public_holidays(year: int) -> dict[dt.date, str]:
    """Dutch public holidays of one year, on which public transport runs a reduced service.

    From the ``holidays`` package (public and optional categories, Dutch names):
    includes Goede Vrijdag and Bevrijdingsdag (every year, not only lustrum
    years), because transport operators often run holiday timetables on them.

    Parameters
    ----------
    year : int

    Returns
    -------
    dict of datetime.date to str
        Date -> Dutch name.
    """
    import holidays

    days = holidays.NL(years=year, categories=("public", "optional"), language="nl")
    return {day: name.title() for day, name in sorted(days.items())}


def is_dutch_public_holiday(day: dt.date) -> bool:
    """True when ``day`` is a Dutch public holiday (see :func:`dutch_public_holidays`)."""
    return day in dutch_public_holidays(day.year)


def dutch_school_holidays(day: dt.date) -> dict[str, str]:
    """The school holidays ``day`` falls in, per school region.

    The dates are those the Ministry of Education sets for the regions Noord,
    Midden and Zuid (``holidays`` package, school category; 2014-2030; the
    summer break is not advisory, the others are recommended dates schools may
    depart from).

    Returns
    -------
    dict of str to str
        School region -> Dutch name of the holiday (``"Zomervakantie"``);
        empty when ``day`` is a school day in all three regions.
    """
    import holidays

    found = {}
    for region in SCHOOL_REGIONS:
        days = holidays.NL(years=day.year, subdiv=region, categories=("school",), language="nl")
        if day in days:
            found[region] = days[day]
    return found


def date_notices(day: dt.date) -> list[Notice]:
    """Warnings for an analysis date that is a public holiday or in school holidays."""
    notices = []
    holiday = dutch_public_holidays(day.year).get(day)
    if holiday is not None:
        notices.append(Notice("date.public_holiday", date=f"{day:%d-%m-%Y}", name=holiday))
    school = dutch_school_holidays(day)
    if school:
        names = sorted(set(school.values()))
        notices.append(Notice("date.school_holiday", date=f"{day:%d-%m-%Y}",
                              name=" / ".join(n.lower() for n in names),
                              regions=", ".join(school)))
    return notices


def pick_date(
    rule: str,
    feed_start: dt.date,
    feed_end: dt.date,
    today: dt.date | None = None,
    min_days_ahead: int = DEFAULT_MIN_DAYS_AHEAD,
) -> dt.date:
    """Apply a date rule ``next-<weekday>`` to a feed's validity period.

    The result is the first ``<weekday>`` at least ``min_days_ahead`` days after
    ``today`` (and not before ``feed_start``) that is not a Dutch public holiday.

    Parameters
    ----------
    rule : str
        ``"next-monday"`` .. ``"next-sunday"``.
    feed_start, feed_end : datetime.date
        First and last service date of the feed (inclusive).
    today : datetime.date, optional
        Defaults to the current local date.
    min_days_ahead : int
        Days between ``today`` and the earliest acceptable date.

    Returns
    -------
    datetime.date

    Raises
    ------
    ConfigError
        Unknown rule, or no such day inside the feed validity.
    """
    weekday = _parse_rule(rule, "date_rule", "<argument>")
    today = today or dt.date.today()
    day = max(today + dt.timedelta(days=min_days_ahead), feed_start)
    day += dt.timedelta(days=(weekday - day.weekday()) % 7)
    while day <= feed_end:
        if not is_dutch_public_holiday(day):
            return day
        day += dt.timedelta(days=7)
    raise ConfigError(
        f"date rule {rule!r}: no {_WEEKDAYS[weekday]} at least {min_days_ahead} days after "
        f"{today} that is not a public holiday lies inside the feed validity "
        f"{feed_start}..{feed_end}; download a newer feed or set analysis.date explicitly"
    )


# ----------------------------------------------------------------------- dataclasses
@dataclass(frozen=True)
class TimeWindow:
    """A departure window: date (fixed or by rule), start time and length.

    Attributes
    ----------
    name : str
    date : datetime.date or None
        A fixed date; when None, ``date_rule`` picks one from the feed validity.
    date_rule : str
        ``"next-<weekday>"``.
    departure_time : datetime.time
        Local time of the first departure of the window.
    window_minutes : int
        Length of the departure window in minutes.
    """

    name: str
    date: dt.date | None
    date_rule: str
    departure_time: dt.time
    window_minutes: int

    def analysis_date(
        self, feed_start: dt.date, feed_end: dt.date, today: dt.date | None = None
    ) -> dt.date:
        """The service date of this window for a feed valid ``feed_start..feed_end``.

        A fixed date outside the validity raises :class:`ConfigError`.
        """
        if self.date is not None:
            if not feed_start <= self.date <= feed_end:
                raise ConfigError(
                    f"time window {self.name!r}: date {self.date} lies outside the feed "
                    f"validity {feed_start}..{feed_end}; choose a date inside it or use "
                    f"date_rule = \"{self.date_rule}\""
                )
            return self.date
        return pick_date(self.date_rule, feed_start, feed_end, today)

    def departure(self, date: dt.date) -> dt.datetime:
        """Local departure datetime of the window on ``date``."""
        return dt.datetime.combine(date, self.departure_time)


@dataclass(frozen=True)
class AnalysisSettings:
    """Routing and analysis parameters (all reported next to every result).

    Attributes
    ----------
    window : TimeWindow
        The main departure window (``date``/``date_rule``/``departure_time``/``window_minutes``).
    percentile : int
        Percentile of travel times over the departure window (1..99).
    max_time_minutes : int
        Longest trip considered, minutes.
    speed_walking_kmh : float
        Walking speed, km/h.
    max_time_walking_minutes : int or None
        Longest walk of each walking leg (access, egress, walk only), minutes;
        None: ``max_time_minutes`` (the routing default, see ``docs/method.md``).
    snap_distance_m : float or None
        Points farther from a walkable street are not routed, metres; None:
        the routing default (1600 m).
    norm_minutes : int
        The accessibility norm (45 minutes in the IZA report), minutes.
    cutoffs_minutes : tuple of int
        Isochrone cutoffs, minutes, ascending, none above ``max_time_minutes``.
    grid_cell_m : float
        Cell size of the analysis grid, metres.
    white_spot_share : float
        A buurt is a white spot when more than this share (0..1) of its cells/people
        lies beyond the norm.
    """

    window: TimeWindow
    percentile: int
    max_time_minutes: int
    speed_walking_kmh: float
    max_time_walking_minutes: int | None
    snap_distance_m: float | None
    norm_minutes: int
    cutoffs_minutes: tuple[int, ...]
    grid_cell_m: float
    white_spot_share: float

    @property
    def date(self) -> dt.date | None:
        """The fixed analysis date, or None when a date rule applies."""
        return self.window.date

    @property
    def date_rule(self) -> str:
        return self.window.date_rule

    @property
    def departure_time(self) -> dt.time:
        return self.window.departure_time

    @property
    def window_minutes(self) -> int:
        return self.window.window_minutes


@dataclass(frozen=True)
class OpeningHoursSettings:
    """How opening hours count (region table ``[opening_hours]``).

    Attributes
    ----------
    min_stay_minutes : int
        An arrival counts when the steunpunt stays open at least this long
        afterwards (minutes before closing).
    day_departure_time : datetime.time
        First departure of the per-day (Monday..Sunday) analysis.
    day_window_minutes : int
        Length of the per-day departure window (minutes): the traveller may
        leave at any minute of it.
    """

    min_stay_minutes: int = DEFAULT_OPENING_HOURS["min_stay_minutes"]
    day_departure_time: dt.time = dt.time(8, 0)
    day_window_minutes: int = DEFAULT_OPENING_HOURS["day_window_minutes"]

    def to_table(self) -> dict[str, Any]:
        """The settings as a region-file table (for overrides and metadata)."""
        return {"min_stay_minutes": self.min_stay_minutes,
                "day_departure_time": f"{self.day_departure_time:%H:%M}",
                "day_window_minutes": self.day_window_minutes}


@dataclass(frozen=True)
class NormSensitivitySettings:
    """Norms of the sensitivity curve and of the compared maps (``[norm_sensitivity]``).

    Attributes
    ----------
    from_minutes, to_minutes, step_minutes : int
        The curve covers ``from, from + step, ..., to`` minutes.
    compare_minutes : tuple of int
        Norms whose white spots are compared and mapped (ascending; each one
        of ``analysis.cutoffs_minutes``, the map classes).
    """

    from_minutes: int = DEFAULT_NORM_SENSITIVITY["from_minutes"]
    to_minutes: int = DEFAULT_NORM_SENSITIVITY["to_minutes"]
    step_minutes: int = DEFAULT_NORM_SENSITIVITY["step_minutes"]
    compare_minutes: tuple[int, ...] = tuple(DEFAULT_NORM_SENSITIVITY["compare_minutes"])

    def to_table(self) -> dict[str, Any]:
        """The settings as a region-file table."""
        return {"from_minutes": self.from_minutes, "to_minutes": self.to_minutes,
                "step_minutes": self.step_minutes, "compare_minutes": list(self.compare_minutes)}


@dataclass(frozen=True)
class CapacitySettings:
    """The capacity-in-reach measure (E2SFCA, region table ``[capacity]``).

    Attributes
    ----------
    visitors_per_week : float
        Capacity of an average steunpunt (weight 1), visitors per week.
    decay_half_minutes : float or None
        Travel time at which the decay variant weighs capacity by 0.5
        (minutes); None: the norm.
    """

    visitors_per_week: float = float(DEFAULT_CAPACITY["visitors_per_week"])
    decay_half_minutes: float | None = None

    def to_table(self) -> dict[str, Any]:
        """The settings as a region-file table (``decay_half_minutes`` only when set)."""
        table: dict[str, Any] = {"visitors_per_week": self.visitors_per_week}
        if self.decay_half_minutes is not None:
            table["decay_half_minutes"] = self.decay_half_minutes
        return table


@dataclass(frozen=True)
class ModeSettings:
    """White spots per mode (region table ``[modes]``).

    Attributes
    ----------
    modes : tuple of str
        Modes computed, a subset of :data:`MODE_NAMES` in that order; ``pt``
        is the main analysis (walking and public transport).
    norms : mapping of str to int
        Norm per mode, minutes: ``walk`` 15, ``bike`` 15, ``ebike`` 15 by
        default; ``pt`` is ``[analysis] norm_minutes``; ``bike_pt`` defaults
        to the ``pt`` norm.
    speed_cycling_kmh, speed_ebike_kmh : float
        Cycling speeds of ``bike`` (15) and ``ebike`` (20), km/h.
    bike_parking : {"stations", "all"}
        Where bike and ride may park (see :class:`~accessibility.routing.TravelRequest`).
    """

    modes: tuple[str, ...] = ("walk", "bike", "pt", "bike_pt")
    norms: Mapping[str, int] = field(default_factory=lambda: MappingProxyType(
        {"walk": 15, "bike": 15, "ebike": 15, "pt": 45, "bike_pt": 45}))
    speed_cycling_kmh: float = 15.0
    speed_ebike_kmh: float = 20.0
    bike_parking: str = "stations"

    def to_table(self) -> dict[str, Any]:
        """The settings as a region-file table."""
        return {"modes": list(self.modes),
                **{f"{m}_norm_minutes": self.norms[m] for m in ("walk", "bike", "ebike", "bike_pt")},
                "speed_cycling_kmh": self.speed_cycling_kmh,
                "speed_ebike_kmh": self.speed_ebike_kmh, "bike_parking": self.bike_parking}


@dataclass(frozen=True)
class Sources:
    """Download locations (environment overrides already applied).

    Attributes
    ----------
    gtfs_url : str
        National GTFS feed (OVapi ``gtfs-nl.zip``).
    osm_urls : tuple of str
        One or more OSM PBF extracts (Geofabrik provinces) covering the region.
    cbs_ogc_url : str
        PDOK OGC API Features root of CBS wijken en buurten (``{year}`` filled in).
    cbs_wfs_url : str
        PDOK WFS endpoint of CBS wijken en buurten (``{year}`` filled in), fallback.
    cbs_year : int
        Year of the CBS wijken en buurten edition.
    locatieserver_url : str
        PDOK Locatieserver search root (geocoding; the ``/free`` endpoint lies below it).
    """

    gtfs_url: str
    osm_urls: tuple[str, ...]
    cbs_ogc_url: str
    cbs_wfs_url: str
    cbs_year: int
    locatieserver_url: str


@dataclass(frozen=True)
class Inputs:
    """Input paths as written in the file (relative to the repo root, or absolute)."""

    osm: str | None = None
    gtfs: tuple[str, ...] = ()
    buurten: str | None = None
    locations: str | None = None
    geocode_cache: str | None = None
    prevalence: str | None = None
    gemeente_regions: str | None = None


@dataclass(frozen=True)
class ResolvedInputs:
    """Absolute input paths of a region (files may not exist yet before a fetch).

    Attributes
    ----------
    osm : Path
        OSM PBF/XML extract.
    gtfs : tuple of Path
        GTFS feeds (zip files or folders).
    buurten : Path
        CBS buurten (GeoPackage or GeoJSON).
    locations : Path or None
        Steunpunten CSV.
    geocode_cache : Path
        JSON cache of geocoded addresses.
    prevalence : Path or None
        EPA prevalence table.
    gemeente_regions : Path or None
        Gemeente -> province / GGD region table; the white-spot job then also
        writes tables per province and GGD region.
    """

    osm: Path
    gtfs: tuple[Path, ...]
    buurten: Path
    locations: Path | None
    geocode_cache: Path
    prevalence: Path | None
    gemeente_regions: Path | None = None


@dataclass(frozen=True)
class RegionConfig:
    """A validated region configuration.

    Attributes
    ----------
    name : str
        Slug used for the file name and the cache folder.
    title : str
    synthetic : bool
        True for generated demo data (all inputs are local files).
    gemeenten : tuple of str
        CBS gemeente codes (``GM0402``).
    province : str
    crs : str
        Metric CRS for analysis (``EPSG:28992``).
    buffer_km : float
        Data around the region kept by the clipping, km.
    bbox : tuple of float or None
        Optional ``(min_lon, min_lat, max_lon, max_lat)`` in WGS84 degrees; when None
        the fetch derives it from the buurten of ``gemeenten``.
    inputs : Inputs
    analysis : AnalysisSettings
    time_windows : Mapping of str to TimeWindow
    sources : Sources
    path : Path
        The TOML file this came from.
    root : Path
        Base folder of relative input paths (the repository root).
    """

    name: str
    title: str
    synthetic: bool
    gemeenten: tuple[str, ...]
    province: str
    crs: str
    buffer_km: float
    bbox: tuple[float, float, float, float] | None
    inputs: Inputs
    analysis: AnalysisSettings
    time_windows: Mapping[str, TimeWindow]
    sources: Sources
    path: Path
    root: Path = field(default=REPO_ROOT)
    opening_hours: OpeningHoursSettings = field(default_factory=OpeningHoursSettings)
    norm_sensitivity: NormSensitivitySettings = field(default_factory=NormSensitivitySettings)
    capacity: CapacitySettings = field(default_factory=CapacitySettings)
    modes: ModeSettings = field(default_factory=ModeSettings)

    @property
    def decay_half_minutes(self) -> float:
        """Half-weight time of the capacity decay (minutes): the setting, else the norm."""
        half = self.capacity.decay_half_minutes
        return float(self.analysis.norm_minutes if half is None else half)

    def with_settings(self, **tables: Mapping[str, Any]) -> RegionConfig:
        """A copy with keys of ``[opening_hours]``, ``[norm_sensitivity]`` or ``[capacity]``
        changed (e.g. from the command line), validated like the region file.

        Parameters
        ----------
        **tables : mapping
            Table name -> the keys to change; None values are ignored.
        """
        parsers = {"opening_hours": _opening_hours, "norm_sensitivity": _norm_sensitivity,
                   "capacity": _capacity, "modes": _modes}
        unknown = sorted(set(tables) - set(parsers))
        if unknown:
            raise ConfigError(f"unknown settings table(s) {unknown}; known: {sorted(parsers)}")
        changes: dict[str, Any] = {}
        for name, overrides in tables.items():
            merged = {**getattr(self, name).to_table(),
                      **{k: v for k, v in overrides.items() if v is not None}}
            changes[name] = parsers[name](self.path, merged, self.analysis)
        return dataclasses.replace(self, **changes)

    def cache_dir(self, cache_root: Path | str | None = None) -> Path:
        """Folder ``<cache>/<name>`` the fetch writes into (absolute)."""
        base = Path(cache_root) if cache_root is not None else default_cache_dir()
        return (base.expanduser() / self.name).resolve()

    def resolve_inputs(self, cache_dir: Path | str | None = None) -> ResolvedInputs:
        """Absolute input paths; inputs the file omits are the fetched files in the cache.

        Parameters
        ----------
        cache_dir : Path or str, optional
            Cache root (the region folder ``<cache_dir>/<name>`` is used);
            defaults to :func:`default_cache_dir`.

        Returns
        -------
        ResolvedInputs
        """
        region_cache = self.cache_dir(cache_dir)

        def local(value: str | None) -> Path | None:
            if value is None:
                return None
            p = expand_user(value, f"[inputs] in {self.path}")
            return p if p.is_absolute() else (self.root / p).resolve()

        def cached(key: str) -> Path:
            return local(getattr(self.inputs, key)) or region_cache / CACHE_FILES[key]

        gtfs = tuple(local(g) for g in self.inputs.gtfs) or (region_cache / CACHE_FILES["gtfs"],)
        return ResolvedInputs(
            osm=cached("osm"),
            gtfs=gtfs,
            buurten=cached("buurten"),
            locations=local(self.inputs.locations),
            geocode_cache=cached("geocode_cache"),
            prevalence=local(self.inputs.prevalence),
            gemeente_regions=local(self.inputs.gemeente_regions),
        )

    def analysis_date(
        self, feed_start: dt.date, feed_end: dt.date, today: dt.date | None = None
    ) -> dt.date:
        """Service date of the main analysis window (see :meth:`TimeWindow.analysis_date`)."""
        return self.analysis.window.analysis_date(feed_start, feed_end, today)

    def time_window(self, name: str) -> TimeWindow:
        """A named time window; ConfigError listing the known ones when absent."""
        try:
            return self.time_windows[name]
        except KeyError:
            raise ConfigError(
                f"region {self.name!r} ({self.path}) has no time window {name!r}; "
                f"known: {', '.join(sorted(self.time_windows))}"
            ) from None


# --------------------------------------------------------------------------- loading
def expand_user(value: str | Path, what: str) -> Path:
    """``Path(value).expanduser()``; a ``~user`` that does not exist is a ConfigError."""
    try:
        return Path(value).expanduser()
    except RuntimeError as exc:  # "~nobody/x": Python cannot find that home folder
        raise ConfigError(f"{what}: cannot expand {str(value)!r} ({exc}); give the path in full") from None


def default_cache_dir() -> Path:
    """``$ACCESSIBILITY_CACHE`` or ``~/.cache/accessibility``."""
    return Path(os.environ.get(CACHE_ENV) or "~/.cache/accessibility").expanduser()


def region_dirs(repo_root: Path | None = None) -> list[Path]:
    """Folders searched for ``<name>.toml``, in order."""
    dirs = []
    env = os.environ.get(REGIONS_ENV)
    if env:
        dirs.append(Path(env).expanduser())
    dirs.append((repo_root or REPO_ROOT) / "data" / "regions")
    return dirs


def available_regions(repo_root: Path | None = None) -> list[str]:
    """Names of all region files found in :func:`region_dirs`."""
    names = {p.stem for d in region_dirs(repo_root) if d.is_dir() for p in d.glob("*.toml")}
    return sorted(names)


def find_region_file(name_or_path: str | Path, repo_root: Path | None = None) -> Path:
    """Locate a region TOML file (see the module docstring for the search order)."""
    candidate = expand_user(name_or_path, "the region")
    looks_like_path = (
        isinstance(name_or_path, Path) or candidate.suffix == ".toml" or len(candidate.parts) > 1
    )
    if looks_like_path:
        if candidate.is_file():
            return candidate.resolve()
        raise ConfigError(f"region file {candidate} does not exist; give an existing .toml file "
                          f"or one of the region names: {_listing(repo_root)}")
    for d in region_dirs(repo_root):
        p = d / f"{name_or_path}.toml"
        if p.is_file():
            return p.resolve()
    searched = ", ".join(str(d) for d in region_dirs(repo_root))
    raise ConfigError(f"unknown region {str(name_or_path)!r} (searched {searched}); "
                      f"available regions: {_listing(repo_root)}")


def _listing(repo_root: Path | None) -> str:
    return ", ".join(available_regions(repo_root)) or "(none)"


def load_region(name_or_path: str | Path, repo_root: Path | None = None) -> RegionConfig:
    """Read and validate a region configuration.

    Parameters
    ----------
    name_or_path : str or Path
        A region name (``"gooi-en-vechtstreek"``) or a path to a TOML file.
    repo_root : Path, optional
        Base of ``data/regions`` and of relative input paths; defaults to the
        checkout this package lives in.

    Returns
    -------
    RegionConfig

    Raises
    ------
    ConfigError
        Unknown region, unreadable TOML, or an invalid key/value (the message
        names the file, key and value).
    """
    root = (repo_root or REPO_ROOT).resolve()
    path = find_region_file(name_or_path, root)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the syntax") from exc
    return _parse(raw, path, root)


# ------------------------------------------------------------------------ validation
class _Checker:
    """Typed look-ups in a TOML table whose errors name the file, key and value."""

    def __init__(self, path: Path, table: Mapping[str, Any], prefix: str, allowed: set[str]):
        self.path, self.table, self.prefix = path, table, prefix
        if not isinstance(table, Mapping):
            raise ConfigError(f"{path}: [{prefix}] must be a table, got {table!r}")
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise ConfigError(
                f"{path}: unknown key(s) {', '.join(self.key(k) for k in unknown)}; "
                f"allowed: {', '.join(sorted(allowed))}"
            )

    def key(self, k: str) -> str:
        return f"{self.prefix}.{k}" if self.prefix else k

    def fail(self, k: str, value: Any, what: str) -> ConfigError:
        return ConfigError(f"{self.path}: {self.key(k)} = {value!r}: {what}")

    def get(self, k: str, default: Any) -> Any:
        return self.table.get(k, default)

    def string(self, k: str, default: Any = None, required: bool = False) -> str | None:
        if k not in self.table:
            if required:
                raise ConfigError(f"{self.path}: required key {self.key(k)} is missing")
            return default
        v = self.table[k]
        if not isinstance(v, str) or not v.strip():
            raise self.fail(k, v, "must be a non-empty string")
        return v

    def boolean(self, k: str, default: bool) -> bool:
        v = self.table.get(k, default)
        if not isinstance(v, bool):
            raise self.fail(k, v, "must be true or false")
        return v

    def number(self, k: str, default: float, lo: float, hi: float, integer: bool = False) -> Any:
        v = self.table.get(k, default)
        ok = isinstance(v, int) if integer else isinstance(v, int | float)
        if isinstance(v, bool) or not ok or not math.isfinite(v):
            raise self.fail(k, v, f"must be {'an integer' if integer else 'a number'}")
        if not lo <= v <= hi:
            raise self.fail(k, v, f"must lie between {lo:g} and {hi:g}")
        return int(v) if integer else float(v)

    def strings(self, k: str, default: Any) -> tuple[str, ...]:
        v = self.table.get(k, default)
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(s, str) and s.strip() for s in v):
            raise self.fail(k, v, "must be a string or a list of non-empty strings")
        return tuple(v)


def _parse_rule(rule: Any, key: str, path: Any) -> int:
    if isinstance(rule, str) and rule.startswith("next-") and rule[5:] in _WEEKDAYS:
        return _WEEKDAYS.index(rule[5:])
    raise ConfigError(f"{path}: {key} = {rule!r}: must be one of "
                      f"{', '.join('next-' + d for d in _WEEKDAYS)}")


def _clock(c: _Checker, key: str, tv: Any) -> dt.time:
    """A local time ``HH:MM`` (or ``HH:MM:SS``, or a TOML time) of key ``key``."""
    if isinstance(tv, dt.time):
        return tv
    m = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", tv) if isinstance(tv, str) else None
    if not m or int(m[1]) > 23 or int(m[2]) > 59 or int(m[3] or 0) > 59:
        raise c.fail(key, tv, "must be a local time HH:MM (00:00..23:59)")
    return dt.time(int(m[1]), int(m[2]), int(m[3] or 0))


def _window(path: Path, name: str, table: Mapping[str, Any], fallback: Mapping[str, Any],
            prefix: str) -> TimeWindow:
    c = _Checker(path, table, prefix, _WINDOW_KEYS | (set(DEFAULT_ANALYSIS) if prefix == "analysis" else set()))
    merged = {**fallback, **{k: v for k, v in table.items() if k in _WINDOW_KEYS}}
    if "date_rule" in table and "date" not in table:
        merged["date"] = None  # an explicit rule wins over a date inherited from [analysis]
    date = merged.get("date")
    if date is not None and not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError:
                raise c.fail("date", date, "must be a date YYYY-MM-DD") from None
        else:
            raise c.fail("date", date, "must be a date YYYY-MM-DD")
    rule = merged.get("date_rule", DEFAULT_DATE_RULE)
    _parse_rule(rule, c.key("date_rule"), path)
    dep = _clock(c, "departure_time", merged.get("departure_time"))
    wm = _Checker(path, {"window_minutes": merged.get("window_minutes")}, prefix,
                  {"window_minutes"}).number("window_minutes", None, 1, 24 * 60, integer=True)
    return TimeWindow(name=name, date=date, date_rule=rule, departure_time=dep, window_minutes=wm)


def _parse(raw: Mapping[str, Any], path: Path, root: Path) -> RegionConfig:
    top = _Checker(path, raw, "", _TOP_KEYS)
    name = top.string("name", default=path.stem)
    if not _NAME_RE.match(name):
        raise top.fail("name", name, "must be a slug of lower-case letters, digits, '-' or '_'")
    if name != path.stem:
        raise top.fail("name", name, f"must equal the file name {path.stem!r} (the region is "
                       "looked up by file name); rename the file or change name")
    title = top.string("title", default=name)
    synthetic = top.boolean("synthetic", False)
    gemeenten = top.strings("gemeenten", [])
    if not gemeenten:
        raise top.fail("gemeenten", raw.get("gemeenten"), "list at least one CBS code like 'GM0402'")
    bad = [g for g in gemeenten if not _GEMEENTE_RE.match(g)]
    if bad:
        raise top.fail("gemeenten", bad, "CBS gemeente codes look like 'GM0402'")
    province = top.string("province", default="")
    crs = top.string("crs", default=DEFAULT_CRS)
    _check_crs(top, crs)
    buffer_km = top.number("buffer_km", DEFAULT_BUFFER_KM, 0, 200)
    bbox = _bbox(top, raw.get("bbox"))

    inp = _Checker(path, raw.get("inputs", {}), "inputs", _INPUT_KEYS)
    inputs = Inputs(
        osm=inp.string("osm"),
        gtfs=inp.strings("gtfs", []),
        buurten=inp.string("buurten"),
        locations=inp.string("locations"),
        geocode_cache=inp.string("geocode_cache"),
        prevalence=inp.string("prevalence"),
        gemeente_regions=inp.string("gemeente_regions"),
    )
    if synthetic:
        missing = [k for k in ("osm", "gtfs", "buurten") if not getattr(inputs, k)]
        if missing:
            raise ConfigError(f"{path}: synthetic regions are not downloaded; set "
                              f"{', '.join('inputs.' + k for k in missing)} to local files")

    analysis = _analysis(path, raw.get("analysis", {}))
    windows: dict[str, TimeWindow] = {}
    tw_raw = raw.get("time_windows", {})
    if not isinstance(tw_raw, Mapping):
        raise ConfigError(f"{path}: [time_windows] must be a table of tables, got {tw_raw!r}")
    for wname in sorted(set(DEFAULT_TIME_WINDOWS) | set(tw_raw)):
        fallback = dict(DEFAULT_TIME_WINDOWS.get(wname, {
            "date_rule": analysis.window.date_rule,
            "departure_time": analysis.window.departure_time,
            "window_minutes": analysis.window.window_minutes,
        }))
        if analysis.date is not None:
            # a fixed analysis date pins the default windows to the same week
            weekday = _parse_rule(fallback["date_rule"], "date_rule", path)
            fallback["date"] = analysis.date + dt.timedelta(
                days=(weekday - analysis.date.weekday()) % 7)
        windows[wname] = _window(path, wname, tw_raw.get(wname, {}), fallback,
                                 f"time_windows.{wname}")

    return RegionConfig(
        name=name, title=title, synthetic=synthetic, gemeenten=gemeenten, province=province,
        crs=crs, buffer_km=buffer_km, bbox=bbox, inputs=inputs, analysis=analysis,
        time_windows=MappingProxyType(windows), sources=_sources(path, raw.get("sources", {})),
        path=path, root=root,
        opening_hours=_opening_hours(path, raw.get("opening_hours", {}), analysis),
        norm_sensitivity=_norm_sensitivity(path, raw.get("norm_sensitivity", {}), analysis),
        capacity=_capacity(path, raw.get("capacity", {}), analysis),
        modes=_modes(path, raw.get("modes", {}), analysis),
    )


def _check_crs(c: _Checker, crs: str) -> None:
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        parsed = CRS.from_user_input(crs)
    except CRSError:
        raise c.fail("crs", crs, "is not a known CRS; use a metric one like 'EPSG:28992'") from None
    if parsed.is_geographic:
        raise c.fail("crs", crs, "is geographic (degrees); use a metric CRS like 'EPSG:28992'")


def _bbox(c: _Checker, v: Any) -> tuple[float, float, float, float] | None:
    if v is None:
        return None
    ok = (isinstance(v, list) and len(v) == 4
          and all(isinstance(x, int | float) and not isinstance(x, bool) for x in v))
    if not ok or not (-180 <= v[0] < v[2] <= 180 and -90 <= v[1] < v[3] <= 90):
        raise c.fail("bbox", v, "must be [min_lon, min_lat, max_lon, max_lat] in WGS84 degrees")
    return (float(v[0]), float(v[1]), float(v[2]), float(v[3]))


def _analysis(path: Path, table: Mapping[str, Any]) -> AnalysisSettings:
    c = _Checker(path, table, "analysis", set(DEFAULT_ANALYSIS))
    window = _window(path, "analysis", table, DEFAULT_ANALYSIS, "analysis")
    d = DEFAULT_ANALYSIS
    max_time = c.number("max_time_minutes", d["max_time_minutes"], 1, 600, integer=True)
    norm = c.number("norm_minutes", d["norm_minutes"], 1, 600, integer=True)
    cut_raw = c.get("cutoffs_minutes", d["cutoffs_minutes"])
    if (not isinstance(cut_raw, list) or not cut_raw
            or not all(isinstance(x, int) and not isinstance(x, bool) and x > 0 for x in cut_raw)):
        raise c.fail("cutoffs_minutes", cut_raw, "must be a non-empty list of positive whole minutes")
    if sorted(set(cut_raw)) != list(cut_raw):
        raise c.fail("cutoffs_minutes", cut_raw, "must be strictly ascending")
    if cut_raw[-1] > max_time:
        raise c.fail("cutoffs_minutes", cut_raw,
                     f"cutoff {cut_raw[-1]} exceeds max_time_minutes = {max_time}; "
                     "raise max_time_minutes or drop the cutoff")
    if norm > max_time:
        raise c.fail("norm_minutes", norm, f"exceeds max_time_minutes = {max_time}")
    return AnalysisSettings(
        window=window,
        percentile=c.number("percentile", d["percentile"], 1, 99, integer=True),
        max_time_minutes=max_time,
        speed_walking_kmh=c.number("speed_walking_kmh", d["speed_walking_kmh"], 0.5, 10),
        max_time_walking_minutes=(None if "max_time_walking_minutes" not in table else
                                  c.number("max_time_walking_minutes", None, 1, max_time,
                                           integer=True)),
        snap_distance_m=(None if "snap_distance_m" not in table else
                         c.number("snap_distance_m", None, 0, 10_000)),
        norm_minutes=norm,
        cutoffs_minutes=tuple(cut_raw),
        grid_cell_m=c.number("grid_cell_m", d["grid_cell_m"], 10, 5000),
        white_spot_share=c.number("white_spot_share", d["white_spot_share"], 0, 1),
    )


def _opening_hours(path: Path, table: Mapping[str, Any],
                   analysis: AnalysisSettings) -> OpeningHoursSettings:
    d = DEFAULT_OPENING_HOURS
    c = _Checker(path, table, "opening_hours", set(d))
    return OpeningHoursSettings(
        min_stay_minutes=c.number("min_stay_minutes", d["min_stay_minutes"], 0, 24 * 60,
                                  integer=True),
        day_departure_time=_clock(c, "day_departure_time",
                                  c.get("day_departure_time", d["day_departure_time"])),
        day_window_minutes=c.number("day_window_minutes", d["day_window_minutes"], 1, 24 * 60,
                                    integer=True),
    )


def _norm_sensitivity(path: Path, table: Mapping[str, Any],
                      analysis: AnalysisSettings) -> NormSensitivitySettings:
    d = DEFAULT_NORM_SENSITIVITY
    c = _Checker(path, table, "norm_sensitivity", set(d))
    top = analysis.max_time_minutes
    first = c.number("from_minutes", d["from_minutes"], 1, top, integer=True)
    last = c.number("to_minutes", d["to_minutes"], first, top, integer=True)
    step = c.number("step_minutes", d["step_minutes"], 1, 600, integer=True)
    compare = c.get("compare_minutes", d["compare_minutes"])
    if (not isinstance(compare, list) or not compare
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in compare)
            or sorted(set(compare)) != list(compare)):
        raise c.fail("compare_minutes", compare, "must be a list of whole minutes, ascending")
    not_classes = [x for x in compare if x not in analysis.cutoffs_minutes]
    if not_classes:
        raise c.fail("compare_minutes", compare,
                     f"{not_classes} not among analysis.cutoffs_minutes "
                     f"{list(analysis.cutoffs_minutes)} (the map classes); add them there")
    return NormSensitivitySettings(first, last, step, tuple(compare))


def _capacity(path: Path, table: Mapping[str, Any], analysis: AnalysisSettings) -> CapacitySettings:
    d = DEFAULT_CAPACITY
    c = _Checker(path, table, "capacity", set(d))
    half = table.get("decay_half_minutes")
    return CapacitySettings(
        visitors_per_week=c.number("visitors_per_week", d["visitors_per_week"], 1, 100_000),
        decay_half_minutes=(None if half is None else
                            c.number("decay_half_minutes", None, 1, analysis.max_time_minutes)),
    )


def _modes(path: Path, table: Mapping[str, Any], analysis: AnalysisSettings) -> ModeSettings:
    d = DEFAULT_MODES
    c = _Checker(path, table, "modes", set(d))
    chosen = c.get("modes", d["modes"])
    if (not isinstance(chosen, list) or not chosen
            or not all(isinstance(m, str) and m in MODE_NAMES for m in chosen)
            or len(set(chosen)) != len(chosen)):
        raise c.fail("modes", chosen, f"must be a list of distinct modes out of {list(MODE_NAMES)}")
    top = analysis.max_time_minutes
    norms = {m: c.number(f"{m}_norm_minutes", d[f"{m}_norm_minutes"], 1, top, integer=True)
             for m in ("walk", "bike", "ebike")}
    norms["pt"] = analysis.norm_minutes
    bike_pt = table.get("bike_pt_norm_minutes")
    norms["bike_pt"] = (analysis.norm_minutes if bike_pt is None else
                        c.number("bike_pt_norm_minutes", None, 1, top, integer=True))
    parking = c.string("bike_parking", default=d["bike_parking"])
    if parking not in ("stations", "all"):
        raise c.fail("bike_parking", parking, "must be 'stations' or 'all'")
    return ModeSettings(
        modes=tuple(m for m in MODE_NAMES if m in chosen),
        norms=MappingProxyType(norms),
        speed_cycling_kmh=c.number("speed_cycling_kmh", d["speed_cycling_kmh"], 3, 45),
        speed_ebike_kmh=c.number("speed_ebike_kmh", d["speed_ebike_kmh"], 3, 45),
        bike_parking=parking,
    )


def _sources(path: Path, table: Mapping[str, Any]) -> Sources:
    c = _Checker(path, table, "sources", set(DEFAULT_SOURCES))
    d = DEFAULT_SOURCES
    year = c.number("cbs_year", d["cbs_year"], 2000, 2100, integer=True)

    def url(key: str) -> str:
        env = os.environ.get(f"ACCESSIBILITY_{key.upper()}")
        value = env if env else c.string(key, default=d[key])
        if not re.match(r"^(https?|file)://", value):
            where = f"environment variable ACCESSIBILITY_{key.upper()}" if env else f"{path}: sources.{key}"
            raise ConfigError(f"{where} = {value!r}: must be an http(s):// or file:// URL")
        return value.format(year=year)

    env_osm = os.environ.get("ACCESSIBILITY_OSM_URL")
    osm = tuple(re.split(r"[,\s]+", env_osm.strip())) if env_osm else c.strings("osm_url", d["osm_url"])
    for u in osm:
        if not re.match(r"^(https?|file)://", u):
            raise ConfigError(f"{path}: sources.osm_url contains {u!r}: must be an http(s):// URL "
                              "(or set ACCESSIBILITY_OSM_URL)")
    return Sources(
        gtfs_url=url("gtfs_url"), osm_urls=osm, cbs_ogc_url=url("cbs_ogc_url"),
        cbs_wfs_url=url("cbs_wfs_url"), cbs_year=year, locatieserver_url=url("locatieserver_url"),
    )
