"""Machine translation through deep-translator's engine clients, made safe for medical text.

The pipeline asks an engine only for entries that the translation memory could not
fill, and writes every answer fuzzy. This module talks to the engine and nothing
else: it masks what must come back exactly (numbers, doses, gene and drug names,
URLs, Markdown syntax), sends bounded, retried, concurrent requests, and returns one
:class:`MachineResult` per text -- a translation or one clear line saying why not.

deep-translator's clients are used for the requests themselves, but several of its
habits are owned here: it sets no HTTP timeout, lets ``requests`` exceptions escape
raw, drops Retry-After, loops one request per text in ``translate_batch``, strips
whitespace (Google), rejects long text instead of splitting it, checks LibreTranslate
targets against a stale built-in list, and talks to DeepL in a retired form.
"""

from __future__ import annotations

import email.utils
import functools
import importlib
import os
import queue
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
from deep_translator import google as dt_google
from deep_translator import libre as dt_libre
from deep_translator import microsoft as dt_microsoft
from deep_translator import mymemory as dt_mymemory
from deep_translator.exceptions import LanguageNotSupportedException

from pipeline.memory.sentences import sentence_pieces
from pipeline.model import PipelineError

__all__ = [
    "ENGINES",
    "MachineError",
    "MachineResult",
    "MachineTranslator",
    "ProtectionError",
    "protect",
    "restore",
]

# ---------------------------------------------------------------------------
# Protection: mask what an engine must not touch
# ---------------------------------------------------------------------------

TOKEN_OPEN = "⟦"
TOKEN_CLOSE = "⟧"
# Engines may pad a token with spaces or localise its digits (Arabic-Indic digits
# are \d too, and int() reads them), so the read-back is lenient; the written form is not.
_TOKEN_READ = re.compile(rf"{TOKEN_OPEN}\s*(\d+)\s*{TOKEN_CLOSE}")

_HYPHEN = r"[-‐‑]"  # ASCII hyphen, U+2010, and the non-breaking hyphen the clinic page uses
_NUMBER = r"\d+(?:[.,:/\u00a0\u202f]\d+)*[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]*(?:\s?%)?"
_PROTECTED_SYNTAX = [
    rf"[{TOKEN_OPEN}{TOKEN_CLOSE}]",  # so any bracket in an answer is one of ours
    r"(?P<ticks>`+).+?(?P=ticks)",  # inline code
    r"\\[\\`*_{}\[\]()#+\-.!|<>~]",  # Markdown backslash escape
    r"!?\[(?=[^\[\]]*\]\()",  # opening bracket of an inline link or image
    r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)",  # "](target "title")"
    r"<(?:https?|mailto):[^>\s]+>",  # autolink
    r"</?[A-Za-z][^<>]*>",  # inline HTML tag
    r"&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);",  # HTML entity
    r"(?:https?://|www\.)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"]",  # bare URL
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",  # e-mail address
    r"\{[^{}\s]*\}",  # {placeholder}
    r"%(?:\([\w]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]",  # printf placeholder
]
_PROTECTED_CONTENT = [
    # gene, protein and trial codes: CD19, IL-6, HER2, COVID-19, NEJMoa1707447, TNF-α
    rf"(?<!\w)[A-Za-z]+(?:{_HYPHEN}?\d+[A-Za-z0-9]*)+(?!\w)",
    rf"(?<!\w)[A-Z]{{2,}}{_HYPHEN}[α-ω](?!\w)",
    # numbers, percentages, ranges and dates: 20000, 1.5, 70–90%, 1–2, 2017-12-28
    rf"(?<![\w.])[±−]?{_NUMBER}(?:\s?[–—‐‑×-]\s?−?{_NUMBER})*",
    r"\*+|~~|(?<!\w)_+(?=\S)|(?<=\S)_+(?!\w)",  # emphasis markers
]


class ProtectionError(ValueError):
    """An engine's answer lost, repeated or invented a protected token."""


