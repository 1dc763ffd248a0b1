"""Tests of accessibility.gtfs on hand-built feeds (exact values) and on the shared feeds."""

from __future__ import annotations

import datetime as dt
import logging
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from accessibility.errors import GtfsError, NoServiceError
from accessibility.gtfs import build_timetable, feed_info, read_feeds, valid_stops

MON = dt.date(2019, 5, 13)
TUE = dt.date(2019, 5, 14)
WED = dt.date(2019, 5, 15)
SAT = dt.date(2019, 5, 18)

# Four stops on the meridian 5 E: great-circle distances are proportional to
# the latitude differences (A-B 1 unit, B-C 2 units, C-D 1 unit).
STOPS = """stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station
A,Alpha,52.00,5.0,0,S
B,Beta,52.01,5.0,,
C,Gamma,52.03,5.0,0,
D,Delta,52.04,5.0,0,
S,Station,52.00,5.0,1,
"""
ROUTES = """route_id,agency_id,route_short_name,route_type
R1,AG,1,3
R2,AG,2,2
"""
AGENCY = """agency_id,agency_name,agency_url,agency_timezone
AG,Test Agency,http://example.org,Europe/Amsterdam
"""
CALENDAR = """service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date
WD,1,1,1,1,1,0,0,20190501,20190531
"""
CALENDAR_DATES = """service_id,date,exception_type
WD,20190513,2
EXTRA,20190513,1
"""


def write_feed(folder: Path, files: dict[str, str], as_zip: bool = False) -> Path:
    """Write ``{filename: csv text}`` as a GTFS folder, or as ``<folder>.zip``."""
    if as_zip:
        path = folder.with_suffix(".zip")
        with zipfile.ZipFile(path, "w") as archive:
            for name, text in files.items():
                archive.writestr(name, text)
        return path
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def base_files(trips: str, stop_times: str, **extra: str) -> dict[str, str]:
    """A small valid feed with the given trips and stop times (plus extra files)."""
    files = {
        "agency.txt": AGENCY,
        "stops.txt": STOPS,
        "routes.txt": ROUTES,
        "calendar.txt": CALENDAR,
        "calendar_dates.txt": CALENDAR_DATES,
        "trips.txt": "route_id,service_id,trip_id\n" + trips,
        "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        + stop_times,
    }
    files.update(extra)
    return files


def trip_times(tt, trip_id: str) -> tuple[list[str], list[int], list[int]]:
    """Stop ids, arrivals and departures of one trip of a timetable."""
    g = int(np.flatnonzero(tt.trip_ids == trip_id)[0])
    p = int(np.searchsorted(tt.pattern_trip_ptr, g, side="right") - 1)
    stops = tt.pattern_stops[tt.pattern_stop_ptr[p] : tt.pattern_stop_ptr[p + 1]]
    start = tt.trip_time_ptr[g]
    n = len(stops)
    return (
        [str(tt.stop_ids[s]) for s in stops],
        tt.arrival[start : start + n].tolist(),
        tt.departure[start : start + n].tolist(),
    )


def hms(h: int, m: int, s: int = 0) -> int:
    return h * 3600 + m * 60 + s


def test_calendar_add_and_remove(tmp_path):
    trips = "R1,WD,t_wd\nR1,EXTRA,t_extra\n"
    st = (
        "t_wd,08:00:00,08:00:00,A,1\nt_wd,08:10:00,08:10:00,B,2\n"
        "t_extra,09:00:00,09:00:00,A,1\nt_extra,09:10:00,09:10:00,B,2\n"
    )
    feed = read_feeds([write_feed(tmp_path / "f", base_files(trips, st))])
    # Monday 13 May: WD removed by calendar_dates, EXTRA added.
    assert build_timetable(feed, MON).trip_ids.tolist() == ["f:t_extra"]
    assert build_timetable(feed, TUE).trip_ids.tolist() == ["f:t_wd"]
    with pytest.raises(NoServiceError) as err:
        build_timetable(feed, SAT)
    message = str(err.value)
    assert "2019-05-18" in message
    assert "f: 2019-05-01..2019-05-31" in message
    assert "nearest date with service is 2019-05-17" in message


def test_no_service_outside_calendar_names_nearest_date(tmp_path):
    trips = "R1,WD,t_wd\n"
    st = "t_wd,08:00:00,08:00:00,A,1\nt_wd,08:10:00,08:10:00,B,2\n"
    feed = read_feeds([write_feed(tmp_path / "f", base_files(trips, st))])
    with pytest.raises(NoServiceError, match=r"nearest date with service is 2019-05-31"):
        build_timetable(feed, dt.date(2020, 1, 1))
    with pytest.raises(NoServiceError, match=r"nearest date with service is 2019-05-01"):
        build_timetable(feed, dt.date(2018, 3, 1))


def test_only_calendar_dates(tmp_path):
    trips = "R1,EXTRA,t_extra\n"
    st = "t_extra,09:00:00,09:00:00,A,1\nt_extra,09:10:00,09:10:00,B,2\n"
    files = base_files(trips, st)
    del files["calendar.txt"]
    feed = read_feeds([write_feed(tmp_path / "f", files)])
    assert build_timetable(feed, MON).trip_ids.tolist() == ["f:t_extra"]


