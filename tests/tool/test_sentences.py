"""Sentence segmentation, alignment and sentence-level leverage on update."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.build import build
from pipeline.catalogs.merge import merge
from pipeline.config import load_config
from pipeline.memory.sentences import (
    SentenceLeverage,
    align,
    anchors,
    short_diff,
)
from pipeline.memory.sqlite import SqliteMemory
from pipeline.memory.sync import remember_reviewed
from pipeline.memory.units import Unit
from pipeline.model import Catalog, Entry, Origin, OriginKind
from pipeline.po.reader import read_catalog
from pipeline.text.sentences import split_sentences
from tests.projects import SAMPLE_PAGES, make_project, msgfmt_check, tagged


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Fever, e.g. chills, is common. Dr. Lee saw approx. 5 patients, ca. 10% of them.",
         ["Fever, e.g. chills, is common.", "Dr. Lee saw approx. 5 patients, ca. 10% of them."]),
        ("de", "Fieber, z. B. Schüttelfrost, ist häufig. Dr. Roth sah ca. 5 Patienten usw. "
               "Der Rest nicht.",
         ["Fieber, z. B. Schüttelfrost, ist häufig.", "Dr. Roth sah ca. 5 Patienten usw.",
          "Der Rest nicht."]),
        ("ru", "Симптомы, т. е. лихорадка, проходят. Осмотрено ок. 5 пациентов и т. д. "
               "Остальные здоровы.",
         ["Симптомы, т. е. лихорадка, проходят.", "Осмотрено ок. 5 пациентов и т. д.",
          "Остальные здоровы."]),
        ("es", "Los síntomas, p. ej. fiebre, pasan. Se vieron aprox. 5 pacientes, etc. "
               "El resto sanó.",
         ["Los síntomas, p. ej. fiebre, pasan.", "Se vieron aprox. 5 pacientes, etc.",
          "El resto sanó."]),
        ("fr", "Les symptômes, p. ex. la fièvre, passent. On a vu env. 5 patients. "
               "Le reste va bien.",
         ["Les symptômes, p. ex. la fièvre, passent.", "On a vu env. 5 patients.",
          "Le reste va bien."]),
        ("ar", "تشمل الأعراض الحمى، والتعب. رأى الطبيب 5 مرضى: كلهم بخير. هل تعافوا؟ نعم.",
         ["تشمل الأعراض الحمى، والتعب.", "رأى الطبيب 5 مرضى: كلهم بخير.", "هل تعافوا؟", "نعم."]),
    ],
)  # fmt: skip
def test_sentences_respect_abbreviations(lang: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, lang) == expected


def test_markdown_spans_are_never_split() -> None:
    text = (
        "See [the FAQ. Details](https://x.org/a.b) now. Check **Note. Here.** first. "
        "Visit https://clinic.example/a.html. Hello {name}. Run `a. b` once."
    )
    assert split_sentences(text, "en") == [
        "See [the FAQ. Details](https://x.org/a.b) now.",
        "Check **Note. Here.** first.",
        "Visit https://clinic.example/a.html.",
        "Hello {name}.",
        "Run `a. b` once.",
    ]


def test_anchors_ignore_separators_and_hyphen_kinds() -> None:
    assert anchors("IL-6 at 1.5 mg; 100,000 cells; PD‑L1") == anchors(
        "IL-6 bei 1,5 mg; 100 000 Zellen; PD-L1"
    )
    assert anchors("CD19") != anchors("CD22")


SOURCE = "CAR-T is safe. Symptoms include fever and fatigue. Most cases resolve within 14 days."
TARGET = (
    "CAR-T безопасна. Симптомы включают лихорадку и слабость. "
    "Большинство случаев проходит за 14 дней."
)


def test_align_pairs_sentences_in_order() -> None:
    pairs = align(SOURCE, TARGET, "en", "ru")
    assert pairs is not None
    assert [p.target for p in pairs] == split_sentences(TARGET, "ru")


@pytest.mark.parametrize(
    "target",
    [
        "CAR-T безопасна. Симптомы включают лихорадку и слабость, большинство проходит за 14 дней.",
        "CAR-T безопасна. Симптомы включают лихорадку и слабость. "
        "Большинство случаев проходит за 10 дней.",
        # The same count, but the long sentence is not where the long one is.
        "Безопасна, и это подтверждено многими многолетними исследованиями. "
        "Симптомы. Проходят за 14 дней.",
    ],
)
def test_align_refuses_when_unsure(target: str) -> None:
    assert align(SOURCE, target, "en", "ru") is None


def _rebuilt(old_source: str, new_source: str, memory: SqliteMemory | None = None) -> Entry:
    old = Catalog([Entry(old_source, TARGET)], lang="ru", domain="safety")
    template = Catalog([Entry(new_source)], domain="safety")
    hook = SentenceLeverage("en", "ru", memory, today="2026-11-27")
    (entry,) = merge(old, template, leverage=hook).catalog.active()
    return entry


def test_changed_sentence_keeps_the_others_word_for_word() -> None:
    new = SOURCE.replace("fever and fatigue", "fever, chills and fatigue")
    entry = _rebuilt(SOURCE, new)
    target = split_sentences(TARGET, "ru")
    assert entry.fuzzy and entry.previous_msgid == SOURCE
    assert entry.msgstr == f"{target[0]} Symptoms include fever, chills and fatigue. {target[2]}"
    assert (
        "sentence 2 changed: «…include fever and…» → «…include fever, chills and…»"
        in entry.translator_comments
    )
    assert (
        "sentences 1, 3 of 3 carried over from the reviewed translation"
        in entry.translator_comments
    )
    assert any(
        c.startswith("suggestion: sentences ") and "2026-11-27" in c
        for c in entry.translator_comments
    )


def test_added_removed_and_swapped_sentences() -> None:
    first, second, third = split_sentences(TARGET, "ru")
    added = _rebuilt(SOURCE, SOURCE + " Ask your doctor.")
    assert added.msgstr == f"{first} {second} {third} Ask your doctor."
    assert "sentence 4 added: «Ask your doctor.»" in added.translator_comments
    # Too short a block for the merge to match once a sentence is gone: rebuild directly.
    hook = SentenceLeverage("en", "ru")
    removed = hook.rebuild(SOURCE, TARGET, "CAR-T is safe. Most cases resolve within 14 days.")
    assert removed is not None and removed.target == f"{first} {third}"
    assert "sentence removed: «Symptoms include fever and fatigue.»" in removed.comments
    swapped = _rebuilt(
        SOURCE,
        "Symptoms include fever and fatigue. CAR-T is safe. Most cases resolve within 14 days.",
    )
    assert swapped.msgstr == f"{second} {first} {third}"
    assert "sentences reordered: check the joins" in swapped.translator_comments


def test_changed_sentence_takes_the_best_memory_match(tmp_path: Path) -> None:
    with SqliteMemory(tmp_path / "memory.sqlite3") as memory:
        sentence = "Symptoms include fever, chills and fatigue."
        origin = Origin(OriginKind.MACHINE, "libre")
        memory.add(
            [
                Unit(
                    sentence,
                    "Симптомы: лихорадка, озноб, слабость.",
                    "en",
                    "ru",
                    origin,
                    level="sentence",
                )
            ]
        )
        entry = _rebuilt(
            SOURCE, SOURCE.replace("Symptoms include fever and fatigue.", sentence), memory
        )
    assert "Симптомы: лихорадка, озноб, слабость." in entry.msgstr
    assert "machine translation (libre) (sentence 2)" in entry.translator_comments
    assert any(
        c.startswith("suggestion: ") and "from mt:libre" in c and c.endswith("(sentence 2)")
        for c in entry.translator_comments
    )


def test_unalignable_block_is_left_as_msgmerge_leaves_it() -> None:
    old = Catalog([Entry(SOURCE, "Всё в порядке.")], lang="ru", domain="safety")
    hook = SentenceLeverage("en", "ru")
    (entry,) = merge(old, Catalog([Entry(SOURCE + " Ask.")]), leverage=hook).catalog.active()
    assert entry.msgstr == "Всё в порядке." and entry.fuzzy and not hook.rebuilt


def test_new_block_is_assembled_only_from_exact_sentences(tmp_path: Path) -> None:
    with SqliteMemory(tmp_path / "memory.sqlite3") as memory:
        reviewed = Catalog([Entry(SOURCE, TARGET)], lang="ru", domain="safety")
        project = make_project(tmp_path / "p", {"safety": SOURCE}, ["ru"])
        remember_reviewed(load_config(project), memory, [reviewed])
        assert memory.stats()["sentence"] == 3
        hook = SentenceLeverage("en", "ru", memory)
        fresh, partly = (
            Entry("Most cases resolve within 14 days. CAR-T is safe."),
            Entry("CAR-T is safe. New."),
        )
        hook(fresh, None)
        hook(partly, None)
    first, _, third = split_sentences(TARGET, "ru")
    assert fresh.msgstr == f"{third} {first}" and fresh.fuzzy
    assert "suggestion: sentences 100% from sentences:memory" in " ".join(fresh.translator_comments)
    assert partly.msgstr == "" and not partly.translator_comments


CRS = (
    "**Cytokine Release Syndrome (CRS)** is one of the most common side effects, resulting from "
    "rapid immune activation and elevated cytokine levels. Symptoms may include fever, fatigue, "
    "and inflammatory responses. Clinically, CRS is carefully graded and treated using targeted "
    "therapies such as IL-6 inhibitors (e.g., tocilizumab), along with supportive care measures."
)
CRS_RU = (
    "**Синдром высвобождения цитокинов (СВЦ)** — один из наиболее частых побочных эффектов, "
    "возникающий вследствие быстрой активации иммунной системы и повышения уровня цитокинов. "
    "Симптомы могут включать лихорадку, слабость и воспалительные реакции. В клинической "
    "практике тяжесть СВЦ тщательно оценивается по степеням, а для лечения применяются "
    "препараты направленного действия — ингибиторы IL-6, например тоцилизумаб (tocilizumab), "
    "— наряду с мерами сопроводительной терапии."
)


def test_build_carries_unchanged_sentences(tmp_path: Path) -> None:
    project = make_project(
        tmp_path / "p",
        {"safety": f"## Risks\n\n{CRS}\n"},
        ["ru"],
        translations={"ru": {"Safety": "Безопасность", "Risks": "Риски", CRS: CRS_RU}},
    )
    config = load_config(project)
    first = build(config, languages=["ru"])
    assert not first.errors
    page = project / "source" / "safety.md"
    old = "Symptoms may include fever, fatigue, and inflammatory responses."
    page.write_text(
        page.read_text("utf-8").replace(old, old.replace("fever,", "fever, chills,")), "utf-8"
    )
    assert not build(config, languages=["ru"]).errors
    path = project / "locales" / "ru" / "LC_MESSAGES" / "safety.po"
    (entry,) = [e for e in read_catalog(path, "ru", "safety").active() if "chills" in e.msgid]
    assert entry.fuzzy and entry.previous_msgid is not None
    assert (
        "sentences 1, 3 of 3 carried over from the reviewed translation"
        in entry.translator_comments
    )
    assert msgfmt_check(path) == ""


def test_short_diff_shows_the_changed_stretch() -> None:
    assert short_diff("a b c d e", "a b X d e") == ("…b c d…", "…b X d…")


def test_sentence_pieces_keep_every_character_and_the_abbreviation_rules() -> None:
    from pipeline.text.sentences import sentence_pieces

    text = "  The dose is approx. 5 mg per kg.  Then stop. "
    pieces = sentence_pieces(text, "en")
    assert "".join(pieces) == text
    assert [piece.strip() for piece in pieces] == split_sentences(text, "en")
    assert pieces == ["  The dose is approx. 5 mg per kg.  ", "Then stop. "]
    assert sentence_pieces("", "en") == []


def test_one_base_language_and_one_segmenter_language_list() -> None:
    import pysbd

    from pipeline.checks import framework, langid
    from pipeline.text import glossary, languages, sentences

    for module in (framework, langid, glossary, sentences):
        assert module.base_language is languages.base_language
    assert frozenset(pysbd.languages.LANGUAGE_CODES) == sentences.SEGMENTER_LANGUAGES


def test_remembering_splits_each_source_block_once_whatever_the_cache_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Catalogs come language by language; a site's source may outgrow the split
    cache. Remembering goes domain by domain, so each source block is split once."""
    import functools

    import pipeline.text.sentences

    project = make_project(
        tmp_path / "p",
        {slug: SAMPLE_PAGES[slug] for slug in ("faq", "safety", "cost")},
        ["ru", "de", "es"],
        translations={lang: tagged(lang) for lang in ("ru", "de", "es")},
    )
    config = load_config(project)
    catalogs = [
        read_catalog(config.catalog_path(lang, domain), lang, domain)
        for lang in ("ru", "de", "es")
        for domain in ("faq", "safety", "cost")
    ]
    # Room for one domain's source and target blocks, not for all the source blocks.
    largest = max(len(c.entries) for c in catalogs)
    small = functools.lru_cache(maxsize=2 * largest + 2)(pipeline.text.sentences._split.__wrapped__)
    monkeypatch.setattr(pipeline.text.sentences, "_split", small)
    with SqliteMemory(tmp_path / "memory.sqlite3") as memory:
        remember_reviewed(config, memory, catalogs)
    source_blocks = {e.msgid for c in catalogs for e in c.active() if e.translated}
    target_blocks = {(e.msgstr, c.lang) for c in catalogs for e in c.active() if e.translated}
    assert len(source_blocks) > 2 * largest + 2
    assert small.cache_info().misses <= len(source_blocks) + len(target_blocks)
