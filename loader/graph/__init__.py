"""Stage 2, graph: parsed notes → one named graph per note, and the dataset in memory.

Takes what :mod:`loader.read` gives; gives :class:`GraphPart`\\ s (a named graph with its
origin) and the :class:`Assembled` dataset that validation, quality control and
documentation work on. The types every later stage shares live here, below them all.

- :mod:`loader.graph.literals` — a note's text → a typed RDF literal;
- :mod:`loader.graph.mapping` — ids resolved across notes and reference data, notes → triples;
- :mod:`loader.graph.parts` — :class:`GraphPart` and an in-memory store of parts;
- :mod:`loader.graph.assemble` — everything read and mapped at once (:func:`assemble`).
"""

from loader.graph.assemble import Assembled, assemble, count_instances
from loader.graph.entity import Entity
from loader.graph.mapping import MappedNote, Registry, map_note, register_ids
from loader.graph.parts import GraphPart, store_quads

__all__ = [
    "Assembled",
    "Entity",
    "GraphPart",
    "MappedNote",
    "Registry",
    "assemble",
    "count_instances",
    "map_note",
    "register_ids",
    "store_quads",
]
