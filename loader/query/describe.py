"""Everything the graph says about one thing, in words, with the source and quote of each claim.

``tradekg show`` and the library start here. The description is read from the built store by
index look-ups, each made once (:mod:`loader.query.reader`), and a few queries, none of which
knows a class or property by name: what the thing is (its
types), what it says (its own properties, per note graph), and what points at it (grouped by
the pointing thing's class and the property), so a class, property or note a researcher adds
shows up with no change here. Every claim made in a note graph carries that note's source
document, claim status and verbatim quote (``tkg:evidence``); a property with different values
in different notes is flagged as a conflict, both values kept side by side, and a statistic
that another source states with another value is flagged with that statistic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from loader.namespaces import (
    NOTE_GRAPH_PREFIX,
    OA,
    OWL_SAME_AS,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    TKG,
    note_key_of,
)
from loader.problems import InputError
from loader.query.output import plain, short_iri
from loader.query.places import Place, quote_places
from loader.query.reader import Reader

#: What each claim of a statement is tied to (read for the thing and everything pointing at it).
_PROVENANCE = {
    "type": RDF + "type",
    "status": TKG + "claimStatus",
    "source": PROV + "wasDerivedFrom",
    "quote": TKG + "evidence",
    "reportedAs": TKG + "reportedAs",
}
#: Names: two sources giving a thing two names is no conflict.
_NAMES = frozenset({RDFS + "label", SKOS + "altLabel", SKOS + "prefLabel", SKOS + "hiddenLabel"})
#: Properties shown in the heading or as provenance, not again among the facts.
_NOT_FACTS = frozenset({RDF + "type", RDFS + "label", *_PROVENANCE.values()})
_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
#: Shows a term as a :class:`Value` (its label when it has one).
_Shown = Callable[[_Term], "Value"]
#: How many things pointing at the subject are shown per group (the rest are counted).
DEFAULT_LIMIT = 25


@dataclass(frozen=True)
class Value:
    """A value as people read it, with the IRI to follow when it is a thing."""

    text: str
    iri: str | None = None


@dataclass
class Provenance:
    """Where a statement comes from: its note graph, source, claim status and quotes."""

    note: str | None = None
    source: Value | None = None
    status: str | None = None
    reported_as: str | None = None
    quotes: list[str] = field(default_factory=list)
    #: quote → (start, end) character offsets in the archived source text, where the build
    #: proved it (from the statement's Web Annotation)
    places: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass
class Fact:
    """One property of the thing with its values; ``conflict`` when notes disagree."""

    property: Value
    values: list[tuple[Value, str | None]]  # (value, note graph it is stated in)
    conflict: bool = False


@dataclass
class Mention:
    """Something that points at the thing, with the provenance of that statement."""

    thing: Value
    kinds: list[str]
    provenance: Provenance
    #: other statistics that state the same quantity with another value (other sources)
    conflicts: list[Value] = field(default_factory=list)


@dataclass
class Group:
    """Things of one class pointing at the subject through one property."""

    kind: str
    property: Value
    total: int
    mentions: list[Mention]


@dataclass
class Description:
    """Everything the graph says about one IRI."""

    iri: str
    label: str
    kinds: list[str]
    facts: list[Fact]
    provenance: list[Provenance]
    groups: list[Group]
    #: for a statistic: the statistics of other sources that give the same quantity otherwise
    conflicts: list[Value] = field(default_factory=list)
    #: the IRIs of things ``sameAs`` merged into this one (owl:sameAs from them to it)
    same_as: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        def value(v: Value | None) -> dict[str, str | None] | None:
            return None if v is None else {"text": v.text, "iri": v.iri}

        def prov(p: Provenance) -> dict[str, object]:
            return {
                "note": p.note,
                "source": value(p.source),
                "status": p.status,
                "reportedAs": p.reported_as,
                "quotes": p.quotes,
                "places": {quote: list(span) for quote, span in p.places.items()},
            }

        return {
            "iri": self.iri,
            "label": self.label,
            "kinds": self.kinds,
            "provenance": [prov(p) for p in self.provenance],
            "conflictsWith": [value(c) for c in self.conflicts],
            "sameAs": self.same_as,
            "facts": [
                {
                    "property": value(f.property),
                    "conflict": f.conflict,
                    "values": [{"value": value(v), "note": g} for v, g in f.values],
                }
                for f in self.facts
            ],
            "pointedAtBy": [
                {
                    "kind": g.kind,
                    "property": value(g.property),
                    "total": g.total,
                    "things": [
                        {
                            "thing": value(m.thing),
                            "kinds": m.kinds,
                            "conflictsWith": [value(c) for c in m.conflicts],
                            "provenance": prov(m.provenance),
                        }
                        for m in g.mentions
                    ],
                }
                for g in self.groups
            ],
        }


def resolve_id(store: ox.Store, text: str, dist_dir: Path) -> str:
    """The IRI that ``text`` names: an id notes use, a prefixed name or IRI, or any name
    (label, alternative label, ISO code, title), through :mod:`loader.query.names`.

    Raises:
        InputError: nothing in the graph is called that (with the closest names), or the
            name names several things (listed with their classes).
    """
    from loader.query.names import NameError_, load_names

    try:
        return load_names(store, dist_dir).resolve(text)
    except NameError_ as error:
        raise InputError([error.problem]) from None


def describe(store: ox.Store, iri: str, *, limit: int | None = DEFAULT_LIMIT) -> Description:
    """Read the description of ``iri`` from ``store`` (see the module docstring).

    What points at the thing is grouped per (class, property) by index look-ups, and only the
    first ``limit`` of each group (by label) are read in detail, so a party that thousands
    of measures name is described as fast as one that few name. Each look-up of the store
    costs tens of microseconds whatever it returns, so every thing read in detail is read
    once, whole (:class:`~loader.query.reader.Reader`), and its labels, classes and
    provenance are taken from that one read.
    """
    read = Reader(store)
    node = f"<{iri}>"
    own = _rows(store, f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {node} ?p ?o }} }}")
    members = _pointing_groups(read, iri)
    # the quotes' annotations point at a statement: they are shown as the quotes' places
    members = {key: found for key, found in members.items() if key[1] != OA + "hasBody"}
    # the IRIs merged into this thing are other names of it, not things pointing at it
    same_as = sorted(s for key, found in members.items() if key[1] == OWL_SAME_AS for s in found)
    members = {key: found for key, found in members.items() if key[1] != OWL_SAME_AS}
    shown_of = {key: _first(read, found, limit) for key, found in members.items()}
    pointing = sorted({s for subjects in shown_of.values() for s in subjects})
    details = _provenance_rows(read, [iri, *pointing])
    kinds_of: dict[str, set[str]] = {
        subject: read.most_specific(
            {o.value for p, o, _ in rows if p == RDF + "type" and isinstance(o, ox.NamedNode)}
        )
        for subject, rows in details.items()
    }

    statistic = TKG + "Statistic"
    having: dict[tuple[str, _Term], set[_Term]] = {}  # shared by the look-ups below
    conflicts = {
        s: _conflicting(read, s, having)
        for s in [iri, *pointing]
        if statistic in kinds_of.get(s, set())
    }

    wanted = {iri, *pointing, *(c for found in conflicts.values() for c in found)}
    wanted |= {p.value for p, _, _ in own if isinstance(p, ox.NamedNode)}
    wanted |= {o.value for _, o, _ in own if isinstance(o, ox.NamedNode)}
    wanted |= {k for kinds in kinds_of.values() for k in kinds}
    wanted |= {k for k, _ in members if k} | {via for _, via in members}
    wanted |= {
        o.value for rows in details.values() for _, o, _ in rows if isinstance(o, ox.NamedNode)
    }
    labels = read.labels(wanted)

    def name(iri: str) -> str:
        return labels.get(iri) or short_iri(iri)

    def shown(term: _Term) -> Value:
        return (
            Value(name(term.value), term.value)
            if isinstance(term, ox.NamedNode)
            else Value(plain(term))
        )

    units = _units(store, own)

    def shown_fact(term: _Term, prop: str) -> Value:
        return _with_unit(shown(term), term, units.get(prop))

    # a thing pointing at the subject is stated in one note: its first record
    records = {s: (_provenance(details.get(s, []), shown) or [Provenance()])[0] for s in pointing}
    own_records = _provenance(details.get(iri, []), shown)
    quoted = [s for s, record in records.items() if record.quotes]
    places = quote_places(read, [*quoted, iri] if any(r.quotes for r in own_records) else quoted)

    groups = []
    for kind, via in sorted(
        members, key=lambda key: ((labels.get(key[0]) or key[0]).lower(), key[1])
    ):
        mentions = [
            Mention(
                thing=Value(name(s), s),
                kinds=sorted(name(k) for k in kinds_of.get(s, set())),
                provenance=_placed(_copy(records[s]), places.get(s, [])),
                conflicts=[shown(ox.NamedNode(c)) for c in conflicts.get(s, [])],
            )
            for s in shown_of[(kind, via)]
        ]
        groups.append(
            Group(
                kind=name(kind) if kind else "thing",
                property=Value(name(via), via),
                total=len(members[(kind, via)]),
                mentions=mentions,
            )
        )
    return Description(
        iri=iri,
        label=name(iri),
        kinds=sorted(name(k) for k in kinds_of.get(iri, set())),
        facts=_facts(own, shown_fact),
        provenance=[_placed(p, places.get(iri, [])) for p in own_records],
        groups=groups,
        conflicts=[shown(ox.NamedNode(c)) for c in conflicts.get(iri, [])],
        same_as=same_as,
    )


def _conflicting(
    read: Reader, statistic: str, having: dict[tuple[str, _Term], set[_Term]]
) -> list[str]:
    """The statistics that contradict ``statistic``: the rule of the saved query
    ``conflicting-statistics``, asked for one statistic by index look-ups.

    Same kind and unit between the same parties (either way round; a balance seen from the
    other side has its sign flipped), the same or an unstated period, another source, another
    value. (As one SPARQL query Oxigraph evaluates the either-way-round UNION over every
    statistic: 0.7 s each at 10,000 notes, against milliseconds here.)
    """

    def values(subject: ox.NamedNode, local: str, ns: str = TKG) -> set[_Term]:
        # a statistic compared is read whole: most of its properties are asked for
        return set(read.objects(subject, ns + local, whole=True))

    def one(subject: ox.NamedNode, local: str, ns: str = TKG) -> _Term | None:
        found = values(subject, local, ns)
        return next(iter(found)) if len(found) == 1 else None

    me = ox.NamedNode(statistic)
    kind, unit = one(me, "statisticKind"), one(me, "unit")
    reporter, partner = one(me, "reporter"), one(me, "partner")
    value, source = one(me, "value", SCHEMA), one(me, "wasDerivedFrom", PROV)
    if None in (kind, unit, reporter, partner, value, source) or not isinstance(value, ox.Literal):
        return []
    period = one(me, "referencePeriod")
    signed = kind == ox.NamedNode(TKG + "statistic-kind-trade-balance")
    found: set[str] = set()

    def subjects(local: str, obj: _Term) -> set[_Term]:
        """Things whose ``local`` property is ``obj`` (kept in ``having`` across calls)."""
        key = (local, obj)
        if key not in having:
            prop = ox.NamedNode(TKG + local)
            having[key] = {q.subject for q in read.store.quads_for_pattern(None, prop, obj, None)}
        return having[key]

    for swapped, (r, p) in ((False, (reporter, partner)), (True, (partner, reporter))):
        assert r is not None and p is not None
        for other in subjects("reporter", r) & subjects("partner", p):
            if not isinstance(other, ox.NamedNode) or other == me:
                continue
            if one(other, "partner") != p or one(other, "statisticKind") != kind:
                continue
            if one(other, "unit") != unit or one(other, "wasDerivedFrom", PROV) in (None, source):
                continue
            if TKG + "Statistic" not in {_plain_text(t) for t in values(other, "type", RDF)}:
                continue
            theirs = one(other, "referencePeriod")
            if (
                period is not None
                and theirs is not None
                and _plain_text(theirs) != _plain_text(period)
            ):
                continue
            other_value = one(other, "value", SCHEMA)
            if not isinstance(other_value, ox.Literal):
                continue
            mine, yours = _number(value), _number(other_value)
            if mine is None or yours is None:
                differs = value.value != other_value.value
            else:
                differs = mine != (-yours if swapped and signed else yours)
            if differs:
                found.add(other.value)
    return sorted(found)


def _plain_text(term: _Term) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else str(term)


def _number(literal: ox.Literal) -> Decimal | None:
    """A literal's number (so 1.0 equals 1, as SPARQL compares them), else None."""
    try:
        return Decimal(literal.value)
    except InvalidOperation:
        return None


