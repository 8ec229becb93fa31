"""A headless Chromium driven by Playwright, and a loopback server for a built site.

Playwright is an optional dependency (``pip install 'l10n-pipeline[layout]'``) and is
imported only when a browser is launched, so every other command works without it.
No browser is ever downloaded: the one used is ``L10N_CHROMIUM``, else a Chromium on
the ``PATH`` (Debian's ``/usr/bin/chromium``), else the one ``playwright install
chromium`` put in Playwright's cache. A tab reaches nothing but the loopback server,
and every wait is bounded, so a machine offline or without a browser gets one line
and an exit code, never a hang.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pipeline.model import PipelineError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
LAUNCH_TIMEOUT_MS = 30_000
PAGE_TIMEOUT_MS = 20_000  # a navigation, a screenshot, any wait of a tab


class BrowserUnavailable(PipelineError):
    """No Playwright, no Chromium, or a Chromium that does not start."""


def find_chromium() -> Path | None:
    """``L10N_CHROMIUM``, else the first Chromium on the ``PATH``; None if neither."""
    given = os.environ.get("L10N_CHROMIUM")
    if given:
        return Path(given)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found is not None:
            return Path(found)
    return None


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """``folder`` served on 127.0.0.1 on a free port; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def chromium(executable: Path | None = None) -> Iterator[Any]:
    """A launched headless Chromium (a Playwright ``Browser``): ``executable``, else
    :func:`find_chromium`'s, else Playwright's own."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise BrowserUnavailable(
            "the layout check needs Playwright: pip install 'l10n-pipeline[layout]'"
        ) from None
    path = executable or find_chromium()
    if path is not None and not path.is_file():
        raise BrowserUnavailable(f"{path}: no such browser (L10N_CHROMIUM or --browser)")
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(
                executable_path=str(path) if path is not None else None,
                args=CHROMIUM_ARGS,
                timeout=LAUNCH_TIMEOUT_MS,
            )
        except Error as error:
            raise BrowserUnavailable(
                f"Chromium did not start ({_first_line(error)}); install Debian's chromium, or "
                "run `playwright install chromium`, or name one with L10N_CHROMIUM"
            ) from None
        try:
            yield launched
        finally:
            launched.close()


@contextmanager
def browser_errors(where: str) -> Iterator[None]:
    """Playwright's errors inside (a page that does not load in time, a browser that died)
    as one :class:`BrowserUnavailable` line naming ``where``."""
    try:
        yield
    except Exception as error:
        if not type(error).__module__.startswith("playwright."):
            raise
        raise BrowserUnavailable(f"{where}: {_first_line(error)}") from None


def _first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def new_tab(browser: Any, width: int, height: int = 800, *, local: str | None = None) -> Any:
    """A tab in a context of its own, ``width`` × ``height`` CSS pixels, English UI; with
    ``local`` (a base URL), every request elsewhere is refused, so nothing waits on a
    network."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    if local is not None:
        context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith(local) else route.abort()
            ),
        )
    return context.new_page()
