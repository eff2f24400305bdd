"""Render the ontology documentation as standalone HTML pages (no network, no CDN assets).

pyLODE was tried first: pyLODE 3.4.1 from PyPI crashes at start (it looks for a
``pyproject.toml`` inside site-packages), so the pages are made here from a small template.
Every text is escaped; every term has an anchor ``#<prefix>-<local name>``.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from loader.namespaces import shorten
from loader.publish.model import HEADER_FIELDS, DocModel, DocTerm

STYLE = """
body{font-family:system-ui,-apple-system,'DejaVu Sans',sans-serif;max-width:72rem;margin:2rem auto;
padding:0 1rem;color:#1b1f24;line-height:1.45}
h1{font-size:1.8rem}h2{border-bottom:2px solid #d0d7de;padding-bottom:.2rem;margin-top:2.5rem}
section.term{border:1px solid #d0d7de;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
section.term h3{margin:.2rem 0}.iri{font-family:monospace;font-size:.85rem;color:#57606a}
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:.25rem .5rem;
vertical-align:top;text-align:left}th{background:#f6f8fa}.deprecated{color:#b35900}
nav a{margin-right:1rem}code{background:#f6f8fa;padding:0 .2rem}
img.diagram{max-width:100%;border:1px solid #d0d7de}
svg{max-width:100%;height:auto}
"""


def page(title: str, body: str) -> str:
    """A complete HTML5 document with the shared inline style."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        '<nav><a href="index.html">Overview</a><a href="ontology.html">Ontology</a>'
        '<a href="classes.svg">Class diagram</a><a href="data.html">Data picture</a></nav>\n'
        f"{body}\n</body>\n</html>\n"
    )


def _link(model: DocModel, iri: str) -> str:
    term = model.terms.get(iri)
    if term is None:
        if iri.startswith("http"):
            return f'<a href="{escape(iri)}"><code>{escape(shorten(iri))}</code></a>'
        return f"<code>{escape(shorten(iri))}</code>"
    return f'<a href="ontology.html#{escape(term.anchor)}">{escape(term.label)}</a>'


def _links(model: DocModel, iris: Iterable[str]) -> str:
    return ", ".join(_link(model, iri) for iri in iris)


def _row(name: str, html: str) -> str:
    return f"<tr><th>{escape(name)}</th><td>{html}</td></tr>" if html else ""


def _used_by(model: DocModel, term: DocTerm) -> tuple[list[str], list[str]]:
    with_domain = [t.iri for t in model.terms.values() if term.iri in t.domains]
    with_range = [t.iri for t in model.terms.values() if term.iri in t.ranges]
    return sorted(with_domain), sorted(with_range)


def _instances(term: DocTerm, instances: dict[str, int], site: str) -> str:
    """A link to the site's listing of the class, when the data has instances of it."""
    from loader.publish.site.paths import class_path

    count = instances.get(term.iri, 0)
    if not count:
        return ""
    return f'<a href="{escape(site + class_path(term.iri))}">{count:,} in the data</a>'


def term_section(
    model: DocModel, term: DocTerm, instances: dict[str, int] | None = None, site: str = ""
) -> str:
    """One term: label, IRI, definition, then a table of everything else that is known."""
    title = escape(term.label)
    if term.deprecated:
        title += ' <span class="deprecated">(deprecated)</span>'
    rows = [
        _row("definition", escape(term.definition)),
        _row("notation", f"<code>{escape(term.notation)}</code>" if term.notation else ""),
        _row("comment", "<br>".join(escape(c) for c in term.comments)),
        _row(
            "subclass of" if term.kind == "class" else "subproperty of", _links(model, term.parents)
        ),
        _row("subclasses", _links(model, sorted(term.children))),
        _row("disjoint with", _links(model, term.disjoint)),
        _row("domain", _links(model, term.domains)),
        _row("range", _links(model, term.ranges)),
        _row("value set", _link(model, term.value_set) if term.value_set else ""),
        _row("values", _links(model, sorted(term.members))),
        _row("replaced by", _links(model, term.replaced_by)),
    ]
    if term.kind == "class":
        with_domain, with_range = _used_by(model, term)
        rows.append(_row("properties of it", _links(model, with_domain)))
        rows.append(_row("properties pointing to it", _links(model, with_range)))
        rows.append(_row("instances", _instances(term, instances or {}, site)))
    rows.append(
        _row(
            "alignments",
            "<br>".join(f"{escape(shorten(p))} {_link(model, o)}" for p, o in term.alignments),
        )
    )
    return (
        f'<section class="term" id="{escape(term.anchor)}">\n<h3>{title}</h3>\n'
        f'<div class="iri">{escape(term.kind)} · <code>{escape(term.short)}</code> · '
        f"{escape(term.iri)}</div>\n<table>{''.join(r for r in rows if r)}</table>\n</section>"
    )


SECTIONS = (
    ("classes", "Classes"),
    ("object property", "Object properties"),
    ("datatype property", "Datatype properties"),
    ("annotation property", "Annotation properties"),
    ("datatype", "Datatypes"),
    ("value sets", "Value sets (controlled values)"),
)


def ontology_page(
    model: DocModel, instances: dict[str, int] | None = None, site: str = "../site/"
) -> str:
    """``ontology.html``: every class, property, datatype, value set and controlled value.

    ``instances`` counts the pages per class of the browsable site (``tradekg site``) at
    ``site``, relative to this page; a class with instances links to its listing there.
    """
    parts = [f"<h1>{escape(model.first(HEADER_FIELDS[0][1]) or 'Ontology')}</h1>", _toc(model)]
    for key, heading in SECTIONS:
        terms = _section_terms(model, key)
        parts.append(f'<h2 id="{escape(key.replace(" ", "-"))}">{escape(heading)}</h2>')
        for term in terms:
            parts.append(term_section(model, term, instances, site))
            if key == "value sets":
                for iri in sorted(term.members, key=lambda i: model.label(i).casefold()):
                    parts.append(term_section(model, model.terms[iri]))
    return page("Ontology — " + model.first(HEADER_FIELDS[0][1]), "\n".join(parts))


def _section_terms(model: DocModel, key: str) -> list[DocTerm]:
    if key == "classes":
        return model.classes
    if key == "value sets":
        return model.value_sets
    return model.of_kind(key)


def _toc(model: DocModel) -> str:
    items = []
    for key, heading in SECTIONS:
        links = ", ".join(
            f'<a href="#{escape(t.anchor)}">{escape(t.label)}</a>'
            for t in _section_terms(model, key)
        )
        items.append(f"<li><strong>{escape(heading)}</strong>: {links}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def index_page(model: DocModel, counts: dict[str, int], *, data_svg: bool) -> str:
    """``index.html``: the header, what the graph holds, and the diagrams."""
    rows = []
    for name, predicate in HEADER_FIELDS:
        values = model.header.get(predicate, [])
        cells = ", ".join(
            f'<a href="{escape(v)}">{escape(v)}</a>' if v.startswith("http") else escape(v)
            for v in values
        )
        rows.append(_row(name, cells))
    kinds = [
        ("classes", len(model.classes)),
        ("object properties", len(model.of_kind("object property"))),
        ("datatype properties", len(model.of_kind("datatype property"))),
        ("annotation properties", len(model.of_kind("annotation property"))),
        ("value sets", len(model.value_sets)),
        ("controlled values", len(model.of_kind("value"))),
    ]
    count_rows = "".join(f"<tr><td>{escape(k)}</td><td>{n}</td></tr>" for k, n in kinds)
    data_rows = "".join(f"<tr><td>{escape(k)}</td><td>{n}</td></tr>" for k, n in counts.items())
    title = model.first(HEADER_FIELDS[0][1]) or "Ontology"
    body = [
        f"<h1>{escape(title)}</h1>",
        f"<table>{''.join(r for r in rows if r)}</table>",
        '<h2>Terms</h2><p>Every term with its definition: <a href="ontology.html">ontology.html'
        "</a>.</p>",
        f"<table><tr><th>kind</th><th>count</th></tr>{count_rows}</table>",
        "<h2>Classes and their relations</h2>",
        "<p>Solid arrows: object properties from domain to range; hollow arrows: subclass of.</p>",
        '<img class="diagram" src="classes.svg" alt="class diagram">',
        "<h2>The data</h2>",
        f"<table><tr><th>instances</th><th>count</th></tr>{data_rows}</table>",
        "<p>States and the agreements, measures and commitments between them: "
        '<a href="data.html">data.html</a>.</p>',
    ]
    if data_svg:
        body.append('<img class="diagram" src="data.svg" alt="parties and their relations">')
    return page(title, "\n".join(body))


def data_page(svg: str, rows: list[tuple[str, str, str, str]]) -> str:
    """``data.html``: the data picture inline, with the same relations as a table."""
    table = "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    body = (
        "<h1>Parties and what binds them</h1>\n"
        "<p>The parties with the most relations, and one box for all others. Red arrows: "
        "trade measures by kind (tariff measures with their rates, export restrictions …), "
        "from the imposing party to the one whose goods they hit; green arrows: commitments, "
        "from obligor to beneficiary; grey dashed lines: agreements both are party to. Each "
        "line counts the things it stands for; click a party for its "
        "page in the site (made by <code>tradekg site</code>).</p>\n"
        f"{svg}\n<h2>As a table</h2>\n<table><tr><th>from</th><th>relation</th><th>to</th>"
        f"<th>how many</th></tr>{table}</table>"
    )
    return page("Data picture", body)
