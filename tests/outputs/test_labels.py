"""The label rule: labels never overlap each other, markers or the map furniture."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from accessibility.outputs.maps.labels import Label, boxes_overlap, marker_boxes, place_labels
from accessibility.outputs.maps.symbols import steunpunt_labels
from accessibility.outputs.maps.text import literal


def axes(width: float = 8, height: float = 6):
    fig = Figure(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 1000)
    ax.set_ylim(0, 1000)
    FigureCanvasAgg(fig)
    return ax


def text_boxes(ax, texts):
    renderer = ax.figure.canvas.get_renderer()
    boxes = []
    for t in texts:
        t.update_positions(renderer)
        boxes.append(t.get_bbox_patch().get_window_extent(renderer)
                     if t.get_bbox_patch() else t.get_window_extent(renderer))
    return boxes


def test_boxes_overlap_with_a_gap():
    a = Bbox.from_extents(0, 0, 10, 10)
    assert boxes_overlap(a, Bbox.from_extents(5, 5, 15, 15))
    assert boxes_overlap(a, Bbox.from_extents(10.5, 0, 20, 10))  # closer than 1 px
    assert not boxes_overlap(a, Bbox.from_extents(12, 0, 20, 10))


def test_crowded_labels_do_not_overlap_each_other_or_the_markers():
    ax = axes()
    rng = np.random.default_rng(3)
    x, y = rng.uniform(350, 650, 25), rng.uniform(350, 650, 25)
    markers = marker_boxes(ax, x, y, 10)
    labels = [Label(float(a), float(b), f"Steunpunt nummer {i}") for i, (a, b) in
              enumerate(zip(x, y, strict=True))]
    placed = place_labels(ax, labels, markers)
    drawn = [t for t in placed if t is not None]
    assert 10 <= len(drawn) < 25  # crowded: some find no free place and are left out
    ax.figure.canvas.draw()
    boxes = text_boxes(ax, drawn)
    for a, b in itertools.combinations(boxes, 2):
        assert not boxes_overlap(a, b, gap_px=0), (a, b)
    for box in boxes:
        assert not any(boxes_overlap(box, m, gap_px=0) for m in markers)
        assert ax.get_window_extent().contains(box.x0, box.y0)


def test_labels_with_room_are_all_placed_next_to_their_point():
    ax = axes()
    x, y = np.array([100.0, 500.0, 995.0]), np.array([500.0, 500.0, 500.0])
    placed = place_labels(ax, [Label(a, b, "Naam") for a, b in zip(x, y, strict=True)],
                          marker_boxes(ax, x, y, 10))
    assert all(t is not None for t in placed)
    # The first choice is right of the point; at the right edge the label goes left.
    assert [t.get_ha() for t in placed] == ["left", "left", "right"]


def test_furniture_keeps_labels_out():
    ax = axes()
    scale_bar = Bbox.from_extents(0, 0, 400, 200)  # display pixels
    placed = place_labels(ax, [Label(50, 50, "Onder de schaalstok")], [scale_bar])
    assert placed == [None]


def test_names_with_dollar_signs_are_drawn_literally():
    assert literal("Huis $5$ & co") == r"Huis \$5\$ & co"
    ax = axes()
    points = gpd.GeoSeries([shapely.Point(500, 500)])
    (text,) = place_labels(ax, steunpunt_labels(points, ["Inloop $x^2$"]))
    ax.figure.canvas.draw()
    assert text.get_text() == r"Inloop \$x^2\$"  # shown with its dollar signs, not as maths
