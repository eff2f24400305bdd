"""One page per thing: what it is, what the sources say of it (with quotes), what points at it.

A party's page adds its tariffs over time (chart and table), its commitments by type and its
agreements; an agreement's page its lifecycle as a timeline; a source's page every fact it
states; a statistic's page the statistics that contradict it, side by side.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

import pyoxigraph as ox

from loader.namespaces import OWL_SAME_AS, PROV, RDF, SKOS, TKG, shorten
from loader.publish.site import model
from loader.publish.site.charts import TariffCharts, TariffPoint, parse_date, status_colours
from loader.publish.site.model import Link, SiteData, Term, graph_kind, term_text
from loader.publish.site.paths import href, page_path
from loader.publish.site.render import (
    CAP,
    LABEL_PREDICATES,
    by_name,
    class_link,
    link,
    literal,
    more,
    quotes,
    shell,
    status_badge,
    table,
    value_of,
)

EVIDENCE = TKG + "evidence"
CLAIM_STATUS = TKG + "claimStatus"
REPORTED_AS = TKG + "reportedAs"
DERIVED_FROM = PROV + "wasDerivedFrom"
EDITORIAL_NOTE = SKOS + "editorialNote"
#: Shown in a claim's frame, not in its table of properties.
FRAMED = {RDF + "type", EVIDENCE, CLAIM_STATUS, REPORTED_AS, DERIVED_FROM, EDITORIAL_NOTE}
#: How many tariff rows a party's page lists (the chart shows them all).
TARIFF_ROWS = 100


@dataclass
class Conflict:
    """Another statistic that gives a different value for the same quantity."""

    other: str
    this_value: str
    other_value: str


@dataclass
class PageContext:
    """Site-wide findings that pages refer to."""

    conflicts: dict[str, list[Conflict]] = field(default_factory=dict)
    charts: TariffCharts | None = None
    #: Charts drawn by all page processes (set when every page is written).
    drawn: int = 0

    def chart(self, points: Sequence[TariffPoint]) -> str:
        if self.charts is None:
            self.charts = TariffCharts()
        return self.charts.draw(points)

    @property
    def chart_count(self) -> int:
        return self.charts.count if self.charts is not None else 0


def entity_page(d: SiteData, iri: str, context: PageContext) -> str:
    """The whole page of one thing."""
    this = ox.NamedNode(iri)
    name = d.name(iri)
    classes = d.types.get(iri, [])
    kinds = ", ".join(class_link(d, c) for c in classes) or "thing"
    parts = [
        f"<h1>{escape(name)}</h1>",
        f'<p class="kind">{kinds} · <span class="id" title="{escape(iri)}">'
        f"id {escape(model.fallback_name(iri))}</span></p>",
    ]
    if d.is_a(iri, TKG + "Party"):
        parts.append(_partners(d, this))
        parts.append(_tariffs(d, this, name, context))
        parts.append(_commitments(d, this))
        parts.append(_agreements(d, this))
    if d.is_a(iri, TKG + "Agreement"):
        parts.append(_lifecycle(d, this))
    outgoing, incoming, has_parts = d.around(this)
    # ids sameAs merged into this thing are its other ids, not things pointing at it
    merged = sorted({term_text(o) for _, p, o in incoming if p == OWL_SAME_AS})
    if merged:
        incoming = [link for link in incoming if link[1] != OWL_SAME_AS]
        others = ", ".join(escape(model.fallback_name(i)) for i in merged)
        parts[1] = parts[1].replace("</p>", f" · also id {others} (sameAs)</p>", 1)
    if d.is_a(iri, TKG + "Party"):  # its tariffs and agreements have their sections above
        incoming = [link for link in incoming if not _shown_above(d, link)]
    places = d.places(this) if has_parts else {}
    source = d.is_a(iri, TKG + "SourceDocument")
    if source:  # what the document is (title, publisher, date) before what it says
        parts.append(_statements(d, outgoing, places))
        parts.append(_source_facts(d, this))
    if iri in context.conflicts:
        parts.append(_conflicts(d, iri, context.conflicts[iri]))
    if not source:
        parts.append(_statements(d, outgoing, places))
    parts.append(_incoming(d, this, incoming, skip={DERIVED_FROM} if source else set()))
    data_file = page_path(iri).rsplit("/", 1)[-1].removesuffix(".html") + ".jsonld"
    return shell(name, "\n".join(p for p in parts if p), data=data_file)


# ------------------------------------------------------------------ what it says


def _statements(
    d: SiteData, links: list[Link], places: dict[str, tuple[int, int]] | None = None
) -> str:
    by_graph: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for graph, predicate, other in links:
        by_graph[graph][predicate].append(other)
    if not by_graph:
        return ""
    blocks = []
    for graph in sorted(by_graph, key=lambda g: (graph_kind(g) != "note", g)):
        blocks.append(_claim(d, graph, by_graph[graph], places))
    return "<h2>What the sources say</h2>\n" + "\n".join(blocks)


def _claim(
    d: SiteData,
    graph: str,
    props: dict[str, list[Term]],
    places: dict[str, tuple[int, int]] | None = None,
) -> str:
    """One graph's statements about the thing, framed by their source, status and quotes."""
    kind = graph_kind(graph)
    source = d.graph_sources.get(graph)
    if kind == "note" and source:
        origin = f"According to {link(d, source)}"
    elif kind == "reference":
        origin = f"Reference data ({escape(graph.rsplit('/', 1)[-1])})"
    else:
        origin = f"Graph <code>{escape(shorten(graph))}</code>"
    frame = [origin]
    for status in props.get(CLAIM_STATUS, []):
        frame.append(status_badge(d, term_text(status)))
    for said in props.get(REPORTED_AS, []):
        frame.append(f"reported as “{escape(term_text(said))}”")
    rows = []
    for predicate in sorted(props, key=lambda p: d.vocabulary.label(p)):
        if predicate in FRAMED or (predicate in LABEL_PREDICATES and len(props[predicate]) == 1):
            continue
        values = sorted(
            props[predicate],
            key=lambda t: by_name(d, t),
        )
        rows.append(
            f"<tr><th>{escape(d.vocabulary.label(predicate))}</th>"
            f"<td>{', '.join(value_of(d, predicate, v) for v in values)}</td></tr>"
        )
    notes = "".join(
        f'<p class="remark">Note author: {escape(term_text(n))}</p>'
        for n in props.get(EDITORIAL_NOTE, [])
    )
    return (
        f'<div class="claim"><div class="from">{" · ".join(frame)}</div>'
        f"{quotes((term_text(q) for q in props.get(EVIDENCE, [])), places)}"
        f'<table class="props">{"".join(rows)}</table>{notes}</div>'
    )


