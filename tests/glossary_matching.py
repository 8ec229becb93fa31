"""The glossary's fast path checked against the slow one, for the tool's and the site's tests."""

from __future__ import annotations

from pipeline.text.glossary import Glossary


def terms_found_alike(glossary: Glossary, texts: list[str]) -> int:
    """Assert that the substring test that skips most patterns never loses a match on
    ``texts``, also upper- and title-cased, and on the terms in plural, upper and odd
    case; return how many terms were found."""
    texts = texts + [t.upper() for t in texts] + [t.title() for t in texts]
    for item in glossary.terms:
        texts += [item.source, item.source.upper(), item.source.swapcase(), item.source + "s"]
        texts.append(item.source[:-1] + "ies" if item.source.endswith("y") else item.source)
    every_pattern = Glossary(glossary.terms)
    object.__setattr__(every_pattern, "_source_keys", (("", False),) * len(glossary.terms))
    found = 0
    for text in texts:
        assert glossary.terms_in(text) == every_pattern.terms_in(text), text
        found += len(glossary.terms_in(text))
    return found
