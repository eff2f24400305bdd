"""The saved queries in the static site: an index and a page per query.

The queries are the product, so a reader of the site meets them too: each page says what the
query answers, its parameters (type, default, allowed values), its SPARQL, its answer with the
defaults as a table (labels, units, dates as written, things linked to their pages), and how
to run it with other values — the command line, ``tradekg serve``'s form and its REST API.
The answer is computed from the embedded store when the site is written, so the page works
offline like the rest of the site.
"""

from __future__ import annotations

import shlex
import urllib.parse
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path

import pyoxigraph as ox

from loader.problems import InputError
from loader.project import Project
from loader.publish.site.paths import page_path
from loader.publish.site.render import shell
from loader.query.labels import readable_answer, store_labels
from loader.query.local import run_local
from loader.query.output import Readable, html_cell, readable_rows
from loader.query.params import NameLookup, ParamSpec, build_ids
from loader.query.result import BooleanResult, Solutions, Term, Triples, triples_as_solutions
from loader.query.saved import SavedQuery, load_saved_queries
from loader.query.values import bound_text, name_lookup

#: The folder of the query pages below the site's root.
FOLDER = "query"
#: Rows of a default answer shown on its page (the CLI, the form and the API give them all).
ROWS_SHOWN = 200
#: The port ``tradekg serve`` uses unless told otherwise (for the example links).
SERVE_PORT = 7878


def query_page_path(name: str) -> str:
    """A query's page below the site's root."""
    return f"{FOLDER}/{name}.html"


def write_query_pages(
    project: Project, store: ox.Store, root: Path, pages: set[str]
) -> list[SavedQuery]:
    """Write ``query/index.html`` and one page per saved query into ``root``; ``pages``:
    the IRIs that have a page (an answer's cells link to them). Returns the queries.

    Raises:
        InputError: a saved query's file has problems (as ``tradekg query`` reports them).
    """
    queries = sorted(load_saved_queries(project), key=lambda q: q.name)
    if not queries:
        return []
    folder = root / FOLDER
    folder.mkdir(exist_ok=True)
    ids = build_ids(project.dist_dir)
    names = name_lookup(store, project.dist_dir)
    for query in queries:
        page = _query_page(query, _default_answer(query, store, ids, names), pages)
        (folder / f"{query.name}.html").write_text(page, encoding="utf-8")
    (folder / "index.html").write_text(_index(queries), encoding="utf-8")
    return queries


def _default_answer(
    query: SavedQuery,
    store: ox.Store,
    ids: Mapping[str, str] | None,
    names: NameLookup | None,
) -> tuple[Solutions | BooleanResult, Readable] | str:
    """The answer with the defaults, or why there is none (a parameter without a default)."""
    try:
        text = bound_text(query, {}, store=store, ids=ids, names=names)
    except InputError as error:
        return "; ".join(p.message for p in error.problems)
    result = run_local(store, text, file=query.file)
    if isinstance(result, Triples):
        result = triples_as_solutions(result)

    def labels_of(iris: set[str], properties: tuple[str, ...]) -> dict[str, str]:
        return store_labels(store, iris, properties=properties)

    return result, readable_answer(result, query.units, labels_of) or Readable()


def _query_page(
    query: SavedQuery,
    answer: tuple[Solutions | BooleanResult, Readable] | str,
    pages: set[str],
) -> str:
    title = query.summary or query.name
    tags = " ".join(f'<span class="tag">{escape(t)}</span>' for t in query.tags)
    parts = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="kind">Saved query <code>{escape(query.name)}</code> {tags} · '
        '<a href="index.html">all saved queries</a></p>',
    ]
    if query.description:
        parts.append(f"<p>{escape(query.description)}</p>")
    parts.append(_parameters(query.params))
    parts.append(_how_to_run(query))
    parts.append("<h2>Answer with the defaults</h2>")
    if isinstance(answer, str):
        parts.append(f"<p>Not run here: {escape(answer)}. Run it with a value (above).</p>")
    else:
        result, readable = answer
        parts.append(_answer_table(result, readable, pages))
    parts.append(f"<h2>SPARQL</h2><pre>{escape(query.body)}</pre>")
    return shell(title, "\n".join(parts))


