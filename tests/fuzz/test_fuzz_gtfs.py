"""Fuzz: damaged GTFS tables and zips raise only the package's own errors."""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from strategies import mutated_bytes, mutated_csv

from accessibility.errors import AccessibilityError
from accessibility.gtfs import build_timetable, read_feeds

FEED = {
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\n"
                  "AG,Test,http://example.org,Europe/Amsterdam\n",
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n"
                 "A,Alpha,52.0,5.0,0,S\nB,Beta,52.0,5.05,0,\nC,Gamma,52.0,5.1,0,\nS,Station,52.0,5.0,1,\n",
    "routes.txt": "route_id,agency_id,route_short_name,route_type\nR1,AG,1,3\n",
    "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
                    "start_date,end_date\nWD,1,1,1,1,1,0,0,20190501,20190531\n",
    "calendar_dates.txt": "service_id,date,exception_type\nWD,20190513,2\n",
    "trips.txt": "route_id,service_id,trip_id\nR1,WD,t1\nR1,WD,t2\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence,shape_dist_traveled\n"
                      "t1,08:05:00,08:05:00,A,1,0\nt1,,,B,2,\nt1,08:25:00,08:25:00,C,3,6.8\n"
                      "t2,24:35:00,24:35:00,A,1,\nt2,24:55:00,24:55:00,C,2,\n",
    "frequencies.txt": "trip_id,start_time,end_time,headway_secs,exact_times\n"
                       "t1,08:00:00,09:00:00,600,0\n",
    "transfers.txt": "from_stop_id,to_stop_id,transfer_type,min_transfer_time\nA,B,2,120\n",
}
TUESDAY = dt.date(2019, 5, 14)


def _write(folder: Path, files: dict[str, str | bytes], as_zip: bool) -> Path:
    if as_zip:
        path = folder / "feed.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, body in files.items():
                archive.writestr(name, body)
        return path
    path = folder / "feed"
    path.mkdir()
    for name, body in files.items():
        (path / name).write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    return path


def _read_and_build(path: Path) -> None:
    try:
        feed = read_feeds([path])
        build_timetable(feed, TUESDAY)
    except AccessibilityError:
        pass


def test_valid_fuzz_feed_reads() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tt = build_timetable(read_feeds([_write(Path(tmp), FEED, False)]), TUESDAY)
    assert tt.n_trips == 7  # t1 every 10 minutes 08:00-09:00 (frequencies.txt) and t2


@given(data=st.data(), name=st.sampled_from(sorted(FEED)), as_zip=st.booleans())
def test_damaged_table(data, name: str, as_zip: bool) -> None:
    files = dict(FEED)
    files[name] = data.draw(mutated_csv(FEED[name]))
    with tempfile.TemporaryDirectory() as tmp:
        _read_and_build(_write(Path(tmp), files, as_zip))


@given(data=st.data(), name=st.sampled_from(sorted(FEED)),
       encoding=st.sampled_from(["cp1252", "utf-16", "latin-1"]))
def test_table_in_another_encoding(data, name: str, encoding: str) -> None:
    files: dict[str, str | bytes] = dict(FEED)
    files[name] = (FEED[name].replace("Alpha", "Ålphä") + "\n").encode(encoding)
    with tempfile.TemporaryDirectory() as tmp:
        _read_and_build(_write(Path(tmp), files, data.draw(st.booleans())))


@given(data=st.data())
def test_damaged_zip_bytes(data) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), FEED, True)
        path.write_bytes(data.draw(mutated_bytes(path.read_bytes())))
        _read_and_build(path)
