"""Pickup / drop-off rules and forbidden transfers: exact hand-built cases, both engines.

Every case has one origin and one destination and is run through the RAPTOR
kernel (time to the destination), the backward profile search (time to the
nearest destination: the same one) and the brute-force reference router; all
three must give the stated number of seconds. Walking is 1 m/s; the origin
stands at stop 0 at 08:00 unless told.
"""

from __future__ import annotations

import numpy as np
from engine_cases import Case, as_int, trip

from accessibility.routing import raptor
from accessibility.routing.profile import UNREACHABLE

T0 = 8 * 3600
MIN = 60


def both_engines(case: Case, start: int = T0, n_minutes: int = 1) -> tuple[int, int]:
    """(RAPTOR, profile) travel time in seconds for origin 0, destination 0, first minute.

    Both are checked against the reference router on every minute first.
    """
    got_raptor = case.raptor(start, n_minutes, 8, 7200)[0, 0]
    got_profile = case.profile(start, n_minutes, 7200)[0]
    np.testing.assert_array_equal(got_raptor, as_int(case.reference(0, start, n_minutes, 8, 7200))[0])
    np.testing.assert_array_equal(
        got_profile, as_int(case.reference_nearest(0, start, n_minutes, 7200), int(UNREACHABLE))
    )
    return int(got_raptor[0]), int(got_profile[0])


def _line(pickup=None, drop_off=None):
    """A - B - C with trips at 08:05 and 08:35, 10 minutes a hop; flags on the 08:05 trip."""
    early = trip([0, 1, 2], T0 + 5 * MIN, [10 * MIN, 10 * MIN], pickup=pickup, drop_off=drop_off)
    late = trip([0, 1, 2], T0 + 35 * MIN, [10 * MIN, 10 * MIN])
    return [early, late]


def test_no_pickup_makes_the_traveller_board_the_next_trip() -> None:
    """The issue's example: A -> C at 08:00 is 25 min, 55 min when the 08:05 may not be boarded at A."""
    kw = dict(access=[{0: 0}], walk=[{}], egress={2: {0: 0}}, n_dest=1)
    assert both_engines(Case(3, _line(), **kw)) == (25 * MIN, 25 * MIN)
    no_pickup = Case(3, _line(pickup={0}), **kw)
    assert no_pickup.timetable.n_patterns == 2  # different rules: patterns apart
    assert both_engines(no_pickup) == (55 * MIN, 55 * MIN)
    # Boarding at B is still allowed: from B (walk 0) the 08:15 departure is caught.
    from_b = Case(3, _line(pickup={0}), access=[{1: 0}], walk=[{}], egress={2: {0: 0}}, n_dest=1)
    assert both_engines(from_b) == (25 * MIN, 25 * MIN)


def test_no_drop_off_makes_the_traveller_ride_on_and_walk_back() -> None:
    """Destination at B; the 08:05 may not be left at B: ride on to C, walk back 700 s."""
    kw = dict(access=[{0: 0}], walk=[{}], egress={1: {0: 0}, 2: {0: 700}}, n_dest=1)
    assert both_engines(Case(3, _line(), **kw)) == (15 * MIN, 15 * MIN)
    # 08:25 at C + 700 s = 08:36:40, earlier than the 08:35 trip at B (08:45).
    assert both_engines(Case(3, _line(drop_off={1}), **kw)) == (25 * MIN + 700, 25 * MIN + 700)
    # With a long walk back, waiting for the next trip (08:45 at B) wins.
    far = dict(kw, egress={1: {0: 0}, 2: {0: 1500}})
    assert both_engines(Case(3, _line(drop_off={1}), **far)) == (45 * MIN, 45 * MIN)


def test_no_drop_off_also_forbids_transferring_there() -> None:
    """Leaving the 08:05 at B to change to line B -> D is forbidden: take the 08:35."""
    feeder = _line(drop_off={1})
    onward = [trip([1, 3], T0 + 20 * MIN, [5 * MIN]), trip([1, 3], T0 + 50 * MIN, [5 * MIN])]
    kw = dict(access=[{0: 0}], walk=[{}], egress={3: {0: 0}}, n_dest=1)
    assert both_engines(Case(4, _line() + onward[:1], **kw)) == (25 * MIN, 25 * MIN)
    assert both_engines(Case(4, feeder + onward, **kw)) == (55 * MIN, 55 * MIN)


