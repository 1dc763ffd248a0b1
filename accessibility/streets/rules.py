"""Which OpenStreetMap ways people may walk on."""

from __future__ import annotations

from collections.abc import Mapping

#: ``highway`` values that are never walkable: not built (yet/any more) or not for people.
EXCLUDED_HIGHWAYS = frozenset(
    {
        "construction",
        "proposed",
        "planned",
        "abandoned",
        "disused",
        "razed",
        "raceway",
        "bus_guideway",
    }
)


#: ``highway`` values walkable only when tagged ``foot=yes`` or ``foot=designated``.
MOTOR_HIGHWAYS = frozenset({"motorway", "motorway_link", "trunk", "trunk_link"})


_FOOT_EXPLICIT = frozenset({"yes", "designated"})


_FOOT_OVERRIDES_ACCESS = frozenset({"yes", "designated", "permissive"})


_NO_ACCESS = frozenset({"no", "private"})


def is_walkable(tags: Mapping[str, str]) -> bool:
    """Whether an OSM way with these tags may be used by pedestrians.

    Rules: the way needs a ``highway`` tag that is not in
    :data:`EXCLUDED_HIGHWAYS`; :data:`MOTOR_HIGHWAYS` need ``foot=yes`` or
    ``foot=designated``; ``foot=no``/``private`` excludes the way;
    ``access=no``/``private`` excludes it unless ``foot`` is ``yes``,
    ``designated`` or ``permissive``. Everything else (footway, path, steps,
    pedestrian, cycleway, track, service, platform, residential, ...) is walkable.
    """
    highway = tags.get("highway")
    if highway is None or highway in EXCLUDED_HIGHWAYS:
        return False
    foot = tags.get("foot")
    if highway in MOTOR_HIGHWAYS:
        return foot in _FOOT_EXPLICIT
    if foot in _NO_ACCESS:
        return False
    return not (tags.get("access") in _NO_ACCESS and foot not in _FOOT_OVERRIDES_ACCESS)