def _parameters(params: Mapping[str, ParamSpec]) -> str:
    if not params:
        return "<h2>Parameters</h2><p>None: the query always asks the same.</p>"
    rows = []
    for name, spec in sorted(params.items()):
        needed = "required" if spec.required else "optional"
        default = spec.default if spec.default is not None else ""
        values = ", ".join(spec.enumeration or ()) or spec.expected()
        rows.append(
            f"<tr><td><code>{escape(name)}</code></td><td>{escape(spec.describe_type())}</td>"
            f"<td>{needed}</td><td><code>{escape(default)}</code></td><td>{escape(values)}</td>"
            "</tr>"
        )
    head = "<tr><th>name</th><th>type</th><th></th><th>default</th><th>values</th></tr>"
    return f'<h2>Parameters</h2><table class="sortable">{head}{"".join(rows)}</table>'


def _how_to_run(query: SavedQuery) -> str:
    example = {
        name: spec.default
        for name, spec in sorted(query.params.items())
        if spec.default is not None
    }
    cli = f"tradekg query {query.name}" + "".join(
        f" --param {name}={shlex.quote(value)}" for name, value in example.items()
    )
    search = ("?" + urllib.parse.urlencode(example)) if example else ""
    api_search = "?" + urllib.parse.urlencode({**example, "format": "csv"})
    base = f"http://127.0.0.1:{SERVE_PORT}"
    return (
        "<h2>Run it with other values</h2><ul>"
        f"<li>On the command line: <code>{escape(cli)}</code> (<code>--format csv</code>, "
        "<code>tsv</code> or <code>json</code> for the full data)</li>"
        "<li>In a browser: start <code>tradekg serve</code>, then open "
        f"<code>{escape(base)}/queries/{escape(query.name)}{escape(search)}</code> — a form "
        "with every parameter, and a link to share</li>"
        f"<li>From a program: <code>{escape(base)}/api/{escape(query.name)}"
        f"{escape(api_search)}</code> (JSON, CSV or TSV; <code>/api/openapi.json</code> "
        "describes every query)</li></ul>"
    )


def _answer_table(result: Solutions | BooleanResult, readable: Readable, pages: set[str]) -> str:
    if isinstance(result, BooleanResult):
        return f"<p><strong>{'yes' if result.value else 'no'}</strong></p>"
    if not result.rows:
        return "<p>No rows: the graph holds nothing that matches.</p>"
    shown = Solutions(result.variables, result.rows[:ROWS_SHOWN])
    texts = readable_rows(shown, readable)
    head = "".join(f"<th>{escape(v)}</th>" for v in result.variables)
    body = "".join(
        "<tr>"
        + "".join(_cell(term, text, pages) for term, text in zip(row, cells, strict=True))
        + "</tr>"
        for row, cells in zip(shown.rows, texts, strict=True)
    )
    count = len(result.rows)
    note = f"{count:,} row{'s' if count != 1 else ''}"
    if count > ROWS_SHOWN:
        note += f", the first {ROWS_SHOWN:,} shown (run it for all)"
    return (
        f'<p class="more">{note}</p>'
        f'<table class="sortable"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def _cell(term: Term | None, text: str, pages: set[str]) -> str:
    href = None
    if isinstance(term, ox.NamedNode) and term.value in pages:
        href = "../" + page_path(term.value)
    return html_cell(term, text, href)


def _index(queries: Sequence[SavedQuery]) -> str:
    rows = []
    for query in queries:
        params = ", ".join(sorted(query.params)) or "—"
        tags = ", ".join(query.tags)
        rows.append(
            f'<tr><td><a href="{escape(query.name)}.html">{escape(query.summary or query.name)}'
            f"</a><br><code>{escape(query.name)}</code></td><td>{escape(params)}</td>"
            f"<td>{escape(tags)}</td></tr>"
        )
    head = "<tr><th>query</th><th>parameters</th><th>tags</th></tr>"
    body = (
        "<h1>Saved queries</h1><p>The questions the project answers, each a SPARQL file in "
        "<code>queries/</code>. Each page shows the answer with the defaults and how to ask "
        f'with other values.</p><table class="sortable">{head}{"".join(rows)}</table>'
    )
    return shell("Saved queries", body)
