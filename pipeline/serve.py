"""``l10n serve``: a preview of ``output/`` on loopback that rebuilds and reloads on change;
with ``--include-machine``, of the preview build in ``preview_dir`` (never ``output/``).

The reload script is injected into HTML responses here, so it never reaches a
built file: it polls :data:`VERSION_PATH` and reloads when a rebuild bumped it.
"""

from __future__ import annotations

import errno
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import watchfiles

from pipeline.build import build
from pipeline.config import Config
from pipeline.model import PipelineError

VERSION_PATH = "/__l10n__/version"
RELOAD_SCRIPT = (
    "<script>(function(){{var v={version};setInterval(function(){{"
    "fetch('{path}',{{cache:'no-store'}}).then(function(r){{return r.text();}})"
    ".then(function(t){{if(Number(t)!==v){{location.reload();}}}}).catch(function(){{}});"
    "}},700);}})();</script>"
)


@dataclass
class Preview:
    """A running preview server and its watcher; :meth:`stop` ends both."""

    server: ThreadingHTTPServer
    stop_event: threading.Event
    threads: list[threading.Thread] = field(default_factory=list)
    version: int = 0
    last_error: str = ""

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def stop(self) -> None:
        self.stop_event.set()
        self.server.shutdown()
        self.server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)


def watched_paths(config: Config) -> list[Path]:
    return [
        path
        for path in (config.source_path, config.locales_path, config.templates_path)
        if path.exists()
    ]


class _PreviewHandler(SimpleHTTPRequestHandler):
    """Serves the built site; HTML pages get the reload script, the version path the build count."""

    def __init__(self, *args: Any, preview: Preview, **kwargs: Any) -> None:
        self.preview = preview  # before the base class, which handles the request at once
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        if self.path.split("?")[0] == VERSION_PATH:
            self._send(str(self.preview.version).encode(), "text/plain; charset=utf-8")
            return
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            target = target / "index.html"
        if target.suffix == ".html" and target.is_file():
            script = RELOAD_SCRIPT.format(version=self.preview.version, path=VERSION_PATH)
            page = target.read_text("utf-8").replace("</body>", script + "</body>", 1)
            self._send(page.encode("utf-8"), "text/html; charset=utf-8")
            return
        super().do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _rebuild(
    config: Config, preview: Preview, include_machine: bool, on_build: Callable[[str], None]
) -> list[Path]:
    """Build; return the files the build wrote under the watched folders (catalogs, templates)."""
    try:
        outcome = build(config, include_machine=include_machine)
    except Exception as error:  # keep serving the last good build; say what broke
        preview.last_error = str(error)
        for line in str(error).splitlines():
            on_build(f"build failed: {line}")
        return []
    preview.last_error = ""
    preview.version += 1
    for line in dict.fromkeys(outcome.errors + outcome.site.notes):
        on_build(f"warning: {line}")
    for line in outcome.site.withheld_pages:
        on_build(line)
    on_build(f"rebuilt: {len(outcome.site.written)} files written (version {preview.version})")
    return outcome.update.written


_ABSENT = "absent"


def _content(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return _ABSENT


@dataclass
class _Contents:
    """What each watched file held when the last build saw or wrote it.

    A change event is a reason to build only if the file now holds something
    else: the build's own writes to the catalogs and templates, and a second
    event for an edit already built, are not.
    """

    seen: dict[Path, str] = field(default_factory=dict)

    def changed(self, paths: set[Path]) -> set[Path]:
        """The paths whose content differs from what the last build saw; now recorded as seen."""
        now = {path: _content(path) for path in paths}
        changed = {path for path, content in now.items() if self.seen.get(path) != content}
        self.seen.update(now)
        return changed

    def written(self, paths: list[Path]) -> None:
        self.seen.update((Path(path).resolve(), _content(Path(path))) for path in paths)


class _SourceFilter(watchfiles.DefaultFilter):
    """Editors' and our own temporary files are no change (``.name.XXXX.tmp``)."""

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        name = Path(path).name
        if name.startswith(".") and name.endswith(".tmp"):
            return False
        return super().__call__(change, path)


def start_preview(
    config: Config,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    include_machine: bool = False,
    on_build: Callable[[str], None] = print,
) -> Preview:
    """Build once, then serve the built site and rebuild whenever a watched file changes.

    The site is ``output/``, or with ``include_machine`` the preview build in ``preview_dir``.
    """
    output = config.site_path(include_machine)
    output.mkdir(parents=True, exist_ok=True)
    server = _listen(host, port)
    preview = Preview(server, threading.Event())
    server.RequestHandlerClass = partial(_PreviewHandler, directory=str(output), preview=preview)
    contents = _Contents()

    def rebuild() -> None:
        contents.written(_rebuild(config, preview, include_machine, on_build))

    def watch() -> None:
        for changes in watchfiles.watch(
            *watched_paths(config),
            watch_filter=_SourceFilter(),
            stop_event=preview.stop_event,
            debounce=300,
            rust_timeout=500,
        ):
            if contents.changed({Path(path).resolve() for _change, path in changes}):
                rebuild()

    rebuild()
    preview.threads = [
        threading.Thread(target=server.serve_forever, name="l10n-serve", daemon=True),
        threading.Thread(target=watch, name="l10n-watch", daemon=True),
    ]
    for thread in preview.threads:
        thread.start()
    return preview


def _listen(host: str, port: int) -> ThreadingHTTPServer:
    """The server bound to ``host:port``, or one line saying why it cannot be."""
    try:
        return ThreadingHTTPServer((host, port), SimpleHTTPRequestHandler)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise PipelineError(
                f"port {port} on {host} is in use (another preview?): "
                f"choose another with --port, e.g. --port {port + 1}"
            ) from None
        raise PipelineError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def serve(
    config: Config, host: str = "127.0.0.1", port: int = 8000, *, include_machine: bool = False
) -> None:
    """Run the preview until interrupted (Ctrl-C)."""
    preview = start_preview(config, host, port, include_machine=include_machine)
    served = config.relative(config.site_path(include_machine))
    print(f"Serving {served}/ at {preview.url} (Ctrl-C to stop)")
    try:
        preview.stop_event.wait()
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop()
