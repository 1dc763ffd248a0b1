"""Geocoding of addresses with the PDOK Locatieserver (or Nominatim), cached on disk.

Every raw answer body is stored in a :class:`GeocodeCache`, a JSON file that maps
the normalised query (``" ".join(query.lower().split())``) to the body the service
returned. A rerun with the same cache is offline and reproducible.

The PDOK Locatieserver ``/free`` endpoint answers Solr-style JSON::

    {"response": {"numFound": 2, "start": 0, "maxScore": 14.2,
                  "docs": [{"type": "adres", "weergavenaam": "Kerkstraat 1, 1211AB Hilversum",
                            "score": 14.2, "centroide_ll": "POINT(5.17 52.22)",
                            "centroide_rd": "POINT(140000 470000)", "gemeentecode": "0402",
                            ...}, ...]}}
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import pandas as pd
import requests

from accessibility.errors import GeocodeError, InputError
from accessibility.io import write_text_atomic
from accessibility.notices import Notice

log = logging.getLogger(__name__)

DEFAULT_PDOK_URL = "https://api.pdok.nl/bzk/locatieserver/search/v3_1"
PDOK_URL_ENV = "ACCESSIBILITY_PDOK_LOCATIESERVER_URL"
DEFAULT_FQ = "type:adres"
CITY_FQ = "type:woonplaats"
PDOK_FIELDS = (
    "id,type,weergavenaam,score,centroide_ll,centroide_rd,"
    "gemeentecode,gemeentenaam,woonplaatsnaam,postcode"
)
_POINT_RE = re.compile(r"^\s*POINT\s*\(\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\)\s*$")
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})

Status = Literal["matched", "ambiguous", "unmatched"]


class GeocodeOffline(GeocodeError):
    """No cached answer and online geocoding is off (the caller says which option turns it on)."""


class GeocodeUnreachable(GeocodeError):
    """No cached answer and the service could not be reached or kept failing."""


def problem_of(exc: GeocodeError) -> str:
    """The problem code of a geocoding error: ``offline``, ``unreachable`` or ``error``."""
    if isinstance(exc, GeocodeOffline):
        return "offline"
    if isinstance(exc, GeocodeUnreachable):
        return "unreachable"
    return "error"


def normalise_query(query: str) -> str:
    """Return the cache key of a query: lower case, runs of whitespace collapsed."""
    return " ".join(str(query).lower().split())


def build_query(address: str, postcode: str = "", city: str = "") -> str:
    """Build the geocoding query ``"<address>, <postcode> <city>"`` of a location row.

    Empty parts are left out (``"<address>, <city>"`` without a postcode). This is the
    exact query format of the cache shipped with the demo region.
    """
    place = " ".join(f"{postcode or ''} {city or ''}".split())
    address = " ".join(str(address or "").split())
    if not address:
        raise InputError("cannot build a geocoding query without an address")
    return f"{address}, {place}" if place else address


class GeocodeCache:
    """Raw geocoder answers on disk, keyed by the normalised query.

    Parameters
    ----------
    path
        JSON file (created on the first :meth:`put`). ``None`` keeps the cache in
        memory only.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._entries: dict[str, Any] = {}
        if self.path is not None and self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise InputError(
                    f"geocode cache {self.path} is not valid JSON ({exc}); "
                    "repair it or delete it to start a new cache"
                ) from exc
            if not isinstance(data, dict):
                raise InputError(
                    f"geocode cache {self.path} must hold a JSON object mapping queries to "
                    f"answers, found {type(data).__name__}; delete it to start a new cache"
                )
            self._entries = {normalise_query(k): v for k, v in data.items()}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, query: str) -> bool:
        return normalise_query(query) in self._entries

    def get(self, query: str) -> Any | None:
        """Return the cached raw body of ``query`` or ``None``."""
        return self._entries.get(normalise_query(query))

    def put(self, query: str, body: Any) -> None:
        """Store the raw body of ``query`` and rewrite the file atomically."""
        self._entries[normalise_query(query)] = body
        if self.path is not None:
            text = json.dumps(self._entries, ensure_ascii=False, indent=1, sort_keys=True)
            write_text_atomic(self.path, text + "\n")


