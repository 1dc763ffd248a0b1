"""Outputs: what users take away. Static maps, web maps, the report, files.

Takes tables and geometries, writes files; knows nothing of routing.
:mod:`.maps` (PNG maps), :mod:`.webmaps` (HTML maps), :mod:`.report` (the
HTML report), :mod:`.files` (GeoPackage, GeoJSON, CSV).
"""
