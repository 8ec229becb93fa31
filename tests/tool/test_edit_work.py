"""A whole ``l10n build`` after an edit does work in proportion to the edit, not to the site.

The stage-level counts are in ``test_edit_cost.py``; here the real build runs on a
project of several pages in two languages, one paragraph is edited, and what the
build then screens, identifies and renders is counted. Every rebuild's output is
also compared with a build from nothing.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import workers
from pipeline.build import build
from pipeline.checks import stats
from pipeline.config import load_config
from pipeline.memory.backends import open_memory
from pipeline.memory.base import TranslationMemory
from pipeline.model import Entry
from pipeline.po import writer
from pipeline.po.reader import read_catalog
from pipeline.po.writer import format_catalog, write_catalog
from pipeline.site import choose, write
from pipeline.text import sentences as sentences_module
from pipeline.text.inline import inline_markup, may_hold_link
from pipeline.text.markdown import page_parser, segmenter
from tests.projects import (
    SAMPLE_PAGES,
    from_nothing,
    make_project,
    outputs,
    tagged,
    translate_catalogs,
)

REPO = Path(__file__).resolve().parents[2]
LANGUAGES = ("de", "fr")
PAGES = {
    f"page-{n}": "\n\n".join(
        f"Paragraph {p} of page {n} says that patients rest for {p + 2} days." for p in range(6)
    )
    + "\n"
    for n in range(4)
}


def translate(root: Path, lang: str, domain: str | None = None) -> None:
    config = load_config(root)
    for name, path in config.catalog_files(lang).items():
        if domain is not None and name != domain:
            continue
        catalog = read_catalog(path, lang, name)
        for entry in catalog.entries:
            if not entry.is_header and (not entry.msgstr or entry.fuzzy):
                entry.msgstr = f"[{lang}] {entry.msgid}"
                entry.fuzzy = False
        write_catalog(catalog, path)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Four pages of six paragraphs in German and French, all reviewed, built once."""
    root = make_project(
        tmp_path / "site",
        PAGES,
        LANGUAGES,
        # The stand-in translations ("[de] Paragraph …") are English on purpose.
        settings='[tool.l10n.check]\ndisable = ["language"]\n',
    )
    build(load_config(root))
    for lang in LANGUAGES:
        translate(root, lang)
    build(load_config(root))
    return root


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The msgid of every entry screening checks, in order."""
    seen: list[str] = []
    real = choose.check_entry

    def spy(entry: Entry, context: choose.QAContext) -> list[choose.Finding]:
        seen.append(entry.msgid)
        return real(entry, context)

    monkeypatch.setattr(choose, "check_entry", spy)
    yield seen


def edit_paragraph(root: Path, page: str, old: str, new: str) -> None:
    path = root / "source" / f"{page}.md"
    path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")


def test_after_a_source_edit_screening_checks_only_the_translation_that_changed(
    project: Path, checked: list[str]
) -> None:
    # One page's template changes: the other entries of its catalogs keep their verdicts.
    edit_paragraph(project, "page-1", "Paragraph 3 of page 1", "Paragraph 3 of page one")
    build(load_config(project))
    assert checked == []  # the edited paragraph is a proposal now: not shown, not checked
    translate(project, "de", "page-1")
    build(load_config(project))
    assert checked == ["Paragraph 3 of page one says that patients rest for 5 days."]
    after = outputs(project)
    assert from_nothing(project) == after


def test_after_a_source_edit_only_the_new_paragraphs_words_are_counted(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted: list[str] = []
    real = stats.word_count
    monkeypatch.setattr(stats, "word_count", lambda text: counted.append(text) or real(text))
    edit_paragraph(project, "page-1", "Paragraph 3 of page 1", "Paragraph 3 of page one")
    build(load_config(project))
    # Once in each language's catalog; the status page counts every other entry as before.
    assert counted == ["Paragraph 3 of page one says that patients rest for 5 days."] * 2


def test_a_paragraph_added_above_the_others_formats_only_the_new_entry(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    formatted: list[str] = []
    real = writer._write_entry
    monkeypatch.setattr(
        writer, "_write_entry", lambda out, entry: formatted.append(entry.msgid) or real(out, entry)
    )
    edit_paragraph(
        project, "page-1", "Paragraph 0 of page 1", "A new paragraph.\n\nParagraph 0 of page 1"
    )
    build(load_config(project))
    # The other entries moved down two lines: only their references are written anew.
    # Formatted: each file's header and new entry (the template, then each language's).
    assert formatted == ["", "A new paragraph."] * (1 + len(LANGUAGES))
    for path in sorted((project / "locales").rglob("*.po*")):
        assert format_catalog(read_catalog(path)) == path.read_text("utf-8"), path


def test_a_page_is_parsed_once_for_all_its_languages_and_only_the_edited_one_is_rendered(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    rendered: list[tuple[str, str]] = []
    real_parse, real_render = write.parse_body, write.render_page

    def parse(document):  # type: ignore[no-untyped-def]
        parsed.append(document.file)
        return real_parse(document)

    def render(env, config, site, document, translations, *rest):  # type: ignore[no-untyped-def]
        rendered.append((translations.lang if translations else "en", document.file))
        return real_render(env, config, site, document, translations, *rest)

    monkeypatch.setattr(write, "parse_body", parse)
    monkeypatch.setattr(write, "render_page", render)
    edit_paragraph(project, "page-2", "Paragraph 4 of page 2", "Paragraph 4 of page two")
    build(load_config(project))
    assert parsed == ["source/page-2.md"]
    assert rendered == [(lang, "source/page-2.md") for lang in ("en", *LANGUAGES)]
    parsed.clear()
    assert from_nothing(project)
    assert sorted(parsed) == sorted(f"source/{page}.md" for page in PAGES)


def test_pages_and_build_records_are_written_without_fsync_and_catalogs_with_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    edit_paragraph(project, "page-1", "Paragraph 3 of page 1", "Paragraph 3 of page one")
    outcome = build(load_config(project))
    assert any(path.suffix == ".html" for path in outcome.site.written)
    assert not [path for path in synced if "/output" in path]
    # The build's records and caches: lost or emptied, they are read as none.
    assert not [path for path in synced if "/.l10n/build" in path]
    assert any(".po." in path for path in synced)  # a catalog's temporary file


def test_a_new_site_goes_into_the_memory_in_one_transaction(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches: list[int] = []
    real = TranslationMemory.add

    def add(memory: TranslationMemory, units):  # type: ignore[no-untyped-def]
        batch = list(units)
        batches.append(len(batch))
        return real(memory, batch)

    monkeypatch.setattr(TranslationMemory, "add", add)
    shutil.rmtree(project / ".l10n")
    build(load_config(project))
    # Every block of the eight catalogs (four pages, two languages), the titles included.
    assert len(batches) == 1 and batches[0] >= 8 * 7


GERMAN = {
    "Patients rest for a week after the infusion.": "Nach der Infusion ruhen die Patienten "
    "eine Woche lang.",
    "The doctors check the blood counts every day.": "Die Ärzte prüfen die Blutwerte jeden Tag.",
    "Most patients go home after two weeks.": "Die meisten Patienten gehen nach zwei Wochen "
    "nach Hause.",
}


def test_an_edit_that_brings_no_new_translation_leaves_the_language_answers_as_they_were(
    tmp_path: Path,
) -> None:
    root = make_project(
        tmp_path / "site", {"care": "\n\n".join(GERMAN) + "\n"}, translations={"de": GERMAN}
    )
    translate(root, "de")  # the title
    build(load_config(root))
    answers = root / ".l10n" / "langid-cache.json"
    assert "Die Ärzte prüfen die Blutwerte jeden Tag." in answers.read_text("utf-8")
    before = answers.stat().st_mtime_ns
    edit_paragraph(root, "care", "every day", "each day")
    outcome = build(load_config(root))
    assert outcome.update.merges  # the catalog changed and was screened again
    assert answers.stat().st_mtime_ns == before


FRENCH = {
    "Patients rest for a week after the infusion.": "Après la perfusion, les patients se "
    "reposent pendant une semaine.",
    "The doctors check the blood counts every day.": "Les médecins contrôlent la formule "
    "sanguine chaque jour.",
    "Most patients go home after two weeks.": "La plupart des patients rentrent chez eux "
    "après deux semaines.",
}

# A new process builds the project with the languages screened in worker processes.
IN_WORKERS = """
import sys
from pathlib import Path
from concurrent.futures import ProcessPoolExecutor
from pipeline import workers
from pipeline.build import build
from pipeline.config import load_config

