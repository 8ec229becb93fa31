"""Headless Chromium (Debian's, driven by Playwright) and a loopback server for built pages.

The launching and serving are the layout check's own (:mod:`pipeline.layout.browser`);
here the tests insist on Debian's Chromium. Nothing downloads a browser: without
/usr/bin/chromium a test skips with the reason, and fails under CI (see
:func:`tests.html_checker.unavailable`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipeline.layout import browser
from pipeline.layout.browser import served
from tests.html_checker import unavailable

CHROMIUM = Path("/usr/bin/chromium")

__all__ = ["CHROMIUM", "chromium", "new_tab", "served"]


@contextmanager
def chromium() -> Iterator[Any]:
    """A launched headless Chromium (a Playwright ``Browser``)."""
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is not installed (Debian package chromium)")
    with browser.chromium(CHROMIUM) as launched:
        yield launched


def new_tab(launched: Any, width: int, height: int = 800) -> Any:
    return browser.new_tab(launched, width, height)
