"""Which OpenStreetMap ways bicycles may use, in which direction, and where to dismount.

:func:`bike_access` returns one code per direction of a way (along its node
order and against it): :data:`CLOSED`, :data:`RIDE` or :data:`DISMOUNT`
(traversed on foot, pushing the bike, at walking speed). The rules, in order:

* the way needs a ``highway`` tag not in :data:`EXCLUDED_HIGHWAYS`;
* ``bicycle=no``/``private`` closes the way (both directions), and so does
  ``bicycle=use_sidepath`` (the parallel cycle track, a way of its own, is
  ridden instead; pushing along the road would also make points next to it
  snap to the road and start on foot); ``bicycle=dismount`` makes it
  :data:`DISMOUNT`;
* motorways and trunk roads (:data:`MOTOR_HIGHWAYS`) need ``bicycle=yes`` or
  ``designated``;
* footways, pedestrian areas, bridleways, corridors and platforms
  (:data:`FOOT_HIGHWAYS`) need ``bicycle=yes``/``designated``/``permissive``;
  without it a cyclist may still push the bike along them when ``foot`` is
  not forbidden: :data:`DISMOUNT` (so a footway is a short walking link, never
  a fast cycle link); ``highway=steps`` is always :data:`DISMOUNT`;
* ``access=no``/``private`` closes the way unless ``bicycle`` is ``yes``,
  ``designated`` or ``permissive``;
* one-way rules: ``oneway=yes``/``true``/``1`` (and roundabouts,
  ``junction=roundabout``/``circular``, implicitly one-way; motorways too)
  close the direction against the node order, ``oneway=-1``/``reverse`` the
  one along it; ``oneway:bicycle=no``, ``cycleway=opposite``/
  ``opposite_lane``/``opposite_track`` or ``cycleway:left``/``cycleway:right``
  /``cycleway:both`` = ``opposite_lane``/``opposite_track``/``opposite`` (and
  ``cycleway:left:oneway``/``cycleway:right:oneway`` = ``-1``/``no``) open the
  contraflow to bicycles; ``oneway:bicycle=yes``/``-1`` makes a way one-way
  for bicycles only. ``highway=cycleway`` has no implicit one-way. A
  direction closed to riding by these rules is :data:`DISMOUNT` when
  pedestrians may walk the way (:func:`~accessibility.streets.rules.is_walkable`):
  the cyclist pushes the bike along the pavement, as OSRM's bicycle profile
  does (its ``pushing_bike`` mode), so a short contraflow stretch costs
  walking time instead of a long detour; else it is :data:`CLOSED`.

Everything else (cycleways, paths, tracks, service roads, residential and all
other roads) is ridden in both directions. Bump :data:`CYCLING_RULES_VERSION`
when a rule changes: it is part of the network cache key.
"""

from __future__ import annotations

from collections.abc import Mapping

from accessibility.streets.rules import EXCLUDED_HIGHWAYS, MOTOR_HIGHWAYS, is_walkable

#: Part of the cache key of the bicycle network; bump when a rule changes.
CYCLING_RULES_VERSION = 3

#: The direction is closed to bicycles.
CLOSED = 0
#: The direction is ridden at cycling speed.
RIDE = 1
#: The direction is traversed pushing the bike, at walking speed.
DISMOUNT = 2

#: ``highway`` values for pedestrians: ridden only with an explicit ``bicycle`` permission.
FOOT_HIGHWAYS = frozenset({"footway", "pedestrian", "bridleway", "corridor", "platform"})

_BIKE_ALLOWED = frozenset({"yes", "designated", "permissive"})
_BIKE_EXPLICIT = frozenset({"yes", "designated"})
_NO_ACCESS = frozenset({"no", "private"})
_BIKE_CLOSED = frozenset({"no", "private", "use_sidepath"})
_ONEWAY_FORWARD = frozenset({"yes", "true", "1"})
_ONEWAY_BACKWARD = frozenset({"-1", "reverse"})
_ROUNDABOUT = frozenset({"roundabout", "circular"})
_OPPOSITE = frozenset({"opposite", "opposite_lane", "opposite_track"})


def bike_access(tags: Mapping[str, str]) -> tuple[int, int]:
    """Bicycle access of a way: ``(along the node order, against it)``.

    Parameters
    ----------
    tags : mapping of str to str
        The way's OSM tags.

    Returns
    -------
    tuple of int
        Each :data:`CLOSED`, :data:`RIDE` or :data:`DISMOUNT` (see the module
        docstring for the rules). ``(CLOSED, CLOSED)``: not part of the
        bicycle network.
    """
    mode = _mode(tags)
    if mode != RIDE:
        return mode, mode
    forward, backward = _oneway(tags)
    pushed = DISMOUNT if is_walkable(tags) else CLOSED
    return (RIDE if forward else pushed), (RIDE if backward else pushed)


def _mode(tags: Mapping[str, str]) -> int:
    """RIDE, DISMOUNT or CLOSED for the way as a whole (before the one-way rules)."""
    highway = tags.get("highway")
    if highway is None or highway in EXCLUDED_HIGHWAYS:
        return CLOSED
    bicycle = tags.get("bicycle")
    if bicycle in _BIKE_CLOSED:
        return CLOSED
    if bicycle == "dismount":
        return DISMOUNT
    if highway in MOTOR_HIGHWAYS:
        return RIDE if bicycle in _BIKE_EXPLICIT else CLOSED
    if tags.get("access") in _NO_ACCESS and bicycle not in _BIKE_ALLOWED:
        return CLOSED
    if highway == "steps":
        return DISMOUNT
    if highway in FOOT_HIGHWAYS and bicycle not in _BIKE_ALLOWED:
        return CLOSED if tags.get("foot") in _NO_ACCESS else DISMOUNT
    return RIDE


def _oneway(tags: Mapping[str, str]) -> tuple[bool, bool]:
    """Whether bicycles may go along / against the node order."""
    bike_oneway = tags.get("oneway:bicycle")
    if bike_oneway in _ONEWAY_FORWARD:
        return True, False
    if bike_oneway in _ONEWAY_BACKWARD:
        return False, True
    oneway = tags.get("oneway")
    highway = tags.get("highway")
    implicit = (tags.get("junction") in _ROUNDABOUT
                or highway in ("motorway", "motorway_link"))
    if oneway in _ONEWAY_BACKWARD:
        forward, backward = False, True
    elif oneway in _ONEWAY_FORWARD or (implicit and oneway != "no"):
        forward, backward = True, False
    else:
        return True, True
    if bike_oneway == "no" or _contraflow_open(tags):
        return True, True
    return forward, backward


def _contraflow_open(tags: Mapping[str, str]) -> bool:
    """A tagged contraflow cycle lane or track (``cycleway*=opposite*``, ``*:oneway=-1/no``)."""
    if any(tags.get(key) in _OPPOSITE
           for key in ("cycleway", "cycleway:left", "cycleway:right", "cycleway:both")):
        return True
    return any(tags.get(f"cycleway:{side}:oneway") in ("-1", "no")
               for side in ("left", "right", "both"))