def test_after_midnight_and_previous_day_trips(tmp_path):
    trips = "R1,WD,night\nR1,WD,late\n"
    st = (
        "night,23:50:00,23:50:00,A,1\nnight,25:30:00,25:30:00,B,2\n"
        "late,22:00:00,22:00:00,A,1\nlate,23:59:00,23:59:00,B,2\n"
    )
    feed = read_feeds([write_feed(tmp_path / "f", base_files(trips, st))])
    tt = build_timetable(feed, WED)
    # Tuesday's 'night' trip runs into Wednesday; Tuesday's 'late' trip does not.
    assert sorted(tt.trip_ids.tolist()) == ["f:late", "f:night", "f:night@prev"]
    assert tt.stats["previous_day_trips"] == 1
    assert trip_times(tt, "f:night")[1] == [hms(23, 50), hms(25, 30)]
    assert trip_times(tt, "f:night@prev")[1] == [hms(23, 50) - 86400, hms(1, 30)]
    # Monday 13 May has no WD service, so Tuesday sees no previous-day trip.
    tue = build_timetable(feed, TUE)
    assert sorted(tue.trip_ids.tolist()) == ["f:late", "f:night"]
    assert tue.stats["previous_day_trips"] == 0


def test_frequency_expansion_both_exact_times(tmp_path):
    trips = "R1,WD,F\n"
    st = "F,10:00:00,10:00:00,A,1\nF,10:04:00,10:05:00,B,2\nF,10:15:00,10:15:00,C,3\n"
    freq = (
        "trip_id,start_time,end_time,headway_secs,exact_times\n"
        "F,06:00:00,07:00:00,1200,0\n"
        "F,08:00:00,08:25:00,600,1\n"
        "F,23:30:00,24:30:00,1800,\n"
    )
    feed = read_feeds(
        [write_feed(tmp_path / "f", base_files(trips, st, **{"frequencies.txt": freq}))]
    )
    tt = build_timetable(feed, WED)
    departures_at_a = {tid: trip_times(tt, tid)[2][0] for tid in tt.trip_ids}
    assert departures_at_a == {
        "f:F#0": hms(6, 0),
        "f:F#1": hms(6, 20),
        "f:F#2": hms(6, 40),
        "f:F#3": hms(8, 0),
        "f:F#4": hms(8, 10),
        "f:F#5": hms(8, 20),
        "f:F#6": hms(23, 30),
        "f:F#7": hms(24, 0),
        # Tuesday's 24:00 departure runs into Wednesday; its 23:30 one does not.
        "f:F#7@prev": 0,
    }
    assert trip_times(tt, "f:F#1") == (
        ["f:A", "f:B", "f:C"],
        [hms(6, 20), hms(6, 24), hms(6, 35)],
        [hms(6, 20), hms(6, 25), hms(6, 35)],
    )
    assert tt.stats["frequency_trips"] == 9
    assert tt.stats["previous_day_trips"] == 1
    assert tt.n_patterns == 1
    assert feed.frequencies["exact_times"].tolist() == [0, 1, 0]


def test_interpolation_by_distance(tmp_path):
    trips = "R1,WD,t\n"
    st = "t,08:00:00,08:00:00,A,1\nt,,,B,2\nt,,,C,3\nt,08:04:00,08:04:00,D,4\n"
    feed = read_feeds([write_feed(tmp_path / "f", base_files(trips, st))])
    assert feed.stats["f"]["interpolated_stop_times"] == 2
    tt = build_timetable(feed, TUE)
    # Distances A-B : B-C : C-D = 1 : 2 : 1 along the trip.
    assert trip_times(tt, "f:t")[1] == [hms(8, 0), hms(8, 1), hms(8, 3), hms(8, 4)]
    assert tt.stats["interpolated_stop_times"] == 2
    assert feed.stop_times["interpolated"].tolist() == [False, True, True, False]


def test_interpolation_uses_shape_dist_traveled_when_complete(tmp_path):
    trips = "R1,WD,t\n"
    files = base_files(trips, "")
    files["stop_times.txt"] = (
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence,shape_dist_traveled\n"
        "t,08:00:00,08:00:00,A,1,0\nt,,,B,2,3\nt,08:04:00,08:04:00,C,3,4\n"
    )
    tt = build_timetable(read_feeds([write_feed(tmp_path / "f", files)]), TUE)
    assert trip_times(tt, "f:t")[1] == [hms(8, 0), hms(8, 3), hms(8, 4)]