mapped = []

class Counted(ProcessPoolExecutor):
    def map(self, work, jobs):
        mapped.append(" ".join(map(str, jobs)))
        return super().map(work, jobs)

workers.ProcessPoolExecutor = Counted
outcome = build(load_config(Path(sys.argv[1])))
print(" / ".join(mapped))
print("\\n".join(outcome.site.notes))
"""


def test_languages_screened_in_worker_processes_give_the_serial_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    left = "The translators left this whole sentence in English, which nobody should publish."
    pages = {"care": "\n\n".join([*GERMAN, left]) + "\n"}
    root = make_project(
        tmp_path / "site", pages, ("de", "fr"), translations={"de": GERMAN, "fr": FRENCH}
    )
    translate(root, "de")  # the paragraph left alone and the UI strings: English, rejected
    translate(root, "fr")
    shutil.copytree(root, tmp_path / "serial")
    done = subprocess.run(
        [sys.executable, "-c", IN_WORKERS, str(root)], capture_output=True, text=True, check=True
    )
    mapped, *notes = done.stdout.splitlines()
    assert mapped.endswith("de fr")  # the languages, after the catalogs the memory aligns
    monkeypatch.setattr(workers, "can_fork", lambda: False)
    serial = build(load_config(tmp_path / "serial"))
    assert notes == serial.site.notes
    assert any("de/LC_MESSAGES/care.po" in note and "QA language" in note for note in notes)
    assert outputs(root) == outputs(tmp_path / "serial")
    # Every answer is kept, the other process's too; lingua's last digits vary from run to run.
    answers, serial_answers = (rounded(folder / ".l10n" / "langid-cache.json")
                               for folder in (root, tmp_path / "serial"))  # fmt: skip
    assert answers == serial_answers
    assert FRENCH["Most patients go home after two weeks."] in answers["screen"]


ALIGN_IN_WORKERS = """
import sys
from pathlib import Path
from pipeline.build import build
from pipeline.config import load_config
from pipeline.memory import sync
from pipeline.workers import can_fork, in_processes