def _pointing_groups(read: Reader, iri: str) -> dict[tuple[str, str], list[str]]:
    """(class IRI or "", property IRI) → the things that point at ``iri`` through it.

    Each thing is counted in the group of its least class IRI (one group per thing). Index
    look-ups, not a query: Oxigraph would group every pointing thing once per group asked.
    """
    groups: dict[tuple[str, str], set[str]] = {}
    kinds: dict[ox.NamedNode, str] = {}
    for quad in read.store.quads_for_pattern(None, None, ox.NamedNode(iri), None):
        subject = quad.subject
        if not isinstance(subject, ox.NamedNode):
            continue
        if subject not in kinds:
            types = [
                o.value for o in read.objects(subject, RDF + "type") if isinstance(o, ox.NamedNode)
            ]
            kinds[subject] = min(read.most_specific(set(types))) if types else ""
        groups.setdefault((kinds[subject], quad.predicate.value), set()).add(subject.value)
    return {key: sorted(found) for key, found in groups.items()}


def _first(read: Reader, things: list[str], limit: int | None) -> list[str]:
    """The first ``limit`` of ``things`` by label (case-insensitive, least label), then IRI.

    When all of them are shown they are read whole here (they are read in detail next).
    """
    whole = limit is None or len(things) <= limit

    def key(iri: str) -> tuple[str, str]:
        labels = [
            o.value.lower()
            for o in read.objects(ox.NamedNode(iri), RDFS + "label", whole=whole)
            if isinstance(o, ox.Literal)
        ]
        return (min(labels) if labels else "", iri)

    ordered = sorted(things, key=key)
    return ordered if limit is None else ordered[:limit]


