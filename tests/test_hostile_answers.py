"""Malformed or oversized SPARQL answers are clear input errors, never tracebacks.

The peer answers every request with a fixed body (tests/hostile_support.py); ``tradekg
query`` runs in-process through click's runner (its requests have a deadline, so none can
hang), and each answer must give exit 2 with ``[bad-endpoint-answer]`` naming the endpoint
and what was wrong. A huge answer is refused while it streams.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hostile_support import (
    Behaviour,
    PeerHandler,
    answer,
    hostile_server,
    huge,
    query_project,
    tradekg,
)
from load_support import sample_dataset, write_dist

from loader.cli import main
from loader.query.result import MAX_TRIPLE_DEPTH, ResultFormatError, from_sparql_json


def query(project: Path, url: str, *args: str) -> Result:
    endpoint = ["--endpoint", url, "--store", "generic", "--timeout", "20"]
    return CliRunner().invoke(
        main, ["query", "anything", *endpoint, *args, "--project", str(project)]
    )


def nested_triple(depth: int) -> dict[str, object]:
    term: dict[str, object] = {"type": "uri", "value": "urn:x:o"}
    for _ in range(depth):
        term = {
            "type": "triple",
            "value": {
                "subject": {"type": "uri", "value": "urn:x:s"},
                "predicate": {"type": "uri", "value": "urn:x:p"},
                "object": term,
            },
        }
    return term


def results(vars_: object, bindings: object) -> str:
    return json.dumps({"head": {"vars": vars_}, "results": {"bindings": bindings}})


IRI = {"type": "uri", "value": "urn:x:s"}
#: name → (answer body, what the message must say)
MALFORMED = {
    "null vars": (results(None, []), "'vars' is not a list of variable names"),
    "vars a string": (results("s", []), "'vars' is not a list"),
    "a var not a string": (results([1], []), "'vars' is not a list"),
    "binding not an object": (results(["s"], [IRI, 7]), "binding 2 is a JSON number"),
    "bindings an object": (results(["s"], {"s": IRI}), "no 'bindings' list"),
    "value not an object": (results(["s"], [{"s": "urn:x:s"}]), "binding 1: a bound value"),
    "value of a wrong type": (
        results(["s"], [{"s": {"type": "uri", "value": 5}}]),
        "no string 'value'",
    ),
    "no head": (json.dumps({"results": {"bindings": []}}), "no 'head' object"),
    "an array": (json.dumps([1, 2]), "the answer is a JSON array"),
    "null": ("null", "the answer is a JSON null"),
    "boolean not a boolean": (json.dumps({"head": {}, "boolean": "yes"}), "'boolean'"),
    "a triple term as a predicate": (
        results(
            ["s"],
            [
                {
                    "s": {
                        "type": "triple",
                        "value": {"subject": IRI, "predicate": nested_triple(1), "object": IRI},
                    }
                }
            ],
        ),
        "triple term",
    ),
    "deeply nested triple terms": (
        results(["s"], [{"s": nested_triple(MAX_TRIPLE_DEPTH + 5)}]),
        f"nested more than {MAX_TRIPLE_DEPTH} deep",
    ),
    "deeply nested JSON": ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
    "not JSON": ("<html>oops</html>", "did not answer in SPARQL JSON"),
    "not UTF-8": (b'{"head": {"vars": ["\xff"]}}'.decode("latin-1"), "SPARQL JSON"),
    "an unknown term type": (
        results(["s"], [{"s": {"type": "moon", "value": "x"}}]),
        "unknown term type 'moon'",
    ),
    "an invalid IRI": (
        results(["s"], [{"s": {"type": "uri", "value": "not an iri"}}]),
        "not a valid RDF term",
    ),
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return query_project(tmp_path / "project")


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_answer_is_a_clear_error(project: Path, name: str) -> None:
    body, said = MALFORMED[name]
    data = body.encode("latin-1") if name == "not UTF-8" else body.encode()
    with hostile_server(answer(data)) as peer:
        result = query(project, peer.url)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "[bad-endpoint-answer]" in result.stderr
    assert f"{peer.url} did not answer in SPARQL JSON" in result.stderr
    assert said in result.stderr


NOT_JSON = {"deeply nested JSON", "not UTF-8", "not JSON"}


@pytest.mark.parametrize("name", sorted(set(MALFORMED) - NOT_JSON))
def test_from_sparql_json_raises_only_its_own_error(name: str) -> None:
    body, said = MALFORMED[name]
    with pytest.raises(ResultFormatError, match=re.escape(said)):
        from_sparql_json(json.loads(body))


def label_peer(label_answer: str) -> Behaviour:
    """A valid answer with one IRI, then ``label_answer`` to the label look-up."""
    query_answer, labels = answer(results(["s"], [{"s": IRI}])), answer(label_answer)

    def behave(handler: PeerHandler, body: bytes) -> None:
        (labels if b"VALUES" in body else query_answer)(handler, body)

    return behave


@pytest.mark.parametrize(
    "label_answer",
    [
        results(["a"], [{"a": {"type": "literal", "value": "x"}}]),  # other columns
        results(  # a triple term where the label belongs, a property never asked for
            ["s", "p", "o"],
            [
                {"s": IRI, "p": {"type": "uri", "value": "urn:x:other"}, "o": nested_triple(1)},
                {"s": IRI, "p": {"type": "uri", "value": "urn:x:p"}, "o": IRI},
            ],
        ),
    ],
    ids=["other-columns", "triple-term-as-label"],
)
def test_a_strange_label_answer_leaves_the_cell_as_its_iri(
    project: Path, label_answer: str
) -> None:
    with hostile_server(label_peer(label_answer)) as peer:
        result = query(project, peer.url)
    assert result.exit_code == 0, result.output
    assert "urn:x:s" in result.stdout and "(1 row)" in result.stdout


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
def test_an_answer_over_the_limit_is_refused_while_it_streams(
    project: Path, declared: bool
) -> None:
    with hostile_server(huge(8 << 20, declared=declared)) as peer:
        result = query(project, peer.url, "--max-answer", "1")
    assert result.exit_code == 2, result.output
    assert "[answer-too-large]" in result.stderr
    assert f"{peer.url} answered more than 1 MB; not read further" in result.stderr
    assert "--max-answer" in result.stderr
    with hostile_server(huge(1 << 19, declared=declared)) as peer:
        under = query(project, peer.url, "--max-answer", "1", "--format", "csv")
    # under the limit it is read whole (and found to be unfinished JSON)
    assert "[answer-too-large]" not in under.stderr
    assert "[bad-endpoint-answer]" in under.stderr


@pytest.mark.parametrize(
    "name", ["null", "binding not an object", "deeply nested JSON", "not JSON", "an array"]
)
def test_load_reports_a_malformed_answer_of_the_store(tmp_path: Path, name: str) -> None:
    project = tmp_path / "dist-project"
    write_dist(project, sample_dataset(big=10))
    with hostile_server(answer(MALFORMED[name][0].encode())) as peer:
        result = tradekg("load", "--endpoint", peer.url, "--retries", "0", project=project)
    assert result.code == 1, result.output
    assert f"{peer.url}/query did not answer with SPARQL JSON results" in result.stderr
    assert "Traceback" not in result.output
