"""Stage 9, web: the saved queries in a browser and as a REST API, in front of ``tradekg serve``'s
Oxigraph server.

Takes the project's ``queries/*.rq``, the build (``dist/``) and a running Oxigraph server; gives
a Starlette application (:func:`create_app`) that uvicorn serves on the port users know.

- :mod:`loader.web.service` — a saved query run for a request, with the CLI's checks;
- :mod:`loader.web.pages` — the query browser's HTML (list, form, answer table);
- :mod:`loader.web.api` — JSON rows, CSV/TSV, the OpenAPI document;
- :mod:`loader.web.yasgui` — the SPARQL editor with the project's prefixes and examples;
- :mod:`loader.web.guard` — which writes come from another site and are refused;
- :mod:`loader.web.proxy` — the SPARQL protocol passed through to Oxigraph;
- :mod:`loader.web.app` — the routes.
"""

from loader.web.app import Settings, create_app
from loader.web.proxy import Backend
from loader.web.service import QueryService

__all__ = ["Backend", "QueryService", "Settings", "create_app"]