_Row = tuple[_Term, ...]
_Detail = tuple[str, _Term, str]  # (property, value, graph)


def _rows(store: ox.Store, sparql: str) -> list[_Row]:
    answer = store.query(sparql)
    if not isinstance(answer, ox.QuerySolutions):
        return []
    names = [v.value for v in answer.variables]
    return [tuple(row[name] for name in names) for row in answer]


def _provenance_rows(read: Reader, subjects: Iterable[str]) -> dict[str, list[_Detail]]:
    """Subject → (property, value, graph) for the type and provenance properties.

    One whole read per subject (its labels are then known too), by property in the order of
    :data:`_PROVENANCE`.
    """
    found: dict[str, list[_Detail]] = {}
    for subject in subjects:
        quads = read.quads(ox.NamedNode(subject))
        found[subject] = [
            (prop, quad.object, _graph(quad.graph_name))
            for prop in _PROVENANCE.values()
            for quad in quads
            if quad.predicate.value == prop
        ]
    return found


def _graph(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode) else ""


def _provenance(rows: list[_Detail], shown: _Shown) -> list[Provenance]:
    """One :class:`Provenance` per note graph that states something about the subject."""
    by_graph: dict[str, Provenance] = {}
    for prop, value, graph in sorted(rows, key=lambda r: (r[2], r[0], str(r[1]))):
        if not graph.startswith(NOTE_GRAPH_PREFIX) or prop == RDF + "type":
            continue
        record = by_graph.setdefault(graph, Provenance(note=note_key_of(graph)))
        if prop == _PROVENANCE["source"]:
            record.source = shown(value)
        elif prop == _PROVENANCE["status"]:
            record.status = shown(value).text
        elif prop == _PROVENANCE["reportedAs"]:
            record.reported_as = plain(value)
        elif prop == _PROVENANCE["quote"]:
            record.quotes.append(plain(value))
    return list(by_graph.values())


