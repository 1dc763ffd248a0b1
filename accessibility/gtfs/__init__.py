"""GTFS input: read and validate feeds, pick the service of one date, build the
:class:`Timetable` the routing engines consume.

Typical use::

    feed = read_feeds(["poa_eptc.zip", "poa_trensurb.zip"])
    timetable = build_timetable(feed, datetime.date(2019, 5, 13))

Modules, in the order the data flows: :mod:`.tables` (CSV parsing helpers),
:mod:`.reader` (one feed's files, validated), :mod:`.stop_times`
(interpolation), :mod:`.transfers` (``transfers.txt`` rules), :mod:`.feed`
(merged feeds), :mod:`.service` (service days),
:mod:`.trips` (trips of one date, frequencies expanded), :mod:`.patterns`
(trip patterns), :mod:`.timetable` (the arrays) and :mod:`.summary` (a
summary for ``gtfs-info``).
"""

from accessibility.gtfs.feed import (
    GtfsFeed,
    default_feed_ids,
    feed_date_range,
    read_feeds,
    valid_stops,
)
from accessibility.gtfs.summary import FeedInfo, FeedSummary, feed_info
from accessibility.gtfs.timetable import Timetable, build_timetable
from accessibility.gtfs.trips import TripSelection, select_trips

__all__ = [
    "FeedInfo",
    "FeedSummary",
    "GtfsFeed",
    "Timetable",
    "TripSelection",
    "build_timetable",
    "default_feed_ids",
    "feed_date_range",
    "feed_info",
    "read_feeds",
    "select_trips",
    "valid_stops",
]
