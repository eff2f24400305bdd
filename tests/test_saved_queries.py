"""Every saved query gives its expected answer, on the embedded store and on a real Oxigraph server.

The project (ontology, reference data, notes, shapes, queries) is built into a temporary copy,
so the test always checks the current sources. Each ``queries/NAME.rq`` runs with its default
parameters; ``queries/expected/NAME.json`` (SPARQL JSON results, reviewed against the notes)
must match exactly: as a multiset of rows, or in order when the query has ORDER BY.
Refresh an expected answer only after checking the new rows against the notes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from load_support import server_with
from seed_project import copy_seed_project

from loader.namespaces import TKG
from loader.project import Project
from loader.query.local import run_local
from loader.query.params import bind, resolve
from loader.query.remote import run_remote
from loader.query.result import Solutions, from_sparql_json, same_answer
from loader.query.saved import SavedQuery, load_saved_queries
from loader.query.scan import TokenKind, tokens
from loader.store.server import OxigraphServer

REPO = Path(__file__).resolve().parent.parent
QUERIES = sorted((REPO / "queries").glob("*.rq"))
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the project with a fresh dist/ built from the current sources.

    The shapes are left out: validation is tested elsewhere, and the queries only need data.
    """
    from loader.build.pipeline import build

    root = copy_seed_project(tmp_path_factory.mktemp("project"), parts=("ontology", "queries"))
    project = Project(root)
    build(project, use_cache=False)
    return project


@pytest.fixture(scope="module")
def store(built: Project) -> Iterator[ox.Store]:
    opened = ox.Store.read_only(str(built.store_dir))
    yield opened
    del opened


@pytest.fixture(scope="module")
def server(built: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A real Oxigraph server (union default graph) loaded with dist/tradekg.nq over GSP."""
    with server_with(built.dist_dir / "tradekg.nq", tmp_path_factory.mktemp("oxigraph")) as running:
        yield running


@pytest.fixture(scope="module")
def saved(built: Project) -> dict[str, SavedQuery]:
    return {q.name: q for q in load_saved_queries(built)}


def test_there_are_saved_queries_each_with_an_expected_answer() -> None:
    assert len(QUERIES) >= 20
    missing = [
        p.stem for p in QUERIES if not (REPO / "queries" / "expected" / f"{p.stem}.json").is_file()
    ]
    assert not missing, f"no expected answer for {missing}"


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
@pytest.mark.requires("oxigraph")
def test_saved_query_gives_the_expected_answer_on_both_engines(
    path: Path, saved: dict[str, SavedQuery], store: ox.Store, server: OxigraphServer
) -> None:
    query = saved[path.stem]
    text = bind(query.text, resolve(query.params, {}))
    expected_path = REPO / "queries" / "expected" / f"{path.stem}.json"
    expected = from_sparql_json(json.loads(expected_path.read_text(encoding="utf-8")))
    ordered = bool(_ORDER_BY.search(query.body))
    local = run_local(store, text, file=query.file)
    remote = run_remote(server.query_endpoint, text, form=query.form)
    if isinstance(expected, Solutions):
        assert expected.rows, "an expected answer with no rows checks nothing"
    assert same_answer(local, expected, ordered=ordered), f"{path.stem}: embedded store differs"
    assert same_answer(remote, expected, ordered=ordered), f"{path.stem}: Oxigraph server differs"


def _ontology_terms(store: ox.Store) -> set[str]:
    rows = store.query(
        "SELECT DISTINCT ?t WHERE { GRAPH <https://w3id.org/tradekg/graph/ontology> "
        "{ ?t a ?type } }"
    )
    assert isinstance(rows, ox.QuerySolutions)
    return {row["t"].value for row in rows if isinstance(row["t"], ox.NamedNode)}


def _used_terms(text: str) -> set[str]:
    """Every ``tkg:`` name and full ontology IRI the query text uses (comments excluded)."""
    used: set[str] = set()
    for token in tokens(text):
        if token.kind is TokenKind.WORD:
            for part in re.split(r"[|/^*+!]", token.text):  # property path operators
                if part.startswith("tkg:") and part[4:].rstrip("."):
                    used.add(TKG + part[4:].rstrip("."))
        elif token.kind is TokenKind.IRI and token.text[1:-1].startswith(TKG):
            used.add(token.text[1:-1])
    used.discard(TKG)
    return used


def test_saved_queries_use_only_terms_the_ontology_declares(store: ox.Store) -> None:
    declared = _ontology_terms(store)
    assert TKG + "TariffMeasure" in declared
    unknown = {
        path.stem: sorted(_used_terms(path.read_text(encoding="utf-8")) - declared)
        for path in QUERIES
    }
    unknown = {name: terms for name, terms in unknown.items() if terms}
    assert not unknown, f"terms not in the ontology: {unknown}"


def test_the_ontology_check_catches_an_undeclared_term(store: ox.Store) -> None:
    used = _used_terms(
        "SELECT * { ?m a tkg:TarifMeasure ; <https://w3id.org/tradekg/ontology#rate> ?r }"
    )
    assert used - _ontology_terms(store) == {TKG + "TarifMeasure"}