def test_express_cannot_be_used_mid_route() -> None:
    """Express 0 -> 1 -> 2 -> 3 picks up only at 0 and 1, sets down only at 2 and 3.

    The local bus (08:25 from 0, 08:30 at 1, 08:40 at 2, 08:50 at 3) is slower. From 2 to 3 the express
    (08:16 at 2) cannot be boarded; from 1 to 2 it can (08:08 -> 08:16). From 0
    to 1 it cannot be left at 1.
    """
    express = trip([0, 1, 2, 3], T0 + 5 * MIN, [3 * MIN, 8 * MIN, 4 * MIN],
                   pickup={2, 3}, drop_off={0, 1})  # fmt: skip
    local = trip([0, 1, 2, 3], T0 + 25 * MIN, [5 * MIN, 10 * MIN, 10 * MIN])
    trips = [express, local]

    def case(origin_stop: int, dest_stop: int) -> Case:
        return Case(4, trips, access=[{origin_stop: 0}], walk=[{}],
                    egress={dest_stop: {0: 0}}, n_dest=1)  # fmt: skip

    assert both_engines(case(1, 2)) == (16 * MIN, 16 * MIN)  # express 08:08 -> 08:16
    assert both_engines(case(2, 3)) == (50 * MIN, 50 * MIN)  # local 08:40 -> 08:50
    assert both_engines(case(0, 1)) == (30 * MIN, 30 * MIN)  # local 08:25 -> 08:30
    assert both_engines(case(0, 3)) == (20 * MIN, 20 * MIN)  # express all the way


def test_forbidden_transfer_forces_a_detour() -> None:
    """Line 1 reaches stop 1 at 08:10. Stop 2 (100 m away) has line 2 at 08:15 to the
    destination (08:25); stop 3 (300 m away) line 3 at 08:20 (08:40). transfers.txt
    forbids 1 -> 2 (type 3), so the traveller walks to stop 3 instead."""
    trips = [
        trip([0, 1], T0 + 5 * MIN, [5 * MIN]),
        trip([2, 4], T0 + 15 * MIN, [10 * MIN]),
        trip([3, 4], T0 + 20 * MIN, [20 * MIN]),
    ]
    kw = dict(access=[{0: 0}], walk=[{}], egress={4: {0: 0}}, n_dest=1,
              walk_m={(1, 2): 100.0, (1, 3): 300.0})  # fmt: skip
    assert both_engines(Case(5, trips, **kw)) == (25 * MIN, 25 * MIN)
    assert both_engines(Case(5, trips, forbidden={(1, 2)}, **kw)) == (40 * MIN, 40 * MIN)
    # The rule is directional: forbidding 2 -> 1 changes nothing.
    assert both_engines(Case(5, trips, forbidden={(2, 1)}, **kw)) == (25 * MIN, 25 * MIN)


def test_forbidden_change_at_the_same_stop() -> None:
    """transfers.txt (1, 1) type 3: no change at stop 1; walk 200 m to stop 2's later bus."""
    trips = [
        trip([0, 1], T0 + 5 * MIN, [5 * MIN]),
        trip([1, 3], T0 + 15 * MIN, [5 * MIN]),
        trip([2, 3], T0 + 25 * MIN, [5 * MIN]),
    ]
    kw = dict(access=[{0: 0}], walk=[{}], egress={3: {0: 0}}, n_dest=1, walk_m={(1, 2): 200.0})
    assert both_engines(Case(4, trips, **kw)) == (20 * MIN, 20 * MIN)
    assert both_engines(Case(4, trips, forbidden={(1, 1)}, **kw)) == (30 * MIN, 30 * MIN)
    # Forbidding the change does not forbid staying on board through stop 1.
    through = [trip([0, 1, 3], T0 + 5 * MIN, [5 * MIN, 5 * MIN])]
    assert both_engines(Case(4, through, forbidden={(1, 1)}, **kw)) == (15 * MIN, 15 * MIN)


def test_first_and_last_stop_flags_of_gtfs_nl_change_nothing() -> None:
    """gtfs-nl marks the first stop no-drop-off and the last no-pickup: same times."""
    plain = _line()
    marked = [trip(t[0], t[1][0], np.diff(t[1]).tolist(), pickup={2}, drop_off={0}) for t in plain]
    kw = dict(access=[{0: 0, 1: 400}], walk=[{}], egress={1: {0: 100}, 2: {0: 0}}, n_dest=1)
    for start in (T0, T0 + 20 * MIN):
        assert both_engines(Case(3, plain, **kw), start, 30) == both_engines(
            Case(3, marked, **kw), start, 30
        )


def test_unreachable_when_every_stop_forbids_boarding() -> None:
    kw = dict(access=[{0: 0}], walk=[{}], egress={2: {0: 0}}, n_dest=1)
    case = Case(3, [trip([0, 1, 2], T0 + 5 * MIN, [600, 600], pickup={0, 1, 2})], **kw)
    assert both_engines(case) == (int(raptor.UNREACHED), int(UNREACHABLE))
