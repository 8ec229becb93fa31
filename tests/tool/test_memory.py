"""The translation memory on a real corpus: Django's reviewed catalogs in thirteen languages.

Every test that takes ``memory`` or ``new_memory`` runs on both backends, SQLite and PostgreSQL.
"""

from __future__ import annotations

import multiprocessing
import random
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from pipeline.memory import sqlite as sqlite_backend
from pipeline.memory.backends import open_memory
from pipeline.memory.base import TranslationMemory
from pipeline.memory.candidates import best_candidates, in_length, posting
from pipeline.memory.scoring import IN_CONTEXT_SCORE, normalise
from pipeline.memory.sqlite import SCHEMA_VERSION, SqliteMemory
from pipeline.memory.units import (
    LookupContext,
    TranslationMemoryError,
    Unit,
    catalog_units,
    placed_entries,
)
from pipeline.model import HUMAN, Catalog, Entry, MatchKind, Origin, OriginKind
from tests.corpus import django_units, lightly_edit
from tests.pg_server import memory_location, postgres_server

MT = Origin(OriginKind.MACHINE, "libre")


@pytest.fixture(scope="module")
def corpus() -> list[Unit]:
    return django_units(10_000)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql":
        postgres_server()  # skips (fails under CI) when no server can be started
    return str(request.param)


@pytest.fixture(scope="module")
def memory(
    backend: str, corpus: list[Unit], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TranslationMemory]:
    directory = tmp_path_factory.mktemp("tm") / "nested"
    with open_memory(memory_location(backend, directory)) as memory:
        memory.add(corpus)
        yield memory


@pytest.fixture
def new_memory(backend: str, tmp_path: Path) -> Iterator[Callable[[], TranslationMemory]]:
    """Opens fresh, empty memories of the backend under test."""
    opened: list[TranslationMemory] = []

    def new() -> TranslationMemory:
        opened.append(open_memory(memory_location(backend, tmp_path / f"tm{len(opened)}")))
        return opened[-1]

    yield new
    for memory in opened:
        memory.close()


def targets_by_source(corpus: list[Unit]) -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for unit in corpus:
        found[(unit.source, unit.target_lang)].add(unit.target)
    return found


def unit(source: str, target: str, origin: Origin = HUMAN, **context: str) -> Unit:
    return Unit(source, target, "en", "de", origin, **context)


def test_corpus_is_real_and_large(corpus: list[Unit]) -> None:
    assert len(corpus) >= 10_000
    assert {u.target_lang for u in corpus} >= {"de", "fr", "ru", "es", "ar"}
    assert any(u.source == "This field is required." and u.target_lang == "de" for u in corpus)


