"""A LibreTranslate-compatible HTTP server on 127.0.0.1 for tests, with fault injection.

It speaks the parts of the API the pipeline uses -- ``POST /translate`` (query string,
form or JSON; ``q`` a string or a list) and ``GET /languages`` -- and translates
deterministically: ``"Hello ⟦0⟧ world"`` into German is ``"[de] HELLO ⟦0⟧ WORLD"``.
Upper-casing mangles anything left unprotected (URLs, drug names), so a test sees it.

Faults are a schedule: the n-th ``/translate`` request gets ``faults[n]``, later ones
are answered normally. Every request is recorded with its client port, so tests can
tell which requests shared a connection.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

# What one /translate request may be answered with instead of a translation.
FAULTS = (
    "ok",  # a normal answer
    "429",  # Too Many Requests with Retry-After
    "500",  # Internal Server Error
    "slow",  # a normal answer after ``slow_seconds``
    "malformed",  # 200 with a body that is not JSON
    "drop-token",  # the answer loses its first protection token
    "duplicate-token",  # the answer repeats its first protection token
    "disconnect",  # the connection is closed without an answer
    "echo",  # the text comes back unchanged
)

LANGUAGES = {
    "en": "English",
    "de": "German",
    "es": "Spanish",
    "fr": "French",
    "ru": "Russian",
    "ar": "Arabic",
    "uk": "Ukrainian",
}

_TOKEN = re.compile(r"⟦\s*\d+\s*⟧|<[^<>]*>")


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # without the query string
    query: str  # the raw query string: a key here would end up in access logs
    params: dict[str, Any]  # query, form and JSON fields merged; ``q`` as sent
    time: float  # time.monotonic() when the request arrived
    client_port: int  # requests with the same port shared one connection
    fault: str  # what the server answered with

    @property
    def texts(self) -> list[str]:
        q = self.params.get("q", [])
        return [q] if isinstance(q, str) else list(q)


def transform(text: str, target: str, html: bool = False) -> str:
    """The server's "translation": a language tag and upper case outside tokens (and tags)."""
    pattern = _TOKEN if html else re.compile(r"⟦\s*\d+\s*⟧")
    pieces: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        pieces.append(text[position : match.start()].upper())
        pieces.append(match.group())
        position = match.end()
    pieces.append(text[position:].upper())
    return f"[{target}] " + "".join(pieces)


@dataclass
class _State:
    faults: list[str]
    retry_after: str
    slow_seconds: float
    api_key: str | None
    requests: list[RecordedRequest] = field(default_factory=list)
    translate_count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so a client can reuse a connection
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the record in ServerHandle.requests is the log

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send_body(status, json.dumps(payload, ensure_ascii=False).encode(), headers)

    def _send_body(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            self.close_connection = True  # the client gave up (its timeout)

    def _params(self) -> dict[str, Any]:
        url = urlsplit(self.path)
        params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if body:
            if "json" in (self.headers.get("Content-Type") or ""):
                params.update(json.loads(body))
            else:
                for name, values in parse_qs(body.decode()).items():
                    params[name] = values if name == "q" and len(values) > 1 else values[-1]
        return params

    def _record(self, params: dict[str, Any], fault: str) -> None:
        url = urlsplit(self.path)
        state = self.server.state
        with state.lock:
            state.requests.append(
                RecordedRequest(
                    self.command,
                    url.path,
                    url.query,
                    params,
                    time.monotonic(),
                    self.client_address[1],
                    fault,
                )
            )

    def do_GET(self) -> None:
        params = self._params()
        if urlsplit(self.path).path.rstrip("/") == "/languages":
            self._record(params, "ok")
            self._send_json(
                200,
                [
                    {"code": code, "name": name, "targets": [c for c in LANGUAGES if c != code]}
                    for code, name in LANGUAGES.items()
                ],
            )
        else:
            self._record(params, "ok")
            self._send_json(404, {"error": "Not Found"})

    def do_POST(self) -> None:
        params = self._params()
        if urlsplit(self.path).path.rstrip("/") != "/translate":
            self._record(params, "ok")
            self._send_json(404, {"error": "Not Found"})
            return
        state = self.server.state
        with state.lock:
            number = state.translate_count
            state.translate_count += 1
        fault = state.faults[number] if number < len(state.faults) else "ok"
        self._record(params, fault)
        if state.api_key is not None and params.get("api_key") != state.api_key:
            self._send_json(403, {"error": "Invalid API key"})
            return
        if fault == "429":
            self._send_json(
                429, {"error": "Slowdown: too many requests"}, {"Retry-After": state.retry_after}
            )
            return
        if fault == "500":
            self._send_json(500, {"error": "Internal Server Error"})
            return
        if fault == "disconnect":
            self.close_connection = True
            return
        if fault == "malformed":
            self._send_body(200, b'{"translatedText": "half an ans')
            return
        if fault == "slow":
            state.stopping.wait(state.slow_seconds)
        source, target = params.get("source"), params.get("target")
        if source not in LANGUAGES or target not in LANGUAGES:
            self._send_json(400, {"error": f"{source} → {target} is not supported"})
            return
        q = params.get("q")
        texts = [q] if isinstance(q, str) else list(q or [])
        html = params.get("format") == "html"
        answers = [text if fault == "echo" else transform(text, target, html) for text in texts]
        if fault in ("drop-token", "duplicate-token"):
            answers = [_damage(answer, fault) for answer in answers]
        self._send_json(200, {"translatedText": answers[0] if isinstance(q, str) else answers})


def _damage(answer: str, fault: str) -> str:
    match = re.search(r"⟦\d+⟧", answer)
    if not match:
        return answer
    replacement = "" if fault == "drop-token" else match.group() * 2
    return answer[: match.start()] + replacement + answer[match.end() :]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: _State


@dataclass
class ServerHandle:
    url: str  # ends with "/"
    _server: _Server
    _thread: threading.Thread

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._server.state.lock:
            return list(self._server.state.requests)

    @property
    def translate_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.rstrip("/") == "/translate"]

    def stop(self) -> None:
        self._server.state.stopping.set()  # wakes "slow" handlers
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def start_server(
    faults: Sequence[str] = (),
    *,
    retry_after: float | str = 1,
    slow_seconds: float = 2.0,
    api_key: str | None = None,
) -> ServerHandle:
    """Start a server on a free port of 127.0.0.1; ``stop()`` it when done."""
    unknown = sorted(set(faults) - set(FAULTS))
    if unknown:
        raise ValueError(f"unknown fault(s) {unknown}; choose from {FAULTS}")
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = _State(list(faults), str(retry_after), slow_seconds, api_key)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="libretranslate-test-server",
        daemon=True,
    )
    thread.start()
    host, port = server.server_address[:2]
    return ServerHandle(f"http://{host!s}:{port}/", server, thread)
