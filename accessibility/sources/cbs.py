"""CBS wijken en buurten (boundaries + population) for a region's gemeenten, from PDOK.

Two PDOK services carry the same data ("Wijk- en Buurtkaart", CC BY 4.0):

* OGC API Features (preferred):
  ``https://api.pdok.nl/cbs/wijken-en-buurten-<year>/ogc/v1/collections/buurten/items``
  with ``f=json&gemeentecode=GM0402&limit=1000``; the answer is a GeoJSON
  FeatureCollection in CRS84 (lon/lat) with a ``links`` entry ``rel="next"`` while
  more pages follow.
* WFS 2.0 (fallback): ``https://service.pdok.nl/cbs/wijkenbuurten/<year>/wfs/v1_0``
  with ``typeNames=wijkenbuurten:buurten``, an OGC ``Filter`` on ``gemeentecode``,
  ``outputFormat=application/json`` and ``srsName=EPSG:28992``.

Properties used: ``buurtcode, buurtnaam, wijkcode, gemeentecode, gemeentenaam,
water, aantal_inwoners`` and the age groups ``percentage_personen_0_tot_15_jaar,
..._15_tot_25_jaar, ..._25_tot_45_jaar, ..._45_tot_65_jaar,
percentage_personen_65_jaar_en_ouder``. CBS marks secret or unknown values with
large negative numbers (-99995, -99997, ...); they become missing values and are
counted.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import requests

from accessibility.errors import DownloadError, InputError
from accessibility.sources._http import get_json

log = logging.getLogger(__name__)

ID_COLUMNS = ("buurtcode", "buurtnaam", "wijkcode", "gemeentecode", "gemeentenaam", "water")
AGE_COLUMNS = (
    "percentage_personen_0_tot_15_jaar",
    "percentage_personen_15_tot_25_jaar",
    "percentage_personen_25_tot_45_jaar",
    "percentage_personen_45_tot_65_jaar",
    "percentage_personen_65_jaar_en_ouder",
)
COUNT_COLUMNS = ("aantal_inwoners",)
MISSING_BELOW = -99990
"""CBS codes secret/unknown values as -99995 .. -99999 (and older editions as -99999999)."""
PAGE_LIMIT = 1000
MAX_PAGES = 500


def fetch_buurten_ogc(
    base_url: str,
    gemeenten: Sequence[str],
    *,
    limit: int = PAGE_LIMIT,
    session: requests.Session | None = None,
    **http: Any,
) -> gpd.GeoDataFrame:
    """Buurten of ``gemeenten`` from a PDOK OGC API Features endpoint.

    Parameters
    ----------
    base_url : str
        Landing page, e.g. ``https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1``.
    gemeenten : sequence of str
        CBS codes (``GM0402``).
    limit : int
        Features per page.
    session : requests.Session, optional
    **http
        Passed to :func:`accessibility.sources._http.get_json` (retries, timeouts).

    Returns
    -------
    geopandas.GeoDataFrame
        Raw properties, CRS ``EPSG:4326`` (CRS84 lon/lat axis order).

    Raises
    ------
    DownloadError
        Server unreachable or HTTP errors.
    """
    features: list[dict] = []
    items = base_url.rstrip("/") + "/collections/buurten/items"
    for code in gemeenten:
        url: str | None = items
        params: dict[str, Any] | None = {"f": "json", "gemeentecode": code, "limit": limit}
        for _ in range(MAX_PAGES):
            page = get_json(url, params, session=session, **http)
            if not isinstance(page, Mapping) or not isinstance(page.get("features"), list):
                raise DownloadError(f"{items}: answer for {code} is not a GeoJSON "
                                    "FeatureCollection; check sources.cbs_ogc_url")
            features.extend(page["features"])
            url = next((ln.get("href") for ln in page.get("links", [])
                        if ln.get("rel") == "next" and ln.get("href")), None)
            params = None  # the next link carries all query parameters
            if url is None:
                break
        else:
            raise DownloadError(f"{items}: more than {MAX_PAGES} pages for {code}; "
                                "the gemeentecode filter seems to be ignored")
    return _frame(features, "EPSG:4326")


def fetch_buurten_wfs(
    wfs_url: str,
    gemeenten: Sequence[str],
    *,
    count: int = PAGE_LIMIT,
    session: requests.Session | None = None,
    **http: Any,
) -> gpd.GeoDataFrame:
    """Buurten of ``gemeenten`` from the PDOK WFS (GeoJSON output, RD New).

    Parameters
    ----------
    wfs_url : str
        E.g. ``https://service.pdok.nl/cbs/wijkenbuurten/2024/wfs/v1_0``.
    gemeenten : sequence of str
    count : int
        Features per page (``startIndex`` paging).

    Returns
    -------
    geopandas.GeoDataFrame
        Raw properties, CRS ``EPSG:28992``.
    """
    equals = "".join(
        "<PropertyIsEqualTo><ValueReference>gemeentecode</ValueReference>"
        f"<Literal>{code}</Literal></PropertyIsEqualTo>" for code in gemeenten
    )
    flt = (f"<Filter xmlns=\"http://www.opengis.net/fes/2.0\">"
           f"{'<Or>' + equals + '</Or>' if len(gemeenten) > 1 else equals}</Filter>")
    features: list[dict] = []
    for page_no in range(MAX_PAGES):
        params = {
            "service": "WFS", "version": "2.0.0", "request": "GetFeature",
            "typeNames": "wijkenbuurten:buurten", "outputFormat": "application/json",
            "srsName": "EPSG:28992", "filter": flt, "count": count,
            "startIndex": page_no * count,
        }
        page = get_json(wfs_url, params, session=session, **http)
        if not isinstance(page, Mapping) or not isinstance(page.get("features"), list):
            raise DownloadError(f"{wfs_url}: WFS answer is not GeoJSON; check sources.cbs_wfs_url")
        features.extend(page["features"])
        if len(page["features"]) < count:
            break
    return _frame(features, "EPSG:28992")


def _frame(features: list[dict], crs: str) -> gpd.GeoDataFrame:
    if not features:
        return gpd.GeoDataFrame({c: [] for c in ID_COLUMNS}, geometry=[], crs=crs)
    return gpd.GeoDataFrame.from_features(features, crs=crs)


def normalise_buurten(
    raw: gpd.GeoDataFrame, gemeenten: Sequence[str], crs: str = "EPSG:28992", source: str = "PDOK"
) -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    """Select, type and clean the buurten columns; reproject to ``crs``.

    Parameters
    ----------
    raw : geopandas.GeoDataFrame
        Output of :func:`fetch_buurten_ogc` or :func:`fetch_buurten_wfs`.
    gemeenten : sequence of str
        Requested gemeente codes; buurten of other gemeenten are dropped (counted).
    crs : str
        Output CRS (metric).
    source : str
        Named in error messages.

    Returns
    -------
    buurten : geopandas.GeoDataFrame
        Columns ``buurtcode, buurtnaam, wijkcode, gemeentecode, gemeentenaam, water,
        aantal_inwoners`` (float, NaN when secret), the five ``percentage_personen_*``
        age groups (percent) and ``geometry``, sorted by ``buurtcode``.
    counts : dict of str to int
        ``buurten``, ``other_gemeente_dropped``, ``duplicates_dropped``,
        ``inhabitants_missing`` (buurten whose population is secret/unknown),
        ``inhabitants`` (sum over the known ones).

    Raises
    ------
    InputError
        No buurt of the requested gemeenten in ``raw``, or a required column is missing.
    """
    wanted = set(gemeenten)
    if raw.empty:
        raise InputError(f"{source} returned no buurten for gemeenten {', '.join(gemeenten)}; "
                             "check the codes (CBS GM0000 codes of sources.cbs_year) and the URL")
    missing = [c for c in ("buurtcode", "buurtnaam", "gemeentecode", "aantal_inwoners")
               if c not in raw.columns]
    if missing:
        raise InputError(f"{source}: buurten lack column(s) {', '.join(missing)}; "
                         f"got {', '.join(map(str, raw.columns[:20]))}")
    in_region = raw["gemeentecode"].isin(wanted)
    other = int((~in_region).sum())
    df = raw[in_region]
    if df.empty:
        raise InputError(f"{source} returned {len(raw)} buurten but none of gemeenten "
                             f"{', '.join(gemeenten)}; check the codes and sources.cbs_year")
    dup = df["buurtcode"].duplicated()
    df = df[~dup]
    out = pd.DataFrame({c: df[c].astype(str) if c in df.columns else "" for c in ID_COLUMNS},
                       index=df.index)
    n_missing = 0
    for col in COUNT_COLUMNS + AGE_COLUMNS:
        values = (pd.to_numeric(df[col], errors="coerce") if col in df.columns
                  else pd.Series(np.nan, index=df.index))
        values = values.where(values > MISSING_BELOW)
        if col == "aantal_inwoners":
            n_missing = int(values.isna().sum())
        out[col] = values.astype(float)
    gdf = gpd.GeoDataFrame(out, geometry=df.geometry.values, crs=raw.crs).to_crs(crs)
    gdf = gdf.sort_values("buurtcode").reset_index(drop=True)
    counts = {
        "buurten": len(gdf),
        "other_gemeente_dropped": other,
        "duplicates_dropped": int(dup.sum()),
        "inhabitants_missing": n_missing,
        "inhabitants": int(gdf["aantal_inwoners"].sum(skipna=True)),
    }
    absent = sorted(wanted - set(gdf["gemeentecode"]))
    if absent:
        log.warning("%s: no buurten for %s (codes of another CBS year?)", source, ", ".join(absent))
    if n_missing:
        log.warning("%s: %d buurten have a secret/unknown population (set to missing)",
                    source, n_missing)
    return gdf, counts


def fetch_buurten(
    ogc_url: str,
    wfs_url: str,
    gemeenten: Sequence[str],
    crs: str = "EPSG:28992",
    **http: Any,
) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
    """Buurten from the OGC API, falling back to the WFS when the API fails.

    Returns what :func:`normalise_buurten` returns, with ``counts["source"]`` =
    ``"ogc"`` or ``"wfs"`` added.

    Raises
    ------
    DownloadError
        Both services failed (the message holds both reasons).
    InputError
        The service answered but holds no buurten of ``gemeenten``.
    """
    try:
        raw = fetch_buurten_ogc(ogc_url, gemeenten, **http)
        gdf, counts = normalise_buurten(raw, gemeenten, crs, source=ogc_url)
        return gdf, {**counts, "source": "ogc"}
    except DownloadError as first:
        log.warning("OGC API failed (%s); trying the WFS %s", first, wfs_url)
        try:
            raw = fetch_buurten_wfs(wfs_url, gemeenten, **http)
        except DownloadError as second:
            raise DownloadError(f"CBS buurten unavailable: OGC API: {first}; WFS: {second}") from second
        gdf, counts = normalise_buurten(raw, gemeenten, crs, source=wfs_url)
        return gdf, {**counts, "source": "wfs"}
