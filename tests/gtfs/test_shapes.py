"""Trip headsigns and shapes.txt lines, streamed and filtered from a feed."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from accessibility.gtfs.shapes import feed_trip_id, read_shapes, read_trip_details
from accessibility.gtfs.tables import FeedSource

TRIPS = "\ufeffroute_id, trip_id ,trip_headsign,shape_id\nR,t1,Centrum,S1\nR,t2,,\nR,t3,Noord,S2\n"
SHAPES = ("shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence\n"
          "S1,52.2,5.2,3\nS1,52.0,5.0,1\nS1,52.1,5.1,2\nS2,52.0,5.0,1\nS2,bad,5.1,2\n"
          "S3,52.0,5.0,1\nS3,52.0,5.1,2\n")


@pytest.fixture(params=["zip", "folder"])
def feed(request, tmp_path):
    if request.param == "folder":
        (tmp_path / "trips.txt").write_text(TRIPS, encoding="utf-8")
        (tmp_path / "shapes.txt").write_text(SHAPES, encoding="utf-8")
        return tmp_path
    path = tmp_path / "feed.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("trips.txt", TRIPS)
        archive.writestr("shapes.txt", SHAPES)
    return path


def test_trip_details_only_the_trips_asked_for(feed) -> None:
    trips = read_trip_details([feed], ["f"], {"f:t1", "f:t2", "other:t3"})
    assert sorted(trips.index) == ["f:t1", "f:t2"]
    assert trips.loc["f:t1"].tolist() == ["Centrum", "f:S1"]
    assert trips.loc["f:t2"].tolist() == ["", ""]


def test_shapes_in_sequence_order_and_bad_rows_left_out(feed) -> None:
    shapes = read_shapes([feed], ["f"], {"f:S1", "f:S2"})
    assert sorted(shapes) == ["f:S1"]  # S2 keeps one valid point; S3 was not asked for
    lat, lon = shapes["f:S1"]
    assert np.allclose(lat, [52.0, 52.1, 52.2]) and np.allclose(lon, [5.0, 5.1, 5.2])


def test_read_rows_streams_in_chunks(feed) -> None:
    rows = FeedSource(feed).read_rows("shapes.txt", ("shape_id", "shape_pt_sequence"),
                                      "shape_id", {"S3"}, chunk_rows=2)
    assert rows.to_dict("list") == {"shape_id": ["S3", "S3"], "shape_pt_sequence": ["1", "2"]}


def test_timetable_trip_ids_map_back_to_feed_trips() -> None:
    assert feed_trip_id("f:t1#3") == "f:t1"
    assert feed_trip_id("f:t1@prev") == "f:t1" and feed_trip_id("f:t1#2@prev2") == "f:t1"
    assert feed_trip_id("f:t1@next") == "f:t1" and feed_trip_id("f:a#b") == "f:a#b"
