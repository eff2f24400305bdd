"""One validation result as both engines report it, in terms that can be compared.

pyoxigraph and rdflib have different term classes; a :class:`Value` is the common form
(kind, text, datatype, language), so that a fast-engine result and a pySHACL result about the
same focus node, rule and value are equal Python objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True, slots=True, order=True)
class Value:
    """An RDF term: ``kind`` is ``iri``, ``literal`` or ``blank``."""

    kind: str
    text: str
    datatype: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True, order=True)
class RawResult:
    """One violation of one rule at one focus node (and value, when the rule checks values)."""

    focus: Value
    rule: str
    value: Value | None = None
    path: str | None = None


def from_ox(term: object) -> Value:
    """The common form of a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return Value("iri", term.value)
    if isinstance(term, ox.Literal):
        language = term.language
        datatype = None if language else term.datatype.value
        return Value("literal", term.value, datatype, language)
    if isinstance(term, ox.BlankNode):
        return Value("blank", term.value)
    raise TypeError(f"not an RDF term: {term!r}")


def from_rdflib(term: Any) -> Value:
    """The common form of an rdflib term (rdflib has no type hints we can rely on here)."""
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return Value("iri", str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return Value("literal", str(term), None, str(term.language))
        datatype = str(term.datatype) if term.datatype else XSD_STRING
        return Value("literal", str(term), datatype)
    if isinstance(term, rdflib.BNode):
        return Value("blank", str(term))
    raise TypeError(f"not an RDF term: {term!r}")
