"""The machine-translation adapter: deep-translator's real LibreTranslator client against a
real LibreTranslate-compatible server on 127.0.0.1 that injects faults."""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
from collections.abc import Callable

import pytest
from deep_translator import LibreTranslator
from deep_translator.exceptions import LanguageNotSupportedException

from pipeline.machine.failures import MachineError
from pipeline.machine.protect import ProtectionError, protect, restore
from pipeline.machine.translator import MachineResult, MachineTranslator
from tests.libretranslate_server import ServerHandle, transform

StartServer = Callable[..., ServerHandle]

TERMS = ("CAR-T", "CD19", "BCMA", "IL-6", "IFN-γ", "PD-L1", "tocilizumab", "GMP", "HEPA", "ICANS")

# Texts of the kind a clinic's cellular-therapy page has: tables, cytokines, links, drug names.
CLINIC = [
    "Multiple Myeloma | BCMA | 70–98% | 50–80%",
    "Cytokines such as IL-6, IL-2, and IFN-γ are measured regularly",
    "Results of the pivotal trial are in [the NEJM article]"
    "(https://www.nejm.org/doi/full/10.1056/NEJMoa1707447), with **tocilizumab** for CRS.",
    "axicabtagene ciloleucel (a CD19‑directed CAR T‑cell therapy), usually 1–2 infusions",
    "Clean rooms (GMP, HEPA filtration) hold fewer than 20000 particles per m³.",
]
# What must come back exactly from each of those.
KEPT = [
    ["BCMA", "70–98%", "50–80%"],
    ["IL-6", "IL-2", "IFN-γ"],
    ["https://www.nejm.org/doi/full/10.1056/NEJMoa1707447", "tocilizumab", "**"],
    ["CD19", "1–2"],
    ["GMP", "HEPA", "20000"],
]


def translator(server: ServerHandle, **options: object) -> MachineTranslator:
    settings: dict[str, object] = {
        "timeout": 2.0,
        "retries": 3,
        "backoff": 0.05,
        "protected_terms": TERMS,
    }
    settings.update(options)
    return MachineTranslator("libre", "en", url=server.url, **settings)  # type: ignore[arg-type]