def _placed(record: Provenance, places: list[Place]) -> Provenance:
    """Add where each quote stands in its source text (the first place of each quote)."""
    if record.quotes:
        for quote, span in places:
            record.places.setdefault(quote, span)
    return record


def _copy(record: Provenance) -> Provenance:
    """A record of its own for each mention (a thing can point at the subject twice)."""
    return replace(record, quotes=list(record.quotes), places=dict(record.places))


#: A property matched to QUDT's percent holds percentages (tkg:rate: 19 means 19 %).
_PERCENT = "http://qudt.org/vocab/unit/PERCENT"


def _units(store: ox.Store, own: list[_Row]) -> dict[str, str]:
    """Property → unit notation for the numbers among the thing's facts.

    A property aligned with QUDT's percent is in percent; otherwise a thing that states its
    ``tkg:unit`` (a statistic, a pledge) gives that unit to its numbers.
    """
    props = sorted({p.value for p, _, _ in own if isinstance(p, ox.NamedNode)})
    unit_iris = [
        o.value
        for p, o, _ in own
        if p == ox.NamedNode(TKG + "unit") and isinstance(o, ox.NamedNode)
    ]
    notation = ""
    if unit_iris:
        found = _rows(
            store,
            f"SELECT ?n WHERE {{ GRAPH ?g {{ <{unit_iris[0]}> <{SKOS}notation> ?n }} }}",
        )
        notation = found[0][0].value if found and isinstance(found[0][0], ox.Literal) else ""
    percent = set()
    if props:
        values = " ".join(f"<{p}>" for p in props)
        percent = {
            row[0].value
            for row in _rows(
                store,
                f"SELECT ?p WHERE {{ VALUES ?p {{ {values} }} GRAPH ?g {{ ?p ?m <{_PERCENT}> "
                f"FILTER(?m IN (<{SKOS}closeMatch>, <{SKOS}exactMatch>)) }} }}",
            )
            if isinstance(row[0], ox.NamedNode)
        }
    return {p: ("percent" if p in percent else notation) for p in props if p in percent or notation}


