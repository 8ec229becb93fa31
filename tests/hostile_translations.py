"""Hostile translations, for the tests that prove none reaches a page.

Each payload turns a source text into what a malicious or careless translator
might submit. ``links=True`` payloads need a source text with a link.
``rejected=True`` ones must be refused by the build (English shown, reported);
the others are rendered as inert text, which the tree assertions check. The
project they go into allows ``<sup>`` (``inline_tags``): the ``allowlist`` payloads
try to get more than a bare ``<sup>`` through it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_FIRST_URL = re.compile(r"\]\((https://[^)\s]+)")


def _retarget(msgid: str, new: str) -> str:
    match = _FIRST_URL.search(msgid)
    assert match, msgid
    return msgid.replace(match.group(1), new, 1)


@dataclass(frozen=True)
class Payload:
    name: str
    make: Callable[[str], str]
    links: bool = False
    rejected: bool = True


PAYLOADS: tuple[Payload, ...] = (
    Payload("script tag", lambda m: m + " <script>alert(1)</script>"),
    Payload("event handler", lambda m: m + ' <img src="x" onerror="alert(1)">'),
    Payload("raw anchor", lambda m: '<a href="javascript:alert(1)">' + m + "</a>"),
    Payload("javascript link", lambda m: _retarget(m, "javascript:alert(1)"), links=True),
    Payload(
        "data link", lambda m: _retarget(m, "data:text/html,<script>alert(1)</script>"), links=True
    ),
    Payload("new domain", lambda m: _retarget(m, "https://evil.example/x"), links=True),
    Payload(
        "entity-encoded scheme", lambda m: _retarget(m, "&#106;avascript:alert(1)"), links=True
    ),
    Payload(
        "title attribute injection",
        lambda m: _retarget(m, _FIRST_URL.search(m).group(1) + ' "x\\" onmouseover=\\"alert(1)"'),  # type: ignore[union-attr]
        links=True,
    ),
    Payload(
        "language segment added",
        lambda m: _retarget(m, _FIRST_URL.search(m).group(1).replace(".org/", ".org/de/", 1)),  # type: ignore[union-attr]
        links=True,
    ),
    Payload("added link", lambda m: m + " [more](https://evil.example/)"),
    Payload("autolink", lambda m: m + " <https://evil.example/>"),
    Payload("javascript autolink", lambda m: m + " <javascript:alert(1)>"),
    Payload("image", lambda m: m + " ![x](https://evil.example/p.png)"),
    # A one-line msgid cannot define a reference: both halves stay text.
    Payload(
        "reference link",
        lambda m: m + " [click][evil]\n\n[evil]: javascript:alert(1)",
        rejected=False,
    ),
    Payload("reference definition", lambda m: "[evil]: https://evil.example/ " + m, rejected=False),
    Payload(
        "entity-encoded script",
        lambda m: m + " &lt;script&gt;alert(1)&lt;/script&gt;",
        rejected=False,
    ),
    Payload("bidi override", lambda m: "\u202e" + m),
    Payload("bidi isolate", lambda m: m + " \u2066evil\u2069"),
    # Far longer than any translation of its source, yet within the limit of a segment
    # (a longer one makes the whole catalog unreadable: tests/test_limits.py).
    Payload("over-long", lambda m: m + " " + "A" * 5_000),
    Payload("placeholder added", lambda m: m + " {cost_from}"),
    Payload("placeholder probe", lambda m: m + " {__class__}"),
    Payload("template expression", lambda m: m + " {{ 7*7 }} {{ config }}"),
    Payload("template statement", lambda m: m + " {% for x in range(3) %}loop{% endfor %}"),
    # Around the allowlist: only a bare <sup>, opened and closed, may become HTML.
    Payload("allowlist: event handler", lambda m: m + ' 1<sup onclick="alert(1)">er</sup>'),
    Payload("allowlist: style", lambda m: m + ' 1<sup style="position:fixed;inset:0">er</sup>'),
    Payload("allowlist: script inside", lambda m: m + " <sup><script>alert(1)</script></sup>"),
    Payload(
        "allowlist: link inside", lambda m: m + ' <sup><a href="https://evil.example/">x</a></sup>'
    ),
    Payload("allowlist: unclosed", lambda m: m + " 1<sup>er"),
    Payload("allowlist: closed before opened", lambda m: m + " </sup>1<sup>"),
    Payload("allowlist: slash for a space", lambda m: m + " <sup/onmouseover=alert(1)>x</sup>"),
    Payload("allowlist: handler on a new line", lambda m: m + ' <sup\nonclick="alert(1)">x</sup>'),
    Payload("allowlist: handler on the closing tag", lambda m: m + ' 1<sup>er</sup onclick="x">'),
    Payload("allowlist: a tag not on it", lambda m: m + " H<sub>2</sub>O"),
    Payload(
        "allowlist: entity-encoded handler", lambda m: m + " &lt;sup onclick=x&gt;1&lt;/sup&gt;"
    ),
    Payload(
        "allowlist: entity-encoded script inside",
        lambda m: m + " <sup>&#60;script&#62;alert(1)&#60;/script&#62;</sup>",
    ),
    Payload("allowlist: capitals", lambda m: m + " M<SUP>lle</SUP>", rejected=False),
    Payload("allowlist: nested", lambda m: m + " e<sup>x<sup>n</sup></sup>", rejected=False),
    Payload("allowlist: across emphasis", lambda m: m + " *a<sup>b*</sup>", rejected=False),
    Payload(
        "allowlist: in a code span",
        lambda m: m + ' `<sup onclick="alert(1)">x</sup>`',
    ),
)
