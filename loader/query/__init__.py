"""Stage 5a, query: saved SPARQL → rows, on the embedded store or on any endpoint.

Takes ``queries/*.rq`` and ``dist/store`` (or an endpoint URL); gives a
:class:`~loader.query.result.QueryResult` of pyoxigraph terms, the same type for every engine,
and writes it for people or programs.

- :mod:`loader.query.saved` — a ``.rq`` file with its grlc header → :class:`SavedQuery`;
- :mod:`loader.query.scan` — a SPARQL lexer, just enough to bind parameters safely;
- :mod:`loader.query.params` — typed parameters → checked RDF terms → VALUES blocks;
- :mod:`loader.query.local` / :mod:`loader.query.remote` — the embedded store, an endpoint;
- :mod:`loader.query.result` — the one result type, SPARQL JSON in and out;
- :mod:`loader.query.output` — tables, CSV, TSV, JSON, Turtle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loader import lazy_names

if TYPE_CHECKING:
    from loader.query.local import open_store, run_local
    from loader.query.output import render
    from loader.query.params import bind, resolve
    from loader.query.result import QueryResult, Solutions
    from loader.query.saved import SavedQuery, find_saved_query, load_saved_queries

#: Where each name of the face lives. The face loads a module only when one of its names is
#: asked for: ``tradekg show`` needs the store and the describer, not the parameter binder,
#: the SPARQL lexer and the table writers (a tenth of a second of its start-up).
_HOMES = {
    "QueryResult": "result",
    "SavedQuery": "saved",
    "Solutions": "result",
    "bind": "params",
    "find_saved_query": "saved",
    "load_saved_queries": "saved",
    "open_store": "local",
    "render": "output",
    "resolve": "params",
    "run_local": "local",
}


__getattr__ = lazy_names(__name__, _HOMES)


__all__ = [
    "QueryResult",
    "SavedQuery",
    "Solutions",
    "bind",
    "find_saved_query",
    "load_saved_queries",
    "open_store",
    "render",
    "resolve",
    "run_local",
]
