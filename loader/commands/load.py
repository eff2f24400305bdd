"""``tradekg load``: send dist/ to a triplestore (GSP, or batched SPARQL Update) and verify it.

Thin glue: reading dist/ is :mod:`loader.store.dist`, the store's URLs are
:mod:`loader.store.profiles`, credentials :mod:`loader.store.credentials`, and the load itself
:mod:`loader.store.load`. Output: the verification table on stdout; retries and errors on
stderr, and a progress bar there when stderr is a terminal. Exit codes: 0 loaded and
verified, 1 the load failed or a count differs, 2 usage or input error (no dist/, bad
options).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from loader.commands.common import (
    EXIT_OK,
    EXIT_VIOLATIONS,
    open_project,
    project_option,
    reports_input_errors,
)
from loader.commands.limits import LOAD_TIMEOUT, PROBE_TIMEOUT, timeout_option
from loader.commands.progress import ProgressBar
from loader.store.connection import check_store, connect
from loader.store.credentials import mask_url, resolve_credentials
from loader.store.dist import index_dataset, read_dist
from loader.store.http import StoreClient
from loader.store.load import (
    DEFAULT_CHUNK_TRIPLES,
    LoadFailed,
    Progress,
    format_checks,
    format_plan,
    load_dataset,
    plan_load,
)
from loader.store.profiles import StoreKind

DEFAULT_ENDPOINT = "http://127.0.0.1:7878"


@click.command(name="load")
@click.option(
    "--endpoint",
    default=None,
    help="Base URL of the server (oxigraph, virtuoso), of the dataset (fuseki: …/DATASET), "
    f"of the repository (graphdb: …/repositories/ID), or the GSP URL (generic). "
    f"Default: the profile's, else {DEFAULT_ENDPOINT}.",
)
@click.option(
    "--store",
    type=click.Choice([kind.value for kind in StoreKind]),
    default=None,
    help="Which store (default oxigraph): sets the GSP, query and update paths, auth and "
    "SPARQL dialect.",
)
@click.option("--profile", metavar="NAME", help="A connection profile from tradekg.toml.")
@click.option("--query-endpoint", default=None, help="Override the SPARQL query URL.")
@click.option("--update-endpoint", default=None, help="Override the SPARQL Update URL.")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send nothing.")
@click.option(
    "--prune",
    is_flag=True,
    help="Remove graphs under https://w3id.org/tradekg/graph/ that dist/ no longer has.",
)
@click.option(
    "--chunk-triples",
    type=click.IntRange(min=1),
    default=DEFAULT_CHUNK_TRIPLES,
    show_default=True,
    help="Most triples per request; bigger graphs are staged and moved into place.",
)
@click.option(
    "--staging/--in-place",
    default=True,
    show_default=True,
    help="Assemble graphs bigger than one chunk in a staging graph and MOVE them into place "
    "(never half-written), or write them in place (faster where MOVE is slow).",
)
@timeout_option(LOAD_TIMEOUT, "each request")
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="Retries of a request after a transient failure (connection refused or dropped, "
    "502/503/504); a request past --timeout is not retried.",
)
@click.option(
    "--backoff",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="First wait before a retry, in seconds; doubled each time.",
)
@project_option
@reports_input_errors
def command(
    *,
    endpoint: str | None,
    store: str | None,
    profile: str | None,
    query_endpoint: str | None,
    update_endpoint: str | None,
    dry_run: bool,
    prune: bool,
    chunk_triples: int,
    staging: bool,
    timeout: float,
    retries: int,
    backoff: float,
    project_root: Path,
) -> None:
    """Load the built graph (dist/) into a triplestore and verify every graph's count.

    Every named graph is replaced (a Graph Store Protocol PUT, or on Oxigraph many graphs
    per SPARQL Update, one transaction each), so loading again gives the same result.
    Credentials: TRADEKG_USER / TRADEKG_PASSWORD, or ~/.netrc.
    """
    project = open_project(project_root)
    clean_endpoint, credentials = resolve_credentials(endpoint) if endpoint else (None, None)
    connection = connect(
        project.root,
        endpoint=clean_endpoint,
        store=store,
        profile=profile,
        query_endpoint=query_endpoint and resolve_credentials(query_endpoint)[0],
        update_endpoint=update_endpoint and resolve_credentials(update_endpoint)[0],
        default_endpoint=DEFAULT_ENDPOINT,
    )
    assert connection is not None  # there is a default endpoint
    clean_endpoint = connection.endpoint
    if credentials is None:
        credentials = resolve_credentials(clean_endpoint)[1]
    store_profile = connection.profile
    dataset = read_dist(project.dist_dir)
    index = index_dataset(dataset)
    plan = plan_load(index, store_profile, chunk_triples=chunk_triples, staging=staging)
    if dry_run:
        click.echo(format_plan(plan, prune=prune))
        sys.exit(EXIT_OK)
    check_store(connection, timeout=min(timeout, PROBE_TIMEOUT))
    who = f" with credentials from {credentials.origin}" if credentials is not None else ""
    click.echo(
        f"loading {len(plan.graphs)} graphs, {plan.total_triples:,} triples into "
        f"{store_profile.kind.value} at {mask_url(clean_endpoint)}{who}",
        err=True,
    )
    with (
        StoreClient(
            store_profile,
            credentials=credentials,
            timeout=timeout,
            retries=retries,
            backoff=backoff,
            on_retry=lambda message: click.echo(f"warning: {message}", err=True),
        ) as client,
        ProgressBar(plan.total_triples, "loading", unit="triples") as bar,
    ):

        def progress(event: Progress) -> None:
            bar.update(event.sent, label=f"graph {event.graph_number}/{event.graph_count}")

        try:
            report = load_dataset(
                index,
                client,
                chunk_triples=chunk_triples,
                prune=prune,
                staging=staging,
                progress=progress,
            )
        except LoadFailed as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_VIOLATIONS)
    for iri in report.staging_removed:
        click.echo(f"removed a staging graph left by an interrupted load: <{iri}>", err=True)
    for iri in report.pruned:
        click.echo(f"pruned <{iri}> (not in dist/manifest.json)", err=True)
    click.echo(format_checks(report.checks))
    bad = sum(not check.ok for check in report.checks)
    click.echo(
        f"sent {report.triples:,} triples in {report.graphs} graphs ({report.requests} "
        f"requests) in {report.seconds:.1f} s, {report.triples_per_second:,.0f} triples/s; "
        + (f"{bad} graphs differ" if bad else "all counts verified"),
        err=True,
    )
    sys.exit(EXIT_VIOLATIONS if bad else EXIT_OK)
