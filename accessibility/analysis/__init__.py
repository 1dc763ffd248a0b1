"""Analysis layer: buurten, population points, EPA estimates, need, coverage and siting.

Pure functions on DataFrames, GeoDataFrames and numpy arrays; travel times come
in as arrays from the routing engine.
"""
