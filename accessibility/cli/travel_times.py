"""The ``travel-times`` command: a travel-time matrix origins x destinations."""

from __future__ import annotations

import csv
import datetime as dt
import warnings
from pathlib import Path
from typing import Annotated

import typer

from accessibility.cli import app, print_error
from accessibility.errors import AccessibilityError, InputError

_LAT = ("lat", "latitude", "y")
_LON = ("lon", "lng", "long", "longitude", "x")


def read_points(path: Path, what: str):
    """Points with an ``id`` from a CSV (``id`` + lat/lon columns, any order) or any
    file GeoPandas reads (with an ``id`` column).

    Raises
    ------
    InputError
        Missing file, no ``id`` column, no lat/lon columns, or values that are not numbers.
    """
    import geopandas as gpd
    import pandas as pd

    if not path.is_file():
        raise InputError(f"{what} file not found: {path}")
    if path.suffix.lower() in (".csv", ".txt"):
        frame = _read_csv(path, what)
        cols = {str(c).lower().strip(): c for c in frame.columns}
        lat = next((cols[c] for c in _LAT if c in cols), None)
        lon = next((cols[c] for c in _LON if c in cols), None)
        if "id" not in cols or lat is None or lon is None:
            raise InputError(
                f"{path}: {what} CSV needs the columns id, lat and lon (in any order); "
                f"found {list(frame.columns)}"
            )
        coords = frame[[lat, lon]].apply(pd.to_numeric, errors="coerce")
        bad = coords.isna().any(axis=1)
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(
                f"{path}: {int(bad.sum())} row(s) without numeric lat/lon, first at data row "
                f"{row + 1} (id {frame[cols['id']].iloc[row]!r}); fix or remove them"
            )
        return gpd.GeoDataFrame(
            {"id": frame[cols["id"]].to_numpy()},
            geometry=gpd.points_from_xy(coords[lon], coords[lat]),
            crs="EPSG:4326",
        )
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise InputError(f"{path}: cannot read {what} ({exc})") from exc
    if "id" not in frame.columns:
        raise InputError(f"{path}: {what} need an 'id' column; found {list(frame.columns)}")
    return frame


def _read_csv(path: Path, what: str):
    """A CSV table; UTF-8 (with or without BOM), else Windows-1252 (Excel).

    Raises
    ------
    InputError
        An empty file, a file in neither encoding, or broken CSV (an unclosed
        quote, rows with too many fields), naming the file.
    """
    import io

    import pandas as pd

    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(f"{path}: the {what} file is empty; give a CSV with a header line "
                         "id,lat,lon and one row per point")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: the {what} file is neither UTF-8 nor Windows-1252 text "
                             f"({exc}); save it as CSV UTF-8") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)  # a row with extra fields
            return pd.read_csv(io.StringIO(text), index_col=False)
    except (pd.errors.ParserError, pd.errors.ParserWarning, pd.errors.EmptyDataError,
            csv.Error) as exc:
        raise InputError(f"{path}: the {what} file is not valid CSV ({str(exc).strip()}); check "
                         "for an unclosed quote or a row with too many fields") from None


#: ``--mode`` values and their request fields (Dutch names, English aliases).
CLI_MODES: dict[str, dict[str, object]] = {
    "ov": {"transport_modes": ["TRANSIT", "WALK"]},
    "lopen": {"transport_modes": ["WALK"]},
    "fiets": {"transport_modes": ["BICYCLE"]},
    "ebike": {"transport_modes": ["BICYCLE"], "bike_profile": "ebike"},
    "fiets-ov": {"transport_modes": ["TRANSIT", "WALK"], "access_modes": ["WALK", "BICYCLE"]},
}
_MODE_ALIASES = {"pt": "ov", "transit": "ov", "walk": "lopen", "bike": "fiets",
                 "e-bike": "ebike", "bike-pt": "fiets-ov", "bike-and-ride": "fiets-ov"}


def cli_mode_fields(mode: str, speed_cycling: float | None, bike_parking: str) -> dict[str, object]:
    """The request fields of a ``--mode`` value (Dutch or English name).

    Raises
    ------
    InputError
        For an unknown mode, naming the known ones.
    """
    name = _MODE_ALIASES.get(mode.lower(), mode.lower())
    if name not in CLI_MODES:
        raise InputError(f"--mode {mode!r} is unknown; use one of {list(CLI_MODES)}")
    fields = dict(CLI_MODES[name])
    if speed_cycling is not None:
        fields["speed_cycling"] = speed_cycling
    fields["bike_parking"] = bike_parking
    return fields


