"""Write a query result for people (a table) or programs (CSV, TSV, JSON, Turtle, N-Triples).

- ``table``: aligned columns, for a terminal: control characters (escape sequences, bidi
  overrides) in any cell or column name are made visible (:func:`~loader.store.scrub.visible`),
  so an endpoint's answer or a note's label cannot drive the terminal; each IRI shown by
  its label when ``labels`` has one (else
  shortened with the project prefixes), literals shown as their value (with ``@lang`` when
  tagged, except in readable answers: ``Brunei Darussalam``, never ``Brunei Darussalam@en``),
  numbers with their unit when the query declares one (``19 %``, ``USD 123.5 bn``),
  unbound cells empty, and a row count.
- ``csv`` / ``tsv``: SPARQL 1.1 Query Results CSV and TSV (W3C Recommendation): CSV has bare
  variable names, IRIs and literal values as plain text, RFC 4180 quoting and CRLF line ends;
  TSV has ``?``-prefixed names and every term in SPARQL/Turtle syntax. With ``labels``, an
  IRI cell that has a label holds the label instead, and a literal its plain text with no
  language tag or datatype (numbers stay plain numbers); JSON keeps the full terms.
- ``json``: SPARQL 1.1 Query Results JSON.
- ``turtle`` / ``ntriples``: for CONSTRUCT and DESCRIBE answers.

Graph answers asked for as a table, CSV, TSV or JSON are shown as subject/predicate/object
solutions, so every format works for every query.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from loader.namespaces import PREFIXES, XSD, shorten
from loader.query.result import (
    BooleanResult,
    QueryResult,
    Solutions,
    Term,
    Triples,
    to_sparql_json,
    triples_as_solutions,
)
from loader.store.scrub import visible
from loader.units import amount

FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json", "turtle", "ntriples")
GRAPH_ONLY_FORMATS = frozenset({"turtle", "ntriples"})


class FormatError(ValueError):
    """The format cannot express this kind of result (e.g. Turtle for a SELECT)."""


@dataclass(frozen=True)
class Readable:
    """What makes cells readable: labels of IRIs and the units of numeric columns.

    ``units`` maps a column to a unit: a unit's notation (``percent``, ``USD``) or ``?col``,
    another column whose IRI is the row's unit; ``symbols`` maps unit IRIs to notations.
    """

    labels: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)
    symbols: Mapping[str, str] = field(default_factory=dict)


def render(
    result: QueryResult,
    *,
    fmt: str,
    max_width: int | None = None,
    readable: Readable | None = None,
    total_width: int | None = None,
) -> str:
    """The result written in ``fmt`` (one of :data:`FORMATS`).

    ``max_width`` cuts table cells longer than that (with ``…``), and ``total_width`` narrows
    the widest columns until a table's lines fit in that many characters: use them only for a
    terminal (CSV, TSV and JSON keep every cell whole).
    ``readable`` shows IRIs by their labels and numbers with their units (table, CSV, TSV;
    JSON stays standard SPARQL JSON with IRIs).

    Raises:
        FormatError: ``turtle``/``ntriples`` for a SELECT or ASK answer, or an unknown format.
    """
    if fmt in GRAPH_ONLY_FORMATS:
        if not isinstance(result, Triples):
            raise FormatError(f"--format {fmt} is for CONSTRUCT and DESCRIBE queries")
        rdf_format = ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.N_TRIPLES
        prefixes = dict(PREFIXES) if fmt == "turtle" else None
        data = ox.serialize(list(result.triples), format=rdf_format, prefixes=prefixes)
        return (data or b"").decode("utf-8")
    if isinstance(result, Triples):
        result = triples_as_solutions(result)
    if fmt == "json":
        return json.dumps(to_sparql_json(result), indent=2, ensure_ascii=False) + "\n"
    if isinstance(result, BooleanResult):
        word = "true" if result.value else "false"
        return ("yes" if result.value else "no") + "\n" if fmt == "table" else word + "\n"
    if fmt == "table":
        return table(result, max_width=max_width, readable=readable, total_width=total_width)
    if fmt == "csv":
        return to_csv(result, readable=readable)
    if fmt == "tsv":
        return to_tsv(result, readable=readable)
    raise FormatError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def display(term: Term | None) -> str:
    """A term as a person reads it: ``id:state/VNM``, ``46``, ``Viet Nam@en``."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return short_iri(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return f"{term.value}@{term.language}" if term.language else term.value
    return f"<< {display(term.subject)} {display(term.predicate)} {display(term.object)} >>"


