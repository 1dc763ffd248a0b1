"""Write an OVapi-shaped GTFS zip (the layout of gtfs-nl) from the synthetic demo region.

OVapi's national feed ``gtfs-nl.zip`` cannot be downloaded here, so this script
writes a small feed in its layout, for tests and demos: SYNTHETIC data (the
fictional region Veenstad of ``data/demo``), nothing in it is a real timetable.

What it mimics of gtfs-nl:

* the files ``agency, routes, trips, stop_times, stops, calendar_dates,
  feed_info, transfers, shapes`` and their column sets (``routes.txt`` has the
  columns of the real table in ``../shared/data/nl/ovapi/routes.txt``); no
  ``calendar.txt`` and no ``frequencies.txt`` (service days are listed date by
  date, frequency-based trips written out one by one);
* several operators with gtfs-nl style ids (``IFF:`` for trains) and route
  types 0 (tram), 1 (metro), 2 (train), 3 (bus) and 4 (ferry);
* every stop in a stop area (``location_type`` 1, ``stoparea:...``), platforms
  with ``platform_code`` and ``zone_id``;
* trips with ``realtime_trip_id``, ``trip_short_name``, ``block_id``, ``shape_id``;
  stop times with ``stop_headsign``, ``pickup_type``, ``drop_off_type``,
  ``timepoint``, ``shape_dist_traveled``, ``fare_units_traveled``, complete
  times, no drop-off at the first stop and no pickup at the last;
* ``transfers.txt`` with stop-to-stop, route-to-route, trip-to-trip (timed)
  and in-seat rows;
* stops with impossible coordinates (near 0/0), one called by a trip.

On top of the demo's service (the same trips, so the same travel times) it adds
services that exercise the boarding rules: an express bus that passes
Heidedorp without serving it (``pickup_type`` = ``drop_off_type`` = 1 there), a
Friday night bus that only picks up in Veenstad and only sets down outside
it, an evening intercity to Flevostad (outside the region, so a clip keeps
its trips whole), a bus entirely outside the region, and weekend tram, metro
and ferry services.

Usage::

    python scripts/make_ovapi_feed.py --out gtfs-nl.zip [--demo data/demo]

The output is deterministic (fixed zip timestamps and row order).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from accessibility.geo import haversine_m
from accessibility.gtfs.stop_times import interpolate

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"

#: Service period of the feed (gtfs-nl covers a few weeks ahead); holds the demo
#: region's analysis dates 2026-12-01 (Tuesday) and 2026-12-05 (Saturday).
FIRST_DATE = dt.date(2026, 11, 23)
LAST_DATE = dt.date(2026, 12, 20)

COLUMNS = {
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone,agency_phone",
    "routes.txt": "route_id,agency_id,route_short_name,route_long_name,route_desc,route_type,"
    "route_color,route_text_color,route_url",
    "trips.txt": "route_id,service_id,trip_id,realtime_trip_id,trip_headsign,trip_short_name,"
    "trip_long_name,direction_id,block_id,shape_id,wheelchair_accessible,bikes_allowed",
    "stop_times.txt": "trip_id,stop_sequence,stop_id,stop_headsign,arrival_time,departure_time,"
    "pickup_type,drop_off_type,timepoint,shape_dist_traveled,fare_units_traveled",
    "stops.txt": "stop_id,stop_code,stop_name,stop_lat,stop_lon,location_type,parent_station,"
    "stop_timezone,wheelchair_boarding,platform_code,zone_id",
    "calendar_dates.txt": "service_id,date,exception_type",
    "feed_info.txt": "feed_publisher_name,feed_id,feed_publisher_url,feed_lang,feed_start_date,"
    "feed_end_date,feed_version",
    "transfers.txt": "from_stop_id,to_stop_id,from_route_id,to_route_id,from_trip_id,to_trip_id,"
    "transfer_type,min_transfer_time",
    "shapes.txt": "shape_id,shape_pt_sequence,shape_pt_lat,shape_pt_lon,shape_dist_traveled",
}

SYNTHETIC = "(fictief, synthetisch)"
AGENCIES = [
    ("IFF:VSP", f"Veenspoor {SYNTHETIC}", "https://example.invalid/veenspoor"),
    ("VEENBUS", f"Veenbus {SYNTHETIC}", "https://example.invalid/veenbus"),
    ("VEXPRES", f"Veen Expres {SYNTHETIC}", "https://example.invalid/veenexpres"),
    ("VTM", f"Veenstadse Tram en Metro {SYNTHETIC}", "https://example.invalid/vtm"),
    ("VEERDIENST", f"Veerdienst Markermeer {SYNTHETIC}", "https://example.invalid/veer"),
    ("FLEVOBUS", f"Flevobus {SYNTHETIC}", "https://example.invalid/flevobus"),
]
DEMO_AGENCY = {"VEENSPOOR": "IFF:VSP", "VEENBUS": "VEENBUS"}

# Demo stops grouped in one stop area, and platform codes (others: their own area).
AREAS = {"VST": ("VST", "VST_B", "VST_T1", "VST_M1"), "MLW": ("MLW", "MLW_B")}
PLATFORM_CODES = {"VST": "2", "VST_B": "B", "MLW": "1", "MLW_B": "A", "ZR_B": "A", "OSH": "1",
                  "VST_T1": "T", "VST_M1": "M", "FLV": "3"}  # fmt: skip

#: (stop_id, name, lat, lon): the added stops. Heidedorp, Brink lies on a street node of
#: the demo OSM; Flevostad lies ~20 km east of the region (outside its bounding box).
NEW_STOPS = [
    ("HD_B", "Heidedorp, Brink", 52.6404972, 5.3945921),
    ("HD_V", "Heidedorp, Veerstoep", 52.6398, 5.3925),
    ("OSH_V", "Oosterhoeve, Veerstoep", 52.5566, 5.4448),
    ("VST_T1", "Veenstad, Station (tram)", 52.5488, 5.2692),
    ("VST_T2", "Veenstad, Noorderpark (tram)", 52.5598, 5.2697),
    ("VST_M1", "Veenstad, Station (metro)", 52.5485, 5.2693),
    ("VST_M2", "Veenstad, Oost (metro)", 52.5488, 5.2902),
    ("FLV", "Flevostad", 52.5600, 5.7500),
    ("FLV_1", "Flevostad, Centrum", 52.5610, 5.7520),
    ("FLV_2", "Flevostad, Haven", 52.5580, 5.7600),
    ("EVT", "Veenstad, Evenemententerrein", 0.0, 0.0),  # impossible, called by the night bus
]
#: Impossible coordinates as gtfs-nl has them by the thousand (latitude below 36).
IMPOSSIBLE_STOPS = [
    ("X1", "Onbekende halte", 0.0000010, 0.0000020),
    ("X2", "Vervallen halte", 1.2345678, 3.4567890),
]

# Added routes: (route_id, agency, short name, long name, type, colour).
NEW_ROUTES = [
    ("150", "VEXPRES", "150", "Veenstad - Oosterhoeve (sneldienst via Heidedorp)", 3, "00A0E2"),
    ("N40", "VEENBUS", "N40", "Nachtbus Veenstad - Zandrecht", 3, "1B1B1B"),
    ("IC", "IFF:VSP", "IC", "Intercity Molenwijk - Veenstad - Flevostad", 2, "FFC917"),
    ("F1", "FLEVOBUS", "1", "Flevostad Centrum - Haven", 3, "7A7A7A"),
    ("T5", "VTM", "5", "Museumtram Station - Noorderpark", 0, "C8102E"),
    ("M1", "VTM", "M1", "Metro Station - Oost", 1, "0066B3"),
    ("V1", "VEERDIENST", "V1", "Veerpont Oosterhoeve - Heidedorp", 4, "004B87"),
]

# Service ids: the demo's, renumbered as in gtfs-nl, plus Fridays only.
SERVICE_IDS = {"WD": "1", "ZA": "2", "ZO": "3", "VR": "4"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="the .zip to write")
    parser.add_argument("--demo", type=Path, default=DEMO, help="the demo region folder")
    args = parser.parse_args()
    write_zip(build_feed(args.demo), args.out)
    print(f"wrote {args.out}")


def build_feed(demo: Path = DEMO) -> dict[str, pd.DataFrame]:
    """All tables of the OVapi-shaped feed, keyed by file name, columns as :data:`COLUMNS`."""
    gtfs = demo / "gtfs"

    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(gtfs / name, dtype=str, keep_default_na=False)

    demo_stops = read("stops.txt")
    stops = _stops(demo_stops)
    coords = stops.set_index("stop_id")[["stop_lat", "stop_lon"]].astype(float)
    trips, stop_times = _demo_trips(read("trips.txt"), read("stop_times.txt"),
                                    read("frequencies.txt"), coords)  # fmt: skip
    extra_trips, extra_times = _added_trips()
    trips = pd.concat([trips, extra_trips], ignore_index=True)
    stop_times = pd.concat([stop_times, extra_times], ignore_index=True)
    routes = _routes(read("routes.txt"))
    trips, stop_times, shapes = _number_and_shape(trips, stop_times, routes, coords)
    return {
        "agency.txt": pd.DataFrame(
            [(a, n, u, "Europe/Amsterdam", "") for a, n, u in AGENCIES],
            columns=COLUMNS["agency.txt"].split(","),
        ),
        "routes.txt": routes,
        "trips.txt": trips,
        "stop_times.txt": stop_times,
        "stops.txt": stops,
        "calendar_dates.txt": _calendar_dates(read("calendar.txt"), read("calendar_dates.txt")),
        "feed_info.txt": pd.DataFrame(
            [(f"accessibility test feed in the OVapi gtfs-nl layout - SYNTHETIC {SYNTHETIC}",
              "ovapi-shaped", "https://example.invalid/accessibility", "nl",
              FIRST_DATE.strftime("%Y%m%d"), LAST_DATE.strftime("%Y%m%d"), "synthetic-1")],
            columns=COLUMNS["feed_info.txt"].split(","),
        ),  # fmt: skip
        "transfers.txt": _transfers(read("transfers.txt"), trips, stop_times),
        "shapes.txt": shapes,
    }


def write_zip(tables: dict[str, pd.DataFrame], out: Path) -> None:
    """Write the tables as a zip with fixed timestamps (the same bytes on every run)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in COLUMNS:
            text = io.StringIO()
            tables[name][COLUMNS[name].split(",")].to_csv(
                text, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n"
            )
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 20, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.getvalue())


