"""``tradekg serve``: the built graph on a local Oxigraph server, until Ctrl-C or SIGTERM.

The store is made fresh on every start in a temporary folder with Oxigraph's own bulk
loader (``oxigraph load``: atomic, and much faster than HTTP), so what is served is
exactly dist/ — never a mix with an older build — and nothing is left behind on exit.
The default graph is the union of the named graphs, as the saved queries expect. The
server binds 127.0.0.1 only: it has no authentication.

Read-only by default (``oxigraph serve-read-only``: SPARQL Update and Graph Store writes are
refused with 403 by the server itself), so the served graph cannot silently drift from dist/;
``--writable`` opts in to a read-write server, and the banner says which one runs.
"""

from __future__ import annotations

import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType

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
from loader.store.server import OxigraphServer, OxigraphUnavailable, bulk_load, start_server

EXAMPLE_QUERY = "SELECT ?g (COUNT(*) AS ?triples) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def _banner(server: OxigraphServer, *, graphs: int, triples: int) -> str:
    if server.read_only:
        mode = "read-only: updates and Graph Store writes are refused (--writable to allow)"
        update = "  SPARQL update:  refused (read-only)"
        store = f"  Graph Store:    {server.store_endpoint}?graph=IRI (GET only)"
    else:
        mode = "WRITABLE: updates change the served graph, not dist/ (started with --writable)"
        update = f"  SPARQL update:  {server.update_endpoint}"
        store = f"  Graph Store:    {server.store_endpoint}?graph=IRI"
    return "\n".join(
        [
            f"tradekg: {graphs} graphs, {triples:,} triples (counts verified), "
            "default graph = union of the named graphs",
            f"  mode:           {mode}",
            f"  base URL:       {server.url}  (--endpoint {server.url} --store oxigraph)",
            f"  SPARQL query:   {server.query_endpoint}",
            update,
            store,
            f"  web UI:         {server.url}/",
            "example:",
            f"  curl -s {server.query_endpoint} -H 'Accept: text/csv' \\",
            f"       --data-urlencode 'query={EXAMPLE_QUERY}'",
            "Stop with Ctrl-C (or SIGTERM).",
        ]
    )


def _wait_for_stop(server: OxigraphServer) -> int:
    """Block until SIGINT/SIGTERM (exit 0) or until the server dies on its own (exit 1)."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stop.wait(0.5):
            if server.process.poll() is not None:
                click.echo(
                    f"error: the Oxigraph server exited with code {server.process.returncode}",
                    err=True,
                )
                return EXIT_VIOLATIONS
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


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
    workdir = Path(tempfile.mkdtemp(prefix="tradekg-serve-"))
    server: OxigraphServer | None = None
    code = EXIT_VIOLATIONS
    try:
        click.echo(f"loading {project.rel(dataset.nquads_path)} …", err=True)
        bulk_load(location=workdir / "store", file=dataset.nquads_path)
        server = start_server(
            location=workdir / "store",
            port=port or None,
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
            click.echo(_banner(server, graphs=len(checks), triples=dataset.total_triples))
            sys.stdout.flush()
            code = _wait_for_stop(server)
    except OxigraphUnavailable as error:
        click.echo(f"error: {error}", err=True)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    if code == 0:
        click.echo("stopped.", err=True)
    sys.exit(code)
