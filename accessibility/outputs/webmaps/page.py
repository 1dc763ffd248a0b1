"""Self-contained web map pages: plotly figures in metres, inlined plotly.js, no network.

Every script and style of the page comes from the plotly wheel
(``include_plotlyjs=True``) or this module: the map opens offline, behind
strict proxies and years later. Maps are drawn in the region's metric CRS (RD
New in the Netherlands), with equal scale in x and y, so the caption's
projection is the one on screen and a metric scale bar is exact; it adapts
when the reader zooms. In the Netherlands an online background (PDOK
BRT-Achtergrondkaart, WMS in RD New) can be switched on; it is off by default
and nothing is requested until the reader asks for it.

Text from users' files (names, addresses) is escaped before it reaches
plotly, whose labels understand a few HTML tags: a name is always shown as
text, never run or rendered as markup.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import shapely

from accessibility.io import atomic_path
from accessibility.outputs.maps import map_text, nice_scale_length, scale_label

#: WMS of the grey BRT-Achtergrondkaart (Kadaster, via PDOK) in RD New; no key needed.
PDOK_WMS = "https://service.pdok.nl/brt/achtergrondkaart/wms/v2_0"
PDOK_LAYER = "grijs"
PDOK_CRS = "EPSG:28992"
PLOT_ID = "kaart"
LAND_COLOUR = "#f5f4f0"
SCALE_FRACTION = 0.2

TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "online": "Online achtergrondkaart (PDOK BRT-Achtergrondkaart, vraagt internet)",
        "attribution": "Achtergrondkaart: © Kadaster (PDOK)",
        "help": "Scrollen of slepen om te zoomen en te verschuiven; klik op een legenda-item om "
                "een laag aan of uit te zetten; wijs een vlak of punt aan voor details.",
    },
    "en": {
        "online": "Online background map (PDOK BRT-Achtergrondkaart, needs internet)",
        "attribution": "Background map: © Kadaster (PDOK)",
        "help": "Scroll or drag to zoom and pan; click a legend entry to switch a layer on or "
                "off; point at an area or a point for details.",
    },
}

STYLE = """
body { font: 14px/1.4 sans-serif; margin: 12px 16px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px 0; }
.warning { color: #b30000; font-weight: bold; margin: 2px 0; }
.help, .caption { color: #555; font-size: 12px; margin: 4px 0; max-width: 1200px; }
#kaart { width: 100%; height: 78vh; min-height: 480px; border: 1px solid #bbb; }
.js-fill { fill-rule: evenodd; }
.textpoint text { paint-order: stroke; stroke: white; stroke-width: 3px; stroke-linejoin: round; }
label.online { font-size: 12px; color: #333; }
"""

#: Keeps the scale bar right while zooming, and draws the optional online background.
SCRIPT = """
(function () {
  var gd = document.getElementById("{plot_id}");
  var wms = %(wms)s;
  function nice(m) {
    var b = Math.pow(10, Math.floor(Math.log10(m))), best = b;
    [1, 2, 5].forEach(function (k) { if (k * b <= m) { best = k * b; } });
    return best;
  }
  function label(m) { return m < 1000 ? m + " m" : (m / 1000) + " km"; }
  function ranges() { var fl = gd._fullLayout; return [fl.xaxis.range, fl.yaxis.range]; }
  function background(r) {
    var box = document.getElementById("online-basemap");
    if (!wms || !box || !box.checked) { return []; }
    var w = Math.round(gd._fullLayout._size.w), h = Math.round(gd._fullLayout._size.h);
    var url = wms + "?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&FORMAT=image/png&STYLES="
      + "&LAYERS=%(layer)s&CRS=%(crs)s&WIDTH=" + w + "&HEIGHT=" + h
      + "&BBOX=" + [r[0][0], r[1][0], r[0][1], r[1][1]].join(",");
    return [{source: url, xref: "x", yref: "y", x: r[0][0], y: r[1][1], sizex: r[0][1] - r[0][0],
             sizey: r[1][1] - r[1][0], sizing: "stretch", layer: "below", opacity: 0.9}];
  }
  var busy = false;
  function update() {
    if (busy) { return; }
    busy = true;
    var r = ranges(), width = r[0][1] - r[0][0], length = nice(width * %(fraction)s);
    var x0 = gd.layout.shapes[0].x0;
    var change = {"shapes[0].x1": x0 + length / width, "annotations[0].text": label(length),
                  "annotations[0].x": x0 + length / width / 2, "images": background(r)};
    Plotly.relayout(gd, change).then(function () { busy = false; }, function () { busy = false; });
  }
  gd.on("plotly_relayout", function (ev) {
    if (Object.keys(ev || {}).some(function (k) { return k.indexOf("axis") >= 0; })) { update(); }
  });
  var box = document.getElementById("online-basemap");
  if (box) { box.addEventListener("change", update); }
  update();
})();
"""


def plain(value: object) -> str:
    """Text from a user's file made safe for plotly labels: ``<``, ``>``, ``&`` escaped."""
    return html.escape(str(value), quote=False)


def polygon_xy(geoms: Iterable[shapely.Geometry | None]) -> tuple[list, list]:
    """Ring coordinates of (multi)polygons for one filled plotly trace, rings split by None.

    Exterior rings run counter-clockwise and holes clockwise, and the page
    fills with the even-odd rule, so holes stay open.
    """
    xs: list = []
    ys: list = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            continue
        for polygon in shapely.get_parts(geom):
            if polygon.geom_type != "Polygon":
                continue
            polygon = shapely.orient_polygons(polygon)
            for ring in (polygon.exterior, *polygon.interiors):
                coords = np.asarray(ring.coords)
                xs.extend([*np.round(coords[:, 0], 1).tolist(), None])
                ys.extend([*np.round(coords[:, 1], 1).tolist(), None])
    return xs, ys


def line_xy(geoms: Iterable[shapely.Geometry | None]) -> tuple[list, list]:
    """Coordinates of lines (or polygon borders) for one plotly line trace, split by None."""
    xs: list = []
    ys: list = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            continue
        lines = geom.boundary if geom.geom_type in ("Polygon", "MultiPolygon") else geom
        for line in shapely.get_parts(lines):
            coords = np.asarray(line.coords)
            xs.extend([*np.round(coords[:, 0], 1).tolist(), None])
            ys.extend([*np.round(coords[:, 1], 1).tolist(), None])
    return xs, ys


def area_trace(geoms: Sequence, colour: str, name: str, *, hover: str | None = None,
               opacity: float = 1.0, line_colour: str | None = None, line_width: float = 0,
               legend: bool = True, group: str | None = None, visible: bool | str = True,
               uid: str | None = None, rank: int = 100) -> go.Scatter:
    """One filled trace of polygons; ``hover`` (already safe text) shows on the fill."""
    xs, ys = polygon_xy(geoms)
    return go.Scatter(
        x=xs, y=ys, mode="lines", fill="toself", fillcolor=colour, opacity=opacity,
        line={"color": line_colour or colour, "width": line_width}, name=name,
        hoveron="fills" if hover else None, text=hover, hoverinfo="text" if hover else "skip",
        showlegend=legend, legendgroup=group, visible=visible, uid=uid, legendrank=rank)


def base_figure(bounds: Sequence[float], lang: str) -> go.Figure:
    """An empty map: hidden axes in metres at equal scale, legend right, scale bar lower left."""
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    pad_x, pad_y = (maxx - minx) * 0.03 + 200, (maxy - miny) * 0.03 + 200
    axis = {"visible": False, "showgrid": False, "zeroline": False}
    fig = go.Figure()
    length = nice_scale_length((maxx - minx + 2 * pad_x) * SCALE_FRACTION)
    fraction = length / (maxx - minx + 2 * pad_x)
    fig.update_layout(
        xaxis={**axis, "range": [minx - pad_x, maxx + pad_x]},
        yaxis={**axis, "range": [miny - pad_y, maxy + pad_y], "scaleanchor": "x",
               "scaleratio": 1},
        plot_bgcolor=LAND_COLOUR, paper_bgcolor="white", dragmode="pan",
        margin={"l": 8, "r": 8, "t": 8, "b": 8}, hovermode="closest",
        legend={"x": 1.01, "y": 1, "xanchor": "left", "bgcolor": "rgba(255,255,255,0.9)",
                "font": {"size": 12}, "groupclick": "toggleitem"},
        shapes=[{"type": "line", "xref": "paper", "yref": "paper", "x0": 0.03,
                 "x1": 0.03 + fraction, "y0": 0.04, "y1": 0.04,
                 "line": {"color": "black", "width": 4}}],
        annotations=[
            {"xref": "paper", "yref": "paper", "x": 0.03 + fraction / 2, "y": 0.05,
             "text": scale_label(length), "showarrow": False, "yanchor": "bottom",
             "bgcolor": "rgba(255,255,255,0.85)", "font": {"size": 12}},
            {"xref": "paper", "yref": "paper", "x": 0.975, "y": 0.97, "text": "<b>N</b> ↑",
             "showarrow": False, "bgcolor": "rgba(255,255,255,0.9)", "bordercolor": "#969696",
             "font": {"size": 14}},
        ],
        font={"family": "sans-serif"},
        hoverlabel={"bgcolor": "white", "font": {"size": 12}},
    )
    fig.layout.meta = {"lang": lang}
    return fig


def write_page(fig: go.Figure, path: str | os.PathLike[str], title: str, caption: str,
               lang: str, *, warning: str = "", online_basemap: bool = False) -> Path:
    """Write the figure as one self-contained HTML page (plotly.js inlined), atomically.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        From :func:`base_figure` (its first shape and annotation are the scale bar).
    path : str or os.PathLike
        Output ``.html`` file.
    title, caption, warning : str
        Page heading, caption below the map (parameters, projection) and a
        red warning line (e.g. synthetic data); escaped here.
    lang : {"nl", "en"}
    online_basemap : bool
        Offer the PDOK background (only for maps in RD New).
    """
    text = TEXT[lang]
    map_text(lang)  # validates lang
    script = SCRIPT % {"wms": json.dumps(PDOK_WMS if online_basemap else None),
                       "layer": PDOK_LAYER, "crs": PDOK_CRS, "fraction": SCALE_FRACTION}
    plot = fig.to_html(full_html=False, include_plotlyjs=True, div_id=PLOT_ID,
                       default_width="100%", default_height="78vh", post_script=script,
                       config={"scrollZoom": True, "displaylogo": False, "responsive": True,
                               "modeBarButtonsToRemove": ["select2d", "lasso2d"]})
    online = ""
    if online_basemap:
        online = (f'<label class="online"><input type="checkbox" id="online-basemap"> '
                  f"{html.escape(text['online'])}</label> "
                  f'<span class="help">{html.escape(text["attribution"])}</span>')
    caption_html = html.escape(caption).replace("\n", "<br>")
    warning_html = f'<div class="warning">{html.escape(warning)}</div>' if warning else ""
    page = (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"<h1>{html.escape(title)}</h1>\n{warning_html}\n"
            f'<div class="help">{html.escape(text["help"])}</div>\n{online}\n{plot}\n'
            f'<p class="caption">{caption_html}</p>\n</body>\n</html>\n')
    with atomic_path(path) as tmp:
        Path(tmp).write_text(page, encoding="utf-8")
    return Path(path)