@app.command("travel-times")
def travel_times(
    osm: Annotated[Path, typer.Option(help="OpenStreetMap extract (.osm.pbf).")],
    gtfs: Annotated[list[Path], typer.Option(help="GTFS feed (.zip or folder); repeatable.")],
    origins: Annotated[
        Path, typer.Option(help="Herkomsten / origins: CSV id,lat,lon (any order) or GIS file.")
    ],
    destinations: Annotated[
        Path, typer.Option(help="Bestemmingen / destinations: CSV id,lat,lon or GIS file.")
    ],
    departure: Annotated[
        str, typer.Option(help="Vertrek / first departure, local time, e.g. 2019-05-13T14:00.")
    ],
    out: Annotated[Path, typer.Option(help="Output CSV (written atomically).")],
    window: Annotated[int, typer.Option(help="Vertrekvenster / departure window (minutes).")] = 10,
    max_time: Annotated[int, typer.Option(help="Maximale reistijd / max trip time (min).")] = 120,
    percentile: Annotated[
        list[int] | None, typer.Option(help="Percentile over the window; repeatable (default 50).")
    ] = None,
    speed_walking: Annotated[float, typer.Option(help="Loopsnelheid / walking speed (km/h).")] = 3.6,
    max_rides: Annotated[int, typer.Option(help="Max public-transport rides per trip.")] = 8,
    wait_at_origin: Annotated[
        bool,
        typer.Option(
            "--wait-at-origin/--no-wait-at-origin",
            help="Count waiting at the origin (R5) or from the planned departure.",
        ),
    ] = True,
    mode: Annotated[str, typer.Option(
        help="Vervoerwijze / mode: ov (OV en lopen / transit and walking), lopen (walk), "
             "fiets (bike), ebike, fiets-ov (fiets of lopen naar het station / bike and ride)."
    )] = "ov",
    speed_cycling: Annotated[float | None, typer.Option(
        help="Fietssnelheid / cycling speed (km/h); default 15, e-bike 20.")] = None,
    bike_parking: Annotated[str, typer.Option(
        help="Fiets parkeren bij / bike parking at: stations (default) or all (elke halte).")
    ] = "stations",
    engine: Annotated[str, typer.Option(help="builtin (default) or r5py.")] = "builtin",
    cache_dir: Annotated[
        Path | None, typer.Option(help="Network cache folder (default ~/.cache/accessibility).")
    ] = None,
) -> None:
    """Reistijdenmatrix met OV, lopen of fiets / travel-time matrix by transit, walking or bike."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    try:
        try:
            when = dt.datetime.fromisoformat(departure)
        except ValueError:
            raise InputError(
                f"--departure {departure!r} is not a date and time; use e.g. 2019-05-13T14:00"
            ) from None
        from accessibility.io import atomic_path, require_file_target
        from accessibility.routing import TransportNetwork, TravelTimeMatrix

        require_file_target(out)  # before the long computation

        mode_fields = cli_mode_fields(mode, speed_cycling, bike_parking)
        origin_points = read_points(origins, "origins")
        destination_points = read_points(destinations, "destinations")
        with console.status("Netwerk bouwen / building the network..."):
            network = TransportNetwork(osm, gtfs, cache_dir=cache_dir)
        console.print(
            f"{network!r} ({'from cache' if network.from_cache else 'built'} in "
            f"{network.build_seconds:.1f} s)"
        )
        options = {}
        with Progress(
            TextColumn("Routeren / routing"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(), console=console,
        ) as bar:  # fmt: skip
            task = bar.add_task("routing", total=len(origin_points))
            if engine == "builtin":
                options["progress"] = lambda done, total: bar.update(task, completed=done)
            ttm = TravelTimeMatrix(
                network,
                origin_points,
                destination_points,
                departure=when,
                departure_time_window=dt.timedelta(minutes=window),
                percentiles=percentile or [50],
                max_time=dt.timedelta(minutes=max_time),
                speed_walking=speed_walking,
                max_public_transport_rides=max_rides,
                wait_at_origin=wait_at_origin,
                engine=engine,
                **mode_fields,
                **options,
            )
            bar.update(task, completed=len(origin_points))
        try:
            with atomic_path(out) as tmp:
                ttm.to_csv(tmp, index=False)
        except OSError as exc:
            raise InputError(f"cannot write --out {out}: {exc.strerror or exc}") from None
        value = [c for c in ttm.columns if c.startswith("travel_time")][0]
        console.print(
            f"{len(ttm)} pairs, {int(ttm[value].isna().sum())} unreached; written to {out}"
        )
    except AccessibilityError as exc:
        print_error(console, exc)
        raise typer.Exit(1) from None