def test_overtaking_trips_split_into_patterns(tmp_path):
    trips = "R1,WD,x1\nR1,WD,x2\nR1,WD,x3\nR2,WD,y\n"
    st = (
        "x1,08:00:00,08:00:00,A,1\nx1,08:30:00,08:30:00,B,2\n"
        "x2,08:05:00,08:05:00,A,1\nx2,08:20:00,08:20:00,B,2\n"
        "x3,08:10:00,08:10:00,A,1\nx3,08:40:00,08:40:00,B,2\n"
        "y,07:00:00,07:00:00,A,1\ny,07:10:00,07:10:00,B,2\n"
    )
    tt = build_timetable(read_feeds([write_feed(tmp_path / "f", base_files(trips, st))]), TUE)
    patterns = [
        tt.trip_ids[tt.pattern_trip_ptr[p] : tt.pattern_trip_ptr[p + 1]].tolist()
        for p in range(tt.n_patterns)
    ]
    # Same stops but another route: its own pattern. x2 overtakes x1.
    assert sorted(patterns) == [["f:x1", "f:x3"], ["f:x2"], ["f:y"]]
    assert tt.stats["overtaking_splits"] == 1
    route_type = {tt.pattern_route_ids[p]: int(tt.pattern_route_type[p]) for p in range(3)}
    assert route_type == {"f:R1": 3, "f:R2": 2}
    for p in range(tt.n_patterns):
        n = tt.pattern_stop_ptr[p + 1] - tt.pattern_stop_ptr[p]
        starts = tt.trip_time_ptr[tt.pattern_trip_ptr[p] : tt.pattern_trip_ptr[p + 1]]
        for k in range(n):
            assert np.all(np.diff(tt.departure[starts + k]) >= 0)
            assert np.all(np.diff(tt.arrival[starts + k]) >= 0)


def test_array_layout_and_types(tmp_path):
    trips = "R1,WD,a\nR1,WD,b\n"
    st = (
        "a,08:00:00,08:00:00,A,1\na,08:10:00,08:11:00,B,2\na,08:20:00,08:20:00,C,3\n"
        "b,07:00:00,07:00:00,A,1\nb,07:10:00,07:11:00,B,2\nb,07:20:00,07:20:00,C,3\n"
    )
    tt = build_timetable(read_feeds([write_feed(tmp_path / "f", base_files(trips, st))]), TUE)
    assert tt.stop_ids.tolist() == ["f:A", "f:B", "f:C", "f:D"]
    assert tt.stop_names.tolist() == ["Alpha", "Beta", "Gamma", "Delta"]
    assert tt.pattern_stop_ptr.tolist() == [0, 3]
    assert tt.pattern_stops.tolist() == [0, 1, 2]
    assert tt.pattern_trip_ptr.tolist() == [0, 2]
    assert tt.trip_ids.tolist() == ["f:b", "f:a"]
    assert tt.trip_time_ptr.tolist() == [0, 3]
    assert tt.arrival.tolist() == [25200, 25800, 26400, 28800, 29400, 30000]
    assert tt.departure.tolist() == [25200, 25860, 26400, 28800, 29460, 30000]
    assert tt.arrival.dtype == np.int32 and tt.departure.dtype == np.int32
    assert tt.pattern_stops.dtype == np.int32 and tt.transfer_to.dtype == np.int32
    assert tt.pattern_stop_ptr.dtype == np.int64 and tt.trip_time_ptr.dtype == np.int64
    assert tt.pattern_route_type.dtype == np.int16
    assert tt.transfer_ptr.tolist() == [0, 0, 0, 0, 0]


def test_transfers_csr(tmp_path):
    trips = "R1,WD,a\n"
    st = "a,08:00:00,08:00:00,A,1\na,08:10:00,08:10:00,B,2\n"
    transfers = (
        "from_stop_id,to_stop_id,transfer_type,min_transfer_time\n"
        "A,B,2,120\nA,C,0,\nB,A,3,\nA,A,2,60\nC,D,1,\nS,B,2,30\n"
    )
    feed = read_feeds(
        [write_feed(tmp_path / "f", base_files(trips, st, **{"transfers.txt": transfers}))]
    )
    tt = build_timetable(feed, TUE)
    assert tt.transfer_ptr.tolist() == [0, 3, 3, 4, 4]
    assert tt.stop_ids[tt.transfer_to].tolist() == ["f:A", "f:B", "f:C", "f:D"]
    assert tt.transfer_seconds.tolist() == [60, 120, 0, 0]
    assert feed.stats["f"]["transfers_not_possible"] == 1
    # B -> A is not possible (type 3): a forbidden pair, not a transfer.
    assert tt.stop_ids[tt.forbidden_transfers].tolist() == [["f:B", "f:A"]]
    # The row from station S applies to its platform A; the row A -> B itself wins.
    assert feed.stats["f"]["transfers_from_stations"] == 1
    assert feed.stats["f"]["transfers"] == 5


def test_invalid_stops_dropped_and_counted(tmp_path, caplog):
    stops = STOPS + (
        "E,NoCoords,,,0,\nZ,Zero,0,0,0,\nO,OutOfRange,95,5,0,\nH,Far,10,10,0,\n"
        "X,Placeholder,abc,5,0,\n"
    )
    trips = "R1,WD,t\n"
    st = "t,08:00:00,08:00:00,A,1\nt,08:05:00,08:05:00,H,2\nt,,,B,3\nt,08:20:00,08:20:00,D,4\n"
    files = base_files(trips, st)
    files["stops.txt"] = stops
    with caplog.at_level(logging.WARNING, logger="accessibility.gtfs"):
        feed = read_feeds([write_feed(tmp_path / "f", files)])
    assert feed.stats["f"]["dropped_stops"] == 5
    assert feed.stats["f"]["dropped_stop_times"] == 1
    assert feed.stats["f"]["stops"] == 4
    assert "dropped 1 stop(s) at 0/0" in caplog.text
    assert "dropped 2 stop(s) without coordinates" in caplog.text
    assert any("removed 1 stop time(s) at dropped stops" in p for p in feed.problems)
    stops_table = valid_stops(feed)
    assert stops_table["stop_id"].tolist() == ["f:A", "f:B", "f:C", "f:D"]
    tt = build_timetable(feed, TUE)
    assert tt.stop_ids.tolist() == stops_table["stop_id"].tolist()
    # The trip keeps A, B, D; B is interpolated between A and D (1 : 3 of the way).
    assert trip_times(tt, "f:t") == (
        ["f:A", "f:B", "f:D"],
        [hms(8, 0), hms(8, 5), hms(8, 20)],
        [hms(8, 0), hms(8, 5), hms(8, 20)],
    )
    assert tt.stats["dropped_stops"] == 5


