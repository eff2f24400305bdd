"""Every saved query gives the same answer on a real Virtuoso 7 as on the embedded store.

The issue "Triplestores" is done when the saved queries run against each server
(``tradekg query --endpoint URL --store virtuoso``) give the same answers as on the embedded
store. This checks
it for Virtuoso, end to end through the CLI: a copy of the project is built
(``tradekg build``), loaded into a new Virtuoso database (``tradekg load --store virtuoso``,
digest credentials from ``TRADEKG_USER``/``TRADEKG_PASSWORD``), and each ``queries/NAME.rq``
is run with its default parameters by ``tradekg query NAME --format json``, once on the
embedded store and once with ``--endpoint BASE --store virtuoso`` (``/sparql-auth``). The
two answers, and ``queries/expected/NAME.json``, must be the same by the project's own comparison
(:func:`loader.query.result.same_answer`: a multiset of rows, in order under ORDER BY).

One Virtuoso, one build and one load serve all the queries (module-scoped fixtures).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from load_support import (
    GRAPH,
    PASSWORD,
    USER,
    Virtuoso,
    graph_counts,
    load_into_virtuoso,
    start_virtuoso,
)
from seed_project import copy_seed_project

from loader.cli import main
from loader.project import Project
from loader.query.result import QueryResult, Solutions, from_sparql_json, same_answer
from loader.query.saved import load_saved_queries

pytestmark = pytest.mark.requires("virtuoso")

REPO = Path(__file__).resolve().parent.parent
QUERIES = sorted((REPO / "queries").glob("*.rq"))
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
CREDENTIALS = {"TRADEKG_USER": USER, "TRADEKG_PASSWORD": PASSWORD}


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    with start_virtuoso(tmp_path_factory.mktemp("virtuoso") / "db") as server:
        yield server


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with a fresh dist/, built by ``tradekg build --full``.

    The shapes are left out, as in test_saved_queries.py: the queries only need data.
    """
    root = copy_seed_project(tmp_path_factory.mktemp("project"), parts=("ontology", "queries"))
    result = CliRunner().invoke(main, ["build", "--project", str(root), "--full", "--quiet"])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def loaded(project: Path, virtuoso: Virtuoso) -> Virtuoso:
    """Virtuoso holding the project's dist/, loaded and verified by ``tradekg load``."""
    result = load_into_virtuoso(project, virtuoso)
    assert result.exit_code == 0, result.output
    assert "all counts verified" in result.stderr
    manifest = json.loads((project / "dist" / "manifest.json").read_text(encoding="utf-8"))
    expected = {g["iri"]: g["triples"] for g in manifest["graphs"]}
    assert graph_counts(virtuoso.sparql, prefix=GRAPH) == expected
    return virtuoso


def tradekg_query(project: Path, name: str, *endpoint: str) -> QueryResult:
    """``tradekg query NAME --format json [--endpoint URL --store virtuoso]``, read back."""
    result = CliRunner(env=CREDENTIALS).invoke(
        main,
        ["query", name, "--project", str(project), "--format", "json", *endpoint],
    )
    assert result.exit_code == 0, f"tradekg query {name} {' '.join(endpoint)}: {result.output}"
    return from_sparql_json(json.loads(result.stdout))


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_saved_query_gives_the_same_answer_on_virtuoso(
    path: Path, project: Path, loaded: Virtuoso
) -> None:
    name = path.stem
    query = next(q for q in load_saved_queries(Project(project)) if q.name == name)
    ordered = bool(_ORDER_BY.search(query.body))
    expected_path = REPO / "queries" / "expected" / f"{name}.json"
    expected = from_sparql_json(json.loads(expected_path.read_text(encoding="utf-8")))
    local = tradekg_query(project, name)
    # the server's base URL and the store: the profile knows /sparql-auth and Digest
    remote = tradekg_query(project, name, "--endpoint", loaded.url, "--store", "virtuoso")
    if isinstance(expected, Solutions):
        assert expected.rows, "an expected answer with no rows checks nothing"
    assert same_answer(local, expected, ordered=ordered), f"{name}: embedded store differs"
    assert same_answer(remote, local, ordered=ordered), f"{name}: Virtuoso differs"


def test_every_saved_query_is_checked() -> None:
    assert len(QUERIES) >= 20


@pytest.mark.parametrize("command", ["query", "load"])
def test_a_virtuoso_url_with_the_wrong_store_says_which_store(
    command: str, project: Path, loaded: Virtuoso
) -> None:
    args = [command, "--project", str(project), "--endpoint", loaded.url, "--store", "oxigraph"]
    if command == "query":
        args.insert(1, QUERIES[0].stem)
    result = CliRunner(env=CREDENTIALS).invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "is a Virtuoso server" in result.stderr
    assert "--store virtuoso" in result.stderr
    assert "Traceback" not in result.output