sync.ALIGN_IN_PROCESSES = 1  # this small site's sentences aligned in worker processes
forked = []
sync.in_processes = lambda *args, **kwargs: forked.append(1) or in_processes(*args, **kwargs)
build(load_config(Path(sys.argv[1])))
print(len(forked), can_fork())
"""


def test_sentences_aligned_in_worker_processes_go_into_the_memory_as_in_a_serial_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = {"care": "\n\n".join(GERMAN) + "\n", "more": "\n\n".join(GERMAN) + "\n"}
    both = {"de": GERMAN, "fr": FRENCH}
    root = make_project(tmp_path / "site", pages, ("de", "fr"), translations=both)
    shutil.copytree(root, tmp_path / "serial")
    done = subprocess.run(
        [sys.executable, "-c", ALIGN_IN_WORKERS, str(root)], capture_output=True, text=True
    )
    assert done.stdout.split() == ["1", "True"], done.stderr
    monkeypatch.setattr(workers, "can_fork", lambda: False)
    build(load_config(tmp_path / "serial"))

    def stored(project: Path) -> list[tuple[str, str, str, str]]:
        with open_memory(str(project / ".l10n" / "memory.sqlite3")) as memory:
            return [(u.source, u.target, u.target_lang, u.level) for u in memory.units()]

    units = stored(root)
    assert "Die Ärzte prüfen die Blutwerte jeden Tag." in {u[1] for u in units}
    assert units == stored(tmp_path / "serial")

    def kept(project: Path) -> dict[str, object]:
        folder = project / ".l10n" / "build" / "sentences"
        return {p.name: pickle.loads(p.read_bytes()) for p in folder.glob("*.pickle")}

    # The splits the workers made came back to be kept, as one process keeps its own.
    assert sorted(name[-9:-7] for name in kept(root)) == ["de", "de", "en", "en", "fr", "fr"]
    assert kept(root) == kept(tmp_path / "serial")  # a file per page (domain) and language


MODELS_LOADED_ONCE = """
import os
import sys
from pathlib import Path
from pipeline.build import build
from pipeline.checks import langid
from pipeline.config import load_config
from pipeline.memory import sync
from pipeline.site import plan
from pipeline import workers

workers.cores = lambda: 2  # as on a machine of two cores or more
sync.ALIGN_IN_PROCESSES = 1  # this small site's sentences aligned in worker processes
parent, aligning, loads = os.getpid(), [], []
align, load, planned = sync.in_processes, langid.LanguageIdentifier.load_models, plan._planned


def aligned(*args, **kwargs):
    aligning.append(1)
    try:
        return align(*args, **kwargs)
    finally:
        aligning.pop()


