"""Headless Chromium for the web-map tests: Debian's browser, the network blocked.

Chromium is found on PATH (``.ci/run`` installs Debian's ``chromium`` package
when it is missing). Playwright drives it over the DevTools protocol with
``executable_path``, so no browser is downloaded. Every request that is not
a local file is refused twice over: the host resolver maps every name to
nothing, a proxy to nowhere catches the rest, and the page's own router
aborts and records anything that is not ``file://``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)
#: When set, the tests keep a screenshot of every page here (for people to look at).
SCREENSHOT_DIR = os.environ.get("ACCESSIBILITY_SCREENSHOT_DIR")


def chromium_path() -> str:
    """The Chromium executable, or a skip that says how to install it."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("Chromium is not installed and could not be installed here "
                "(.ci/run runs 'apt-get install chromium' as root)")


@dataclass
class Browser:
    """A persistent headless context and what it saw."""

    context: object
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, path: Path, width: int = 1400, height: int = 950):
        """Open a local HTML file and wait until plotly has drawn the map."""
        page = self.context.new_page()
        page.set_viewport_size({"width": width, "height": height})
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.goto(Path(path).resolve().as_uri())
        page.wait_for_selector("#kaart .scatterlayer .trace", state="attached")
        page.wait_for_function("() => { const gd = document.getElementById('kaart');"
                               " return gd && gd._fullLayout && gd._fullLayout._size; }")
        page.wait_for_timeout(300)
        return page


@contextmanager
def headless_chromium(user_data_dir: Path) -> Iterator[Browser]:
    """A fresh Chromium profile in ``user_data_dir`` with the network blocked."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(user_data_dir), executable_path=executable, headless=True, args=list(FLAGS))
        browser = Browser(context)

        def refuse(route) -> None:
            if not route.request.url.startswith("file:"):
                browser.blocked.append(route.request.url)
                route.abort()
            else:
                route.continue_()

        context.route("**/*", refuse)
        try:
            yield browser
        finally:
            context.close()


def keep_screenshot(page, name: str) -> None:
    """Save a full-page screenshot when ``ACCESSIBILITY_SCREENSHOT_DIR`` is set."""
    if SCREENSHOT_DIR:
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{name}.png"), full_page=True)