def free_port() -> int:
    """A port nothing listens on: bound, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- protection ----------------------------------------------------------------


@pytest.mark.parametrize(("text", "kept"), list(zip(CLINIC, KEPT, strict=True)))
def test_protect_masks_medical_content_and_restores_it(text: str, kept: list[str]) -> None:
    masked, tokens = protect(text, TERMS)
    for fragment in kept:
        assert fragment not in masked
        assert any(fragment in token for token in tokens)
    assert restore(masked, tokens) == text


def test_protect_takes_the_longest_term_and_respects_word_boundaries() -> None:
    masked, tokens = protect("PD-L1 and CD19 but not CD190 or xGMP; Tocilizumab first", TERMS)
    assert tokens[:2] == ["PD-L1", "CD19"]
    assert "CD190" in tokens  # a code in its own right, masked whole, not as CD19 + 0
    assert "xGMP" in masked
    assert "Tocilizumab" in tokens


def test_protect_keeps_link_text_translatable() -> None:
    masked, tokens = protect("See [the trial](https://example.org/a_(b)) now", ())
    assert "the trial" in masked
    assert tokens == ["[", "](https://example.org/a_(b))"]


def test_text_that_looks_like_a_token_is_protected_too() -> None:
    masked, tokens = protect("literal ⟦0⟧ in the source", ())
    assert restore(masked.replace("literal", "wörtlich"), tokens) == "wörtlich ⟦0⟧ in the source"


@pytest.mark.parametrize(
    ("answer", "complaint"),
    [
        ("A ⟦0⟧ B", "lost '70–98%'"),
        ("A ⟦0⟧ ⟦1⟧ ⟦1⟧", "repeated '70–98%'"),
        ("A ⟦0⟧ ⟦1⟧ ⟦2⟧", "invented token(s) 2"),
        ("A ⟦0⟧ ⟦1⟧ ⟦", "mangled"),
    ],
)
def test_restore_rejects_damaged_tokens(answer: str, complaint: str) -> None:
    _, tokens = protect("BCMA 70–98%", TERMS)
    with pytest.raises(ProtectionError, match=complaint.replace("(", r"\(").replace(")", r"\)")):
        restore(answer, tokens)


def test_restore_accepts_spaced_and_localised_token_digits() -> None:
    _, tokens = protect("BCMA 70–98%", TERMS)
    assert restore("⟦ ٠ ⟧ — ⟦1 ⟧", tokens) == "BCMA — 70–98%"


# -- the happy path ------------------------------------------------------------


def test_batch_round_trip_on_clinic_strings(libretranslate: StartServer) -> None:
    server = libretranslate()
    texts = [*CLINIC, CLINIC[0], "70–98%"]  # a repeat and a cell with nothing to translate
    arrived: list[tuple[MachineResult, str]] = []
    results = translator(server, batch_size=2, concurrency=2).translate(
        texts, "de", on_result=lambda r: arrived.append((r, threading.current_thread().name))
    )

    assert [r.source for r in results] == texts
    for result, kept in zip(results, KEPT, strict=False):
        assert result.error is None and result.target is not None
        assert result.target.startswith("[de] ")
        for fragment in kept:
            assert result.target.count(fragment) == result.source.count(fragment), fragment
    assert results[-1] == MachineResult("70–98%", "70–98%", None, 0)
    # on_result ran in the caller's thread, once per distinct text
    assert sorted(r.source for r, _ in arrived) == sorted(set(texts))
    assert {name for _, name in arrived} == {threading.current_thread().name}

    sent = [r.texts[0] for r in server.translate_requests]
    assert len(sent) == len(set(sent)) == len(CLINIC)  # no text sent twice
    for text in sent:
        for fragments in KEPT:
            assert not any(f in text for f in fragments)  # protected content never left
    assert sum(r.chars_sent for r in results[: len(CLINIC)]) == sum(len(t) for t in sent)


def test_requests_are_batched_per_connection(libretranslate: StartServer) -> None:
    server = libretranslate()
    texts = [
        f"Sentence number {word}."
        for word in ["one", "two", "three", "four", "five", "six", "seven"]
    ]
    translator(server, batch_size=3, concurrency=2).translate(texts, "fr")
    by_connection: dict[int, list[str]] = {}
    for request in server.translate_requests:
        by_connection.setdefault(request.client_port, []).extend(request.texts)
    # 7 texts in batches of 3: three workers' runs, each over its own kept-alive connection
    assert sorted(len(batch) for batch in by_connection.values()) == [1, 3, 3]


def test_target_missing_from_deep_translators_list_is_asked_of_the_server(
    libretranslate: StartServer,
) -> None:
    server = libretranslate()
    with pytest.raises(LanguageNotSupportedException):
        LibreTranslator(source="en", target="uk", api_key="x", custom_url=server.url)
    [result] = translator(server).translate(["Fever is common."], "uk")
    assert result.target == "[uk] FEVER IS COMMON."
    with pytest.raises(MachineError, match="cannot translate en → xx"):
        translator(server).translate(["Fever is common."], "xx")
    assert [r.params["target"] for r in server.translate_requests] == ["uk"]


def test_whitespace_is_restored_and_echo_means_unchanged(libretranslate: StartServer) -> None:
    server = libretranslate(faults=["ok", "echo"])
    results = translator(server, concurrency=1).translate(
        ["  Fever is common.\n", "\tChills are rare. "], "de"
    )
    assert results[0].target == "  [de] FEVER IS COMMON.\n"
    assert results[1] == MachineResult("\tChills are rare. ", "\tChills are rare. ", None, 16)
    assert [r.texts[0] for r in server.translate_requests] == [
        "Fever is common.",
        "Chills are rare.",
    ]


def test_long_text_is_split_at_sentence_boundaries(libretranslate: StartServer) -> None:
    server = libretranslate()
    sentences = [
        "CAR-T therapy reprograms the patient's own T cells.",
        "The cells are infused after 2–3 weeks of manufacturing.",
        "Most patients need 1 infusion.",
        "Dr. Lee's team monitors IL-6 daily, e.g. on days 1–14.",
    ]
    text = "  ".join(sentences)  # two spaces between sentences must survive
    [result] = translator(server, max_chars=70).translate([text], "es")

    sent = [r.texts[0] for r in server.translate_requests]
    assert len(sent) == 4
    assert all(len(chunk) <= 70 for chunk in sent)
    assert all(chunk.endswith(".") for chunk in sent)  # never cut inside a sentence
    assert result.target == "  ".join(
        restore(transform(*protect(s, TERMS)[:1], "es"), protect(s, TERMS)[1]) for s in sentences
    )


# -- faults ----------------------------------------------------------------------


def test_retry_after_is_honoured(libretranslate: StartServer) -> None:
    server = libretranslate(faults=["429"], retry_after=1)
    started = time.monotonic()
    [result] = translator(server, backoff=0.01).translate(["Fever is common."], "de")
    assert result.target == "[de] FEVER IS COMMON."
    first, second = server.translate_requests
    assert second.time - first.time >= 1.0
    assert time.monotonic() - started < 3


def test_retry_after_is_capped(libretranslate: StartServer) -> None:
    server = libretranslate(faults=["429", "429"], retry_after=3600)
    # a cap of 30 s would exceed this test's budget: the one try fails at once
    started = time.monotonic()
    [result] = translator(server, retries=1).translate(["Fever is common."], "de")
    assert result.error == "libre: rate limited (HTTP 429) (1 try)"
    assert time.monotonic() - started < 1


def test_server_errors_are_retried_then_given_up(libretranslate: StartServer) -> None:
    server = libretranslate(faults=["500", "500", "ok"])
    [result] = translator(server).translate(["Fever is common."], "de")
    assert result.target == "[de] FEVER IS COMMON."
    assert result.chars_sent == 3 * len("Fever is common.")

    server = libretranslate(faults=["500"] * 3)
    [result] = translator(server).translate(["Fever is common."], "de")
    assert result.target is None
    assert result.error == "libre: server error (HTTP 500) (3 tries)"
    assert len(server.translate_requests) == 3


def test_slow_server_is_bounded_by_the_timeout(libretranslate: StartServer) -> None:
    server = libretranslate(faults=["slow"] * 10, slow_seconds=5)
    started = time.monotonic()
    results = translator(server, timeout=0.3, retries=2, concurrency=1).translate(
        ["Fever is common.", "Chills are rare."], "de"
    )
    elapsed = time.monotonic() - started
    assert results[0].error == "libre: timed out after 0.3 s (2 tries)"
    # the engine is down: the next text is not sent at all
    assert results[1].error == "libre: not sent: timed out after 0.3 s (2 tries)"
    assert results[1].chars_sent == 0
    assert len(server.translate_requests) == 2
    assert elapsed < 1.5


def test_malformed_json_is_a_per_segment_error(libretranslate: StartServer) -> None:
    server = libretranslate(faults=["malformed"])
    results = translator(server, concurrency=1).translate(["Fever is common.", "Chills."], "de")
    assert results[0].error == "libre: malformed response (not JSON) (1 try)"
    assert results[1].target == "[de] CHILLS."


@pytest.mark.parametrize("fault", ["drop-token", "duplicate-token"])
def test_an_answer_that_mangles_protected_text_is_rejected(
    libretranslate: StartServer, fault: str
) -> None:
    server = libretranslate(faults=[fault])
    [result] = translator(server).translate([CLINIC[0]], "de")
    assert result.target is None
    assert result.error is not None and "'BCMA'" in result.error
    assert ("lost" if fault == "drop-token" else "repeated") in result.error
    assert len(server.translate_requests) == 1


def test_dropped_connection_becomes_a_retried_per_segment_error(
    libretranslate: StartServer,
) -> None:
    server = libretranslate(faults=["disconnect"])
    [result] = translator(server).translate(["Fever is common."], "de")
    assert result.target == "[de] FEVER IS COMMON."

    server = libretranslate(faults=["disconnect"] * 2)
    [result] = translator(server, retries=2).translate(["Fever is common."], "de")
    assert result.error == "libre: the server dropped the connection (2 tries)"


def test_server_not_listening_fails_fast_and_clearly() -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    engine = MachineTranslator("libre", "en", url=url, timeout=2.0, backoff=0.05)
    started = time.monotonic()
    with pytest.raises(
        MachineError, match=r"^libre: cannot connect to 127\.0\.0\.1:\d+ \(connection refused\)$"
    ):
        engine.check_available()
    with pytest.raises(MachineError, match="connection refused"):
        engine.translate(["Fever is common."], "de")
    assert time.monotonic() - started < 1


def test_server_going_away_mid_run_fails_the_rest_fast(libretranslate: StartServer) -> None:
    server = libretranslate()
    engine = translator(server, concurrency=1, batch_size=2)
    engine.check_available()  # the language list is now known
    server.stop()
    started = time.monotonic()
    results = engine.translate([f"Sentence {n}." for n in "abcdef"], "de")
    assert time.monotonic() - started < 2
    assert all(r.target is None for r in results)
    assert results[0].error is not None and "connection refused" in results[0].error
    assert all(r.chars_sent == 0 for r in results)


def test_on_result_failure_stops_the_run_and_propagates(libretranslate: StartServer) -> None:
    server = libretranslate()
    stored: list[str] = []

    def store(result: MachineResult) -> None:
        if stored:
            raise RuntimeError("disk full")
        stored.append(result.source)

    with pytest.raises(RuntimeError, match="disk full"):
        translator(server, concurrency=1, batch_size=50).translate(
            [f"Sentence {n}." for n in range(20)], "de", on_result=store
        )
    assert len(server.translate_requests) < 20


# -- keys ------------------------------------------------------------------------


def test_api_key_never_appears_in_errors_urls_or_reprs(
    libretranslate: StartServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "s3cret-key-do-not-log"
    server = libretranslate(api_key=secret)
    monkeypatch.setenv("LIBRETRANSLATE_API_KEY", secret)
    [result] = translator(server).translate(["Fever is common."], "de")
    assert result.target == "[de] FEVER IS COMMON."
    assert all(secret not in r.query for r in server.requests)  # sent in the body only
    assert secret not in repr(translator(server))

    monkeypatch.setenv("LIBRETRANSLATE_API_KEY", "wrong-" + secret)
    results = translator(server, concurrency=1).translate(["Fever.", "Chills."], "de")
    assert results[0].error == (
        "libre: not authorised (HTTP 403): check the key in $LIBRETRANSLATE_API_KEY (1 try)"
    )
    assert results[1].error is not None and results[1].error.startswith("libre: not sent:")
    assert all(secret not in str(r) for r in results)


def test_engines_needing_a_key_say_which_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MICROSOFT_TRANSLATOR_KEY", raising=False)
    with pytest.raises(MachineError, match="set the environment variable MICROSOFT_TRANSLATOR_KEY"):
        MachineTranslator("microsoft", "en").check_available()
    with pytest.raises(MachineError, match="unknown machine-translation engine 'bing'"):
        MachineTranslator("bing", "en")
    with pytest.raises(MachineError, match="libre: no server URL"):
        MachineTranslator("libre", "en")


@pytest.mark.skipif(importlib.util.find_spec("deepl") is not None, reason="deepl is installed")
def test_deepl_does_not_fall_back_to_deep_translators_retired_client(
    monkeypatch: pytest.MonkeyPatch, libretranslate: StartServer
) -> None:
    server = libretranslate()
    monkeypatch.setenv("DEEPL_API_KEY", "a-deepl-key")
    engine = MachineTranslator("deepl", "en", url=server.url)
    with pytest.raises(MachineError, match="install the official 'deepl' package") as raised:
        engine.translate(["Fever is common."], "de")
    assert "a-deepl-key" not in str(raised.value)
    assert not server.requests  # nothing went out by any other route
