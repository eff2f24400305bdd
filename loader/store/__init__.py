"""Stage 5b, store: ``dist/`` → a triplestore, every graph atomic and verified.

Takes the built ``dist/`` and a server's base URL; gives a :class:`LoadReport` whose triple
counts were checked on the server. Knows each store's endpoints (Oxigraph, Virtuoso, Fuseki,
GraphDB, generic Graph Store Protocol) and starts a real Oxigraph server for ``serve`` and tests.

- :mod:`loader.store.dist` — ``dist/`` read as per-graph streams of request bodies;
- :mod:`loader.store.profiles` — where each store keeps its endpoints, how it authenticates;
- :mod:`loader.store.connection` — ``--endpoint`` + ``--store`` or a named ``--profile``;
- :mod:`loader.store.redirects` — credentials never follow a redirect to another host;
- :mod:`loader.store.credentials` — credentials from the environment or netrc, never printed;
- :mod:`loader.store.http` — Graph Store Protocol and SPARQL over HTTP, retried;
- :mod:`loader.store.load` — plan, load and verify (:func:`load_dataset`);
- :mod:`loader.store.server` — a local Oxigraph server on 127.0.0.1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loader import lazy_names

if TYPE_CHECKING:
    from loader.store.connection import Connection, connect
    from loader.store.dist import read_dist
    from loader.store.http import StoreClient
    from loader.store.load import LoadFailed, LoadReport, load_dataset, plan_load, verify_counts
    from loader.store.profiles import StoreKind, profile_for
    from loader.store.server import OxigraphServer, running_server, start_server

#: Where each name of the face lives. The face loads a module only when one of its names is
#: asked for: importing a small module of the stage (the redaction of loader.store.scrub, the
#: limits of loader.store.transport) must not load requests and every HTTP module with it, or
#: every command's start-up pays for them.
_HOMES = {
    "Connection": "connection",
    "connect": "connection",
    "read_dist": "dist",
    "StoreClient": "http",
    "LoadFailed": "load",
    "LoadReport": "load",
    "load_dataset": "load",
    "plan_load": "load",
    "verify_counts": "load",
    "StoreKind": "profiles",
    "profile_for": "profiles",
    "OxigraphServer": "server",
    "running_server": "server",
    "start_server": "server",
}


__getattr__ = lazy_names(__name__, _HOMES)


__all__ = [
    "Connection",
    "LoadFailed",
    "LoadReport",
    "OxigraphServer",
    "StoreClient",
    "StoreKind",
    "connect",
    "load_dataset",
    "plan_load",
    "profile_for",
    "read_dist",
    "running_server",
    "start_server",
    "verify_counts",
]
