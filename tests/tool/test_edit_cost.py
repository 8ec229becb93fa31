"""The work after an edit is proportional to what changed, and the fast paths change nothing.

- The memory sync puts in again only entries whose text, translation, flags,
  comments or neighbours changed since the last sync, and aligns only those
  whose text or translation changed.
- Screening checks only entries that changed since the file was last screened,
  and the findings it carries over point at the entries' new lines.
- The sentence splitter gives pysbd's boundaries on the shipped catalogs; a
  word count without markup equals the parsed one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pysbd
import pytest

from pipeline.checks.framework import QAContext
from pipeline.checks.stats import _WORD, word_count
from pipeline.config import Config
from pipeline.memory import sentences as memory_sentences
from pipeline.memory.sqlite import SqliteMemory
from pipeline.memory.sync import remember_reviewed
from pipeline.model import Catalog, Entry
from pipeline.po.reader import read_catalog
from pipeline.site import choose
from pipeline.site.choose import screen
from pipeline.text import sentences as sentences_module
from pipeline.text.inline import prose
from pipeline.text.sentences import _MAYBE_FINAL, pysbd_sentences, split_sentences

REPO = Path(__file__).resolve().parents[2]
ENGLISH = [
    f"Patients in group {n} rest for a week. Doctors check them daily. Most go home soon."
    for n in range(12)
]
GERMAN = [
    f"Patienten der Gruppe {n} ruhen eine Woche. Ärzte prüfen sie täglich. Die meisten gehen "
    "bald heim."
    for n in range(12)
]


def catalog(english: list[str], german: list[str]) -> Catalog:
    pairs = enumerate(zip(english, german, strict=True))
    entries = [Entry(s, t, lineno=10 * n + 1) for n, (s, t) in pairs]
    return Catalog(entries, lang="de", domain="page")


@pytest.fixture
def aligned(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The source blocks the sync aligns, in order."""
    seen: list[str] = []
    real = memory_sentences.align

    def spy(source: str, target: str, source_lang: str, target_lang: str):  # type: ignore[no-untyped-def]
        seen.append(source)
        return real(source, target, source_lang, target_lang)

    monkeypatch.setattr(memory_sentences, "align", spy)
    yield seen


def test_the_sync_aligns_only_the_entries_that_changed(tmp_path: Path, aligned: list[str]) -> None:
    config = Config(root=tmp_path)
    record: dict[str, frozenset[bytes]] = {}
    with SqliteMemory(tmp_path / "memory.sqlite3") as memory:
        first = remember_reviewed(config, memory, [catalog(ENGLISH, GERMAN)], record)
        # 12 blocks; their sentences: 12 distinct first ones, and two all blocks share.
        assert first == 12 + 12 + 2 and len(aligned) == 12
        aligned.clear()
        assert remember_reviewed(config, memory, [catalog(ENGLISH, GERMAN)], record) == 0
        assert aligned == []
        edited = list(GERMAN)
        edited[5] = edited[5].replace("täglich", "jeden Tag")
        added = remember_reviewed(config, memory, [catalog(ENGLISH, edited)], record)
        assert aligned == [ENGLISH[5]]
        assert added == 1 + 1  # the block and its one changed sentence
        units = {(u.source, u.target) for u in memory.units(target_lang="de")}
        assert ("Doctors check them daily.", "Ärzte prüfen sie jeden Tag.") in units


def test_a_neighbour_changed_stores_the_block_again_without_aligning_it(
    tmp_path: Path, aligned: list[str]
) -> None:
    config = Config(root=tmp_path)
    record: dict[str, frozenset[bytes]] = {}
    with SqliteMemory(tmp_path / "memory.sqlite3") as memory:
        remember_reviewed(config, memory, [catalog(ENGLISH, GERMAN)], record)
        aligned.clear()
        english, german = list(ENGLISH), list(GERMAN)
        del english[4], german[4]
        remember_reviewed(config, memory, [catalog(english, german)], record)
        assert aligned == []  # no text changed: no sentence to align again
        neighbours = {
            (u.source, u.prev, u.next) for u in memory.units(target_lang="de") if u.level == "block"
        }
        assert (ENGLISH[5], ENGLISH[3], ENGLISH[6]) in neighbours  # its new context


def test_without_a_record_every_entry_is_synced(tmp_path: Path, aligned: list[str]) -> None:
    with SqliteMemory(tmp_path / "memory.sqlite3") as memory:
        remember_reviewed(Config(root=tmp_path), memory, [catalog(ENGLISH, GERMAN)])
        remember_reviewed(Config(root=tmp_path), memory, [catalog(ENGLISH, GERMAN)])
    assert len(aligned) == 24


def _context() -> QAContext:
    return QAContext(lang="de", domain="page", file="locales/de/LC_MESSAGES/page.po")


def test_screening_checks_only_changed_entries_and_moves_their_findings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    german = list(GERMAN)
    german[7] = german[7].replace("Gruppe 7", "Gruppe 8")  # a wrong number: an error finding
    before = screen(catalog(ENGLISH, german), "page.po", _context(), False)
    assert before.findings and {f.line for f in before.findings} == {71}
    checked: list[str] = []
    real = choose.check_entry
    monkeypatch.setattr(choose, "check_entry", lambda e, c: checked.append(e.msgid) or real(e, c))
    english = ["Inserted at the top.", *ENGLISH]
    moved = catalog(english, ["Oben eingefügt.", *german])
    after = screen(moved, "page.po", _context(), False, earlier=before.verdicts)
    assert checked == ["Inserted at the top."]
    fresh = screen(moved, "page.po", _context(), False)
    assert after.findings == fresh.findings and {f.line for f in after.findings} == {81}
    assert {k: c.problem for k, c in after.candidates.items()} == {
        k: c.problem for k, c in fresh.candidates.items()
    }


