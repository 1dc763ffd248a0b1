"""Exceptions raised by the toolkit.

Every error message says what is wrong (file, row, value) and what to do.
"""


class AccessibilityError(Exception):
    """Base class of all errors raised by this package."""


class InputError(AccessibilityError, ValueError):
    """An input file or value is invalid."""


class GtfsError(InputError):
    """A GTFS feed is missing a file or column, or holds invalid values."""


class NoServiceError(GtfsError):
    """No trip of the feed(s) runs on the requested date."""


class OsmError(InputError):
    """An OpenStreetMap file cannot be read or holds no walkable ways."""


class SnapError(InputError):
    """Points lie farther from the street network than the snap distance allows."""


class GeocodeError(AccessibilityError):
    """An address cannot be geocoded (no match, ambiguous or service unreachable)."""


class DownloadError(AccessibilityError):
    """A download failed (server down, HTTP error, truncated file)."""


class EngineUnavailableError(AccessibilityError):
    """The requested routing engine cannot run here (for example r5py without Java 21)."""


class ConfigError(InputError):
    """A region or scenario configuration is invalid or unknown."""
