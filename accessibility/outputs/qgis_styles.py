"""QGIS layer styles (QML) for the GeoPackages, with the map's classes and colours.

QGIS opens a GeoPackage layer with the style stored for it in the
``layer_styles`` table (see :func:`accessibility.outputs.files.write_geopackage`):
buurten and population points by travel-time class, isochrone bands by band,
steunpunten as purple stars and proposed sites as pink-ringed discs, with
names as labels. Colours are those of :mod:`accessibility.outputs.maps`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from matplotlib import colors

from accessibility.errors import InputError
from accessibility.outputs.bands import band_label
from accessibility.outputs.maps import (
    CANDIDATE_COLOUR,
    DEFAULT_BREAKS,
    DEFAULT_NORM,
    STEUNPUNT_COLOUR,
    band_labels,
    class_colours,
    class_legend_label,
    cutoff_colours,
)

QGIS_VERSION = "3.28.0-Firenze"
GEOMETRIES = ("fill", "marker", "line")
#: QGIS geometry type codes of the symbol kinds (point, line, polygon).
GEOMETRY_TYPES = {"marker": 0, "line": 1, "fill": 2}


def _rgba(colour: str, alpha: float = 1.0) -> str:
    r, g, b = (round(255 * c) for c in colors.to_rgb(colour))
    return f"{r},{g},{b},{round(255 * alpha)}"


def _options(parent: ET.Element, values: dict[str, str]) -> None:
    option = ET.SubElement(parent, "Option", type="Map")
    for name, value in values.items():
        ET.SubElement(option, "Option", name=name, type="QString", value=value)


def _symbol(parent: ET.Element, name: str, geometry: str, colour: str, *,
            outline: str = "#ffffff", outline_width: float = 0.2, alpha: float = 1.0,
            marker: str = "circle", size: float = 2.0) -> None:
    symbol = ET.SubElement(parent, "symbol", type=geometry, name=name, alpha="1",
                           clip_to_extent="1", force_rhr="0")
    if geometry == "fill":
        layer = ET.SubElement(symbol, "layer", attrib={"class": "SimpleFill"}, enabled="1",
                              locked="0")
        _options(layer, {"color": _rgba(colour, alpha), "outline_color": _rgba(outline),
                         "outline_width": str(outline_width), "outline_width_unit": "MM",
                         "style": "solid", "outline_style": "solid"})
    elif geometry == "marker":
        layer = ET.SubElement(symbol, "layer", attrib={"class": "SimpleMarker"}, enabled="1",
                              locked="0")
        _options(layer, {"color": _rgba(colour, alpha), "outline_color": _rgba(outline),
                         "outline_width": str(outline_width), "name": marker,
                         "size": str(size), "size_unit": "MM"})
    else:
        layer = ET.SubElement(symbol, "layer", attrib={"class": "SimpleLine"}, enabled="1",
                              locked="0")
        _options(layer, {"line_color": _rgba(colour, alpha), "line_width": str(outline_width),
                         "line_width_unit": "MM"})


def _document(renderer: ET.Element, label_field: str | None, geometry: str) -> str:
    root = ET.Element("qgis", version=QGIS_VERSION, styleCategories="Symbology|Labeling")
    root.append(renderer)
    if label_field:
        labeling = ET.SubElement(root, "labeling", type="simple")
        settings = ET.SubElement(labeling, "settings", calloutType="simple")
        ET.SubElement(settings, "text-style", fieldName=label_field, fontSize="9",
                      textColor=_rgba(STEUNPUNT_COLOUR), fontWeight="75", isExpression="0")
        ET.SubElement(settings, "text-buffer", bufferDraw="1", bufferSize="0.8",
                      bufferColor="255,255,255,255")
        ET.SubElement(settings, "placement", placement="6", dist="1.5")
        ET.SubElement(root, "customproperties")
    ET.SubElement(root, "layerGeometryType").text = str(GEOMETRY_TYPES[geometry])
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body


def categorized_qml(field: str, categories: Sequence[tuple[str, str, str]], geometry: str, *,
                    alpha: float = 1.0, size: float = 2.0, label_field: str | None = None) -> str:
    """A categorized-renderer style: ``(value, legend label, colour)`` per category."""
    if geometry not in GEOMETRIES:
        raise InputError(f"geometry {geometry!r} is not one of {GEOMETRIES}")
    renderer = ET.Element("renderer-v2", type="categorizedSymbol", attr=field,
                          enableorderby="0", forceraster="0", symbollevels="0")
    cats = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for i, (value, label, colour) in enumerate(categories):
        ET.SubElement(cats, "category", render="true", symbol=str(i), value=value, label=label)
        _symbol(symbols, str(i), geometry, colour, alpha=alpha, size=size,
                outline="#ffffff", outline_width=0.1 if geometry != "line" else 0.6)
    return _document(renderer, label_field, geometry)


def single_qml(geometry: str, colour: str, *, marker: str = "circle", size: float = 2.0,
               outline: str = "#ffffff", outline_width: float = 0.3,
               label_field: str | None = None) -> str:
    """A single-symbol style."""
    renderer = ET.Element("renderer-v2", type="singleSymbol", enableorderby="0",
                          forceraster="0", symbollevels="0")
    symbols = ET.SubElement(renderer, "symbols")
    _symbol(symbols, "0", geometry, colour, marker=marker, size=size, outline=outline,
            outline_width=outline_width)
    return _document(renderer, label_field, geometry)


def class_style(field: str = "reistijdklasse", geometry: str = "fill",
                breaks: Sequence[float] = DEFAULT_BREAKS, norm_minutes: float = DEFAULT_NORM,
                lang: str = "nl", max_minutes: float | None = None) -> str:
    """Travel-time classes (buurten or population points) in the map colours."""
    palette = class_colours(breaks, norm_minutes)
    cats = [(label, class_legend_label(label, lang, max_minutes), colour)
            for label, colour in palette.items()]
    return categorized_qml(field, cats, geometry, alpha=0.85 if geometry == "fill" else 1.0,
                           size=1.6)


def band_style(cutoffs: Sequence[float], norm_minutes: float = DEFAULT_NORM,
               lang: str = "nl") -> str:
    """Isochrone bands (field ``band``: ``"0-15"``, ``"15-30"`` ...) in the map colours."""
    values = sorted(float(c) for c in cutoffs)
    edges = [0.0, *values]
    cats = [(band_label(a, b), label, colour) for a, b, label, colour in zip(
        edges[:-1], edges[1:], band_labels(values, lang), cutoff_colours(values, norm_minutes),
        strict=True)]
    return categorized_qml("band", cats, "fill", alpha=0.75)


def steunpunt_style(label_field: str = "name") -> str:
    """Purple stars, labelled with their names."""
    return single_qml("marker", STEUNPUNT_COLOUR, marker="star", size=5,
                      label_field=label_field)


def site_style(label_field: str = "name") -> str:
    """Proposed or candidate sites: white discs with a pink ring, labelled."""
    return single_qml("marker", "#ffffff", marker="circle", size=4.5, outline=CANDIDATE_COLOUR,
                      outline_width=0.9, label_field=label_field)


def stop_style() -> str:
    """Public-transport stops: small dark dots."""
    return single_qml("marker", "#252525", size=1.2, outline_width=0.1)