@dataclass(frozen=True)
class GeocodeResult:
    """The interpretation of one geocoder answer.

    Attributes
    ----------
    query
        The query as sent.
    status
        ``matched``, ``ambiguous`` (two best candidates score alike and differ) or
        ``unmatched`` (no candidate).
    lat, lon
        WGS84 degrees of the best candidate (``None`` when unmatched).
    match_type
        PDOK doc ``type`` (adres, woonplaats, ...) or Nominatim ``type``.
    score
        Score of the best candidate (PDOK Solr score, Nominatim importance).
    weergavenaam
        Display name of the best candidate.
    gemeentecode
        PDOK gemeentecode (4 digits, e.g. ``"0402"``); ``None`` for Nominatim.
    provider
        ``pdok`` or ``nominatim``.
    candidates
        Number of candidates the service reported (PDOK ``numFound``).
    from_cache
        Whether the answer came from the cache.
    message
        Why the result is ambiguous or unmatched (empty when matched); a
        :class:`~accessibility.notices.Notice`, rendered in Dutch or English.
    """

    query: str
    status: Status
    lat: float | None
    lon: float | None
    match_type: str | None
    score: float | None
    weergavenaam: str | None
    gemeentecode: str | None
    provider: str
    candidates: int
    from_cache: bool
    message: str = ""


class Geocoder(Protocol):
    """What :func:`geocode_table` and :func:`accessibility.places.locations.read_locations` need."""

    provider: str

    def geocode(self, query: str, *, fq: str | None = None) -> GeocodeResult: ...


def parse_point(wkt: str) -> tuple[float, float]:
    """Parse PDOK ``"POINT(lon lat)"`` into ``(lon, lat)``."""
    m = _POINT_RE.match(str(wkt))
    if m is None:
        raise GeocodeError(f"cannot read the point {wkt!r}; expected 'POINT(lon lat)'")
    return float(m.group(1)), float(m.group(2))


def interpret_pdok(
    query: str, body: Mapping[str, Any], *, ambiguity_ratio: float = 0.9, from_cache: bool = False
) -> GeocodeResult:
    """Turn a raw Locatieserver ``/free`` answer into a :class:`GeocodeResult`.

    Parameters
    ----------
    query
        The query the answer belongs to (used in messages).
    body
        The decoded JSON body.
    ambiguity_ratio
        The answer is ambiguous when the second candidate scores at least this
        fraction of the best score and has a different ``weergavenaam``.
    from_cache
        Recorded in the result.
    """
    try:
        response = body["response"]
        docs = list(response["docs"])
        num_found = int(response.get("numFound", len(docs)))
    except (KeyError, TypeError, ValueError) as exc:
        raise GeocodeError(
            f"the Locatieserver answer for {query!r} has no response.docs ({exc!r}); "
            "check the service URL or delete this entry from the geocode cache"
        ) from exc
    if not docs:
        return GeocodeResult(query, "unmatched", None, None, None, None, None, None, "pdok",
                             num_found, from_cache, Notice("geocode.no_candidate"))
    best = docs[0]
    lon, lat = parse_point(best.get("centroide_ll", ""))
    score = float(best.get("score", 0.0))
    status: Status = "matched"
    message = ""
    if len(docs) > 1:
        second = docs[1]
        second_score = float(second.get("score", 0.0))
        if (
            second_score >= ambiguity_ratio * score
            and second.get("weergavenaam") != best.get("weergavenaam")
        ):
            status = "ambiguous"
            message = Notice("geocode.ambiguous_scored", best=best.get("weergavenaam"),
                             score=f"{score:g}", second=second.get("weergavenaam"),
                             second_score=f"{second_score:g}")
    gemeentecode = best.get("gemeentecode")
    return GeocodeResult(
        query=query,
        status=status,
        lat=lat,
        lon=lon,
        match_type=best.get("type"),
        score=score,
        weergavenaam=best.get("weergavenaam"),
        gemeentecode=str(gemeentecode) if gemeentecode is not None else None,
        provider="pdok",
        candidates=num_found,
        from_cache=from_cache,
        message=message,
    )


def resolve_pdok_url(base_url: str | None = None) -> str:
    """The Locatieserver base URL: the argument, else ``$ACCESSIBILITY_PDOK_LOCATIESERVER_URL``,
    else the public PDOK service."""
    url = base_url or os.environ.get(PDOK_URL_ENV) or DEFAULT_PDOK_URL
    return url.rstrip("/")


