"""Real data sources, downloaded into a local cache.

One module per source: :mod:`~accessibility.sources.ovapi` (national GTFS,
clipped to a region), :mod:`~accessibility.sources.osm` (Geofabrik extracts,
clipped with pyosmium), :mod:`~accessibility.sources.cbs` (CBS wijken en buurten
from PDOK) and :mod:`~accessibility.sources.fetch`, which runs them all for a
region. Shared HTTP code lives in :mod:`~accessibility.sources._http`.
"""
