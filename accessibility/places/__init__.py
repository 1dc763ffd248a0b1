"""Places: the location lists users give (steunpunten, candidates) and geocoding them.

:mod:`.locations` reads the files; :mod:`.geocode` turns addresses into
points with PDOK's Locatieserver or Nominatim, with an on-disk cache.
"""
