"""The engines: what each one accepts, how to reach it, and one client per worker.

deep-translator's clients are used for the requests themselves, but several of its
habits are owned here and in :mod:`pipeline.machine.transport`: it sets no HTTP timeout,
lets ``requests`` exceptions escape raw, drops Retry-After, loops one request per text in
``translate_batch``, strips whitespace (Google), rejects long text instead of splitting
it, checks LibreTranslate targets against a stale built-in list, and talks to DeepL in a
retired form (the official ``deepl`` package is used instead).
"""

from __future__ import annotations

import functools
import importlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from deep_translator import google as dt_google
from deep_translator import libre as dt_libre
from deep_translator import microsoft as dt_microsoft
from deep_translator import mymemory as dt_mymemory
from deep_translator.exceptions import LanguageNotSupportedException

from pipeline.machine.failures import (
    MachineError,
    classify,
    deepl_failure,
    http_failure,
    network_failure,
)
from pipeline.machine.transport import http_scope, install_scoped_requests


class Client(Protocol):
    """One worker's client: one request per call, the answer or an exception."""

    def translate(self, text: str) -> str | None: ...


@dataclass(frozen=True)
class EngineSpec:
    name: str
    max_chars: int  # longest text one request may carry
    max_batch: int  # texts one worker sends in a row over one connection
    key_env: str | None  # default environment variable for the key
    key_required: bool
    probe_url: str | None  # for engines whose URL is fixed


ENGINES: dict[str, EngineSpec] = {
    engine.name: engine
    for engine in (
        # deep-translator rejects len >= max_chars for Google and MyMemory
        EngineSpec("google", 4999, 20, None, False, "https://translate.google.com/m"),
        EngineSpec("libre", 4000, 50, "LIBRETRANSLATE_API_KEY", False, None),
        EngineSpec("mymemory", 499, 20, None, False, "https://api.mymemory.translated.net/get"),
        EngineSpec(
            "microsoft",
            10000,
            50,
            "MICROSOFT_TRANSLATOR_KEY",
            True,
            "https://api.cognitive.microsofttranslator.com/languages?api-version=3.0",
        ),
        EngineSpec("deepl", 30000, 50, "DEEPL_API_KEY", True, None),
    )
}


