"""Reading the rules of real feeds: pickup/drop-off, transfers.txt, stations, days around a date."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from test_gtfs import STOPS, TUE, WED, base_files, hms, trip_times, write_feed

from accessibility.errors import GtfsError
from accessibility.gtfs import build_timetable, feed_info, read_feeds

THU = dt.date(2019, 5, 16)
FLAGGED_HEADER = "trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,drop_off_type\n"


def _flagged_feed(tmp_path, stop_times: str, trips: str, **extra):
    files = base_files(trips, "", **extra)
    files["stop_times.txt"] = FLAGGED_HEADER + stop_times
    return read_feeds([write_feed(tmp_path / "f", files)])


def _rules(tt, trip_id: str) -> tuple[list[bool], list[bool]]:
    g = int(np.flatnonzero(tt.trip_ids == trip_id)[0])
    p = int(np.searchsorted(tt.pattern_trip_ptr, g, side="right") - 1)
    span = slice(tt.pattern_stop_ptr[p], tt.pattern_stop_ptr[p + 1])
    return tt.pattern_pickup[span].tolist(), tt.pattern_drop_off[span].tolist()


def test_pickup_and_drop_off_are_read_counted_and_keep_patterns_apart(tmp_path):
    trips = "R1,WD,plain\nR1,WD,nl\nR1,WD,nl2\nR1,WD,ask\n"
    st = (
        "plain,08:00:00,08:00:00,A,1,,\nplain,08:10:00,08:10:00,B,2,,\nplain,08:20:00,08:20:00,C,3,,\n"
        # gtfs-nl style: no drop-off at the first stop, no pickup at the last.
        "nl,09:00:00,09:00:00,A,1,0,1\nnl,09:10:00,09:10:00,B,2,0,0\nnl,09:20:00,09:20:00,C,3,1,0\n"
        "nl2,10:00:00,10:00:00,A,1,0,1\nnl2,10:10:00,10:10:00,B,2,0,0\nnl2,10:20:00,10:20:00,C,3,1,0\n"
        # Boarding on request (phone, ask the driver) at B.
        "ask,11:00:00,11:00:00,A,1,,\nask,11:10:00,11:10:00,B,2,2,3\nask,11:20:00,11:20:00,C,3,,\n"
    )
    feed = _flagged_feed(tmp_path, st, trips)
    stats = feed.stats["f"]
    assert (stats["no_pickup"], stats["no_drop_off"]) == (2, 2)
    assert (stats["pickup_on_request"], stats["drop_off_on_request"]) == (1, 1)
    assert feed.stop_times["pickup_type"].tolist()[3:6] == [0, 0, 1]
    tt = build_timetable(feed, TUE)
    # Same route and stops, other rules: 'nl' and 'nl2' share a pattern, 'plain' and
    # 'ask' (on request counts as allowed) share another.
    assert tt.n_patterns == 2
    assert _rules(tt, "f:nl") == ([True, True, False], [False, True, True])
    assert _rules(tt, "f:plain") == _rules(tt, "f:ask") == ([True] * 3, [True] * 3)
    assert tt.pattern_pickup.dtype == bool and len(tt.pattern_pickup) == len(tt.pattern_stops)
    summary = feed_info([tmp_path / "f"], TUE).feeds[0]
    assert (summary.no_pickup, summary.no_drop_off) == (2, 2)
    assert (summary.pickup_on_request, summary.drop_off_on_request) == (1, 1)


@pytest.mark.parametrize("column", ["pickup_type", "drop_off_type"])
def test_bad_pickup_or_drop_off_value_names_the_row(tmp_path, column):
    values = {"pickup_type": "0,0", "drop_off_type": "0,0"}
    values[column] = "4,0" if column == "pickup_type" else "0,4"
    st = f"t,08:00:00,08:00:00,A,1,0,0\nt,08:10:00,08:10:00,B,2,{values[column]}\n"
    with pytest.raises(GtfsError, match=rf"stop_times\.txt line 3: {column} is not one of"):
        _flagged_feed(tmp_path, st, "R1,WD,t\n")


def test_transfers_txt_kinds_are_applied_or_counted(tmp_path):
    stops = STOPS + "E,Entrance,52.00,5.0,2,S\nB2,Beta bis,52.01,5.0,0,S\n"
    # S is the parent of A and B2.
    transfers = (
        "from_stop_id,to_stop_id,from_route_id,to_route_id,from_trip_id,to_trip_id,"
        "transfer_type,min_transfer_time\n"
        "A,B,,,,,2,120\n"  # applied
        "S,S,,,,,2,300\n"  # station: A<->A, A<->B2, B2<->A, B2<->B2 at 300 s
        "A,B2,,,,,2,30\n"  # the platform row beats the station's 300 s
        "B2,A,,,,,3,\n"  # forbidden beats the station's 300 s
        "B,C,,,t,u,1,\n"  # trip-to-trip: ignored
        "B,C,R1,R2,,,3,\n"  # route-to-route: ignored
        "C,D,,,t,u,4,\n"  # in-seat: ignored
        "E,B,,,,,0,\n"  # entrance: ignored
        "Q,B,,,,,0,\n"  # unknown stop: ignored
    )
    files = base_files("R1,WD,t\n", "t,08:00:00,08:00:00,A,1\nt,08:10:00,08:10:00,B,2\n",
                       **{"transfers.txt": transfers})  # fmt: skip
    files["stops.txt"] = stops
    feed = read_feeds([write_feed(tmp_path / "f", files)])
    stats = feed.stats["f"]
    assert {k: stats[k] for k in stats if k.startswith("transfers")} == {
        "transfers": 5,
        "transfers_not_possible": 1,
        "transfers_from_stations": 1,
        "transfers_trip_specific": 1,
        "transfers_route_specific": 1,
        "transfers_in_seat": 1,
        "transfers_not_at_stops": 2,
    }
    rules = {(r.from_stop_id, r.to_stop_id): (r.min_transfer_time, r.not_possible)
             for r in feed.transfers.itertuples()}  # fmt: skip
    assert rules == {
        ("f:A", "f:B"): (120, False),
        ("f:A", "f:A"): (300, False),
        ("f:A", "f:B2"): (30, False),
        ("f:B2", "f:A"): (0, True),
        ("f:B2", "f:B2"): (300, False),
    }
    problems = " ".join(feed.problems)
    assert "ignored 1 trip-to-trip (from_trip_id/to_trip_id) row(s)" in problems
    assert "ignored 1 in-seat (transfer_type 4/5) row(s)" in problems
    assert "ignored 1 route-to-route (from_route_id/to_route_id) row(s)" in problems
    assert "ignored 2 not between stops or stations of the feed" in problems
    tt = build_timetable(feed, TUE)
    assert tt.stop_ids[tt.forbidden_transfers].tolist() == [["f:B2", "f:A"]]
    assert tt.stats["forbidden_transfers"] == 1


def test_in_seat_rows_without_trips_are_counted(tmp_path):
    transfers = "from_stop_id,to_stop_id,transfer_type\nB,B,5\n"
    feed = read_feeds([write_feed(tmp_path / "f", base_files(
        "R1,WD,t\n", "t,08:00:00,08:00:00,A,1\nt,08:10:00,08:10:00,B,2\n",
        **{"transfers.txt": transfers}))])  # fmt: skip
    assert feed.stats["f"]["transfers_in_seat"] == 1 and len(feed.transfers) == 0


def test_stations_group_platforms_and_platform_codes(tmp_path):
    stops = (
        "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station,platform_code\n"
        "S,Station,52.00,5.0,1,,\nA,Spoor 1,52.00,5.0,0,S,1\nB,Spoor 2a,52.0001,5.0,0,S,2a\n"
        "C,Bus,52.03,5.0,0,,\nD,Orphan,52.04,5.0,0,X,\nN,Node,52.0,5.0,3,S,\n"
    )
    files = base_files("R1,WD,t\n", "t,08:00:00,08:00:00,A,1\nt,08:10:00,08:10:00,C,2\n")
    files["stops.txt"] = stops
    feed = read_feeds([write_feed(tmp_path / "f", files)])
    stats = feed.stats["f"]
    assert (stats["stops"], stats["stations"], stats["stations_and_other_locations"]) == (4, 1, 2)
    assert (stats["platforms_in_stations"], stats["platform_codes"]) == (3, 2)
    assert any("name a parent_station that is not a station" in p and "D" in p
               for p in feed.problems)  # fmt: skip
    tt = build_timetable(feed, TUE)
    assert tt.stop_ids.tolist() == ["f:A", "f:B", "f:C", "f:D"]  # stations are not stops
    summary = feed_info([tmp_path / "f"]).feeds[0]
    assert (summary.stations, summary.platforms_in_stations, summary.platform_codes) == (1, 3, 2)
    assert summary.station_platforms == [("Station", ["1", "2a"])]


def test_trips_past_48_hours_and_of_the_next_day(tmp_path):
    trips = "R1,WD,long\nR1,WD,dawn\nR1,WD,noon\n"
    st = (
        "long,23:00:00,23:00:00,A,1\nlong,48:30:00,48:30:00,B,2\n"
        "dawn,05:59:00,05:59:00,A,1\ndawn,06:30:00,06:30:00,B,2\n"
        "noon,12:00:00,12:00:00,A,1\nnoon,12:10:00,12:10:00,B,2\n"
    )
    feed = read_feeds([write_feed(tmp_path / "f", base_files(trips, st))])
    tt = build_timetable(feed, THU)
    # Wednesday's and Tuesday's 'long' are still running on Thursday, Monday 13 May has no
    # WD service; Friday's 'dawn' leaves before 06:00.
    assert sorted(tt.trip_ids.tolist()) == [
        "f:dawn", "f:dawn@next", "f:long", "f:long@prev", "f:long@prev2", "f:noon",
    ]  # fmt: skip
    assert (tt.stats["previous_day_trips"], tt.stats["next_day_trips"]) == (2, 1)
    assert trip_times(tt, "f:long@prev2")[1] == [hms(23, 0) - 2 * 86400, hms(0, 30)]
    assert trip_times(tt, "f:dawn@next")[2] == [86400 + hms(5, 59), 86400 + hms(6, 30)]
    assert tt.latest_departure_s == 86400 + 6 * 3600
    # On Wednesday the 'long' of two days before (Monday 13 May) does not run: no WD service.
    wed = build_timetable(feed, WED)
    assert "f:long@prev2" not in wed.trip_ids.tolist()
    assert "f:long@prev" in wed.trip_ids.tolist()
