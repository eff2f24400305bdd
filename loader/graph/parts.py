"""A named graph of the dataset in memory, before it is serialised.

Every stage after mapping speaks in :class:`GraphPart`: the pipeline serialises parts,
validation scopes them, documentation and quality control load them into a store.
It lives here, below all of them, so that none has to import another to share it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True, slots=True)
class GraphPart:
    """One named graph of the dataset and where it came from."""

    iri: str
    kind: str  # ontology | reference | note | queries
    source: str | None
    triples: list[ox.Triple]
    #: subjects whose triples here are a note's additions to things defined elsewhere
    #: (``- about:``); validation leaves them out, each source's claims checked on their own
    added: frozenset[str] = frozenset()

    def validated(self) -> list[ox.Triple]:
        """The triples validation sees: all but the additions'."""
        if not self.added:
            return self.triples
        added = self.added
        return [t for t in self.triples if t.subject.value not in added]  # type: ignore[union-attr]


def store_quads(parts: Iterable[GraphPart]) -> ox.Store:
    """An in-memory store with every part in its named graph (for validation and tests)."""
    store = ox.Store()
    store.bulk_extend(
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(part.iri))
        for part in parts
        for t in part.triples
    )
    return store