class PdokGeocoder:
    """Geocoder on the PDOK Locatieserver ``/free`` endpoint.

    Parameters
    ----------
    base_url
        Service root (``.../search/v3_1``); default from ``$ACCESSIBILITY_PDOK_LOCATIESERVER_URL``
        or the public PDOK service.
    cache
        Where raw answers are stored; default an in-memory cache.
    timeout
        Seconds per HTTP request.
    session
        A ``requests.Session`` to reuse (default: a new one).
    fq
        Default Solr filter query (``type:adres``).
    rows
        Number of candidates to ask for (at least 2 to detect ambiguity).
    offline
        Answer from the cache only; a miss raises :class:`GeocodeError`.
    ambiguity_ratio
        See :func:`interpret_pdok`.
    max_retries
        Extra attempts after HTTP 429/5xx.
    backoff
        Seconds before the first retry; doubles per retry (capped at 10 s).
    """

    provider = "pdok"

    def __init__(
        self,
        base_url: str | None = None,
        cache: GeocodeCache | None = None,
        timeout: float = 10,
        session: requests.Session | None = None,
        *,
        fq: str = DEFAULT_FQ,
        rows: int = 5,
        offline: bool = False,
        ambiguity_ratio: float = 0.9,
        max_retries: int = 3,
        backoff: float = 1.0,
    ) -> None:
        if rows < 2:
            raise InputError(f"rows must be at least 2 to detect ambiguous answers, got {rows}")
        if not 0 < ambiguity_ratio <= 1:
            raise InputError(f"ambiguity_ratio must lie in (0, 1], got {ambiguity_ratio}")
        self.base_url = resolve_pdok_url(base_url)
        self.cache = cache if cache is not None else GeocodeCache()
        self.timeout = timeout
        self.session = session or requests.Session()
        self.fq = fq
        self.rows = rows
        self.offline = offline
        self.ambiguity_ratio = ambiguity_ratio
        self.max_retries = max_retries
        self.backoff = backoff

    def cache_key(self, query: str, fq: str) -> str:
        """Cache key: the query itself for the default ``type:adres`` filter, else
        the query followed by ``[fq=...]``."""
        return query if fq == DEFAULT_FQ else f"{query} [fq={fq}]"

    def geocode(self, query: str, *, fq: str | None = None) -> GeocodeResult:
        """Geocode one query (cache first, then the service).

        Raises
        ------
        GeocodeError
            Offline or unreachable without a cached answer, repeated HTTP errors,
            or an answer in an unexpected format.
        """
        fq = fq or self.fq
        key = self.cache_key(query, fq)
        cached = self.cache.get(key)
        if cached is not None:
            return interpret_pdok(query, cached, ambiguity_ratio=self.ambiguity_ratio,
                                  from_cache=True)
        where = f"in {self.cache.path}" if self.cache.path else "in the (in-memory) cache"
        if self.offline:
            raise GeocodeOffline(
                f"no cached answer for {query!r} {where} and online geocoding is off "
                f"(offline mode), so {self.base_url}/free was not asked"
            )
        params = {"q": query, "fq": fq, "rows": str(self.rows), "fl": PDOK_FIELDS}
        body = self._fetch("free", params, query, where)
        result = interpret_pdok(query, body, ambiguity_ratio=self.ambiguity_ratio)
        self.cache.put(key, body)  # only answers that could be read are cached
        return result

    def reverse(self, lat: float, lon: float) -> str:
        """The display name of the nearest address of a WGS84 point (``/reverse``).

        Cached like :meth:`geocode` (key ``"reverse: <lat>,<lon>"``, 6 decimals).
        Returns ``""`` when there is no address nearby, or offline without a
        cached answer (an address is a courtesy next to the coordinates).

        Raises
        ------
        GeocodeError
            When the service cannot be reached or answers in an unexpected format.
        """
        key = f"reverse: {lat:.6f},{lon:.6f}"
        body = self.cache.get(key)
        if body is None:
            if self.offline:
                return ""
            where = f"in {self.cache.path}" if self.cache.path else "in the (in-memory) cache"
            params = {"lat": f"{lat:.6f}", "lon": f"{lon:.6f}", "type": "adres", "rows": "1",
                      "fl": "weergavenaam,type,afstand"}
            body = self._fetch("reverse", params, key, where)
            self.cache.put(key, body)
        try:
            docs = body["response"]["docs"]
        except (KeyError, TypeError) as exc:
            raise GeocodeError(f"the Locatieserver answer for {key!r} has no response.docs "
                               f"({exc!r}); check the service URL") from exc
        return str(docs[0].get("weergavenaam", "")) if docs else ""

    def _fetch(self, endpoint: str, params: dict[str, str], query: str, where: str) -> Any:
        url = f"{self.base_url}/{endpoint}"
        attempt = 0
        while True:
            try:
                resp = self.session.get(url, params=params, timeout=self.timeout)
            except requests.RequestException as exc:
                raise GeocodeUnreachable(
                    f"no cached answer for {query!r} {where} and the service at {url} could "
                    f"not be reached ({type(exc).__name__}); check the network or the "
                    "Locatieserver URL"
                ) from exc
            if resp.status_code in _RETRY_STATUS and attempt < self.max_retries:
                delay = min(self.backoff * 2**attempt, 10.0)
                log.warning("%s answered HTTP %d for %r; retry %d/%d in %.1f s", url,
                            resp.status_code, query, attempt + 1, self.max_retries, delay)
                time.sleep(delay)
                attempt += 1
                continue
            if resp.status_code != 200:
                raise GeocodeUnreachable(
                    f"{url} answered HTTP {resp.status_code} for {query!r} after "
                    f"{attempt + 1} attempt(s): {resp.text[:200]!r}; try again later"
                )
            try:
                return resp.json()
            except ValueError as exc:
                raise GeocodeError(
                    f"{url} answered non-JSON for {query!r}: {resp.text[:200]!r}; "
                    "check the service URL"
                ) from exc


