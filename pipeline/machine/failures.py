"""What went wrong with a request, said in one line that holds neither the key nor the text.

A :class:`Failure` says whether a retry may help, how long the server asked to wait, whether
the text reached the server (the cost figure) and whether every later request would fail
the same way. The engine clients' own messages are never used: some carry the API key.
"""

from __future__ import annotations

import email.utils
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests

from pipeline.machine.transport import last_exchange
from pipeline.model import PipelineError


class MachineError(PipelineError):
    """The engine cannot be used at all: unknown engine, missing key, unreachable server."""


MAX_RETRY_AFTER = 30.0  # seconds; a server asking for longer fails the segment instead


@dataclass
class Failure(Exception):
    """One failed request, described without the key or the text."""

    message: str
    retriable: bool = False
    retry_after: float | None = None
    sent: bool = True  # whether the text reached the server (the cost figure)
    engine_wide: bool = False  # later segments would fail the same way: stop sending

    def __str__(self) -> str:
        return self.message


class GaveUp(Exception):
    """A text given up on: the message for its result and the characters already sent."""

    def __init__(self, message: str, chars: int) -> None:
        super().__init__(message)
        self.chars = chars


def _os_reason(error: BaseException) -> str | None:
    """The operating system's words for a network failure ("connection refused")."""
    seen: list[BaseException] = []
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop()
        if any(current is earlier for earlier in seen):
            continue
        seen.append(current)
        if (
            isinstance(current, OSError)
            and current.strerror
            and not isinstance(current, requests.RequestException)
        ):
            return current.strerror.lower()
        pending.extend(a for a in current.args if isinstance(a, BaseException))
        for linked in (current.__cause__, current.__context__, getattr(current, "reason", None)):
            if isinstance(linked, BaseException):
                pending.append(linked)
    return None


def _where(url: str) -> str:
    """Host and port only: a URL's user-info could hold credentials."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)


def network_failure(error: requests.RequestException, url: str, timeout: float) -> Failure:
    """A request that got no answer: timed out, refused, or dropped."""
    if isinstance(error, requests.ConnectTimeout):
        return Failure(
            f"cannot connect to {_where(url)} (timed out after {timeout} s)",
            retriable=True,
            sent=False,
            engine_wide=True,
        )
    if isinstance(error, requests.Timeout):
        return Failure(f"timed out after {timeout} s", retriable=True, engine_wide=True)
    if isinstance(error, requests.ConnectionError):
        reason = _os_reason(error)
        if reason is None or "aborted" in repr(error) or "RemoteDisconnected" in repr(error):
            return Failure("the server dropped the connection", retriable=True)
        return Failure(
            f"cannot connect to {_where(url)} ({reason})",
            retriable=True,
            sent=False,
            engine_wide=True,
        )
    return Failure(f"request failed ({type(error).__name__})", retriable=True)


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def http_failure(response: requests.Response, key_env: str | None) -> Failure | None:
    """What an HTTP status says went wrong; None for a success."""
    status = response.status_code
    if status == 429:
        return Failure(
            "rate limited (HTTP 429)", retriable=True, retry_after=_retry_after(response)
        )
    if status >= 500:
        return Failure(f"server error (HTTP {status})", retriable=True)
    if status in (401, 403):
        hint = f": check the key in ${key_env}" if key_env else ""
        return Failure(f"not authorised (HTTP {status}){hint}", engine_wide=True)
    if status >= 400:
        return Failure(f"request rejected (HTTP {status})")
    return None


def classify(error: Exception, url: str, timeout: float, key_env: str | None) -> Failure:
    """Turn whatever a deep-translator client raised into one line, from what the request
    really did (see :func:`pipeline.machine.transport.last_exchange`)."""
    last_response, last_error = last_exchange()
    if last_error is not None:
        return network_failure(last_error, url, timeout)
    if last_response is not None:
        failure = http_failure(last_response, key_env)
        if failure:
            return failure
        if isinstance(error, ValueError):
            return Failure("malformed response (not JSON)")
    if isinstance(error, requests.RequestException):
        return network_failure(error, url, timeout)
    return Failure(f"unexpected response ({type(error).__name__})")


def deepl_failure(error: Exception) -> Failure:
    """The same for the official ``deepl`` package, from its exception's type and status."""
    status = getattr(error, "http_status_code", None)
    name = type(error).__name__
    if "TooManyRequests" in name or status == 429:
        return Failure("rate limited (HTTP 429)", retriable=True)
    if "Authorization" in name or status in (401, 403):
        return Failure("not authorised: check the key in $DEEPL_API_KEY", engine_wide=True)
    if "QuotaExceeded" in name or status == 456:
        return Failure("quota exceeded", engine_wide=True)
    if "Connection" in name:
        return Failure("cannot connect", retriable=True, engine_wide=True)
    if isinstance(status, int) and status >= 500:
        return Failure(f"server error (HTTP {status})", retriable=True)
    return Failure(f"request failed ({name})")