def test_stop_order_independent_of_date_and_merge_prefixes(tmp_path):
    trips = "R1,WD,t_wd\nR1,EXTRA,t_extra\n"
    st = (
        "t_wd,08:00:00,08:00:00,C,1\nt_wd,08:10:00,08:10:00,D,2\n"
        "t_extra,09:00:00,09:00:00,A,1\nt_extra,09:10:00,09:10:00,B,2\n"
    )
    folder = write_feed(tmp_path / "net", base_files(trips, st))
    (tmp_path / "zipped").mkdir()
    archive = write_feed(tmp_path / "zipped" / "net", base_files(trips, st), as_zip=True)
    feed = read_feeds([folder, archive])
    assert feed.feed_ids == ["net", "net_2"]
    mon, tue = build_timetable(feed, MON), build_timetable(feed, TUE)
    assert mon.stop_ids.tolist() == tue.stop_ids.tolist()
    assert mon.stop_ids.tolist() == [f"{f}:{s}" for f in ("net", "net_2") for s in "ABCD"]
    # stop_index of the merged stop times points at the right row of valid_stops.
    stop_ids = valid_stops(feed)["stop_id"].to_numpy()
    assert stop_ids[feed.stop_times["stop_index"]].tolist() == feed.stop_times["stop_id"].tolist()
    assert feed.trip_row_ptr.tolist() == [0, 2, 4, 6, 8]
    # Paths can be given straight to build_timetable.
    direct = build_timetable([folder], MON)
    assert direct.trip_ids.tolist() == ["net:t_extra"]
    assert sorted(mon.trip_ids.tolist()) == ["net:t_extra", "net_2:t_extra"]
    assert set(feed.trips["service_id"]) == {"net:WD", "net:EXTRA", "net_2:WD", "net_2:EXTRA"}
    named = read_feeds([folder, archive], feed_ids=["a", "b"])
    assert named.feed_ids == ["a", "b"]
    with pytest.raises(GtfsError, match="unique"):
        read_feeds([folder, archive], feed_ids=["a", "a"])


SIMPLE_TRIP = ("R1,WD,t\n", "t,08:00:00,08:00:00,A,1\nt,08:10:00,08:10:00,B,2\n")


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        ({"stop_times.txt": None}, r"has no stop_times\.txt: it is required"),
        (
            {"calendar.txt": None, "calendar_dates.txt": None},
            r"neither calendar\.txt nor calendar_dates",
        ),
        (
            {"routes.txt": "route_id,agency_id\nR1,AG\n"},
            r"routes\.txt lacks the required column\(s\) route_type",
        ),
        (
            {"stop_times.txt": "trip_id,arrival_time,stop_id,stop_sequence\nt,08:00:00,A,1\n"},
            r"stop_times\.txt lacks the required column\(s\) departure_time",
        ),
        (
            {"routes.txt": "route_id,route_type\nR1,bus\n"},
            r"routes\.txt line 2: route_type is not an integer: 'bus'",
        ),
        (
            {"calendar.txt": CALENDAR.replace("20190531", "2019-05-31")},
            r"calendar\.txt line 2: end_date is not a date '2019-05-31'",
        ),
        (
            {"trips.txt": "route_id,service_id,trip_id\nR9,WD,t\n"},
            r"trips\.txt line 2: route_id 'R9' .* is not defined in routes\.txt",
        ),
        (
            {"stop_times.txt": SIMPLE_TRIP[1].replace("B,2", "Q,2")},
            r"stop_times\.txt line 3: stop_id 'Q' .* is not defined in stops\.txt",
        ),
    ],
)
def test_structural_errors(tmp_path, change, pattern):
    files = base_files(*SIMPLE_TRIP)
    for name, text in change.items():
        if text is None:
            del files[name]
        elif name == "stop_times.txt" and not text.startswith("trip_id"):
            files[name] = "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n" + text
        else:
            files[name] = text
    with pytest.raises(GtfsError, match=pattern):
        read_feeds([write_feed(tmp_path / "f", files)])


