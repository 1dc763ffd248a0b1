"""Interactive maps (folium HTML) of isochrones and white spots.

The same layers and colours as the PNG maps of :mod:`accessibility.outputs.maps`, each
as a layer that can be switched on and off, with tooltips (buurt name, travel
time, inhabitants, class) and a legend that also lists the parameters of the
computation. The HTML file is produced offline; the browser loads the tiles and
the Leaflet scripts from CDNs when the file is opened.
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from accessibility.errors import InputError
from accessibility.io import atomic_path
from accessibility.outputs.maps import (
    CANDIDATE_COLOUR,
    DEFAULT_BREAKS,
    DEFAULT_NORM,
    NO_DATA_COLOUR,
    STEUNPUNT_COLOUR,
    UNREACHABLE,
    as_points,
    check_class_columns,
    class_colours,
    class_legend_label,
    cutoff_colours,
    format_caption,
    map_crs,
    polygonal,
    require_columns,
)
from accessibility.outputs.maps import TEXT as MAP_TEXT

WGS84 = "EPSG:4326"
#: Grey topographic base map of the Dutch Kadaster (PDOK BRT-Achtergrondkaart), no key needed.
PDOK_GREY_TILES = (
    "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/EPSG:3857/{z}/{x}/{y}.png"
)
PDOK_ATTRIBUTION = 'Kaartgegevens &copy; <a href="https://www.kadaster.nl">Kadaster</a>'
PDOK_NAME = "BRT-Achtergrondkaart grijs (PDOK)"

TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "within": "binnen {m} min",
        "isochrone_layer": "Isochronen {m} min",
        "buurten_layer": "Buurten: reistijd naar dichtstbijzijnde steunpunt",
        "whitespot_layer": "Witte vlekken (meer dan {norm} min)",
        "steunpunten_layer": "Steunpunten",
        "candidate_layer": "Voorgestelde locatie",
        "stops_layer": "Haltes",
        "boundaries_layer": "Grenzen",
        "buurt": "Buurt",
        "travel_time": "Reistijd (min)",
        "inhabitants": "Inwoners",
        "class": "Klasse",
        "location": "Steunpunt",
        "cutoff": "Binnen (min)",
        "area": "Oppervlakte (km²)",
        "whitespot": "witte vlek (meer dan {norm} min)",
        "no_data": "geen gegevens",
        "legend_to": "Reistijd met het OV naar het dichtstbijzijnde steunpunt",
        "legend_from": "Reistijd met het OV naar het steunpunt",
        "steunpunt": "steunpunt",
        "candidate": "voorgestelde locatie",
    },
    "en": {
        "within": "within {m} min",
        "isochrone_layer": "Isochrones {m} min",
        "buurten_layer": "Neighbourhoods: travel time to the nearest support point",
        "whitespot_layer": "White spots (more than {norm} min)",
        "steunpunten_layer": "Support points (steunpunten)",
        "candidate_layer": "Proposed location",
        "stops_layer": "Stops",
        "boundaries_layer": "Boundaries",
        "buurt": "Neighbourhood",
        "travel_time": "Travel time (min)",
        "inhabitants": "Inhabitants",
        "class": "Class",
        "location": "Support point",
        "cutoff": "Within (min)",
        "area": "Area (km²)",
        "whitespot": "white spot (more than {norm} min)",
        "no_data": "no data",
        "legend_to": "Travel time by public transport to the nearest support point",
        "legend_from": "Travel time by public transport to the support point",
        "steunpunt": "support point",
        "candidate": "proposed location",
    },
}


def _text(lang: str) -> dict[str, str]:
    if lang not in TEXT:
        raise InputError(f"unknown map language {lang!r}: use one of {', '.join(TEXT)}")
    return TEXT[lang]


def _to_wgs84(gdf: gpd.GeoDataFrame, metric_crs: str, simplify_m: float) -> gpd.GeoDataFrame:
    """Polygon parts only, simplified in metres (topology-preserving), in WGS84."""
    out = gdf.set_geometry(polygonal(gdf.geometry)).to_crs(metric_crs)
    if simplify_m > 0:
        out = out.set_geometry(out.geometry.simplify(simplify_m, preserve_topology=True))
    return out.to_crs(WGS84)


def _new_map(bounds_wgs84: np.ndarray, metric_crs: str) -> folium.Map:
    """A map fitted to the bounds; in the Netherlands the grey PDOK base map is the default."""
    minx, miny, maxx, maxy = (float(v) for v in bounds_wgs84)
    fmap = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2], tiles=None, control_scale=True
    )
    if metric_crs == "EPSG:28992":
        folium.TileLayer(PDOK_GREY_TILES, attr=PDOK_ATTRIBUTION, name=PDOK_NAME).add_to(fmap)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap").add_to(fmap)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    return fmap


def _legend_html(
    title: str,
    entries: Sequence[tuple[str, str]],
    caption: str,
    heading: str,
    warning: str = "",
) -> str:
    """A heading box (with a red warning line) and a fixed legend box.

    The legend has a title, colour swatches (``(css, label)`` pairs) and a caption.
    """
    rows = "".join(
        f'<div style="margin:2px 0"><span style="display:inline-block;width:14px;height:14px;'
        f'{css};margin-right:6px;vertical-align:middle"></span>{html.escape(label)}</div>'
        for css, label in entries
    )
    caption_html = html.escape(caption).replace("\n", "<br>")
    heading_html = ""
    if heading or warning:
        heading_html = (
            '<div style="position:fixed;top:10px;left:50px;z-index:9999;background:white;'
            "padding:6px 10px;border:1px solid #999;border-radius:4px;"
            f'font:bold 15px sans-serif">{html.escape(heading)}'
            + (
                f'<div style="color:#b30000;font-size:12px">{html.escape(warning)}</div>'
                if warning
                else ""
            )
            + "</div>"
        )
    return (
        heading_html
        + '<div class="accessibility-legend" style="position:fixed;bottom:30px;left:10px;'
        "z-index:9999;background:white;padding:8px 10px;border:1px solid #999;"
        'border-radius:4px;font:12px sans-serif;max-width:360px">'
        f"<b>{html.escape(title)}</b>{rows}"
        f'<div style="margin-top:6px;color:#555;font-size:10px">{caption_html}</div></div>'
    )


def _warning(params: Mapping[str, Any], lang: str) -> str:
    """The synthetic-data label when ``params["synthetic"]`` is set, else ""."""
    return MAP_TEXT[lang]["synthetic"] if params.get("synthetic") else ""


def _swatch(colour: str) -> str:
    return f"background:{colour};border:1px solid #777"


def _marker_swatch(colour: str) -> str:
    return f"background:{colour};border-radius:50%;border:2px solid white;outline:1px solid #777"


def _add_points(
    fmap: folium.Map,
    points: gpd.GeoSeries | None,
    names: Sequence[str] | None,
    layer_name: str,
    colour: str,
    radius: float,
    show: bool = True,
) -> None:
    if points is None or points.empty:
        return
    group = folium.FeatureGroup(name=layer_name, show=show)
    wgs = points.to_crs(WGS84)
    labels = list(names) if names is not None else [None] * len(wgs)
    for point, label in zip(wgs, labels, strict=True):
        if point is None or point.is_empty:
            continue
        folium.CircleMarker(
            location=[point.y, point.x],
            radius=radius,
            color="white",
            weight=2,
            fill=True,
            fill_color=colour,
            fill_opacity=1.0,
            tooltip=html.escape(str(label)) if label is not None else None,
        ).add_to(group)
    group.add_to(fmap)


def _names(obj: Any, column: str | None) -> list[str] | None:
    if column and isinstance(obj, gpd.GeoDataFrame) and column in obj.columns:
        return [str(v) for v in obj[column]]
    return None


def _save(fmap: folium.Map, path: str | os.PathLike[str]) -> Path:
    folium.LayerControl(collapsed=False).add_to(fmap)
    with atomic_path(path) as tmp:
        fmap.save(str(tmp))
    return Path(path)


def _isochrone_layers(
    fmap: folium.Map,
    isochrones: gpd.GeoDataFrame,
    metric_crs: str,
    norm: float,
    simplify_m: float,
    text: dict[str, str],
    show: bool = True,
) -> list[tuple[str, str]]:
    """One layer per cutoff (all locations); returns legend entries, nearest first."""
    cutoffs = sorted(float(c) for c in isochrones["cutoff"].unique())
    entries = []
    for cutoff, colour in reversed(list(zip(cutoffs, cutoff_colours(cutoffs, norm), strict=True))):
        rows = isochrones[isochrones["cutoff"].astype(float) == cutoff]
        rows = rows[~rows.geometry.is_empty]
        layer = gpd.GeoDataFrame(
            {
                "location_id": rows["location_id"].astype(str) if "location_id" in rows else "",
                "cutoff": cutoff,
                "area_km2": (rows.to_crs(metric_crs).geometry.area / 1e6).round(2),
            },
            geometry=rows.geometry,
            crs=rows.crs,
        )
        name = text["isochrone_layer"].format(m=f"{cutoff:g}")
        if not layer.empty:
            folium.GeoJson(
                _to_wgs84(layer, metric_crs, simplify_m),
                name=name,
                show=show,
                style_function=lambda _f, c=colour: {
                    "fillColor": c,
                    "color": c,
                    "weight": 1,
                    "fillOpacity": 0.45,
                },
                tooltip=folium.GeoJsonTooltip(
                    fields=["location_id", "cutoff", "area_km2"],
                    aliases=[text["location"], text["cutoff"], text["area"]],
                ),
            ).add_to(fmap)
        entries.append((_swatch(colour), text["within"].format(m=f"{cutoff:g}")))
    return entries[::-1]


def isochrone_webmap(
    isochrones: gpd.GeoDataFrame,
    locations: Any,
    path: str | os.PathLike[str],
    *,
    stops: Any = None,
    boundaries: gpd.GeoDataFrame | None = None,
    title: str = "",
    caption_params: Mapping[str, Any] | None = None,
    norm_minutes: float = DEFAULT_NORM,
    name_column: str | None = "name",
    simplify_m: float = 5.0,
    lang: str = "nl",
) -> Path:
    """Interactive map of isochrone bands for one or more locations (HTML).

    Parameters
    ----------
    isochrones : geopandas.GeoDataFrame
        Output of :func:`accessibility.analysis.isochrones.isochrone_polygons`
        (``location_id``, ``cutoff``, ``geometry``); one layer per cutoff.
    locations : points
        The steunpunten (GeoDataFrame, GeoSeries or shapely points in the
        isochrones' CRS); tooltips from ``name_column`` when present.
    path : str or os.PathLike
        Output ``.html`` file, written atomically.
    stops : points or None
        Public-transport stops (a layer that starts hidden).
    boundaries : geopandas.GeoDataFrame or None
        Buurt or gemeente polygons (outlines).
    title : str
        Heading shown at the top of the map.
    caption_params : mapping or None
        Parameters for the legend caption, see :func:`accessibility.outputs.maps.format_caption`.
    norm_minutes : float
        Cutoffs up to the norm are green, larger ones orange.
    name_column : str or None
    simplify_m : float
        Geometries are simplified by this many metres to keep the file small
        (0 = exact cell outlines).
    lang : {"nl", "en"}

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    InputError
        When the isochrones lack ``cutoff`` or a CRS, or ``lang`` is unknown.
    """
    text = _text(lang)
    require_columns(isochrones, ["cutoff"], "the isochrones")
    params = dict(caption_params or {})
    norm = float(params.get("norm_minutes", norm_minutes))
    metric = map_crs(isochrones, "the isochrones")
    location_layer = as_points(locations, metric, "the locations", isochrones.crs)
    stops_layer = as_points(stops, metric, "the stops", isochrones.crs)
    nonempty = isochrones[~isochrones.geometry.is_empty]
    extent = pd.concat(
        [nonempty.geometry.to_crs(WGS84)]
        + ([location_layer.to_crs(WGS84)] if location_layer is not None else [])
    )
    if extent.empty:
        raise InputError("the isochrones are all empty and no location is given: nothing to map")
    fmap = _new_map(extent.total_bounds, metric)
    if boundaries is not None:
        folium.GeoJson(
            _to_wgs84(boundaries[[boundaries.geometry.name]], metric, simplify_m),
            name=text["boundaries_layer"],
            style_function=lambda _f: {"fillOpacity": 0, "color": "#737373", "weight": 1},
        ).add_to(fmap)
    entries = _isochrone_layers(fmap, isochrones, metric, norm, simplify_m, text)
    _add_points(fmap, stops_layer, None, text["stops_layer"], "#252525", 3, show=False)
    _add_points(
        fmap,
        location_layer,
        _names(locations, name_column),
        text["steunpunten_layer"],
        STEUNPUNT_COLOUR,
        8,
    )
    entries.append((_marker_swatch(STEUNPUNT_COLOUR), text["steunpunt"]))
    caption = format_caption(params | {"norm_minutes": norm}, lang, metric)
    fmap.get_root().html.add_child(
        folium.Element(
            _legend_html(text["legend_from"], entries, caption, title, _warning(params, lang))
        )
    )
    return _save(fmap, path)


def whitespot_webmap(
    buurten: gpd.GeoDataFrame,
    steunpunten: Any,
    path: str | os.PathLike[str],
    *,
    norm_minutes: float = DEFAULT_NORM,
    candidate: Any = None,
    isochrones: gpd.GeoDataFrame | None = None,
    title: str = "",
    caption_params: Mapping[str, Any] | None = None,
    class_column: str = "reistijdklasse",
    whitespot_column: str = "witte_vlek",
    time_column: str | None = "reistijd_min",
    name_column: str | None = "buurtnaam",
    population_column: str | None = "aantal_inwoners",
    steunpunt_name_column: str | None = "name",
    breaks: Sequence[float] = DEFAULT_BREAKS,
    simplify_m: float = 5.0,
    lang: str = "nl",
) -> Path:
    """Interactive white-spot map: buurten by travel-time class (HTML).

    Parameters
    ----------
    buurten : geopandas.GeoDataFrame
        Buurt polygons with a class column (labels of
        :func:`accessibility.outputs.maps.class_labels`; missing = no data) and a
        boolean white-spot column; optional travel time (minutes), name and
        population columns feed the tooltips (a named optional column that is
        absent is left out of the tooltip).
    steunpunten : points or None
        Existing steunpunten (bare shapely points are read in the CRS of ``buurten``).
    path : str or os.PathLike
        Output ``.html`` file, written atomically.
    norm_minutes : float
        The norm; must be one of ``breaks``.
    candidate : point or None
        A proposed location (pink marker, own layer; CRS as for ``steunpunten``).
    isochrones : geopandas.GeoDataFrame or None
        Isochrone bands to add as layers (hidden until switched on).
    title, caption_params, lang, simplify_m
        As for :func:`isochrone_webmap`.
    class_column, whitespot_column, time_column, name_column, population_column : str
        Column names in ``buurten``.
    steunpunt_name_column : str or None
        Tooltip column of ``steunpunten`` (when a GeoDataFrame).
    breaks : sequence of float
        Class breaks in minutes.

    Raises
    ------
    InputError
        On missing class/white-spot columns, unknown class labels, white-spot
        flags that are not True/False, or a norm that is not a class break.
    """
    text = _text(lang)
    palette = class_colours(breaks, norm_minutes)
    check_class_columns(buurten, class_column, whitespot_column, list(palette), "the buurten")
    metric = map_crs(buurten, "the buurten")
    steunpunt_layer = as_points(steunpunten, metric, "the steunpunten", buurten.crs)
    candidate_layer = as_points(candidate, metric, "the candidate location", buurten.crs)

    fields: list[tuple[str, str]] = []
    table = pd.DataFrame(index=buurten.index)
    for column, alias in (
        (name_column, text["buurt"]),
        (time_column, text["travel_time"]),
        (population_column, text["inhabitants"]),
    ):
        if column and column in buurten.columns:
            values = buurten[column]
            if column == time_column:
                values = pd.to_numeric(values, errors="coerce").round(1)
            elif column == population_column:
                values = pd.to_numeric(values, errors="coerce").round(0)
            table[alias] = values
            fields.append((alias, alias))
    classes = buurten[class_column].astype(object)
    table[text["class"]] = [
        text["no_data"] if pd.isna(c) else class_legend_label(str(c), lang) for c in classes
    ]
    fields.append((text["class"], text["class"]))
    table["_fill"] = classes.map(palette).fillna(NO_DATA_COLOUR)
    layer = gpd.GeoDataFrame(table, geometry=buurten.geometry, crs=buurten.crs)
    wgs = _to_wgs84(layer, metric, simplify_m)

    fmap = _new_map(wgs.total_bounds, metric)
    folium.GeoJson(
        wgs,
        name=text["buurten_layer"],
        style_function=lambda f: {
            "fillColor": f["properties"]["_fill"],
            "color": "white",
            "weight": 0.5,
            "fillOpacity": 0.75,
        },
        highlight_function=lambda _f: {"weight": 2, "color": "black"},
        tooltip=folium.GeoJsonTooltip(
            fields=[f for f, _ in fields], aliases=[a for _, a in fields], localize=True
        ),
    ).add_to(fmap)
    white = wgs[buurten[whitespot_column].astype(bool).to_numpy()]
    whitespot_label = text["whitespot_layer"].format(norm=f"{float(norm_minutes):g}")
    if not white.empty:
        folium.GeoJson(
            white[[white.geometry.name]],
            name=whitespot_label,
            style_function=lambda _f: {
                "fillOpacity": 0,
                "color": "black",
                "weight": 2,
                "dashArray": "6 4",
            },
        ).add_to(fmap)
    if isochrones is not None:
        require_columns(isochrones, ["cutoff"], "the isochrones")
        _isochrone_layers(
            fmap, isochrones, metric, float(norm_minutes), simplify_m, text, show=False
        )
    _add_points(
        fmap,
        steunpunt_layer,
        _names(steunpunten, steunpunt_name_column),
        text["steunpunten_layer"],
        STEUNPUNT_COLOUR,
        8,
    )
    _add_points(
        fmap, candidate_layer, [text["candidate"]] * (0 if candidate_layer is None else len(candidate_layer)),
        text["candidate_layer"], CANDIDATE_COLOUR, 10,
    )  # fmt: skip

    entries = [
        (_swatch(colour), class_legend_label(label, lang))
        for label, colour in palette.items()
        if label != UNREACHABLE or (classes == UNREACHABLE).any()
    ]
    if classes.isna().any():
        entries.append((_swatch(NO_DATA_COLOUR), text["no_data"]))
    entries.append(
        (
            "background:white;border:2px dashed black",
            text["whitespot"].format(norm=f"{float(norm_minutes):g}"),
        )
    )
    entries.append((_marker_swatch(STEUNPUNT_COLOUR), text["steunpunt"]))
    if candidate_layer is not None:
        entries.append((_marker_swatch(CANDIDATE_COLOUR), text["candidate"]))
    params = dict(caption_params or {}) | {"norm_minutes": norm_minutes}
    caption = format_caption(params, lang, metric)
    fmap.get_root().html.add_child(
        folium.Element(
            _legend_html(text["legend_to"], entries, caption, title, _warning(params, lang))
        )
    )
    return _save(fmap, path)
