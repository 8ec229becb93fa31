"""Language identification: accuracy on Django's real translations, sentences, stripping."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import polib
import pytest

from pipeline.checks.langid import MIN_LETTERS, LanguageIdentifier, identifier
from pipeline.checks.prose import letter_count, plain_text

PROJECT = ("en", "ru", "de", "es", "ar", "fr")
_SPEC = importlib.util.find_spec("django")
assert _SPEC is not None and _SPEC.origin is not None, "django is a test dependency"
DJANGO = Path(_SPEC.origin).parent
# Measured accuracy on strings of at least MIN_LETTERS letters was 99.3-100%;
# the bar leaves room for a new Django release's catalogs.
ACCURACY_BAR = 0.97


def django_translations(lang: str) -> list[str]:
    texts: list[str] = []
    for path in sorted(DJANGO.glob(f"**/locale/{lang}/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(path)):
            if entry.translated() and not entry.obsolete:
                texts.extend([entry.msgstr] if entry.msgstr else entry.msgstr_plural.values())
    return list(dict.fromkeys(t for t in texts if t))


@pytest.mark.parametrize("lang", ["ru", "de", "es", "ar", "fr"])
def test_accuracy_on_django_catalogs(lang: str) -> None:
    ident = identifier(PROJECT)
    texts = django_translations(lang)
    assert len(texts) > 300, "Django's catalogs should be in the venv"
    long_texts = [t for t in texts if letter_count(plain_text(t)) >= MIN_LETTERS]
    ident.prefetch(long_texts)
    correct = sum(ident.identify(t)[0] == lang for t in long_texts)
    accuracy = correct / len(long_texts)
    ident.screen(texts)
    false_alarms = [t for t in texts if ident.mismatch(t, lang, 0.75)]
    print(
        f"\n{lang}: {accuracy:.1%} of {len(long_texts)} strings ≥{MIN_LETTERS} letters; "
        f"{len(false_alarms)} false alarm(s) among all {len(texts)} strings"
    )
    assert accuracy >= ACCURACY_BAR
    assert len(false_alarms) <= len(texts) // 200, false_alarms[:5]


# A paragraph as a clinic's page arrived: four English sentences and a Russian one.
MIXED_PARAGRAPH = (
    "One of the primary factors affecting cost is the type of therapy used. CAR-T therapy is "
    "generally the most expensive due to the need for genetic engineering of the patient’s "
    "T-cells. This process involves sophisticated technologies, viral or non-viral gene transfer "
    "systems, and extensive quality control, all of which contribute to higher costs. In "
    "contrast, NK cell therapy or non-modified T-cell therapies may be less expensive, although "
    "costs can still be substantial depending on the level of cell expansion and activation "
    "required. комбинированные протоколы, включающие несколько типов клеточной терапии, как "
    "правило, увеличивают общую стоимость, но при этом могут обеспечивать более выраженный "
    "терапевтический эффект."
)


def test_mixed_paragraph_russian_sentence_is_found() -> None:
    paragraph = MIXED_PARAGRAPH
    ident = identifier(PROJECT)
    sentences = ident.identify_sentences(paragraph)
    assert [lang for _, lang, _ in sentences] == ["en", "en", "en", "en", "ru"]
    assert sentences[-1][0].startswith("комбинированные протоколы")
    assert sentences[-1][2] > 0.95
    verdict = ident.mismatch(sentences[-1][0], "en", 0.75)
    assert verdict is not None and verdict.describe().startswith("Russian (1.00)")
    assert ident.mismatch(paragraph, "en", 0.75) is None  # mostly English as a whole


def test_confusables_tell_ukrainian_from_russian() -> None:
    ident = identifier(["en", "ru"])
    assert "uk" in ident.languages and "bg" in ident.languages
    lang, confidence = ident.identify(
        "Госпіталізація зазвичай потрібна для інфузії та ретельного спостереження."
    )
    assert lang == "uk" and confidence > 0.9


def test_plain_text_strips_markup_urls_numbers_and_terms() -> None:
    text = "**CAR-T** costs from {cost_from} (70–90%), see [the study](https://nejm.org/x) `code`"
    assert plain_text(text, ("CAR-T",)) == "costs from ( – %), see the study"
    assert plain_text("Example: flatpages/contact_page.html or .allow_empty") == "Example: or"


def test_identifier_is_built_once() -> None:
    assert identifier(["fr", "en"]) is identifier(["en", "fr"])


def test_sentences_are_split_by_the_pipeline_rules_not_a_second_splitter() -> None:
    from pipeline.checks.langid import identifier
    from pipeline.text.sentences import split_sentences

    text = "The dose is approx. 5 mg per kg. Then stop."
    assert identifier(["en", "ru"]).sentences(text) == split_sentences(text, "en")
    assert split_sentences(text, "en") == ["The dose is approx. 5 mg per kg.", "Then stop."]


def test_prepare_leaves_text_too_short_to_judge_to_no_detector() -> None:
    # A fresh identifier (not the shared one), so that no earlier test's answers count.
    ident = LanguageIdentifier(("de", "en", "fr"))
    short, german = "Kontakt (12)", "Die Behandlung beginnt mit einer gründlichen Untersuchung."
    english = "The treatment starts with a thorough examination of every patient."
    ident.prepare([(short, "de"), (german, "de"), (english, "de")])
    full, screen, _ = ident.answers()
    assert short not in full and short not in screen
    assert german in screen and english in full
    assert ident.mismatch(short, "de", 0.75) is None
    assert ident.mismatch(english, "de", 0.75) is not None


def test_prepare_reads_no_text_again_that_has_its_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    # A build after an edit passes every entry it shows; all but the changed are answered.
    ident = LanguageIdentifier(("de", "en", "fr"))
    german = "Die Behandlung beginnt mit einer gründlichen Untersuchung."
    english = "The treatment starts with a thorough examination of every patient."
    ident.prepare([(german, "de"), (english, "de")])
    judged: list[str] = []
    real = LanguageIdentifier._judgeable
    monkeypatch.setattr(
        LanguageIdentifier, "_judgeable", lambda self, text: judged.append(text) or real(self, text)
    )
    edited = "Die Behandlung beginnt mit einer kurzen Untersuchung."
    ident.prepare([(german, "de"), (english, "de"), (edited, "de")])
    assert judged == [edited]
    assert ident.mismatch(english, "de", 0.75) is not None
    assert ident.mismatch(edited, "de", 0.75) is None