# ---------------------------------------------------------------------------- stops


def _stops(demo_stops: pd.DataFrame) -> pd.DataFrame:
    """Platforms (demo stops and the added ones) in stop areas, plus impossible stops."""
    rows = [(r.stop_id, r.stop_name, float(r.stop_lat), float(r.stop_lon))
            for r in demo_stops.itertuples()] + NEW_STOPS  # fmt: skip
    platforms = pd.DataFrame(rows, columns=["stop_id", "stop_name", "stop_lat", "stop_lon"])
    area_of = {s: area for area, members in AREAS.items() for s in members}
    platforms["parent_station"] = [
        "stoparea:" + area_of.get(s, s) for s in platforms["stop_id"]
    ]
    platforms.loc[platforms["stop_id"] == "EVT", "parent_station"] = ""
    platforms["location_type"] = "0"
    platforms["platform_code"] = platforms["stop_id"].map(PLATFORM_CODES).fillna("")
    rail = platforms["stop_id"].isin(["VST", "MLW", "OSH", "FLV"])
    platforms["zone_id"] = np.where(rail, "IFF:" + platforms["stop_id"].str.lower(),
                                    "VB:" + (1000 + platforms.index).astype(str))  # fmt: skip
    areas = (
        platforms[platforms["parent_station"] != ""]
        .groupby("parent_station")
        .agg(stop_name=("stop_name", "first"), stop_lat=("stop_lat", "mean"),
             stop_lon=("stop_lon", "mean"))
        .reset_index()
        .rename(columns={"parent_station": "stop_id"})
    )  # fmt: skip
    # A stop area takes its (first) platform's name; the multi-platform ones their town's.
    names = platforms.set_index("stop_id")["stop_name"]
    towns = {f"stoparea:{area}": names[members[0]] for area, members in AREAS.items()}
    areas["stop_name"] = areas["stop_id"].map(towns).fillna(areas["stop_name"])
    areas["location_type"] = "1"
    impossible = pd.DataFrame(IMPOSSIBLE_STOPS, columns=["stop_id", "stop_name", "stop_lat",
                                                         "stop_lon"])  # fmt: skip
    impossible["location_type"] = "0"
    stops = pd.concat([areas, platforms, impossible], ignore_index=True).fillna("")
    stops["stop_code"] = [f"{5990000 + i}" for i in range(len(stops))]
    stops["stop_timezone"] = ""
    stops["wheelchair_boarding"] = np.where(stops["location_type"] == "0", "1", "")
    stops["stop_lat"] = stops["stop_lat"].map(lambda v: f"{v:.7f}")
    stops["stop_lon"] = stops["stop_lon"].map(lambda v: f"{v:.7f}")
    return stops[COLUMNS["stops.txt"].split(",")]