def loaded(ident):
    loads.append("while aligning" if aligning else "after")
    load(ident)


def screened(config, templates, include_machine, cache, lang):
    ident = next(iter(langid._IDENTIFIERS.values()))
    found = "models" if "full" in ident._detectors else "none"
    # One write a line: two workers printing at once may not interleave within a line.
    kind = "worker" if os.getpid() != parent else "parent"
    os.write(1, (" ".join((lang, kind, found)) + chr(10)).encode())
    return planned(config, templates, include_machine, cache, lang)


sync.in_processes, langid.LanguageIdentifier.load_models = aligned, loaded
plan._planned = screened
build(load_config(Path(sys.argv[1])))
print(*loads)
"""


def test_a_build_from_nothing_loads_the_language_models_once_for_every_worker(
    tmp_path: Path,
) -> None:
    pages = {"care": "\n\n".join(GERMAN) + "\n"}
    both = {"de": GERMAN, "fr": FRENCH}
    root = make_project(tmp_path / "site", pages, ("de", "fr"), translations=both)
    done = subprocess.run(
        [sys.executable, "-c", MODELS_LOADED_ONCE, str(root)], capture_output=True, text=True
    )
    *screened, loads = done.stdout.splitlines()
    # Loaded while the workers align (then asked again, at no cost, before screening).
    assert loads.split()[:2] == ["while", "aligning"], done.stderr
    assert sorted(screened) == ["de worker models", "fr worker models"]


def test_jobs_of_a_worker_that_died_are_done_in_the_building_process() -> None:
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_WORKER], capture_output=True, text=True, check=True
    )
    assert killed.stdout.split() == ["True", "[1,", "4,", "9]"]


# A new process (one thread: it may fork) whose first worker kills itself.
KILLED_WORKER = """
import os
from pipeline import workers

parent = os.getpid()

def square(n):
    if os.getpid() != parent and n == 2:
        os._exit(9)
    return n * n

print(workers.can_fork(), workers.in_processes(square, [1, 2, 3]))
"""


# A new process (one thread: it may fork); the jobs meet at a barrier, which only jobs
# running at the same time, each in a process of its own, can pass.
ALL_AT_ONCE = """
import multiprocessing
import os
from pipeline import workers

workers.cores = lambda: 2
meeting = multiprocessing.Barrier(5)

def met(n):
    meeting.wait(timeout=30)
    return os.getpid()

