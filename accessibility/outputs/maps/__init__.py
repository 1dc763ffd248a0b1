"""Static maps (PNG plus a vector PDF/SVG) of isochrones and white spots, for regioplannen.

All maps share one colour scale (:mod:`.classes`): greens within the norm,
oranges to red beyond it, and "unreachable" as the darkest class. Travel time
is coloured where people live (:mod:`.whitespot_maps`), on a pale background
of water, built-up land, main roads, place and gemeente names
(:mod:`.background`), with named steunpunten and numbered proposed sites
whose labels never overlap (:mod:`.labels`), one extent and scale per set of
maps (:class:`MapContext`), a scale bar and north arrow on white boxes, a
legend with inhabitants per class and a caption with the parameters
(:mod:`.frame`, :mod:`.text`). Text is Dutch by default; ``lang="en"`` gives
English. Matplotlib is used through :class:`matplotlib.figure.Figure` with the
Agg canvas (no display needed); files are written atomically.
"""

from accessibility.outputs.maps.classes import (
    BOUNDARY_COLOUR,
    CANDIDATE_COLOUR,
    DEFAULT_BREAKS,
    DEFAULT_NORM,
    NO_DATA_COLOUR,
    STEUNPUNT_COLOUR,
    UNREACHABLE,
    UNREACHABLE_COLOUR,
    band_labels,
    class_colours,
    class_labels,
    class_legend_label,
    cutoff_colours,
    travel_time_classes,
)
from accessibility.outputs.maps.comparison_maps import plot_before_after, whitespot_summary
from accessibility.outputs.maps.context import MapContext
from accessibility.outputs.maps.frame import (
    DPI,
    add_north_arrow,
    add_scale_bar,
    nice_scale_length,
    scale_label,
    set_extent,
    vector_path,
)
from accessibility.outputs.maps.isochrone_maps import plot_isochrones, plot_overview
from accessibility.outputs.maps.layers import (
    as_geoseries,
    as_points,
    check_class_columns,
    map_crs,
    persons_per_dot,
    polygonal,
    population_cells,
    population_dots,
    require_columns,
)
from accessibility.outputs.maps.text import (
    CAPTION_KEYS,
    LANGS,
    TEXT,
    fmt_minutes,
    format_caption,
    format_number,
    map_text,
)
from accessibility.outputs.maps.whitespot_maps import plot_whitespots, whitespot_totals

__all__ = [
    "BOUNDARY_COLOUR", "CANDIDATE_COLOUR", "CAPTION_KEYS", "DEFAULT_BREAKS", "DEFAULT_NORM",
    "DPI", "LANGS", "NO_DATA_COLOUR", "STEUNPUNT_COLOUR", "TEXT", "UNREACHABLE",
    "UNREACHABLE_COLOUR", "MapContext", "add_north_arrow", "add_scale_bar", "as_geoseries",
    "as_points", "band_labels", "check_class_columns", "class_colours", "class_labels",
    "class_legend_label", "cutoff_colours", "fmt_minutes", "format_caption", "format_number",
    "map_crs", "map_text", "nice_scale_length", "plot_before_after", "plot_isochrones",
    "plot_overview", "plot_whitespots", "persons_per_dot", "polygonal", "population_cells", "population_dots", "require_columns",
    "scale_label", "set_extent", "travel_time_classes", "vector_path", "whitespot_summary",
    "whitespot_totals",
]
