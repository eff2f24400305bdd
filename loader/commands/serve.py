"""``tradekg serve``: the built graph on a local Oxigraph server behind a web front, until
Ctrl-C or SIGTERM.

The store is made fresh on every start in a temporary folder with Oxigraph's own bulk
loader (``oxigraph load``: atomic, and much faster than HTTP), so what is served is
exactly dist/ — never a mix with an older build — and nothing is left behind on exit.
The default graph is the union of the named graphs, as the saved queries expect. Everything
binds 127.0.0.1 only: there is no authentication.

The port users know belongs to the front (:mod:`loader.web`): the query browser, the REST API,
the SPARQL editor and the built site, with the SPARQL protocol passed through to the Oxigraph
server on a private port. The front's port is bound before anything starts, so a port another
program holds is a clear error and never a server that answers for someone else's data.

Read-only by default (``oxigraph serve-read-only``: SPARQL Update and Graph Store writes are
refused with 403), so the served graph cannot silently drift from dist/; ``--writable`` opts in
to a read-write server that still refuses writes coming from pages of other sites.
"""

from __future__ import annotations

import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click

from loader.commands.common import (
    EXIT_VIOLATIONS,
    open_project,
    project_option,
    reports_input_errors,
)
from loader.store.dist import read_dist
from loader.store.http import StoreClient
from loader.store.load import verify_counts
from loader.store.profiles import StoreKind, profile_for
from loader.store.server import (
    OxigraphServer,
    OxigraphUnavailable,
    bind_port,
    bulk_load,
    start_server,
)

if TYPE_CHECKING:
    from starlette.types import ASGIApp

EXAMPLE_QUERY = "SELECT ?g (COUNT(*) AS ?triples) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def _banner(server: OxigraphServer, url: str, *, graphs: int, triples: int) -> str:
    if server.read_only:
        mode = "read-only: updates and Graph Store writes are refused (--writable to allow)"
        update = "  SPARQL update:  refused (read-only)"
        store = f"  Graph Store:    {url}/store?graph=IRI (GET only)"
    else:
        mode = (
            "WRITABLE: updates change the served graph, not dist/ (started with --writable); "
            "writes from pages of other sites are refused"
        )
        update = f"  SPARQL update:  {url}/update"
        store = f"  Graph Store:    {url}/store?graph=IRI"
    return "\n".join(
        [
            f"tradekg: {graphs} graphs, {triples:,} triples (counts verified), "
            "default graph = union of the named graphs",
            f"  mode:           {mode}",
            f"  base URL:       {url}  (--endpoint {url} --store oxigraph)",
            f"  saved queries:  {url}/queries/  (a form and a table per query)",
            f"  REST API:       {url}/api/NAME?param=value  (OpenAPI: {url}/api/openapi.json)",
            f"  SPARQL editor:  {url}/sparql/",
            f"  SPARQL query:   {url}/query",
            update,
            store,
            "example:",
            f"  curl -s '{url}/api/tariffs-at-or-above-rate?imposer=USA&rate=19' "
            "-H 'Accept: text/csv'",
            f"  curl -s {url}/query -H 'Accept: text/csv' \\",
            f"       --data-urlencode 'query={EXAMPLE_QUERY}'",
            "Stop with Ctrl-C (or SIGTERM).",
        ]
    )


def _serve_front(server: OxigraphServer, front: socket.socket, app: ASGIApp) -> int:
    """Serve ``app`` on the bound socket until SIGINT/SIGTERM (exit 0) or until the Oxigraph
    server dies on its own (exit 1)."""
    import uvicorn

    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", server_header=False
    )
    front_server = uvicorn.Server(config)
    died = threading.Event()

    def watch() -> None:
        while not front_server.should_exit:
            if server.process.poll() is not None:
                died.set()
                front_server.should_exit = True
                return
            time.sleep(0.5)

    # uvicorn re-raises the signal that stopped it once it is done; these handlers take it,
    # so the Oxigraph server is stopped and the temporary store removed before we exit.
    previous = {sig: signal.signal(sig, _ignore) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        threading.Thread(target=watch, daemon=True).start()
        front_server.run(sockets=[front])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if died.is_set():
        click.echo(
            f"error: the Oxigraph server exited with code {server.process.returncode}", err=True
        )
        return EXIT_VIOLATIONS
    return 0


def _ignore(signum: int, frame: FrameType | None) -> None:
    """A signal uvicorn has already acted on."""


@click.command(name="serve")
@click.option(
    "--port",
    type=click.IntRange(min=0, max=65535),
    default=7878,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free port).",
)
@click.option(
    "--writable",
    is_flag=True,
    help="Accept SPARQL Update and Graph Store writes (default: read-only).",
)
@project_option
@reports_input_errors
def command(*, port: int, writable: bool, project_root: Path) -> None:
    """Serve the built graph (dist/) from a local Oxigraph server on 127.0.0.1.

    Read-only unless --writable: the server refuses updates, so it serves exactly dist/.

    Exit codes: 0 stopped by Ctrl-C/SIGTERM, 1 the server failed, 2 no dist/ (run
    `tradekg build` first).
    """
    project = open_project(project_root)
    dataset = read_dist(project.dist_dir)
    front = bind_port(port)
    url = f"http://127.0.0.1:{front.getsockname()[1]}"
    workdir = Path(tempfile.mkdtemp(prefix="tradekg-serve-"))
    server: OxigraphServer | None = None
    code = EXIT_VIOLATIONS
    try:
        click.echo(f"loading {project.rel(dataset.nquads_path)} …", err=True)
        bulk_load(location=workdir / "store", file=dataset.nquads_path)
        server = start_server(
            location=workdir / "store",
            own_session=True,
            read_only=not writable,
        )
        profile = profile_for(StoreKind.OXIGRAPH, server.url)
        with StoreClient(profile, timeout=60, retries=1) as client:
            checks = verify_counts(client, dataset)
        wrong = [check for check in checks if not check.ok]
        if wrong:
            for check in wrong:
                click.echo(
                    f"error: <{check.iri}>: {check.local} triples in dist/, {check.remote} served",
                    err=True,
                )
        else:
            from loader import __version__
            from loader.web import Backend, QueryService, Settings, create_app

            backend = Backend(server.url)
            service = QueryService(project, server.query_endpoint)
            settings = Settings(port=front.getsockname()[1], writable=writable, version=__version__)
            app = create_app(service, backend, settings)
            click.echo(_banner(server, url, graphs=len(checks), triples=dataset.total_triples))
            sys.stdout.flush()
            code = _serve_front(server, front, app)
            backend.close()
    except OxigraphUnavailable as error:
        click.echo(f"error: {error}", err=True)
    finally:
        front.close()
        if server is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    if code == 0:
        click.echo("stopped.", err=True)
    sys.exit(code)
