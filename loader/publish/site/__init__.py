"""The browsable site of the graph: a page per thing, charts, search; static and offline.

Takes the built store (``dist/store``); gives ``dist/site/``.

- :mod:`loader.publish.site.model` — the SPARQL queries and what is held in memory;
- :mod:`loader.publish.site.pages` — one thing's page (claims, quotes, links, timelines);
- :mod:`loader.publish.site.charts` — tariff charts as SVG (matplotlib);
- :mod:`loader.publish.site.render` — HTML pieces, all escaped;
- :mod:`loader.publish.site.paths` — where pages live, how they link;
- :mod:`loader.publish.site.generate` — :func:`generate_site`, the entry point.
"""

from loader.publish.site.generate import SiteResult, generate_site

__all__ = ["SiteResult", "generate_site"]
