"""``l10n check`` speed: a large generated project, and the shipped one (cold and warm).

The large project holds one template of real UI strings and, per language,
their real human translations where Django or the system has one (the rest
untranslated). QA (msgfmt, placeholders, glossary, numbers) and language
identification run on every translated entry. "Cold" starts without the
language-ID cache under ``.l10n/``; "warm" reuses the one the cold run saved.

Every run is a fresh ``l10n check --format json`` process, as a pre-commit
hook or CI runs it: start-up, imports and loading the language models count.

    python -m bench.check [--quick]
"""

from __future__ import annotations

import functools
import json
import random
import subprocess
import tempfile
from pathlib import Path

from bench import L10N, Record, Timing, compile_package, main_for, timed
from bench.corpus import POOL_LANGS, translation_pool
from pipeline.checks.run import langid_cache_path
from pipeline.config import load_config
from pipeline.model import Catalog, Entry
from pipeline.po.writer import write_catalog
from tests.projects import copy_project

PYPROJECT = """[tool.l10n]
source_language = "en"
languages = [{languages}]
glossary = ""
"""


def large_project(root: Path, languages: tuple[str, ...], size: int, seed: int = 7) -> int:
    """Write a project of ``size`` UI strings in ``languages``; return the translated entries."""
    pool = translation_pool()
    # Strings translated into most of the languages first, as in a maintained project.
    ranked = sorted(
        (m for m in pool if m and "\n" not in m and len(m) <= 160),
        key=lambda m: (-sum(lang in pool[m] for lang in languages), m),
    )[:size]
    random.Random(seed).shuffle(ranked)
    root.mkdir(parents=True, exist_ok=True)
    quoted = ", ".join(f'"{lang}"' for lang in languages)
    (root / "pyproject.toml").write_text(PYPROJECT.format(languages=quoted), "utf-8")
    (root / "source").mkdir()
    config = load_config(root)
    references = [f"src/module{n // 50}.py:{n % 50 + 1}" for n in range(len(ranked))]
    header = (
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: 8bit\n"
    )
    template = Catalog(
        entries=[Entry(m, references=[r]) for m, r in zip(ranked, references, strict=True)],
        header=Entry(msgid="", msgstr=header),
    )
    write_catalog(template, config.template_path("messages"))
    translated = 0
    for lang in languages:
        entries = [
            Entry(m, pool[m].get(lang, ""), references=[r])
            for m, r in zip(ranked, references, strict=True)
        ]
        translated += sum(1 for e in entries if e.msgstr)
        catalog = Catalog(
            entries=entries, header=Entry(msgid="", msgstr=f"{header}Language: {lang}\n")
        )
        write_catalog(catalog, config.catalog_path(lang, "messages"))
    return translated


def check(root: Path) -> int:
    """``l10n check`` on ``root`` in a new process; the number of findings it reports."""
    done = subprocess.run(
        [*L10N, "--project", str(root), "check", "--format", "json"],
        capture_output=True,
        text=True,
    )
    if done.returncode not in (0, 1):  # 1: findings that fail a gate
        raise RuntimeError(f"l10n check exited {done.returncode}: {done.stderr.strip()}")
    return len(json.loads(done.stdout)["findings"])


def _cold_and_warm(
    root: Path, name: str, size: str, cold_runs: int, warm_runs: int, notes: str
) -> list[Record]:
    cache = langid_cache_path(load_config(root))

    def cold() -> int:
        cache.unlink(missing_ok=True)
        return check(root)

    cold_timing = Timing([timed(cold) for _ in range(cold_runs)])
    warm = Timing([timed(functools.partial(check, root)) for _ in range(warm_runs)])
    extra = {"findings": check(root)}
    return [
        Record(
            name, f"{size}, cold", cold_timing, quality=extra,
            notes=f"{notes}; no language-ID cache",
        ),
        Record(
            name, f"{size}, warm", warm, quality=extra, notes=f"{notes}; language-ID cache kept"
        ),
    ]  # fmt: skip


def measure(quick: bool) -> list[Record]:
    languages = POOL_LANGS[:2] if quick else POOL_LANGS
    size = 2_000 if quick else 20_000
    records: list[Record] = []
    compile_package()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "large"
        translated = large_project(root, languages, size)
        records += _cold_and_warm(
            root, "check: generated project", f"{len(languages)} languages × {size:,} entries",
            *((1, 1) if quick else (5, 5)),
            f"{translated:,} translated entries, QA and language ID",
        )  # fmt: skip
        shipped = copy_project(Path(scratch) / "shipped")
        records += _cold_and_warm(
            shipped, "check: shipped project", "5 languages", *((1, 3) if quick else (5, 5)),
            "pre-commit-hook target: a few seconds",
        )  # fmt: skip
    for record in records:
        if record.name == "check: shipped project":
            record.target = "a few seconds (≤ 5 s)"
            record.met = record.ours.median <= 5.0
    return records


if __name__ == "__main__":
    main_for(measure, __doc__ or "")
