"""HTML of the site's pages. Every text and attribute goes through :func:`html.escape`.

Pages are plain HTML with one shared style sheet; the only script is the index's search.
Things are named by their label (or title, or notation) and linked to their own page; a thing
without a name shows its note id; an IRI is shown only where nothing better exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from html import escape

import pyoxigraph as ox

from loader.namespaces import RDFS, SKOS, XSD, shorten
from loader.publish.site.model import SiteData, Term, fallback_name
from loader.publish.site.paths import class_path, href, page_path
from loader.query.output import with_unit

#: IRIs of the project (pages of the site), as opposed to links out.
_OURS = "https://w3id.org/tradekg/"
#: How many items a list shows before "and N more".
CAP = 50


def shell(title: str, body: str, *, root: bool = False, data: str | None = None) -> str:
    """A complete HTML5 page with the navigation bar and the shared style sheet; ``data``:
    the file beside it that holds its thing's data as JSON-LD."""
    up = "" if root else "../"
    # the sorting and filtering script, only where there is a table to sort (a page with
    # none runs no script at all)
    sortable = 'class="sortable"' in body
    script = f'<script src="{up}assets/tables.js" defer></script>\n' if sortable else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} — tradekg</title>\n"
        f'<link rel="stylesheet" href="{up}assets/site.css">\n'
        + (
            f'<link rel="alternate" type="application/ld+json" href="{escape(data)}">\n'
            if data
            else ""
        )
        + "</head>\n<body>\n"
        f'<nav class="top"><a class="brand" href="{up}index.html">tradekg</a>'
        f'<a href="{up}index.html#classes">Everything by kind</a>'
        f'<a href="{up}index.html#search-box">Search</a>'
        f'<a href="{up}query/index.html">Saved queries</a></nav>\n'
        f"<main>\n{body}\n</main>\n{script}</body>\n</html>\n"
    )


def link(d: SiteData, iri: str, *, root: bool = False) -> str:
    """A thing by name, linked to its page when it has one."""
    name = escape(d.name(iri))
    if iri in d.page_set:
        return f'<a href="{escape(href(page_path(iri), from_root=root))}">{name}</a>'
    if iri in d.names or iri in d.vocabulary.labels:
        return f'<span title="{escape(shorten(iri))}">{name}</span>'
    if _is_external(iri):
        return external_link(iri)
    return f"<code>{escape(shorten(iri))}</code>"


#: Where things are described outside the project, and how their ids are read there.
_EXTERNAL_NAMES = (
    ("http://www.wikidata.org/entity/", "Wikidata "),
    ("https://www.wikidata.org/entity/", "Wikidata "),
    ("https://sws.geonames.org/", "GeoNames "),
    ("http://sws.geonames.org/", "GeoNames "),
)


def _is_external(iri: str) -> bool:
    return iri.startswith(("http://", "https://")) and not iri.startswith(_OURS)


def external_link(iri: str, text: str | None = None) -> str:
    """A link that leaves the site (Wikidata, GeoNames, a source's URL), named by where it
    goes: ``Wikidata Q881`` rather than the bare IRI."""
    if text is None:
        text = iri
        for prefix, name in _EXTERNAL_NAMES:
            if iri.startswith(prefix):
                text = name + iri[len(prefix) :].strip("/")
                break
    return f'<a class="external" href="{escape(iri)}" rel="external noopener">{escape(text)}</a>'


def class_link(d: SiteData, iri: str, *, root: bool = False) -> str:
    name = escape(d.vocabulary.label(iri))
    return f'<a href="{escape(href(class_path(iri), from_root=root))}">{name}</a>'


def number(text: str) -> str:
    """A decimal in people's digits: ``123000000000`` → ``123,000,000,000 (123 bn)``.

    >>> number("123000000000"), number("16100000"), number("19"), number("0.5"), number("x")
    ('123,000,000,000 (123 bn)', '16,100,000 (16.1 million)', '19', '0.5', 'x')
    """
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    whole = value == value.to_integral_value()
    plain = f"{int(value):,}" if whole else f"{value.normalize():,f}"
    for size, word in (
        (Decimal(10) ** 12, "tn"),
        (Decimal(10) ** 9, "bn"),
        (Decimal(10) ** 6, "million"),
    ):
        if abs(value) >= size:
            short = (value / size).quantize(Decimal("0.1")).normalize()
            return f"{plain} ({short:f} {word})"
    return plain


