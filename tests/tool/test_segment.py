from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from pipeline.config import load_config
from pipeline.segments.blocks import document_segments, read_segments
from pipeline.source.documents import SourceError, parse_document
from pipeline.text.inline import inline_markup
from pipeline.text.markdown import markdown
from tests.hostile_translations import PAYLOADS
from tests.projects import SAMPLE_PAGES, make_project
from tests.segmenting import assert_every_part_segmented

PAGE = """---
title: Safety
description: How we keep patients safe.
slug: safety
order: 3
updated: 2026-11-01
values:
  cost_from: {amount: 20000, currency: EUR}
---
Intro paragraph with **bold** and a [link](https://example.org/a "Title")
that wraps onto a second line.

## Risks

- Cytokine Release Syndrome (CRS)
- Neurotoxicity (ICANS)

| Cancer Type | Main CAR-T Targets | ORR |
|---|---|---|
| Multiple Myeloma | BCMA | 70–98% |

It starts at {cost_from}.
"""


def segments_of(text: str, file: str = "source/safety.md"):  # type: ignore[no-untyped-def]
    return document_segments(parse_document(text, file))


def test_each_block_is_one_segment_with_file_line_and_note() -> None:
    segments = segments_of(PAGE)
    by_msgid = {s.msgid: s for s in segments}
    assert [s.role for s in segments] == [
        "title",
        "description",
        "paragraph",
        "heading",
        "list item",
        "list item",
        "table header",
        "table header",
        "table header",
        "table cell",
        "table cell",
        "table cell",
        "paragraph",
    ]
    intro = by_msgid[
        'Intro paragraph with **bold** and a [link](https://example.org/a "Title") '
        "that wraps onto a second line."
    ]
    assert intro.line == 10 and intro.reference == "source/safety.md:10"
    assert by_msgid["Safety"].line == 2
    assert by_msgid["Neurotoxicity (ICANS)"].note == 'list item 2 of 2, section "Risks"'
    assert by_msgid["BCMA"].note == "table cell: Multiple Myeloma / Main CAR-T Targets"
    assert by_msgid["70–98%"].note == "table cell: Multiple Myeloma / ORR"
    assert by_msgid["Multiple Myeloma"].line == 20
    assert by_msgid["It starts at {cost_from}."].flags == ("python-brace-format",)


def test_faq_layout_names_questions_and_answers() -> None:
    text = (
        "---\ntitle: FAQ\nslug: faq\norder: 6\nlayout: faq\n---\n## Is it safe?\n\nUsually, yes.\n"
    )
    question, answer = segments_of(text, "source/faq.md")[1:]
    assert (question.role, answer.role) == ("FAQ question", "FAQ answer")
    assert answer.note == 'FAQ answer to "Is it safe?"'


def test_explicit_context_only_where_asked() -> None:
    text = (
        "---\ntitle: T\nslug: t\norder: 1\ncontexts:\n  Low: table cell\n---\n"
        "| A |\n|---|\n| Low |\n\nLow\n"
    )
    segments = segments_of(text)
    assert {s.msgctxt for s in segments if s.msgid == "Low"} == {"table cell"}
    assert segments[0].msgctxt is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\ntitle: x\n", "front matter is not closed"),
        ("---\ntitle: [x\n---\n", "front matter"),
        ("---\nslug: x\norder: 1\n---\n", "no title"),
        ("---\ntitle: x\nslug: x\norder: 1\nupdated: soon\n---\n", "not an ISO date"),
    ],
)
def test_broken_front_matter_names_the_file(text: str, message: str) -> None:
    with pytest.raises(SourceError, match=rf"source/x\.md:\d+: .*{message}"):
        parse_document(text, "source/x.md")


def test_inline_markup_sees_links_html_and_placeholders() -> None:
    markup = inline_markup(
        'See [a](https://a.example "t") <b>x</b> <https://b.example> {price} `code`'
    )
    assert markup.links == (("https://a.example", "t"), ("https://b.example", ""))
    assert markup.autolinks == ("https://b.example",)
    assert markup.raw_html == ("<b>", "</b>")
    assert markup.placeholders == ("{price}",)
    assert markup.code == ("code",)


def test_a_projects_segments_cover_every_part_with_file_and_line(tmp_path: Path) -> None:
    segments = read_segments(load_config(make_project(tmp_path, SAMPLE_PAGES)))
    assert_every_part_segmented(segments, questions=2, table="effectiveness", cells=3 * 3)


HTML_IN_MARKDOWN = [
    "<div>\n*block*\n</div>",
    "<!-- comment -->\n\nafter",
    "<script>alert(1)</script>\n\ntext",
    "<pre>\n\n# not a heading?\n</pre>",
    "para\n<div>joined</div>",
    "- item\n  <table><tr><td>x</td></tr></table>",
    "> quote\n<p>lazy</p>",
    "<?php echo 1; ?>\n\n<![CDATA[x]]>",
]


def test_the_dialect_renders_html_as_commonmark_with_html_off_does() -> None:
    # The dialect disables the two HTML rules because with html off they never
    # match; this is the proof that leaving them out changes no page.
    with_rules = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
        ["table", "strikethrough"]
    )
    texts = [
        *HTML_IN_MARKDOWN,
        *(payload.make("A [link](https://example.org) and **bold**.") for payload in PAYLOADS),
        PAGE,
        *SAMPLE_PAGES.values(),
    ]
    for text in texts:
        assert markdown().render(text) == with_rules.render(text), text


MKDOCS_PAGE = """---
title: Plugins
slug: plugins
order: 1
---

## Events {: #events }

Each event is called once.
{: .lead }

!!! note "Read this first"
    The body of the note is translated.

::: mkdocs.plugins.BasePlugin
    options:
        show_root_heading: true

    members: false

Back to plain text, at {cost}.
"""


def test_mkdocs_extension_lines_stay_out_of_the_catalog_and_render_as_written() -> None:
    from pipeline.site.render import render_body

    document = parse_document(MKDOCS_PAGE, "source/plugins.md")
    segments = [(s.line, s.role, s.msgid) for s in document_segments(document)]
    assert segments == [
        (2, "title", "Plugins"),
        (7, "heading", "Events"),
        (9, "paragraph", "Each event is called once."),
        (12, "admonition title", "Read this first"),
        (13, "paragraph", "The body of the note is translated."),
        (21, "paragraph", "Back to plain text, at {cost}."),
    ]
    page = str(render_body(document, None, "en").html)
    assert '<h2 id="events">Events</h2>' in page
    assert '<p class="lead">Each event is called once.</p>' in page
    assert '<div class="admonition note">\n<p class="admonition-title">Read this first</p>' in page
    # The directive is passed through as it is written, never translated.
    assert '<pre class="directive"><code>::: mkdocs.plugins.BasePlugin\n    options:' in page
    assert "{: " not in page and "!!!" not in page


def test_an_attribute_list_sets_only_harmless_attributes() -> None:
    tokens = markdown().parse('Text {: .a #b onclick="x()" title="t" }\n')
    assert tokens[1].content == "Text"
    assert tokens[0].attrs == {"class": "a", "id": "b", "title": "t"}
    # A placeholder is not an attribute list.
    assert markdown().parse("It costs {cost_from}\n")[1].content == "It costs {cost_from}"