@pytest.mark.parametrize(
    ("stop_times", "pattern"),
    [
        (
            "t,08:00:00,08:00:00,A,1\nt,8:7:00,08:10:00,B,2\n",
            r"stop_times\.txt line 3: arrival_time is not a time '8:7:00'",
        ),
        (
            "t,08:00:00,08:00:00,A,1\nt,08:10:00,noon,B,2\n",
            r"stop_times\.txt line 3: departure_time is not a time 'noon'",
        ),
        (
            "t,08:00:00,08:00:00,A,1\nt,07:50:00,07:55:00,B,2\n",
            r"trip_id 't' goes back in time: stop_sequence 2 arrives at 07:50:00, before the "
            r"departure 08:00:00 at stop_sequence 1",
        ),
        (
            "t,08:00:00,08:00:00,A,1\nt,08:10:00,08:09:00,B,2\nt,08:20:00,08:20:00,C,3\n",
            r"trip_id 't' stop_sequence 2 departs at 08:09:00 before it arrives at 08:10:00",
        ),
        (
            "t,,,A,1\nt,08:10:00,08:10:00,B,2\n",
            r"trip_id 't' has no arrival/departure time at its first stop \(stop_sequence 1\)",
        ),
        (
            "t,08:00:00,08:00:00,A,1\nt,,,B,2\n",
            r"trip_id 't' has no arrival/departure time at its last stop \(stop_sequence 2\)",
        ),
        (
            "t,08:00:00,08:00:00,A,1\nt,08:10:00,08:10:00,B,1\n",
            r"trip_id 't' has stop_sequence 1 twice",
        ),
    ],
)
def test_stop_time_errors(tmp_path, stop_times, pattern):
    files = base_files(SIMPLE_TRIP[0], stop_times)
    with pytest.raises(GtfsError, match=pattern):
        read_feeds([write_feed(tmp_path / "f", files)])


def test_frequency_errors(tmp_path):
    freq = "trip_id,start_time,end_time,headway_secs\nt,08:00:00,09:00:00,0\n"
    files = base_files(*SIMPLE_TRIP, **{"frequencies.txt": freq})
    with pytest.raises(GtfsError, match=r"frequencies\.txt line 2: trip_id 't' has headway_secs 0"):
        read_feeds([write_feed(tmp_path / "f", files)])


def test_missing_feed_and_bad_zip(tmp_path):
    with pytest.raises(GtfsError, match="does not exist"):
        read_feeds([tmp_path / "nothing.zip"])
    broken = tmp_path / "broken.zip"
    broken.write_text("not a zip")
    with pytest.raises(GtfsError, match="neither a folder nor a valid .zip"):
        read_feeds([broken])


def test_zip_with_subfolder_bom_and_blank_headers(tmp_path):
    files = base_files(*SIMPLE_TRIP)
    files["agency.txt"] = "\ufeffagency_id, agency_name\nAG, Test Agency\n"
    archive = tmp_path / "nested.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, text in files.items():
            zf.writestr(f"gtfs/{name}", text)
    feed = read_feeds(archive)
    assert feed.agency["agency_name"].tolist() == ["Test Agency"]
    assert feed.agency["agency_id"].tolist() == ["nested:AG"]
    assert build_timetable(feed, TUE).trip_ids.tolist() == ["nested:t"]


def test_feed_info_counts_and_problems(tmp_path):
    trips = "R1,WD,F\nR1,WD,t\nR1,GONE,g\n"
    st = (
        "F,10:00:00,10:00:00,A,1\nF,10:05:00,10:05:00,B,2\n"
        "t,23:00:00,23:00:00,A,1\nt,,,B,2\nt,,,C,3\nt,24:04:00,24:04:00,D,4\n"
        "g,08:00:00,08:00:00,A,1\ng,08:10:00,08:10:00,B,2\n"
    )
    freq = "trip_id,start_time,end_time,headway_secs\nF,06:00:00,07:00:00,1800\n"
    folder = write_feed(tmp_path / "small", base_files(trips, st, **{"frequencies.txt": freq}))
    info = feed_info([folder], WED)
    (summary,) = info.feeds
    assert summary.feed_id == "small"
    assert summary.agencies == ["Test Agency"]
    assert (summary.routes, summary.stops, summary.dropped_stops) == (2, 4, 0)
    assert (summary.trips, summary.trips_in_file, summary.stop_times) == (3, 3, 8)
    assert (summary.first_date, summary.last_date) == (dt.date(2019, 5, 1), dt.date(2019, 5, 31))
    # F#0, F#1, t and Tuesday's t; 2 interpolated stop times on each of the two t trips.
    assert summary.trips_on_date == 4
    assert summary.frequency_trips == 2
    assert summary.previous_day_trips == 1
    assert summary.interpolated_stop_times == 4
    assert summary.patterns == 2
    assert summary.problems == [
        "1 trip(s) have a service_id found in neither calendar.txt nor calendar_dates.txt "
        "and never run (GONE)"
    ]
    sunday = feed_info([folder], dt.date(2019, 5, 19)).feeds[0]
    assert sunday.trips_on_date == 0
    assert "nearest date with service is 2019-05-20" in sunday.problems[-1]
    assert feed_info([folder]).feeds[0].trips_on_date is None


