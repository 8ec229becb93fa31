"""Site stage: catalogs -> pages, in ``output/``.

Where to look:

- ``choose``: **where a translation is chosen** (``Translations.choose``: reviewed, machine
  text in a preview build, or English with a reason) and the security rules a translation
  must pass (``unsafe_translation``).
- ``write``: **where a page is written** (``render_site``): plans the languages, writes their
  pages, the chooser, the sitemap, assets, status page, and removes files no longer made.
- ``load``: a language's catalogs read and QA-screened (``load_translations``).
- ``plan``: what is published per language, and which pages each withholds
  (``plan_language``, ``LanguagePlan``).
- ``render``: a page body in one language: blocks, values, right-to-left runs.
- ``page``: a whole page in its template (``render_page``, ``Navigation``); the chooser.
- ``ui``: the Jinja environment and the gettext callables for UI strings.
- ``published``: the published site as pages see it (``Site``, ``Language``).
- ``memo``: what an incremental build remembers (``RenderMemo``, ``fingerprint``).
- ``manifest``: the output files a build made, and removing stale ones (``OutputFiles``).
- ``sitemap``: ``sitemap.xml``.
- ``status``: the status page and badges (``write_status``).
- ``pseudo``: the site in the pseudo-locales ``en-XA`` and ``ar-XB``, translated in memory, into
  the preview directory (``render_pseudo_site``).
"""
