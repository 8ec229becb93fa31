"""The shipped catalogs as Weblate commits them: Translate Toolkit writes them byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from translate.storage.po import pofile  # what Weblate saves gettext catalogs with

from tests.projects import REPO


@pytest.mark.parametrize("path", sorted(REPO.glob("locales/*/LC_MESSAGES/*.po")), ids=str)
def test_translate_toolkit_writes_the_shipped_catalogs_byte_for_byte(path: Path) -> None:
    assert bytes(pofile.parsestring(path.read_bytes())) == path.read_bytes()
