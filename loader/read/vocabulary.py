"""The ontology as the notes see it: which classes, properties and controlled values exist.

The ontology is the schema (GUIDE §3): a note may use any class or property declared in
``ontology/*.ttl`` by its local name or label, and any member of a value set (a class whose
members are declared in the ontology) by its ``skos:notation``. Nothing here is specific to
trade: a new term in the ontology is usable in notes without a Python change.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from loader.namespaces import OWL, RDF, RDFS, SKOS
from loader.problems import InputError, Problem, ProblemCollector, relative, syntax_problem

T = TypeVar("T", bound="Term")

_TYPE = RDF + "type"
_CLASS_TYPES = {OWL + "Class", RDFS + "Class"}
_PROPERTY_TYPES = {
    OWL + "ObjectProperty": "object",
    OWL + "DatatypeProperty": "datatype",
    OWL + "AnnotationProperty": "annotation",
    RDF + "Property": "annotation",
}
_NOT_VALUES = (
    _CLASS_TYPES
    | set(_PROPERTY_TYPES)
    | {
        OWL + "Ontology",
        RDFS + "Datatype",
        OWL + "NamedIndividual",
    }
)


class PropertyKind(StrEnum):
    """How a property's values are written in notes."""

    OBJECT = "object"
    DATATYPE = "datatype"
    ANNOTATION = "annotation"


@dataclass(frozen=True, slots=True)
class Term:
    """A declared class or property."""

    iri: str
    local_name: str
    label: str | None


@dataclass(frozen=True, slots=True)
class PropertyTerm(Term):
    kind: PropertyKind
    range: str | None


@dataclass(frozen=True, slots=True)
class ValueTerm:
    """A member of a value set (e.g. ``tkg:measure-status-in-effect``, notation ``in-effect``)."""

    iri: str
    notation: str
    label: str | None
    value_class: str


@dataclass
class Vocabulary:
    """Everything the reader needs to check and map a note, derived from the ontology triples."""

    triples: list[ox.Triple]
    classes: dict[str, Term] = field(default_factory=dict)
    properties: dict[str, PropertyTerm] = field(default_factory=dict)
    #: class IRI → its superclasses, transitively, including itself
    superclasses: dict[str, frozenset[str]] = field(default_factory=dict)
    #: property IRI → its superproperties, transitively, including itself
    superproperties: dict[str, frozenset[str]] = field(default_factory=dict)
    #: property IRI → the class its ``rdfs:domain`` names (class expressions are left out)
    domains: dict[str, str] = field(default_factory=dict)
    #: value-set class IRI → key → value (keys: notation, local name, normalised label)
    values: dict[str, dict[str, ValueTerm]] = field(default_factory=dict)
    #: datatype IRI → the datatypes it is a union of (tkg:dateOrPeriod → xsd:date, …)
    datatype_unions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _class_names: dict[str, list[Term]] = field(default_factory=dict)
    _property_names: dict[str, list[PropertyTerm]] = field(default_factory=dict)

    # -- lookups ---------------------------------------------------------------------------

    def find_class(self, name: str) -> list[Term]:
        """Classes whose local name or label is ``name`` (several means it is ambiguous)."""
        return _lookup(self._class_names, name)

    def find_property(self, name: str) -> list[PropertyTerm]:
        """Properties whose local name or label is ``name``."""
        return _lookup(self._property_names, name)

    def suggest_class(self, name: str) -> str | None:
        return _closest(name, (t.local_name for t in self.classes.values()))

    def suggest_property(self, name: str) -> str | None:
        return _closest(name, (t.local_name for t in self.properties.values()))

    def is_value_set(self, class_iri: str) -> bool:
        return class_iri in self.values

    def find_value(self, class_iri: str, text: str) -> ValueTerm | None:
        members = self.values.get(class_iri, {})
        return members.get(text) or members.get(normalise(text))

    def notations(self, class_iri: str) -> list[str]:
        return sorted({v.notation for v in self.values.get(class_iri, {}).values()})

    def is_subclass(self, sub: str, sup: str) -> bool:
        """True when ``sub`` is ``sup`` or declared (transitively) below it."""
        return sub == sup or sup in self.superclasses.get(sub, frozenset())

    def local_name_of(self, iri: str) -> str:
        term = self.classes.get(iri) or self.properties.get(iri)
        return term.local_name if term else local_name(iri)


