"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.libretranslate_server import ServerHandle, start_server


@pytest.fixture
def libretranslate() -> Iterator[Callable[..., ServerHandle]]:
    """Start LibreTranslate-compatible test servers: ``libretranslate(faults=[...])``."""
    servers: list[ServerHandle] = []

    def start(*args: Any, **kwargs: Any) -> ServerHandle:
        servers.append(start_server(*args, **kwargs))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()