def _terms_pattern(terms: Sequence[str]) -> str | None:
    """Do-not-translate terms, longest first; an all-lowercase term (a drug name) also
    matches capitalised at the start of a sentence, a term with capitals matches as written."""
    alternatives = []
    for term in sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True):
        escaped = re.escape(term)
        alternatives.append(f"(?i:{escaped})" if term == term.lower() else escaped)
    if not alternatives:
        return None
    return rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)"


def _protection_pattern(terms: Sequence[str]) -> re.Pattern[str]:
    terms_pattern = _terms_pattern(terms)
    parts = [*_PROTECTED_SYNTAX, *([terms_pattern] if terms_pattern else []), *_PROTECTED_CONTENT]
    return re.compile("|".join(f"(?:{p})" for p in parts))


def protect(text: str, terms: Sequence[str] = ()) -> tuple[str, list[str]]:
    """Replace everything an engine must leave alone with ``⟦n⟧`` tokens.

    Returns the masked text and the protected strings, token ``n`` being ``tokens[n]``.
    Neighbouring protected spans become one token, so ``**CD19**`` costs one.
    """
    pattern = _protection_pattern(terms)
    spans: list[list[int]] = []
    for match in pattern.finditer(text):
        if match.start() == match.end():
            continue
        if spans and spans[-1][1] == match.start():
            spans[-1][1] = match.end()
        else:
            spans.append([match.start(), match.end()])
    pieces: list[str] = []
    tokens: list[str] = []
    position = 0
    for start, end in spans:
        pieces.append(text[position:start])
        pieces.append(f"{TOKEN_OPEN}{len(tokens)}{TOKEN_CLOSE}")
        tokens.append(text[start:end])
        position = end
    pieces.append(text[position:])
    return "".join(pieces), tokens


def restore(masked: str, tokens: list[str]) -> str:
    """Put the protected strings back; raise :class:`ProtectionError` unless every token
    comes back exactly once and nothing else looks like a token."""
    found = [int(m.group(1)) for m in _TOKEN_READ.finditer(masked)]
    problems = []
    missing = sorted(set(range(len(tokens))) - set(found))
    if missing:
        problems.append("lost " + ", ".join(repr(tokens[i]) for i in missing))
    duplicated = sorted({i for i in found if found.count(i) > 1 and i < len(tokens)})
    if duplicated:
        problems.append("repeated " + ", ".join(repr(tokens[i]) for i in duplicated))
    invented = sorted({i for i in found if i >= len(tokens)})
    if invented:
        problems.append("invented token(s) " + ", ".join(str(i) for i in invented))
    if not problems:
        stray = _TOKEN_READ.sub("", masked)
        if TOKEN_OPEN in stray or TOKEN_CLOSE in stray:
            problems.append("mangled a protected token")
    if problems:
        raise ProtectionError("the translation " + "; ".join(problems))
    return _TOKEN_READ.sub(lambda m: tokens[int(m.group(1))], masked)


def _has_words(masked: str) -> bool:
    """Whether anything is left to translate once the tokens are out."""
    return any(ch.isalpha() for ch in _TOKEN_READ.sub("", masked))


# ---------------------------------------------------------------------------
# Long text: split at sentence boundaries, join back unchanged
# ---------------------------------------------------------------------------


def _split_whitespace(text: str) -> tuple[str, str, str]:
    core = text.strip()
    if not core:
        return text, "", ""
    start = text.index(core)
    return text[:start], core, text[start + len(core) :]


def _split_for_limit(text: str, limit: int, language: str) -> list[str]:
    """Pieces of at most ``limit`` characters, cut between sentences where possible,
    else between words; ``"".join(result) == text``."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    for sentence in sentence_pieces(text, language):
        if len(sentence) <= limit:
            parts.append(sentence)
            continue
        for word in re.findall(r"\S+\s*|\s+", sentence):
            parts.extend(word[i : i + limit] for i in range(0, len(word), limit))
    chunks: list[str] = []
    for part in parts:
        if chunks and len(chunks[-1]) + len(part) <= limit:
            chunks[-1] += part
        else:
            chunks.append(part)
    return chunks


# ---------------------------------------------------------------------------
# Bounded HTTP under deep-translator
# ---------------------------------------------------------------------------


class _HttpScope(threading.local):
    """What the current worker thread's requests go through, and what came back."""

    session: requests.Session | None = None
    timeout: float = 10.0
    last_response: requests.Response | None = None
    last_error: requests.RequestException | None = None


