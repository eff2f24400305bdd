"""HTML of the query browser: the list of saved queries and one page per query.

A query's page is a GET form (so its URL is the shareable link to the answer), built from the
typed parameters: value sets and enumerations as choices, ids with suggestions from the
graph, defaults filled in. Wrong values are shown beside their field with the CLI's message.
Every text goes through :func:`html.escape`; the pages use no script and nothing from the
network.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from html import escape

import pyoxigraph as ox

from loader.problems import Problem
from loader.query.output import html_cell, readable_rows
from loader.query.params import ParamSpec
from loader.query.result import BooleanResult, Solutions, Term, Triples, triples_as_solutions
from loader.query.saved import SavedQuery
from loader.web.service import Answer, Suggestion

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fafafa}
nav{background:#24323f;padding:.6em 1.2em}nav a{color:#fff;margin-right:1.4em;text-decoration:none}
main{max-width:1200px;margin:0 auto;padding:1em 1.4em}
h1{font-size:1.5em;margin:.4em 0}.muted{color:#5b6670}.tag{background:#e4ecf3;border-radius:3px;
padding:0 .4em;margin-right:.3em;font-size:.85em}
table{border-collapse:collapse;background:#fff;margin:.6em 0}
th,td{border:1px solid #d5dbe0;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#eef2f5}td.num{text-align:right;white-space:nowrap}td.date{white-space:nowrap}
form.params{background:#fff;border:1px solid #d5dbe0;padding:.8em 1em;display:grid;
grid-template-columns:max-content 1fr;gap:.5em 1em;align-items:start;max-width:900px}
form.params label{font-weight:600}form.params .help{font-size:.85em;color:#5b6670}
.error{color:#a40e26;font-size:.9em}.errors{border:1px solid #a40e26;background:#fff0f0;
padding:.5em 1em;margin:.6em 0}pre{background:#fff;border:1px solid #d5dbe0;padding:.6em;
overflow:auto}input,select{font:inherit;padding:.15em .3em;min-width:16em}
.links a{margin-right:1em}
"""


