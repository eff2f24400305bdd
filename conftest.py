"""Doctests of the library API run in a throw-away copy of this project.

The examples in :mod:`loader.api` say ``open_project(".")`` as a notebook in the project
folder would; here "." is a copy, so running them never touches this checkout's ``dist/``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
PROJECT_PARTS = ("ontology", "data", "shapes", "queries", "qc")


@pytest.fixture(scope="session")
def doctest_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("doctest-project")
    for part in PROJECT_PARTS:
        shutil.copytree(ROOT / part, copy / part)
    return copy


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