# ------------------------------------------------------------------ what points at it


def _shown_above(d: SiteData, link: Link) -> bool:
    """Whether a party page's own sections list this thing pointing at it already (a
    tariff measure it imposes or faces, an agreement it is party to): no list twice."""
    _, predicate, subject = link
    thing = term_text(subject)
    if predicate in (TKG + "appliesTo", TKG + "imposedBy"):
        return d.is_a(thing, TKG + "TariffMeasure")
    return predicate == TKG + "party" and d.is_a(thing, TKG + "Agreement")


def _incoming(d: SiteData, this: ox.NamedNode, links: list[Link], *, skip: set[str]) -> str:
    groups: dict[str, dict[str, str]] = defaultdict(dict)
    for graph, predicate, subject in links:
        if predicate in skip or not isinstance(subject, ox.NamedNode):
            continue
        groups[predicate].setdefault(subject.value, graph)
    if not groups:
        return ""
    name = d.name(this.value)
    out = ["<h2>What points at it</h2>"]
    for predicate in sorted(groups, key=lambda p: d.vocabulary.label(p)):
        items = groups[predicate]
        label = d.vocabulary.label(predicate)
        ordered = sorted(items, key=lambda s: (d.name(s).casefold(), s))
        rows = []
        for thing in ordered[:CAP]:
            source = d.graph_sources.get(items[thing])
            kinds = ", ".join(escape(d.vocabulary.label(c)) for c in d.types.get(thing, []))
            rows.append((link(d, thing), kinds, link(d, source) if source else ""))
        out.append(
            f'<h3>{escape(label)} <span class="more">— {len(items):,} whose “{escape(label)}” '
            f"is {escape(name)}</span></h3>"
        )
        out.append(table(("what", "kind", "source"), rows) + more(len(items), CAP))
    return "\n".join(out)


