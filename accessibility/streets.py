"""The walking network: OpenStreetMap ways pedestrians may use, as CSR arrays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class StreetNetwork:
    """An undirected walking graph in compressed sparse row (CSR) form.

    Every street segment appears in both directions, so ``indptr`` /
    ``indices`` / ``length_m`` form a symmetric adjacency matrix.

    Attributes
    ----------
    osm_node_ids : numpy.ndarray of int64, shape (n_nodes,)
    lat, lon : numpy.ndarray of float64, shape (n_nodes,)
        WGS84 coordinates in degrees.
    x, y : numpy.ndarray of float64, shape (n_nodes,)
        Projected coordinates in metres, in ``crs``.
    crs : str
        The metric CRS of ``x`` / ``y`` (``"EPSG:28992"`` in the Netherlands,
        a local UTM zone elsewhere).
    indptr : numpy.ndarray of int64, shape (n_nodes + 1,)
    indices : numpy.ndarray of int32, shape (n_edges,)
    length_m : numpy.ndarray of float64, shape (n_edges,)
        Edge lengths in metres.
    """

    osm_node_ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    x: np.ndarray
    y: np.ndarray
    crs: str
    indptr: np.ndarray
    indices: np.ndarray
    length_m: np.ndarray

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.osm_node_ids)

    @property
    def n_edges(self) -> int:
        """Number of directed edges (twice the number of street segments)."""
        return len(self.indices)