_scope = _HttpScope()


class _ScopedRequests:
    """Stands in for ``requests`` inside deep-translator's engine modules.

    The engines call module-level ``requests.get``/``requests.post`` without a timeout
    and discard the response on error. Inside :func:`_http_scope` this sends the same
    request through the worker's session with a timeout and keeps the response (status,
    Retry-After) and any network error for the adapter; outside it, it is plain
    ``requests``. The state is thread-local, so concurrent workers never see each other's.
    """

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


def _install_scoped_requests() -> None:
    global _installed
    with _install_lock:
        if not _installed:
            for module in (dt_google, dt_libre, dt_microsoft, dt_mymemory):
                module.requests = _ScopedRequests()
            _installed = True


@contextmanager
def _http_scope(session: requests.Session, timeout: float) -> Iterator[None]:
    _scope.session, _scope.timeout = session, timeout
    _scope.last_response, _scope.last_error = None, None
    try:
        yield
    finally:
        _scope.session = None


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


class MachineError(PipelineError):
    """The engine cannot be used at all: unknown engine, missing key, unreachable server."""


MAX_RETRY_AFTER = 30.0  # seconds; a server asking for longer fails the segment instead


@dataclass
class _Failure(Exception):
    """One failed request, described without the key or the text."""

    message: str
    retriable: bool = False
    retry_after: float | None = None
    sent: bool = True  # whether the text reached the server (the cost figure)
    engine_wide: bool = False  # later segments would fail the same way: stop sending

    def __str__(self) -> str:
        return self.message


class _GaveUp(Exception):
    """A text given up on: the message for its result and the characters already sent."""

    def __init__(self, message: str, chars: int) -> None:
        super().__init__(message)
        self.chars = chars


def _os_reason(error: BaseException) -> str | None:
    """The operating system's words for a network failure ("connection refused")."""
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
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


def _network_failure(error: requests.RequestException, url: str, timeout: float) -> _Failure:
    if isinstance(error, requests.ConnectTimeout):
        return _Failure(
            f"cannot connect to {_where(url)} (timed out after {timeout} s)",
            retriable=True,
            sent=False,
            engine_wide=True,
        )
    if isinstance(error, requests.Timeout):
        return _Failure(f"timed out after {timeout} s", retriable=True, engine_wide=True)
    if isinstance(error, requests.ConnectionError):
        reason = _os_reason(error)
        if reason is None or "aborted" in repr(error) or "RemoteDisconnected" in repr(error):
            return _Failure("the server dropped the connection", retriable=True)
        return _Failure(
            f"cannot connect to {_where(url)} ({reason})",
            retriable=True,
            sent=False,
            engine_wide=True,
        )
    return _Failure(f"request failed ({type(error).__name__})", retriable=True)


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


def _http_failure(response: requests.Response, key_env: str | None) -> _Failure | None:
    status = response.status_code
    if status == 429:
        return _Failure(
            "rate limited (HTTP 429)", retriable=True, retry_after=_retry_after(response)
        )
    if status >= 500:
        return _Failure(f"server error (HTTP {status})", retriable=True)
    if status in (401, 403):
        hint = f": check the key in ${key_env}" if key_env else ""
        return _Failure(f"not authorised (HTTP {status}){hint}", engine_wide=True)
    if status >= 400:
        return _Failure(f"request rejected (HTTP {status})")
    return None


def _classify(error: Exception, url: str, timeout: float, key_env: str | None) -> _Failure:
    """Turn whatever the client raised into one line, from what the request really did.

    The library's own messages are not used: some carry the API key.
    """
    if _scope.last_error is not None:
        return _network_failure(_scope.last_error, url, timeout)
    if _scope.last_response is not None:
        failure = _http_failure(_scope.last_response, key_env)
        if failure:
            return failure
        if isinstance(error, ValueError):
            return _Failure("malformed response (not JSON)")
    if isinstance(error, requests.RequestException):
        return _network_failure(error, url, timeout)
    return _Failure(f"unexpected response ({type(error).__name__})")


