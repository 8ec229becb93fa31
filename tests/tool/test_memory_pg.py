"""The PostgreSQL memory: schema, credentials, migration both ways, and many writers at once.

The behaviour both backends share is tested in tests/tool/test_memory.py, on both.
These tests need a real PostgreSQL server (tests/pg_server.py starts one).
"""

from __future__ import annotations

import multiprocessing
import random
import shutil
import threading
from collections.abc import Iterator
from dataclasses import astuple, replace
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from pipeline.config import load_config
from pipeline.machine.prefill import make_translator, prefill
from pipeline.memory import postgres_grams
from pipeline.memory.backends import migrate, open_memory
from pipeline.memory.candidates import length_class
from pipeline.memory.postgres import PostgresMemory, redact
from pipeline.memory.postgres_schema import (
    CHUNK,
    MERGE_TEXTS,
    MERGE_UNITS,
    MIGRATIONS,
    MOST_SMALL_CHUNKS,
    SCHEMA_VERSION,
    STAGED_COLUMNS,
    STAGING,
    length_class_sql,
    staging_rows,
)
from pipeline.memory.sqlite import SqliteMemory
from pipeline.memory.tmx import export_tmx, import_tmx
from pipeline.memory.units import TranslationMemoryError, Unit
from pipeline.model import HUMAN, Match, Origin, OriginKind
from tests.corpus import django_units, lightly_edit
from tests.libretranslate_server import start_server
from tests.pg_server import PASSWORD, PostgresServer, postgres_server
from tests.projects import SAMPLE_PAGES, l10n, make_project, tagged

MT = Origin(OriginKind.MACHINE, "libre")


@pytest.fixture(scope="module")
def server() -> PostgresServer:
    return postgres_server()


@pytest.fixture
def url(server: PostgresServer) -> str:
    return server.create_database()


@pytest.fixture
def memory(url: str) -> Iterator[PostgresMemory]:
    with PostgresMemory(url) as memory:
        yield memory


def unit(source: str, target: str, origin: Origin = HUMAN, **context: str) -> Unit:
    return Unit(source, target, "en", "de", origin, **context)