print(len(set(workers.in_processes(met, range(5), each_its_own=True))))
"""


def test_a_few_long_jobs_run_all_at_once_each_in_a_process_of_its_own() -> None:
    done = subprocess.run(
        [sys.executable, "-c", ALL_AT_ONCE], capture_output=True, text=True, timeout=300
    )
    assert done.stdout.split() == ["5"], done.stderr[-2000:]


def rounded(path: Path) -> dict[str, dict[str, tuple[str, float]]]:
    answers = json.loads(path.read_text("utf-8"))
    return {
        kind: {text: (code, round(confidence, 6)) for text, (code, confidence) in found.items()}
        for kind, found in answers.items()
        if kind in ("full", "screen")
    }


def test_text_the_link_scan_skips_holds_no_link() -> None:
    texts = [
        "See page.md and www.example.com, then https://example.org/x.html.",
        "Mail info@clinic.example (faq.html), or read faq.md#costs.",
        "Costs {price}, `code.md` and *emphasis* _here_.",
        "A [link](faq.md), ![image](a.png), <https://x.org> and [ref][faq].",
    ]
    texts += [entry.msgid for path in sorted(REPO.glob("locales/*/LC_MESSAGES/*.po"))
              for entry in read_catalog(path, path.parent.parent.name).entries]  # fmt: skip
    skipped = [text for text in texts if not may_hold_link(text)]
    assert len(skipped) > 100 and len(skipped) < len(texts)
    assert [t for t in skipped if inline_markup(t).links or inline_markup(t).images] == []


def test_an_edited_page_parses_only_the_blocks_whose_text_changed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    md = page_parser()
    real_inline, real_parse_inline = md.inline.parse, md.parseInline

    def inline(text, *rest):  # type: ignore[no-untyped-def]
        parsed.append(text)
        return real_inline(text, *rest)

    def parse_inline(text, *rest):  # type: ignore[no-untyped-def]
        parsed.append(text)
        return real_parse_inline(text, *rest)

    monkeypatch.setattr(md.inline, "parse", inline)
    monkeypatch.setattr(md, "parseInline", parse_inline)
    edit_paragraph(project, "page-1", "Paragraph 3 of page 1", "Paragraph 3 of page one")
    build(load_config(project))
    # The edited paragraph, in English on every page (its translations are now proposals).
    edited = "Paragraph 3 of page one says that patients rest for 5 days."
    assert parsed == [edited] * (1 + len(LANGUAGES))


def test_pages_made_from_kept_blocks_and_templates_are_the_bytes_of_a_build_from_nothing(
    tmp_path: Path,
) -> None:
    # Tables, values, links, right-to-left runs: what a block's HTML depends on beside its text.
    root = make_project(
        tmp_path / "site",
        SAMPLE_PAGES,
        ("de", "ar"),
        settings='[tool.l10n.check]\ndisable = ["language"]\n',
        translations={"de": tagged("de"), "ar": tagged("ar")},
    )
    build(load_config(root))
    kept = root / ".l10n" / "build" / "render"
    assert list(kept.glob("*/blocks-ar.pickle")) and list(kept.glob("*/templates/*.cache"))
    edit_paragraph(root, "effectiveness", "Acute Myeloid Leukemia", "Acute Myeloid Leukaemia")
    edit_paragraph(root, "cost", "amount: 20000", "amount: 25000")
    translate_catalogs(
        root, "ar", lambda domain, entry: f"[ar] {entry.msgid}".replace("Multiple", "Many")
    )
    build(load_config(root))
    rebuilt = outputs(root)
    assert "25.000" in rebuilt["de/cost.html"].decode()
    assert "Leukaemia" in rebuilt["ar/effectiveness.html"].decode()
    assert "[ar] Many Myeloma" in rebuilt["ar/effectiveness.html"].decode()
    assert rebuilt == from_nothing(root)


def test_an_edited_page_is_parsed_once_for_its_segments_and_its_pages(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    md = segmenter()
    real = md.parse

    def parse(text, env=None):  # type: ignore[no-untyped-def]
        parsed.append(text)
        return real(text, env)

    monkeypatch.setattr(md, "parse", parse)
    edit_paragraph(project, "page-2", "Paragraph 4 of page 2", "Paragraph 4 of page two")
    build(load_config(project))
    assert len(parsed) == 1 and "Paragraph 4 of page two" in parsed[0]


def test_an_edited_paragraphs_old_text_and_translations_are_not_split_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    split: list[tuple[str, str]] = []
    real = sentences_module._split.__wrapped__

    def uncached(text: str, lang: str) -> tuple[str, ...]:
        split.append((lang, text))
        return real(text, lang)

    # As in a new process: no split made before this build is at hand but the kept ones.
    monkeypatch.setattr(sentences_module, "_split", uncached)
    edit_paragraph(project, "page-1", "Paragraph 3 of page 1", "Paragraph 3 of page one")
    before = {p: p.read_bytes() for p in (project / "locales").rglob("*.po")}
    kept = project / ".l10n" / "build" / "sentences"
    shutil.copytree(project, project.parent / "unkept", symlinks=True)
    shutil.rmtree(project.parent / "unkept" / kept.relative_to(project))
    build(load_config(project))
    # The memory sync split the old paragraph and its translations; only the new one is split.
    assert split == [("en", "Paragraph 3 of page one says that patients rest for 5 days.")]
    split.clear()
    build(load_config(project.parent / "unkept"))
    old = "Paragraph 3 of page 1 says that patients rest for 5 days."
    assert {("en", old)} | {(lang, f"[{lang}] {old}") for lang in LANGUAGES} <= set(split)
    for path in before:
        unkept = project.parent / "unkept" / path.relative_to(project)
        assert _without_stamps(path.read_bytes()) == _without_stamps(unkept.read_bytes())


def _without_stamps(catalog: bytes) -> bytes:
    return b"\n".join(line for line in catalog.split(b"\n") if b"-Date: " not in line)


def test_the_splits_kept_for_a_removed_page_go_with_it(project: Path) -> None:
    kept = project / ".l10n" / "build" / "sentences"
    before = {p.name for p in kept.glob("*.pickle")}
    assert len(before) >= len(PAGES) * (1 + len(LANGUAGES))  # English and each language
    (project / "source" / "page-3.md").unlink()
    build(load_config(project))
    after = {p.name for p in kept.glob("*.pickle")}
    assert after < before and len(before - after) == 1 + len(LANGUAGES)
