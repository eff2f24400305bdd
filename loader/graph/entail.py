"""The subclass and subproperty entailments of a note's triples, written into its graph.

Saved queries run on Oxigraph, Virtuoso and rdflib, none of which reasons: a query asking for
``?x a tkg:Commitment`` would miss an ``InvestmentPledge`` a researcher added with
``rdfs:subClassOf tkg:Commitment``. So the build states what RDFS entails along the ontology's
``rdfs:subClassOf`` (types) and ``rdfs:subPropertyOf`` (values) in the note's own named graph,
next to what the note says. The ontology is part of the build fingerprint, so a change to
it rebuilds every note and incremental builds stay equal to full ones.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from loader.namespaces import RDF
from loader.read.vocabulary import Vocabulary

_TYPE = RDF + "type"


def entailed(triples: Iterable[ox.Triple], vocab: Vocabulary) -> list[ox.Triple]:
    """``triples`` followed by the entailed ones not already among them, in a stable order."""
    result = list(triples)
    seen = set(result)
    for triple in list(result):
        for extra in _above(triple, vocab):
            if extra not in seen:
                seen.add(extra)
                result.append(extra)
    return result


def _above(triple: ox.Triple, vocab: Vocabulary) -> list[ox.Triple]:
    predicate, obj = triple.predicate.value, triple.object
    if predicate == _TYPE and isinstance(obj, ox.NamedNode):
        uppers = vocab.superclasses.get(obj.value, frozenset()) - {obj.value}
        return [
            ox.Triple(triple.subject, triple.predicate, ox.NamedNode(c)) for c in sorted(uppers)
        ]
    uppers = vocab.superproperties.get(predicate, frozenset()) - {predicate}
    return [ox.Triple(triple.subject, ox.NamedNode(p), obj) for p in sorted(uppers)]
