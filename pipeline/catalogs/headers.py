"""PO and POT headers: the fields gettext writes, and the revision stamp."""

from __future__ import annotations

import datetime as dt

from babel import Locale

from pipeline.config import Config
from pipeline.model import Catalog, Entry
from pipeline.text.languages import plural_forms


def revision_stamp(now: dt.datetime | None = None) -> str:
    """A PO header date (``POT-Creation-Date``, ``PO-Revision-Date``), as gettext writes it."""
    return (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M+0000")


def catalog_header(
    config: Config, lang: str | None, domain: str, now: dt.datetime | None = None
) -> Entry:
    """The header of a new catalog of ``lang``, or of the domain's template if ``lang`` is None."""
    stamp = revision_stamp(now)
    fields = [
        ("Project-Id-Version", f"{config.project_name} {domain}"),
        ("Report-Msgid-Bugs-To", ""),
        ("POT-Creation-Date", stamp),
        ("PO-Revision-Date", stamp if lang else "YEAR-MO-DA HO:MI+ZONE"),
        ("Last-Translator", config.team if lang else "FULL NAME <EMAIL@ADDRESS>"),
        (
            "Language-Team",
            f"{Locale.parse(lang).english_name} ({config.team})" if lang else "LANGUAGE",
        ),
    ]
    if lang:
        fields.append(("Language", lang))
    fields += [
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
    ]
    if lang:
        fields.append(("Plural-Forms", str(plural_forms(lang))))
    language = Locale.parse(lang).english_name if lang else "LANGUAGE"
    header = Entry(
        msgid="",
        msgstr="".join(f"{name}: {value}\n" for name, value in fields),
        translator_comments=[
            f"{language} translation of {config.project_name}, domain {domain}.",
            "This file is distributed under the same license as the "
            f"{config.project_name} project.",
        ],
    )
    if not lang:
        header.flags.append("fuzzy")
    return header


def new_catalog(config: Config, lang: str, domain: str) -> Catalog:
    """An empty catalog of ``lang`` for ``domain``, with its header, at its path in the project."""
    return Catalog(
        header=catalog_header(config, lang, domain),
        path=str(config.catalog_path(lang, domain)),
        lang=lang,
        domain=domain,
    )


def set_header_field(header: Entry, name: str, value: str) -> None:
    """Replace one ``Name: value`` line of a header, or append it."""
    lines = header.msgstr.split("\n")
    for number, line in enumerate(lines):
        if line.split(":", 1)[0].strip() == name:
            lines[number] = f"{name}: {value}"
            break
    else:
        lines.insert(
            len(lines) - 1 if lines and lines[-1] == "" else len(lines), f"{name}: {value}"
        )
    header.msgstr = "\n".join(lines)