def interpret_nominatim(
    query: str, raw: list[Mapping[str, Any]], *, ambiguity_ratio: float = 0.9,
    from_cache: bool = False,
) -> GeocodeResult:
    """Turn the raw Nominatim ``/search`` candidates (a JSON list) into a result.

    Nominatim ``importance`` plays the role of the score.
    """
    if not raw:
        return GeocodeResult(query, "unmatched", None, None, None, None, None, None,
                             "nominatim", 0, from_cache, Notice("geocode.no_candidate"))
    best = raw[0]
    score = float(best.get("importance") or 0.0)
    status: Status = "matched"
    message = ""
    if len(raw) > 1:
        second = raw[1]
        second_score = float(second.get("importance") or 0.0)
        if second_score >= ambiguity_ratio * score and (
            second.get("display_name") != best.get("display_name")
        ):
            status = "ambiguous"
            message = Notice("geocode.ambiguous", best=best.get("display_name"),
                             second=second.get("display_name"))
    return GeocodeResult(
        query=query, status=status, lat=float(best["lat"]), lon=float(best["lon"]),
        match_type=best.get("type"), score=score, weergavenaam=best.get("display_name"),
        gemeentecode=None, provider="nominatim", candidates=len(raw), from_cache=from_cache,
        message=message,
    )