# ---------------------------------------------------------------------------
# Engines
# ---------------------------------------------------------------------------


class _Client(Protocol):
    def translate(self, text: str) -> str | None: ...


@dataclass(frozen=True)
class _Engine:
    name: str
    max_chars: int  # longest text one request may carry
    max_batch: int  # texts one worker sends in a row over one connection
    key_env: str | None  # default environment variable for the key
    key_required: bool
    probe_url: str | None  # for engines whose URL is fixed


ENGINES: dict[str, _Engine] = {
    engine.name: engine
    for engine in (
        # deep-translator rejects len >= max_chars for Google and MyMemory
        _Engine("google", 4999, 20, None, False, "https://translate.google.com/m"),
        _Engine("libre", 4000, 50, "LIBRETRANSLATE_API_KEY", False, None),
        _Engine("mymemory", 499, 20, None, False, "https://api.mymemory.translated.net/get"),
        _Engine(
            "microsoft",
            10000,
            50,
            "MICROSOFT_TRANSLATOR_KEY",
            True,
            "https://api.cognitive.microsofttranslator.com/languages?api-version=3.0",
        ),
        _Engine("deepl", 30000, 50, "DEEPL_API_KEY", True, None),
    )
}


class _DeepTranslatorClient:
    """A deep-translator client whose one request per call goes through :data:`_scope`."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def translate(self, text: str) -> str | None:
        result = self._client.translate(text)
        return result if isinstance(result, str) or result is None else str(result)


class _DeeplClient:
    """The official ``deepl`` package: deep-translator's DeepL client still sends the key
    as a GET ``auth_key`` parameter, which DeepL answers with 403."""

    def __init__(self, translator: Any, source: str, target: str) -> None:
        self._translator = translator
        self._source = source.split("-")[0].upper()
        self._target = target.upper()

    def translate(self, text: str) -> str | None:
        result = self._translator.translate_text(
            text, source_lang=self._source, target_lang=self._target
        )
        return str(result.text)


def _deepl_failure(error: Exception) -> _Failure:
    status = getattr(error, "http_status_code", None)
    name = type(error).__name__
    if "TooManyRequests" in name or status == 429:
        return _Failure("rate limited (HTTP 429)", retriable=True)
    if "Authorization" in name or status in (401, 403):
        return _Failure("not authorised: check the key in $DEEPL_API_KEY", engine_wide=True)
    if "QuotaExceeded" in name or status == 456:
        return _Failure("quota exceeded", engine_wide=True)
    if "Connection" in name:
        return _Failure("cannot connect", retriable=True, engine_wide=True)
    if isinstance(status, int) and status >= 500:
        return _Failure(f"server error (HTTP {status})", retriable=True)
    return _Failure(f"request failed ({name})")


# ---------------------------------------------------------------------------
# Results and the translator
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MachineResult:
    source: str
    target: str | None  # None when failed
    error: str | None  # one clear line when failed
    chars_sent: int  # characters actually sent to the engine (the cost figure)

    @property
    def ok(self) -> bool:
        return self.target is not None


class _Gate:
    """Shared by the workers of one run: a Retry-After pauses them all, an engine-wide
    failure halts them all, and a caller that stops listening cancels them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open_at = 0.0
        self._wake = threading.Event()
        self.halted: str | None = None
        self.cancelled = False

    def hold(self, seconds: float) -> None:
        with self._lock:
            self._open_at = max(self._open_at, time.monotonic() + seconds)

    def wait(self) -> None:
        while not self._wake.is_set():
            with self._lock:
                remaining = self._open_at - time.monotonic()
            if remaining <= 0:
                return
            self._wake.wait(remaining)

    def sleep(self, seconds: float) -> None:
        self._wake.wait(seconds)

    def halt(self, reason: str) -> None:
        with self._lock:
            self.halted = self.halted or reason
        self._wake.set()

    def cancel(self) -> None:
        self.cancelled = True
        self._wake.set()


