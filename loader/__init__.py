"""tradekg: build, validate, query and load a knowledge graph of trade commitments.

The command line (``tradekg``) is thin glue over this package; every stage is a module
with one job that can also be called from a notebook:

- :mod:`loader.vocabulary` reads the ontology into the terms notes may use;
- :mod:`loader.notes` reads note files, keeping each value's file and line;
- :mod:`loader.mapping` turns notes into one named graph per note;
- :mod:`loader.reference` turns the reference CSVs into reference graphs;
- :mod:`loader.build` runs the whole pipeline and writes ``dist/``.
"""

__version__ = "0.1.0"
