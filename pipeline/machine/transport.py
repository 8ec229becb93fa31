"""Bounded HTTP under deep-translator: every request through the worker's session.

deep-translator's engine modules call module-level ``requests.get``/``requests.post``
without a timeout and discard the response on error. :func:`install_scoped_requests`
gives those modules a stand-in for ``requests``; inside :func:`http_scope` it sends the
same request through the worker's session with a timeout and keeps the response
(status, Retry-After) and any network error, for :mod:`pipeline.machine.failures` to
read with :func:`last_exchange`. Outside a scope it is plain ``requests``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from deep_translator import google as dt_google
from deep_translator import libre as dt_libre
from deep_translator import microsoft as dt_microsoft
from deep_translator import mymemory as dt_mymemory


class _HttpScope(threading.local):
    """What the current worker thread's requests go through, and what came back."""

    session: requests.Session | None = None
    timeout: float = 10.0
    last_response: requests.Response | None = None
    last_error: requests.RequestException | None = None


# Thread-local, so concurrent workers never see each other's requests.
_scope = _HttpScope()


class _ScopedRequests:
    """Stands in for ``requests`` inside deep-translator's engine modules."""

    def __getattr__(self, name: str) -> Any:
        return getattr(requests, name)

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self._request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        return self._request("POST", url, **kwargs)

    def _request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        session = _scope.session
        if session is None:
            return requests.request(method, url, **kwargs)
        if (
            method == "POST"
            and "params" in kwargs
            and "data" not in kwargs
            and "json" not in kwargs
        ):
            # LibreTranslator puts text and api_key in the query string: the key would end
            # up in access logs and long text in an over-long URL. The API takes a form body.
            kwargs["data"] = kwargs.pop("params")
        kwargs["timeout"] = (_scope.timeout, _scope.timeout)
        _scope.last_response = None
        _scope.last_error = None
        try:
            response = session.request(method, url, **kwargs)
        except requests.RequestException as error:
            _scope.last_error = error
            raise
        _scope.last_response = response
        return response


_install_lock = threading.Lock()
_installed = False


def install_scoped_requests() -> None:
    """Route deep-translator's requests through :func:`http_scope` (once per process)."""
    global _installed
    with _install_lock:
        if not _installed:
            for module in (dt_google, dt_libre, dt_microsoft, dt_mymemory):
                module.requests = _ScopedRequests()
            _installed = True


@contextmanager
def http_scope(session: requests.Session, timeout: float) -> Iterator[None]:
    """Send this thread's deep-translator requests through ``session``, bounded by ``timeout``."""
    _scope.session, _scope.timeout = session, timeout
    _scope.last_response, _scope.last_error = None, None
    try:
        yield
    finally:
        _scope.session = None


def last_exchange() -> tuple[requests.Response | None, requests.RequestException | None]:
    """This thread's last response in a scope, or the network error that stood in its place."""
    return _scope.last_response, _scope.last_error