def raw(url: str, query: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as connection:
        return connection.execute(query.encode()).fetchall()


# -- schema ----------------------------------------------------------------------


def test_first_use_creates_a_versioned_schema_with_n_gram_postings(
    memory: PostgresMemory,
) -> None:
    assert raw_version(memory) == SCHEMA_VERSION == memory.schema_version()
    memory.add([unit("Dose", "Dosis"), unit("Doses", "Dosen")])
    url = url_of(memory)
    counts = raw(url, 'SELECT gram, texts FROM gram_counts ORDER BY gram COLLATE "C"')
    assert counts == [("dose", 2), ("oses", 1)]
    # One row per length class: "dose" and "doses" are listed apart.
    rows = raw(url, "SELECT class, postings FROM grams WHERE gram = 'dose' ORDER BY class")
    assert rows == [(24, [1 << 12 | 4]), (26, [2 << 12 | 5])]
    indexes = dict(raw(url, "SELECT indexname, indexdef FROM pg_indexes"))
    assert "texts_by_trigram" not in indexes and "grams_pkey" in indexes


def test_length_classes_are_the_same_in_sql_and_python(url: str) -> None:
    expression = length_class_sql("n")
    found = raw(url, f"SELECT array_agg({expression} ORDER BY n) FROM generate_series(1, 25000) n")
    assert found[0][0] == [length_class(n) for n in range(1, 25_001)]


def key_rows(url: str, gram: str) -> list[list[int]]:
    """The postings of each row of one trigram, in the order of their first posting."""
    found = raw(url, f"SELECT postings FROM grams WHERE gram = '{gram}' ORDER BY first")
    return [list(postings) for (postings,) in found]  # type: ignore[call-overload]


def test_a_large_write_leaves_full_rows_and_at_most_one_small_row_per_key(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres_grams, "FLUSH_POSTINGS", 500)  # copied in many times over
    texts = [f"Dose {n:04d} given" for n in range(CHUNK * 2 + 30)]
    with PostgresMemory(url) as memory:
        memory.add(unit(text, text.replace("Dose", "Dosis")) for text in texts)
        rows = key_rows(url, "dose")
        assert [len(r) for r in rows] == [CHUNK, CHUNK, 30]
        assert sorted(p >> 12 for r in rows for p in r) == list(range(1, len(texts) + 1))
        assert memory.lookup("Dose 0417 given!", "en", "de")[0].source == "Dose 0417 given"


def test_many_small_writes_get_their_small_rows_merged(url: str) -> None:
    with PostgresMemory(url) as memory:
        for n in range(3 * MOST_SMALL_CHUNKS):
            memory.add([unit(f"Dose {n:03d} mg", f"Dosis {n:03d} mg")])
        rows = key_rows(url, "dose")
        assert len(rows) <= MOST_SMALL_CHUNKS + 1
        assert sorted(p >> 12 for r in rows for p in r) == list(range(1, 3 * MOST_SMALL_CHUNKS + 1))
        counts = raw(url, "SELECT texts FROM gram_counts WHERE gram = 'dose'")
        assert counts == [(3 * MOST_SMALL_CHUNKS,)]
        for n in (0, 17, 3 * MOST_SMALL_CHUNKS - 1):
            assert memory.lookup(f"Dose {n:03d} mg.", "en", "de")[0].target == f"Dosis {n:03d} mg"


def version_1_memory(url: str, units: list[Unit]) -> None:
    """A memory as version 1 of the schema left it: no postings, a pg_trgm index instead."""
    with psycopg.connect(url, autocommit=True) as connection, connection.transaction():
        connection.execute("CREATE TABLE schema_version (version integer NOT NULL)")
        connection.execute("INSERT INTO schema_version VALUES (1)")
        for statement in MIGRATIONS[0]:
            connection.execute(statement.encode())
        connection.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        connection.execute("CREATE INDEX texts_by_trigram ON texts USING gin (norm gin_trgm_ops)")
        connection.execute(STAGING)
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY incoming ({STAGED_COLUMNS}) FROM STDIN") as copy:
                for row in staging_rows(units):
                    copy.write_row(row)
            cursor.execute(MERGE_TEXTS)
            cursor.execute(MERGE_UNITS)


def postings(url: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every (language, trigram, length class, posting), and every trigram's count."""
    listed = raw(
        url,
        "SELECT lang, gram, class, unnest(postings) AS p FROM grams"
        ' ORDER BY lang, gram COLLATE "C", class, p',
    )
    counts = raw(url, 'SELECT lang, gram, texts FROM gram_counts ORDER BY lang, gram COLLATE "C"')
    return listed, counts


def test_a_version_1_memory_is_migrated_and_finds_what_a_new_one_finds(
    server: PostgresServer, url: str, tmp_path: Path
) -> None:
    units = [*django_units(3_000), unit("Ok", "Ok"), unit("Dose über 20 mg", "Dosis über 20 mg")]
    version_1_memory(url, units)
    fresh = server.create_database()
    with PostgresMemory(fresh) as new:
        new.add(units)
    with PostgresMemory(url) as migrated, SqliteMemory(tmp_path / "tm.sqlite3") as lite:
        lite.add(units)
        assert migrated.schema_version() == SCHEMA_VERSION
        assert migrated.stats() == lite.stats()
        indexes = dict(raw(url, "SELECT indexname, indexdef FROM pg_indexes"))
        assert "texts_by_trigram" not in indexes
        # The migration's SQL lists every text exactly as a write does.
        assert postings(url) == postings(fresh)
        rng = random.Random(5)
        for stored in [*rng.sample(units, 200), units[-2], units[-1]]:
            query = lightly_edit(stored.source, rng)
            found = migrated.lookup(query, "en", stored.target_lang)
            assert summary(found) == summary(lite.lookup(query, "en", stored.target_lang))
        migrated.add([unit("Zoledronic acid infusion", "Zoledronsäure-Infusion")])
        best = migrated.lookup("Zoledronic acid infusions", "en", "de")[0]
        assert best.target == "Zoledronsäure-Infusion"


def test_a_version_2_memory_listed_by_trigrams_is_listed_again(
    server: PostgresServer, url: str, tmp_path: Path
) -> None:
    """Version 2 listed texts under trigrams: opened, the memory lists them as a write does."""
    units = [*django_units(2_000), unit("Dose über 20 mg", "Dosis über 20 mg")]
    fresh = server.create_database()
    with PostgresMemory(fresh) as new:
        new.add(units)
    with PostgresMemory(url) as memory:
        memory.add(units)
    with psycopg.connect(url, autocommit=True) as connection, connection.transaction():
        connection.execute("DELETE FROM grams")
        connection.execute("DELETE FROM gram_counts")
        connection.execute(
            """INSERT INTO grams (lang, gram, class, first, postings)
               SELECT lang, gram, 0, min(p), array_agg(p ORDER BY p)
               FROM (SELECT DISTINCT lang, substr(norm, i, 3) AS gram, id << 12 | length AS p
                     FROM texts, generate_series(1, char_length(norm) - 2) AS i) AS listed
               GROUP BY lang, gram"""
        )
        connection.execute(
            "INSERT INTO gram_counts SELECT lang, gram, cardinality(postings) FROM grams"
        )
        connection.execute("UPDATE schema_version SET version = 2")
    with PostgresMemory(url) as migrated, PostgresMemory(fresh) as new:
        assert migrated.schema_version() == SCHEMA_VERSION == 3
        assert postings(url) == postings(fresh)
        rng = random.Random(7)
        for stored in [*rng.sample(units, 100), units[-1]]:
            query = lightly_edit(stored.source, rng)
            found = migrated.lookup(query, "en", stored.target_lang)
            assert summary(found) == summary(new.lookup(query, "en", stored.target_lang))


def summary(matches: list[Match]) -> list[tuple[str, str, float, str]]:
    """What two memories holding the same units must agree on (not the dates they stored)."""
    return [(m.source, m.target, m.score, str(m.origin)) for m in matches]


def raw_version(memory: PostgresMemory) -> object:
    return raw(url_of(memory), "SELECT version FROM schema_version")[0][0]


def url_of(memory: PostgresMemory) -> str:
    return memory._conninfo


def _open_and_count(url: str) -> int:
    with PostgresMemory(url) as memory:
        return memory.stats()["units"]


def test_concurrent_first_use_migrates_once(url: str) -> None:
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        assert pool.map(_open_and_count, [url] * 4, chunksize=1) == [0] * 4
    assert raw(url, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]


def test_reopening_keeps_the_units_and_a_newer_schema_is_refused(url: str) -> None:
    with PostgresMemory(url) as memory:
        memory.add([unit("Dose", "Dosis")])
    with PostgresMemory(url) as memory:
        assert [u.target for u in memory.units()] == ["Dosis"]
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("UPDATE schema_version SET version = version + 1")
    with pytest.raises(TranslationMemoryError, match="newer"):
        PostgresMemory(url)


# -- credentials --------------------------------------------------------------------


def test_a_password_never_appears_in_errors_or_reprs(
    server: PostgresServer, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = url.rsplit("/", 1)[1]
    with open_memory(url) as memory:
        assert isinstance(memory, PostgresMemory)
        assert PASSWORD not in repr(memory) and PASSWORD not in str(memory)
        assert (
            repr(memory)
            == f"PostgresMemory('postgresql://l10n@127.0.0.1:{server.port}/{database}')"
        )
    closed_port = free_port()
    failures = {
        "connection refused": f"postgresql://l10n:{PASSWORD}@127.0.0.1:{closed_port}/tm",
        "password authentication failed": server.url(database, password=PASSWORD + "x"),
        'database "missing" does not exist': server.url("missing"),
        "not a valid PostgreSQL URL": f"postgresql://l10n:{PASSWORD}@127.0.0.1:{server.port}/db?bogus=1",
    }
    for reason, bad in failures.items():
        with pytest.raises(TranslationMemoryError) as caught:
            open_memory(bad)
        message = str(caught.value)
        assert reason in message and "127.0.0.1" in message, message
        assert PASSWORD not in message and PASSWORD not in repr(caught.value)
    refused = f"postgresql://l10n:{PASSWORD}@127.0.0.1:{closed_port}/tm"
    with pytest.raises(TranslationMemoryError) as caught:
        open_memory(refused)
    assert str(caught.value) == f"postgresql://l10n@127.0.0.1:{closed_port}/tm: connection refused"
    assert PASSWORD not in redact(refused) and PASSWORD not in redact(refused + "&x")


def test_credentials_come_from_the_pg_environment_variables(
    server: PostgresServer, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = url.rsplit("/", 1)[1]
    monkeypatch.setenv("PGHOST", "127.0.0.1")
    monkeypatch.setenv("PGPORT", str(server.port))
    monkeypatch.setenv("PGUSER", "l10n")
    monkeypatch.setenv("PGDATABASE", database)
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    with open_memory("postgresql://") as memory:
        memory.add([unit("Dose", "Dosis")])
        assert (
            repr(memory)
            == f"PostgresMemory('postgresql://l10n@127.0.0.1:{server.port}/{database}')"
        )
    monkeypatch.setenv("PGPASSWORD", PASSWORD + "-wrong")
    with pytest.raises(TranslationMemoryError, match="password authentication failed") as caught:
        open_memory("postgres://")
    assert PASSWORD not in str(caught.value)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- migration and equivalence ------------------------------------------------------


def mixed_units() -> list[Unit]:
    """Real units plus every field a unit can carry: origins, levels, contexts, dates."""
    units = django_units(10_000)
    return [
        *units,
        unit("Dose", "Dosis (MT)", MT),
        unit("Dose", "Dosis", msgctxt=""),
        unit("Dose", "Gabe", msgctxt=None, prev="Drug", next="Route", domain="faq"),
        replace(unit("Take it.", "Nehmen Sie es."), level="sentence"),
        unit("Interleukin-6 (IL-6)", "Interleukin-6 (IL-6)", Origin(OriginKind.TMX, "a.tmx")),
        Unit("Dose", "Доза", "en", "ru", HUMAN, created="2020-01-02T03:04:05+00:00"),
        Unit("Dosis", "Dose", "de", "en", HUMAN, updated="2021-01-01T00:00:00+00:00"),
    ]


def test_migrate_sqlite_to_postgresql_and_back_is_lossless(
    server: PostgresServer, url: str, tmp_path: Path
) -> None:
    units = mixed_units()
    with SqliteMemory(tmp_path / "start.sqlite3") as start:
        start.add(units[:6000])
        start.add(units[6000:])  # two batches: dates and order must survive anyway
        with PostgresMemory(url) as shared:
            assert migrate(start, shared) == len({u.content_hash for u in units})
            assert migrate(start, shared) == 0  # idempotent
            with SqliteMemory(tmp_path / "back.sqlite3") as back:
                assert migrate(shared, back) == shared.stats()["units"]
                memories = (start, shared, back)
                for lang in ("en", "de"):
                    exports = []
                    for index, memory in enumerate(memories):
                        path = tmp_path / f"{index}-{lang}.tmx"
                        export_tmx(memory, path, lang)
                        exports.append(path.read_bytes())
                    assert exports[0] == exports[1] == exports[2]
                assert [astuple(u) for u in start.units()] == [astuple(u) for u in back.units()]
                assert start.stats() == shared.stats() == back.stats()
                assert start.breakdown() == shared.breakdown() == back.breakdown() != []


def test_both_backends_find_and_rank_the_same_candidates(url: str, tmp_path: Path) -> None:
    units = django_units(10_000)
    with SqliteMemory(tmp_path / "tm.sqlite3") as lite, PostgresMemory(url) as pg:
        lite.add(units)
        migrate(lite, pg)
        rng = random.Random(11)
        queries = [(u, lightly_edit(u.source, rng)) for u in rng.sample(units, 300)]
        queries += [(u, u.source) for u in rng.sample(units, 100)]
        for stored, query in queries:
            # The same candidates (pipeline.memory.candidates), the same scoring and ranking:
            # the same proposals, dates included (migrate keeps them).
            ours = pg.lookup(query, "en", stored.target_lang)
            assert ours == lite.lookup(query, "en", stored.target_lang), query


# -- concurrency --------------------------------------------------------------------


def _add_range(url: str, start: int, stop: int) -> int:
    units = [
        unit(f"Patient {n} received {n % 7 + 1} doses.", f"Patient {n}: {n % 7 + 1} Dosen.", MT)
        for n in range(start, stop)
    ]
    with PostgresMemory(url) as memory:
        added = sum(memory.add(units[at : at + 100]) for at in range(0, len(units), 100))
        memory.add([replace(u, origin=HUMAN) for u in units[::10]])  # humans confirm some
        return added


def test_concurrent_writers_lose_and_duplicate_nothing(url: str) -> None:
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        results = [
            pool.apply_async(_add_range, (url, start, start + 3000)) for start in (0, 1000, 2000)
        ]
        added = sum(result.get(timeout=120) for result in results)
    assert added == 5000  # units written by several processes count once
    with PostgresMemory(url) as memory:
        units = list(memory.units())
        stats = memory.stats()
    assert len(units) == len({u.content_hash for u in units}) == 5000
    # Every tenth unit was confirmed by a human, whichever process wrote it first.
    assert (stats["human"], stats["mt"]) == (500, 4500)
    assert all((u.origin == HUMAN) == (int(u.source.split()[1]) % 10 == 0) for u in units)


def test_a_reader_never_sees_half_an_import(memory: PostgresMemory) -> None:
    batch = [unit(f"Dose {n} mg", f"Dosis {n} mg") for n in range(20_000)]
    seen: set[int] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.add(memory.stats()["units"])

    reader = threading.Thread(target=read)
    reader.start()
    try:
        assert memory.add(batch) == 20_000
        with pytest.raises(ValueError, match="level"):
            memory.add([unit("Route", "Weg"), replace(unit("Dose", "Dosis"), level="word")])
    finally:
        done.set()
        reader.join()
    assert seen <= {0, 20_000}
    assert memory.stats()["units"] == 20_000


PREFILL_LANGS = ("de", "fr", "es", "ru")
WORDS = (
    "blood", "cell", "dose", "week", "patient", "doctor", "clinic", "therapy", "infusion", "fever",
    "monitoring", "nurse", "result", "study", "response", "remission", "relapse", "marker",
    "sample", "laboratory", "culture", "vector", "gene", "receptor", "target", "antigen", "tumor",
    "lymph", "node", "scan", "plan", "visit", "stay", "cost", "insurance", "consent", "risk",
    "benefit", "symptom", "fatigue", "rash", "pain", "appetite", "sleep", "water", "diet",
    "exercise", "family", "travel", "home", "follow-up", "report", "record", "question", "answer",
    "team", "specialist", "centre", "protocol", "trial", "phase", "approval", "review",
)  # fmt: skip


def many_pages(paragraphs: int = 60) -> dict[str, str]:
    """Three pages of ``paragraphs`` short sentences in all, no two alike enough for a
    memory match, so that every one goes to the machine."""
    rng = random.Random(7)
    texts = [" ".join(rng.sample(WORDS, 6)).capitalize() + "." for _ in range(paragraphs)]
    return {f"page-{n}": "\n\n".join(texts[n::3]) + "\n" for n in range(3)}


def _prefill_one(project: str, url: str, engine_url: str, lang: str) -> int:
    config = load_config(Path(project))
    with PostgresMemory(url) as memory:
        translator = make_translator(config, "libre", engine_url)
        report = prefill(config, memory, translator, [lang])
    assert not report.errors, report.errors
    return report.languages[0].from_machine


def _import(url: str, tmx: str) -> int:
    with PostgresMemory(url) as memory:
        return import_tmx(memory, tmx, "en", ["ar"])


def memory_state(url: str) -> list[tuple[object, ...]]:
    with PostgresMemory(url) as memory:
        units = [replace(u, created="", updated="") for u in memory.units()]
    return sorted(astuple(u) for u in units)


def catalog_texts(project: Path) -> dict[str, str]:
    return {
        str(path.relative_to(project)): "\n".join(
            line for line in path.read_text().splitlines() if "PO-Revision-Date" not in line
        )
        for path in sorted((project / "locales").glob("*/LC_MESSAGES/*.po"))
    }


def test_four_prefills_and_an_import_at_once_end_as_if_run_in_turn(
    server: PostgresServer, tmp_path: Path
) -> None:
    # The TMX holds Arabic translations of the site's own sources: the importer and the
    # prefills write the same source texts at once, but no prefill can use an Arabic unit.
    template = make_project(tmp_path / "template", many_pages(), PREFILL_LANGS)
    l10n(template, "update")
    with SqliteMemory(tmp_path / "ar.sqlite3") as arabic:
        config = load_config(template)
        sources = sorted(
            {
                line[len('msgid "') : -1]
                for path in (template / "locales" / "de" / "LC_MESSAGES").glob("*.po")
                for line in path.read_text().splitlines()
                if line.startswith('msgid "') and len(line) > 9
            }
        )
        arabic.add(Unit(s, f"[ar] {s}", "en", "ar", HUMAN) for s in sources)
        tmx = tmp_path / "ar.tmx"
        export_tmx(arabic, tmx, config.source_language)
    engine = start_server()
    try:
        concurrent_url, sequential_url = server.create_database(), server.create_database()
        for url in (concurrent_url, sequential_url):
            PostgresMemory(url).close()  # schema first: the race under test is the writing
        projects = {}
        for name in ("concurrent", "sequential"):
            projects[name] = make_project(tmp_path / name, many_pages(), PREFILL_LANGS)
            for lang_dir in (template / "locales").iterdir():
                shutil.copytree(lang_dir, projects[name] / "locales" / lang_dir.name)
        jobs = [
            (_prefill_one, (str(projects["concurrent"]), concurrent_url, engine.url, lang))
            for lang in PREFILL_LANGS
        ] + [(_import, (concurrent_url, str(tmx)))]
        with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
            pending = [pool.apply_async(function, args) for function, args in jobs]
            # A guard against a hang, not a speed target: a loaded machine runs this for a minute.
            concurrent = [result.get(timeout=300) for result in pending]
        sequential = [
            _prefill_one(str(projects["sequential"]), sequential_url, engine.url, lang)
            for lang in PREFILL_LANGS
        ] + [_import(sequential_url, str(tmx))]
    finally:
        engine.stop()
    assert concurrent == sequential
    assert all(count > 50 for count in concurrent), concurrent
    state = memory_state(concurrent_url)
    assert state == memory_state(sequential_url)
    with PostgresMemory(concurrent_url) as memory:
        stats = memory.stats()
    # A TMX file cannot make its units human: they are recorded as tmx:<file>.
    assert stats["tmx"] == len(sources) and stats["mt"] > 4 * 50
    assert stats["units"] == len(state) == stats["tmx"] + stats["mt"]
    assert catalog_texts(projects["concurrent"]) == catalog_texts(projects["sequential"])


def test_the_cli_migrates_the_project_memory_and_never_prints_the_password(
    url: str, tmp_path: Path
) -> None:
    project = make_project(
        tmp_path / "site",
        SAMPLE_PAGES,
        ["ru", "de"],
        translations={"ru": tagged("ru"), "de": tagged("de")},
    )
    l10n(project, "tm", "rebuild")
    result = l10n(project, "tm", "migrate", "--to", url)
    password = urlsplit(url).password
    assert "new units" in result.output
    assert not password or password not in result.output
    with (
        open_memory(url) as migrated,
        open_memory(str(project / ".l10n" / "memory.sqlite3")) as local,
    ):
        assert migrated.stats()["units"] == local.stats()["units"] > 0
