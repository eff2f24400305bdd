"""The dataset describes itself: VoID and DCAT, with every number taken from the build.

The description says what ``dist/`` holds: the dataset (``void:Dataset``, ``dcat:Dataset``),
one ``void:subset`` per named graph with its triple count, the classes and properties of
the whole dataset with their counts, the licences the graphs carry, the version, and the
dump files as ``dcat:Distribution``\\ s with media type and byte size.

The rule that keeps it consistent: the description is written to ``dist/void.ttl`` and to
its own graph of the embedded store (:data:`VOID_GRAPH`), never into the dumps it counts.
So each dump's byte size and every triple count describe files that do not contain the
description itself; ``void:triples`` of the dataset equals ``quads`` in ``manifest.json``.

Class and property partitions are given for the dataset as a whole, not per graph: at
10,000 notes per-graph partitions would outgrow the data they describe. Instances of a
class are summed over graphs (a thing is typed in the graph that defines it).

Download URLs are relative IRIs in ``void.ttl`` (they resolve to the files beside it); in the
store they are resolved against :data:`DIST_BASE`, where a release publishes ``dist/``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import pyoxigraph as ox

from loader.namespaces import (
    BASE,
    DCAT,
    DCTERMS,
    GRAPH,
    RDF,
    RDFS,
    SERIALIZATION_PREFIXES,
    VOID,
    XSD,
    shorten,
)


class Described(Protocol):
    """What the description needs of a graph (a :class:`~loader.build.export.GraphChunks`)."""

    @property
    def iri(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def triples(self) -> int: ...
    @property
    def classes(self) -> tuple[tuple[str, int], ...]: ...
    @property
    def properties(self) -> tuple[tuple[str, int], ...]: ...
    @property
    def licences(self) -> tuple[str, ...]: ...


#: Where a release publishes the files of dist/ (the base of download URLs in the store).
DIST_BASE = BASE + "dist/"
#: The dataset and the graph of the store that holds its description.
DATASET = ox.NamedNode(BASE + "dataset")
VOID_GRAPH = ox.NamedNode(GRAPH + "void")
#: The dump files, their media types and titles (the order they are described in).
DUMPS: tuple[tuple[str, str, str], ...] = (
    ("tradekg.nq", "application/n-quads", "every named graph, N-Quads"),
    ("tradekg.trig", "application/trig", "every named graph, TriG"),
    ("tradekg.ttl", "text/turtle", "the union of the graphs, Turtle"),
)
#: A stand-in base used only while serialising, so that file IRIs come out relative.
_FILE_BASE = "file:///tradekg-dist/"

_TYPE = ox.NamedNode(RDF + "type")
_SD_NAME = ox.NamedNode("http://www.w3.org/ns/sparql-service-description#name")
#: xsd:integer, as VoID asks; also for byte sizes, because Oxigraph stores the derived
#: integer types as xsd:integer and the store must hold exactly what the dumps hold.
_INTEGER = ox.NamedNode(XSD + "integer")


def _v(local: str) -> ox.NamedNode:
    return ox.NamedNode(VOID + local)


def _d(local: str) -> ox.NamedNode:
    return ox.NamedNode(DCAT + local)


def _t(local: str) -> ox.NamedNode:
    return ox.NamedNode(DCTERMS + local)


def _count(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=_INTEGER)


def _part(kind: str, iri: str) -> ox.NamedNode:
    """A partition's IRI, readable where a prefix covers the term (``class/tkg-Agreement``)."""
    short = shorten(iri)
    if short.startswith("<"):
        short = hashlib.sha256(iri.encode()).hexdigest()[:16]
    return ox.NamedNode(f"{DATASET.value}/{kind}/{short.replace(':', '-')}")


def describe(
    graphs: Sequence[Described], *, version: str, sizes: Mapping[str, int], base: str
) -> list[ox.Triple]:
    """The VoID + DCAT description of a build: ``graphs`` in file order, dump ``sizes``.

    ``base`` is the IRI the dump files' names are resolved against. Grouped by subject, the
    dataset first, so that void.ttl reads top-down.
    """
    return sorted(
        _description(graphs, version=version, sizes=sizes, base=base),
        key=lambda t: (t.subject != DATASET, str(t.subject), str(t.predicate), str(t.object)),
    )