def test_cli_gtfs_info(tmp_path):
    from typer.testing import CliRunner

    import accessibility.cli.gtfs_info  # noqa: F401  (registers the command)
    from accessibility.cli import app

    folder = write_feed(tmp_path / "cli", base_files(*SIMPLE_TRIP))
    runner = CliRunner(env={"COLUMNS": "200"})
    result = runner.invoke(app, ["gtfs-info", str(folder), "--date", "2019-05-14"])
    assert result.exit_code == 0, result.output
    assert "trips on date" in result.output
    assert "2019-05-01..2019-05-31" in result.output
    dutch = runner.invoke(app, ["gtfs-info", str(folder), "--date", "14-05-2019"])
    assert dutch.exit_code == 0 and dutch.output == result.output  # as the other commands
    bad = runner.invoke(app, ["gtfs-info", str(folder), "--date", "2019/05/14"])
    assert bad.exit_code == 1
    assert "is not a date; write 2026-12-01 or 01-12-2026" in " ".join(bad.output.split())
    assert "Traceback" not in bad.output
    missing = runner.invoke(app, ["gtfs-info", str(tmp_path / "none.zip")])
    assert missing.exit_code == 1
    assert "does not exist" in " ".join(missing.output.split())


# --- shared reference feeds (independent pandas counts on the raw files) -------------


def _raw(path: Path, name: str) -> pd.DataFrame:
    """A raw GTFS table as strings, from a zip or a folder (empty when absent)."""
    if path.is_dir():
        if not (path / f"{name}.txt").exists():
            return pd.DataFrame(columns=["service_id", "date", "exception_type"])
        return pd.read_csv(path / f"{name}.txt", dtype=str, keep_default_na=False)
    with zipfile.ZipFile(path) as archive:
        if f"{name}.txt" not in archive.namelist():
            return pd.DataFrame(columns=["service_id", "date", "exception_type"])
        return pd.read_csv(archive.open(f"{name}.txt"), dtype=str, keep_default_na=False)


def _seconds(values: pd.Series) -> pd.Series:
    parts = values.str.split(":", expand=True).astype(int)
    return parts[0] * 3600 + parts[1] * 60 + parts[2]


def _weekday_services(path: Path, date: dt.date) -> set[str]:
    cal = _raw(path, "calendar")
    day = date.strftime("%Y%m%d")
    flag = date.strftime("%A").lower()
    running = cal[(cal[flag] == "1") & (cal["start_date"] <= day) & (cal["end_date"] >= day)]
    dates = _raw(path, "calendar_dates")
    on_day = dates[dates["date"] == day]
    added = set(on_day.loc[on_day["exception_type"] == "1", "service_id"])
    removed = set(on_day.loc[on_day["exception_type"] == "2", "service_id"])
    return (set(running["service_id"]) | added) - removed


@pytest.fixture(scope="module")
def poa(shared_data):
    paths = [shared_data / "poa" / "poa_eptc.zip", shared_data / "poa" / "poa_trensurb.zip"]
    return paths, read_feeds(paths)


@pytest.mark.shared
def test_poa_counts_match_raw_files(poa):
    paths, feed = poa
    eptc, trensurb = paths
    raw_st = _raw(eptc, "stop_times")
    assert feed.stats["poa_eptc"]["stops"] == len(_raw(eptc, "stops")) == 3986
    assert feed.stats["poa_eptc"]["trips"] == len(_raw(eptc, "trips")) == 2374
    assert feed.stats["poa_eptc"]["stop_times"] == len(raw_st) == 130019
    assert feed.stats["poa_eptc"]["interpolated_stop_times"] == int(
        (raw_st["arrival_time"] == "").sum()
    )
    assert feed.stats["poa_trensurb"]["stops"] == len(_raw(trensurb, "stops"))
    assert feed.problems == []
    span = {f: (feed.calendar[feed.calendar.feed_id == f]) for f in feed.feed_ids}
    assert span["poa_eptc"]["start_date"].min() == pd.Timestamp("2019-04-15")
    assert span["poa_eptc"]["end_date"].max() == pd.Timestamp("2019-07-15")


@pytest.mark.shared
def test_poa_timetable_2019_05_13(poa):
    paths, feed = poa
    tt = build_timetable(feed, MON)
    expected_trips = 0
    expected_patterns = 0
    expected_next_day = 0
    for path in paths:
        trips = _raw(path, "trips")
        running = trips[trips["service_id"].isin(_weekday_services(path, MON))]
        expected_trips += len(running)
        # Tuesday's trips leaving before 06:00 are part of Monday's timetable (+24 h).
        tuesday = trips[trips["service_id"].isin(_weekday_services(path, TUE))]
        st_all = _raw(path, "stop_times")
        timed = st_all[st_all["departure_time"] != ""]
        first = _seconds(timed["departure_time"]).groupby(timed["trip_id"]).min()
        expected_next_day += int((first.reindex(tuesday["trip_id"]) < 6 * 3600).sum())
        st = _raw(path, "stop_times")
        st = st[st["trip_id"].isin(running["trip_id"])].copy()
        st["seq"] = st["stop_sequence"].astype(int)
        sequences = st.sort_values(["trip_id", "seq"]).groupby("trip_id")["stop_id"].agg(tuple)
        keyed = running.set_index("trip_id")[["route_id"]].join(sequences)
        expected_patterns += len(keyed.drop_duplicates())
    assert tt.stats["next_day_trips"] == expected_next_day > 0
    assert tt.n_trips - expected_next_day == expected_trips == 2374 + 529
    assert tt.n_patterns == expected_patterns + tt.stats["overtaking_splits"]
    assert tt.n_stops == 3986 + 24
    assert tt.stats["previous_day_trips"] == 0
    assert tt.stats["interpolated_stop_times"] == feed.stats["poa_eptc"]["interpolated_stop_times"]
    # Invariants of the layout.
    assert tt.pattern_trip_ptr[-1] == tt.n_trips
    assert len(tt.arrival) == tt.trip_time_ptr[-1] + (
        tt.pattern_stop_ptr[-1] - tt.pattern_stop_ptr[-2]
    )
    assert np.all(tt.departure >= tt.arrival)
    for p in range(tt.n_patterns):
        n = tt.pattern_stop_ptr[p + 1] - tt.pattern_stop_ptr[p]
        starts = tt.trip_time_ptr[tt.pattern_trip_ptr[p] : tt.pattern_trip_ptr[p + 1]]
        times = tt.departure[starts[:, None] + np.arange(n)]
        arrivals = tt.arrival[starts[:, None] + np.arange(n)]
        assert np.all(np.diff(times, axis=0) >= 0)
        assert np.all(np.diff(arrivals, axis=0) >= 0)
        assert np.all(arrivals[:, 1:] >= times[:, :-1])
    # The stop order does not depend on the date.
    assert build_timetable(feed, TUE).stop_ids.tolist() == tt.stop_ids.tolist()
    assert tt.stop_ids.tolist() == valid_stops(feed)["stop_id"].tolist()
    stop_ids = valid_stops(feed)["stop_id"].to_numpy()
    assert np.array_equal(stop_ids[feed.stop_times["stop_index"]], feed.stop_times["stop_id"])


