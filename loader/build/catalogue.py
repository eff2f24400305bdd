"""The saved queries as RDF, each an ``sh:SPARQLExecutable`` (as SIB's sparql-examples do).

Publishing the queries in the graph lets people find them with SPARQL itself (by keyword,
by the terms they use) and lets tools run them. Each query ``NAME`` becomes
``https://w3id.org/tradekg/id/query/NAME`` with

- ``rdf:type`` ``sh:SPARQLExecutable`` and ``sh:SPARQLSelectExecutable`` (or the Ask,
  Construct or Describe variant — SHACL-AF defines ``sh:select``, ``sh:ask``,
  ``sh:construct``, and SIB uses ``sh:describe`` likewise);
- the query text (without its ``#+`` header) as ``sh:select`` / ``sh:ask`` / ``sh:construct``
  / ``sh:describe``;
- ``rdfs:label`` (the summary), ``rdfs:comment`` (the description), ``schema:keywords``
  (one per tag) and ``dcterms:identifier`` (the name).
"""

from __future__ import annotations

import pyoxigraph as ox

from loader.namespaces import DCTERMS, ID, RDF_TYPE, RDFS, RDFS_LABEL, SCHEMA, SH
from loader.project import Project
from loader.query.saved import SavedQuery, load_saved_queries

QUERY_ID_PREFIX = ID + "query/"

_FORM_CLASS = {
    "SELECT": "SPARQLSelectExecutable",
    "ASK": "SPARQLAskExecutable",
    "CONSTRUCT": "SPARQLConstructExecutable",
    "DESCRIBE": "SPARQLDescribeExecutable",
}


def query_iri(name: str) -> ox.NamedNode:
    """The IRI of the saved query ``name``."""
    return ox.NamedNode(QUERY_ID_PREFIX + name)


def catalogue_triples(project: Project) -> list[ox.Triple]:
    """The catalogue of every saved query of ``project``, in file-name order.

    Raises:
        InputError: a saved query has problems (all files' problems are reported).
    """
    triples: list[ox.Triple] = []
    for query in load_saved_queries(project):
        triples.extend(query_triples(query))
    return triples


def query_triples(query: SavedQuery) -> list[ox.Triple]:
    """The triples describing one saved query."""
    subject = query_iri(query.name)
    form = _FORM_CLASS[query.form]
    out = [
        ox.Triple(subject, RDF_TYPE, ox.NamedNode(SH + "SPARQLExecutable")),
        ox.Triple(subject, RDF_TYPE, ox.NamedNode(SH + form)),
        ox.Triple(subject, ox.NamedNode(SH + query.form.lower()), ox.Literal(query.body)),
        ox.Triple(subject, ox.NamedNode(DCTERMS + "identifier"), ox.Literal(query.name)),
    ]
    if query.summary:
        out.append(ox.Triple(subject, RDFS_LABEL, ox.Literal(query.summary, language="en")))
    if query.description:
        out.append(
            ox.Triple(
                subject,
                ox.NamedNode(RDFS + "comment"),
                ox.Literal(query.description, language="en"),
            )
        )
    keywords = ox.NamedNode(SCHEMA + "keywords")
    out.extend(ox.Triple(subject, keywords, ox.Literal(tag)) for tag in query.tags)
    return out