def shell(title: str, body: str) -> str:
    """A whole page with the navigation bar."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} — tradekg</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        '<nav><a href="/queries/">Saved queries</a><a href="/sparql/">SPARQL (YASGUI)</a>'
        '<a href="/api/openapi.json">API (OpenAPI)</a><a href="/site/index.html">Site</a></nav>\n'
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def listing(queries: Sequence[SavedQuery]) -> str:
    """``/queries/``: every saved query with its summary, tags and parameters."""
    rows = []
    for query in queries:
        params = ", ".join(
            f"{escape(name)} <span class=muted>({escape(_kind_note(spec))})</span>"
            for name, spec in sorted(query.params.items())
        )
        tags = "".join(f"<span class=tag>{escape(t)}</span>" for t in query.tags)
        rows.append(
            f'<tr><td><a href="/queries/{escape(query.name)}">{escape(query.name)}</a></td>'
            f"<td>{escape(query.summary or '')}</td><td>{tags}</td><td>{params or '—'}</td></tr>"
        )
    return shell(
        "Saved queries",
        f"<h1>Saved queries</h1><p class=muted>{len(queries)} queries from queries/*.rq; "
        "each runs on the served graph with its parameters checked as on the command line "
        "(<code>tradekg query NAME --param …</code>).</p>"
        "<table><thead><tr><th>query</th><th>question it answers</th><th>tags</th>"
        f"<th>parameters</th></tr></thead><tbody>{''.join(rows)}</tbody></table>",
    )


def _kind_note(spec: ParamSpec) -> str:
    """``decimal, default 19`` / ``iri, optional`` / ``date``."""
    if spec.default is not None:
        return f"{spec.describe_type()}, default {spec.default}"
    return spec.describe_type() + ("" if spec.required else ", optional")


_PARAMETER_IN_MESSAGE = re.compile(r"parameter '([A-Za-z][A-Za-z0-9]*)'")


def field_of(problem: Problem) -> str | None:
    """The parameter a problem is about, so the form shows it beside that field."""
    found = _PARAMETER_IN_MESSAGE.search(problem.message)
    return found.group(1) if found else None


def query_page(
    query: SavedQuery,
    given: Mapping[str, str],
    *,
    choices: Mapping[str, Mapping[str, str]],
    suggestions: Mapping[str, Sequence[Suggestion]],
    answer: Answer | None,
    problems: Sequence[Problem],
    site_page: Callable[[str], str | None],
) -> str:
    """``/queries/NAME?…``: the form, the problems or the answer, downloads and the SPARQL."""
    by_field: dict[str, list[Problem]] = {}
    general: list[Problem] = []
    for problem in problems:
        name = field_of(problem)
        if name is not None and name in query.params:
            by_field.setdefault(name, []).append(problem)
        else:
            general.append(problem)
    fields = "".join(
        _field(name, spec, given, choices.get(name), suggestions.get(name), by_field.get(name, []))
        for name, spec in sorted(query.params.items())
    )
    limit = escape(given.get("limit", ""))
    fields += (
        "<label for=p-limit>limit</label><div><input id=p-limit name=limit type=number min=1 "
        f'value="{limit}" placeholder="1000"><div class=help>at most this many rows</div></div>'
    )
    form = (
        f'<form class=params method=get action="/queries/{escape(query.name)}">{fields}'
        "<span></span><div><button type=submit>Run the query</button></div></form>"
    )
    errors = ""
    if problems:
        errors = (
            "<div class=errors role=alert><strong>The query was not run:</strong><ul>"
            + "".join(f"<li>{_problem_text(p)}</li>" for p in problems)
            + "</ul></div>"
        )
    tags = "".join(f"<span class=tag>{escape(t)}</span>" for t in query.tags)
    body = (
        f"<h1>{escape(query.summary or query.name)}</h1>"
        f"<p class=muted><code>{escape(query.name)}</code> {tags}</p>"
        f"<p>{escape(query.description or '')}</p>{form}{errors}"
    )
    if answer is not None:
        body += _answer(query, given, answer, site_page)
    else:
        body += f"<h2>SPARQL</h2><pre>{escape(query.text)}</pre>"
    return shell(query.summary or query.name, body)


def _problem_text(problem: Problem) -> str:
    hint = f" <span class=muted>({escape(problem.hint)})</span>" if problem.hint else ""
    return f"{escape(problem.message)}{hint}"


def _field(
    name: str,
    spec: ParamSpec,
    given: Mapping[str, str],
    words: Mapping[str, str] | None,
    suggestions: Sequence[Suggestion] | None,
    problems: Sequence[Problem],
) -> str:
    value = given.get(name, spec.default or "")
    ident = f"p-{escape(name)}"
    options = list(spec.enumeration or ()) or sorted(words or ())
    if options:
        blank = "" if spec.required else '<option value="">(any)</option>'
        items = "".join(
            f'<option value="{escape(o)}"{" selected" if o == value else ""}>{escape(o)}</option>'
            for o in options
        )
        if value and value not in options:  # a wrong value stays visible
            items += f'<option value="{escape(value)}" selected>{escape(value)}</option>'
        control = f"<select id={ident} name={escape(name)}>{blank}{items}</select>"
    else:
        kind = "number" if spec.kind in ("integer", "positiveInteger") else "text"
        listed = ""
        if suggestions:
            listed = f" list={ident}-ids"
        control = (
            f'<input id={ident} name={escape(name)} type={kind} value="{escape(value)}"{listed}'
            f"{' required' if spec.required else ''}>"
        )
        if suggestions:
            control += (
                f"<datalist id={ident}-ids>"
                + "".join(
                    f'<option value="{escape(s.value)}">{escape(s.label)}</option>'
                    for s in suggestions
                )
                + "</datalist>"
            )
    help_text = f"{spec.describe_type()}: {spec.expected()}"
    if spec.default is not None:
        help_text += f" (default {spec.default})"
    elif not spec.required:
        help_text += " (optional)"
    errors = "".join(f"<div class=error>{_problem_text(p)}</div>" for p in problems)
    return (
        f"<label for={ident}>{escape(name)}</label><div>{control}"
        f"<div class=help>{escape(help_text)}</div>{errors}</div>"
    )


def _answer(
    query: SavedQuery,
    given: Mapping[str, str],
    answer: Answer,
    site_page: Callable[[str], str | None],
) -> str:
    params = {k: v for k, v in given.items() if v != ""}
    share = f"/queries/{query.name}?{urllib.parse.urlencode(params)}"
    downloads = " ".join(
        f'<a href="/api/{escape(query.name)}?'
        f'{escape(urllib.parse.urlencode({**params, "format": fmt}))}">{label}</a>'
        for fmt, label in (("csv", "CSV"), ("tsv", "TSV"), ("json", "JSON"))
    )
    result = answer.result
    if isinstance(result, Triples):
        result = triples_as_solutions(result)
    if isinstance(result, BooleanResult):
        table = f"<p><strong>{'yes' if result.value else 'no'}</strong></p>"
        count = ""
    else:
        table = results_table(result, answer, site_page)
        shown = len(result.rows)
        count = f"{shown:,} row{'s' if shown != 1 else ''}" + (
            f" of {answer.total:,} (raise limit for more)" if answer.total > shown else ""
        )
    return (
        f"<h2>Answer</h2><p class=links><span class=muted>{count}</span> "
        f"Download: {downloads} · "
        f'<a href="{escape(share)}">Link to this answer</a></p>{table}'
        f"<h2>SPARQL</h2><p class=muted>with the values bound:</p><pre>{escape(answer.text)}</pre>"
    )


def results_table(
    result: Solutions,
    answer: Answer,
    site_page: Callable[[str], str | None],
    *,
    site_base: str = "/site/",
) -> str:
    """The answer as people read it: labels, units, dates as written; things linked to their
    site page where the built site has one (``site_base``: where the site's pages are, seen
    from the page the table is on)."""
    texts = readable_rows(result, answer.readable)
    head = "".join(f"<th>{escape(v)}</th>" for v in result.variables)
    rows = []
    for row, shown in zip(result.rows, texts, strict=True):
        cells = []
        for term, text in zip(row, shown, strict=True):
            cells.append(_cell(term, text, site_page, site_base))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _cell(
    term: Term | None, text: str, site_page: Callable[[str], str | None], site_base: str
) -> str:
    page = site_page(term.value) if isinstance(term, ox.NamedNode) else None
    return html_cell(term, text, site_base + page if page is not None else None)
