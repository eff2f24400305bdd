"""Flat tables of the built graph, a Frictionless data package, and data frames.

- :mod:`loader.publish.tables.ontology` — what the tables need of the ontology;
- :mod:`loader.publish.tables.names` — ids of things, names of columns and tables;
- :mod:`loader.publish.tables.model` — :func:`read_tables`, the graph as tables;
- :mod:`loader.publish.tables.package` — the ``datapackage.json`` that describes them;
- :mod:`loader.publish.tables.write` — :func:`export_tables` (``tradekg export``);
- :mod:`loader.publish.tables.frames` — tables and query answers as pandas data frames.
"""