def plain(term: Term | None) -> str:
    """A term as a readable answer shows it: like :func:`display`, a literal without its tag."""
    return term.value if isinstance(term, ox.Literal) else display(term)


def short_iri(iri: str) -> str:
    """``id:state/VNM`` for people: like :func:`shorten`, but also with ``/`` in the local part.

    Not SPARQL syntax (a local name may not contain ``/``), but exactly what
    ``tradekg query --param`` accepts, so a cell can be pasted back as a parameter value.
    """
    short = shorten(iri)
    if not short.startswith("<"):
        return short
    best = max(
        ((p, ns) for p, ns in PREFIXES.items() if iri.startswith(ns)),
        key=lambda item: len(item[1]),
        default=None,
    )
    if best is None or not iri[len(best[1]) :] or any(c.isspace() for c in iri):
        return short
    return f"{best[0]}:{iri[len(best[1]) :]}"


#: A column is not narrowed below this many characters to fit a table in the terminal.
MIN_COLUMN = 8


def table(
    result: Solutions,
    *,
    max_width: int | None = None,
    readable: Readable | None = None,
    total_width: int | None = None,
) -> str:
    """An aligned text table with a header rule and a row count; with ``total_width``, the
    widest columns are narrowed (their cells cut with ``…``) until a line fits in it."""
    header = [visible(_flat(v)) for v in result.variables]
    if readable is None:
        cells = [[_cell(display(t), max_width) for t in row] for row in result.rows]
    else:
        shown = readable_rows(result, readable)
        cells = [[_cell(text, max_width) for text in row] for row in shown]
    widths = [len(h) for h in header]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    if total_width is not None and widths:
        widths = fit_widths(widths, total_width - 2 * (len(widths) - 1))
        header = [_cut(h, w) for h, w in zip(header, widths, strict=True)]
        cells = [[_cut(c, w) for c, w in zip(row, widths, strict=True)] for row in cells]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    count = len(result.rows)
    note = (
        "; cells cut to fit, --format csv for every cell whole"
        if "…" in "".join(c for row in cells for c in row) and total_width is not None
        else ""
    )
    lines.append(f"({count} row{'s' if count != 1 else ''}{note})")
    return "\n".join(lines) + "\n"


def fit_widths(widths: list[int], room: int) -> list[int]:
    """Column widths summing to at most ``room``: one cap for all columns, as high as fits,
    so the widest are narrowed first and short columns stay whole; no column is cut below
    :data:`MIN_COLUMN`.

    >>> fit_widths([4, 60, 30], 60)
    [4, 28, 28]
    >>> fit_widths([10, 10], 100)
    [10, 10]
    """
    if sum(widths) <= room:
        return list(widths)
    low, high = MIN_COLUMN, max(widths)
    while low < high:  # the largest cap whose widths fit
        cap = (low + high + 1) // 2
        if sum(min(w, cap) for w in widths) <= room:
            low = cap
        else:
            high = cap - 1
    return [min(w, low) for w in widths]


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _flat(text: str) -> str:
    """One line: line breaks as ``⏎``, tabs as spaces."""
    return text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎").replace("\t", " ")


def _cell(text: str, max_width: int | None) -> str:
    text = visible(_flat(text))
    if max_width is not None and len(text) > max_width:
        return text[: max_width - 1] + "…"
    return text


