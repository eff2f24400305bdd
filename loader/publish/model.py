"""The ontology as documentation sees it: every term with its annotations and relations.

Built from the ontology's triples alone (no reasoning), so the generated pages say exactly
what ``ontology/*.ttl`` says. :mod:`loader.publish.html` renders it; :mod:`loader.publish.diagrams`
draws it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from loader.namespaces import DCTERMS, OWL, RDF, RDFS, SKOS, TKG, VANN, shorten

#: Alignment predicates shown per term, in this order.
ALIGNMENTS = (
    SKOS + "exactMatch",
    SKOS + "closeMatch",
    SKOS + "broadMatch",
    SKOS + "narrowMatch",
    SKOS + "relatedMatch",
    OWL + "equivalentClass",
    OWL + "equivalentProperty",
)
KINDS = {
    OWL + "Class": "class",
    RDFS + "Class": "class",
    OWL + "ObjectProperty": "object property",
    OWL + "DatatypeProperty": "datatype property",
    OWL + "AnnotationProperty": "annotation property",
    RDFS + "Datatype": "datatype",
}


@dataclass
class DocTerm:
    """One documented term (class, property, datatype or controlled value)."""

    iri: str
    kind: str
    label: str
    definition: str = ""
    comments: list[str] = field(default_factory=list)
    notation: str | None = None
    domains: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    disjoint: list[str] = field(default_factory=list)
    alignments: list[tuple[str, str]] = field(default_factory=list)
    deprecated: bool = False
    replaced_by: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  # for value sets
    value_set: str | None = None  # for controlled values

    @property
    def anchor(self) -> str:
        return shorten(self.iri).strip("<>").replace(":", "-").replace("/", "-")

    @property
    def short(self) -> str:
        return shorten(self.iri)


@dataclass
class DocModel:
    """Every term by IRI, grouped for the page, with the ontology header."""

    header: dict[str, list[str]]
    terms: dict[str, DocTerm]

    def of_kind(self, kind: str) -> list[DocTerm]:
        return sorted(
            (t for t in self.terms.values() if t.kind == kind), key=lambda t: t.label.casefold()
        )

    @property
    def classes(self) -> list[DocTerm]:
        """Classes that are not value sets."""
        return [t for t in self.of_kind("class") if not t.members]

    @property
    def value_sets(self) -> list[DocTerm]:
        return [t for t in self.of_kind("class") if t.members]

    def label(self, iri: str) -> str:
        term = self.terms.get(iri)
        return term.label if term else shorten(iri)

    def first(self, predicate: str) -> str:
        values = self.header.get(predicate, [])
        return values[0] if values else ""


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return str(term.value) if not isinstance(term, ox.Triple) else str(term)


def build_model(triples: Iterable[ox.Triple]) -> DocModel:
    """Index the ontology's triples into :class:`DocTerm` records."""
    props: dict[str, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]]
    props = defaultdict(lambda: defaultdict(list))
    for t in triples:
        if isinstance(t.subject, ox.NamedNode):
            props[t.subject.value][t.predicate.value].append(t.object)

    header: dict[str, list[str]] = {}
    terms: dict[str, DocTerm] = {}
    for iri, p in props.items():
        types = {_text(o) for o in p.get(RDF + "type", [])}
        if OWL + "Ontology" in types:
            header = {k: [_text(v) for v in vs] for k, vs in p.items()}
            continue
        kind = next((KINDS[t] for t in sorted(types) if t in KINDS), None)
        value_set = next((t for t in sorted(types) if t.startswith(TKG)), None)
        if kind is None and value_set is None:
            continue
        terms[iri] = _term(iri, kind or "value", p, value_set if kind is None else None)

    for term in terms.values():
        for parent in term.parents:
            if parent in terms:
                terms[parent].children.append(term.iri)
        if term.value_set and term.value_set in terms:
            terms[term.value_set].members.append(term.iri)
    return DocModel(header=header, terms=terms)


def _named(values: list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]) -> list[str]:
    return sorted(v.value for v in values if isinstance(v, ox.NamedNode))


def _term(
    iri: str,
    kind: str,
    p: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]],
    value_set: str | None,
) -> DocTerm:
    labels = [_text(v) for v in p.get(RDFS + "label", [])]
    definitions = [_text(v) for v in p.get(SKOS + "definition", [])]
    notation = [_text(v) for v in p.get(SKOS + "notation", [])]
    alignments = [
        (predicate, target) for predicate in ALIGNMENTS for target in _named(p.get(predicate, []))
    ]
    parents = _named(p.get(RDFS + "subClassOf", [])) + _named(p.get(RDFS + "subPropertyOf", []))
    return DocTerm(
        iri=iri,
        kind=kind,
        label=labels[0] if labels else shorten(iri),
        definition=definitions[0] if definitions else "",
        comments=[_text(v) for v in p.get(RDFS + "comment", [])],
        notation=notation[0] if notation else None,
        domains=_named(p.get(RDFS + "domain", [])),
        ranges=_named(p.get(RDFS + "range", [])),
        parents=parents,
        disjoint=_named(p.get(OWL + "disjointWith", [])),
        alignments=alignments,
        deprecated=any(_text(v) == "true" for v in p.get(OWL + "deprecated", [])),
        replaced_by=_named(p.get(DCTERMS + "isReplacedBy", [])),
        value_set=value_set,
    )


HEADER_FIELDS = (
    ("title", DCTERMS + "title"),
    ("description", DCTERMS + "description"),
    ("version", OWL + "versionInfo"),
    ("version IRI", OWL + "versionIRI"),
    ("licence", DCTERMS + "license"),
    ("creator", DCTERMS + "creator"),
    ("created", DCTERMS + "created"),
    ("preferred prefix", VANN + "preferredNamespacePrefix"),
    ("namespace", VANN + "preferredNamespaceUri"),
)
