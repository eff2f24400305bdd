"""The IRIs of the project: term, thing and graph namespaces, and the prefixes we print.

Every IRI the code mints is built here, so that the identity rules of GUIDE §4 live in
one place: things get ``https://w3id.org/tradekg/id/<kind>/<key>``, graphs get
``https://w3id.org/tradekg/graph/<kind>/<key>``.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import quote, unquote

from pyoxigraph import NamedNode

BASE: Final = "https://w3id.org/tradekg/"
TKG: Final = BASE + "ontology#"
ID: Final = BASE + "id/"
GRAPH: Final = BASE + "graph/"
ONTOLOGY_IRI: Final = BASE + "ontology"

RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
#: What the dataset states from an IRI ``sameAs`` merged away to the one kept.
OWL_SAME_AS: Final = OWL + "sameAs"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
DCTERMS: Final = "http://purl.org/dc/terms/"
PROV: Final = "http://www.w3.org/ns/prov#"
SCHEMA: Final = "https://schema.org/"
TIME: Final = "http://www.w3.org/2006/time#"
SH: Final = "http://www.w3.org/ns/shacl#"
VANN: Final = "http://purl.org/vocab/vann/"
OA: Final = "http://www.w3.org/ns/oa#"
VOID: Final = "http://rdfs.org/ns/void#"
DCAT: Final = "http://www.w3.org/ns/dcat#"

#: Prefixes used when serialising Turtle/TriG and when printing IRIs to people.
PREFIXES: Final[dict[str, str]] = {
    "tkg": TKG,
    "id": ID,
    "graph": GRAPH,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "schema": SCHEMA,
    "time": TIME,
    "sh": SH,
    "vann": VANN,
    "oa": OA,
    "void": VOID,
    "dcat": DCAT,
}

#: Prefixes written into Turtle/TriG files: vocabularies only. Thing and graph IRIs stay
#: whole, because their local parts contain '/' which Turtle would have to escape.
SERIALIZATION_PREFIXES: Final[dict[str, str]] = {
    k: v for k, v in PREFIXES.items() if k not in ("id", "graph")
}

RDF_TYPE: Final = NamedNode(RDF + "type")
RDFS_LABEL: Final = NamedNode(RDFS + "label")

# Graph IRIs of the dataset.
ONTOLOGY_GRAPH: Final = NamedNode(GRAPH + "ontology")
QUERIES_GRAPH: Final = NamedNode(GRAPH + "queries")
NOTE_GRAPH_PREFIX: Final = GRAPH + "note/"
REFERENCE_GRAPH_PREFIX: Final = GRAPH + "reference/"

_SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9._~-]+")


def kebab(name: str) -> str:
    """``TariffMeasure`` → ``tariff-measure``; used for the kind segment of thing IRIs."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


def slug(key: str) -> str:
    """Make a note id safe as the last IRI segment (ids are checked earlier; this is a guard)."""
    return _SLUG_UNSAFE.sub("-", key).strip("-")


def thing(kind: str, key: str) -> NamedNode:
    """The IRI of a thing: ``thing("state", "VNM")`` → ``…/id/state/VNM``."""
    return NamedNode(f"{ID}{kind}/{slug(key)}")


def note_graph(note_key: str) -> NamedNode:
    """The named graph that holds everything one note states.

    The key is the note's path, and a file system allows names an IRI does not (spaces,
    ``#``, control characters, bytes that are not UTF-8): those are percent-encoded, so
    ``2025/a note.yaml`` is ``…/graph/note/2025/a%20note``; ordinary keys are unchanged.
    """
    return NamedNode(NOTE_GRAPH_PREFIX + quote(note_key, safe="/", errors="surrogateescape"))


def note_key_of(graph: str) -> str:
    """The note key a note graph IRI (see :func:`note_graph`) was made from."""
    return unquote(graph.removeprefix(NOTE_GRAPH_PREFIX))


def reference_graph(name: str) -> NamedNode:
    """The named graph of one reference data set (``states``, ``hs2022`` …)."""
    return NamedNode(REFERENCE_GRAPH_PREFIX + name)


def tkg(local: str) -> NamedNode:
    """A term of the tradekg ontology."""
    return NamedNode(TKG + local)


def shorten(iri: str) -> str:
    """Print an IRI as a prefixed name when one of our prefixes covers it."""
    best = ""
    best_prefix = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best):
            best, best_prefix = ns, prefix
    if best:
        local = iri[len(best) :]
        if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*", local) and not local.endswith("."):
            return f"{best_prefix}:{local}"
    return f"<{iri}>"
