"""Publishing: the ontology and the data as pages and pictures people read.

Takes the assembled dataset; gives ``dist/docs/`` (HTML of every class, property and value,
a class diagram and a picture of the data), with no network assets.

- :mod:`loader.publish.model` — the ontology as documentation sees it;
- :mod:`loader.publish.html` — standalone HTML pages;
- :mod:`loader.publish.diagrams` — diagrams as SVG (Graphviz when installed);
- :mod:`loader.publish.docs` — :func:`generate`, the entry point;
- :mod:`loader.publish.site` — the browsable site of the built graph (``tradekg site``).
"""

from loader.publish.docs import DocsResult, generate

__all__ = ["DocsResult", "generate"]
