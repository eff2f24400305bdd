"""A thing's data as JSON-LD beside its page, for web developers.

Each page ``state/VNM.html`` has ``state/VNM.jsonld``: what the graph states of the thing (its
own triples, from every note and the reference data, each once), compacted with the project's
prefixes as its ``@context``, and linked from the page with ``<link rel="alternate">``. It is
written by hand rather than by a JSON-LD library: one flat node per page is all it takes, and
the site writes tens of thousands of them. The tests read every one back with rdflib's JSON-LD
parser and compare it with the store.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from loader.namespaces import RDF, SERIALIZATION_PREFIXES, XSD

_TYPE = RDF + "type"
_STRING = XSD + "string"
_LANG_STRING = RDF + "langString"


def thing_jsonld(store: ox.Store, iri: str) -> str:
    """The JSON-LD document of ``iri``'s own triples (see the module docstring)."""
    types: list[str] = []
    values: dict[str, list[dict[str, str]]] = {}
    seen: set[tuple[str, str, str, str]] = set()
    for quad in store.quads_for_pattern(ox.NamedNode(iri), None, None):
        predicate, obj = quad.predicate.value, quad.object
        if predicate == _TYPE and isinstance(obj, ox.NamedNode):
            if (shown := _compact(obj.value)) not in types:
                types.append(shown)
            continue
        entry = _value(obj)
        if entry is None:
            continue
        key = (predicate, entry.get("@id", ""), entry.get("@value", ""), entry.get("@language", ""))
        if key in seen:
            continue
        seen.add(key)
        values.setdefault(_compact(predicate), []).append(entry)
    document: dict[str, object] = {"@context": _context(), "@id": iri}
    if types:
        document["@type"] = sorted(types)
    for predicate in sorted(values):
        entries = sorted(values[predicate], key=lambda e: json.dumps(e, sort_keys=True))
        document[predicate] = entries[0] if len(entries) == 1 else entries
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _value(term: object) -> dict[str, str] | None:
    if isinstance(term, ox.NamedNode):
        return {"@id": term.value}
    if not isinstance(term, ox.Literal):
        return None  # blank nodes and triple terms are not a thing's own data here
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value in (_STRING, _LANG_STRING):
        return {"@value": term.value}
    return {"@value": term.value, "@type": _compact(term.datatype.value)}


def _compact(iri: str) -> str:
    """``iri`` as ``prefix:local`` when a declared prefix covers it (else the IRI itself)."""
    for prefix, namespace in SERIALIZATION_PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace) :]
            if "/" not in local and "#" not in local:
                return f"{prefix}:{local}"
    return iri


def _context() -> dict[str, str]:
    return dict(sorted(SERIALIZATION_PREFIXES.items()))
