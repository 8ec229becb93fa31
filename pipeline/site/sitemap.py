"""``sitemap.xml``: every page of every published language that publishes it, with its
hreflang alternates."""

from __future__ import annotations

import xml.etree.ElementTree as etree

from pipeline.site.published import Site

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def sitemap(site: Site) -> bytes:
    """``sitemap.xml``: every page of every published language, with its hreflang alternates."""
    etree.register_namespace("", SITEMAP_NS)
    etree.register_namespace("xhtml", XHTML_NS)
    urlset = etree.Element(f"{{{SITEMAP_NS}}}urlset")
    for document in site.documents:
        languages = site.languages_of(document.path)
        for language in languages:
            url = etree.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
            etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = site.url(
                language.code, document.path
            )
            if document.updated:
                etree.SubElement(
                    url, f"{{{SITEMAP_NS}}}lastmod"
                ).text = document.updated.isoformat()
            targets = [(item.code, site.url(item.code, document.path)) for item in languages]
            targets.append(("x-default", site.url(site.source.code, document.path)))
            for hreflang, href in targets:
                etree.SubElement(
                    url,
                    f"{{{XHTML_NS}}}link",
                    rel="alternate",
                    hreflang=hreflang,
                    href=href,
                )
    etree.indent(urlset)
    data: bytes = etree.tostring(urlset, xml_declaration=True, encoding="UTF-8")
    return data + b"\n"