# ---------------------------------------------------------------------------- service


def _calendar_dates(calendar: pd.DataFrame, exceptions: pd.DataFrame) -> pd.DataFrame:
    """Every service date in the feed's period as an added date (gtfs-nl has no calendar.txt)."""
    weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    rows = []
    day = FIRST_DATE
    while day <= LAST_DATE:
        ymd = day.strftime("%Y%m%d")
        running = {
            r.service_id for r in calendar.itertuples()
            if r.start_date <= ymd <= r.end_date and getattr(r, weekdays[day.weekday()]) == "1"
        }  # fmt: skip
        on_day = exceptions[exceptions["date"] == ymd]
        running |= set(on_day.loc[on_day["exception_type"] == "1", "service_id"])
        running -= set(on_day.loc[on_day["exception_type"] == "2", "service_id"])
        if day.weekday() == 4:
            running.add("VR")
        rows += [(SERVICE_IDS[s], ymd, "1") for s in sorted(running)]
        day += dt.timedelta(days=1)
    return pd.DataFrame(rows, columns=COLUMNS["calendar_dates.txt"].split(",")).sort_values(
        ["service_id", "date"], kind="stable"
    )


# ---------------------------------------------------------------------------- trips


def _seconds(values: pd.Series) -> np.ndarray:
    """HH:MM:SS (or empty) -> seconds as float (NaN when empty)."""
    out = np.full(len(values), np.nan)
    given = (values != "").to_numpy()
    parts = values[given].str.split(":", expand=True).astype(int)
    out[given] = (parts[0] * 3600 + parts[1] * 60 + parts[2]).to_numpy()
    return out


