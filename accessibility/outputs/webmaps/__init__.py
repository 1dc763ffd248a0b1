"""Web maps (self-contained HTML) of isochrones and white spots that work offline.

The same classes, colours and labels as the static maps of
:mod:`accessibility.outputs.maps`, drawn with plotly in the region's metric
CRS; plotly.js is inlined from the plotly wheel, so the page needs no network
(see :mod:`.page`).
"""

from accessibility.outputs.webmaps import points
from accessibility.outputs.webmaps.isochrone_web import isochrone_figure, isochrone_webmap
from accessibility.outputs.webmaps.page import PDOK_WMS, plain, polygon_xy
from accessibility.outputs.webmaps.whitespot_web import whitespot_figure, whitespot_webmap

__all__ = [
    "PDOK_WMS",
    "isochrone_figure",
    "isochrone_webmap",
    "plain",
    "points",
    "polygon_xy",
    "whitespot_figure",
    "whitespot_webmap",
]