# ------------------------------------------------------------------ parties


def _tariffs(d: SiteData, this: ox.NamedNode, name: str, context: PageContext) -> str:
    rows = []
    points = []
    seen: set[tuple[str, str, str]] = set()
    agreements: dict[str, set[str]] = defaultdict(set)
    for row in d.select(model.TARIFFS, this):
        measure, direction, other = (
            term_text(row["measure"]),
            term_text(row["direction"]),
            term_text(row["other"]),
        )
        if row["agreement"] is not None:
            agreements[measure].add(term_text(row["agreement"]))
        if (measure, direction, other) in seen:
            continue
        seen.add((measure, direction, other))
        rate, status, date = (
            term_text(row["rate"]),
            term_text(row["status"]),
            term_text(row["date"]),
        )
        rows.append((date, direction, other, rate, status, measure, term_text(row["source"])))
        when = parse_date(date)
        if when is not None and rate:
            points.append(
                TariffPoint(
                    when,
                    float(rate),
                    d.name(status) if status else "status not given",
                    direction,
                    d.name(other) if other else "?",
                    href=href(page_path(measure)) if measure in d.page_set else None,
                    title=d.name(measure),
                )
            )
    if not rows:
        return ""
    rows.sort(key=lambda r: (r[0] or "0000", r[5]), reverse=True)
    faced = sum(1 for r in rows if r[1] == "faces")
    out = [
        "<h2>Tariffs</h2>",
        f"<p>It faces {_count(faced, 'tariff measure')} and imposes "
        f"{_count(len(rows) - faced, 'tariff measure')}, dated by when they take effect, else "
        "when announced, else when the source reported them.</p>",
    ]
    if points:
        out.append(f"<h3>{escape(f'Tariffs {name} faces and imposes, over time')}</h3>")
        out.append(f'<div class="chart">{context.chart(points)}</div>')
        out.append(_legend(points))
    else:
        out.append('<p class="more">No tariff here has both a rate and a date: no chart.</p>')
    cells = []
    for date, direction, other, rate, status, measure, source in rows[:TARIFF_ROWS]:
        other_html = link(d, other) if other else ""
        cells.append(
            (
                escape(date) or '<span class="more">not given</span>',
                "imposed by" if direction == "faces" else "imposes on",
                other_html,
                f"{escape(rate)} %" if rate else "",
                status_badge(d, status) if status else "",
                link(d, measure),
                ", ".join(link(d, a) for a in sorted(agreements[measure])),
                link(d, source) if source else "",
            )
        )
    out.append(
        table(
            ("date", "", "party", "rate", "status", "measure", "under agreement", "source"),
            cells,
            numeric=(3,),
            css="tariffs",
        )
    )
    out.append(more(len(rows), TARIFF_ROWS))
    return "\n".join(out)


def _count(number: int, noun: str) -> str:
    """``none``, ``1 tariff measure``, ``4 tariff measures``."""
    if number == 0:
        return "none"
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _legend(points: Sequence[TariffPoint]) -> str:
    """The chart's key, as HTML: a colour per status, a shape per direction."""
    items = [
        f'<span class="key"><span class="dot" style="background:{colour}"></span>'
        f"{escape(status)}</span>"
        for status, colour in status_colours(points).items()
    ]
    directions = {p.direction for p in points}
    if "faces" in directions:
        items.append('<span class="key">● faced</span>')
    if "imposes" in directions:
        items.append('<span class="key">▲ imposed</span>')
    return f'<p class="legend">{" ".join(items)}</p>'


