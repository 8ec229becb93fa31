"""The shipped site's text in the pseudo-locales: every message of every template keeps its
placeholders, markup, links, numbers, codes and do-not-translate terms."""

from __future__ import annotations

import re

import pytest

from pipeline.config import load_config
from pipeline.machine.protect import protect
from pipeline.machine.pseudo import not_pseudo, pseudo_translate
from pipeline.po.reader import read_catalog
from pipeline.text.glossary import project_glossary
from pipeline.text.inline import markup_problems
from pipeline.text.languages import PSEUDO_LOCALES
from tests.projects import REPO


@pytest.mark.parametrize("locale", list(PSEUDO_LOCALES))
def test_every_shipped_message_keeps_its_tokens_in_the_pseudo_locales(locale: str) -> None:
    config = load_config(REPO)
    terms = project_glossary(config).do_not_translate
    checked = 0
    for domain, path in sorted(config.template_files().items()):
        for entry in read_catalog(path, None, domain).active():
            if entry.is_header:
                continue
            pseudo = pseudo_translate(entry.msgid, locale, terms)
            inside = re.sub(r"^\\?\[|\\?\]$", "", pseudo) if locale == "en-XA" else pseudo
            assert protect(inside, terms)[1] == protect(entry.msgid, terms)[1], entry.msgid
            assert markup_problems(entry.msgid, pseudo) == [], entry.msgid
            assert not_pseudo(pseudo, locale, terms) == "", entry.msgid
            checked += 1
    assert checked >= 100
