"""The store as ``show`` reads it: each look-up once, kept for the rest of the description.

A look-up in the embedded store costs tens of microseconds however little it returns, and a
description asks the same things many times over (the classes of thousands of things that
point at a party are a handful of class sets; a source document is the source of many
statements). :class:`Reader` answers from what it has already read: a thing read in detail
is read whole, once, and its labels, classes and provenance come from that read.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from loader.namespaces import RDFS
from loader.query.labels import LABEL_PROPERTIES, best_label, store_labels

_Node = ox.NamedNode | ox.BlankNode
_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
_SUB_CLASS_OF = ox.NamedNode(RDFS + "subClassOf")
_LABELS = frozenset(LABEL_PROPERTIES)


class Reader:
    """Look-ups of one store, each made once (the store does not change while it is read)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._whole: dict[_Node, list[ox.Quad]] = {}
        self._objects: dict[tuple[_Node, str], list[_Term]] = {}
        self._specific: dict[frozenset[str], set[str]] = {}
        self._below: dict[tuple[str, str], bool] = {}

    def quads(self, subject: _Node) -> list[ox.Quad]:
        """Every quad whose subject is ``subject``, in any graph, in the store's order."""
        found = self._whole.get(subject)
        if found is None:
            found = list(self.store.quads_for_pattern(subject, None, None, None))
            self._whole[subject] = found
        return found

    def objects(self, subject: _Term, prop: str, *, whole: bool = False) -> list[_Term]:
        """The values of ``prop`` on ``subject`` (in any graph, once per quad), from the
        subject's whole read when there is one; ``whole`` reads the subject whole first."""
        if not isinstance(subject, ox.NamedNode | ox.BlankNode):
            return []
        if whole or subject in self._whole:
            return [q.object for q in self.quads(subject) if q.predicate.value == prop]
        key = (subject, prop)
        found = self._objects.get(key)
        if found is None:
            quads = self.store.quads_for_pattern(subject, ox.NamedNode(prop), None, None)
            found = [q.object for q in quads]
            self._objects[key] = found
        return found

    def most_specific(self, classes: set[str]) -> set[str]:
        """``classes`` without those another of them is a subclass of.

        The build states every superclass of a thing's class (loader/graph/entail.py) so that
        queries find it; shown, the superclasses would only repeat what the class implies.
        """
        key = frozenset(classes)
        found = self._specific.get(key)
        if found is None:
            above = {sup for sup in key for sub in key if sub != sup and self._is_below(sub, sup)}
            found = set(key - above)
            self._specific[key] = found
        return set(found)

    def _is_below(self, sub: str, sup: str) -> bool:
        key = (sub, sup)
        if key not in self._below:
            quads = self.store.quads_for_pattern(
                ox.NamedNode(sub), _SUB_CLASS_OF, ox.NamedNode(sup)
            )
            self._below[key] = next(iter(quads), None) is not None
        return self._below[key]

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """IRI → label, as :func:`~loader.query.labels.store_labels` gives it: from the whole
        read of the things read in detail, by index look-ups for the others."""
        labels: dict[str, str] = {}
        rest = []
        for iri in set(iris):
            node = ox.NamedNode(iri)
            if node not in self._whole:
                rest.append(iri)
                continue
            candidates = [
                (q.predicate.value, q.object)
                for q in self._whole[node]
                if q.predicate.value in _LABELS and isinstance(q.object, ox.Literal)
            ]
            label = best_label(candidates)
            if label:
                labels[iri] = label
        labels.update(store_labels(self.store, rest))
        return labels
