"""The old addresses of pages: a redirect page in every published language, and the same
redirects for the server (``_redirects``, ``_redirects.map``).

The redirects come from :mod:`pipeline.source.redirects`. Each is written as

- ``<lang>/<old>.html``: a meta refresh to the new page, ``rel=canonical`` to its
  URL and ``noindex``, with a link named by the page's title for a browser that
  does not follow the refresh;
- a line of ``_redirects``, the format of Netlify and Cloudflare Pages
  (``/de/cost.html /de/pricing.html 301``);
- a line of ``_redirects.map``, for nginx: ``map $uri $l10n_redirect { include
  .../_redirects.map; }`` in ``http``, then ``if ($l10n_redirect) { return 301
  $l10n_redirect; }`` in the ``server`` block.

The sitemap lists none of them: only live pages.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from urllib.parse import urlsplit

from markupsafe import Markup

from pipeline.site.choose import Choice, Status
from pipeline.site.published import Site
from pipeline.source.redirects import Redirect

_PAGE = Markup(
    "<!DOCTYPE html>\n"
    '<html lang="{lang}" dir="{direction}">\n'
    "<head>\n"
    '<meta charset="utf-8">\n'
    "<title>{title}</title>\n"
    '<meta name="robots" content="noindex">\n'
    '<link rel="canonical" href="{canonical}">\n'
    '<meta http-equiv="refresh" content="0; url={href}">\n'
    "</head>\n"
    "<body>\n"
    '<p><a href="{href}"{title_lang}>{title}</a></p>\n'
    "</body>\n"
    "</html>\n"
)


def redirect_file(lang: str, redirect: Redirect) -> str:
    """Where the redirect page of ``lang`` is written, relative to the output folder."""
    return f"{lang}/{redirect.old}.html"


def redirect_page(site: Site, lang: str, redirect: Redirect, title: Choice) -> str:
    """The page at the old address of ``redirect`` in ``lang`` (``Markup.format`` escapes)."""
    language = next(item for item in site.languages if item.code == lang)
    start = posixpath.dirname(redirect_file(lang, redirect))
    href = posixpath.relpath(f"{lang}/{redirect.new}.html", start)
    fallback = title.status is Status.FALLBACK
    return _PAGE.format(
        lang=lang,
        direction=language.direction,
        title=title.text,
        canonical=site.url(lang, redirect.new),
        href=href,
        title_lang=Markup(' lang="%s"') % site.source.code if fallback else "",
    )


def _site_path(site: Site) -> str:
    path = urlsplit(site.base_url).path or "/"
    return path if path.endswith("/") else path + "/"


def server_redirects(site: Site, redirects: Sequence[Redirect]) -> tuple[bytes, bytes]:
    """``_redirects`` (Netlify, Cloudflare Pages) and ``_redirects.map`` (nginx)."""
    root = _site_path(site)
    pairs = [
        (f"{root}{language.code}/{r.old}.html", f"{root}{language.code}/{r.new}.html")
        for r in redirects
        for language in site.languages_of(r.new)
    ]
    netlify = "".join(f"{old} {new} 301\n" for old, new in pairs)
    nginx = (
        "# In http { }: map $uri $l10n_redirect { include /path/to/_redirects.map; }\n"
        "# In server { }: if ($l10n_redirect) { return 301 $l10n_redirect; }\n"
        + "".join(f"{old} {new};\n" for old, new in pairs)
    )
    return netlify.encode("utf-8"), nginx.encode("utf-8")

