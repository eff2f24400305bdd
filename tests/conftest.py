"""Shared fixtures: the project root and a real Oxigraph server on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from loader.store.server import OxigraphServer, start_server

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[OxigraphServer]:
    """A fresh on-disk Oxigraph server with the union default graph, stopped after the test."""
    server = start_server(location=tmp_path / "oxigraph-data")
    try:
        yield server
    finally:
        server.stop()
