"""Stage 1, read: the project's input files → Python objects that remember file and line.

Takes ``ontology/*.ttl``, ``data/reference/*.csv``, ``data/notes/**/*.yaml`` and the source
archive; gives the :class:`Vocabulary` notes may use, the :class:`ReferenceData` graphs
(countries, parties, HS codes, product groups), the parsed :class:`Note` files and where each
of their quotes is in the archived source text. Nothing here knows RDF output
beyond the reference graphs; nothing here imports a later stage.

- :mod:`loader.read.vocabulary` — the ontology's classes, properties and value sets;
- :mod:`loader.read.reference` — the reference CSVs as graphs and ids;
- :mod:`loader.read.notes` — note files, every key and value with its position;
- :mod:`loader.read.sources` — the source archive: every quote proved, and where it is.
"""

from loader.read.notes import Note, Statement, read_note, read_notes
from loader.read.reference import ReferenceData, load_reference
from loader.read.sources import NoteEvidence, SourceText, prove_note
from loader.read.vocabulary import Vocabulary, load_vocabulary

__all__ = [
    "Note",
    "NoteEvidence",
    "ReferenceData",
    "SourceText",
    "Statement",
    "Vocabulary",
    "load_reference",
    "load_vocabulary",
    "prove_note",
    "read_note",
    "read_notes",
]