_NUMERIC = {XSD + t for t in ("decimal", "integer", "double", "float", "nonNegativeInteger", "int")}


def literal(term: ox.Literal) -> str:
    """A literal as text: numbers grouped, everything else as written."""
    if term.datatype.value in _NUMERIC:
        return escape(number(term.value))
    if term.datatype.value == XSD + "anyURI" and _is_external(term.value):
        return external_link(term.value)
    return escape(term.value)


def value(d: SiteData, term: Term, *, root: bool = False) -> str:
    if isinstance(term, ox.NamedNode):
        return link(d, term.value, root=root)
    if isinstance(term, ox.Literal):
        return literal(term)
    return '<span class="more">(unnamed)</span>'


def value_of(d: SiteData, predicate: str, term: Term, *, nowrap: bool = False) -> str:
    """A value of ``predicate`` as :func:`value` shows it; a number of a property in percent
    with its sign (``19 %``, kept on one line with ``nowrap``)."""
    if predicate in d.vocabulary.percent and isinstance(term, ox.Literal):
        text = escape(with_unit(term, "percent"))
        return text.replace(" ", "&nbsp;") if nowrap else text
    return value(d, term)


def by_name(d: SiteData, term: Term) -> str:
    """The key that orders values as people read them: things by name, literals as written."""
    if isinstance(term, ox.NamedNode):
        return d.name(term.value)
    return term.value if isinstance(term, ox.Literal) else ""


def status_badge(d: SiteData, iri: str) -> str:
    word = d.name(iri)
    css = "status-" + "".join(c if c.isalnum() else "-" for c in word.lower())
    return f'<span class="status {escape(css)}">{escape(word)}</span>'


def quotes(texts: Iterable[str], places: dict[str, tuple[int, int]] | None = None) -> str:
    """Each quote as a block; with its place in the archived source text when it is known."""
    out = []
    for text in sorted(texts):
        place = (places or {}).get(text)
        where = (
            f'<span class="place">characters {place[0]:,}–{place[1]:,} of the archived '
            "source text</span>"
            if place
            else ""
        )
        out.append(f"<blockquote>“{escape(text)}”{where}</blockquote>")
    return "".join(out)


def more(total: int, shown: int) -> str:
    return f'<p class="more">and {total - shown:,} more</p>' if total > shown else ""


def table(
    head: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numeric: Iterable[int] = (),
    css: str = "",
) -> str:
    """A table of already-escaped cells; ``numeric`` columns are right-aligned."""
    right = set(numeric)
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{c}</td>' if i in right else f"<td>{c}</td>" for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    attribute = f' class="{escape(css)}"' if css else ""
    return f"<table{attribute}><tr>{cells}</tr>{body}</table>"


def pager(base: str, page: int, pages: int) -> str:
    """Links to the other pages of a long listing."""
    if pages <= 1:
        return ""
    items = []
    for number_ in range(1, pages + 1):
        path = class_path(base, number_)
        label = str(number_)
        if number_ == page:
            items.append(f"<strong>{label}</strong>")
        else:
            items.append(f'<a href="{escape(href(path))}">{label}</a>')
    return f'<p class="pages">Pages: {" ".join(items)}</p>'


def class_page(
    d: SiteData,
    class_iri: str,
    members: Sequence[str],
    page: int,
    pages: int,
    total: int,
    *,
    columns: Sequence[tuple[str, str]] = (),
    cells: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """One page of a class's listing: every instance by name, linked, with ``columns``
    (heading, property IRI) whose cells ``cells[iri]`` holds (see :mod:`.listing`)."""
    label = d.vocabulary.label(class_iri)
    rows = [
        (
            link(d, iri),
            *((cells or {}).get(iri, ())),
            f'<span class="id" title="{escape(iri)}">{escape(fallback_name(iri))}</span>',
        )
        for iri in members
    ]
    head = ("name", *(heading for heading, _ in columns), "id")
    body = (
        f"<h1>{escape(label)}</h1>"
        f'<p class="kind">{total:,} in the graph · <code>{escape(shorten(class_iri))}</code></p>'
        + pager(class_iri, page, pages)
        + table(head, rows, css="sortable")
        + pager(class_iri, page, pages)
    )
    return shell(label, body)


LABEL_PREDICATES = {RDFS + "label", SKOS + "prefLabel"}
