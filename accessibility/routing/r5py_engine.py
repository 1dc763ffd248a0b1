"""Travel-time matrices computed by r5py (Conveyal R5), as an optional engine.

Needs the ``r5py`` package (``pip install 'accessibility[r5py]'``) and a Java
21 (or newer) runtime on ``PATH`` (or ``JAVA_HOME``). Both are checked before
``r5py`` is imported, so a missing piece gives an
:class:`~accessibility.errors.EngineUnavailableError` saying what to install
instead of a Java or download traceback.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from typing import TYPE_CHECKING

import pandas as pd

from accessibility.errors import EngineUnavailableError, InputError

if TYPE_CHECKING:
    import geopandas as gpd

    from accessibility.routing.network import TransportNetwork
    from accessibility.routing.request import TravelRequest

#: Oldest Java major version R5 (as used by current r5py) runs on.
MIN_JAVA = 21


def java_version() -> int | None:
    """Major version of the ``java`` on ``JAVA_HOME`` or ``PATH``; None when absent."""
    home = os.environ.get("JAVA_HOME")
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    if not java or not os.path.exists(java):
        return None
    try:
        done = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', done.stderr + done.stdout)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2)) if major == 1 and match.group(2) else major


def check_available() -> None:
    """Raise :class:`EngineUnavailableError` unless r5py and Java 21+ are present."""
    missing = []
    if importlib.util.find_spec("r5py") is None:
        missing.append("the Python package r5py is not installed (pip install 'accessibility[r5py]')")
    version = java_version()
    if version is None:
        missing.append(
            f"no Java runtime found on PATH or JAVA_HOME (install Java {MIN_JAVA}, e.g. "
            f"apt install openjdk-{MIN_JAVA}-jre-headless, and set JAVA_HOME)"
        )
    elif version < MIN_JAVA:
        missing.append(
            f"Java {version} found but r5py needs Java {MIN_JAVA} or newer (install "
            f"openjdk-{MIN_JAVA}-jre-headless and point JAVA_HOME to it)"
        )
    if missing:
        raise EngineUnavailableError(
            "engine 'r5py' cannot run here: " + "; ".join(missing)
            + ". Use engine='builtin' (the default) meanwhile."
        )


def _import_r5py():
    check_available()
    try:
        import r5py
    except Exception as exc:  # r5py downloads R5's jar on first import
        raise EngineUnavailableError(
            f"engine 'r5py': importing r5py failed ({type(exc).__name__}: {exc}). On first "
            "use r5py downloads the R5 jar: run once with internet access, or set r5py's "
            "--r5-classpath to a local R5 jar."
        ) from exc
    return r5py


def travel_time_matrix(
    network: TransportNetwork,
    origins: gpd.GeoDataFrame,
    destinations: gpd.GeoDataFrame,
    request: TravelRequest,
) -> pd.DataFrame:
    """The travel-time matrix by r5py, with the built-in engine's columns.

    ``network`` is an :class:`accessibility.routing.TransportNetwork` whose
    OSM and GTFS paths r5py reads again (R5 builds its own network); the
    request's parameters are passed to r5py's ``RegionalTask`` as they are.

    Returns
    -------
    pandas.DataFrame
        ``from_id, to_id, travel_time`` (or ``travel_time_p{p}`` per
        percentile when several are requested), minutes, nullable Int64.
    """
    if not request.wait_at_origin:
        raise InputError(
            "wait_at_origin=False (planned departure) is not available in r5py; use the "
            "built-in engine for it"
        )
    r5py = _import_r5py()
    r5_network = r5py.TransportNetwork(str(network.osm_pbf), [str(p) for p in network.gtfs_paths])
    kwargs = dict(
        departure=request.departure,
        departure_time_window=request.departure_time_window,
        percentiles=list(request.percentiles),
        max_time=request.max_time,
        speed_walking=request.speed_walking,
        max_public_transport_rides=request.max_public_transport_rides,
        transport_modes=[getattr(r5py.TransportMode, m.value) for m in request.transport_modes],
        access_modes=[getattr(r5py.TransportMode, m.value) for m in request.access_modes],
        egress_modes=[getattr(r5py.TransportMode, m.value) for m in request.egress_modes],
        speed_cycling=request.cycling_kmh,
    )
    if request.max_time_walking is not None:
        kwargs["max_time_walking"] = request.max_time_walking
    if request.max_time_cycling is not None:
        kwargs["max_time_cycling"] = request.max_time_cycling
    result = pd.DataFrame(
        r5py.TravelTimeMatrix(r5_network, origins, destinations, **kwargs)
    )
    value_cols = [c for c in result.columns if c.startswith("travel_time")]
    for col in value_cols:
        result[col] = pd.to_numeric(result[col]).round().astype("Int64")
    return result[["from_id", "to_id", *value_cols]]