def shipped_texts() -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for path in sorted((REPO / "locales").glob("*/LC_MESSAGES/*.po")):
        lang = path.parent.parent.name
        for entry in read_catalog(path, lang).active():
            if entry.msgid:
                texts += [(entry.msgid, "en"), (entry.msgstr, lang)]
    return list(dict.fromkeys(t for t in texts if t[0]))


def test_the_splitter_gives_pysbds_boundaries_on_the_shipped_catalogs() -> None:
    texts = shipped_texts()
    assert len(texts) > 500
    different = [t for t in texts if split_sentences(*t) != pysbd_sentences(*t)]
    assert different == []


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", 'Go now. "File" is here. Done.'),
        ("en", '"file" La opción es buena. Otra.'),
        ("en", "Use the CAR-T. Then rest (GMP). Order {order.code} is paid. Fine!"),
        ("en", "It costs 3.5 dollars. Call Dr. Smith now. See example.com today. Ok."),
        ("de", "Das ist gut. Dann ruhen Sie z. B. eine Woche usw. Der Rest nicht."),
        ("ar", "من أبرز العوامل المؤثرة في التكلفة نوعُ العلاج المستخدم. فعلاج CAR-T هو الأعلى."),
        ("ar", "تشمل الأعراض الحمى والتعب. رأى الطبيب المرضى. هل تعافوا؟ نعم."),
        ("ja", "注文を再有効化します。これは可能です。「注意。」を見てください。"),
        ("en", ":?.! Wow! that is it. Yahoo! Mail works."),
        ("ar", "الأقواس ”{“ والختامية ”}“ في العناصر. يرجى ملاحظة أنه ”{{“ و ”}}“."),
        ("en", "Close ) then open (here. Go on) now. End."),
        ("en", "\n    Calendar for %(datetime)s\n    "),
        ("fr", "Ligne une\n\nLigne deux\r\n- troisième"),
        ("en", "First line. Second sentence\nthen a line. Done."),
        ("en", "1) one\n2) two\na) three"),
        ("en", "Solid tumours (breast, lung, etc.)"),
        ("ja", "Excel (.xlsx)"),
        ("ja", "番号が割り当てられています (入れ子になった番号の toctree ?)"),
        ("en", "Line one. Line two\n\nThen (a. b.) here. End"),
        ("de", "\n %(n)s a.m. CAR-T said: Fig. AML. 1) „Ja.“ e.g. said: a.m. St. b.)"),
    ],
)
def test_the_splitter_agrees_with_pysbd_where_its_rules_are_odd(lang: str, text: str) -> None:
    assert split_sentences(text, lang) == pysbd_sentences(text, lang)


def test_every_abbreviation_that_may_end_a_sentence_ends_with_a_period() -> None:
    # The splitter skips looking for them in a sentence without a period.
    assert all(a.endswith(".") for found in _MAYBE_FINAL.values() for a in found)


def test_a_word_count_without_markup_is_the_parsed_one() -> None:
    texts = [text for text, _ in shipped_texts()]
    texts += ["Plain words, 3.5 of them.", "A [link](https://x.org) and `code`.", "{price} now"]
    assert all(word_count(t) == len(_WORD.findall(prose(t))) for t in texts)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Rest now. Rest now. Rest now."),  # one sentence thrice: each piece found anew
        ("en", "Go.\u00a0Then rest.\u2003 Done!  \n Fine."),  # Unicode spaces follow a piece
        ("de", "Das ist z. B. gut. Dann (wie hier.) ruhen. „Zitat. Ende.“ Weiter."),
        ("en", "a. b. a. b."),
    ],
)
def test_pysbds_sentences_are_found_in_the_text_as_pysbd_finds_them(lang: str, text: str) -> None:
    segmenter = pysbd.Segmenter(language=lang, clean=False)
    assert sentences_module._segmented(segmenter, text) == segmenter.segment(text)


def test_pysbds_sentences_are_found_as_pysbd_finds_them_on_the_shipped_catalogs() -> None:
    for text, lang in shipped_texts():
        code = sentences_module._pysbd_code(lang)
        segmenter = pysbd.Segmenter(language=code, clean=False)
        assert sentences_module._segmented(segmenter, text) == segmenter.segment(text), text


def test_splitting_again_compiles_no_regular_expression(monkeypatch: pytest.MonkeyPatch) -> None:
    import re._compiler

    texts = shipped_texts()
    sentences_module._split.cache_clear()
    first = [split_sentences(*t) for t in texts]
    compiled: list[object] = []
    real = re._compiler.compile
    monkeypatch.setattr(re._compiler, "compile", lambda *a: compiled.append(a) or real(*a))
    sentences_module._split.cache_clear()
    assert [split_sentences(*t) for t in texts] == first
    assert compiled == []  # pysbd's patterns for all five languages stay compiled
