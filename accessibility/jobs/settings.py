"""Analysis settings given on the command line instead of in the region file.

``--date``, ``--departure-time``, ``--window``, ``--norm`` and ``--max-time``
override ``[analysis]`` of the region file for one run; :class:`Overrides`
applies them to a :class:`~accessibility.config.RegionConfig` with the same
checks as the region file, and every job writes them into ``metadata.json``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from accessibility.config import RegionConfig, TimeWindow
from accessibility.errors import ConfigError


@dataclass(frozen=True)
class Overrides:
    """Settings that replace the region file's for one run (None: keep the region's).

    Attributes
    ----------
    date
        Service date of the main window (and of the weekday windows that used
        the region's main date).
    departure_time
        Start of the main departure window, local time.
    window_minutes
        Length of the main departure window, minutes.
    norm_minutes
        The accessibility norm, minutes.
    max_time_minutes
        Longest trip considered, minutes.
    """

    date: dt.date | None = None
    departure_time: dt.time | None = None
    window_minutes: int | None = None
    norm_minutes: int | None = None
    max_time_minutes: int | None = None

    def as_dict(self) -> dict[str, str | int]:
        """The given overrides, for ``metadata.json`` (dates and times as ISO text)."""
        out: dict[str, str | int] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is not None:
                out[f.name] = value.isoformat() if isinstance(value, dt.date | dt.time) else value
        return out

    def apply(self, config: RegionConfig) -> RegionConfig:
        """The region configuration with these overrides.

        Raises
        ------
        ConfigError
            A norm or an isochrone cutoff above the maximum travel time, or a
            window or time outside the allowed range.
        """
        if not self.as_dict():
            return config
        a = config.analysis
        max_time = self.max_time_minutes if self.max_time_minutes is not None else a.max_time_minutes
        norm = self.norm_minutes if self.norm_minutes is not None else a.norm_minutes
        if not 1 <= max_time <= 600:
            raise ConfigError(f"--max-time {max_time} must lie in 1..600 minutes")
        if not 1 <= norm <= max_time:
            raise ConfigError(
                f"--norm {norm} must lie in 1..{max_time} minutes (the maximum travel time); "
                "raise --max-time for a longer norm"
            )
        if a.cutoffs_minutes[-1] > max_time:
            raise ConfigError(
                f"--max-time {max_time} is below the isochrone cutoff "
                f"{a.cutoffs_minutes[-1]} min of {config.path}; give at least "
                f"--max-time {a.cutoffs_minutes[-1]}"
            )
        if self.window_minutes is not None and not 1 <= self.window_minutes <= 24 * 60:
            raise ConfigError(f"--window {self.window_minutes} must lie in 1..1440 minutes")
        main = self._window(a.window, a.window)
        windows = {name: self._window(w, a.window) for name, w in config.time_windows.items()}
        analysis = dataclasses.replace(a, window=main, norm_minutes=norm,
                                       max_time_minutes=max_time)
        return dataclasses.replace(config, analysis=analysis, time_windows=windows)

    def _window(self, window: TimeWindow, main: TimeWindow) -> TimeWindow:
        """``window`` with the overrides that apply to it.

        The date applies to the main window and to every window on the main
        window's date (the weekday evening); departure time and window length
        apply to the main window and a window identical to it.
        """
        same_day = window.date == main.date and window.date_rule == main.date_rule
        same = same_day and (window.departure_time, window.window_minutes) == (
            main.departure_time, main.window_minutes)
        changes: dict[str, object] = {}
        if self.date is not None and same_day:
            changes["date"] = self.date
        if same and self.departure_time is not None:
            changes["departure_time"] = self.departure_time
        if same and self.window_minutes is not None:
            changes["window_minutes"] = self.window_minutes
        return dataclasses.replace(window, **changes) if changes else window


def parse_date(text: str | None) -> dt.date | None:
    """``YYYY-MM-DD`` or ``DD-MM-YYYY`` as a date.

    Raises
    ------
    ConfigError
        Any other text.
    """
    if text is None:
        return None
    value = text.strip()
    for pattern, order in ((r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"),
                           (r"(\d{1,2})-(\d{1,2})-(\d{4})", "dmy")):
        m = re.fullmatch(pattern, value)
        if m:
            parts = dict(zip(order, map(int, m.groups()), strict=True))
            try:
                return dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError as exc:
                raise ConfigError(f"--date {text!r} is not a valid date ({exc})") from None
    raise ConfigError(f"--date {text!r} is not a date; write 2026-12-01 or 01-12-2026")


def parse_time(text: str | None) -> dt.time | None:
    """``HH:MM`` (00:00..23:59) as a time.

    Raises
    ------
    ConfigError
        Any other text.
    """
    if text is None:
        return None
    m = re.fullmatch(r"(\d{1,2})[:.](\d{2})", text.strip())
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        raise ConfigError(f"--departure-time {text!r} is not a time; write 10:00 (00:00..23:59)")
    return dt.time(int(m[1]), int(m[2]))