@pytest.mark.shared
def test_dutch_ferries_frequencies(shared_data):
    folder = shared_data / "nl" / "gtfs_dutch_ferries"
    feed = read_feeds([folder])
    assert feed.stats["gtfs_dutch_ferries"]["stops"] == len(_raw(folder, "stops")) == 567
    assert feed.stats["gtfs_dutch_ferries"]["trips_in_file"] == 551
    tt = build_timetable(feed, MON)
    # Independent expansion: departures start, start + headway, ... < end per row,
    # today's and yesterday's (those arriving at or after 24:00:00).
    trips = _raw(folder, "trips").set_index("trip_id")
    freq = _raw(folder, "frequencies")
    st = _raw(folder, "stop_times")
    st["arr"], st["dep"] = _seconds(st["arrival_time"]), _seconds(st["departure_time"])
    usable = st.groupby("trip_id").size() >= 2
    first_dep = st.groupby("trip_id")["dep"].min()
    duration = st.groupby("trip_id")["arr"].max() - first_dep
    today, yesterday = (
        _weekday_services(folder, MON),
        _weekday_services(folder, MON - dt.timedelta(days=1)),
    )
    freq["start"], freq["end"] = _seconds(freq["start_time"]), _seconds(freq["end_time"])
    tomorrow = _weekday_services(folder, MON + dt.timedelta(days=1))
    n_today = n_prev = n_next = 0
    for row in freq.itertuples():
        if not usable.get(row.trip_id, False):
            continue
        departures = np.arange(row.start, row.end, int(row.headway_secs))
        service = trips.loc[row.trip_id, "service_id"]
        n_today += len(departures) if service in today else 0
        if service in yesterday:
            n_prev += int((departures + duration[row.trip_id] >= 86400).sum())
        if service in tomorrow:
            n_next += int((departures < 6 * 3600).sum())
    assert tt.stats["previous_day_trips"] == n_prev > 0
    assert tt.stats["next_day_trips"] == n_next > 0
    assert tt.n_trips == tt.stats["frequency_trips"] == n_today + n_prev + n_next
    assert tt.n_stops == 567


def test_stop_times_at_dropped_stops_removed_and_untimed_ends_trimmed(tmp_path):
    stops = STOPS + "Z,Zero,0,0,0,\n"
    trips = "R1,WD,t\nR1,WD,u\n"
    st = (
        "t,08:00:00,08:00:00,A,1\nt,08:10:00,08:10:00,B,3\n"
        # u starts at dropped stop Z; its next, untimed call cannot be timed: trimmed.
        "u,09:00:00,09:00:00,Z,1\nu,,,A,2\nu,09:10:00,09:10:00,C,3\nu,09:20:00,09:20:00,D,4\n"
    )
    files = base_files(trips, st)
    files["stops.txt"] = stops
    feed = read_feeds([write_feed(tmp_path / "f", files)])
    stats = feed.stats["f"]
    assert (stats["dropped_stops"], stats["dropped_stop_times"], stats["trimmed_stop_times"]) == (
        1,
        1,
        1,
    )
    tt = build_timetable(feed, TUE)
    assert trip_times(tt, "f:t")[0] == ["f:A", "f:B"]
    assert trip_times(tt, "f:u") == (
        ["f:C", "f:D"],
        [hms(9, 10), hms(9, 20)],
        [hms(9, 10), hms(9, 20)],
    )


