"""Standards other tools rely on: SKOS concepts without inference, a VoID/DCAT description.

Both are read with plain SPARQL and a second parser (rdflib), no reasoning, as a SKOS browser
or a dataset catalogue would read them.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from seed_project import copy_seed_project

from loader.cli import main

SKOS_COUNT = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT (COUNT(*) AS ?n) { ?c a skos:Concept ; skos:inScheme ?s }"""


@pytest.fixture(scope="module")
def built(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_seed_project(
        tmp_path_factory.mktemp("standards"),
        parts=("ontology", "shapes", "queries"),
        repo_root=repo_root,
    )
    result = CliRunner().invoke(main, ["build", "--project", str(project)])
    assert result.exit_code == 0, result.output
    return project


def manifest(project: Path) -> dict[str, object]:
    data = json.loads((project / "dist" / "manifest.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def product_groups(project: Path) -> int:
    path = project / "data" / "reference" / "product-groups.csv"
    with path.open(encoding="utf-8", newline="") as stream:
        return sum(1 for _ in csv.DictReader(stream))


def test_every_hs_code_and_product_group_is_a_skos_concept_without_inference(
    built: Path,
) -> None:
    counts = manifest(built)["counts"]
    assert isinstance(counts, dict)
    expected = counts["HS codes"] + product_groups(built)
    store = ox.Store.read_only(str(built / "dist" / "store"))
    (row,) = store.query(SKOS_COUNT, use_default_graph_as_union=True)  # type: ignore[misc]
    assert int(row["n"].value) == expected
    # the same in another engine, over the Turtle dump
    graph = rdflib.Graph().parse(built / "dist" / "tradekg.ttl", format="turtle")
    (answer,) = graph.query(SKOS_COUNT)  # type: ignore[misc]
    assert int(answer[0]) == expected


def test_schemes_name_their_edition_and_have_top_concepts(built: Path) -> None:
    store = ox.Store.read_only(str(built / "dist" / "store"))
    rows = store.query(
        """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?scheme (COUNT(DISTINCT ?top) AS ?tops) (COUNT(DISTINCT ?orphan) AS ?orphans) {
          ?scheme a skos:ConceptScheme .
          OPTIONAL { ?top skos:topConceptOf ?scheme ; a skos:Concept }
          OPTIONAL { ?orphan skos:inScheme ?scheme
                     FILTER NOT EXISTS { ?orphan skos:broader ?b }
                     FILTER NOT EXISTS { ?orphan skos:topConceptOf ?scheme } }
        } GROUP BY ?scheme""",
        use_default_graph_as_union=True,
    )
    found = {r["scheme"].value: (int(r["tops"].value), int(r["orphans"].value)) for r in rows}  # type: ignore[union-attr]
    hs = [iri for iri in found if iri.endswith("/hs2022")]
    assert hs, f"no HS scheme with its edition in the IRI among {sorted(found)}"
    assert all(tops > 0 and orphans == 0 for tops, orphans in found.values()), found


def void_graph(project: Path) -> rdflib.Graph:
    path = project / "dist" / "void.ttl"
    # Relative IRIs resolve against the file: the download URLs name the files beside it.
    return rdflib.Graph().parse(path, format="turtle", publicID=path.as_uri())


def test_void_triple_counts_equal_the_manifest(built: Path) -> None:
    data = manifest(built)
    graphs = data["graphs"]
    assert isinstance(graphs, list)
    void = void_graph(built)
    rows = void.query(
        """PREFIX void: <http://rdfs.org/ns/void#>
        PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        SELECT ?graph ?triples { ?d a void:Dataset ; void:subset ?s .
          ?s void:triples ?triples ; sd:name ?graph }"""
    )
    described = {str(r[0]): int(r[1]) for r in rows}  # type: ignore[index]
    assert described == {g["iri"]: g["triples"] for g in graphs}
    (total,) = void.query(
        """PREFIX void: <http://rdfs.org/ns/void#>
        SELECT DISTINCT ?n { ?d void:subset ?s ; void:triples ?n }"""
    )
    assert int(total[0]) == data["quads"] == sum(described.values())  # type: ignore[index]
    (partitioned,) = void.query(
        """PREFIX void: <http://rdfs.org/ns/void#>
        SELECT (SUM(?n) AS ?sum) { ?d void:propertyPartition [ void:triples ?n ] }"""
    )
    assert int(partitioned[0]) == data["quads"]  # type: ignore[index]


def test_void_describes_the_dumps_licences_and_version(built: Path) -> None:
    data = manifest(built)
    void = void_graph(built)
    rows = list(
        void.query(
            """PREFIX dcat: <http://www.w3.org/ns/dcat#>
            SELECT ?url ?type ?size { ?d dcat:distribution ?x .
              ?x a dcat:Distribution ; dcat:downloadURL ?url ; dcat:mediaType ?type ;
                 dcat:byteSize ?size }"""
        )
    )
    assert len(rows) == 3
    for url, media_type, size in rows:  # type: ignore[misc]
        file = Path(rdflib.URIRef(url).replace("file://", ""))
        assert file.parent == built / "dist" and file.is_file()
        assert file.stat().st_size == int(size)
        assert str(media_type).rsplit("/", 2)[-2:] in (
            ["application", "n-quads"],
            ["application", "trig"],
            ["text", "turtle"],
        )
    (version,) = void.query(
        """PREFIX dcat: <http://www.w3.org/ns/dcat#>
        PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?v { ?d a void:Dataset ; dcat:version ?v }"""
    )
    assert str(version[0]) == data["version"]  # type: ignore[index]
    licences = {
        str(r[0])  # type: ignore[index]
        for r in void.query(
            """PREFIX dcterms: <http://purl.org/dc/terms/>
            PREFIX void: <http://rdfs.org/ns/void#>
            SELECT ?l { ?d void:subset ?s ; dcterms:license ?l }"""
        )
    }
    quads = list(ox.parse(path=str(built / "dist" / "tradekg.nq")))
    stated = {
        q.object.value for q in quads if q.predicate.value == "http://purl.org/dc/terms/license"
    }
    assert licences == stated and licences
    # the dumps never contain their own description
    assert not any(q.predicate.value.startswith("http://rdfs.org/ns/void#") for q in quads)