class MachineTranslator:
    """One engine, used for many texts and target languages.

    ``retries`` is the number of tries per request (the first one included). Keys are
    read from the environment variable ``api_key_env`` (or the engine's default) when
    needed and never kept in an error message or a repr.
    """

    def __init__(
        self,
        engine: str,
        source_lang: str,
        *,
        url: str | None = None,
        api_key_env: str | None = None,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.5,
        concurrency: int = 4,
        batch_size: int = 20,
        protected_terms: Sequence[str] = (),
        max_chars: int | None = None,
    ) -> None:
        if engine not in ENGINES:
            raise MachineError(
                f"unknown machine-translation engine {engine!r}; choose one of {', '.join(ENGINES)}"
            )
        self._engine = ENGINES[engine]
        if engine == "libre" and not url:
            raise MachineError("libre: no server URL: set [tool.l10n.machine] engine_url")
        self.source_lang = source_lang
        self.url = url.rstrip("/") + "/" if url else None
        self.key_env = api_key_env or self._engine.key_env
        self.timeout = timeout
        self.tries = max(1, retries)
        self.backoff = backoff
        self.concurrency = max(1, concurrency)
        self.batch_size = max(1, min(batch_size, self._engine.max_batch))
        self.max_chars = min(max_chars or self._engine.max_chars, self._engine.max_chars)
        self.protected_terms = tuple(protected_terms)
        self._language_pairs: dict[str, set[str]] | None = None
        self._language_lock = threading.Lock()
        _install_scoped_requests()

    def __repr__(self) -> str:
        return f"MachineTranslator({self.name!r}, {self.source_lang!r}, url={self.url!r})"

    @property
    def name(self) -> str:
        return self._engine.name

    # -- availability ------------------------------------------------------

    def _key(self) -> str | None:
        key = os.environ.get(self.key_env, "").strip() if self.key_env else ""
        if not key and self._engine.key_required:
            raise MachineError(
                f"{self.name}: no API key: set the environment variable {self.key_env}"
            )
        return key or None

    @property
    def _endpoint(self) -> str:
        return self.url or self._engine.probe_url or ""

    def _get(self, session: requests.Session, url: str) -> requests.Response:
        try:
            response = session.get(url, timeout=(self.timeout, self.timeout))
        except requests.RequestException as error:
            raise MachineError(
                f"{self.name}: {_network_failure(error, url, self.timeout)}"
            ) from None
        return response

    def check_available(self) -> None:
        """Raise :class:`MachineError` with one line unless the engine answers."""
        key = self._key()
        if self.name == "deepl":
            try:
                self._deepl_translator(key).get_usage()
            except MachineError:
                raise
            except Exception as error:
                raise MachineError(f"{self.name}: {_deepl_failure(error)}") from None
            return
        with requests.Session() as session:
            if self.name == "libre":
                self._libre_languages(session)
                return
            response = self._get(session, self._endpoint)
            failure = _http_failure(response, self.key_env)
            if failure and response.status_code >= 500:
                raise MachineError(f"{self.name}: {failure}")

    def _libre_languages(self, session: requests.Session) -> dict[str, set[str]]:
        """Language pairs from the server's ``GET /languages``, not deep-translator's list."""
        with self._language_lock:
            if self._language_pairs is not None:
                return self._language_pairs
            url = f"{self.url}languages"
            response = self._get(session, url)
            failure = _http_failure(response, self.key_env)
            if failure:
                raise MachineError(f"{self.name}: {url}: {failure}")
            try:
                listing = response.json()
                pairs = {
                    str(item["code"]): {str(t) for t in item.get("targets", [])} for item in listing
                }
            except (ValueError, TypeError, KeyError):
                raise MachineError(
                    f"{self.name}: {url} is not a LibreTranslate language list"
                ) from None
            for code, targets in pairs.items():
                targets.update(() if targets else (set(pairs) - {code}))
            self._language_pairs = pairs
            return pairs

    # -- clients -------------------------------------------------------------

    def _deepl_translator(self, key: str | None) -> Any:
        try:
            deepl = importlib.import_module("deepl")
        except ModuleNotFoundError:
            raise MachineError(
                "deepl: install the official 'deepl' package (pip install deepl); "
                "deep-translator's DeepL client uses a retired authentication form"
            ) from None
        # The package's own retries would multiply ours and its timeout ignores our setting;
        # these are its documented module-level knobs.
        deepl.http_client.max_network_retries = 0
        deepl.http_client.min_connection_timeout = self.timeout
        options: dict[str, Any] = {"send_platform_info": False}
        if self.url:
            options["server_url"] = self.url
        return deepl.Translator(key, **options)

    def _client_factory(self, target_lang: str) -> Callable[[], _Client]:
        """Check the pair once and return a maker of per-worker clients."""
        key = self._key()
        source = self.source_lang
        unsupported = MachineError(f"{self.name}: cannot translate {source} → {target_lang}")
        if self.name == "deepl":
            translator = self._deepl_translator(key)
            return lambda: _DeeplClient(translator, source, target_lang)
        if self.name == "libre":
            with requests.Session() as session:
                pairs = self._libre_languages(session)
            if target_lang not in pairs.get(source, set()):
                raise unsupported

            def make_libre() -> _Client:
                # The constructor checks a stale built-in list and demands a key even for
                # servers without one: build with listed codes, then set the real ones.
                client = dt_libre.LibreTranslator(
                    source="en", target="es", api_key=key or "-", custom_url=self.url
                )
                client.source, client.target, client.api_key = source, target_lang, key
                return _DeepTranslatorClient(client)

            return make_libre
        if self.name == "google":
            make: Callable[[], Any] = functools.partial(
                dt_google.GoogleTranslator, source=source, target=target_lang
            )
        elif self.name == "mymemory":
            codes = list(dt_mymemory.MY_MEMORY_LANGUAGES_TO_CODES.values())
            pair = [
                next((c for c in codes if c == lang or c.startswith(f"{lang}-")), lang)
                for lang in (source, target_lang)
            ]
            make = functools.partial(dt_mymemory.MyMemoryTranslator, source=pair[0], target=pair[1])
        else:
            make = functools.partial(
                dt_microsoft.MicrosoftTranslator, source=source, target=target_lang, api_key=key
            )
        try:
            with requests.Session() as session, _http_scope(session, self.timeout):
                checked = make()
        except LanguageNotSupportedException:
            raise unsupported from None
        except Exception as error:  # Microsoft's constructor fetches its language list
            raise MachineError(
                f"{self.name}: {_classify(error, self._endpoint, self.timeout, self.key_env)}"
            ) from None
        if self.name == "microsoft":
            # Its constructor fetches the language list; its requests keep no per-text state,
            # so the workers share the one built here.
            return lambda: _DeepTranslatorClient(checked)
        # Google and MyMemory keep the text in the client between calls: one per worker.
        return lambda: _DeepTranslatorClient(make())

    # -- translation -------------------------------------------------------

    def translate(
        self,
        texts: Sequence[str],
        target_lang: str,
        on_result: Callable[[MachineResult], None] | None = None,
    ) -> list[MachineResult]:
        """Translate ``texts`` into ``target_lang``; one result per text, in order.

        Identical texts are sent once. ``on_result`` runs in the calling thread as each
        distinct text's result arrives, so a crash loses nothing already received; if it
        raises, sending stops and the exception propagates.
        """
        if not texts:
            return []
        make_client = self._client_factory(target_lang)
        unique = list(dict.fromkeys(texts))
        batches = [unique[i : i + self.batch_size] for i in range(0, len(unique), self.batch_size)]
        gate = _Gate()
        arrivals: queue.Queue[MachineResult | BaseException] = queue.Queue()
        done: dict[str, MachineResult] = {}
        with ThreadPoolExecutor(
            max_workers=self.concurrency, thread_name_prefix=f"mt-{self.name}"
        ) as pool:
            futures: list[Future[None]] = [
                pool.submit(self._run_batch, batch, make_client, gate, arrivals)
                for batch in batches
            ]
            try:
                while len(done) < len(unique):
                    arrival = arrivals.get()
                    if isinstance(arrival, BaseException):
                        raise arrival
                    done[arrival.source] = arrival
                    if on_result is not None:
                        on_result(arrival)
            finally:
                gate.cancel()
                for future in futures:
                    future.cancel()
        return [done[text] for text in texts]

    def _run_batch(
        self,
        batch: list[str],
        make_client: Callable[[], _Client],
        gate: _Gate,
        arrivals: queue.Queue[MachineResult | BaseException],
    ) -> None:
        try:
            client: _Client | None = None
            with requests.Session() as session:  # one connection for the whole batch
                for text in batch:
                    if gate.cancelled:
                        return
                    if client is None and _needs_engine(text, self.protected_terms):
                        client = make_client()
                    arrivals.put(self._translate_one(text, client, session, gate))
        except BaseException as error:  # a bug must reach the caller, not hang it
            arrivals.put(error)

    def _translate_one(
        self, source: str, client: _Client | None, session: requests.Session, gate: _Gate
    ) -> MachineResult:
        lead, core, trail = _split_whitespace(source)
        masked, tokens = protect(core, self.protected_terms)
        if client is None or not _has_words(masked):
            return MachineResult(source, source, None, 0)
        sent = 0
        pieces: list[str] = []
        for chunk in _split_for_limit(masked, self.max_chars, self.source_lang):
            chunk_lead, chunk_core, chunk_trail = _split_whitespace(chunk)
            if not _has_words(chunk_core):
                pieces.append(chunk)
                continue
            try:
                answer, chars = self._send(chunk_core, client, session, gate)
            except _GaveUp as gave_up:
                return MachineResult(source, None, f"{self.name}: {gave_up}", sent + gave_up.chars)
            sent += chars
            # None or an echo is the engine saying "unchanged" (Google returns None for it)
            pieces.append(chunk_lead + (answer.strip() if answer else chunk_core) + chunk_trail)
        try:
            target = restore("".join(pieces), tokens)
        except ProtectionError as error:
            return MachineResult(source, None, f"{self.name}: {error}", sent)
        return MachineResult(source, lead + target + trail, None, sent)

    def _attempt(self, text: str, client: _Client, session: requests.Session) -> str | None:
        with _http_scope(session, self.timeout):
            try:
                return client.translate(text)
            except Exception as error:  # the clients raise anything from KeyError to their own
                if isinstance(client, _DeeplClient):
                    raise _deepl_failure(error) from None
                raise _classify(error, self._endpoint, self.timeout, self.key_env) from None

    def _send(
        self, text: str, client: _Client, session: requests.Session, gate: _Gate
    ) -> tuple[str | None, int]:
        """One chunk with retries; returns the answer and the characters sent."""
        sent = 0
        tries = 0
        while True:
            gate.wait()
            if gate.halted:
                raise _GaveUp(f"not sent: {gate.halted}", sent)
            if gate.cancelled:
                raise _GaveUp("cancelled", sent)
            tries += 1
            try:
                answer = self._attempt(text, client, session)
            except _Failure as failure:
                sent += len(text) if failure.sent else 0
                if failure.retriable and tries < self.tries:
                    delay = self.backoff * 2 ** (tries - 1) * random.uniform(1.0, 1.5)
                    if failure.retry_after is not None:
                        delay = max(delay, min(failure.retry_after, MAX_RETRY_AFTER))
                        gate.hold(delay)
                    gate.sleep(delay)
                    continue
                message = f"{failure} ({tries} {'try' if tries == 1 else 'tries'})"
                if failure.engine_wide:
                    gate.halt(message)
                raise _GaveUp(message, sent) from None
            sent += len(text)
            if answer is not None and not answer.strip():
                raise _GaveUp("empty translation", sent)
            return answer, sent


def _needs_engine(text: str, terms: Sequence[str]) -> bool:
    return _has_words(protect(text.strip(), terms)[0])
