"""Machine translation made safe for medical text: protected, bounded, retried, concurrent.

The pipeline asks an engine only for entries that the translation memory could not fill,
and writes every answer fuzzy. :class:`MachineTranslator` masks what must come back
exactly (:mod:`pipeline.machine.protect`), cuts long text at sentence boundaries, sends
each batch from its own worker over one connection, retries what may succeed later, and
returns one :class:`MachineResult` per text -- a translation or one clear line saying why
not. A gate shared by the workers pauses them all on a Retry-After and stops them all
on a failure every later request would meet too.
"""

from __future__ import annotations

import queue
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import requests

from pipeline.machine.engines import Client, Engine
from pipeline.machine.failures import MAX_RETRY_AFTER, Failure, GaveUp
from pipeline.machine.protect import ProtectionError, has_words, protect, restore
from pipeline.text.sentences import sentence_pieces


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
        self._engine = Engine(engine, source_lang, url, api_key_env, timeout)
        spec = self._engine.spec
        self.source_lang = source_lang
        self.tries = max(1, retries)
        self.backoff = backoff
        self.concurrency = max(1, concurrency)
        self.batch_size = max(1, min(batch_size, spec.max_batch))
        self.max_chars = min(max_chars or spec.max_chars, spec.max_chars)
        self.protected_terms = tuple(protected_terms)

    def __repr__(self) -> str:
        return f"MachineTranslator({self.name!r}, {self.source_lang!r}, url={self.url!r})"

    @property
    def name(self) -> str:
        return self._engine.name

    @property
    def url(self) -> str | None:
        return self._engine.url

    def check_available(self) -> None:
        """Raise :class:`~pipeline.machine.failures.MachineError` unless the engine answers."""
        self._engine.check_available()

    def as_sent(self, text: str) -> str:
        """What :meth:`translate` sends of ``text``: its protected form ("" if none is sent)."""
        masked = protect(text.strip(), self.protected_terms)[0]
        return masked if has_words(masked) else ""

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
        make_client = self._engine.client_factory(target_lang)
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
        make_client: Callable[[], Client],
        gate: _Gate,
        arrivals: queue.Queue[MachineResult | BaseException],
    ) -> None:
        try:
            client: Client | None = None
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
        self, source: str, client: Client | None, session: requests.Session, gate: _Gate
    ) -> MachineResult:
        lead, core, trail = _split_whitespace(source)
        masked, tokens = protect(core, self.protected_terms)
        if client is None or not has_words(masked):
            return MachineResult(source, source, None, 0)
        sent = 0
        pieces: list[str] = []
        for chunk in _split_for_limit(masked, self.max_chars, self.source_lang):
            chunk_lead, chunk_core, chunk_trail = _split_whitespace(chunk)
            if not has_words(chunk_core):
                pieces.append(chunk)
                continue
            try:
                answer, chars = self._send(chunk_core, client, session, gate)
            except GaveUp as gave_up:
                return MachineResult(source, None, f"{self.name}: {gave_up}", sent + gave_up.chars)
            sent += chars
            # None or an echo is the engine saying "unchanged" (Google returns None for it)
            pieces.append(chunk_lead + (answer.strip() if answer else chunk_core) + chunk_trail)
        try:
            target = restore("".join(pieces), tokens)
        except ProtectionError as error:
            return MachineResult(source, None, f"{self.name}: {error}", sent)
        return MachineResult(source, lead + target + trail, None, sent)

    def _send(
        self, text: str, client: Client, session: requests.Session, gate: _Gate
    ) -> tuple[str | None, int]:
        """One chunk with retries; returns the answer and the characters sent."""
        sent = 0
        tries = 0
        while True:
            gate.wait()
            if gate.halted:
                raise GaveUp(f"not sent: {gate.halted}", sent)
            if gate.cancelled:
                raise GaveUp("cancelled", sent)
            tries += 1
            try:
                answer = self._engine.request(text, client, session)
            except Failure as failure:
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
                raise GaveUp(message, sent) from None
            sent += len(text)
            if answer is not None and not answer.strip():
                raise GaveUp("empty translation", sent)
            return answer, sent


def _needs_engine(text: str, terms: Sequence[str]) -> bool:
    return has_words(protect(text.strip(), terms)[0])


# Long text: split at sentence boundaries, joined back unchanged.


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
