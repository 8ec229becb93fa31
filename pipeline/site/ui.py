"""The templates' side: the Jinja environment and the gettext callables for UI strings.

``_``/``gettext``/``pgettext``/``ngettext`` in a template choose each UI string
with :meth:`~pipeline.site.choose.Translations.choose`, as the page's own text is
chosen; a translation that breaks the ``%(name)s`` variables falls back to English.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket
from jinja2.loaders import split_template_path
from markupsafe import Markup, escape

from pipeline.config import Config
from pipeline.files import inside
from pipeline.site.choose import Choice, Status, Translations


class _FolderLoader(jinja2.FileSystemLoader):
    """Templates from one folder only: a link that leads out of it is refused, unread."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for folder in self.searchpath:
            inside(Path(folder, *pieces), Path(folder))
        return super().get_source(environment, template)


class _KeptTemplates(jinja2.FileSystemBytecodeCache):
    """The page templates compiled, kept between builds in ``directory``.

    Jinja2 uses a kept one only for the same template source (it keeps a checksum) and
    Python; what else shapes the code, the environment's settings here and Jinja2's
    version, is in the pipeline's version, which empties ``.l10n/build`` when it changes.
    A folder that cannot be written, or a file that cannot be read, only costs compiling.
    """

    def __init__(self, directory: Path) -> None:
        with contextlib.suppress(OSError):
            directory.mkdir(parents=True, exist_ok=True)
        super().__init__(str(directory))

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a cache is never worth a failed build: compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def environment(config: Config, cache: Path | None = None) -> jinja2.Environment:
    """The page templates' environment; with ``cache``, compiled templates are kept there."""
    return jinja2.Environment(
        loader=_FolderLoader(str(config.templates_path)),
        bytecode_cache=_KeptTemplates(cache) if cache is not None else None,
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def ui_callables(
    translations: Translations | None, domain: str, seen: list[Choice] | None = None
) -> dict[str, Callable[..., Any]]:
    """``_``/``gettext``/``pgettext``/``ngettext`` for the templates; every choice made is
    appended to ``seen``."""

    def show(choice: Choice, english: str, variables: dict[str, Any]) -> Markup:
        text = _interpolate(choice.text, variables)
        if text is None:  # a translation broke the %(name)s variables
            choice = Choice(english, Status.FALLBACK, "variables differ from the source")
            text = _interpolate(english, variables) or escape(english)
        if seen is not None:
            seen.append(choice)
        if choice.status is Status.FALLBACK:
            assert translations is not None  # the source language never falls back
            return Markup('<span lang="%s">%s</span>') % (translations.source_language, text)
        if choice.status is Status.UNREVIEWED:  # only a preview shows it
            return Markup('<span class="unreviewed">%s</span>') % text
        return Markup(text)

    def pgettext(context: str | None, message: str, **variables: Any) -> Markup:
        choice = (
            Choice(message, Status.REVIEWED)
            if translations is None
            else translations.choose(domain, message, context)
        )
        return show(choice, message, variables)

    def gettext(message: str, **variables: Any) -> Markup:
        return pgettext(None, message, **variables)

    def ngettext(singular: str, plural: str, n: int, **variables: Any) -> Markup:
        english = singular if n == 1 else plural
        choice = (
            Choice(english, Status.REVIEWED)
            if translations is None
            else translations.choose_plural(domain, singular, plural, n)
        )
        return show(choice, english, {"num": n, **variables})

    return {"_": gettext, "gettext": gettext, "pgettext": pgettext, "ngettext": ngettext}


def _interpolate(text: str, variables: dict[str, Any]) -> Markup | None:
    if not variables:
        return escape(text)
    try:
        return Markup(escape(text) % {k: escape(v) for k, v in variables.items()})
    except (KeyError, ValueError, TypeError):
        return None
