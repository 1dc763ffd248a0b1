"""Damaged and suspicious GTFS feeds get a clear GtfsError or an honest problem note."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from test_gtfs import TUE, base_files, build_timetable, hms, trip_times, write_feed

from accessibility.errors import GtfsError
from accessibility.gtfs import read_feeds

TRIPS = "R1,WD,t\n"
STOP_TIMES = "t,08:00:00,08:00:00,A,1\nt,,,B,2\nt,,,C,3\nt,08:04:00,08:04:00,D,4\n"


def test_corrupted_bytes_inside_stop_times_in_a_zip(tmp_path: Path) -> None:
    files = base_files(TRIPS, STOP_TIMES * 1 + "".join(
        f"t{i},08:00:00,08:00:00,A,{i}\n" for i in range(5, 2000)))
    path = tmp_path / "feed.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("stop_times.txt")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for k in range(40):  # damage the compressed stream in the middle of the member
        data[start + info.compress_size // 2 + k] ^= 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(GtfsError, match=r"feed\.zip!stop_times\.txt cannot be read: the zip "
                                         r"archive is damaged .*download the feed again"):
        read_feeds([path])


def test_zip_holding_two_feed_folders_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for folder in ("bus", "tram"):
            for name, text in base_files(TRIPS, STOP_TIMES).items():
                archive.writestr(f"{folder}/{name}", text)
    with pytest.raises(GtfsError, match=r"holds several feeds \(stop_times\.txt in bus/, tram/\)"):
        read_feeds([path])


def test_one_feed_in_a_subfolder_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "one.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in base_files(TRIPS, STOP_TIMES).items():
            archive.writestr(f"gtfs/{name}", text)
    assert read_feeds([path]).stats["one"]["stop_times"] == 4


def test_garbage_shape_dist_traveled_is_ignored_with_a_problem_note(tmp_path: Path) -> None:
    files = base_files(TRIPS, "")
    files["stop_times.txt"] = (
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence,shape_dist_traveled\n"
        "t,08:00:00,08:00:00,A,1,0\nt,,,B,2,veel\nt,,,C,3,3\nt,08:04:00,08:04:00,D,4,4\n"
    )
    feed = read_feeds([write_feed(tmp_path / "f", files)])
    assert any("ignored the shape_dist_traveled column" in p and "'veel'" in p and "line 3" in p
               for p in feed.problems)
    # Interpolated by straight-line distance (A-B : B-C : C-D = 1 : 2 : 1), not by the column.
    assert trip_times(build_timetable(feed, TUE), "f:t")[1] == [hms(8, 0), hms(8, 1), hms(8, 3),
                                                                 hms(8, 4)]


@pytest.mark.parametrize("value", ["1e20", "9223372036854775808", "inf"])
def test_huge_stop_sequence_is_an_error_not_a_wrapped_number(tmp_path: Path, value: str) -> None:
    st = f"t,08:00:00,08:00:00,A,1\nt,08:04:00,08:04:00,D,{value}\n"
    with pytest.raises(GtfsError, match=rf"line 3: stop_sequence is too large: '{value}'"):
        read_feeds([write_feed(tmp_path / "f", base_files(TRIPS, st))])


def test_calendar_ending_before_it_starts_is_an_error(tmp_path: Path) -> None:
    calendar = ("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,"
                "end_date\nWD,1,1,1,1,1,0,0,20190531,20190501\n")
    files = base_files(TRIPS, STOP_TIMES, **{"calendar.txt": calendar})
    with pytest.raises(GtfsError, match=r"calendar\.txt line 2: service_id 'WD' ends on 20190501, "
                                         r"before its start_date 20190531"):
        read_feeds([write_feed(tmp_path / "f", files)])


def test_valid_feed_is_unchanged_by_the_checks(tmp_path: Path) -> None:
    feed = read_feeds([write_feed(tmp_path / "f", base_files(TRIPS, STOP_TIMES))])
    assert not feed.problems
    assert build_timetable(feed, dt.date(2019, 5, 14)).n_trips == 1