_SEPARATORS = re.compile(r"[\s_\-]+")


def normalise(name: str) -> str:
    """Key for forgiving name matching: case, spaces, hyphens and underscores do not count."""
    return _SEPARATORS.sub("", name).casefold()


def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def _lookup(index: Mapping[str, list[T]], name: str) -> list[T]:
    exact = index.get(name)
    if exact:
        return list(exact)
    return list(index.get(normalise(name), []))


def _closest(name: str, candidates: Iterable[str]) -> str | None:
    pool = sorted(set(candidates))
    by_norm = {normalise(c): c for c in pool}
    if normalise(name) in by_norm:
        return by_norm[normalise(name)]
    found = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    if found:
        return found[0]
    found = difflib.get_close_matches(normalise(name), list(by_norm), n=1, cutoff=0.6)
    return by_norm[found[0]] if found else None


def parse_turtle_files(paths: Iterable[Path], root: Path) -> list[ox.Triple]:
    """Parse Turtle files strictly; every syntax error becomes a problem with file:line."""
    problems = ProblemCollector()
    triples: list[ox.Triple] = []
    for path in paths:
        rel = relative(path, root)
        try:
            triples.extend(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        except SyntaxError as error:
            problems.add(syntax_problem(error, file=rel))
        except OSError as error:
            problems.add(Problem(code="unreadable-file", message=str(error), file=rel))
    problems.raise_if_errors()
    return triples


def load_vocabulary(ontology_files: list[Path], *, root: Path) -> Vocabulary:
    """Read the ontology files and index their terms.

    Raises:
        InputError: a file is not valid Turtle, or two terms share a local name, or there are
            no files at all.
    """
    if not ontology_files:
        raise InputError(
            [Problem(code="no-ontology", message="ontology/ has no .ttl files", file="ontology/")]
        )
    return vocabulary_from_triples(parse_turtle_files(ontology_files, root))


def vocabulary_from_triples(triples: list[ox.Triple]) -> Vocabulary:
    """Index an ontology given as triples (see :func:`load_vocabulary`)."""
    types: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    notations: dict[str, str] = {}
    ranges: dict[str, str] = {}
    domains: dict[str, str] = {}
    parents: dict[str, set[str]] = defaultdict(set)
    parent_properties: dict[str, set[str]] = defaultdict(set)
    union_heads: dict[str, str] = {}
    list_first: dict[str, str] = {}
    list_rest: dict[str, str] = {}
    equivalents: dict[str, str] = {}

    for s, p, o in ((t.subject, t.predicate.value, t.object) for t in triples):
        subject = s.value if isinstance(s, (ox.NamedNode, ox.BlankNode)) else str(s)
        if p == _TYPE and isinstance(o, ox.NamedNode):
            types[subject].add(o.value)
        elif p == RDFS + "label" and isinstance(o, ox.Literal) and isinstance(s, ox.NamedNode):
            labels.setdefault(subject, o.value)
        elif p == SKOS + "notation" and isinstance(o, ox.Literal):
            notations[subject] = o.value
        elif p == RDFS + "range" and isinstance(o, ox.NamedNode):
            ranges[subject] = o.value
        elif p == RDFS + "domain" and isinstance(o, ox.NamedNode):
            domains[subject] = o.value
        elif p == RDFS + "subClassOf" and isinstance(o, ox.NamedNode):
            parents[subject].add(o.value)
        elif p == RDFS + "subPropertyOf" and isinstance(o, ox.NamedNode):
            parent_properties[subject].add(o.value)
        elif p == OWL + "equivalentClass" and isinstance(o, ox.BlankNode):
            equivalents[subject] = o.value
        elif p == OWL + "unionOf" and isinstance(o, ox.BlankNode):
            union_heads[subject] = o.value
        elif p == RDF + "first":
            list_first[subject] = o.value if isinstance(o, ox.NamedNode) else str(o)
        elif p == RDF + "rest" and isinstance(o, (ox.NamedNode, ox.BlankNode)):
            list_rest[subject] = o.value

    vocab = Vocabulary(triples=triples)
    problems = ProblemCollector()
    for iri, kinds in sorted(types.items()):
        if iri.startswith("_") or ":" not in iri:
            continue  # blank nodes are class expressions, not terms
        if kinds & _CLASS_TYPES:
            vocab.classes[iri] = Term(iri, local_name(iri), labels.get(iri))
        for type_iri, kind in _PROPERTY_TYPES.items():
            if type_iri in kinds:
                vocab.properties[iri] = PropertyTerm(
                    iri, local_name(iri), labels.get(iri), PropertyKind(kind), ranges.get(iri)
                )
                break

    for iri in vocab.classes:
        vocab.superclasses[iri] = ancestors_of(iri, parents)
    for iri in vocab.properties:
        vocab.superproperties[iri] = ancestors_of(iri, parent_properties)
        if domains.get(iri) in vocab.classes:
            vocab.domains[iri] = domains[iri]

    for iri, kinds in sorted(types.items()):
        if iri in vocab.classes or iri in vocab.properties or kinds & _NOT_VALUES:
            continue
        for cls in sorted(kinds):
            if cls in vocab.classes and iri in notations:
                value = ValueTerm(iri, notations[iri], labels.get(iri), cls)
                members = vocab.values.setdefault(cls, {})
                for key in {value.notation, normalise(value.notation), local_name(iri)}:
                    members[key] = value
                if value.label:
                    members.setdefault(normalise(value.label), value)

    for datatype, blank in equivalents.items():
        head = union_heads.get(blank)
        union: list[str] = []
        while head and head in list_first:
            union.append(list_first[head])
            head = list_rest.get(head)
        if union:
            vocab.datatype_unions[datatype] = tuple(union)

    _index_names(vocab, problems)
    problems.raise_if_errors()
    return vocab


def ancestors_of(iri: str, parents: Mapping[str, set[str]]) -> frozenset[str]:
    """``iri`` and everything above it along ``parents`` (cycles are tolerated)."""
    seen: set[str] = set()
    stack = [iri]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(parents.get(current, ()))
    return frozenset(seen)


def _index_names(vocab: Vocabulary, problems: ProblemCollector) -> None:
    """Index terms by local name (exact) and by normalised local name and label."""
    class_names: dict[str, list[Term]] = defaultdict(list)
    property_names: dict[str, list[PropertyTerm]] = defaultdict(list)
    for cls in vocab.classes.values():
        for key in _keys(cls):
            if cls not in class_names[key]:
                class_names[key].append(cls)
    for prop in vocab.properties.values():
        for key in _keys(prop):
            if prop not in property_names[key]:
                property_names[key].append(prop)
    for name, terms in property_names.items():
        exact = [t for t in terms if t.local_name == name]
        if len(exact) > 1:
            problems.add(
                Problem(
                    code="ambiguous-term",
                    message=f"properties {', '.join(t.iri for t in exact)} share the local name "
                    f"'{name}', so notes cannot tell them apart",
                    file="ontology/",
                    hint="rename one of them or do not declare the foreign one",
                )
            )
    vocab._class_names = dict(class_names)
    vocab._property_names = dict(property_names)


def _keys(term: Term) -> set[str]:
    keys = {term.local_name, normalise(term.local_name)}
    if term.label:
        keys.add(normalise(term.label))
    return keys
