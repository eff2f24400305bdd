"""Doctests of the library API run in a throw-away copy of this project.

The examples in :mod:`loader.api` say ``open_project(".")`` as a notebook in the project
folder would; here "." is a copy with the seed notes only (tests/seed_project.py), so the
figures they show hold whatever ``data/notes/`` holds, and running them never touches this
checkout's ``dist/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.seed_project import copy_seed_project


@pytest.fixture(scope="session")
def doctest_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed project: the examples' figures are those of the four seed notes."""
    return copy_seed_project(tmp_path_factory.mktemp("doctest-project"))


@pytest.fixture(autouse=True)
def _doctests_in_a_copy(request: pytest.FixtureRequest, doctest_project: Path) -> Iterator[None]:
    if not isinstance(request.node, pytest.DoctestItem):
        yield
        return
    previous = Path.cwd()
    os.chdir(doctest_project)
    try:
        yield
    finally:
        os.chdir(previous)
