"""``tradekg query``: list the saved queries, or run one (or a .rq file) locally or remotely.

Thin glue: reading queries is :mod:`loader.query.saved`, binding parameters
:mod:`loader.query.params`, running :mod:`loader.query.local` / :mod:`loader.query.remote`,
writing :mod:`loader.query.output`. The remote path's HTTP client is imported only when
``--endpoint`` is given, so a local query starts in a fraction of a second.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from loader.commands.common import open_project, project_option, reports_input_errors
from loader.commands.limits import PROBE_TIMEOUT, QUERY_TIMEOUT, max_answer_option, timeout_option
from loader.problems import InputError, Problem
from loader.query.labels import fetch_labels, readable_answer, store_labels
from loader.query.result import QueryResult
from loader.query.values import bound_text, name_lookup

if TYPE_CHECKING:
    from loader.query.saved import SavedQuery

FORMAT_CHOICES = ("table", "csv", "tsv", "json", "turtle", "ntriples")
#: Cells are cut to this width only when the table goes to a terminal.
TERMINAL_CELL_WIDTH = 60


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    given: dict[str, str] = {}
    problems: list[Problem] = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            problems.append(
                Problem(
                    "bad-parameter-syntax",
                    f"--param expects NAME=VALUE, got {pair[:40]!r}",
                    hint="for example --param rate=19 --param state=id:state/USA",
                )
            )
        elif name in given:
            problems.append(Problem("bad-parameter-syntax", f"--param {name} is given twice"))
        else:
            given[name] = value
    if problems:
        raise InputError(problems)
    return given


@click.command(
    name="query",
    epilog=(
        "Parameters are checked against their declared type and bound as RDF terms "
        "(never pasted into the query text). IRIs may be written as prefixed names "
        "(id:state/VNM, tkg:TariffMeasure). Without --endpoint the query runs on the "
        "embedded store dist/store (run `tradekg build` first), with the default graph as "
        "the union of all graphs. --endpoint is a server's base URL and --store says which "
        "server it is (its query URL is then known); --profile NAME takes both from "
        "tradekg.toml. Credentials come from TRADEKG_USER and TRADEKG_PASSWORD or ~/.netrc "
        "and are never printed."
    ),
)
@click.argument("name", required=False)
@click.option("--list", "list_queries", is_flag=True, help="List the saved queries and exit.")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter value (repeatable); defaults come from the query's #+ header.",
)
@click.option(
    "--file",
    "query_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Run this .rq file instead of a saved query.",
)
@click.option(
    "--endpoint",
    metavar="URL",
    help="Run on this server instead: its base URL, e.g. http://127.0.0.1:7878 (see --store).",
)
@click.option(
    "--store",
    type=click.Choice(["oxigraph", "fuseki", "graphdb", "virtuoso", "generic"]),
    default=None,
    help="Which server --endpoint is (default oxigraph); generic: --endpoint is the query URL.",
)
@click.option("--profile", metavar="NAME", help="A connection profile from tradekg.toml.")
@click.option(
    "--auth",
    type=click.Choice(["basic", "digest"]),
    default=None,
    help="HTTP authentication when credentials are set (default: what the store wants).",
)
@timeout_option(QUERY_TIMEOUT, "each request to --endpoint")
@max_answer_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMAT_CHOICES),
    default="table",
    show_default=True,
    help=(
        "table (IRIs shortened, cells cut to fit when on a terminal), csv/tsv/json (SPARQL 1.1 "
        "results formats), turtle/ntriples (CONSTRUCT and DESCRIBE)."
    ),
)
@click.option(
    "--iris",
    is_flag=True,
    help="Show IRIs (id:state/VNM) instead of labels (Viet Nam) and plain numbers (for scripts).",
)
@click.option(
    "--show-query",
    is_flag=True,
    help="Print the query with its parameters bound instead of running it.",
)
@project_option
@reports_input_errors
def command(
    *,
    name: str | None,
    list_queries: bool,
    params: tuple[str, ...],
    query_file: Path | None,
    endpoint: str | None,
    store: str | None,
    profile: str | None,
    auth: str | None,
    timeout: float,
    max_answer_mb: int,
    fmt: str,
    iris: bool,
    show_query: bool,
    project_root: Path,
) -> None:
    """Run a saved or ad-hoc SPARQL query, locally or on an endpoint.

    NAME is a saved query (queries/NAME.rq); see them with --list.
    """
    project = open_project(project_root)
    if list_queries:
        if name or query_file:
            raise click.UsageError("--list takes no NAME or --file")
        from loader.query.saved import load_saved_queries

        click.echo(_listing(load_saved_queries(project)), nl=False)
        return
    if bool(name) == bool(query_file):
        raise click.UsageError("give a saved query NAME or --file FILE (see --list)")

    from loader.query.local import has_store, open_store
    from loader.query.params import build_ids
    from loader.query.saved import find_saved_query, read_query

    if query_file is not None:
        query = read_query(query_file, file=str(query_file))
    else:
        assert name is not None
        query = find_saved_query(project, name)
    # The last build names the ids and value-set words parameters may use, wherever the
    # query runs; without a build they are written as IRIs.
    built = open_store(project.store_dir) if has_store(project.store_dir) else None
    text = bound_text(
        query,
        _parse_params(params),
        store=built,
        ids=build_ids(project.dist_dir),
        names=name_lookup(built, project.dist_dir),
    )
    if show_query:
        click.echo(text, nl=not text.endswith("\n"))
        return

    if (store or auth) and endpoint is None and profile is None:
        raise click.UsageError("--store and --auth go with --endpoint URL or --profile NAME")
    if endpoint is not None or profile is not None:
        from loader.query.remote import check_endpoint, credentials_for, run_remote
        from loader.store.connection import check_store, connect

        connection = connect(
            project.root, endpoint=endpoint, store=store, profile=profile, auth=auth, for_query=True
        )
        assert connection is not None  # an endpoint or a profile (which must name one)
        url = check_endpoint(connection.query_url)
        check_store(connection, timeout=min(timeout, PROBE_TIMEOUT))
        credentials = credentials_for(url)
        scheme = connection.auth.value

        def run(sparql: str, form: str = "SELECT") -> QueryResult:
            return run_remote(
                url,
                sparql,
                form=form,
                credentials=credentials,
                auth=scheme,
                timeout=timeout,
                max_answer=max_answer_mb << 20,
            )

        result = run(text, query.form)

        def labels_of(iris: set[str], properties: tuple[str, ...]) -> dict[str, str]:
            return fetch_labels(iris, run, properties=properties)
    else:
        from loader.query.local import run_local

        embedded = built if built is not None else open_store(project.store_dir)
        result = run_local(embedded, text, file=query.file)

        def labels_of(iris: set[str], properties: tuple[str, ...]) -> dict[str, str]:
            return store_labels(embedded, iris, properties=properties)

    from loader.query.output import FormatError, render

    readable = None if iris or fmt == "json" else readable_answer(result, query.units, labels_of)
    terminal = fmt == "table" and sys.stdout.isatty()
    width = TERMINAL_CELL_WIDTH if terminal else None
    columns = shutil.get_terminal_size().columns if terminal else None
    try:
        output = render(result, fmt=fmt, max_width=width, readable=readable, total_width=columns)
    except FormatError as error:
        raise InputError([Problem("bad-format", str(error))]) from None
    click.echo(output, nl=False)


def _listing(queries: Sequence[SavedQuery]) -> str:
    """Name, summary and parameters (type, default, allowed values) of each saved query."""
    if not queries:
        return "No saved queries (add .rq files to queries/).\n"
    lines: list[str] = []
    for query in queries:
        lines.append(f"{query.name}  [{query.form}]")
        if query.summary:
            lines.append(f"    {query.summary}")
        for spec in sorted(query.params.values(), key=lambda s: s.name):
            detail = spec.describe_type()
            if spec.default is not None:
                detail += f", default {spec.default}"
            elif spec.optional:
                detail += ", optional"
            else:
                detail += ", required"
            if spec.enumeration:
                detail += f", one of {', '.join(spec.enumeration)}"
            lines.append(f"    --param {spec.name}=…  ({detail})")
        if query.tags:
            lines.append(f"    tags: {', '.join(query.tags)}")
    return "\n".join(lines) + "\n"
