"""Progress bars with an estimate of the time left (rich), for stages that take seconds.

Bars draw on standard error only when it is a terminal (no output in tests,
CI logs or pipes) unless ``ACCESSIBILITY_PROGRESS=1`` forces them;
``ACCESSIBILITY_PROGRESS=0`` switches them off.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

PROGRESS_ENV = "ACCESSIBILITY_PROGRESS"


def progress_enabled() -> bool:
    """Whether bars are drawn (a terminal on stderr, or forced by the environment)."""
    forced = os.environ.get(PROGRESS_ENV)
    if forced is not None:
        return forced.strip() not in ("", "0", "false", "no")
    return sys.stderr.isatty()


@contextmanager
def progress_bar(description: str, total: float | None) -> Iterator[Callable[[float], None]]:
    """A bar for ``total`` units of work; yields ``advance(units)``.

    Parameters
    ----------
    description : str
        What runs (shown left of the bar).
    total : float or None
        Units of work; None draws a bar without an end (elapsed time only).
    """
    if not progress_enabled():
        yield lambda units=1: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("nog / left"), TimeRemainingColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task(description, total=total)
        yield lambda units=1: bar.advance(task, units)
