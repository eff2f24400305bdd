"""Shared fixtures, and the real components the suite needs.

A test that needs a real server or browser says so with ``@pytest.mark.requires("virtuoso")``
(or a fixture that implies it, like ``oxigraph_server``). When the component is missing the
test **fails** with the command that installs it: the README's ``make test`` is meant to test
everything. ``TRADEKG_SKIP_SERVERS=1`` is the explicit opt-out: such tests are then skipped,
and the summary at the end of the run says how many and why.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from loader.store.server import OxigraphServer, OxigraphUnavailable, oxigraph_command, start_server

REPO_ROOT = Path(__file__).resolve().parent.parent
SKIP_VARIABLE = "TRADEKG_SKIP_SERVERS"
JENA_JAR = Path("/usr/share/java/jena-shacl.jar")
INSTALL = "run `bash .ci/install.sh` (what `make test` runs)"


def _has_oxigraph() -> bool:
    try:
        oxigraph_command()
    except OxigraphUnavailable:
        return False
    return True


def _has(*commands: str) -> Callable[[], bool]:
    return lambda: all(shutil.which(c) is not None for c in commands)


#: component → (is it there?, what installs it)
COMPONENTS: dict[str, tuple[Callable[[], bool], str]] = {
    "oxigraph": (_has_oxigraph, "the Oxigraph server: `make setup` (pip install oxigraph)"),
    "virtuoso": (
        _has("virtuoso-t", "isql-vt"),
        f"Virtuoso 7 (Debian virtuoso-opensource-7-bin): {INSTALL}",
    ),
    "jena": (
        lambda: shutil.which("java") is not None and JENA_JAR.is_file(),
        f"Java and Apache Jena (Debian default-jre-headless libapache-jena-java): {INSTALL}",
    ),
    "java": (_has("java"), f"Java for the HermiT reasoner (default-jre-headless): {INSTALL}"),
    "chromium": (
        lambda: (
            shutil.which("chromium") is not None or shutil.which("chromium-browser") is not None
        ),
        f"Chromium (Debian chromium fonts-dejavu-core): {INSTALL}",
    ),
}
#: fixtures that imply a component, so tests using them need no marker of their own
FIXTURE_COMPONENTS = {"oxigraph_server": "oxigraph"}


def skipping_servers() -> bool:
    return os.environ.get(SKIP_VARIABLE) == "1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "requires(*components): needs real components "
        f"({', '.join(COMPONENTS)}); fails without them unless {SKIP_VARIABLE}=1",
    )
    config.stash[_SKIPPED] = 0


_SKIPPED = pytest.StashKey[int]()


@pytest.hookimpl(tryfirst=True)  # before `-m "not requires"` deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture, component in FIXTURE_COMPONENTS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.requires(component))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    wanted = [name for marker in item.iter_markers("requires") for name in marker.args]
    missing = [name for name in dict.fromkeys(wanted) if not COMPONENTS[name][0]()]
    if not missing:
        return
    hints = "; ".join(COMPONENTS[name][1] for name in missing)
    if skipping_servers():
        item.config.stash[_SKIPPED] += 1
        pytest.skip(f"{SKIP_VARIABLE}=1 and {', '.join(missing)} missing — {hints}")
    pytest.fail(
        f"this test needs {', '.join(missing)}, which is not installed — {hints}. "
        f"To skip such tests on purpose, set {SKIP_VARIABLE}=1.",
        pytrace=False,
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = terminalreporter.config.stash.get(_SKIPPED, 0)
    if not skipping_servers() or not skipped:
        return
    terminalreporter.write_line(
        f"{SKIP_VARIABLE}=1: {skipped} test(s) needing a missing real server or browser "
        "were skipped, not passed — unset it and run `make test` to test everything.",
        yellow=True,
    )


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