def test_memory_is_a_versioned_sqlite_file_in_wal_mode(
    memory: TranslationMemory, corpus: list[Unit]
) -> None:
    if not isinstance(memory, SqliteMemory):
        pytest.skip("SQLite's file format (test_memory_pg.py checks PostgreSQL's schema)")
    assert memory.path.is_file()
    with sqlite3.connect(memory.path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        stored = raw.execute("SELECT count(*) FROM units").fetchone()[0]
    distinct = {u.content_hash for u in corpus}
    assert stored == len(distinct) == memory.stats()["units"]
    assert memory.stats()["human"] == len(distinct)


def test_a_memory_indexed_by_trigrams_is_indexed_again_when_opened(
    corpus: list[Unit], tmp_path: Path
) -> None:
    """A memory version 1 wrote (trigram postings) finds what a new one finds, once opened."""
    units = corpus[:3000]
    for name in ("new", "old"):
        with SqliteMemory(tmp_path / f"{name}.sqlite3") as memory:
            memory.add(units)
    with sqlite3.connect(tmp_path / "old.sqlite3") as raw:
        raw.execute("DELETE FROM grams")
        raw.execute("DELETE FROM gram_counts")
        texts = raw.execute("SELECT lang, norm, length, id FROM texts").fetchall()
        postings = {
            (lang, norm[at : at + 3], length, text_id)
            for lang, norm, length, text_id in texts
            for at in range(len(norm) - 2)
        }
        raw.executemany("INSERT INTO grams VALUES (?, ?, ?, ?)", sorted(postings))
        raw.execute("INSERT INTO gram_counts SELECT lang, gram, count(*) FROM grams GROUP BY 1, 2")
        raw.execute("PRAGMA user_version = 1")
    with (
        SqliteMemory(tmp_path / "old.sqlite3") as old,
        SqliteMemory(tmp_path / "new.sqlite3") as new,
    ):
        for table in ("grams", "gram_counts"):
            listed = f"SELECT * FROM {table} ORDER BY 1, 2, 3"
            assert old._db.execute(listed).fetchall() == new._db.execute(listed).fetchall()
        assert old._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        rng = random.Random(2)
        for stored in rng.sample(units, 100):
            query = lightly_edit(stored.source, rng)
            found = old.lookup(query, "en", stored.target_lang)
            expected = new.lookup(query, "en", stored.target_lang)
            assert [m.source for m in found] == [m.source for m in expected]


def test_a_large_write_lists_and_counts_as_small_writes_do(
    corpus: list[Unit], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write of many batches stages its postings and adds up its counts in memory; the
    memory holds what the same units written a few at a time leave, and finds the same."""
    units = corpus[:3000]
    with SqliteMemory(tmp_path / "small.sqlite3") as small:
        for at in range(0, len(units), 100):
            small.add(units[at : at + 100])
    monkeypatch.setattr(sqlite_backend, "INSERT_BATCH", 50)
    monkeypatch.setattr(sqlite_backend, "STAGE_AFTER_BATCHES", 3)
    monkeypatch.setattr(sqlite_backend, "COUNTS_HELD", 2_000)  # written several times
    with (
        SqliteMemory(tmp_path / "large.sqlite3") as large,
        SqliteMemory(tmp_path / "small.sqlite3") as small,
    ):
        assert large.add([*units, *units[:500]]) == small.stats()["units"]
        for table in ("grams", "gram_counts", "texts"):
            listed = f"SELECT * FROM {table} ORDER BY 1, 2, 3"
            assert large._db.execute(listed).fetchall() == small._db.execute(listed).fetchall()
        assert not large._db.execute("SELECT name FROM temp.sqlite_master").fetchall()
        usual = [(-sqlite_backend.CACHE_KIB,)]
        assert large._db.execute("PRAGMA cache_size").fetchall() == usual

        def broken() -> Iterator[Unit]:
            yield from (replace(u, target=u.target + " (2)") for u in units)
            raise OSError("the file went away")

        with pytest.raises(OSError):
            large.add(broken())
        assert large._db.execute("PRAGMA cache_size").fetchall() == usual
        assert not large._db.execute("SELECT name FROM temp.sqlite_master").fetchall()
        assert large.stats() == small.stats()
        rng = random.Random(3)
        for stored in rng.sample(units, 50):
            query = lightly_edit(stored.source, rng)
            found = large.lookup(query, "en", stored.target_lang)
            assert [m.source for m in found] == [
                m.source for m in small.lookup(query, "en", stored.target_lang)
            ]


def test_every_stored_source_is_found_exactly(
    memory: TranslationMemory, corpus: list[Unit]
) -> None:
    known = targets_by_source(corpus)
    for stored in random.Random(3).sample(corpus, 300):
        matches = memory.lookup(stored.source, "en", stored.target_lang, threshold=100.0)
        assert matches, stored
        assert matches[0].kind in (MatchKind.EXACT, MatchKind.IN_CONTEXT)
        assert matches[0].source == stored.source
        assert {m.target for m in matches} <= known[(stored.source, stored.target_lang)]


def test_in_context_match_ranks_above_exact(memory: TranslationMemory, corpus: list[Unit]) -> None:
    # Django translates some sources differently by msgctxt ("May" the month vs. the abbreviation).
    by_source: dict[tuple[str, str], list[Unit]] = defaultdict(list)
    for stored in corpus:
        by_source[(stored.source, stored.target_lang)].append(stored)
    ambiguous = [units for units in by_source.values() if len({u.target for u in units}) > 1]
    assert ambiguous
    for units in ambiguous[:50]:
        for wanted in units:
            context = LookupContext(wanted.msgctxt, wanted.domain, wanted.prev, wanted.next)
            matches = memory.lookup(wanted.source, "en", wanted.target_lang, context)
            assert matches[0].kind is MatchKind.IN_CONTEXT
            assert matches[0].score == IN_CONTEXT_SCORE
            assert matches[0].target == wanted.target
            assert all(m.kind is MatchKind.EXACT for m in matches[1:] if m.source == wanted.source)


def test_neighbours_decide_in_context(new_memory: Callable[[], TranslationMemory]) -> None:
    with new_memory() as memory:
        memory.add(
            [
                unit("Dose", "Dosis", prev="Drug", next="Route", domain="faq"),
                unit("Dose", "Gabe", prev="Drug", next="Frequency", domain="faq"),
            ]
        )
        here = LookupContext(domain="faq", prev="Drug", next="Frequency")
        first, second = memory.lookup("Dose", "en", "de", here)
        assert (first.target, first.kind) == ("Gabe", MatchKind.IN_CONTEXT)
        assert (second.target, second.kind, second.score) == ("Dosis", MatchKind.EXACT, 100.0)
        elsewhere = memory.lookup("Dose", "en", "de", LookupContext(domain="cost"))
        assert {m.kind for m in elsewhere} == {MatchKind.EXACT}


def test_human_ranks_above_machine_at_equal_score(
    new_memory: Callable[[], TranslationMemory],
) -> None:
    with new_memory() as memory:
        memory.add([unit("Take 10 mg daily.", "10 mg täglich einnehmen (MT).", MT)])
        memory.add([unit("Take 10 mg daily.", "Täglich 10 mg einnehmen.")])
        best, other = memory.lookup("Take 10 mg daily.", "en", "de")
        assert best.origin == HUMAN and best.target == "Täglich 10 mg einnehmen."
        assert other.origin == MT and other.score == best.score == 100.0


def test_case_and_whitespace_differences_score_high_but_below_100(
    new_memory: Callable[[], TranslationMemory],
) -> None:
    with new_memory() as memory:
        memory.add([unit("Delete selected items", "Ausgewählte Einträge löschen")])
        for query in ("delete selected items", "  Delete   selected\titems "):
            (match,) = memory.lookup(query, "en", "de")
            assert 95.0 <= match.score < 100.0
            assert match.kind is MatchKind.FUZZY
        (exact,) = memory.lookup("Delete selected items", "en", "de")
        assert exact.score == 100.0


def test_fuzzy_matches_respect_the_threshold(memory: TranslationMemory) -> None:
    stored = "Enter a valid email address."
    query = "Please enter a valid e-mail address."
    ratio = fuzz.ratio(normalise(query), normalise(stored))
    assert 75 < ratio < 95
    found = memory.lookup(query, "en", "de", threshold=ratio - 1, limit=20)
    assert stored in {m.source for m in found}
    match = next(m for m in found if m.source == stored)
    assert match.kind is MatchKind.FUZZY and match.score == pytest.approx(ratio)
    assert all(m.score >= ratio - 1 for m in found)
    above = memory.lookup(query, "en", "de", threshold=ratio + 1, limit=20)
    assert stored not in {m.source for m in above}
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)


def test_lightly_edited_queries_find_the_best_match(
    memory: TranslationMemory, corpus: list[Unit]
) -> None:
    """Recall against a brute-force rapidfuzz scan of every German source."""
    german = sorted({normalise(u.source) for u in corpus if u.target_lang == "de"})
    rng = random.Random(7)
    candidates = [u for u in corpus if u.target_lang == "de" and len(u.source) >= 12]
    compared = found = 0
    for stored in rng.sample(candidates, 300):
        query = lightly_edit(stored.source, rng)
        best = max(fuzz.ratio(normalise(query), text) for text in german)
        if best < 75:
            continue
        compared += 1
        matches = memory.lookup(query, "en", "de")
        ours = max((fuzz.ratio(normalise(query), normalise(m.source)) for m in matches), default=0)
        found += ours >= best - 1e-9
    assert compared >= 250
    assert found / compared >= 0.99


def test_lookup_many_matches_lookup(memory: TranslationMemory) -> None:
    sources = ["This field is required.", "Enter a valid URL", "nothing like this exists at all"]
    assert memory.lookup_many(sources, "en", "fr") == [
        memory.lookup(s, "en", "fr") for s in sources
    ]


def test_a_lookup_for_no_proposal_finds_none_and_a_negative_limit_is_refused(
    memory: TranslationMemory,
) -> None:
    # A text that shares n-grams with the memory but scores below the threshold: the
    # candidate search stops on the limit before it has scored anything.
    assert memory.lookup("This field is required, or so they say.", "en", "fr", limit=0) == []
    assert memory.lookup("This field is required.", "en", "fr", limit=0) == []
    with pytest.raises(ValueError, match="limit"):
        memory.lookup("This field is required.", "en", "fr", limit=-1)


def test_lookups_stay_within_the_language_pair_and_level(
    new_memory: Callable[[], TranslationMemory],
) -> None:
    with new_memory() as memory:
        memory.add(
            [
                unit("Side effects", "Nebenwirkungen"),
                Unit("Side effects", "Effets secondaires", "en", "fr", HUMAN),
                Unit("Side effects", "Nebenwirkungen (Satz)", "en", "de", HUMAN, level="sentence"),
            ]
        )
        assert [m.target for m in memory.lookup("Side effects", "en", "de")] == ["Nebenwirkungen"]
        sentence = memory.lookup("Side effects", "en", "de", level="sentence")
        assert [m.target for m in sentence] == ["Nebenwirkungen (Satz)"]
        assert memory.lookup("Side effects", "de", "en") == []
        assert [u.target_lang for u in memory.units("en", "fr")] == ["fr"]
        assert memory.stats()["sentence"] == 1


def test_short_texts_are_found(new_memory: Callable[[], TranslationMemory]) -> None:
    with new_memory() as memory:
        memory.add([unit("OK", "OK"), unit("mg", "mg"), unit("Dose", "Dosis")])
        assert memory.lookup("Ok.", "en", "de")[0].target == "OK"
        assert memory.lookup("Dose:", "en", "de")[0].target == "Dosis"


def test_candidates_share_the_most_trigrams_then_the_closest_length() -> None:
    """The selection both backends score, against sorting every text by its rank."""
    rng = random.Random(3)
    for _ in range(500):
        ids = rng.sample(range(1, 100_000), rng.randint(0, 400))
        shared = {posting(i, rng.randint(1, 5_000)): rng.randint(1, 8) for i in ids}
        length = rng.randint(1, 300)
        bounds = (rng.randint(1, length), rng.randint(length, 5_000))
        room = rng.randint(0, 60)
        listed = [p for p in shared if min(bounds[0], 4095) <= p & 4095 <= bounds[1]]
        assert in_length(shared, bounds) == listed
        ranked = sorted(listed, key=lambda p: (-shared[p], abs((p & 4095) - length), p >> 12))
        expected = {p >> 12 for p in ranked[:room]}
        chosen = best_candidates({p: shared[p] for p in listed}, length, room)
        assert len(chosen) == len(expected) and set(chosen) == expected
        # SQLite counts postings as the decimal strings it concatenates them into.
        assert best_candidates({str(p): shared[p] for p in listed}, length, room) == chosen


def test_re_adding_is_idempotent(memory: TranslationMemory, corpus: list[Unit]) -> None:
    before = memory.stats()
    assert memory.add(corpus[:2000]) == 0
    assert memory.stats() == before


def test_a_human_confirmation_upgrades_a_machine_unit(
    new_memory: Callable[[], TranslationMemory],
) -> None:
    with new_memory() as memory:
        assert memory.add([unit("Blood test", "Bluttest", MT)]) == 1
        assert memory.add([unit("Blood test", "Bluttest")]) == 0
        assert [u.origin for u in memory.units()] == [HUMAN]
        assert memory.add([unit("Blood test", "Bluttest", MT)]) == 0
        assert [u.origin for u in memory.units()] == [HUMAN]  # a machine never demotes a human


def test_a_failed_batch_adds_nothing(new_memory: Callable[[], TranslationMemory]) -> None:
    with new_memory() as memory:
        with pytest.raises(ValueError, match="level"):
            memory.add([unit("Dose", "Dosis"), replace(unit("Route", "Weg"), level="word")])
        assert memory.stats()["units"] == 0


def catalog(entries: list[Entry], lang: str = "de", domain: str = "faq") -> Catalog:
    return Catalog(entries=entries, lang=lang, domain=domain, path=f"locales/{lang}/{domain}.po")


def test_sync_catalog_takes_reviewed_entries_with_their_neighbours(
    new_memory: Callable[[], TranslationMemory],
) -> None:
    entries = [
        Entry("What is CAR-T therapy?", "Was ist die CAR-T-Therapie?"),
        Entry("How long does it take?", "Wie lange dauert sie?", flags=["fuzzy"]),
        Entry("Who pays?", ""),
        Entry("Cost", "Kosten", msgctxt="table header"),
        Entry("%d day", msgid_plural="%d days", msgstr_plural={0: "%d Tag", 1: "%d Tage"}),
        Entry("Old", "Alt", obsolete=True),
    ]
    with new_memory() as memory:
        assert memory.sync_catalog(catalog(entries), "en") == 4
        stored = {u.source: u for u in memory.units()}
        assert set(stored) == {"What is CAR-T therapy?", "Cost", "%d day", "%d days"}
        cost = stored["Cost"]
        assert (cost.msgctxt, cost.domain, cost.prev, cost.next) == (
            "table header",
            "faq",
            "Who pays?",
            "%d day",
        )
        assert stored["%d days"].target == "%d Tage"
        assert stored["What is CAR-T therapy?"].prev == ""
        assert memory.sync_catalog(catalog(entries), "en") == 0
        with pytest.raises(ValueError, match="template"):
            memory.sync_catalog(Catalog(entries=entries, lang=None), "en")


def test_sync_catalog_records_the_origin_it_is_given(
    new_memory: Callable[[], TranslationMemory],
) -> None:
    entries = [Entry("Dose", "Dosis", translator_comments=["origin: mt:libre"])]
    with new_memory() as memory:
        memory.sync_catalog(catalog(entries), "en", origin_for=lambda entry: MT)
        assert [u.origin for u in memory.units()] == [MT]


# What prefill writes for machine output, and what a reviewer adds (see pipeline.machine.prefill).
MACHINE_FILLED = [
    "machine translation (libre)",
    "suggestion: machine 100% from mt:libre, 2026-11-27",
]
FROM_MEMORY_MT = ["suggestion: exact 100% from mt:deepl, 2026-11-27"]


def provenance_catalog() -> Catalog:
    return catalog(
        [
            Entry(
                "Take 10 mg daily.", "Täglich 10 mg einnehmen.", translator_comments=MACHINE_FILLED
            ),
            Entry("Dose", "Dosis", translator_comments=[*MACHINE_FILLED, "reviewed"]),
            Entry("Route", "Weg", translator_comments=FROM_MEMORY_MT),
            Entry("Rituximab", "Rituximab", translator_comments=["keep: Rituximab"]),
            Entry("Ask your doctor.", "Fragen Sie Ihren Arzt.", translator_comments=MACHINE_FILLED,
                  flags=["fuzzy"]),
        ]
    )  # fmt: skip


def test_sync_catalog_remembers_unreviewed_machine_text_as_machine(
    new_memory: Callable[[], TranslationMemory],
) -> None:
    with new_memory() as memory:
        assert memory.sync_catalog(provenance_catalog(), "en") == 4
        origins = {u.source: str(u.origin) for u in memory.units()}
        assert origins == {
            "Take 10 mg daily.": "mt:libre",
            "Dose": "human",  # machine output a reviewer signed off
            "Route": "mt:deepl",  # accepted from a machine unit of the memory, never reviewed
            "Rituximab": "human",
        }
        # Looked up where it sits, the unreviewed text is an in-context match, but not a human
        # one: prefill's accept_in_context must not publish it.
        entry, context = next(placed_entries(provenance_catalog()))
        (match,) = memory.lookup(entry.msgid, "en", "de", context, limit=1)
        assert match.kind is MatchKind.IN_CONTEXT
        assert match.origin == MT


def test_rebuild_demotes_unreviewed_machine_text_stored_as_human(
    new_memory: Callable[[], TranslationMemory],
) -> None:
    with new_memory() as memory:
        # What a sync stored before the catalogs' provenance comments were read.
        memory.sync_catalog(provenance_catalog(), "en", origin_for=lambda entry: HUMAN)
        assert memory.stats()["human"] == 4
        memory.rebuild([provenance_catalog()], "en")
        origins = {u.source: str(u.origin) for u in memory.units()}
        assert origins["Take 10 mg daily."] == "mt:libre"
        assert origins["Route"] == "mt:deepl"
        assert memory.stats()["human"] == 2
        assert memory.lookup("Take 10 mg daily.", "en", "de")[0].origin == MT


def test_placed_entries_sit_where_units_are_recorded() -> None:
    entries = [
        Entry("Dose", "Dosis", msgctxt="table header"),
        Entry("Old", "Alt", obsolete=True),
        Entry("Route", ""),
        Entry("Frequency", "Häufigkeit"),
    ]
    faq = catalog(entries)
    placed = list(placed_entries(faq))
    assert [entry for entry, _ in placed] == [entries[0], entries[2], entries[3]]
    assert [context for _, context in placed] == [
        LookupContext("table header", "faq", "", "Route"),
        LookupContext(None, "faq", "Dose", "Frequency"),
        LookupContext(None, "faq", "Route", ""),
    ]
    for stored in catalog_units(faq, "en"):
        context = next(c for entry, c in placed if entry.msgid == stored.source)
        assert LookupContext(stored.msgctxt, stored.domain, stored.prev, stored.next) == context


def test_rebuild_replaces_human_blocks_only(new_memory: Callable[[], TranslationMemory]) -> None:
    old = [Entry("Dose", "Dosis"), Entry("Route", "Weg")]
    new = [Entry("Dose", "Dosis"), Entry("Route", "Verabreichungsweg")]
    with new_memory() as memory:
        memory.sync_catalog(catalog(old), "en")
        memory.add([unit("Frequency", "Häufigkeit", MT)])
        memory.add([replace(unit("Take it.", "Nehmen Sie es."), level="sentence")])
        assert memory.rebuild([catalog(new)], "en") == 2
        targets = {(u.source, u.target, str(u.origin), u.level) for u in memory.units()}
        assert targets == {
            ("Dose", "Dosis", "human", "block"),
            ("Route", "Verabreichungsweg", "human", "block"),
            ("Frequency", "Häufigkeit", "mt:libre", "block"),
            ("Take it.", "Nehmen Sie es.", "human", "sentence"),
        }
        assert memory.lookup("Route", "en", "de")[0].target == "Verabreichungsweg"


def _add_from_another_process(path: str, start: int, stop: int) -> int:
    units = [
        unit(f"Patient {n} received {n % 7 + 1} doses.", f"Patient {n}: {n % 7 + 1} Dosen.")
        for n in range(start, stop)
    ]
    with SqliteMemory(path) as memory:
        return sum(memory.add(units[at : at + 100]) for at in range(0, len(units), 100))


def test_concurrent_writers_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "shared" / "tm.sqlite3")
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(2) as pool:
        first = pool.apply_async(_add_from_another_process, (path, 0, 3000))
        second = pool.apply_async(_add_from_another_process, (path, 2000, 5000))
        added = first.get(timeout=120) + second.get(timeout=120)
    assert added == 5000  # the 1,000 units both wrote count once
    with SqliteMemory(path) as memory:
        units = list(memory.units())
    assert len(units) == len({u.content_hash for u in units}) == 5000


def test_open_memory_by_path_or_url(tmp_path: Path) -> None:
    with open_memory(str(tmp_path / "a.sqlite3")) as memory:
        assert isinstance(memory, TranslationMemory)
        memory.add([unit("Dose", "Dosis")])
    with open_memory(f"sqlite:///{tmp_path / 'a.sqlite3'}") as memory:
        assert memory.stats()["units"] == 1
    with pytest.raises(TranslationMemoryError, match="scheme"):
        open_memory("ftp://example/tm")


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite3"
    SqliteMemory(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(TranslationMemoryError, match="newer"):
        SqliteMemory(path)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite3"
    path.write_text("this is not SQLite\n" * 100)
    with pytest.raises(TranslationMemoryError, match=str(path)):
        SqliteMemory(path)


def _open_and_close(path: str) -> int:
    SqliteMemory(path).close()
    return 1


def test_processes_opening_a_new_memory_at_once_all_get_it(tmp_path: Path) -> None:
    """Switching a new file to WAL takes a lock SQLite's busy handler does not wait for."""
    fork = multiprocessing.get_context("fork")
    with fork.Pool(6) as pool:
        for round_ in range(15):
            path = str(tmp_path / f"m{round_}" / "tm.sqlite3")
            assert sum(pool.map(_open_and_close, [path] * 6)) == 6
