"""Stage 1, read: the project's input files → Python objects that remember file and line.

Takes ``ontology/*.ttl``, ``data/reference/*.csv`` and ``data/notes/**/*.yaml``; gives the
:class:`Vocabulary` notes may use, the :class:`ReferenceData` graphs (countries, parties,
HS codes, product groups) and the parsed :class:`Note` files. Nothing here knows RDF output
beyond the reference graphs; nothing here imports a later stage.

- :mod:`loader.read.vocabulary` — the ontology's classes, properties and value sets;
- :mod:`loader.read.reference` — the reference CSVs as graphs and ids;
- :mod:`loader.read.notes` — note files, every key and value with its position.
"""

from loader.read.notes import Note, Statement, read_note, read_notes
from loader.read.reference import ReferenceData, load_reference
from loader.read.vocabulary import Vocabulary, load_vocabulary

__all__ = [
    "Note",
    "ReferenceData",
    "Statement",
    "Vocabulary",
    "load_reference",
    "load_vocabulary",
    "read_note",
    "read_notes",
]