def to_csv(result: Solutions, *, readable: Readable | None = None) -> str:
    """SPARQL 1.1 CSV: values only (IRIs bare, literals' lexical form), RFC 4180 quoting."""
    labels = readable.labels if readable else {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_label_of(t, labels) or _csv_value(t) for t in row])
    return out.getvalue()


def _label_of(term: Term | None, labels: Mapping[str, str]) -> str | None:
    return labels.get(term.value) if isinstance(term, ox.NamedNode) else None


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def to_tsv(result: Solutions, *, readable: Readable | None = None) -> str:
    """SPARQL 1.1 TSV: ``?var`` header, terms in SPARQL syntax, tabs and newlines escaped.

    With labels, a labelled IRI is written as its label in plain text (escaped the same way).
    """
    labels = readable.labels if readable else {}
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        cells = []
        for term in row:
            label = _label_of(term, labels)
            if label is None and readable is not None and isinstance(term, ox.Literal):
                label = term.value
            cells.append(_escape_tsv(label) if label is not None else tsv_term(term))
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def _escape_tsv(text: str) -> str:
    return "".join(_TSV_ESCAPES.get(c, c) for c in text)


_TSV_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def tsv_term(term: Term | None) -> str:
    """A term in SPARQL/Turtle syntax with no raw tab or newline (empty when unbound)."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        text = _escape_tsv(term.value)
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype.value == XSD + "string":
            return f'"{text}"'
        return f'"{text}"^^<{term.datatype.value}>'
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


_NUMERIC = frozenset(
    XSD + name
    for name in ("decimal", "integer", "double", "float", "long", "int", "nonNegativeInteger")
)


_DATES = frozenset(XSD + name for name in ("date", "gYearMonth", "gYear", "dateTime"))


def html_cell(term: Term | None, text: str, href: str | None = None) -> str:
    """One cell of an answer as an HTML ``<td>``: ``text`` (escaped) linked to ``href`` when
    given, an IRI's short form as its tooltip, numbers right-aligned and dates unbroken
    (``class="num"`` / ``class="date"``)."""
    if isinstance(term, ox.NamedNode):
        title = html.escape(short_iri(term.value))
        if href is not None:
            return f'<td><a href="{html.escape(href)}" title="{title}">{html.escape(text)}</a></td>'
        return f'<td title="{title}">{html.escape(text)}</td>'
    css = ""
    if isinstance(term, ox.Literal):
        if term.datatype.value in _NUMERIC:
            css = ' class="num"'
        elif term.datatype.value in _DATES:
            css = ' class="date"'
    return f"<td{css}>{html.escape(text)}</td>"


def readable_rows(result: Solutions, readable: Readable) -> list[list[str]]:
    """Each cell as people read it: labels for IRIs, numbers with their units."""
    index = {name: i for i, name in enumerate(result.variables)}
    rows: list[list[str]] = []
    for row in result.rows:
        cells: list[str] = []
        for name, term in zip(result.variables, row, strict=True):
            label = _label_of(term, readable.labels)
            if label is not None:
                cells.append(label)
                continue
            unit = readable.units.get(name)
            if unit is not None and unit.startswith("?") and unit[1:] in index:
                unit_term = row[index[unit[1:]]]
                unit = (
                    readable.symbols.get(unit_term.value)
                    if isinstance(unit_term, ox.NamedNode)
                    else None
                )
            cells.append(with_unit(term, unit) if unit else plain(term))
        rows.append(cells)
    return rows


def with_unit(term: Term | None, unit: str) -> str:
    """A number with its unit as people write it: ``19 %``, ``USD 123.5 bn``, ``22 m t``.

    A value that is not a number is shown as it is.
    """
    if not isinstance(term, ox.Literal) or term.datatype.value not in _NUMERIC:
        return plain(term)
    try:
        number = Decimal(term.value)
    except InvalidOperation:
        return plain(term)
    return amount(number, unit)