def _hms(seconds: np.ndarray) -> list[str]:
    return [f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}" for s in seconds.astype(int)]


def _demo_trips(trips: pd.DataFrame, stop_times: pd.DataFrame, frequencies: pd.DataFrame,
                coords: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """The demo's trips with complete times and frequency trips written out one by one.

    Untimed calls get the times the toolkit interpolates (by distance), as an
    operator's export would give them; so both feeds describe the same service.
    """
    st = stop_times.assign(seq=stop_times["stop_sequence"].astype(int))
    st = st.sort_values(["trip_id", "seq"], kind="stable").reset_index(drop=True)
    code = pd.factorize(st["trip_id"])[0]
    lat = coords.loc[st["stop_id"], "stop_lat"].to_numpy()
    lon = coords.loc[st["stop_id"], "stop_lon"].to_numpy()
    arrival = _seconds(st["arrival_time"])
    departure = _seconds(st["departure_time"])
    arrival, departure, interpolated = interpolate(
        code, arrival, departure, lat, lon, np.full(len(st), np.nan)
    )
    st = st.assign(arr=arrival, dep=departure, timepoint=np.where(interpolated, "0", "1"))
    st = st[["trip_id", "stop_id", "seq", "arr", "dep", "timepoint"]]
    freq = frequencies.assign(start=_seconds(frequencies["start_time"]).astype(int),
                              end=_seconds(frequencies["end_time"]).astype(int),
                              headway=frequencies["headway_secs"].astype(int))  # fmt: skip
    plain = trips[~trips["trip_id"].isin(freq["trip_id"])]
    out_trips = [plain[["route_id", "service_id", "trip_id", "trip_headsign", "direction_id"]]]
    out_times = [st[st["trip_id"].isin(plain["trip_id"])]]
    for row in freq.itertuples():
        template = st[st["trip_id"] == row.trip_id]
        base = trips[trips["trip_id"] == row.trip_id].iloc[0]
        for start in range(row.start, row.end, row.headway):
            shift = start - int(template["dep"].iloc[0])
            trip_id = f"{row.trip_id}_{start // 3600:02d}{start % 3600 // 60:02d}"
            out_trips.append(pd.DataFrame([{**base.to_dict(), "trip_id": trip_id}]))
            out_times.append(template.assign(trip_id=trip_id, arr=template["arr"] + shift,
                                             dep=template["dep"] + shift))  # fmt: skip
    trips_out = pd.concat(out_trips, ignore_index=True)
    trips_out["service_id"] = trips_out["service_id"].map(SERVICE_IDS)
    times = pd.concat(out_times, ignore_index=True)
    times["pickup"] = ""
    times["drop_off"] = ""
    return trips_out, times


def _added_trips() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The added services, with their boarding rules (see the module docstring)."""
    trips, times = [], []

    def add(route, service, trip_id, headsign, direction, calls):
        """calls: (stop_id, minutes after midnight, pickup_type, drop_off_type)."""
        trips.append((route, SERVICE_IDS[service], trip_id, headsign, direction))
        for seq, (stop, minute, pickup, drop_off) in enumerate(calls, start=1):
            times.append((trip_id, stop, seq, minute * 60, minute * 60, "1", pickup, drop_off))

    for hour in range(7, 19):
        base = hour * 60
        # Express 150 passes Heidedorp without serving it (a timing point only).
        add("150", "WD", f"150_{hour:02d}_0", "Oosterhoeve", "0",
            [("VST_B", base + 10, "", ""), ("HD_B", base + 25, "1", "1"),
             ("OSH", base + 38, "", "")])  # fmt: skip
        add("150", "WD", f"150_{hour:02d}_1", "Veenstad", "1",
            [("OSH", base + 40, "", ""), ("HD_B", base + 53, "1", "1"),
             ("VST_B", base + 68, "", "")])  # fmt: skip
    for minute in (25 * 60, 26 * 60):
        # Night bus: only boarding in Veenstad, only alighting outside it.
        add("N40", "VR", f"N40_{minute // 60}", "Zandrecht", "0",
            [("VST_B", minute, "", "1"), ("VST_Z1", minute + 3, "", "1"),
             ("VST_Z3", minute + 6, "", "1"), ("EVT", minute + 8, "1", "1"),
             ("ZRW_1", minute + 11, "1", ""), ("ZRW_3", minute + 17, "1", ""),
             ("ZR_B", minute + 21, "1", "")])  # fmt: skip
    for hour in range(17, 23):
        base = hour * 60
        add("IC", "WD", f"IC_{hour:02d}_0", "Flevostad", "0",
            [("MLW", base, "", ""), ("VST", base + 9, "", ""), ("OSH", base + 19, "", ""),
             ("FLV", base + 33, "", "")])  # fmt: skip
        add("IC", "WD", f"IC_{hour:02d}_1", "Molenwijk", "1",
            [("FLV", base + 20, "", ""), ("OSH", base + 34, "", ""), ("VST", base + 44, "", ""),
             ("MLW", base + 53, "", "")])  # fmt: skip
    for hour in range(7, 20):
        add("F1", "WD", f"F1_{hour:02d}", "Haven", "0",
            [("FLV_1", hour * 60, "", ""), ("FLV_2", hour * 60 + 6, "", "")])
    for hour in (11, 13, 15):
        add("T5", "ZA", f"T5_{hour}_0", "Noorderpark", "0",
            [("VST_T1", hour * 60, "", ""), ("VST_T2", hour * 60 + 8, "", "")])
        add("T5", "ZA", f"T5_{hour}_1", "Station", "1",
            [("VST_T2", hour * 60 + 20, "", ""), ("VST_T1", hour * 60 + 28, "", "")])
        add("M1", "ZO", f"M1_{hour}_0", "Oost", "0",
            [("VST_M1", hour * 60, "", ""), ("VST_M2", hour * 60 + 3, "", "")])
        add("V1", "ZA", f"V1_{hour}_0", "Heidedorp", "0",
            [("OSH_V", hour * 60 + 5, "", ""), ("HD_V", hour * 60 + 25, "", "")])
        add("V1", "ZA", f"V1_{hour}_1", "Oosterhoeve", "1",
            [("HD_V", hour * 60 + 35, "", ""), ("OSH_V", hour * 60 + 55, "", "")])
    return (
        pd.DataFrame(trips, columns=["route_id", "service_id", "trip_id", "trip_headsign",
                                     "direction_id"]),
        pd.DataFrame(times, columns=["trip_id", "stop_id", "seq", "arr", "dep", "timepoint",
                                     "pickup", "drop_off"]),
    )  # fmt: skip


def _routes(demo_routes: pd.DataFrame) -> pd.DataFrame:
    routes = demo_routes.assign(agency_id=demo_routes["agency_id"].map(DEMO_AGENCY))
    added = pd.DataFrame(
        [(r, a, s, n, str(t), c) for r, a, s, n, t, c in NEW_ROUTES],
        columns=["route_id", "agency_id", "route_short_name", "route_long_name", "route_type",
                 "route_color"],
    )  # fmt: skip
    routes = pd.concat([routes, added], ignore_index=True).fillna("")
    routes["route_desc"] = ""
    routes["route_text_color"] = np.where(routes["route_type"] == "2", "000000", "FFFFFF")
    routes["route_url"] = ""
    return routes[COLUMNS["routes.txt"].split(",")]


def _number_and_shape(
    trips: pd.DataFrame, stop_times: pd.DataFrame, routes: pd.DataFrame, coords: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """gtfs-nl ids and columns: numeric trip ids, realtime ids, blocks, shapes, rules."""
    trips = trips.sort_values(["route_id", "trip_id"], kind="stable").reset_index(drop=True)
    new_id = dict(zip(trips["trip_id"], (str(260_000_001 + i) for i in range(len(trips))),
                      strict=True))  # fmt: skip
    stop_times = stop_times.sort_values(["trip_id", "seq"], kind="stable").reset_index(drop=True)
    first = ~stop_times["trip_id"].duplicated(keep="first")
    last = ~stop_times["trip_id"].duplicated(keep="last")
    # gtfs-nl: nobody gets off at a trip's first stop, nobody gets on at its last.
    stop_times.loc[first & (stop_times["drop_off"] == ""), "drop_off"] = "1"
    stop_times.loc[last & (stop_times["pickup"] == ""), "pickup"] = "1"
    stop_times[["pickup", "drop_off"]] = stop_times[["pickup", "drop_off"]].replace("", "0")
    valid = coords["stop_lat"].abs() > 1
    lat = coords["stop_lat"].where(valid).loc[stop_times["stop_id"]].to_numpy()
    lon = coords["stop_lon"].where(valid).loc[stop_times["stop_id"]].to_numpy()
    step = np.nan_to_num(haversine_m(np.roll(lat, 1), np.roll(lon, 1), lat, lon))
    step[first.to_numpy()] = 0.0
    stop_times["dist"] = np.round(pd.Series(step).groupby(stop_times["trip_id"]).cumsum()).astype(int)
    sequence = stop_times.groupby("trip_id")["stop_id"].agg(tuple)
    shape_keys = {key: str(i + 1) for i, key in enumerate(sorted(set(sequence)))}
    route_agency = routes.set_index("route_id")["agency_id"]
    trips["shape_id"] = trips["trip_id"].map(sequence).map(shape_keys)
    trips["trip_short_name"] = [str(1000 + i) for i in range(len(trips))]
    # gtfs-nl: "IFF:<train type>:<train number>" for trains, "<operator>:<line>:<journey>".
    trips["realtime_trip_id"] = [
        f"IFF:{r}:{n}" if route_agency[r].startswith("IFF:") else f"{route_agency[r]}:{r}:{n}"
        for r, n in zip(trips["route_id"], trips["trip_short_name"], strict=True)
    ]
    trips["block_id"] = _blocks(trips, stop_times)
    trips["trip_long_name"] = ""
    trips["wheelchair_accessible"] = "1"
    trips["bikes_allowed"] = np.where(route_agency[trips["route_id"]].to_numpy() == "IFF:VSP",
                                      "1", "0")  # fmt: skip
    headsign = trips.set_index("trip_id")["trip_headsign"]
    out_times = pd.DataFrame({
        "trip_id": stop_times["trip_id"].map(new_id),
        "stop_sequence": stop_times["seq"].astype(int).astype(str),
        "stop_id": stop_times["stop_id"],
        "stop_headsign": stop_times["trip_id"].map(headsign),
        "arrival_time": _hms(stop_times["arr"].to_numpy()),
        "departure_time": _hms(stop_times["dep"].to_numpy()),
        "pickup_type": stop_times["pickup"],
        "drop_off_type": stop_times["drop_off"],
        "timepoint": stop_times["timepoint"],
        "shape_dist_traveled": stop_times["dist"].astype(str),
        "fare_units_traveled": (stop_times["dist"] // 100 * 100).astype(str),
    })  # fmt: skip
    shapes = []
    for key, shape_id in shape_keys.items():
        points = [s for s in key if valid[s]]
        dist = np.concatenate([[0.0], np.cumsum(haversine_m(
            coords.loc[points[:-1], "stop_lat"].to_numpy(), coords.loc[points[:-1], "stop_lon"].to_numpy(),
            coords.loc[points[1:], "stop_lat"].to_numpy(), coords.loc[points[1:], "stop_lon"].to_numpy()))])
        shapes += [(shape_id, str(i + 1), f"{coords.loc[s, 'stop_lat']:.7f}",
                    f"{coords.loc[s, 'stop_lon']:.7f}", str(round(d)))
                   for i, (s, d) in enumerate(zip(points, dist, strict=True))]  # fmt: skip
    trips["trip_id"] = trips["trip_id"].map(new_id)
    return (
        trips[COLUMNS["trips.txt"].split(",")],
        out_times,
        pd.DataFrame(shapes, columns=COLUMNS["shapes.txt"].split(",")),
    )


def _blocks(trips: pd.DataFrame, stop_times: pd.DataFrame) -> list[str]:
    """Vehicle blocks: per route and service, a trip continues the vehicle that ended at its
    first stop at least 2 minutes before it departs (the earliest such vehicle)."""
    ends = stop_times.groupby("trip_id").agg(first_stop=("stop_id", "first"),
                                             last_stop=("stop_id", "last"),
                                             start=("dep", "first"), end=("arr", "last"))  # fmt: skip
    info = trips.join(ends, on="trip_id").sort_values("start", kind="stable")
    block_of: dict[str, str] = {}
    free: dict[tuple, list[tuple[int, str]]] = {}
    n_blocks = 0
    for row in info.itertuples():
        key = (row.route_id, row.service_id, row.first_stop)
        waiting = free.get(key, [])
        ready = [v for v in waiting if v[0] + 120 <= row.start]
        if ready:
            vehicle = min(ready)
            waiting.remove(vehicle)
            block = vehicle[1]
        else:
            n_blocks += 1
            block = f"B{n_blocks:04d}"
        block_of[row.trip_id] = block
        free.setdefault((row.route_id, row.service_id, row.last_stop), []).append((row.end, block))
    return [block_of[t] for t in trips["trip_id"]]


def _transfers(demo_transfers: pd.DataFrame, trips: pd.DataFrame,
               stop_times: pd.DataFrame) -> pd.DataFrame:  # fmt: skip
    """The demo's stop-to-stop minimum times, and the row kinds gtfs-nl also has."""
    rows = [(r.from_stop_id, r.to_stop_id, "", "", "", "", r.transfer_type, r.min_transfer_time)
            for r in demo_transfers.itertuples()]  # fmt: skip
    ic = trips.loc[trips["route_id"] == "IC", "trip_id"].tolist()
    bus = trips[trips["route_id"] == "B140"]
    # Two consecutive trips of one bus 140 vehicle, and the terminus where they meet.
    starts = stop_times.groupby("trip_id")["departure_time"].first()
    ends = stop_times.groupby("trip_id")["stop_id"].last()
    block = bus.assign(start=bus["trip_id"].map(starts)).sort_values("start", kind="stable")
    first, second = next(g["trip_id"].tolist()[:2] for _, g in block.groupby("block_id")
                         if len(g) >= 2)  # fmt: skip
    rows += [
        # A timed (guaranteed) connection from the evening intercity to bus 140.
        ("VST", "VST_B", "", "", ic[0], bus["trip_id"].iloc[-1], "1", ""),
        # In-seat: the passengers stay on board from one trip to the vehicle's next.
        (ends[first], ends[first], "", "", first, second, "4", ""),
        # Route-to-route minimum time at the station.
        ("VST", "VST_B", "SPR", "B1", "", "", "2", "240"),
        # A rule at a stop with impossible coordinates (dropped by a clip).
        ("X1", "VST_B", "", "", "", "", "0", ""),
    ]
    return pd.DataFrame(rows, columns=COLUMNS["transfers.txt"].split(","))


if __name__ == "__main__":
    main()