@pytest.mark.parametrize(
    ("location_type", "kind"),
    [(1, "station"), (2, "station entrance or exit"), (3, "generic node"), (4, "boarding area")],
)
def test_stop_times_at_a_station_are_rejected_naming_the_row(tmp_path, location_type, kind):
    """Stations (and entrances, nodes, boarding areas) are never boarded: stop_times must not name them."""
    stops = STOPS.replace("S,Station,52.00,5.0,1,", f"S,Station,52.00,5.0,{location_type},")
    st = "t,08:00:00,08:00:00,A,1\nt,08:05:00,08:05:00,S,2\nt,08:10:00,08:10:00,B,3\n"
    files = base_files("R1,WD,t\n", st)
    files["stops.txt"] = stops
    with pytest.raises(
        GtfsError,
        match=rf"stop_times\.txt line 3: trip_id 't' calls at stop_id 'S', a {kind} "
        rf"\(location_type {location_type}\); 1 such stop time\(s\) in the file: stop_times must "
        r"name stops or platforms",
    ):
        read_feeds([write_feed(tmp_path / "f", files)])


def test_interpolation_between_stops_at_the_same_place_spaces_evenly(tmp_path):
    stops = STOPS + "A2,Alpha bis,52.00,5.0,0,\nA3,Alpha ter,52.00,5.0,0,\n"
    trips = "R1,WD,t\n"
    st = "t,08:00:00,08:00:00,A,1\nt,,,A2,2\nt,,,A3,3\nt,08:03:00,08:03:00,A,4\n"
    files = base_files(trips, st)
    files["stops.txt"] = stops
    tt = build_timetable(read_feeds([write_feed(tmp_path / "f", files)]), TUE)
    assert trip_times(tt, "f:t")[1] == [hms(8, 0), hms(8, 1), hms(8, 2), hms(8, 3)]


def test_trips_with_half_given_times_and_arrival_only(tmp_path):
    trips = "R1,WD,t\n"
    st = "t,08:00:00,,A,1\nt,,08:10:00,B,2\nt,08:20:00,08:21:00,C,3\nt,08:30:00,,D,4\n"
    tt = build_timetable(read_feeds([write_feed(tmp_path / "f", base_files(trips, st))]), TUE)
    _, arrivals, departures = trip_times(tt, "f:t")
    assert arrivals == [hms(8, 0), hms(8, 10), hms(8, 20), hms(8, 30)]
    assert departures == [hms(8, 0), hms(8, 10), hms(8, 21), hms(8, 30)]
    assert tt.stats["interpolated_stop_times"] == 0


def test_merged_feed_without_service_on_date_is_logged(tmp_path, caplog):
    running = write_feed(tmp_path / "runs", base_files(*SIMPLE_TRIP))
    files = base_files(*SIMPLE_TRIP)
    files["calendar.txt"] = CALENDAR.replace("20190501,20190531", "20200101,20201231")
    idle = write_feed(tmp_path / "idle", files)
    feed = read_feeds([running, idle])
    with caplog.at_level(logging.WARNING, logger="accessibility.gtfs"):
        tt = build_timetable(feed, TUE)
    assert tt.trip_ids.tolist() == ["runs:t"]
    assert tt.n_stops == 8
    assert "GTFS feed idle has no trip on 2019-05-14" in caplog.text


def test_build_patterns_random_overtaking_invariants():
    from accessibility.gtfs.patterns import build_patterns

    rng = np.random.default_rng(7)
    n_templates, n_stops = 60, 5
    # One route, same stops; random start times and random (positive) run times.
    start = rng.integers(6 * 3600, 9 * 3600, n_templates)
    runs = rng.integers(60, 900, (n_templates, n_stops - 1))
    dwell = rng.integers(0, 60, (n_templates, n_stops))
    arrival = np.zeros((n_templates, n_stops), dtype=np.int64)
    departure = np.zeros_like(arrival)
    t = start.copy()
    for k in range(n_stops):
        if k:
            t = departure[:, k - 1] + runs[:, k - 1]
        arrival[:, k] = t
        departure[:, k] = t + dwell[:, k]
    arrays = build_patterns(
        row_ptr=np.arange(n_templates + 1, dtype=np.int64) * n_stops,
        stop_index=np.tile(np.arange(n_stops, dtype=np.int32), n_templates),
        arrival=arrival.ravel(),
        departure=departure.ravel(),
        pickup=np.ones(n_templates * n_stops, dtype=bool),
        drop_off=np.ones(n_templates * n_stops, dtype=bool),
        template_route_ids=np.array(["r"] * n_templates),
        template_route_types=np.full(n_templates, 3),
        instance_template=np.arange(n_templates, dtype=np.int64),
        instance_shift=np.zeros(n_templates, dtype=np.int64),
        instance_ids=np.array([f"t{i}" for i in range(n_templates)]),
    )
    assert sorted(arrays.trip_ids.tolist()) == sorted(f"t{i}" for i in range(n_templates))
    n_patterns = len(arrays.pattern_trip_ptr) - 1
    assert n_patterns == arrays.overtaking_splits + 1 > 1
    for p in range(n_patterns):
        starts = arrays.trip_time_ptr[arrays.pattern_trip_ptr[p] : arrays.pattern_trip_ptr[p + 1]]
        cols = starts[:, None] + np.arange(n_stops)
        assert np.all(np.diff(arrays.arrival[cols], axis=0) >= 0)
        assert np.all(np.diff(arrays.departure[cols], axis=0) >= 0)
    # Every trip keeps its own times.
    for g, trip_id in enumerate(arrays.trip_ids):
        i = int(trip_id[1:])
        got = arrays.departure[arrays.trip_time_ptr[g] : arrays.trip_time_ptr[g] + n_stops]
        assert got.tolist() == departure[i].tolist()
