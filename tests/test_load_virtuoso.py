"""``tradekg load --store virtuoso`` against a real Virtuoso 7 (Debian package) on 127.0.0.1.

Virtuoso is started with its own ini in a temporary folder, on free loopback ports; a new
database has the account ``dba``/``dba``. Install
it with ``bash .ci/install.sh``; without ``virtuoso-t`` these tests fail (see tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from load_support import (
    GRAPH,
    PASSWORD,
    TKG,
    USER,
    Virtuoso,
    expected_counts,
    graph_counts,
    load_into_virtuoso,
    sample_dataset,
    select,
    start_virtuoso,
    write_dist,
)
from requests.auth import HTTPDigestAuth

pytestmark = pytest.mark.requires("virtuoso")


@pytest.fixture
def virtuoso(tmp_path: Path) -> Iterator[Virtuoso]:
    with start_virtuoso(tmp_path / "virtuoso") as server:
        yield server


def tradekg_counts(virtuoso: Virtuoso) -> dict[str, int]:
    return graph_counts(virtuoso.sparql, prefix=GRAPH)


def test_load_with_digest_auth_verifies_and_is_idempotent(
    tmp_path: Path, virtuoso: Virtuoso
) -> None:
    dataset = sample_dataset()
    project = tmp_path / "project"
    write_dist(project, dataset)

    first = load_into_virtuoso(project, virtuoso, "--chunk-triples", "500")
    assert first.exit_code == 0, first.output
    assert "all counts verified" in first.stderr
    assert tradekg_counts(virtuoso) == expected_counts(dataset)

    second = load_into_virtuoso(project, virtuoso, "--chunk-triples", "500")
    assert second.exit_code == 0, second.output
    assert tradekg_counts(virtuoso) == expected_counts(dataset)
    assert graph_counts(virtuoso.sparql, prefix="urn:tradekg:staging:") == {}

    # the loaded data answers queries (a query without FROM sees every graph in Virtuoso)
    notations = select(
        virtuoso.sparql,
        "SELECT (COUNT(?code) AS ?n) WHERE { ?code "
        "<http://www.w3.org/2004/02/skos/core#notation> ?notation }",
    )
    assert int(notations[0]["n"]) == len(dataset[GRAPH + "reference/hs2022"]) // 2
    label = select(
        virtuoso.sparql,
        "SELECT ?label WHERE { <https://w3id.org/tradekg/id/hs2022/000007> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label }",
    )
    assert label == [{"label": 'Code 7 "x"'}]
    rates = select(
        virtuoso.sparql,
        f"SELECT (COUNT(DISTINCT ?rate) AS ?n) WHERE {{ ?m <{TKG}hasRate> ?rate . "
        f"?rate <{TKG}value> ?v }}",
    )
    assert int(rates[0]["n"]) == len(dataset[GRAPH + "reference/rates"]) // 2


def test_prune_on_virtuoso(tmp_path: Path, virtuoso: Virtuoso) -> None:
    dataset = sample_dataset(big=400)
    old, new = tmp_path / "old", tmp_path / "new"
    write_dist(old, dataset)
    assert load_into_virtuoso(old, virtuoso).exit_code == 0
    stale = GRAPH + "note/2024/old-note"
    del dataset[stale]
    write_dist(new, dataset)
    result = load_into_virtuoso(new, virtuoso, "--prune")
    assert result.exit_code == 0, result.output
    assert tradekg_counts(virtuoso) == expected_counts(dataset)


def test_wrong_password_is_a_clear_error_without_the_password(
    tmp_path: Path, virtuoso: Virtuoso
) -> None:
    project = tmp_path / "project"
    write_dist(project, sample_dataset(big=40))
    wrong = "not-the-Password-123"
    result = load_into_virtuoso(project, virtuoso, password=wrong)
    assert result.exit_code == 1
    assert "HTTP 401" in result.stderr
    assert "Digest" in result.stderr
    assert wrong not in result.output
    assert tradekg_counts(virtuoso) == {}


def test_digest_auth_is_what_virtuoso_needs(virtuoso: Virtuoso) -> None:
    """The reason for the profile's choice, checked on the real server: Basic is refused."""
    url = virtuoso.url + "/sparql-graph-crud-auth"
    params = {"graph-uri": GRAPH + "probe"}
    body = b"<urn:a> <urn:b> <urn:c> .\n"
    headers = {"Content-Type": "text/turtle"}
    basic = requests.put(url, params=params, data=body, headers=headers, auth=(USER, PASSWORD))
    assert basic.status_code == 401
    digest = requests.put(
        url, params=params, data=body, headers=headers, auth=HTTPDigestAuth(USER, PASSWORD)
    )
    assert digest.status_code in (200, 201)


def test_virtuoso_keeps_one_put_per_graph_and_move(tmp_path: Path, virtuoso: Virtuoso) -> None:
    """Batched SPARQL updates are an Oxigraph optimisation: Virtuoso (digest-auth SPARQL
    endpoint, its own request limits) keeps the tested GSP path and MOVE from staging."""
    project = tmp_path / "project"
    write_dist(project, sample_dataset())
    result = load_into_virtuoso(project, virtuoso, "--chunk-triples", "500", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "update #" not in result.stdout
    assert "to staging, MOVE" in result.stdout
    assert " PUT " in result.stdout
