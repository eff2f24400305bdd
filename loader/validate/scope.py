"""Which triples a validation run needs: the notes being checked, plus just enough context.

Validating one note must give the same answer for that note as validating everything, and
must not cost as much. A note's statements refer to entities defined elsewhere (states and
parties in the reference data, agreements in other notes), and the shapes look at those
entities: ``sh:class`` reads a value's type (one hop), the obligor rule reads the agreement's
parties and their members (two hops). So the scope is

- the triples of the checked notes (their subjects are the only focus nodes reported),
- the whole ontology (the class hierarchy that ``sh:class`` and ``sh:targetClass`` follow),
- and, from the reference graphs and the other notes, the triples about every entity the
  checked notes reach in at most :data:`CONTEXT_DEPTH` links.

A note's additions to things defined elsewhere (``- about: ID``) are left out everywhere:
each source's claims are validated on their own, so that a thing's definition is judged by
the same triples however many sources add to it, and two sources that disagree on a
single-valued property are a conflict to show, not a violation. The mapper checks what
the shapes would of an addition (:meth:`loader.graph.mapping._NoteMapper._map_addition`).

A shape that follows a longer forward path, or any inverse path into other notes, needs a
larger depth here; :data:`CONTEXT_DEPTH` is the contract between shapes/ and this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from loader.graph.parts import GraphPart

#: Links the data shapes follow from a focus node into other entities (obligor → agreement →
#: party → member is two links beyond the agreement's own triples).
CONTEXT_DEPTH = 2


@dataclass
class Scope:
    """The triples to validate and the subjects whose results are reported."""

    triples: list[ox.Triple]
    focus: set[str]


def data_scope(parts: Sequence[GraphPart], checked: set[str]) -> Scope:
    """The scope for the note graphs named in ``checked`` (graph IRIs)."""
    focus_triples: list[ox.Triple] = []
    ontology: list[ox.Triple] = []
    by_subject: dict[str, list[ox.Triple]] = defaultdict(list)
    for part in parts:
        if part.kind == "note" and part.iri in checked:
            focus_triples.extend(part.validated())
        elif part.kind == "ontology":
            ontology.extend(part.triples)
        elif part.kind in ("note", "reference"):
            for triple in part.validated():
                by_subject[_subject(triple)].append(triple)
    focus = {_subject(t) for t in focus_triples}
    context = _reach(focus_triples, by_subject, focus)
    return Scope(triples=focus_triples + ontology + context, focus=focus)


def ontology_scope(parts: Iterable[GraphPart]) -> Scope:
    """The ontology graph alone; every subject in it may be reported."""
    triples = [t for part in parts if part.kind == "ontology" for t in part.triples]
    return Scope(triples=triples, focus={_subject(t) for t in triples})


def _subject(triple: ox.Triple) -> str:
    subject = triple.subject
    return subject.value if isinstance(subject, ox.NamedNode | ox.BlankNode) else str(subject)


def _reach(
    start: list[ox.Triple], by_subject: dict[str, list[ox.Triple]], seen: set[str]
) -> list[ox.Triple]:
    found: list[ox.Triple] = []
    visited = set(seen)
    frontier = {t.object.value for t in start if isinstance(t.object, ox.NamedNode)}
    for _ in range(CONTEXT_DEPTH):
        next_frontier: set[str] = set()
        for iri in frontier - visited:
            visited.add(iri)
            for triple in by_subject.get(iri, ()):
                found.append(triple)
                if isinstance(triple.object, ox.NamedNode):
                    next_frontier.add(triple.object.value)
        frontier = next_frontier
    return found
