"""What the tables need to know of the ontology, read from the built store's ontology graph.

The tables are driven by the ontology rather than by a list in the code: which classes exist
and how they nest (a thing's table is its most general tabled class), what a property means
(its ``skos:definition`` becomes the column's description), which IRIs are controlled values
(written by their ``skos:notation``), and which unit a number is in when the property says
so (``tkg:rate`` is ``skos:closeMatch`` QUDT's percent, which is the value ``percent``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from loader.namespaces import GRAPH, OWL, RDF, RDFS, SKOS
from loader.query.labels import best_label
from loader.read.vocabulary import ancestors_of

ONTOLOGY_GRAPH_IRI = GRAPH + "ontology"


@dataclass(frozen=True)
class Term:
    """A class or property of the ontology: its label and definition, in English."""

    iri: str
    label: str
    definition: str


@dataclass
class Ontology:
    """Classes with their direct superclasses, properties, and the controlled values."""

    classes: dict[str, Term] = field(default_factory=dict)
    parents: dict[str, set[str]] = field(default_factory=dict)
    #: property → its direct super-properties (the build states both; a column shows one)
    super_properties: dict[str, set[str]] = field(default_factory=dict)
    properties: dict[str, Term] = field(default_factory=dict)
    #: controlled value IRI → its notation (``tkg:measure-status-in-effect`` → ``in-effect``)
    notations: dict[str, str] = field(default_factory=dict)
    #: property IRI → the notation of the unit its values are in (``tkg:rate`` → ``percent``)
    units: dict[str, str] = field(default_factory=dict)
    #: every subject the ontology graph describes (classes, properties, values)
    described: set[str] = field(default_factory=set)

    def ancestors(self, iri: str) -> set[str]:
        """The class and every class above it (through ``rdfs:subClassOf``)."""
        return set(ancestors_of(iri, self.parents))

    def above_property(self, iri: str) -> set[str]:
        """Every property above ``iri`` through ``rdfs:subPropertyOf`` (not itself)."""
        return set(ancestors_of(iri, self.super_properties)) - {iri}

    def local_name(self, iri: str) -> str:
        """The name a note uses for a class (``TariffMeasure``)."""
        return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


_CLASS_KINDS = (OWL + "Class", RDFS + "Class")
_PROPERTY_KINDS = (
    OWL + "ObjectProperty",
    OWL + "DatatypeProperty",
    OWL + "AnnotationProperty",
    RDF + "Property",
)


def read_ontology(store: ox.Store) -> Ontology:
    """The ontology graph of the build, in one pass over its quads."""
    graph = ox.NamedNode(ONTOLOGY_GRAPH_IRI)
    kinds: dict[str, set[str]] = {}
    labels: dict[str, list[tuple[str, ox.Literal]]] = {}
    definitions: dict[str, list[tuple[str, ox.Literal]]] = {}
    matches: dict[str, set[str]] = {}
    ontology = Ontology()
    for quad in store.quads_for_pattern(None, None, None, graph):
        subject, predicate, obj = quad.subject, quad.predicate.value, quad.object
        if not isinstance(subject, ox.NamedNode):
            continue
        iri = subject.value
        ontology.described.add(iri)
        if predicate == RDF + "type" and isinstance(obj, ox.NamedNode):
            kinds.setdefault(iri, set()).add(obj.value)
        elif predicate == RDFS + "subClassOf" and isinstance(obj, ox.NamedNode):
            ontology.parents.setdefault(iri, set()).add(obj.value)
        elif predicate == RDFS + "subPropertyOf" and isinstance(obj, ox.NamedNode):
            ontology.super_properties.setdefault(iri, set()).add(obj.value)
        elif predicate == RDFS + "label" and isinstance(obj, ox.Literal):
            labels.setdefault(iri, []).append((predicate, obj))
        elif predicate == SKOS + "definition" and isinstance(obj, ox.Literal):
            definitions.setdefault(iri, []).append((predicate, obj))
        elif predicate == SKOS + "notation" and isinstance(obj, ox.Literal):
            ontology.notations[iri] = obj.value
        elif predicate in (SKOS + "closeMatch", SKOS + "exactMatch") and isinstance(
            obj, ox.NamedNode
        ):
            matches.setdefault(iri, set()).add(obj.value)
    for iri, types in kinds.items():
        term = Term(
            iri,
            best_label(labels.get(iri, []), (RDFS + "label",)) or "",
            best_label(definitions.get(iri, []), (SKOS + "definition",)) or "",
        )
        if types & set(_CLASS_KINDS):
            ontology.classes[iri] = term
        if types & set(_PROPERTY_KINDS):
            ontology.properties[iri] = term
    for klass in list(ontology.classes):  # a class named only as a superclass is a class too
        for parent in ontology.parents.get(klass, ()):
            ontology.classes.setdefault(parent, Term(parent, "", ""))
    unit_of_match = {
        match: ontology.notations[value]
        for value, found in matches.items()
        if value in ontology.notations
        for match in found
    }
    for prop in ontology.properties:
        for match in sorted(matches.get(prop, ())):
            if match in unit_of_match:
                ontology.units[prop] = unit_of_match[match]
                break
    return ontology