def _with_unit(value: Value, term: _Term, unit: str | None) -> Value:
    if not unit or not isinstance(term, ox.Literal):
        return value
    from loader.query.output import with_unit

    return Value(with_unit(term, unit))


def _facts(own: list[_Row], shown: Callable[[_Term, str], Value]) -> list[Fact]:
    """The subject's own properties, values grouped per property, conflicts flagged."""
    by_property: dict[str, list[tuple[Value, str | None]]] = {}
    for prop, value, graph in own:
        if not isinstance(prop, ox.NamedNode) or prop.value in _NOT_FACTS:
            continue
        g = _graph(graph)
        note = note_key_of(g) if g.startswith(NOTE_GRAPH_PREFIX) else None
        shown_value = shown(value, prop.value)
        entries = by_property.setdefault(prop.value, [])
        if (shown_value, note) not in entries:
            entries.append((shown_value, note))
    facts = []
    for prop_iri, entries in by_property.items():
        sets: dict[str, set[str]] = {}  # note → the values it gives
        for shown_value, note in entries:
            if note is not None:
                sets.setdefault(note, set()).add(shown_value.text)
        # a conflict: sources that each give one value, and not the same one (sources that
        # give several values, or names, add to each other)
        distinct = {frozenset(values) for values in sets.values()}
        conflict = (
            prop_iri not in _NAMES
            and len(distinct) > 1
            and all(len(values) == 1 for values in distinct)
        )
        facts.append(
            Fact(property=shown(ox.NamedNode(prop_iri), ""), values=entries, conflict=conflict)
        )
    facts.sort(key=lambda f: f.property.text.lower())
    return facts