def _description(
    graphs: Sequence[Described], *, version: str, sizes: Mapping[str, int], base: str
) -> list[ox.Triple]:
    out: list[ox.Triple] = []
    add = out.append
    dataset = DATASET
    add(ox.Triple(dataset, _TYPE, _v("Dataset")))
    add(ox.Triple(dataset, _TYPE, _d("Dataset")))
    add(ox.Triple(dataset, ox.NamedNode(RDFS + "label"), ox.Literal("tradekg", language="en")))
    add(
        ox.Triple(
            dataset,
            _t("title"),
            ox.Literal("tradekg: international trade commitments", language="en"),
        )
    )
    add(ox.Triple(dataset, _d("version"), ox.Literal(version)))
    add(ox.Triple(dataset, _v("uriSpace"), ox.Literal(BASE + "id/")))
    add(ox.Triple(dataset, _v("triples"), _count(sum(g.triples for g in graphs))))

    # Graphs that state no licence are the project's own writing (notes, saved queries):
    # they are under the licence the ontology states, as the README says.
    own = next((g.licences for g in graphs if g.kind == "ontology" and g.licences), ())
    licences: set[str] = set()
    classes: dict[str, int] = {}
    properties: dict[str, int] = {}
    for graph in graphs:
        subset = ox.NamedNode(f"{DATASET.value}/graph/{graph.iri.removeprefix(GRAPH)}")
        add(ox.Triple(dataset, _v("subset"), subset))
        add(ox.Triple(subset, _TYPE, _v("Dataset")))
        add(ox.Triple(subset, ox.NamedNode(VOID + "inDataset"), dataset))
        add(ox.Triple(subset, _SD_NAME, ox.NamedNode(graph.iri)))
        add(ox.Triple(subset, _v("triples"), _count(graph.triples)))
        for licence in graph.licences or own:
            add(ox.Triple(subset, _t("license"), ox.NamedNode(licence)))
            licences.add(licence)
        for cls, n in graph.classes:
            classes[cls] = classes.get(cls, 0) + n
        for prop, n in graph.properties:
            properties[prop] = properties.get(prop, 0) + n
    for licence in sorted(licences):
        add(ox.Triple(dataset, _t("license"), ox.NamedNode(licence)))
    add(ox.Triple(dataset, _v("classes"), _count(len(classes))))
    add(ox.Triple(dataset, _v("properties"), _count(len(properties))))
    for cls, n in sorted(classes.items()):
        partition = _part("class", cls)
        add(ox.Triple(dataset, _v("classPartition"), partition))
        add(ox.Triple(partition, _v("class"), ox.NamedNode(cls)))
        add(ox.Triple(partition, _v("entities"), _count(n)))
    for prop, n in sorted(properties.items()):
        partition = _part("property", prop)
        add(ox.Triple(dataset, _v("propertyPartition"), partition))
        add(ox.Triple(partition, _v("property"), ox.NamedNode(prop)))
        add(ox.Triple(partition, _v("triples"), _count(n)))
    for name, media_type, title in DUMPS:
        if name not in sizes:
            continue
        file = ox.NamedNode(base + name)
        distribution = ox.NamedNode(f"{DATASET.value}/distribution/{name}")
        add(ox.Triple(dataset, _v("dataDump"), file))
        add(ox.Triple(dataset, _d("distribution"), distribution))
        add(ox.Triple(distribution, _TYPE, _d("Distribution")))
        add(ox.Triple(distribution, _t("title"), ox.Literal(title, language="en")))
        add(ox.Triple(distribution, _d("downloadURL"), file))
        add(ox.Triple(distribution, _d("mediaType"), _media_type(media_type)))
        add(ox.Triple(distribution, _d("byteSize"), _count(sizes[name])))
    return out


def _media_type(name: str) -> ox.NamedNode:
    return ox.NamedNode("https://www.iana.org/assignments/media-types/" + name)


def void_turtle(graphs: Sequence[Described], *, version: str, sizes: Mapping[str, int]) -> bytes:
    """``dist/void.ttl``: the description, the dump files named relative to it."""
    triples = describe(graphs, version=version, sizes=sizes, base=_FILE_BASE)
    text = ox.serialize(
        triples, format=ox.RdfFormat.TURTLE, prefixes=SERIALIZATION_PREFIXES, base_iri=_FILE_BASE
    )
    assert text is not None
    # Without the stand-in @base, the file names resolve against where void.ttl is read from.
    return b"".join(
        line for line in text.splitlines(keepends=True) if not line.startswith(b"@base ")
    )


def void_quads_of(
    graphs: Sequence[Described], version: str, sizes: Mapping[str, int]
) -> set[ox.Quad]:
    """The quads :func:`void_quads` reads from the ``void.ttl`` of these graphs and sizes,
    made without writing and parsing Turtle (the store's description graph, compared)."""
    triples = _description(graphs, version=version, sizes=sizes, base=DIST_BASE)
    return {ox.Quad(t.subject, t.predicate, t.object, VOID_GRAPH) for t in triples}


def void_quads(turtle: bytes) -> Iterable[ox.Quad]:
    """The description as quads of :data:`VOID_GRAPH`, file names resolved to :data:`DIST_BASE`."""
    for triple in ox.parse(turtle, format=ox.RdfFormat.TURTLE, base_iri=DIST_BASE):
        yield ox.Quad(triple.subject, triple.predicate, triple.object, VOID_GRAPH)