def _commitments(d: SiteData, this: ox.NamedNode) -> str:
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in d.select(model.COMMITMENTS, this):
        groups[(term_text(row["type"]), term_text(row["role"]))].add(term_text(row["commitment"]))
    if not groups:
        return ""
    rows = []
    for (kind, role), members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        shown = sorted(members, key=lambda s: (d.name(s).casefold(), s))[:8]
        examples = ", ".join(link(d, m) for m in shown) + (" …" if len(members) > 8 else "")
        rows.append(
            (
                escape(d.name(kind)) if kind else "type not given",
                escape(role),
                f"{len(members):,}",
                examples,
            )
        )
    return "<h2>Commitments by type</h2>" + table(
        ("type", "it", "count", "which"), rows, numeric=(2,)
    )


#: The partners a party page lists (the most bound first; the rest counted).
PARTNER_ROWS = 25
_PARTNER_COLUMNS = (
    ("imposes", "its measures on them"),
    ("faces", "their measures on it"),
    ("gives", "commitments it gives"),
    ("receives", "commitments it receives"),
    ("shares", "shared agreements"),
)


def _partners(d: SiteData, this: ox.NamedNode) -> str:
    """Who the party deals with, one row per partner, counted by kind: a view that stays
    readable however many notes there are (the most bound partners first)."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in d.select(model.PARTNERS, this):
        counts[term_text(row["other"])][term_text(row["kind"])] = int(term_text(row["n"]) or 0)
    if not counts:
        return ""
    ordered = sorted(counts, key=lambda o: (-sum(counts[o].values()), d.name(o).casefold(), o))
    rows = [
        (
            link(d, other),
            *(f"{counts[other].get(kind, 0):,}" or "" for kind, _ in _PARTNER_COLUMNS),
            f"{sum(counts[other].values()):,}",
        )
        for other in ordered[:PARTNER_ROWS]
    ]
    head = ("partner", *(title for _, title in _PARTNER_COLUMNS), "in all")
    numeric = range(1, len(head))
    return (
        f"<h2>Partners ({len(ordered):,})</h2>"
        + table(head, rows, numeric=numeric, css="sortable")
        + more(len(ordered), PARTNER_ROWS)
    )


def _agreements(d: SiteData, this: ox.NamedNode) -> str:
    agreements = sorted(
        {term_text(row["agreement"]) for row in d.select(model.AGREEMENTS, this)},
        key=lambda a: (d.name(a).casefold(), a),
    )
    if not agreements:
        return ""
    items = "".join(f"<li>{link(d, a)}</li>" for a in agreements[:CAP])
    return f"<h2>Agreements it is party to ({len(agreements):,})</h2><ul>{items}</ul>" + more(
        len(agreements), CAP
    )


# ------------------------------------------------------------------ agreements


def _lifecycle(d: SiteData, this: ox.NamedNode) -> str:
    steps: dict[str, dict[str, str]] = {}
    step_quotes: dict[str, set[str]] = defaultdict(set)
    for row in d.select(model.LIFECYCLE, this):
        step = term_text(row["step"])
        steps.setdefault(
            step,
            {
                k: term_text(row[k])
                for k in ("stage", "on", "start", "end", "status", "reported", "source")
            },
        )
        if row["quote"] is not None:
            step_quotes[step].add(term_text(row["quote"]))
    if not steps:
        return ""

    def when(s: dict[str, str]) -> str:
        if s["start"] and s["end"] and s["start"] != s["end"]:
            return f"{s['start']} – {s['end']}"
        return s["start"] or s["on"] or s["end"]

    ordered = sorted(steps.items(), key=lambda kv: (when(kv[1]) or "9999", kv[0]))
    items = []
    for step, s in ordered:
        parts = [
            f'<span class="when">{escape(when(s)) or "date not given"}</span>',
            '<span class="stage">'
            + (escape(d.name(s["stage"])) if s["stage"] else "stage not given")
            + "</span>",
        ]
        if s["status"]:
            parts.append(status_badge(d, s["status"]))
        if s["reported"]:
            parts.append(f"reported as “{escape(s['reported'])}”")
        if s["source"]:
            parts.append(f"— {link(d, s['source'])}")
        parts.append(
            f'<a class="id" href="{escape("../" + page_path(step))}">details</a>'
            if step in d.page_set
            else ""
        )
        items.append(f"<li>{' '.join(p for p in parts if p)}{quotes(step_quotes[step])}</li>")
    return f'<h2>Lifecycle</h2><ol class="timeline">{"".join(items)}</ol>'


# ------------------------------------------------------------------ sources


def _source_facts(d: SiteData, this: ox.NamedNode) -> str:
    facts: dict[str, dict[str, str]] = {}
    fact_quotes: dict[str, set[str]] = defaultdict(set)
    for row in d.select(model.SOURCE_FACTS, this):
        thing = term_text(row["thing"])
        facts.setdefault(
            thing, {"status": term_text(row["status"]), "reported": term_text(row["reported"])}
        )
        if row["quote"] is not None:
            fact_quotes[thing].add(term_text(row["quote"]))
    if not facts:
        return ""

    def kind(thing: str) -> str:
        return ", ".join(d.vocabulary.label(c) for c in d.types.get(thing, []))

    ordered = sorted(facts, key=lambda t: (kind(t), d.name(t).casefold(), t))
    rows = []
    for thing in ordered:
        f = facts[thing]
        status = status_badge(d, f["status"]) if f["status"] else ""
        reported = f"<br>reported as “{escape(f['reported'])}”" if f["reported"] else ""
        rows.append(
            (link(d, thing), escape(kind(thing)), status + reported, quotes(fact_quotes[thing]))
        )
    return f"<h2>Every fact it states ({len(facts):,})</h2>" + table(
        ("fact", "kind", "claim", "in its words"), rows
    )


# ------------------------------------------------------------------ statistics


def statistic_summary(d: SiteData, iri: str) -> str:
    """A statistic as a card: value and unit, who reports on whom, source and quote."""
    props: dict[str, list[Term]] = defaultdict(list)
    for row in d.select(model.OUTGOING, ox.NamedNode(iri)):
        props[term_text(row["p"])].append(row["o"])
    amount = ", ".join(
        literal(v) for v in props.get("https://schema.org/value", []) if isinstance(v, ox.Literal)
    )
    unit = ", ".join(escape(d.name(term_text(v))) for v in props.get(TKG + "unit", []))
    who = " → ".join(
        ", ".join(link(d, term_text(v)) for v in props.get(TKG + p, []))
        for p in ("reporter", "partner")
    )
    period = ", ".join(escape(term_text(v)) for v in props.get(TKG + "referencePeriod", []))
    sources = ", ".join(link(d, term_text(v)) for v in props.get(DERIVED_FROM, []))
    return (
        f'<div><p>{link(d, iri)}</p><p class="value">{unit} {amount}</p>'
        f"<p>{who}{' · ' + period if period else ''}</p><p>Source: {sources}</p>"
        f"{quotes(term_text(q) for q in props.get(EVIDENCE, []))}</div>"
    )


def _conflicts(d: SiteData, iri: str, conflicts: Sequence[Conflict]) -> str:
    out = [
        "<h2>Conflicting statistics</h2>",
        "<p>Other sources give a different value for the same quantity:</p>",
    ]
    this = statistic_summary(d, iri)  # the same card beside each other value
    for conflict in conflicts[:CAP]:
        out.append(f'<div class="pair">{this}{statistic_summary(d, conflict.other)}</div>')
    out.append(more(len(conflicts), CAP))
    return "\n".join(out)


__all__ = ["Conflict", "PageContext", "entity_page", "statistic_summary"]