class NominatimGeocoder:
    """Geocoder on a Nominatim server via geopy, with the same cache and interface.

    The cache key is ``"nominatim: <query>"`` so that a cache file can hold both
    providers' answers. The ``fq`` argument is accepted for interface compatibility:
    ``type:woonplaats`` asks Nominatim for a settlement (``featuretype=settlement``).

    Parameters
    ----------
    domain, scheme
        Server, e.g. ``"nominatim.openstreetmap.org"`` and ``"https"``.
    cache, timeout, offline, ambiguity_ratio, max_retries, backoff
        As for :class:`PdokGeocoder`.
    user_agent
        Required by the Nominatim usage policy.
    rows
        Number of candidates to ask for.
    """

    provider = "nominatim"

    def __init__(
        self,
        domain: str = "nominatim.openstreetmap.org",
        cache: GeocodeCache | None = None,
        timeout: float = 10,
        *,
        scheme: str = "https",
        user_agent: str = "accessibility-steunpunten",
        rows: int = 5,
        offline: bool = False,
        ambiguity_ratio: float = 0.9,
        max_retries: int = 3,
        backoff: float = 1.0,
    ) -> None:
        from geopy.geocoders import Nominatim

        self.domain = domain
        self.scheme = scheme
        self.cache = cache if cache is not None else GeocodeCache()
        self.rows = rows
        self.offline = offline
        self.ambiguity_ratio = ambiguity_ratio
        self.max_retries = max_retries
        self.backoff = backoff
        self._client = Nominatim(user_agent=user_agent, domain=domain, scheme=scheme,
                                 timeout=timeout)

    def geocode(self, query: str, *, fq: str | None = None) -> GeocodeResult:
        """Geocode one query (cache first, then the server); see :meth:`PdokGeocoder.geocode`."""
        from geopy.exc import GeocoderRateLimited, GeocoderServiceError, GeocoderUnavailable

        settlement = fq == CITY_FQ
        key = f"nominatim{' settlement' if settlement else ''}: {query}"
        cached = self.cache.get(key)
        if cached is not None:
            return interpret_nominatim(query, cached, ambiguity_ratio=self.ambiguity_ratio,
                                       from_cache=True)
        url = f"{self.scheme}://{self.domain}/search"
        where = f"in {self.cache.path}" if self.cache.path else "in the (in-memory) cache"
        if self.offline:
            raise GeocodeOffline(
                f"no cached answer for {query!r} {where} and online geocoding is off "
                f"(offline mode), so {url} was not asked"
            )
        extra = {"featuretype": "settlement"} if settlement else {}
        attempt = 0
        while True:
            try:
                found = self._client.geocode(query, exactly_one=False, limit=self.rows,
                                             country_codes="nl", **extra)
                break
            except (GeocoderRateLimited, GeocoderUnavailable, GeocoderServiceError) as exc:
                retryable = isinstance(exc, GeocoderRateLimited | GeocoderUnavailable)
                if retryable and attempt < self.max_retries:
                    time.sleep(min(self.backoff * 2**attempt, 10.0))
                    attempt += 1
                    continue
                raise GeocodeUnreachable(
                    f"no cached answer for {query!r} {where} and the service at {url} failed "
                    f"or could not be reached ({type(exc).__name__}: {exc}); check the "
                    "network or the server"
                ) from exc
        raw = [loc.raw for loc in (found or [])]
        result = interpret_nominatim(query, raw, ambiguity_ratio=self.ambiguity_ratio)
        self.cache.put(key, raw)
        return result


RESULT_COLUMNS = [f for f in GeocodeResult.__dataclass_fields__]


def geocode_table(
    rows: pd.DataFrame | Iterable[Mapping[str, Any]], geocoder: Geocoder
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Geocode a table of addresses.

    Parameters
    ----------
    rows
        Rows with ``address`` and optionally ``postcode``, ``city`` and ``id``.
    geocoder
        A :class:`PdokGeocoder` or :class:`NominatimGeocoder`.

    Returns
    -------
    results
        One row per input row (same order): ``id`` (when given) and the fields of
        :class:`GeocodeResult`.
    problems
        The rows whose status is not ``matched``, with a ``reason``; nothing is
        dropped silently.

    Raises
    ------
    GeocodeError
        When the service cannot be reached and an answer is not cached.
    """
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if "address" not in frame.columns:
        raise InputError(
            f"the address table has no 'address' column (columns: {list(frame.columns)})"
        )
    records = []
    for i, row in enumerate(frame.to_dict("records")):
        address = _text(row.get("address"))
        if not address:
            raise InputError(
                f"row {i + 1} of the address table (id {row.get('id', '?')!r}) has no "
                "address; fill it in or give lat/lon instead"
            )
        query = build_query(address, _text(row.get("postcode")), _text(row.get("city")))
        result = asdict(geocoder.geocode(query))
        records.append({"id": row["id"], **result} if "id" in frame.columns else result)
    columns = (["id"] if "id" in frame.columns else []) + RESULT_COLUMNS
    results = pd.DataFrame(records, columns=columns)
    problems = results.loc[results["status"] != "matched"].reset_index(drop=True)
    problems["reason"] = [
        m or s for m, s in zip(problems["message"], problems["status"], strict=True)
    ]
    return results, problems


def _text(value: Any) -> str:
    """A cell as stripped text; NaN/None become ''."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()
