"""Everything a job needs about one region, loaded once and shared.

The isochrone, white-spot, check-location and siting jobs all start from the
same inputs: the region configuration, the transport network, the steunpunten,
the buurten with their EPA estimate and the population points. This module
loads them lazily (a job only pays for what it uses) and turns the region's
analysis settings into a :class:`~accessibility.routing.TravelRequest`.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import numpy as np

from accessibility.analysis.buurten import Buurten, read_buurten, select_gemeenten
from accessibility.analysis.epa import EpaEstimate, estimate_epa, read_prevalence_table
from accessibility.analysis.population import PopulationPoints, population_points
from accessibility.config import (
    MODE_NAMES,
    RegionConfig,
    ResolvedInputs,
    TimeWindow,
    date_notices,
    load_region,
)
from accessibility.errors import ConfigError, InputError
from accessibility.gtfs import feed_date_range
from accessibility.jobs.settings import Overrides
from accessibility.notices import Notice
from accessibility.places.geocode import GeocodeCache, PdokGeocoder
from accessibility.places.locations import LocationSet, read_locations
from accessibility.routing import PointLinks, TransportMode, TransportNetwork, TravelRequest
from accessibility.routing.link_cache import cached_link_points

log = logging.getLogger(__name__)


@dataclass
class RegionData:
    """Lazily loaded inputs of one region.

    Parameters
    ----------
    config : RegionConfig
    cache_dir : Path, optional
        Cache root for fetched data and built networks.
    offline : bool
        Geocode from the cache only (default True: jobs never go online
        unless asked).
    overrides : Overrides
        Settings given on the command line, already applied to ``config``;
        kept for ``metadata.json``.
    """

    config: RegionConfig
    cache_dir: Path | None = None
    offline: bool = True
    warnings: list[str] = field(default_factory=list)
    overrides: Overrides = field(default_factory=Overrides)

    @classmethod
    def load(cls, region: str | Path, *, cache_dir: Path | None = None,
             offline: bool = True, overrides: Overrides | None = None) -> RegionData:
        """Load a region by name or path (:func:`accessibility.config.load_region`),
        with command-line ``overrides`` of its analysis settings."""
        overrides = overrides or Overrides()
        return cls(overrides.apply(load_region(region)), cache_dir=cache_dir, offline=offline,
                   overrides=overrides)

    @cached_property
    def inputs(self) -> ResolvedInputs:
        """Absolute input paths; a missing file gets an error that says to fetch it."""
        inputs = self.config.resolve_inputs(self.cache_dir)
        for what, path in (("OSM extract", inputs.osm), ("buurten", inputs.buurten),
                           *(("GTFS feed", g) for g in inputs.gtfs)):
            if not Path(path).exists():
                raise ConfigError(
                    f"region {self.config.name!r}: {what} {path} does not exist; run "
                    f"'accessibility data fetch --region {self.config.name}' first "
                    f"(or set it under [inputs] in {self.config.path})")
        return inputs

    @property
    def synthetic(self) -> bool:
        """True for the generated demo region."""
        return self.config.synthetic

    @cached_property
    def network(self) -> TransportNetwork:
        """Streets + timetable + stop links (cached on disk between runs)."""
        network_cache = None if self.cache_dir is None else Path(self.cache_dir) / "networks"
        return TransportNetwork(self.inputs.osm, list(self.inputs.gtfs), cache_dir=network_cache)

    def analysis_date(self, window: TimeWindow) -> dt.date:
        """Service date of a time window within the feeds' validity."""
        ranges = [feed_date_range(self.network.feed, fid) for fid in self.network.feed.feed_ids]
        ranges = [r for r in ranges if r is not None]
        if not ranges:
            raise InputError(f"the GTFS feeds {list(map(str, self.inputs.gtfs))} have no service dates")
        start = min(r[0] for r in ranges)
        end = max(r[1] for r in ranges)
        return window.analysis_date(start, end)

    def travel_request(self, window: TimeWindow | None = None) -> TravelRequest:
        """The region's routing request for its main window (or another one)."""
        a = self.config.analysis
        window = window or a.window
        optional: dict[str, object] = {}
        if a.max_time_walking_minutes is not None:
            optional["max_time_walking"] = dt.timedelta(minutes=a.max_time_walking_minutes)
        if a.snap_distance_m is not None:
            optional["snap_distance_m"] = a.snap_distance_m
        return TravelRequest(
            departure=window.departure(self.analysis_date(window)),
            departure_time_window=dt.timedelta(minutes=window.window_minutes),
            percentiles=(a.percentile,),
            max_time=dt.timedelta(minutes=a.max_time_minutes),
            speed_walking=a.speed_walking_kmh,
            **optional,
        )

    @cached_property
    def request(self) -> TravelRequest:
        """Routing request of the main analysis window; warns when its date is a public
        holiday or in school holidays."""
        request = self.travel_request()
        self.warnings.extend(date_notices(request.date))
        return request

    def caption_params(self, request: TravelRequest | None = None) -> dict[str, object]:
        """Parameters for map captions (keys of :func:`accessibility.outputs.maps.format_caption`)."""
        r = request or self.request
        end = r.departure + r.departure_time_window
        return {
            "date": r.date.isoformat(),
            "window": f"{r.departure:%H:%M}-{end:%H:%M}",
            "percentile": f"p{r.percentile}",
            "walking_speed_kmh": r.speed_walking,
            "max_trip_minutes": r.max_time_seconds // 60,
            "engine": "accessibility (profile search)",
            "norm_minutes": self.config.analysis.norm_minutes,
            "synthetic": self.synthetic,
        }

    @cached_property
    def locations(self) -> LocationSet:
        """Steunpunten of the region, geocoded from the cache (or online when allowed)."""
        if self.inputs.locations is None:
            raise ConfigError(f"region {self.config.name!r} has no [inputs] locations file "
                              f"in {self.config.path}")
        geocoder = PdokGeocoder(
            base_url=self.config.sources.locatieserver_url,
            cache=GeocodeCache(self.inputs.geocode_cache),
            offline=self.offline,
        )
        located = read_locations(self.inputs.locations, geocoder)
        if len(located.unpinned):
            for row in located.unpinned.itertuples():
                self.warnings.append(Notice("locations.not_on_map", id=row.id, name=row.name,
                                            reason=row.reason))
        if located.pinned.empty:
            raise InputError(f"{self.inputs.locations}: no location could be pinned to a point; "
                             "add coordinates or addresses")
        return located

    def steunpunten(self, kinds: tuple[str, ...] = ("steunpunt", "satellite")) -> gpd.GeoDataFrame:
        """Pinned locations of the given kinds (WGS84)."""
        pinned = self.locations.pinned
        chosen = pinned[pinned["kind"].isin(kinds)].reset_index(drop=True)
        if chosen.empty:
            raise InputError(f"{self.inputs.locations}: no location of kind {', '.join(kinds)}")
        return chosen

    @cached_property
    def buurten(self) -> Buurten:
        """CBS buurten of the region's gemeenten, in its metric CRS."""
        buurten = select_gemeenten(read_buurten(self.inputs.buurten, crs=self.config.crs),
                                   self.config.gemeenten, str(self.inputs.buurten))
        self.warnings.extend(buurten.warnings)
        return buurten

    @cached_property
    def epa(self) -> EpaEstimate:
        """Buurten with their EPA estimate (gemeente table, else province, else national)."""
        table = (read_prevalence_table(self.inputs.prevalence)
                 if self.inputs.prevalence is not None else None)
        estimate = estimate_epa(self.buurten.gdf, table, province=self.config.province)
        self.warnings.extend(estimate.warnings)
        return estimate

    @cached_property
    def population(self) -> PopulationPoints:
        """Population points on the analysis grid, near streets."""
        street_x, street_y = _street_xy(self.network.streets, self.config.crs)
        points = population_points(
            self.buurten.gdf, cell_size_m=self.config.analysis.grid_cell_m,
            street_x=street_x, street_y=street_y,
        )
        self.warnings.extend(points.warnings)
        return points

    def link(self, lat: np.ndarray, lon: np.ndarray, leg: str = "access",
             request: TravelRequest | None = None) -> PointLinks:
        """Snap points to the streets and link them to stops (``leg``: access or egress).

        With a cache folder the links are kept on disk (``<cache>/links``), so a
        warm run of the same points skips the street searches.
        """
        links_dir = None if self.cache_dir is None else Path(self.cache_dir) / "links"
        return cached_link_points(self.network, np.asarray(lat, float), np.asarray(lon, float),
                                  request or self.request, leg, links_dir)

    def mode_request(self, mode: str) -> TravelRequest:
        """The routing request of one mode of the per-mode white spots (``[modes]``).

        ``walk``: walking only; ``bike`` / ``ebike``: cycling at the region's
        bike / e-bike speed, or walking where that is quicker (a way closed to
        bikes, such as a campus path with ``bicycle=no``, can make the walk
        shorter; someone with a bike can still walk); ``pt``: the main request (walking and
        public transport); ``bike_pt``: public transport reached on foot or by
        bike (parked where ``bike_parking`` allows), walking from the last stop.
        """
        m = self.config.modes
        base = self.request
        if mode == "walk":
            return base.replace(transport_modes=(TransportMode.WALK,))
        if mode == "bike":
            return base.replace(transport_modes=(TransportMode.BICYCLE, TransportMode.WALK),
                                speed_cycling=m.speed_cycling_kmh)
        if mode == "ebike":
            return base.replace(transport_modes=(TransportMode.BICYCLE, TransportMode.WALK),
                                bike_profile="ebike", speed_cycling=m.speed_ebike_kmh)
        if mode == "pt":
            return base
        if mode == "bike_pt":
            return base.replace(access_modes=(TransportMode.WALK, TransportMode.BICYCLE),
                                speed_cycling=m.speed_cycling_kmh, bike_parking=m.bike_parking)
        raise ConfigError(f"unknown mode {mode!r}; use one of {list(MODE_NAMES)}")

    def with_window(self, name: str) -> TravelRequest:
        """The routing request of a named time window of the region."""
        return self.travel_request(self.config.time_window(name))


def _street_xy(streets, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """Street node coordinates in ``crs`` (metres)."""
    if streets.crs == crs:
        return streets.x, streets.y
    from pyproj import Transformer

    transformer = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    return transformer.transform(streets.lon, streets.lat)