class DeepTranslatorClient:
    """A deep-translator client whose one request per call goes through the worker's scope."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def translate(self, text: str) -> str | None:
        result = self._client.translate(text)
        return result if isinstance(result, str) or result is None else str(result)


class DeeplClient:
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


class Engine:
    """One engine as configured: its server, the variable holding its key, its timeout.

    The key is read from the environment when needed and never kept in an error message
    or a repr.
    """

    def __init__(
        self, name: str, source_lang: str, url: str | None, key_env: str | None, timeout: float
    ) -> None:
        if name not in ENGINES:
            raise MachineError(
                f"unknown machine-translation engine {name!r}; choose one of {', '.join(ENGINES)}"
            )
        self.spec = ENGINES[name]
        if name == "libre" and not url:
            raise MachineError("libre: no server URL: set [tool.l10n.machine] engine_url")
        self.source_lang = source_lang
        self.url = url.rstrip("/") + "/" if url else None
        self.key_env = key_env or self.spec.key_env
        self.timeout = timeout
        self._language_pairs: dict[str, set[str]] | None = None
        self._language_lock = threading.Lock()
        install_scoped_requests()

    @property
    def name(self) -> str:
        return self.spec.name

    # -- availability ------------------------------------------------------

    def key(self) -> str | None:
        key = os.environ.get(self.key_env, "").strip() if self.key_env else ""
        if not key and self.spec.key_required:
            raise MachineError(
                f"{self.name}: no API key: set the environment variable {self.key_env}"
            )
        return key or None

    @property
    def endpoint(self) -> str:
        return self.url or self.spec.probe_url or ""

    def _get(self, session: requests.Session, url: str) -> requests.Response:
        try:
            response = session.get(url, timeout=(self.timeout, self.timeout))
        except requests.RequestException as error:
            raise MachineError(
                f"{self.name}: {network_failure(error, url, self.timeout)}"
            ) from None
        return response

    def check_available(self) -> None:
        """Raise :class:`MachineError` with one line unless the engine answers."""
        key = self.key()
        if self.name == "deepl":
            try:
                self._deepl_translator(key).get_usage()
            except MachineError:
                raise
            except Exception as error:
                raise MachineError(f"{self.name}: {deepl_failure(error)}") from None
            return
        with requests.Session() as session:
            if self.name == "libre":
                self._libre_languages(session)
                return
            response = self._get(session, self.endpoint)
            failure = http_failure(response, self.key_env)
            if failure and response.status_code >= 500:
                raise MachineError(f"{self.name}: {failure}")

    def _libre_languages(self, session: requests.Session) -> dict[str, set[str]]:
        """Language pairs from the server's ``GET /languages``, not deep-translator's list."""
        with self._language_lock:
            if self._language_pairs is not None:
                return self._language_pairs
            url = f"{self.url}languages"
            response = self._get(session, url)
            failure = http_failure(response, self.key_env)
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

    def _unsupported(self, target_lang: str) -> MachineError:
        return MachineError(f"{self.name}: cannot translate {self.source_lang} → {target_lang}")

    def client_factory(self, target_lang: str) -> Callable[[], Client]:
        """Check the pair once and return a maker of per-worker clients."""
        key = self.key()
        if self.name == "deepl":
            translator = self._deepl_translator(key)
            return lambda: DeeplClient(translator, self.source_lang, target_lang)
        if self.name == "libre":
            return self._libre_factory(key, target_lang)
        return self._deep_translator_factory(key, target_lang)

    def _libre_factory(self, key: str | None, target_lang: str) -> Callable[[], Client]:
        with requests.Session() as session:
            pairs = self._libre_languages(session)
        if target_lang not in pairs.get(self.source_lang, set()):
            raise self._unsupported(target_lang)

        def make_libre() -> Client:
            # The constructor checks a stale built-in list and demands a key even for
            # servers without one: build with listed codes, then set the real ones.
            client = dt_libre.LibreTranslator(
                source="en", target="es", api_key=key or "-", custom_url=self.url
            )
            client.source, client.target, client.api_key = self.source_lang, target_lang, key
            return DeepTranslatorClient(client)

        return make_libre

    def _deep_translator_factory(self, key: str | None, target_lang: str) -> Callable[[], Client]:
        """Google, MyMemory or Microsoft: one client built here checks the pair."""
        make = self._deep_translator_class(key, target_lang)
        try:
            with requests.Session() as session, http_scope(session, self.timeout):
                checked = make()
        except LanguageNotSupportedException:
            raise self._unsupported(target_lang) from None
        except Exception as error:  # Microsoft's constructor fetches its language list
            raise MachineError(
                f"{self.name}: {classify(error, self.endpoint, self.timeout, self.key_env)}"
            ) from None
        if self.name == "microsoft":
            # Its constructor fetches the language list; its requests keep no per-text state,
            # so the workers share the one built here.
            return lambda: DeepTranslatorClient(checked)
        # Google and MyMemory keep the text in the client between calls: one per worker.
        return lambda: DeepTranslatorClient(make())

    def _deep_translator_class(self, key: str | None, target_lang: str) -> Callable[[], Any]:
        source = self.source_lang
        if self.name == "google":
            return functools.partial(dt_google.GoogleTranslator, source=source, target=target_lang)
        if self.name == "mymemory":
            codes = list(dt_mymemory.MY_MEMORY_LANGUAGES_TO_CODES.values())
            pair = [
                next((c for c in codes if c == lang or c.startswith(f"{lang}-")), lang)
                for lang in (source, target_lang)
            ]
            return functools.partial(dt_mymemory.MyMemoryTranslator, source=pair[0], target=pair[1])
        return functools.partial(
            dt_microsoft.MicrosoftTranslator, source=source, target=target_lang, api_key=key
        )

    # -- requests ------------------------------------------------------------

    def request(self, text: str, client: Client, session: requests.Session) -> str | None:
        """One request through ``session``: the engine's answer, or the
        :class:`~pipeline.machine.failures.Failure` it came to, raised."""
        with http_scope(session, self.timeout):
            try:
                return client.translate(text)
            except Exception as error:  # the clients raise anything from KeyError to their own
                if isinstance(client, DeeplClient):
                    raise deepl_failure(error) from None
                raise classify(error, self.endpoint, self.timeout, self.key_env) from None
